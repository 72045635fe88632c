"""A one-query pass over a frame that says "pandera would accept this" — or "ask pandera".

``Model.validate(frame, lazy=True)`` costs ~60 ms on a frame of a few dozen rows, almost all of it
per-check overhead (a deep copy of each column component, one lazy ``collect`` per check), so it
was more than half of parsing a document. ``passes`` evaluates the same checks — the model's own
check functions, with pandera's null semantics — as one polars query, and is *conservative*: it
answers True only when every check certainly passes, and False on anything it does not model
(coercion, regex columns, element-wise checks, …) or when a check fails. The caller then runs
pandera itself, so a failing frame still gets pandera's verdict and messages; pandera stays the
contract, this only skips it for frames that satisfy it. tests/test_schema_fastpath.py checks
``passes(frame) ⇒ pandera accepts frame`` on valid and damaged frames.
"""

from __future__ import annotations

from typing import Any

import pandera.backends.polars.builtin_checks  # noqa: F401 — registers the polars check functions
import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.engines import polars_engine

_FLOAT_TYPES = (pl.Float32, pl.Float64)


def _reduce(out: pl.LazyFrame, ignore_na: bool, alias: str) -> pl.LazyFrame:
    """A check's row-wise boolean output → one row, one column: did every row pass?"""
    filled = [pl.col(name).fill_null(ignore_na) for name in out.collect_schema().names()]
    return out.select(pl.all_horizontal(filled).all().alias(alias))


def _check_results(check: Any, data: PolarsData, alias: str) -> pl.LazyFrame | bool:
    if check.element_wise or getattr(check, "groupby", None) is not None:
        return False
    out = check._check_fn(data, **check._check_kwargs)
    if isinstance(out, bool):
        return out
    return _reduce(out, bool(check.ignore_na), alias)


def _column_is_modelled(column: Any, dtype: pl.DataType | None) -> bool:
    """The column is there, with the model's dtype, and has no feature this pass does not model."""
    if dtype is None or column.regex or column.coerce or column.default is not None:
        return False
    return column.dtype is None or bool(column.dtype.check(polars_engine.Engine.dtype(dtype)))


def _column_results(name: str, column: Any, dtype: pl.DataType, lazy: pl.LazyFrame) -> list[pl.LazyFrame] | None:
    """Per-check one-row results for a column, or None when a check surely fails or is not modelled."""
    results: list[pl.LazyFrame] = []
    if not column.nullable:
        missing = pl.col(name).is_null()
        if isinstance(dtype, _FLOAT_TYPES):
            missing = missing | pl.col(name).is_nan()
        results.append(lazy.select((~missing.any()).alias(f"{name}:not_null")))
    if column.unique:
        results.append(lazy.select(pl.col(name).is_unique().all().alias(f"{name}:unique")))
    for index, check in enumerate(column.checks):
        result = _check_results(check, PolarsData(lazy, name), f"{name}:{index}")
        if result is False:
            return None
        if isinstance(result, pl.LazyFrame):
            results.append(result)
    return results


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
    except Exception:  # noqa: BLE001 — any doubt means "ask pandera"
        return False


def _passes(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> bool:
    schema = model.to_schema()
    if not _schema_is_modelled(schema, frame):
        return False
    dtypes = dict(frame.schema)
    if not all(_column_is_modelled(column, dtypes.get(name)) for name, column in schema.columns.items()):
        return False
    lazy = frame.lazy()
    results: list[pl.LazyFrame] = []
    for name, column in schema.columns.items():
        column_results = _column_results(name, column, dtypes[name], lazy)
        if column_results is None:
            return False
        results.extend(column_results)
    for index, check in enumerate(schema.checks):
        result = _check_results(check, PolarsData(lazy, "*"), f"frame:{index}")
        if result is False:
            return False
        if isinstance(result, pl.LazyFrame):
            results.append(result)
    if not results:
        return True
    verdicts = pl.concat(results, how="horizontal").collect()
    return bool(verdicts.select(pl.all_horizontal(pl.all())).item())
