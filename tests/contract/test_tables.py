"""What is derived from the declarations behaves as declared: pandera rejects what a column forbids,
dbt's staging tests say the same, and the loader creates the declared tables."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandera.errors
import pandera.polars as pa
import polars as pl
import pytest

from pipeline.contract.dbt import column_tests, sources, staging
from pipeline.contract.schemas import DocumentFrame, IndicatorFrame, ProjectFrame
from pipeline.contract.tables import DOCUMENTS, INDICATORS, PROJECTS, RAW_TABLES
from pipeline.load.warehouse import ensure_raw_tables
from pipeline.parse.frames import DocumentFrames

Seed = Callable[[str], DocumentFrames]


def _accepts(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    try:
        model.validate(frame, lazy=True)
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError):
        return False
    return True


def test_every_table_names_each_column_once_and_has_its_key_first() -> None:
    for table in RAW_TABLES:
        names = [column.name for column in table.columns]
        assert len(names) == len(set(names)), table.name
        if table.key is not None:
            assert names[0] == table.key, table.name
    assert {table.name: table.key for table in RAW_TABLES} == {
        "documents": "document_id",
        "projects": "project_id",
        "indicators": "indicator_id",
        "ingest_errors": None,
        "department_targets": "target_id",
    }


def test_a_real_document_builds_its_frames_in_declared_order(seed: Seed) -> None:
    frames = seed("000")
    assert frames.indicators.columns == [column.name for column in INDICATORS.columns]
    assert frames.projects.columns == [column.name for column in PROJECTS.columns]
    assert frames.indicators.height > 0


@pytest.mark.parametrize(
    ("column", "value"),
    [("county_code", "13052"), ("fiscal_year", 1999), ("status", "parsed"), ("amount_unit", "亿元")],
)
def test_pandera_rejects_what_a_document_column_forbids(seed: Seed, column: str, value: object) -> None:
    documents = seed("000").documents
    assert _accepts(DocumentFrame, documents)
    broken = documents.with_columns(pl.Series(column, [value], dtype=documents.schema[column]))
    assert not _accepts(DocumentFrame, broken)


def test_pandera_rejects_a_comparator_outside_the_vocabulary_and_a_repeated_table_no(seed: Seed) -> None:
    frames = seed("000")
    indicators = frames.indicators.with_columns(pl.lit("≥").alias("comparator"))
    assert not _accepts(IndicatorFrame, indicators)
    assert frames.projects.height > 1
    projects = frames.projects.with_columns(pl.lit(1, dtype=pl.Int32).alias("table_no"))
    assert not _accepts(ProjectFrame, projects)


def test_staging_tests_say_what_the_declaration_says() -> None:
    assert column_tests(INDICATORS.column("indicator_id")) == ["unique", "not_null"]
    assert column_tests(INDICATORS.column("comparator")) == [
        {"accepted_values": {"arguments": {"values": [">=", "<=", "=", ">", "<"]}}}
    ]
    assert column_tests(PROJECTS.column("document_id")) == [
        "not_null",
        {"relationships": {"arguments": {"to": "ref('stg_documents')", "field": "document_id"}}},
    ]
    # '' is read as null by staging: required only where the document was read
    assert column_tests(DOCUMENTS.column("sha256")) == [{"not_null": {"config": {"where": "status <> 'failed'"}}}]
    assert column_tests(DOCUMENTS.column("layout")) == []


def test_sources_carry_types_asset_keys_and_staging_hints() -> None:
    [raw] = sources()["sources"]
    projects = next(table for table in raw["tables"] if table["name"] == "projects")
    assert projects["config"]["meta"]["dagster"]["asset_key"] == ["raw", "projects"]
    spend_plan = next(column for column in projects["columns"] if column["name"] == "spend_plan")
    assert spend_plan["data_type"] == "VARCHAR"
    assert spend_plan["meta"] == {"staged_type": "JSON"}
    models = [model["name"] for model in staging()["models"]]
    assert models == ["stg_documents", "stg_projects", "stg_indicators", "stg_ingest_errors", "stg_department_targets"]


def test_an_older_warehouse_gains_a_declared_column() -> None:
    """A warehouse made before value_parse_note existed gets the column, empty, on the next load."""
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE TABLE raw.indicators (indicator_id VARCHAR)")
        con.execute("INSERT INTO raw.indicators VALUES ('d1-p001-r001')")
        ensure_raw_tables(con)
        found = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = 'indicators' ORDER BY ordinal_position"
        ).fetchall()
        assert [name for name, _ in found] == [column.name for column in INDICATORS.columns]
        assert ("value_parse_note", "VARCHAR") in found
        assert con.execute("SELECT value_parse_note FROM raw.indicators").fetchall() == [(None,)]
    finally:
        con.close()
