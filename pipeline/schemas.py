"""The contract of every frame that reaches the warehouse, checked with pandera before loading.

Called explicitly as ``Model.validate(df, lazy=True)`` on eager frames (the Dagster type
integration has open bugs with polars), so every failure comes back at once as a frame that
``failures_summary`` turns into one readable ``ingest_errors`` message.
"""

from __future__ import annotations

from typing import Final, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.backends.polars.checks import PolarsCheckBackend

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

    class Config:
        strict = True

    @pa.dataframe_check
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
    source_file: pl.String
    source_page: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)
    source_line: Optional[pl.Int32] = pa.Field(nullable=True, ge=1)

    class Config:
        strict = True

    @pa.dataframe_check
    def actual_num_read_from_actual_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An actual number only comes from an actual value as written (self-evaluation tables), and is finite."""
        actual = pl.col("actual_num")
        return data.lazyframe.select(actual.is_null() | (pl.col("actual_text").is_not_null() & actual.is_finite()))

    @pa.dataframe_check
    def row_numbers_unique_per_table(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct("table_no", "row_no").is_duplicated())

    @pa.dataframe_check
    def has_level3_or_description(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An indicator row names what it measures; a row with neither is an extraction error."""
        return data.lazyframe.select(pl.col("level3").is_not_null() | pl.col("description").is_not_null())

    @pa.dataframe_check
    def value_num_finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value_num").is_null() | pl.col("value_num").is_finite())

    @pa.dataframe_check
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


def validate(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> None:
    """``model.validate(frame, lazy=True)``, skipped when one polars pass proves it would pass.

    pandera runs one lazy ``collect`` per check per column (~250 per document); ``passes`` asks
    the same questions of the same checks in a single ``collect``. Only a frame that does not
    plainly pass goes to pandera, so every failure and its message are still pandera's own.
    """
    if not passes(model.to_schema(), frame):
        model.validate(frame, lazy=True)


def passes(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> bool:
    """Whether pandera would accept ``frame``: same dtype tests, null/NaN and duplicate rules, checks.

    Conservative: False whenever the schema uses a feature this pass does not mirror (coercion,
    optional or regex columns, element-wise checks, frame-level options) or anything raises, so
    the caller falls back to pandera. Only True is a verdict.
    """
    try:
        verdicts = _verdicts(schema, frame)
    except Exception:  # noqa: BLE001 — any surprise means: let pandera decide
        return False
    if verdicts is None:
        return False
    return not verdicts or all(pl.concat(verdicts, how="horizontal").collect().row(0))


def _mirrored(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> bool:
    """The schema only uses what ``_verdicts`` mirrors, and the frame has exactly its columns

    (so whether a column is ``required`` does not matter: every one is present).
    """
    frame_level = (schema.coerce, schema.unique, schema.ordered, schema.add_missing_columns, schema.drop_invalid_rows)
    columns = schema.columns.values()
    plain_columns = all(
        not c.regex and not c.coerce and not c.drop_invalid_rows and c.dtype is not None
        and not any(check.element_wise for check in c.checks)
        for c in columns
    )
    plain_checks = not any(check.element_wise for check in schema.checks)
    return (schema.strict is True and not any(frame_level) and plain_columns and plain_checks
            and set(frame.columns) == set(schema.columns))


def _check_output(check: pa.Check, data: PolarsData) -> pl.LazyFrame | bool:
    """What pandera's ``Check.__call__`` computes before reducing: the builtin function reloaded
    for the polars types registered since the check was made, applied by the polars backend."""
    builtin_name = getattr(check._check_fn, "__name__", None)
    if builtin_name is not None and check.is_builtin_check(builtin_name):
        check._check_fn = check.get_builtin_check_fn(builtin_name)
    output: pl.LazyFrame | bool = PolarsCheckBackend(check).apply(data)
    return output


def _check_verdict(output: pl.LazyFrame | bool, ignore_na: bool, alias: str) -> pl.LazyFrame:
    """A check's output reduced to one boolean, with pandera's reading of nulls (ignore_na)."""
    if isinstance(output, bool):
        return pl.LazyFrame({alias: [output]})
    result = pl.first()
    result = (result | result.is_null()) if ignore_na else result.fill_null(False)
    return output.select(result.all().alias(alias))


def _verdicts(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> list[pl.LazyFrame] | None:
    """One single-row boolean frame per test pandera would run; None if it cannot be mirrored."""
    if not _mirrored(schema, frame):
        return None
    lazy = frame.lazy()
    schema.register_default_backends(pl.LazyFrame)
    if pa.Check.get_backend(lazy) is not PolarsCheckBackend:
        return None
    core: list[pl.Expr] = []
    verdicts: list[pl.LazyFrame] = []
    for name, column in schema.columns.items():
        if not column.dtype.check(frame.schema[name], PolarsData(lazy.select(name), name)):
            return None
        if not column.nullable:
            present = pl.col(name).is_not_null()
            if frame.schema[name].is_float():
                present = present & pl.col(name).is_not_nan()
            core.append(present.all())
        if column.unique:
            core.append(~pl.col(name).is_duplicated().any())
        for check in column.checks:
            output = _check_output(check, PolarsData(lazy, name))
            verdicts.append(_check_verdict(output, check.ignore_na, f"check{len(verdicts)}"))
    for check in schema.checks:
        output = _check_output(check, PolarsData(lazy, "*"))
        verdicts.append(_check_verdict(output, check.ignore_na, f"check{len(verdicts)}"))
    if core:
        verdicts.append(lazy.select(pl.all_horizontal(core).alias("core")))
    return verdicts


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
