"""``schema_fastpath.passes`` agrees with pandera exactly on every probed frame, both ways.

Differential: valid frames parsed from the seeds, then broken one cell at a time in every column
with values chosen to hit every check of every model (nulls, NaN, ±inf, bounds, lengths,
patterns, set members, duplicates), plus random multi-cell breaks, a wrong dtype, a missing and
an extra column. ``passes`` may only say True when pandera accepts the frame.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from pathlib import Path
from typing import Final

import pandera.polars as pa
import polars as pl
import pytest

from pipeline.contract.fastpath import passes
from pipeline.contract.schemas import (
    DepartmentTargetFrame,
    DocumentFrame,
    IndicatorFrame,
    ProjectFrame,
)
from pipeline.contract.tables import DEPARTMENT_TARGET_SECTIONS, DOCUMENT_KINDS, DOCUMENT_STATUSES
from pipeline.core.comparators import COMPARATORS
from pipeline.core.types import VALUE_KINDS
from pipeline.parse.document import parse_document

SEED_DIR: Final = Path(__file__).resolve().parents[2] / "data" / "raw"
RANDOM_TRIALS: Final = 10
STRINGS: Final = [None, "", " ", "x y", "123456", "12345", "a" * 64, "元", *COMPARATORS, *VALUE_KINDS,
                  *DOCUMENT_KINDS, *DOCUMENT_STATUSES, *DEPARTMENT_TARGET_SECTIONS]
NUMBERS: Final = [None, -1, 0, 1, 1999, 2000, 2100, 2101]
FLOATS: Final = [None, math.nan, math.inf, -math.inf, -1.0, 0.0, 0.5, 1.0, 1.5, 95.0]
MODELS: Final = {
    "documents": DocumentFrame,
    "projects": ProjectFrame,
    "indicators": IndicatorFrame,
    "department_targets": DepartmentTargetFrame,
}


def probe_values(dtype: pl.DataType) -> list[object]:
    if dtype == pl.String:
        return list(STRINGS)
    if dtype.is_integer():
        return list(NUMBERS)
    if dtype.is_float():
        return list(FLOATS)
    if dtype == pl.Boolean:
        return [None, True, False]
    if dtype == pl.Date:
        return [None, date(2024, 1, 1)]
    if dtype == pl.Datetime:
        return [None, datetime(2024, 1, 1)]
    raise AssertionError(f"no probe values for {dtype}")


def with_cell(frame: pl.DataFrame, column: str, row: int, value: object) -> pl.DataFrame:
    values = frame[column].to_list()
    values[row] = value
    return frame.with_columns(pl.Series(column, values, dtype=frame.schema[column]))


def pandera_accepts(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors:
        return False
    return True


def agree(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    """Fails the test if the shortcut says pass where pandera fails; returns pandera's verdict."""
    verdict = pandera_accepts(model, frame)
    fast = passes(model, frame)
    assert fast == verdict or not fast, f"shortcut passed a frame pandera rejects:\n{frame}"
    assert fast == verdict, f"shortcut rejected a frame pandera accepts (only slower, but says it is not mirrored):\n{frame}"
    return verdict


@pytest.fixture(scope="module")
def base_frames() -> dict[str, pl.DataFrame]:
    """Per frame kind, the seed frame with the most rows (at least two, to make duplicates)."""
    best: dict[str, pl.DataFrame] = {}
    for path in sorted(SEED_DIR.iterdir()):
        frames = parse_document(path, SEED_DIR)
        for name in MODELS:
            frame = getattr(frames, name)
            if name not in best or frame.height > best[name].height:
                best[name] = frame
    return best


@pytest.mark.parametrize("name", list(MODELS))
def test_every_column_every_probe(name: str, base_frames: dict[str, pl.DataFrame]) -> None:
    model, frame = MODELS[name], base_frames[name]
    assert agree(model, frame)
    verdicts = set()
    for column, dtype in frame.schema.items():
        for value in probe_values(dtype):
            verdicts.add(agree(model, with_cell(frame, column, 0, value)))
        if frame.height > 1:
            verdicts.add(agree(model, with_cell(frame, column, 1, frame[column][0])))
    assert verdicts == {True, False}


@pytest.mark.parametrize("name", list(MODELS))
def test_random_multi_cell_breaks(name: str, base_frames: dict[str, pl.DataFrame]) -> None:
    model, frame = MODELS[name], base_frames[name]
    rng = random.Random(name)
    for _ in range(RANDOM_TRIALS):
        broken = frame
        for _ in range(rng.randint(2, 4)):
            column = rng.choice(frame.columns)
            broken = with_cell(broken, column, rng.randrange(frame.height), rng.choice(probe_values(frame.schema[column])))
        agree(model, broken)


@pytest.mark.parametrize("name", list(MODELS))
def test_row_of_nulls_breaks_frame_checks(name: str, base_frames: dict[str, pl.DataFrame]) -> None:
    """Every nullable cell of a row null at once: the frame-level checks (named, located …) fail."""
    model, frame = MODELS[name], base_frames[name]
    nullable = [n for n, c in model.to_schema().columns.items() if c.nullable]
    broken = frame
    for column in nullable:
        broken = with_cell(broken, column, 0, None)
    agree(model, broken)


@pytest.mark.parametrize("name", list(MODELS))
def test_shape_breaks_go_to_pandera(name: str, base_frames: dict[str, pl.DataFrame]) -> None:
    model, frame = MODELS[name], base_frames[name]
    first = frame.columns[0]
    wrong_dtype = frame.with_columns(pl.col(first).cast(pl.Categorical))
    for broken in (frame.drop(first), frame.with_columns(pl.lit(1).alias("extra")), wrong_dtype):
        assert not passes(model, broken)
        assert not pandera_accepts(model, broken)


@pytest.mark.parametrize("name", list(MODELS))
def test_empty_frame(name: str, base_frames: dict[str, pl.DataFrame]) -> None:
    agree(MODELS[name], base_frames[name].clear())
