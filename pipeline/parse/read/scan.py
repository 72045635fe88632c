"""Scanned pages: which pages go to OCR, which of them hold a 绩效目标表, and their rows as blocks.

**When.** A PDF page goes to OCR when it has no text layer but draws an image (a scan), or when
its text layer is not text (``is_garbage``: a font without a Unicode map gives its glyph numbers,
which come out as replacement characters, private-use code points or Latin-1 letters — "Latin
soup"). A page with real text never does: a text PDF is read from its text layer, whatever
images it holds. Image files (.png, .jpg, .jpeg, .tif, .tiff; every frame of a multi-page TIFF)
are scans by nature (``read_image``).

**Only the pages that matter.** A scanned budget book of 200 pages holds its tables on a few.
Each scanned page is first looked at small (``PROBE_DPI``): a page without a ruled grid is
prose, a cover or a signature page, and is left at that. A page with a grid is rendered at
``READ_DPI``, squared and cleaned (``ruling``), and the first ``HEADER_ROWS`` rows of each grid
are read: a grid whose first rows name a form field (项目名称, 项目编码 …) or an indicator header
(一级指标 … 指标值) is a 绩效目标表 and is read whole; so is the first grid of a page right after a
page whose table was read (a table going on over the break has no header). Any other grid (a
收支总表, a signature box) is another table, skipped.

**What comes out** is what the PDF reader gives for a typed table: ``Row`` blocks of the grid's
cells with ``Locator(page=N)`` — each with its ``ocr_score`` — and ``TextLine`` blocks for the
titles and unit lines around the tables, in top-to-bottom order. A table going on over a page
break whose columns differ (the first page's grid has a project header above with more column
lines) is laid on the previous grid's columns by their left edges, as the PDF reader does.

**Failure.** Scanned pages from which no table was read are listed in ``ScanResult.unread``;
the document decides (``ocr_failed`` when nothing else in it can be read).
"""

from __future__ import annotations

import io
import re
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
from pipeline.core.types import Block, Cells, Locator, RawDocument, Row, TextLine
from pipeline.parse.read.ocr import OcrRow, read_band, read_grid
from pipeline.parse.read.ruling import Grid, RuledPage, binarise, find_grids, ink_of, rule_page, rules_of

SCAN_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_FORMAT: Final = "image"
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

# -- when: a text layer that is not text --------------------------------------------------------------
READABLE_RANGES: Final = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xBF),  # Latin-1 signs: ° ± · ¥ (its letters À-ÿ are what a glyph-number layer gives)
    (0xD7, 0xD7),  # ×
    (0xF7, 0xF7),  # ÷
    (0x2000, 0x206F),  # general punctuation: — ‰ …
    (0x2100, 0x22FF),  # letterlike, arrows, maths: ℃ → ≥ ≤
    (0x2460, 0x27BF),  # enclosed numbers, boxes, shapes: ① ★ □
    (0x3000, 0x303F),  # CJK punctuation
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF00, 0xFFEF),  # full-width forms
)
"""Where the characters of a Chinese budget document lie. A font without a Unicode map gives its
glyph numbers instead: U+FFFD, private use (U+E000…), Latin-1 letters, Thai, Greek, Gurmukhi …"""
MAX_GARBAGE_SHARE: Final = 0.3
MIN_CHARACTERS_JUDGED: Final = 50
"""Fewer characters than this are too few to call a text layer garbage (a page number, a stamp's text)."""


UNREADABLE: Final = re.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in READABLE_RANGES) + r"\s]")
"""One character outside ``READABLE_RANGES`` (whitespace aside): a regular expression, so a
35-page text layer is judged in C, in milliseconds (a Python loop over its characters took 0.4 s)."""
WHITESPACE: Final = re.compile(r"\s")


def is_garbage(text: str) -> bool:
    """Whether a text layer is glyph numbers rather than text: over ``MAX_GARBAGE_SHARE`` of its
    characters (whitespace aside) fall outside ``READABLE_RANGES``.

    "绩效目标表 产出指标 ≥95%" is text; "ÄÅÆ ÇÈ ÉÊË" (Latin soup) and "\\ufffd\\ufffd\\ue001" are not.
    """
    characters = len(text) - len(WHITESPACE.findall(text))
    if characters < MIN_CHARACTERS_JUDGED:
        return False
    return len(UNREADABLE.findall(text)) > MAX_GARBAGE_SHARE * characters


