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

