"""Documents whose reader already found the table grid: PDF ruled tables, Word tables, worksheets.

The binary readers hand over ``RawDocument.blocks`` (rows with their cells, and the text lines
between tables); reading the forms out of them is the shared form reader's job, so this layout
only claims documents that have blocks and scores them by how well the forms read.
"""

from __future__ import annotations

from typing import Final

from pipeline.core.types import Block, RawDocument
from pipeline.parse.layouts.grid import GridLayout

NAME: Final = "ruled_tables"


class RuledTablesLayout(GridLayout):
    name = NAME

    def applies(self, doc: RawDocument) -> bool:
        return bool(doc.blocks)

    def blocks(self, doc: RawDocument) -> tuple[Block, ...]:
        return doc.blocks
