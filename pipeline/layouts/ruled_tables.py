"""Documents whose reader already found the table grid: PDF ruled tables, Word tables, worksheets.

The binary readers hand over ``RawDocument.blocks`` (rows with their cells, and the text lines
between tables); reading the forms out of them is the shared form reader's job, so this layout
only claims documents that have blocks and scores them by how well the forms read.
"""

from __future__ import annotations

from typing import Final

from pipeline.layouts.forms import forms_extraction, read_forms
from pipeline.types import Extraction, RawDocument

NAME: Final = "ruled_tables"


class RuledTablesLayout:
    name = NAME

    def score(self, doc: RawDocument) -> float:
        if not doc.blocks:
            return 0.0
        return read_forms(doc.blocks).confidence()

    def extract(self, doc: RawDocument) -> Extraction:
        return forms_extraction(NAME, read_forms(doc.blocks))
