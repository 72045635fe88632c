"""The contract of every frame that reaches the warehouse, checked with pandera before loading.

Each model is built from its table's declaration in ``tables.py`` (one field per column: dtype,
nullability, uniqueness, allowed values, range, pattern, length) by ``frame_model``; what is
written here are only the rules across columns, such as "a quantitative row has a number".

Called explicitly as ``Model.validate(df, lazy=True)`` on eager frames (the Dagster type
integration has open bugs with polars), so every failure comes back at once as a frame that
``failures_summary`` turns into one readable ``ingest_errors`` message.
"""

from __future__ import annotations

from typing import Any, Final, Optional

import pandera.polars as pa
import polars as pl

from pipeline.contract.columns import Column, Table
from pipeline.contract.tables import (
    DEPARTMENT_TARGETS,
    DOCUMENTS,
    INDICATORS,
    INGEST_ERRORS,
    PROJECTS,
)
from pipeline.core.types import SOURCE_PROSE

__all__ = [
    "DepartmentTargetFrame",
    "DocumentFrame",
    "ErrorFrame",
    "IndicatorFrame",
    "ProjectFrame",
    "failures_summary",
]

MAX_FAILURES_IN_MESSAGE: Final = 10


def _field(column: Column) -> Any:
    """The pandera field of a declared column: ``Column("fiscal_year", INTEGER, …, minimum=2000)``
    becomes ``pa.Field(nullable=True, ge=2000)``."""
    checks: dict[str, Any] = {}
    if column.allowed is not None:
        checks["isin"] = list(column.allowed)
    if column.minimum is not None:
        checks["ge"] = column.minimum
    if column.maximum is not None:
        checks["le"] = column.maximum
    if column.pattern is not None:
        checks["str_matches"] = column.pattern
    if column.min_length is not None or column.max_length is not None:
        length = {"min_value": column.min_length, "max_value": column.max_length}
        checks["str_length"] = {bound: value for bound, value in length.items() if value is not None}
    unique = column.is_unique or column.unique_per_document
    return pa.Field(nullable=column.is_nullable, unique=unique, **checks)


def _annotation(column: Column) -> Any:
    """The polars dtype class pandera checks (any time unit for a timestamp); ``Optional`` when
    nullable, which pandera reads as a nullable column (it does not understand ``X | None``)."""
    dtype = type(column.type.polars)
    return Optional[dtype] if column.is_nullable else dtype


def frame_model(table: Table, checks: type[pa.DataFrameModel]) -> type[pa.DataFrameModel]:
    """The strict pandera model of a raw table: its declared columns, plus the frame-level checks
    (rules across columns such as "a quantitative row has a number") defined on ``checks``."""

    class Config:
        strict = True

    namespace: dict[str, Any] = {
        "__annotations__": {c.name: _annotation(c) for c in table.columns},
        **{c.name: _field(c) for c in table.columns},
        "Config": Config,
        "__doc__": table.description,
        "__module__": __name__,
    }
    model_name = checks.__name__.strip("_").removesuffix("Checks") + "Frame"  # _IndicatorChecks → IndicatorFrame
    return type(model_name, (checks,), namespace)


class _DocumentChecks(pa.DataFrameModel):
    """A document row's rules are all column rules."""


