"""A scanned budget book for the OCR benchmark: 95 pages of prose and 5 table pages, all pictures.

A township's printed budget book, signed, stamped and scanned, holds its 绩效目标表 on a few pages
among many pages of prose. ``build_scanned_book`` makes one: the text pages of
``bench/pdfbook.py`` and pages 1-5 of ``tables20.pdf`` (tables 1-3, and the start of table 4),
each scanned by ``scripts/make_scan_fixtures.scan_page`` at 200 dpi (noise, a rotation up to 1.5°;
a red seal on the table pages), the table pages in the middle of the book. The books are made
once under ``bench/corpus/scans/`` and reused. ``measure_scans`` prints the OCR lines of
``make bench`` (alone: ``uv run python -m bench.scanbook``).
"""

from __future__ import annotations

import io
import resource
import time
from pathlib import Path
from typing import Final

import pypdfium2 as pdfium
from PIL import Image

from bench.pdfbook import build_budget_book
from pipeline.parse.document import parse_document
from scripts.make_scan_fixtures import scan_page

TABLES: Final = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf" / "tables20.pdf"
SCANS: Final = Path(__file__).resolve().parent / "corpus" / "scans"
DPI: Final = 200
TABLE_PAGES: Final = 5
PROSE_PAGES: Final = 95


def _scans(source: Path, numbers: range, seal: bool) -> list[Image.Image]:
    document = pdfium.PdfDocument(source)
    try:
        return [Image.open(io.BytesIO(scan_page(document[n - 1], source.name, n, DPI, seal))) for n in numbers]
    finally:
        document.close()


def _write(target: Path, pages: list[Image.Image]) -> Path:
    """The pages as an image-only PDF. Copies are saved: Pillow keeps a saved image's options
    (its ``append_images``) for its next save, so a page that began one book would begin the
    next with the first book's pages."""
    target.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = (page.copy() for page in pages)
    first.save(target, format="PDF", save_all=True, append_images=rest, resolution=float(DPI))
    return target


def build_scanned_books() -> tuple[Path, Path, Path]:
    """(the 100-page book, its 95 prose pages alone, its 5 table pages alone), made on first use."""
    book, prose_only, tables_only = (SCANS / f"{name}.pdf" for name in ("book100", "book_prose95", "book_tables5"))
    if book.exists() and prose_only.exists() and tables_only.exists():
        return book, prose_only, tables_only
    prose_pdf = build_budget_book(SCANS / "prose_text.pdf", text_pages=PROSE_PAGES, tables=None)
    prose = _scans(prose_pdf, range(1, PROSE_PAGES + 1), seal=False)
    tables = _scans(TABLES, range(1, TABLE_PAGES + 1), seal=True)
    half = PROSE_PAGES // 2
    _write(book, prose[:half] + tables + prose[half:])
    _write(prose_only, prose)
    _write(tables_only, tables)
    return book, prose_only, tables_only


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the page-reading workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_scans() -> None:
    """The books parsed as one document each, in this process (its table pages read on every core
    when there are several, as ``jixiao`` reads a document given alone): wall-clock time and
    pages/s, and CPU time (this process and its workers), which the other programs on a shared
    machine do not inflate."""
    book, prose, tables = build_scanned_books()
    print("\n== scanned PDFs, read by OCR (200 dpi, noise, rotation, red seals on the table pages)")
    for label, path in (("table pages", tables), ("skipped pages (no ruled grid)", prose), ("100-page book", book)):
        pages = len(pdfium.PdfDocument(path))
        cpu, started = _cpu_seconds(), time.perf_counter()
        frames = parse_document(path, path.parent)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        status = frames.documents["status"][0]
        print(
            f"{label}: {pages} pages in {seconds:.1f} s = {pages / seconds:.2f} pages/s, CPU {cpu:.1f} s "
            f"({status}, {frames.indicators.height} indicators)",
            flush=True,
        )


if __name__ == "__main__":
    measure_scans()
