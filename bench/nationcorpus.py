"""The mixed corpus of issue 22's national-year estimate: 80 % PDF budget books, 20 % text.

A county's year is mostly PDF budget books of a few dozen pages whose 绩效目标表 sit on a handful
of pages among the prose, with some text dumps of web pages beside them. Document ``i`` of
``bench/corpus/nation/<size>/`` is, drawn from ``random.Random(i)``:

- for ``i % 5 == 4``, a text document: ``bench.corpus.variant`` of seed ``i // 5 % 5`` (towns,
  project names, amounts and the number of projects varied as in the text corpus);
- otherwise a 40-page PDF budget book (``BOOK_PAGES``): 5–10 consecutive pages of
  ``tables20.pdf`` that begin where a table begins and end where one ends (so no table is cut
  off by the excerpt), among prose pages imported from a pool of CJK prose pages, the table
  pages at a random place in the book.

Every book differs in what the parser reads from it: on the imported table pages the county and
town of ``编制单位：某某县某某镇人民政府`` are renamed (e.g. 某某县某某镇 → 安平县青山镇), the first two
characters of each project name are replaced by a prefix such as 东区 (the same length, so the
name stays inside its cell), the project code's last four digits are redrawn, every amount with
two decimals (预算数 19.00, 财政拨款 19.00 …) is scaled by one factor in 0.5–2.0 per book, and
percentages with a comparator (≥95%) are redrawn in 80–99. A new text is written into the page's
existing text object (``FPDFText_SetText``), so the fixture's embedded font subset must hold
every character of it: replacements are drawn only from characters the subset is known to hold
(those the fixture already prints in that font). Imported pages are copied, never rendered, so a
book takes tens of milliseconds to build; the corpus is built once and reused
(``bench/corpus/`` is not committed).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from bench.corpus import (
    CORPUS_DIR,
    PROJECT_PREFIXES,
    TOWN_STEMS,
    complete_folder,
    load_seeds,
    mark_complete,
    write_text_document,
)
from bench.pdfbook import A4, FIXTURES

NATION_DIR: Final = CORPUS_DIR / "nation"
TABLES: Final = FIXTURES / "tables20.pdf"
GROUND_TRUTH: Final = FIXTURES / "ground_truth.json"
BOOK_PAGES: Final = 40
TABLE_PAGES: Final = (5, 10)
"""Fewest and most table pages in a book (issue 22: "5–10 table pages")."""
TEXT_EVERY: Final = 5
"""Every fifth document is a text document: 20 % text, 80 % PDF."""
PROSE_POOL_PAGES: Final = 60
PROSE_PT: Final = 10.5
PROSE_LINES: Final = 36
PROSE_LINE_CHARS: Final = 40
COVER_PT: Final = 22.0
TABLE_TITLE: Final = "项目支出绩效目标表"
PLACEHOLDER_COUNTY: Final = "某某县"
PLACEHOLDER_TOWN: Final = "某某镇"
PROJECT_NAME_LABEL: Final = "项目名称"
PLACE_CHARACTERS: Final = "东西南北中新安平和丰山河湖石青白马龙凤金长永太清阳城村乡家园林水田花"
"""Characters of place names (stems such as 安平, 青山) beside the corpus's own ``TOWN_STEMS``."""
_AMOUNT: Final = re.compile(r"^(\s*)(\d{1,7})\.(\d{2})(\s*)$")
_COMPARED_PERCENT: Final = re.compile(r"^(\s*[≥≤＞＜><]=?)(\d{2})%(\s*)$")
_YEAR: Final = re.compile(r"^\s*20\d\d\s*$")
_PROJECT_CODE: Final = re.compile(r"^(\s*\d{9,})(\d{4})(\s*)$")


def _text_of(obj: pdfium_c.FPDF_PAGEOBJECT, text_page: pdfium.PdfTextPage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, text_page.raw, None, 0)
    buffer = (pdfium_c.FPDF_WCHAR * max(1, size // 2))()
    pdfium_c.FPDFTextObj_GetText(obj, text_page.raw, buffer, size)
    return bytes(buffer)[:size].decode("utf-16-le").rstrip("\x00")


def _font_key(font: pdfium_c.FPDF_FONT) -> str:
    """A font subset's identity: its base name and a digest of its embedded program.

    pdfium gives the base name without the subset tag, and a large font is split into subsets of
    256 glyphs under one name (``NotoSerifCJKjp-Regular`` twice in the fixture), each holding
    other characters: only the program tells them apart.
    """
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    name = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
    length = ctypes.c_size_t(0)
    pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(length))
    program = (ctypes.c_uint8 * length.value)()
    pdfium_c.FPDFFont_GetFontData(font, program, length.value, ctypes.byref(length))
    return f"{name.value.decode('latin-1')}#{hashlib.sha256(bytes(program)).hexdigest()[:16]}"


def _set_text(obj: pdfium_c.FPDF_PAGEOBJECT, text: str) -> None:
    buffer = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))


