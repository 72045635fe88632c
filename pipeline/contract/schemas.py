"""The contract of every frame that reaches the warehouse, checked with pandera before loading.

Called explicitly as ``Model.validate(df, lazy=True)`` on eager frames (the Dagster type
integration has open bugs with polars), so every failure comes back at once as a frame that
``failures_summary`` turns into one readable ``ingest_errors`` message.
"""

from __future__ import annotations

from typing import Final, Optional

import pandera.polars as pa
import polars as pl

from pipeline.core.types import SOURCE_KINDS, SOURCE_PROSE

COMPARATORS: Final = [">=", "<=", "=", ">", "<"]
VALUE_KINDS: Final = ["quantitative", "date", "qualitative", "missing"]
DOCUMENT_KINDS: Final = ["target", "self_evaluation"]
DEPARTMENT_TARGET_SECTIONS: Final = ["总体绩效目标", "分项绩效目标"]
DOCUMENT_STATUSES: Final = ["loaded", "failed", "withdrawn"]
MAX_FAILURES_IN_MESSAGE: Final = 10


class DocumentFrame(pa.DataFrameModel):
    """One row per file seen in the raw folder."""

    document_id: pl.String = pa.Field(unique=True)
    source_file: pl.String = pa.Field(unique=True)
    sha256: pl.String = pa.Field(str_length={"min_value": 64, "max_value": 64})
    format: pl.String
    layout: Optional[pl.String] = pa.Field(nullable=True)
    layout_confidence: Optional[pl.Float64] = pa.Field(nullable=True, ge=0, le=1)
    low_confidence: Optional[pl.Boolean] = pa.Field(nullable=True)
    document_kind: Optional[pl.String] = pa.Field(nullable=True, isin=DOCUMENT_KINDS)
    status: pl.String = pa.Field(isin=DOCUMENT_STATUSES)
    town: Optional[pl.String] = pa.Field(nullable=True)
    county: Optional[pl.String] = pa.Field(nullable=True)
    county_code: Optional[pl.String] = pa.Field(nullable=True, str_matches=r"^\d{6}$")
    fiscal_year: Optional[pl.Int32] = pa.Field(nullable=True, ge=2000, le=2100)
    unit_code: Optional[pl.String] = pa.Field(nullable=True)
    unit_name: Optional[pl.String] = pa.Field(nullable=True)
    amount_unit: Optional[pl.String] = pa.Field(nullable=True, isin=["万元", "千元", "元"])
    unit_total_yuan: Optional[pl.Float64] = pa.Field(nullable=True, ge=0)
    missing_facts: Optional[pl.String] = pa.Field(nullable=True)
    project_count: pl.Int32 = pa.Field(ge=0)
    indicator_count: pl.Int32 = pa.Field(ge=0)
    parser_version: pl.String
    loaded_at: pl.Datetime

    class Config:
        strict = True


class ProjectFrame(pa.DataFrameModel):
    """One row per project table (header block) of a document."""

    project_id: pl.String = pa.Field(unique=True)
    document_id: pl.String
    table_no: pl.Int32 = pa.Field(ge=1, unique=True)
    project_code: Optional[pl.String] = pa.Field(nullable=True, str_matches=r"^\S+$")
    project_name: Optional[pl.String] = pa.Field(nullable=True)
    budget_yuan: Optional[pl.Float64] = pa.Field(nullable=True, ge=0)
    fiscal_funds_yuan: Optional[pl.Float64] = pa.Field(nullable=True, ge=0)
    other_funds_yuan: Optional[pl.Float64] = pa.Field(nullable=True, ge=0)
    amount_unit: Optional[pl.String] = pa.Field(nullable=True)
    budget_text: Optional[pl.String] = pa.Field(nullable=True)
    purpose: Optional[pl.String] = pa.Field(nullable=True)
    goals: Optional[pl.String] = pa.Field(nullable=True)
    spend_plan: pl.String
    source_file: pl.String
    source_page: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)
    source_line: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)
    source_locator: pl.String
    source_kind: pl.String = pa.Field(isin=list(SOURCE_KINDS))
    layout: pl.String
    linked_project_id: Optional[pl.String] = pa.Field(nullable=True)

    class Config:
        strict = True

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


class IndicatorFrame(pa.DataFrameModel):
    """One row per indicator row of a performance-target table."""

    indicator_id: pl.String = pa.Field(unique=True)
    project_id: pl.String
    document_id: pl.String
    table_no: pl.Int32 = pa.Field(ge=1)
    row_no: pl.Int32 = pa.Field(ge=1)
    level1_raw: Optional[pl.String] = pa.Field(nullable=True)
    level2_raw: Optional[pl.String] = pa.Field(nullable=True)
    level1: Optional[pl.String] = pa.Field(nullable=True)
    level2: Optional[pl.String] = pa.Field(nullable=True)
    category_note: Optional[pl.String] = pa.Field(nullable=True)
    level3: Optional[pl.String] = pa.Field(nullable=True)
    description: Optional[pl.String] = pa.Field(nullable=True)
    value_text: Optional[pl.String] = pa.Field(nullable=True)
    basis: Optional[pl.String] = pa.Field(nullable=True)
    comparator: Optional[pl.String] = pa.Field(nullable=True, isin=COMPARATORS)
    value_num: Optional[pl.Float64] = pa.Field(nullable=True)
    value_unit: Optional[pl.String] = pa.Field(nullable=True)
    value_kind: pl.String = pa.Field(isin=VALUE_KINDS)
    value_date: Optional[pl.Date] = pa.Field(nullable=True)
    value_std: Optional[pl.Float64] = pa.Field(nullable=True)
    unit_std: Optional[pl.String] = pa.Field(nullable=True)
    value_parse_note: Optional[pl.String] = pa.Field(nullable=True)
    actual_text: Optional[pl.String] = pa.Field(nullable=True)
    actual_num: Optional[pl.Float64] = pa.Field(nullable=True)
    is_core: pl.Boolean
    ocr_min_score: Optional[pl.Float64] = pa.Field(nullable=True, ge=0, le=1)
    source_file: pl.String
    source_page: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)
    source_line: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)

    class Config:
        strict = True

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


class DepartmentTargetFrame(pa.DataFrameModel):
    """One row per clause of a department-level sub-goal (or per goal without clauses)."""

    target_id: pl.String = pa.Field(unique=True)
    document_id: pl.String
    section: pl.String = pa.Field(isin=DEPARTMENT_TARGET_SECTIONS)
    goal_no: pl.Int32 = pa.Field(ge=0)
    goal_title: Optional[pl.String] = pa.Field(nullable=True)
    goal_text: Optional[pl.String] = pa.Field(nullable=True)
    clause_no: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)
    clause: Optional[pl.String] = pa.Field(nullable=True)
    comparator: Optional[pl.String] = pa.Field(nullable=True, isin=COMPARATORS)
    value_num: Optional[pl.Float64] = pa.Field(nullable=True)
    value_unit: Optional[pl.String] = pa.Field(nullable=True)
    value_kind: pl.String = pa.Field(isin=VALUE_KINDS)
    source_file: pl.String
    source_line: pl.Int32 = pa.Field(ge=1)

    class Config:
        strict = True

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


class ErrorFrame(pa.DataFrameModel):
    """One row per failure of a document at some stage."""

    document_id: pl.String
    source_file: pl.String
    sha256: Optional[pl.String] = pa.Field(nullable=True)
    stage: pl.String
    error_class: pl.String
    message: pl.String = pa.Field(str_length={"min_value": 1})
    recorded_at: pl.Datetime

    class Config:
        strict = True


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
