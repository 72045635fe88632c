"""``python -m pipeline.check``: what a user runs on a document before trusting it."""

from __future__ import annotations

from pathlib import Path

from pipeline.check import main, report

DOCUMENT = """项目支出绩效目标表
项目名称
职业技能培训
一级指标
二级指标
三级指标
指标值
产出指标
数量指标
培训人次
≥300人次
质量指标
培训合格率
"""


def test_report_shows_layout_rows_and_why_a_row_was_not_read(tmp_path: Path) -> None:
    path = tmp_path / "training.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    text = report(path)
    assert "layout: text_cells" in text and "low_confidence: True" in text
    assert "培训人次" in text and "≥300人次" in text
    assert "培训合格率" in text and "not read" in text  # the page ends inside that row


def test_a_failed_document_says_why(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty_file" in report(path)


def test_no_file_prints_the_usage() -> None:
    assert main([]) == 2
