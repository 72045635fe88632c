"""When things run: a nightly schedule (02:00 in JIXIAO_TIMEZONE), a sensor on the raw folder, and the
automation sensor that rebuilds the dbt models and the report once documents are loaded.

``make run`` (``pipeline.defs.orchestrate``) runs these same definitions in process: the ranges the
schedule asks for, then what the automation conditions ask for, so there is one way to decide
what runs.
"""

import hashlib
import json
from typing import Final

import dagster as dg

from pipeline.defs.config import settings
from pipeline.defs.discovery import Fingerprint, FolderChanges, fingerprints, folder_changes
from pipeline.defs.ingest_assets import INGEST_SELECTION, MAX_PARTITIONS_PER_RUN, READABLE_CHECK
from pipeline.defs.partitions import (
    DOCUMENTS_PARTITION_NAME,
    covering_ranges,
    documents_partitions,
    partition_ranges,
    range_tags,
)

NIGHTLY_CRON: Final = "0 2 * * *"
SENSOR_INTERVAL_SECONDS: Final = 60
RUN_PER_DOCUMENT_MAX: Final = 10
"""Up to this many changed files, a run per document (its own line in the UI); more, as when a
folder is copied in, run as ranges of up to ``MAX_PARTITIONS_PER_RUN`` partitions."""
WITHDRAWN: Final = "withdrawn"
"""The version of a deleted file in run keys."""

FOLDER_SEEN_KEY: Final = "jixiao/raw_folder_seen"
"""Key, in the instance's cursor store, of the raw folder's fingerprints as the last complete
``make run`` ingested them: the sensor's starting point when it has no cursor of its own."""
WHAT_TAG: Final = "jixiao/what"
"""Run tag saying in words what a run does (``ingest 甲镇.pdf … 乙镇.pdf``), shown in the UI's run list."""
BUILD_WORDS: Final = "dbt models and report, after documents changed"

MODELS_AND_REPORT: Final = dg.AssetSelection.all() - INGEST_SELECTION - dg.AssetSelection.checks(READABLE_CHECK)
"""Everything downstream of the raw tables: the dbt models with their tests, and the report."""

ingest_job = dg.define_asset_job(
    "ingest_documents",
    selection=INGEST_SELECTION.without_checks(),  # the op reports its check itself: see ingest_assets
    description="Read, parse, validate and load documents: one partition, or a range of them per run.",
)
warehouse_job = dg.define_asset_job(
    "build_models_and_report",
    selection=MODELS_AND_REPORT,
    description="The dbt models (with their tests as asset checks) and the HTML report, as automation asks for them.",
    tags={WHAT_TAG: BUILD_WORDS},
)


def what_tags(first: str, last: str) -> dict[str, str]:
    """The tags of a run over a range of documents: the range itself and its name in words."""
    name = f"ingest {first}" if first == last else f"ingest {first} … {last}"
    return {**range_tags(first, last), WHAT_TAG: name}


def range_requests(instance: dg.DagsterInstance) -> list[dg.RunRequest]:
    """A partition registered for every new file, then one request per range of up to
    ``MAX_PARTITIONS_PER_RUN`` documents, in the instance's order of the partitions.

    Unchanged documents are skipped inside the run; deleted ones are marked withdrawn.
    """
    present = sorted(fingerprints(settings().raw_dir))
    known = set(instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME))
    new = [k for k in present if k not in known]
    if new:
        instance.add_dynamic_partitions(DOCUMENTS_PARTITION_NAME, new)
    keys = instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME)  # deleted files too: withdrawn
    return [
        dg.RunRequest(run_key=None, tags=what_tags(first, last))
        for first, last in partition_ranges(keys, MAX_PARTITIONS_PER_RUN)
    ]


def record_folder_seen(instance: dg.DagsterInstance, seen: dict[str, Fingerprint]) -> None:
    """Remember the raw folder as a complete run ingested it (see ``FOLDER_SEEN_KEY``)."""
    instance.daemon_cursor_storage.set_cursor_values({FOLDER_SEEN_KEY: json.dumps(seen, sort_keys=True)})


def folder_seen(instance: dg.DagsterInstance) -> dict[str, Fingerprint]:
    """The raw folder as the last complete run ingested it; empty when no run recorded it."""
    value = instance.daemon_cursor_storage.get_cursor_values({FOLDER_SEEN_KEY}).get(FOLDER_SEEN_KEY)
    return dict(json.loads(value)) if value else {}


@dg.schedule(
    cron_schedule=NIGHTLY_CRON,
    job=ingest_job,
    execution_timezone=settings().timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night: every document in the raw folder is re-read; dbt follows by automation.",
)
def nightly_refresh(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    """One run per range of up to ``MAX_PARTITIONS_PER_RUN`` documents, not one per document."""
    return range_requests(context.instance)


def range_run_key(first: str, last: str, versions: dict[str, str]) -> str:
    """One run per range and set of file versions: a sensor tick evaluated twice launches nothing twice."""
    digest = hashlib.sha256(json.dumps(versions, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{first}…{last}@{digest}"


def change_requests(
    instance: dg.DagsterInstance, changes: FolderChanges, current: dict[str, Fingerprint]
) -> list[dg.RunRequest]:
    """A run per changed document when few changed; ranges, as the schedule makes, when many did.

    A folder of thousands of new files must not become thousands of runs: each costs Dagster
    seconds, while a range run skips the unchanged documents it spans after hashing them.
    """
    touched = changes.added + changes.changed + changes.removed
    versions = {key: current.get(key, WITHDRAWN) for key in touched}
    if len(touched) <= RUN_PER_DOCUMENT_MAX:
        return [
            dg.RunRequest(partition_key=key, run_key=f"{key}@{versions[key]}", tags={WHAT_TAG: f"ingest {key}"})
            for key in touched
        ]
    known = instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME)
    seen = set(known)
    keys = [*known, *(key for key in changes.added if key not in seen)]  # the order added partitions take
    return [
        dg.RunRequest(run_key=range_run_key(first, last, versions), tags=what_tags(first, last))
        for first, last in covering_ranges(keys, touched, MAX_PARTITIONS_PER_RUN)
    ]


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Notices new, changed and deleted files in the raw folder and ingests just those documents.",
)
def raw_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """What changed since the last tick; on its first tick, since the last complete ``make run``
    (``folder_seen``), so starting the UI right after ``make run`` launches no run for the
    documents that run just loaded."""
    previous = json.loads(context.cursor) if context.cursor else folder_seen(context.instance)
    current = fingerprints(settings().raw_dir)
    changes = folder_changes(previous, current)
    return dg.SensorResult(
        run_requests=change_requests(context.instance, changes, current),
        dynamic_partitions_requests=[documents_partitions.build_add_request(changes.added)] if changes.added else [],
        cursor=json.dumps(current, sort_keys=True),
    )


automation_sensor = dg.AutomationConditionSensorDefinition(
    "dbt_models_follow_documents",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    run_tags={WHAT_TAG: BUILD_WORDS},
)
