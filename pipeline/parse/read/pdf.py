"""PDF originals: the text layer for ``lines``, ruled tables and the text around them for ``blocks``.

pypdfium2 reads the text layer of every page fast (~2 600 pages/s) and tells which pages can hold
a 绩效目标表; only those go to the table engine (``pdf_tables.py``: pdfplumber's table rules fed
with pdfium's characters and rules, pdfplumber itself for a page the fast path cannot vouch for).
The engine reads such a page while it is loaded for its text layer (``read_page_texts``: one
pdfium document, each page loaded once), and each page is closed after use (memory otherwise
grows ~5×). Which pages are table pages is decided again once the whole text layer is known
(``_table_blocks``): a page read early whose text OCR replaces is not used, and a page needed
that was not read early (one after such a page) is loaded again.

A page gets the table extractor when its text names a form field (三级指标, 指标值, 项目名称 …),
or when it follows a page where a table was found and has vector graphics (a continuation page
holds only indicator rows, which name no field). On a table page the blocks are the tables'
rows and the text lines outside them (titles, "单位：万元"), in top-to-bottom order; other pages
give their text lines only. Every block has ``Locator(page=N)``, 1-based.

A dense grid drawn over a page (hairlines every few points, apart from the table's rules in
stroke width or colour) is left out before tables are found (``pdf_tables.table_edges``):
otherwise pdfplumber finds the grid's tiny cells instead of the table under it.

Cells: merged cells come out empty (pdfplumber's None); lines wrapped inside a cell are joined
with ``join_wrapped``, which adds no space inside Chinese.

Pages: a table that goes on over a page break is just more rows on the next page, and the form
reader keeps a table open until a new form starts. What it cannot see is a row cut in two by
the break (Word's "allow row to break across pages"): its tail is the first row on the next page.
The reader rejoins it cell by cell into the previous page's last row when ALL of these hold:

1. an indicator table is open (its header was seen, no form label since) and the row is the
   first non-header row of the first table on the page;
2. its 指标值 cell is empty while the previous row's is filled — a value is a few characters
   and never the part that overflows, while a real row always states its value;
3. every filled cell is filled in the previous row too — a tail only continues text that was
   started; the cut can fall in any column, even 二级指标 ("服务对象满意" / "度指标"), so a
   filled 二级指标 or 三级指标 is not a sign of a new row;
4. the rows have the same number of cells, once the page's table is laid on the previous
   page's column grid (``align_columns``: a continued table can lose a grid line that only the
   header block drew, which renumbers pdfplumber's columns).

On tables20_rowsplit.pdf this rejoins exactly the 11 cut rows; on tables20.pdf, whose 14 tables
go on over a page break with a whole row, it rejoins none; on the LibreOffice print of
tests/fixtures/formats/seed000.docx it rejoins the one cut row. A real row with an empty 指标值
at the top of a page right under a row with one would be merged wrongly; no such row is in the
fixtures or the seeds. A value cut in two ("≥320" / "人次") is not recognised as a tail.

Text outside tables: a line split by a wide gap gives one block per piece ("编制单位：…" and
"单位：万元" are two, so the unit line is seen), and the lines of a paragraph that wrapped (a
two-line title) are joined back into one (``continues_paragraph``).

Scans: pages without a text layer and pages whose text layer is glyph numbers (fonts without a
Unicode map) are read by OCR (``pipeline.parse.read.scan``), the others as text, and their blocks
put together page by page. Errors: no text and no picture on any page → ``needs_ocr``; a
password → ``encrypted_file``; anything pdfium or pdfminer cannot parse →
``unreadable_file``. Library exceptions never escape. A PDF with an owner password only
(printing/copying restrictions, no password to open) is read normally.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Final, cast

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.utils.clustering import cluster_objects

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.labels import FORM_LABELS, ColumnMap, find_indicator_header
from pipeline.core.text import compact, join_wrapped, label_key
from pipeline.core.types import Block, Cells, Locator, RawDocument, Row, TextLine
from pipeline.parse.read.pdf_grid import Box
from pipeline.parse.read.pdf_tables import PageContent, TablePages, Word
from pipeline.parse.read.pdfium_calls import (
    FORM_OBJECT,
    FORM_OBJECT_COUNT,
    OBJECT_TYPE,
    LoadedPage,
    PageObjects,
    address,
    handle,
    loaded_text_page,
    page_objects,
    text_of_page,
)
from pipeline.parse.read.scan import ocr_page_numbers, ocr_pdf_pages, with_scans
from pipeline.parse.read.text import LINE_CONTROLS, is_printable
from pipeline.parse.read.word import cell_text, grid_block, text_pieces

FORMAT: Final = "pdf"

TABLE_PAGE_MARKERS: Final = (
    "三级指标",
    "二级指标",
    "一级指标",
    "指标值",
    "项目名称",
    "项目编码",
    "绩效目标表",
)
"""Text that puts a page through the table extractor (searched with all whitespace removed)."""
LINE_TOLERANCE: Final = 3.0
"""Words whose tops differ by less than this (pt) are on one text line."""
PIECE_GAP_EM: Final = 2.0
"""A gap wider than this many character heights splits a text line into separate pieces."""
LINE_GAP_EM: Final = 1.0
"""Lines of one paragraph are closer than this many character heights (paragraphs are further apart)."""
WRAP_EDGE_EM: Final = 2.0
"""A line that wrapped ends within this many character heights of the text column's right edge."""
WRAP_MIN_WIDTH: Final = 0.6
"""… and spans at least this share of the column (a short right-aligned "单位：万元" does not)."""
SAME_SIZE_PT: Final = 0.5
COLUMN_TOLERANCE: Final = 3.0
"""Column edges of a table's parts on two pages closer than this (pt) are the same column."""
PDFIUM_PASSWORD_ERRORS: Final = frozenset({pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY})


