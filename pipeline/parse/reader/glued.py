"""Glued table lines: a header or a row whose cell separators were all lost, cut back into cells.

Some saved web pages keep a performance-target table's text but none of its cell boundaries, so the
header arrives as ``一级指标二级指标三级指标指标值…备注`` and every row as one run of text::

    质量指标伙食补助发放率90%以上实际发放伙食补助金额/应发放伙食补助金额9%0得10分,每减少1%扣1分-定量
    农村公路养护里程10公里=125

The table's own vocabulary says where the boundaries are. ``split_glued_header`` segments a header line
into known labels. ``cut_glued_rows`` places each row's text under the header's column roles:

* **Anchors** are columns whose cells come from a closed vocabulary or a strict pattern: 一级/二级
  names (``pipeline.core.categories`` plus the variants below), comparators, units and the value
  patterns of ``pipeline.parse.values``, weights, scores, ``定量``/``定性``, ``正向``/``反向``,
  and the value itself: a number/percent/unit expression with optional comparator, range and
  ``以上``/``以下`` (``90%以上``, ``17元/人.每天``, ``大于90%``, ``1-12月``), a date or period
  (``2023年12月31日``, ``2021年1月-12月``, ``12月底前``) or a degree phrase (``有所减轻``). A 一级/二级
  name keeps a tag printed right after it (``产出指标(50分)``, ``数量指标(必填硬性指标)``).
* **Free text** (三级 name, description, scoring criteria, remark …) takes what lies between anchors.
  Consecutive free-text columns form one *run*; see ``_split_run`` for how a run is divided.

Every way of cutting the line into the roles' order is scored by how well each piece fits its role
(dynamic programming over cut points); the best cut wins, and a line whose best cut is not unique
returns None — unless the weights of the table's other rows settle the tie (``_settle``).

Decisions, each with the case that forced it:

* Whitespace is removed before cutting (a stray space is not a reliable separator: ``评(扣分标准) 度量单位``
  puts one inside a run of labels). Matching uses a same-length folded copy (full-width forms →
  ASCII, ``≧``/``≦`` → ``≥``/``≤``); cells are returned as written.
* A cut never falls between two digits (``补助学生数量168`` is never ``补助学生数量1`` + ``68``) — except
  right after a weight, which the page glued to the value (``开展各种文艺活动场次1020`` = weight 10,
  value 20) — nor at a decimal point (``18.5``), nor inside a points clause (``得10分`` is scoring
  text, never a value ``10分``).
* A 一级/二级 name or a comparator is read whole: ``社会效益指标`` is never ``社会`` + ``效益指标``, nor
  ``不低于`` ``不`` + ``低于``. ``成本指标`` is a 一级 unless the table is of the older framework
  (``_older_cost_level``).
* A value is as long as its pattern allows on both sides: ``大于90%``, not ``大于`` + ``90%``; ``90%以上``,
  not ``90%`` + ``以上``. A comparator or a unit comes off the value only into a comparator column just
  before it or a unit column just after it (``10%=100`` → unit ``%``, comparator ``=``, value ``100``).
* A free-text cell does not end with a digit, a dash or a comparator word when another cell follows:
  those belong to the next cell (``…扣1分-定量``: the dash goes with ``定量``, and is dropped).
* A 三级 name never holds a points clause (``得10分``): that is scoring text, so the value lies before it.
  Each whole value a name would hold costs the cut a point (``_values_inside``): the value follows the
  name. No free-text cell holds a 一级/二级 name, so a line holding two rows finds no cut (None).
* A one-character counter inside a word is not a unit cell (``_is_unit_cell``): ``…时间`` keeps its ``间``.
* Numbers (weights, values) do not start with ``0`` unless they are ``0`` or ``0.x`` (``1020`` is not
  weight 1 + value ``020``); a weight is at most ``MAX_WEIGHT``.
* A line whose cut holds only 一级/二级 names (``生态环境成本指标``), optionally with the ``-定性`` of an
  empty block, is a category line: only its level cells are kept (a line of only ``-定性`` gives a
  tuple of empty cells). Any other line must place a value, and a 三级 name when the header has that
  column, or it is None; so is a line longer than ``MAX_ROW_LENGTH``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from pipeline.core.categories import COST, LEVEL2_ALIASES, LEVEL2_PARENT, SATISFACTION
from pipeline.core.comparators import PREFIX_COMPARATORS, SIGN_FOLDS, SUFFIX_COMPARATORS
from pipeline.core.text import CJK_IDEOGRAPHS, WHITESPACE
from pipeline.core.vocabulary import LEVEL1_VARIANTS
from pipeline.parse.reader.kinds import DIRECTION_WORDS, MAX_WEIGHT, NATURE_WORDS
from pipeline.parse.values import (
    ACTION_WORDS,
    GLUE_SAFE_UNITS,
    ON_TIME_WORDS,
    UNIT_CORE,
    alternation,
    is_unit,
)

# --- roles -------------------------------------------------------------------------------------------

ROLES: Final[frozenset[str]] = frozenset(
    {
        "level1", "level2", "level3", "description", "value", "actual", "comparator", "unit",
        "weight", "score", "nature", "direction", "basis", "scoring", "remark", "other",
    }
)  # fmt: skip
"""Column roles a header may give; anything else is a programming error (ValueError)."""

LEVEL_ROLES: Final = ("level1", "level2")
VALUE_ROLES: Final = ("value", "actual")
TEXT_ROLES: Final[tuple[str, ...]] = ("level3", "description", "scoring", "basis", "remark", "other")
"""Free-text roles, in order of precedence: the first one present in a run of adjacent free-text
columns is the run's *principal* and takes its text (``绩效指标 | 指标名称``: the name, not the outer
label, holds ``预算执行率``)."""
NAME_ROLE: Final = "level3"
SCORING_ROLE: Final = "scoring"
WEIGHT_ROLE: Final = "weight"

# --- vocabulary --------------------------------------------------------------------------------------

LEVEL1_VOCABULARY: Final[frozenset[str]] = LEVEL1_VARIANTS
"""一级 names and their variants (``产出类指标``, ``项目效益指标``): ``pipeline.core.vocabulary``."""
LEVEL2_VOCABULARY: Final[frozenset[str]] = frozenset((*LEVEL2_PARENT, *LEVEL2_ALIASES, SATISFACTION))
"""二级 names and aliases; ``满意度指标`` too, which templates print in the 二级 column under itself."""
LEVEL_VOCABULARY: Final = LEVEL1_VOCABULARY | LEVEL2_VOCABULARY
COST_KINDS: Final[frozenset[str]] = frozenset(child for child, parent in LEVEL2_PARENT.items() if parent == COST)
"""The newer framework's 二级 under 成本指标 (经济/社会/生态环境成本指标): a table naming one is of the
newer framework, where 成本指标 is a 一级."""

DASHES: Final = "-－—–"
"""Characters a page prints for an empty cell or between cells (``…扣1分-定量``)."""

DEGREE_WORDS: Final[tuple[str, ...]] = (
    "有所", "有效", "明显", "显著", "逐步", "进一步", "持续", "基本", "全面", "稳步", "不断", "大幅", "切实",
)  # fmt: skip
"""Degree words that open a worded value: the word plus ``DEGREE_VERB_LENGTH`` characters
(``有所减轻``, ``有效保障``, ``明显提升``). A fixed verb length keeps the value from eating the next cell
(``有所减轻对家庭负担…`` is ``有所减轻`` + ``对家庭负担…``)."""
DEGREE_VERB_LENGTH: Final = 2

GRADE_WORDS: Final[tuple[str, ...]] = (
    "优秀", "良好", "较好", "较大", "较高", "较低", "一般", "合格", "较差", "达标", "满意",
)  # fmt: skip
"""Grades that open a scoring criterion (``较大得10分,一般得6分``). Single characters (好, 高) are left
out: they end too many descriptions (``…提高``)."""
MANNER_WORDS: Final[tuple[str, ...]] = (*ON_TIME_WORDS, "按标准", "全部", "足额")
"""A scoring criterion may open with manner + action (``按期完成得10分``, ``按标准发放得10分``,
``发放到位得10分``): the on-time and action words of ``pipeline.parse.values``."""

# --- scores and limits -----------------------------------------------------------------------------

STRONG_FIT: Final = 3
"""Closed vocabulary or a strict pattern in its own column: a 一级/二级 name, a quantity or date value,
a nature or direction word."""
MISPLACED_NAME_FIT: Final = 2
"""A 一级 name in the 二级 column (``成本指标`` is both; the newer framework makes it a 一级)."""
DEGREE_FIT: Final = 2
"""A degree phrase value: weaker evidence than a number (``基本医疗…`` also opens names)."""
SHORT_FIT: Final = 2
"""A unit, a comparator or a weight in its own column: short tokens, more often there by chance."""
SCORE_FIT: Final = 1
"""A number in a score column: any number fits there, so it proves little."""
SCORING_START_FIT: Final = 1
"""The scoring text starts at a recognised criterion (``90%得10分``, ``良好得10分``)."""

MAX_WEIGHT_LENGTH: Final = 6
"""Characters of a weight cell at most (``100``, ``2.5``)."""
WEIGHT_TOTAL: Final = 100
"""The weights of one table add up to this (checked only to settle one glued weight)."""
MAX_ROW_LENGTH: Final = 300
"""A glued row is a few dozen characters (the longest real ones, scoring text included, about 80); a
longer line is prose or a flattened page, and is None rather than cut (cutting costs grow with the
cube of the length)."""
MAX_VALUE_LENGTH: Final = 24
"""Characters of a value (or score) cell at most, as a pattern reads it (``2021年1月-2022年12月底前``)."""
MAX_UNIT_LENGTH: Final = 12
"""Characters of a unit cell at most (``万元/平方米``)."""
MAX_OPTIMA: Final = 4
"""Equally good cuts kept per line; more than one means the line is ambiguous."""

# --- patterns ---------------------------------------------------------------------------------------

_CJK_AT: Final = re.compile(rf"[{CJK_IDEOGRAPHS}]")


_COMPARATOR: Final = rf"(?:{alternation(PREFIX_COMPARATORS)})"
_SUFFIX: Final = rf"(?:{alternation(SUFFIX_COMPARATORS)})"
_PER: Final = rf"(?:/每?{UNIT_CORE}(?:[.·]每?{UNIT_CORE})*)"
_NUMBER: Final = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_RANGE: Final = r"[-~至到]"
_QUANTITY: Final = rf"{_COMPARATOR}?{_NUMBER}{UNIT_CORE}?(?:{_RANGE}{_NUMBER}{UNIT_CORE}?)?{_PER}?{_SUFFIX}?"
_YEAR: Final = r"\d{4}年度?"
_MONTH_DAY: Final = r"\d{1,2}月(?:\d{1,2}[日号])?"
_DEADLINE: Final = rf"(?:底|末)?(?:之前|以前|前)?(?:{alternation(ACTION_WORDS)})?"
_DATE: Final = (
    rf"{_YEAR}(?:全年|{_MONTH_DAY}(?:{_RANGE}(?:{_YEAR})?{_MONTH_DAY})?)?{_DEADLINE}"
    rf"|{_MONTH_DAY}(?:{_RANGE}{_MONTH_DAY})?{_DEADLINE}"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}"
)
_DEGREE: Final = rf"(?:{alternation(DEGREE_WORDS)})[{CJK_IDEOGRAPHS}]{{{DEGREE_VERB_LENGTH}}}"

_COMPARATOR_AT: Final = re.compile(_COMPARATOR)
QUANTITY_VALUE: Final = re.compile(rf"{_QUANTITY}|{_DATE}")
"""A value with a number: ``≥95%``, ``90%以上``, ``17元/人.每天``, ``1-12月``, ``2023年12月31日``,
``2021年1月-12月``, ``12月底前``, ``2023-12-31``."""
DEGREE_VALUE: Final = re.compile(_DEGREE)
TRAILING_UNIT: Final = re.compile(rf"(?P<body>.*\d)(?P<unit>{UNIT_CORE}{_PER}?)")
WEIGHT: Final = re.compile(r"[1-9]\d{0,2}(?:\.\d+)?")
NUMBER: Final = re.compile(_NUMBER)
DECIMAL: Final = re.compile(r"\d\.\d")
"""The point of a decimal number and the digits on either side: no cut falls inside."""
LEVEL_TAG: Final = re.compile(r"[(（](?=[^()（）]*[\d分填])[^()（）]{1,12}[)）]分?")
"""A tag printed after a 一级/二级 name, kept in its cell: a score or score range (``产出指标(50分)``,
``成本指标(0-20)分``) or a template's required/optional mark (``数量指标(必填硬性指标)``)."""
POINTS: Final = re.compile(r"[得扣减]\d+(?:\.\d+)?分")
"""A points clause of a scoring criterion (``得10分``, ``扣1分``)."""
CONDITION: Final = re.compile(
    rf"{_COMPARATOR}?\d[\d.%]*{_SUFFIX}?"
    rf"|{alternation(GRADE_WORDS)}|{_DEGREE}"
    rf"|(?:{alternation(MANNER_WORDS)})?(?:{alternation(ACTION_WORDS)})(?:到位|完毕)?"
)
"""What a scoring criterion says before its first points clause: ``95%以上``, ``9%0`` (a typo kept as
written), ``较大``, ``明显改善``, ``按期完成``, ``发放到位``."""


