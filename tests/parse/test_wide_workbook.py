"""The wide layout (a project per row, indicators listed in one cell) read from an Excel workbook.

The workbook holds the first projects of seed 004 as a finance office would type them: the unit
row with its total, then one row per project whose 绩效指标 cell lists headings and items on
separate lines (Alt+Enter) instead of <p> tags. The rows must equal those read from the text seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import polars as pl

from pipeline.parse.document import parse_document
from tests.conftest import SEED_DIR, SEEDS

PROJECTS = 3
COMPARED = ["table_no", "row_no", "level1_raw", "level2_raw", "level3", "value_text"]


def _as_typed(cell: str) -> str:
    """<p>…</p> <p>…</p> as a person types it in Excel: one paragraph per line."""
    parts = [p.strip() for p in re.split(r"</?p>", cell) if p.strip()]
    return "\n".join(parts)


def test_wide_workbook_gives_the_text_seeds_rows(tmp_path: Path) -> None:
    lines = (SEED_DIR / SEEDS["004"]).read_text(encoding="utf-8").split("\n")
    rows = [line.split("\t") for line in lines if "\t" in line]
    header, unit = rows[0], next(r for r in rows if r[0] == "407001")
    projects = [r for r in rows if r[0] == "" and r[1] and r[1] != "单位及项目名称"][:PROJECTS]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目支出绩效目标"
    sheet.append(["门源县浩门镇政府2023年部门预算项目支出绩效目标公开表"])
    sheet.append(header)
    sheet.append(unit)
    for project in projects:
        sheet.append([project[0], project[1], float(project[2]), _as_typed(project[3]), _as_typed(project[4])])
    book.save(tmp_path / "浩门镇.xlsx")

    from_xlsx = parse_document(tmp_path / "浩门镇.xlsx", tmp_path)
    from_text = parse_document(SEED_DIR / SEEDS["004"], SEED_DIR)
    document = from_xlsx.documents.row(0, named=True)
    assert (document["status"], document["layout"], document["format"]) == ("loaded", "html_list", "xlsx")
    assert document["unit_total_yuan"] == 5883900.0
    expected = from_text.indicators.filter(pl.col("table_no") <= PROJECTS).select(COMPARED)
    assert expected.height == 14 + 11 + 15  # 调委会工作补助经费, 党校工作经费, 维稳经费及应急经费
    assert from_xlsx.indicators.select(COMPARED).equals(expected)
