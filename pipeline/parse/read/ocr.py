"""Text recognised in a scanned page's cells: each cell's lines cut out and read by PP-OCRv4.

The grid comes from ``ruling`` (rules found, erased, the page squared), so the cells are known
before any text is read. Each cell is read on its own, which is what makes the grid exact: a
text box can never run over a rule into the next cell, and no detection model has to guess
where lines are.

- **Lines of a cell** (``text_lines``): the rows of ink in the cell, found by its horizontal
  projection (a cell of 绩效指标描述 wraps over two or three lines; each is one strip). A strip
  lower than ``MIN_LINE_INCH`` and narrower than that too is dust, not text; a dash ("—", a
  value left empty) is flat but wide, and is kept.
- **Recognition**: RapidOCR's PP-OCRv4 Chinese recognition model (``rapidocr-onnxruntime``: the
  model ships inside the package and runs on CPU through onnxruntime; nothing is downloaded).
  Each strip gives its text and a score in [0, 1] (the mean confidence of its characters).
  Detection is not needed: the strips are the lines. One thread per process: the batch runs
  documents in a process pool, one per core.
- **Not text**: a low strip (under ``MIN_TEXT_INCH``) read with a score under ``MIN_STRIP_SCORE``
  is what is left of a seal's ring or a rule, and is dropped; a text line is taller, and a
  misread one keeps its low score, so the row says it is unsure.
- **A cell's text** is its lines joined as a wrapped cell is (``join_wrapped``: no space inside
  Chinese), its score the lowest of its lines'. A merged cell's text stands in its first grid
  row and column, and the other positions it covers are empty, as pdfplumber gives them.
- **A row's score** is the lowest score of its cells: a row is only as sure as its least sure
  cell (a name read right and a value misread is a wrong row).
- **Text outside the tables** (``read_band``): the titles and "单位：万元" lines between tables,
  strips found the same way over the page's width, each strip cut into pieces at wide gaps
  (``PIECE_GAP_INCH``: "编制单位：甲县乙镇" and "单位：万元" on one line are two pieces). A piece
  without a letter, digit or character ("." read from a speck of dust) is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import cv2
import numpy as np

from pipeline.core.text import clean_text, join_wrapped
from pipeline.core.types import Cells
from pipeline.parse.read.marks import SMALL_MARKS, TWIN_PROBABILITY, mark_classes, middle_dots, place_marks, width_twin
from pipeline.parse.read.ruling import Cell, Gray, Grid, RuledPage, binarise

MIN_LINE_INCH: Final = 0.04
"""A strip of ink lower than this (1 mm) is dust or the remnant of a rule, unless it is wide."""
MIN_DASH_INCH: Final = 0.06
"""… and a flat strip at least this wide is a dash, kept."""
CELL_MARGIN_INCH: Final = 0.015
"""Ink this close to a cell's edge is what is left of its rule after erasing, not text."""
PAD_INCH: Final = 0.03
"""White kept around a strip for the recogniser (it reads text with a margin, as it was trained)."""
PIECE_GAP_INCH: Final = 0.5
"""A gap this wide on a line outside a table separates two pieces of text."""
INK_PER_ROW: Final = 2
"""Pixels of ink a pixel row needs to count as part of a text line (one is noise)."""
MIN_TEXT_INCH: Final = 0.08
"""Text lines are taller than this (2 mm; 10.5 pt characters are 3.7 mm, digits alone 2.6 mm)."""
MIN_STRIP_SCORE: Final = 0.5
"""A strip lower than ``MIN_TEXT_INCH`` that the recogniser reads with less than this is not text
(the remains of a seal's ring, a speck, a stroke of a rule), as RapidOCR drops its own boxes under 0.5."""


@dataclass(frozen=True)
class ReadText:
    """Text recognised in one place of the page and how sure the recogniser was."""

    text: str
    score: float | None
    """The lowest score of its lines; None when nothing was read (an empty cell)."""


@dataclass(frozen=True)
class OcrRow:
    """One grid row as read: its cells, and the lowest score of any of them."""

    cells: Cells
    score: float | None


Box = tuple[int, int, int, int]


@lru_cache(maxsize=1)
def _recogniser() -> Any:
    """The PP-OCRv4 recogniser, loaded once per process from the model inside the package."""
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer  # type: ignore[import-untyped]
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH  # type: ignore[import-untyped]
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path  # type: ignore[import-untyped]

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    config["intra_op_num_threads"] = 1
    config["inter_op_num_threads"] = 1
    return TextRecognizer(config)


