"""Project targets written as prose instead of a 绩效目标表 grid.

Two ways of writing a project's indicators in running text occur, often in documents that also
hold tables:

* hyphen-joined exports of a budget system, one statement per project, items separated by ``，``
  (``数量指标-按照人数发放-…-发放人数-≥-99.00-百分比-发放人数占应发比重，时效指标-…``);
* colon lists from a template, one statement per level-2 category, items separated by ``；``
  (``数量指标：★新建温棚数量(≥**栋)>=6栋；验收合格率(≥**%)>=90；``), ★ marking a core indicator and
  ``**`` a placeholder the clerk never filled in.

A project is announced by a budget sentence (``1.信访维稳（保险）年初安排30000元，…资金支出进度为三月底、
六月底、九月底、十二月底分别达到25%、50%、75%、100%``, ``2.村级道路硬化项目，预算资金35.5万元，…``), by a ``项目名称：`` label (its budget from a
``预算资金：`` / ``项目资金：`` line, its goals from ``绩效目标：``), or, failing both, by the short heading line before its first
statement. Statements belong to the project announced last. A heading line right before a budget
sentence names the project when the two names are alike (``人员类经费绩效目标`` over
``人员经费年初安排…``): the heading is the title, the sentence's subject a paraphrase; and when the
sentence names nothing (``该项目年初预算安排…``).

Decisions, so that every reader of the warehouse can rely on them:

* Hyphen items. A ``，`` starts a new item only when what follows starts with a category name
  (``质量指标-``, ``服务对象满意度-``); otherwise the comma is part of the item (``…安全运行，增加企业
  经济效益-≥-95.00-…``). In an item the value is the first comparator with its number (and the unit
  after it when it is a known unit): ``≥-99.00-百分比``. Before it, the first part is the level 3 and
  the rest the description; after it, the basis. Without a comparator, ``文字描述-`` introduces a
  qualitative value, else the first part that reads as a number or date is the value.
* Colon items are cut on ``；`` (and on ``，`` when every comma piece holds a number); an item that
  starts with a category and a colon (``…；2.质量指标：验收合格率≥90%``) switches the level 2.
  ``name(template)value``: the name is the level 3; the value as written, with the
  template's unit added when the value has none (``验收合格率(≥**%)>=90`` → ``>=90%``); the
  description keeps the item exactly as written, template and ★ included.
* Level 1 comes from a level-1 name written before the level 2 (``产出指标：数量指标：…``) or a
  level-1 heading line (``一、产出指标``); otherwise the normalise step infers it from level 2.
* Lines. Text layers of PDF and Word wrap paragraphs: a line of at least ``MIN_WRAPPED_CHARS``
  that does not end a sentence goes on in the next line, unless that one starts something of its
  own (a colon statement, a budget sentence, a numbered or labelled line). A spending plan in a
  paragraph after the budget sentence still belongs to its project.
* An item equal to one the project already has is dropped (a repeated line), as the form reader
  drops a repeated table row.
* Confidence is 0.6 + 0.4 × (items with a value / items); no statement after a project, no claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from pipeline.normalise.categories import LEVEL1_NAMES, LEVEL2_ALIASES, LEVEL2_NAMES
from pipeline.normalise.links import NAME_SIMILARITY, name_similarity
from pipeline.normalise.text import LIST_NUMBER, clean_text, without_list_number
from pipeline.normalise.values import is_unit, parse_value
from pipeline.types import (
    CORE_MARK,
    Extraction,
    IndicatorRecord,
    Locator,
    ProjectRecord,
    RawDocument,
    Row,
    SpendPlan,
)

NAME: Final = "prose_targets"
BASE_CONFIDENCE: Final = 0.6
VALUED_WEIGHT: Final = 0.4
MAX_HEADING_CHARS: Final = 40
MIN_WRAPPED_CHARS: Final = 25
"""A line this long that does not end a sentence may go on in the next line (a wrapped paragraph)."""
_INDICATOR_SUFFIX: Final = "指标"
_VALUED_KINDS: Final = frozenset({"quantitative", "date"})


def _stems(names: tuple[str, ...]) -> list[str]:
    return sorted({name.removesuffix(_INDICATOR_SUFFIX) for name in names}, key=lambda s: (-len(s), s))


_LEVEL1: Final = "|".join(map(re.escape, _stems(LEVEL1_NAMES)))
_CATEGORY: Final = "|".join(map(re.escape, _stems((*LEVEL2_NAMES, *LEVEL2_ALIASES, *LEVEL1_NAMES))))
_CMP: Final = r"(?:≥|≤|≧|≦|>=|<=|=>|＞=|＜=|=|＝|>|<|＞|＜)"

_NUMBERED_START: Final = re.compile(rf"^{LIST_NUMBER}")
_PARAGRAPH_END: Final = frozenset("。；;：:！!？?")
"""Characters that end a paragraph's last line (not ".": a wrap may cut 99.00 after its point)."""
_HYPHEN_START: Final = re.compile(rf"^(?P<cat>(?:{_CATEGORY})(?:指标)?)\s*-")
_COLON_STATEMENT: Final = re.compile(
    rf"^(?:(?P<l1>(?:{_LEVEL1})指标)\s*[：:]\s*(?:{LIST_NUMBER})?\s*)?(?P<cat>(?:{_CATEGORY})(?:指标)?)\s*[：:]\s*(?P<items>.*\S.*)$"
)
_LEVEL1_HEADING: Final = re.compile(rf"^(?P<l1>(?:{_LEVEL1})指标)\s*[：:]?$")
_HYPHEN_VALUE: Final = re.compile(rf"(?P<cmp>{_CMP})\s*-?\s*(?P<num>\d+(?:\.\d+)?)(?:-(?P<unit>[^-，,]{{1,6}}))?")
_FREE_TEXT_VALUE: Final = re.compile(r"文字描述-+(?P<value>[^-]+)")
_COMMA: Final = re.compile(r"[，,]")
_SEMICOLON: Final = re.compile(r"[；;]")
_TEMPLATE: Final = re.compile(r"[(（](?P<template>[^()（）]*)[)）]")
_COLON_VALUE_START: Final = re.compile(rf"{_CMP}|\d")
_TEMPLATE_UNIT: Final = re.compile(rf"^(?:{_CMP})?\s*\**\s*(?P<unit>[^*\d\s]+)$")

