"""One wide table, one project per row, whose 绩效指标 cell is an HTML ``<p>`` list.

Seen in 004: a header ``单位编码 | 单位及项目名称 | 金额 (万元) | 绩效目标 | 绩效指标`` (repeated on every
page), a row per unit (a code, the unit name, the unit's total) and a row per project (no code). The
indicator cell is a list of paragraphs: level1 headings ``一、产出指标``, level2 headings ``(一) 数量指标：``
and items ``1. 培训乡村两级调委会成员数 39人次``. Each item is one indicator row; the item text is split
into the indicator's name (level3) and its value.

Headings are stored as category names without their enumerators (``产出指标``, ``数量指标``), as item
numbers are dropped from item names. Decisions on what authors and converters did to the list:

* A missing level1 heading is inferred from the level2 under it (``LEVEL2_FAMILY``, the national
  framework): 社会效益指标 after 产出指标 items means 效益指标 started. A level2 that is itself a
  level1 name (``(三) 满意度指标``) moves level1 to it and keeps level2 as written; a level1 with no
  level2 leaves level2 None. Every inference is recorded in ``Extraction.notes``.
* A paragraph may hold several items (``1. 设计费 0.76万元 2. 监理费0.5万元``): it is split before an
  enumerator ``N.``/``N、`` that follows a space and is not a decimal (``2.125万元``, ``3.5万元``).
* An item number is stripped even when glued to digits of the name (``2.36名村干部…`` is item 2,
  "36名村干部…": an indicator name never starts with a decimal).
* An unnumbered item in a numbered group whose text starts with the number it should carry followed by
  a digit, while the next item carries the number after it, lost its dot (``127名委员…`` before
  ``2.36名…`` is item 1, "27名委员…").
* Items are numbered with arabic numerals only, so ``三. 委人员…`` (a Chinese numeral and a dot, not a
  heading because no 指标 follows) is a name starting with that numeral: the stray dot is dropped.
* A goal label copied in front of a name (``目标2:村干部人数``) is an enumerator, dropped like the number.
* Leading punctuation (``:保障群众…``) is dropped; a colon ending the name (``新农合参保率: 提升``) too.
* The value is everything from the first space-separated token that starts with a comparator or a
  digit (``… 200人 ≥1次`` → "200人≥1次"); failing that, the last token (``… 增幅20%``, ``… 健全``);
  a text without spaces may end in a glued number (``支付准确率100%``, ``…完成时间2021年1月至12月``).
  A text without spaces and without a glued number is a name with no value (``一年内完成``,
  ``协助做好沟通思想、协调关系``): the row is kept with value None, no value is guessed. A name wrapped
  by a space (not seen in this layout) would lose its tail to the value.
* A level2 heading with no items gives no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pipeline.core.comparators import COMPARATOR_SIGNS
from pipeline.core.money import AMOUNT_UNIT
from pipeline.core.text import CACHED_STRINGS, clean_text, compact, label_key, may_keep, strip_markup
from pipeline.core.types import (
    Extraction,
    IndicatorRecord,
    Locator,
    ProjectRecord,
    RawDocument,
    fields_set_directly,
    line_locator,
)

NAME: Final = "html_list"
CELL_SEPARATOR: Final = "\t"
NAME_LABELS: Final = frozenset({"单位及项目名称", "项目名称"})
INDICATOR_LABEL: Final = "绩效指标"
GOALS_LABEL: Final = "绩效目标"
AMOUNT_LABEL: Final = "金额"
CODE_LABEL: Final = "编码"
SCORE_WITH_HEADINGS: Final = 0.95
SCORE_HEADER_ONLY: Final = 0.2
MIN_LIST_PARAGRAPHS: Final = 2

LEVEL1_NAMES: Final = frozenset({"产出指标", "效益指标", "满意度指标"})
LEVEL2_FAMILY: Final[dict[str, str]] = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "环境效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "满意度指标": "满意度指标",
}
_LEVEL1_LONGEST_FIRST: Final = tuple(sorted(LEVEL1_NAMES, key=len, reverse=True))
_LEVEL2_LONGEST_FIRST: Final = tuple(sorted(LEVEL2_FAMILY, key=len, reverse=True))
_CATEGORY_NAMES: Final = (*_LEVEL1_LONGEST_FIRST, *_LEVEL2_LONGEST_FIRST)

CN_NUMERAL: Final = "一二三四五六七八九十"
VALUE_SIGNS: Final = COMPARATOR_SIGNS + "≠"
"""Signs that may open a value: the comparators', and ``≠`` (a target not to reach, read as written)."""
_PARAGRAPH_TAG: Final = re.compile(r"</?\s*p\b[^>]*>|<br\s*/?>|<[^<>\u4e00-\u9fff]{0,4}>|\n", re.IGNORECASE)
"""Paragraphs of a cell: <p> in HTML dumps (or a short tag a converter garbled, "<0p>"), <br>, or a
line break inside a worksheet or Word cell."""
MAX_HEADING_DEBRIS: Final = 6
"""Characters tolerated before a known category name for the paragraph still to be its heading."""
_WS: Final = re.compile(r"\s+")
_TAG_DEBRIS: Final = re.compile(
    r"^\s*(?:<\s*/?\s*p?\s*>|/?\s*p\s*>)|(?:<\s*/?\s*p?\s*>?|/\s*p?\s*>)\s*$", re.IGNORECASE
)
"""What is left of a <p> or </p> whose other half a converter dropped ("p>(一) 数量指标", "…1次</")."""
_AMOUNT_UNIT: Final = re.compile(rf"[(（]\s*{AMOUNT_UNIT}\s*[)）]")
_LEVEL1_NAMED: Final = re.compile(rf"^[{CN_NUMERAL}]+\s*[、.．]\s*(?P<name>.{{1,12}}?指标)\s*[:：]?$")
"""一、产出指标, also when a character of the name is damaged (一、0出指标): it still ends in 指标."""
_LEVEL1_HEADING: Final = re.compile(rf"^[{CN_NUMERAL}]+\s*[、.．]\s*(?P<name>[^\s≥≤＞＜<>=:：/]{{1,12}})\s*[:：]?$")
"""一、产出指标 — or a damaged name (一、产出标): an enumerated short name carrying no value. "三. 委人员满意度
≥95%" carries a value, so it is an item whose enumerator is a slip."""
_LEVEL2_HEADING: Final = re.compile(
    rf"^[(（]\s*[{CN_NUMERAL}]+\s*[)）]\s*[、.．]?\s*(?P<name>[^\d≥≤＞＜<>=%％:：\s/]{{1,20}})"
)
"""Items are numbered 1. 2. …; a paragraph numbered (一) (二) … is a level2 heading even when its name
is damaged ("(一) 数量标:") or trailed by broken markup ("(一) 数量指标:/p>"): the name, up to the first
colon, space or value, is kept raw for the category step to repair or leave null."""
_ITEM_BREAK: Final = re.compile(r"\s+(?=\d{1,2}\s*[.．、](?!\d))")
_ITEM_NUMBER: Final = re.compile(r"^(?P<number>\d{1,2})\s*[.．、]\s*")
_CN_NUMERAL_MARK: Final = re.compile(rf"^(?P<numeral>[{CN_NUMERAL}]+)\s*[、.．]\s*")
_GOAL_WORD: Final = "目标"
_GOAL_LABEL: Final = re.compile(rf"^{_GOAL_WORD}\s*[\d{CN_NUMERAL}]+\s*[:：、.．]\s*")
_LEADING_PUNCT_CHARS: Final = ":：,，、.．;；"
_LEADING_PUNCT: Final = re.compile(rf"^[\s{_LEADING_PUNCT_CHARS}]+")
_TRAILING_COLON: Final = re.compile(r"\s*[:：]+$")
_NUMBER: Final = r"\d+(?:[.．]\d+)?"
_VALUE: Final = re.compile(rf"[{VALUE_SIGNS}]*{_NUMBER}[^\d\s]{{0,4}}(?:{_NUMBER}[^\d\s]{{0,4}})*")
_VALUE_START: Final = re.compile(rf"[{VALUE_SIGNS}]*\d")
_VALUE_TOKEN: Final = re.compile(rf"[{VALUE_SIGNS}\d]")
"""A space-separated token starting a value: a comparator (``≥ 10次``) or a digit."""


