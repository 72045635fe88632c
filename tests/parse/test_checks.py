"""A batch of documents' rows becomes one frame per raw table, checked once; a bad document fails alone.

- the batch's frames, cut per document, are exactly each document's own frames (``parse_document``),
  and every row keeps its source file, line and table;
- the same seed twice in one batch (same table and row numbers, other file) loads twice: each
  document is judged as its own frame;
- a document whose rows break the contract fails ``validation_failed`` with pandera's message,
  one whose row does not fit a column type fails too, one whose department targets break theirs
  loses only its targets — and the batch's other documents load untouched.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.parse.checks import checked_batch
from pipeline.parse.document import parse_document, parse_rows
from pipeline.parse.frames import TABLE_NAMES, DocumentRows
from tests.conftest import FIXED_NOW, SEED_DIR, SEEDS

INDICATOR_ROWS = {"000": 126, "001": 58, "002": 22, "003": 54 + 68, "004": 349}  # 003: table + prose rows
DEPARTMENT_TARGETS = {"000": 48, "001": 19, "002": 19, "003": 3, "004": 0}


def rows_of(number: str) -> DocumentRows:
    return parse_rows(SEED_DIR / SEEDS[number], SEED_DIR, now=FIXED_NOW)


@pytest.fixture(scope="module")
def seeds() -> dict[str, DocumentRows]:
    return {number: rows_of(number) for number in SEEDS}


def statuses(rows: list[DocumentRows]) -> dict[str, tuple[str, int, int]]:
    """Source file → (status, indicator rows, department targets) after the batch check."""
    batch = checked_batch(rows)
    counts = batch.rows_per_document()
    return {
        name: (status, counts[name]["indicators"], counts[name]["department_targets"])
        for name, status in batch.documents.select("source_file", "status").iter_rows()
    }


def test_a_batch_cut_per_document_is_each_documents_own_frames(seeds: dict[str, DocumentRows]) -> None:
    batch = checked_batch(list(seeds.values()))
    assert batch.source_files == tuple(SEEDS.values())
    assert batch.indicators.height == sum(INDICATOR_ROWS.values())
    for number, frames in zip(SEEDS, batch.split(), strict=True):
        alone = parse_document(SEED_DIR / SEEDS[number], SEED_DIR, now=FIXED_NOW)
        assert frames.source_file == SEEDS[number]
        for table, frame in frames.tables().items():
            assert frame.equals(alone.tables()[table]), (number, table)
        assert frames.indicators.height == INDICATOR_ROWS[number]
        assert frames.department_targets.height == DEPARTMENT_TARGETS[number]


def test_every_row_of_the_batch_traces_to_its_document(seeds: dict[str, DocumentRows]) -> None:
    batch = checked_batch(list(seeds.values()))
    assert set(batch.tables()) == set(TABLE_NAMES)
    located = batch.indicators.filter(pl.col("source_line").is_not_null() | pl.col("source_page").is_not_null())
    assert located.height == batch.indicators.height
    first = batch.indicators.filter(
        (pl.col("source_file") == SEEDS["002"]) & (pl.col("table_no") == 1) & (pl.col("row_no") == 1)
    )
    line = (SEED_DIR / SEEDS["002"]).read_text(encoding="utf-8").splitlines()[91 - 1]
    assert first.select("level3", "value_text", "source_line").row(0) == ("开展帮扶活动次数", ">15次", 91)
    assert line.split("\t")[2:5] == ["开展帮扶活动次数", "开展帮扶活动次数", ">15 次"]  # as the file writes it


def test_the_same_tables_in_two_files_are_two_documents(tmp_path: Path) -> None:
    """Table 1 row 1 in both: unique per document, so neither is suspected of a duplicate."""
    for name in ("甲镇.txt", "乙镇.txt"):
        shutil.copy(SEED_DIR / SEEDS["001"], tmp_path / name)
    rows = [parse_rows(tmp_path / name, tmp_path, now=FIXED_NOW) for name in ("甲镇.txt", "乙镇.txt")]
    assert statuses(rows) == {"甲镇.txt": ("loaded", 58, 19), "乙镇.txt": ("loaded", 58, 19)}


def _with_project_value(rows: DocumentRows, column: str, value: object) -> DocumentRows:
    projects = [dict(rows.projects[0], **{column: value}), *rows.projects[1:]]
    return dataclasses.replace(rows, projects=projects)


def test_a_document_breaking_the_contract_fails_alone(seeds: dict[str, DocumentRows]) -> None:
    broken = _with_project_value(seeds["003"], "budget_yuan", -5.0)
    batch = checked_batch([seeds["002"], broken, seeds["001"]])
    got = statuses([seeds["002"], broken, seeds["001"]])
    assert got == {
        SEEDS["002"]: ("loaded", 22, 19),
        SEEDS["003"]: ("failed", 0, 0),
        SEEDS["001"]: ("loaded", 58, 19),
    }
    (error,) = batch.errors.iter_rows(named=True)
    assert error["source_file"] == SEEDS["003"]
    assert error["error_class"] == "validation_failed"
    assert error["stage"] == "validate"
    assert error["message"].startswith("projects: ")
    assert "budget_yuan" in error["message"] and "-5.0" in error["message"]
    assert error["sha256"] == seeds["003"].documents[0]["sha256"]


def test_a_row_that_fits_no_column_type_fails_its_document_alone(seeds: dict[str, DocumentRows]) -> None:
    """Text where a number belongs stops polars building the batch's frame: built per document instead."""
    broken = _with_project_value(seeds["001"], "table_no", "第一")
    got = statuses([seeds["000"], broken, seeds["002"]])
    assert got == {
        SEEDS["000"]: ("loaded", 126, 48),
        SEEDS["001"]: ("failed", 0, 0),
        SEEDS["002"]: ("loaded", 22, 19),
    }
    message = checked_batch([broken]).errors["message"][0]
    assert message.startswith("a row does not fit the contract's column types")


def test_department_targets_that_break_their_model_are_dropped_alone(seeds: dict[str, DocumentRows]) -> None:
    targets = [dict(seeds["002"].department_targets[0], value_kind="quantitative", value_num=None)]
    broken = dataclasses.replace(seeds["002"], department_targets=targets + seeds["002"].department_targets[1:])
    assert statuses([seeds["000"], broken, seeds["001"]]) == {
        SEEDS["000"]: ("loaded", 126, 48),
        SEEDS["002"]: ("loaded", 22, 0),
        SEEDS["001"]: ("loaded", 58, 19),
    }


def test_failed_and_withdrawn_documents_pass_through(tmp_path: Path, seeds: dict[str, DocumentRows]) -> None:
    (tmp_path / "空.txt").write_bytes(b"")
    empty = parse_rows(tmp_path / "空.txt", tmp_path, now=FIXED_NOW)
    gone = parse_rows(tmp_path / "已删.txt", tmp_path, now=FIXED_NOW)
    batch = checked_batch([empty, seeds["002"], gone])
    assert statuses([empty, seeds["002"], gone]) == {
        "空.txt": ("failed", 0, 0),
        SEEDS["002"]: ("loaded", 22, 19),
        "已删.txt": ("withdrawn", 0, 0),
    }
    assert batch.withdrawn == frozenset({"已删.txt"})
    assert batch.errors["error_class"].to_list() == ["empty_file"]