# --- the header ---------------------------------------------------------------------------------------

_BRACKET_GROUP: Final = re.compile(r"[(（]([^()（）]*)[)）]")
_REQUIRED_MARKS: Final = re.compile(r"[*＊★]")


@dataclass(frozen=True)
class _Token:
    """One header character, or one parenthesised group (``group=True``, text without brackets)."""

    text: str
    group: bool


def _header_tokens(text: str) -> tuple[_Token, ...]:
    """The header line without spaces and required-field marks (``*指标值``), as tokens."""
    reduced = _REQUIRED_MARKS.sub("", WHITESPACE.sub("", text))
    tokens: list[_Token] = []
    position = 0
    for match in _BRACKET_GROUP.finditer(reduced):
        tokens.extend(_Token(char, False) for char in reduced[position : match.start()])
        tokens.append(_Token(match.group(1), True))
        position = match.end()
    tokens.extend(_Token(char, False) for char in reduced[position:])
    return tuple(tokens)


def _label_ends(tokens: Sequence[_Token], start: int, label: str) -> set[tuple[int, int]]:
    """(token position, characters left out) wherever ``label`` can end when read from ``start``.

    A bracket group inside a label is read either with its brackets dropped (``评(扣分标准)`` =
    ``评扣分标准``) or as a note left out (``评(扣)分标准`` = ``评分标准``); a label never starts with one.
    """
    ends: set[tuple[int, int]] = set()

    def walk(index: int, matched: int, left_out: int) -> None:
        if matched == len(label):
            ends.add((index, left_out))
            return
        if index == len(tokens):
            return
        token = tokens[index]
        if not token.group:
            if token.text == label[matched]:
                walk(index + 1, matched + 1, left_out)
        elif matched:
            walk(index + 1, matched, left_out + len(token.text))
            if token.text and label.startswith(token.text, matched):
                walk(index + 1, matched + len(token.text), left_out)

    walk(start, 0, 0)
    return ends