_BUDGET_SENTENCE: Final = re.compile(
    rf"^(?:{LIST_NUMBER})?\s*(?P<name>[^，,。；;：:]{{2,60}}?)\s*"
    r"(?:(?:年初|本年|全年|年度)?(?:预算)?安排(?:资金|经费)?|[，,]\s*(?:年度|项目)?(?:预算资金|预算金额|资金总额|总投资))"
    r"(?:为|共)?\s*[：:]?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)"
)
_GENERIC_SUBJECT: Final = re.compile(r"^(?:该|本|此)?(?:项目|经费|资金)$")
"""A budget sentence that names no project (该项目年初安排…): the heading above names it."""
_NAME_LABEL: Final = re.compile(rf"^(?:{LIST_NUMBER})?\s*项目名称\s*[：:]\s*(?P<name>.+)$")
_GOALS_LABEL: Final = re.compile(r"^(?:项目)?(?:绩效目标|年度目标|总体目标)\s*[：:]\s*(?P<goals>\S.*)$")
_BUDGET_LABEL: Final = re.compile(
    r"(?:项目|年度)?(?:预算(?:资金|金额|数)?|资金(?:总额|规模)?|总投资)\s*[：:]\s*"
    r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)"
)
_SPEND_PLAN: Final = re.compile(
    r"(?P<labels>[^，,。：:为]+?)分别(?:达到|为)(?P<shares>\d+(?:\.\d+)?%(?:[、,，]\d+(?:\.\d+)?%)*)"
)
_LIST_SEPARATOR: Final = re.compile(r"[、,，]")
_HEADING_SUFFIX: Final = re.compile(r"(?:项目)?(?:绩效目标表?|绩效指标)[：:]?$")
_SENTENCE_PUNCTUATION: Final = re.compile(r"[，,。；;]")


@dataclass(frozen=True)
class ProseItem:
    """One indicator read from a statement, cells as the table would have them."""

    level1: str | None
    level2: str
    level3: str | None
    description: str | None
    value_text: str | None
    basis: str | None
    is_core: bool


@dataclass
class _Project:
    name: str
    locator: Locator
    budget_text: str | None = None
    amount_unit: str | None = None
    goals: str | None = None
    title: str | None = None
    spend_plan: SpendPlan = ()
    items: list[tuple[ProseItem, Locator]] = field(default_factory=list)

    def add(self, items: list[ProseItem], locator: Locator) -> None:
        """A statement's items, but for those the project already has (a line repeated by a copy or
        a page header), as the form reader drops a repeated table row."""
        seen = {item for item, _ in self.items}
        self.items.extend((item, locator) for item in items if item not in seen)


