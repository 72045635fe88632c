"""Forms laid out with runs of spaces (PDF-to-text ``-layout`` dumps of 申报表 / 审批表 / 自评表).

A text line is cut into chunks at every run of two or more spaces (or an ideographic space); a
single space stays inside a chunk (``2024 年``). Chunks are placed by where they stand, in display
columns (a Chinese character is two columns wide, as the converter laid it out):

* **Form lines** (项目名称 … 项目分类 … 建设周期 on one line, 项目资金 … 年度资金总额 … 其中：财政拨款 …)
  are rows of their chunks in order; the form reader pairs each label with the value after it. A
  single chunk indented under the previous form line's values continues its last cell (a wrapped
  年度绩效目标).
* **The indicator table** starts at its header line. Each header chunk is a column and the column
  borders lie half-way across the gaps between header chunks; every chunk below goes to the column
  holding its centre, so a blank merged 一级指标 stays blank instead of shifting the row left. Two
  header lines in a row (``绩效指标`` above ``一级指标 二级指标 三级指标``) are one header: the lower
  line's chunks, plus the upper chunks standing over no lower chunk.
* **Wrapped header cells.** A line right under the header whose chunks each complete the header
  cell above into a known label (``指标值（包含数字`` / ``及文字描述）``, ``指标值确定`` / ``依据``) is
  part of the header.
* **Wrapped rows.** A line right under a row (blank lines aside) that fills no value-like column
  (指标值, 实际完成值, 分值, 得分, 指标性质, 度量单位) is the rest of that row's wrapped cells
  (``65岁及以上老年人健康`` / ``管理率``) and is joined into it, column by column.
* Page furniture (``第 2 页``, ``- 3 -``), titles and ``续表`` are text; the table goes on after them
  (a repeated header is skipped by the form reader). A form label or a unit line ends the table.

Lines holding a tab belong to the tab-separated layout and are text here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from pipeline.core.labels import (
    FORM_LABELS,
    find_indicator_header,
    header_columns,
    is_header_label,
    is_header_row,
)
from pipeline.core.money import AMOUNT_UNIT
from pipeline.core.text import compact, is_page_furniture, join_wrapped, label_key
from pipeline.core.types import Block, Extraction, Locator, RawDocument, Row, TextLine, line_locator
from pipeline.parse.layouts.cell_runs import is_title
from pipeline.parse.layouts.forms import VALUE_COLUMNS, forms_extraction, may_find_table, read_forms

NAME: Final = "spaced_columns"
TAB: Final = "\t"
WIDE: Final = frozenset({"W", "F"})
GOAL_INDENT_SLACK: Final = 2
"""A continuation of a wrapped form cell may start this many columns left of the cell it continues."""
_GAP: Final = re.compile(r" {2,}|\u3000+")
_UNIT_LINE: Final = re.compile(rf"(?:^|[:：])\s*(?:金额)?单位[:：]\s*{AMOUNT_UNIT}\s*$")


def display_width(text: str) -> int:
    """Columns a text takes in a monospaced layout: two for wide (CJK) characters, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in WIDE else 1 for ch in text)


@dataclass(frozen=True)
class Chunk:
    """A run of text between gaps, with its first and last-plus-one display column."""

    start: int
    end: int
    text: str

    @property
    def centre(self) -> float:
        return (self.start + self.end) / 2


def chunks(line: str) -> list[Chunk]:
    """The chunks of a line, left to right."""
    line = line.replace("\f", "").rstrip()
    found: list[Chunk] = []
    position = 0
    for gap in [*_GAP.finditer(line), None]:
        end = gap.start() if gap else len(line)
        piece = line[position:end]
        text = piece.strip()
        if text:
            left = display_width(line[: position + len(piece) - len(piece.lstrip())])
            found.append(Chunk(left, left + display_width(text), text))
        position = gap.end() if gap else len(line)
    return found


@dataclass
class _Table:
    """The header's chunks and the column name of each slot."""

    header: list[Chunk]
    names: dict[int, str]

    def borders(self) -> list[float]:
        """The left border of every column after the first: half-way across each header gap."""
        return [(a.end + b.start) / 2 for a, b in zip(self.header, self.header[1:], strict=False)]

    def place(self, found: list[Chunk]) -> list[str]:
        cells = [""] * len(self.header)
        borders = self.borders()
        for chunk in found:
            column = sum(1 for border in borders if chunk.centre >= border)
            cells[column] = f"{cells[column]} {chunk.text}".strip()
        return cells

    def value_like(self, cells: list[str]) -> bool:
        return any(cells[i] and self.names.get(i) in VALUE_COLUMNS for i in range(len(cells)))


def _merge_headers(upper: list[Chunk], lower: list[Chunk]) -> list[Chunk]:
    """One header from two lines: the lower chunks, and the upper ones over no lower chunk."""
    kept = [u for u in upper if not any(u.start < low.end and low.start < u.end for low in lower)]
    return sorted([*kept, *lower], key=lambda c: c.start)


def _is_header(texts: list[str]) -> bool:
    return is_header_row(texts) or find_indicator_header(texts) is not None


def _leaves_table(texts: list[str]) -> bool:
    return any(label_key(t) in FORM_LABELS or _UNIT_LINE.search(compact(t)) for t in texts)


def _is_furniture(texts: list[str]) -> bool:
    return len(texts) == 1 and is_page_furniture(texts[0])


