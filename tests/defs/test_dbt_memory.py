"""dbt's DuckDB gets a memory limit sized by the warehouse: a base plus a slope per indicator row,
at least what each measured warehouse was found to need."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.defs.config import WAREHOUSE_ENV
from pipeline.defs.dbt_project import DBT_MEMORY_ENV, dbt_args, dbt_memory_mb, prepare_dbt_build
from tests.warehouse_build import release_dbt_duckdb

NATIONAL_MIX_10K_ROWS = 542_711
"""Indicator rows of the bench's 10 000-document national mix (54.3 a document)."""
LEAST_PASSING_MB = {
    NATIONAL_MIX_10K_ROWS: 96,
    2 * NATIONAL_MIX_10K_ROWS: 112,
    5 * NATIONAL_MIX_10K_ROWS: 160,
    10 * NATIONAL_MIX_10K_ROWS: 224,
}
"""The least limit ``mart_indicator_quality`` built with, by indicator rows (the 10 000-document
warehouse and its raw tables copied 2, 5 and 10 times; bench/results.md). Below it: Out of Memory."""
OLD_FLOOR_MB = 256
"""The limit every warehouse under 4.8 M rows had before: at 10 000 documents it made dbt the run's peak."""


@pytest.mark.parametrize(("rows", "least_mb"), LEAST_PASSING_MB.items())
def test_each_measured_warehouse_gets_more_than_it_was_measured_to_need(rows: int, least_mb: int) -> None:
    assert dbt_memory_mb(rows) >= 1.2 * least_mb


def test_the_limit_grows_with_the_rows_and_stays_small_for_ten_thousand_documents() -> None:
    assert dbt_memory_mb(0) < dbt_memory_mb(NATIONAL_MIX_10K_ROWS) < dbt_memory_mb(20 * NATIONAL_MIX_10K_ROWS)
    assert dbt_memory_mb(NATIONAL_MIX_10K_ROWS) < OLD_FLOOR_MB / 1.5


def test_the_build_s_duckdb_runs_with_the_limit_its_rows_ask_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prepare_dbt_build counts raw.indicators and sets the variable the profile reads; dbt's own
    connection then reports the limit (DuckDB's MB are 10^6 bytes: 6 M rows → 352 MB, shown as 335.6 MiB)."""
    warehouse = tmp_path / "jixiao.duckdb"
    monkeypatch.setenv(WAREHOUSE_ENV, str(warehouse))
    monkeypatch.delenv(DBT_MEMORY_ENV, raising=False)
    prepare_dbt_build(warehouse)  # creates the raw tables
    with duckdb.connect(str(warehouse)) as con:
        con.execute("INSERT INTO raw.indicators (indicator_id) SELECT 'i' || range FROM range(6000000)")
    prepare_dbt_build(warehouse)
    assert dbt_memory_mb(6_000_000) == 352
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
    assert shown.result.results[0].agate_table.rows[0][0] == "335.6 MiB"
