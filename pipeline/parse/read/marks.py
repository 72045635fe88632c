"""Characters the recognition model reads poorly, put right with what the picture and its own output show.

PP-OCRv4 reads a line as a CTC output: for each time step (8 pixels of a line 48 pixels high), a
probability for every character and for "no character here" (the blank). Two kinds of character
come out of it wrong often enough to matter in budget tables:

- **Middle dots** of compound units (``元/人·月``, ``人·次``, ``千瓦·时``): a dot of a few pixels
  that the model sees but ranks second to the blank (the blank 0.85-0.94, the dot 0.05-0.3). The
  picture counts the dots (``middle_dots``: a small round blob of ink, alone in its columns,
  half-way up the line, with glyphs on both sides) and the model places them
  (``place_marks``: in the gaps between two characters where it gives the dot the most
  probability). The dot's score is that probability, so the row keeps the model's doubt.
  A blob on a line of seal remains or dust is no dot: it must stand between two read characters.
- **Width twins** (``/`` and ``／``, ``:`` and ``：``): the same shape, half or full width, which
  a picture of a cell does not tell apart and the model splits its probability between
  (``/`` 0.58, ``／`` 0.33). When a character's runner-up is its own twin with at least
  ``TWIN_PROBABILITY``, the two are one character (``width_twin``): its probability is their sum
  and it is written half-width, as the budget documents write units (``元/人``, ``次/月``: every
  slash of the real reference rows). A form read with no doubt (``／`` 0.99) is kept as read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

SMALL_MARKS: Final = frozenset("·")
"""Marks of a few pixels that the model sees but seldom ranks first."""
DOT_SHARE_MAX: Final = 0.3
"""A middle dot is at most this share of the line's ink height wide and high (a character is all of it)."""
DOT_SHARE_MIN: Final = 0.08
"""… and at least this share (smaller is a speck of noise)."""
DOT_MIN_PIXELS: Final = 2
"""… and at least this many pixels each way, whatever the line's height."""
DOT_MAX_ASPECT: Final = 1.5
"""A dot is about as wide as high (4×4, 5×4 px at 200 dpi): the end of a bold 一 broken off by a
noisy scan (8×4) is no dot."""
DOT_MIN_FILL: Final = 0.5
"""Share of its bounding box a dot fills (a round blob; a thin stroke of seal fills less)."""
DOT_BAND: Final = (0.3, 0.7)
"""Where a middle dot's centre lies between the line's top and bottom (a full stop sits low)."""
TWIN_PROBABILITY: Final = 0.05
"""A width twin ranked second with at least this is a doubt between the two widths."""
MIN_GLYPH_PIXELS: Final = 6
"""Pixels of ink a component needs to count as part of a glyph (fewer is a speck)."""

Gray = NDArray[np.uint8]
Probabilities = NDArray[np.float32]


def middle_dots(strip: Gray) -> int:
    """How many middle dots a line's picture shows: small, round blobs of ink half-way up the
    line, alone in their columns (no other glyph above or below), with glyphs on both sides.

    "300元/人·月" shows one; "≥95%" none (its strokes are taller than a third of the line, and a
    full stop or the dot of a decimal sits at the bottom); nor does a bold "一级指标" whose 一 a
    noisy scan broke in two (the piece is twice as wide as high).
    """
    _, binary = cv2.threshold(strip, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    boxes = [tuple(int(v) for v in stats[label, :5]) for label in range(1, count)]
    glyphs = [box for box in boxes if box[4] >= MIN_GLYPH_PIXELS]
    if not glyphs:
        return 0
    top = min(y for _, y, _, _, _ in glyphs)
    height = max(y + h for _, y, _, h, _ in glyphs) - top
    found = 0
    for index, (x, y, w, h, area) in enumerate(glyphs):
        if not (
            max(DOT_MIN_PIXELS, DOT_SHARE_MIN * height) <= min(w, h)
            and max(w, h) <= DOT_SHARE_MAX * height
            and max(w, h) <= DOT_MAX_ASPECT * min(w, h)
            and area >= DOT_MIN_FILL * w * h
            and DOT_BAND[0] * height <= y + h / 2 - top <= DOT_BAND[1] * height
        ):
            continue
        others = glyphs[:index] + glyphs[index + 1 :]
        alone = not any(ox <= x + w and ox + ow >= x for ox, _, ow, _, _ in others)
        between = any(ox + ow < x for ox, _, ow, _, _ in others) and any(ox > x + w for ox, _, _, _, _ in others)
        found += alone and between
    return found


def mark_classes(characters: Sequence[str]) -> dict[int, str]:
    """The model's classes of ``SMALL_MARKS``: {class index: mark}."""
    return {index: character for index, character in enumerate(characters) if character in SMALL_MARKS}


def place_marks(
    text: list[str], scores: list[float], gaps: Sequence[tuple[float, int, str]], dots: int
) -> tuple[list[str], list[float]]:
    """``text`` (its characters, each with its score) with the dots the picture shows and the model
    did not read, put in the gaps where the model gave a mark the most probability.

    ``gaps`` are (the mark's best probability in a run of blanks between two characters, the
    position in ``text`` the run comes before, the mark). "300元/人月" with one dot seen and the
    gap before 月 holding · at 0.05 becomes "300元/人·月", the dot scored 0.05.
    """
    missing = dots - sum(character in SMALL_MARKS for character in text)
    if missing <= 0 or not gaps:
        return text, scores
    chosen = sorted(sorted(gaps, reverse=True)[:missing], key=lambda gap: gap[1], reverse=True)
    text, scores = list(text), list(scores)
    for probability, position, mark in chosen:  # from the right, so positions to the left stay valid
        text.insert(position, mark)
        scores.insert(position, probability)
    return text, scores


def width_twin(first: str, second: str) -> str | None:
    """The half-width form when ``first`` and ``second`` are one character in two widths ("／", "/"
    → "/"), else None."""
    if first == second:
        return None
    folded = unicodedata.normalize("NFKC", first)
    return folded if folded == unicodedata.normalize("NFKC", second) and len(folded) == 1 else None
