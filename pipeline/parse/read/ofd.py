"""OFD (GB/T 33190), the national fixed-layout format: text by position, tables from their rules.

An OFD file is a zip of XML: ``OFD.xml`` names each document's ``Document.xml``, which lists the
pages (``Pages/Page@BaseLoc``) and template pages; a page's ``Content.xml`` holds layers of
``TextObject`` (``TextCode`` runs with ``X``/``Y`` and per-character ``DeltaX`` advances), and
``PathObject`` (``AbbreviatedData`` such as ``M 0 0 L 170 0``, the rules of a table), each
placed by its ``Boundary`` (x y w h, in mm) and an optional ``CTM``. This module reads that XML
itself with lxml (why not a library: README, "OFD"), gathers every visible character with its
position and every straight rule, and rebuilds what ``read/pdf.py`` builds from a PDF page:

**Tables.** Rules that touch one another form one table (a component of the touch graph). Its
column edges are the x of its vertical rules, its row edges the y of its horizontal ones (rules
closer than ``SNAP_PT`` are one: a grid drawn cell by cell draws every inner edge twice). Two
neighbouring grid cells are one merged cell when no rule separates them, so a 一级指标 cell merged
over three rows is one cell; its text is given at its top-left grid position and ``""`` at the
others, as the Word reader gives a vertical merge. A character belongs to the grid cell holding
its centre; a cell's characters are read line by line (same baseline), and wrapped lines joined
with ``cell_text`` (no space invented inside Chinese). Rows without text are dropped.

**Text outside tables** becomes ``TextRun`` s as in a PDF: a line (same baseline) split where a
gap is wider than ``PIECE_GAP_EM`` characters ("912001…本级" and "单位：万元" on one line are two
runs), wrapped paragraph lines joined by ``join_paragraph_lines``.

**Pages.** Each page's tables and text, top to bottom, go to the PDF reader's ``PageJoiner``:
a table going on over a page break, or a row cut by it, is read as in a PDF. Every block has
``Locator(page=N)``; ``lines`` holds, page by page, each text run and each table row (cells
joined by tabs), with ``line_pages``.

Coordinates are converted to points (1 mm = 72/25.4 pt) so the PDF reader's tolerances apply.
Character widths come from ``DeltaX``; a character without one (the last of a run) is taken as
one em if it is wide (CJK) and half an em otherwise.

Left out: ``CompositeObject`` (reusable vector art: logos, seals), images (a page of images
only is a scan: ``needs_ocr``), annotations and signatures, and objects marked
``Visible="false"``. Errors: not a zip, no ``OFD.xml``, a missing or malformed part →
``unreadable_file`` naming the part; no page → ``empty_file``.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Final, TypeAlias

from lxml import etree

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.read.pdf import PageItem, PageJoiner, PageTable, TextRun, join_paragraph_lines
from pipeline.parse.read.word import cell_text, check_zip, text_pieces

FORMAT: Final = "ofd"
KIND: Final = "OFD (.ofd)"
PT_PER_MM: Final = 72 / 25.4
ENTRY_FILE: Final = "OFD.xml"
ZIP_MAGIC: Final = b"PK"

SAME_LINE_EM: Final = 0.5
"""Characters whose baselines differ by less than this share of their size are on one line."""
WORD_GAP_EM: Final = 0.3
"""A gap wider than this share of the size between two characters of a line is a space."""
PIECE_GAP_EM: Final = 2.0
"""… and wider than this many sizes, two pieces of text (as ``read/pdf.py`` splits a PDF line)."""
AXIS_PT: Final = 0.5
"""A segment whose ends differ by less than this across its direction is horizontal or vertical."""
MIN_RULE_PT: Final = 3.0
"""Shorter straight segments are no table rule (tick marks, the short sides of a thin bar)."""
THIN_FILL_PT: Final = 2.0
"""A filled, unstroked rectangle at most this thick is a rule drawn as a bar."""
SNAP_PT: Final = 2.0
"""Rules closer than this are one rule; a rule this close to a cell edge covers it."""
TEXT_CENTRE_EM: Final = 0.35
"""A character's vertical centre lies this share of its size above its baseline."""
MAX_RULES: Final = 5000
"""Straight rules on one page beyond which it is no form (a dense table drawn cell by cell has ~1 600)."""
MAX_NESTING: Final = 32
"""``PageBlock`` nesting followed (a hostile file could nest without end)."""

