"""Many documents in one go, with memory flat in their number.

``ingest_documents`` is what the Dagster ingest assets run for the partitions of one run (one
document or thousands): what the warehouse holds is read once, a file it holds is hashed to
see whether it changed (unless its size, times and inode are those recorded when it was read:
``pipeline.load.loaded.digest_now``), an unchanged file (same sha256, same parser version, in the lake) is
skipped without being read, and the rest are parsed — and hashed from the bytes parsed — in a
spawn process pool on all cores (polars' threads do not survive ``fork``) and loaded in batches
of ``BATCH_DOCUMENTS``. Workers hand back plain rows (``DocumentRows``); each batch's rows become
one frame per raw table, checked against the contract in one query per table
(``pipeline.parse.checks.checked_batch``: a bad document fails alone), then go to the Parquet
lake and into DuckDB in one transaction and one insert per raw table, writes serialised by the
warehouse lock while the workers go on parsing. Only the rows of the documents waiting to be
loaded are held in memory, never the corpus.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Final, TypeVar

from filelock import FileLock

from pipeline.load.lake import in_lake, lake_dir, write_batch
from pipeline.load.loaded import LoadedVersion, digest_now, is_unchanged, loaded_versions
from pipeline.load.warehouse import load_documents
from pipeline.parse.checks import checked_batch
from pipeline.parse.document import parse_rows
from pipeline.parse.frames import SOURCE_KEY, BatchFrames, DocumentRows
from pipeline.parse.read.files import discover_documents, source_file_of, stored_name

T = TypeVar("T")

BATCH_DOCUMENTS: Final = 100
"""Documents per load transaction: few enough to keep memory small, enough to make inserts cheap."""
POOL_MIN_DOCUMENTS: Final = 8
"""Fewer documents to parse than this are parsed in this process: starting workers takes seconds."""
IN_FLIGHT: Final = 2 * BATCH_DOCUMENTS
"""Documents submitted to the workers and not yet loaded, at most: keeps memory flat."""
FAILURES_LISTED: Final = 10
"""A warehouse that refuses every write fails every document: name a few, count the rest."""
UNCHANGED: Final = "unchanged"
UNAVAILABLE: Final = "unavailable"
ALLOW_WITHDRAW_ALL_ENV: Final = "JIXIAO_ALLOW_WITHDRAW_ALL"
"""Set to 1 to let a run withdraw more than half of the warehouse's documents (``make run``:
``--allow-withdraw-all``)."""
MAX_WITHDRAWN_SHARE: Final = 0.5
"""A run that would leave more than this share of the warehouse's documents withdrawn refuses."""
RUN_LOCK_SLOTS: Final = 64
"""Lock files a warehouse may have for runs of the same documents (see ``same_documents_lock``)."""
RUN_LOCK_WAIT_SECONDS: Final = 3600
"""A run waits this long for another run of the same documents, then fails saying the lock timed out."""


@dataclass(frozen=True)
class ParseJob:
    source_file: str
    """As listed in the raw folder (bytes of a non-UTF-8 name kept): it leads back to the file."""


@dataclass(frozen=True)
class Outcome:
    """What became of one document: ``unchanged`` (skipped), or the status it was loaded with."""

    source_file: str
    sha256: str
    status: str
    layout: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    """Rows per raw table; empty when unchanged."""
    error_class: str | None = None
    """A failed document's class of failure (``pipeline.core.errors.ERROR_CLASSES``); None otherwise."""
    message: str | None = None
    """A failed document's message, as its ``ingest_errors`` row has it; None otherwise."""


class LoadFailedError(RuntimeError):
    """Documents that could not be written to the warehouse (every other document was loaded)."""


class MassWithdrawalError(RuntimeError):
    """A run would withdraw most of the warehouse: far likelier a wrong or unmounted folder than deletions."""


