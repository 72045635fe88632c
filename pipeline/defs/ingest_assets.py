"""Assets of a document's path: the document (one partition per file) and the ``raw`` tables it is loaded into.

One op materialises them for the partitions of its run — one document (the sensor) or a range of
thousands (``make run``, backfills: ``BackfillPolicy.multi_run``). Its body is a few lines around
``pipeline.load.batch.ingest_documents`` (hash once, skip unchanged, parse in a process pool, load
in batches), which is what the tests exercise. Frames never pass through an IO manager: parsing
and loading happen in the same step, so memory stays flat in the number of documents.

What the Dagster instance records, and why so little: every event costs a write to its SQLite
storage, so a changed document writes two events and no more, and the raw tables one each per run:

- **``document``**, partitioned per file: one materialisation per document that changed (parsed
  and loaded again, or withdrawn), carrying its sha256 (also its data version), status, layout,
  and rows per raw table — the per-document lineage the UI shows. An unchanged document reports
  nothing, so nothing downstream rebuilds — unless this instance never recorded the partition (a
  new ``DAGSTER_HOME`` beside a loaded warehouse): then it is recorded once, marked unchanged.
- **the check ``document/readable``**, partitioned the same way, evaluated for each document that
  changed: passed for a loaded or withdrawn one; failed, with the error class, message and advice
  (``pipeline.core.errors.ERROR_CLASSES``), for one that could not be read — so a failed file
  shows red on its own partition, e.g. ``甲镇.pdf: [encrypted_file] … → Ask the publisher for an
  unprotected copy.`` The jobs leave the check out of their plan (``without_checks``): a planned
  check that a run does not evaluate is recorded "skipped", which would hide an unchanged file's
  failure at every nightly run. The op reports it all the same, as each document is read.
- **``raw/documents`` … ``raw/department_targets``**, unpartitioned: the tables the batches load,
  materialised once at the end of a run in which some document changed (with the rows this run
  loaded into each), so the eager dbt models follow the raw layer — also when some document could
  not be written, since the others were.
"""

