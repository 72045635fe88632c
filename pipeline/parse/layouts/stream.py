"""Cells without rows into the blocks the form reader reads: headers, form fields, placed rows.

Text serialisations of a 绩效目标表 lose structure in different ways, and ``text_cells`` reduces each
line to cells without deciding what they mean: a pipe or tab line with several cells keeps its row
(a *bounded* row), every other cell is part of a *stream* (one cell per line or per paragraph,
space-separated tokens). This module rebuilds what the stream lost, from the table's vocabulary:

* **Broken labels are joined**: ``社会效益`` + ``指标``, ``满意度指`` + ``标``, ``项目资金`` + ``（元）``
  (a note of its own), ``产出指标`` + ``(40-50)分``, when the joined text is a label and the first piece
  is not one.
* **Headers**: consecutive cells that are all header labels and name a complete indicator header
  (a level, 指标值, four columns or more) become one header row, whatever lines they stood on; so do
  consecutive lines of header labels that extend a complete header with new columns
  (``一级指标 | … | 年度指标值 |`` then ``实际完成值 |`` then ``分值 | 得分 |``).
* **Table bodies**: the stream cells after a header, up to the next form label, title, note or
  header, are cut into rows by ``pipeline.parse.reader.segment`` and handed on already placed under their
  columns; cells that fit no row are handed on as ``Unexplained``.
* **Form fields**: a label (项目名称, 年度资金总额 …) takes the cells after it, up to the next label,
  as its value (``兰溪路-真南路下立交工`` + ``程`` is one name).
* **Glued tables**: a line that is a whole indicator header with every separator lost
  (``一级指标二级指标三级指标指标值…``) makes each following line one glued row, cut into cells by
  ``pipeline.parse.reader.glued`` and handed on placed; a line it cannot cut is ``Unexplained``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from pipeline.core.labels import (
    FIELD_LABEL_KEYS,
    LABEL_COLONS,
    LABELLED_FIELD,
    ends_table,
    header_columns,
    is_header_label,
    is_indicator_header,
    is_title,
    is_total,
)
from pipeline.core.text import clean_text, join_wrapped
from pipeline.core.traditional import folded_text
from pipeline.core.types import Block, Locator, Row, TextLine, Unexplained
from pipeline.core.vocabulary import is_framework_name, is_level_label
from pipeline.parse.layouts.forms import HEADER_LABELS, first_filled, is_field_label, is_unit_label, table_roles
from pipeline.parse.reader.glued import ROLES as GLUED_ROLES
from pipeline.parse.reader.glued import cut_glued_rows, split_glued_header
from pipeline.parse.reader.kinds import facts_of
from pipeline.parse.reader.placement import Role
from pipeline.parse.reader.segment import segment

MAX_GLUED_TOKENS: Final = 3
MIN_GLUED_HEADER_LABELS: Final = 3
"""A header names at least a level, 三级 and 指标值: three labels with 指标 in them."""
_LABEL_WORD: Final = "指标"
MAX_GLUED_HEADER: Final = 200
"""A glued header line is one run of labels, or a few runs where a stray space survived."""
_PROJECT_LINE: Final = re.compile(r"^\d{3,}[-_—]?(?P<name>[\u4e00-\u9fff][^\d]*?)(?P<amount>\d[\d,]*(?:\.\d+)?)$")
"""``505006学生伙食费30.00``: a glued project line (unit code, name, amount) above its indicator rows."""
PROJECT_NAME_LABEL: Final = "项目名称"
BUDGET_LABEL: Final = "预算数"
MIN_GLUED_FIELDS: Final = 2
MIN_GLUED_LABEL: Final = 4
"""Labels searched inside glued text are long enough not to occur in a value by chance (not 部门)."""
_LABEL_MARKS: Final = frozenset("()（）:： *")
MAX_FIELD_CELLS: Final = 4
"""A form field's value spans at most this many stream cells (a name wrapped over lines)."""
MAX_JOINED: Final = 3
ONE_CHARACTER_VALUES: Final = frozenset("是否优良中高低有无好差")
"""Values a cell may hold in one character; any other lone character after a name is its wrapped tail."""
MIN_WRAPPED_HEAD: Final = 6
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
MIN_LABEL_PART: Final = 3
MAX_PIECE: Final = 7
"""A piece of a wrapped label is short: the width of a narrow column."""
_NOTE_CELL: Final = re.compile(r"^[(（][^()（）]{1,12}[)）]\s*分?$")
"""``(万元)``, ``(40-50)分``, ``(必填)``: a note that belongs to the label before it."""
_SECTION_HEADING: Final = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]\s*[\u4e00-\u9fff]")
_OWN_FIELD: Final = re.compile(r"^[^:：]{1,12}[:：]")
"""``一、预算资金:250``, ``填报日期:2021.5.18``: a cell that is a labelled field of its own."""


