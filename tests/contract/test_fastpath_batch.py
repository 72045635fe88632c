"""``failing_groups`` judges each document of a batch frame exactly as ``passes`` judges it alone.

Two seeds' frames in one batch, one of them broken a cell at a time in every column with the probe
values of ``test_schema_fastpath_probes`` (nulls, NaN, bounds, patterns, set members, duplicates):
a document is named iff the fast path rejects its rows on their own, so a document not named is
one pandera accepts (``passes ⇒ pandera``, tested there), and the intact document is never named.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.contract.fastpath import failing_groups, passes
from pipeline.parse.frames import SOURCE_KEY
from tests.conftest import SEEDS
from tests.contract.test_schema_fastpath_probes import MODELS, SEED_DIR, probe_values, with_cell

INTACT = "甲镇.txt"
BROKEN = "乙镇.txt"


def _named(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(name).alias(SOURCE_KEY))


@pytest.fixture(scope="module")
def pairs() -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Per frame kind: an intact seed's frame and the frame that gets broken (each with rows)."""
    from pipeline.parse.document import parse_document

    frames = [parse_document(SEED_DIR / SEEDS[number], SEED_DIR) for number in ("001", "002")]
    return {
        name: (_named(getattr(frames[0], name), INTACT), _named(getattr(frames[1], name), BROKEN)) for name in MODELS
    }


def _groups(frame: pl.DataFrame) -> list[object]:
    return frame[SOURCE_KEY].unique().to_list()


def _agrees(name: str, intact: pl.DataFrame, broken: pl.DataFrame) -> bool:
    """Whether each group was named exactly when ``passes`` rejects its rows; the broken document's verdict."""
    model = MODELS[name]
    batch = pl.concat([intact, broken])
    named = failing_groups(model, batch, SOURCE_KEY)
    assert named is not None, "a batch of the contract's own dtypes is always modelled"
    for group in _groups(batch):
        rows = batch.filter(pl.col(SOURCE_KEY).eq_missing(group))
        assert (group in named) == (not passes(model, rows)), (name, group)
    assert INTACT not in named
    return BROKEN in named


@pytest.mark.parametrize("name", list(MODELS))
def test_every_column_every_probe_in_a_batch(name: str, pairs: dict[str, tuple[pl.DataFrame, pl.DataFrame]]) -> None:
    intact, broken = pairs[name]
    assert not _agrees(name, intact, broken)
    verdicts = set()
    for column, dtype in broken.schema.items():
        for value in probe_values(dtype):
            verdicts.add(_agrees(name, intact, with_cell(broken, column, 0, value)))
        if broken.height > 1:
            verdicts.add(_agrees(name, intact, with_cell(broken, column, 1, broken[column][0])))
    assert verdicts == {True, False}


def test_a_frame_not_modelled_names_no_group_but_says_so(pairs: dict[str, tuple[pl.DataFrame, pl.DataFrame]]) -> None:
    intact, broken = pairs["indicators"]
    batch = pl.concat([intact, broken]).with_columns(pl.col("row_no").cast(pl.Int64))
    assert failing_groups(MODELS["indicators"], batch, SOURCE_KEY) is None
    assert failing_groups(MODELS["indicators"], batch.clear(), SOURCE_KEY) is None  # even without rows


def test_an_empty_batch_frame_names_nobody(pairs: dict[str, tuple[pl.DataFrame, pl.DataFrame]]) -> None:
    intact, _ = pairs["projects"]
    assert failing_groups(MODELS["projects"], intact.clear(), SOURCE_KEY) == frozenset()
