"""Reading scanned pages: probed for a grid, the grids that are 绩效目标表 read by OCR, as blocks.

What decides which pages come here, and what is done with what they give, is ``scan``; this
module holds what needs the picture libraries (OpenCV, numpy, Pillow, pypdfium2's renderer) and
is imported only when a document has scanned pages. The rules (only the pages that matter, a
table going on over a page break) are written in ``scan``'s docstring.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import cv2
import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.labels import FORM_LABELS, find_indicator_header
from pipeline.core.text import label_key
from pipeline.core.types import Cells, Locator, Row, TextLine
from pipeline.parse.read.ocr import OcrRow, read_band, read_grid
from pipeline.parse.read.ruling import Grid, RuledPage, binarise, find_grids, ink_of, rule_page, rules_of
from pipeline.parse.read.scan import ScanResult, ocr_failed

PROBE_DPI: Final = 50
"""Resolution at which a page is looked at for a ruled grid: rules are still lines, text a blur."""
READ_DPI: Final = 200
"""Resolution at which a table page is read (PP-OCR reads 10.5 pt print well from 150 dpi up)."""
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
    grids, _ = find_grids(rules_of(binarise(ink_of(picture)), dpi), dpi)
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


@dataclass
class ScanReader:
    """Reads scanned pages one after another, carrying an open table over a page break."""

    result: ScanResult = field(default_factory=ScanResult)
    previous_read: bool = False
    """The last table of the previous scanned page was read (the next page's first grid may go on with it)."""
    columns: tuple[int, ...] = ()
    """Column edges (px at ``READ_DPI``) of the last table read."""

    def add_page(self, number: int, source: PageSource) -> None:
        """One scanned page: probed small for a grid, then read if it holds a 绩效目标表."""
        if not has_grid(*source(PROBE_DPI)):
            self._skip(number)
            return
        picture, dpi = source(READ_DPI)
        if dpi != READ_DPI:
            scale = READ_DPI / dpi
            picture = np.asarray(cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
        page = rule_page(picture, READ_DPI)
        tables: list[tuple[Grid, list[OcrRow]]] = []
        for index, grid in enumerate(page.grids):
            head = read_grid(page, grid, READ_DPI, range(min(HEADER_ROWS, grid.rows)))
            if (index == 0 and self.previous_read) or is_form_start(head):
                tables.append((grid, head + read_grid(page, grid, READ_DPI, range(len(head), grid.rows))))
        if not tables:
            self._skip(number)
            return
        self._read(number, page, tables)

    def _skip(self, number: int) -> None:
        self.result.unread.append(number)
        self.previous_read = False

    def _read(self, number: int, page: RuledPage, tables: Sequence[tuple[Grid, list[OcrRow]]]) -> None:
        locator = Locator(page=number)
        tolerance = COLUMN_TOLERANCE_INCH * READ_DPI
        top = 0
        for index, (grid, rows) in enumerate(tables):
            self._add_band(number, page, top, grid.top)
            goes_on = index == 0 and self.previous_read
            for row in rows:
                cells = _aligned(row.cells, grid.columns, self.columns, tolerance) if goes_on else row.cells
                if not any(cells):
                    continue
                self.result.blocks.append(Row(cells, locator, ocr_score=row.score))
                self.result.lines.append((number, " ".join(cell for cell in cells if cell)))
            if not goes_on or len(grid.columns) == len(self.columns):
                self.columns = grid.columns
            top = grid.bottom
        self._add_band(number, page, top, page.image.shape[0])
        self.result.read.append(number)
        self.previous_read = tables[-1][0] is page.grids[-1]

    def _add_band(self, number: int, page: RuledPage, top: int, bottom: int) -> None:
        if bottom <= top:
            return
        for text in read_band(page, top, bottom, READ_DPI):
            self.result.blocks.append(TextLine(text.text, Locator(page=number)))
            self.result.lines.append((number, text.text))


def read_scanned(pages: Iterable[tuple[int, PageSource]]) -> ScanResult:
    """The rows and text of scanned pages, given as (page number, how to render it)."""
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


def read_pdf_pages(data: bytes, numbers: Sequence[int]) -> ScanResult:
    """OCR of the PDF pages ``numbers`` (1-based), rendered by pypdfium2 in colour (``ruling.ink_of``
    needs the colour to drop a red seal); a failure of the renderer or recogniser is ``ocr_failed``."""
    try:
        document = pdfium.PdfDocument(data)
        try:
            return read_scanned((number, _render(document, number)) for number in numbers)
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
