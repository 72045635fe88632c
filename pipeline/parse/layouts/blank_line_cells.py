"""Tables dumped one cell per line with a blank line between cells; an empty cell is an empty line.

Some PDF/Word-to-text tools write every cell of a table, in reading order, as a paragraph of its
own: cell, blank line, cell. An empty cell still takes its slot, as an empty line, so ``A`` and ``B``
with one empty cell between them are three blank lines apart (``A``, blank, empty cell, blank,
``B``): n blank lines between two cells hold (n − 1) // 2 empty cells. Lines that follow each other
without a blank line are one cell whose text wraps.

Nothing marks the end of a row, so rows are rebuilt from the table itself (``rows_from_cells``): an
indicator table is cut by its header's width (the run of header labels 一级指标 … 指标值), and the
form above it at each form label (项目名称, 预算数 …). Titles and headings end a table.
"""

from __future__ import annotations

from typing import Final

from pipeline.core.types import Block, RawDocument
from pipeline.parse.layouts.cell_runs import rows_from_cells
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "blank_line_cells"
TAB: Final = "\t"


def cells_from_lines(lines: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """The cells of the document in order (``""`` for an empty cell) and the line each starts on."""
    cells: list[str] = []
    numbers: list[int] = []
    current: list[str] = []
    start = 0
    blanks = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                if cells:
                    empties = max(blanks - 1, 0) // 2
                    cells.extend([""] * empties)
                    numbers.extend(range(start + 2, start + 2 + 2 * empties, 2))
                start = number
            current.append(line.strip())
            blanks = 0
        else:
            if current:
                cells.append("\n".join(current))
                numbers.append(start)
                start = number - 1
                current = []
            blanks += 1
    if current:
        cells.append("\n".join(current))
        numbers.append(start)
    return cells, numbers


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    cells, numbers = cells_from_lines(lines)
    return rows_from_cells(cells, numbers)


class BlankLineCellsLayout(GridLayout):
    name = NAME

    def applies(self, doc: RawDocument) -> bool:
        return not doc.blocks and not any(TAB in line for line in doc.lines)  # tab cells are other layouts'

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(doc.lines)
