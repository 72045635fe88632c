"""The report's words: Chinese first, English second, and "未知" for what the warehouse does not know.

Labels are written where they are used, as ``bi("预算", "budget")``; this module only says how a
pair is shown (on a page: 预算 with a smaller grey "budget"; in a chart: the English on a second,
smaller line) and holds the words more than one page needs.
"""

from __future__ import annotations

from html import escape
from typing import Final

UNKNOWN: Final = "未知"
"""Shown where a value is unknown (a budget no document states, a town not named): never 0."""
NONE: Final = "—"
"""Shown where there is nothing to show (no cost figures, no missing kinds), as opposed to unknown."""
UNKNOWN_TOWN: Final = "乡镇未知"
UNKNOWN_COUNTY: Final = "县（区）未知"

FLAG_NAMES_ZH: Final[dict[str, str]] = {
    "unquantified": "未量化",
    "backwards": "方向颠倒",
    "implausible": "不合常理",
    "cost_mismatch": "成本与预算不符",
    "echo": "指标值复述名称",
    "boilerplate": "套话（多项目照抄）",
    "no_basis": "无确定依据",
}
"""The Chinese name of each quality flag of mart_indicator_quality; a flag not listed shows its column name."""


def bi(zh: str, en: str) -> str:
    """A label for a page: ``预算 <span class="en">budget</span>`` (both escaped)."""
    return f'{escape(zh)} <span class="en" lang="en">{escape(en)}</span>'


def chart_text(zh: str, en: str) -> str:
    """A label for a chart: the Chinese, then the English smaller on its own line (plotly markup)."""
    return f'{zh}<br><span style="font-size:0.8em;color:#718096">{en}</span>'


def flag_name(flag: str) -> str:
    """A flag as a reader sees it: 方向颠倒 (backwards)."""
    zh = FLAG_NAMES_ZH.get(flag)
    return flag if zh is None else f"{zh} ({flag})"