@dataclass(frozen=True)
class StreamCell:
    text: str
    locator: Locator
    line_start: bool


@dataclass(frozen=True)
class SourceLine:
    """One line of a text document reduced to cells; ``bounded`` when its cells are one table row."""

    cells: tuple[str, ...]
    locator: Locator
    bounded: bool


Item = Row | StreamCell


class GluedHeader(NamedTuple):
    """An indicator header glued into one run, cut into its labels, and their column roles."""

    labels: tuple[str, ...]
    roles: tuple[Role, ...]


def blocks_from_lines(lines: Sequence[SourceLine]) -> list[Block]:
    """The blocks of a document whose lines were reduced to cells; see the module docstring."""
    blocks: list[Block] = []
    for part, header in _glued_parts(_merge_header_lines(lines)):
        blocks.extend(_blocks(_merge_fragments(list(_items(part)))) if header is None else _glued_table(part, header))
    return blocks


def _glued_parts(lines: Sequence[SourceLine]) -> Iterator[tuple[Sequence[SourceLine], GluedHeader | None]]:
    """The document in parts: runs of ordinary lines (header None), and glued tables (a glued header
    line and the row lines after it, up to a line that ends a table)."""
    start = index = 0
    while index < len(lines):
        header = _glued_header(lines[index])
        if header is None:
            index += 1
            continue
        if start < index:
            yield lines[start:index], None
        end = index + 1
        while end < len(lines) and not lines[end].bounded and not _stops_body(_line_text(lines[end])):
            end += 1
        yield lines[index:end], header
        start = index = end
    if start < len(lines):
        yield lines[start:], None


def _line_text(line: SourceLine) -> str:
    return "".join(clean_text(cell) for cell in line.cells)


def _glued_header(line: SourceLine) -> GluedHeader | None:
    """The labels and roles of a line that is a whole indicator header glued into one run, or None."""
    if line.bounded or len(line.cells) > MAX_GLUED_TOKENS:
        return None
    text = _line_text(line)
    if text.count(_LABEL_WORD) < MIN_GLUED_HEADER_LABELS or len(text) > MAX_GLUED_HEADER:
        return None  # most lines: too few labels to be a header (a cheap test before segmenting)
    labels = split_glued_header(text, HEADER_LABELS)
    if labels is None or len(labels) <= len(line.cells):
        return None  # not glued: its labels were cells already
    roles = table_roles(labels)
    return None if roles is None else GluedHeader(labels, roles)


def _glued_table(lines: Sequence[SourceLine], header: GluedHeader) -> Iterator[Block]:
    """A glued header (``lines[0]``, read as ``header``) and its rows, cut into cells and placed."""
    yield Row(header.labels, lines[0].locator)
    rows = lines[1:]
    cuts = cut_glued_rows([_line_text(line) for line in rows], [_glued_role(role) for role in header.roles])
    for number, (line, cells) in enumerate(zip(rows, cuts, strict=True)):
        project = _PROJECT_LINE.match(_line_text(line)) if cells is None else None
        if project is not None and number + 1 < len(rows) and _PROJECT_LINE.match(_line_text(rows[number + 1])):
            yield TextLine(_line_text(line), line.locator)  # a unit's total above its first project
        elif project is not None:
            yield Row((PROJECT_NAME_LABEL, project["name"]), line.locator)
            yield Row((BUDGET_LABEL, project["amount"]), line.locator)
        elif cells is None:
            yield Unexplained(_line_text(line), line.locator)
        elif any(cells):
            yield Row(cells, line.locator, placed=True)


