"""``make bench [SIZES=100,1000]``: parse throughput against a plain-Python floor, end to end, PDFs.

For each corpus size (``bench/corpus.py``):

- **parse**: ``pipeline.parse.document.parse_document`` in this process, one core, over the first
  ``--parse-sample`` files (default 1000: all of them up to 1000 documents) — documents/s and MB/s;
- **floor**: the same files read, decoded and split into lines and tab cells in plain Python;
- **text parse docs/s/core**: the same files parsed to rows and checked a batch at a time, in CPU
  seconds of this one process, beside the per-document path (``bench/textparse.py``);
- **frames**: only what the stack asks of a parser once it has its rows: each parsed document's
  frames (documents, projects, indicators, department targets) built as polars frames from
  ready Python columns and checked against their pandera models (the one-query fast path
  ``parse_document`` uses) — a floor for any parser that hands on checked polars frames;
- **end to end**: ``pipeline.defs.orchestrate.run_everything`` (what ``make run`` does: ranges of partitions
  per Dagster run, parsing on all cores, batched loads, then dbt and the report) into a fresh
  warehouse and a fresh Dagster home configured as ``make run``'s (``.dagster_home/dagster.yaml``:
  run history in SQLite on disk), with ``events per changed document`` counted in the event log
  of its ingest runs (``bench/events.py``: the ``document`` materialisation and its check), then a second
  run, instance opened anew as a second ``make run`` would, with no file changed, which
  must parse nothing (counted where the ingest step hands documents to the parser pool) and
  build nothing;
- **peak RSS** of the benchmark process so far (VmHWM, kept across the resets below), and
  during the ingest steps alone (``/proc/self/status`` VmHWM, reset when a step starts), which
  must not grow with the number of documents. Parser workers and dbt are separate processes.

Then issue 22's national mix (``bench/nation.py``, ``--nation 1000,10000``; 100 and 1 000 by default):
the estimate for a national year, memory across sizes, the no-change re-run.
Then PDFs: pages/s through ``parse_document`` on ``tables200p.pdf`` beside bare pdfplumber
``extract_tables()`` and pypdfium2 text (``pdf table pages vs pdfplumber: N×`` in wall-clock time,
the same in CPU time from ``bench/pdf_engine.py``, and how many pages the table engine handed to
pdfplumber), and on a budget book (``bench/pdfbook.py``: 150 text pages + the 34 pages of
``tables20.pdf``), and on those 150 prose pages alone beside pypdfium2 text (pages without tables
must go at about its speed); the best of two rounds taken in turn.
Then scans read by OCR (``bench/scanbook.py``): pages/s for table pages and for pages skipped
(no ruled grid), and the time for a 100-page scanned book with 5 table pages.
Then Dagster's ticks (automation, sensor, schedule) over 1 000 and 10 000 document partitions
(``bench/automation.py``, ``--tick-sizes``).
The last line is ``ratio parse/floor: N`` for the largest size run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Self

from bench.automation import bench_ticks
from bench.corpus import build_corpus
from bench.environment import PROJECT_INSTANCE, environment
from bench.pdf_engine import cpu_ratio
from bench.pdfbook import FIXTURES, build_budget_book
from bench.textparse import print_text_parse
from pipeline.load.batch import worker_count
from pipeline.parse.frames import DocumentFrames

MIB: Final = 1 << 20
DEFAULT_SIZES: Final = (100, 1000, 10000)

_EARLIER_PEAK_MIB = [0.0]
"""The highest peak seen before a ``reset_peak_rss``: a reset also lowers what getrusage reports."""


def peak_rss() -> str:
    """Peak RSS of this process so far (children such as parser workers and dbt not included)."""
    return f"{max(_EARLIER_PEAK_MIB[0], current_peak_rss_mib()):.0f} MiB (bench process)"


def documents_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def floor(paths: list[Path]) -> int:
    """The least any parser must do: read, decode, split lines and tab cells."""
    cells = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for line in text.splitlines():
            cells += len(line.split("\t"))
    return cells


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def parse_all(paths: list[Path], raw_dir: Path) -> tuple[Counter[str], list[DocumentFrames]]:
    from pipeline.parse.document import parse_document

    statuses: Counter[str] = Counter()
    parsed = []
    for path in paths:
        frames = parse_document(path, raw_dir)
        statuses[str(frames.documents["status"][0])] += 1
        parsed.append(frames)
    return statuses, parsed


FrameColumns = tuple[type[Any], dict[str, Any], dict[str, list[Any]]]
"""A frame as plain Python: its pandera model, polars schema and columns."""


def frame_columns(parsed: list[DocumentFrames]) -> list[list[FrameColumns]]:
    """Each document's checked frames as plain Python columns: where any parser stands before polars."""
    from pipeline.contract.schemas import DepartmentTargetFrame, DocumentFrame, IndicatorFrame, ProjectFrame

    return [
        [
            (model, dict(frame.schema), frame.to_dict(as_series=False))
            for model, frame in (
                (DocumentFrame, frames.documents),
                (ProjectFrame, frames.projects),
                (IndicatorFrame, frames.indicators),
                (DepartmentTargetFrame, frames.department_targets),
            )
        ]
        for frames in parsed
    ]


