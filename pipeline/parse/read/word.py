"""Word documents (.docx): real tables and the paragraphs between them, in body order.

The form reader needs the paragraphs as much as the tables: the project title ("1.xxx绩效目标表")
and the "单位：万元" line are paragraphs above each table. So the body's XML children are walked
in document order (``w:p``, ``w:tbl``, and the content of ``w:sdt`` controls), rather than
python-docx's ``doc.paragraphs`` and ``doc.tables``, which lose the interleaving.

Each table row becomes a ``Row`` with one cell per layout-grid column:

- a cell spanning several grid columns (``w:gridSpan``) gives its text at its first column and
  ``""`` at the others, so labels and values stay in the columns they stand in (the spend plan
  pairs each share with the month label above it by column);
- the continuation of a vertically merged cell (``w:vMerge`` without ``restart``) is ``""``: the
  form reader carries 一级指标 down itself;
- the paragraphs of a cell are joined with ``join_wrapped``, as wrapped lines are in a PDF;
- a table nested in a cell gives its rows right after the row holding it.

Provenance: ``Locator(line=N)`` where N counts, from 1, every body paragraph and every table row
in document order (empty ones included, so N does not depend on what the reader keeps; a nested
table's rows are counted right after the row holding it; paragraphs inside cells belong to their
row). Two text pieces of one paragraph (split at a tab or a wide run of spaces, see
``text_pieces``) share their paragraph's N. A .docx stores no page numbers, so ``page`` is None.

A .docx is a zip: ``check_zip`` refuses bombs before python-docx inflates anything. This module
also holds what the Excel and PDF readers share with it: the zip guard, ``cell_text`` and the
caption rule (``grid_block``: a row whose only text is in its first cell is a caption, so a title
merged across a table reaches the form reader as a title).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Final, TypeAlias

from docx import Document
from docx.oxml.ns import qn

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.labels import FORM_LABELS, find_indicator_header
from pipeline.core.text import clean_text, join_wrapped, label_key
from pipeline.core.types import Block, Cells, Locator, RawDocument, Row, TextLine

FORMAT: Final = "docx"

MAX_UNCOMPRESSED_BYTES: Final = 200 * 1024 * 1024
"""A real budget document inflates to a few MB; anything above this is refused as a zip bomb."""
MAX_COMPRESSION_RATIO: Final = 100
"""OOXML parts compress 5-30×; an archive inflating more than this is refused as a zip bomb."""
MIN_BYTES_FOR_RATIO: Final = 1024 * 1024
"""Below this inflated size the ratio is not checked: a tiny archive cannot exhaust anything."""
INFLATE_CHUNK_BYTES: Final = 1 << 20
"""Members are inflated this much at a time when checked, so a lying member costs this, not gigabytes."""
LOCAL_HEADER: Final = struct.Struct("<4s5H3L2H")
"""A zip member's local file header: its name and extra field lengths are the last two fields."""
MAX_GRID_COLUMNS: Final = 256
"""Columns read per table of any format (A to IV, the old Excel limit): a performance table has tens,
a Word table at most 63. A span, grid or sheet wider than this is capped, not allocated
(``<w:gridSpan w:val="150000000"/>`` in a 39 KB file would otherwise take gigabytes; one cell typed in
column XFD would pad every row of a sheet to 16 384 cells: a 131 KB workbook, 1.7 GB)."""
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file signature: a password-protected Office file, or a .doc/.xls renamed to .docx/.xlsx."""
OLE_ENCRYPTION_STREAM: Final = "EncryptionInfo".encode("utf-16-le")

_PIECE_SEPARATOR: Final = re.compile(r"\t|[ \u00a0\u3000]{2,}")
"""A tab or a run of spaces lays two pieces of text apart on one line (编制单位：… ⟶ 单位：万元)."""

XmlElement: TypeAlias = Any
"""An lxml element of the document XML (lxml ships no type stubs in this environment)."""

W_P: Final = qn("w:p")
W_TBL: Final = qn("w:tbl")
W_TR: Final = qn("w:tr")
W_TC: Final = qn("w:tc")
W_SDT: Final = qn("w:sdt")
W_SDT_CONTENT: Final = qn("w:sdtContent")
_WRAPPERS: Final = frozenset({W_SDT, qn("w:customXml")})
_HIDDEN_CONTAINERS: Final = (
    qn("w:txbxContent"),
    qn("w:moveFrom"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
)
W_T: Final = qn("w:t")
W_VAL: Final = qn("w:val")
_SPECIAL_CHARS: Final = {
    qn("w:tab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}


# -- shared by the binary readers ---------------------------------------------------------------
def check_zip(
    data: bytes,
    kind: str,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> None:
    """Refuse what is not a sane zip before a library inflates it.

    The declared sizes are checked first, then every member is inflated in bounded chunks to
    prove it inflates to no more than it declares: ``zipfile`` reading a whole member inflates it
    all before cutting it to the declared size, so a 2 MB entry that understates its size would
    take gigabytes inside python-docx or openpyxl.
    """
    if data.startswith(OLE_MAGIC):
        if OLE_ENCRYPTION_STREAM in data:
            raise IngestError(
                "encrypted_file",
                STAGE_READ,
                f"the {kind} file is password-protected; save it without a password",
            )
        raise IngestError(
            "unsupported_format",
            STAGE_READ,
            f"this is an old-format (97-2003) Office file with a new-format name; open it and save it as {kind}",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            "unreadable_file", STAGE_READ, f"not a valid {kind} file (not a readable zip container): {exc}"
        ) from exc
    inflated = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if inflated > max_bytes:
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            f"the {kind} file would inflate to {inflated:,} bytes (limit {max_bytes:,}); refused as a possible zip bomb",
        )
    if inflated >= MIN_BYTES_FOR_RATIO and inflated > max_ratio * max(compressed, 1):
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            f"the {kind} file inflates {inflated / max(compressed, 1):.0f}× (limit {max_ratio:.0f}×); "
            "refused as a possible zip bomb",
        )
    for info in infos:
        if not _inflates_within(data, info):
            raise IngestError(
                "unreadable_file",
                STAGE_READ,
                f"the {kind} file's part {info.filename} inflates to more than the {info.file_size:,} bytes it declares; "
                "refused as a possible zip bomb",
            )


def _member_bytes(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    """A member's compressed bytes, found through its local header."""
    header = memoryview(data)[info.header_offset : info.header_offset + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size:
        raise IngestError("unreadable_file", STAGE_READ, f"the zip part {info.filename} is cut off")
    *_, name_length, extra_length = LOCAL_HEADER.unpack(header)
    start = info.header_offset + LOCAL_HEADER.size + name_length + extra_length
    return memoryview(data)[start : start + info.compress_size]


def _inflates_within(data: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether the member inflates to at most its declared size; stops one chunk past it."""
    compressed = _member_bytes(data, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return len(compressed) <= info.file_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise IngestError(
            "unreadable_file", STAGE_READ, f"the zip part {info.filename} uses a compression Office files never use"
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        size = len(inflater.decompress(compressed, INFLATE_CHUNK_BYTES))
        while inflater.unconsumed_tail and size <= info.file_size:
            size += len(inflater.decompress(inflater.unconsumed_tail, INFLATE_CHUNK_BYTES))
        if size <= info.file_size:
            size += len(inflater.flush())
    except zlib.error as exc:
        raise IngestError("unreadable_file", STAGE_READ, f"the zip part {info.filename} is damaged: {exc}") from exc
    return size <= info.file_size


def cell_text(text: str | None) -> str:
    """A cell's lines joined as one text, without inventing spaces inside Chinese."""
    if not text:
        return ""
    return reduce(join_wrapped, (clean_text(line) for line in text.split("\n")), "")


def grid_block(cells: Sequence[str], locator: Locator) -> Block:
    """A table row, or a caption when only its first cell holds text (a title merged across the
    table, a one-column frame around a paragraph, a note in column A of a sheet).

    Form labels and header names stay rows: a lone "资金支出计划" is still part of the form.
    """
    filled = [index for index, cell in enumerate(cells) if cell]
    if filled == [0]:
        key = label_key(cells[0])
        if key not in FORM_LABELS and find_indicator_header(cells) is None:
            return TextLine(cells[0], locator)
    return Row(tuple(cells), locator)


def text_pieces(text: str) -> list[str]:
    """The pieces of a line laid apart by tabs or wide spaces, each cleaned; empty pieces dropped."""
    return [piece for piece in (clean_text(p) for p in _PIECE_SEPARATOR.split(text)) if piece]


# -- Word XML -----------------------------------------------------------------------------------
def _children(parent: XmlElement, *tags: str) -> Iterator[XmlElement]:
    """Children with one of ``tags``, looking through content controls and custom-XML wrappers."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            content = child.find(W_SDT_CONTENT) if child.tag == W_SDT else child
            if content is not None:
                yield from _children(content, *tags)


def _paragraph_text(paragraph: XmlElement) -> str:
    """The visible text of a ``w:p``: runs, hyperlinks and insertions.

    Left out: text boxes (floating, and doubled in mc:Fallback) and text moved away by a tracked
    change (``w:moveFrom``; deleted text is ``w:delText``, which is not read at all).
    """
    parts: list[str] = []
    for element in paragraph.iter(W_T, *_SPECIAL_CHARS):
        if any(True for _ in element.iterancestors(*_HIDDEN_CONTAINERS)):
            continue
        parts.append(element.text or "" if element.tag == W_T else _SPECIAL_CHARS[str(element.tag)])
    return "".join(parts)


def _int_property(element: XmlElement, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return int(found.get(W_VAL, default))
    except ValueError:
        return default


def _is_merge_continuation(tc: XmlElement) -> bool:
    v_merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return v_merge is not None and v_merge.get(W_VAL, "continue") == "continue"


def _tc_text(tc: XmlElement) -> str:
    return cell_text("\n".join(_paragraph_text(p) for p in _children(tc, W_P)))


def _padding(cells: list[str], wanted: int) -> list[str]:
    """Up to ``wanted`` empty cells, never past ``MAX_GRID_COLUMNS`` in the row."""
    return [""] * max(0, min(wanted, MAX_GRID_COLUMNS - len(cells)))


def row_cells(tr: XmlElement, width: int) -> Cells:
    """One cell per grid column: spanned and vertically continued positions are ``""``.

    Spans, ``gridBefore`` and the grid width pad the row up to ``MAX_GRID_COLUMNS`` at most;
    cells written in the file are all kept.
    """
    cells: list[str] = []
    cells.extend(_padding(cells, _int_property(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}", 0)))
    for tc in _children(tr, W_TC):
        span = max(1, _int_property(tc, f"{qn('w:tcPr')}/{qn('w:gridSpan')}", 1))
        text = "" if _is_merge_continuation(tc) else _tc_text(tc)
        cells.append(text)
        cells.extend(_padding(cells, span - 1))
    cells.extend(_padding(cells, width - len(cells)))
    return tuple(cells)


def _grid_width(tbl: XmlElement) -> int:
    grid = tbl.find(qn("w:tblGrid"))
    return 0 if grid is None else min(MAX_GRID_COLUMNS, len(grid.findall(qn("w:gridCol"))))


@dataclass
class BodyReader:
    """Blocks and text lines of a document body, numbered as the module docstring says."""

    blocks: list[Block] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    number: int = 0

    def paragraph(self, p: XmlElement) -> None:
        self.number += 1
        text = _paragraph_text(p)
        self.lines.append(text)
        self.blocks.extend(TextLine(piece, Locator(line=self.number)) for piece in text_pieces(text))

    def table(self, tbl: XmlElement) -> None:
        """Each row, then the rows of any table nested in its cells (a form drawn inside a cell)."""
        width = _grid_width(tbl)
        for tr in _children(tbl, W_TR):
            self.number += 1
            cells = row_cells(tr, width)
            self.lines.append("\t".join(cells))
            if any(cells):
                self.blocks.append(grid_block(cells, Locator(line=self.number)))
            for tc in _children(tr, W_TC):
                for nested in _children(tc, W_TBL):
                    self.table(nested)

    def body(self, body: XmlElement) -> None:
        for element in _children(body, W_P, W_TBL):
            if element.tag == W_P:
                self.paragraph(element)
            else:
                self.table(element)


def read_docx(data: bytes, source_file: str) -> RawDocument:
    """A Word document's paragraphs and table rows, in body order."""
    check_zip(data, "Word (.docx)")
    try:
        document = Document(io.BytesIO(data))
        reader = BodyReader()
        reader.body(document.element.body)
        blocks, lines = reader.blocks, reader.lines
    except IngestError:
        raise
    except Exception as exc:  # python-docx/lxml/zipfile raise many types on a damaged file
        raise IngestError("unreadable_file", STAGE_READ, f"the Word file could not be parsed: {exc}") from exc
    if not any(line.strip() for line in lines):
        raise IngestError("empty_file", STAGE_READ, "the Word document holds no text")
    return RawDocument(source_file=source_file, format=FORMAT, lines=tuple(lines), blocks=tuple(blocks))
