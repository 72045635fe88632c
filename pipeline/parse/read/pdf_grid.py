"""The cells of a page's ruled tables, from its edges, by pdfplumber's rules on plain tuples.

pdfplumber's ``TableFinder`` (default settings, the lines strategy) snaps the edges of each
orientation to the mean of their cluster, joins those on one line that touch, drops the short ones,
crosses them into intersections, and finds from each intersection the smallest cell whose corners
are joined by edges. It copies a dictionary per edge at every step and tests every vertical edge
against every horizontal one; on a table page that is a third of the table engine's time. Here the
same steps run on tuples, with the same arithmetic in the same order, so the cells are equal to
the last bit, and the tables the same (``tests/parse/test_pdf_grid.py`` compares them with pdfplumber's own functions on
every page of the fixture and real PDFs). The tolerances are read from pdfplumber's
``TableSettings``, not written again.

An example: vertical rules at x = 100.0 and 100.4 (one rule drawn twice, a hair apart) snap to
100.2; two horizontal rules at top 50 from x 100 to 200 and from 201.5 to 300 join into one from
100 to 300 (their gap is within the 3 pt join tolerance).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, Final

from pdfplumber.table import TableSettings

Box = tuple[float, float, float, float]
"""x0, top, x1, bottom in points from the page's top left, as pdfplumber gives them."""
Point = tuple[float, float]
Edge = tuple[float, float, float, float, float]
"""x0, top, x1, bottom and length (pdfplumber's ``height`` of a vertical edge, ``width`` of a
horizontal one: kept as pdfplumber updates it, not recomputed, for the length filters)."""

SETTINGS: Final = TableSettings.resolve(None)
"""pdfplumber's default table settings: the tolerances of every step below."""
SEARCH_MARGIN: Final = 1.0
"""The horizontal edges tested against a vertical one are those whose top lies within its span
widened by the tolerance and this margin; the test itself is pdfplumber's, in its arithmetic."""
_MIN: Final = itemgetter(0)
_TOP: Final = itemgetter(1)


