"""Paths built to mislead a run (issue 17): a FIFO named like a document, symlink loops, a symlink
swapped between a file inside and one outside the raw folder while it is read, a file replaced
after it was planned, a file name that is not UTF-8. Each gets one clear error row (or loads under
the right name and digest); nothing is read outside the folder and the run goes on."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Final

import duckdb
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.load.batch import ingest_documents, parse_job, plan
from pipeline.parse.document import parse_document
from tests.conftest import SEED_DIR, SEEDS
from tests.parse.test_bad_input import GOOD_ROWS, SEED_002, assert_one_error, run_with
from tests.pdf_bytes import pdf_of

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT_MB = 500
BOMB_SECONDS = 60


def error_of(frames: object) -> tuple[str, str]:
    """(status, error_class) of a document's frames."""
    documents, errors = frames.documents, frames.errors  # type: ignore[attr-defined]
    error_class = errors["error_class"][0] if errors.height else ""
    return str(documents["status"][0]), str(error_class)


# -- not a regular file, or not where it says ---------------------------------------------------
def test_fifo_named_like_a_document_gets_an_error_at_once(tmp_path: Path) -> None:
    """A FIFO blocks open() until a writer comes: the run must not wait for one."""
    done: list[tuple[list[tuple[str, str, str]], int]] = []
    worker = threading.Thread(
        target=lambda: done.append(run_with(tmp_path, lambda raw: os.mkfifo(raw / "x.txt"))), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader so the test process can end, then fail
        os.close(os.open(tmp_path / "raw" / "x.txt", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO hung the run")
    errors, good = done[0]
    assert_one_error(errors, "x.txt", "unreadable_file", "not a regular file")
    assert good == GOOD_ROWS


def test_symlink_loop_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    def loops(raw: Path) -> None:
        os.symlink(raw / "a.txt", raw / "b.txt")
        os.symlink(raw / "b.txt", raw / "a.txt")

    errors, good = run_with(tmp_path, loops)
    assert [(f, c) for f, c, _ in errors] == [("a.txt", "unsafe_path"), ("b.txt", "unsafe_path")]
    assert all("loop" in message for _, _, message in errors)
    assert good == GOOD_ROWS


def test_symlink_loop_is_planned_not_crashed_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    os.symlink(raw / "self.txt", raw / "self.txt")
    outcomes = list(ingest_documents(["self.txt"], raw, tmp_path / "w.duckdb", workers=1))
    assert [(o.source_file, o.status) for o in outcomes] == [("self.txt", "failed")]


def test_symlink_swapped_during_a_run_never_reads_outside_the_folder(tmp_path: Path) -> None:
    """A link flipped between a file inside and one outside while documents are parsed: every
    parse is the inside file or an error row, never the outside file, never an exception."""
    raw = tmp_path / "raw"
    raw.mkdir()
    inside, outside = raw / "inside.txt", tmp_path / "secret.txt"
    inside.write_text("内部文件\n", encoding="utf-8")
    outside.write_text("机密文件\n", encoding="utf-8")
    secret = hashlib.sha256(outside.read_bytes()).hexdigest()
    link, stop = raw / "doc.txt", threading.Event()
    os.symlink(inside, link)

    def swap() -> None:
        spare = raw / ".swap"
        while not stop.is_set():
            for target in (inside, outside):
                os.symlink(target, spare)
                os.replace(spare, link)

    swapper = threading.Thread(target=swap, daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    swapper.start()
    seen: Counter[tuple[str, str]] = Counter()
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            frames = parse_document(link, raw)
            assert frames.documents["sha256"][0] != secret
            seen[error_of(frames)] += 1
    finally:
        stop.set()
        swapper.join()
        sys.setswitchinterval(interval)
    assert set(seen) <= {("failed", "unknown_layout"), ("failed", "unsafe_path")}, seen
    assert seen[("failed", "unsafe_path")] and seen[("failed", "unknown_layout")], seen


def test_digest_recorded_is_that_of_the_bytes_parsed(tmp_path: Path) -> None:
    """A file replaced after the run planned it (and hashed it) is recorded as what was read."""
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    raw.mkdir()
    text = SEED_002.read_text(encoding="utf-8")
    (raw / "doc.txt").write_text(text, encoding="utf-8")
    list(ingest_documents(["doc.txt"], raw, warehouse, workers=1))
    (raw / "doc.txt").write_text(text + "\n", encoding="utf-8")
    jobs, _ = plan(["doc.txt"], raw, warehouse)
    replacement = raw / "new.tmp"
    replacement.write_text(text + "\n\n", encoding="utf-8")
    os.replace(replacement, raw / "doc.txt")
    rows = parse_job(jobs[0], raw)
    assert rows.documents[0]["sha256"] == hashlib.sha256((raw / "doc.txt").read_bytes()).hexdigest()


# -- names ---------------------------------------------------------------------------------------
def test_file_name_that_is_not_utf8_loads_under_an_escaped_name(tmp_path: Path) -> None:
    from pipeline.defs.discovery import fingerprints, partition_key, source_file_of_key

    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS["002"], raw / os.fsdecode(b"sanjia\xff.txt"))
    keys = list(fingerprints(raw))
    assert keys == ["sanjia%FF.txt"]
    keys[0].encode("utf-8")  # Dagster's partition store encodes keys as UTF-8
    source_file = source_file_of_key(keys[0])
    assert partition_key(source_file) == keys[0]
    outcomes = list(ingest_documents([source_file], raw, warehouse, workers=1))
    assert [(o.source_file, o.status) for o in outcomes] == [(source_file, "loaded")]
    again = list(ingest_documents([source_file], raw, warehouse, workers=1))
    assert [o.status for o in again] == ["unchanged"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute("select source_file, status from raw.documents").fetchall()
    assert names == [("sanjia\\xff.txt", "loaded")]


# -- a PDF table under a dense grid ---------------------------------------------------------------
SEED_002_PDF = Path(__file__).parents[1] / "fixtures" / "formats" / "seed002.pdf"
HAIRLINE_STEP_PT = 5.0


def with_hairline_grid(source: Path, page_index: int, line_width: float) -> bytes:
    """The PDF with a dense grid of lines every 5 pt drawn over one page: pdfplumber then finds
    the grid's tiny cells instead of the table below it (the table's rules are 0.5 pt)."""
    document = pdfium.PdfDocument(source)
    page = document[page_index]
    width, height = page.get_size()
    path = pdfium_c.FPDFPageObj_CreateNewPath(0, 0)
    for step in range(int(width // HAIRLINE_STEP_PT) + 1):
        pdfium_c.FPDFPath_MoveTo(path, step * HAIRLINE_STEP_PT, 0)
        pdfium_c.FPDFPath_LineTo(path, step * HAIRLINE_STEP_PT, height)
    for step in range(int(height // HAIRLINE_STEP_PT) + 1):
        pdfium_c.FPDFPath_MoveTo(path, 0, step * HAIRLINE_STEP_PT)
        pdfium_c.FPDFPath_LineTo(path, width, step * HAIRLINE_STEP_PT)
    pdfium_c.FPDFPageObj_SetStrokeWidth(path, line_width)
    pdfium_c.FPDFPath_SetDrawMode(path, 0, 1)
    pdfium_c.FPDFPage_InsertObject(page, path)
    pdfium_c.FPDFPage_GenerateContent(page)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()



def test_pdf_table_under_a_hairline_grid_is_read(tmp_path: Path) -> None:
    """A 0.1 pt grid over 0.5 pt table rules: the grid is left out and both projects are read whole."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hairline.pdf").write_bytes(with_hairline_grid(SEED_002_PDF, 1, line_width=0.1))
    frames = parse_document(raw / "hairline.pdf", raw)
    assert error_of(frames) == ("loaded", "")
    assert frames.projects.height == 2 and frames.indicators.height == 22


# -- a PDF whose text layer is glyph numbers ------------------------------------------------------
CID_FONT: Final = [
    b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
    (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe)"
        b" /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap /Identity >>"
    ),
    (
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    ),
]
"""A CID font with no ToUnicode map: readers can only give the glyph numbers."""


def pdf_without_unicode_map() -> bytes:
    """One page of 20 lines in ``CID_FONT``: pdfium reads them as Thai, Greek, Gurmukhi … characters."""
    content = b"".join(b"BT /F1 12 Tf 72 %d Td <0E3A1F2C33B4215F0A7C> Tj ET\n" % (700 - 20 * i) for i in range(20))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *CID_FONT,
    ]
    return pdf_of(objects)


def test_pdf_with_a_garbled_text_layer_says_so(tmp_path: Path) -> None:
    """Not unknown_layout ("a new layout is needed"): the text layer itself cannot be read, so the
    page goes to OCR, which finds no table in it (it holds twenty lines of glyphs) and says which page."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "garbled.pdf").write_bytes(pdf_without_unicode_map())
    frames = parse_document(raw / "garbled.pdf", raw)
    assert error_of(frames) == ("failed", "ocr_failed")
    assert "no Unicode map" in frames.errors["message"][0]
    assert "(pages 1)" in frames.errors["message"][0]


@pytest.mark.parametrize(
    "text",
    [
        "项目支出绩效目标表\n一级指标 产出指标 数量指标 ≥95% 2024年12月31日前完成 ★ ① 30万元" * 3,
        "Performance targets: budget 300,000 yuan; completion rate >= 95% by 31 Dec 2024." * 2,
    ],
)
def test_real_text_is_not_garbled(text: str) -> None:
    from pipeline.parse.read.scan import is_garbage

    assert not is_garbage(text)
