"""Shared fixtures: the bundled seed documents parsed once per test session."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from pipeline.parse.document import parse_document
from pipeline.parse.frames import DocumentFrames

pytest_plugins = ["tests.layout_metrics"]  # prints row recall / cell accuracy of the layout fixtures

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "data" / "raw"
SEEDS = {
    "000": "000_a8e05c0c7437c5f6.txt",
    "001": "001_b11d8b26e10eed0c.txt",
    "002": "002_47f6fefdd4530b27.txt",
    "003": "003_88a2649a8df46961.txt",
    "004": "004_6042772d099d8031.txt",
}
FIXED_NOW = datetime(2026, 1, 1, 2, 0, 0)
REALDOCS = REPO.parent / "shared" / "realdocs"
"""Real documents read by hand (issue 16): public documents, not ours, so never in the repository."""


def parse_realdoc(prefix: str) -> DocumentFrames:
    """parse_document on the real document whose file name starts with ``prefix`` (``a07_``);
    the test is skipped, saying why, where ``../shared/realdocs`` is absent."""
    raw = REALDOCS / "raw"
    if not raw.is_dir():
        pytest.skip(f"real documents not found at {raw} (kept outside the repository)")
    matches = sorted(raw.glob(f"{prefix}*"))
    if not matches:
        pytest.skip(f"no document {prefix}* in {raw}")
    return parse_document(matches[0], raw, now=FIXED_NOW)

_cache: dict[str, DocumentFrames] = {}


@pytest.fixture(scope="session")
def seed() -> Callable[[str], DocumentFrames]:
    """parse_document on a seed by its number ("000"…"004"), parsed once per session."""

    def parse(number: str) -> DocumentFrames:
        if number not in _cache:
            _cache[number] = parse_document(SEED_DIR / SEEDS[number], SEED_DIR, now=FIXED_NOW)
        return _cache[number]

    return parse


def row(frames: DocumentFrames, table_no: int, row_no: int) -> dict[str, object]:
    """One indicator row as a dict, by its table and row number."""
    found = frames.indicators.filter((pl.col("table_no") == table_no) & (pl.col("row_no") == row_no))
    assert found.height == 1, f"no single row {table_no}/{row_no}"
    return found.row(0, named=True)


def project(frames: DocumentFrames, table_no: int) -> dict[str, object]:
    found = frames.projects.filter(pl.col("table_no") == table_no)
    assert found.height == 1
    return found.row(0, named=True)


CELLS = ("level1_raw", "level2_raw", "level3", "description", "value_text", "basis")


def cells(frames: DocumentFrames, table_no: int, row_no: int) -> tuple[object, ...]:
    """The six cells of a row as written (level names before canonicalisation)."""
    found = row(frames, table_no, row_no)
    return tuple(found[c] for c in CELLS)