def _lengthy(edges: Iterable[dict[str, Any]], orientation: str, min_length: float) -> list[Edge]:
    """``filter_edges``: the edges of one orientation at least ``min_length`` long, in page order."""
    dimension = "height" if orientation == "v" else "width"
    return [
        (float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"]), float(e[dimension]))
        for e in edges
        if e["orientation"] == orientation and e[dimension] >= min_length
    ]


def _clusters(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """``make_cluster_dict``: sorted distinct values chained while each is within the tolerance of the one before."""
    cluster: dict[float, int] = {}
    index, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            index += 1
        cluster[value] = index
        last = value
    return cluster


def _snap(edges: list[Edge], axis: int, tolerance: float) -> list[Edge]:
    """``snap_objects``: each edge moved to the mean position (``axis`` 0: x0, 1: top) of its
    cluster, the clusters in order and each in page order, moved as ``move_object`` moves it
    (position + (mean - position): not always the mean to the last bit)."""
    cluster = _clusters((edge[axis] for edge in edges), tolerance)
    groups: dict[int, list[Edge]] = {}
    for edge in edges:
        groups.setdefault(cluster[edge[axis]], []).append(edge)
    snapped: list[Edge] = []
    for key in sorted(groups):
        group = groups[key]
        mean = sum(edge[axis] for edge in group) / len(group)
        for x0, top, x1, bottom, length in group:
            if axis == 0:
                shift = mean - x0
                snapped.append((x0 + shift, top, x1 + shift, bottom, length))
            else:
                shift = mean - top
                snapped.append((x0, top + shift, x1, bottom + shift, length))
    return snapped


def _join(edges: Iterable[Edge], horizontal: bool, tolerance: float) -> list[Edge]:
    """``join_edge_group``: edges of one line, by their start, each that starts within the
    tolerance of the previous one's end extending it (``resize_object``'s lengths)."""
    start, end = (0, 2) if horizontal else (1, 3)
    joined: list[Edge] = []
    for edge in sorted(edges, key=itemgetter(start)):
        if joined and edge[start] <= joined[-1][end] + tolerance:
            last = joined[-1]
            if edge[end] > last[end]:
                x0, top, x1, bottom, length = last
                if horizontal:
                    joined[-1] = (x0, top, edge[2], bottom, edge[2] - x0)
                else:
                    joined[-1] = (x0, top, x1, edge[3], length + (edge[3] - bottom))
        else:
            joined.append(edge)
    return joined


def merged_edges(edges: Sequence[dict[str, Any]]) -> tuple[list[Edge], list[Edge]]:
    """``merge_edges`` then ``filter_edges`` as ``TableFinder.get_edges`` runs them: the vertical
    and the horizontal edges, snapped, joined and long enough, in pdfplumber's order."""
    settings = SETTINGS
    vertical = _snap(_lengthy(edges, "v", settings.edge_min_length_prefilter), 0, settings.snap_x_tolerance)
    horizontal = _snap(_lengthy(edges, "h", settings.edge_min_length_prefilter), 1, settings.snap_y_tolerance)
    merged_h = [
        edge
        for _, line in groupby(sorted(horizontal, key=_TOP), key=_TOP)
        for edge in _join(line, True, settings.join_x_tolerance)
    ]
    merged_v = [
        edge
        for _, line in groupby(sorted(vertical, key=_MIN), key=_MIN)
        for edge in _join(line, False, settings.join_y_tolerance)
    ]
    minimum = settings.edge_min_length
    return [e for e in merged_v if e[4] >= minimum], [e for e in merged_h if e[4] >= minimum]


Rules = dict[Point, list[int]]
"""Each intersection with the vertical and the horizontal edges that cross there, each a set of
edges as a bit mask: bit *k* for the *k*-th distinct box of its orientation. pdfplumber tells
edges apart by their box (``obj_to_bbox``), so two edges drawn with one box are one bit; whether
two intersections share an edge is then one ``&`` of two ints instead of a set test that hashes
tuples of floats (the corner search makes ~40 such tests per intersection)."""


def intersections(vertical: Sequence[Edge], horizontal: Sequence[Edge]) -> Rules:
    """``edges_to_intersections``: where a vertical edge meets a horizontal one within the
    intersection tolerances, at (the vertical's x0, the horizontal's top). The horizontal edges
    are searched by top instead of each against every vertical one."""
    x_tolerance, y_tolerance = SETTINGS.intersection_x_tolerance, SETTINGS.intersection_y_tolerance
    across = sorted(horizontal, key=itemgetter(1, 0))
    tops = [edge[1] for edge in across]
    v_bits: dict[Box, int] = {}
    h_bits: dict[Box, int] = {}
    found: Rules = {}
    for v in sorted(vertical, key=itemgetter(0, 1)):
        x = v[0]
        v_bit = v_bits.setdefault(v[:4], 1 << len(v_bits))
        for h in across[
            bisect_left(tops, v[1] - y_tolerance - SEARCH_MARGIN) : bisect_right(
                tops, v[3] + y_tolerance + SEARCH_MARGIN
            )
        ]:
            if (
                v[1] <= h[1] + y_tolerance
                and v[3] >= h[1] - y_tolerance
                and h[0] - x_tolerance <= x <= h[2] + x_tolerance
            ):
                rules = found.setdefault((x, h[1]), [0, 0])
                rules[0] |= v_bit
                rules[1] |= h_bits.setdefault(h[:4], 1 << len(h_bits))
    return found


def cells(rules: Rules) -> list[Box]:
    """``intersections_to_cells``, the same cells in the same order: from each intersection
    (sorted), the smallest cell whose four corners are intersections joined by edges — the first
    corner found going down the intersections below it (joined to it by a vertical edge), and for
    each, across those to its right (joined by a horizontal one). pdfplumber lists every joined
    intersection to the right first; here they are found as the search reaches them, the same in
    the same order (a row of 12 intersections: the first cell is usually closed by the next one,
    so one test instead of 11)."""
    points = sorted(rules)
    column: dict[float, list[Point]] = {}
    line: dict[float, list[Point]] = {}
    for point in points:  # sorted by x, then top: each list is in the order pdfplumber scans it
        column.setdefault(point[0], []).append(point)
        line.setdefault(point[1], []).append(point)
    below_from = {point: index for points_of in column.values() for index, point in enumerate(points_of, start=1)}
    right_from = {point: index for points_of in line.values() for index, point in enumerate(points_of, start=1)}
    found: list[Box] = []
    for point in points:
        vertical, horizontal = rules[point]
        rest, scanned = line[point[1]], right_from[point]
        acrosses: list[Point] = []  # those to the right joined by a horizontal edge, found as far as needed
        cell: Box | None = None
        for down in column[point[0]][below_from[point] :]:
            if not vertical & rules[down][0]:
                continue
            index = 0
            while cell is None:
                if index == len(acrosses):
                    while scanned < len(rest) and not horizontal & rules[rest[scanned]][1]:
                        scanned += 1
                    if scanned == len(rest):
                        break
                    acrosses.append(rest[scanned])
                    scanned += 1
                across = acrosses[index]
                index += 1
                corner = rules.get((across[0], down[1]))
                if corner is not None and corner[0] & rules[across][0] and corner[1] & rules[down][1]:
                    cell = (point[0], point[1], across[0], down[1])
            if cell is not None:
                break
        if cell is not None:
            found.append(cell)
    return found


def tables_of(found: Sequence[Box]) -> list[list[Box]]:
    """``cells_to_tables``: cells grouped into tables, each grown pass by pass over the cells left
    (in order) by those that share a corner with it, until a pass adds none; tables ordered by
    their topmost, then leftmost corner, a lone cell no table. pdfplumber removes each taken cell
    from a list (a scan of the list per cell); here it is marked taken."""
    taken = [False] * len(found)
    left = len(found)
    tables: list[list[Box]] = []
    corners: set[Point] = set()
    current: list[Box] = []
    while left:
        before = len(current)
        for index, cell in enumerate(found):
            if taken[index]:
                continue
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or not corners.isdisjoint(cell_corners):
                corners.update(cell_corners)
                current.append(cell)
                taken[index] = True
                left -= 1
        if len(current) == before:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    tables.sort(key=lambda table: min((cell[1], cell[0]) for cell in table))
    return [table for table in tables if len(table) > 1]


def ruled_cells(edges: Sequence[dict[str, Any]]) -> list[list[Box]]:
    """The cells of each table pdfplumber's ``TableFinder`` finds on these edges (default
    settings), tables top to bottom as ``cells_to_tables`` orders them."""
    vertical, horizontal = merged_edges(edges)
    return tables_of(cells(intersections(vertical, horizontal)))
