"""The table engine of the PDF reader: a page's ruled tables and the words outside them.

``pdf.py`` asks this module for the content of a table page (``TablePages.content``) and
nothing else; which library finds the tables is decided here, once.

**The engine: pypdfium2's objects through pdfplumber's own table rules.** pdfplumber spends
about four fifths of a table page in pdfminer, interpreting the content stream in Python to
build its characters and lines. Here the characters and rules are read from pdfium (C++, called
by address: ``pdfium_calls.py``) and rebuilt as pdfminer gives them; the tables are found by
pdfplumber's ``TableFinder`` steps rewritten on tuples (``pdf_grid.py``: the same cells to the
last bit); each character is put in its cell by the slot of the table's grid its centre falls
in (``CellGrid``); and each cell's text is assembled by the rules of pdfplumber's
``Table.extract`` (``extract_text``: lines clustered by top within 3 pt, words cut at blanks and
at gaps over 3 pt; a cell of one-word lines is joined without the word splitter). A page's
characters are columns (``PageChars``): pdfium is called in ``map`` over them, and their cells,
the test for one-word lines and those cells' texts are computed with numpy for the whole page,
not in a Python loop per character (a table page holds ~535 characters); a ``Char`` is built
only where pdfplumber's word rules run (text outside the tables, a cell such as "3月底" whose
gap between "3" and "月" may hold a blank). The reader
(``pdf.py``) hands over each table page while it has it loaded for its text layer, so no page is
loaded twice. On ``tables200p.pdf`` the whole ``parse_document`` takes 8.1–8.6× less CPU than bare
pdfplumber (bench/results.md, session 9), with the same tables, cells and words on every page.
pdfplumber-rs was faster still but is alpha and replaces the pdfplumber package; PyMuPDF is AGPL.

How each of pdfminer's values is rebuilt (equal to 0.001 pt on every page of the fixture PDFs and
of the real budget books, ``tests/parse/test_pdf_tables.py``):

- a character's left edge and baseline are pdfium's char origin; its right edge is the origin
  plus the glyph's advance (``FPDFFont_GetGlyphWidth`` × font size × the text matrix);
- its height is the font size × the text matrix, and its bottom lies ``descent`` below the
  baseline, where ``descent`` is the font descriptor's, read by pdfminer itself from the
  page's font resources (pdfium fills a descriptor's zero descent from the font program, so
  its own value differs: pdfium puts a LibreOffice DejaVu character 2.8 pt lower), and known
  by pdfium's font object while a page kept open holds it (``PdfiumPages._font_descents``);
- blanks are not read: pdfium drops those that start or end a line and replaces others by
  spaces of its own (``_starts_word`` says when that cannot change a word);
- rules: each painted path split into subpaths as pdfminer does, a two-point subpath is a line,
  a closed axis-parallel four-point subpath a rectangle (four edges), anything else a curve
  whose consecutive points give the edges.

**Where the fast path cannot vouch for a page, pdfplumber reads it** (``TablePages.fallbacks``
counts them): a rotated page or one whose media or crop box does not start at 0,0; rotated,
mirrored or skewed text; characters pdfium cannot name (U+FFFD, or the U+FFFE it puts for a
hyphen at a line end, which pdfminer gives as "-"); a font whose descent pdfminer does not
give by name (Type 3 fonts, fonts only inside form XObjects); a character whose centre lies
within ``SURE_PT`` of a cell's border, or whose gaps and tops lie within ``SURE_PT`` of the 3 pt
tolerances (float rounding could tip it); a gap that could hold a blank pdfium did not give,
where the blank would part two words the reader keeps apart; a dense grid drawn over the page
(``table_edges`` groups rules by stroke colour as pdfplumber's colour space gives it, which
pdfium does not report); and any error of pdfium or pdfminer on the page. Of the 5 fixture
PDFs and 5 real PDFs (218 pages), 5 pages go to pdfplumber.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import statistics
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, groupby, islice, pairwise, repeat
from operator import itemgetter
from typing import Any, Final, NamedTuple

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from numpy.typing import NDArray
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, dict_value, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from pdfplumber.table import Table, TableFinder, TableSettings
from pdfplumber.utils.text import LIGATURES

from pipeline.core.text import CJK_CLASS, SPACED_LIST_NUMBER
from pipeline.parse.read.pdf_grid import Box, Point, ruled_cells
from pipeline.parse.read.pdfium_calls import (
    CHAR_ORIGIN,
    CHAR_TEXT_OBJECT,
    FONT_SIZE,
    GLYPH_WIDTH,
    OBJECT_MATRIX,
    PATH_SEGMENT,
    PATH_SEGMENT_COUNT,
    SEGMENT_CLOSES,
    SEGMENT_POINT,
    SEGMENT_TYPE,
    STROKE_COLOUR,
    STROKE_WIDTH,
    TEXT_FONT,
    LoadedPage,
    PageNotLoaded,
    PageObjects,
    Slots,
    address,
    handle,
    loaded_text_page,
    page_objects,
)

X_TOLERANCE: Final = 3.0
"""pdfplumber's word gap and line tolerance (``DEFAULT_X_TOLERANCE``/``DEFAULT_Y_TOLERANCE``)."""
SURE_PT: Final = 0.01
"""A value within this of a threshold could fall either way after float rounding (pdfium
keeps coordinates in 32 bits, pdfminer in 64): the page goes to pdfplumber."""
SAME_RULE_PT: Final = 2.0
MIN_CELL_PT: Final = 6.0
"""Rules closer than this are no table's: a row holds a line of text (a real budget book's small
print has rows 7.8 pt high), a column at least a character."""
KEPT_PAGES: Final = 4
"""Pages the fast path keeps loaded for their fonts (``PdfiumPages._font_descents``): a document
whose fonts change from page to page reads the rest through pdfminer's page tree, as before."""
LATTICE_MIN_LINES: Final = 10
"""… and a grid has at least this many of them (a double border has two)."""
BLANK_MIN_PT: Final = 1.0
"""The narrowest gap a blank between two words leaves (a space of 4 pt type)."""
BLANK_SHARE: Final = 0.75
"""A blank between two characters leaves at least this share of its advance as a gap: kerning or
character spacing never takes a quarter of it back."""
UNNAMED_CHARACTERS: Final = frozenset("\ufffd\ufffe\x00\x02")
"""What pdfium gives for a character it cannot name or takes for a hyphen at a line end."""


_CJK: Final = re.compile(f"[{CJK_CLASS}]")
_LIGATURES: Final = str.maketrans(LIGATURES)
_LIGATURE: Final = re.compile("|".join(map(re.escape, LIGATURES)))
"""Any of the ligatures ``_LIGATURES`` writes out ("ﬁ"): a page's cells are searched for one at once."""
_LIST_NUMBER: Final = re.compile(SPACED_LIST_NUMBER)
LIST_NUMBER_LENGTH: Final = 4
"""Characters enough to see a list number ("12." and the one after it)."""
SUBSET_TAG: Final = re.compile(rb"^[A-Z]{6}\+")
"""The tag of an embedded subset ("CAAAAA+DejaVuSerif"): pdfium names a simple font without it
and a composite one with it, so fonts are matched without it. Names are compared as bytes: a
Chinese producer names its fonts in GBK ("宋体" as ``\xcb\xce\xcc\xe5``), which pdfminer keeps as bytes."""