def frames_floor(documents: list[list[FrameColumns]]) -> int:
    """Build each document's frames from its columns and check them, as ``parse_document`` does."""
    import polars as pl

    from pipeline.contract.fastpath import validate_frame

    rows = 0
    for frames in documents:
        for model, schema, columns in frames:
            frame = pl.DataFrame(columns, schema=schema)
            validate_frame(model, frame)
            rows += frame.height
    return rows


def reset_peak_rss() -> None:
    """Start a new peak (VmHWM) for this process (Linux ``clear_refs``; elsewhere a no-op)."""
    clear = Path("/proc/self/clear_refs")
    if clear.exists():
        _EARLIER_PEAK_MIB[0] = max(_EARLIER_PEAK_MIB[0], current_peak_rss_mib())
        clear.write_text("5")


def current_peak_rss_mib() -> float:
    """This process's peak RSS since the last ``reset_peak_rss`` (VmHWM), or since it started."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ParseCounter:
    """Counts the documents the ingest step hands to the parser (pool), to prove a second run parses nothing.

    Also keeps the bench process's peak RSS during the ingest steps (each step's peak, measured
    from its start), apart from dbt and the report that follow.
    """

    def __init__(self) -> None:
        from pipeline.defs import ingest_assets
        from pipeline.load import batch

        self.batch = batch
        self.assets = ingest_assets
        self.original = batch.parse_all
        self.original_ingest = ingest_assets.ingest_documents
        self.calls = 0
        self.ingest_peak_mib = 0.0

    def __enter__(self) -> Self:
        def counting(jobs: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
            self.calls += len(jobs)
            return self.original(jobs, *args, **kwargs)

        def measured(*args: Any, **kwargs: Any) -> Iterator[Any]:
            reset_peak_rss()
            yield from self.original_ingest(*args, **kwargs)
            self.ingest_peak_mib = max(self.ingest_peak_mib, current_peak_rss_mib())

        self.batch.parse_all = counting  # type: ignore[assignment]
        self.assets.ingest_documents = measured  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self.batch.parse_all = self.original  # type: ignore[assignment]
        self.assets.ingest_documents = self.original_ingest  # type: ignore[assignment]


def dagster_run(open_instance: Callable[[], Any]) -> tuple[int, float, list[str]]:
    """One ``make run``, instance opened and closed as it does, with the events of its ingest runs counted:
    documents parsed, peak RSS during ingest (MiB), the lines of ``bench.events``."""
    from bench.events import count_events, events_lines
    from pipeline.definitions import defs
    from pipeline.defs.orchestrate import run_everything

    with ParseCounter() as counter, open_instance() as instance:
        done = run_everything(instance, defs)
        events = events_lines(count_events(instance, done.ingest_run_ids), counter.calls, len(done.ingest_run_ids))
    return counter.calls, counter.ingest_peak_mib, events


@contextmanager
def quiet(log: Path) -> Iterator[None]:
    """Dagster and dbt log every step to the console: send fds 1 and 2 to a file meanwhile."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def end_to_end(raw_dir: Path) -> dict[str, Any]:
    import dagster as dg

    from pipeline.defs.dbt_project import prepare_manifest

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp_name:
        tmp = Path(tmp_name)
        warehouse = tmp / "warehouse" / "jixiao.duckdb"
        home = tmp / "dagster_home"
        home.mkdir()
        shutil.copy(PROJECT_INSTANCE, home / "dagster.yaml")
        with environment(JIXIAO_RAW_DIR=str(raw_dir), JIXIAO_WAREHOUSE=str(warehouse), DAGSTER_HOME=str(home)):
            prepare_manifest()
            with quiet(raw_dir.parent / f"e2e-{raw_dir.name}.log"):
                first_s, (first_parsed, ingest_peak, events) = timed(lambda: dagster_run(dg.DagsterInstance.get))
                second_s, (second_parsed, _, _) = timed(lambda: dagster_run(dg.DagsterInstance.get))
    return {
        "first_s": first_s,
        "first_parsed": first_parsed,
        "second_s": second_s,
        "second_parsed": second_parsed,
        "ingest_peak_mib": ingest_peak,
        "events": events,
    }


