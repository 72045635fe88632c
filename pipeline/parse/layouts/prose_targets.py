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
sentence names nothing (``该项目年初预算安排…``). A sentence that cites its source
(``根据…文件安排资金30万元``) announces no project: its amount is only funding.

Decisions, so that every reader of the warehouse can rely on them:

* Hyphen items. A ``，`` starts a new item only when what follows starts with a category name
  (``质量指标-``, ``服务对象满意度-``); otherwise the comma is part of the item (``…安全运行，增加企业
  经济效益-≥-95.00-…``). In an item the value is the first comparator with its number (and the unit
  after it when it is a known unit): ``≥-99.00-百分比``. Before it, the first part is the level 3 and
  the rest the description; after it, the basis. Without a comparator, ``文字描述-`` introduces a
  qualitative value, else the first part that reads as a number or date is the value.
* Colon statements: ``数量指标：…`` or, when the name ends in 指标/目标, ``满意度指标，…``; a level 2
  may be written ``…目标`` (``社会效益目标：``). A statement is cut into parts on ``；``
  and ``。``; a part that starts with a category and a colon (``…。成本指标：…``,
  ``…；2.质量指标：验收合格率≥90%``) switches the level 2. A part is cut on ``，`` when every piece
  holds a number (``…学生1606人次，资助金额160.77万元`` → two items); when only the pieces after
  the first few hold one, those first pieces are a group label, not part of any name
  (``★补助各类瓜果蔬菜种植数量，黄金蜜(葡萄)种植数量(≥**株)>=17600株`` → 黄金蜜(葡萄)种植数量, ★
  core); otherwise the commas belong to the item. An item without a number is no target
  (``生态效益指标：生态修复功能提高``) and gives no row.
* Colon items: a bracket holding ``**`` or starting with a comparator is a template hint, not the
  value (``种植数量(≥**株)>=17600株`` → name 种植数量, value ``>=17600株``); other brackets belong to
  the name (``黄金蜜(葡萄)``). Without a hint the value starts at the first comparator, or at a word
  comparator right before the number (``不低于95%``), or after ``为``/``达到`` when at most
  ``MAX_QUALIFIER_CHARS`` stand between it and the number (``资助标准为每生每年3000元、…3个档次``
  → 资助标准 / ``每生每年3000元、…``), else at the first digit (``资助人数覆盖率100%`` → 资助人数覆盖率 /
  ``100%``; ``100%达标`` keeps its text) — but for a year opening the name (``2019年全年资助学生
  1606人次``; ``2024年10月底前完工`` is a date value). The value is as written, with the template's unit
  added when it has none (``验收合格率(≥**%)>=90`` → ``>=90%``); the description keeps the item
  as written, template, group label and ★ included.
* Lists without categories count only after a 绩效目标 / 绩效指标 label (``(二)绩效目标：道路硬化
  ≥0.565km；验收合格率≥100%；…``) or under a numbered heading of that name (``七、绩效目标``; an
  unnumbered one may be a form's cell, whose text the form's rows restate): at least
  ``MIN_LIST_ITEMS`` items cut on ``；`` (and on ``，`` where every comma piece is an item), every
  one ``name comparator number`` (``≥``, or a word: ``不低于95%``); the value ends after the unit,
  so text running on (``≥23人改善村基础设施``) stays out of it; level 1 and 2 are left empty. One
  item without a comparator and the paragraph is prose, not a list (``项目总体绩效目标是：增加产值
  80万元，…``).
* Traditional script: every decision reads the text folded onto simplified script without pinyin
  glosses (``數(shù)量指標(biāo)`` reads as 数量指标, ``pipeline.core.traditional``); every cell
  keeps the text as written (level 3 ``…學(xué)生``, value ``160.77萬元``). Hyphen exports are read
  only where written in simplified script.
* A statement before any project: the short heading line right before it names its project
  (not a heading that is a category, ``一、产出指标``, nor a 绩效目标 heading, nor a lead-in
  ``现将绩效目标设定如下：`` or a date); failing that, the
  document's title does — ``关于…项目绩效目标设定的公示`` → …项目, ``2019年度…工程绩效评价报告`` →
  …工程, ``…助学金计划公告公示`` → …助学金 — with the first funding amount written before the
  targets as its budget (``资金50万元``, ``涉及资金160.77万元``, ``项目总投资19万元``). With neither,
  the statements give no rows: a project without a name is not loaded.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

