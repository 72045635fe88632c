"""``jixiao check FILE…``: what a user runs on a document before trusting it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.check import report

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


def test_a_failed_document_says_why_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    text = report(path)
    assert "empty_file" in text
    assert "→ Upload the document again." in text


def test_no_file_prints_the_usage() -> None:
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "Usage: jixiao check" in result.output


def test_json_gives_each_file_its_rows_or_its_error_and_the_exit_code_says_whether_all_load(tmp_path: Path) -> None:
    good, bad = tmp_path / "training.txt", tmp_path / "empty.txt"
    good.write_text(DOCUMENT, encoding="utf-8")
    bad.write_bytes(b"")
    result = CliRunner().invoke(app, ["check", "--json", str(good), str(bad)])
    assert result.exit_code == 1  # one of them would not load
    first, second = json.loads(result.stdout)
    assert (first["status"], first["layout"], first["low_confidence"]) == ("loaded", "text_cells", True)
    assert [(row["level3"], row["value_text"], row["line_or_page"]) for row in first["rows"]] == [
        ("培训人次", "≥300人次", 8)
    ]  # the row starts at 产出指标, line 8
    assert second["status"] == "failed"
    assert [(e["error_class"], e["advice"]) for e in second["errors"]] == [("empty_file", "Upload the document again.")]


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for command in ("run", "check", "status", "sql", "report", "ui", "serve"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert f"Usage: jixiao {command}" in result.output
