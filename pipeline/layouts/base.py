"""The interface every layout implements: how sure am I that this document is mine; extract it."""

from __future__ import annotations

from typing import Final, Protocol

from pipeline.types import Extraction, RawDocument

MIN_CONFIDENCE: Final = 0.5
"""Below this score no layout may claim a document: it is recorded as ``unknown_layout``."""
CERTAIN: Final = 1.0
"""The highest score a layout gives (scores are in [0, 1]): ``recognise`` stops scoring at it."""
LOW_CONFIDENCE: Final = 0.9
"""A loaded document whose layout scored below this is flagged ``low_confidence`` in dim_document.
For the form-reading layouts it means more than a quarter of the table rows could not be read as
indicator rows (confidence = 0.6 + 0.4 × read / (read + rejected))."""


class Layout(Protocol):
    """A family of documents that serialise the performance-target tables the same way."""

    name: str

    def score(self, doc: RawDocument) -> float:
        """0 when the document is certainly not of this layout, 1 when certainly it is."""
        ...

    def extract(self, doc: RawDocument) -> Extraction:
        """Every project and indicator row of the document, cells as written."""
        ...
