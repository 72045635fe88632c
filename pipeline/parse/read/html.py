"""Web pages (.html, .htm, .shtml) and the single-file archives browsers save (.mhtml, .mht).

**Charset.** A byte-order mark wins; then the charset the archive part or the page declares
(``<meta charset="gbk">``, ``<meta http-equiv="Content-Type" content="text/html; charset=gb2312">``,
found in the first ``CHARSET_PRESCAN_BYTES`` as browsers do); GB2312 and GBK are decoded as
GB18030, their superset, because pages labelled GB2312 routinely hold GBK characters (镕, 堃). A
declaration that does not decode the page strictly is ignored, and the page is decoded as a text
file is (``pipeline.parse.read.text.decode``: UTF-8, then charset-normalizer).

**Parsing.** lxml's HTML parser (libxml2: never fetches anything, repairs broken markup). Page
chrome is dropped before anything is read: ``<head>``, scripts and styles, ``<nav>``, ``<header>``,
``<footer>``, form controls, embedded frames and elements hidden by ``hidden`` or an inline
``display:none`` / ``visibility:hidden``. ``<form>`` itself is kept: ASP.NET sites, common among
government portals, wrap the whole page in one form.

**Tables.** A table holding no other table is a grid: each ``<tr>`` becomes a ``Row`` with one
cell per column, spans expanded as the Word reader does: a cell is written at its first row and
column and every other position it covers is ``""``, so

    <tr><td rowspan="2">产出指标</td><td>数量指标</td></tr>
    <tr><td>质量指标</td></tr>

gives ``("产出指标", "数量指标")`` and ``("", "质量指标")``, and the form reader carries 一级指标
down. A table that holds tables is layout (portals lay whole pages out in one), so its cells are
read as running text and the innermost tables as grids: no text is read twice.

**Text.** Every block-level element (``<p>``, ``<div>``, ``<h1>``, ``<li>``, a ``<br>``) ends a line;
whitespace runs collapse to one space as a browser shows them, but ``&nbsp;`` and ideographic
spaces are kept, since runs of them lay ``编制单位：…`` and ``单位：万元`` apart on one line (split
as the Word reader splits paragraphs: ``text_pieces``). Lines without text are not kept.
Preformatted text (``<pre>``) keeps its lines and spaces: sites paste text dumps there, whose runs
of spaces are what lays out the columns of a table drawn in text.

**Provenance.** ``lines`` holds one line per text line and per table row (cells joined by tabs),
in page order, so the prose layout reads targets written as text; every block has
``Locator(line=N)``, N being its 1-based position in ``lines``. A page has no pages: ``page`` is None.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

import lxml.html
from lxml import etree

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.types import Block, Cells, RawDocument, TextLine, line_locator
from pipeline.parse.read.text import checked_text, decode
from pipeline.parse.read.word import MAX_GRID_COLUMNS, cell_text, grid_block, text_pieces

FORMAT: Final = "html"
ARCHIVE_FORMAT: Final = "mhtml"

XmlElement: TypeAlias = Any
"""An lxml element of the page (lxml ships no type stubs in this environment)."""

CHARSET_PRESCAN_BYTES: Final = 4096
"""Where a page's charset declaration is looked for (browsers look at the first 1024 bytes; some
generators put a long comment or script first)."""
_DECLARED_CHARSET: Final = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
"""``charset=`` inside a meta tag: both ``<meta charset=…>`` and http-equiv Content-Type."""
_GB_SUPERSET: Final = "gb18030"
_DECODED_AS: Final = {
    "gb2312": _GB_SUPERSET,
    "gbk": _GB_SUPERSET,
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
"""Codec names (as ``codecs.lookup`` gives them) read as another: GB labels as their superset; a
UTF-16 label in a page that was readable as bytes is wrong (HTML standard: read it as UTF-8)."""
_BOMS: Final = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

SNIFF_BYTES: Final = 2048
"""How much of a file is looked at to tell a web page or a web archive by its content."""
_HTML_MARKERS: Final = (b"<!doctype html", b"<html", b"<table", b"<body")
_ARCHIVE_MARKERS: Final = (b"mime-version:", b"multipart/related")

_CHROME_TAGS: Final = (
    "head", "script", "style", "noscript", "template", "nav", "header", "footer",
    "input", "select", "textarea", "button", "option", "iframe", "frame", "object", "embed", "svg",
)  # fmt: skip
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCK_TAGS: Final = frozenset(
    (
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    )
)  # fmt: skip
_PREFORMATTED: Final = frozenset(("pre", "listing", "xmp", "plaintext"))
"""Elements that start and end a line of text, as a browser lays them out."""
_COLLAPSIBLE_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
"""HTML whitespace: a run shows as one space. ``&nbsp;`` (U+00A0) and U+3000 are not in it."""
_TABLE_ROWS: Final = "./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"
_ROW_CELLS: Final = "./td | ./th"


# -- charset -------------------------------------------------------------------------------------
def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a meta tag near its start, or None."""
    found = _DECLARED_CHARSET.search(data[:CHARSET_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _DECODED_AS.get(name, name)


def decode_page(data: bytes, declared: str | None = None) -> str:
    """A page's text: BOM, then the declared charset (``declared`` from a MIME header, else the
    page's meta tag), then what a text file would be decoded as; ``encoding_error`` if nothing fits."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data.decode(bom_codec, errors="replace")
    label = declared or declared_charset(data)
    codec = _codec(label) if label else None
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return decode(data)


# -- sniffing ------------------------------------------------------------------------------------
def _head(data: bytes) -> bytes:
    return data[:SNIFF_BYTES].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()


def looks_like_html(data: bytes) -> bool:
    """A web page by content, whatever its name says (sites serve HTML tables named .xls)."""
    head = _head(data)
    return head.startswith(b"<") and any(marker in head for marker in _HTML_MARKERS)


def looks_like_archive(data: bytes) -> bool:
    """A MIME web archive by content (Excel's "single file web page" is one, often named .xls)."""
    head = _head(data)
    return any(marker in head for marker in _ARCHIVE_MARKERS)


# -- the page tree -------------------------------------------------------------------------------
def _is_hidden(element: XmlElement) -> bool:
    return element.get("hidden") is not None or bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def drop_chrome(root: XmlElement) -> None:
    """Remove what a reader of the page does not read as content (see the module docstring)."""
    doomed = [element for element in root.iter(etree.Element) if element.tag in _CHROME_TAGS or _is_hidden(element)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element


def parse_page(text: str) -> XmlElement:
    """The page's element tree, comments and processing instructions left out."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    return lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)


def _span(cell: XmlElement, attribute: str) -> int:
    """A ``rowspan``/``colspan`` as a count; 0 or junk is 1 (``rowspan="0"``, to the end of the
    table, is rare enough not to model)."""
    try:
        return max(1, int((cell.get(attribute) or "1").strip()))
    except ValueError:
        return 1


def grid_rows(table: XmlElement) -> list[Cells]:
    """The table's rows with spans expanded (module docstring), all as wide as the widest, capped
    at ``MAX_GRID_COLUMNS``.

    ``covered[c]`` is the first row index that column c is free again, so a huge ``rowspan`` costs
    one integer, never an allocation.
    """
    covered: list[int] = []
    rows: list[dict[int, str]] = []
    for index, tr in enumerate(table.xpath(_TABLE_ROWS)):
        row: dict[int, str] = {}
        column = 0
        for cell in tr.xpath(_ROW_CELLS):
            while column < len(covered) and covered[column] > index:
                column += 1
            if column >= MAX_GRID_COLUMNS:
                break
            span = min(_span(cell, "colspan"), MAX_GRID_COLUMNS - column)
            covered.extend([0] * (column + span - len(covered)))
            covered[column : column + span] = [index + _span(cell, "rowspan")] * span
            row[column] = cell_text("\n".join(flow_lines(cell)))
            column += span
        rows.append(row)
    width = len(covered)
    return [tuple(row.get(column, "") for column in range(width)) for row in rows]


def _is_grid(element: XmlElement) -> bool:
    return element.tag == "table" and not element.xpath(".//table")


def flow_lines(element: XmlElement) -> list[str]:
    """The lines of text of an element holding no grid (a table cell)."""
    page = PageText()
    page.walk(element)
    page.end_line()
    return [item for item in page.items if isinstance(item, str)]


@dataclass
class PageText:
    """A page's lines of text and grids, in page order."""

    items: list[str | list[Cells]] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)

    def add(self, text: str | None) -> None:
        if text:
            self._parts.append(text)

    def end_line(self) -> None:
        line = _COLLAPSIBLE_SPACE.sub(" ", "".join(self._parts)).strip(" ")
        self._parts.clear()
        if line.strip():
            self.items.append(line)

    def walk(self, element: XmlElement) -> None:
        """Text and grids under ``element``, its own tail excluded (the caller reads it)."""
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            self.end_line()
            return
        if tag in _PREFORMATTED:
            self.end_line()
            self.items.extend(line.rstrip() for line in element.text_content().splitlines() if line.strip())
            return
        if _is_grid(element):
            self.end_line()
            for caption in element.xpath("./caption"):
                self.items.extend(flow_lines(caption))
            self.items.append(grid_rows(element))
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.end_line()
        self.add(element.text)
        for child in element:
            self.walk(child)
            self.add(child.tail)
        if block:
            self.end_line()


def page_blocks(items: list[str | list[Cells]]) -> Iterator[tuple[str, list[Block]]]:
    """(line of ``lines``, its blocks located at that line) for each text line and table row with text."""
    number = 0
    for item in items:
        if isinstance(item, str):
            number += 1
            yield item, [TextLine(piece, line_locator(number)) for piece in text_pieces(item)]
            continue
        for cells in item:
            if any(cells):
                number += 1
                yield "\t".join(cells), [grid_block(cells, line_locator(number))]


# -- readers -------------------------------------------------------------------------------------
def page_document(data: bytes, source_file: str, fmt: str, declared: str | None = None) -> RawDocument:
    """A web page's bytes (``declared``: the charset its archive part names) as a ``RawDocument``."""
    text = checked_text(decode_page(data, declared), "web page", "a web-page name")
    try:
        root = parse_page(text)
        drop_chrome(root)
        page = PageText()
        page.walk(root)
        page.end_line()
    except (etree.ParserError, etree.XMLSyntaxError, RecursionError) as exc:
        raise IngestError("unreadable_file", STAGE_READ, f"the web page could not be parsed: {exc}") from exc
    lines: list[str] = []
    blocks: list[Block] = []
    for line, line_blocks in page_blocks(page.items):
        lines.append(line)
        blocks.extend(line_blocks)
    if not lines:
        raise IngestError("empty_file", STAGE_READ, "the web page shows no text (only markup, scripts or menus)")
    return RawDocument(source_file=source_file, format=fmt, lines=tuple(lines), blocks=tuple(blocks))


def read_html(data: bytes, source_file: str) -> RawDocument:
    """A web page's text and tables; a web archive with an .html name is read as one."""
    if looks_like_archive(data) and not looks_like_html(data):
        return read_mhtml(data, source_file)
    return page_document(data, source_file, FORMAT)


def archive_page(data: bytes) -> tuple[bytes, str | None]:
    """The first HTML part of a MIME web archive (the saved page; later ones are its frames),
    its transfer encoding (quoted-printable, base64) undone, and the charset its header names."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload, part.get_content_charset()
    raise IngestError(
        "unreadable_file",
        STAGE_READ,
        "the web archive holds no HTML page (not a MIME archive, or a damaged one); save the page again or as .html",
    )


def read_mhtml(data: bytes, source_file: str) -> RawDocument:
    """The page inside a browser's single-file archive; a plain page with an .mhtml name is read as one."""
    if looks_like_html(data) and not looks_like_archive(data):
        return page_document(data, source_file, FORMAT)
    page, charset = archive_page(data)
    return page_document(page, source_file, ARCHIVE_FORMAT, charset)