@dataclass
class _Builder:
    blocks: list[Block]
    table: _Table | None = None
    header_at: int | None = None
    """Index in ``blocks`` of the header row just emitted (for a second header line)."""
    last_row: tuple[int, list[str]] | None = None
    """Index in ``blocks`` and cells of the last table row, while a wrapped tail may follow it."""
    last_form: tuple[int, list[Chunk]] | None = None

    def header(self, found: list[Chunk], locator: Locator) -> None:
        if self.header_at is not None and self.table is not None:
            merged = _merge_headers(self.table.header, found)
            self.blocks[self.header_at] = Row(tuple(c.text for c in merged), self.blocks[self.header_at].locator)
            found = merged
        else:
            self.header_at = len(self.blocks)
            self.blocks.append(Row(tuple(c.text for c in found), locator))
        names = header_columns([c.text for c in found])
        self.table = _Table(found, {index: name for name, index in names.items()})
        self.last_row = None

    def header_tail(self, found: list[Chunk]) -> bool:
        """Join a line of header-cell tails (``指标值（包含数字`` / ``及文字描述）``) into the header above."""
        if self.header_at is None or self.table is None:
            return False
        cells = self.table.place(found)
        header = self.table.header
        joined = [f"{chunk.text}{tail}" for chunk, tail in zip(header, cells, strict=True)]
        if not all(is_header_label(text) for text, tail in zip(joined, cells, strict=True) if tail):
            return False
        self.table.header = [Chunk(c.start, c.end, text) for c, text in zip(header, joined, strict=True)]
        row = self.blocks[self.header_at]
        self.blocks[self.header_at] = Row(tuple(joined), row.locator)
        names = header_columns(joined)
        self.table.names = {index: name for name, index in names.items()}
        return True

    def table_line(self, found: list[Chunk], locator: Locator) -> None:
        assert self.table is not None
        cells = self.table.place(found)
        if self.last_row is not None and not self.table.value_like(cells):
            index, previous = self.last_row
            joined = [join_wrapped(a, b) for a, b in zip(previous, cells, strict=True)]
            self.blocks[index] = Row(tuple(joined), self.blocks[index].locator)
            self.last_row = (index, joined)
            return
        if len(found) == 1 and not self.table.value_like(cells):
            self.blocks.append(TextLine(found[0].text, locator))
            self.last_row = None
            return
        self.last_row = (len(self.blocks), cells)
        self.blocks.append(Row(tuple(cells), locator))

    def form_line(self, found: list[Chunk], locator: Locator) -> None:
        previous = self.last_form
        if len(found) == 1 and previous is not None and len(previous[1]) >= 2:
            index, chunks_above = previous
            if found[0].start >= chunks_above[1].start - GOAL_INDENT_SLACK:
                row = self.blocks[index]
                assert isinstance(row, Row)
                cells = (*row.cells[:-1], join_wrapped(row.cells[-1], found[0].text))
                self.blocks[index] = Row(cells, row.locator)
                return
        if len(found) >= 2:
            self.last_form = (len(self.blocks), found)
            self.blocks.append(Row(tuple(c.text for c in found), locator))
        else:
            self.last_form = None
            self.blocks.append(TextLine(found[0].text, locator))


def blocks_from_lines(lines: tuple[str, ...]) -> list[Block]:
    """Rows rebuilt from space-aligned lines, see the module docstring."""
    builder = _Builder([])
    for number, line in enumerate(lines, start=1):
        locator = line_locator(number)
        found = [] if TAB in line else chunks(line)
        if not found:
            builder.blocks.append(TextLine(line.replace(TAB, " "), locator))
            builder.last_form = None
            continue
        texts = [c.text for c in found]
        if _is_header(texts):
            builder.header(found, locator)
            continue
        if builder.header_tail(found):
            continue
        builder.header_at = None
        if _is_furniture(texts) or (len(texts) == 1 and is_title(texts[0])):
            builder.blocks.append(TextLine(texts[0], locator))
            builder.last_row = None
            continue
        if builder.table is not None and not _leaves_table(texts):
            builder.table_line(found, locator)
            continue
        builder.table = None
        builder.last_row = None
        builder.form_line(found, locator)
    return builder.blocks


def _chunk_count(line: str) -> int:
    """``len(chunks(line))`` without placing the chunks: every line of every document is asked."""
    return sum(1 for piece in _GAP.split(line.replace("\f", "").rstrip()) if piece.strip())


def _may_hold_gap(line: str) -> bool:
    """Whether a line can hold a gap between two chunks (``_GAP``: two spaces or an ideographic space), also
    once its form feeds are removed (a space, a form feed and a space make a gap). Asked before
    splitting: most lines of a document in another layout have no gap at all (``项目支出绩效目标表``)."""
    return "  " in line or "\u3000" in line or ("\f" in line and "  " in line.replace("\f", ""))


def _has_spaced_line(lines: tuple[str, ...]) -> bool:
    return any(TAB not in line and _may_hold_gap(line) and _chunk_count(line) >= 2 for line in lines)


class SpacedColumnsLayout:
    name = NAME

    def score(self, doc: RawDocument) -> float:
        if doc.blocks or not _has_spaced_line(doc.lines):
            return 0.0
        blocks = blocks_from_lines(doc.lines)
        return read_forms(blocks).confidence() if may_find_table(blocks) else 0.0

    def extract(self, doc: RawDocument) -> Extraction:
        return forms_extraction(NAME, read_forms(blocks_from_lines(doc.lines)))
