"""Loading a document's frames into the DuckDB ``raw`` schema: one document, one transaction.

DuckDB allows one writer per file, and Dagster may run documents in parallel processes, so every
write goes through ``writer()``, which holds an exclusive file lock beside the database for the
length of the transaction. A document's rows in every raw table are deleted and inserted in the
same transaction, keyed by ``source_file``: a re-run replaces exactly that document, and a crash
mid-load leaves the previous state (DuckDB rolls back an uncommitted transaction on reopen).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import duckdb
import polars as pl
from filelock import FileLock

from pipeline.normalise.frames import (
    DEPARTMENT_TARGET_SCHEMA,
    DOCUMENT_SCHEMA,
    ERROR_SCHEMA,
    INDICATOR_SCHEMA,
    PROJECT_SCHEMA,
    DocumentFrames,
    FrameSchema,
)

RAW_SCHEMA: Final = "raw"
LOCK_TIMEOUT_SECONDS: Final = 600
RAW_TABLES: Final[dict[str, FrameSchema]] = {
    "documents": DOCUMENT_SCHEMA,
    "projects": PROJECT_SCHEMA,
    "indicators": INDICATOR_SCHEMA,
    "ingest_errors": ERROR_SCHEMA,
    "department_targets": DEPARTMENT_TARGET_SCHEMA,
}
LOAD_HISTORY_DDL: Final = f"""
CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.load_history (
    source_file VARCHAR, sha256 VARCHAR, parser_version VARCHAR, status VARCHAR,
    project_count INTEGER, indicator_count INTEGER, loaded_at TIMESTAMP
)"""
"""Every load of every document, appended: counts of the same bytes must not change between loads."""
_DUCKDB_TYPES: Final[dict[type[pl.DataType], str]] = {
    pl.String: "VARCHAR",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Date: "DATE",
    pl.Datetime: "TIMESTAMP",
    pl.Boolean: "BOOLEAN",
}


def _duckdb_type(dtype: pl.DataType | type[pl.DataType]) -> str:
    base = dtype if isinstance(dtype, type) else type(dtype)
    return _DUCKDB_TYPES[base]


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def warehouse_lock(warehouse: Path) -> Iterator[None]:
    """Exclusive right to write the warehouse file, across processes (loaders and dbt alike)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(warehouse)), timeout=LOCK_TIMEOUT_SECONDS):
        yield


@contextmanager
def writer(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one connection allowed to write, held under the warehouse lock until closed."""
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse))
        try:
            yield con
        finally:
            con.close()


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables, and add columns a newer parser writes to tables an older one made."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(LOAD_HISTORY_DDL)
    for table, schema in RAW_TABLES.items():
        columns = ", ".join(f'"{name}" {_duckdb_type(dtype)}' for name, dtype in schema.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table} ({columns})")
        existing = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                [RAW_SCHEMA, table],
            ).fetchall()
        }
        for name, dtype in schema.items():
            if name not in existing:
                con.execute(f'ALTER TABLE {RAW_SCHEMA}.{table} ADD COLUMN "{name}" {_duckdb_type(dtype)}')


def _frames_by_table(frames: DocumentFrames) -> dict[str, pl.DataFrame]:
    return {
        "documents": frames.documents,
        "projects": frames.projects,
        "indicators": frames.indicators,
        "ingest_errors": frames.errors,
        "department_targets": frames.department_targets,
    }


def _record_load(con: duckdb.DuckDBPyConnection, documents: pl.DataFrame) -> None:
    """Append what this load brought, so counts can be compared across loads of the same bytes."""
    con.register("loaded_document", documents.to_arrow())
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.load_history
        SELECT source_file, sha256, parser_version, status, project_count, indicator_count, loaded_at
        FROM loaded_document"""
    )
    con.unregister("loaded_document")


def rows_of(frames: DocumentFrames, table: str) -> int:
    """How many rows a document brings to one raw table."""
    return _frames_by_table(frames)[table].height


def replace_document(con: duckdb.DuckDBPyConnection, frames: DocumentFrames) -> None:
    """Delete a document's rows from every raw table and insert its new ones, atomically."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in _frames_by_table(frames).items():
            con.execute(f"DELETE FROM {RAW_SCHEMA}.{table} WHERE source_file = ?", [frames.source_file])
            if frame.height:
                con.register("incoming", frame.to_arrow())
                con.execute(f"INSERT INTO {RAW_SCHEMA}.{table} BY NAME SELECT * FROM incoming")
                con.unregister("incoming")
        _record_load(con, frames.documents)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def prepare_raw_layer(warehouse: Path) -> None:
    """Create the raw tables if missing, so dbt builds (empty marts) even before any document loads."""
    with writer(warehouse) as con:
        ensure_raw_tables(con)


def mark_withdrawn(con: duckdb.DuckDBPyConnection, source_file: str, withdrawn_at: object) -> None:
    """Keep a deleted file's rows as history; only its status changes, so marts leave it out."""
    con.execute(
        f"UPDATE {RAW_SCHEMA}.documents SET status = 'withdrawn', loaded_at = ? WHERE source_file = ?",
        [withdrawn_at, source_file],
    )


def load_document(warehouse: Path, frames: DocumentFrames) -> None:
    """Load one document's frames, replacing whatever an earlier run loaded for the same file."""
    with writer(warehouse) as con:
        ensure_raw_tables(con)
        if frames.withdrawn:
            mark_withdrawn(con, frames.source_file, frames.documents["loaded_at"][0])
        else:
            replace_document(con, frames)


@contextmanager
def reader(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection taken between writes (DuckDB refuses readers while a process writes)."""
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            yield con
        finally:
            con.close()


def loaded_version(warehouse: Path, source_file: str) -> tuple[str, str] | None:
    """(sha256, parser_version) of what is loaded for a file, or None if nothing is."""
    if not warehouse.exists():
        return None
    with writer(warehouse) as con:
        ensure_raw_tables(con)
        found = con.execute(
            f"SELECT sha256, parser_version FROM {RAW_SCHEMA}.documents WHERE source_file = ? AND status <> 'withdrawn'",
            [source_file],
        ).fetchone()
    return (str(found[0]), str(found[1])) if found else None