def worker_count() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def withdrawal_allowed() -> bool:
    """Whether the person running this said the mass withdrawal is meant (``ALLOW_WITHDRAW_ALL_ENV``)."""
    return os.environ.get(ALLOW_WITHDRAW_ALL_ENV, "").strip().lower() in {"1", "true", "yes"}


def check_withdrawals(loaded: dict[str, LoadedVersion], raw_dir: Path) -> None:
    """Refuse, before anything is written, when most held documents have no file in the raw folder.

    Counted over the whole warehouse and folder, not this run's documents: a run of ranges must
    not withdraw everything a range at a time.
    """
    if withdrawal_allowed():
        return
    held = {name for name, version in loaded.items() if version.status != "withdrawn"}
    present = {stored_name(source_file_of(path, raw_dir)) for path in discover_documents(raw_dir)}
    gone = held - present
    if gone and len(gone) > MAX_WITHDRAWN_SHARE * len(held):
        raise MassWithdrawalError(
            f"refusing to withdraw {len(gone)} of the {len(held)} documents in the warehouse: their files are not "
            f"in {raw_dir}. Check JIXIAO_RAW_DIR and that the folder is mounted; if they were deleted on purpose, "
            f"run again with --allow-withdraw-all ({ALLOW_WITHDRAW_ALL_ENV}=1)."
        )


def plan(source_files: Iterable[str], raw_dir: Path, warehouse: Path) -> tuple[list[ParseJob], list[Outcome]]:
    """Split the documents into those to parse and those the warehouse (and the lake) already hold.

    A file the warehouse never held is not hashed here: it is parsed anyway, and hashed as it is
    read. A held one is unchanged only if its lake file exists too, so a run killed between the
    lake and DuckDB never leaves the lake short for good. Raises ``MassWithdrawalError`` (see
    ``check_withdrawals``) when the run would withdraw documents and most of the warehouse is gone.
    """
    loaded = loaded_versions(warehouse)
    lake = lake_dir(warehouse)
    jobs: list[ParseJob] = []
    unchanged: list[Outcome] = []
    withdraws = False
    for source_file in source_files:
        name, path = stored_name(source_file), raw_dir / source_file
        held = loaded.get(name)
        sha256 = None if held is None else digest_now(held, path, raw_dir)
        if held is not None and is_unchanged(held, sha256) and in_lake(lake, name, held.status):
            unchanged.append(Outcome(source_file, sha256 or UNAVAILABLE, UNCHANGED))
        else:
            withdraws |= held is not None and held.status != "withdrawn" and not os.path.lexists(path)
            jobs.append(ParseJob(source_file))
    if withdraws:
        check_withdrawals(loaded, raw_dir)
    return jobs, unchanged


def parse_job(job: ParseJob, raw_dir: Path) -> DocumentRows:
    """One document parsed to rows (in a worker process); module-level so that spawn can pickle it."""
    return parse_rows(raw_dir / job.source_file, raw_dir)


def parse_all(jobs: Sequence[ParseJob], raw_dir: Path, workers: int) -> Iterator[DocumentRows]:
    """The jobs' rows in order, parsed by ``workers`` spawn processes (or here, for a few documents).

    At most ``IN_FLIGHT`` documents are submitted and not yet taken: when loading falls behind
    parsing, the workers wait instead of piling up parsed rows in memory.
    """
    parse = partial(parse_job, raw_dir=raw_dir)
    if workers <= 1 or len(jobs) < POOL_MIN_DOCUMENTS:
        yield from map(parse, jobs)
        return
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=spawn) as pool:
        waiting = iter(jobs)
        in_flight = deque(pool.submit(parse, job) for job in islice(waiting, IN_FLIGHT))
        while in_flight:
            frames = in_flight.popleft().result()
            in_flight.extend(pool.submit(parse, job) for job in islice(waiting, 1))
            yield frames


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def outcomes_of(source_files: Sequence[str], batch: BatchFrames) -> Iterator[tuple[str, Outcome]]:
    """Each document's stored name and outcome, from its one documents row (and its first error, if
    it failed), under the name the run listed it by (``source_files``, in the batch's order)."""
    counts = batch.rows_per_document()
    documents = {row[SOURCE_KEY]: row for row in batch.documents.iter_rows(named=True)}
    errors: dict[str, dict[str, str]] = {}
    for row in batch.errors.iter_rows(named=True):
        errors.setdefault(row[SOURCE_KEY], row)
    for source_file, stored in zip(source_files, batch.source_files, strict=True):
        document = documents[stored]
        error = errors.get(stored, {})
        yield stored, Outcome(
            source_file=source_file,
            sha256=str(document["sha256"] or UNAVAILABLE),
            status=str(document["status"]),
            layout=document["layout"],
            rows=counts[stored],
            error_class=error.get("error_class"),
            message=error.get("message"),
        )


