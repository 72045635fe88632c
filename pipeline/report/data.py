"""What the report shows, read from the analyst marts (``mart_*``) one town at a time.

Under the warehouse lock the marts' rows are copied, unsorted, to Parquet files in a temporary
folder (DuckDB streams them: no Python rows, no sort), each row tagged with its town's *chunk*:
the towns in order, cut into runs of about ``CHUNK_ROWS`` indicators. The loader and dbt wait
only for that copy. The chunks are then read back one at a time, each sorted by town on its own,
and handed out town by town: memory holds one chunk's sort and one town's rows, never the whole
warehouse (at 10 000 documents, every indicator as a Python row took 3.4 GiB, and DuckDB sorting
all of them at once 1.3 GiB).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, Final

import duckdb

from pipeline.load.warehouse import warehouse_lock

SUBSTANTIVE: Final = "substantive"
"""The severity of a flag that says a target is wrong, not merely vague or undocumented (``formal``)."""
FLAGS_SQL: Final = "select name, severity, rule from main.quality_flags order by position"
"""The quality flags as the seed ``quality_flags`` lists them (dbt_project/seeds/quality_flags.csv)."""


@dataclass(frozen=True)
class QualityFlag:
    """One flag of mart_indicator_quality: ``backwards``, ``substantive``, its rule in words."""

    name: str
    severity: str
    rule: str


@dataclass(frozen=True)
class Flags:
    """The flags in the seed's order, read once from the warehouse."""

    all: tuple[QualityFlag, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(flag.name for flag in self.all)

    @property
    def substantive(self) -> tuple[str, ...]:
        return tuple(flag.name for flag in self.all if flag.severity == SUBSTANTIVE)

    @property
    def formal(self) -> tuple[str, ...]:
        return tuple(flag.name for flag in self.all if flag.severity != SUBSTANTIVE)


def read_flags(warehouse: Path) -> Flags:
    """The quality flags of the warehouse's seed table, in order."""
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            rows = con.execute(FLAGS_SQL).fetchall()
        finally:
            con.close()
    return Flags(tuple(QualityFlag(name, severity, rule) for name, severity, rule in rows))

Row = dict[str, Any]
PROSE_MARK: Final = "文字·"
"""Put before the name of a project read from prose (first, so a shortened label keeps it)."""


def project_title(project: Row) -> str:
    """A project's name as the report shows it: a project read from prose says so (its table, if
    any, is another row with the same name and the targets of the table)."""
    name = project["project_name"] or "—"
    return f"{PROSE_MARK}{name}" if project.get("source_kind") == "prose" else name


TOWN_KEYS: Final = "coalesce(county, '') as county_key, coalesce(town, '') as town_key"
"""The towns' key as Python compares it (UTF-8 byte order is code-point order); unknown is ''."""
CHUNK_ROWS: Final = 100_000
"""Indicators per chunk of towns, about: what one chunk's sort holds (DuckDB: ~0.1 GB per 100 000)."""
CHUNK_SQL: Final = f"""
with weights as (
    select {TOWN_KEYS}, count(*) as indicators from main.mart_indicator_quality group by all
), towns as (
    select distinct {TOWN_KEYS} from main.mart_town_year
)
select county_key, town_key, (coalesce(sum(coalesce(indicators, 0)) over (
    order by county_key, town_key rows between unbounded preceding and 1 preceding
), 0) // $chunk_rows)::bigint as chunk
from towns left join weights using (county_key, town_key)
"""
"""Each town of mart_town_year and its chunk: the towns in order, a new chunk every ``$chunk_rows`` indicators."""
INDICATOR_COLUMNS: Final = """
    indicator_id, project_id, county, town, fiscal_year, project_name, table_no, row_no,
    level1, level2, level3, value_text, basis, satisfaction_target_pct, flag_count, is_flagged,
    reason, source_file, source_line, source_page, {flags}
"""
"""The indicator columns the report reads; ``{flags}`` is one column per flag of ``Flags``."""
MARTS: Final = {
    "years": ("main.mart_town_year", "*", "fiscal_year"),
    "projects": ("main.mart_project_quality", "*", "fiscal_year, table_no"),
    "indicators": ("main.mart_indicator_quality", INDICATOR_COLUMNS, "fiscal_year, table_no, row_no"),
}
"""What the report reads: per mart, (table, columns, order within a town)."""

FETCH_ROWS: Final = 10_000
"""Rows fetched from the copy at a time."""
COPY_ROW_GROUP_ROWS: Final = 10_000
"""Rows per Parquet row group in the copy: each writer thread buffers one. With DuckDB's default
(122 880) the copy did not fit in 64 MB on a synthetic warehouse; with 10 000 it did."""
COPY_CONFIG: Final[dict[str, str | bool | int | float | list[str]]] = {
    "preserve_insertion_order": False,
    "memory_limit": "256MB",
}
"""The copy's DuckDB settings: rows in any order (they are tagged with their chunk), and a cap on
memory. The copy's working set is a few row groups; without the cap, the warehouse blocks it scanned
stay cached and grow with the marts. 64 MB was enough on a synthetic 2.7 M-indicator warehouse."""


def _chunked_copy_sql(table: str, columns: str) -> str:
    """The mart's rows with their town's chunk; rows of towns without a year row are left out."""
    return f"""
select mart.*, chunks.chunk
from (select {columns} from {table}) as mart
join ({CHUNK_SQL}) as chunks
    on chunks.county_key = coalesce(mart.county, '') and chunks.town_key = coalesce(mart.town, '')
"""


def _chunk_sql(order: str) -> str:
    """One chunk of a copy, in the order of the towns and then ``order``."""
    return f"""
select * exclude (chunk) from read_parquet($copy) where chunk = $chunk
order by coalesce(county, ''), coalesce(town, ''), {order}
"""


TownKey = tuple[str, str]


def town_key(row: Row) -> TownKey:
    return (row["county"] or "", row["town"] or "")


@dataclass(frozen=True)
class Town:
    """A town as the report names it: county + town, either possibly unknown."""

    county: str | None
    town: str | None

    @property
    def key(self) -> TownKey:
        return (self.county or "", self.town or "")

    @property
    def label(self) -> str:
        return f"{self.town or '(town unknown)'}（{self.county or 'county unknown'}）"


@dataclass(frozen=True)
class TownData(Town):
    """Everything one town's page needs; a town may have several fiscal years."""

    years: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class TownSummary(Town):
    """What the overview needs of a town: its years, and (name, value) points for the cross-town charts."""

    years: list[Row]
    scores: list[tuple[str | None, float]]
    """(project name, quality score) per project."""
    satisfaction: list[tuple[str | None, float]]
    """(project name, target %) per satisfaction target."""
    substantive: int
    """Targets flagged backwards, implausible, cost_mismatch or echo."""


def summary_of(town: TownData, flags: Flags) -> TownSummary:
    return TownSummary(
        county=town.county,
        town=town.town,
        years=town.years,
        scores=[(p["project_name"], p["quality_score"]) for p in town.projects],
        satisfaction=[
            (i["project_name"], i["satisfaction_target_pct"])
            for i in town.indicators
            if i["satisfaction_target_pct"] is not None
        ],
        substantive=sum(1 for i in town.indicators if any(i[kind] for kind in flags.substantive)),
    )


def _copy_marts(warehouse: Path, folder: Path, chunk_rows: int, flags: Flags) -> dict[str, Path]:
    """The report's mart rows, each with its town's chunk, as one unsorted Parquet file per mart (under the lock)."""
    copies = {name: folder / f"{name}.parquet" for name in MARTS}
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True, config=COPY_CONFIG)
        try:
            for name, (table, columns, _) in MARTS.items():
                target = copies[name].as_posix().replace("'", "''")
                sql = _chunked_copy_sql(table, columns.format(flags=", ".join(flags.names)))
                options = f"FORMAT parquet, ROW_GROUP_SIZE {COPY_ROW_GROUP_ROWS}"
                con.execute(f"COPY ({sql}) TO '{target}' ({options})", {"chunk_rows": chunk_rows})
        finally:
            con.close()
    return copies