def _glued_role(role: Role) -> Role:
    return role if role in GLUED_ROLES else "other"


def _is_label(text: str) -> bool:
    return is_level_label(text) or is_header_label(text) or is_field_label(text) or is_unit_label(text)


def _items(lines: Sequence[SourceLine]) -> Iterator[Item]:
    for line in lines:
        if line.bounded:
            yield Row(line.cells, line.locator)
            continue
        for position, cell in enumerate(line.cells):
            yield StreamCell(cell, line.locator, line_start=position == 0 and len(line.cells) > 1)


def _merge_header_lines(lines: Sequence[SourceLine]) -> list[SourceLine]:
    """Consecutive lines of header labels extending a complete header with new columns: one header row."""
    merged: list[SourceLine] = []
    for line in lines:
        previous = merged[-1] if merged else None
        filled = tuple(c for c in line.cells if clean_text(c))
        if previous is not None and filled and _extends_header(previous.cells, filled):
            merged[-1] = SourceLine(previous.cells + filled, previous.locator, bounded=True)
        else:
            merged.append(line)
    return merged


def _extends_header(header: tuple[str, ...], cells: tuple[str, ...]) -> bool:
    if not all(is_header_label(c) for c in cells):
        return False
    columns = header_columns(header)
    if not is_indicator_header(columns) or not all(is_header_label(c) for c in header if clean_text(c)):
        return False
    return not set(header_columns(cells)) & set(columns)


def _merge_fragments(items: list[Item]) -> list[Item]:
    """Stream cells that are pieces of one label joined (see the module docstring)."""
    merged: list[Item] = []
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, StreamCell):
            span = _label_span(items, index) if not _wrapped_tail(items, index) else 2
            if span > 1:
                pieces = [piece for piece in items[index : index + span] if isinstance(piece, StreamCell)]
                item = StreamCell("".join(clean_text(p.text) for p in pieces), item.locator, item.line_start)
                index += span
                merged.append(item)
                continue
        merged.append(item)
        index += 1
    return merged


def _wrapped_tail(items: Sequence[Item], index: int) -> bool:
    """Whether the next cell is the last character of this one, wrapped onto a line of its own by a
    narrow column (``道路通行能力提升情`` + ``况``): one Chinese character that is no value on its own
    (``ONE_CHARACTER_VALUES``) after a name-like text."""
    item, following = items[index], items[index + 1] if index + 1 < len(items) else None
    if not isinstance(item, StreamCell) or not isinstance(following, StreamCell) or following.line_start:
        return False
    tail = clean_text(following.text)
    if len(tail) != 1 or not _CJK.match(tail) or tail in ONE_CHARACTER_VALUES:
        return False
    head = clean_text(item.text)
    return len(head) >= MIN_WRAPPED_HEAD and facts_of(head).kind == "text" and not _is_label(head)


def _label_span(items: Sequence[Item], index: int) -> int:
    """How many stream cells from ``index`` make one label (1 when the cell stands alone).

    A label wrapped in a narrow column comes in short pieces (``生态环境`` + ``成本指标``, ``满意度指``
    + ``标``, ``服务对象满意度`` + ``指标``). Pieces that join into a label of the vocabulary itself are
    joined. Pieces that join only into a variant's shape are joined when the first is no label and
    no later piece is one: in ``提升`` + ``可持续影`` + ``响指标`` the last two already make a label, so
    ``提升`` (a value) stands alone, and ``可控`` + ``产出指标`` stay two cells."""
    item = items[index]
    first = clean_text(item.text) if isinstance(item, StreamCell) else ""
    if not first or len(first) > MAX_PIECE or _is_exact_label(first):
        return _note_span(items, index, first)
    pieces = [first]
    exact, variant = 0, 0
    for span in range(2, MAX_JOINED + 1):
        following = items[index + span - 1] if index + span - 1 < len(items) else None
        if not isinstance(following, StreamCell) or following.line_start:
            break
        piece = clean_text(following.text)
        if not piece or len(piece) > MAX_PIECE:
            break
        pieces.append(piece)
        joined = "".join(pieces)
        if _is_exact_label(joined):
            exact = span
        elif not variant and _is_label(joined) and not _is_label(first) and not _has_label_tail(pieces):
            variant = span
    return exact or variant or _note_span(items, index, first)