@dataclass(frozen=True)
class Columns:
    """Where each field sits in the rows under a header, and the amount unit the header names."""

    code: int
    name: int
    amount: int
    goals: int | None
    indicators: int
    amount_unit: str | None


@fields_set_directly
@dataclass(frozen=True)
class Item:
    """One list paragraph: a heading (``level`` 1 or 2, ``text`` the category name) or an item (0)."""

    level: int
    text: str
    number: int | None = None


def find_columns(cells: list[str]) -> Columns | None:
    """The columns of a header row naming the project name and 绩效指标, else None."""
    keys = [label_key(cell) for cell in cells]

    def first(match: str, exact: bool = False) -> int | None:
        return next((i for i, key in enumerate(keys) if (key == match if exact else match in key)), None)

    name = next((i for i, key in enumerate(keys) if key in NAME_LABELS), None)
    if name is None:
        return None  # most lines name no project: the other labels are not looked for
    indicators = first(INDICATOR_LABEL, exact=True)
    amount, code = first(AMOUNT_LABEL), first(CODE_LABEL)
    if indicators is None or amount is None or code is None:
        return None
    unit = _AMOUNT_UNIT.search(cells[amount])
    amount_unit = unit.group(1) if unit else None
    return Columns(code, name, amount, first(GOALS_LABEL, exact=True), indicators, amount_unit)