def run_lock_path(warehouse: Path, source_files: Sequence[str]) -> Path:
    """The lock of one set of documents: one of ``RUN_LOCK_SLOTS`` files beside the warehouse.

    A fixed number of slots keeps the folder from filling with a lock per range ever run; two
    different sets sharing a slot only take turns.
    """
    listing = "\n".join(sorted(source_files)).encode("utf-8", "surrogateescape")
    slot = int.from_bytes(hashlib.sha256(listing).digest()[:4], "big") % RUN_LOCK_SLOTS
    return warehouse.with_name(f"{warehouse.name}.run-{slot:02d}.lock")


@contextmanager
def same_documents_lock(warehouse: Path, source_files: Sequence[str]) -> Iterator[None]:
    """Held from planning to the last load, so that two runs of the same documents started
    together (make run twice, the schedule beside a backfill) take turns: the second then finds
    them unchanged and parses nothing, instead of parsing and loading everything twice.
    Runs of other documents go on in parallel."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(run_lock_path(warehouse, source_files)), timeout=RUN_LOCK_WAIT_SECONDS):
        yield


def ingest_documents(
    source_files: Iterable[str], raw_dir: Path, warehouse: Path, workers: int | None = None
) -> Iterator[Outcome]:
    """Every document's outcome, unchanged ones first, the others as their batch is loaded.

    Each batch goes to the Parquet lake (``pipeline.load.lake``) before its DuckDB transaction: a run
    killed in between leaves the lake ahead, never behind, and the next run parses the batch
    again because DuckDB does not hold it. Another run of the same documents waits for this one
    (``same_documents_lock``). Raises ``LoadFailedError`` at the end if some document could not
    be written (after all others were).
    """
    names = list(source_files)
    failed: dict[str, Exception] = {}
    with same_documents_lock(warehouse, names):
        jobs, unchanged = plan(names, raw_dir, warehouse)
        yield from unchanged
        lake = lake_dir(warehouse)
        parsed = zip(jobs, parse_all(jobs, raw_dir, workers or worker_count()), strict=True)
        for batch in batches(parsed, BATCH_DOCUMENTS):
            frames = checked_batch([rows for _, rows in batch])
            write_batch(lake, frames)
            failures = load_documents(warehouse, frames)
            failed.update(failures)
            for stored, outcome in outcomes_of([job.source_file for job, _ in batch], frames):
                if stored not in failures:
                    yield outcome
    if failed:
        raise LoadFailedError(load_failure_message(failed))


def load_failure_message(failed: dict[str, Exception]) -> str:
    """The documents that could not be loaded and why: the first ``FAILURES_LISTED`` of them."""
    shown = sorted(failed.items())[:FAILURES_LISTED]
    listed = "; ".join(f"{name}: {type(err).__name__}: {err}" for name, err in shown)
    more = f"; and {len(failed) - len(shown)} more" if len(failed) > len(shown) else ""
    return f"{len(failed)} document(s) could not be loaded: {listed}{more}"
