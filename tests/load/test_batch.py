"""Many documents per run: hash once, skip unchanged, parse in a spawn pool, load in batches.

- ``plan`` reads the warehouse once and hashes each file once; unchanged files are not parsed;
- ``ingest_documents`` through the process pool loads the same rows as one document at a time;
- a batch with a document DuckDB refuses loads every other document and keeps the bad one's
  previous rows (each document's replace stays atomic);
- the ingest op materialises one partition, or a range, and reports nothing for unchanged ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import polars as pl
import pytest

import pipeline.parse.read.files
from pipeline.defs.config import RAW_DIR_ENV, WAREHOUSE_ENV
from pipeline.defs.partitions import partition_ranges, range_tags
from pipeline.load.batch import UNCHANGED, ingest_documents, load_failure_message, plan
from pipeline.load.loaded import loaded_versions
from pipeline.load.warehouse import load_document, load_documents
from pipeline.parse.document import parse_document
from pipeline.parse.read.files import file_stat
from tests.conftest import SEED_DIR, SEEDS

COPIES = 10  # above POOL_MIN_DOCUMENTS: the spawn pool parses them
ROWS = {"000": 126, "001": 58, "002": 22, "003": 54 + 68, "004": 349}  # 003: table + prose rows


def seed_folder(raw: Path, copies: int) -> dict[str, int]:
    """``copies`` documents made from the seeds; source_file → indicator rows expected."""
    raw.mkdir(parents=True, exist_ok=True)
    expected = {}
    for i in range(copies):
        number = f"00{i % 5}"
        name = f"{i:03d}_{SEEDS[number]}"
        shutil.copy(SEED_DIR / SEEDS[number], raw / name)
        expected[name] = ROWS[number]
    return expected


def indicator_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute("select source_file, count(*) from raw.indicators group by 1").fetchall())


def test_pool_loads_every_document_and_a_rerun_parses_nothing(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "w" / "jixiao.duckdb"
    expected = seed_folder(raw, COPIES)
    outcomes = list(ingest_documents(sorted(expected), raw, warehouse, workers=2))
    assert sorted(o.source_file for o in outcomes) == sorted(expected)
    assert {o.status for o in outcomes} == {"loaded"}
    assert indicator_rows(warehouse) == expected
    assert all(o.rows["indicators"] == expected[o.source_file] for o in outcomes)
    assert (warehouse.parent / "lake" / "indicators").is_dir()

    again = list(ingest_documents(sorted(expected), raw, warehouse, workers=2))
    assert {o.status for o in again} == {UNCHANGED}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute("select count(*) from raw.load_history").fetchone()
    assert loads == (COPIES,)


def test_each_file_is_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    expected = seed_folder(raw, 3)
    calls: list[object] = []

    def counting_sha256(*args: object) -> object:
        calls.append(args)
        return hashlib.sha256(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.parse.read.files, "hashlib", SimpleNamespace(sha256=counting_sha256))
    list(ingest_documents(sorted(expected), raw, warehouse, workers=1))
    assert len(calls) == 3


def test_plan_skips_unchanged_and_gone_documents(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    names = sorted(seed_folder(raw, 3))
    assert loaded_versions(warehouse) == {}
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert {v.status for v in loaded_versions(warehouse).values()} == {"loaded"}

    (raw / names[0]).write_text((raw / names[0]).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (raw / names[1]).unlink()
    jobs, unchanged = plan(names, raw, warehouse)
    assert [j.source_file for j in jobs] == [names[0], names[1]]
    assert [o.source_file for o in unchanged] == [names[2]]

    list(ingest_documents(names, raw, warehouse, workers=1))
    assert loaded_versions(warehouse)[names[1]].status == "withdrawn"
    jobs, _ = plan(names, raw, warehouse)
    assert jobs == []  # a withdrawn file that stays gone is not withdrawn again


@pytest.fixture
def counted_hashes(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every sha256 the reader starts; files count as settled at once (``SETTLED_NS``), as a folder
    copied in long before the run is."""
    calls: list[object] = []

    def counting_sha256(*args: object) -> object:
        calls.append(args)
        return hashlib.sha256(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.parse.read.files, "hashlib", SimpleNamespace(sha256=counting_sha256))
    monkeypatch.setattr(pipeline.parse.read.files, "SETTLED_NS", 0)
    return calls


def test_a_rerun_reads_no_file_whose_status_is_as_recorded(tmp_path: Path, counted_hashes: list[object]) -> None:
    raw, warehouse, names = ingested(tmp_path, 3)
    assert len(counted_hashes) == 3
    jobs, unchanged = plan(names, raw, warehouse)
    assert jobs == [] and [o.sha256 for o in unchanged] == [sha256_of(raw / name) for name in names]
    assert len(counted_hashes) == 3


