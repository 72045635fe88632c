"""The shape shared by every layout that only rebuilds a table grid: the form reader does the rest.

A grid layout says whether a document can be in its serialisation at all (cheap), and how to
rebuild Row/TextLine blocks from it; its score is how well the form reader reads those blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.layouts.forms import forms_extraction, read_forms
from pipeline.types import Block, Extraction, RawDocument


class GridLayout:
    """Base of tab_rows, cell_lines, pipe_tables, cell_pipe_lines, blank_line_cells, ruled_tables."""

    name: str

    def applies(self, doc: RawDocument) -> bool:
        """Text serialisations apply to text; a reader's own table structure has its own layout."""
        return not doc.blocks

    def blocks(self, doc: RawDocument) -> Sequence[Block]:
        raise NotImplementedError

    def score(self, doc: RawDocument) -> float:
        return read_forms(self.blocks(doc)).confidence() if self.applies(doc) else 0.0

    def extract(self, doc: RawDocument) -> Extraction:
        return forms_extraction(self.name, read_forms(self.blocks(doc)))
