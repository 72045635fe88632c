"""Tables dumped one cell per line (Word-to-text converters), each cell line starting with a tab.

Seen in 001 and 003: a row is a run of ``\\t``-prefixed lines ended by a blank line; a line with
no tab right after a cell continues that cell (a wrapped 绩效目标). Some converters also put
blank lines between the cells of one row (003, 残疾人保障金): inside an indicator table a row
always has as many cells as its header, so a short run is joined with the runs that follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pipeline.core.labels import FORM_LABELS, find_indicator_header
from pipeline.core.text import label_key
from pipeline.core.types import Block, RawDocument, Row, TextLine, line_locator
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "cell_lines"
CELL_MARK: Final = "\t"


@dataclass
class _Run:
    cells: list[str] = field(default_factory=list)
    first_line: int = 0


def _runs(lines: tuple[str, ...]) -> list[_Run | TextLine]:
    """Group cell lines into runs split by blank lines; keep other lines as text."""
    items: list[_Run | TextLine] = []
    run: _Run | None = None
    previous_was_cell = False
    for number, line in enumerate(lines, start=1):
        if line.startswith(CELL_MARK):
            if run is None:
                run = _Run(first_line=number)
            run.cells.append(line[len(CELL_MARK) :])
            previous_was_cell = True
        elif not line or line.isspace():  # blank; strip() would copy every long line to say so
            if run is not None:
                items.append(run)
                run = None
            previous_was_cell = False
        elif previous_was_cell and run is not None:
            run.cells[-1] = f"{run.cells[-1]}\n{line}"
        else:
            if run is not None:
                items.append(run)
                run = None
            items.append(TextLine(line, line_locator(number)))
            previous_was_cell = False
    if run is not None:
        items.append(run)
    return items


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    """Rows rebuilt from runs: inside an indicator table, short runs are joined up to the header's width.

    A run that is an indicator header or names a form field starts a row of its own (each run is
    asked once: a web-list document's runs are whole ``<p>`` lists of several thousand characters).
    Whether a run names a form field is asked only inside an indicator table (``width`` set): outside
    one no run is pending, every run is a row of its own and ``width`` stays 0 whatever the answer —
    so the label test, which reduces every cell of the run, runs only where it decides something."""
    blocks: list[Block] = []
    width = 0
    pending: _Run | None = None
    for item in _runs(lines):
        if isinstance(item, TextLine):
            if pending is not None:
                blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
                pending = None
            width = 0
            blocks.append(item)
            continue
        starts_row = True
        if find_indicator_header(item.cells) is not None:
            width = len(item.cells)
        elif width and any(label_key(c) in FORM_LABELS for c in item.cells):
            width = 0
        else:
            starts_row = False
        if pending is not None and not starts_row:
            pending.cells.extend(item.cells)
        else:
            if pending is not None:
                blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
            pending = item
        if len(pending.cells) >= width:
            blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
            pending = None
    if pending is not None:
        blocks.append(Row(tuple(pending.cells), line_locator(pending.first_line)))
    return blocks


class CellLinesLayout(GridLayout):
    name = NAME

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(doc.lines)
