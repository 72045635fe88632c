"""parse_value: the cases the documents hold, the documented decisions, and properties on any text."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.comparators import COMPARATORS, PREFIX_COMPARATORS, SUFFIX_COMPARATORS
from pipeline.core.text import compact
from pipeline.core.types import VALUE_KINDS
from pipeline.parse.values import (
    INTERNAL_ERROR_NOTE,
    UNITS,
    ParsedValue,
    _read,
    normalise_value_text,
    parse_value,
)

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def _document_text(prefix: str) -> str:
    (path,) = RAW.glob(f"{prefix}_*.txt")
    return compact(path.read_text(encoding="utf-8"))


def _triple(parsed: ParsedValue) -> tuple[str | None, float | None, str | None]:
    return parsed.comparator, parsed.value_num, parsed.value_unit


# --- the cases, as the documents write them -------------------------------------------------

DOCUMENT_CASES = [
    # (document, value as written, comparator, number, unit, value_std, unit_std)
    ("000", "≤95%", "<=", 95.0, "%", 95.0, "%"),  # 县派驻村工作队经费 质量指标
    ("000", "133.96 亩", None, 133.96, "亩", 133.96, "亩"),  # 老漳河东岸土地补偿 占地亩数
    ("000", "≤19 万元", "<=", 19.0, "万元", 190000.0, "元"),
    ("000", "2 人", None, 2.0, "人", 2.0, "人"),
    ("000", "≤1360 元", "<=", 1360.0, "元", 1360.0, "元"),
    ("000", "≥115 项", ">=", 115.0, "项", 115.0, "项"),
    ("000", "≥50天", ">=", 50.0, "天", 50.0, "天"),
    ("001", "≤7500元", "<=", 7500.0, "元", 7500.0, "元"),  # 每村分配金额
    ("001", "≥24个", ">=", 24.0, "个", 24.0, "个"),
    ("002", "≤7 工作日", "<=", 7.0, "工作日", 7.0, "工作日"),  # 报账时间
    ("002", "24 万元", None, 24.0, "万元", 240000.0, "元"),  # 资金总成本
    ("002", ">15 次", ">", 15.0, "次", 15.0, "次"),
    ("002", "≥8 小时", ">=", 8.0, "小时", 8.0, "小时"),
    ("002", "≥3 年", ">=", 3.0, "年", 3.0, "年"),
    ("002", "100%", None, 100.0, "%", 100.0, "%"),
    ("003", "≥-99.00-百分比", ">=", 99.0, "%", 99.0, "%"),
    ("003", "=-2.00-万元", "=", 2.0, "万元", 20000.0, "元"),
    ("003", "≥-95-百分比", ">=", 95.0, "%", 95.0, "%"),
    ("004", "≤1.7万元/年", "<=", 1.7, "万元/年", 17000.0, "元/年"),
    ("004", "1.15万人/年", None, 1.15, "万人/年", 1.15, "万人/年"),
    ("004", "≥6次/年", ">=", 6.0, "次/年", 6.0, "次/年"),
    ("004", "1453.22平方米", None, 1453.22, "平方米", 1453.22, "平方米"),
    ("004", "$\\geq 95\\%$", ">=", 95.0, "%", 95.0, "%"),
    ("004", "≥ 800人次", ">=", 800.0, "人次", 800.0, "人次"),
    ("004", "0起", None, 0.0, "起", 0.0, "起"),
    ("004", "≤5.2316万元/年", "<=", 5.2316, "万元/年", 52316.0, "元/年"),
    ("004", "2838385元/年", None, 2838385.0, "元/年", 2838385.0, "元/年"),
    ("004", "$> 95\\%$", ">", 95.0, "%", 95.0, "%"),
]


@pytest.mark.parametrize(("doc", "text", "comparator", "number", "unit", "std", "unit_std"), DOCUMENT_CASES)
def test_document_quantities(
    doc: str, text: str, comparator: str | None, number: float, unit: str, std: float, unit_std: str
) -> None:
    assert compact(text) in _document_text(doc), "the case must be read from the document"
    parsed = parse_value(text)
    assert parsed.value_kind == "quantitative"
    assert _triple(parsed) == (comparator, number, unit)
    assert parsed.value_std == std
    assert parsed.unit_std == unit_std
    assert parsed.parse_note is None


def test_001_completion_date() -> None:
    assert "2023年12月31日完成" in _document_text("001")
    parsed = parse_value("2023年12月31日完成")
    assert parsed.value_kind == "date"
    assert parsed.value_date == date(2023, 12, 31)
    assert parsed.value_num is None
    assert parsed.parse_note is None


def test_003_value_glued_to_text_has_no_unit() -> None:
    assert "≥95安全生产" in _document_text("003")
    parsed = parse_value("≥95安全生产")
    assert _triple(parsed) == (">=", 95.0, None)
    assert parsed.value_kind == "quantitative"
    assert parsed.parse_note is not None
    assert "no unit" in parsed.parse_note and "安全生产" in parsed.parse_note


@pytest.mark.parametrize(
    "text", ["≥95项目完成率", "≥95项目总成本", "≥95经济效益提升%", "≥95有效化解涉检信访矛盾率（%）"]
)
def test_003_glued_text_never_gives_a_unit(text: str) -> None:
    """项 is a unit but here begins 项目; a % after the text is not the value's unit."""
    assert compact(text) in _document_text("003")
    parsed = parse_value(text)
    assert _triple(parsed) == (">=", 95.0, None)
    assert parsed.parse_note is not None and "text follows" in parsed.parse_note