from pipeline.core.categories import LEVEL1_NAMES, LEVEL2_ALIASES, LEVEL2_NAMES
from pipeline.core.comparators import COMPARATOR_WORDS, SIGN_SPELLINGS
from pipeline.core.text import LIST_NUMBER, clean_text, without_list_number
from pipeline.core.traditional import Folded, fold
from pipeline.core.types import (
    CORE_MARK,
    Extraction,
    IndicatorRecord,
    Locator,
    ProjectRecord,
    RawDocument,
    Row,
    SpendPlan,
    line_locator,
)
from pipeline.parse.reader.links import NAME_SIMILARITY, name_similarity
from pipeline.parse.values import alternation, is_unit, parse_value

NAME: Final = "prose_targets"
BASE_CONFIDENCE: Final = 0.6
VALUED_WEIGHT: Final = 0.4
MAX_HEADING_CHARS: Final = 40
MIN_WRAPPED_CHARS: Final = 25
"""A line this long that does not end a sentence may go on in the next line (a wrapped paragraph)."""
MAX_QUALIFIER_CHARS: Final = 4
"""``为`` starts a value only this close to its number: ``资助标准为每生每年3000元`` (4 between)."""
MIN_LIST_ITEMS: Final = 2
"""A list without categories needs this many ``name≥number`` items to be read as targets."""
MAX_UNIT_CHARS: Final = 5
"""The longest unit looked for after a number in a list without categories (``万元/年``)."""
_INDICATOR_SUFFIX: Final = "指标"
_VALUED_KINDS: Final = frozenset({"quantitative", "date"})
_COMMA_SEPARATORS: Final = frozenset("，,")


def _stems(names: tuple[str, ...]) -> list[str]:
    return sorted({name.removesuffix(_INDICATOR_SUFFIX) for name in names}, key=lambda s: (-len(s), s))


_LEVEL1: Final = "|".join(map(re.escape, _stems(LEVEL1_NAMES)))
_CATEGORY: Final = "|".join(map(re.escape, _stems((*LEVEL2_NAMES, *LEVEL2_ALIASES, *LEVEL1_NAMES))))
_CMP: Final = rf"(?:{alternation(SIGN_SPELLINGS)})"
_WORD_CMP: Final = rf"(?:{alternation(COMPARATOR_WORDS)})"

_NUMBERED_START: Final = re.compile(rf"^{LIST_NUMBER}")
_LEADING_NUMBER: Final = re.compile(rf"\s*(?:{LIST_NUMBER})?\s*[、.．]?\s*")
"""A list number with what may follow it (``(一)、``), skipped before a statement or heading."""
_PARAGRAPH_END: Final = frozenset("。；;：:！!？?")
"""Characters that end a paragraph's last line (not ".": a wrap may cut 99.00 after its point)."""
_HYPHEN_START: Final = re.compile(rf"^(?P<cat>(?:{_CATEGORY})(?:指标)?)\s*-")
_COLON_STATEMENT: Final = re.compile(
    rf"(?:(?P<l1>(?:{_LEVEL1})指标)\s*[：:]\s*(?:{LIST_NUMBER})?\s*)?"
    rf"(?P<cat>(?:{_CATEGORY})(?:指标|目标)?)\s*(?P<sep>[：:]|(?<=标)[，,])\s*(?P<items>.*\S.*)$"
)
_FRAMEWORK_NAME: Final = re.compile(rf"(?:(?:{_CATEGORY})(?:指标|目标)?|(?:项目)?(?:年度|总体)?绩效(?:目标|指标)表?)")
"""A heading that is a category or a targets heading, not a project's name."""
_LEVEL1_HEADING: Final = re.compile(rf"(?P<l1>(?:{_LEVEL1})指标)\s*[：:]?$")
_PERFORMANCE: Final = "绩效"
"""The word every targets label and heading holds: a paragraph without it is neither (most are not)."""
_TARGET_LABEL: Final = re.compile(rf"(?:项目)?(?:年度)?{_PERFORMANCE}(?:目标|指标)\s*[：:]\s*")
_TARGET_HEADING: Final = re.compile(rf"(?:项目)?(?:年度)?{_PERFORMANCE}(?:目标|指标)表?\s*[：:]?$")
_HYPHEN_VALUE: Final = re.compile(rf"(?P<cmp>{_CMP})\s*-?\s*(?P<num>\d+(?:\.\d+)?)(?:-(?P<unit>[^-，,]{{1,6}}))?")
_FREE_TEXT_VALUE: Final = re.compile(r"文字描述-+(?P<value>[^-]+)")
_COMMA: Final = re.compile(r"[，,]")
_PART_SEPARATOR: Final = re.compile(r"[；;。]")
_ITEM_SEPARATOR: Final = re.compile(r"[；;]")
_TEMPLATE_HINT: Final = re.compile(rf"[(（](?P<template>[^()（）]*\*[^()（）]*|\s*{_CMP}[^()（）]*)[)）]")
_COMPARATOR: Final = re.compile(rf"{_CMP}|{_WORD_CMP}(?=\s*\d)")
_DIGIT: Final = re.compile(r"\d")
_COPULA: Final = re.compile(r"为|达到")
_COMPARED_ITEM: Final = re.compile(rf"(?P<name>\S.*?)\s*(?P<cmp>{_CMP}|{_WORD_CMP})\s*(?P<num>\d+(?:\.\d+)?)")
_YEAR: Final = re.compile(r"(?:19|20)\d{2}\s*年度?(?!\s*\d{1,2}\s*月)")
"""A year that opens a name (``2019年全年资助学生1606人次``), not a date value (``2024年10月底``)."""
_TEMPLATE_UNIT: Final = re.compile(rf"^(?:{_CMP})?\s*\**\s*(?P<unit>[^*\d\s]+)$")