def _chunk_count(cursor: duckdb.DuckDBPyConnection, copies: dict[str, Path]) -> int:
    found = cursor.execute("SELECT max(chunk) FROM read_parquet(?)", [str(copies["years"])]).fetchone()
    return 0 if found is None or found[0] is None else int(found[0]) + 1


def _rows(cursor: duckdb.DuckDBPyConnection, copy: Path, chunk: int, order: str) -> Iterator[Row]:
    """One chunk of the copy, ordered by town, as dicts, ``FETCH_ROWS`` at a time."""
    cursor.execute(_chunk_sql(order), {"copy": str(copy), "chunk": chunk})
    names = [column[0] for column in cursor.description]
    while rows := cursor.fetchmany(FETCH_ROWS):
        for values in rows:
            yield dict(zip(names, values, strict=True))


def grouped_by_town(rows: Iterator[Row]) -> Iterator[tuple[TownKey, list[Row]]]:
    """Consecutive rows of the same town, grouped (the rows come ordered by town)."""
    return ((key, list(group)) for key, group in groupby(rows, key=town_key))


class TownGroups:
    """An ordered stream of town groups, taken town by town in the same order.

    Groups of towns that are never asked for (no year row) are passed over.
    """

    def __init__(self, groups: Iterator[tuple[TownKey, list[Row]]]) -> None:
        self._groups = groups
        self._head: tuple[TownKey, list[Row]] | None = None
        """The next group, read only when asked for: one town's rows in memory at a time."""

    def _peek(self) -> tuple[TownKey, list[Row]] | None:
        if self._head is None:
            self._head = next(self._groups, None)
        return self._head

    def take(self, key: TownKey) -> list[Row]:
        """The rows of ``key``; none when the stream has no group for it."""
        head = self._peek()
        while head is not None and head[0] < key:
            self._head = None
            head = self._peek()
        if head is None or head[0] != key:
            return []
        self._head = None
        return head[1]


def _chunk_towns(con: duckdb.DuckDBPyConnection, copies: dict[str, Path], chunk: int) -> Iterator[TownData]:
    """The towns of one chunk, in order, each with its rows."""
    years, projects, indicators = (
        grouped_by_town(_rows(con.cursor(), copies[name], chunk, order)) for name, (_, _, order) in MARTS.items()
    )
    town_projects, town_indicators = TownGroups(projects), TownGroups(indicators)
    for key, town_years in years:
        first = town_years[0]
        yield TownData(
            county=first["county"],
            town=first["town"],
            years=town_years,
            projects=town_projects.take(key),
            indicators=town_indicators.take(key),
        )


def _towns(copies: dict[str, Path]) -> Iterator[TownData]:
    con = duckdb.connect()
    try:
        for chunk in range(_chunk_count(con, copies)):
            yield from _chunk_towns(con, copies, chunk)
    finally:
        con.close()


@contextmanager
def towns_of(warehouse: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Iterator[TownData]]:
    """The warehouse's towns one at a time, ordered by (county, town), each with all its rows.

    A town is a row of mart_town_year; projects and indicators of a town without one are left out.
    ``chunk_rows`` bounds what is sorted at once (a town larger than it is a chunk of its own).
    """
    with tempfile.TemporaryDirectory(prefix="jixiao-report-") as folder:
        yield _towns(_copy_marts(warehouse, Path(folder), chunk_rows, read_flags(warehouse)))
