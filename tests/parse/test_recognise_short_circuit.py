"""``recognise`` stops scoring at the first certain layout (in name order): the same layout wins,
with the same score, as when every layout is scored, on every seed and fixture document."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pytest

from pipeline.core.confidence import CERTAIN, MIN_CONFIDENCE
from pipeline.core.errors import IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.layouts import LAYOUTS, recognise
from pipeline.parse.read import read_document

TESTS: Final = Path(__file__).resolve().parents[1]
NOT_DOCUMENTS: Final = frozenset({".json"})
"""Expected outputs and manifests beside the fixtures."""
DOCUMENTS: Final = sorted(
    p
    for folder in (TESTS.parent / "data" / "raw", TESTS / "fixtures")
    for p in folder.rglob("*")
    if p.is_file() and not p.name.startswith(".") and p.suffix not in NOT_DOCUMENTS
)


def readable(path: Path) -> RawDocument | None:
    try:
        return read_document(path.read_bytes(), path.name)
    except IngestError:
        return None


def full_choice(doc: RawDocument) -> tuple[str, float] | None:
    """Every layout scored, best first and ties to the first name: the choice before the short cut."""
    scores = [(layout.score(doc), layout.name) for layout in LAYOUTS]
    assert all(0.0 <= score <= CERTAIN for score, _ in scores), scores
    best_score, best_name = min(scores, key=lambda s: (-s[0], s[1]))
    return (best_name, best_score) if best_score >= MIN_CONFIDENCE else None


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(TESTS.parent)))
def test_same_layout_as_scoring_every_layout(path: Path) -> None:
    doc = readable(path)
    assert doc is not None, "every fixture document is readable"
    expected = full_choice(doc)
    try:
        layout, score = recognise(doc)
    except IngestError as err:
        assert err.error_class == "unknown_layout" and expected is None
        return
    assert (layout.name, score) == expected


def test_documents_found() -> None:
    """Every folder of documents is scanned: the seeds and each kind of fixture."""
    assert {p.parent.name for p in DOCUMENTS} == {"raw", "layouts", "formats", "pdf", "prose", "scans"}
