"""A one-query pass over a frame that says "pandera would accept this" — or "ask pandera".

``Model.validate(frame, lazy=True)`` costs ~60 ms on a frame of a few dozen rows, almost all of it
per-check overhead (a deep copy of each column component, one lazy ``collect`` per check), so it
was more than half of parsing a document. ``passes`` evaluates the same checks — the model's own
check functions, with pandera's null semantics — as one polars query, and is *conservative*: it
answers True only when every check certainly passes, and False on anything it does not model
(coercion, regex columns, element-wise checks, …) or when a check fails. The caller then runs
pandera itself, so a failing frame still gets pandera's verdict and messages; pandera stays the
contract, this only skips it for frames that satisfy it. tests/contract/test_schema_fastpath.py checks
``passes(frame) ⇒ pandera accepts frame`` on valid and damaged frames.

The checks' expressions do not depend on the data: each check function is called once per model
on a stand-in for the frame that records what it selects (``_Recorder``), and every frame is then
one eager ``select`` of those expressions — no lazy plan to build and optimise per frame. A check
that does anything but ``select`` on its frame makes the model "not modelled": pandera decides.

A batch of documents is checked in one query too (``failing_groups``): the same expressions
aggregated per document (``group_by("source_file")``), so each document is judged exactly as its
own frame would be — ``table_no`` unique within a document, row numbers unique within a table of
that document — and the answer names the documents pandera must look at, not just "the batch".
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any, Final

import pandera.backends.polars.builtin_checks  # noqa: F401 — registers the polars check functions
import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.engines import polars_engine

DTYPE_SETS_REMEMBERED: Final = 64
"""Frames of one model nearly always have the same dtypes: the dtype verdict is remembered per set."""


class _Recorder:
    """Stands in for the LazyFrame a check function is given: keeps the expressions it selects."""

    def __init__(self) -> None:
        self.selected: list[pl.Expr] = []

    def select(self, *exprs: pl.Expr) -> _Recorder:
        self.selected.extend(exprs)
        return self


def _check_expr(check: Any, key: str) -> pl.Expr | None:
    """One boolean expression: did every row pass this check (pandera's null reading)? None if not modelled."""
    if check.element_wise or getattr(check, "groupby", None) is not None:
        return None
    recorder = _Recorder()
    out = check._check_fn(PolarsData(recorder, key), **check._check_kwargs)  # type: ignore[arg-type]
    if out is True:
        return pl.lit(True)
    if out is not recorder or not recorder.selected:
        return None
    filled = [expr.fill_null(bool(check.ignore_na)) for expr in recorder.selected]
    return pl.all_horizontal(filled).all()


def _column_exprs(name: str, column: Any) -> list[pl.Expr] | None:
    """The column's null, uniqueness and check expressions (floats: NaN counts as null), or None."""
    exprs: list[pl.Expr] = []
    if not column.nullable:
        missing = pl.col(name).is_null()
        if column.dtype is not None and polars_engine.Engine.dtype(column.dtype).type.is_float():
            missing = missing | pl.col(name).is_nan()
        exprs.append(~missing.any())
    if column.unique:
        exprs.append(pl.col(name).is_unique().all())
    for check in column.checks:
        expr = _check_expr(check, name)
        if expr is None:
            return None
        exprs.append(expr)
    return exprs


@cache
def _model_exprs(model: type[pa.DataFrameModel]) -> tuple[pl.Expr, ...] | None:
    """Every check of the model as one-row boolean expressions, or None when one is not modelled."""
    schema = model.to_schema()
    exprs: list[pl.Expr] = []
    for name, column in schema.columns.items():
        column_exprs = _column_exprs(name, column)
        if column_exprs is None:
            return None
        exprs.extend(column_exprs)
    for check in schema.checks:
        expr = _check_expr(check, "*")
        if expr is None:
            return None
        exprs.append(expr)
    return tuple(expr.alias(f"check{index}") for index, expr in enumerate(exprs))


def _column_is_modelled(column: Any, dtype: pl.DataType | None) -> bool:
    """The column is there, with the model's dtype, and has no feature this pass does not model."""
    if dtype is None or column.regex or column.coerce or column.default is not None:
        return False
    return column.dtype is None or bool(column.dtype.check(polars_engine.Engine.dtype(dtype)))


@lru_cache(maxsize=DTYPE_SETS_REMEMBERED)
def _columns_are_modelled(model: type[pa.DataFrameModel], dtypes: tuple[tuple[str, pl.DataType], ...]) -> bool:
    """Every column of the model is modelled for a frame with these dtypes (asked once per model and dtypes)."""
    present = dict(dtypes)
    return all(_column_is_modelled(column, present.get(name)) for name, column in model.to_schema().columns.items())


def _schema_is_modelled(schema: Any, frame: pl.DataFrame) -> bool:
    if schema.coerce or schema.unique or schema.ordered or schema.add_missing_columns or schema.drop_invalid_rows:
        return False
    if schema.strict is True:
        return set(frame.columns) == set(schema.columns)
    return schema.strict is False


def passes(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    """True only if ``model.validate(frame, lazy=True)`` would accept the frame (see the module doc)."""
    try:
        return _passes(model, frame)
    except Exception:
        return False


def validate_frame(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> None:
    """``model.validate(frame, lazy=True)``, skipped when ``passes`` says pandera would accept the frame.

    Raises pandera's ``SchemaErrors`` when the frame breaks the model."""
    if not passes(model, frame):
        model.validate(frame, lazy=True)


def failing_groups(model: type[pa.DataFrameModel], frame: pl.DataFrame, key: str) -> frozenset[object] | None:
    """The values of ``key`` whose rows, taken as a frame of their own, pandera might reject.

    A frame of 100 documents' indicators with ``key="source_file"``: ``frozenset()`` when every
    document's rows certainly pass, ``{"乙镇.txt"}`` when that document's rows break a check (or
    might: the answer is as conservative as ``passes``), and None when the frame is not modelled
    at all (a wrong dtype, a missing column, a check this pass cannot read) — then every group
    must go to pandera. ``passes(model, rows of one group)`` is True for every group not named.
    """
    try:
        return _failing_groups(model, frame, key)
    except Exception:
        return None


def _modelled_exprs(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> tuple[pl.Expr, ...] | None:
    """The model's check expressions, or None when the frame has something this pass does not model."""
    schema = model.to_schema()
    if not _schema_is_modelled(schema, frame):
        return None
    if not _columns_are_modelled(model, tuple(frame.schema.items())):
        return None
    return _model_exprs(model)


def _passes(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    exprs = _modelled_exprs(model, frame)
    if exprs is None:
        return False
    return not exprs or all(frame.select(exprs).row(0))


def _failing_groups(model: type[pa.DataFrameModel], frame: pl.DataFrame, key: str) -> frozenset[object] | None:
    exprs = _modelled_exprs(model, frame)
    if exprs is None:
        return None
    if not exprs or frame.is_empty():
        return frozenset()
    verdicts = frame.group_by(key).agg(exprs)
    failing = verdicts.filter(~pl.all_horizontal(pl.exclude(key).fill_null(False)))
    return frozenset(failing[key].to_list())