_Reading = tuple[tuple[int, int], frozenset[tuple[str, ...]]]
"""(label count, characters left out as notes) and the distinct segmentations with that cost."""


def split_glued_header(text: str, labels: Mapping[str, str]) -> tuple[str, ...] | None:
    """The header labels a glued header line is made of, in order, or None when the line does not
    segment completely into known labels.

    ``labels`` maps each known label (reduced: no spaces, no parenthesised notes) to its column role.
    Spaces and required-field marks are ignored. A parenthesised group right after a label is a note
    and is left out (``指标权重(%)``); inside a label it is read with or without its brackets (see
    ``_label_ends``). Of all complete segmentations the one with the fewest labels is taken
    (``指标值内容`` rather than ``指标值`` + ``内容``), then the one leaving out the fewest characters
    (``评(扣)分标准`` is ``评扣分标准`` when both that and ``评分标准`` are known); when two different ones
    still tie, the line is None.
    """
    tokens = _header_tokens(text)
    if not tokens:
        return None

    @cache
    def segment(start: int) -> _Reading | None:
        """The cheapest segmentations of tokens[start:], or None when there is none."""
        if start == len(tokens):
            return (0, 0), frozenset({()})
        options: list[tuple[tuple[int, int], tuple[str, ...]]] = []
        if tokens[start].group and start:
            rest = segment(start + 1)
            if rest is not None:
                (count, left_out), found = rest
                options.extend(((count, left_out + len(tokens[start].text)), each) for each in found)
        for label in labels:
            for end, dropped in _label_ends(tokens, start, label):
                rest = segment(end)
                if rest is not None:
                    (count, left_out), found = rest
                    options.extend(((count + 1, left_out + dropped), (label, *each)) for each in found)
        if not options:
            return None
        cheapest = min(cost for cost, _ in options)
        return cheapest, frozenset(found for cost, found in options if cost == cheapest)

    result = segment(0)
    if result is None or len(result[1]) != 1:
        return None
    (found,) = result[1]
    return found


