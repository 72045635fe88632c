"""Tables dumped one row per line, cells separated by tabs (PDF-to-markdown converters).

Seen in 000 and 002: ``<b>项目编码</b>\\t13052924P0058401221 5X\\t\\t<b>项目名称</b>\\t…``. Lines with
no tab are running text (headings, unit lines); a blank line or a repeated header inside a
table is a page break, which the form reader joins across.
"""

from __future__ import annotations

from typing import Final

from pipeline.core.types import Block, RawDocument, Row, TextLine, line_locator
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "tab_rows"
CELL_SEPARATOR: Final = "\t"
MIN_ROW_CELLS: Final = 2


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    """Each line with a tab and something after it is a row; every other line is text (``金额\t`` too:
    the cells after the first hold only blanks and tabs, which ``isspace`` sees in one call)."""
    blocks: list[Block] = []
    for number, line in enumerate(lines, start=1):
        locator = line_locator(number)
        if CELL_SEPARATOR not in line:  # one cell: text, with no tab to replace
            blocks.append(TextLine(line, locator))
            continue
        cells = tuple(line.split(CELL_SEPARATOR))
        after_first = line[len(cells[0]) + 1 :]  # the cells after the first, tabs between them
        if len(cells) >= MIN_ROW_CELLS and after_first and not after_first.isspace():
            blocks.append(Row(cells, locator))
        else:
            blocks.append(TextLine(line.replace(CELL_SEPARATOR, " "), locator))
    return blocks


class TabRowsLayout(GridLayout):
    name = NAME

    def blocks(self, doc: RawDocument) -> list[Block]:
        return blocks_from_lines(doc.lines)