def bench_size(size: int, parse_sample: int, e2e_max: int) -> float:
    folder = build_corpus(size).resolve()
    paths = documents_of(folder)
    megabytes = sum(p.stat().st_size for p in paths) / MIB
    print(f"\n== {size} documents ({megabytes:.1f} MB) in {folder}", flush=True)
    sample = paths[:parse_sample]
    sample_mb = sum(p.stat().st_size for p in sample) / MIB
    floor(sample[: min(20, len(sample))])  # warm the page cache and imports alike for both
    parse_all(sample[:5], folder)  # imports and per-model caches
    parse_s, (statuses, parsed) = timed(lambda: parse_all(sample, folder))
    floor_s, _ = timed(lambda: floor(sample))
    columns = frame_columns(parsed)
    del parsed
    frames_floor(columns[:5])
    frames_s, _ = timed(lambda: frames_floor(columns))
    ratio = parse_s / floor_s
    on = f"the first {len(sample)} documents" if len(sample) < size else f"all {size} documents"
    print(f"parse, one core, on {on}:")
    print(
        f"parse: {len(sample) / parse_s:9.1f} documents/s {sample_mb / parse_s:8.2f} MB/s  ({parse_s:.1f} s; {dict(statuses)})"
    )
    print(f"floor: {len(sample) / floor_s:9.1f} documents/s {sample_mb / floor_s:8.2f} MB/s  ({floor_s:.3f} s)")
    print(
        f"frames: {len(sample) / frames_s:9.1f} documents/s (building and checking the parsed frames alone; "
        f"{frames_s / floor_s:.0f}× the floor)"
    )
    print(f"ratio parse/floor at {size}: {ratio:.0f}")
    print_text_parse(sample, folder)
    print(f"peak RSS so far: {peak_rss()}", flush=True)
    if size > e2e_max:
        print(f"end to end: skipped above {e2e_max} documents (--e2e-max)")
        return ratio
    print(
        f"end to end, Dagster run_everything on {worker_count()} cores (log: {folder.parent / f'e2e-{size}.log'}):",
        flush=True,
    )
    result = end_to_end(folder)
    first, second = result["first_s"], result["second_s"]
    print(f"  first run {first:.1f} s ({size / first:.1f} documents/s), parsed {result['first_parsed']}")
    print(
        f"  second run, nothing changed: {second:.1f} s ({100 * second / first:.1f} % of the first), "
        f"parsed {result['second_parsed']}"
        f" ({'skipped parsing: OK' if result['second_parsed'] == 0 else 'PARSED AGAIN: BUG'})"
    )
    print(f"  peak RSS of the bench process during ingest: {result['ingest_peak_mib']:.0f} MiB")
    print(*result["events"], sep="\n")
    print(f"peak RSS so far: {peak_rss()}", flush=True)
    return ratio


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def bare_pdfplumber(path: Path) -> int:
    import pdfplumber

    tables = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            tables += len(page.extract_tables())
            page.close()
    return tables


