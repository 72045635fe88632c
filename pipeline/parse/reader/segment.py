"""Cutting a stream of cells with no row boundaries into indicator rows.

Some serialisations keep the cells of a table but not its rows: one cell per line or per paragraph
(``产出指标 / 数量指标 / 脱贫村村内道路硬化里程 / ≥100公里 / 脱贫户供水设施数量 / ≥20座 / 质量指标 / …``),
or a whole table flattened into one space-joined line. The header still says which columns a row
has, in which order; the cells still say what they are. ``segment`` finds the best way to read the
stream as rows: each row takes cells under later and later columns, a new row may start only when
the row before it is complete (it names an indicator and has a value, or the nature 定性; or it is
a category line of level labels alone), and a cell that fits nowhere is left unexplained. Merged
一级/二级 cells appear once above their rows, so a row may start at any column (they carry down).

Where the source had lines (space-separated text), a row that starts at a line start earns a bonus
and one that runs over a line start a small cost: lines are evidence of rows, not proof (a weight
wrapped onto the next line still belongs to its row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from pipeline.parse.reader.kinds import CellFacts, facts_of
from pipeline.parse.reader.placement import (
    LEVEL_ROLES,
    MARK_ROLES,
    NEW_ROW,
    OPTIONAL_AT_ROW_START,
    PLACED,
    PROJECT_ROLES,
    UNEXPLAINED,
    VALUE_ROLES,
    Role,
    fit,
    skip_cost,
)

NAME: Final = "level3"
"""The column that names a stream row's indicator (a description alone names nothing)."""
HEADING_ROLES: Final = LEVEL_ROLES | PROJECT_ROLES
"""A row of these alone is no indicator: a category line (``经济效益指标``) or a unit or project line
(``820-某镇部门 8,827,620.53``)."""
AT_LINE_START: Final = 0.6
"""A row that starts where a line of the source starts."""
ACROSS_LINE: Final = 0.2
"""A row that goes on past the start of a line."""
MIN_ROWS_FOR_SHAPE: Final = 3
"""A table's usual shape is learnt from at least this many rows of the first reading."""
EXPECTED_SKIP: Final = 1.0
EXPECTED_FIT: Final = 0.5
"""Leaving out, or filling, a column the table's rows usually fill: weighed by how usual it is."""
SHORT_VALUE_SHARE: Final = 0.8
LONG_TEXT_CHARS: Final = 32
"""A value of more characters than this is a sentence of prose (real values run to 25: ``房屋设备、设施的管理到位,环境卫生整洁,车辆停放有序``)."""
INSIDE_ROW: Final = 0.1
"""A cell left out between a row's name and its value costs a little more than one after a complete
row: of ``改造户数 应改尽改 抗震设防地区`` the value is the cell next to the name."""
SKIPPED: Final = 0.5
"""A column a stream row leaves empty, between its cells or after its last. Without row boundaries
a short row is only a guess: ``经费支出合规性 严格执行相关制度规定 达成预期指标 8 8`` under 三级 |
年度指标值 | 实际完成值 | 分值 | 得分 is one row, not a two-cell row and a row named 达成预期指标."""


class _State(NamedTuple):
    column: int
    """The column of the row's latest cell; -1 before the row's first."""
    named: bool
    valued: bool
    headings_only: bool

    def complete(self) -> bool:
        """The row can end here: an indicator row, a category line, or no row begun."""
        return self.column < 0 or (self.named and self.valued) or self.headings_only


FRESH: Final = _State(-1, False, False, True)


@dataclass(frozen=True)
class StreamRow:
    """One row cut from a stream: (cell index, column index) pairs in order."""

    cells: tuple[tuple[int, int], ...]

    def is_heading(self, roles: Sequence[Role]) -> bool:
        return all(roles[column] in HEADING_ROLES for _, column in self.cells)


@dataclass(frozen=True)
class Segmentation:
    rows: tuple[StreamRow, ...]
    unexplained: tuple[int, ...]
    """Indices of the cells that fit no row."""


class _Node(NamedTuple):
    back: int
    cell: int
    column: int | None
    new_row: bool


def _after(state: _State, role: Role, facts: CellFacts, column: int) -> _State:
    return _State(
        column,
        state.named or role == NAME,
        state.valued or role in VALUE_ROLES or (role in MARK_ROLES and facts.qualitative),
        state.headings_only and role in HEADING_ROLES,
    )


class _Lattice:
    """The best score of every row state after each cell, with back-pointers to trace the path."""

    def __init__(self) -> None:
        self.nodes: list[_Node] = [_Node(-1, -1, None, False)]
        self.best: dict[_State, tuple[float, int]] = {FRESH: (0.0, 0)}
        self.after: dict[_State, tuple[float, int]] = {}

    def offer(self, state: _State, score: float, node: _Node) -> None:
        current = self.after.get(state)
        if current is None or score > current[0]:
            self.nodes.append(node)
            self.after[state] = (score, len(self.nodes) - 1)

    def advance(self) -> None:
        self.best, self.after = self.after, {}


def segment(cells: Sequence[str], line_starts: Sequence[bool], roles: Sequence[Role]) -> Segmentation:
    """The best reading of a stream of cells as rows under ``roles``; see the module docstring.

    Two passes: the first reads the stream with no idea of which columns this table fills; the
    second expects the columns most of the first reading's rows filled (``_expected``). A table's
    rows have one shape: when a 指标值确定依据 column is filled in most rows, a text after a value is
    that row's basis, not the name of a row that has no value."""
    first = _segment(cells, line_starts, roles, _Shape((0.0,) * len(roles), short_values=False))
    indicator_rows = [row for row in first.rows if not row.is_heading(roles)]
    if len(indicator_rows) < MIN_ROWS_FOR_SHAPE:
        return first
    return _segment(cells, line_starts, roles, _shape(indicator_rows, roles, cells))


