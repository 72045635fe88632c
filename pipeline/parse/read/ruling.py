"""A scanned page's ruled table, found in the picture: red stamps dropped, the page squared, its cells.

Everything here is OpenCV morphology on a grey picture, a few tens of milliseconds a page; no
text is recognised. ``find_grid`` says whether a page holds a ruled table at all (a page of
prose has no long rules and never goes to OCR) and, when it does, where its cells are.

- **Red stamps.** The grey picture is the red channel: red ink (an official seal stamped over a
  cell, a red heading) is bright in it and drops out, while black print stays black, even where
  the seal covers it (ink multiplies: black under red is still black). A scan is a JPEG, which
  keeps colour at half the resolution of brightness: a seal's thin strokes (its ring of
  characters, its lettering) lose part of their colour and come out grey in the red channel
  (R 150-215 where the paper is 250), as dark as the page's threshold, and were read as letters
  beside the values under the seal ("≥95% PCALL"). So the red pixels (``RED_MARGIN`` redder
  than green and blue) must be darker than a threshold of their own to be print (``ink_of``):
  the lower of the page's Otsu threshold and Otsu's split of the red pixels alone (black print
  under the seal against the seal's ink); the others are made paper. Only the text is read
  from that picture: the rules are found in the red channel as it is (``rule_page``), since a
  thin rule under the seal, greyed by it, would go with the seal. A picture without colour is
  used as it is.
- **Rotation.** A scan is rarely square: the long horizontal rules of the table give the angle
  (``skew_angle``: the median slope of the rules longer than a quarter of the page), and the page
  is turned back (``straighten``) before cells are looked for. Angles up to ``MAX_SKEW`` are
  corrected; a page more askew than that is left alone (and its rules, not horizontal, are not
  found: the page reads as no table, which is honest).
- **Rules.** Opening the binarised ink with a long flat kernel keeps what is a horizontal line and
  drops characters; a tall thin kernel keeps the vertical ones (``MIN_RULE_INCH`` long: longer
  than a character's stroke at any scan resolution, shorter than a one-line row). Short gaps in
  a rule (a noisy scan, a faint print) are closed.
- **Cells.** The cells are the white islands that the rules enclose (connected components of the
  table's inside without its rules): a merged cell (一级指标 spanning the rows of its category)
  is one island, so it is one cell spanning several grid rows, as pdfplumber gives it.
  The grid's column and row edges are the cells' edges, clustered (``EDGE_TOLERANCE_INCH``);
  each cell says which grid rows and columns it spans.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]

MAX_SKEW: Final = 5.0
"""Degrees: a page turned further than this is not a scan fed askew, and is not straightened."""
MIN_RULE_INCH: Final = 0.2
"""A vertical rule is at least this long (5 mm): a one-line table row is taller, a character's stroke shorter."""
MIN_HRULE_INCH: Final = 0.5
"""A horizontal rule is at least this long: a column is wider, the 一 of a character narrower."""
SKEW_RULE_SHARE: Final = 0.25
"""Rules at least this share of the page's width measure its rotation."""
EDGE_TOLERANCE_INCH: Final = 0.04
"""Cell edges closer than this (1 mm) are the same grid line."""
MIN_CELL_INCH: Final = 0.08
"""An island narrower or lower than this (2 mm) is the gap of a double rule, not a cell."""
MIN_TABLE_CELLS: Final = 4
"""Fewer cells than this are a box around a title or a signature, not a table."""
RED_MARGIN: Final = 40
"""A pixel whose red exceeds its green and blue by more than this (of 255) is red ink, or black
print under it (the seal's red is 220/30/40; grey scanner noise moves all three alike)."""
MIN_RED_PIXELS: Final = 500
"""Fewer red pixels than this are no seal: nothing to tell apart."""


@dataclass(frozen=True)
class Cell:
    """One cell of the grid: its box in pixels and the grid rows/columns it spans (end exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int
    row: int
    col: int
    row_end: int
    col_end: int

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True)
class Grid:
    """A ruled table found in a page picture (the picture already straightened)."""

    cells: tuple[Cell, ...]
    rows: int
    cols: int
    top: int
    bottom: int
    columns: tuple[int, ...]
    """The x of each column edge, left to right (``cols`` + 1 of them)."""

    def row_cells(self, row: int) -> list[Cell]:
        """The cells that start on grid row ``row``, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)


@dataclass(frozen=True)
class RuledPage:
    """A page picture ready for OCR: grey, red dropped, straightened, rules erased; and its tables."""

    image: Gray
    """The page without its rules (so a text box never runs over a rule into the next cell)."""
    grids: tuple[Grid, ...]
    angle: float
    """Degrees the scan was turned by (and turned back)."""


def red_channel(picture: NDArray[np.uint8]) -> Gray:
    """The red channel of a colour scan (RGB), where red ink is light; a grey picture as it is."""
    if picture.ndim == 2:
        return picture
    channel: Gray = np.ascontiguousarray(picture[:, :, 0])
    return channel


def ink_of(picture: NDArray[np.uint8]) -> Gray:
    """The grey picture with red ink dropped, for reading text: the red channel of a colour scan,
    its red pixels made paper unless dark as print (see the module docstring)."""
    channel = red_channel(picture)
    if picture.ndim == 2:
        return channel
    channel = channel.copy()
    others = cv2.max(picture[:, :, 1], picture[:, :, 2])
    red = cv2.subtract(channel, others) > RED_MARGIN
    if np.count_nonzero(red) < MIN_RED_PIXELS:
        return channel
    otsu = cv2.THRESH_BINARY | cv2.THRESH_OTSU
    page, _ = cv2.threshold(channel, 0, 255, otsu)
    under_red, _ = cv2.threshold(channel[red].reshape(-1, 1), 0, 255, otsu)
    threshold = min(page, under_red)
    channel[red & (channel >= threshold)] = 255
    return channel