# --- one row line ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Each character folded on its own (NFKC when it stays one character), so positions still match."""
    folded = (SIGN_FOLDS.get(char) or unicodedata.normalize("NFKC", char) for char in text)
    return "".join(new if len(new) == 1 else old for new, old in zip(folded, text, strict=True))


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


@dataclass(frozen=True)
class _Line:
    """One row line prepared for cutting: as written, folded, and what was found where."""

    text: str
    folded: str
    values: Mapping[int, tuple[tuple[int, int], ...]]
    """Start → (end, fit) of each value the line may hold there."""
    unbreakable: frozenset[int]
    """Cut positions inside a points clause (``得1|0分``) or a decimal number (``18|.5``, ``18.|5``)."""
    whole_values: frozenset[tuple[int, int]]
    """Spans that read as a whole value: quantity, date or degree phrase (see ``_maximal_matches``)."""
    level_names: tuple[tuple[int, int], ...]
    """Spans of 一级/二级 names: no free-text cell holds one (see ``_text_pieces``)."""


def _maximal_matches(folded: str, pattern: re.Pattern[str]) -> set[tuple[int, int]]:
    """Spans that fully match ``pattern`` and cannot be extended on either side (``大于90%``, not ``90%``)."""
    spans = [
        (start, end) for start in range(len(folded)) for end in _pattern_ends(folded, start, pattern, MAX_VALUE_LENGTH)
    ]
    longest: dict[int, int] = {}
    earliest: dict[int, int] = {}
    for start, end in spans:
        longest[start] = max(end, longest.get(start, end))
        earliest[end] = min(start, earliest.get(end, start))
    return {(start, end) for start, end in spans if longest[start] == end and earliest[end] == start}


