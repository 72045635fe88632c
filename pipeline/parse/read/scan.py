"""Scanned pages: which pages go to OCR, which of them hold a 绩效目标表, and their rows as blocks.

**When.** A PDF page goes to OCR when it has no text layer (or one holding only a page number,
``is_page_furniture``) but draws an image (a scan), or when
its text layer is not text (``is_garbage``: a font without a Unicode map gives its glyph numbers,
which come out as replacement characters, private-use code points or Latin-1 letters — "Latin
soup"). A page with real text never does: a text PDF is read from its text layer, whatever
images it holds. Image files (.png, .jpg, .jpeg, .tif, .tiff; every frame of a multi-page TIFF)
are scans by nature (``read_image``).

**Only the pages that matter.** A scanned budget book of 200 pages holds its tables on a few.
Each scanned page is first looked at small (``scan_pages.PROBE_DPI``): a page without a ruled grid is
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
lines) is laid on the previous grid's columns by their left edges, as the PDF reader does; a
row cut in two by the break (its tail opening the next page, 指标值 empty) is joined back into
the previous page's last row by the PDF reader's own rule (``pdf.is_row_tail``), scored the
lower of its two parts.

**Cores.** A PDF's scanned pages are probed one after another; when several hold a grid and this
is the main process, they are read in a process pool, one worker per core (``scan_pages``); a
document parsed by the batch's pool is read on the core it has.

**Failure.** Scanned pages from which no table was read are listed in ``ScanResult.unread``;
the document decides (``ocr_failed`` when nothing else in it can be read).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.text import is_page_furniture
from pipeline.core.types import Block, RawDocument

SCAN_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_FORMAT: Final = "image"


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
    """A PDF page that OCR should read: a scan (an image, and no text but page furniture) or a
    garbage text layer.

    A scanner's software often stamps the page number as text over the picture: a page whose
    text layer is "- 3 -" or "第3页" and that draws an image is still a scan.
    """
    scan = has_images and all(is_page_furniture(line) for line in text.splitlines() if line.strip())
    return scan or is_garbage(text)


def ocr_page_numbers(pages: Sequence[tuple[str, bool]]) -> list[int]:
    """The 1-based pages of a PDF (each given as its text layer and whether it draws an image)
    that OCR reads. When each page holds too little text to judge but the whole layer is garbage,
    every page with text goes."""
    numbers = [number for number, (text, images) in enumerate(pages, start=1) if needs_ocr(text, images)]
    if not numbers and is_garbage("".join(text for text, _ in pages)):
        numbers = [number for number, (text, _) in enumerate(pages, start=1) if text.strip()]
    return numbers


# -- what OCR read, and failing honestly ---------------------------------------------------------------
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


def ocr_pdf_pages(data: bytes, numbers: Sequence[int]) -> ScanResult:
    """OCR of the PDF pages ``numbers`` (1-based): ``scan_pages.read_pdf_pages``.

    OpenCV, onnxruntime and the recogniser are imported here, when a document has scanned pages,
    not with the readers: a run of text documents never loads them (~20 MiB a process, the
    batch's workers included).
    """
    from pipeline.parse.read.scan_pages import read_pdf_pages

    return read_pdf_pages(data, numbers)


def read_image(data: bytes, source_file: str) -> RawDocument:
    """An image file (a scanned page, or a multi-page TIFF) read by OCR: ``scan_pages.read_image_file``."""
    from pipeline.parse.read.scan_pages import read_image_file

    return with_scans(RawDocument(source_file, IMAGE_FORMAT, ()), read_image_file(data))


def ocr_failed(pages: Sequence[int], why: str) -> IngestError:
    listed = ", ".join(str(page) for page in pages[:20]) + (" …" if len(pages) > 20 else "")
    return IngestError(
        "ocr_failed",
        STAGE_READ,
        f"{len(pages)} scanned page(s) read by OCR (pages {listed}): {why}; get the original Word/Excel/PDF "
        "file, or a cleaner scan (200 dpi or more, square, the table's rules visible)",
    )


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
