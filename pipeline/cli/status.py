"""``jixiao status``: the last run, the documents by status, and every failure with its file, class and message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from pipeline.cli.facts import warehouse_facts
from pipeline.defs.automation import WHAT_TAG


def last_run_line(instance: dg.DagsterInstance) -> str:
    """``last run: ingest a.txt … z.txt (ingest_documents) SUCCESS, 2026-01-01 02:00 UTC``, or that there was none."""
    runs = instance.get_run_records(limit=1)
    if not runs:
        return "last run: none yet (jixiao run)"
    record = runs[0]
    run = record.dagster_run
    what = run.tags.get(WHAT_TAG, run.job_name)
    when = record.end_time or record.start_time or record.create_timestamp.timestamp()
    stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"last run: {what} ({run.job_name}) {run.status.value}, {stamp}, id {run.run_id[:8]}"


def status_lines(instance: dg.DagsterInstance, warehouse: Path) -> tuple[list[str], bool]:
    """What ``jixiao status`` prints, and whether any document is failed."""
    lines = [last_run_line(instance), f"warehouse: {warehouse}"]
    facts = warehouse_facts(warehouse)
    if facts is None:
        lines.append("documents: none loaded yet")
        return lines, False
    lines.append("documents: " + ", ".join(f"{count} {status}" for status, count in sorted(facts.by_status.items())))
    for failure in facts.failures:
        lines.append(f"  failed: {failure.source_file}  [{failure.error_class}] {failure.message.strip()}")
    for name, confidence in facts.low_confidence:
        lines.append(f"  low confidence: {name}  {confidence:.2f}")
    return lines, bool(facts.failures)
