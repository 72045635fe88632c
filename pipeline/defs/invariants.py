"""Invariants of the warehouse an auditor relies on, each a query returning the rows that break it.

Plain functions over a DuckDB connection, so tests run them directly; ``pipeline.defs.checks``
shows them in the Dagster UI as asset checks on the tables they guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb


@dataclass(frozen=True)
class Invariant:
    name: str
    asset: str
    description: str
    sql: str


INVARIANTS: Final = {
    invariant.name: invariant
    for invariant in (
        Invariant(
            "every_project_has_indicators",
            "dim_project",
            "A project table with no indicator row means a table was lost in extraction.",
            """select p.project_id, p.source_file, p.project_name
               from main.dim_project p left join main.fct_indicator f on f.project_id = p.project_id
               where f.indicator_id is null order by p.project_id""",
        ),
        Invariant(
            "row_counts_stable_across_reloads",
            "dim_document",
            "The same bytes read by the same parser must always give the same number of rows.",
            """select source_file, sha256, parser_version,
                      min(indicator_count) as fewest, max(indicator_count) as most
               from raw.load_history where status = 'loaded'
               group by source_file, sha256, parser_version
               having min(indicator_count) <> max(indicator_count) or min(project_count) <> max(project_count)
               order by source_file""",
        ),
        Invariant(
            "every_indicator_is_located",
            "fct_indicator",
            "Every indicator row names its source file and a line or page to find it again.",
            """select indicator_id, source_file from main.fct_indicator
               where source_file is null or (source_line is null and source_page is null)
               order by indicator_id""",
        ),
        Invariant(
            "no_ingest_errors",
            "ingest_errors",
            "Documents that could not be read, with their error class: each needs a person to act.",
            """select source_file, error_class, message from main.ingest_errors order by source_file""",
        ),
    )
}


def violations(con: duckdb.DuckDBPyConnection, name: str) -> list[dict[str, object]]:
    """The rows breaking one invariant (empty when it holds)."""
    cursor = con.execute(INVARIANTS[name].sql)
    columns = [column[0] for column in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
