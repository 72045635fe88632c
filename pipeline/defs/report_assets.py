"""The HTML report as a Dagster asset, downstream of the analyst marts.

The body calls ``pipeline.report.write_report`` (what the tests exercise): it reads the marts
read-only and writes ``report/index.html`` plus one page per town next to the warehouse file.
"""

from pathlib import Path
from typing import Final

import dagster as dg

from pipeline.defs.config import settings
from pipeline.report import write_report

REPORT_GROUP: Final = "report"
REPORT_DIR: Final = "report"
"""The report's folder, next to the warehouse file."""


def report_index(warehouse: Path) -> Path:
    """Where the report's first page is: ``data/warehouse/report/index.html`` by default."""
    return warehouse.parent / REPORT_DIR / "index.html"


REPORT_TABLES: Final = (
    "mart_town_year",
    "mart_project_quality",
    "mart_indicator_quality",
    "mart_category_targets",
    "quality_flags",
    "dim_document",
    "ingest_errors",
)
"""What the report reads: the analyst marts, the seed of the quality flags (names, severity, rules),
and the documents and their errors (the overview lists the failed and low-confidence documents)."""


@dg.asset(
    deps=[dg.AssetKey(name) for name in REPORT_TABLES],
    group_name=REPORT_GROUP,
    automation_condition=dg.AutomationCondition.eager(),
    description=(
        "Static HTML report next to the warehouse (report/index.html): a cross-town overview and one "
        "page per town with plotly charts of share quantified, flags by kind and satisfaction targets, and "
        "the failed and low-confidence documents on the overview. In Chinese with English; opens offline "
        "(plotly.min.js is written beside the pages)."
    ),
)
def town_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult[None]:
    warehouse, raw_dir = settings().warehouse, settings().raw_dir
    out_dir = report_index(warehouse).parent
    pages = write_report(warehouse, out_dir, raw_dir=raw_dir)
    context.log.info(f"wrote {len(pages)} pages to {out_dir}")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(pages[0])),
            "pages": len(pages),
            "towns": len(pages) - 1,
        }
    )
