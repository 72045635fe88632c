"""What the report shows, read from the analyst marts (``mart_*``) one town at a time.

Under the warehouse lock the marts' rows are copied, ordered by town, to Parquet files in a
temporary folder (DuckDB streams them: no Python rows), so the loader and dbt wait only for
that copy. The towns are then read back from the copy one at a time: memory holds one town's
rows, never the whole warehouse (at 10 000 documents, every indicator as a Python row took
3.4 GiB).
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

from pipeline.warehouse import warehouse_lock

FLAG_KINDS: Final[tuple[str, ...]] = (
    "unquantified",
    "backwards",
    "implausible",
    "cost_mismatch",
    "echo",
    "boilerplate",
    "no_basis",
)
"""The flags of mart_indicator_quality, in the order the report shows them."""

SUBSTANTIVE_FLAGS: Final[tuple[str, ...]] = ("backwards", "implausible", "cost_mismatch", "echo")
"""Flags that say a target is wrong, not merely vague or undocumented."""

Row = dict[str, Any]
PROSE_MARK: Final = "文字·"
"""Put before the name of a project read from prose (first, so a shortened label keeps it)."""


def project_title(project: Row) -> str:
    """A project's name as the report shows it: a project read from prose says so (its table, if
    any, is another row with the same name and the targets of the table)."""
    name = project["project_name"] or "—"
    return f"{PROSE_MARK}{name}" if project.get("source_kind") == "prose" else name


TOWN_ORDER: Final = "coalesce(county, ''), coalesce(town, '')"
"""Every query's leading order: the towns' key as Python compares it (UTF-8 byte order is code-point order)."""
TOWN_SQL: Final = f"""
select * from main.mart_town_year order by {TOWN_ORDER}, fiscal_year
"""
PROJECT_SQL: Final = f"""
select * from main.mart_project_quality order by {TOWN_ORDER}, fiscal_year, table_no
"""
INDICATOR_SQL: Final = f"""
select
    indicator_id, project_id, county, town, fiscal_year, project_name, table_no, row_no,
    level1, level2, level3, value_text, basis, satisfaction_target_pct, flag_count, is_flagged,
    reason, source_file, source_line, source_page, {", ".join(FLAG_KINDS)}
from main.mart_indicator_quality
order by {TOWN_ORDER}, fiscal_year, table_no, row_no
"""
MART_QUERIES: Final = {"years": TOWN_SQL, "projects": PROJECT_SQL, "indicators": INDICATOR_SQL}
FETCH_ROWS: Final = 10_000
"""Rows fetched from the copy at a time."""

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


def summary_of(town: TownData) -> TownSummary:
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
        substantive=sum(1 for i in town.indicators if any(i[kind] for kind in SUBSTANTIVE_FLAGS)),
    )


def _copy_marts(warehouse: Path, folder: Path) -> dict[str, Path]:
    """The report's mart rows, ordered by town, as one Parquet file per query (under the lock)."""
    copies = {name: folder / f"{name}.parquet" for name in MART_QUERIES}
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            for name, sql in MART_QUERIES.items():
                target = copies[name].as_posix().replace("'", "''")
                con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet)")
        finally:
            con.close()
    return copies


def _rows(cursor: duckdb.DuckDBPyConnection, copy: Path) -> Iterator[Row]:
    """The copy's rows in order, as dicts, ``FETCH_ROWS`` at a time."""
    cursor.execute("SELECT * FROM read_parquet(?)", [str(copy)])
    names = [column[0] for column in cursor.description]
    while chunk := cursor.fetchmany(FETCH_ROWS):
        for values in chunk:
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


def _towns(copies: dict[str, Path]) -> Iterator[TownData]:
    con = duckdb.connect()
    try:
        years, projects, indicators = (grouped_by_town(_rows(con.cursor(), copies[name])) for name in MART_QUERIES)
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
    finally:
        con.close()


@contextmanager
def towns_of(warehouse: Path) -> Iterator[Iterator[TownData]]:
    """The warehouse's towns one at a time, ordered by (county, town), each with all its rows.

    A town is a row of mart_town_year; projects and indicators of a town without one are left out.
    """
    with tempfile.TemporaryDirectory(prefix="jixiao-report-") as folder:
        yield _towns(_copy_marts(warehouse, Path(folder)))