def bare_pypdfium2(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    chars = 0
    for page in document:
        text_page = page.get_textpage()
        chars += len(text_page.get_text_range())
        text_page.close()
        page.close()
    document.close()
    return chars


BARE_LABELS: Final = {bare_pdfplumber: "pdfplumber extract_tables()", bare_pypdfium2: "pypdfium2 text"}
"""What each PDF is compared with: pdfplumber where tables are read, pypdfium2's text where none is."""
PDF_ROUNDS: Final = 2
"""Rounds of parse_document and what it is compared with, taken in turn, the best of each kept:
one round of each varied by ±10 % on this shared machine, as much as the 15 % budget for tables."""


def best_of(rounds: int, *works: Callable[[], Any]) -> list[tuple[float, Any]]:
    """Each work's shortest time over ``rounds`` rounds (the works in turn within a round), with its result."""
    best: list[tuple[float, Any]] = [(float("inf"), None)] * len(works)
    for _ in range(rounds):
        best = [min(kept, timed(work), key=lambda pair: pair[0]) for kept, work in zip(best, works, strict=True)]
    return best


def bench_pdfs() -> None:
    from pipeline.parse.document import parse_document

    books = Path(__file__).resolve().parent / "corpus" / "pdf"
    book = build_budget_book(books / "budget_book.pdf")
    prose = build_budget_book(books / "prose_only.pdf", tables=None)
    for path, against in (
        (FIXTURES / "tables200p.pdf", bare_pdfplumber),
        (book, bare_pdfplumber),
        (prose, bare_pypdfium2),
    ):
        pages = pdf_pages(path)
        (parse_s, frames), (bare_s, _) = best_of(
            PDF_ROUNDS, lambda p=path: parse_document(p, p.parent), lambda p=path, a=against: a(p)
        )
        status = frames.documents["status"][0]
        print(f"\n== PDF {path.name}: {pages} pages (best of {PDF_ROUNDS})")
        print(
            f"parse_document: {pages / parse_s:8.1f} pages/s ({parse_s:.1f} s; {status}, "
            f"{frames.projects.height} projects, {frames.indicators.height} indicators)"
        )
        print(f"{BARE_LABELS[against]}: {pages / bare_s:8.1f} pages/s ({bare_s:.2f} s)")
        print(f"parse_document over {BARE_LABELS[against]}: {100 * (parse_s / bare_s - 1):+.0f} %")
        if path.name == TABLE_PAGES_FIXTURE:
            print(f"pages pdfplumber read for the table engine: {plumber_pages(path)} of {pages}")
            print(f"pdf table pages vs pdfplumber: {bare_s / parse_s:.1f}×")
            parse_cpu, bare_cpu = cpu_ratio(path, PDF_ROUNDS)
            print(
                f"pdf table pages vs pdfplumber, CPU time: {bare_cpu / parse_cpu:.1f}× ({parse_cpu:.2f} s against {bare_cpu:.2f} s)"
            )
        if against is not bare_pypdfium2:
            pdfium_s, _ = timed(lambda p=path: bare_pypdfium2(p))
            print(f"pypdfium2 text: {pages / pdfium_s:8.1f} pages/s ({pdfium_s:.2f} s)")
        print(f"peak RSS so far: {peak_rss()}", flush=True)


TABLE_PAGES_FIXTURE: Final = "tables200p.pdf"
"""Where ``pdf table pages vs pdfplumber`` is measured: every page a table page (issue 22)."""


def plumber_pages(path: Path) -> int:
    """How many of the PDF's pages the table engine hands to pdfplumber (its fast path cannot vouch for them)."""
    from contextlib import closing

    from pipeline.parse.read.pdf_tables import TablePages

    with closing(TablePages(path.read_bytes())) as tables:
        for number in range(1, pdf_pages(path) + 1):
            tables.content(number)
        return tables.fallbacks


def bench_scans() -> None:
    """OCR (issue 20): a 100-page scanned book with 5 table pages, and its 95 prose pages and 5
    table pages alone, for pages/s of each kind (``bench/scanbook.py``)."""
    from bench.scanbook import measure_scans

    measure_scans()


BIG_TABLE_ROWS: Final = 20_000


def bench_big_table() -> None:
    """One project table of ``BIG_TABLE_ROWS`` rows (issue 17: duplicate rows were once checked
    against every earlier row, 55 s at this size): parsed in linear time."""
    from pipeline.parse.document import parse_document

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.md"
        rows = [f"| 产出指标 | 数量指标 | 指标{n}号 | ≥{n}个 |" for n in range(BIG_TABLE_ROWS)]
        path.write_text("\n".join(["| 项目名称 | 大表 |", "| 一级指标 | 二级指标 | 三级指标 | 指标值 |", *rows]))
        seconds, frames = timed(lambda: parse_document(path, Path(folder)))
    print(f"\none table of {BIG_TABLE_ROWS} rows: {seconds:.1f} s ({frames.indicators.height} rows read)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated, e.g. 100,1000")
    parser.add_argument("--parse-sample", type=int, default=1000, help="documents timed by the one-core parse")
    parser.add_argument("--e2e-max", type=int, default=10000, help="largest size run end to end at all")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF part")
    parser.add_argument("--tick-sizes", default="1000,10000", help="partitions for bench/automation.py ('' skips)")
    parser.add_argument("--nation", default="100,1000", help="sizes of the national mix (bench/nation.py); '' skips")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in str(args.sizes).split(",") if s.strip())
    os.environ.setdefault("DAGSTER_HOME", str(Path(__file__).resolve().parents[1] / ".dagster_home"))
    print(
        f"machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30):.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    ratio = 0.0
    for size in sizes:
        ratio = bench_size(size, args.parse_sample, args.e2e_max)
    if nation := [int(s) for s in str(args.nation).split(",") if s.strip()]:
        from bench.nation import bench_nation

        bench_nation(nation, worker_count())
    if not args.no_pdf:
        bench_pdfs()
        bench_scans()
    bench_big_table()
    if args.tick_sizes.strip():
        bench_ticks(tuple(int(n) for n in args.tick_sizes.split(",") if n.strip()))
    print(f"\nratio parse/floor: {ratio:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