class Word(NamedTuple):
    """A word as pdfplumber's ``extract_words`` gives it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


class Char(NamedTuple):
    """A character as pdfminer places it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class FoundTable:
    """A ruled table of a page: its box, its rows of cell texts, and its cells' boxes."""

    bbox: Box
    rows: tuple[tuple[str | None, ...], ...]
    """Each cell's text as pdfplumber's ``Table.extract`` gives it; None for a merged cell."""
    cells: tuple[Box, ...]


@dataclass(frozen=True)
class PageContent:
    """A table page: its tables top to bottom, the words outside them, and the span of its text."""

    tables: tuple[FoundTable, ...]
    outside: tuple[Word, ...]
    """Words whose centre is in no table, as pdfplumber's ``extract_words`` gives them."""
    span: tuple[float, float] | None
    """Leftmost and rightmost edge of the page's printed characters (None without any); blanks
    are left out, as they print nothing (a line of a real budget book starts with four of them)
    and pdfium does not give them all."""


_CODE_BITS: Final = 21
"""A character's code fits in this many bits: a glyph is its font's row above them and its code in them."""
_CODE_MASK: Final = (1 << _CODE_BITS) - 1
_new_tuple: Final[Any] = tuple.__new__
"""Builds a named tuple from its values at a third of the cost of calling the class (per character)."""


class Unsure(Exception):
    """The fast path cannot vouch that it reads this page as pdfplumber would."""


# -- dense grids over a page ------------------------------------------------------------------
def _rule_positions(edges: Sequence[dict[str, Any]], orientation: str) -> list[float]:
    """Where the rules of one orientation stand (x of vertical, top of horizontal). Edges closer than
    ``SAME_RULE_PT`` are one rule: a cell drawn as its own rectangle gives each rule twice, a hair
    apart, and that is no dense grid (a real budget book's tables are drawn so)."""
    key = "x0" if orientation == "v" else "top"
    rules: list[float] = []
    for position in sorted(float(edge[key]) for edge in edges if edge["orientation"] == orientation):
        if not rules or position - rules[-1] >= SAME_RULE_PT:
            rules.append(position)
    return rules


def is_lattice(edges: Sequence[dict[str, Any]]) -> bool:
    """Whether the edges are a dense grid drawn over the page rather than a table's rules.

    A table row holds a line of text and a column at least a character, so rules that stand
    closer than ``MIN_CELL_PT`` apart, many of them, rule no table.
    """
    for orientation in ("v", "h"):
        positions = _rule_positions(edges, orientation)
        gaps = [after - before for before, after in pairwise(positions)]
        if len(positions) >= LATTICE_MIN_LINES and statistics.median(gaps) < MIN_CELL_PT:
            return True
    return False


def _stroke_groups(edges: Iterable[dict[str, Any]]) -> dict[tuple[float, str], list[dict[str, Any]]]:
    groups: dict[tuple[float, str], list[dict[str, Any]]] = {}
    for edge in edges:
        key = (round(float(edge.get("linewidth") or 0), 2), str(edge.get("stroking_color")))
        groups.setdefault(key, []).append(edge)
    return groups


