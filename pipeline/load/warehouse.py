"""Loading documents' frames into the DuckDB ``raw`` schema: each document replaced atomically.

DuckDB allows one writer per file, and Dagster may run documents in parallel processes, so every
write goes through ``writer()``, which holds an exclusive file lock beside the database for the
length of the transaction. A document's rows in every raw table are deleted and inserted in the
same transaction, keyed by ``source_file``: a re-run replaces exactly that document, and a crash
mid-load leaves the previous state (DuckDB rolls back an uncommitted transaction on reopen).
Many documents load as a batch (``load_documents``): one transaction and one insert per raw table
for the batch — the batch's frames as the parser's batch check built them (one frame per raw
table), or documents' own frames put together — falling back to one transaction per document
when the batch fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Final

import duckdb
import polars as pl
from filelock import FileLock

from pipeline.contract import tables
from pipeline.contract.columns import Table
from pipeline.contract.tables import RAW_SCHEMA as RAW_SCHEMA
from pipeline.load.readers import connect_waiting
from pipeline.parse.frames import SOURCE_KEY, BatchFrames, DocumentFrames, FrameSchema

LOCK_TIMEOUT_SECONDS: Final = 600
RAW_TABLES: Final[dict[str, FrameSchema]] = {table.name: table.polars_schema() for table in tables.RAW_TABLES}
"""Raw table → its frames' schema, as declared in ``pipeline.contract.tables``."""
LOAD_HISTORY_DDL: Final = f"""
CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.load_history (
    source_file VARCHAR, sha256 VARCHAR, parser_version VARCHAR, status VARCHAR,
    project_count INTEGER, indicator_count INTEGER, loaded_at TIMESTAMP
)"""
"""Every load of every document, appended: counts of the same bytes must not change between loads."""


class WarehouseUnreadableError(RuntimeError):
    """The DuckDB file cannot be opened or read: said plainly, with what to do, instead of a traceback."""


def unreadable(warehouse: Path, err: duckdb.Error) -> WarehouseUnreadableError:
    return WarehouseUnreadableError(
        f"the warehouse {warehouse} cannot be read or written ({type(err).__name__}: {err}). If the disk is full, "
        "free space and run again. If the file is truncated or damaged (a full disk earlier, a copy cut short), "
        "move it aside and run again: it is rebuilt from the raw folder (or from the Parquet lake beside it with "
        "pipeline.load.lake.load_raw_from_lake)."
    )


WRITER_ROW_GROUP_ROWS: Final = 16_384
"""Rows of a row group in what the loader writes (DuckDB's default: 122 880).

Each batch load appends to the raw tables' last row groups, and the load that fills one costs
memory with the row group's size: loading batches of 100 of the national mix's documents into
a growing warehouse, the loader's resident memory rose for that one load by up to 180 MiB with
the default (at every ~2 200 documents, once raw.indicators had 2–3 full row groups), against
at most 64 MiB with 16 384 rows; every other load, +15–30 MiB with the default and +40–50 MiB
with 16 384 (bench/results.md).
The peak of a run therefore grew from 1 000 to 10 000 documents. Smaller row groups cost a
little compression and zone-map granularity, which the marts' scans of a few million rows do not
notice."""


@contextmanager
def _connection(
    warehouse: Path, read_only: bool, row_group_rows: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose IO errors (a truncated file, a full disk) become ``WarehouseUnreadableError``;
    one another program holds open is waited for (``pipeline.load.readers``)."""
    try:
        con = connect_waiting(warehouse, read_only, row_group_rows)
    except duckdb.IOException as err:
        raise unreadable(warehouse, err) from err
    try:
        yield con
    except duckdb.IOException as err:
        raise unreadable(warehouse, err) from err
    finally:
        con.close()


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
    with warehouse_lock(warehouse), _connection(warehouse, read_only=False, row_group_rows=WRITER_ROW_GROUP_ROWS) as con:
        yield con


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables, and add columns a newer parser writes to tables an older one made."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    con.execute(LOAD_HISTORY_DDL)
    for table in tables.RAW_TABLES:
        _ensure_table(con, table)


def raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """The columns the warehouse's raw ``table`` has (none when it has no such table)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
        [RAW_SCHEMA, table],
    ).fetchall()
    return {str(row[0]) for row in rows}


def _ensure_table(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """``CREATE TABLE raw.indicators ("indicator_id" VARCHAR, …)`` from the declaration, then
    ``ALTER TABLE … ADD COLUMN`` for each declared column an older warehouse lacks."""
    columns = ", ".join(f'"{column.name}" {column.type.duckdb}' for column in table.columns)
    con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table.name} ({columns})")
    existing = raw_columns(con, table.name)
    for column in table.columns:
        if column.name not in existing:
            con.execute(f'ALTER TABLE {RAW_SCHEMA}.{table.name} ADD COLUMN "{column.name}" {column.type.duckdb}')