_YUAN: Final = "元"
"""The last character of every unit of money: a text without it holds no amount (most paragraphs)."""
_AMOUNT_WITH_UNIT: Final = rf"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万{_YUAN}|{_YUAN})"
"""An amount of money as written (``250``, ``1,200.50``) and its unit."""
_ARRANGED: Final = "安排"
_BUDGET_TOTALS: Final = ("预算资金", "预算金额", "资金总额", "总投资")
_BUDGET_SENTENCE: Final = re.compile(
    rf"^(?:{LIST_NUMBER})?\s*(?P<name>[^，,。；;：:]{{2,60}}?)\s*"
    rf"(?:(?:年初|本年|全年|年度)?(?:预算)?{_ARRANGED}(?:资金|经费)?|[，,]\s*(?:年度|项目)?(?:{'|'.join(_BUDGET_TOTALS)}))"
    rf"(?:为|共)?\s*[：:]?\s*{_AMOUNT_WITH_UNIT}"
)
"""``人员经费年初安排12477818.06元``, ``甲村道路项目，总投资50万元``: a project announced with its budget."""
_BUDGET_WORDS: Final = (_ARRANGED, *_BUDGET_TOTALS)
"""Every budget sentence holds one of these words (``_BUDGET_SENTENCE`` needs one to match)."""
_PREAMBLE: Final = re.compile(r"^(?:根据|按照|依据|依照)")
"""A sentence subject that cites a source (根据…文件安排资金30万元): no project's name."""
_GENERIC_SUBJECT: Final = re.compile(r"^(?:该|本|此)?(?:项目|经费|资金)$")
"""A budget sentence that names no project (该项目年初安排…): the heading above names it."""
_PROJECT_NAME: Final = "项目名称"
_NAME_LABEL: Final = re.compile(rf"^(?:{LIST_NUMBER})?\s*{_PROJECT_NAME}\s*[：:]\s*(?P<name>.+)$")
_GOALS_LABEL: Final = re.compile(r"^(?:项目)?(?:绩效目标|年度目标|总体目标)\s*[：:]\s*(?P<goals>\S.*)$")
_BUDGET_LABEL: Final = re.compile(
    r"(?:项目|年度)?(?:预算(?:资金|金额|数)?|资金(?:总额|规模)?|总投资)\s*[：:]\s*"
    rf"{_AMOUNT_WITH_UNIT}"
)
_FUNDING: Final = re.compile(
    r"(?:项目总投资|总投资|涉及资金|安排资金|财政资金|项目资金|预算资金|资金总额|资金|经费|安排)(?:共|为|总额|合计)?\s*[：:]?\s*"
    rf"{_AMOUNT_WITH_UNIT}"
)
"""A funding amount in the text before the targets (``资金50万元``, ``项目总投资19万元``)."""
_TITLE: Final = re.compile(
    r"(?:标题\s*[：:]?\s*)?(?:关于)?(?:\d{4}\s*年度?)?\s*(?P<name>[^，,。；;：:|]{2,60}?)(?:的)?"
    r"(?:绩效目标(?:设定|申报|编制)?|绩效(?:自评|评价))?(?:计划|实施方案)?(?:的)?"
    r"(?:公告公示|公示公告|公示|公告|报告|通知)$"
)
"""A document's title: ``关于…项目绩效目标设定的公示``, ``2019年度…工程绩效评价报告``, ``…计划公告公示``."""
_CELL_MARK: Final = "|"
_TITLE_CELL: Final = re.compile(rf"\s*{re.escape(_CELL_MARK)}\s*")
_TITLE_ENDINGS: Final = ("示", "告", "知")
"""The last characters of the endings ``_TITLE`` knows: a cheap test before the pattern (a title
may be one cell of a line, or a line a wrap joined to the next)."""
_ANY_TITLE_ENDING: Final = re.compile(f"[{''.join(_TITLE_ENDINGS)}]")
"""Whether a paragraph has any of ``_TITLE_ENDINGS``, in one search (asked of a paragraph with cells until a title is found)."""
_RESPECTIVELY: Final = "分别"
"""The word every spending plan holds (``…分别达到25%、50%…``): the pattern is tried only on a text holding it."""
_SPEND_PLAN: Final = re.compile(
    rf"(?P<labels>[^，,。：:为]+?){_RESPECTIVELY}(?:达到|为)(?P<shares>\d+(?:\.\d+)?%(?:[、,，]\d+(?:\.\d+)?%)*)"
)
_LIST_SEPARATOR: Final = re.compile(r"[、,，]")
_HEADING_SUFFIX: Final = re.compile(r"(?:项目)?(?:绩效目标表?|绩效指标)[：:]?$")
_SENTENCE_PUNCTUATION: Final = re.compile(r"[，,。；;]")
_NOT_A_NAME: Final = re.compile(r"[：:]$|如下|^[\d\s年月日.．/-]+$")
"""A short line that names nothing: a lead-in (``现将绩效目标设定如下：``) or a date (``2023年3月27日``)."""


