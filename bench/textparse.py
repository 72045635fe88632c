"""``text parse docs/s/core: N`` (issue 22): how many text documents one core parses per second.

Defined as: N documents divided by the CPU seconds (``time.process_time``: every thread of this one
process, polars' included) it takes to parse each of them to rows (``parse_rows``, what a parser
worker runs) and to build and check their frames batch by batch (``checked_batch`` on every
``BATCH_DOCUMENTS`` documents, as ``ingest_documents`` does) — documents per second per core.
Loading into DuckDB and the Parquet lake are not in it.

Beside it, measured in the same process on the same documents, taken in turn: the per-document
path (``parse_document``: every document builds and checks its own frames), which is what a worker
did before batches. CPU time is what the line reports because the machine is shared: wall time
moves with the other processes' load, a process's CPU time much less. Each is the best of
``ROUNDS`` rounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROUNDS: Final = 3
"""A shared virtual machine's CPU runs slower at times: the same code read 152 and 122 docs/s/core
five minutes apart (2026-12-08). The best of three rounds, as ``timeit`` repeats, is the code's own cost."""
WARM_UP: Final = 5
"""Documents parsed before timing: imports, compiled patterns and each model's check expressions."""


@dataclass(frozen=True)
class TextParse:
    documents: int
    batched_cpu_s: float
    per_document_cpu_s: float

    @property
    def batched_rate(self) -> float:
        return self.documents / self.batched_cpu_s

    @property
    def per_document_rate(self) -> float:
        return self.documents / self.per_document_cpu_s


def parse_batched(paths: list[Path], raw_dir: Path) -> int:
    """Parse to rows and check batch by batch, as ``ingest_documents`` does; the documents loaded."""
    from pipeline.load.batch import BATCH_DOCUMENTS, batches
    from pipeline.parse.checks import checked_batch
    from pipeline.parse.document import parse_rows

    loaded = 0
    for batch in batches((parse_rows(path, raw_dir) for path in paths), BATCH_DOCUMENTS):
        frames = checked_batch(batch)
        loaded += frames.documents.filter(frames.documents["status"] == "loaded").height
    return loaded


def parse_one_by_one(paths: list[Path], raw_dir: Path) -> int:
    """Every document's own frames built and checked (``parse_document``); the documents loaded."""
    from pipeline.parse.document import parse_document

    return sum(parse_document(path, raw_dir).documents["status"][0] == "loaded" for path in paths)


def cpu_seconds(work: Callable[[], int]) -> tuple[float, int]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def text_parse(paths: list[Path], raw_dir: Path) -> TextParse:
    """Both ways over the same documents, in turn, best of ``ROUNDS``; they must load the same documents."""
    parse_batched(paths[:WARM_UP], raw_dir)
    parse_one_by_one(paths[:WARM_UP], raw_dir)
    batched, per_document = float("inf"), float("inf")
    for _ in range(ROUNDS):
        batched_s, batched_loaded = cpu_seconds(lambda: parse_batched(paths, raw_dir))
        per_document_s, per_document_loaded = cpu_seconds(lambda: parse_one_by_one(paths, raw_dir))
        if batched_loaded != per_document_loaded:
            raise AssertionError(f"batched loaded {batched_loaded} documents, one by one {per_document_loaded}")
        batched, per_document = min(batched, batched_s), min(per_document, per_document_s)
    return TextParse(len(paths), batched, per_document)


def print_text_parse(paths: list[Path], raw_dir: Path) -> None:
    """The bench lines: ``text parse docs/s/core: N`` and the per-document path beside it."""
    result = text_parse(paths, raw_dir)
    print(f"text parse docs/s/core: {result.batched_rate:.1f}")
    print(
        f"  ({result.documents} documents, {result.batched_cpu_s:.2f} CPU s: parse_rows + checked_batch per batch; "
        f"per document, parse_document: {result.per_document_rate:.1f} docs/s/core, {result.per_document_cpu_s:.2f} "
        f"CPU s; best of {ROUNDS}, in turn)",
        flush=True,
    )
