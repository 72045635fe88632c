"""A scanned page's grid found in the picture (pipeline.parse.read.ruling): rotation, red seal, cells.

The pages are the typed fixture PDFs scanned the way ``scripts/make_scan_fixtures.py`` does (a
known rotation, a red seal, noise), so what the picture must give back is known: the angle it
was turned by, and the grid pdfplumber reads from the typed page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.parse.read.ruling import ink_of, rule_page, skew_angle
from scripts.make_scan_fixtures import add_noise, render, rotate, stamp_seal

SEED002 = Path(__file__).parents[1] / "fixtures" / "formats" / "seed002.pdf"
DPI = 200


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    document = pdfium.PdfDocument(SEED002)
    picture = render(document[0], DPI)
    document.close()
    return picture


@pytest.mark.parametrize("degrees", [-1.5, -0.7, 0.4, 1.2])
def test_rotation_is_measured_from_the_rules(page: np.ndarray, degrees: float) -> None:
    """cv2 turns counter-clockwise for a positive angle; the page's rules then climb to the right,
    which ``skew_angle`` reports as the negative angle to turn back by."""
    turned = rotate(page, degrees)
    assert skew_angle(ink_of(turned), DPI) == pytest.approx(-degrees, abs=0.1)


def test_a_square_page_is_not_turned(page: np.ndarray) -> None:
    assert skew_angle(ink_of(page), DPI) == pytest.approx(0.0, abs=0.05)


def test_the_grid_is_pdfplumbers_grid(page: np.ndarray) -> None:
    """Rows and columns of the first table as pdfplumber finds them in the typed page: 18 rows (the
    project header's 7 and 11 indicator rows), 7 column lines' worth of columns."""
    with pdfplumber.open(SEED002) as pdf:
        typed = pdf.pages[0].find_tables()[0]
        rows, cols = len(typed.rows), len({round(c[0]) for c in typed.cells})
    rng = np.random.default_rng(7)
    scanned = add_noise(rotate(stamp_seal(page, rng, DPI), 1.1), rng)
    ruled = rule_page(scanned, DPI)
    assert ruled.angle == pytest.approx(-1.1, abs=0.1)
    first = ruled.grids[0]
    assert (first.rows, first.cols) == (rows, cols) == (18, 7)


def test_a_red_seal_leaves_no_ink(page: np.ndarray) -> None:
    """The seal stamped over white paper is gone from the grey picture OCR reads (the red channel)."""
    stamped = stamp_seal(page, np.random.default_rng(3), DPI)
    red = (stamped[:, :, 0] > 150) & (stamped[:, :, 1] < 200) & (page.min(axis=2) > 200)
    assert red.sum() > 10_000  # the seal is there, over paper
    assert ink_of(stamped)[red].min() > 150  # and not dark in what is read


def test_merged_cells_span_their_rows(page: np.ndarray) -> None:
    """一级指标 产出指标 is one cell over the rows of its category (rows 8-13 of the first table)."""
    grid = rule_page(page, DPI).grids[0]
    spans = [(cell.row, cell.row_end) for cell in grid.cells if cell.col == 0 and cell.row_end - cell.row > 1]
    assert (7, 13) in spans