@dataclass(frozen=True)
class PageText:
    """What pypdfium2 says about a page: its text layer and what it draws."""

    text: str
    has_paths: bool
    """Vector graphics: the rules of a table."""
    has_images: bool


# -- pypdfium2: text layer and page selection ----------------------------------------------------
def _open_error(exc: Exception) -> IngestError:
    if getattr(exc, "err_code", None) in PDFIUM_PASSWORD_ERRORS:
        return IngestError(
            "encrypted_file", STAGE_READ, "the PDF is password-protected; save or print it without a password"
        )
    return IngestError("unreadable_file", STAGE_READ, f"the PDF could not be opened (damaged or truncated?): {exc}")


def _clean_layer_text(text: str) -> str:
    """pdfium's text with Windows line ends and its soft-hyphen/control marks removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_printable(text):  # most pages: nothing to remove
        return text
    return "".join(ch for ch in text if ch in LINE_CONTROLS or ch.isprintable())


DRAWN_KINDS: Final = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE)
FORM_DEPTH: Final = 15
"""Form XObjects nested this deep are not searched (pypdfium2's ``get_objects`` default)."""


def _drawn_kinds(objects: PageObjects) -> set[int]:
    """Which of ``DRAWN_KINDS`` a page draws, its Form XObjects' objects included, in one pass that
    stops once both are found. A page without Form XObjects and with every object given (most
    pages) is answered from the kinds at once."""
    if pdfium_c.FPDF_PAGEOBJ_FORM not in objects.kinds and None not in objects.addresses:
        return set(objects.kinds).intersection(DRAWN_KINDS)
    found: set[int] = set()
    for object_address, obj, kind in zip(objects.addresses, objects.handles, objects.kinds, strict=True):
        if not object_address:
            raise ValueError("pdfium could not get an object of a page")
        found |= _drawn_in(obj, kind, 1)
        if len(found) == len(DRAWN_KINDS):
            break
    return found


def _drawn_in(obj: Any, kind: int, depth: int) -> set[int]:
    """``DRAWN_KINDS`` among an object (``obj``: its ``handle``) of type ``kind`` and, for a Form
    XObject ``depth`` deep, the objects inside it."""
    if kind in DRAWN_KINDS:
        return {kind}
    if kind != pdfium_c.FPDF_PAGEOBJ_FORM or depth >= FORM_DEPTH:
        return set()
    found: set[int] = set()
    total = FORM_OBJECT_COUNT(obj)
    if total < 0:
        raise ValueError("pdfium could not count the objects of a page")
    for index in range(total):
        inner = FORM_OBJECT(obj, index)
        if not inner:
            raise ValueError("pdfium could not get an object of a page")
        inner = handle(inner)
        found |= _drawn_in(inner, OBJECT_TYPE(inner), depth + 1)
        if len(found) == len(DRAWN_KINDS):
            break
    return found


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The PDF opened by pdfium; ``encrypted_file`` or ``unreadable_file`` when it cannot be."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc) from exc


def has_table_marker(text: str) -> bool:
    flat = compact(text)
    return any(marker in flat for marker in TABLE_PAGE_MARKERS)


def is_table_page(page: PageText, previous_had_table: bool) -> bool:
    """A page goes through the table engine when its text names a form field, or when it draws
    rules right after a page where a table was found (a continuation holds only indicator rows)."""
    return has_table_marker(page.text) or (previous_had_table and page.has_paths)


Contents = dict[int, PageContent | Exception]
"""Table pages read while the text layer was: page number → content, or what reading it raised."""


def read_page_texts(document: pdfium.PdfDocument, tables: TablePages | None = None) -> tuple[list[PageText], Contents]:
    """The text layer of every page (pypdfium2), page by page; with ``tables``, each page that
    ``is_table_page`` picks is read by the table engine while it is loaded, so that no page is
    loaded twice. Which pages ``_table_blocks`` reads is decided again once every page is known
    (a page OCR reads has no text to pick): a page read here in vain is not used, and a page
    needed that was not read here is loaded again."""
    pages: list[PageText] = []
    contents: Contents = {}
    had_table = False
    try:
        for index in range(len(document)):
            with loaded_text_page(document.raw, index) as (page, textpage):
                text = _clean_layer_text(text_of_page(textpage))
                objects = page_objects(handle(address(page)))
                drawn = _drawn_kinds(objects)
                page_text = PageText(text, pdfium_c.FPDF_PAGEOBJ_PATH in drawn, pdfium_c.FPDF_PAGEOBJ_IMAGE in drawn)
                had_table = tables is not None and is_table_page(page_text, had_table)
                if tables is not None and had_table:
                    had_table = _read_early(tables, index + 1, LoadedPage(page, textpage, objects), contents)
            pages.append(page_text)
    except Exception as exc:  # pdfium raises PdfiumError, ValueError, … on damaged pages
        raise IngestError("unreadable_file", STAGE_READ, f"the PDF's pages could not be read: {exc}") from exc
    return pages, contents


def _read_early(tables: TablePages, number: int, loaded: LoadedPage, contents: Contents) -> bool:
    """Read a table page while it is loaded; whether it held a table. What it raises is kept
    for ``_table_blocks``, which reports it if it needs the page."""
    try:
        content = contents[number] = tables.content(number, loaded)
    except Exception as exc:  # reported by _table_blocks as the tables' error, as if read there
        contents[number] = exc
        return False
    return bool(content.tables)


# -- a table page: its tables and the text around them --------------------------------------------
@dataclass(frozen=True)
class TextRun:
    """A piece of text outside the tables; x0/x1/size are those of its last line."""

    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    alone: bool
    """The only piece on its line (a wrapped paragraph line is; "编制单位… 单位：万元" is not)."""


def _line_runs(words: list[Word]) -> list[TextRun]:
    """A line's words, left to right, split into runs where a gap is wider than PIECE_GAP_EM."""
    groups: list[list[Word]] = []
    previous_x1: float | None = None
    for word in sorted(words, key=lambda w: w.x0):
        height = word.bottom - word.top
        if previous_x1 is None or word.x0 - previous_x1 > PIECE_GAP_EM * height:
            groups.append([])
        groups[-1].append(word)
        previous_x1 = word.x1
    runs: list[TextRun] = []
    for group in groups:
        text = " ".join(w.text for w in group)
        top = min(w.top for w in group)
        bottom = max(w.bottom for w in group)
        x0, x1 = group[0].x0, group[-1].x1
        runs.extend(TextRun(top, bottom, x0, x1, bottom - top, piece, len(groups) == 1) for piece in text_pieces(text))
    return runs


def continues_paragraph(previous: TextRun, run: TextRun, left: float, right: float) -> bool:
    """``run`` is the next line of the paragraph ``previous`` wrapped out of (a two-line title).

    The previous line filled the text column (it ends within WRAP_EDGE_EM of the right edge and
    spans WRAP_MIN_WIDTH of the column), and the next is set in the same size right below it.
    """
    size = previous.size
    return (
        previous.alone
        and run.alone
        and abs(run.size - size) <= SAME_SIZE_PT
        and 0 <= run.top - previous.bottom <= LINE_GAP_EM * size
        and previous.x1 >= right - WRAP_EDGE_EM * size
        and previous.x1 - previous.x0 >= WRAP_MIN_WIDTH * (right - left)
    )


def join_paragraph_lines(runs: Sequence[TextRun], left: float, right: float) -> list[TextRun]:
    joined: list[TextRun] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        if joined and continues_paragraph(joined[-1], run, left, right):
            head = joined[-1]
            run = TextRun(head.top, run.bottom, run.x0, run.x1, run.size, join_wrapped(head.text, run.text), True)
            joined[-1] = run
        else:
            joined.append(run)
    return joined


def _text_outside(content: PageContent, boxes: Sequence[Box]) -> list[TextRun]:
    """Text outside the tables, wrapped paragraph lines joined."""
    words: list[tuple[Any, ...]] = list(content.outside)  # pdfplumber types its clustering for plain tuples
    lines = cast(list[list[Word]], cluster_objects(words, attrgetter("top"), LINE_TOLERANCE))
    runs = [run for line in lines for run in _line_runs(line)]
    edges = [(box[0], box[2]) for box in boxes] + ([content.span] if content.span is not None else [])
    if not edges:
        return runs
    return join_paragraph_lines(runs, min(e[0] for e in edges), max(e[1] for e in edges))


@dataclass(frozen=True)
class PageTable:
    top: float
    rows: tuple[Cells, ...]
    columns: tuple[float, ...]
    """The left edge of each grid column, in the order of the cells of ``rows``."""


PageItem = PageTable | TextRun


def _page_items(content: PageContent) -> list[PageItem]:
    """Tables and outside text of a page, top to bottom."""
    items: list[PageItem] = [
        PageTable(
            t.bbox[1],
            tuple(tuple(cell_text(c) for c in row) for row in t.rows),
            tuple(sorted({cell[0] for cell in t.cells})),
        )
        for t in content.tables
    ]
    items.extend(_text_outside(content, [t.bbox for t in content.tables]))
    return sorted(items, key=lambda item: item.top)


# -- joining pages -------------------------------------------------------------------------------
def is_row_tail(row: Cells, previous: Cells, columns: ColumnMap) -> bool:
    """The rule of the module docstring (points 2-4): ``row`` is the rest of ``previous``.

    A row holding a form label (项目编码 …) starts a new form and is never a tail.
    """
    value = columns.get("value")
    if value is None or len(row) != len(previous) or value >= len(row):
        return False
    if row[value] or not previous[value] or any(label_key(c) in FORM_LABELS for c in row):
        return False
    filled = [index for index, cell in enumerate(row) if cell]
    return bool(filled) and all(previous[index] for index in filled)


def align_columns(table: PageTable, grid: tuple[float, ...]) -> PageTable | None:
    """The table's rows re-laid on another table's column grid, or None when its columns are not on it.

    A table that goes on over a page break can lose columns: a grid line that only the header
    block drew (指标值确定依据 spanning two columns under a split cell above) is absent on the next
    page, so pdfplumber numbers that page's columns differently. Matched by left edge, the cells
    land in the columns the header named.
    """
    if table.columns == grid:
        return table
    targets: list[int] = []
    for x in table.columns:
        match = next((i for i, edge in enumerate(grid) if abs(edge - x) <= COLUMN_TOLERANCE), None)
        if match is None or (targets and match <= targets[-1]):
            return None
        targets.append(match)
    rows = []
    for row in table.rows:
        cells = [""] * len(grid)
        for target, cell in zip(targets, row, strict=True):
            cells[target] = cell
        rows.append(tuple(cells))
    return PageTable(table.top, tuple(rows), grid)


def join_rows(previous: Cells, tail: Cells) -> Cells:
    return tuple(join_wrapped(a, b) for a, b in zip(previous, tail, strict=True))


@dataclass
class PageJoiner:
    """Blocks of consecutive pages, with rows cut by a page break put back together."""

    blocks: list[Block] = field(default_factory=list)
    columns: ColumnMap | None = None
    grid: tuple[float, ...] = ()
    """Column edges of the last table, for a continuation on the next page."""
    last_row_index: int | None = None
    rejoined: int = 0

    def _track(self, cells: Cells) -> None:
        header = find_indicator_header(cells)
        if header is not None:
            self.columns = header
        elif any(label_key(c) in FORM_LABELS for c in cells):
            self.columns = None

    def add_row(self, cells: Cells, locator: Locator, page_top: bool) -> None:
        """A table row; ``page_top`` when no data row of this page's first table came before it."""
        if page_top and self._rejoin(cells):
            return
        block = grid_block(cells, locator)
        self.blocks.append(block)
        if isinstance(block, Row):
            self._track(cells)
            self.last_row_index = len(self.blocks) - 1

    def _rejoin(self, cells: Cells) -> bool:
        if self.columns is None or self.last_row_index is None:
            return False
        previous = self.blocks[self.last_row_index]
        assert isinstance(previous, Row)
        if find_indicator_header(previous.cells) is not None or not is_row_tail(cells, previous.cells, self.columns):
            return False
        self.blocks[self.last_row_index] = Row(join_rows(previous.cells, cells), previous.locator)
        self.rejoined += 1
        return True

    def add_text(self, text: str, locator: Locator) -> None:
        self.blocks.append(TextLine(text, locator))

    def add_page(self, number: int, items: Sequence[PageItem]) -> bool:
        """Feed one table page; True when it held a table."""
        locator = Locator(page=number)
        page_top = True
        found_table = False
        for item in items:
            if isinstance(item, TextRun):
                self.add_text(item.text, locator)
                continue
            if not found_table and self.columns is not None:
                item = align_columns(item, self.grid) or item
            found_table = True
            self.grid = item.columns
            for cells in item.rows:
                if find_indicator_header(cells) is not None and page_top and self.columns is not None:
                    self.blocks.append(Row(cells, locator))  # a repeated header: the tail may follow it
                    self._track(cells)
                    continue
                self.add_row(cells, locator, page_top)
                page_top = False
            page_top = False
        return found_table


# -- the reader ----------------------------------------------------------------------------------
def _table_blocks(tables: TablePages, pages: Sequence[PageText], contents: Contents) -> list[Block]:
    joiner = PageJoiner()
    previous_had_table = False
    try:
        for number, page_text in enumerate(pages, start=1):
            if not is_table_page(page_text, previous_had_table):
                for line in page_text.text.split("\n"):
                    for piece in text_pieces(line):
                        joiner.add_text(piece, Locator(page=number))
                previous_had_table = False
                continue
            content = contents.pop(number, None)
            if isinstance(content, Exception):
                raise content
            if content is None:
                content = tables.content(number)
            previous_had_table = joiner.add_page(number, _page_items(content))
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises PSEOF, PDFSyntaxError, KeyError, … on damaged files
        raise IngestError("unreadable_file", STAGE_READ, f"the PDF's tables could not be read: {exc}") from exc
    return joiner.blocks


OCR_ADVICE: Final = (
    "run OCR on it (e.g. ocrmypdf --language chi_sim) or get the original Word/Excel file, "
    "then put that in the raw folder"
)


def check_text_layer(pages: Sequence[PageText]) -> None:
    """``needs_ocr`` when no page has text, nor a picture OCR could read (blank pages)."""
    if not any(page.text.strip() for page in pages):
        raise IngestError(
            "needs_ocr", STAGE_READ, f"none of the {len(pages)} pages has a text layer (a scan); {OCR_ADVICE}"
        )


def read_pdf(data: bytes, source_file: str) -> RawDocument:
    """A PDF's text layer (``lines``) and its tables and text as blocks, page by page."""
    document = open_pdf(data)
    try:
        with closing(TablePages(data, document)) as tables:
            pages, contents = read_page_texts(document, tables)
            scanned = ocr_page_numbers([(page.text, page.has_images) for page in pages])
            if scanned:  # read by OCR (pipeline.parse.read.scan); the other pages as text
                pages = [PageText("", False, False) if n in scanned else page for n, page in enumerate(pages, start=1)]
            else:
                check_text_layer(pages)
            blocks = _table_blocks(tables, pages, contents)
    finally:
        document.close()
    numbered = [(number, line) for number, page in enumerate(pages, start=1) for line in page.text.split("\n")]
    document_blocks = RawDocument(
        source_file=source_file,
        format=FORMAT,
        lines=tuple(line for _, line in numbered),
        blocks=tuple(blocks),
        line_pages=tuple(number for number, _ in numbered),
    )
    return with_scans(document_blocks, ocr_pdf_pages(data, scanned)) if scanned else document_blocks
