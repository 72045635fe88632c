"""Characters the recognition model reads poorly (pipeline.parse.read.marks, ocr.decode).

The pictures are lines of the typed fixture PDF ``tables20.pdf`` rendered at a scanner's
resolution, cut out where pdfium says the text stands, so what they show is known: "300元/人·月"
holds one middle dot, "≥95%" and "42.36" none. The CTC outputs are built by hand in the shape the
model gives (time steps × classes, the blank first).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from pipeline.parse.read.marks import mark_classes, middle_dots, width_twin
from pipeline.parse.read.ocr import PAD_INCH, _inside, _strip, decode, text_lines
from pipeline.parse.read.ruling import Gray, binarise, rule_page
from scripts.make_scan_fixtures import add_noise, render

TABLES20 = Path(__file__).parents[1] / "fixtures" / "pdf" / "tables20.pdf"
SCANS = Path(__file__).parents[1] / "fixtures" / "scans"


@lru_cache(maxsize=4)
def _page(page: int, dpi: int) -> tuple[Gray, float, dict[str, list[tuple[float, float, float, float]]]]:
    """A page of tables20.pdf rendered at ``dpi`` (noisy, as a scanner gives it), its height in
    points, and the character boxes of the texts the tests cut out."""
    document = pdfium.PdfDocument(TABLES20)
    try:
        pdf_page = document[page - 1]
        textpage = pdf_page.get_textpage()
        boxes: dict[str, list[tuple[float, float, float, float]]] = {}
        for text in TEXTS:
            found = textpage.search(text).get_next()
            if found is not None:
                start, count = found
                boxes[text] = [textpage.get_charbox(index) for index in range(start, start + count)]
        picture = add_noise(render(pdf_page, dpi), np.random.default_rng(5))
        return picture, pdf_page.get_height(), boxes
    finally:
        document.close()


def _line(text: str, dpi: int, page: int) -> Gray:
    """The picture of ``text`` where it is printed on ``page``, padded as OCR pads a line."""
    picture, height, boxes = _page(page, dpi)
    found = boxes[text]
    scale, pad = dpi / 72, int(PAD_INCH * dpi)
    x0, x1 = min(b[0] for b in found) * scale, max(b[2] for b in found) * scale
    y0, y1 = (height - max(b[3] for b in found)) * scale, (height - min(b[1] for b in found)) * scale
    return np.ascontiguousarray(picture[int(y0) - pad : int(y1) + pad, int(x0) - pad : int(x1) + pad, 0])


TEXTS = {"300元/人·月": 3, "≥95%": 3, "人均补助标准": 3, "一级指标": 3, "42.36": 10}
"""Each text cut out, and the page of tables20.pdf it is printed on."""


def test_a_broken_stroke_is_no_dot() -> None:
    """seed002's bold 一级指标 header as scanned at 200 dpi (tests/fixtures/scans): the right end of
    its 一, broken off by noise, was read as "一·级指标" and the table lost its 一级 column."""
    document = pdfium.PdfDocument(SCANS / "seed002_200dpi.pdf")
    try:
        picture = np.asarray(document[0].render(scale=200 / 72).to_pil().convert("RGB"), dtype=np.uint8)
    finally:
        document.close()
    page = rule_page(picture, 200)
    binary = binarise(page.image)
    header = next(grid for grid in page.grids).cells
    strips = [_strip(page.image, line, 200) for cell in header for line in text_lines(binary, _inside(cell, 200), 200)]
    assert strips and all(middle_dots(strip) == 0 for strip in strips)


@pytest.mark.parametrize("dpi", [150, 200])
@pytest.mark.parametrize(
    ("text", "dots"), [("300元/人·月", 1), ("≥95%", 0), ("42.36", 0), ("人均补助标准", 0), ("一级指标", 0)]
)
def test_the_picture_counts_middle_dots(text: str, dots: int, dpi: int) -> None:
    assert middle_dots(_line(text, dpi, TEXTS[text])) == dots


CHARACTERS = ["blank", "3", "0", "元", "/", "／", "人", "·", "月"]
MARKS = mark_classes(CHARACTERS)


def _ctc(steps: list[dict[str, float]]) -> np.ndarray:
    """A CTC output: each step's probabilities by character, the rest of the step on the blank."""
    table = np.zeros((len(steps), len(CHARACTERS)), dtype=np.float32)
    for row, step in enumerate(steps):
        for character, probability in step.items():
            table[row, CHARACTERS.index(character)] = probability
        table[row, 0] = 1 - sum(step.values())
    return table


# 300元/人·月 as the model gives it on a scan: the dot second to the blank (0.05), the slash split
# between its two widths (tables20 page 16 at 200 dpi: / 0.61, ／ 0.29).
MODEL_OUTPUT = [
    {"3": 0.99},
    {},
    {"0": 0.99},
    {},
    {"0": 0.99},
    {"元": 0.99},
    {},
    {"／": 0.61, "/": 0.29},
    {},
    {"人": 0.99},
    {"·": 0.01},
    {"·": 0.05},
    {},
    {"月": 0.99},
    {"·": 0.02},
]


def test_a_dot_the_picture_shows_is_placed_where_the_model_saw_it_most() -> None:
    text, score = decode(_ctc(MODEL_OUTPUT), CHARACTERS, MARKS, dots=1)
    assert text == "300元/人·月"
    assert score == pytest.approx((6 * 0.99 + 0.9 + 0.05) / 8)


def test_without_a_dot_in_the_picture_none_is_read() -> None:
    """The step after 月 holds a little · too: it is not between two characters, and no dot was seen."""
    assert decode(_ctc(MODEL_OUTPUT), CHARACTERS, MARKS, dots=0)[0] == "300元/人月"


def test_a_character_sure_of_itself_is_not_folded() -> None:
    steps = [{"人": 0.99}, {}, {"／": 0.99}, {}, {"月": 0.99}]
    assert decode(_ctc(steps), CHARACTERS, MARKS)[0] == "人／月"


@pytest.mark.parametrize(
    ("first", "second", "twin"), [("／", "/", "/"), ("/", "／", "/"), ("：", ":", ":"), ("人", "入", None)]
)
def test_width_twins(first: str, second: str, twin: str | None) -> None:
    assert width_twin(first, second) == twin
