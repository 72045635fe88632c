"""Assets of one document's path: the raw file, its parsed frames, and its rows in the ``raw`` schema.

Each body is a few lines calling the plain functions in ``pipeline.ingest`` and
``pipeline.warehouse``; those functions are what the tests exercise.
"""

from typing import Final

import dagster as dg

from pipeline.config import settings
from pipeline.defs.partitions import documents_partitions
from pipeline.discovery import source_file_of_key
from pipeline.ingest import file_sha256, is_inside, is_unchanged, parse_document
from pipeline.lake import lake_dir, write_document
from pipeline.normalise.frames import DocumentFrames
from pipeline.warehouse import RAW_SCHEMA, RAW_TABLES, load_document, rows_of

INGEST_GROUP: Final = "ingest"
RAW_TABLE_DESCRIPTIONS: Final = {
    "documents": "One row per file in the raw folder: layout, town, county, year, unit, status.",
    "projects": "One row per project table: code, name, budget in 元, purpose, goals, spending plan.",
    "indicators": "One row per indicator row, cells as written plus typed values and canonical categories.",
    "ingest_errors": "One row per document that failed, with the stage, error_class and what to do.",
    "department_targets": "One row per clause of a department-level sub-goal (部门整体绩效目标), typed like indicator values.",
}


@dg.asset(
    partitions_def=documents_partitions,
    group_name=INGEST_GROUP,
    description="A document file in the raw folder (JIXIAO_RAW_DIR); its sha256 is its data version.",
)
def raw_file(context: dg.AssetExecutionContext) -> dg.Output[str]:
    raw_dir = settings().raw_dir
    source_file = source_file_of_key(context.partition_key)
    path = raw_dir / source_file
    sha256 = file_sha256(path) if path.is_file() and is_inside(path, raw_dir) else "unavailable"
    return dg.Output(
        source_file,
        data_version=dg.DataVersion(sha256),
        metadata={"sha256": sha256, "path": str(path)},
    )


@dg.asset(
    partitions_def=documents_partitions,
    group_name=INGEST_GROUP,
    description="The document read, its layout recognised, rows extracted, typed and validated (polars frames).",
)
def parsed_document(context: dg.AssetExecutionContext, raw_file: str) -> dg.Output[DocumentFrames | None]:
    """None when the warehouse already holds this file parsed by this parser (nothing to redo)."""
    config = settings()
    path = config.raw_dir / raw_file
    if is_unchanged(path, config.raw_dir, config.warehouse):
        return dg.Output(None, metadata={"status": "unchanged"})
    frames = parse_document(path, config.raw_dir)
    return dg.Output(
        frames,
        metadata={
            "status": str(frames.documents["status"][0]),
            "layout": str(frames.documents["layout"][0]),
            "projects": frames.projects.height,
            "indicators": frames.indicators.height,
            "errors": frames.errors.height,
        },
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            dg.AssetKey([RAW_SCHEMA, table]),
            deps=[parsed_document],
            group_name=INGEST_GROUP,
            description=RAW_TABLE_DESCRIPTIONS[table],
            partitions_def=documents_partitions,
        )
        for table in RAW_TABLES
    ],
    partitions_def=documents_partitions,
)
def raw_tables(context: dg.AssetExecutionContext, parsed_document: DocumentFrames | None) -> object:
    """Replace the document's rows in every raw table in one DuckDB transaction (skip if unchanged).

    The frames also go to the Parquet lake beside the warehouse (``pipeline.lake``), from which
    the raw layer can be rebuilt by DuckDB when parsing runs on other machines.
    """
    if parsed_document is not None:
        warehouse = settings().warehouse
        load_document(warehouse, parsed_document)
        write_document(lake_dir(warehouse), parsed_document)
    for table in RAW_TABLES:
        rows = rows_of(parsed_document, table) if parsed_document is not None else "unchanged"
        yield dg.MaterializeResult(asset_key=dg.AssetKey([RAW_SCHEMA, table]), metadata={"rows": rows})