def test_an_edit_that_keeps_size_and_modification_time_is_still_parsed(
    tmp_path: Path, counted_hashes: list[object]
) -> None:
    """``touch -d`` / ``cp -p`` can put the modification time back; the status-change time moves anyway."""
    raw, warehouse, names = ingested(tmp_path, 3)
    edited = raw / names[0]
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    assert "≥95%" in text
    edited.write_text(text.replace("≥95%", "≥96%", 1), encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    jobs, unchanged = plan(names, raw, warehouse)
    assert [j.source_file for j in jobs] == [names[0]] and len(unchanged) == 2
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert loaded_versions(warehouse)[names[0]].sha256 == sha256_of(edited)


def test_a_touched_file_is_read_and_found_unchanged(tmp_path: Path, counted_hashes: list[object]) -> None:
    raw, warehouse, names = ingested(tmp_path, 3)
    os.utime(raw / names[1], ns=(0, 10**18))
    jobs, unchanged = plan(names, raw, warehouse)
    assert jobs == [] and len(unchanged) == 3
    assert len(counted_hashes) == 3 + 1


def test_a_file_read_just_after_it_changed_is_read_again(
    tmp_path: Path, counted_hashes: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within ``SETTLED_NS`` of its last change a file could change again in the same clock tick,
    keeping its status: none is recorded, and the next run reads it."""
    monkeypatch.setattr(pipeline.parse.read.files, "SETTLED_NS", 3_600 * 10**9)
    raw, warehouse, names = ingested(tmp_path, 2)
    assert {v.file_stat for v in loaded_versions(warehouse).values()} == {None}
    jobs, _ = plan(names, raw, warehouse)
    assert jobs == [] and len(counted_hashes) == 2 + 2


def test_a_warehouse_from_before_file_stat_hashes_and_gains_the_column(
    tmp_path: Path, counted_hashes: list[object]
) -> None:
    raw, warehouse, names = ingested(tmp_path, 2)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("ALTER TABLE raw.documents DROP COLUMN file_stat")
    assert {v.file_stat for v in loaded_versions(warehouse).values()} == {None}
    jobs, unchanged = plan(names, raw, warehouse)
    assert jobs == [] and len(unchanged) == 2 and len(counted_hashes) == 2 + 2
    (raw / names[0]).write_text("x", encoding="utf-8")
    list(ingest_documents(names, raw, warehouse, workers=1))
    assert loaded_versions(warehouse)[names[0]].file_stat == file_stat((raw / names[0]).stat())


def ingested(tmp_path: Path, copies: int) -> tuple[Path, Path, list[str]]:
    """A raw folder of ``copies`` seed documents ingested into a warehouse: (raw, warehouse, names)."""
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    names = sorted(seed_folder(raw, copies))
    list(ingest_documents(names, raw, warehouse, workers=1))
    return raw, warehouse, names


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_batch_of_new_and_held_files_replaces_only_the_held_ones_rows(tmp_path: Path) -> None:
    """New files skip the DELETEs (nothing of theirs is held); a held file in the same batch is still replaced."""
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    names = sorted(seed_folder(raw, 3))  # 000: 126 rows, 001: 58, 002: 22
    frames = {name: parse_document(raw / name, raw) for name in names}
    assert load_documents(warehouse, [frames[names[0]]]) == {}
    shutil.copy(SEED_DIR / SEEDS["002"], raw / names[0])  # the held file now holds 002's tables
    replaced = parse_document(raw / names[0], raw)
    assert load_documents(warehouse, [frames[names[1]], replaced, frames[names[2]]]) == {}
    assert indicator_rows(warehouse) == {names[0]: ROWS["002"], names[1]: ROWS["001"], names[2]: ROWS["002"]}


def test_a_bad_document_never_costs_the_batch(tmp_path: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    names = sorted(seed_folder(raw, 3))
    frames = [parse_document(raw / name, raw) for name in names]
    load_document(warehouse, frames[1])
    broken = dataclasses.replace(frames[1], indicators=frames[1].indicators.with_columns(pl.lit("x").alias("row_no")))
    failed = load_documents(warehouse, [frames[0], broken, frames[2]])
    assert list(failed) == [names[1]]
    assert indicator_rows(warehouse) == {name: ROWS[f"00{i}"] for i, name in enumerate(names)}


def test_load_failure_message_names_a_few_and_counts_the_rest() -> None:
    failed: dict[str, Exception] = {f"{i:02d}.txt": ValueError("refused") for i in range(12)}
    message = load_failure_message(failed)
    assert message.startswith("12 document(s) could not be loaded: 00.txt: ValueError: refused;")
    assert "09.txt" in message and "10.txt" not in message
    assert message.endswith("; and 2 more")


def test_partition_ranges() -> None:
    assert partition_ranges(["a", "b", "c", "d", "e"], 2) == [("a", "b"), ("c", "d"), ("e", "e")]
    assert partition_ranges([], 2) == []


@pytest.fixture
def documents_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    raw, warehouse = tmp_path / "raw", tmp_path / "w" / "jixiao.duckdb"
    monkeypatch.setenv(RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    return raw, warehouse, sorted(seed_folder(raw, 3))


def materialised(result: dg.ExecuteInProcessResult) -> list[tuple[str, str | None]]:
    """The document partitions a run materialised, and the raw documents table (once, unpartitioned)."""
    return sorted(
        (event.asset_key.to_user_string(), event.partition)
        for event in result.get_asset_materialization_events()
        if event.asset_key in (dg.AssetKey("document"), dg.AssetKey(["raw", "documents"]))
    )


def test_ingest_op_runs_one_partition_or_a_range(documents_world: tuple[Path, Path, list[str]]) -> None:
    from pipeline.defs.ingest_assets import documents
    from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME

    _, warehouse, names = documents_world
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(DOCUMENTS_PARTITION_NAME, names)
        one = dg.materialize([documents], partition_key=names[0], instance=instance)
        assert materialised(one) == [("document", names[0]), ("raw/documents", None)]
        assert indicator_rows(warehouse) == {names[0]: ROWS["000"]}

        everything = dg.materialize([documents], tags=range_tags(names[0], names[-1]), instance=instance)
        assert materialised(everything) == [("document", names[1]), ("document", names[2]), ("raw/documents", None)]
        assert set(indicator_rows(warehouse)) == set(names)

        nothing = dg.materialize([documents], tags=range_tags(names[0], names[-1]), instance=instance)
        assert nothing.success
        assert materialised(nothing) == []