import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Final

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_evaluation import (  # not re-exported by dagster
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.definitions.data_version import DATA_VERSION_TAG  # not re-exported by dagster

from pipeline.contract import tables
from pipeline.contract.tables import DOCUMENT_STATUSES
from pipeline.core.errors import ERROR_CLASSES
from pipeline.defs.config import settings
from pipeline.defs.discovery import partition_key, source_file_of_key
from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME, documents_partitions
from pipeline.load.batch import UNCHANGED, LoadFailedError, Outcome, ingest_documents
from pipeline.load.warehouse import RAW_SCHEMA, RAW_TABLES

INGEST_GROUP: Final = "ingest"
MAX_PARTITIONS_PER_RUN: Final = 1000
"""A backfill of the documents runs this many partitions per run (one step, parsed on all cores)."""
OUTCOME_LISTENERS: Final[list[Callable[[Outcome], None]]] = []
"""Called with each document's outcome as the op goes: the command line's progress bar registers
here when it runs the job in its own process; a run launched by the daemon has none."""
_, FAILED, _ = DOCUMENT_STATUSES  # loaded, failed, withdrawn: declared once, in the contract
DOCUMENT: Final = dg.AssetKey("document")
READABLE: Final = "readable"
READABLE_CHECK: Final = dg.AssetCheckKey(DOCUMENT, READABLE)
RAW_TABLE_KEYS: Final = {table: dg.AssetKey([RAW_SCHEMA, table]) for table in RAW_TABLES}
RAW_TABLE_DESCRIPTIONS: Final = {table.name: table.description for table in tables.RAW_TABLES}

DOCUMENT_SPEC: Final = dg.AssetSpec(
    DOCUMENT,
    group_name=INGEST_GROUP,
    description=(
        "A document file in the raw folder (JIXIAO_RAW_DIR), read, recognised, extracted, typed, validated "
        "and loaded; each materialisation carries its sha256 (its data version), status, layout and rows "
        "per raw table."
    ),
    partitions_def=documents_partitions,
    skippable=True,  # an unchanged document materialises nothing
)
RAW_TABLE_SPECS: Final = [
    dg.AssetSpec(
        key, deps=[DOCUMENT], group_name=INGEST_GROUP, description=RAW_TABLE_DESCRIPTIONS[table], skippable=True
    )
    for table, key in RAW_TABLE_KEYS.items()
]
with warnings.catch_warnings():  # a check partitioned like its asset is a "preview" in Dagster 1.13
    warnings.simplefilter("ignore", dg.PreviewWarning)
    READABLE_SPEC: Final = dg.AssetCheckSpec(
        READABLE,
        asset=DOCUMENT,
        partitions_def=documents_partitions,
        description=(
            "The document was read and loaded. Fails for a document that could not be, with its error class, "
            "message and what to do; evaluated whenever the document is read again."
        ),
    )
INGEST_SELECTION: Final = dg.AssetSelection.groups(INGEST_GROUP)
"""The ingest assets (and, unless a job leaves it out, their check)."""


def readable_evaluation(
    outcome: Outcome, target: AssetCheckEvaluationTargetMaterializationData | None = None
) -> dg.AssetCheckEvaluation:
    """The check's verdict on one document that was read: failed, with the reason, for a failed one.

    ``target`` is the document's materialisation the verdict is about: Dagster shows a partition's
    check only while it targets the partition's latest materialisation.
    """
    key = partition_key(outcome.source_file)
    if outcome.status != FAILED:
        return dg.AssetCheckEvaluation(
            DOCUMENT,
            READABLE,
            passed=True,
            partition=key,
            target_materialization_data=target,
            metadata={"status": outcome.status},
        )
    error_class = outcome.error_class or "unknown"
    message = (outcome.message or "").strip()
    known = ERROR_CLASSES.get(error_class)
    advice = known.advice if known else ""
    first_line = message.splitlines()[0] if message else ""
    return dg.AssetCheckEvaluation(
        DOCUMENT,
        READABLE,
        passed=False,
        partition=key,
        target_materialization_data=target,
        description=f"[{error_class}] {first_line}" + (f" → {advice}" if advice else ""),
        metadata={
            "source_file": outcome.source_file,
            "error_class": error_class,
            "message": dg.MetadataValue.text(message),
            "meaning": known.meaning if known else "",
            "advice": advice,
        },
    )


def document_materialisation(outcome: Outcome, recorded: bool = True) -> dg.AssetMaterialization | None:
    """A changed document's materialisation; none for an unchanged one the instance has ``recorded``
    before, one marked unchanged for one it has not."""
    key = partition_key(outcome.source_file)
    version = {DATA_VERSION_TAG: outcome.sha256}
    if outcome.status == UNCHANGED:
        return (
            None
            if recorded
            else dg.AssetMaterialization(DOCUMENT, partition=key, metadata={"status": UNCHANGED}, tags=version)
        )
    metadata: dict[str, str | int] = {"sha256": outcome.sha256, "status": outcome.status, "layout": str(outcome.layout)}
    if outcome.error_class:
        metadata["error_class"] = outcome.error_class
    metadata.update({f"{RAW_SCHEMA}.{table} rows": rows for table, rows in outcome.rows.items()})
    return dg.AssetMaterialization(DOCUMENT, partition=key, metadata=metadata, tags=version)


def latest_materialisation(
    instance: dg.DagsterInstance, key: str
) -> AssetCheckEvaluationTargetMaterializationData | None:
    """The document partition's latest materialisation, as a check evaluation targets it."""
    records = instance.fetch_materializations(dg.AssetRecordsFilter(DOCUMENT, asset_partitions=[key]), limit=1).records
    if not records:
        return None
    latest = records[0]
    return AssetCheckEvaluationTargetMaterializationData(
        storage_id=latest.storage_id, run_id=latest.run_id, timestamp=latest.timestamp
    )


def document_events(
    outcome: Outcome, instance: dg.DagsterInstance, recorded: bool
) -> Iterator[dg.AssetMaterialization | dg.AssetCheckEvaluation]:
    """A changed document's two events, its materialisation then its check (targeting it, once it is
    stored: the executor stores each event as the op hands it over); none for an unchanged one."""
    materialisation = document_materialisation(outcome, recorded)
    if materialisation is not None:
        yield materialisation
    if outcome.status != UNCHANGED:
        yield readable_evaluation(outcome, latest_materialisation(instance, partition_key(outcome.source_file)))


def document_of_event(entry: dg.EventLogEntry) -> str | None:
    """The document partition an event of the event log names, if any: a materialisation's (or a
    planned one's) partition, or a check evaluation's — what counts as a document's events."""
    event = entry.dagster_event
    if event is None:
        return None
    if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        return event.asset_check_evaluation_data.partition
    return event.partition


def table_materialisations(
    changed: int, rows: Counter[str], tables_wanted: Iterable[dg.AssetKey], never_recorded: set[dg.AssetKey]
) -> list[dg.AssetMaterialization]:
    """One event per raw table for the whole run, with what it loaded (``changed`` documents, ``rows``
    per table): when some document changed, or for a table this instance has never recorded (so the
    eager models downstream are not left waiting on it, as for a document above)."""
    return [
        dg.AssetMaterialization(key, metadata={"documents changed": changed, "rows loaded": rows[table]})
        for table, key in RAW_TABLE_KEYS.items()
        if key in set(tables_wanted) and (changed or key in never_recorded)
    ]


@dg.multi_asset(
    name="ingest_document_partitions",
    specs=[DOCUMENT_SPEC, *RAW_TABLE_SPECS],
    check_specs=[READABLE_SPEC],
    can_subset=True,  # required of an op with partitioned and unpartitioned assets
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=MAX_PARTITIONS_PER_RUN),
)
def documents(
    context: dg.AssetExecutionContext,
) -> Iterator[dg.AssetMaterialization | dg.AssetCheckEvaluation]:
    """Hash, skip unchanged, parse on all cores, load in batches; the Parquet lake is written beside.

    A run without partitions (the raw tables alone, materialised from the UI) goes through every
    document the instance knows: refreshing a table means reading every document it holds.
    """
    config = settings()
    instance = context.instance
    partitioned = context.has_partition_key or context.has_partition_key_range
    keys = context.partition_keys if partitioned else instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME)
    source_files = [source_file_of_key(key) for key in keys]
    report_documents = DOCUMENT in context.selected_asset_keys
    recorded = instance.get_materialized_partitions(DOCUMENT)
    table_keys = [key for key in RAW_TABLE_KEYS.values() if key in context.selected_asset_keys]
    never_recorded = set(table_keys) - {
        record.asset_entry.asset_key
        for record in instance.get_asset_records(table_keys)
        if record.asset_entry.last_materialization_storage_id is not None
    }
    changed, rows = 0, Counter[str]()
    stopped: LoadFailedError | None = None
    try:
        for outcome in ingest_documents(source_files, config.raw_dir, config.warehouse):
            if outcome.status != UNCHANGED:
                changed += 1
                rows.update(outcome.rows)
            if report_documents:
                yield from document_events(outcome, instance, partition_key(outcome.source_file) in recorded)
            for listener in OUTCOME_LISTENERS:
                listener(outcome)
    except LoadFailedError as err:  # the other documents were written: the tables below say so
        stopped = err
    yield from table_materialisations(changed, rows, table_keys, never_recorded)
    context.log.info(f"{len(source_files)} documents: {changed} loaded, {len(source_files) - changed} unchanged")
    if stopped is not None:
        raise stopped
