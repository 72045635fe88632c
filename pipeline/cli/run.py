"""``jixiao run``: every document in the raw folder, then the dbt models and the report, quietly.

The runs are the schedule's and the automation's own (``pipeline.defs.orchestrate``), recorded
in the Dagster instance the UI shows. The terminal gets a progress bar over the documents and a
closing summary: loaded, unchanged, failed (each failed file with its class and what to do),
low-confidence documents, and where the warehouse, the report and the log are. Dagster's and
dbt's logs go to the log file (``-v``: to the terminal instead).

Exit codes: 0 when every document in the raw folder is loaded; 1 when any is ``failed`` (a
nightly job can alert: a person must act on a file); 2 when the run stopped before or during
its work (a missing raw folder, a mass withdrawal, a damaged warehouse, a warehouse held open
longer than the run waits, a failed dbt build), with one line saying why.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pipeline.cli.facts import WarehouseFacts, warehouse_facts
from pipeline.cli.terminal import quiet
from pipeline.defs.config import settings
from pipeline.defs.discovery import fingerprints
from pipeline.defs.partitions import DOCUMENTS_PARTITION_NAME
from pipeline.defs.report_assets import report_index
from pipeline.load.batch import ALLOW_WITHDRAW_ALL_ENV, LoadFailedError, MassWithdrawalError, Outcome, check_withdrawals
from pipeline.load.lake import LakeWriteError
from pipeline.load.loaded import loaded_versions
from pipeline.load.readers import WarehouseBusyError
from pipeline.load.warehouse import WarehouseUnreadableError
from pipeline.parse.read.files import RawFolderMissingError

EXIT_OK: Final = 0
EXIT_DOCUMENT_FAILED: Final = 1
EXIT_STOPPED: Final = 2
LISTED: Final = 20
"""Failed and low-confidence documents listed by name in the summary; the rest are counted."""
STOPPING_ERRORS: Final = (
    RawFolderMissingError,
    MassWithdrawalError,
    WarehouseUnreadableError,
    WarehouseBusyError,
    LoadFailedError,
    LakeWriteError,
)
"""Errors that stop a run and say plainly why; anything else is reported with the log's path."""


@dataclass
class Tally:
    """What became of the documents in this run, by outcome (``loaded``, ``unchanged``, ``failed``, ``withdrawn``)."""

    counts: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        total = sum(self.counts.values())
        parts = [f"{self.counts[name]} {name}" for name in ("loaded", "unchanged", "failed", "withdrawn")]
        return f"{total} documents: " + ", ".join(parts)


def preflight() -> None:
    """Stop before any Dagster run when the raw folder is missing, the warehouse unreadable, or the
    run would withdraw most of the warehouse: each says why instead of failing half-way."""
    config = settings()
    check_withdrawals(loaded_versions(config.warehouse), config.raw_dir)


def stopping_error(err: BaseException) -> BaseException | None:
    """The error among ``err`` and its causes that says why a run stopped, if it is one we explain."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, STOPPING_ERRORS):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def documents_to_visit() -> int:
    """The documents a run goes through: the files in the raw folder and any known partition whose file is gone."""
    import dagster as dg

    present = set(fingerprints(settings().raw_dir))
    with dg.DagsterInstance.get() as instance:
        known = set(instance.get_dynamic_partitions(DOCUMENTS_PARTITION_NAME))
    return len(present | known)


def execute(tally: Tally, progress: Progress | None, task: TaskID | None) -> None:
    """The runs, with each document's outcome counted and shown as it comes."""
    import dagster as dg

    from pipeline.defs.dbt_project import prepare_manifest
    from pipeline.defs.ingest_assets import OUTCOME_LISTENERS
    from pipeline.defs.orchestrate import run_everything

    def seen(outcome: Outcome) -> None:
        tally.counts[outcome.status] += 1
        if progress is not None and task is not None:
            progress.update(task, advance=1, description=outcome.source_file[-40:])

    prepare_manifest()
    from pipeline.definitions import defs  # needs the manifest, prepared above

    def stage(what: str) -> None:
        if progress is not None and task is not None:
            progress.update(task, description=what)

    OUTCOME_LISTENERS.append(seen)
    try:
        with dg.DagsterInstance.get() as instance:
            run_everything(instance, defs, on_stage=stage)
    finally:
        OUTCOME_LISTENERS.remove(seen)


def summary(tally: Tally, facts: WarehouseFacts | None, log: Path | None) -> list[str]:
    """The closing lines: what happened, what needs a person, where things are."""
    config = settings()
    lines = [f"jixiao run: {tally.line()}"]
    if facts and facts.failures:
        lines.append(f"failed documents ({len(facts.failures)}), each needs a person:")
        for failure in facts.failures[:LISTED]:
            lines.append(f"  {failure.source_file}  [{failure.error_class}] {failure.first_line}")
            if failure.advice:
                lines.append(f"      → {failure.advice}")
        if len(facts.failures) > LISTED:
            lines.append(f"  … and {len(facts.failures) - LISTED} more (jixiao status lists them all)")
    if facts and facts.low_confidence:
        lines.append(
            f"low-confidence documents ({len(facts.low_confidence)}), check their rows with `jixiao check FILE`:"
        )
        lines.extend(f"  {name}  confidence {confidence:.2f}" for name, confidence in facts.low_confidence[:LISTED])
        if len(facts.low_confidence) > LISTED:
            lines.append(f"  … and {len(facts.low_confidence) - LISTED} more")
    index = report_index(config.warehouse)
    lines.append(f"warehouse: {config.warehouse}")
    lines.append(f"report:    {index}" if index.exists() else "report:    not built yet")
    if log is not None:
        lines.append(f"log:       {log}")
    return lines


def run(log: Path | None, allow_withdraw_all: bool) -> int:
    """One ``jixiao run``; its exit code (see the module docstring)."""
    if allow_withdraw_all:
        os.environ[ALLOW_WITHDRAW_ALL_ENV] = "1"
    console_err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        preflight()
    except STOPPING_ERRORS as err:
        console_err.print(f"jixiao: {err}", markup=False)
        return EXIT_STOPPED
    tally = Tally()
    with quiet(log) as terminal:
        failure = _run_with_progress(tally, terminal, show_progress=log is not None and terminal.isatty())
    out = Console(highlight=False, soft_wrap=True)
    if failure is not None:
        console_err.print(f"jixiao: the run stopped: {failure}", markup=False)
        if log is not None:
            console_err.print(f"jixiao: the log: {log}", markup=False)
        return EXIT_STOPPED
    facts = warehouse_facts(settings().warehouse)
    for line in summary(tally, facts, log):
        out.print(line, markup=False)
    return EXIT_DOCUMENT_FAILED if facts and facts.failures else EXIT_OK


def _run_with_progress(tally: Tally, terminal: TextIO, show_progress: bool) -> str | None:
    """The runs under a progress bar on ``terminal``; None, or why they stopped."""
    console = Console(file=terminal, highlight=False)
    columns = (TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        if not show_progress:
            execute(tally, None, None)
            return None
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("documents", total=documents_to_visit())
            execute(tally, progress, task)
    except Exception as err:  # the run's own errors are explained; any other is named, with the log
        known = stopping_error(err)
        return str(known) if known is not None else f"{type(err).__name__}: {err}"
    return None