def _has_label_tail(pieces: Sequence[str]) -> bool:
    """Whether the pieces after the first already make a label of their own (see ``_label_span``)."""
    return any(_is_label_part("".join(pieces[start:])) for start in range(1, len(pieces)))


def _is_label_part(text: str) -> bool:
    """A later piece that is a label on its own (``可持续影响指标``); a bare ``指标`` is only a tail."""
    return len(text) >= MIN_LABEL_PART and _is_label(text)


def _is_exact_label(text: str) -> bool:
    """A label of the vocabulary itself, not only of a variant's shape (see ``_label_span``)."""
    return is_framework_name(text) or is_header_label(text) or is_field_label(text)


def _note_span(items: Sequence[Item], index: int, first: str) -> int:
    """A label followed by a note of its own (``项目资金`` + ``(万元)``, ``产出指标`` + ``(40-50)分``): 2."""
    following = items[index + 1] if index + 1 < len(items) else None
    if first and _is_label(first) and isinstance(following, StreamCell) and not following.line_start:
        return 2 if _NOTE_CELL.match(clean_text(following.text)) else 1
    return 1


def _blocks(items: Sequence[Item]) -> Iterator[Block]:
    roles: tuple[Role, ...] | None = None
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, Row):
            found = table_roles(item.cells)
            roles = found if found is not None else (None if _stops_table_row(item) else roles)
            yield item
            index += 1
            continue
        header_end = _header_run(items, index)
        if header_end is not None:
            cells = tuple(clean_text(c.text) for c in items[index:header_end] if isinstance(c, StreamCell))
            roles = table_roles(cells)
            yield Row(cells, item.locator)
            index = header_end
            continue
        text = clean_text(item.text)
        if roles is not None and not _stops_body(text):
            body_end = _body_end(items, index)
            yield from _table_rows(items[index:body_end], roles)
            index = body_end
            continue
        roles = None
        labelled = LABELLED_FIELD.match(text)
        if labelled is not None and _one_field(labelled["label"]):
            yield Row((labelled["label"], labelled["value"]), item.locator)  # 资金总额: 250
            index += 1
            continue
        glued = _glued_fields(text)
        if glued:
            yield from (Row(pair, item.locator) for pair in glued)
            index += 1
            continue
        if is_field_label(text):
            value_end = _field_end(items, index + 1)
            value = _joined_value(items[index + 1 : value_end])
            yield Row((text, value) if value else (text,), item.locator)
            index = value_end
            continue
        yield TextLine(item.text, item.locator)
        index += 1


def _one_field(label: str) -> bool:
    """``资金总额: 250`` is one field; a label holding a colon (``预算数：30其中``) starts a second one,
    which ``_glued_fields`` cuts."""
    return is_field_label(label) and not any(colon in label for colon in LABEL_COLONS)


def _glued_fields(text: str) -> list[tuple[str, str]]:
    """A cell of several form fields glued together, as (label, value) pairs; [] when it is not one.

    ``部门(单位)名称甲市某街道办事处区级支出预算总量3724.39`` → (部门(单位)名称, 甲市某街道办事处),
    (区级支出预算总量, 3724.39): the cell starts with a known label and holds another."""
    folded = folded_text(text)
    if len(folded) != len(text):  # glosses were dropped: positions would not map back
        return []
    kept = [(index, char) for index, char in enumerate(folded) if char not in _LABEL_MARKS]
    reduced = "".join(char for _, char in kept)
    found = sorted(_label_matches(reduced))
    if len(found) < MIN_GLUED_FIELDS or found[0][0] != 0:
        return []
    pairs = []
    for number, (start, end) in enumerate(found):
        stop = found[number + 1][0] if number + 1 < len(found) else len(reduced)
        raw_start, raw_end = kept[start][0], kept[end - 1][0] + 1
        raw_stop = kept[stop][0] if stop < len(kept) else len(text)
        pairs.append((text[raw_start:raw_end], text[raw_end:raw_stop].strip(" :：")))
    return pairs