def needs_ocr(text: str, has_images: bool) -> bool:
    """A PDF page that OCR should read: a scan (an image, no text) or a garbage text layer."""
    return (has_images and not text.strip()) or is_garbage(text)


def ocr_page_numbers(pages: Sequence[tuple[str, bool]]) -> list[int]:
    """The 1-based pages of a PDF (each given as its text layer and whether it draws an image)
    that OCR reads. When each page holds too little text to judge but the whole layer is garbage,
    every page with text goes."""
    numbers = [number for number, (text, images) in enumerate(pages, start=1) if needs_ocr(text, images)]
    if not numbers and is_garbage("".join(text for text, _ in pages)):
        numbers = [number for number, (text, _) in enumerate(pages, start=1) if text.strip()]
    return numbers


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
@dataclass
class ScanResult:
    """What OCR read from a document's scanned pages."""

    blocks: list[Block] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)
    """(page, text) of every line read: band texts and rows' cells, for the meta reader."""
    read: list[int] = field(default_factory=list)
    """Pages a table was read from."""
    unread: list[int] = field(default_factory=list)
    """Scanned pages no table was read from (no grid, or another table's)."""


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


# -- PDF pages and image files ----------------------------------------------------------------------
def _render(document: pdfium.PdfDocument, number: int) -> PageSource:
    def render(dpi: float) -> tuple[Picture, float]:
        page = document[number - 1]
        try:
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            return np.asarray(bitmap.to_numpy()[:, :, :3], dtype=np.uint8).copy(), dpi
        finally:
            page.close()

    return render


def ocr_pdf_pages(data: bytes, numbers: Sequence[int]) -> ScanResult:
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


def ocr_failed(pages: Sequence[int], why: str) -> IngestError:
    listed = ", ".join(str(page) for page in pages[:20]) + (" …" if len(pages) > 20 else "")
    return IngestError(
        "ocr_failed",
        STAGE_READ,
        f"{len(pages)} scanned page(s) read by OCR (pages {listed}): {why}; get the original Word/Excel/PDF "
        "file, or a cleaner scan (200 dpi or more, square, the table's rules visible)",
    )


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


def read_image(data: bytes, source_file: str) -> RawDocument:
    """An image file (a scanned page, or a multi-page TIFF) read by OCR."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise IngestError("unreadable_file", STAGE_READ, f"the image could not be opened: {exc}") from exc
    try:
        result = read_scanned(_frames(data))
    except Exception as exc:  # a truncated frame, OpenCV or onnxruntime
        raise ocr_failed([1], f"OCR stopped with {type(exc).__name__}: {exc}") from exc
    return with_scans(RawDocument(source_file, IMAGE_FORMAT, ()), result)


def with_scans(document: RawDocument, result: ScanResult) -> RawDocument:
    """``document`` (the pages read as text, or nothing) with the blocks and lines OCR read, page by page.

    ``ocr_failed`` when nothing was read at all: no table in the scans and no text elsewhere.
    """
    scanned = set(result.read + result.unread)
    typed = [
        (page, line) for page, line in zip(document.line_pages, document.lines, strict=True) if page not in scanned
    ]
    if not result.read and not any(line.strip() for _, line in typed):
        raise ocr_failed(
            sorted(scanned),
            "none of them holds a ruled 绩效目标表 that could be read (pages go to OCR when they are "
            "pictures without text, or when their text layer is glyph numbers: fonts with no Unicode map)",
        )
    lines = sorted(typed + result.lines, key=lambda item: item[0])
    return RawDocument(
        source_file=document.source_file,
        format=document.format,
        lines=tuple(line for _, line in lines),
        blocks=tuple(sorted((*document.blocks, *result.blocks), key=lambda block: block.locator.page or 0)),
        line_pages=tuple(page for page, _ in lines),
        ocr_pages=tuple(sorted(scanned)),
    )