def _record_load(con: duckdb.DuckDBPyConnection, documents: pl.DataFrame) -> None:
    """Append what this load brought, so counts can be compared across loads of the same bytes."""
    con.register("loaded_document", documents.to_arrow())
    con.execute(
        f"""INSERT INTO {RAW_SCHEMA}.load_history
        SELECT source_file, sha256, parser_version, status, project_count, indicator_count, loaded_at
        FROM loaded_document"""
    )
    con.unregister("loaded_document")


def _holds_any(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether raw.documents holds any of ``incoming_files``.

    Every load writes a documents row with the file's other rows, so a file it does not hold has
    no rows anywhere: a first load of new files skips the DELETEs, which scan the raw tables and
    whose buffers grow with the warehouse (bench/results.md).
    """
    (found,) = con.execute(  # fetchall: a result left unfetched blocks this connection's next statement
        f"SELECT count(*) FROM {RAW_SCHEMA}.documents WHERE source_file IN (SELECT source_file FROM incoming_files)"
    ).fetchall()
    return bool(found[0])


def _replace_documents(con: duckdb.DuckDBPyConnection, batch: BatchFrames) -> None:
    """Replace (or mark withdrawn) every document of the batch in one transaction.

    One DELETE and one INSERT per raw table for the whole batch, never row by row: each raw
    table's frame of the batch is inserted from Arrow.
    """
    documents = batch.documents.select(SOURCE_KEY, "loaded_at").iter_rows()
    withdrawn_at = {name: at for name, at in documents if name in batch.withdrawn}
    replaced = batch.only(frozenset(batch.source_files) - batch.withdrawn) if batch.withdrawn else batch
    con.execute("BEGIN TRANSACTION")
    try:
        for source_file, at in withdrawn_at.items():
            mark_withdrawn(con, source_file, at)
        if replaced.source_files:
            con.register("incoming_files", pl.DataFrame({SOURCE_KEY: list(replaced.source_files)}).to_arrow())
            held = _holds_any(con)
            for table, frame in replaced.tables().items():
                if held:
                    con.execute(
                        f"DELETE FROM {RAW_SCHEMA}.{table} WHERE source_file IN (SELECT source_file FROM incoming_files)"
                    )
                if frame.height:
                    con.register("incoming", frame.to_arrow())
                    con.execute(f"INSERT INTO {RAW_SCHEMA}.{table} BY NAME SELECT * FROM incoming")
                    con.unregister("incoming")
            con.unregister("incoming_files")
            _record_load(con, replaced.documents)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def prepare_raw_layer(warehouse: Path) -> int:
    """Create the raw tables if missing, so dbt builds (empty marts) even before any document loads;
    the rows ``raw.indicators`` holds, which the marts' joins grow with."""
    with writer(warehouse) as con:
        ensure_raw_tables(con)
        counted = con.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.indicators").fetchone()
    return int(counted[0]) if counted else 0


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
        _replace_documents(con, BatchFrames.of([frames]))


def _one_by_one(batch: BatchFrames | Sequence[DocumentFrames]) -> Iterator[tuple[str, Callable[[], BatchFrames]]]:
    """Each document of the batch as a batch of its own (built when loaded: building may fail too)."""
    if isinstance(batch, BatchFrames):
        for source_file in batch.source_files:
            yield source_file, partial(batch.only, frozenset({source_file}))
    else:
        for frames in batch:
            yield frames.source_file, partial(BatchFrames.of, [frames])


def load_documents(warehouse: Path, batch: BatchFrames | Sequence[DocumentFrames]) -> dict[str, Exception]:
    """Load a batch of documents under one lock, in one transaction; what could not be loaded, by file.

    The batch is the parser's (``pipeline.parse.checks.checked_batch``: one frame per raw table)
    or documents' own frames (``parse_document``'s), put together here. If the batch transaction
    fails, it is rolled back and every document is loaded again in its own transaction: one bad
    document never costs the others, and each replace stays atomic.
    """
    failed: dict[str, Exception] = {}
    with writer(warehouse) as con:
        ensure_raw_tables(con)
        try:
            _replace_documents(con, batch if isinstance(batch, BatchFrames) else BatchFrames.of(batch))
        except Exception:
            for source_file, alone in _one_by_one(batch):
                try:
                    _replace_documents(con, alone())
                except Exception as err:
                    failed[source_file] = err
    return failed


@contextmanager
def reader(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection taken between writes (DuckDB refuses readers while a process writes)."""
    with warehouse_lock(warehouse), _connection(warehouse, read_only=True) as con:
        yield con


