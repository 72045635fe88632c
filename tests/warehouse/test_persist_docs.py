"""What dbt's YAML says of a model and its columns is in DuckDB as comments (``persist_docs``).

A reader in DBeaver, a notebook or the DuckDB shell sees the descriptions without the dbt
project: ``select column_name, comment from duckdb_columns() where table_name = 'mart_town_year'``.
The expected text is read from the models' YAML files, not from the warehouse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.warehouse_build import DBT_DIR, BuiltWarehouse, built_warehouse

MODEL_YAML = sorted((DBT_DIR / "models").rglob("*.yml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return built_warehouse(tmp_path_factory)


def described_models() -> list[dict[str, Any]]:
    """Every model entry of the project's YAML files (sources.yml describes sources, not models)."""
    models: list[dict[str, Any]] = []
    for path in MODEL_YAML:
        models.extend(yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []))
    return models


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
    models = described_models()
    assert {"dim_document", "fct_indicator", "mart_indicator_quality", "stg_indicators"} <= {m["name"] for m in models}
    checked = 0
    for model in models:
        name = model["name"]
        assert relations[name] == model["description"], name
        for column in model.get("columns", []):
            if column.get("description"):
                assert columns[(name, column["name"])] == column["description"], (name, column["name"])
                checked += 1
    assert checked > 200  # every mart and staging column is described