def _label_matches(reduced: str) -> list[tuple[int, int]]:
    """Non-overlapping spans of known field labels in a reduced text, longest first at each place;
    [] unless the text starts with one (most cells: one match attempt)."""
    labels = _field_label_pattern()
    if labels.match(reduced) is None:
        return []
    return [match.span() for match in labels.finditer(reduced)]


@lru_cache(maxsize=1)
def _field_label_pattern() -> re.Pattern[str]:
    labels = sorted((label for label in FIELD_LABEL_KEYS if len(label) >= MIN_GLUED_LABEL), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, labels)))


def _stops_table_row(row: Row) -> bool:
    return ends_table(first_filled(row))


def _stops_body(text: str) -> bool:
    """A cell that ends a table body: a form label, a note, a total, a title, a unit line, or the
    numbered heading of the document's next section (``二、立项依据``; ``一、产出指标`` is a label)."""
    if is_field_label(text) or ends_table(text) or is_total(text) or is_title(text) or is_unit_label(text):
        return True
    return _SECTION_HEADING.match(text) is not None and not _is_label(text)


def _header_run(items: Sequence[Item], start: int) -> int | None:
    """The end of a run of header-label stream cells from ``start`` that is a complete header."""
    end = start
    while end < len(items):
        item = items[end]
        if not isinstance(item, StreamCell) or not is_header_label(clean_text(item.text)):
            break
        end += 1
    if end - start < 2:
        return None
    cells = [clean_text(c.text) for c in items[start:end] if isinstance(c, StreamCell)]
    return end if table_roles(cells) is not None else None


def _body_end(items: Sequence[Item], start: int) -> int:
    end = start
    while end < len(items):
        item = items[end]
        if not isinstance(item, StreamCell) or _stops_body(clean_text(item.text)):
            break
        if end > start and _header_run(items, end) is not None:
            break
        end += 1
    return end


def _table_rows(cells: Sequence[Item], roles: tuple[Role, ...]) -> Iterator[Block]:
    """A table body cut into placed rows (and the cells no row explains)."""
    stream = [c for c in cells if isinstance(c, StreamCell) and clean_text(c.text)]
    result = segment([clean_text(c.text) for c in stream], [c.line_start for c in stream], roles)
    unexplained = set(result.unexplained)
    emitted = 0
    for row in result.rows:
        first = row.cells[0][0]
        for index in range(emitted, first):
            if index in unexplained:
                yield Unexplained(stream[index].text, stream[index].locator)
        placed = [""] * len(roles)
        for index, column in row.cells:
            placed[column] = clean_text(stream[index].text)
        yield Row(tuple(placed), stream[first].locator, placed=True)
        emitted = row.cells[-1][0] + 1
    for index in range(emitted, len(stream)):
        if index in unexplained:
            yield Unexplained(stream[index].text, stream[index].locator)


def _field_end(items: Sequence[Item], start: int) -> int:
    """Where a field's value ends: at the next label, title, header, a cell that is a field of its
    own (``一、预算资金:250``), or after one number (``250``: an amount is one cell)."""
    end = start
    while end < len(items) and end - start < MAX_FIELD_CELLS:
        item = items[end]
        if not isinstance(item, StreamCell):
            break
        text = clean_text(item.text)
        if not text or _ends_field(text) or _header_run(items, end) is not None:
            break
        end += 1
        if facts_of(text).kind == "number":
            break
    return end


def _ends_field(text: str) -> bool:
    return _is_label(text) or is_title(text) or bool(_OWN_FIELD.search(text))


def _joined_value(cells: Sequence[Item]) -> str:
    value = ""
    for cell in cells:
        if isinstance(cell, StreamCell):
            value = join_wrapped(value, clean_text(cell.text))
    return value