def line_columns(line: str) -> Columns | None:
    """The columns of a header line, else None; ``find_columns`` after one test of the whole line.

    A header names 绩效指标 in a cell of its own, so a line that could not clean to a cell holding
    those characters (``may_keep``: most lines of a document, e.g. a tab row of indicator values)
    is no header, without splitting it and keying every cell.
    """
    return find_columns(line.split(CELL_SEPARATOR)) if may_keep(line, INDICATOR_LABEL) else None


@lru_cache(maxsize=CACHED_STRINGS)
def _paragraph_text(part: str) -> str:
    """One paragraph's text (memoised: headings repeat in every project's list)."""
    return _WS.sub(" ", strip_markup(_TAG_DEBRIS.sub("", part))).strip()


def paragraphs(cell: str) -> list[str]:
    """The ``<p>`` paragraphs of a cell, markup removed and whitespace runs made single spaces."""
    parts = (_paragraph_text(part) for part in _PARAGRAPH_TAG.split(cell))
    return [part for part in parts if part]


@lru_cache(maxsize=CACHED_STRINGS)
def heading(text: str) -> Item | None:
    """A level1 or level2 heading, by its enumerator or (without one) by being a known category name."""
    for level, pattern in ((1, _LEVEL1_NAMED), (1, _LEVEL1_HEADING), (2, _LEVEL2_HEADING)):
        match = pattern.match(text)
        if match:
            return Item(level, compact(match.group("name")))
    bare = _TRAILING_COLON.sub("", compact(text))
    if not bare.endswith(_CATEGORY_NAMES):
        return None  # most paragraphs are items: no name to look for
    for level, names in ((1, _LEVEL1_LONGEST_FIRST), (2, _LEVEL2_LONGEST_FIRST)):
        for name in names:
            if bare.endswith(name) and len(bare) - len(name) <= MAX_HEADING_DEBRIS:
                return Item(level, name)  # "产出指标", or one behind debris of a broken tag ("0p>一、产出指标")
    return None


def list_items(cell: str) -> list[Item]:
    """Headings and items of an indicator cell in order, item numbers stripped."""
    items: list[Item] = []
    for paragraph in paragraphs(cell):
        for piece in _ITEM_BREAK.split(paragraph):
            found = heading(piece)
            if found is not None:
                items.append(found)
                continue
            number = _ITEM_NUMBER.match(piece)
            text = piece[number.end() :] if number else _CN_NUMERAL_MARK.sub(r"\g<numeral>", piece)
            items.append(Item(0, text, int(number.group("number")) if number else None))
    return restore_lost_dots(items)


def restore_lost_dots(items: list[Item]) -> list[Item]:
    """Read ``127名…`` as item 1 "27名…" when it stands where item 1 belongs and item 2 follows."""
    result = list(items)
    expected = 1
    for index, item in enumerate(result):
        if item.level:
            expected = 1
            continue
        after = result[index + 1] if index + 1 < len(result) else None
        prefix = str(expected)
        if (
            item.number is None
            and after is not None
            and after.level == 0
            and after.number == expected + 1
            and re.match(rf"{prefix}\d", item.text)
        ):
            result[index] = Item(0, item.text[len(prefix) :], expected)
        expected = (result[index].number or expected) + 1
    return result


def split_glued(text: str) -> tuple[str, str] | None:
    """``支付准确率100%`` → ("支付准确率", "100%"): the earliest number after a non-digit that ends the text."""
    for match in _VALUE_START.finditer(text):
        start = match.start()
        if start and not text[start - 1].isdigit() and text[start - 1] not in ".．" and _VALUE.fullmatch(text[start:]):
            return text[:start], text[start:]
    return None


def _first_value_token(tokens: list[str]) -> int | None:
    """The index of the first token after the first that starts a value (``≥``, ``95%``), or None
    (a plain loop: asked of every item of every list, a generator cost a quarter of the call)."""
    for index in range(1, len(tokens)):
        if _VALUE_TOKEN.match(tokens[index]):
            return index
    return None


