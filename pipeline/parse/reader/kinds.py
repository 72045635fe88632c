"""What a cell is, judged from its text alone: the evidence the reader places cells by.

A table that lost its merged cells, its empty cells or its row boundaries can still be read, because
the cells of an indicator row are of recognisably different kinds: a 一级/二级 label from the closed
national set (``产出指标``, ``数量指标``), a comparator (``≥``), a nature or direction word (``定性``,
``正向``), a bare number (a weight, a score, a value), a unit (``%``, ``人/天``), a value (``≥95%``,
``2023年12月31日``, ``90%以上``), or text (a name, a description, a qualitative value such as ``及时``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal, NamedTuple, TypeAlias

from pipeline.core.comparators import COMPARATOR_SIGNS, COMPARATOR_WORDS, SUFFIX_COMPARATORS
from pipeline.core.text import CACHED_STRINGS, clean_text
from pipeline.core.vocabulary import fold, level_kind
from pipeline.parse.values import MAGNITUDES, UNITS, alternation

Kind: TypeAlias = Literal[
    "empty",
    "level1",
    "level2",
    "both",
    "comparator",
    "nature",
    "direction",
    "number",
    "unit",
    "value",
    "criterion",
    "text",
]

NATURE_WORDS: Final = frozenset({"定量", "定性", "定量指标", "定性指标"})
"""指标性质 / 指标值类型 cells that say whether a target is measured, not how it compares (a dash printed
before them in a glued row, ``-定量``, is dropped)."""
QUALITATIVE: Final = "定性"
DIRECTION_WORDS: Final = frozenset({"正向", "反向", "正向指标", "反向指标", "中性", "中性指标"})
"""指标方向 cells: whether more is better."""
MAX_SHORT_TEXT: Final = 8
"""Text up to this many characters may be a qualitative value (及时, 应改尽改, 有效改善) as well as a name."""
MAX_WEIGHT: Final = 100
"""A weight or score is at most this: the weights of a table add up to 100."""
MAX_VALUE_WORD: Final = 5
"""A value that starts with a number carries at most a few characters of words after it (``2024年底前``,
``1346.0088万平方米``); ``65岁及以上老年人健康管理率`` is a name that starts with one."""
_CJK_RUN: Final = re.compile(r"[\u4e00-\u9fff]+")
_CRITERION: Final = re.compile(r"[扣得]\d+(?:\.\d+)?分|不得分|得满分|酌情扣分|计满分|按[^，,。；;]{0,8}比例得分")
"""A scoring rule (评分标准): ``每少1处扣1分``, ``低于95%不得分``, ``按完成比例得分``, ``未达指标值酌情扣分``:
never a name or a value."""

_SYMBOL: Final = "[" + re.escape(COMPARATOR_SIGNS) + "]"
_WORD: Final = alternation(COMPARATOR_WORDS)
"""Word comparators, longest first (不低于 before 低于)."""
_COMPARATOR_CELL: Final = re.compile(rf"^(?:{_SYMBOL}{{1,2}}|{_WORD})$")
_LEADING_COMPARATOR: Final = re.compile(rf"^(?:{_SYMBOL}|{_WORD})")
_NUMBER: Final = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_UNIT_WORD: Final = alternation((*UNITS, *MAGNITUDES, "万元"))
_UNIT_CELL: Final = re.compile(rf"^(?:{_UNIT_WORD})(?:[/·.每](?:{_UNIT_WORD}))*$|^[%‰]$")
_STARTS_LIKE_VALUE: Final = re.compile(rf"^(?:{_SYMBOL}|{_WORD})?\s*[-+]?\d")
_DATE_OR_PERIOD: Final = re.compile(r"\d{4}\s*年|\d{1,2}\s*月(?:底|前|末|份)?")
"""Dates and months. Period words alone (全年, 按月) are short text: ``按月发放`` is a name in one table
and ``按月安排`` a value in another; only the column tells them apart."""
_VALUE_SUFFIX: Final = re.compile(rf"\d\s*(?:[%‰]|{alternation(SUFFIX_COMPARATORS)})")
"""A number with a percent sign or 以上/以下 after it (``重点工作完成率（%）`` is a name, not a value)."""
_CODE_PREFIX: Final = re.compile(r"^(?:[\[【(（]\d{3,}[\]】)）]|\d{3,}\s*[-_－—])")
_CODED_NAME: Final = re.compile(r"^(?:[\[【(（]\d{3,}[\]】)）]|\d{3,}\s*[-_－—])\s*[\u4e00-\u9fff]{2}")
"""``820001-甲县乙镇人民政府``, ``[066]甲市农业农村局``: a unit or project named with its code."""


class CellFacts(NamedTuple):
    """The evidence of one cell: its kind and the features placement weighs (a tuple: placement
    memoises on rows of them, and a tuple hashes fast)."""

    kind: Kind
    short: bool
    """Text short enough to be a qualitative value."""
    small_number: bool
    """A number that may be a weight or a score (0 ≤ n ≤ 100)."""
    coded: bool
    """Starts with a code (``820001-…``, ``[066]…``): a unit or budget line, not an indicator."""
    qualitative: bool
    """The nature word 定性."""


@lru_cache(maxsize=CACHED_STRINGS)
def kind_of(text: str) -> Kind:
    """The kind of a cell; see the module docstring."""
    cell = clean_text(text)
    if not cell:
        return "empty"
    level = level_kind(cell)
    if level is not None:
        return level
    squeezed = cell.replace(" ", "")
    if _COMPARATOR_CELL.match(squeezed):
        return "comparator"
    folded = fold(squeezed)
    if folded in NATURE_WORDS:
        return "nature"
    if folded in DIRECTION_WORDS:
        return "direction"
    if _NUMBER.match(squeezed):
        return "number"
    if _CODED_NAME.match(squeezed):
        return "text"
    if _UNIT_CELL.match(squeezed):
        return "unit"
    if _CRITERION.search(squeezed):
        return "criterion"
    if _looks_like_value(squeezed):
        return "value"
    return "text"


def _looks_like_value(cell: str) -> bool:
    """A measure rather than a name: starts with a number or comparator and number, or is a short
    date, period or percentage (``2023年12月31日``, ``12月底到位``, ``90%以上``)."""
    if _STARTS_LIKE_VALUE.match(cell):
        return max((len(run) for run in _CJK_RUN.findall(cell)), default=0) <= MAX_VALUE_WORD

    return len(cell) <= MAX_SHORT_TEXT + 4 and bool(_DATE_OR_PERIOD.search(cell) or _VALUE_SUFFIX.search(cell))


def starts_with_comparator(text: str) -> bool:
    """A value that already says how it compares (``≥95%``, ``高于90%``, ``不超出19万元``)."""
    return _LEADING_COMPARATOR.match(text) is not None


@lru_cache(maxsize=CACHED_STRINGS)
def facts_of(text: str) -> CellFacts:
    """Kind and features of a cell (remembered per distinct text)."""
    kind = kind_of(text)
    cell = clean_text(text).replace(" ", "")
    small = kind == "number" and 0 <= float(cell.replace(",", "")) <= MAX_WEIGHT
    return CellFacts(
        kind=kind,
        short=len(cell) <= MAX_SHORT_TEXT,
        small_number=small,
        coded=bool(_CODE_PREFIX.match(cell)) and kind == "text",
        qualitative=fold(cell) in (QUALITATIVE, QUALITATIVE + "指标"),
    )