def table_edges(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The page's edges without the dense grids among them, or None when it has none.

    Edges are grouped by stroke width and colour, as a grid drawn over a table is drawn apart
    from the table's rules (a 0.1 pt grid every 5 pt over 0.5 pt rules made pdfplumber find the
    grid's cells and not the table).
    """
    groups = _stroke_groups(edges)
    lattices = {key for key, group in groups.items() if is_lattice(group)}
    if not lattices or len(lattices) == len(groups):
        return None  # no grid, or no other rules beside it: the dense rules are the table's own
    return [edge for key, group in groups.items() if key not in lattices for edge in group]


def find_tables(page: Page) -> list[Table]:
    """pdfplumber's tables of the page, found on the table rules only (dense grids left out)."""
    kept = table_edges(page.edges)
    if kept is None:
        return list(TableFinder(page, TableSettings.resolve(None)).tables)
    vertical = [edge for edge in kept if edge["orientation"] == "v"]
    horizontal = [edge for edge in kept if edge["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical,
        "explicit_horizontal_lines": horizontal,
    }
    return list(TableFinder(page, TableSettings.resolve(settings)).tables)


def _found(table: Table, rows: Sequence[Sequence[str | None]]) -> FoundTable:
    bbox = table.bbox
    return FoundTable(
        (float(bbox[0]), float(bbox[1]), float(bbox[2]), float(bbox[3])),
        tuple(tuple(row) for row in rows),
        tuple((float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in table.cells),
    )


def text_span(chars: Iterable[Char]) -> tuple[float, float] | None:
    """The leftmost and rightmost edge of the printed characters (``PageContent.span``)."""
    printed = [char for char in chars if not char.text.isspace()]
    if not printed:
        return None
    return min(char.x0 for char in printed), max(char.x1 for char in printed)


def _centre_inside(x: float, y: float, boxes: Sequence[Box]) -> bool:
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


# -- pdfplumber: the reference, and the reader of the pages the fast path cannot vouch for ----
class PlumberPages:
    """pdfplumber's view of the PDF, opened when a page is first asked for.

    pdfplumber resolves every page of the file when it opens and again when it closes (~2 ms a
    page): a PDF whose pages all go the fast path never pays for it.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: PDF | None = None

    def content(self, number: int) -> PageContent:
        if self._pdf is None:
            self._pdf = pdfplumber.open(io.BytesIO(self._data))
        page = self._pdf.pages[number - 1]
        try:
            return self._page_content(page)
        finally:
            page.close()

    @staticmethod
    def _page_content(page: Page) -> PageContent:
        tables = find_tables(page)
        boxes = [(float(t.bbox[0]), float(t.bbox[1]), float(t.bbox[2]), float(t.bbox[3])) for t in tables]

        def outside(obj: dict[str, Any]) -> bool:
            if obj.get("object_type") != "char":
                return True
            x = (float(obj["x0"]) + float(obj["x1"])) / 2
            y = (float(obj["top"]) + float(obj["bottom"])) / 2
            return not _centre_inside(x, y, boxes)

        words = page.filter(outside).extract_words()
        chars = (
            Char(str(c["text"]), float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]))
            for c in page.chars
        )
        return PageContent(
            tuple(_found(t, t.extract()) for t in tables),
            tuple(
                Word(str(w["text"]), float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"])) for w in words
            ),
            text_span(chars),
        )

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


# -- pdfplumber's text rules over pdfminer's characters -----------------------------------------
def _clusters(values: Iterable[float]) -> dict[float, int]:
    """pdfplumber's ``make_cluster_dict``: sorted distinct values chained while each is within
    the tolerance of the one before; Unsure when a step lies on the tolerance."""
    cluster: dict[float, int] = {}
    index, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + X_TOLERANCE:
            index += 1
        if last is not None and abs(value - last - X_TOLERANCE) < SURE_PT:
            raise Unsure("a line step on the tolerance")
        cluster[value] = index
        last = value
    return cluster


def _by_line(items: Sequence[Any]) -> list[list[Any]]:
    """pdfplumber's ``cluster_objects`` by ``top`` with the 3 pt tolerance, in cluster order."""
    if not items:
        return []
    first = items[0].top
    if all(item.top == first for item in items):  # most cells: one line
        return [list(items)]
    cluster = _clusters(item.top for item in items)
    lines: dict[int, list[Any]] = {}
    for item in items:
        lines.setdefault(cluster[item.top], []).append(item)
    return [lines[key] for key in sorted(lines)]


def _parting_vanishes(previous: Char, char: Char, following: str) -> bool:
    """Whether a space between the two characters is one the reader removes (``clean_text``: a
    space before a CJK character, or after one unless a list number follows: "到位 2.提高"), on
    one line; ``following`` is the line's text from ``char`` on."""
    if abs(char.top - previous.top) >= SURE_PT:
        return False
    return bool(_CJK.match(char.text)) or (bool(_CJK.match(previous.text)) and not _LIST_NUMBER.match(following))


def _starts_word(previous: Char, char: Char, blank_gap: float | None, following: str) -> bool:
    """pdfplumber's ``char_begins_new_word`` for upright left-to-right text.

    ``blank_gap`` is None when the blank characters are among the characters; otherwise (pdfium
    drops the blanks that start or end a line and puts spaces of its own where it sees a gap) it
    is the narrowest gap a blank of the page would leave, and a gap under the tolerance as wide
    as that could hold a blank that parts the words in pdfplumber: Unsure, unless the parting
    would vanish in the reader (``_parting_vanishes``). LibreOffice sets 2.1 pt between "2024"
    and "年" in 10.5 pt type; its embedded fonts hold no blank unless the text has one.
    """
    gap = char.x0 - previous.x1 - X_TOLERANCE
    rise = abs(char.top - previous.top) - X_TOLERANCE
    if abs(gap) < SURE_PT or abs(rise) < SURE_PT or 0 < abs(char.x0 - previous.x0) < SURE_PT:
        raise Unsure("a word gap on the tolerance")
    if (
        blank_gap is not None
        and blank_gap <= gap + X_TOLERANCE <= X_TOLERANCE
        and not _parting_vanishes(previous, char, following)
    ):
        raise Unsure("room for a blank between two characters")
    return char.x0 < previous.x0 or gap > 0 or rise > 0


def _word(chars: Sequence[Char]) -> Word:
    """Characters of a word, left to right, as one word (ligatures written out: "ﬁ" is "fi")."""
    first = chars[0]
    word: Word
    if len(chars) == 1:
        word = _new_tuple(Word, (first.text.translate(_LIGATURES), first.x0, first.x1, first.top, first.bottom))
        return word
    word = _new_tuple(
        Word,
        (
            "".join([c.text for c in chars]).translate(_LIGATURES),
            first.x0,
            max([c.x1 for c in chars]),
            min([c.top for c in chars]),
            max([c.bottom for c in chars]),
        ),
    )
    return word


_X0: Final = itemgetter(1)
"""A character's ``x0`` (its place in ``Char``), the key words are ordered by."""


def words_of(chars: Sequence[Char], blank_gap: float | None) -> list[Word]:
    """pdfplumber's ``extract_words`` with its defaults, for upright left-to-right characters
    (``blank_gap``: see ``_starts_word``). A character that follows the one before on its
    baseline, clear of every tolerance, continues the word without further tests."""
    words: list[Word] = []
    clear = min(blank_gap, X_TOLERANCE) - SURE_PT if blank_gap is not None else X_TOLERANCE - SURE_PT
    for line in _by_line(chars):
        current: list[Char] = []
        ordered = sorted(line, key=_X0)
        last: Char | None = None
        for place, char in enumerate(ordered):
            if (
                last is not None
                and char.top == last.top
                and char.x0 - last.x0 >= SURE_PT
                and char.x0 - last.x1 < clear
                and not char.text.isspace()
            ):
                current.append(char)
            elif char.text.isspace():
                if current:
                    words.append(_word(current))
                current = []
                last = None
                continue
            elif last is not None and _starts_word(last, char, blank_gap, _following(ordered, place)):
                words.append(_word(current))
                current = [char]
            else:
                current.append(char)
            last = char
        if current:
            words.append(_word(current))
    return words


def _following(ordered: Sequence[Char], place: int) -> str:
    return "".join(c.text for c in ordered[place : place + LIST_NUMBER_LENGTH])


def text_of(chars: Sequence[Char], blank_gap: float | None) -> str:
    """pdfplumber's ``extract_text`` with its defaults: words on a line joined by a space, lines by a line break.

    Most cells are lines of one word each: every character of a line on one top, the lines' tops
    clear of the 3 pt tolerance, and each character continuing the one before (``words_of``'s
    test without further checks). Such a cell is its lines joined; any other goes word by word."""
    if not chars:
        return ""
    lines = _single_word_lines(chars, blank_gap)
    if lines is not None:
        return "\n".join(lines).translate(_LIGATURES)
    return "\n".join(" ".join(word.text for word in line) for line in _by_line(words_of(chars, blank_gap)))


def _single_word_lines(chars: Sequence[Char], blank_gap: float | None) -> list[str] | None:
    """The texts of the lines when each is one word on one top (``text_of``), else None."""
    by_top: dict[float, list[Char]] = {}
    for char in chars:
        by_top.setdefault(char.top, []).append(char)
    tops = sorted(by_top)
    if any(after - before <= X_TOLERANCE + SURE_PT for before, after in pairwise(tops)):
        return None
    clear = min(blank_gap, X_TOLERANCE) - SURE_PT if blank_gap is not None else X_TOLERANCE - SURE_PT
    texts: list[str] = []
    for top in tops:
        line = by_top[top]
        line.sort(key=_X0)
        previous = line[0]
        if previous.text.isspace():
            return None
        for char in line[1:]:
            if not (char.x0 - previous.x0 >= SURE_PT and char.x0 - previous.x1 < clear) or char.text.isspace():
                return None
            previous = char
        texts.append("".join([char.text for char in line]))
    return texts


# -- pypdfium2: the fast path ------------------------------------------------------------------
def _font_key(name: str | bytes) -> bytes:
    """A font's name as bytes, without its subset tag."""
    return SUBSET_TAG.sub(b"", name.encode("utf-8") if isinstance(name, str) else name)


class _PageResources(PDFPage):
    """A page of pdfminer's page tree (its walk, inherited attributes and fallbacks) with only its
    resources resolved: ``PDFPage`` also parses the page's content streams' headers, boxes and
    annotations, a third of the fonts' cost that the descents do not need."""

    def __init__(self, doc: PDFDocument, pageid: object, attrs: object, label: str | None) -> None:
        self.doc, self.pageid, self.label = doc, pageid, label
        self.attrs = dict_value(attrs)
        self.resources: dict[object, object] = resolve1(self.attrs.get("Resources", {}))


class _Fonts:
    """The descent pdfminer gives each font of the document, by the font's name without its subset tag.

    pdfminer takes it from the font descriptor (or, for the 14 standard fonts, from their
    metrics); pdfium replaces a descriptor's zero with the font program's, so it is read here with
    pdfminer's own font classes (no page is interpreted). Pages usually share their font
    dictionary (LibreOffice: every page's ``/Font`` is one object, ``630 0 R``) or at least their
    fonts (a real budget book names ``8 0 R`` in each page's own ``/Font``): a font dictionary
    that is a PDF object is read once per document, and each font object once, so a page costs
    only pdfminer's walk to it in the page tree.
    """

    def __init__(self, data: bytes) -> None:
        self._pages = _PageResources.create_pages(PDFDocument(PDFParser(io.BytesIO(data))))
        self._read: list[PDFPage] = []
        self._manager = PDFResourceManager(caching=True)
        self._descents: dict[int, dict[bytes, float | None]] = {}
        self._of_dictionary: dict[int, dict[bytes, float | None]] = {}
        """A ``/Font`` dictionary's object number → its fonts' descents by name."""
        self._of_font: dict[int, tuple[bytes, float] | None] = {}
        """A font's object number → its name and descent (None: no name pdfium gives)."""

    def of_page(self, number: int) -> dict[bytes, float | None]:
        """Font name → descent in text space for a page's fonts (None when two fonts of one name differ)."""
        if number not in self._descents:
            while len(self._read) < number:
                self._read.append(next(self._pages))
            fonts = self._read[number - 1].resources.get("Font", {})
            if not isinstance(fonts, PDFObjRef):
                self._descents[number] = self._of_fonts(fonts)
            else:
                if fonts.objid not in self._of_dictionary:
                    self._of_dictionary[fonts.objid] = self._of_fonts(fonts)
                self._descents[number] = self._of_dictionary[fonts.objid]
        return self._descents[number]

    def _of_fonts(self, fonts: object) -> dict[bytes, float | None]:
        descents: dict[bytes, float | None] = {}
        for reference in dict_value(fonts).values():
            if isinstance(reference, PDFObjRef):
                if reference.objid not in self._of_font:
                    self._of_font[reference.objid] = self._named_descent(reference.objid, reference)
                named = self._of_font[reference.objid]
            else:
                named = self._named_descent(None, reference)
            if named is None:
                continue  # a Type 3 font has no name pdfium gives: its text goes to pdfplumber
            name, descent = named
            descents[name] = descent if descents.get(name, descent) == descent else None
        return descents

    def _named_descent(self, objid: int | None, reference: object) -> tuple[bytes, float] | None:
        """A font's name without its subset tag and pdfminer's descent; None for a font without a ``/BaseFont`` name."""
        spec = dict_value(reference)
        base = resolve1(spec.get("BaseFont"))
        if not isinstance(base, PSLiteral):
            return None
        return _font_key(base.name), float(self._manager.get_font(objid, spec).get_descent())


class _TextObjects(NamedTuple):
    """What the characters of each of a page's text objects share, a row per object."""

    rows: dict[int, int]
    """The object's address → its row."""
    fonts: list[int]
    """The address of pdfium's font of each object."""
    advance_scale: Floats
    """Font size × the text matrix across: a glyph's advance at size 1 times this is its width."""
    size: Floats
    """Font size × the text matrix upwards: pdfminer's ``size`` of an upright character."""
    flip: Floats
    """The page height less the descent in points: a character's bottom is this less its baseline's y."""
    distinct_fonts: list[int]
    """The fonts of ``fonts``, each once."""


class PdfiumPages:
    """The fast path: a page's characters and rules from pdfium, rebuilt as pdfminer gives them."""

    def __init__(self, data: bytes, document: pdfium.PdfDocument | None = None) -> None:
        """``document``: the PDF already opened by pdfium (the reader's; closed by it), or None to open it here."""
        self._fonts = _Fonts(data)  # first: nothing is left open when pdfminer cannot parse the file
        self._owned = document is None
        self._document = pdfium.PdfDocument(data) if document is None else document
        self._width = ctypes.c_float()
        self._size = ctypes.c_float()
        self._matrix = pdfium_c.FS_MATRIX()
        self._width_pointer = ctypes.byref(self._width)
        self._origins = (Slots(ctypes.c_double), Slots(ctypes.c_double))
        self._matrices = Slots(ctypes.c_float, 6)
        self._sizes = Slots(ctypes.c_float)
        self._advances = Slots(ctypes.c_float)
        self._unit_size = ctypes.c_float(1.0)
        self._points = (Slots(ctypes.c_float), Slots(ctypes.c_float))
        self._widths = Slots(ctypes.c_float)
        self._colours = tuple(Slots(ctypes.c_uint) for _ in range(4))
        self._kept: list[Any] = []
        """Pages loaded and kept open so that their fonts stay alive (``_font_descents``)."""
        self._descent_of_font: dict[int, float] = {}
        """A font alive on a kept page, by its address → pdfminer's descent of it."""

    def content(self, number: int, loaded: LoadedPage | None = None) -> PageContent:
        """Page ``number`` (1-based); ``loaded``: the page and its text page as the reader loaded
        them from the same document (left open), or None to load them here."""
        if loaded is not None:
            return self._content(number, loaded.page, loaded.textpage, loaded.objects)
        try:
            with loaded_text_page(self._document.raw, number - 1) as (page, textpage):
                return self._content(number, page, textpage)
        except PageNotLoaded as err:
            raise Unsure("pdfium cannot load the page") from err

    def _content(self, number: int, page: Any, textpage: Any, listed: PageObjects | None = None) -> PageContent:
        height = self._page_height(page)
        chars, objects = self._chars(textpage, height, number)
        if listed is None:
            listed = page_objects(handle(address(page)))
        edges, blank_gap = self._objects(listed, height, objects)
        return page_content(chars, edges, blank_gap)

    def _page_height(self, page: Any) -> float:
        """The height pdfminer's coordinates are flipped by; Unsure for a page it would rotate or shift."""
        if pdfium_c.FPDFPage_GetRotation(page) != 0:
            raise Unsure("a rotated page")
        media = [ctypes.c_float() for _ in range(4)]
        crop = [ctypes.c_float() for _ in range(4)]
        pdfium_c.FPDFPage_GetMediaBox(page, *media)
        left, bottom, _, top = (v.value for v in media)
        if left != 0 or bottom != 0:
            raise Unsure("a media box away from 0,0")
        if pdfium_c.FPDFPage_GetCropBox(page, *crop) and [v.value for v in crop] != [v.value for v in media]:
            raise Unsure("a crop box")
        return float(top)

    def _text_objects(self, handles: list[int], height: float, number: int) -> _TextObjects:
        """What the characters of each text object share, read for all of them in ``map`` calls.

        An object's advance scale is its font size × its text matrix across, its size the font
        size × the matrix upwards, its flip the page height less its descent in points (descent ×
        font size × the matrix upwards), each in the order of pdfminer's arithmetic."""
        count = len(handles)
        parameters = list(map(handle, handles))
        deque(map(OBJECT_MATRIX, parameters, self._matrices.take(count)), 0)
        matrix = self._matrices.values(count)
        scale_x, skew_b, skew_c, scale_y = matrix[:, 0], matrix[:, 1], matrix[:, 2], matrix[:, 3]
        if np.any((skew_b != 0) | (skew_c != 0) | (scale_x <= 0) | (scale_y <= 0)):
            raise Unsure("rotated, mirrored or skewed text")
        fonts = [font or 0 for font in map(TEXT_FONT, parameters)]
        font_descents = self._font_descents(list(dict.fromkeys(fonts)), number)
        deque(map(FONT_SIZE, parameters, self._sizes.take(count)), 0)
        size = self._sizes.values(count)
        descent = np.array([font_descents[font] for font in fonts], dtype=np.float64)
        return _TextObjects(
            {handle: row for row, handle in enumerate(handles)},
            fonts,
            size * scale_x,
            size * scale_y,
            height - descent * size * scale_y,
            list(font_descents),
        )

    def _font_descents(self, fonts: list[int], number: int) -> dict[int, float]:
        """pdfminer's descent of each font of page ``number`` (pdfium's fonts, by address).

        pdfminer finds it by the font's name among the page's resources, which it reaches by
        walking the page tree and parsing every page's dictionary (~0.15 ms a page). pdfium gives
        the fonts of one font dictionary one object, by one address, for as long as a loaded page
        uses it; so the fast path keeps up to ``KEPT_PAGES`` pages open (their fonts alive, so no
        other font can take their addresses) and knows their fonts' descents by address: a page
        whose fonts are all known (in LibreOffice's output, every page after the first) is not
        looked up in pdfminer at all. A font is remembered only when the kept page's own text
        objects use it (a font used inside a Form XObject is looked up on each page)."""
        known = self._descent_of_font
        if all(font in known for font in fonts):
            return {font: known[font] for font in fonts}
        descents = self._fonts.of_page(number)
        found = {font: known[font] if font in known else self._font_descent(font, descents) for font in fonts}
        if len(self._kept) < KEPT_PAGES:
            self._keep(number, found)
        return found

    def _keep(self, number: int, found: dict[int, float]) -> None:
        """Keep page ``number`` loaded when its text objects use fonts of ``found`` not yet known."""
        page = pdfium_c.FPDF_LoadPage(self._document.raw, number - 1)
        if not page:
            return
        listed = page_objects(handle(address(page)))
        alive = {
            TEXT_FONT(text_object)
            for text_object, kind in zip(listed.handles, listed.kinds, strict=True)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT
        }
        new = {font: descent for font, descent in found.items() if font in alive and font not in self._descent_of_font}
        if not new:
            pdfium_c.FPDF_ClosePage(page)
            return
        self._kept.append(page)
        self._descent_of_font.update(new)

    def _font_descent(self, font: int, descents: dict[bytes, float | None]) -> float:
        """The descent pdfminer gives the font, found by its name; Unsure when it gives none."""
        handle = ctypes.cast(font, pdfium_c.FPDF_FONT)
        length = pdfium_c.FPDFFont_GetBaseFontName(handle, None, 0)
        name_buffer = ctypes.create_string_buffer(length)
        pdfium_c.FPDFFont_GetBaseFontName(handle, name_buffer, length)
        descent = descents.get(_font_key(name_buffer.value))
        if descent is None:
            raise Unsure("a font pdfminer does not name on the page")
        return descent

    def _chars(self, textpage: Any, height: float, number: int) -> tuple[PageChars, _TextObjects]:
        """The page's characters but blanks, and the text objects they belong to.

        pdfium is asked two things per character (its text object and its origin), in ``map``
        over the characters' indices, the origins written straight into one array; the rest is
        read once per text object and per distinct (font, character) and spread over the
        characters as columns: a character's object is its row among the distinct objects
        (``np.unique``), its glyph the distinct (font, code) it is. A page of 535 characters in 88
        text objects of 2 fonts with 160 distinct characters: 1 070 calls per character, 88 text
        objects and 160 advances read."""
        count = pdfium_c.FPDFText_CountChars(textpage)
        buffer = (ctypes.c_ushort * (count + 1))()
        written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
        text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
        if len(text) != count or not UNNAMED_CHARACTERS.isdisjoint(text):
            raise Unsure("characters pdfium cannot name one by one")
        indices = list(range(count))
        if _BLANK.search(text):  # pdfium drops some blanks and moves others: none are read
            indices = np.delete(np.arange(count), blanks(text)).tolist()
            text = "".join([text[index] for index in indices])
        size = len(indices)
        page_parameter = handle(ctypes.cast(textpage, ctypes.c_void_p).value)
        addresses = list(map(CHAR_TEXT_OBJECT, repeat(page_parameter, size), indices))
        xs, ys = self._origins
        deque(map(CHAR_ORIGIN, repeat(page_parameter), indices, xs.take(size), ys.take(size)), 0)
        if None in addresses:
            raise Unsure("a character of no text object")
        distinct, of_char = np.unique(np.array(addresses, dtype=np.uint64), return_inverse=True)
        objects = self._text_objects(distinct.tolist(), height, number)
        codes = _codes(text)
        fonts = objects.distinct_fonts
        font_rows = {font: row for row, font in enumerate(fonts)}
        font_of_object = np.array([font_rows[font] for font in objects.fonts], dtype=np.int64)
        glyphs, of_glyph = np.unique((font_of_object[of_char] << _CODE_BITS) | codes, return_inverse=True)
        font_parameters = [handle(font) for font in fonts]
        glyph_count = len(glyphs)
        known = map(
            GLYPH_WIDTH,
            map(font_parameters.__getitem__, (glyphs >> _CODE_BITS).tolist()),
            (glyphs & _CODE_MASK).tolist(),
            repeat(self._unit_size, glyph_count),
            self._advances.take(glyph_count),
        )
        if not all(known):
            raise Unsure("a character whose advance pdfium does not give")
        advances = self._advances.values(glyph_count)
        left = xs.values(size)
        bottom = objects.flip[of_char] - ys.values(size)
        right = left + advances[of_glyph] * objects.advance_scale[of_char]
        return PageChars(text, codes, left, right, bottom - objects.size[of_char], bottom), objects

    def _objects(self, listed: PageObjects, height: float, seen: _TextObjects) -> tuple[list[dict[str, Any]], float]:
        """pdfplumber's ``page.edges`` (the edges of its lines, then of its rectangles, then of its
        curves), and the narrowest gap a blank of the page's text would leave (``_starts_word``).

        A text object whose characters were read (``seen``) has its font's blank × its advance
        scale, computed for all of them at once; the minimum is Python's ``min`` over them in
        turn, which passes over a NaN (a font without a blank at size 0)."""
        lines: list[dict[str, Any]] = []
        rects: list[dict[str, Any]] = []
        curves: list[dict[str, Any]] = []
        narrowest = math.inf
        blanks: dict[int | None, bool] = {}
        rows = seen.rows
        paths = []
        for object_address, parameter, kind in zip(listed.addresses, listed.handles, listed.kinds, strict=True):
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                if object_address not in rows:  # blanks only, or characters pdfium dropped
                    advance = self._blank_advance(ctypes.cast(object_address or 0, pdfium_c.FPDF_PAGEOBJECT), blanks)
                    narrowest = min(narrowest, advance)
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                paths.append(parameter)
        for style, subpaths in self._paths(paths, height):
            for shape, points in subpaths:
                _add_edges(shape, points, style, lines, rects, curves)
        font_blank = {font: self._font_blank(font) for font in seen.distinct_fonts}
        gaps = np.array([font_blank[font] for font in seen.fonts], dtype=np.float64) * seen.advance_scale
        gaps = gaps[~np.isnan(gaps)]
        if len(gaps):
            narrowest = min(narrowest, float(gaps.min()))
        return lines + rects + curves, max(BLANK_MIN_PT, BLANK_SHARE * narrowest)

    def _font_blank(self, font: int) -> float:
        """The advance of a blank of the font at size 1; infinite when it holds none."""
        known = GLYPH_WIDTH(handle(font), ord(" "), self._unit_size, self._width_pointer)
        return float(self._width.value) if known and self._width.value > 0 else math.inf

    def _blank_advance(self, text_object: Any, blanks: dict[int | None, bool]) -> float:
        """How far a blank of the text object's font advances, in points; infinite when its font
        holds no blank (an embedded subset holds only the characters the document uses)."""
        font = pdfium_c.FPDFTextObj_GetFont(text_object)
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key not in blanks:
            known = pdfium_c.FPDFFont_GetGlyphWidth(font, ord(" "), 1.0, self._width)
            blanks[key] = bool(known) and self._width.value > 0
        if not blanks[key]:
            return math.inf
        pdfium_c.FPDFTextObj_GetFontSize(text_object, self._size)
        pdfium_c.FPDFPageObj_GetMatrix(text_object, self._matrix)
        pdfium_c.FPDFFont_GetGlyphWidth(font, ord(" "), self._size.value, self._width)
        return float(self._width.value) * abs(float(self._matrix.a))

    def _paths(self, paths: list[Any], height: float) -> list[tuple[dict[str, Any], list[tuple[str, list[Point]]]]]:
        """Each path object's stroke and subpaths (``paths``: their ``handle``), pdfium read for all
        of a page's paths and segments at once (a table page has ~19 paths of 2-5 segments). A
        call pdfium answers with false (never seen) is Unsure: its output would be stale."""
        count = len(paths)
        widths, colours, matrices = self._widths, self._colours, self._matrices
        read = [
            map(STROKE_WIDTH, paths, widths.take(count)),
            map(STROKE_COLOUR, paths, *(colour.take(count) for colour in colours)),
            map(OBJECT_MATRIX, paths, matrices.take(count)),
        ]
        if not all(chain.from_iterable(read)):
            raise Unsure("a path whose stroke or matrix pdfium does not give")
        lengths = list(map(PATH_SEGMENT_COUNT, paths))
        if lengths and min(lengths) < 0:
            raise Unsure("a path whose segments pdfium cannot count")
        total = sum(lengths)
        segments = list(
            map(
                handle,
                map(
                    PATH_SEGMENT,
                    chain.from_iterable(map(repeat, paths, lengths)),
                    chain.from_iterable(map(range, lengths)),
                ),
            )
        )
        xs, ys = self._points
        if not all(map(SEGMENT_POINT, segments, xs.take(total), ys.take(total))):
            raise Unsure("a path segment pdfium does not give")
        styles = [
            {"linewidth": width, "stroking_color": colour}
            for width, colour in zip(
                widths.items(count), zip(*(colour.items(count) for colour in colours), strict=True), strict=True
            )
        ]
        segment_of = zip(
            xs.items(total), ys.items(total), map(SEGMENT_TYPE, segments), map(SEGMENT_CLOSES, segments), strict=True
        )
        return [
            (style, _subpaths(islice(segment_of, length), matrix, height))
            for style, matrix, length in zip(styles, matrices.values(count).tolist(), lengths, strict=True)
        ]

    def close(self) -> None:
        for page in self._kept:
            pdfium_c.FPDF_ClosePage(page)
        self._kept.clear()
        if self._owned:
            self._document.close()


def _subpaths(
    segments: Iterable[tuple[float, float, int, int]], matrix: Sequence[float], height: float
) -> list[tuple[str, list[Point]]]:
    """A path's subpaths as pdfminer paints them: each shape (``m``, ``l``, ``c``, ``h``) with the
    end point of each operation, in pdfplumber's top-down coordinates; ``segments``: each
    segment's point, type and whether it closes the subpath, ``matrix`` the path's (a … f)."""
    a, b, c, d, e, f = matrix
    subpaths: list[tuple[str, list[Point]]] = []
    shape, points = "", list[Point]()
    bezier = 0
    for x, y, kind, closes in segments:
        point = (a * x + c * y + e, height - (b * x + d * y + f))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                subpaths.append((shape, points))
            shape, points = "m", [point]
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:  # a curve is three points: two controls and its end
                shape += "c"
                points.append(point)
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            shape += "l"
            points.append(point)
        else:
            raise Unsure("an unknown path segment")
        if closes:
            shape += "h"
            points.append(points[0])
    if shape:
        subpaths.append((shape, points))
    return subpaths


def _add_edges(
    shape: str,
    points: list[Point],
    style: dict[str, Any],
    lines: list[dict[str, Any]],
    rects: list[dict[str, Any]],
    curves: list[dict[str, Any]],
) -> None:
    """One subpath's edges as pdfminer classifies it and pdfplumber cuts it (``paint_path``,
    ``line_to_edge``, ``rect_to_edges``, ``curve_to_edges``)."""
    if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
        shape = shape[:-2] + "h"
        points = points[:-2] + points[-1:]
    if shape in ("mlh", "ml"):
        (x0, y0), (x1, y1) = points[0], points[1]
        top, bottom = min(y0, y1), max(y0, y1)
        lines.append(
            {
                "object_type": "line",
                "x0": min(x0, x1),
                "x1": max(x0, x1),
                "top": top,
                "bottom": bottom,
                "width": abs(x1 - x0),
                "height": bottom - top,
                "orientation": "h" if top == bottom else "v",
                **style,
            }
        )
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            base = {"object_type": "rect_edge", **style}
            rects.extend(
                (
                    {
                        **base,
                        "x0": left,
                        "x1": right,
                        "top": top,
                        "bottom": top,
                        "width": right - left,
                        "height": 0,
                        "orientation": "h",
                    },
                    {
                        **base,
                        "x0": left,
                        "x1": right,
                        "top": bottom,
                        "bottom": bottom,
                        "width": right - left,
                        "height": 0,
                        "orientation": "h",
                    },
                    {
                        **base,
                        "x0": left,
                        "x1": left,
                        "top": top,
                        "bottom": bottom,
                        "width": 0,
                        "height": bottom - top,
                        "orientation": "v",
                    },
                    {
                        **base,
                        "x0": right,
                        "x1": right,
                        "top": top,
                        "bottom": bottom,
                        "width": 0,
                        "height": bottom - top,
                        "orientation": "v",
                    },
                )
            )
            return
    for (x0, y0), (x1, y1) in pairwise(points):
        curves.append(
            {
                "object_type": "curve_edge",
                "x0": min(x0, x1),
                "x1": max(x0, x1),
                "top": min(y0, y1),
                "bottom": max(y0, y1),
                "width": abs(x0 - x1),
                "height": abs(y0 - y1),
                "orientation": "v" if x0 == x1 else ("h" if y0 == y1 else None),
            }
        )


def _unsure_of_lattices(edges: Sequence[dict[str, Any]]) -> None:
    """pdfplumber groups rules by stroke colour as its colour space gives it (gray 0 is not RGB
    (0, 0, 0)); pdfium gives RGB only. The groups only matter on a page with a dense grid."""
    if is_lattice(edges) or any(is_lattice(group) for group in _stroke_groups(edges).values()):
        raise Unsure("a dense grid")


_BLANK: Final = re.compile(r"\s")
"""A blank: ``\\s`` of a str pattern matches what ``str.isspace`` calls blank."""


def blanks(text: str) -> list[int]:
    """Where the blanks of the text are (``str.isspace``)."""
    return [match.start() for match in _BLANK.finditer(text)]


Floats = NDArray[np.float64]
Indices = NDArray[np.intp]


class PageChars(NamedTuple):
    """A page's characters as columns, in page order: ``Char`` for a whole page at once.

    The cells' slots and texts are computed on the columns (numpy) rather than one character at a
    time; a ``Char`` is built only for a character whose words need pdfplumber's word rules (text
    outside the tables, a cell whose lines are not each one word)."""

    text: str
    """One character each."""
    codes: NDArray[np.uint32]
    x0: Floats
    x1: Floats
    top: Floats
    bottom: Floats

    @classmethod
    def of(cls, chars: Sequence[Char]) -> PageChars:
        """Columns of characters whose texts are one character each."""
        text = "".join(char.text for char in chars)
        if len(text) != len(chars):
            raise ValueError("a character's text is not one character")
        columns = [np.array([char[place] for char in chars], dtype=np.float64) for place in range(1, 5)]
        return cls(text, _codes(text), *columns)

    def chars(self, indices: Iterable[int]) -> list[Char]:
        text, x0, x1, top, bottom = self.text, self.x0, self.x1, self.top, self.bottom
        return [Char(text[i], float(x0[i]), float(x1[i]), float(top[i]), float(bottom[i])) for i in indices]

    def all_chars(self) -> list[Char]:
        return list(
            map(
                Char._make,
                zip(
                    self.text, self.x0.tolist(), self.x1.tolist(), self.top.tolist(), self.bottom.tolist(), strict=True
                ),
            )
        )

    def cjk(self) -> NDArray[np.bool_]:
        """Which characters are CJK (``_CJK``)."""
        flags: NDArray[np.bool_] = (_codes(_CJK.sub("\0", self.text)) == 0) & (self.codes != 0)
        return flags

    def span(self) -> tuple[float, float] | None:
        """``text_span`` of these characters."""
        printed = np.ones(len(self.text), dtype=bool)
        printed[blanks(self.text)] = False
        if not printed.any():
            return None
        return float(self.x0[printed].min()), float(self.x1[printed].max())


def _codes(text: str) -> NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint32)


def page_content(chars: Sequence[Char] | PageChars, edges: list[dict[str, Any]], blank_gap: float) -> PageContent:
    """Tables and outside words of a page from pdfminer's characters without the blanks and
    pdfplumber's edges (``blank_gap``: see ``_starts_word``).

    Each table's grid takes the characters whose centre falls in it (``CellGrid.place``); the
    others are the words outside every table's box (closed box, as ``PlumberPages`` filters them)."""
    page = chars if isinstance(chars, PageChars) else PageChars.of(chars)
    _unsure_of_lattices(edges)
    grids = [CellGrid(cells) for cells in ruled_cells(edges)]
    if not grids:
        return PageContent((), tuple(words_of(page.all_chars(), blank_gap)), page.span())
    x = (page.x0 + page.x1) / 2
    y = (page.top + page.bottom) / 2
    inside = np.zeros(len(page.text), dtype=bool)
    cjk = page.cjk()
    found = []
    for grid in grids:
        inside |= grid.place(x, y)
        found.append(grid.found(page, cjk, blank_gap))
    outside = page.chars(np.flatnonzero(~inside).tolist())
    return PageContent(tuple(found), tuple(words_of(outside, blank_gap)), page.span())


class CellGrid:
    """A found table as a grid of the distinct edges of its cells, each slot of the grid naming the
    cells that cover it, and the characters each cell holds.

    pdfplumber's ``Table.extract`` gives a cell the characters whose centre lies in it (half-open
    box: left and top edges in, right and bottom out), in page order; a cell spans whole slots, so
    the slot a centre falls in names its cells. A centre within ``SURE_PT`` of any edge of the grid
    (the box's own included) is Unsure: float rounding could put it in either cell. A table with
    cells 10-60 pt across and 20 pt high over columns at 100, 160 and 300 pt: a centre at x = 150
    falls in the slot between 100 and 160, and at x = 160.005 is Unsure.
    """

    def __init__(self, cells: list[Box]) -> None:
        """``cells``: a table's cells as pdfplumber's ``cells_to_tables`` gives them (``pdf_grid``)."""
        self.cells = cells
        xs = sorted({edge for cell in cells for edge in (cell[0], cell[2])})
        ys = sorted({edge for cell in cells for edge in (cell[1], cell[3])})
        self.xs, self.ys = np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)
        self.bbox = (
            min(cell[0] for cell in cells),
            min(cell[1] for cell in cells),
            max(cell[2] for cell in cells),
            max(cell[3] for cell in cells),
        )
        column, line = {x: i for i, x in enumerate(xs)}, {y: j for j, y in enumerate(ys)}
        rows = len(ys)
        size = len(xs) * rows
        layers: list[list[int]] = []
        """Slot (column × rows + line) → the k-th cell covering it, or -1: most slots name one cell."""
        for index, (left, top, right, bottom) in enumerate(cells):
            for i in range(column[left], column[right]):
                for j in range(line[top], line[bottom]):
                    slot = i * rows + j
                    depth = 0
                    while depth < len(layers) and layers[depth][slot] >= 0:
                        depth += 1
                    if depth == len(layers):
                        layers.append([-1] * size)
                    layers[depth][slot] = index
        self.layers = [np.array(layer, dtype=np.intp) for layer in layers]
        self.held: tuple[Indices, Indices] = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp))
        """The characters placed (indices of the page's characters) and the cell each is in."""

    def place(self, x: Floats, y: Floats) -> NDArray[np.bool_]:
        """Put the characters whose centre (x, y) is within ``SURE_PT`` of the box in their cells;
        which centres are in the box (closed: the words outside tables leave them out)."""
        x0, top, x1, bottom = self.bbox
        near = np.flatnonzero((x0 - SURE_PT < x) & (x < x1 + SURE_PT) & (top - SURE_PT <= y) & (y < bottom + SURE_PT))
        cx, cy = x[near], y[near]
        xs, ys = self.xs, self.ys
        i = np.searchsorted(xs, cx - SURE_PT, side="left")
        j = np.searchsorted(ys, cy - SURE_PT, side="left")
        columns, lines = len(xs), len(ys)
        if np.any((i < columns) & (xs[np.minimum(i, columns - 1)] < cx + SURE_PT)) or np.any(
            (j < lines) & (ys[np.minimum(j, lines - 1)] < cy + SURE_PT)
        ):
            raise Unsure("a character on a cell's border")
        # no edge within SURE_PT: edges before i (j) lie left of (above) the centre, the others right (below)
        slot = (i - 1) * lines + j - 1
        valid = (slot >= 0) & (slot < columns * lines)
        placed, slot = near[valid], slot[valid]
        held_chars, held_cells = [], []
        for layer in self.layers:
            cell = layer[slot]
            taken = cell >= 0
            held_chars.append(placed[taken])
            held_cells.append(cell[taken])
        if held_chars:
            self.held = (np.concatenate(held_chars), np.concatenate(held_cells))
        inside = np.zeros(len(x), dtype=bool)
        inside[near] = (x0 <= cx) & (cx <= x1) & (top <= cy) & (cy <= bottom)
        return inside

    def rows(self) -> list[list[int | None]]:
        """pdfplumber's ``Table.rows``: the cells grouped by top, each row's cells placed under the
        table's distinct left edges (None where no cell of the row starts), as indices of ``cells``."""
        lefts = sorted({cell[0] for cell in self.cells})
        order = sorted(range(len(self.cells)), key=lambda index: (self.cells[index][1], self.cells[index][0]))
        rows: list[list[int | None]] = []
        for _, group in groupby(order, key=lambda index: self.cells[index][1]):
            starts = {self.cells[index][0]: index for index in group}
            rows.append([starts.get(left) for left in lefts])
        return rows

    def texts(self, page: PageChars, cjk: NDArray[np.bool_], blank_gap: float) -> list[str]:
        """Each cell's text (``text_of``), the cells of one-word lines found on the columns at once.

        The held characters are ordered by cell, top, x0 and page order, as ``_single_word_lines``
        orders a cell's characters; a cell passes its test when no two of its lines' tops lie
        within the tolerance and each character continues the one before on its line, and its
        text is then its characters in that order with a line break between lines. A character
        continues the one before when ``words_of`` would join them without a test that could be
        Unsure: clear of every tolerance, or (``_starts_word``) a CJK character at least
        ``SURE_PT`` inside the word gap, where a blank pdfium did not give would vanish in the
        reader ("3月底": LibreOffice sets 2.1 pt between "3" and "月"). Any other cell goes
        through ``text_of`` with its characters in page order."""
        texts = [""] * len(self.cells)
        chars, cells = self.held
        if not len(chars):
            return texts
        top, x0 = page.top[chars], page.x0[chars]
        order = np.lexsort((chars, x0, top, cells))
        chars, cells, top, x0 = chars[order], cells[order], top[order], x0[order]
        x1, codes = page.x1[chars], page.codes[chars]
        clear = min(blank_gap, X_TOLERANCE) - SURE_PT
        same_cell = cells[1:] == cells[:-1]
        same_line = same_cell & (top[1:] == top[:-1])
        new_line = same_cell & ~same_line
        gap = x0[1:] - x1[:-1]
        continues = (x0[1:] - x0[:-1] >= SURE_PT) & ((gap < clear) | (cjk[chars[1:]] & (gap - X_TOLERANCE <= -SURE_PT)))
        broken = (new_line & (top[1:] - top[:-1] <= X_TOLERANCE + SURE_PT)) | (same_line & ~continues)
        unsure_cells = set(cells[1:][broken].tolist())
        blank = blanks(page.text)
        if blank:  # a cell with a blank goes word by word (``_single_word_lines``)
            unsure_cells.update(cells[np.isin(chars, blank)].tolist())
        breaks = np.flatnonzero(new_line) + 1
        joined = np.insert(codes, breaks, ord("\n")).astype("<u4").tobytes().decode("utf-32-le")
        ligatures = _LIGATURE.search(joined) is not None
        starts = np.flatnonzero(np.concatenate(([True], ~same_cell)))
        ends = np.append(starts[1:], len(chars))
        shift = np.searchsorted(breaks, starts, side="right")
        for cell, start, end, before, after in zip(
            cells[starts].tolist(),
            starts.tolist(),
            ends.tolist(),
            shift.tolist(),
            np.append(shift[1:], len(breaks)).tolist(),
            strict=True,
        ):
            if cell in unsure_cells:
                texts[cell] = text_of(page.chars(sorted(chars[start:end].tolist())), blank_gap)
            else:
                texts[cell] = joined[start + before : end + after]
                if ligatures:
                    texts[cell] = texts[cell].translate(_LIGATURES)
        return texts

    def found(self, page: PageChars, cjk: NDArray[np.bool_], blank_gap: float) -> FoundTable:
        """The table with each cell's text (``Table.extract``: None for a merged cell)."""
        texts = self.texts(page, cjk, blank_gap)
        return FoundTable(
            self.bbox,
            tuple(tuple(None if index is None else texts[index] for index in row) for row in self.rows()),
            tuple(self.cells),
        )


