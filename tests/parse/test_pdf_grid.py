"""The table grid on tuples finds the cells pdfplumber's own functions find, on every page.

Each page's edges as pdfplumber gives them (``page.edges``) go through ``pdf_grid.ruled_cells`` and
through pdfplumber's ``merge_edges``, ``filter_edges``, ``edges_to_intersections``,
``intersections_to_cells`` and ``cells_to_tables`` with its default settings; the cells must be
equal to the last bit, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils.geometry import filter_edges

from pipeline.parse.read.pdf_grid import ruled_cells
from tests.engine_pdfs import FIXTURE_PDFS, REALDOCS

PDFS = [*FIXTURE_PDFS, *sorted(REALDOCS.glob("*.pdf"))]


def pdfplumber_cells(edges: list[dict[str, Any]]) -> list[list[tuple[float, ...]]]:
    """pdfplumber's ``TableFinder`` on these edges, step by step (its defaults)."""
    settings = TableSettings.resolve(None)
    lines = filter_edges(edges, "v", min_length=settings.edge_min_length_prefilter) + filter_edges(
        edges, "h", min_length=settings.edge_min_length_prefilter
    )
    merged = merge_edges(
        lines,
        snap_x_tolerance=settings.snap_x_tolerance,
        snap_y_tolerance=settings.snap_y_tolerance,
        join_x_tolerance=settings.join_x_tolerance,
        join_y_tolerance=settings.join_y_tolerance,
    )
    kept = filter_edges(merged, min_length=settings.edge_min_length)
    crossings = edges_to_intersections(kept, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
    return cells_to_tables(intersections_to_cells(crossings))  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name[:24])
def test_every_page_gives_pdfplumbers_cells(path: Path) -> None:
    tables_seen = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            edges = page.edges
            expected = pdfplumber_cells(edges)
            assert ruled_cells(edges) == expected, f"page {page.page_number}"
            tables_seen += len(expected)
            page.close()
    if path.name.startswith(("tables20", "tables200p", "a08_")):
        assert tables_seen > 0  # the comparison is not vacuous where the PDF holds ruled tables


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    orientation = "v" if x0 == x1 else "h"
    return {
        "object_type": "line",
        "x0": x0,
        "top": top,
        "x1": x1,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
    }


def test_a_rule_drawn_twice_snaps_to_its_mean_and_touching_rules_join() -> None:
    """Columns at 100.0/100.4 (one rule drawn twice), 200 and 300; the top rule drawn in two
    pieces 1.5 pt apart: one table of two cells, its left edge at the snapped 100.2."""
    edges = [
        _edge(100.0, 50, 100.0, 80),
        _edge(100.4, 50, 100.4, 80),
        _edge(200, 50, 200, 80),
        _edge(300, 50, 300, 80),
        _edge(100, 50, 198.5, 50),
        _edge(200, 50, 300, 50),
        _edge(100, 80, 300, 80),
    ]
    cells = ruled_cells(edges)
    assert cells == pdfplumber_cells(edges)
    assert [[cell[0] for cell in table] for table in cells] == [[100.2, 200.0]]


def test_rules_crossing_within_the_tolerance_still_meet() -> None:
    """A column rule stopping 2 pt short of the bottom rule still meets it (3 pt tolerance)."""
    edges = [
        _edge(100, 50, 100, 80),
        _edge(200, 50, 200, 78),
        _edge(300, 50, 300, 80),
        _edge(100, 50, 300, 50),
        _edge(100, 80, 300, 80),
    ]
    assert ruled_cells(edges) == pdfplumber_cells(edges) == [[(100, 50, 200, 80), (200, 50, 300, 80)]]
