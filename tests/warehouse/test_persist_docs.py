"""What dbt's YAML says of a model and its columns is in DuckDB as comments (``persist_docs``).

A reader in DBeaver, a notebook or the DuckDB shell sees the descriptions without the dbt
project: ``select column_name, comment from duckdb_columns() where table_name = 'mart_town_year'``.
The expected text is what dbt made of the models' YAML (its ``doc()`` blocks and vars rendered), as
the build's own nodes carry it, not read from the warehouse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.warehouse_build import BuiltWarehouse, built_warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return built_warehouse(tmp_path_factory)


def described_models(built: BuiltWarehouse) -> list[Any]:
    """Every model dbt built, with its description and its columns' as dbt rendered them."""
    return [r.node for r in built.dbt_result.result.results if r.node.resource_type == "model"]


def comments(warehouse: Path) -> tuple[dict[str, str | None], dict[tuple[str, str], str | None]]:
    """(relation → comment, (relation, column) → comment) as a SQL client reads them."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        relations = con.execute(
            "select table_name, comment from duckdb_tables() where schema_name in ('main', 'staging') "
            "union all select view_name, comment from duckdb_views() "
            "where not internal and schema_name in ('main', 'staging')"
        ).fetchall()
        columns = con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name in ('main', 'staging')"
        ).fetchall()
    finally:
        con.close()
    return dict(relations), {(table, column): comment for table, column, comment in columns}


def test_a_mart_column_carries_its_description(built: BuiltWarehouse) -> None:
    _, columns = comments(built.path)
    comment = columns[("mart_town_year", "reconciliation_diff_yuan")]
    assert comment is not None and "unit total" in comment


def test_every_described_model_and_column_is_commented(built: BuiltWarehouse) -> None:
    relations, columns = comments(built.path)
    models = described_models(built)
    assert {"dim_document", "fct_indicator", "mart_indicator_quality", "stg_indicators"} <= {m.name for m in models}
    checked = 0
    for model in models:
        assert relations[model.name] == model.description, model.name
        for column in model.columns.values():
            if column.description:
                assert "{{" not in column.description, (model.name, column.name)
                assert columns[(model.name, column.name)] == column.description, (model.name, column.name)
                checked += 1
    assert checked > 200  # every mart and staging column is described