# -- the engine --------------------------------------------------------------------------------
class TablePages:
    """A PDF's table pages: the fast path first, pdfplumber for a page it cannot vouch for."""

    def __init__(self, data: bytes, document: pdfium.PdfDocument | None = None) -> None:
        """``document``: the PDF as the reader opened it with pdfium (it closes it), so that a page
        it has loaded is not loaded twice; None to open it here."""
        self._data = data
        self._document = document
        self._fast: PdfiumPages | None = None
        self._fast_fails = False
        """pdfium or pdfminer could not open the document for the fast path: every page goes to pdfplumber."""
        self._plumber = PlumberPages(data)
        self.fallbacks = 0
        """Pages read by pdfplumber."""

    def content(self, number: int, loaded: LoadedPage | None = None) -> PageContent:
        """The content of page ``number`` (1-based), from ``loaded`` when the reader has the page
        loaded from this document. Whatever stops the fast path (Unsure, or pdfium or pdfminer
        failing on the page) hands the page to pdfplumber, which reads it or raises as it always did."""
        fast = self._fast_path()
        if fast is not None:
            try:
                return fast.content(number, loaded)
            except Exception:  # Unsure, or pdfium or pdfminer failing on the page: pdfplumber decides
                pass
        self.fallbacks += 1
        return self._plumber.content(number)

    def _fast_path(self) -> PdfiumPages | None:
        """The fast path, opened once; None when pdfium or pdfminer cannot open the document for it."""
        if self._fast is None and not self._fast_fails:
            try:
                self._fast = PdfiumPages(self._data, self._document)
            except Exception:  # the pages go to pdfplumber, which reads them or says why it cannot
                self._fast_fails = True
        return self._fast

    def close(self) -> None:
        if self._fast is not None:
            self._fast.close()
        self._plumber.close()
