"""Bad input, one class per test: exactly one ingest_errors row with its error_class and a message a
person can act on, while a good document in the same folder still loads all of its rows."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipeline.load.warehouse import load_document
from pipeline.parse.document import parse_document
from pipeline.parse.read.files import discover_documents
from tests.conftest import SEED_DIR, SEEDS

GOOD_ROWS = 22  # seed 002: 2 projects × 11 indicator rows
SEED_002 = SEED_DIR / SEEDS["002"]


def ingest_folder(raw: Path, warehouse: Path) -> None:
    """What one run does to each document of a folder, without the orchestration around it."""
    for path in discover_documents(raw):
        load_document(warehouse, parse_document(path, raw))


def run_with(tmp_path: Path, make_bad: Callable[[Path], object]) -> tuple[list[tuple[str, str, str]], int]:
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    raw.mkdir()
    shutil.copy(SEED_002, raw / "good.txt")
    make_bad(raw)
    ingest_folder(raw, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        errors = con.execute("select source_file, error_class, message from raw.ingest_errors order by 1").fetchall()
        good = con.execute("select count(*) from raw.indicators where source_file = 'good.txt'").fetchone()
    return errors, int(good[0]) if good else 0


def assert_one_error(errors: list[tuple[str, str, str]], source_file: str, error_class: str, hint: str) -> None:
    assert [(f, c) for f, c, _ in errors] == [(source_file, error_class)]
    assert hint in errors[0][2], errors[0][2]


def test_empty_text_file(tmp_path: Path) -> None:
    errors, good = run_with(tmp_path, lambda raw: (raw / "empty.txt").write_bytes(b""))
    assert_one_error(errors, "empty.txt", "empty_file", "empty")
    assert good == GOOD_ROWS


def test_whitespace_only_text_file(tmp_path: Path) -> None:
    errors, good = run_with(tmp_path, lambda raw: (raw / "blank.txt").write_text(" \n\t\n", encoding="utf-8"))
    assert_one_error(errors, "blank.txt", "empty_file", "no text")
    assert good == GOOD_ROWS


def test_zero_byte_pdf(tmp_path: Path) -> None:
    errors, good = run_with(tmp_path, lambda raw: (raw / "scan.pdf").write_bytes(b""))
    assert_one_error(errors, "scan.pdf", "empty_file", "0 bytes")
    assert good == GOOD_ROWS


def test_binary_file_with_a_text_name(tmp_path: Path) -> None:
    noise = bytes(range(256)) * 64
    errors, good = run_with(tmp_path, lambda raw: (raw / "table.txt").write_bytes(noise))
    assert_one_error(errors, "table.txt", "encoding_error", "original document")
    assert good == GOOD_ROWS


def test_legacy_word_document(tmp_path: Path) -> None:
    """A .doc is read since issue 19; one cut after its signature is reported as truncated."""
    errors, good = run_with(tmp_path, lambda raw: (raw / "绩效目标.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
    assert_one_error(errors, "绩效目标.doc", "unreadable_file", "truncated: it has 8 bytes")
    assert good == GOOD_ROWS


def test_huge_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    def huge(raw: Path) -> None:
        with (raw / "dump.txt").open("wb") as handle:
            handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing read

    errors, good = run_with(tmp_path, huge)
    assert_one_error(errors, "dump.txt", "file_too_large", "64 MiB limit")
    assert good == GOOD_ROWS


def test_symlink_out_of_the_raw_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    shutil.copy(SEED_002, secret)
    errors, good = run_with(tmp_path, lambda raw: os.symlink(secret, raw / "link.txt"))
    assert_one_error(errors, "link.txt", "unsafe_path", "outside the raw folder")
    assert good == GOOD_ROWS


def test_table_without_a_recognisable_layout(tmp_path: Path) -> None:
    table = "2024年一般公共预算支出表\n\n科目编码\t科目名称\t金额\n201\t一般公共服务支出\t350.2\n213\t农林水支出\t88.0\n"
    errors, good = run_with(tmp_path, lambda raw: (raw / "支出表.txt").write_text(table, encoding="utf-8"))
    assert_one_error(errors, "支出表.txt", "unknown_layout", "new layout")
    assert good == GOOD_ROWS


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig"])
def test_text_in_other_encodings_loads_the_same_rows(tmp_path: Path, encoding: str) -> None:
    text = SEED_002.read_text(encoding="utf-8")
    errors, good = run_with(tmp_path, lambda raw: (raw / "other.txt").write_bytes(text.encode(encoding)))
    assert errors == []
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select level3, value_text from raw.indicators where source_file = 'other.txt' order by indicator_id"
        ).fetchall()
    assert len(rows) == GOOD_ROWS and good == GOOD_ROWS
    assert rows[0] == ("开展帮扶活动次数", ">15次")


def test_mixed_encodings_are_detected_not_crashed_on(tmp_path: Path) -> None:
    """First half UTF-8, second half GBK: no single decoding is right, so the file fails cleanly or loads."""
    lines = SEED_002.read_text(encoding="utf-8").split("\n")
    half = len(lines) // 2
    data = "\n".join(lines[:half]).encode("utf-8") + b"\n" + "\n".join(lines[half:]).encode("gbk")
    errors, good = run_with(tmp_path, lambda raw: (raw / "mixed.txt").write_bytes(data))
    assert good == GOOD_ROWS
    assert all(source == "mixed.txt" for source, _, _ in errors) and len(errors) <= 1


def test_awkward_file_names_load(tmp_path: Path) -> None:
    def names(raw: Path) -> None:
        (raw / "县 乡").mkdir()
        shutil.copy(SEED_002, raw / "县 乡" / "a..b 三家镇 绩效.txt")

    errors, good = run_with(tmp_path, names)
    assert errors == [] and good == GOOD_ROWS
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        files = con.execute("select source_file, status from raw.documents order by 1").fetchall()
    assert files == [("good.txt", "loaded"), ("县 乡/a..b 三家镇 绩效.txt", "loaded")]


def test_partition_keys_round_trip_names_dagster_refuses() -> None:
    from pipeline.defs.discovery import partition_key, source_file_of_key

    for name in ["报告...txt", "100%完成.txt", "a/b...c%2E.txt"]:
        key = partition_key(name)
        assert "..." not in key
        assert source_file_of_key(key) == name