def _heading_stem(text: str) -> str | None:
    """The name a short heading line gives (``人员类经费绩效目标`` → 人员类经费), or None."""
    if len(text) > MAX_HEADING_CHARS or _SENTENCE_PUNCTUATION.search(text):
        return None
    stem = _HEADING_SUFFIX.sub("", without_list_number(text)).strip()
    return stem or None


# --- items ------------------------------------------------------------------------------------------


def split_hyphen_items(statement: str) -> list[str]:
    """Items of a hyphen statement: a comma starts an item only before a category name."""
    items: list[str] = []
    for piece in _COMMA.split(statement.strip().rstrip("。.；; ")):
        piece = piece.strip()
        if items and not _HYPHEN_START.match(piece):
            items[-1] = f"{items[-1]}，{piece}"
        elif piece:
            items.append(piece)
    return items


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split("-") if part.strip()]


def _head_cells(parts: list[str]) -> tuple[str | None, str | None]:
    """(level 3, description) from the parts written before the value."""
    if not parts:
        return None, None
    return parts[0], "-".join(parts[1:]) or None


def _unit_of(match: re.Match[str]) -> str | None:
    unit = match.group("unit")
    return unit if unit is not None and is_unit(unit.strip()) else None


def hyphen_item(item: str, level1: str | None = None) -> ProseItem:
    """One hyphen-joined item read into cells (see the module docstring)."""
    start = _HYPHEN_START.match(item)
    assert start is not None, "split_hyphen_items only yields items starting with a category"
    level2, rest = start.group("cat"), item[start.end() :]
    core = rest.lstrip("-").startswith(CORE_MARK)
    rest = rest.replace(CORE_MARK, "", 1) if core else rest
    value = _HYPHEN_VALUE.search(rest)
    if value is not None:
        unit = _unit_of(value)
        end = value.end() if unit else value.end("num")
        level3, description = _head_cells(_parts(rest[: value.start()]))
        basis = "-".join(_parts(rest[end:])) or None
        return ProseItem(level1, level2, level3, description, rest[value.start() : end], basis, core)
    free = _FREE_TEXT_VALUE.search(rest)
    if free is not None:
        level3, description = _head_cells(_parts(rest[: free.start()]))
        basis = "-".join(_parts(rest[free.end() :])) or None
        return ProseItem(level1, level2, level3, description, free.group("value").strip(), basis, core)
    parts = _parts(rest)
    for index, part in enumerate(parts[1:], start=1):
        if any(ch.isdigit() for ch in part) and parse_value(part).value_kind in _VALUED_KINDS:
            level3, description = _head_cells(parts[:index])
            return ProseItem(level1, level2, level3, description, part, "-".join(parts[index + 1 :]) or None, core)
    level3, description = _head_cells(parts)
    return ProseItem(level1, level2, level3, description, None, None, core)


def _template_unit(template: str | None) -> str | None:
    if not template:
        return None
    match = _TEMPLATE_UNIT.match(template.strip())
    return match.group("unit") if match and is_unit(match.group("unit")) else None


def colon_item(item: str, level1: str | None, level2: str) -> ProseItem:
    """One ``name(template)value`` item of a colon statement read into cells."""
    written = item.strip()
    body = written.lstrip(CORE_MARK).strip()
    template_match = _TEMPLATE.search(body)
    template = template_match.group("template") if template_match else None
    if template_match is not None:
        name, value = body[: template_match.start()], body[template_match.end() :]
    else:
        start = _COLON_VALUE_START.search(body)
        cut = start.start() if start else len(body)
        name, value = body[:cut], body[cut:]
    value = value.strip()
    unit = _template_unit(template)
    if value and unit and parse_value(value).value_unit is None and parse_value(value + unit).value_unit:
        value += unit
    return ProseItem(level1, level2, name.strip() or None, written, value or None, None, written.startswith(CORE_MARK))


def statement_items(text: str, level1: str | None) -> list[ProseItem] | None:
    """The items of a statement line, or None when the line is not a statement."""
    text = without_list_number(text)
    if _HYPHEN_START.match(text):
        return [hyphen_item(item, level1) for item in split_hyphen_items(text)]
    if _COLON_STATEMENT.match(text) is None:
        return None
    items: list[ProseItem] = []
    level2 = ""
    for piece in _colon_pieces(text):
        heading = _COLON_STATEMENT.match(without_list_number(piece))
        if heading is not None:  # "…；2.质量指标：验收合格率≥90%": a new category inside the line
            level1 = heading.group("l1") or level1
            level2, piece = heading.group("cat"), heading.group("items")
        items.append(colon_item(piece, level1, level2))
    return items


