"""Placing the cells of indicator rows under their header's columns by what they are.

The header says which columns a table has and in which order; the cells say what they are
(``pipeline.parse.reader.kinds``). A row is read by aligning its cells, in order, to the columns, in order:
each cell goes to a later column than the one before it, or is left unexplained. Every choice is
scored by how well the cell fits the column (a 二级 label fits 二级指标 and nothing but a level
column; a unit fits 计量单位; a number fits 指标值, 分值 or 得分 but never 三级指标), and the best
alignment wins (dynamic programming over cells × columns). One rule reads:

* rows that lost their leading merged cells (``| 产出指标 | 时效指标 | 维持时效 | ≥ | 1 | …`` under a
  header that starts 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标): cells shift back under 一级指标;
* columns in an unusual order (计量单位 | 指标性质 | 指标值: ``米 | = | 3500``) and empty cells dropped
  (``完成时限 1 5`` under 指标性质 | 指标值 | 度量单位 | 权重: value 1, weight 5);
* a header whose labels are shifted against its rows (``年度绩效指标 | 一级指标 | …`` above
  ``产出指标 | 数量指标 | …``);
* a stream of cells with no row boundaries at all (one cell per line, a whole table flattened into
  one line): ``pipeline.parse.reader.segment`` cuts it into rows with the same fits.

A cell in its own column (the header's position) gets a bonus, so a well-formed row is read exactly
as it is laid out; only kind evidence moves a cell. Cells left unexplained are counted: the
reader's confidence says how much of the table it could explain.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Final, TypeAlias

from pipeline.parse.reader.kinds import CellFacts, facts_of

Role: TypeAlias = str
Placement: TypeAlias = tuple[int | None, ...]
"""For each cell, the column index it is placed under, or None when it is left unexplained."""

LEVEL_ROLES: Final = frozenset({"level1", "level2", "level"})
MARK_ROLES: Final = frozenset({"comparator", "nature", "direction"})
NUMERIC_ROLES: Final = frozenset({"weight", "score"})
FREE_TEXT_ROLES: Final = frozenset({"basis", "deviation", "scoring", "remark", "other", "goals"})
"""Columns that may hold any text and are often empty: placing a cell there is weak evidence."""
PROJECT_ROLES: Final = frozenset({"unit_name", "project_name", "budget", "goals"})
"""Project fields some tables repeat on the first row of each project (单位名称 | 项目名称 | 预算数 | 年度目标)."""
VALUE_ROLES: Final = frozenset({"value", "actual"})
OPTIONAL_AT_ROW_START: Final = LEVEL_ROLES | PROJECT_ROLES | {"remark", "other", "serial"}
"""Columns a row may begin after: merged cells above it carry their text down."""

PLACED: Final = 1.0
"""Every explained cell earns this, so explaining a cell beats leaving it out."""
UNEXPLAINED: Final = -1.0
AT_OWN_POSITION: Final = 0.3
"""A cell standing under its own header column."""
AT_KEPT_POSITION: Final = 2.0
"""The same in a row that kept the blanks of merged cells before it (``\t\t\t\t\t公效率提高的比率``):
its positions are the grid's, so only strong kind evidence moves a cell."""
SKIPPED_COLUMN: Final = 0.2
NEW_ROW: Final = 0.3

LABEL_AS_TEXT: Final = -1.5
"""A 一级/二级 label in a text column: only where the grid puts it (``质量指标 | 质量指标 | ≥95质量指标 |
质量指标`` of a template filled with its own labels); in a stream it stands in its level column."""
_FIT: Final[dict[Role, dict[str, float]]] = {
    "level1": {"level1": 3.0, "both": 2.0},
    "level2": {"level2": 3.0, "both": 2.2},
    "level": {"level1": 3.0, "level2": 3.0, "both": 2.2},
    "level3": {"text": 1.0, "level2": -1.0, "both": -1.0, "value": -2.5, "coded": -1.0},
    "description": {
        "text": 0.3,
        "value": 0.0,
        "coded": 0.0,
        "criterion": -1.0,
        "level1": LABEL_AS_TEXT,
        "level2": LABEL_AS_TEXT,
        "both": LABEL_AS_TEXT,
    },
    "value": {"value": 2.0, "number": 1.5, "short": 0.5, "text": -0.3},
    "actual": {"value": 1.8, "number": 1.3, "short": 0.4, "text": -0.4},
    "comparator": {"comparator": 3.0, "nature": 2.0, "direction": 2.0},
    "nature": {"comparator": 3.0, "nature": 2.0, "direction": 2.0},
    "direction": {"comparator": 3.0, "nature": 2.0, "direction": 2.0},
    "unit": {"unit": 2.0, "shortish": 0.2},
    "serial": {"small": 1.0},
    "weight": {"small": 1.0, "value": -0.5},
    "score": {"small": 1.0, "value": -0.5},
    "unit_name": {"text": 0.0, "coded": 0.9},
    "project_name": {"text": 0.6, "coded": 0.1},
    "budget": {"number": 1.0},
}
"""How well each kind of cell fits each column role (absent: it cannot stand there)."""
_FREE_TEXT_FIT: Final = {
    "text": -0.4,
    "short": -0.4,
    "coded": -0.4,
    "criterion": 0.5,
    "level1": LABEL_AS_TEXT,
    "level2": LABEL_AS_TEXT,
    "both": LABEL_AS_TEXT,
    "value": -0.5,
    "number": -0.8,
    "unit": -0.8,
}


