"""Assets of a document's path: the raw file, its parsed frames, and its rows in the ``raw`` schema.

One op materialises all three for the partitions of its run — one document (the sensor) or a
range of thousands (``make run``, backfills: ``BackfillPolicy.multi_run``). Its body is a few
lines around ``pipeline.load.batch.ingest_documents`` (hash once, skip unchanged, parse in a process
pool, load in batches), which is what the tests exercise. Frames never pass through an IO
manager: parsing and loading happen in the same step, so memory stays flat in the number of
documents. A partition is reported materialised only when its document changed (parsed and
loaded again, or withdrawn); an unchanged document reports nothing, so the eager dbt models and
the report downstream only rebuild when the raw layer changed — unless this Dagster instance
never recorded the partition (a new ``DAGSTER_HOME`` beside a loaded warehouse): then it is
recorded once, so that the instance's view of what is loaded is the warehouse's, and the eager
models do not wait forever on partitions they think missing.
"""

from collections.abc import Callable, Iterator
from typing import Final

import dagster as dg
from dagster._core.definitions.data_version import DATA_VERSION_TAG  # not re-exported by dagster

from pipeline.contract import tables
from pipeline.defs.config import settings
from pipeline.defs.discovery import partition_key, source_file_of_key
from pipeline.defs.partitions import documents_partitions
from pipeline.load.batch import UNCHANGED, Outcome, ingest_documents
from pipeline.load.warehouse import RAW_SCHEMA, RAW_TABLES

INGEST_GROUP: Final = "ingest"
MAX_PARTITIONS_PER_RUN: Final = 1000
"""A backfill of the documents runs this many partitions per run (one step, parsed on all cores)."""
OUTCOME_LISTENERS: Final[list[Callable[[Outcome], None]]] = []
"""Called with each document's outcome as the op goes: the command line's progress bar registers
here when it runs the job in its own process; a run launched by the daemon has none."""
RAW_FILE: Final = dg.AssetKey("raw_file")
PARSED_DOCUMENT: Final = dg.AssetKey("parsed_document")
RAW_TABLE_DESCRIPTIONS: Final = {table.name: table.description for table in tables.RAW_TABLES}


def _spec(key: dg.AssetKey, description: str, deps: list[dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=deps,
        group_name=INGEST_GROUP,
        description=description,
        partitions_def=documents_partitions,
        skippable=True,  # an unchanged document materialises nothing
    )


INGEST_SPECS: Final = [
    _spec(RAW_FILE, "A document file in the raw folder (JIXIAO_RAW_DIR); its sha256 is its data version.", []),
    _spec(
        PARSED_DOCUMENT,
        "The document read, its layout recognised, rows extracted, typed and validated (polars frames).",
        [RAW_FILE],
    ),
    *(
        _spec(dg.AssetKey([RAW_SCHEMA, table]), RAW_TABLE_DESCRIPTIONS[table], [PARSED_DOCUMENT])
        for table in RAW_TABLES
    ),
]


def materialisations(outcome: Outcome, recorded: bool = True) -> list[dg.AssetMaterialization]:
    """One event per ingest asset for a document that changed; none for an unchanged one the
    instance has ``recorded`` before, one per ingest asset (without row counts) for one it has not."""
    key = partition_key(outcome.source_file)
    if outcome.status == UNCHANGED:
        if recorded:
            return []
        return [
            dg.AssetMaterialization(RAW_FILE, partition=key, tags={DATA_VERSION_TAG: outcome.sha256}),
            dg.AssetMaterialization(PARSED_DOCUMENT, partition=key, metadata={"status": UNCHANGED}),
            *(dg.AssetMaterialization(dg.AssetKey([RAW_SCHEMA, table]), partition=key) for table in RAW_TABLES),
        ]
    return [
        dg.AssetMaterialization(
            RAW_FILE,
            partition=key,
            metadata={"sha256": outcome.sha256},
            tags={DATA_VERSION_TAG: outcome.sha256},
        ),
        dg.AssetMaterialization(
            PARSED_DOCUMENT,
            partition=key,
            metadata={"status": outcome.status, "layout": str(outcome.layout), **outcome.rows},
        ),
        *(
            dg.AssetMaterialization(dg.AssetKey([RAW_SCHEMA, table]), partition=key, metadata={"rows": rows})
            for table, rows in outcome.rows.items()
        ),
    ]


@dg.multi_asset(
    name="ingest_document_partitions",
    specs=INGEST_SPECS,
    partitions_def=documents_partitions,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=MAX_PARTITIONS_PER_RUN),
)
def documents(context: dg.AssetExecutionContext) -> Iterator[dg.AssetMaterialization]:
    """Hash, skip unchanged, parse on all cores, load in batches; the Parquet lake is written beside."""
    config = settings()
    source_files = [source_file_of_key(key) for key in context.partition_keys]
    recorded = context.instance.get_materialized_partitions(PARSED_DOCUMENT)
    changed = 0
    for outcome in ingest_documents(source_files, config.raw_dir, config.warehouse):
        changed += outcome.status != UNCHANGED
        yield from materialisations(outcome, partition_key(outcome.source_file) in recorded)
        for listener in OUTCOME_LISTENERS:
            listener(outcome)
    context.log.info(f"{len(source_files)} documents: {changed} loaded, {len(source_files) - changed} unchanged")