BATCH: Final = 6
"""Strips recognised together (of alike width, so little of a batch is padding)."""
BLANK: Final = 0
"""The CTC "no character here" class of the model's output."""


def _runner_up(probabilities: np.ndarray[Any, np.dtype[np.float32]], first: int) -> int:
    """The likeliest character after ``first`` at one step, the blank aside ("／" 0.53, blank 0.26,
    "/" 0.19: "/")."""
    ranked = np.argpartition(probabilities, -3)[-3:]
    return int(max((i for i in ranked if i not in (first, BLANK)), key=lambda i: probabilities[i]))


def decode(
    probabilities: np.ndarray[Any, np.dtype[np.float32]],
    characters: Sequence[str],
    marks: Mapping[int, str],
    dots: int = 0,
) -> tuple[str, float]:
    """A CTC output (time steps × classes) as text and its score, the mean probability of its characters.

    Greedy, as PaddleOCR decodes (a class repeated over steps is one character; blanks part two
    equal characters), with what the ``marks`` module puts right (``marks`` are the model's classes
    of its small marks, ``mark_classes``): a character whose runner-up is its width
    twin is the two together ("／" 0.33 and "/" 0.58 read "/" 0.91), and the ``dots`` middle dots
    the picture shows are placed where the model gave them the most probability between two
    characters. "300元/人·月" comes out of the model as 300元/人 [blank: 0.89, ·: 0.05] 月 and is
    read with its dot, the dot's 0.05 lowering the score.
    """
    best = probabilities.argmax(axis=1)
    mark_index = list(marks)
    text: list[str] = []
    scores: list[float] = []
    gaps: list[tuple[float, int, str]] = []
    gap: tuple[float, str] | None = None
    for step, index in enumerate(best):
        if index == BLANK:
            if text and mark_index:
                likeliest = max(mark_index, key=lambda mark: probabilities[step, mark])
                probability = float(probabilities[step, likeliest])
                if gap is None or probability > gap[0]:
                    gap = (probability, marks[likeliest])
            continue
        if gap is not None and text[-1] not in SMALL_MARKS and characters[index] not in SMALL_MARKS:
            gaps.append((gap[0], len(text), gap[1]))
        gap = None
        if step > 0 and best[step - 1] == index:
            continue
        character, probability = characters[index], float(probabilities[step, index])
        runner_up = _runner_up(probabilities[step], index)
        twin = width_twin(character, characters[runner_up])
        if twin is not None and probabilities[step, runner_up] >= TWIN_PROBABILITY:
            character, probability = twin, probability + float(probabilities[step, runner_up])
        text.append(character)
        scores.append(probability)
    text, scores = place_marks(text, scores, gaps, dots)
    return "".join(text), (sum(scores) / len(scores) if scores else 0.0)


def recognise(strips: Sequence[Gray]) -> list[tuple[str, float]]:
    """Text and score of each strip (grey pictures of one line each), in order."""
    recogniser = _recogniser()
    characters: Sequence[str] = recogniser.postprocess_op.character
    marks = mark_classes(characters)
    _channels, height, width = recogniser.rec_image_shape
    pictures = [cv2.cvtColor(strip, cv2.COLOR_GRAY2BGR) for strip in strips]
    order = sorted(range(len(pictures)), key=lambda i: pictures[i].shape[1] / pictures[i].shape[0])
    results: list[tuple[str, float]] = [("", 0.0)] * len(pictures)
    for start in range(0, len(order), BATCH):
        batch = order[start : start + BATCH]
        widest = max([width / height, *(pictures[i].shape[1] / pictures[i].shape[0] for i in batch)])
        inputs = np.stack([recogniser.resize_norm_img(pictures[i], widest) for i in batch]).astype(np.float32)
        outputs = recogniser.session(inputs)[0]
        for i, probabilities in zip(batch, outputs, strict=True):
            text, score = decode(probabilities, characters, marks, middle_dots(strips[i]))
            results[i] = (clean_text(text), score)
    return results


def _runs(mask: np.ndarray[Any, np.dtype[np.bool_]]) -> list[tuple[int, int]]:
    """(start, end) of each run of True, end exclusive."""
    padded = np.concatenate(([False], mask, [False]))
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(changes[::2], changes[1::2], strict=True)]