_SUBSET_FONT: Final = re.compile(rb"/BaseFont\s*/([A-Z]{6}\+)([A-Za-z0-9\-]+)")


@cache
def fixture_bytes(path: Path = TABLES) -> bytes:
    """The fixture with every font subset under a base name of its own.

    LibreOffice splits a large font into subsets of 256 glyphs that share one base name
    (``CAAAAA+NotoSerifCJKjp-Regular-VKana``, ``FAAAAA+NotoSerifCJKjp-Regular-VKana``). pdfium
    keys the fonts of a page it writes again by base name without the subset tag, so after one
    ``FPDFText_SetText`` the page's second subset printed through the first one's codes
    (河长制 came out as 时长制). Each later subset of a name gets its last character replaced by a
    digit, the same number of bytes, so the file's offsets still hold.
    """
    data = path.read_bytes()
    seen: dict[bytes, int] = {}
    for tag, name in sorted(set(_SUBSET_FONT.findall(data))):
        count = seen.get(name, 0)
        seen[name] = count + 1
        if count:
            data = data.replace(tag + name, tag + name[:-1] + str(count).encode())
    return data


@dataclass(frozen=True)
class TextObject:
    obj: pdfium_c.FPDF_PAGEOBJECT
    text: str
    font: str


def text_objects(page: pdfium.PdfPage, fonts: dict[int, str]) -> list[TextObject]:
    """The page's text objects in content order, each with its text and its font's key.

    ``fonts`` caches the keys by pdfium's font handle, which one document keeps per font.
    """
    text_page = page.get_textpage()
    objects = []
    try:
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1):
            font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
            handle = ctypes.cast(font, ctypes.c_void_p).value or 0
            if handle not in fonts:
                fonts[handle] = _font_key(font)
            objects.append(TextObject(obj.raw, _text_of(obj.raw, text_page), fonts[handle]))
        return objects
    finally:
        text_page.close()


@dataclass(frozen=True)
class TableSource:
    """What the generator knows of ``tables20.pdf``: the page excerpts it may take, and each
    font subset's characters."""

    excerpts: tuple[tuple[int, int], ...]
    """(first page, end page) 0-based, end excluded: starts where a table starts, ends where the next starts."""
    alphabets: dict[str, frozenset[str]]
    """Font key (``_font_key``) → the characters the fixture prints in that subset."""
    unit_alphabet: frozenset[str]
    """The characters of the subset that prints ``编制单位：某某县某某镇…``: the places drawn from them."""


@cache
def table_source(path: Path = TABLES) -> TableSource:
    document = pdfium.PdfDocument(fixture_bytes(path))
    try:
        starts: list[int] = []
        unit_font = ""
        alphabets: dict[str, set[str]] = defaultdict(set)
        fonts: dict[int, str] = {}
        for number in range(len(document)):
            page = document[number]
            objects = text_objects(page, fonts)
            page.close()
            if any(TABLE_TITLE in o.text for o in objects):
                starts.append(number)
            for o in objects:
                alphabets[o.font].update(o.text)
                if PLACEHOLDER_TOWN in o.text:
                    unit_font = o.font
        ends = [*starts[1:], len(document)]
        low, high = TABLE_PAGES
        excerpts = tuple((first, end) for first in starts for end in ends if end > first and low <= end - first <= high)
        frozen = {font: frozenset(chars) for font, chars in alphabets.items()}
        return TableSource(excerpts, frozen, frozen[unit_font])
    finally:
        document.close()


def _words(alphabet: frozenset[str], candidates: tuple[str, ...]) -> list[str]:
    """The candidates the font can print, and pairs of ``PLACE_CHARACTERS`` it can print."""
    chars = [c for c in PLACE_CHARACTERS if c in alphabet]
    return [w for w in candidates if set(w) <= alphabet] + [a + b for a, b in product(chars, chars) if a != b]


@dataclass(frozen=True)
class BookFacts:
    """What one book's table pages are given, drawn once per book so every page agrees."""

    county: str
    town: str
    factor: float


def _renamed(o: TextObject, facts: BookFacts, rng: random.Random) -> str | None:
    """The new text of one table-page object, or None to leave it as printed."""
    text = o.text
    if PLACEHOLDER_TOWN in text or PLACEHOLDER_COUNTY in text:
        return text.replace(PLACEHOLDER_COUNTY, facts.county + "县").replace(PLACEHOLDER_TOWN, facts.town + "镇")
    if amount := _AMOUNT.match(text):
        scaled = float(f"{amount.group(2)}.{amount.group(3)}") * facts.factor
        return f"{amount.group(1)}{scaled:.2f}{amount.group(4)}"
    if percent := _COMPARED_PERCENT.match(text):
        return f"{percent.group(1)}{rng.randint(80, 99)}%{percent.group(3)}"
    if code := _PROJECT_CODE.match(text):
        return f"{code.group(1)}{rng.randint(0, 9999):04d}{code.group(3)}"
    return None


