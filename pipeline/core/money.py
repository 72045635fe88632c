"""Amounts of money as yuan (元), whatever unit the document wrote them in.

Township tables state money in 万元 or in 元 (the ``单位：万元`` line above a table, or the unit after
an indicator value such as ``≤19万元``). The warehouse stores every amount in 元 so that documents
can be compared and summed. The scaling is done in ``Decimal`` and rounded to the fen (0.01 元),
so ``1.7`` 万元 is exactly ``17000.0`` and not ``17000.000000000004``.

A number without a unit is *not* assumed to be in 元: ``to_yuan("19.00", None)`` is ``None``. Tables
in 万元 outnumber tables in 元 in the seeds, so guessing either way would be wrong often; the
caller knows where the unit should have come from and records a note instead. A unit written in
the cell itself (``"19.00万元"``) is the most specific statement there is and wins over ``unit``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Final

from pipeline.core.text import WHITESPACE

YUAN: Final = "元"
UNIT_SCALE: Final[dict[str, int]] = {
    "元": 1,
    "千元": 1_000,
    "万元": 10_000,
    "百万元": 1_000_000,
    "千万元": 10_000_000,
    "亿元": 100_000_000,
    "万": 10_000,
}
"""How many 元 one of each money unit is."""
AMOUNT_UNITS: Final[tuple[str, ...]] = ("万元", "千元", "元")
"""The units a document states its amounts in (``单位：万元``, ``项目资金（万元）``): ``amount_unit``."""
AMOUNT_UNIT: Final = "(" + "|".join(AMOUNT_UNITS) + ")"
"""A regex group matching one of ``AMOUNT_UNITS`` (longer first: 万元 before 元)."""

FEN: Final = Decimal("0.01")
"""Amounts are rounded to the fen, the smallest unit of 元."""
DECIMAL_PRECISION: Final = 60
"""Significant digits kept while scaling; a longer number is not an amount and reads as None."""

_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_WRITTEN_UNIT: Final = re.compile("(?P<unit>" + "|".join(sorted(UNIT_SCALE, key=len, reverse=True)) + ")$")
_BREAKDOWN: Final = re.compile(r"(?<=[\d万元])[(（][^()（）]*[)）]$")
"""A breakdown after the amount: ``854万(高标准农田建设400万元,示范建设295万元)`` is 854万."""
_THOUSANDS_SEPARATOR: Final = re.compile(r"(?<=\d)[,，'](?=\d{3}(?!\d))")


def is_money_unit(unit: str | None) -> bool:
    """Whether ``unit`` is one of the money units ``UNIT_SCALE`` knows."""
    return unit is not None and unit in UNIT_SCALE


def clean_number(text: str) -> str:
    """The number as Python reads it: full-width digits folded, spaces and thousands separators gone."""
    text = unicodedata.normalize("NFKC", text)
    text = WHITESPACE.sub("", text)
    return _THOUSANDS_SEPARATOR.sub("", text)


def scale_decimal(number: Decimal, unit: str) -> float | None:
    """``number`` of ``unit`` in 元, rounded to the fen; None for an unknown unit or an unreadable size."""
    scale = UNIT_SCALE.get(unit)
    if scale is None or not number.is_finite():
        return None
    try:
        with localcontext() as context:
            context.prec = DECIMAL_PRECISION
            yuan = (number * scale).quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    result = float(yuan)
    return result if math.isfinite(result) else None


def to_yuan(text: str | None, unit: str | None) -> float | None:
    """An amount as written (``"19.00"``, ``"1,234.5"``) in ``unit`` (万元, 千元, 元 …) as 元.

    A money unit at the end of ``text`` (``"19.00万元"``, ``"854万"``) is used instead of ``unit``, and a
    breakdown in brackets after the amount is not part of it. None when the
    text is not a plain number, when no unit is known (never assumed to be 元), or when ``unit`` is
    not a money unit.
    """
    if text is None:
        return None
    number_text = _BREAKDOWN.sub("", clean_number(text))
    written = _WRITTEN_UNIT.search(number_text)
    if written is not None:
        unit, number_text = written["unit"], number_text[: written.start()]
    if unit is None or unit not in UNIT_SCALE or not _PLAIN_NUMBER.fullmatch(number_text):
        return None
    return scale_decimal(Decimal(number_text), unit)
