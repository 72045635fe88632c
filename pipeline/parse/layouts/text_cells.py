"""Any text serialisation of a 绩效目标表, reduced to cells: the general text layout.

Each line becomes cells and nothing more: a line with two or more cells between pipes (``| a | b |``)
or tabs is one table row; any other line gives its pieces as cells of a stream (one cell per line
``产出指标 |``, one per paragraph, or rows written with spaces ``产出指标 数量指标 检查差旅费 470 人/天 2``).
A single space separates cells only in a document that writes its header that way; elsewhere it is
part of a cell, and only a wider gap separates. Image stubs (``![]()``) and separator lines are not cells. What the cells
mean is decided by the reader (``pipeline.parse.layouts.stream`` and the form reader), from the table's own
vocabulary: this layout never places a cell.
"""

from __future__ import annotations

import re
from typing import Final

from pipeline.core.confidence import CERTAIN
from pipeline.core.labels import find_indicator_header
from pipeline.core.text import clean_text
from pipeline.core.types import Block, Locator, RawDocument, Row
from pipeline.parse.layouts.forms import INFERRED_ROWS_DOUBT
from pipeline.parse.layouts.grid import GridLayout
from pipeline.parse.layouts.pipe_tables import UNESCAPED_PIPE
from pipeline.parse.layouts.stream import SourceLine, blocks_from_lines

NAME: Final = "text_cells"
STREAM_CEILING: Final = CERTAIN - INFERRED_ROWS_DOUBT
"""The most this layout scores a document whose rows it cut from a stream of cells."""
MIN_ROW_CELLS: Final = 2
_TAB: Final = "\t"
_NOT_A_CELL: Final = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)|[-_|:—]+|[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页)$")
"""Image stubs, separator marks (``-``, ``---``, ``|``) and page numbers (``—3—``, ``第3页``); a lone
``=`` is a comparator, not a separator."""
_WHITESPACE: Final = re.compile(r"[\s\u00a0\u3000]+")
_WIDE_GAP: Final = re.compile(r"\s{2,}|\u3000")
"""Two spaces or more separate cells in any text (columns laid out with spaces)."""
_HEADER_HINT: Final = "指标"


def _cells(line: str, spaced: bool) -> list[str]:
    if "|" in line:
        parts = UNESCAPED_PIPE.split(line)
    elif _TAB in line:
        parts = line.split(_TAB)
    else:
        pieces = (_WHITESPACE if spaced else _WIDE_GAP).split(line)
        return [piece for piece in pieces if _is_cell(piece)]
    return [part.strip() for part in parts]


def writes_rows_with_spaces(lines: tuple[str, ...]) -> bool:
    """Whether the document writes its table with single spaces between cells: some line's
    space-separated pieces name a whole indicator header (``一级指标 二级指标 三级指标 指标值``).
    Elsewhere a single space is part of a cell (``我单位 2020 年符合…`` wrapped in a Word export)."""
    return any(
        _HEADER_HINT in line and find_indicator_header(_WHITESPACE.split(line.strip())) is not None for line in lines
    )


def _is_cell(text: str) -> bool:
    return bool(clean_text(text)) and not _NOT_A_CELL.match(text.strip())


def source_lines(lines: tuple[str, ...], line_pages: tuple[int, ...] = ()) -> list[SourceLine]:
    """Each line as cells: bounded when separators give it two or more cells (empty ones count: a
    row that kept the blanks of merged cells, ``\t\t\t\t≥95%``, keeps its positions)."""
    spaced = writes_rows_with_spaces(lines)
    reduced: list[SourceLine] = []
    for number, line in enumerate(lines, start=1):
        if _NOT_A_CELL.match(line.strip()):
            continue  # a page number (— 3 —) or a rule, whatever the document's separators
        cells = _cells(line, spaced)
        filled = [cell for cell in cells if _is_cell(cell)]
        if not filled:
            continue
        separated = "|" in line or _TAB in line
        row = _trimmed(cells, line)
        locator = Locator(line=number, page=line_pages[number - 1] if line_pages else None)
        if separated and len(row) >= MIN_ROW_CELLS:
            reduced.append(SourceLine(row, locator, bounded=True))
        else:
            reduced.append(SourceLine(tuple(filled), locator, bounded=False))
    return reduced


def _trimmed(cells: list[str], line: str) -> tuple[str, ...]:
    """The cells of a row without the empty edge a leading or trailing separator leaves."""
    if line.lstrip().startswith("|") and cells and not cells[0]:
        cells = cells[1:]
    while cells and not cells[-1]:
        cells = cells[:-1]
    return tuple(cells)


class TextCellsLayout(GridLayout):
    name = NAME

    def applies(self, doc: RawDocument) -> bool:
        """Any text, and a PDF's text layer when no ruled table was found on its pages (a table
        drawn without rules, or one pdfplumber did not see): its lines are page text, one fragment
        a line, and each row keeps its page."""
        return not doc.blocks or (bool(doc.line_pages) and not any(isinstance(b, Row) for b in doc.blocks))

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(source_lines(doc.lines, doc.line_pages))
