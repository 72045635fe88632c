"""The interface every layout implements: how sure am I that this document is mine; extract it."""

from __future__ import annotations

from typing import Protocol

from pipeline.core.types import Extraction, RawDocument


class Layout(Protocol):
    """A family of documents that serialise the performance-target tables the same way."""

    name: str

    def score(self, doc: RawDocument) -> float:
        """0 when the document is certainly not of this layout, 1 when certainly it is."""
        ...

    def extract(self, doc: RawDocument) -> Extraction:
        """Every project and indicator row of the document, cells as written."""
        ...
