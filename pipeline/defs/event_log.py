"""Dagster's on-disk SQLite event log, with each database's engine kept instead of made per event.

Dagster's ``SqliteEventLogStorage`` creates a SQLAlchemy engine, connects, compiles its INSERTs
and disposes of it all for every event it stores; when a changed document materialised 7 asset
partitions (before issue 22: now two events), that setup, not the writes, was most of ``make
run``'s bookkeeping (bench/results.md).
This storage keeps one engine per database (the cross-run index and the most recent runs), so
the connection pool and SQLAlchemy's compiled-statement cache work, and lets SQLite sync the WAL
at checkpoints only (``synchronous=NORMAL``): a power cut may lose the last events, never corrupt
the file — and the warehouse, not the event log, decides which documents are parsed again.
Everything else (schema, sharding by run, watching for the UI) is Dagster's own.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

import sqlalchemy as db
from dagster._config import Field, StringSource
from dagster._config.config_schema import UserConfigSchema
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine

RECENT_RUN_ENGINES: Final = 8
"""Run databases whose engines are kept open besides the index: a run writes to its own only, and a
long-lived process (the UI) that reads many runs must not hold a file open for each."""
SYNC_PRAGMA: Final = "PRAGMA synchronous=NORMAL"
DAGSTER_HOME: Final = "DAGSTER_HOME"
RUNS_SUBDIR: Final = ("history", "runs")
"""Where Dagster's default SQLite storage keeps event logs under $DAGSTER_HOME: history is kept."""


def default_base_dir() -> str:
    """The event-log folder of Dagster's default storage in the instance's home."""
    return os.path.join(os.environ[DAGSTER_HOME], *RUNS_SUBDIR)


def _relaxed_sync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(SYNC_PRAGMA)


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose engines live as long as the storage (see the module docstring).

    Configured in ``.dagster_home/dagster.yaml``; ``base_dir`` defaults to Dagster's own
    ``$DAGSTER_HOME/history/runs``, so switching to it keeps the run history.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> UserConfigSchema:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(  # type: ignore[override]  # Dagster's own signature is wider than its base's
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, str]
    ) -> KeptEngineSqliteEventLogStorage:
        return cls(config_value.get("base_dir") or default_base_dir(), inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made (and its database created) on first use; called under the lock."""
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        db.event.listen(engine, "connect", _relaxed_sync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        self._forget_old_runs()
        return engine

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        """One "materialisation planned" event per asset and run, naming its partitions as a set,
        instead of one per partition: a range run of 1000 documents would otherwise write 1000
        events before reading a file. What Dagster's ``DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS``
        switches on, here for every process that opens this instance — the daemon's sensor and
        schedule runs too. Its cost: the partitions of a run that fails are not marked failed (a
        document that cannot be read fails its ``readable`` check instead; the run does not fail)."""
        return True

    def _forget_old_runs(self) -> None:
        runs = [shard for shard in self._engines if shard != INDEX_SHARD_NAME]
        for shard in runs[: max(0, len(runs) - RECENT_RUN_ENGINES)]:
            self._engines.pop(shard).dispose()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # the run databases are deleted: no connection may stay open on them
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
