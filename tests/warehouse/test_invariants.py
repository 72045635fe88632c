"""The warehouse invariants are dbt tests (shown in Dagster as asset checks): they catch what they
claim to, on a real load built by dbt, and list the rows that break them (``--store-failures``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.load.warehouse import load_document
from pipeline.parse.document import parse_document
from tests.conftest import SEED_DIR, SEEDS
from tests.warehouse_build import dbt_build, release_dbt_duckdb

INVARIANTS = ("every_project_has_indicators", "fct_indicator_is_located", "row_counts_stable_across_reloads", "no_ingest_errors")
AUDIT_SCHEMA = "dbt_test__audit"
"""Where ``dbt build --store-failures`` keeps each failing test's rows (our generate_schema_name)."""


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / "sanjia.txt")
    (raw / "empty.txt").write_bytes(b"")
    target = tmp_path / "w.duckdb"
    for path in sorted(raw.iterdir()):
        load_document(target, parse_document(path, raw))
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(target))
    return target


def violations(warehouse: Path, tmp: Path) -> dict[str, list[tuple[object, ...]]]:
    """``dbt build`` on the warehouse; the rows each invariant's test stored as failing (none: passed)."""
    result = dbt_build(tmp, "--quiet", "--store-failures")
    release_dbt_duckdb()
    statuses = {r.node.name: str(r.status) for r in result.result.results}
    assert all(name in statuses for name in INVARIANTS), statuses
    found: dict[str, list[tuple[object, ...]]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name in INVARIANTS:
            rows = con.execute(f"select * from {AUDIT_SCHEMA}.{name}").fetchall()
            assert (statuses[name] == "pass") == (not rows), (name, statuses[name])
            found[name] = rows
    return found


def test_invariants_hold_on_a_clean_load_except_the_reported_error(warehouse: Path, tmp_path: Path) -> None:
    found = violations(warehouse, tmp_path)
    assert found["every_project_has_indicators"] == []
    assert found["fct_indicator_is_located"] == []
    assert found["row_counts_stable_across_reloads"] == []
    assert [(source_file, error_class) for source_file, error_class, _ in found["no_ingest_errors"]] == [
        ("empty.txt", "empty_file")
    ]


def test_invariants_catch_what_they_guard(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.indicators where table_no = 2")
        con.execute("update raw.indicators set source_line = null where row_no = 1 and table_no = 1")
        con.execute(
            "insert into raw.load_history select source_file, sha256, parser_version, status, project_count, "
            "indicator_count + 1, loaded_at from raw.load_history where source_file = 'sanjia.txt'"
        )
    found = violations(warehouse, tmp_path)
    assert [row[2] for row in found["every_project_has_indicators"]] == ["执法工作经费"]
    assert len(found["fct_indicator_is_located"]) == 1
    assert [(row[0], row[3], row[4]) for row in found["row_counts_stable_across_reloads"]] == [("sanjia.txt", 22, 23)]
