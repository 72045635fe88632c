"""What an indicator value (指标值) means: a comparator, a number and its unit, a deadline, or a grade.

A 指标值 cell is free text typed by a township clerk: ``≥95%``, ``≤19万元``, ``2024年12月底``, ``优``,
``小于等于核定数``, ``≥-99.00-百分比`` (a system export), ``$\\geq 95\\%$`` (a PDF converter),
``≥95安全生产`` (the value glued to the next cell). ``parse_value`` reads what can be read with
confidence and says, in ``parse_note``, what could not — it never guesses a unit and never raises.

Decisions, so that every reader of the warehouse can rely on them:

* Comparators. The signs and words of ``pipeline.core.comparators`` (``≥95%``, ``不低于95%`` → ``>=``,
  ``高于95%`` → ``>``, ``95%以上`` → ``>=``). When a prefix and a suffix disagree (``≤90%以上``) the
  prefix is kept, with a note.
* Numbers. Full-width digits are folded (NFKC), thousands separators dropped, decimals kept. Numbers
  written in Chinese characters (三次) are not read (a note says so). A range (``1-12月``, ``90%-95%``)
  keeps its **end** — in these tables ranges are periods (months 1 to 12) whose end is what the
  target reaches — and the note records both bounds.
* Units are the ones a whitelist knows (``UNITS``), normalised (百分比 → %, 个工作日 → 工作日, ㎡ →
  平方米), optionally with a magnitude (万人, 万元) and a per-unit (元/株, 万元/年, 元/人·月). Text
  that is not a unit is never read as one: ``≥95安全生产`` has no unit. A one-character counter glued
  to more text (``≥95项目完成率``: 项 or 项目?) is not taken as a unit either. ``4.5/平方米`` keeps
  ``/平方米`` as written and notes that the numerator unit is missing. A number without a unit
  (``≥95``, ``≥0``), text before or after the value (``增幅20%``) and a second number in the cell
  (``200人≥1次``: the first is read) are all noted.
* Standard values. Money goes to 元 (``≤19万元`` → 190000 元, ``≤1.7万元/年`` → 17000 元/年);
  ‰ goes to %; everything else is kept as written (``value_std == value_num``).
* Dates. A calendar deadline becomes ``value_kind="date"`` with ``value_date``: ``2024年12月底`` →
  2024-12-31, ``2024年底前`` → 2024-12-31, ``2023年12月31日完成`` → 2023-12-31, quarters and half
  years → their last day; with a note, ``2021年1月至12月`` → 2021-12-31 (end of the period),
  ``2024年12月`` → 2024-12-31 and ``2024年`` → 2024-12-31 (no day written: the period's end). Four
  digits before 年 are a year only within ``MIN_YEAR``–``MAX_YEAR``; an impossible day is a date
  with ``value_date=None`` and a note.
  Relative deadlines and schedules (一年内, 7工作日内, 年底前, 每月, 按年, 每季度, 按时完成, 及时)
  are ``date`` with ``value_date=None`` and a note: they speak about timing but name no day. An
  explicit comparator makes a duration a quantity: ``≤7工作日`` is ``("<=", 7, "工作日")``.
* Qualitative. Anything with no readable number — grades (优 良 中 差) and targets such as 健全,
  有效提升, 持续使用 — is ``qualitative``. A comparator against a benchmark that is not a number
  (``小于等于核定数``, ``≤预算数``) is kept as the comparator, with a note.
* Missing. ``None``, empty, markup-only and placeholder cells (``-``, ``—``, ``/``) are ``missing``;
  a placeholder gets a note. ``无`` is a real target (no incidents), so it is qualitative.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Final

from pipeline.core.comparators import (
    PREFIX_COMPARATORS,
    SIGN_FOLDS,
    SUFFIX_COMPARATORS,
    Comparator,
    trailing_comparator,
)
from pipeline.core.money import UNIT_SCALE, YUAN, scale_decimal
from pipeline.core.text import CACHED_STRINGS, CJK_IDEOGRAPHS, WHITESPACE, strip_markup
from pipeline.core.types import ValueKind

NOTE_SEPARATOR: Final = "; "
MAX_QUOTED: Final = 40
"""Characters of the cell quoted in a note at most; a longer quote is cut with an ellipsis."""
INTERNAL_ERROR_NOTE: Final = "internal error while reading the value"
"""Prefix of the note of a value whose reading failed unexpectedly (a bug, never expected)."""


@dataclass(frozen=True)
class ParsedValue:
    """An indicator value read into typed parts; see the module docstring for the rules."""

    comparator: Comparator | None
    value_num: float | None
    value_unit: str | None
    value_kind: ValueKind
    value_date: date | None
    value_std: float | None
    unit_std: str | None
    parse_note: str | None


# --- units -----------------------------------------------------------------------------------------

UNITS: Final[tuple[str, ...]] = (
    "%", "‰", "个百分点", "百分点", "百分比",
    "元",
    "人次", "人天", "人日", "人", "户", "名", "位",
    "次", "项", "个", "件", "份", "场", "期", "篇", "条", "块", "张", "台", "套", "辆", "所", "座",
    "处", "家", "村", "起", "批", "册", "株", "棵", "头", "只", "本", "部", "宗", "间", "盏", "栋",
    "类", "种", "幅", "根", "床", "级", "倍", "分", "岁", "班", "组", "支", "轮", "段", "眼", "口",
    "工作日", "个工作日", "天", "日", "小时", "分钟", "个月", "月", "年", "周", "季度", "课时", "学时",
    "亩", "公顷", "平方米", "平米", "m2", "平方公里", "平方千米", "立方米", "方",
    "公里", "千米", "米", "km", "吨", "公斤", "千克", "克", "斤", "kg", "千瓦时", "度",
)  # fmt: skip
"""Units read after a number (before any magnitude such as 万). Longest match wins."""

MAGNITUDES: Final[tuple[str, ...]] = ("百万", "千万", "万", "亿", "千")
"""Written before a unit (万元, 万人) or alone (1.5万)."""

UNIT_ALIASES: Final[dict[str, str]] = {
    "百分比": "%",
    "个百分点": "百分点",
    "个工作日": "工作日",
    "平米": "平方米",
    "m2": "平方米",
    "千米": "公里",
    "千克": "公斤",
    "kg": "公斤",
}
"""Spellings of one unit folded to one name."""

GLUE_SAFE_UNITS: Final = frozenset({"元", "亩"})
"""One-character units still read when text follows them (they rarely begin a word)."""
PERCENT: Final = "%"
PER_MILLE: Final = "‰"
PER_MILLE_IN_PERCENT: Final = Decimal(10)

# --- dates -----------------------------------------------------------------------------------------

MIN_YEAR: Final = 1949
MAX_YEAR: Final = 2100
"""Four digits before 年 are a year only within these bounds (no PRC budget predates 1949); 5000年 is a quantity."""
MONTHS_IN_YEAR: Final = 12
DECEMBER: Final = 12
HALF_YEAR_END_MONTH: Final = {"上": 6, "下": 12}
QUARTER_MONTHS: Final = 3
CHINESE_QUARTERS: Final = {"一": 1, "二": 2, "三": 3, "四": 4}

# --- regular expressions ---------------------------------------------------------------------------


def alternation(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first (Python alternation is first-match)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_CJK_START: Final = re.compile(rf"[{CJK_IDEOGRAPHS}]")
_LATEX_WRAPPER: Final = re.compile(r"\\(?:text|mathrm|rm|mathbf)\s*\{([^{}]*)\}")
_BARE_LATEX: Final = re.compile(r"\\(geqslant|leqslant|geq|leq|ge|le|gt|lt|%)(?![A-Za-z])")
_BARE_LATEX_SYMBOLS: Final = {
    "geqslant": "≥",
    "leqslant": "≤",
    "geq": "≥",
    "leq": "≤",
    "ge": "≥",
    "le": "≤",
    "gt": ">",
    "lt": "<",
    "%": "%",
}
_CHAR_FOLDS: Final = str.maketrans(
    {
        **SIGN_FOLDS,
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "〜": "~",
        "・": "·",
        "•": "·",
        "∙": "·",
        "⋅": "·",
        "{": None,
        "}": None,
        "$": None,
    }
)
_THOUSANDS: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TRAILING_PUNCTUATION: Final = re.compile(r"[。.,;；:：、]+$")
_ENUMERATOR: Final = re.compile(r"^(?:\(\d{1,2}\)|\d{1,2}[.、)])(?=[^\d])")
_PLACEHOLDER: Final = re.compile(r"^[-_/\\|.·*~、]+$")

_PREFIX_RE: Final = re.compile(rf"^(?:{alternation(list(PREFIX_COMPARATORS))})")
_SUFFIX_RE: Final = re.compile(rf"^(?:{alternation(list(SUFFIX_COMPARATORS))})")
_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?")
_SIGNED_NUMBER_AT_START: Final = re.compile(r"^-\d+(?:\.\d+)?")
UNIT_CORE: Final = rf"(?:(?:{alternation(MAGNITUDES)})?(?:{alternation(UNITS)})|(?:{alternation(MAGNITUDES)}))"
_UNIT_RE: Final = re.compile(rf"^(?P<num>{UNIT_CORE})?(?P<per>(?:/{UNIT_CORE}(?:·{UNIT_CORE})*)+)?")
_RANGE_RE: Final = re.compile(r"^(?:-|~|至|到)(?P<num>\d+(?:\.\d+)?)")
_WHOLE_UNIT: Final = re.compile(rf"^(?:{alternation(MAGNITUDES)})?(?:{alternation(UNITS)})$")
_CHINESE_COUNT: Final = re.compile(rf"[一二两三四五六七八九十]+(?:{alternation(UNITS)})")
_HYPHEN_FORM: Final = re.compile(
    rf"^(?P<cmp>{alternation(list(PREFIX_COMPARATORS))})-(?P<num>\d+(?:\.\d+)?)-(?P<unit>[^-]+)(?:-(?P<tail>.*))?$"
)

_YEAR: Final = r"(?<!\d)(?P<y>\d{4})"
_BEFORE: Final = r"(?P<before>前|之前|以前)?"
_FULL_DATE: Final = re.compile(rf"{_YEAR}(?:年|[-/.])(?P<m>\d{{1,2}})(?:月|[-/.])(?P<d>\d{{1,2}})(?:日|号)?(?!\d)")
_PERIOD: Final = re.compile(
    rf"{_YEAR}年(?P<m1>\d{{1,2}})月?(?:至|到|-|~)(?:(?P<y2>\d{{4}})年)?(?P<m2>\d{{1,2}})月(?:底|末|份)?"
)
_QUARTER: Final = re.compile(rf"{_YEAR}年(?:第)?(?P<q>[1-4一二三四])季度(?:末|底)?")
_HALF: Final = re.compile(rf"{_YEAR}年(?P<h>上|下)半年(?:末|底)?")
_MONTH: Final = re.compile(rf"{_YEAR}年(?P<m>\d{{1,2}})月(?P<end>底|末|份)?{_BEFORE}")
_YEAR_ONLY: Final = re.compile(rf"{_YEAR}年(?:度)?(?P<end>底|末)?{_BEFORE}")
ACTION_WORDS: Final[tuple[str, ...]] = ("完成", "办结", "发放", "支付", "拨付", "兑现", "到位", "缴纳", "执行", "开展")
"""What a deadline or schedule says is done by then (``2024年底前完成``, ``按月发放``, ``及时拨付``)."""
ON_TIME_WORDS: Final[tuple[str, ...]] = ("按时", "按期", "如期", "限时", "准时", "及时")
"""On time, with no day named (``按时完成``): a date target without ``value_date``."""
_DATE_TAIL: Final = re.compile(
    rf"^(?:前|之前|以前|内|止|截止|为止)?(?:全部)?(?:{alternation((*ACTION_WORDS, '发放完毕', '结束'))})?(?:前)?$"
)
_ACTION: Final = rf"(?:{alternation(ACTION_WORDS)})?"
_NUMBER_WORD: Final = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)"
_PERIOD_UNIT: Final = r"(?:年度|年|个月|月|季度|季|周|星期|天|日|个工作日|工作日|小时)"
_RELATIVE: Final = (
    re.compile(rf"^(?:当|本)?(?:{_NUMBER_WORD})?个?{_PERIOD_UNIT}(?:以|之)?内{_ACTION}$"),
    re.compile(rf"^(?:(?:当|本)(?:年度|年|月|季度)(?:底|末)?|(?:年度|年|月|季度)(?:底|末))(?:前|之前|以前)?{_ACTION}$"),
    re.compile(rf"^(?:每|按)(?:个)?(?:年度|年|月度|月|季度|季|半年|周|日|天|旬){_ACTION}$"),
    re.compile(rf"^(?:{alternation(ON_TIME_WORDS)}){_ACTION}$"),
)
"""Timing without a calendar day: windows (一年内), year ends without a year, schedules, on time."""
_NUMERIC_WINDOW: Final = re.compile(rf"^(?P<n>\d+(?:\.\d+)?)(?P<unit>个?{_PERIOD_UNIT})(?:以|之)?内{_ACTION}$")
"""A window written with a number is a duration: ``2天以内`` and ``7工作日内`` are ≤2天 and ≤7工作日,
as ``≤7工作日`` is; ``一年内`` (a word, no number) and ``年底前`` stay deadlines without a day."""


# --- small pieces ------------------------------------------------------------------------------------


def is_unit(text: str) -> bool:
    """Whether the whole text is one unit the whitelist knows (百分比, 万元, 栋), magnitude allowed."""
    return bool(_WHOLE_UNIT.match(text))


def _quote(text: str) -> str:
    """``text`` in quotes for a note, cut to ``MAX_QUOTED`` characters."""
    return f"'{text}'" if len(text) <= MAX_QUOTED else f"'{text[:MAX_QUOTED]}…'"


def _join(notes: list[str]) -> str | None:
    return NOTE_SEPARATOR.join(notes) if notes else None


def normalise_value_text(text: str | None) -> str:
    """The cell as the parser reads it: no markup or LaTeX, NFKC-folded, no spaces or separators."""
    if not text:
        return ""
    text = _LATEX_WRAPPER.sub(r"\1", text)
    text = strip_markup(text)
    text = unicodedata.normalize("NFKC", text)
    text = _BARE_LATEX.sub(lambda m: _BARE_LATEX_SYMBOLS[m.group(1)], text)
    text = text.translate(_CHAR_FOLDS)
    text = WHITESPACE.sub("", text)
    text = _THOUSANDS.sub("", text)
    return _TRAILING_PUNCTUATION.sub("", text)


def _take_prefix_comparator(text: str) -> tuple[Comparator | None, str]:
    match = _PREFIX_RE.match(text)
    if match is None:
        return None, text
    return PREFIX_COMPARATORS[match.group()], text[match.end() :]


def _take_trailing_comparator(lead: str) -> tuple[Comparator | None, str]:
    """``群众满意度达到`` → (">=", "群众满意度"): a comparator written just before the number."""
    word = trailing_comparator(lead)
    if word is None:
        return None, lead
    return PREFIX_COMPARATORS[word], lead[: -len(word)]


def _take_suffix_comparator(text: str) -> tuple[Comparator | None, str]:
    match = _SUFFIX_RE.match(text)
    if match is None:
        return None, text
    return SUFFIX_COMPARATORS[match.group()], text[match.end() :]


def _normalise_unit(unit: str) -> str:
    """Each part of a unit in its one spelling: ``万元/平米`` → ``万元/平方米``."""
    return "/".join("·".join(UNIT_ALIASES.get(piece, piece) for piece in part.split("·")) for part in unit.split("/"))


@dataclass(frozen=True)
class _Unit:
    text: str | None
    rest: str
    note: str | None = None


def _take_unit(text: str) -> _Unit:
    """The unit at the start of ``text`` and what follows it; no unit unless the whitelist knows it."""
    match = _UNIT_RE.match(text)
    if match is None or not match.group():
        return _Unit(None, text)
    numerator, per = match.group("num"), match.group("per")
    rest = text[match.end() :]
    if numerator is None:
        written = per or ""
        return _Unit(_normalise_unit(written), rest, f"rate {_quote(written)} has no unit before the '/'")
    return _Unit(_normalise_unit(numerator + (per or "")), rest)


def _is_glued(unit: str, rest: str) -> bool:
    """A one-character counter followed by more Chinese text may be the start of a word (项目, 人员)."""
    bare = unit.split("/")[0]
    return len(bare) == 1 and bare not in GLUE_SAFE_UNITS and "/" not in unit and bool(_CJK_START.match(rest))


def _finite(number_text: str) -> float | None:
    value = float(number_text)
    return value if math.isfinite(value) else None


def _standardise(number_text: str, unit: str | None) -> tuple[float | None, str | None]:
    """Money in 元 (rates keep their per-unit), ‰ in %, anything else as written."""
    value = _finite(number_text)
    if unit is None:
        return value, None
    numerator, slash, per = unit.partition("/")
    if numerator in UNIT_SCALE:
        return scale_decimal(Decimal(number_text), numerator), YUAN + slash + per
    if unit == PER_MILLE:
        return _finite(str(Decimal(number_text) / PER_MILLE_IN_PERCENT)), PERCENT
    return value, unit


def _combine_comparators(prefix: Comparator | None, suffix: Comparator | None, notes: list[str]) -> Comparator | None:
    if prefix is not None and suffix is not None and prefix != suffix:
        notes.append(f"comparator written twice ({_quote(prefix)} before, {_quote(suffix)} after); the first is kept")
    return prefix if prefix is not None else suffix


# --- dates -----------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


@dataclass(frozen=True)
class _DateReading:
    value: date | None
    start: int
    end: int
    notes: tuple[str, ...] = ()


def _full_date(match: re.Match[str]) -> _DateReading:
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    try:
        return _DateReading(date(year, month, day), match.start(), match.end())
    except ValueError:
        return _DateReading(None, match.start(), match.end(), (f"{_quote(match.group())} is not a valid date",))


def _period(match: re.Match[str]) -> _DateReading:
    year = int(match["y2"] or match["y"])
    first, last = int(match["m1"]), int(match["m2"])
    if match["y2"] is None and last < first:
        year += 1
    notes = (f"period {_quote(match.group())}: its end is taken",)
    if not 1 <= last <= MONTHS_IN_YEAR:
        return _DateReading(None, match.start(), match.end(), (f"{_quote(match.group())} is not a valid period",))
    return _DateReading(_month_end(year, last), match.start(), match.end(), notes)


def _quarter(match: re.Match[str]) -> _DateReading:
    written = match["q"]
    quarter = CHINESE_QUARTERS.get(written) or int(written)
    return _DateReading(_month_end(int(match["y"]), quarter * QUARTER_MONTHS), match.start(), match.end())


def _half(match: re.Match[str]) -> _DateReading:
    return _DateReading(_month_end(int(match["y"]), HALF_YEAR_END_MONTH[match["h"]]), match.start(), match.end())


def _month(match: re.Match[str]) -> _DateReading:
    year, month = int(match["y"]), int(match["m"])
    if not 1 <= month <= MONTHS_IN_YEAR:
        return _DateReading(None, match.start(), match.end(), (f"{_quote(match.group())} is not a valid date",))
    if match["before"] and not match["end"]:
        previous = _month_end(year, month).replace(day=1).toordinal() - 1
        note = f"{_quote(match.group())} (before month {month}): the last day of the month before is taken"
        return _DateReading(date.fromordinal(previous), match.start(), match.end(), (note,))
    notes: tuple[str, ...] = (
        () if match["end"] in ("底", "末") else (f"{_quote(match.group())} has no day: month end taken",)
    )
    return _DateReading(_month_end(year, month), match.start(), match.end(), notes)


def _year_only(match: re.Match[str]) -> _DateReading:
    year = int(match["y"])
    if match["before"] and not match["end"]:
        note = f"{_quote(match.group())} (before {year}): the end of the year before is taken"
        return _DateReading(date(year - 1, DECEMBER, 31), match.start(), match.end(), (note,))
    notes: tuple[str, ...] = () if match["end"] else (f"{_quote(match.group())} names only a year: year end taken",)
    return _DateReading(date(year, DECEMBER, 31), match.start(), match.end(), notes)


_DATE_READERS: Final = (
    (_FULL_DATE, _full_date),
    (_PERIOD, _period),
    (_QUARTER, _quarter),
    (_HALF, _half),
    (_MONTH, _month),
    (_YEAR_ONLY, _year_only),
)


def _find_date(text: str) -> _DateReading | None:
    """The first date pattern (most specific first) found in ``text`` with a plausible year."""
    for pattern, reader in _DATE_READERS:
        match = pattern.search(text)
        if match is not None and _valid_year(int(match["y"])) and not re.search(r"\d", text[: match.start()]):
            return reader(match)
    return None


def _read_date(comparator: Comparator | None, text: str, notes: list[str]) -> ParsedValue | None:
    found = _find_date(text)
    if found is None:
        return None
    notes.extend(found.notes)
    lead, tail = text[: found.start], text[found.end :]
    if lead:
        notes.append(f"text before the date: {_quote(lead)}")
    if not _DATE_TAIL.match(tail):
        notes.append(f"text after the date: {_quote(tail)}")
    return ParsedValue(comparator, None, None, "date", found.value, None, None, _join(notes))


def _read_relative(text: str, notes: list[str]) -> ParsedValue | None:
    if not any(pattern.match(text) for pattern in _RELATIVE):
        return None
    window = _NUMERIC_WINDOW.match(text)
    if window is not None:
        notes.append(f"window {_quote(text)} read as at most {window['n']}{window['unit']}")
        return _read_quantity("<=", f"{window['n']}{window['unit']}", notes)
    notes.append(f"relative deadline {_quote(text)}: no calendar date")
    return ParsedValue(None, None, None, "date", None, None, None, _join(notes))


# --- quantities ------------------------------------------------------------------------------------


def _read_hyphen_form(text: str, notes: list[str]) -> ParsedValue | None:
    """``≥-99.00-百分比``: comparator, number and unit joined by hyphens (a budget-system export)."""
    match = _HYPHEN_FORM.match(text)
    if match is None:
        return None
    unit = _take_unit(match["unit"])
    if unit.text is None or unit.rest:
        return None
    tail = [f"text follows the value: {_quote(match['tail'])}"] if match["tail"] else []
    return _quantity(PREFIX_COMPARATORS[match["cmp"]], match["num"], unit.text, notes + tail)


def _quantity(
    comparator: Comparator | None, number_text: str, unit: str | None, notes: list[str]
) -> ParsedValue | None:
    """A quantitative value, or None when the number does not fit a float."""
    value = _finite(number_text)
    if value is None:
        return None
    std, unit_std = _standardise(number_text, unit)
    if std is None:
        notes = [*notes, "the value is too large to standardise"]
    return ParsedValue(comparator, value, unit, "quantitative", None, std, unit_std, _join(notes))


def _read_quantity(comparator: Comparator | None, text: str, notes: list[str]) -> ParsedValue | None:
    """The first number in ``text`` with its unit, range end and suffix comparator; None without one."""
    match = _SIGNED_NUMBER_AT_START.match(text) or _NUMBER.search(text)
    if match is None:
        return None
    own: list[str] = []
    lead, number_text = text[: match.start()], match.group()
    if lead and comparator is None:
        comparator, lead = _take_trailing_comparator(lead)
    unit = _take_unit(text[match.end() :])
    unit_text, rest = unit.text, unit.rest
    if unit.note:
        own.append(unit.note)
    number_text, unit_text, rest = _read_range(number_text, unit_text, rest, own)
    suffix, rest = _take_suffix_comparator(rest)
    comparator = _combine_comparators(comparator, suffix, own)
    if unit_text is not None and _is_glued(unit_text, rest):
        rest, unit_text = unit_text + rest, None
    if lead:
        own.append(f"text before the number: {_quote(lead)}")
    if unit_text is None:
        own.append("no unit after the number" + (f"; text follows it: {_quote(rest)}" if rest else ""))
    elif rest:
        own.append(f"text follows the value: {_quote(rest)}")
    if rest and _NUMBER.search(rest):
        own.append("more than one number written; the first is read")
    parsed = _quantity(comparator, number_text, unit_text, notes + own)
    if parsed is None:
        notes.append(f"number {_quote(number_text)} is too large to read")
    return parsed


def _read_range(number_text: str, unit: str | None, rest: str, notes: list[str]) -> tuple[str, str | None, str]:
    """``1-12月`` / ``90%-95%``: the end of the range is kept and both bounds noted."""
    match = _RANGE_RE.match(rest)
    if match is None:
        return number_text, unit, rest
    end_text = match["num"]
    end_unit = _take_unit(rest[match.end() :])
    if unit is not None and end_unit.text is not None and end_unit.text != unit:
        notes.append(
            f"range bounds in different units ({_quote(unit)}, {_quote(end_unit.text)}); the end's unit is kept"
        )
    kept_unit = end_unit.text if end_unit.text is not None else unit
    notes.append(f"range {number_text}–{end_text}: the end is kept")
    return end_text, kept_unit, end_unit.rest


# --- the whole cell --------------------------------------------------------------------------------


def _read_qualitative(comparator: Comparator | None, text: str, notes: list[str]) -> ParsedValue:
    """A grade or a worded target; a comparator against a non-number (核定数) is kept and noted."""
    body = text
    if comparator is None:
        for word, suffix_comparator in sorted(SUFFIX_COMPARATORS.items(), key=lambda kv: -len(kv[0])):
            if len(word) > 1 and body.endswith(word) and len(body) > len(word):
                comparator, body = suffix_comparator, body[: -len(word)]
                break
    if comparator is not None:
        target = f"{_quote(body)}, which is not a number" if body else "nothing"
        notes.append(f"comparator {_quote(comparator)} is against {target}")
    if _CHINESE_COUNT.fullmatch(body):
        notes.append("a number written in Chinese characters is not read")
    if re.search(r"\d", text) and not notes:
        notes.append("digits present but no value could be read")
    return ParsedValue(comparator, None, None, "qualitative", None, None, None, _join(notes))


def _list_number(text: str) -> str:
    """``1.≥95%`` / ``2.一年内完成``: a list number before the value, but not ``95.万元``'s digits."""
    match = _ENUMERATOR.match(text)
    if match is None:
        return ""
    rest = text[match.end() :]
    starts_value = _PREFIX_RE.match(rest) is not None
    starts_word = _CJK_START.match(rest) is not None and not _take_unit(rest).text
    return match.group() if starts_value or starts_word else ""


