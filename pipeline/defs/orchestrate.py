"""``make run`` through Dagster's own machinery: the schedule's requests, then the automation's.

One run of everything is two things the daemon also does, done here in process and in order:

1. **The nightly schedule's tick** (``automation.range_requests``): a partition registered for
   every new file, one request per range of up to 1000 documents; each request is executed as
   the ``ingest_documents`` job with that request's tags (the range, and ``jixiao/what``:
   ``ingest 甲镇.txt … 乙镇.txt``). Inside, unchanged documents are skipped after hashing.
2. **The automation sensor's tick**: the assets' own automation conditions (the dbt models and
   the report are ``eager``) are evaluated with Dagster's evaluator, against a cursor kept in the
   instance (``AUTOMATION_CURSOR_KEY``), exactly as the sensor keeps its own; what they ask for is
   executed as the ``build_models_and_report`` job, the dbt tests running as its asset checks.
   A second ``make run`` with nothing changed asks for nothing, so nothing is built.

Then the folder's fingerprints as ingested are recorded for the raw-folder sensor
(``automation.record_folder_seen``): the UI started next launches no run for these documents.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import dagster as dg
from dagster._core.definitions.asset_daemon_cursor import AssetDaemonCursor
from dagster_shared.serdes import deserialize_value, serialize_value

from pipeline.defs.automation import (
    BUILD_WORDS,
    MODELS_AND_REPORT,
    WHAT_TAG,
    ingest_job,
    range_requests,
    record_folder_seen,
    warehouse_job,
)
from pipeline.defs.config import settings
from pipeline.defs.discovery import fingerprints

PLANNED_EVENTS_AS_SUBSETS: Final = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
"""Dagster's switch for one "materialisation planned" event per asset and run instead of one per
partition: without it a run of 1000 documents first writes 1000 planned events for the ``document``
asset (each a write to the local SQLite storage). Its cost: partitions of a failed run are not
marked failed."""
AUTOMATION_CURSOR_KEY: Final = "jixiao/run_automation_cursor"
"""Key, in the instance's cursor store, of the automation evaluator's cursor between ``make run``s:
a failed build leaves it where it was, so the next ``make run`` asks for the same build again."""
MAX_TICKS: Final = 3
"""Evaluations of the automation conditions one run makes at most (see ``follow_automation``)."""


@dataclass
class RunsDone:
    """The Dagster runs one ``make run`` made: their ids, and whether the models and report were built."""

    ingest_run_ids: list[str] = field(default_factory=list)
    build_run_id: str | None = None
    built: list[dg.AssetKey] = field(default_factory=list)


def _save_cursor(instance: dg.DagsterInstance, cursor: AssetDaemonCursor) -> None:
    instance.daemon_cursor_storage.set_cursor_values({AUTOMATION_CURSOR_KEY: serialize_value(cursor)})


def _cursor(instance: dg.DagsterInstance) -> AssetDaemonCursor | None:
    value = instance.daemon_cursor_storage.get_cursor_values({AUTOMATION_CURSOR_KEY}).get(AUTOMATION_CURSOR_KEY)
    return deserialize_value(value, AssetDaemonCursor) if value else None


Stage = Callable[[str], None]
"""Told, in words, what the run starts doing next (``ingest a.txt … z.txt``): the progress bar's label."""


def _no_stage(_: str) -> None:
    return None


def ingest(instance: dg.DagsterInstance, defs: dg.Definitions, on_stage: Stage = _no_stage) -> list[str]:
    """The schedule's requests, each executed in process as the ingest job; the ids of the runs."""
    job = defs.resolve_job_def(ingest_job.name)
    seen = fingerprints(settings().raw_dir)
    run_ids = []
    for request in range_requests(instance):
        on_stage(request.tags[WHAT_TAG])
        run_ids.append(job.execute_in_process(instance=instance, tags=dict(request.tags)).run_id)
    record_folder_seen(instance, seen)
    return run_ids


def follow_automation(
    instance: dg.DagsterInstance, defs: dg.Definitions, on_stage: Stage = _no_stage
) -> tuple[str | None, list[dg.AssetKey]]:
    """The automation conditions evaluated as the sensor's ticks would, and what they ask for built.

    After a build they are evaluated again, from the new cursor: that evaluation sees the build's
    own materialisations as handled and normally asks for nothing; should it ask for more, that
    is built too (up to ``MAX_TICKS`` evaluations), since a request not built would count as
    handled and never be asked for again. The last cursor is what the next ``make run`` starts from.
    """
    evaluation = dg.evaluate_automation_conditions(
        defs, instance, asset_selection=MODELS_AND_REPORT, cursor=_cursor(instance)
    )
    asset_graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def(warehouse_job.name)
    run_id, built = None, []
    for _ in range(MAX_TICKS):
        wanted = sorted(
            (key for key in asset_graph.get_all_asset_keys() if evaluation.get_num_requested(key)),
            key=lambda key: key.to_user_string(),
        )
        if not wanted:
            break
        on_stage(BUILD_WORDS)
        run_id = job.execute_in_process(instance=instance, asset_selection=wanted).run_id
        built.extend(wanted)
        evaluation = dg.evaluate_automation_conditions(
            defs, instance, asset_selection=MODELS_AND_REPORT, cursor=evaluation.cursor
        )
    _save_cursor(instance, evaluation.cursor)
    return run_id, built


def run_everything(instance: dg.DagsterInstance, defs: dg.Definitions, on_stage: Stage = _no_stage) -> RunsDone:
    """Every document's partition ingested in ranges, then the models and report if automation asks.

    ``defs`` is the code location (``pipeline.definitions.defs``), passed in because it is built
    above this layer and needs the dbt manifest prepared first.
    """
    os.environ.setdefault(PLANNED_EVENTS_AS_SUBSETS, "true")
    if _cursor(instance) is None:  # the first tick sees the graph as it is and asks for nothing
        first = dg.evaluate_automation_conditions(defs, instance, asset_selection=MODELS_AND_REPORT)
        _save_cursor(instance, first.cursor)
    done = RunsDone(ingest_run_ids=ingest(instance, defs, on_stage))
    done.build_run_id, done.built = follow_automation(instance, defs, on_stage)
    return done
