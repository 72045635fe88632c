"""Open readers never break a run: a connection another program holds on the warehouse is waited for.

DuckDB lets one process write a file, and while any other process has it open — an analyst's
notebook with ``duckdb.connect(path, read_only=True)``, DBeaver, ``jixiao sql`` — it refuses to
open it for writing ("Could not set lock on file … Conflicting lock is held in … (PID 4242)"), and
while a process writes, it refuses readers. The design chosen: the run **waits with back-off**
(1 s, doubling, at most 30 s between tries) and says, once and then every minute, which program
holds the file and what to do; after ``JIXIAO_READER_WAIT_SECONDS`` (default 3600) it gives up
with ``WarehouseBusyError``, which ``jixiao run`` reports in one line (exit code 2). Building into
a new file and swapping it in was not chosen: a reader holding the old file open would keep a
deleted file's space and read stale data without knowing, and dbt builds in place.

The messages go to the ``jixiao`` logger, which the command line shows on the terminal even while
Dagster's and dbt's logs go to the log file.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Final

import duckdb

READER_WAIT_ENV: Final = "JIXIAO_READER_WAIT_SECONDS"
DEFAULT_READER_WAIT_SECONDS: Final = 3600.0
FIRST_PAUSE_SECONDS: Final = 1.0
LONGEST_PAUSE_SECONDS: Final = 30.0
SAY_AGAIN_AFTER_SECONDS: Final = 60.0
HELD_ELSEWHERE: Final = re.compile(
    r"Could not set lock on file .*?Conflicting lock is held in (?P<holder>.*?)\.?(?: However|$)", re.S
)
"""DuckDB's message when another process has the file open: ``… is held in /usr/bin/python3 (PID 4242).``"""

log = logging.getLogger("jixiao.warehouse")


class WarehouseBusyError(RuntimeError):
    """Another program kept the warehouse open for longer than the run was told to wait."""


def holder_of(err: duckdb.Error) -> str | None:
    """The program and PID holding the file, when ``err`` says another process has it open."""
    found = HELD_ELSEWHERE.search(str(err))
    return found.group("holder").strip() if found else None


def reader_wait_seconds() -> float:
    value = os.environ.get(READER_WAIT_ENV, "").strip()
    return float(value) if value else DEFAULT_READER_WAIT_SECONDS


def _quoted(name: str, quote: str) -> str:
    return quote + name.replace(quote, quote * 2) + quote


def open_file(warehouse: Path, read_only: bool, row_group_rows: int | None) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect(warehouse)``; with ``row_group_rows``, the file attached with that row group size.

    The row group size is not stored in the file: it holds for what this connection writes. The
    catalog is named after the file's stem, as ``duckdb.connect`` names it (``jixiao.duckdb`` →
    ``jixiao``), and made the default, so queries read the same either way.
    """
    if row_group_rows is None:
        return duckdb.connect(str(warehouse), read_only=read_only)
    con = duckdb.connect()
    try:
        options = ("READ_ONLY, " if read_only else "") + f"ROW_GROUP_SIZE {int(row_group_rows)}"
        catalog = _quoted(warehouse.stem, '"')
        con.execute(f"ATTACH {_quoted(str(warehouse), chr(39))} AS {catalog} ({options})")
        con.execute(f"USE {catalog}")
    except BaseException:
        con.close()
        raise
    return con


def connect_waiting(
    warehouse: Path, read_only: bool, row_group_rows: int | None = None
) -> duckdb.DuckDBPyConnection:
    """``open_file``, waiting while another program holds the file (see the module docstring).

    Any other error (a truncated file, a full disk) is raised at once, as ``duckdb.connect`` raises it.
    """
    limit = reader_wait_seconds()
    started = time.monotonic()
    pause = FIRST_PAUSE_SECONDS
    said_at: float | None = None
    while True:
        try:
            return open_file(warehouse, read_only, row_group_rows)
        except duckdb.IOException as err:
            holder = holder_of(err)
            waited = time.monotonic() - started
            if holder is None:
                raise
            if waited >= limit:
                raise WarehouseBusyError(
                    f"the warehouse {warehouse} stayed open in another program ({holder}) for {waited:.0f} s; "
                    f"close that connection (a notebook, a SQL client, jixiao sql) and run again, or wait longer "
                    f"with {READER_WAIT_ENV}"
                ) from err
            if said_at is None or waited - said_at >= SAY_AGAIN_AFTER_SECONDS:
                log.warning(
                    "the warehouse %s is open in another program (%s); waiting for it to close "
                    "(close that notebook or SQL client to go on; giving up after %.0f s)",
                    warehouse,
                    holder,
                    limit,
                )
                said_at = waited
            time.sleep(min(pause, max(limit - waited, 0.0)))
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
