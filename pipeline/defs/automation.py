"""When things run: a nightly schedule (02:00 in JIXIAO_TIMEZONE), a sensor on the raw folder, and the
automation sensor that rebuilds the dbt models once documents are loaded."""


import json
from typing import Final

import dagster as dg

from pipeline.config import settings
from pipeline.defs.ingest_assets import INGEST_GROUP, MAX_PARTITIONS_PER_RUN
from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME, documents_partitions, partition_ranges, range_tags
from pipeline.discovery import fingerprints, folder_changes

NIGHTLY_CRON: Final = "0 2 * * *"
SENSOR_INTERVAL_SECONDS: Final = 60

ingest_job = dg.define_asset_job(
    "ingest_documents",
    selection=dg.AssetSelection.groups(INGEST_GROUP),
    description="Read, parse, validate and load documents: one partition, or a range of them per run.",
)


@dg.schedule(
    cron_schedule=NIGHTLY_CRON,
    job=ingest_job,
    execution_timezone=settings().timezone,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night: every document in the raw folder is re-read; dbt follows by automation.",
)
def nightly_refresh(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    """One run per range of up to ``MAX_PARTITIONS_PER_RUN`` documents, not one per document.

    Unchanged documents are skipped inside the run; deleted ones are marked withdrawn.
    """
    present = sorted(fingerprints(settings().raw_dir))
    known = set(context.instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME))
    new = [k for k in present if k not in known]
    if new:
        context.instance.add_dynamic_partitions(DOCUMENTS_PARTITION_NAME, new)
    keys = context.instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME)  # ranges follow the instance's order
    return [
        dg.RunRequest(run_key=None, tags=range_tags(first, last))
        for first, last in partition_ranges(keys, MAX_PARTITIONS_PER_RUN)
    ]


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Notices new or changed files in the raw folder and ingests just those documents.",
)
def raw_folder_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    previous = json.loads(context.cursor) if context.cursor else {}
    current = fingerprints(settings().raw_dir)
    changes = folder_changes(previous, current)
    requests = [
        dg.RunRequest(partition_key=key, run_key=f"{key}@{current[key]}") for key in changes.added + changes.changed
    ] + [dg.RunRequest(partition_key=key, run_key=f"{key}@withdrawn") for key in changes.removed]
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[documents_partitions.build_add_request(changes.added)] if changes.added else [],
        cursor=json.dumps(current, sort_keys=True),
    )


automation_sensor = dg.AutomationConditionSensorDefinition(
    "dbt_models_follow_documents",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
