"""dbt's view of the raw tables, written from their declarations before every dbt use.

``write_dbt_files(models_dir)`` writes three files into ``models/generated/`` of the dbt project
(git ignores them; ``pipeline.defs.dbt_project.prepare_manifest`` writes them before ``dbt
parse``, and so before ``make test``, ``make run`` and the Dagster assets):

- ``sources.yml`` — the ``raw`` source: every table and column with its DuckDB type and
  description, its Dagster asset key, and the staging hints (``meta.staged_type`` JSON for
  ``spend_plan``, ``meta.blank_is_null`` for ``sha256``) that the ``staged_columns`` macro reads
  to write each staging model's renames and casts;
- ``staging.yml`` — the ``stg_<table>`` models' descriptions and column tests: ``unique`` and
  ``not_null`` for a key, ``not_null`` for a required column (under ``where`` when the declaration
  says ``required_where``), ``accepted_values`` for a vocabulary, ``relationships`` for a reference;
- ``raw_columns.md`` — one ``{% docs raw_<table>__<column> %}`` block per column, which a mart
  passing the column through refers to (``description: "{{ doc('raw_indicators__value_kind') }}"``).

The files are JSON, which is YAML, so the contract needs no YAML library; they are rewritten only
when their text changes, atomically, so parallel test workers never read half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Final

from pipeline.contract.columns import Column, Table
from pipeline.contract.tables import RAW_SCHEMA, RAW_TABLES

GENERATED_DIR: Final = "generated"
HEADER: Final = "# Generated from pipeline/contract/tables.py by pipeline/contract/dbt.py; do not edit.\n"
DOCS_HEADER: Final = "{# Generated from pipeline/contract/tables.py by pipeline/contract/dbt.py; do not edit. #}\n"


def staging_model(table: str) -> str:
    """The staging model of a raw table: ``indicators`` → ``stg_indicators``."""
    return f"stg_{table}"


def doc_name(table: Table, column: Column) -> str:
    """The docs block of a raw column: ``raw_indicators__value_kind``."""
    return f"{RAW_SCHEMA}_{table.name}__{column.name}"


def _source_column(column: Column) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": column.name, "data_type": column.type.duckdb, "description": column.description}
    meta = {"staged_type": column.staged_type, "blank_is_null": column.blank_is_null or None}
    if any(meta.values()):
        entry["meta"] = {name: value for name, value in meta.items() if value}
    if column.key:
        entry["data_tests"] = ["unique", "not_null"]
    return entry


def sources(tables: tuple[Table, ...] = RAW_TABLES) -> dict[str, Any]:
    """The ``raw`` source of dbt, one table per declaration."""
    return {
        "version": 2,
        "sources": [
            {
                "name": RAW_SCHEMA,
                "description": "Documents, project tables and indicator rows as extracted from the files in the "
                "raw folder, plus one row per failure. Written only by the Python loader "
                "(pipeline/load/warehouse.py), one document's rows replaced together, keyed by source_file.",
                "schema": RAW_SCHEMA,
                "tables": [
                    {
                        "name": table.name,
                        "description": table.description,
                        "config": {"meta": {"dagster": {"asset_key": [RAW_SCHEMA, table.name]}}},
                        "columns": [_source_column(column) for column in table.columns],
                    }
                    for table in tables
                ],
            }
        ],
    }


def _not_null(column: Column) -> list[Any]:
    if column.required_where is not None:
        return [{"not_null": {"config": {"where": column.required_where}}}]
    required = not column.is_nullable and not column.blank_is_null
    return ["not_null"] if required else []


def column_tests(column: Column) -> list[Any]:
    """The dbt tests of a staged column, read from its declaration."""
    tests: list[Any] = ["unique"] if column.is_unique else []
    tests.extend(_not_null(column))
    if column.allowed is not None:
        tests.append({"accepted_values": {"arguments": {"values": list(column.allowed)}}})
    if column.references is not None:
        to = f"ref('{staging_model(column.references.table)}')"
        tests.append({"relationships": {"arguments": {"to": to, "field": column.references.column}}})
    return tests


def _staging_column(column: Column) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": column.name, "description": column.description}
    tests = column_tests(column)
    if tests:
        entry["data_tests"] = tests
    return entry


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def staging(tables: tuple[Table, ...] = RAW_TABLES) -> dict[str, Any]:
    """The staging models' properties: each raw table renamed and cast, nothing else."""
    return {
        "version": 2,
        "models": [
            {
                "name": staging_model(table.name),
                "description": f"Grain: {_lower_first(table.description)} raw.{table.name} with columns cast to "
                "their contract types; no filtering, no logic.",
                "columns": [_staging_column(column) for column in table.columns],
            }
            for table in tables
        ],
    }


def docs_blocks(tables: tuple[Table, ...] = RAW_TABLES) -> str:
    """One ``{% docs %}`` block per raw column, for the marts that pass the column through."""
    blocks = [
        f"{{% docs {doc_name(table, column)} %}}{column.description}{{% enddocs %}}\n"
        for table in tables
        for column in table.columns
    ]
    return DOCS_HEADER + "".join(blocks)


def _yaml(document: dict[str, Any]) -> str:
    return HEADER + json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def generated_files() -> dict[str, str]:
    """File name (in ``models/generated``) → text."""
    return {"sources.yml": _yaml(sources()), "staging.yml": _yaml(staging()), "raw_columns.md": docs_blocks()}


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def write_dbt_files(models_dir: Path) -> Path:
    """Write the generated files under ``models_dir/generated``; returns that folder."""
    folder = models_dir / GENERATED_DIR
    for name, text in generated_files().items():
        _write_if_changed(folder / name, text)
    return folder