def _value_spans(
    folded: str, quantities: set[tuple[int, int]], degrees: set[tuple[int, int]], roles: Sequence[str]
) -> dict[int, tuple[tuple[int, int], ...]]:
    """Start → (end, fit) of every value the line may hold.

    A quantity is taken whole, or without its comparator when a comparator column comes just before
    the value, or without its unit when a unit column comes just after it (``≥50人`` → ``≥`` ``50``
    ``人``). Its leading digits may be a weight glued to it only when the header has a weight column
    before the value (``1020`` → ``10`` ``20``).
    """
    just_before = {roles[i - 1] for i, role in enumerate(roles) if role in VALUE_ROLES and i}
    just_after = {roles[i + 1] for i, role in enumerate(roles) if role in VALUE_ROLES and i + 1 < len(roles)}
    weight_before = any(WEIGHT_ROLE in roles[:i] for i, role in enumerate(roles) if role in VALUE_ROLES)
    spans: dict[int, set[tuple[int, int]]] = {}
    for start, end in quantities:
        starts, ends = [start], [end]
        comparator = _COMPARATOR_AT.match(folded, start, end)
        if comparator and "comparator" in just_before:
            starts.append(comparator.end())
        if weight_before and not comparator:
            starts += [cut for cut in range(start + 1, end) if all(map(_is_digit, folded[start:cut]))]
        unit = TRAILING_UNIT.fullmatch(folded, start, end)
        if unit and "unit" in just_after:
            ends.append(unit.end("body"))
        for first in starts:
            for last in ends:
                if QUANTITY_VALUE.fullmatch(folded, first, last):
                    spans.setdefault(first, set()).add((last, STRONG_FIT))
    for start, end in degrees:
        spans.setdefault(start, set()).add((end, DEGREE_FIT))
    return {start: tuple(sorted(found)) for start, found in spans.items()}


def _prepare(text: str, roles: Sequence[str]) -> _Line:
    folded = _fold(text)
    unbreakable = frozenset(
        position
        for pattern in (POINTS, DECIMAL)
        for match in pattern.finditer(folded)
        for position in range(match.start() + 1, match.end())
    )
    quantities = _maximal_matches(folded, QUANTITY_VALUE)
    degrees = _maximal_matches(folded, DEGREE_VALUE)
    level_names = tuple(
        (start, end) for start in range(len(folded)) for end in _word_ends(folded, start, LEVEL_VOCABULARY)
    )
    values = _value_spans(folded, quantities, degrees, roles)
    return _Line(text, folded, values, unbreakable, frozenset(quantities | degrees), level_names)


def _cut_allowed(line: _Line, end: int, role: str) -> bool:
    """Whether a cell of ``role`` may end at ``end``: not inside a points clause or a decimal, and not
    between two digits unless the cell is a weight (see the module docstring)."""
    if end == len(line.text):
        return True
    if end in line.unbreakable:
        return False
    return role == WEIGHT_ROLE or not (_is_digit(line.folded[end - 1]) and _is_digit(line.folded[end]))


# --- pieces: what a slot of the roles holds -----------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """One anchor column, or a run of adjacent free-text columns (``text=True``)."""

    roles: tuple[str, ...]
    text: bool


@dataclass(frozen=True)
class _Piece:
    """A slot's cells for ``text[start:end]`` and how well they fit."""

    end: int
    cells: tuple[str, ...]
    fit: int


def _slots(roles: Sequence[str]) -> tuple[_Slot, ...]:
    """The roles as slots: each anchor alone, adjacent free-text roles together."""
    slots: list[_Slot] = []
    for role in roles:
        if role in TEXT_ROLES and slots and slots[-1].text:
            slots[-1] = _Slot((*slots[-1].roles, role), True)
        else:
            slots.append(_Slot((role,), role in TEXT_ROLES))
    return tuple(slots)


def _word_ends(folded: str, start: int, words: Iterable[str]) -> list[int]:
    return [start + len(word) for word in words if folded.startswith(word, start)]


def _pattern_ends(folded: str, start: int, pattern: re.Pattern[str], longest: int) -> list[int]:
    ends = range(start + 1, min(len(folded), start + longest) + 1)
    return [end for end in ends if pattern.fullmatch(folded, start, end)]


