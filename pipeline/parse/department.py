"""The department-level targets (部门整体绩效目标) written as prose before the project tables.

A township's document opens with 一、总体绩效目标 (one paragraph or two), 二、分项绩效目标 (sub-goals,
each a heading and 绩效目标：/绩效指标： paragraphs) and 三、工作保障措施. ``department_targets``
reads them from ``doc.lines`` only, so it works whatever the layout of the tables that follow.

Decisions, so that every reader of ``fct_department_target`` can rely on them:

* Section. 总体绩效目标 gives one row (``goal_no`` 0, ``clause`` null, ``goal_text`` its paragraphs);
  every sub-goal of 分项绩效目标 gives one row per clause of its 绩效指标 paragraph, or one row with
  ``clause`` null (``value_kind`` ``missing``) when it has none. The sections end at 工作保障措施,
  at 第二部分, or at a 绩效目标表 title.
* Sub-goal headings are short numbered lines (``一、…``, ``（一）…``, ``1、…``, ``1.…``, with or
  without markdown ``#``), or short unnumbered lines ending in 绩效目标 (``人员类经费绩效目标``).
  ``项目绩效目标`` is not a sub-goal: what follows it are project paragraphs (prose projects), read
  by no one here. ``goal_no`` counts sub-goals 1..n in order; ``goal_title`` is the heading, number
  and trailing 。 removed.
* ``goal_text`` is the 绩效目标： paragraph and the paragraphs continuing it (a paragraph cut by a
  page break); without a 绩效目标： label, the sub-goal's unlabelled paragraphs. Hyphen-joined
  indicator exports (``数量指标-…-≥-99.00-百分比-…``) are not goal text.
* Clauses. The 绩效指标 paragraph is cut on ``；`` ``;`` ``。``; a part is further cut on ``，``
  only when two or more of its comma pieces carry a number — then every piece is a clause (the
  ones without a number are qualitative). A part with one number stays whole, so context such as
  ``与上年度相比，居民热线投诉降低率≥50%`` stays with its measure.
* Typing. A clause without a digit is ``qualitative`` with no comparator. Otherwise the value part
  starts at the first digit, extended back over a comparator written just before it (大于, 不少于,
  达到, ≥ …, LaTeX ``\\geq`` included), and ``parse_value`` reads it (units, 以上, dates as for
  indicator values). A number read with no comparator written is an equality target (``=``):
  ``非法进京上访案件 0 起`` → (``=``, 0, ``起``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pipeline.core.comparators import trailing_comparator
from pipeline.core.text import CACHED_STRINGS, clean_text, may_keep
from pipeline.core.types import RawDocument, fields_set_directly
from pipeline.parse.values import normalise_value_text, parse_value

SECTION_OVERALL: Final = "总体绩效目标"
SECTION_SUB_GOALS: Final = "分项绩效目标"
SECTION_HEADINGS: Final = (SECTION_OVERALL, SECTION_SUB_GOALS)
MAX_HEADING_CHARS: Final = 40
MIN_HYPHEN_PARTS: Final = 4

_NUMBER_PREFIX: Final = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}\s*[、.．](?!\d))"
_NUMBERED: Final = re.compile(rf"^{_NUMBER_PREFIX}\s*(?P<title>.*)$")
_LABEL: Final = re.compile(rf"^(?:{_NUMBER_PREFIX})?\s*(?P<label>绩效目标|绩效指标)\s*[:：]\s*(?P<body>.*)$")
_OVERALL_HEADING: Final = re.compile(rf"^(?:{_NUMBER_PREFIX})?\s*总体绩效目标$")
_SUB_HEADING: Final = re.compile(rf"^(?:{_NUMBER_PREFIX})?\s*分项绩效目标$")
_END: Final = re.compile(rf"^(?:(?:{_NUMBER_PREFIX})?\s*(?:\d{{4}}\s*年)?工作保障措施|第二部分).*$|绩效目标表")
_YEAR_SUBHEADING: Final = re.compile(r"^\d{4}\s*年\s*(?:总体|分项)绩效目标$")
_PROJECT_GROUP: Final = "项目绩效目标"
_PARTS: Final = re.compile(r"[；;。]")
_COMMA: Final = re.compile(r"[，,]")
_DIGIT: Final = re.compile(r"\d")


@fields_set_directly
@dataclass(frozen=True)
class DepartmentTarget:
    """One measurable clause of a sub-goal (or the sub-goal / overall goal itself), as written and typed."""

    section: str
    goal_no: int
    goal_title: str | None
    goal_text: str | None
    clause: str | None
    comparator: str | None
    value_num: float | None
    value_unit: str | None
    value_kind: str
    source_line: int


@dataclass
class _Goal:
    title: str | None
    line: int
    goal_parts: list[str]
    plain_parts: list[str]
    indicator_parts: list[str]
    indicator_line: int | None = None
    reading: str | None = None
    """Which labelled paragraph continuation lines belong to: 绩效目标, 绩效指标 or None."""


def _is_hyphen_export(text: str) -> bool:
    return text.count("-") >= MIN_HYPHEN_PARTS and "指标-" in text


def _heading_title(text: str) -> str | None:
    """The title of a sub-goal heading line, or None when the line is not one."""
    if len(text) > MAX_HEADING_CHARS or _YEAR_SUBHEADING.match(text):
        return None
    numbered = _NUMBERED.match(text)
    if numbered:
        title = numbered.group("title").strip()
        return title.rstrip("。.：:") or None
    if text.endswith("绩效目标") and "：" not in text and "，" not in text:
        return text
    return None


@lru_cache(maxsize=CACHED_STRINGS)
def _type_clause(clause: str) -> tuple[str | None, float | None, str | None, str]:
    """(comparator, value_num, value_unit, value_kind) of one clause; see the module docstring.

    Remembered, as ``parse_value`` is: the same clauses recur across the documents of a county
    (``群众满意率达到98%以上``), and typing one (normalising it, looking for its comparator) cost
    half of reading a document's section."""
    text = normalise_value_text(clause)
    digit = _DIGIT.search(text)
    if digit is None:
        return None, None, None, "qualitative"
    start = digit.start()
    lead = text[:start]
    start -= len(trailing_comparator(lead) or "")
    value = parse_value(text[start:])
    comparator = value.comparator
    if comparator is None and value.value_num is not None:
        comparator = "="
    return comparator, value.value_num, value.value_unit, value.value_kind