class _Shape(NamedTuple):
    """What a table's rows usually are, learnt from a first reading."""

    expected: tuple[float, ...]
    """How often each column is filled (0 for columns merged cells carry down)."""
    short_values: bool
    """The table's values are measures or short words (``≥90%``, ``及时``): a long text cannot stand
    under 指标值 then; it is prose after the table (a page's next section), left unexplained."""
    measured_values: bool = False
    """The table's values are all measures (``=3500``, ``≥85%``): a text longer than a short word is
    then no value either (a list of other projects printed after the table: ``防火隔离带建设50万元``)."""


def _no_value_here(shape: _Shape, text: str, facts: CellFacts) -> bool:
    """A text this table's values are never like (see ``_Shape``)."""
    if facts.kind != "text":
        return False
    return (shape.short_values and len(text) > LONG_TEXT_CHARS) or (shape.measured_values and not facts.short)


def _shape(rows: Sequence[StreamRow], roles: Sequence[Role], cells: Sequence[str]) -> _Shape:
    values = [facts_of(cells[index]) for row in rows for index, column in row.cells if roles[column] in VALUE_ROLES]
    short = sum(facts.kind != "text" or facts.short for facts in values)  # measures, short words
    measured = sum(facts.kind != "text" for facts in values)
    return _Shape(
        _expected(rows, roles),
        short_values=bool(values) and short >= SHORT_VALUE_SHARE * len(values),
        measured_values=bool(values) and measured == len(values),
    )


def _expected(rows: Sequence[StreamRow], roles: Sequence[Role]) -> tuple[float, ...]:
    """How often each column is filled in the rows read (0 for columns merged cells carry down)."""
    filled = [0] * len(roles)
    for row in rows:
        for _, column in row.cells:
            filled[column] += 1
    return tuple(
        0.0 if role in OPTIONAL_AT_ROW_START else count / len(rows) for role, count in zip(roles, filled, strict=True)
    )


def _segment(cells: Sequence[str], line_starts: Sequence[bool], roles: Sequence[Role], shape: _Shape) -> Segmentation:
    lattice = _Lattice()
    expected = shape.expected
    for index, text in enumerate(cells):
        facts = facts_of(text)
        line_start = line_starts[index]
        for state, (score, node_id) in lattice.best.items():
            skipped = UNEXPLAINED - (INSIDE_ROW if state.column >= 0 and not (state.named and state.valued) else 0.0)
            lattice.offer(state, score + skipped, _Node(node_id, index, None, False))
            for column, role in enumerate(roles):
                gain = fit(role, facts)
                if gain is None or (role in VALUE_ROLES and _no_value_here(shape, text, facts)):
                    continue
                gain += EXPECTED_FIT * expected[column]
                if column > state.column >= 0:
                    cost = _skipped(roles, expected, state.column + 1, column, at_start=False)
                    cost += ACROSS_LINE if line_start else 0.0
                    placed = _after(state, role, facts, column)
                    lattice.offer(placed, score + PLACED + gain - cost, _Node(node_id, index, column, False))
                if state.complete():
                    cost = _skipped(roles, expected, 0, column, at_start=True) + _closing(state, roles, expected)
                    bonus = AT_LINE_START if line_start else 0.0
                    fresh = _after(FRESH, role, facts, column)
                    lattice.offer(fresh, score + PLACED + gain + bonus - cost, _Node(node_id, index, column, True))
        lattice.advance()
    ends = (
        (score - _closing(state, roles, expected), node)
        for state, (score, node) in lattice.best.items()
        if state.complete()
    )
    return _trace(lattice.nodes, max(ends, key=lambda end: end[0])[1])


def _skipped(roles: Sequence[Role], expected: Sequence[float], first: int, stop: int, at_start: bool) -> float:
    """The cost of columns a row leaves empty: each one, and more for one the table usually fills."""
    usual = sum(expected[first:stop]) if not at_start else 0.0
    return skip_cost(roles, first, stop, at_start=at_start, each=SKIPPED) + EXPECTED_SKIP * usual


def _closing(state: _State, roles: Sequence[Role], expected: Sequence[float]) -> float:
    """The cost of ending a row: a new row, and the columns an indicator row leaves empty after its last cell."""
    if state.column < 0:
        return 0.0
    if state.headings_only:
        return NEW_ROW
    return NEW_ROW + _skipped(roles, expected, state.column + 1, len(roles), at_start=False)


def _trace(nodes: Sequence[_Node], last: int) -> Segmentation:
    """The rows and unexplained cells of the best path, in stream order."""
    path: list[_Node] = []
    while last > 0:
        node = nodes[last]
        path.append(node)
        last = node.back
    rows: list[list[tuple[int, int]]] = []
    unexplained: list[int] = []
    for node in reversed(path):
        if node.column is None:
            unexplained.append(node.cell)
        elif node.new_row or not rows:
            rows.append([(node.cell, node.column)])
        else:
            rows[-1].append((node.cell, node.column))
    return Segmentation(tuple(StreamRow(tuple(row)) for row in rows), tuple(unexplained))