@dataclass(frozen=True)
class ProseItem:
    """One indicator read from a statement, cells as the table would have them."""

    level1: str | None
    level2: str | None
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


def _number_end(text: str, start: int = 0) -> int:
    """Where the text goes on after a list number at ``start`` (``(一)、产出指标`` → at 产)."""
    match = _LEADING_NUMBER.match(text, start)
    return match.end() if match else start


def _heading_stem(folded: Folded, start: int) -> str | None:
    """The name a short heading line gives, as written (``人员类经费绩效目标`` → 人员类经费), or None;
    None too for a heading that is a category or a targets heading (``一、产出指标``, ``七、绩效目标``).
    ``start``: where the text goes on after its list number."""
    text = folded.text
    if len(text) > MAX_HEADING_CHARS or _SENTENCE_PUNCTUATION.search(text):
        return None
    suffix = _HEADING_SUFFIX.search(text, start)
    end = suffix.start() if suffix else len(text)
    stem = text[start:end].strip()
    if not stem or _FRAMEWORK_NAME.fullmatch(stem) or _NOT_A_NAME.search(stem):
        return None
    return folded.written_span(start, end).strip()


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


Span = tuple[int, int]
"""``[start, end)`` in a folded text."""


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cuts(text: str, span: Span, separator: re.Pattern[str]) -> list[Span]:
    """The non-empty pieces of ``text[span]`` between separators, without surrounding spaces."""
    return list(_each_cut(text, span, separator))


def _each_cut(text: str, span: Span, separator: re.Pattern[str]) -> Iterator[Span]:
    """``_cuts`` one at a time, for a reader that may stop at its first piece (a paragraph that is no
    list is not cut up to its end)."""
    start, end = span
    for match in separator.finditer(text, start, end):
        piece = _trimmed(text, start, match.start())
        if piece[0] < piece[1]:
            yield piece
        start = match.end()
    piece = _trimmed(text, start, end)
    if piece[0] < piece[1]:
        yield piece


def _has_number(text: str, span: Span) -> bool:
    return _DIGIT.search(text, *span) is not None


