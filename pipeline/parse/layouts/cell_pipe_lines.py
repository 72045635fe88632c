"""Tables dumped one cell per line, each cell ended by a pipe (``产出指标 |``), rows split by blank lines.

Some Word-to-text converters write a table as its cells, one per line, closing each with `` |``; an
empty cell is a bare ``|``; a blank line ends a row. A cell whose text wraps continues on lines
without a pipe until the line that carries it (``村级组织为民办事、服务群众的`` / ``能力和水平 |``).
Lines without a pipe that are not followed by a cell line (titles, unit lines, paragraphs) are text.
A row cut in two by a stray blank line (a page break) is joined up to its header's width.
"""

from __future__ import annotations

from typing import Final

from pipeline.core.types import Block, RawDocument, TextLine, line_locator
from pipeline.parse.layouts.cell_runs import CellRun, rows_from_runs
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "cell_pipe_lines"
PIPE: Final = "|"
MIN_CELL_LINES: Final = 6
"""A document needs at least this many pipe-ended lines to be of this layout."""


def cell_text(line: str) -> str | None:
    """The cell a line closes (``产出指标 |`` → 产出指标, ``|`` → empty), or None for any other line."""
    text = line.strip()
    if not text.endswith(PIPE):
        return None
    body = text[: -len(PIPE)]
    if PIPE in body:  # a markdown row (| a | b |), not a cell line
        return None
    return body.strip()


def _items(lines: tuple[str, ...]) -> list[CellRun | TextLine]:
    items: list[CellRun | TextLine] = []
    run: CellRun | None = None
    wrapped: list[tuple[int, str]] = []

    def flush_wrapped() -> None:
        items.extend(TextLine(text, line_locator(number)) for number, text in wrapped)
        wrapped.clear()

    for number, line in enumerate(lines, start=1):
        text = cell_text(line)
        if text is not None:
            if run is None:
                flush_wrapped()
                run = CellRun()
            head = wrapped[0][0] if wrapped else number
            run.add("\n".join([*(t for _, t in wrapped), text]), head)
            wrapped.clear()
        elif not line.strip():
            flush_wrapped()
            if run is not None:
                items.append(run)
                run = None
        else:
            wrapped.append((number, line))
    flush_wrapped()
    if run is not None:
        items.append(run)
    return items


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    return rows_from_runs(_items(lines))


class CellPipeLinesLayout(GridLayout):
    name = NAME

    def applies(self, doc: RawDocument) -> bool:
        return not doc.blocks and sum(1 for line in doc.lines if cell_text(line) is not None) >= MIN_CELL_LINES

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(doc.lines)
