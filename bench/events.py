"""``events per changed document``: what a run writes to the Dagster instance for each document it read.

Counted in the event log of the ingest runs of one ``make run`` (``run_everything``): the events
that name a document's partition (the ``document`` materialisation and the ``readable`` check
evaluation), over the documents those runs parsed; and, beside it, every event of those runs
(run start and end, steps, the planned events, the raw tables' materialisations, logs) over the
same documents, which the per-run events amortise as runs grow.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from pipeline.defs.ingest_assets import document_of_event


@dataclass(frozen=True)
class EventCount:
    per_document: int
    """Events naming a document partition."""
    total: int
    """Every event of the runs."""


def count_events(instance: dg.DagsterInstance, run_ids: list[str]) -> EventCount:
    """The events of the runs, those naming a document and all of them."""
    per_document = total = 0
    for run_id in run_ids:
        for entry in instance.all_logs(run_id):
            total += 1
            per_document += document_of_event(entry) is not None
    return EventCount(per_document, total)


def events_lines(count: EventCount, changed: int, runs: int) -> list[str]:
    """``events per changed document: N`` and the same with the runs' own events."""
    if not changed:
        return ["events per changed document: no document changed"]
    return [
        f"events per changed document: {count.per_document / changed:.2f}",
        f"  with the {runs} ingest run(s)' own events: {count.total / changed:.2f} ({count.total} events)",
    ]
