"""to_yuan: amounts as written, in the unit the document states, as 元 rounded to the fen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.money import UNIT_SCALE, is_money_unit, to_yuan


def test_unit_scale_constants() -> None:
    assert UNIT_SCALE["元"] == 1
    assert UNIT_SCALE["千元"] == 1_000
    assert UNIT_SCALE["万元"] == 10_000
    assert UNIT_SCALE["亿元"] == 100_000_000


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("19.00", "万元", 190000.0),  # 000 退役士兵待遇资金, 单位：万元
        ("14.93", "万元", 149300.0),  # 001 未拨村级转移支付
        ("6.19", "万元", 61900.0),  # 002 驻村工作队综合经费
        ("20000.00", "元", 20000.0),  # 003 安保、环保…, 单位：元
        ("102000.00", "元", 102000.0),
        ("588.39", "万元", 5883900.0),  # 004 unit total
        ("1,234.5", "元", 1234.5),
        ("1,234,567.891", "元", 1234567.89),
        (" 1 234.5 ", "元", 1234.5),
        ("１９．００", "万元", 190000.0),
        ("3", "千元", 3000.0),
        ("0.0001", "万元", 1.0),
        ("0.005", "元", 0.01),  # half a fen rounds up
        ("-2.5", "万元", -25000.0),
        ("19.00万元", None, 190000.0),  # the unit written in the cell is used …
        ("19.00万元", "元", 190000.0),  # … and wins over the table's unit line
        ("500元", "万元", 500.0),
    ],
)
def test_to_yuan(text: str, unit: str | None, expected: float) -> None:
    assert to_yuan(text, unit) == expected


def test_no_float_noise() -> None:
    assert to_yuan("1.7", "万元") == 17000.0
    assert to_yuan("0.29", "万元") == 2900.0
    assert to_yuan("4.64", "万元") == 46400.0
    assert to_yuan("55.05", "万元") == 550500.0


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("19.00", None),  # a unit is never assumed: the caller notes it
        ("19.00", "美元"),
        ("19.00", "人"),
        (None, "万元"),
        ("", "万元"),
        ("   ", "元"),
        ("十九", "万元"),
        ("约19", "万元"),
        ("19.00万元/年", None),
        ("1.2.3", "元"),
        ("9" * 200, "万元"),  # beyond any amount: not read rather than inexact
    ],
)
def test_not_an_amount(text: str | None, unit: str | None) -> None:
    assert to_yuan(text, unit) is None


def test_is_money_unit() -> None:
    assert is_money_unit("万元") and is_money_unit("元")
    assert not is_money_unit(None) and not is_money_unit("%")


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(UNIT_SCALE)),
)
def test_scaling_is_exact_to_the_fen(number: Decimal, unit: str) -> None:
    result = to_yuan(str(number), unit)
    assert result is not None
    expected = float((number * UNIT_SCALE[unit]).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))
    assert result == expected


@given(st.text(), st.one_of(st.none(), st.sampled_from([*UNIT_SCALE, "%", ""])))
def test_never_raises(text: str, unit: str | None) -> None:
    result = to_yuan(text, unit)
    assert result is None or isinstance(result, float)


def test_a_blank_total_is_the_sum_of_its_stated_parts() -> None:
    """年度资金总额 left blank, then 财政拨款小计 6.30 and 自有资金小计 0.00 (万元): 63 000 元; with a
    part unstated, the total stays unknown."""
    from pipeline.core.types import Locator, ProjectRecord
    from pipeline.parse.frames import budget_yuan

    def project(budget: str | None, fiscal: str | None, other: str | None) -> ProjectRecord:
        return ProjectRecord(1, None, "特困家庭再扶助", budget, fiscal, other, "万元", None, None, (), Locator(line=1))

    assert budget_yuan(project(None, "6.30", "0.00"), "万元") == 63_000.0
    assert budget_yuan(project(None, "6.30", None), "万元") is None
    assert budget_yuan(project("7.00", "6.30", "0.00"), "万元") == 70_000.0