def _read(text: str | None) -> ParsedValue:
    cleaned = normalise_value_text(text)
    if not cleaned:
        return ParsedValue(None, None, None, "missing", None, None, None, None)
    if _PLACEHOLDER.match(cleaned):
        return ParsedValue(
            None, None, None, "missing", None, None, None, f"placeholder {_quote(cleaned)}: no value written"
        )
    notes: list[str] = []
    enumerator = _list_number(cleaned)
    if enumerator:
        notes.append(f"list number {_quote(enumerator)} before the value removed")
        cleaned = cleaned[len(enumerator) :]
    hyphen = _read_hyphen_form(cleaned, notes)
    if hyphen is not None:
        return hyphen
    comparator, rest = _take_prefix_comparator(cleaned)
    if comparator is None:
        relative = _read_relative(rest, notes)
        if relative is not None:
            return relative
    return (
        _read_date(comparator, rest, notes)
        or _read_quantity(comparator, rest, notes)
        or _read_qualitative(comparator, rest, notes)
    )


@lru_cache(maxsize=CACHED_STRINGS)
def parse_value(text: str | None) -> ParsedValue:
    """Read a 指标值 cell (remembered: the same cells recur across rows and documents); never raises (an unexpected failure becomes a qualitative value with a note)."""
    try:
        return _read(text)
    except Exception as error:
        note = f"{INTERNAL_ERROR_NOTE}: {type(error).__name__}"
        return ParsedValue(None, None, None, "qualitative", None, None, None, note)