def split_clauses(paragraph: str) -> list[str]:
    """The clauses of a 绩效指标 paragraph (see the module docstring for where it is cut)."""
    clauses: list[str] = []
    for part in _PARTS.split(paragraph):
        part = part.strip(" ，,、")
        if not part:
            continue
        if _COMMA.search(part) is None:  # one piece, so not two that carry a number: stays whole (most parts)
            clauses.append(part)
            continue
        pieces = [p.strip() for p in _COMMA.split(part) if p.strip()]
        if sum(1 for p in pieces if _DIGIT.search(p)) >= 2:
            clauses.extend(pieces)
        else:
            clauses.append(part)
    return clauses


def _lines(doc: RawDocument) -> Iterator[tuple[int, str]]:
    """Cleaned, non-empty lines from the first that may be a section heading, as they are read: the
    lines before it start nothing, and those after the section's end are not read at all."""
    start = next((i for i, raw in enumerate(doc.lines) if _may_start_section(raw)), len(doc.lines))
    for no, raw in enumerate(doc.lines[start:], start=start + 1):
        if text := clean_text(raw):
            yield no, text


def _may_start_section(raw: str) -> bool:
    return any(may_keep(raw, heading) for heading in SECTION_HEADINGS)


def _goal_rows(goal_no: int, goal: _Goal) -> list[DepartmentTarget]:
    goal_text = "".join(goal.goal_parts or goal.plain_parts) or None
    paragraph = "".join(goal.indicator_parts)
    clauses = split_clauses(paragraph) if paragraph else []
    if not clauses:
        return [
            DepartmentTarget(
                SECTION_SUB_GOALS, goal_no, goal.title, goal_text, None, None, None, None, "missing", goal.line
            )
        ]
    line = goal.indicator_line or goal.line
    return [
        DepartmentTarget(SECTION_SUB_GOALS, goal_no, goal.title, goal_text, clause, *_type_clause(clause), line)
        for clause in clauses
    ]


def _add_line(goal: _Goal, no: int, text: str, label: re.Match[str] | None) -> None:
    """A line of a sub-goal; ``label``: ``_LABEL`` matched on it (a 绩效目标： or 绩效指标： paragraph)."""
    if label:
        goal.reading = label.group("label")
        body = label.group("body").strip()
        if goal.reading == "绩效目标":
            goal.goal_parts.append(body)
        else:
            goal.indicator_line = goal.indicator_line or no
            goal.indicator_parts.append(body if not goal.indicator_parts else "；" + body)
    elif goal.reading == "绩效目标":
        goal.goal_parts.append(text)
    elif goal.reading == "绩效指标":
        goal.indicator_parts.append(text)
    elif not _is_hyphen_export(text):
        goal.plain_parts.append(text)


def department_targets(doc: RawDocument) -> list[DepartmentTarget]:
    """The overall target and every sub-goal clause of a document; empty when it has no such section."""
    rows: list[DepartmentTarget] = []
    section: str | None = None
    overall: list[str] = []
    overall_line: int | None = None
    goals: list[_Goal] = []
    current: _Goal | None = None
    for no, text in _lines(doc):  # the cheap tests of each condition first: they fail on most lines
        if section is None and _OVERALL_HEADING.match(text):
            section, overall_line = SECTION_OVERALL, no
            continue
        if section in (None, SECTION_OVERALL) and _SUB_HEADING.match(text):
            section = SECTION_SUB_GOALS
            continue
        if section is not None and len(text) <= MAX_HEADING_CHARS and _END.search(text):
            break
        if section == SECTION_OVERALL:
            if not _YEAR_SUBHEADING.match(text):
                overall.append(text)
        elif section == SECTION_SUB_GOALS:
            if text == _PROJECT_GROUP:
                current = None
                continue
            label = _LABEL.match(text)
            title = None if label else _heading_title(text)
            if title is not None:
                current = _Goal(title, no, [], [], [])
                goals.append(current)
            elif current is not None:
                _add_line(current, no, text, label)
    if overall_line is not None and overall:
        rows.append(
            DepartmentTarget(
                SECTION_OVERALL, 0, SECTION_OVERALL, "".join(overall), None, None, None, None, "missing", overall_line
            )
        )
    for goal_no, goal in enumerate(goals, start=1):
        rows.extend(_goal_rows(goal_no, goal))
    return rows