def split_value(text: str) -> tuple[str | None, str | None]:
    """An item's text as (level3, value_text); see the module docstring for the rules."""
    if text.startswith(_GOAL_WORD):  # the patterns are anchored: a text not starting so is not cut
        text = _GOAL_LABEL.sub("", text)
    if text[:1] in _LEADING_PUNCT_CHARS or text[:1].isspace():
        text = _LEADING_PUNCT.sub("", text)
    tokens = text.split()
    name, value = text, None
    start = _first_value_token(tokens)
    if start is not None:
        name, value = " ".join(tokens[:start]), " ".join(tokens[start:])
    elif len(tokens) > 1:
        name, value = " ".join(tokens[:-1]), tokens[-1]
    else:
        glued = split_glued(text)
        if glued is not None:
            name, value = glued
    level3 = _TRAILING_COLON.sub("", clean_text(name))
    return level3 or None, compact(value) or None


def indicator_rows(cell: str, table_no: int, locator: Locator, notes: list[str]) -> list[IndicatorRecord]:
    """The indicator rows of one project's 绩效指标 cell, levels carried down and inferred as documented."""
    rows: list[IndicatorRecord] = []
    level1: str | None = None
    level2: str | None = None
    for item in list_items(cell):
        if item.level == 1:
            level1, level2 = item.text, None
        elif item.level == 2:
            family = LEVEL2_FAMILY.get(item.text)
            if family is not None and family != level1 and (level1 is None or level1 in LEVEL1_NAMES):
                notes.append(f"{locator.describe()}: level1 {family} inferred from level2 {item.text}")
                level1 = family
            level2 = item.text
        else:
            level3, value = split_value(item.text)
            rows.append(IndicatorRecord(table_no, len(rows) + 1, level1, level2, level3, None, value, None, locator))
    return rows


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _goals(cell: str) -> str | None:
    return " ".join(clean_text(p) for p in paragraphs(cell)) or None


class HtmlListLayout:
    name = NAME

    def score(self, doc: RawDocument) -> float:
        columns: Columns | None = None
        for line in doc.lines:
            columns = line_columns(line) or columns
            if columns is None:
                continue
            cells = line.split(CELL_SEPARATOR)
            listed = paragraphs(_cell(cells, columns.indicators))
            if len(listed) >= MIN_LIST_PARAGRAPHS and any(heading(p) for p in listed):
                return SCORE_WITH_HEADINGS
        return SCORE_HEADER_ONLY if columns is not None else 0.0

    def extract(self, doc: RawDocument) -> Extraction:
        projects: list[ProjectRecord] = []
        indicators: list[IndicatorRecord] = []
        notes: list[str] = []
        unit_total: tuple[str, str | None] | None = None
        columns: Columns | None = None
        project_lines: set[str] = set()
        for number, line in enumerate(doc.lines, start=1):
            header = line_columns(line)
            if header is not None:
                columns = header
                continue
            if columns is None:
                continue
            cells = line.split(CELL_SEPARATOR)
            if len(cells) < 2:
                continue
            code, name = compact(_cell(cells, columns.code)), clean_text(_cell(cells, columns.name))
            amount = compact(_cell(cells, columns.amount)) or None
            if code:  # a unit (with its total) or its parent (without): not a project
                if amount and unit_total is None:
                    unit_total = (amount, columns.amount_unit)
                elif amount:
                    notes.append(f"line {number}: a second unit total {amount} was not used")
                continue
            if not name:
                continue
            if line in project_lines:  # one project emitted twice by the converter: read once
                notes.append(f"line {number}: repeats an earlier project row, read once")
                continue
            project_lines.add(line)
            locator = line_locator(number)
            table_no = len(projects) + 1
            projects.append(
                ProjectRecord(
                    table_no=table_no,
                    project_code=None,
                    project_name=name,
                    budget_text=amount,
                    fiscal_funds_text=None,
                    other_funds_text=None,
                    amount_unit=columns.amount_unit,
                    purpose=None,
                    goals=_goals(_cell(cells, columns.goals)),
                    spend_plan=(),
                    locator=locator,
                )
            )
            indicators.extend(indicator_rows(_cell(cells, columns.indicators), table_no, locator, notes))
        return Extraction(
            layout=NAME,
            confidence=self.score(doc),
            projects=tuple(projects),
            indicators=tuple(indicators),
            unit_total_text=unit_total[0] if unit_total else None,
            unit_total_unit=unit_total[1] if unit_total else None,
            notes=tuple(notes),
        )