def _value_cut(text: str, start: int, end: int) -> tuple[int, int, str | None]:
    """(end of the name, start of the value, template hint) of the item ``text[start:end]``."""
    hint = _TEMPLATE_HINT.search(text, start, end)
    if hint is not None:
        return hint.start(), hint.end(), hint.group("template")
    comparator = _COMPARATOR.search(text, start, end)
    digit = _DIGIT.search(text, start, end)
    year = _YEAR.match(text, digit.start(), end) if digit is not None else None
    if year is not None and (later := _DIGIT.search(text, year.end(), end)) is not None:
        digit = later  # "2019年全年资助学生1606人次": the year belongs to the name
    if comparator is not None and (digit is None or comparator.start() <= digit.start()):
        return comparator.start(), comparator.start(), None
    if digit is None:
        return end, end, None
    copulas = [m for m in _COPULA.finditer(text, start, digit.start()) if m.start() > start]
    if copulas and digit.start() - copulas[-1].end() <= MAX_QUALIFIER_CHARS:
        return copulas[-1].start(), copulas[-1].end(), None
    return digit.start(), digit.start(), None


def _after_marks(text: str, start: int, end: int) -> int:
    """Where an item's text begins after its ★ core mark and blanks (``★ 培训人数：200人``)."""
    while start < end and (text[start] == CORE_MARK or text[start].isspace()):
        start += 1
    return start


def _colon_cells(folded: Folded, span: Span, label: Span | None, level1: str | None, level2: str | None) -> ProseItem:
    """One ``name(template)value`` item of a colon statement read into cells as written."""
    text = folded.text
    start, end = span
    written = folded.written_span(start, end)
    if label is not None:  # "★补助…数量，黄金蜜…" : the group label leads the description
        separator = folded.written_span(label[1], label[1] + 1).strip() or "，"
        described = folded.written_span(*label) + separator + written
    else:
        described = written
    body = _after_marks(text, start, end)
    name_end, value_start, template = _value_cut(text, body, end)
    name = folded.written_span(body, name_end).strip()
    value = folded.written_span(value_start, end).strip()
    unit = _template_unit(template)
    if value and unit and parse_value(value).value_unit is None and parse_value(value + unit).value_unit:
        value += unit
    core = text.startswith(CORE_MARK, label[0] if label is not None else start)
    return ProseItem(level1, level2, name or None, described, value or None, None, core)


def colon_item(item: str, level1: str | None, level2: str | None) -> ProseItem:
    """One ``name(template)value`` item of a colon statement read into cells."""
    folded = fold(item)
    return _colon_cells(folded, _trimmed(folded.text, 0, len(folded.text)), None, level1, level2)


def _part_items(folded: Folded, span: Span, level1: str | None, level2: str | None) -> list[ProseItem]:
    """The items of one part of a colon statement: cut on commas where the pieces hold numbers,
    leading pieces without one being a group label (see the module docstring)."""
    text = folded.text
    pieces = _cuts(text, span, _COMMA)
    numbered = [_has_number(text, piece) for piece in pieces]
    if len(pieces) > 1 and numbered[-1] and not all(numbered):
        first = numbered.index(True)
        if all(numbered[first:]):
            label = (pieces[0][0], pieces[first - 1][1])
            return [_colon_cells(folded, piece, label, level1, level2) for piece in pieces[first:]]
    if len(pieces) > 1 and all(numbered):
        return [_colon_cells(folded, piece, None, level1, level2) for piece in pieces]
    if not any(numbered):
        return []
    return [_colon_cells(folded, span, None, level1, level2)]


def _colon_items(folded: Folded, level1: str | None, start: int) -> list[ProseItem] | None:
    """The items of a colon statement starting at ``start``, or None when the paragraph is not one."""
    text = folded.text
    head = _COLON_STATEMENT.match(text, start)
    if head is None:
        return None
    items: list[ProseItem] = []
    level2: str | None = None
    for part_start, part_end in _cuts(text, (start, len(text)), _PART_SEPARATOR):
        part_start = _number_end(text, part_start)
        heading = _COLON_STATEMENT.match(text, part_start, part_end)
        if heading is not None:  # "…；2.质量指标：验收合格率≥90%": a new category inside the line
            if heading.group("l1"):
                level1 = folded.written_span(*heading.span("l1"))
            level2 = folded.written_span(*heading.span("cat"))
            part_start = heading.start("items")
        items.extend(_part_items(folded, (part_start, part_end), level1, level2))
    if not items and head.group("sep") in _COMMA_SEPARATORS:
        return None  # "可持续影响指标，持续发展": a sentence, not a statement
    return items


