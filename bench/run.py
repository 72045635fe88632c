"""``make bench [SIZES=100,1000]``: parse throughput against a plain-Python floor, end to end, PDFs.

For each corpus size (``bench/corpus.py``):

- **parse**: ``pipeline.ingest.parse_document`` over every file — documents/s and MB/s;
- **floor**: the same files read, decoded and split into lines and tab cells in plain Python;
- **end to end**: a full materialisation into a fresh warehouse, then a second run with no file
  changed (which must parse nothing). Up to ``--dagster-max`` documents (default 100) through
  ``pipeline.run.materialise_all`` with an ephemeral DagsterInstance; above that the per-partition
  Dagster run overhead (~0.5–1 s per document, in one process) makes it infeasible on this
  machine, so the same work runs without Dagster: ``is_unchanged`` → ``parse_document`` →
  ``load_document`` per file, then ``dbt build`` via dbtRunner. The output says which.
- **peak RSS** of the benchmark process so far (``resource.getrusage``, so it only grows).

Then PDFs: pages/s through ``parse_document`` on ``tables200p.pdf`` beside bare pdfplumber
``extract_tables()`` and pypdfium2 text, and on a budget book (``bench/pdfbook.py``: 150 text
pages + the 34 pages of ``tables20.pdf``). The last line is ``ratio parse/floor: N`` for the
largest size run.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Self

from bench.corpus import build_corpus
from bench.pdfbook import FIXTURES, build_budget_book

MIB: Final = 1 << 20
DEFAULT_SIZES: Final = (100, 1000, 10000)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def parse_all(paths: list[Path], raw_dir: Path) -> Counter[str]:
    from pipeline.ingest import parse_document

    statuses: Counter[str] = Counter()
    for path in paths:
        statuses[str(parse_document(path, raw_dir).documents["status"][0])] += 1
    return statuses


class ParseCounter:
    """Wraps parse_document where the ingest asset calls it, to prove a second run parses nothing."""

    def __init__(self) -> None:
        import pipeline.defs.ingest_assets as assets

        self.assets = assets
        self.original = assets.parse_document
        self.calls = 0

    def __enter__(self) -> Self:
        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return self.original(*args, **kwargs)

        self.assets.parse_document = counting
        return self

    def __exit__(self, *exc: object) -> None:
        self.assets.parse_document = self.original


def dagster_run() -> int:
    import dagster as dg

    from pipeline.run import materialise_all

    with dg.DagsterInstance.ephemeral() as instance, ParseCounter() as counter:
        materialise_all(instance)
    return counter.calls


def plain_run(raw_dir: Path, warehouse: Path, tmp: Path) -> int:
    """What the ingest assets and the dbt asset do, without Dagster: returns how many files were parsed."""
    from dbt.cli.main import dbtRunner

    from pipeline.config import DBT_PROJECT_DIR
    from pipeline.ingest import discover_documents, is_unchanged, parse_document
    from pipeline.warehouse import load_document, prepare_raw_layer

    parsed = 0
    for path in discover_documents(raw_dir):
        if is_unchanged(path, raw_dir, warehouse):
            continue
        load_document(warehouse, parse_document(path, raw_dir))
        parsed += 1
    prepare_raw_layer(warehouse)
    args = ["build", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")]
    result = dbtRunner().invoke(args)
    if not result.success:
        raise RuntimeError(f"dbt build failed: {result.exception}")
    _release_dbt_duckdb()
    return parsed


def _release_dbt_duckdb() -> None:
    import gc

    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


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


def end_to_end(raw_dir: Path, use_dagster: bool) -> dict[str, Any]:
    from pipeline.defs.dbt_project import prepare_manifest

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp_name:
        tmp = Path(tmp_name)
        warehouse = tmp / "warehouse" / "jixiao.duckdb"
        saved = {k: os.environ.get(k) for k in ("JIXIAO_RAW_DIR", "JIXIAO_WAREHOUSE")}
        os.environ["JIXIAO_RAW_DIR"] = str(raw_dir)
        os.environ["JIXIAO_WAREHOUSE"] = str(warehouse)
        try:
            prepare_manifest()
            run: Callable[[], int] = dagster_run if use_dagster else (lambda: plain_run(raw_dir, warehouse, tmp))
            with quiet(raw_dir.parent / f"e2e-{raw_dir.name}.log"):
                first_s, first_parsed = timed(run)
                second_s, second_parsed = timed(run)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return {"first_s": first_s, "first_parsed": first_parsed, "second_s": second_s, "second_parsed": second_parsed}


def bench_size(size: int, dagster_max: int, e2e_max: int) -> float:
    folder = build_corpus(size).resolve()
    paths = documents_of(folder)
    megabytes = sum(p.stat().st_size for p in paths) / MIB
    print(f"\n== {size} documents ({megabytes:.1f} MB) in {folder}", flush=True)
    floor(paths[: min(20, len(paths))])  # warm the page cache and imports alike for both
    parse_all(paths[:5], folder)
    parse_s, statuses = timed(lambda: parse_all(paths, folder))
    floor_s, _ = timed(lambda: floor(paths))
    ratio = parse_s / floor_s
    print(f"parse: {size / parse_s:9.1f} documents/s {megabytes / parse_s:8.2f} MB/s  ({parse_s:.1f} s; {dict(statuses)})")
    print(f"floor: {size / floor_s:9.1f} documents/s {megabytes / floor_s:8.2f} MB/s  ({floor_s:.3f} s)")
    print(f"ratio parse/floor at {size}: {ratio:.0f}")
    print(f"peak RSS so far: {peak_rss_mib():.0f} MiB", flush=True)
    if size > e2e_max:
        print(f"end to end: skipped above {e2e_max} documents (--e2e-max)")
        return ratio
    use_dagster = size <= dagster_max
    how = "Dagster materialise_all (in process, ephemeral instance)" if use_dagster else (
        "WITHOUT Dagster (parse_document + load_document + dbt build via dbtRunner): "
        f"one Dagster run per partition is infeasible at {size} documents"
    )
    print(f"end to end, {how} (log: {folder.parent / f'e2e-{size}.log'}):", flush=True)
    result = end_to_end(folder, use_dagster)
    print(f"  first run {result['first_s']:.1f} s ({size / result['first_s']:.1f} documents/s), parsed {result['first_parsed']}")
    print(f"  second run, nothing changed: {result['second_s']:.1f} s, parsed {result['second_parsed']}"
          f" ({'skipped parsing: OK' if result['second_parsed'] == 0 else 'PARSED AGAIN: BUG'})")
    print(f"peak RSS so far: {peak_rss_mib():.0f} MiB", flush=True)
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


def bench_pdfs(skip_plumber_on_book: bool = False) -> None:
    from pipeline.ingest import parse_document

    book = build_budget_book(Path(__file__).resolve().parent / "corpus" / "pdf" / "budget_book.pdf")
    for path in (FIXTURES / "tables200p.pdf", book):
        pages = pdf_pages(path)
        parse_s, frames = timed(lambda p=path: parse_document(p, p.parent))
        status = frames.documents["status"][0]
        print(f"\n== PDF {path.name}: {pages} pages")
        print(f"parse_document: {pages / parse_s:8.1f} pages/s ({parse_s:.1f} s; {status}, "
              f"{frames.projects.height} projects, {frames.indicators.height} indicators)")
        plumber_s, tables = timed(lambda p=path: bare_pdfplumber(p))
        print(f"pdfplumber extract_tables(): {pages / plumber_s:8.1f} pages/s ({plumber_s:.1f} s; {tables} tables)")
        pdfium_s, _ = timed(lambda p=path: bare_pypdfium2(p))
        print(f"pypdfium2 text: {pages / pdfium_s:8.1f} pages/s ({pdfium_s:.2f} s)")
        print(f"peak RSS so far: {peak_rss_mib():.0f} MiB", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated, e.g. 100,1000")
    parser.add_argument("--dagster-max", type=int, default=100, help="largest size run end to end through Dagster")
    parser.add_argument("--e2e-max", type=int, default=10000, help="largest size run end to end at all")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF part")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in str(args.sizes).split(",") if s.strip())
    os.environ.setdefault("DAGSTER_HOME", str(Path(__file__).resolve().parents[1] / ".dagster_home"))
    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30):.0f} GiB RAM, "
          f"Python {platform.python_version()}, {platform.platform()}")
    ratio = 0.0
    for size in sizes:
        ratio = bench_size(size, args.dagster_max, args.e2e_max)
    if not args.no_pdf:
        bench_pdfs()
    print(f"\nratio parse/floor: {ratio:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