XmlElement: TypeAlias = Any
"""An lxml element (lxml ships no type stubs in this environment)."""
Affine: TypeAlias = tuple[float, float, float, float, float, float]
"""(a, b, c, d, e, f): x' = a·x + c·y + e, y' = b·x + d·y + f, as OFD's CTM."""
IDENTITY: Final[Affine] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NUMBER: Final = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN: Final = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_ARITY: Final = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
"""OFD's abbreviated path commands and how many numbers each takes (C closes the subpath)."""


# -- the package ---------------------------------------------------------------------------------
def _local(element: XmlElement) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: XmlElement | None, name: str) -> Iterator[XmlElement]:
    if element is None:
        return
    for child in element:
        if _local(child) == name:
            yield child


def _child(element: XmlElement | None, name: str) -> XmlElement | None:
    return next(_children(element, name), None)


def _child_text(element: XmlElement | None, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def _normalise(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/"))


class Package:
    """The zip's parts by normalised name (matched without case as a fallback), parsed safely."""

    def __init__(self, data: bytes) -> None:
        self._parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        if not data.startswith(ZIP_MAGIC):
            raise IngestError(
                "unreadable_file",
                STAGE_READ,
                f"the file named .ofd is not an OFD file: an OFD is a zip package, this one starts with {data[:8]!r}",
            )
        try:
            check_zip(data, KIND)
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except IngestError as error:
            if error.error_class != "unreadable_file" or "zip bomb" in error.message:
                raise
            raise IngestError(
                "unreadable_file",
                STAGE_READ,
                f"the {KIND} file is not a readable zip container (truncated or damaged): {error.message}",
            ) from error
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise IngestError(
                "unreadable_file", STAGE_READ, f"the {KIND} file is not a readable zip container: {exc}"
            ) from exc
        self._names = {_normalise(info.filename): info.filename for info in self._zip.infolist() if not info.is_dir()}
        self._folded = {name.casefold(): name for name in self._names}

    def find(self, name: str) -> str | None:
        normal = _normalise(name)
        return normal if normal in self._names else self._folded.get(normal.casefold())

    def resolve(self, base: str, location: str | None) -> str | None:
        """A location written in part ``base``: relative to ``base``'s folder, else to the root
        (the standard says the former; producers write both)."""
        location = (location or "").strip()
        if not location:
            return None
        candidates = (
            [location] if location.startswith("/") else [posixpath.join(posixpath.dirname(base), location), location]
        )
        return next((found for candidate in candidates if (found := self.find(candidate))), None)

    def xml(self, name: str, what: str) -> XmlElement:
        """A part's root element; ``unreadable_file`` naming the part when it is missing or malformed."""
        found = self.find(name)
        if found is None:
            raise IngestError("unreadable_file", STAGE_READ, f"the {KIND} file lacks its {what} ({name})")
        try:
            data = self._zip.read(self._names[found])
            return etree.fromstring(data, parser=self._parser)
        except etree.XMLSyntaxError as exc:
            raise IngestError(
                "unreadable_file", STAGE_READ, f"the {KIND} file's {what} ({found}) is not well-formed XML: {exc}"
            ) from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
            raise IngestError(
                "unreadable_file", STAGE_READ, f"the {KIND} file's {what} ({found}) cannot be read (damaged?): {exc}"
            ) from exc


# -- geometry ------------------------------------------------------------------------------------
def _numbers(text: str | None) -> list[float]:
    values = [float(token) for token in _NUMBER.findall(text or "")]
    return [value for value in values if math.isfinite(value)]


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    values = _numbers(text)
    return (values[0], values[1], values[2], values[3]) if len(values) >= 4 else None


def compose(outer: Affine, inner: Affine) -> Affine:
    """The transform applying ``inner`` first, then ``outer``."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def apply(transform: Affine, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = transform
    return a * x + c * y + e, b * x + d * y + f


def object_transform(element: XmlElement, parent: Affine) -> Affine:
    """Object space → page space in points: the object's CTM, then its Boundary's origin, then the
    parent's transform (which ends in the mm → pt scale)."""
    origin = _box(element.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
    ctm_values = _numbers(element.get("CTM"))
    ctm: Affine = (
        (ctm_values[0], ctm_values[1], ctm_values[2], ctm_values[3], ctm_values[4], ctm_values[5])
        if len(ctm_values) >= 6
        else IDENTITY
    )
    placed = (ctm[0], ctm[1], ctm[2], ctm[3], ctm[4] + origin[0], ctm[5] + origin[1])
    return compose(parent, placed)


def deltas(text: str | None, wanted: int) -> list[float]:
    """A ``DeltaX`` list with its ``g <count> <value>`` repeats expanded, at most ``wanted`` values."""
    tokens = (text or "").split()
    values: list[float] = []
    index = 0
    while index < len(tokens) and len(values) < wanted:
        token = tokens[index]
        try:
            if token == "g" and index + 2 < len(tokens):
                count, value = int(float(tokens[index + 1])), float(tokens[index + 2])
                values.extend([value] * max(0, min(count, wanted - len(values))))
                index += 3
                continue
            values.append(float(token))
        except ValueError:
            pass
        index += 1
    return values


def em_width(character: str) -> float:
    """An advance, in sizes, for a character without a DeltaX: CJK and full-width are one em."""
    return 1.0 if unicodedata.east_asian_width(character) in ("W", "F") else 0.5


@dataclass(frozen=True)
class Glyph:
    """A character on the page, in points from the top left; ``y`` is its baseline."""

    text: str
    x0: float
    x1: float
    y: float
    size: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, self.y - TEXT_CENTRE_EM * self.size


@dataclass(frozen=True)
class Rule:
    """A horizontal (``y0 == y1``) or vertical straight rule, in points, ``x0 <= x1``, ``y0 <= y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.y1 - self.y0 < self.x1 - self.x0

    def touches(self, other: Rule) -> bool:
        return (
            self.x0 - SNAP_PT <= other.x1
            and other.x0 - SNAP_PT <= self.x1
            and self.y0 - SNAP_PT <= other.y1
            and other.y0 - SNAP_PT <= self.y1
        )


def rule(start: tuple[float, float], end: tuple[float, float]) -> Rule | None:
    """The segment as a rule, or None when it is neither horizontal nor vertical, or too short."""
    (x0, y0), (x1, y1) = start, end
    if abs(y1 - y0) <= AXIS_PT and abs(x1 - x0) >= MIN_RULE_PT:
        y = (y0 + y1) / 2
        return Rule(min(x0, x1), y, max(x0, x1), y)
    if abs(x1 - x0) <= AXIS_PT and abs(y1 - y0) >= MIN_RULE_PT:
        x = (x0 + x1) / 2
        return Rule(x, min(y0, y1), x, max(y0, y1))
    return None


def path_segments(data: str | None) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of an ``AbbreviatedData`` path (curves only move the pen)."""
    tokens = _PATH_TOKEN.findall(data or "")
    index = 0
    pen = start = (0.0, 0.0)
    while index < len(tokens):
        command = tokens[index].upper()
        arity = _PATH_ARITY.get(command)
        if arity is None or index + arity >= len(tokens):
            index += 1  # a stray number or unknown command: skipped
            continue
        try:
            values = [float(token) for token in tokens[index + 1 : index + 1 + arity]]
        except ValueError:
            index += 1
            continue
        index += 1 + arity
        if command in ("S", "M"):
            pen = start = (values[0], values[1])
        elif command == "L":
            yield pen, (values[0], values[1])
            pen = (values[0], values[1])
        elif command == "C":
            yield pen, start
            pen = start
        else:
            pen = (values[-2], values[-1])


def _thin_bar(points: Sequence[tuple[float, float]]) -> Rule | None:
    """A filled rectangle thin enough to be a rule, as the rule along its long side."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if height <= THIN_FILL_PT <= width:
        return rule((min(xs), (min(ys) + max(ys)) / 2), (max(xs), (min(ys) + max(ys)) / 2))
    if width <= THIN_FILL_PT <= height:
        return rule(((min(xs) + max(xs)) / 2, min(ys)), ((min(xs) + max(xs)) / 2, max(ys)))
    return None


# -- one page's content --------------------------------------------------------------------------
@dataclass
class PageContent:
    """The visible characters, the rules and the number of images of a page."""

    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: int = 0

    def walk(self, elements: XmlElement, transform: Affine, depth: int = 0) -> None:
        for element in elements:
            name = _local(element)
            if element.get("Visible", "true").strip().lower() == "false":
                continue
            if name == "TextObject":
                self.text_object(element, transform)
            elif name == "PathObject":
                self.path_object(element, transform)
            elif name == "ImageObject":
                self.images += 1
            elif name == "PageBlock" and depth < MAX_NESTING:
                self.walk(element, transform, depth + 1)

    def text_object(self, element: XmlElement, parent: Affine) -> None:
        transform = object_transform(element, parent)
        a, b, c, d, _, _ = transform
        size_mm = (_numbers(element.get("Size")) or [0.0])[0]
        size = size_mm * math.sqrt(abs(a * d - b * c))
        x = y = 0.0
        for code in _children(element, "TextCode"):
            text = "".join(ch for ch in (code.text or "") if unicodedata.category(ch) != "Cc")
            x = (_numbers(code.get("X")) or [x])[0]
            y = (_numbers(code.get("Y")) or [y])[0]
            advances = deltas(code.get("DeltaX"), len(text) - 1)
            pen = x
            for index, character in enumerate(text):
                step = advances[index] if index < len(advances) else em_width(character) * size_mm
                if not character.isspace():
                    left, baseline = apply(transform, pen, y)
                    right, _ = apply(transform, pen + em_width(character) * size_mm, y)
                    self.glyphs.append(Glyph(character, min(left, right), max(left, right), baseline, size))
                pen += step

    def path_object(self, element: XmlElement, parent: Affine) -> None:
        transform = object_transform(element, parent)
        stroked = element.get("Stroke", "true").strip().lower() != "false"
        filled = element.get("Fill", "false").strip().lower() == "true"
        segments = [
            (apply(transform, *start), apply(transform, *end))
            for start, end in path_segments(_child_text(element, "AbbreviatedData"))
        ]
        if stroked:
            self.rules.extend(found for start, end in segments if (found := rule(start, end)))
        elif filled and segments:
            bar = _thin_bar([point for segment in segments for point in segment])
            if bar is not None:
                self.rules.append(bar)


# -- tables --------------------------------------------------------------------------------------
def _clusters(values: Sequence[float]) -> list[float]:
    """Sorted positions with those closer than ``SNAP_PT`` merged into their mean."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] < SNAP_PT:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(group) / len(group) for group in groups]


def _root(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def _union(parent: list[int], first: int, second: int) -> None:
    a, b = _root(parent, first), _root(parent, second)
    if a != b:
        parent[max(a, b)] = min(a, b)


def rule_groups(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Rules grouped by touching boxes, transitively: one group per table.

    A sweep from the top: each rule joins every open group whose box (grown by ``SNAP_PT``) its
    own touches, merging them; a group whose box ends above the rule's top is closed, since no
    later rule can reach it. A page drawing more than ``MAX_RULES`` rules is a drawing or a hatch,
    not a form: its text is read without tables, and no page costs more than a few seconds.
    A group's box is kept as a ``Rule`` spanning it (``touches`` compares boxes).
    """
    if len(rules) > MAX_RULES:
        return []
    closed: list[tuple[Rule, list[Rule]]] = []
    open_groups: list[tuple[Rule, list[Rule]]] = []
    for current in sorted(rules, key=lambda r: r.y0):
        still_open: list[tuple[Rule, list[Rule]]] = []
        for group in open_groups:
            (closed if group[0].y1 + SNAP_PT < current.y0 else still_open).append(group)
        box, members = current, [current]
        kept: list[tuple[Rule, list[Rule]]] = []
        for group_box, group_members in still_open:
            if group_box.touches(box):
                box = Rule(
                    min(box.x0, group_box.x0),
                    min(box.y0, group_box.y0),
                    max(box.x1, group_box.x1),
                    max(box.y1, group_box.y1),
                )
                members.extend(group_members)
            else:
                kept.append((group_box, group_members))
        open_groups = [*kept, (box, members)]
    return [members for _, members in closed + open_groups]


@dataclass(frozen=True)
class Grid:
    """A table's row and column edges and which grid cells are one merged cell."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    anchors: dict[tuple[int, int], tuple[int, int]]
    """Each grid cell (row, column) → the top-left grid cell of the merged cell holding it."""

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """The merged cell (its top-left grid cell) holding the point, which ``contains``."""
        row = min(max(bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        column = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        return self.anchors[(row, column)]


def _covers(rules: Sequence[Rule], at: float, middle: float, horizontal: bool) -> bool:
    """A rule at ``at`` (y of a horizontal, x of a vertical) runs past ``middle`` along it."""
    for found in rules:
        position, low, high = (found.y0, found.x0, found.x1) if horizontal else (found.x0, found.y0, found.y1)
        if abs(position - at) < SNAP_PT and low - SNAP_PT <= middle <= high + SNAP_PT:
            return True
    return False


def build_grid(rules: Sequence[Rule]) -> Grid | None:
    """The grid of one group of rules, or None when it does not enclose a cell."""
    horizontal = [found for found in rules if found.horizontal]
    vertical = [found for found in rules if not found.horizontal]
    ys = _clusters([found.y0 for found in horizontal])
    xs = _clusters([found.x0 for found in vertical])
    if len(xs) < 2 or len(ys) < 2:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * columns))
    for row in range(rows):
        middle_y = (ys[row] + ys[row + 1]) / 2
        for column in range(columns):
            middle_x = (xs[column] + xs[column + 1]) / 2
            here = row * columns + column
            if column + 1 < columns and not _covers(vertical, xs[column + 1], middle_y, horizontal=False):
                _union(parent, here, here + 1)
            if row + 1 < rows and not _covers(horizontal, ys[row + 1], middle_x, horizontal=True):
                _union(parent, here, here + columns)
    anchors = {}
    for row in range(rows):
        for column in range(columns):
            root = _root(parent, row * columns + column)
            anchors[(row, column)] = divmod(root, columns)
    return Grid(tuple(xs), tuple(ys), anchors)


def _lines(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top to bottom, each line left to right."""
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (g.y, g.x0)):
        if lines and abs(glyph.y - lines[-1][0].y) <= SAME_LINE_EM * max(glyph.size, lines[-1][0].size):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def _split(line: Sequence[Glyph], gap_em: float) -> list[list[Glyph]]:
    """A line cut where the gap between two characters exceeds ``gap_em`` sizes."""
    pieces: list[list[Glyph]] = [[line[0]]]
    for before, glyph in pairwise(line):
        if glyph.x0 - before.x1 > gap_em * max(min(before.size, glyph.size), 1.0):
            pieces.append([glyph])
        else:
            pieces[-1].append(glyph)
    return pieces


def _text(glyphs: Sequence[Glyph]) -> str:
    """Characters of one line, a space where they stand a word gap apart."""
    return " ".join("".join(g.text for g in word) for word in _split(glyphs, WORD_GAP_EM))


def table_item(grid: Grid, glyphs: Sequence[Glyph]) -> PageTable:
    """The table's rows: each merged cell's text at its top-left grid cell; rows without text dropped."""
    by_cell: dict[tuple[int, int], list[Glyph]] = {}
    for glyph in glyphs:
        by_cell.setdefault(grid.cell(*glyph.centre), []).append(glyph)
    texts = {cell: cell_text("\n".join(_text(line) for line in _lines(found))) for cell, found in by_cell.items()}
    width = len(grid.xs) - 1
    rows = [tuple(texts.get((row, column), "") for column in range(width)) for row in range(len(grid.ys) - 1)]
    return PageTable(grid.ys[0], tuple(row for row in rows if any(row)), grid.xs[:-1])


def text_runs(glyphs: Sequence[Glyph]) -> list[TextRun]:
    runs: list[TextRun] = []
    for line in _lines(glyphs):
        pieces = _split(line, PIECE_GAP_EM)
        for piece in pieces:
            size = max(g.size for g in piece)
            top, bottom = min(g.y for g in piece) - size, max(g.y for g in piece)
            runs.extend(
                TextRun(top, bottom, piece[0].x0, piece[-1].x1, size, text, len(pieces) == 1)
                for text in text_pieces(_text(piece))
            )
    return runs


def page_items(content: PageContent) -> list[PageItem]:
    """A page's tables and the text outside them, top to bottom (as ``read/pdf.py``'s ``_page_items``)."""
    grids = [grid for group in rule_groups(content.rules) if (grid := build_grid(group)) is not None]
    inside: list[list[Glyph]] = [[] for _ in grids]
    outside: list[Glyph] = []
    for glyph in content.glyphs:
        holder = next((i for i, grid in enumerate(grids) if grid.contains(*glyph.centre)), None)
        (outside if holder is None else inside[holder]).append(glyph)
    items: list[PageItem] = [table_item(grid, found) for grid, found in zip(grids, inside, strict=True)]
    edges = [(g.x0, g.x1) for g in content.glyphs] + [(grid.xs[0], grid.xs[-1]) for grid in grids]
    runs = text_runs(outside)
    if runs:
        runs = join_paragraph_lines(runs, min(e[0] for e in edges), max(e[1] for e in edges))
    items.extend(runs)
    return sorted(items, key=lambda item: item.top)


# -- the document --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PageRef:
    content: str
    """The page's Content.xml part."""
    templates: dict[str, str]
    """The document's template pages: ID → Content.xml part (a page draws those it names)."""


def _document_pages(package: Package, document: str) -> Iterator[PageRef]:
    root = package.xml(document, "document (Document.xml)")
    common = _child(root, "CommonData")
    templates = {
        (template.get("ID") or "").strip(): found
        for template in _children(common, "TemplatePage")
        if (found := package.resolve(document, template.get("BaseLoc")))
    }
    for number, page in enumerate(_children(_child(root, "Pages"), "Page"), start=1):
        content = package.resolve(document, page.get("BaseLoc"))
        if content is None:
            raise IngestError(
                "unreadable_file", STAGE_READ, f"the {KIND} file lacks page {number}'s content ({page.get('BaseLoc')})"
            )
        yield PageRef(content, templates)


def page_refs(package: Package) -> list[PageRef]:
    """Every page of every document in the file, in order."""
    entry = package.find(ENTRY_FILE)
    if entry is None:
        raise IngestError(
            "unreadable_file", STAGE_READ, f"the file is a zip but not an OFD file: it has no {ENTRY_FILE}"
        )
    root = package.xml(entry, f"entry file ({ENTRY_FILE})")
    pages: list[PageRef] = []
    for body in _children(root, "DocBody"):
        document = package.resolve(entry, _child_text(body, "DocRoot"))
        if document is None:
            raise IngestError(
                "unreadable_file", STAGE_READ, f"the {KIND} file lacks its document ({_child_text(body, 'DocRoot')})"
            )
        pages.extend(_document_pages(package, document))
    return pages


def read_page(package: Package, page: PageRef, number: int) -> PageContent:
    """A page's content, with the templates it names (``Page/Template@TemplateID``) drawn in."""
    root = package.xml(page.content, f"page {number} content")
    scale: Affine = (PT_PER_MM, 0.0, 0.0, PT_PER_MM, 0.0, 0.0)
    content = PageContent()
    named = [(t.get("TemplateID") or "").strip() for t in _children(root, "Template")]
    for template in (page.templates[found] for found in named if found in page.templates):
        template_root = package.xml(template, f"page {number} template")
        for layer in _children(_child(template_root, "Content"), "Layer"):
            content.walk(layer, scale)
    for layer in _children(_child(root, "Content"), "Layer"):
        content.walk(layer, scale)
    return content


def read_ofd(data: bytes, source_file: str) -> RawDocument:
    """An OFD file's tables and text, page by page (module docstring)."""
    package = Package(data)
    pages = page_refs(package)
    if not pages:
        raise IngestError("empty_file", STAGE_READ, f"the {KIND} file has no pages")
    joiner = PageJoiner()
    lines: list[str] = []
    line_pages: list[int] = []
    images = 0
    for number, page in enumerate(pages, start=1):
        content = read_page(package, page, number)
        images += content.images
        items = page_items(content)
        for item in items:
            texts = [item.text] if isinstance(item, TextRun) else ["\t".join(cells) for cells in item.rows]
            lines.extend(texts)
            line_pages.extend([number] * len(texts))
        joiner.add_page(number, items)
    if not lines:
        if images:
            raise IngestError(
                "needs_ocr",
                STAGE_READ,
                f"the {KIND} file's {len(pages)} pages hold images only (a scan); run OCR on a PDF of it "
                "or get the original Word/Excel file, then put that in the raw folder",
            )
        raise IngestError("empty_file", STAGE_READ, f"the {KIND} file's {len(pages)} pages hold no text")
    return RawDocument(
        source_file=source_file,
        format=FORMAT,
        lines=tuple(lines),
        blocks=tuple(joiner.blocks),
        line_pages=tuple(line_pages),
    )