def _colon_pieces(text: str) -> list[str]:
    """A colon statement cut into items: on ``；``, and on ``，`` where every comma piece has a number."""
    pieces: list[str] = []
    for part in _SEMICOLON.split(text.rstrip("。. ")):
        part = part.strip()
        if not part:
            continue
        commas = [p.strip() for p in _COMMA.split(part) if p.strip()]
        numbered = len(commas) > 1 and all(any(ch.isdigit() for ch in p) for p in commas)
        pieces.extend(commas if numbered else [part])
    return pieces


# --- projects ---------------------------------------------------------------------------------------


def spend_plan(text: str) -> SpendPlan:
    """``三月底、六月底…分别达到25%、50%…`` as (label, share) pairs; () when labels and shares differ in number."""
    match = _SPEND_PLAN.search(text)
    if match is None:
        return ()
    labels = [label.strip() for label in _LIST_SEPARATOR.split(match.group("labels")) if label.strip()]
    shares = _LIST_SEPARATOR.split(match.group("shares"))
    return tuple(zip(labels, shares, strict=True)) if len(labels) == len(shares) else ()


def _sentence_project(text: str, locator: Locator, heading: str | None) -> _Project | None:
    """A project announced by a budget sentence, named by the heading before it when alike (or when
    the sentence only says 该项目)."""
    match = _BUDGET_SENTENCE.match(text)
    if match is None:
        return None
    name = match.group("name").strip()
    alike = heading is not None and (_GENERIC_SUBJECT.match(name) or name_similarity(heading, name) >= NAME_SIMILARITY)
    title = heading if alike else None
    return _Project(
        name=title or name,
        locator=locator,
        budget_text=match.group("amount"),
        amount_unit=match.group("unit"),
        goals=text,
        title=title,
        spend_plan=spend_plan(text),
    )


@dataclass
class _Reader:
    """Walks the lines once, keeping the project being read and the context before it."""

    projects: list[_Project] = field(default_factory=list)
    current: _Project | None = None
    heading: str | None = None
    level1: str | None = None

    def _start(self, project: _Project) -> None:
        self.current = project
        self.projects.append(project)
        self.level1 = None

    @staticmethod
    def _details(project: _Project, text: str) -> None:
        """A line after a project's announcement: its ``预算资金：``, ``绩效目标：`` or spending plan."""
        if project.budget_text is None and (budget := _BUDGET_LABEL.search(text)):
            project.budget_text, project.amount_unit = budget.group("amount"), budget.group("unit")
        elif project.goals is None and (goals := _GOALS_LABEL.match(text)):
            project.goals = goals.group("goals")
        elif not project.spend_plan and not project.items:
            project.spend_plan = spend_plan(text)

    def read(self, locator: Locator, text: str) -> None:
        sentence = _sentence_project(text, locator, self.heading)
        if sentence is not None:
            self._start(sentence)
        elif (label := _NAME_LABEL.match(text)) is not None:
            self._start(_Project(name=label.group("name").strip(), locator=locator))
        elif (items := statement_items(text, self.level1)) is not None:
            if self.current is None and self.heading is not None:
                self._start(_Project(name=self.heading, locator=locator))
            if self.current is not None:
                self.current.add(items, locator)
        elif (level1 := _LEVEL1_HEADING.match(without_list_number(text))) is not None:
            self.level1 = level1.group("l1")
        elif self.current is not None:
            self._details(self.current, text)
        self.heading = _heading_stem(text)


def _is_table_line(raw: str) -> bool:
    """A line of a serialised grid (tab cells, pipe rows, HTML cells): tables are other layouts' work."""
    return (
        raw.startswith("\t")
        or "\t" in raw.strip()
        or raw.lstrip().startswith("|")
        or ("<" in raw and "<td" in raw.lower())  # lower-casing only the lines that can hold a tag
    )


def _starts_block(text: str) -> bool:
    """A line that begins something of its own: a colon statement, a budget sentence, a numbered or
    labelled line, a heading.

    A line starting like a hyphen item (``成本-…``) is not one: a wrap can cut an item just there,
    and joining it to a statement that really ended is harmless (items are cut on ``，`` anyway).
    """
    return bool(
        _COLON_STATEMENT.match(text)
        or _NUMBERED_START.match(text)
        or _BUDGET_SENTENCE.match(text)
        or _NAME_LABEL.match(text)
        or _LEVEL1_HEADING.match(text)
    )