def text_lines(binary: Gray, box: Box, dpi: float) -> list[Box]:
    """The strips of ink in ``box`` of a binarised page, top to bottom, each trimmed to its ink."""
    x0, y0, x1, y1 = box
    region = binary[y0:y1, x0:x1] > 0
    if region.size == 0:
        return []
    lines: list[Box] = []
    for top, bottom in _runs(region.sum(axis=1) >= INK_PER_ROW):
        columns = np.flatnonzero(region[top:bottom].any(axis=0))
        left, right = int(columns[0]), int(columns[-1]) + 1
        if bottom - top < MIN_LINE_INCH * dpi and right - left < MIN_DASH_INCH * dpi:
            continue
        lines.append((x0 + left, y0 + top, x0 + right, y0 + bottom))
    return lines


def _strip(image: Gray, line: Box, dpi: float) -> Gray:
    x0, y0, x1, y1 = line
    pad = max(2, int(PAD_INCH * dpi))
    height, width = image.shape[:2]
    crop: Gray = image[max(0, y0 - pad) : min(height, y1 + pad), max(0, x0 - pad) : min(width, x1 + pad)]
    return crop


def _inside(cell: Cell, dpi: float) -> Box:
    margin = max(1, int(CELL_MARGIN_INCH * dpi))
    return cell.x0 + margin, cell.y0 + margin, cell.x1 - margin, cell.y1 - margin


def _join(pieces: Sequence[tuple[str, float]]) -> ReadText:
    text = ""
    for piece, _ in pieces:
        text = join_wrapped(text, piece)
    kept = [score for piece, score in pieces if piece]
    return ReadText(text, min(kept) if kept else None)


def read_cells(page: RuledPage, cells: Sequence[Cell], dpi: float) -> list[ReadText]:
    """The text of each cell, all strips of all cells recognised in one batch."""
    binary = binarise(page.image)
    owners: list[tuple[int, int]] = []
    strips: list[Gray] = []
    for index, cell in enumerate(cells):
        for line in text_lines(binary, _inside(cell, dpi), dpi):
            owners.append((index, line[3] - line[1]))
            strips.append(_strip(page.image, line, dpi))
    pieces: list[list[tuple[str, float]]] = [[] for _ in cells]
    for (owner, height), (text, score) in zip(owners, recognise(strips), strict=True):
        if height < MIN_TEXT_INCH * dpi and score < MIN_STRIP_SCORE:
            continue
        pieces[owner].append((text, score))
    return [_join(found) for found in pieces]


def read_grid(page: RuledPage, grid: Grid, dpi: float, rows: range | None = None) -> list[OcrRow]:
    """The grid's rows (all, or ``rows``) as cells of text, merged cells in their first position."""
    wanted = rows if rows is not None else range(grid.rows)
    cells = [cell for cell in grid.cells if cell.row in wanted]
    texts = read_cells(page, cells, dpi)
    table: dict[int, list[str]] = {row: [""] * grid.cols for row in wanted}
    scores: dict[int, list[float]] = {row: [] for row in wanted}
    for cell, read in zip(cells, texts, strict=True):
        table[cell.row][cell.col] = read.text
        if read.score is not None:
            scores[cell.row].append(read.score)
    return [OcrRow(tuple(table[row]), min(scores[row]) if scores[row] else None) for row in wanted]


def read_band(page: RuledPage, top: int, bottom: int, dpi: float) -> list[ReadText]:
    """The text lines between ``top`` and ``bottom`` (outside any table), each cut into pieces at wide gaps."""
    binary = binarise(page.image)
    width = binary.shape[1]
    boxes: list[Box] = []
    gap = PIECE_GAP_INCH * dpi
    for x0, y0, x1, y1 in text_lines(binary, (0, top, width, bottom), dpi):
        ink = np.asarray(binary[y0:y1, x0:x1].any(axis=0), dtype=np.bool_)
        start: int | None = None
        last = 0
        for left, right in _runs(ink):
            if start is None:
                start = left
            elif left - last > gap:
                boxes.append((x0 + start, y0, x0 + last, y1))
                start = left
            last = right
        if start is not None:
            boxes.append((x0 + start, y0, x0 + last, y1))
    results = recognise([_strip(page.image, box, dpi) for box in boxes])
    return [ReadText(text, score) for text, score in results if any(ch.isalnum() for ch in text)]