def _statement_items(folded: Folded, level1: str | None, start: int) -> list[ProseItem] | None:
    """A hyphen statement is looked for only in a text holding a hyphen: ``_HYPHEN_START`` ends in
    one, and removing the list number leaves a part of the text (most paragraphs hold none)."""
    if "-" in folded.written:
        written = without_list_number(folded.written)
        if _HYPHEN_START.match(written):
            return [hyphen_item(item, level1) for item in split_hyphen_items(written)]
    return _colon_items(folded, level1, start)


def statement_items(text: str, level1: str | None) -> list[ProseItem] | None:
    """The items of a statement line, or None when the line is not a statement."""
    folded = fold(text)
    return _statement_items(folded, level1, _number_end(folded.text))


def _unit_end(text: str, start: int, end: int) -> int:
    """Where a known unit written at ``start`` ends (``23人改善…`` → after 人), or ``start``."""
    for length in range(min(MAX_UNIT_CHARS, end - start), 0, -1):
        if is_unit(text[start : start + length]):
            return start + length
    return start


def _compared_item(folded: Folded, span: Span) -> ProseItem | None:
    """``道路硬化≥0.565km`` read into cells, or None when the item has no comparator and number."""
    text = folded.text
    start, end = span
    body = _after_marks(text, start, end)
    # No number, no match (the pattern ends in one); its lazy name would first try every length:
    # the first piece of most paragraphs, which holds none.
    if _DIGIT.search(text, body, end) is None:
        return None
    match = _COMPARED_ITEM.match(text, body, end)
    if match is None:
        return None
    core = text.startswith(CORE_MARK, start)
    value_end = _unit_end(text, match.end("num"), end)
    name = folded.written_span(*match.span("name")).strip()
    value = folded.written_span(match.start("cmp"), value_end)
    return ProseItem(None, None, name, folded.written_span(start, end), value, None, core)


def target_list_items(text: str) -> list[ProseItem] | None:
    """The items of a list of targets without categories (``道路硬化≥0.565km；…``), or None when the
    text is not such a list (see the module docstring)."""
    return _target_list_items(fold(text), 0)


def _target_list_items(folded: Folded, start: int) -> list[ProseItem] | None:
    """Each piece between item separators is one target, or several when every comma part is one
    (``道路硬化≥0.565km，绿化≥200㎡``). The first piece that is no target ends the reading: the text is
    no list (most paragraphs of a document, ``绩效指标：群众满意率大于96%；…``, fail at their first piece)."""
    text = folded.text
    items: list[ProseItem] = []
    for piece in _each_cut(text, (start, len(text.rstrip("。. "))), _ITEM_SEPARATOR):
        parts = _cuts(text, piece, _COMMA)
        commas = _every_compared(folded, parts) if len(parts) > 1 else None
        if commas is None:
            item = _compared_item(folded, piece)
            if item is None:
                return None
            commas = [item]
        items.extend(commas)
    return items if len(items) >= MIN_LIST_ITEMS else None


def _every_compared(folded: Folded, parts: list[Span]) -> list[ProseItem] | None:
    """Each part read as a compared item, or None at the first part that is not one."""
    items: list[ProseItem] = []
    for part in parts:
        item = _compared_item(folded, part)
        if item is None:
            return None
        items.append(item)
    return items


# --- projects ---------------------------------------------------------------------------------------


def spend_plan(text: str) -> SpendPlan:
    """``三月底、六月底…分别达到25%、50%…`` as (label, share) pairs; () when labels and shares differ in number."""
    match = _SPEND_PLAN.search(text) if _RESPECTIVELY in text else None
    if match is None:
        return ()
    labels = [label.strip() for label in _LIST_SEPARATOR.split(match.group("labels")) if label.strip()]
    shares = _LIST_SEPARATOR.split(match.group("shares"))
    return tuple(zip(labels, shares, strict=True)) if len(labels) == len(shares) else ()


