"""What the report shows, read from the analyst marts (``mart_*``) with a read-only connection.

The warehouse lock is held only while reading, so the loader and dbt wait a moment at most; the
HTML is built afterwards from plain Python rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

TOWN_SQL: Final = """
select * from main.mart_town_year order by county, town, fiscal_year
"""
PROJECT_SQL: Final = """
select * from main.mart_project_quality order by county, town, fiscal_year, table_no
"""
INDICATOR_SQL: Final = f"""
select
    indicator_id, project_id, county, town, fiscal_year, project_name, table_no, row_no,
    level1, level2, level3, value_text, basis, satisfaction_target_pct, flag_count, is_flagged,
    reason, source_file, source_line, source_page, {", ".join(FLAG_KINDS)}
from main.mart_indicator_quality
order by county, town, fiscal_year, table_no, row_no
"""


@dataclass(frozen=True)
class TownData:
    """Everything one town's page needs; a town may have several fiscal years."""

    county: str | None
    town: str | None
    years: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.county or "", self.town or "")

    @property
    def label(self) -> str:
        return f"{self.town or '(town unknown)'}（{self.county or 'county unknown'}）"


@dataclass(frozen=True)
class ReportData:
    towns: list[TownData]

    @property
    def years(self) -> list[Row]:
        return [year for town in self.towns for year in town.years]

    @property
    def projects(self) -> list[Row]:
        return [project for town in self.towns for project in town.projects]

    @property
    def indicators(self) -> list[Row]:
        return [indicator for town in self.towns for indicator in town.indicators]


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def read_report_data(warehouse: Path) -> ReportData:
    """The marts' rows, grouped per town (county + town), in a stable order."""
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            years, projects, indicators = (_rows(con, sql) for sql in (TOWN_SQL, PROJECT_SQL, INDICATOR_SQL))
        finally:
            con.close()
    towns: dict[tuple[str, str], TownData] = {}
    for year in years:
        key = (year["county"] or "", year["town"] or "")
        towns.setdefault(key, TownData(county=year["county"], town=year["town"])).years.append(year)
    for project in projects:
        key = (project["county"] or "", project["town"] or "")
        if key in towns:
            towns[key].projects.append(project)
    for indicator in indicators:
        key = (indicator["county"] or "", indicator["town"] or "")
        if key in towns:
            towns[key].indicators.append(indicator)
    return ReportData(towns=[towns[key] for key in sorted(towns)])
