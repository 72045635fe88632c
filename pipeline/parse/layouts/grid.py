"""The shape shared by every layout that only rebuilds a table grid: the form reader does the rest.

A grid layout says whether a document can be in its serialisation at all (cheap), and how to
rebuild Row/TextLine blocks from it; its score is how well the form reader reads those blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core.types import Block, Extraction, RawDocument
from pipeline.parse.layouts.forms import FormsResult, forms_extraction, may_find_table, read_forms


class GridLayout:
    """Base of tab_rows, cell_lines, pipe_tables, cell_pipe_lines, blank_line_cells, ruled_tables."""

    name: str

    def applies(self, doc: RawDocument) -> bool:
        """Text serialisations apply to text; a reader's own table structure has its own layout."""
        return not doc.blocks

    def blocks(self, doc: RawDocument) -> Sequence[Block]:
        raise NotImplementedError

    _last_read: tuple[RawDocument, FormsResult] | None = None
    """The document this layout last read and what the form reader found in it: ``recognise``
    scores every layout, then the winner extracts the same document, and reading the forms is
    most of the parse time (bench/results.md), so the winner's reading is reused, not redone."""

    def _cached(self, doc: RawDocument) -> FormsResult | None:
        last = self._last_read  # one read of the attribute: a (document, result) pair set whole
        return last[1] if last is not None and last[0] is doc else None

    def _read(self, doc: RawDocument, blocks: Sequence[Block] | None = None) -> FormsResult:
        result = read_forms(self.blocks(doc) if blocks is None else blocks)
        self._last_read = (doc, result)
        return result

    def score(self, doc: RawDocument) -> float:
        if not self.applies(doc):
            return 0.0
        cached = self._cached(doc)
        if cached is not None:
            return cached.confidence()
        blocks = self.blocks(doc)
        if not may_find_table(blocks):
            return 0.0  # the form reader would find no table (most layouts scored are not the document's)
        return self._read(doc, blocks).confidence()

    def extract(self, doc: RawDocument) -> Extraction:
        cached = self._cached(doc)
        return forms_extraction(self.name, cached if cached is not None else self._read(doc))
