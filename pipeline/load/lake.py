"""Parsed frames as Parquet files, one per document and raw table, so parsing can run anywhere.

``write_document`` puts a document's frames at ``<warehouse dir>/lake/<table>/<document_id>.parquet``
(next to the DuckDB file; on Kubernetes, a volume every pod mounts). ``load_raw_from_lake``
rebuilds the warehouse's ``raw`` tables from those files with DuckDB's ``read_parquet``, in one
transaction under the warehouse lock: the executor that parsed a document need not be the one
that writes the warehouse. Both paths give the same raw tables (``tests/load/test_lake.py``).
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Final

import polars as pl

from pipeline.load.warehouse import RAW_SCHEMA, RAW_TABLES, ensure_raw_tables, writer
from pipeline.parse.frames import BatchFrames, DocumentFrames, document_id

LAKE_FOLDER: Final = "lake"
DISK_FULL: Final = frozenset({errno.ENOSPC, errno.EDQUOT})


def lake_dir(warehouse: Path) -> Path:
    return warehouse.parent / LAKE_FOLDER


def in_lake(lake: Path, source_file: str, status: str) -> bool:
    """Whether the lake holds the document a warehouse row says is loaded (a withdrawn one needs nothing).

    One stat per document: a run that sees a document unchanged in DuckDB but missing here
    parses it again, so a lake left short (a run killed after a commit, before this fix) heals.
    """
    return status == "withdrawn" or (lake / "documents" / f"{document_id(source_file)}.parquet").exists()


class LakeWriteError(OSError):
    """A lake file could not be written: said in words (a full disk above all), not as a Parquet error."""


def _write_atomically(frame: pl.DataFrame, target: Path) -> None:
    """Write beside the target and rename, so a reader never sees half a file.

    The Parquet bytes are made in memory and written by Python, so a full disk is reported as one
    (``ENOSPC``) instead of as polars' "parquet: File out of specification: Invalid thrift".
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(buffer.getbuffer())
        partial.replace(target)
    except OSError as err:
        partial.unlink(missing_ok=True)
        if err.errno in DISK_FULL:
            raise LakeWriteError(
                f"the disk is full: could not write {target}. Free space there and run again; "
                "this batch was not loaded into DuckDB either."
            ) from err
        raise LakeWriteError(f"could not write {target}: {err}") from err


def write_document(lake: Path, frames: DocumentFrames) -> None:
    """Replace the document's Parquet file in every raw table folder (empty frames too: they delete).

    A withdrawn document keeps its files; only the status and time in its documents row change,
    as ``pipeline.load.warehouse.mark_withdrawn`` does in DuckDB.
    """
    doc_id = document_id(frames.source_file)
    if frames.withdrawn:
        existing = lake / "documents" / f"{doc_id}.parquet"
        if existing.exists():
            withdrawn_at = frames.documents["loaded_at"][0]
            updated = pl.read_parquet(existing).with_columns(
                pl.lit("withdrawn").alias("status"),
                pl.lit(withdrawn_at, dtype=RAW_TABLES["documents"]["loaded_at"]).alias("loaded_at"),
            )
            _write_atomically(updated, existing)
        return
    for table, frame in frames.tables().items():
        _write_atomically(frame, lake / table / f"{doc_id}.parquet")


def write_batch(lake: Path, batch: BatchFrames) -> None:
    """``write_document`` for every document of a parsed batch (its frames cut per document)."""
    for frames in batch.split():
        write_document(lake, frames)


def load_raw_from_lake(warehouse: Path, lake: Path | None = None) -> dict[str, int]:
    """Make the warehouse's raw tables exactly what the lake holds; rows per table."""
    lake = lake or lake_dir(warehouse)
    counts = {}
    with writer(warehouse) as con:
        ensure_raw_tables(con)
        con.execute("BEGIN TRANSACTION")
        try:
            for table in RAW_TABLES:
                con.execute(f"DELETE FROM {RAW_SCHEMA}.{table}")
                folder = lake / table
                if folder.is_dir() and any(folder.glob("*.parquet")):
                    pattern = str(folder / "*.parquet").replace("'", "''")
                    con.execute(
                        f"INSERT INTO {RAW_SCHEMA}.{table} BY NAME "
                        f"SELECT * FROM read_parquet('{pattern}', union_by_name = true)"
                    )
                found = con.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.{table}").fetchone()
                counts[table] = int(found[0]) if found else 0
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return counts
