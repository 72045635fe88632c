"""The vocabulary of a warehouse declaration: a column's type, meaning and checks, a table's columns and key.

A column is declared once, as a ``Column`` in ``tables.py``, and everything else is read from it:
the polars dtype the frame builders use, the pandera check the frame must pass before loading, the
DuckDB type of the raw table, dbt's ``sources.yml`` and the staging models' column YAML (with
their tests), the ``{% docs %}`` block a mart passing the column through refers to, and the column
tables of ``docs/raw_layer.md``. So ``Column("fiscal_year", INTEGER, "Budget year …", minimum=2000,
maximum=2100)`` is an Int32 in polars, ``pa.Field(nullable=True, ge=2000, le=2100)`` in pandera and
``INTEGER`` in DuckDB and dbt, with the same sentence everywhere it is described.

The checks are the ones both sides can state: nullability, uniqueness, allowed values, a range,
a pattern and a text length become pandera fields; nullability, warehouse-wide uniqueness,
allowed values and references become dbt tests on the staging model (a range or a pattern is
checked once, before loading, and again in the marts where analysts rely on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl


@dataclass(frozen=True)
class ColumnType:
    """One type as each side spells it: polars for the frames, DuckDB for the raw tables and dbt."""

    polars: pl.DataType
    duckdb: str


VARCHAR: Final = ColumnType(pl.String(), "VARCHAR")
INTEGER: Final = ColumnType(pl.Int32(), "INTEGER")
DOUBLE: Final = ColumnType(pl.Float64(), "DOUBLE")
BOOLEAN: Final = ColumnType(pl.Boolean(), "BOOLEAN")
DATE: Final = ColumnType(pl.Date(), "DATE")
TIMESTAMP: Final = ColumnType(pl.Datetime("us"), "TIMESTAMP")


@dataclass(frozen=True)
class Reference:
    """The column holds a key of another raw table (``Reference("documents", "document_id")``);
    staging tests it with dbt's ``relationships`` against that table's staging model."""

    table: str
    column: str


@dataclass(frozen=True)
class Column:
    """One column of a raw table: its name, type, meaning and the checks every row must pass.

    ``key`` marks the column that identifies a row across the warehouse (``project_id``): unique
    and never null. ``nullable`` False means every row has a value (pandera rejects the frame,
    dbt's ``not_null`` fails). ``unique`` is unique across the warehouse (``source_file`` of a
    document);
    ``unique_per_document`` only within one document's frame (``table_no`` repeats across
    documents). ``staged_type`` is the type staging casts to when it is not the raw type
    (``spend_plan`` is stored as text and staged as ``JSON``); ``blank_is_null`` makes staging
    read ``''`` as null (a ``sha256`` the loader could not compute); ``required_where`` is a SQL
    condition under which staging requires a value even though the raw column allows blanks.
    """

    name: str
    type: ColumnType
    description: str
    key: bool = False
    nullable: bool = True
    unique: bool = False
    unique_per_document: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    references: Reference | None = None
    staged_type: str | None = None
    blank_is_null: bool = False
    required_where: str | None = None

    @property
    def is_nullable(self) -> bool:
        return self.nullable and not self.key

    @property
    def is_unique(self) -> bool:
        return self.unique or self.key

    def checks_in_words(self) -> str:
        """The column's checks as the docs write them: ``not null, one of: loaded, failed, withdrawn``."""
        words = ["key"] if self.key else [] if self.nullable else ["not null"]
        if self.unique:
            words.append("unique")
        if self.unique_per_document:
            words.append("unique per document")
        if self.allowed is not None:
            words.append("one of: " + ", ".join(self.allowed))
        if self.minimum is not None:
            words.append(f">= {self.minimum:g}")
        if self.maximum is not None:
            words.append(f"<= {self.maximum:g}")
        if self.pattern is not None:
            words.append(f"matches `{self.pattern}`")
        if self.min_length is not None and self.min_length == self.max_length:
            words.append(f"{self.min_length} characters")
        else:
            if self.min_length is not None:
                words.append(f"at least {self.min_length} characters")
            if self.max_length is not None:
                words.append(f"at most {self.max_length} characters")
        if self.references is not None:
            words.append(f"→ {self.references.table}.{self.references.column}")
        if self.required_where is not None:
            words.append(f"set where {self.required_where}")
        return ", ".join(words)


@dataclass(frozen=True)
class Table:
    """One raw table: its name in the ``raw`` schema, what one row is (its grain, as
    ``description``), and its columns in order."""

    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> str | None:
        """The column that identifies a row across the warehouse; None for a log such as ingest_errors."""
        return next((c.name for c in self.columns if c.key), None)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def polars_schema(self) -> dict[str, pl.DataType]:
        """Column name → polars dtype, in order: the schema the frame builders build to."""
        return {c.name: c.type.polars for c in self.columns}