def _budget_sentence(text: str) -> re.Match[str] | None:
    """``_BUDGET_SENTENCE`` matched at the start of the text, tried only when the text holds ``_YUAN``
    and one of ``_BUDGET_WORDS`` (every match holds both): the pattern tries every name length up to
    60 before it fails (~20 µs on each paragraph of a document; most paragraphs are no budget
    sentence, and many that arrange something name no amount: ``做好…工作安排``)."""
    if _YUAN not in text:
        return None
    for word in _BUDGET_WORDS:
        if word in text:
            return _BUDGET_SENTENCE.match(text)
    return None


def _name_label(text: str) -> re.Match[str] | None:
    """``_NAME_LABEL`` matched, tried only on a text holding ``_PROJECT_NAME`` (every match does)."""
    return _NAME_LABEL.match(text) if _PROJECT_NAME in text else None


def _sentence_project(folded: Folded, locator: Locator, heading_before: Callable[[], str | None]) -> _Project | None:
    """A project announced by a budget sentence, named by the heading before it when alike (or when
    the sentence only says 该项目). The heading is read only for a budget sentence (few paragraphs)."""
    match = _budget_sentence(folded.text)
    if match is None or _PREAMBLE.match(match.group("name")):
        return None
    heading = heading_before()
    name = folded.written_span(*match.span("name")).strip()
    subject = match.group("name").strip()
    alike = heading is not None and (
        _GENERIC_SUBJECT.match(subject) or name_similarity(heading, name) >= NAME_SIMILARITY
    )
    title = heading if alike else None
    return _Project(
        name=title or name,
        locator=locator,
        budget_text=match.group("amount"),
        amount_unit=match.group("unit"),
        goals=folded.written,
        title=title,
        spend_plan=spend_plan(folded.text),
    )


def document_title(text: str) -> str | None:
    """The project a document's title names, as written, or None (see the module docstring):
    ``标题: | 关于甲村道路项目绩效目标设定的公示 |`` → 甲村道路项目."""
    return _title_of(fold(text))


def _title_of(folded: Folded) -> str | None:
    """``_title_in_cells``, asked only where a cell can end in one of ``_TITLE_ENDINGS``: a text
    without cells (no ``|``) is one cell, so it must end in one (``…的公示``); a text with cells must
    hold one somewhere. Most paragraphs are asked until a title is found, and fail here."""
    text = folded.text
    if not text.endswith(_TITLE_ENDINGS) and (_CELL_MARK not in text or _ANY_TITLE_ENDING.search(text) is None):
        return None
    return _title_in_cells(folded)


def _title_in_cells(folded: Folded) -> str | None:
    """The name of the first cell that is a title (``_TITLE``, not a category), as written."""
    at = 0
    for cell in _TITLE_CELL.split(folded.text):
        start = folded.text.index(cell, at)
        at = start + len(cell)
        match = _TITLE.fullmatch(cell)
        if match is not None and not _FRAMEWORK_NAME.fullmatch(match.group("name")):
            return folded.written_span(start + match.start("name"), start + match.end("name")).strip()
    return None