def binarise(gray: Gray) -> Gray:
    """Ink white on black (Otsu's threshold: scans differ in brightness and contrast)."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def _horizontal_rules(binary: Gray, dpi: float) -> Gray:
    length = max(8, int(MIN_HRULE_INCH * dpi))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    rules = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    return np.asarray(cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3))), dtype=np.uint8)


def _vertical_rules(binary: Gray, dpi: float) -> Gray:
    length = max(6, int(MIN_RULE_INCH * dpi))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    rules = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    return np.asarray(cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5))), dtype=np.uint8)


def skew_angle(gray: Gray, dpi: float) -> float:
    """The page's rotation in degrees (counter-clockwise positive), from its long horizontal rules; 0 without any.

    A rule turned by 1.5° climbs 4 px over a 150-px kernel, so the rules are first found with a
    short kernel, then each long one is fitted with a straight line.
    """
    binary = binarise(gray)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(0.3 * dpi)), 1))
    rules = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (int(0.15 * dpi), 3)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    width = gray.shape[1]
    angles: list[float] = []
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_WIDTH] < SKEW_RULE_SHARE * width:
            continue
        ys, xs = np.nonzero(labels == label)
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        angles.append(math.degrees(math.atan(slope)))
    if not angles:
        return 0.0
    angle = float(np.median(angles))
    return angle if abs(angle) <= MAX_SKEW else 0.0


def straighten(gray: Gray, angle: float) -> Gray:
    """The picture turned back by ``angle`` degrees, uncovered corners white."""
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return np.asarray(turned, dtype=np.uint8)


def _clusters(values: list[int], tolerance: float) -> list[int]:
    """Sorted positions merged where closer than ``tolerance``; each cluster at its mean."""
    merged: list[list[int]] = []
    for value in sorted(values):
        if merged and value - merged[-1][-1] <= tolerance:
            merged[-1].append(value)
        else:
            merged.append([value])
    return [round(sum(group) / len(group)) for group in merged]


def _nearest(edges: list[int], value: int) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid_of(islands: list[tuple[int, int, int, int]], dpi: float) -> Grid | None:
    """The islands of one table laid on their common row and column edges."""
    if len(islands) < MIN_TABLE_CELLS:
        return None
    tolerance = EDGE_TOLERANCE_INCH * dpi
    xs = _clusters([x for box in islands for x in (box[0], box[2])], tolerance)
    ys = _clusters([y for box in islands for y in (box[1], box[3])], tolerance)
    cells = []
    for x0, y0, x1, y1 in islands:
        col, col_end = _nearest(xs, x0), _nearest(xs, x1)
        row, row_end = _nearest(ys, y0), _nearest(ys, y1)
        if col_end <= col or row_end <= row:
            continue
        cells.append(Cell(x0, y0, x1, y1, row, col, row_end, col_end))
    if len(cells) < MIN_TABLE_CELLS:
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    top, bottom = min(c.y0 for c in cells), max(c.y1 for c in cells)
    return Grid(tuple(cells), len(ys) - 1, len(xs) - 1, top, bottom, tuple(xs))


def find_grids(rules: Gray, dpi: float) -> tuple[tuple[Grid, ...], Gray]:
    """The tables a page's rule mask draws (each connected frame of rules, its enclosed islands the
    cells), and the mask of those frames alone: long strokes of a bold title are no table's rules."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    minimum = MIN_CELL_INCH * dpi
    grids = []
    frames = np.zeros_like(rules)
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label, :4])
        if w < 4 * minimum or h < 2 * minimum:
            continue
        frame = np.asarray((labels[y : y + h, x : x + w] == label), dtype=np.uint8) * 255
        inside = cv2.bitwise_not(frame)
        n, _, boxes, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
        islands = []
        for index in range(1, n):
            bx, by, bw, bh, _area = (int(v) for v in boxes[index])
            touches_edge = bx == 0 or by == 0 or bx + bw >= w or by + bh >= h
            if touches_edge or bw < minimum or bh < minimum:
                continue  # outside the frame, or the gap of a double rule
            islands.append((x + bx, y + by, x + bx + bw, y + by + bh))
        grid = _grid_of(islands, dpi)
        if grid is not None:
            grids.append(grid)
            frames[y : y + h, x : x + w] |= frame
    return tuple(sorted(grids, key=lambda g: g.top)), frames


def rules_of(binary: Gray, dpi: float) -> Gray:
    """The horizontal and vertical rules of a binarised page, as one mask."""
    return np.asarray(cv2.bitwise_or(_horizontal_rules(binary, dpi), _vertical_rules(binary, dpi)), dtype=np.uint8)


def rule_page(picture: NDArray[np.uint8], dpi: float) -> RuledPage:
    """The page ready for OCR: grey without red, straightened, its tables found and its rules erased.

    The rules are found in the red channel as it is (a seal's strokes are no long lines, and a
    thin rule under the seal, light where the seal greys it, would go with the seal); the text
    is read from the picture without the seal (``ink_of``).
    """
    channel = red_channel(picture)
    angle = skew_angle(channel, dpi)
    grids, frames = find_grids(rules_of(binarise(straighten(channel, angle)), dpi), dpi)
    erased = straighten(ink_of(picture), angle).copy()
    erased[frames > 0] = 255
    return RuledPage(erased, grids, angle)
