"""What the warehouse says after a run, read from its raw layer (there even when a dbt build failed).

Failed documents are those whose current status is ``failed`` (a file still in the raw folder
that could not be read): each with its error class, the first line of its message and the advice
for its class (``pipeline.core.errors.ERROR_CLASSES``). Low-confidence documents are loaded ones
whose table the reader could not wholly explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import ERROR_CLASSES
from pipeline.load.warehouse import RAW_SCHEMA, reader


@dataclass(frozen=True)
class Failure:
    source_file: str
    error_class: str
    message: str

    @property
    def advice(self) -> str:
        """The first line of what to do about this class of failure."""
        known = ERROR_CLASSES.get(self.error_class)
        return known.advice.splitlines()[0] if known else ""

    @property
    def first_line(self) -> str:
        return self.message.strip().splitlines()[0] if self.message.strip() else ""


@dataclass(frozen=True)
class WarehouseFacts:
    by_status: dict[str, int]
    failures: list[Failure]
    low_confidence: list[tuple[str, float]]


FAILURES_SQL = f"""
select d.source_file, coalesce(e.error_class, 'unknown'), coalesce(e.message, '')
from {RAW_SCHEMA}.documents d left join {RAW_SCHEMA}.ingest_errors e on e.source_file = d.source_file
where d.status = 'failed' order by d.source_file, e.error_class
"""
LOW_CONFIDENCE_SQL = f"""
select source_file, layout_confidence from {RAW_SCHEMA}.documents
where status = 'loaded' and low_confidence order by layout_confidence, source_file
"""
BY_STATUS_SQL = f"select status, count(*) from {RAW_SCHEMA}.documents group by status order by status"


def warehouse_facts(warehouse: Path) -> WarehouseFacts | None:
    """Documents by status, the failures and the low-confidence documents; None before the first load."""
    if not warehouse.exists():
        return None
    with reader(warehouse) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
            ).fetchall()
        }
        if not {"documents", "ingest_errors"} <= tables:
            return None
        by_status = {str(status): int(count) for status, count in con.execute(BY_STATUS_SQL).fetchall()}
        failures = [Failure(str(f), str(c), str(m)) for f, c, m in con.execute(FAILURES_SQL).fetchall()]
        low = [(str(f), float(c or 0.0)) for f, c in con.execute(LOW_CONFIDENCE_SQL).fetchall()]
    return WarehouseFacts(by_status, failures, low)
