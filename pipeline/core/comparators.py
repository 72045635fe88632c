"""The comparators of an indicator value, each written once: its symbol, the signs and words that mean
it, and its direction.

A target says how the measured figure must compare with its number: ``≥95%``, ``不低于95%``,
``95%以上`` all mean at least 95 %. Every reader of a value (the value reader, the form reader's
指标性质 column, the prose reader, the department-target reader, the glued-line reader) and the
warehouse's quality flags take the words from ``COMPARATOR_TABLE`` below, so a word added here is
read everywhere: a 指标性质 column saying 高于 and a cell saying ``高于95%`` both read ``>``.

Decisions:

* Words. 大于等于/不少于/不低于/不小于/至少/达到 → ``>=``; 小于等于/不超过/不超出/不高于/不大于/
  不多于/最多 → ``<=``; 大于/高于/超过/多于 → ``>``; 小于/低于/少于/不足/不满 → ``<``; 等于 → ``=``.
  ``达到`` ("reaches") is a floor, hence ``>=``.
* Suffixes 以上/及以上 → ``>=`` and 以下/以内/之内/内 → ``<=``: the PRC Civil Code (art. 1259) reads
  以上, 以下 and 以内 as including the number, and 超过, 不满 as excluding it.
* Signs. ``≥ ≤ > < =`` and the spellings clerks and converters use for them (``>=``, ``=>``, ``≥=``,
  ``≧``, ``⩾``, full-width ``＞``): each sign character is in ``COMPARATOR_SIGNS``; NFKC folds the
  full-width forms, ``SIGN_FOLDS`` the rest.
* Direction. ``floor`` (the figure must reach the number: ``>=``, ``>``), ``ceiling`` (it must stay
  under: ``<=``, ``<``) or ``exact`` (``=``). A ceiling on a rate where more is better is the
  ``backwards`` quality flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Final, Literal, get_args

Comparator = Literal[">=", "<=", "=", ">", "<"]
Direction = Literal["floor", "ceiling", "exact"]


@dataclass(frozen=True)
class ComparatorEntry:
    """One comparator: how it is stored, which way it points, and how documents write it."""

    symbol: Comparator
    direction: Direction
    signs: tuple[str, ...]
    """Spellings in signs, as the value reader sees them after folding (``≥``, ``>=``, ``=>``)."""
    words_before: tuple[str, ...]
    """Words written before the number (``不低于95%``)."""
    words_after: tuple[str, ...] = ()
    """Words written after the number and its unit (``95%以上``)."""


COMPARATOR_TABLE: Final[tuple[ComparatorEntry, ...]] = (
    ComparatorEntry(
        ">=", "floor", (">=", "=>", "≥=", "≥"),
        ("大于或等于", "大于等于", "不少于", "不低于", "不小于", "至少", "达到"),
        ("及以上", "或以上", "以上"),
    ),
    ComparatorEntry(
        "<=", "ceiling", ("<=", "=<", "≤=", "≤"),
        ("小于或等于", "小于等于", "不超过", "不超出", "不高于", "不大于", "不多于", "最多"),
        ("及以下", "或以下", "以下", "以内", "之内", "内"),
    ),
    ComparatorEntry(">", "floor", (">",), ("大于", "高于", "超过", "多于")),
    ComparatorEntry("<", "ceiling", ("<",), ("小于", "低于", "少于", "不足", "不满")),
    ComparatorEntry("=", "exact", ("=",), ("等于",)),
)  # fmt: skip
"""Every comparator, with its signs and words; see the module docstring."""

SIGN_FOLDS: Final[dict[str, str]] = {"≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "＝": "=", "＞": ">", "＜": "<"}
"""Sign characters written for another one: folded before a value is read (NFKC does the full-width
ones, not ``≧``)."""

COMPARATORS: Final[tuple[Comparator, ...]] = get_args(Comparator)
"""The stored symbols, the values of every ``comparator`` column."""

PREFIX_COMPARATORS: Final[dict[str, Comparator]] = {
    spelling: entry.symbol for entry in COMPARATOR_TABLE for spelling in (*entry.signs, *entry.words_before)
}
"""Comparators written before the number, as signs or words → the stored symbol."""
SUFFIX_COMPARATORS: Final[dict[str, Comparator]] = {
    word: entry.symbol for entry in COMPARATOR_TABLE for word in entry.words_after
}
"""Comparators written after the number and its unit → the stored symbol."""
COMPARATOR_WORDS: Final[frozenset[str]] = frozenset(word for entry in COMPARATOR_TABLE for word in entry.words_before)
"""The words written before a number (不低于, 高于 …), without the signs."""
COMPARATOR_SIGNS: Final[str] = "".join(
    sorted({char for entry in COMPARATOR_TABLE for sign in entry.signs for char in sign} | set(SIGN_FOLDS))
)
"""Every character that is part of a sign (``<=>≤≥`` and the folded forms), for character classes."""
SIGN_SPELLINGS: Final[frozenset[str]] = frozenset(
    "".join(chars)
    for entry in COMPARATOR_TABLE
    for sign in entry.signs
    for chars in product(*({c, *(k for k, v in SIGN_FOLDS.items() if v == c)} for c in sign))
)
"""Every spelling of a sign before folding (``>=``, ``＞=``, ``≧``), for text read as written."""
CEILINGS: Final[tuple[Comparator, ...]] = tuple(e.symbol for e in COMPARATOR_TABLE if e.direction == "ceiling")
"""``<=`` and ``<``: the target is a maximum."""


def trailing_comparator(text: str) -> str | None:
    """The longest comparator word or sign ``text`` ends with (``完成率不低于`` → ``不低于``), or None."""
    return next((word for word in _LONGEST_FIRST if text.endswith(word)), None)


_LONGEST_FIRST: Final = tuple(sorted(PREFIX_COMPARATORS, key=len, reverse=True))
