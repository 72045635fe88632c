"""Row recall and cell accuracy of table extraction on the layout-family fixtures.

Every fixture in ``tests/fixtures/layouts`` with a ``<stem>.expected.json`` holding ``tables`` is
parsed through the whole document path (``parse_document``) and compared with the rows written by
hand from the fixture's text:

* **row recall**: expected rows that were extracted at their place (same table_no and row_no);
* **row precision**: extracted rows that are expected rows (an invented or split row lowers it);
* **cell accuracy**: expected cells found exactly as written, over all expected cells (a cell of a
  missing row counts as wrong).

``test_layout_families.py::test_recall_and_accuracy`` measures and asserts the thresholds; this
plugin (registered in ``conftest.py``) prints the measurement at the end of every run that made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.parse.document import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
EXPECTED_SUFFIX = ".expected.json"
FIXED_NOW = datetime(2026, 1, 1, 2, 0, 0)


@dataclass(frozen=True)
class FixtureScore:
    """The comparison of one fixture's extracted rows with its hand-written rows."""

    name: str
    layout: str | None
    expected_rows: int
    found_rows: int
    matched_rows: int
    expected_cells: int
    exact_cells: int

    @property
    def recall(self) -> float:
        return self.matched_rows / self.expected_rows if self.expected_rows else 1.0

    @property
    def precision(self) -> float:
        return self.matched_rows / self.found_rows if self.found_rows else 0.0

    @property
    def accuracy(self) -> float:
        return self.exact_cells / self.expected_cells if self.expected_cells else 1.0


MEASURED: list[FixtureScore] = []
"""Filled by the measuring test; printed by ``pytest_terminal_summary``."""


def expectation_files() -> list[Path]:
    return sorted(FIXTURES.glob(f"*{EXPECTED_SUFFIX}"))


def load_expectation(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def fixture_of(expectation: Path) -> Path:
    stem = expectation.name[: -len(EXPECTED_SUFFIX)]
    [found] = [p for p in FIXTURES.glob(f"{stem}.*") if not p.name.endswith(EXPECTED_SUFFIX)]
    return found


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(found, float):
        return abs(found - expected) < 1e-9
    return bool(found == expected)


def score_fixture(expectation: Path) -> FixtureScore:
    spec = load_expectation(expectation)
    source = fixture_of(expectation)
    frames = parse_document(source, FIXTURES, now=FIXED_NOW)
    columns: list[str] = spec["columns"]
    found = {(r["table_no"], r["row_no"]): r for r in frames.indicators.iter_rows(named=True)}
    expected = {
        (int(table), row_no): cells
        for table, rows in spec["tables"].items()
        for row_no, cells in enumerate(rows, start=1)
    }
    exact = sum(
        _same(found[key][column], cell)
        for key, cells in expected.items()
        if key in found
        for column, cell in zip(columns, cells, strict=True)
    )
    return FixtureScore(
        name=source.name,
        layout=frames.documents["layout"][0],
        expected_rows=len(expected),
        found_rows=len(found),
        matched_rows=len(expected.keys() & found.keys()),
        expected_cells=len(expected) * len(columns),
        exact_cells=exact,
    )


def measure() -> list[FixtureScore]:
    """Score every fixture that has expected rows; the result is also kept for the summary."""
    scores = [score_fixture(path) for path in expectation_files() if "tables" in load_expectation(path)]
    MEASURED[:] = scores
    return scores


def totals(scores: list[FixtureScore]) -> FixtureScore:
    return FixtureScore(
        name="all fixtures",
        layout=None,
        expected_rows=sum(s.expected_rows for s in scores),
        found_rows=sum(s.found_rows for s in scores),
        matched_rows=sum(s.matched_rows for s in scores),
        expected_cells=sum(s.expected_cells for s in scores),
        exact_cells=sum(s.exact_cells for s in scores),
    )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not MEASURED:
        return
    write = terminalreporter.write_line
    terminalreporter.section("layout families: row recall and cell accuracy")
    write(f"{'fixture':<30} {'layout':<18} {'rows':>9} {'recall':>7} {'precision':>9} {'cells':>9} {'accuracy':>8}")
    for s in [*MEASURED, totals(MEASURED)]:
        write(
            f"{s.name:<30} {s.layout or '':<18} {s.matched_rows:>4}/{s.expected_rows:<4} {s.recall:>7.3f} "
            f"{s.precision:>9.3f} {s.exact_cells:>4}/{s.expected_cells:<4} {s.accuracy:>8.3f}"
        )