def _set_keeping_tail(page: pdfium.PdfPage, obj: pdfium_c.FPDF_PAGEOBJECT, text: str) -> None:
    """Write ``text`` into the object, its last blank-separated part kept where it was printed.

    One text object may print two fields apart (``编制单位：某某县某某镇人民政府（本级）`` at the left,
    ``单位：万元`` at the right edge of the table); ``FPDFText_SetText`` would set them side by side
    and the reader would no longer see the 单位 field. So the tail becomes its own object in the
    same font, ending where the object ended (a CJK glyph is one em wide).
    """
    head, _, tail = text.rstrip().rpartition(" ")
    if not head or not tail or tail.isascii():
        _set_text(obj, text)
        return
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top)))
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    size = ctypes.c_float()
    pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    _set_text(obj, head)
    part = pdfium_c.FPDFPageObj_CreateTextObj(page.pdf.raw, pdfium_c.FPDFTextObj_GetFont(obj), size)
    _set_text(part, tail)
    em = size.value * matrix.a
    pdfium_c.FPDFPageObj_Transform(part, matrix.a, matrix.b, matrix.c, matrix.d, right.value - em * len(tail), matrix.f)
    pdfium_c.FPDFPage_InsertObject(page.raw, part)


def vary_table_page(
    page: pdfium.PdfPage, facts: BookFacts, rng: random.Random, source: TableSource, fonts: dict[int, str]
) -> None:
    """Rename the town, the project names, codes and amounts on one imported table page."""
    objects = text_objects(page, fonts)
    changed = False
    for position, o in enumerate(objects):
        alphabet = source.alphabets.get(o.font, frozenset())
        new = _renamed(o, facts, rng)
        after_label = position > 0 and objects[position - 1].text.strip() == PROJECT_NAME_LABEL
        if new is None and after_label and len(o.text.strip()) > 2:
            new = rng.choice(_words(alphabet, PROJECT_PREFIXES)) + o.text.strip()[2:]
        if new is not None and new != o.text and set(new) <= alphabet | {" "}:
            _set_keeping_tail(page, o.obj, new)
            changed = True
    if changed:
        pdfium_c.FPDFPage_GenerateContent(page.raw)


def _prose_lines() -> Iterator[str]:
    """Endless lines of CJK prose: the fixture's project goals and indicator descriptions, in turn."""
    tables = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
    sentences = [t["goal"] for t in tables] + ["".join(row[3] for row in t["rows"]) + "。" for t in tables]
    text = "".join(sentences)
    while True:
        for start in range(0, len(text), PROSE_LINE_CHARS):
            yield text[start : start + PROSE_LINE_CHARS]


def build_prose_pool(target: Path, pages: int = PROSE_POOL_PAGES, tables: Path = TABLES) -> Path:
    """``pages`` pages of CJK prose set in the fixture's own regular CJK font (reused if built).

    The font comes with a fixture page imported first and deleted once the prose pages use it;
    characters the subset lacks are left out of the lines.
    """
    if target.exists():
        return target
    source = table_source(tables)
    pool = pdfium.PdfDocument.new()
    fixture = pdfium.PdfDocument(fixture_bytes(tables))
    pool.import_pages(fixture, [0])
    fixture.close()
    carrier = pool[0]
    font_object = max(
        (o for o in text_objects(carrier, {}) if "Regular" in o.font and not o.text.isascii()),
        key=lambda o: len(source.alphabets[o.font]),
    )
    font = pdfium_c.FPDFTextObj_GetFont(font_object.obj)
    alphabet = source.alphabets[font_object.font]
    lines = _prose_lines()
    for _ in range(pages):
        page = pool.new_page(*A4)
        for line_no in range(PROSE_LINES):
            obj = pdfium_c.FPDFPageObj_CreateTextObj(pool.raw, font, ctypes.c_float(PROSE_PT))
            _set_text(obj, "".join(c for c in next(lines) if c in alphabet))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 60, A4[1] - 70 - 20 * line_no)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.close()
    carrier.close()
    pool.del_page(0)
    target.parent.mkdir(parents=True, exist_ok=True)
    pool.save(str(target))
    pool.close()
    return target


@contextmanager
def _opened(source: Path | bytes) -> Iterator[pdfium.PdfDocument]:
    document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        yield document
    finally:
        document.close()