def _continues(previous_line: str, text: str) -> bool:
    """``text`` is the rest of the line before it, cut by a wrap (PDF and Word text layers wrap paragraphs)."""
    return (
        len(previous_line) >= MIN_WRAPPED_CHARS and previous_line[-1] not in _PARAGRAPH_END and not _starts_block(text)
    )


def _wrap_gap(first: str, second: str) -> str:
    """What goes between two pieces of a wrapped line: nothing, but a space between two Latin letters."""
    latin = first[-1].isascii() and first[-1].isalpha() and second[0].isascii() and second[0].isalpha()
    return " " if latin else ""


@dataclass
class _Paragraph:
    """Lines of one paragraph as they come; joined once at the end (joining as they come is quadratic)."""

    locator: Locator
    pieces: list[str]
    last_line: str

    def add(self, line: str) -> None:
        self.pieces.extend((_wrap_gap(self.last_line, line), line))
        self.last_line = line

    def text(self) -> str:
        return "".join(self.pieces)


def _text_lines(doc: RawDocument) -> Iterator[tuple[Locator, str] | None]:
    """The running text outside the tables, where it is: a binary reader's text blocks (PDF pages,
    Word paragraphs) when it gave tables, else the lines of a text file without its grid lines.
    None for a line without running text (blank, or a grid line): it only ends a paragraph, so it
    gets no locator (most lines of a tabular document are such)."""
    if any(isinstance(block, Row) for block in doc.blocks):
        for block in doc.blocks:
            text = "" if isinstance(block, Row) else clean_text(block.text)
            yield (block.locator, text) if text else None
        return
    for number, raw in enumerate(doc.lines, start=1):
        text = "" if _is_table_line(raw) else clean_text(raw)
        yield (Locator(line=number), text) if text else None


def _paragraphs(doc: RawDocument) -> Iterator[tuple[Locator, str]]:
    """(where it starts, text) of each paragraph outside the tables, wrapped lines joined."""
    pending: _Paragraph | None = None
    for line in _text_lines(doc):
        if pending is not None and line is not None and _continues(pending.last_line, line[1]):
            pending.add(line[1])
            continue
        if pending is not None:
            yield pending.locator, pending.text()
        pending = _Paragraph(line[0], [line[1]], line[1]) if line is not None else None
    if pending is not None:
        yield pending.locator, pending.text()


def read_prose(doc: RawDocument) -> list[_Project]:
    """Every project with at least one statement, in document order."""
    reader = _Reader()
    for locator, text in _paragraphs(doc):
        reader.read(locator, text)
    return [project for project in reader.projects if project.items]


def _records(projects: list[_Project]) -> tuple[tuple[ProjectRecord, ...], tuple[IndicatorRecord, ...]]:
    records: list[ProjectRecord] = []
    indicators: list[IndicatorRecord] = []
    for table_no, project in enumerate(projects, start=1):
        records.append(
            ProjectRecord(
                table_no=table_no,
                project_code=None,
                project_name=project.name,
                budget_text=project.budget_text,
                fiscal_funds_text=None,
                other_funds_text=None,
                amount_unit=project.amount_unit,
                purpose=None,
                goals=project.goals,
                spend_plan=project.spend_plan,
                locator=project.locator,
                title=project.title,
                source_kind="prose",
                layout=NAME,
            )
        )
        indicators.extend(
            IndicatorRecord(
                table_no=table_no,
                row_no=row_no,
                level1=item.level1,
                level2=item.level2,
                level3=item.level3,
                description=item.description,
                value_text=item.value_text,
                basis=item.basis,
                locator=locator,
                is_core=item.is_core,
            )
            for row_no, (item, locator) in enumerate(project.items, start=1)
        )
    return tuple(records), tuple(indicators)


def _confidence(indicators: tuple[IndicatorRecord, ...]) -> float:
    if not indicators:
        return 0.0
    valued = sum(1 for row in indicators if row.value_text)
    return BASE_CONFIDENCE + VALUED_WEIGHT * valued / len(indicators)


class ProseTargetsLayout:
    """Project indicators written in running text (hyphen exports, ★ colon lists)."""

    name = NAME

    def extract(self, doc: RawDocument) -> Extraction:
        projects, indicators = _records(read_prose(doc))
        return Extraction(layout=NAME, confidence=_confidence(indicators), projects=projects, indicators=indicators)

    def score(self, doc: RawDocument) -> float:
        return self.extract(doc).confidence