def _feature(role: Role, facts: CellFacts) -> str:
    """The feature of a cell a column's fit is looked up by."""
    kind = facts.kind
    if kind == "text":
        if facts.coded:
            return "coded"
        if role in VALUE_ROLES and facts.short:
            return "short"
        if role == "unit" and facts.short:
            return "shortish"
        return "text"
    if kind == "number" and (role in NUMERIC_ROLES or role == "serial"):
        return "small" if facts.small_number else "number"
    return kind


def fit(role: Role, facts: CellFacts) -> float | None:
    """How well a cell fits a column; None when it cannot stand there."""
    if role in FREE_TEXT_ROLES and role not in _FIT:
        if facts.kind in ("comparator", "nature", "direction"):
            return None
        return _FREE_TEXT_FIT.get(_feature(role, facts), 0.0)
    return _FIT.get(role, {}).get(_feature(role, facts))


def place_row(
    cells: Sequence[str], positions: Sequence[int], roles: Sequence[Role], kept_blanks: bool = False
) -> Placement:
    """The best placement of one row's filled cells (at ``positions`` of the source row) under ``roles``.

    ``kept_blanks``: the row keeps empty cells between or before its filled ones, so its positions
    are the grid's own."""
    return _placement(tuple(facts_of(c) for c in cells), tuple(positions), tuple(roles), kept_blanks)


@lru_cache(maxsize=1 << 12)
def _placement(
    facts: tuple[CellFacts, ...], positions: tuple[int, ...], roles: tuple[Role, ...], kept_blanks: bool
) -> Placement:
    """``place_row`` on a row's signature (its cells' facts and positions under the table's roles):
    a pure function of it, memoised as ``_place`` is — every row of a table laid out as its header
    says (``三级 | ≥95% | 10``) has the signature of the row above, so even the test that it stands
    where it fits is asked once per signature, not once per row."""
    if _fits_where_it_stands(facts, positions, roles):
        return positions
    if kept_blanks:  # the blanks are there: a column passed over is a blank cell, not a lost one
        return _place(facts, positions, roles, AT_KEPT_POSITION, 0.0)
    return _place(facts, positions, roles, AT_OWN_POSITION, SKIPPED_COLUMN)


def _fits_where_it_stands(facts: Sequence[CellFacts], positions: Sequence[int], roles: Sequence[Role]) -> bool:
    """Every cell fits its own column at least neutrally: the row is laid out as its header says,
    and no alignment can do better than reading it as it stands (most rows of most tables)."""
    for cell, position in zip(facts, positions, strict=True):
        if position >= len(roles):
            return False
        gain = fit(roles[position], cell)
        if gain is None or gain < 0:
            return False
    return True


@lru_cache(maxsize=1 << 12)
def _place(
    facts: tuple[CellFacts, ...],
    positions: tuple[int, ...],
    roles: tuple[Role, ...],
    at_position: float,
    skipped_each: float,
) -> Placement:
    """Dynamic programming over (cell, column): ``best[j]`` is the best score with the latest placed
    cell under column j (``-1``: nothing placed yet). Memoised: the rows of a table repeat a handful
    of signatures (kinds and positions), not texts."""
    start = -1
    best: dict[int, tuple[float, list[int | None]]] = {start: (0.0, [])}
    for facts_i, position in zip(facts, positions, strict=True):
        after: dict[int, tuple[float, list[int | None]]] = {}
        for last, (score, path) in best.items():
            _offer(after, last, score + UNEXPLAINED, [*path, None])
            for column in range(last + 1, len(roles)):
                gain = fit(roles[column], facts_i)
                if gain is None:
                    continue
                bonus = at_position if column == position else 0.0
                skipped = skip_cost(roles, last + 1, column, at_start=last == start, each=skipped_each)
                _offer(after, column, score + PLACED + gain + bonus - skipped, [*path, column])
        best = after
    _, path = max(best.values(), key=lambda entry: entry[0])
    return tuple(path)


def _offer(table: dict[int, tuple[float, list[int | None]]], key: int, score: float, path: list[int | None]) -> None:
    current = table.get(key)
    if current is None or score > current[0]:
        table[key] = (score, path)


def skip_cost(roles: Sequence[Role], first: int, stop: int, at_start: bool, each: float = SKIPPED_COLUMN) -> float:
    """Columns passed over between two placed cells (free before a row's first cell where merged
    cells carry down, and for columns that are often empty)."""
    cost = 0.0
    for role in roles[first:stop]:
        if role in FREE_TEXT_ROLES or (at_start and role in OPTIONAL_AT_ROW_START):
            continue
        cost += each
    return cost