def _find(objects: list[TextObject], wanted: Callable[[TextObject], bool]) -> TextObject:
    return next(o for o in objects if wanted(o))


def add_cover(book: pdfium.PdfDocument, facts: BookFacts, table_page: pdfium.PdfPage, fonts: dict[int, str]) -> None:
    """Page 1: ``安平县青山镇人民政府`` and ``2020 年部门预算``, in the fonts of the book's first table page.

    A budget book names its town and year on the cover, and the reader looks for them in the
    first lines (``pipeline.parse.meta``). The CJK line is set in the font of the table's
    ``编制单位`` line, whose subset prints 人民政府 and the renamed place; the year in the font of the
    table's year; words the subset cannot print are left out.
    """
    objects = text_objects(table_page, fonts)
    unit = _find(objects, lambda o: PLACEHOLDER_TOWN in o.text or f"{facts.town}镇" in o.text)
    year = _find(objects, lambda o: bool(_YEAR.match(o.text)))
    alphabet = table_source().alphabets[unit.font]
    cover = book.new_page(*A4, index=0)
    lines = (
        (unit.obj, f"{facts.county}县{facts.town}镇人民政府", 150.0, 600.0),
        (year.obj, year.text.strip(), 200.0, 560.0),
        (unit.obj, "".join(c for c in "年部门预算" if c in alphabet), 240.0, 560.0),
    )
    for like, text, x, y in lines:
        obj = pdfium_c.FPDFPageObj_CreateTextObj(book.raw, pdfium_c.FPDFTextObj_GetFont(like), ctypes.c_float(COVER_PT))
        _set_text(obj, text)
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(cover.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(cover.raw)
    cover.close()


@dataclass(frozen=True)
class BookPlan:
    """What book ``index`` is made of, drawn from ``random.Random(index)`` in this order."""

    excerpt: tuple[int, int]
    """Pages of the fixture, 0-based, end excluded."""
    prose_pages: tuple[int, ...]
    """Pages of the prose pool, in book order."""
    before: int
    """Prose pages before the table pages (the cover comes first of all)."""
    facts: BookFacts
    rng: random.Random
    """Goes on drawing the codes, percentages and prefixes of the table pages."""


def plan_book(index: int, pool_pages: int = PROSE_POOL_PAGES) -> BookPlan:
    rng = random.Random(index)
    source = table_source()
    first, end = rng.choice(source.excerpts)
    prose_count = BOOK_PAGES - 1 - (end - first)
    prose_pages = tuple(rng.randrange(pool_pages) for _ in range(prose_count))
    before = rng.randint(1, prose_count - 1)
    facts = BookFacts(
        county=rng.choice(_words(source.unit_alphabet, TOWN_STEMS)),
        town=rng.choice(_words(source.unit_alphabet, TOWN_STEMS)),
        factor=rng.uniform(0.5, 2.0),
    )
    return BookPlan((first, end), prose_pages, before, facts, rng)


def build_book(target: Path, index: int, prose_pool: pdfium.PdfDocument, tables: pdfium.PdfDocument) -> None:
    """Book ``index`` (``plan_book``): a cover, prose pages around the varied table pages.

    Written beside the target and renamed, so an interrupted build leaves no half book.
    """
    plan = plan_book(index, len(prose_pool))
    (first, end), before = plan.excerpt, plan.before
    book = pdfium.PdfDocument.new()
    try:
        book.import_pages(prose_pool, list(plan.prose_pages[:before]))
        book.import_pages(tables, list(range(first, end)))
        book.import_pages(prose_pool, list(plan.prose_pages[before:]))
        fonts: dict[int, str] = {}
        for number in range(before, before + end - first):
            page = book[number]
            vary_table_page(page, plan.facts, plan.rng, table_source(), fonts)
            page.close()
        first_table = book[before]
        add_cover(book, plan.facts, first_table, fonts)
        first_table.close()
        partial = target.with_name(f".{target.name}.partial")
        book.save(str(partial))
        partial.replace(target)
    finally:
        book.close()


def build_nation_corpus(size: int, root: Path = NATION_DIR) -> Path:
    """``bench/corpus/nation/<size>/`` with ``size`` documents; reused if already complete."""
    folder = root / str(size)
    if complete_folder(folder):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    seeds = load_seeds()
    pool_path = build_prose_pool(root / "prose_pool.pdf")
    with _opened(pool_path) as pool, _opened(fixture_bytes()) as tables:
        for index in range(size):
            if index % TEXT_EVERY == TEXT_EVERY - 1:
                write_text_document(folder, index, seeds[(index // TEXT_EVERY) % len(seeds)])
            else:
                target = folder / f"{index:05d}_book.pdf"
                if not target.exists():
                    build_book(target, index, pool, tables)
    mark_complete(folder, size)
    return folder
