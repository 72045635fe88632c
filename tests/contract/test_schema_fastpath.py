"""``passes`` may skip pandera only for frames pandera accepts: passes(frame) ⇒ validate(frame) is fine.

Frames are the seeds' real frames, then the same frames damaged the ways a parser bug would damage
them (a null, a negative or out-of-range number, a duplicated key, a wrong dtype, a missing or an
extra column, a NaN, a broken code string).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandera.errors
import pandera.polars as pa
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.contract.fastpath import passes
from pipeline.contract.schemas import DepartmentTargetFrame, DocumentFrame, IndicatorFrame, ProjectFrame
from pipeline.core.errors import IngestError
from pipeline.parse.checks import validate_frames
from pipeline.parse.frames import DocumentFrames
from tests.conftest import SEEDS

Seed = Callable[[str], DocumentFrames]
MODELS: dict[str, type[pa.DataFrameModel]] = {
    "documents": DocumentFrame,
    "projects": ProjectFrame,
    "indicators": IndicatorFrame,
    "department_targets": DepartmentTargetFrame,
}


def frame_of(frames: DocumentFrames, name: str) -> pl.DataFrame:
    frame = getattr(frames, name)
    assert isinstance(frame, pl.DataFrame)
    return frame


def pandera_accepts(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    try:
        model.validate(frame, lazy=True)
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError):
        return False
    return True


@pytest.mark.parametrize("number", sorted(SEEDS))
@pytest.mark.parametrize("name", sorted(MODELS))
def test_real_frames_take_the_fast_path(seed: Seed, number: str, name: str) -> None:
    frame = frame_of(seed(number), name)
    assert passes(MODELS[name], frame)
    assert pandera_accepts(MODELS[name], frame)


def _damage(frame: pl.DataFrame, column: str, kind: str, row: int) -> pl.DataFrame:
    dtype = frame.schema[column]
    index = pl.int_range(pl.len()) == row
    if kind == "null":
        return frame.with_columns(pl.when(index).then(None).otherwise(pl.col(column)).alias(column))
    if kind == "duplicate_row":
        return pl.concat([frame, frame.slice(row, 1)])
    if kind == "drop_column":
        return frame.drop(column)
    if kind == "extra_column":
        return frame.with_columns(pl.lit(1).alias("unexpected"))
    if kind == "to_string":
        return frame.with_columns(pl.col(column).cast(pl.String))
    if dtype.is_numeric():
        bad = {"negative": -1, "huge": 10**9, "nan": float("nan")}.get(kind, 0)
        value = pl.lit(bad).cast(pl.Float64 if kind == "nan" else dtype, strict=False)
        if kind == "nan" and not dtype.is_float():
            value = pl.lit(None, dtype=dtype)
        return frame.with_columns(pl.when(index).then(value).otherwise(pl.col(column)).alias(column))
    if dtype == pl.String:
        bad_text = {"negative": "-1", "huge": "x" * 80, "nan": " 有 空格 "}.get(kind, "")
        return frame.with_columns(pl.when(index).then(pl.lit(bad_text)).otherwise(pl.col(column)).alias(column))
    return frame.with_columns(pl.when(index).then(None).otherwise(pl.col(column)).alias(column))


KINDS = ("null", "duplicate_row", "drop_column", "extra_column", "to_string", "negative", "huge", "nan", "blank")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.sampled_from(sorted(SEEDS)),
    name=st.sampled_from(sorted(MODELS)),
    column_pick=st.integers(min_value=0, max_value=200),
    kind=st.sampled_from(KINDS),
    row_pick=st.integers(min_value=0, max_value=500),
)
def test_fast_path_never_accepts_what_pandera_rejects(
    seed: Seed, number: str, name: str, column_pick: int, kind: str, row_pick: int
) -> None:
    frame = frame_of(seed(number), name)
    if frame.height == 0:
        return
    column = frame.columns[column_pick % frame.width]
    damaged = _damage(frame, column, kind, row_pick % frame.height)
    if passes(MODELS[name], damaged):
        assert pandera_accepts(MODELS[name], damaged), (name, column, kind)


@pytest.mark.parametrize(
    ("name", "column", "kind"),
    [
        ("indicators", "indicator_id", "duplicate_row"),
        ("indicators", "row_no", "negative"),
        ("indicators", "value_kind", "blank"),
        ("projects", "budget_yuan", "negative"),
        ("projects", "source_kind", "blank"),
        ("documents", "sha256", "huge"),
        ("documents", "fiscal_year", "huge"),
        ("documents", "status", "null"),
        ("indicators", "is_core", "to_string"),
        ("projects", "layout", "drop_column"),
        ("projects", "layout", "extra_column"),
    ],
)
def test_damage_is_caught_by_both(seed: Seed, name: str, column: str, kind: str) -> None:
    """Each damage here breaks the contract: the fast path must say so, and pandera too."""
    damaged = _damage(frame_of(seed("003"), name), column, kind, 0)
    assert not passes(MODELS[name], damaged)
    assert not pandera_accepts(MODELS[name], damaged)


def test_a_damaged_document_fails_validation_with_pandera_message(seed: Seed) -> None:
    frames = seed("003")
    broken = frames.projects.with_columns(pl.lit(-5.0).alias("budget_yuan"))
    with pytest.raises(IngestError) as caught:
        validate_frames(dataclasses.replace(frames, projects=broken))
    assert caught.value.error_class == "validation_failed"
    assert caught.value.message.startswith("projects: ")
    assert "budget_yuan" in caught.value.message
