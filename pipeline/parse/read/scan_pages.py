"""Reading scanned pages: probed for a grid, the grids that are 绩效目标表 read by OCR, as blocks.

What decides which pages come here, and what is done with what they give, is ``scan``; this
module holds what needs the picture libraries (OpenCV, numpy, Pillow, pypdfium2's renderer) and
is imported only when a document has scanned pages. The rules (only the pages that matter, a
table going on over a page break) are written in ``scan``'s docstring.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.core.confidence import lowest_score
from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.labels import FORM_LABELS, ColumnMap, find_indicator_header
from pipeline.core.text import label_key
from pipeline.core.types import Cells, Locator, Row, TextLine
from pipeline.parse.read.ocr import OcrRow, read_band, read_grid
from pipeline.parse.read.pdf import is_row_tail, join_rows
from pipeline.parse.read.ruling import Grid, binarise, find_grids, red_channel, rule_page, rules_of
from pipeline.parse.read.scan import ScanResult, ocr_failed

PROBE_DPI: Final = 50
"""Resolution at which a page is looked at for a ruled grid: rules are still lines, text a blur."""
READ_DPI: Final = 200
"""Resolution at which a table page is read (PP-OCR reads 10.5 pt print well from 150 dpi up)."""
MIN_POOL_PAGES: Final = 6
"""Table pages from which a scanned PDF's pages are read on several cores. A worker process costs
~3 s of CPU to start (imports, the recognition model), a table page ~2.3 s to read: on two idle
cores five pages gain ~12 %, six ~27 %, twenty ~45 %; on cores busy with other work a pool only
adds its start (bench/results.md: the 5-table-page book took 28-36 s in a pool, 22 s alone)."""
HEADER_ROWS: Final = 2
"""Rows read first to tell a 绩效目标表 from another table."""
COLUMN_TOLERANCE_INCH: Final = 0.08
"""Column edges of a table's parts on two scanned pages closer than this are one column."""
A4_WIDTH_INCH: Final = 8.27
"""An image file without a resolution is taken to be a page this wide (a scan of an A4 page)."""
MIN_IMAGE_DPI: Final = 72
MAX_IMAGE_DPI: Final = 600

Picture = NDArray[np.uint8]


# -- which pages hold a 绩效目标表 ----------------------------------------------------------------------
def has_grid(picture: Picture, dpi: float) -> bool:
    """Whether a page picture holds a ruled table (looked at as it is, no rotation corrected)."""
    grids, _ = find_grids(rules_of(binarise(red_channel(picture)), dpi), dpi)
    return bool(grids)


def is_form_start(rows: Sequence[OcrRow]) -> bool:
    """The first rows of a grid name a form field or an indicator header: a 绩效目标表 starts here."""
    return any(
        find_indicator_header(row.cells) is not None or any(label_key(cell) in FORM_LABELS for cell in row.cells)
        for row in rows
    )


# -- the rows of the pages that matter ----------------------------------------------------------------
def _aligned(cells: Cells, columns: Sequence[int], grid: Sequence[int], tolerance: float) -> Cells:
    """``cells`` laid on another table's column edges (a table going on over a page break), or as they are."""
    if len(grid) == len(columns) or not grid:
        return cells
    shift = grid[-1] - columns[-1]  # the two parts share their right border, wherever the scan put the page
    targets: list[int] = []
    for x in columns[:-1]:
        match = next((i for i, edge in enumerate(grid[:-1]) if abs(edge - x - shift) <= tolerance), None)
        if match is None or (targets and match <= targets[-1]):
            return cells
        targets.append(match)
    placed = [""] * (len(grid) - 1)
    for target, cell in zip(targets, cells, strict=True):
        placed[target] = cell
    return tuple(placed)


PageSource = Callable[[float], tuple[Picture, float]]
"""A page to be rendered: given the resolution wanted, the picture and the resolution it has (a
PDF page is rendered at the one asked; an image file has its own and is resized)."""


@dataclass(frozen=True)
class PageRead:
    """What OCR read on one page with a grid: its 绩效目标表 and the text lines around them, in order."""

    number: int
    went_on: bool
    """Read as going on from the previous page (its first grid kept whatever its header)."""
    tables: tuple[tuple[Grid, tuple[OcrRow, ...]], ...] = ()
    """The grids read, each with its rows; none when the page holds no 绩效目标表."""
    bands: tuple[tuple[str, ...], ...] = ()
    """The text lines above each table, and below the last (one more than ``tables``)."""
    ends_in_table: bool = False
    """Its last grid was read (the next page's first grid may go on with it)."""


