"""dbt's DuckDB gets a memory limit sized by the warehouse: the floor up to millions of indicator
rows, more where the marts' joins were measured to need it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.defs.config import WAREHOUSE_ENV
from pipeline.defs.dbt_project import (
    DBT_MEMORY_ENV,
    DBT_MEMORY_FLOOR_MB,
    dbt_args,
    dbt_memory_mb,
    prepare_dbt_build,
)
from tests.warehouse_build import release_dbt_duckdb

NATIONAL_MIX_10K_ROWS = 424_000
"""Indicator rows of the bench's 10 000-document national mix (42.4 a document)."""
MEASURED_FAILING_ROWS = 10_157_500
"""Indicator rows (100× the bench's 1 000 text documents) whose build failed at the floor and passed at 512 MB."""


def test_a_ten_thousand_document_warehouse_stays_at_the_floor() -> None:
    assert dbt_memory_mb(0) == dbt_memory_mb(NATIONAL_MIX_10K_ROWS) == DBT_MEMORY_FLOOR_MB


def test_rows_measured_to_outgrow_the_floor_get_what_they_were_measured_to_need() -> None:
    assert dbt_memory_mb(MEASURED_FAILING_ROWS) >= 512
    assert dbt_memory_mb(2 * MEASURED_FAILING_ROWS) > dbt_memory_mb(MEASURED_FAILING_ROWS)


def test_the_build_s_duckdb_runs_with_the_limit_its_rows_ask_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prepare_dbt_build counts raw.indicators and sets the variable the profile reads; dbt's own
    connection then reports the limit (DuckDB's MB are 10^6 bytes: 6 M rows → 321 MB = 306.1 MiB)."""
    warehouse = tmp_path / "jixiao.duckdb"
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    monkeypatch.delenv(DBT_MEMORY_ENV, raising=False)
    prepare_dbt_build(warehouse)  # creates the raw tables
    with duckdb.connect(str(warehouse)) as con:
        con.execute("INSERT INTO raw.indicators (indicator_id) SELECT 'i' || range FROM range(6000000)")
    prepare_dbt_build(warehouse)
    assert dbt_memory_mb(6_000_000) == 321
    from dbt.cli.main import dbtRunner

    shown = dbtRunner().invoke(
        dbt_args(
            [
                "show",
                "--inline",
                "select current_setting('memory_limit') as memory_limit",
                "--quiet",
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "logs"),
            ]
        )
    )
    release_dbt_duckdb()
    assert shown.success
    assert shown.result is not None
    assert shown.result.results[0].agate_table.rows[0][0] == "306.1 MiB"
