"""How sure a layout is of its reading: the scores that decide who claims a document and what is flagged."""

from __future__ import annotations

from typing import Final

MIN_CONFIDENCE: Final = 0.5
"""Below this score no layout may claim a document: it is recorded as ``unknown_layout``."""
CERTAIN: Final = 1.0
"""The highest score a layout gives (scores are in [0, 1]): ``recognise`` stops scoring at it."""
LOW_CONFIDENCE: Final = 0.9
"""A loaded document whose layout scored below this is flagged ``low_confidence`` in dim_document.
For the form-reading layouts it means more than a quarter of the table rows could not be read as
indicator rows (confidence = 0.6 + 0.4 × read / (read + rejected))."""



def lowest_score(*scores: float | None) -> float | None:
    """The lowest of the OCR scores given, None when none is (rows read from text have no score).

    A row is only as sure as its least sure part: a row cut by a page break and joined back,
    scored 0.98 and 0.71, was read with 0.71.
    """
    known = [score for score in scores if score is not None]
    return min(known) if known else None
