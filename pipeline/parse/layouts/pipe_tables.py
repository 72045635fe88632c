"""Markdown pipe tables (``| a | b |``): Word/PDF-to-markdown converters, web page dumps.

Each line starting with ``|`` is a table row and its cells are what lies between unescaped pipes;
the delimiter row under a markdown header (``|---|:---:|``) is not a row. A cell wrapped inside the
table is joined with ``<br>`` by most converters, which the form reader's text cleaning turns into
a wrap (no space between Chinese characters). Every other line is text: headings, unit lines and
page numbers, which the form reader reads or ignores.

Markdown has no merged cells: the converter writes the merged 一级指标 into its first row and leaves
the rows below blank (the form reader carries it down), or repeats it in every row (read as written).
A markdown table can only have one header row, so the first row of a converted form is often a form
row (``| 项目名称 | … |``) and the indicator header a plain row further down: the form reader finds
headers by their labels, wherever they are.
"""

from __future__ import annotations

import re
from typing import Final

from pipeline.core.types import Block, RawDocument, Row, TextLine, line_locator
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "pipe_tables"
PIPE: Final = "|"
MIN_ROW_CELLS: Final = 2
UNESCAPED_PIPE: Final = re.compile(r"(?<!\\)\|")
"""A cell border in a pipe table (``\\|`` is a pipe inside a cell)."""
_DELIMITER_CELL: Final = re.compile(r"^\s*:?-{3,}:?\s*$")


def split_pipe_row(line: str) -> tuple[str, ...] | None:
    """The cells of a markdown table line, or None when the line is not a table row."""
    text = line.strip()
    if not text.startswith(PIPE):
        return None
    parts = UNESCAPED_PIPE.split(text)[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return tuple(part.replace(r"\|", PIPE) for part in parts)


def is_delimiter_row(cells: tuple[str, ...]) -> bool:
    """``|---|:---:|``: the line under a markdown header, not a row of the table."""
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    """Each pipe line is a row (delimiter rows dropped); every other line is text."""
    blocks: list[Block] = []
    for number, line in enumerate(lines, start=1):
        cells = split_pipe_row(line)
        locator = line_locator(number)
        if cells is None or len(cells) < MIN_ROW_CELLS:
            blocks.append(TextLine(line, locator))
        elif not is_delimiter_row(cells):
            blocks.append(Row(cells, locator))
    return blocks


def _has_pipe_rows(lines: tuple[str, ...]) -> bool:
    return any(line.lstrip().startswith(PIPE) for line in lines)


class PipeTablesLayout(GridLayout):
    name = NAME

    def applies(self, doc: RawDocument) -> bool:
        return not doc.blocks and _has_pipe_rows(doc.lines)

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(doc.lines)
