"""Open readers never break a run: a writer waits for another program's connection, then says why it gave up."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.load.readers import READER_WAIT_ENV, WarehouseBusyError, connect_waiting, holder_of
from pipeline.load.warehouse import WRITER_ROW_GROUP_ROWS, writer
from tests.reader_process import hold_open


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select 1 as x")
    return path


@pytest.mark.parametrize("row_group_rows", [None, WRITER_ROW_GROUP_ROWS])
def test_a_writer_waits_for_a_reader_to_close_and_says_who_holds_the_file(
    warehouse: Path, caplog: pytest.LogCaptureFixture, row_group_rows: int | None
) -> None:
    reader = hold_open(warehouse, 2)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="jixiao"):
        con = connect_waiting(warehouse, read_only=False, row_group_rows=row_group_rows)
    con.execute("insert into t values (2)")
    con.close()
    reader.wait()
    assert time.monotonic() - started >= 1  # it waited for the reader instead of failing
    assert [r.getMessage() for r in caplog.records if "is open in another program" in r.getMessage()]
    assert f"(PID {reader.pid})" in caplog.text


def test_a_reader_held_past_the_limit_stops_the_writer_with_what_to_do(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(READER_WAIT_ENV, "1")
    reader = hold_open(warehouse, 30)
    try:
        with pytest.raises(WarehouseBusyError, match=rf"stayed open in another program .*PID {reader.pid}.*close that connection"):
            connect_waiting(warehouse, read_only=False)
    finally:
        reader.kill()
        reader.wait()


def test_other_errors_are_not_waited_for(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a database at all" * 100)
    started = time.monotonic()
    with pytest.raises(duckdb.Error):
        connect_waiting(damaged, read_only=False)
    assert time.monotonic() - started < 1


def test_holder_is_read_from_duckdbs_message() -> None:
    message = (
        'IO Error: Could not set lock on file "/d/w.duckdb": Conflicting lock is held in /usr/bin/python3.11 '
        "(PID 4242). However, you would be able to open this database in read-only mode"
    )
    assert holder_of(duckdb.IOException(message)) == "/usr/bin/python3.11 (PID 4242)"
    assert holder_of(duckdb.IOException("IO Error: No space left on device")) is None


def test_the_loader_writes_small_row_groups_into_the_same_catalog(warehouse: Path) -> None:
    """What the loader writes is kept in row groups of ``WRITER_ROW_GROUP_ROWS`` (its memory per
    load follows their size), under the catalog name a plain ``duckdb.connect`` gives the file."""
    rows = 3 * WRITER_ROW_GROUP_ROWS
    with writer(warehouse) as con:
        assert con.execute("select current_database()").fetchall() == [("w",)]
        con.execute(f"create table big as select range as i from range({rows})")
        con.execute("insert into t values (2)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (groups,) = con.execute("select count(distinct row_group_id) from pragma_storage_info('big')").fetchall()
        assert groups[0] == 3  # DuckDB's default row groups (122 880 rows) would hold them in one
        assert con.execute("select x from w.main.t order by x").fetchall() == [(1,), (2,)]