def test_002_comparator_against_a_benchmark() -> None:
    assert "小于等于核定数" in _document_text("002")
    parsed = parse_value("小于等于核定数")
    assert parsed.comparator == "<="
    assert parsed.value_num is None
    assert parsed.value_kind == "qualitative"
    assert parsed.parse_note is not None and "核定数" in parsed.parse_note


@pytest.mark.parametrize(
    ("doc", "text", "expected"),
    [
        ("000", "2024 年 12 月底", date(2024, 12, 31)),
        ("000", "2024 年底前", date(2024, 12, 31)),
        ("000", "2024年底", date(2024, 12, 31)),
        ("004", "2021年12月31日", date(2021, 12, 31)),
        ("004", "2021年1月至12月", date(2021, 12, 31)),
    ],
)
def test_document_deadlines(doc: str, text: str, expected: date) -> None:
    assert compact(text) in _document_text(doc)
    parsed = parse_value(text)
    assert parsed.value_kind == "date"
    assert parsed.value_date == expected
    assert parsed.value_num is None and parsed.comparator is None


def test_period_notes_that_its_end_is_taken() -> None:
    note = parse_value("2021年1月至12月").parse_note
    assert note is not None and "end" in note


@pytest.mark.parametrize("text", ["一年内", "每月", "按年", "按月", "每季度", "按时完成", "年底前"])
def test_relative_deadlines_are_dates_without_a_day(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_kind == "date"
    assert parsed.value_date is None
    assert parsed.value_num is None
    assert parsed.parse_note is not None and "relative" in parsed.parse_note


@pytest.mark.parametrize(
    "text",
    ["优", "良", "中", "差", "健全", "完善", "提高", "提升", "有效提升", "合理", "规范", "持续使用", "长期", "无",
     "维护机关正常运行秩序", "支出进度要求"],
)  # fmt: skip
def test_qualitative_targets(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_kind == "qualitative"
    assert parsed.comparator is None and parsed.value_num is None and parsed.value_unit is None
    assert parsed.parse_note is None


@pytest.mark.parametrize(
    ("text", "comparator", "benchmark"),
    [
        ("小于前三年平均值", "<", "前三年平均值"),
        ("≤预算数", "<=", "预算数"),
        ("不低于上年", ">=", "上年"),
        ("良好以上", ">=", "良好"),
    ],
)
def test_qualitative_with_comparator_is_noted(text: str, comparator: str, benchmark: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_kind == "qualitative"
    assert parsed.comparator == comparator
    assert parsed.parse_note is not None and benchmark in parsed.parse_note


# --- comparators --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("≥95%", ">="), ("≤95%", "<="), (">95%", ">"), ("<95%", "<"), ("=95%", "="),
        ("＞95%", ">"), ("＜95%", "<"), (">=95%", ">="), ("<=95%", "<="), ("≧95%", ">="), ("≦95%", "<="),
        ("＝95%", "="), ("≥=95%", ">="),
        ("大于等于95%", ">="), ("小于等于95%", "<="), ("不少于95%", ">="), ("不低于95%", ">="),
        ("不超过95%", "<="), ("不高于95%", "<="), ("高于95%", ">"), ("大于95%", ">"), ("小于95%", "<"),
        ("低于95%", "<"), ("达到95%", ">="), ("超过95%", ">"), ("不足95%", "<"), ("等于95%", "="),
        ("95%以上", ">="), ("95%及以上", ">="), ("95%以下", "<="), ("95%以内", "<="), ("5万元以内", "<="),
        ("5万元内", "<="), ("95%", None),
        ("$\\geq 95\\%$", ">="), ("$\\leq 95\\%$", "<="), ("\\geq 95\\%", ">="), ("$\\ge 95 \\%$", ">="),
    ],
)  # fmt: skip
def test_comparators(text: str, comparator: str | None) -> None:
    parsed = parse_value(text)
    assert parsed.comparator == comparator
    assert parsed.value_num in (95.0, 5.0)
    assert parsed.parse_note is None


def test_disagreeing_prefix_and_suffix_keep_the_prefix() -> None:
    parsed = parse_value("≤90%以上")
    assert parsed.comparator == "<="
    assert parsed.parse_note is not None and "twice" in parsed.parse_note


def test_comparator_written_before_the_number_after_text() -> None:
    parsed = parse_value("群众满意度≥95%")
    assert _triple(parsed) == (">=", 95.0, "%")
    assert parsed.parse_note is not None and "群众满意度" in parsed.parse_note


# --- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("1,234.5元", 1234.5, "元"),
        ("12,345,678元", 12345678.0, "元"),
        ("１２３．５人", 123.5, "人"),
        ("≥ 10次", 10.0, "次"),
        ("2 人", 2.0, "人"),
        ("3个", 3.0, "个"),
        ("12个月", 12.0, "个月"),
        ("8个月", 8.0, "个月"),
        ("≥-5%", -5.0, "%"),
        ("≤28.40元/株", 28.4, "元/株"),
        ("1600元/亩", 1600.0, "元/亩"),
        ("300元/人·月", 300.0, "元/人·月"),
        ("5个工作日", 5.0, "工作日"),
        ("3.5万元", 3.5, "万元"),
        ("1.5万", 1.5, "万"),
        ("20㎡", 20.0, "平方米"),
    ],
)
def test_numbers_and_units(text: str, number: float, unit: str) -> None:
    parsed = parse_value(text)
    assert (parsed.value_num, parsed.value_unit) == (number, unit)
    assert parsed.value_kind == "quantitative"