def read_page(number: int, source: PageSource, goes_on: bool) -> PageRead:
    """A page with a grid: rendered at ``READ_DPI``, squared and cleaned, each grid's first rows
    read to tell a 绩效目标表, those read whole (and the first grid, when ``goes_on``), and the text
    between them. Depends on nothing but the page and ``goes_on``, so pages can be read apart."""
    picture, dpi = source(READ_DPI)
    if dpi != READ_DPI:
        scale = READ_DPI / dpi
        picture = np.asarray(cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    page = rule_page(picture, READ_DPI)
    tables: list[tuple[Grid, tuple[OcrRow, ...]]] = []
    for index, grid in enumerate(page.grids):
        head = read_grid(page, grid, READ_DPI, range(min(HEADER_ROWS, grid.rows)))
        if (index == 0 and goes_on) or is_form_start(head):
            tables.append((grid, tuple(head + read_grid(page, grid, READ_DPI, range(len(head), grid.rows)))))
    if not tables:
        return PageRead(number, goes_on)
    edges = [0, *(edge for grid, _ in tables for edge in (grid.top, grid.bottom)), page.image.shape[0]]
    bands = tuple(
        tuple(text.text for text in read_band(page, top, bottom, READ_DPI)) if bottom > top else ()
        for top, bottom in zip(edges[::2], edges[1::2], strict=True)
    )
    return PageRead(number, goes_on, tuple(tables), bands, tables[-1][0] is page.grids[-1])


@dataclass
class ScanReader:
    """Takes the scanned pages one after another, carrying an open table over a page break."""

    result: ScanResult = field(default_factory=ScanResult)
    previous_read: bool = False
    """The last table of the previous scanned page was read (the next page's first grid may go on with it)."""
    columns: tuple[int, ...] = ()
    """Column edges (px at ``READ_DPI``) of the last table read."""
    header: ColumnMap | None = None
    """The columns the open indicator table's header names (None outside one)."""
    last_row: int | None = None
    """Where the last row read is in ``result.blocks`` (a row cut by a page break is joined into it)."""

    def add_page(self, number: int, source: PageSource) -> None:
        """One scanned page: probed small for a grid, then read if it holds a 绩效目标表."""
        if has_grid(*source(PROBE_DPI)):
            self.take(read_page(number, source, self.previous_read))
        else:
            self.skip(number)

    def skip(self, number: int) -> None:
        """A page without a grid."""
        self.result.unread.append(number)
        self.previous_read = False

    def take(self, page: PageRead) -> None:
        """A page read (by ``read_page``, as going on from the previous page exactly when it did)."""
        if not page.tables:
            self.skip(page.number)
            return
        tolerance = COLUMN_TOLERANCE_INCH * READ_DPI
        for index, (grid, rows) in enumerate(page.tables):
            self._add_band(page.number, page.bands[index])
            goes_on = index == 0 and self.previous_read
            page_top = goes_on
            for row in rows:
                cells = _aligned(row.cells, grid.columns, self.columns, tolerance) if goes_on else row.cells
                if any(cells):
                    page_top = self.add_row(cells, Locator(page=page.number), row.score, page_top)
            if not goes_on or len(grid.columns) == len(self.columns):
                self.columns = grid.columns
        self._add_band(page.number, page.bands[-1])
        self.result.read.append(page.number)
        self.previous_read = page.ends_in_table

    def add_row(self, cells: Cells, locator: Locator, score: float | None, page_top: bool) -> bool:
        """One row of a table; ``page_top`` while no data row of a table going on from the previous
        page came before it on this page. A row cut by the page break is joined back into the
        previous page's last row by the PDF reader's rule (``pdf.is_row_tail``), scored the lower
        of the two parts. Returns whether a next row is still at the page's top (after a repeated
        header, the tail may follow)."""
        header = find_indicator_header(cells)
        if header is not None:
            self.header = header
        elif any(label_key(cell) in FORM_LABELS for cell in cells):
            self.header = None
        elif page_top and self._rejoin(cells, score):
            return False
        self.result.blocks.append(Row(cells, locator, ocr_score=score))
        self.result.lines.append((locator.page or 0, " ".join(cell for cell in cells if cell)))
        self.last_row = len(self.result.blocks) - 1
        return page_top and header is not None

    def _rejoin(self, cells: Cells, score: float | None) -> bool:
        if self.header is None or self.last_row is None:
            return False
        previous = self.result.blocks[self.last_row]
        assert isinstance(previous, Row)
        if find_indicator_header(previous.cells) is not None or not is_row_tail(cells, previous.cells, self.header):
            return False
        joined = join_rows(previous.cells, cells)
        self.result.blocks[self.last_row] = Row(
            joined, previous.locator, ocr_score=lowest_score(previous.ocr_score, score)
        )
        return True

    def _add_band(self, number: int, texts: Sequence[str]) -> None:
        for text in texts:
            self.result.blocks.append(TextLine(text, Locator(page=number)))
            self.result.lines.append((number, text))


def read_scanned(pages: Iterable[tuple[int, PageSource]]) -> ScanResult:
    """The rows and text of scanned pages, given as (page number, how to render it), one after another."""
    reader = ScanReader()
    for number, source in pages:
        reader.add_page(number, source)
    return reader.result


def _render(document: pdfium.PdfDocument, number: int) -> PageSource:
    def render(dpi: float) -> tuple[Picture, float]:
        page = document[number - 1]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            return np.asarray(bitmap.to_numpy()[:, :, :3], dtype=np.uint8).copy(), dpi
        finally:
            page.close()

    return render


_pool_document: pdfium.PdfDocument | None = None
"""The PDF a page-reading worker process renders its pages from (opened once per worker)."""


def _open_in_worker(data: bytes) -> None:
    global _pool_document
    _pool_document = pdfium.PdfDocument(data)


def _read_in_worker(number: int, goes_on: bool) -> PageRead:
    assert _pool_document is not None
    return read_page(number, _render(_pool_document, number), goes_on)


def _pool_size(pages: int) -> int:
    """Worker processes for ``pages`` table pages: one per core, when there are several pages and
    this is the main process (a document parsed in the batch's pool has its core already)."""
    if pages < MIN_POOL_PAGES or multiprocessing.parent_process() is not None:
        return 0
    return min(pages, os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0


def read_pdf_pages(data: bytes, numbers: Sequence[int]) -> ScanResult:
    """OCR of the PDF pages ``numbers`` (1-based), rendered by pypdfium2 in colour (``ruling.ink_of``
    needs the colour to drop a red seal); a failure of the renderer or recogniser is ``ocr_failed``.

    Every page is probed here; the pages with a grid are read on all cores when there are several
    (``_pool_size``). A page is read knowing whether the previous page's table may go on into it,
    which the workers guess (the previous page has a grid too); a page guessed wrong is read
    again here, so the rows are those one process reads.
    """
    try:
        document = pdfium.PdfDocument(data)
        try:
            gridded = [has_grid(*_render(document, number)(PROBE_DPI)) for number in numbers]
            guesses = [
                (number, index > 0 and gridded[index - 1]) for index, number in enumerate(numbers) if gridded[index]
            ]
            workers = _pool_size(len(guesses))
            with ExitStack() as stack:
                futures: dict[int, Future[PageRead]] = {}
                if workers:
                    spawn = multiprocessing.get_context("spawn")
                    pool = stack.enter_context(
                        ProcessPoolExecutor(workers, mp_context=spawn, initializer=_open_in_worker, initargs=(data,))
                    )
                    futures = {number: pool.submit(_read_in_worker, number, goes_on) for number, goes_on in guesses}
                reader = ScanReader()
                for number, has_table_grid in zip(numbers, gridded, strict=True):
                    if not has_table_grid:
                        reader.skip(number)
                        continue
                    future = futures.get(number)
                    page = future.result() if future is not None else None
                    if page is None or page.went_on != reader.previous_read:
                        page = read_page(number, _render(document, number), reader.previous_read)
                    reader.take(page)
                return reader.result
        finally:
            document.close()
    except Exception as exc:  # pdfium, OpenCV or onnxruntime on a damaged page
        raise ocr_failed(numbers, f"OCR stopped with {type(exc).__name__}: {exc}") from exc


def _image_dpi(frame: Image.Image) -> float:
    """The frame's resolution as stored, or what an A4-wide page would have."""
    stored = frame.info.get("dpi")
    if stored and MIN_IMAGE_DPI <= float(stored[0]) <= MAX_IMAGE_DPI:
        return float(stored[0])
    return max(MIN_IMAGE_DPI, min(MAX_IMAGE_DPI, frame.width / A4_WIDTH_INCH))


def _picture(picture: Picture, dpi: float) -> PageSource:
    def resized(wanted: float) -> tuple[Picture, float]:
        if wanted >= dpi:
            return picture, dpi
        scale = wanted / dpi
        small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return np.asarray(small, dtype=np.uint8), wanted

    return resized


def _frames(data: bytes) -> Iterator[tuple[int, PageSource]]:
    with Image.open(io.BytesIO(data)) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            yield number, _picture(np.asarray(frame.convert("RGB"), dtype=np.uint8), _image_dpi(frame))


def read_image_file(data: bytes) -> ScanResult:
    """An image file (a scanned page, or a multi-page TIFF) read by OCR."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise IngestError("unreadable_file", STAGE_READ, f"the image could not be opened: {exc}") from exc
    try:
        return read_scanned(_frames(data))
    except Exception as exc:  # a truncated frame, OpenCV or onnxruntime
        raise ocr_failed([1], f"OCR stopped with {type(exc).__name__}: {exc}") from exc