def _is_unit_cell(folded: str, start: int, end: int) -> bool:
    """A unit cell: one unit the values whitelist knows, or a rate of them (``人/天``).

    A one-character counter with Chinese text on either side is part of a word, not a unit
    (``一般性项目…`` is not ``一般性`` + ``项``, ``…完成时间-定量`` not ``…完成时`` + ``间``), as
    ``pipeline.parse.values`` decides for a value; ``GLUE_SAFE_UNITS`` (元, 亩) rarely are.
    """
    text = folded[start:end]
    if not all(is_unit(part) for part in text.split("/")):
        return False
    in_word = bool(_CJK_AT.match(folded, end)) or (start > 0 and bool(_CJK_AT.match(folded, start - 1)))
    return len(text) > 1 or text in GLUE_SAFE_UNITS or not in_word


def _whole_word(folded: str, start: int, end: int, vocabulary: Iterable[str]) -> bool:
    """Whether no longer word of ``vocabulary`` ends at ``end``: ``不低于`` is not ``不`` + ``低于``, and
    ``社会效益指标`` not ``社会`` + ``效益指标``."""
    return not any(len(word) > end - start and folded.endswith(word, 0, end) for word in vocabulary)


def _with_tag(folded: str, ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Level-name ends moved past a tag printed right after the name (``LEVEL_TAG``)."""
    tags = ((LEVEL_TAG.match(folded, end), end, fit) for end, fit in ends)
    return [(tag.end() if tag else end, fit) for tag, end, fit in tags]


def _anchor_ends(line: _Line, role: str, start: int) -> list[tuple[int, int]]:
    """(end, fit) of every non-empty cell an anchor column may hold from ``start``."""
    folded = line.folded

    def words(vocabulary: Iterable[str], fit: int, whole: Iterable[str] = ()) -> list[tuple[int, int]]:
        ends = _word_ends(folded, start, vocabulary)
        return [(end, fit) for end in ends if _whole_word(folded, start, end, whole)]

    if role == "level1":
        return _with_tag(folded, words(LEVEL1_VOCABULARY, STRONG_FIT, LEVEL_VOCABULARY))
    if role == "level2":
        found = words(LEVEL2_VOCABULARY - LEVEL1_VOCABULARY, STRONG_FIT, LEVEL_VOCABULARY)
        found += words(LEVEL1_VOCABULARY, MISPLACED_NAME_FIT, LEVEL_VOCABULARY)
        return _with_tag(folded, found)
    if role in VALUE_ROLES:
        return list(line.values.get(start, ()))
    if role == "comparator":
        return words(PREFIX_COMPARATORS, SHORT_FIT, PREFIX_COMPARATORS)
    if role == "direction":
        return words(DIRECTION_WORDS, STRONG_FIT)
    if role == "nature":
        dash = int(folded[start] in DASHES)
        return [(end, STRONG_FIT) for end in _word_ends(folded, start + dash, NATURE_WORDS)]
    if role == "unit":
        reach = range(start + 1, min(len(folded), start + MAX_UNIT_LENGTH) + 1)
        return [(end, SHORT_FIT) for end in reach if _is_unit_cell(folded, start, end)]
    if role == WEIGHT_ROLE:
        ends = _pattern_ends(folded, start, WEIGHT, MAX_WEIGHT_LENGTH)
        return [(end, SHORT_FIT) for end in ends if float(folded[start:end]) <= MAX_WEIGHT]
    if role == "score":
        return [(end, SCORE_FIT) for end in _pattern_ends(folded, start, NUMBER, MAX_VALUE_LENGTH)]
    return []


def _anchor_pieces(line: _Line, role: str, start: int) -> list[_Piece]:
    """Every non-empty cell an anchor column may hold at ``start`` (a nature cell without its dash)."""
    pieces: list[_Piece] = []
    for end, fit in _anchor_ends(line, role, start):
        cell = line.text[start:end]
        if role == "nature":
            cell = cell.lstrip(DASHES)
        if _cut_allowed(line, end, role):
            pieces.append(_Piece(end, (cell,), fit))
    return pieces


def _ends_badly(folded: str) -> bool:
    """A free-text cell followed by another cell does not end with a digit, a dash or a comparator."""
    last = folded[-1]
    return _is_digit(last) or last in DASHES or any(folded.endswith(word) for word in PREFIX_COMPARATORS)


def _scoring_start(text: str) -> int | None:
    """Where the scoring criterion starts in a description + scoring run, or None when not recognised.

    The criterion is the text from its first condition: the longest ``CONDITION`` that ends right before
    the first points clause (``反映该项目完成时间按期完成得10分`` → ``按期完成得10分``).
    """
    points = POINTS.search(text)
    if points is None:
        return None
    head = text[: points.start()]
    return next((start for start in range(len(head)) if CONDITION.fullmatch(head, start)), None)


def _principal(roles: tuple[str, ...]) -> int:
    """Index of the run's principal column: the first of the highest precedence in ``TEXT_ROLES``."""
    return min(range(len(roles)), key=lambda index: TEXT_ROLES.index(roles[index]))


def _split_run(roles: tuple[str, ...], text: str, folded: str) -> tuple[tuple[str, ...], int] | None:
    """A free-text run's cells and fit, or None when the text cannot sit there.

    The principal (``_principal``) takes the text; a scoring column after it takes the text from a
    recognised criterion on (``_scoring_start``). Where no criterion is recognised no cut is made and
    the principal keeps all of it. Other free-text columns of the run stay empty. A 三级 name holding a
    points clause is refused.
    """
    principal = _principal(roles)
    cells = [""] * len(roles)
    cells[principal] = text
    fit = 0
    scoring = next((i for i in range(principal + 1, len(roles)) if roles[i] == SCORING_ROLE), None)
    start = _scoring_start(folded) if scoring is not None else None
    if scoring is not None and start is not None:
        cells[principal], cells[scoring] = text[:start], text[start:]
        fit = SCORING_START_FIT
    if roles[principal] == NAME_ROLE and POINTS.search(folded, 0, len(cells[principal])):
        return None
    return tuple(cells), fit


def _text_pieces(line: _Line, slot: _Slot, start: int) -> list[_Piece]:
    """Every non-empty text a free-text run may hold from ``start``, split over its columns.

    Free text never holds a 一级/二级 name: the name belongs in its column or opens the next row, so a
    line holding two rows (``…扣1分产出指标数量指标…``) finds no cut and is None.
    """
    pieces: list[_Piece] = []
    principal = _principal(slot.roles)
    reach = min((end for begin, end in line.level_names if begin >= start), default=len(line.text) + 1)
    for end in range(start + 1, min(reach, len(line.text) + 1)):
        if end < len(line.text) and _ends_badly(line.folded[start:end]):
            continue
        if not _cut_allowed(line, end, slot.roles[principal]):
            continue
        split = _split_run(slot.roles, line.text[start:end], line.folded[start:end])
        if split is None:
            continue
        cells, fit = split
        if slot.roles[principal] == NAME_ROLE:
            fit -= _values_inside(line, start, start + len(cells[principal]))
        pieces.append(_Piece(end, cells, fit))
    return pieces


def _values_inside(line: _Line, start: int, end: int) -> int:
    """How many whole values lie in ``text[start:end]``: each costs a 三级 name one point, since the
    value follows the name (``伙食补助发放率90%以上实际…9%0得10分``: the value is ``90%以上``, not a later
    ``9%`` after a name that swallowed it; ``改善办学条件明显改善反映…明显改善得10分``: the first
    ``明显改善``)."""
    return sum(start <= s and e <= end for s, e in line.whole_values)


# --- the best cut --------------------------------------------------------------------------------------

_Key = tuple[int, int]
"""(fit, −position of the free-text runs used): text that could sit in two runs goes to the earlier."""
_Cut = tuple[tuple[str, ...], ...]
"""One cell tuple per slot."""


def _best_cuts(line: _Line, slots: tuple[_Slot, ...]) -> list[_Cut]:
    """All cuts of the line with the best fit (at most ``MAX_OPTIMA``)."""
    length = len(line.text)

    @cache
    def best(index: int, start: int) -> tuple[_Key, tuple[_Cut, ...]] | None:
        if index == len(slots):
            return ((0, 0), ((),)) if start == length else None
        slot = slots[index]
        pieces = [_Piece(start, ("",) * len(slot.roles), 0)]
        if start < length:
            pieces += _text_pieces(line, slot, start) if slot.text else _anchor_pieces(line, slot.roles[0], start)
        top: _Key | None = None
        cuts: list[_Cut] = []
        for piece in pieces:
            rest = best(index + 1, piece.end)
            if rest is None:
                continue
            used = index if slot.text and piece.end > start else 0
            key = (piece.fit + rest[0][0], rest[0][1] - used)
            if top is None or key > top:
                top, cuts = key, []
            if key == top:
                cuts += [(piece.cells, *cut) for cut in rest[1] if (piece.cells, *cut) not in cuts]
        return None if top is None else (top, tuple(cuts[:MAX_OPTIMA]))

    found = best(0, 0)
    return [] if found is None else list(found[1])


def _as_row(cells: tuple[str, ...], roles: Sequence[str]) -> tuple[str, ...] | None:
    """The tuple a line yields: a row, a category line (level cells only), or None (not a row)."""
    content = [cell for cell, role in zip(cells, roles, strict=True) if role not in (*LEVEL_ROLES, "nature")]
    if not any(content):
        return tuple(cell if role in LEVEL_ROLES else "" for cell, role in zip(cells, roles, strict=True))
    for needed in (VALUE_ROLES, (NAME_ROLE,)):
        columns = [cell for cell, role in zip(cells, roles, strict=True) if role in needed]
        if columns and not any(columns):
            return None
    return cells


def _line_options(text: str, roles: Sequence[str], slots: tuple[_Slot, ...]) -> list[tuple[str, ...]]:
    """The distinct rows a line's best cuts give; [] when one of them is not a row at all."""
    text = WHITESPACE.sub("", text)
    if not text:
        return [("",) * len(roles)]
    if len(text) > MAX_ROW_LENGTH:
        return []
    options: list[tuple[str, ...]] = []
    for cut in _best_cuts(_prepare(text, roles), slots):
        row = _as_row(tuple(cell for cells in cut for cell in cells), roles)
        if row is None:
            return []
        if row not in options:
            options.append(row)
    return options


def _settle(
    options: list[tuple[str, ...]], weight_at: int | None, seen: Sequence[float], open_lines: int
) -> tuple[str, ...] | None:
    """One row among a line's equally good cuts, or None.

    Ties are settled by the weight alone, as the cut whose weight is the only one the table's other
    rows show unambiguously (``590`` = 5 + ``90`` or 59 + ``0``; other rows weigh 10 and 5 → 5), else —
    when this is the table's only open line — as the only cut whose weight brings the total to
    ``WEIGHT_TOTAL``.
    """
    if len(options) == 1:
        return options[0]
    if weight_at is None or not options:
        return None
    weights = {row: float(row[weight_at]) for row in options if row[weight_at]}
    seen_weights = set(seen)
    known = [row for row, weight in weights.items() if weight in seen_weights]
    if len(known) == 1:
        return known[0]
    total = [row for row, weight in weights.items() if math.isclose(sum(seen) + weight, WEIGHT_TOTAL)]
    return total[0] if open_lines == 1 and len(total) == 1 else None


def cut_glued_rows(lines: Sequence[str], roles: Sequence[str]) -> list[tuple[str, ...] | None]:
    """For each glued row line of one table, its cells placed under the header's roles (a tuple of
    len(roles), "" where the row has no cell), or None when the line cannot be cut with confidence
    (never guess).

    ``roles`` are the header's column roles in order, from: level1, level2, level3, description, value,
    actual, comparator, unit, weight, score, nature, direction, basis, scoring, remark, other (another
    role raises ValueError). A row may start at any level column (merged cells above carry down). A
    line that is only a level label (or level labels) followed by nothing, or only ``-定性``, yields a
    tuple with just those level cells filled (the caller treats it as a category line, not an
    indicator). A blank line yields empty cells.

    None: the best cut is not unique and the weights do not settle it (``_settle``); or it places no
    value, or a value without a 三级 name (``返回首页``; a unit-total line ``505006州…学校30.00``, whose
    leading code number reads as a value before any name); or the line is longer than ``MAX_ROW_LENGTH`` or holds two rows. A None line may have printed
    一级/二级 names, so the caller should not trust what it carries down past one. See the module
    docstring for the cutting rules.
    """
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown column roles: {sorted(unknown)}")
    slots = _slots(roles)
    options = [_line_options(line, roles, slots) for line in lines]
    weight_at = list(roles).index(WEIGHT_ROLE) if WEIGHT_ROLE in roles else None
    seen = [
        float(found[0][weight_at])
        for found in options
        if weight_at is not None and len(found) == 1 and found[0][weight_at]
    ]
    open_lines = sum(len(found) > 1 for found in options)
    return _older_cost_level([_settle(found, weight_at, seen, open_lines) for found in options], roles)


def _older_cost_level(rows: list[tuple[str, ...] | None], roles: Sequence[str]) -> list[tuple[str, ...] | None]:
    """成本指标 moved from the 一级 to the 二级 column where the table is of the older framework.

    A line starting ``成本指标`` with no 二级 after it is cut as a 一级 (the newer framework). When no
    line of the table names a kind of cost (``COST_KINDS``), the table is of the older framework, where
    成本指标 is a 二级 under 产出指标 (``时效指标…`` then ``成本指标项目总成本≤1125万元``), and it moves,
    unless a cell of the row lies between the two columns: the move would put it after text it follows.
    """
    if "level1" not in roles or "level2" not in roles:
        return rows
    one, two = list(roles).index("level1"), list(roles).index("level2")
    low, high = sorted((one, two))
    if any(row is not None and LEVEL_TAG.sub("", row[two]) in COST_KINDS for row in rows):
        return rows
    moved: list[tuple[str, ...] | None] = []
    for row in rows:
        if row is not None and LEVEL_TAG.sub("", row[one]) == COST and not any(row[low + 1 : high]) and not row[two]:
            cells = list(row)
            cells[one], cells[two] = "", row[one]
            row = tuple(cells)
        moved.append(row)
    return moved
