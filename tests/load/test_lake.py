"""The Parquet lake path (parse anywhere, DuckDB reads the files) gives the same raw tables as loading in process."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.load.lake import lake_dir, load_raw_from_lake, write_document
from pipeline.load.warehouse import RAW_SCHEMA, RAW_TABLES, load_document
from pipeline.parse.document import parse_document
from pipeline.parse.frames import document_frames, withdrawn_rows
from tests.conftest import FIXED_NOW, SEED_DIR, SEEDS

TWO_SEEDS = ("002", "003")


def raw_rows(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: sorted(con.execute(f"SELECT * FROM {RAW_SCHEMA}.{table}").fetchall(), key=repr)
            for table in RAW_TABLES
        }


def test_lake_and_in_process_give_the_same_raw_tables(tmp_path: Path) -> None:
    in_process = tmp_path / "a" / "jixiao.duckdb"
    via_lake = tmp_path / "b" / "jixiao.duckdb"
    lake = lake_dir(via_lake)
    for number in TWO_SEEDS:
        frames = parse_document(SEED_DIR / SEEDS[number], SEED_DIR, now=FIXED_NOW)
        load_document(in_process, frames)
        write_document(lake, frames)
        write_document(lake, frames)  # a re-parse replaces the file, never duplicates rows
    assert sorted(p.name for p in (lake / "indicators").iterdir()) == sorted(
        f"{parse_document(SEED_DIR / SEEDS[n], SEED_DIR).documents['document_id'][0]}.parquet" for n in TWO_SEEDS
    )
    counts = load_raw_from_lake(via_lake)
    expected = raw_rows(in_process)
    assert counts["indicators"] == len(expected["indicators"]) > 0
    assert counts["projects"] == len(expected["projects"]) > 0
    assert raw_rows(via_lake) == expected

    gone = SEEDS[TWO_SEEDS[0]]
    load_document(in_process, document_frames(withdrawn_rows(gone, FIXED_NOW)))
    write_document(lake, document_frames(withdrawn_rows(gone, FIXED_NOW)))
    load_raw_from_lake(via_lake)
    assert raw_rows(via_lake) == raw_rows(in_process)
