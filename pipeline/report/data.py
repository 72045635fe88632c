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
from pipeline.report.flags import Flag, flag_rules
from pipeline.report.labels import UNKNOWN_COUNTY, UNKNOWN_TOWN

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
    reason, source_file, source_line, source_page
"""
"""The columns of mart_indicator_quality the report shows, besides the flags (``flag_rules``)."""
MARTS: Final = {
    "years": ("main.mart_town_year", "fiscal_year"),
    "projects": ("main.mart_project_quality", "fiscal_year, table_no"),
    "indicators": ("main.mart_indicator_quality", "fiscal_year, table_no, row_no"),
}
"""What the report reads: per mart, (table, order within a town)."""
ATTENTION_SQL: Final = """
select documents.source_file, documents.status, documents.layout, documents.layout_confidence,
       documents.project_count, documents.indicator_count,
       errors.stage, errors.error_class, errors.message
from main.dim_document as documents
left join main.ingest_errors as errors
    on errors.document_id = documents.document_id and documents.status = 'failed'
where documents.status = 'failed' or (documents.status = 'loaded' and documents.low_confidence)
order by documents.status, documents.source_file, errors.recorded_at
"""
"""Documents a reader must know about: each failure (one row per ingest_errors row) and each
loaded document of low confidence (its rows should be checked against the file)."""
FETCH_ROWS: Final = 10_000
"""Rows fetched from the copy at a time."""
COPY_ROW_GROUP_ROWS: Final = 10_000
"""Rows per Parquet row group in the copy: each writer thread buffers one. With DuckDB's default
(122 880) the copy did not fit in 64 MB on a synthetic warehouse; with 10 000 it did."""
COPY_CONFIG: Final[dict[str, str | bool | int | float | list[str]]] = {
    "preserve_insertion_order": False,
    "memory_limit": "96MB",
}
"""The copy's DuckDB settings: rows in any order (they are tagged with their chunk), and a cap on
memory. The copy's working set is a few row groups; without the cap, the warehouse blocks it scanned
stay cached and grow with the marts. 64 MB was enough on a synthetic 2.7 M-indicator warehouse; at
the bench's 10 000 documents a 256 MB cap filled up (the report peaked at 366 MiB in a fresh
process), 96 MB gave 303 MiB in the same time (bench/results.md)."""


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
        return f"{self.town or UNKNOWN_TOWN}（{self.county or UNKNOWN_COUNTY}）"


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
    budget_counts: BudgetCounts
    scores: list[tuple[str | None, float]]
    """(project name, quality score) per project."""
    satisfaction: list[tuple[str | None, float]]
    """(project name, target %) per satisfaction target."""
    substantive: int
    """Targets flagged backwards, implausible, cost_mismatch or echo."""


BudgetCounts = dict[int | None, tuple[int, int]]
"""Per fiscal year: (projects that state no budget, projects)."""


def budget_counts(projects: list[Row]) -> BudgetCounts:
    """How many projects of each fiscal year state no budget, of how many (to tell 未知 from 0)."""
    counts: BudgetCounts = {}
    for project in projects:
        unstated, total = counts.get(project["fiscal_year"], (0, 0))
        counts[project["fiscal_year"]] = (unstated + (project["budget_yuan"] is None), total + 1)
    return counts


def summary_of(town: TownData, flags: tuple[Flag, ...]) -> TownSummary:
    return TownSummary(
        county=town.county,
        town=town.town,
        years=town.years,
        budget_counts=budget_counts(town.projects),
        scores=[(p["project_name"], p["quality_score"]) for p in town.projects],
        satisfaction=[
            (i["project_name"], i["satisfaction_target_pct"])
            for i in town.indicators
            if i["satisfaction_target_pct"] is not None
        ],
        substantive=sum(1 for i in town.indicators if is_wrong(i, flags)),
    )


def is_wrong(indicator: Row, flags: tuple[Flag, ...]) -> bool:
    """The target carries a flag that says it is wrong (backwards, implausible …), not merely vague."""
    return any(indicator[flag.name] for flag in flags if flag.wrong)


def _rows_of(cursor: duckdb.DuckDBPyConnection) -> list[Row]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


@dataclass(frozen=True)
class Snapshot:
    """What one read of the warehouse (under its lock) gives the report."""

    flags: tuple[Flag, ...]
    attention: list[Row]
    """Failed and low-confidence documents (``ATTENTION_SQL``)."""
    copies: dict[str, Path]
    """Per mart, its rows with their town's chunk as an unsorted Parquet file."""


def _snapshot(warehouse: Path, folder: Path, chunk_rows: int) -> Snapshot:
    """The flags, the documents to attend to, and the marts copied (all under the lock)."""
    copies = {name: folder / f"{name}.parquet" for name in MARTS}
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True, config=COPY_CONFIG)
        try:
            flags = flag_rules(con)
            columns = {
                "years": "*",
                "projects": "*",
                "indicators": ", ".join([INDICATOR_COLUMNS.strip(), *(flag.name for flag in flags)]),
            }
            for name, (table, _) in MARTS.items():
                target = copies[name].as_posix().replace("'", "''")
                sql = _chunked_copy_sql(table, columns[name])
                options = f"FORMAT parquet, ROW_GROUP_SIZE {COPY_ROW_GROUP_ROWS}"
                con.execute(f"COPY ({sql}) TO '{target}' ({options})", {"chunk_rows": chunk_rows})
            attention = _rows_of(con.execute(ATTENTION_SQL))
        finally:
            con.close()
    return Snapshot(flags=flags, attention=attention, copies=copies)


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
        grouped_by_town(_rows(con.cursor(), copies[name], chunk, order)) for name, (_, order) in MARTS.items()
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


@dataclass(frozen=True)
class Marts:
    """The report's view of the warehouse: the flags, the documents to attend to, and the towns."""

    flags: tuple[Flag, ...]
    attention: list[Row]
    towns: Iterator[TownData]
    """One at a time, ordered by (county, town), each with all its rows; read once."""


@contextmanager
def read_marts(warehouse: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Marts]:
    """The warehouse as the report reads it; towns are handed out one at a time.

    A town is a row of mart_town_year; projects and indicators of a town without one are left out.
    ``chunk_rows`` bounds what is sorted at once (a town larger than it is a chunk of its own).
    """
    with tempfile.TemporaryDirectory(prefix="jixiao-report-") as folder:
        snapshot = _snapshot(warehouse, Path(folder), chunk_rows)
        yield Marts(flags=snapshot.flags, attention=snapshot.attention, towns=_towns(snapshot.copies))