@pytest.mark.parametrize(
    ("text", "std", "unit_std"),
    [
        ("≤19万元", 190000.0, "元"),
        ("≤1.7万元/年", 17000.0, "元/年"),
        ("≤0.85万元/年", 8500.0, "元/年"),
        ("≤2.295万元", 22950.0, "元"),
        ("3千元", 3000.0, "元"),
        ("1.2亿元", 120000000.0, "元"),
        ("0.76万元", 7600.0, "元"),
        ("5‰", 0.5, "%"),
        ("≥95%", 95.0, "%"),
        ("1.15万人/年", 1.15, "万人/年"),
    ],
)
def test_standard_values(text: str, std: float, unit_std: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_std == std
    assert parsed.unit_std == unit_std


def test_range_keeps_its_end_with_a_note() -> None:
    parsed = parse_value("1-12月")
    assert (parsed.value_num, parsed.value_unit) == (12.0, "月")
    assert parsed.parse_note is not None and "1–12" in parsed.parse_note


def test_percentage_range() -> None:
    parsed = parse_value("90%-95%")
    assert (parsed.value_num, parsed.value_unit) == (95.0, "%")
    assert parsed.parse_note is not None and "range" in parsed.parse_note


def test_rate_without_numerator_unit_is_kept_as_written() -> None:
    parsed = parse_value("4.5/平方米")
    assert (parsed.value_num, parsed.value_unit) == (4.5, "/平方米")
    assert parsed.parse_note is not None and "/平方米" in parsed.parse_note


@pytest.mark.parametrize(("text", "note_part"), [("≥0", "no unit"), ("≥95", "no unit"), ("增幅20%", "增幅")])
def test_partly_read_numbers_are_noted(text: str, note_part: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_kind == "quantitative"
    assert parsed.parse_note is not None and note_part in parsed.parse_note


def test_two_values_in_one_cell_read_the_first() -> None:
    parsed = parse_value("200人 ≥1次")  # 004, 组织开展…干部职工文化活动
    assert (parsed.value_num, parsed.value_unit) == (200.0, "人")
    assert parsed.parse_note is not None and "more than one number" in parsed.parse_note


def test_list_number_before_a_value() -> None:
    parsed = parse_value("1.≥95%")
    assert _triple(parsed) == (">=", 95.0, "%")
    assert parsed.parse_note is not None and "list number" in parsed.parse_note


def test_chinese_numeral_is_not_read_but_noted() -> None:
    parsed = parse_value("三次")
    assert parsed.value_kind == "qualitative"
    assert parsed.parse_note is not None and "Chinese" in parsed.parse_note


# --- dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年12月底前", date(2020, 12, 31)),
        ("2024年6月底", date(2024, 6, 30)),
        ("2024年2月末", date(2024, 2, 29)),
        ("2024-12-31", date(2024, 12, 31)),
        ("2024.12.31", date(2024, 12, 31)),
        ("2024年第三季度", date(2024, 9, 30)),
        ("2024年上半年", date(2024, 6, 30)),
        ("2024年12月31日前完成", date(2024, 12, 31)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    parsed = parse_value(text)
    assert (parsed.value_kind, parsed.value_date) == ("date", expected)
    assert parsed.parse_note is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024年6月", date(2024, 6, 30)), ("2024年", date(2024, 12, 31)), ("2024年6月前", date(2024, 5, 31))],
)
def test_imprecise_dates_are_noted(text: str, expected: date) -> None:
    parsed = parse_value(text)
    assert (parsed.value_kind, parsed.value_date) == ("date", expected)
    assert parsed.parse_note is not None


def test_invalid_date_is_a_date_without_a_day() -> None:
    parsed = parse_value("2024年2月30日")
    assert (parsed.value_kind, parsed.value_date) == ("date", None)
    assert parsed.parse_note is not None and "not a valid date" in parsed.parse_note


def test_implausible_year_is_a_quantity() -> None:
    parsed = parse_value("≥5000年")
    assert (parsed.value_kind, parsed.value_num, parsed.value_unit) == ("quantitative", 5000.0, "年")


# --- missing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000", "<b></b>"])
def test_missing(text: str | None) -> None:
    parsed = parse_value(text)
    assert parsed == ParsedValue(None, None, None, "missing", None, None, None, None)


@pytest.mark.parametrize("text", ["-", "—", "/", "——"])
def test_placeholders_are_missing_with_a_note(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.value_kind == "missing"
    assert parsed.parse_note is not None and "placeholder" in parsed.parse_note


# --- properties on any text ------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [*PREFIX_COMPARATORS, *SUFFIX_COMPARATORS, *UNITS, "万", "亿", "/", "-", "~", "至", ".", ",", " ", "$",
     "\\geq", "\\%", "年", "月", "日", "底", "前", "完成", "每", "按", "内", "优", "良", "安全生产", "１", "．",
     "2024", "12", "31", "0", "95", "1.5", "99.00", "百分比", "<b>", "&gt;", "(", "（%）"]
)  # fmt: skip
VALUE_LIKE = st.lists(st.one_of(FRAGMENTS, st.integers(0, 10**6).map(str)), max_size=8).map("".join)
ANY_TEXT = st.one_of(st.none(), st.text(), VALUE_LIKE)


def _check_invariants(text: str | None, parsed: ParsedValue) -> None:
    assert isinstance(parsed, ParsedValue)
    assert parsed.comparator is None or parsed.comparator in COMPARATORS
    assert parsed.value_kind in VALUE_KINDS
    for number in (parsed.value_num, parsed.value_std):
        assert number is None or math.isfinite(number)
    if parsed.value_kind == "quantitative":
        assert parsed.value_num is not None
        assert parsed.value_date is None
    if parsed.value_kind == "date":
        assert parsed.value_num is None and parsed.value_std is None
    if parsed.value_kind in ("qualitative", "missing"):
        assert parsed.value_num is None and parsed.value_date is None
    if parsed.value_kind == "missing":
        cleaned = normalise_value_text(text)
        assert cleaned == "" or parsed.parse_note is not None
        assert not any(ch.isalnum() for ch in cleaned)
    if parsed.value_unit is None:
        assert parsed.unit_std is None
    if parsed.value_num is None:
        assert parsed.value_std is None and parsed.value_unit is None
    nothing_read = parsed.value_num is None and parsed.value_date is None and parsed.comparator is None
    if nothing_read and parsed.value_kind not in ("qualitative", "missing"):
        assert parsed.parse_note is not None
    if parsed.value_kind == "missing" and normalise_value_text(text):
        assert parsed.parse_note is not None


@settings(max_examples=600)
@given(ANY_TEXT)
def test_any_text_reads_without_error(text: str | None) -> None:
    parsed = _read(text)  # the unguarded reader: a bug must surface here, not hide behind the guard
    _check_invariants(text, parsed)
    assert parse_value(text) == parsed
    assert not (parsed.parse_note or "").startswith(INTERNAL_ERROR_NOTE)


@settings(max_examples=300)
@given(
    st.sampled_from(["", *PREFIX_COMPARATORS]),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["%", "万元", "元", "人", "次", "天", "亩", "个", "工作日", "小时", "元/株", "万元/年"]),
)
def test_well_formed_values_read_back(prefix: str, number: object, unit: str) -> None:
    text = f"{prefix}{number}{unit}"
    parsed = parse_value(text)
    assert parsed.value_kind == "quantitative", text
    assert parsed.comparator == (PREFIX_COMPARATORS[prefix] if prefix else None)
    assert parsed.value_num == float(str(number))
    assert parsed.value_unit == unit
    assert parsed.parse_note is None, parsed.parse_note


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_money_in_wan_is_scaled_exactly(number: object) -> None:
    parsed = parse_value(f"≤{number}万元")
    assert parsed.unit_std == "元"
    assert parsed.value_std == float(Decimal(str(number)) * 10_000)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [("2天以内", 2.0, "天"), ("7工作日内", 7.0, "工作日"), ("1年内", 1.0, "年"), ("5个工作日内完成", 5.0, "工作日")],
)
def test_a_window_with_a_number_is_a_duration_at_most(text: str, number: float, unit: str) -> None:
    """``2天以内`` (a 自评表's 时效 target) says the same as ``≤2天``: a ceiling analysts can compare."""
    parsed = parse_value(text)
    assert (parsed.comparator, parsed.value_num, parsed.unit_std) == ("<=", number, unit)
    assert parsed.value_kind == "quantitative"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2024年底前缴纳", date(2024, 12, 31)), ("2024年12月底前开展", date(2024, 12, 31)), ("2024年6月30日前执行", date(2024, 6, 30))],
)
def test_a_deadline_may_end_with_any_action_word(text: str, day: date) -> None:
    """The date reader knew fewer action words (no 缴纳, 开展, 执行) than the schedule reader beside it
    and noted them as stray text; both read ``ACTION_WORDS`` now."""
    parsed = parse_value(text)
    assert (parsed.value_kind, parsed.value_date, parsed.parse_note) == ("date", day, None)