@dataclass
class _Reader:
    """Walks the lines once, keeping the project being read and the context before it."""

    projects: list[_Project] = field(default_factory=list)
    current: _Project | None = None
    previous: tuple[Folded, int] | None = None
    """The paragraph before and where its text starts after its list number: the heading it may be
    is read only when asked (``heading``), for a budget sentence or a statement before any project."""
    level1: str | None = None
    in_targets: bool = False
    """Under a 绩效目标 heading: a list without categories there is read."""
    title: tuple[str, Locator] | None = None
    """The first title before any project: names the project of statements nothing else names."""
    funding: tuple[str, str] | None = None
    """(amount, unit) first written before any project: the budget of that project."""

    def heading(self) -> str | None:
        """The name the paragraph before gives as a short heading line, or None (``_heading_stem``)."""
        return _heading_stem(*self.previous) if self.previous is not None else None

    def _start(self, project: _Project) -> None:
        self.current = project
        self.projects.append(project)
        self.level1 = None

    @staticmethod
    def _details(project: _Project, folded: Folded) -> None:
        """A line after a project's announcement: its ``预算资金：``, ``绩效目标：`` or spending plan."""
        text = folded.text
        if project.budget_text is None and _YUAN in text and (budget := _BUDGET_LABEL.search(text)):
            project.budget_text, project.amount_unit = budget.group("amount"), budget.group("unit")
        elif project.goals is None and (goals := _GOALS_LABEL.match(text)):
            project.goals = folded.written_span(*goals.span("goals"))
        elif not project.spend_plan and not project.items:
            project.spend_plan = spend_plan(text)

    def _unnamed_project(self, locator: Locator) -> _Project | None:
        """The project of statements before any announced one: named by the heading before them,
        else by the document's title with the funding written before (None with neither)."""
        if (heading := self.heading()) is not None:
            return _Project(name=heading, locator=locator)
        if self.title is None:
            return None
        name, title_locator = self.title
        amount, unit = self.funding if self.funding is not None else (None, None)
        return _Project(name=name, locator=title_locator, budget_text=amount, amount_unit=unit)

    def _add(self, items: list[ProseItem], locator: Locator) -> None:
        if self.current is None:
            project = self._unnamed_project(locator)
            if project is None:
                return
            self.current = project  # keeps the level 1 read before it (一、产出指标)
            self.projects.append(project)
        self.current.add(items, locator)

    def _target_list(self, folded: Folded, start: int) -> list[ProseItem] | None:
        label = _TARGET_LABEL.match(folded.text, start) if _PERFORMANCE in folded.text else None
        if label is not None:
            return _target_list_items(folded, label.end())
        return _target_list_items(folded, start) if self.in_targets else None

    def _items(self, folded: Folded, start: int) -> list[ProseItem] | None:
        """The items of a statement (categories named) or of a list of targets without them."""
        items = _statement_items(folded, self.level1, start)
        return items if items is not None else self._target_list(folded, start)

    def _context(self, folded: Folded, locator: Locator, start: int) -> bool:
        """What a paragraph that is no statement says about the ones after it; True for a level-1
        heading (``一、产出指标``), which says nothing more."""
        text = folded.text
        if (level1 := _LEVEL1_HEADING.match(text, start)) is not None:
            self.level1 = folded.written_span(*level1.span("l1"))
            return True
        elif start > 0 and _PERFORMANCE in text and _TARGET_HEADING.match(text, start):  # 七、绩效目标, not a cell
            self.in_targets = True
        elif _NUMBERED_START.match(text):
            self.in_targets = False
        if self.current is None:
            if self.title is None and (title := _title_of(folded)) is not None:
                self.title = (title, locator)
            if self.funding is None and _YUAN in text and (funding := _FUNDING.search(text)) is not None:
                self.funding = (funding.group("amount"), funding.group("unit"))
        return False

    def read(self, locator: Locator, text: str) -> None:
        folded = fold(text)
        start = _number_end(folded.text)
        sentence = _sentence_project(folded, locator, self.heading)
        if sentence is not None:
            self._start(sentence)
        elif (label := _name_label(folded.text)) is not None:
            self._start(_Project(name=folded.written_span(*label.span("name")).strip(), locator=locator))
        elif (items := self._items(folded, start)) is not None:
            self._add(items, locator)
        elif not self._context(folded, locator, start) and self.current is not None:
            self._details(self.current, folded)
        self.previous = (folded, start)


def _is_table_line(raw: str) -> bool:
    """A line of a serialised grid (tab cells, pipe rows, HTML cells): tables are other layouts' work."""
    return (
        raw.startswith("\t")
        or ("\t" in raw and "\t" in raw.strip())  # stripping (a copy) only the lines that hold a tab
        or ("|" in raw and raw.lstrip().startswith("|"))
        or ("<" in raw and "<td" in raw.lower())  # lower-casing only the lines that can hold a tag
    )


def _starts_block(text: str) -> bool:
    """A line that begins something of its own: a colon statement, a budget sentence, a numbered or
    labelled line, a heading.

    A line starting like a hyphen item (``成本-…``) is not one: a wrap can cut an item just there,
    and joining it to a statement that really ended is harmless (items are cut on ``，`` anyway).
    Read folded, so that ``數(shù)量指標(biāo):`` starts a block as 数量指标： does.
    """
    text = fold(text).text
    return bool(
        _COLON_STATEMENT.match(text)
        or _NUMBERED_START.match(text)
        or _budget_sentence(text)
        or _name_label(text)
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
        # A blank line and a line starting with a tab (a grid row, _is_table_line's first test) are
        # told without a call: they are most lines, and a call costs several times the test.
        text = clean_text(raw) if raw and raw[0] != "\t" and not _is_table_line(raw) else ""
        yield (line_locator(number), text) if text else None


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