class _ProjectChecks(pa.DataFrameModel):
    """Rules across a project's columns."""

    @pa.dataframe_check
    @classmethod
    def only_prose_restates(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Only a prose project is linked to another (the table of the same project), never to itself."""
        linked = pl.col("linked_project_id")
        return data.lazyframe.select(
            linked.is_null() | ((pl.col("source_kind") == SOURCE_PROSE) & (linked != pl.col("project_id")))
        )

    @pa.dataframe_check
    @classmethod
    def named(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A project is known by its code or its name; a table with neither is not a project."""
        return data.lazyframe.select(pl.col("project_code").is_not_null() | pl.col("project_name").is_not_null())


class _IndicatorChecks(pa.DataFrameModel):
    """Rules across an indicator row's columns."""

    @pa.dataframe_check
    @classmethod
    def actual_num_read_from_actual_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An actual number only comes from an actual value as written (self-evaluation tables), and is finite."""
        actual = pl.col("actual_num")
        return data.lazyframe.select(actual.is_null() | (pl.col("actual_text").is_not_null() & actual.is_finite()))

    @pa.dataframe_check
    @classmethod
    def row_numbers_unique_per_table(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct("table_no", "row_no").is_duplicated())

    @pa.dataframe_check
    @classmethod
    def has_level3_or_description(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An indicator row names what it measures: its 三级, its description, or — in a two-level
        table (指标类型 | 指标名称 | 指标值 holding ``数量指标 | 375万平方米``) — its 二级 label."""
        named = pl.col("level3").is_not_null() | pl.col("description").is_not_null()
        return data.lazyframe.select(named | pl.col("level2_raw").is_not_null())

    @pa.dataframe_check
    @classmethod
    def value_num_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value_num").is_null() | pl.col("value_num").is_finite())

    @pa.dataframe_check
    @classmethod
    def kind_matches_columns(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """quantitative ⇔ a number was read; a date kind carries no number; missing has no text."""
        kind = pl.col("value_kind")
        return data.lazyframe.select(
            pl.when(kind == "quantitative")
            .then(pl.col("value_num").is_not_null())
            .when(kind == "date")
            .then(pl.col("value_num").is_null())
            .when(kind == "missing")
            .then(pl.col("value_text").is_null())
            .otherwise(pl.lit(True))
        )

    @pa.dataframe_check
    @classmethod
    def located(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every row can be found again in its source: a line or a page."""
        return data.lazyframe.select(pl.col("source_line").is_not_null() | pl.col("source_page").is_not_null())


class _DepartmentTargetChecks(pa.DataFrameModel):
    """Rules across a department target's columns."""

    @pa.dataframe_check
    @classmethod
    def kind_matches_columns(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """quantitative ⇔ a number was read; missing ⇔ no clause."""
        kind = pl.col("value_kind")
        return data.lazyframe.select(
            pl.when(kind == "quantitative")
            .then(pl.col("value_num").is_not_null() & pl.col("value_num").is_finite())
            .otherwise(pl.col("value_num").is_null())
            & ((kind == "missing") == pl.col("clause").is_null())
        )


class _ErrorChecks(pa.DataFrameModel):
    """An ingest_errors row's rules are all column rules."""


DocumentFrame: Final = frame_model(DOCUMENTS, _DocumentChecks)
"""One row per file seen in the raw folder."""
ProjectFrame: Final = frame_model(PROJECTS, _ProjectChecks)
"""One row per project table (header block) of a document."""
IndicatorFrame: Final = frame_model(INDICATORS, _IndicatorChecks)
"""One row per indicator row of a performance-target table."""
DepartmentTargetFrame: Final = frame_model(DEPARTMENT_TARGETS, _DepartmentTargetChecks)
"""One row per clause of a department-level sub-goal (or per goal without clauses)."""
ErrorFrame: Final = frame_model(INGEST_ERRORS, _ErrorChecks)
"""One row per failure of a document at some stage."""


def failures_summary(failure_cases: pl.DataFrame) -> str:
    """A pandera failure frame as one message a person can act on: which check, column and rows."""
    parts = []
    for row in failure_cases.head(MAX_FAILURES_IN_MESSAGE).iter_rows(named=True):
        where = f"column {row['column']}" if row.get("column") else "frame"
        parts.append(f"{row['check']} failed on {where} (row {row.get('index')}: {row.get('failure_case')!r})")
    more = failure_cases.height - MAX_FAILURES_IN_MESSAGE
    if more > 0:
        parts.append(f"… and {more} more")
    return "; ".join(parts)
