"""The warehouse invariants (shown as Dagster asset checks) catch what they claim to, on a real load."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.defs.invariants import violations
from pipeline.load.warehouse import load_document
from pipeline.parse.document import parse_document
from tests.conftest import SEED_DIR, SEEDS


def marts_like_views(con: duckdb.DuckDBPyConnection) -> None:
    """Stand-ins for the dbt marts the invariants read, built from the raw layer."""
    con.execute("create schema if not exists main")
    con.execute("create or replace view main.dim_project as select * from raw.projects")
    con.execute("create or replace view main.fct_indicator as select * from raw.indicators")
    con.execute("create or replace view main.ingest_errors as select * from raw.ingest_errors")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    (raw / "empty.txt").write_bytes(b"")
    target = tmp_path / "w.duckdb"
    for path in sorted(raw.iterdir()):
        load_document(target, parse_document(path, raw))
    with duckdb.connect(str(target)) as con:
        marts_like_views(con)
    return target


def test_invariants_hold_on_a_clean_load_except_the_reported_error(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        assert violations(con, "every_project_has_indicators") == []
        assert violations(con, "every_indicator_is_located") == []
        assert violations(con, "row_counts_stable_across_reloads") == []
        errors = violations(con, "no_ingest_errors")
    assert [(e["source_file"], e["error_class"]) for e in errors] == [("empty.txt", "empty_file")]


def test_invariants_catch_what_they_guard(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.indicators where table_no = 2")
        con.execute("update raw.indicators set source_line = null where row_no = 1 and table_no = 1")
        con.execute(
            "insert into raw.load_history select source_file, sha256, parser_version, status, project_count, "
            "indicator_count + 1, loaded_at from raw.load_history where source_file = 'sanjia.txt'"
        )
        lost = violations(con, "every_project_has_indicators")
        unlocated = violations(con, "every_indicator_is_located")
        unstable = violations(con, "row_counts_stable_across_reloads")
    assert [p["project_name"] for p in lost] == ["执法工作经费"]
    assert len(unlocated) == 1
    assert [(u["source_file"], u["fewest"], u["most"]) for u in unstable] == [("sanjia.txt", 22, 23)]
