"""The layouts a document may be in, and choosing one by score — never by file name."""

from __future__ import annotations

from typing import Final

from pipeline.core.confidence import CERTAIN, MIN_CONFIDENCE
from pipeline.core.errors import STAGE_RECOGNISE, IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.layouts.base import Layout
from pipeline.parse.layouts.blank_line_cells import BlankLineCellsLayout
from pipeline.parse.layouts.cell_lines import CellLinesLayout
from pipeline.parse.layouts.cell_pipe_lines import CellPipeLinesLayout
from pipeline.parse.layouts.html_list import HtmlListLayout
from pipeline.parse.layouts.pipe_tables import PipeTablesLayout
from pipeline.parse.layouts.prose_targets import ProseTargetsLayout
from pipeline.parse.layouts.ruled_tables import RuledTablesLayout
from pipeline.parse.layouts.spaced_columns import SpacedColumnsLayout
from pipeline.parse.layouts.tab_rows import TabRowsLayout
from pipeline.parse.layouts.text_cells import STREAM_CEILING, TextCellsLayout

LAYOUTS: Final[tuple[Layout, ...]] = (
    TabRowsLayout(),
    CellLinesLayout(),
    HtmlListLayout(),
    RuledTablesLayout(),
    PipeTablesLayout(),
    CellPipeLinesLayout(),
    BlankLineCellsLayout(),
    SpacedColumnsLayout(),
    TextCellsLayout(),
)
"""Layouts of the 绩效目标表 grid: one of them reads a document's tables."""
GENERAL: Final = frozenset({TextCellsLayout.name})
"""Layouts that read any text serialisation. They are scored after the specific ones, and only when
none of those reads the document as surely as the general one could: a document it reads from a
stream of cells scores at most ``STREAM_CEILING``, and one it reads from real rows reads as the
specific layout of those rows does."""
PROSE_LAYOUTS: Final[tuple[Layout, ...]] = (ProseTargetsLayout(),)
"""Layouts of targets written as prose: they read what is written beside the tables, in any document,
and their projects are added to the tables' own (``pipeline.parse.layouts.combine``)."""


def _safe_score(layout: Layout, doc: RawDocument) -> float:
    """A layout that raises while looking at a document is simply not sure of it."""
    try:
        return layout.score(doc)
    except Exception:
        return 0.0


def _scored(doc: RawDocument, layouts: tuple[Layout, ...]) -> list[tuple[float, str, Layout]]:
    """(score, name, layout), best first, ties to the first name.

    Layouts are scored in name order, the general ones last (``GENERAL``), and scoring stops at the
    first certain one: no layout after it can score higher, and a tie would go to it by name. Scoring a grid layout runs the whole
    form reader, so a document recognised early is not read by every other layout as well.
    """
    scored: list[tuple[float, str, Layout]] = []
    for layout in sorted(layouts, key=lambda candidate: (candidate.name in GENERAL, candidate.name)):
        best = max((score for score, _, _ in scored), default=0.0)
        if layout.name in GENERAL and best >= STREAM_CEILING:
            break
        score = _safe_score(layout, doc)
        scored.append((score, layout.name, layout))
        if score >= CERTAIN:
            break
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def recognise(doc: RawDocument, layouts: tuple[Layout, ...] = LAYOUTS) -> tuple[Layout, float]:
    """The layout most sure the document is its own; ``unknown_layout`` when none is sure enough."""
    scored = _scored(doc, layouts)
    best_score, _, best = scored[0]
    if best_score < MIN_CONFIDENCE:
        summary = ", ".join(f"{name} {score:.2f}" for score, name, _ in scored)
        raise IngestError(
            "unknown_layout",
            STAGE_RECOGNISE,
            f"no layout recognised a performance-target table (scores: {summary}); "
            "the document may hold no 绩效目标表, or a new layout is needed",
        )
    return best, best_score
