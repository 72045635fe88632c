"""Turning an ``Extraction`` into the typed, keyed rows of the warehouse, and rows into polars frames.

Here the cells as written become comparable: money in 元 whatever the document's unit line says,
indicator values typed (comparator, number, unit, date), level1/level2 on canonical names with the
text as written kept beside them. Keys are derived from the source file so that re-running a
document replaces exactly its own rows.

A document's rows are plain Python (``DocumentRows``: one dict per row, every row carrying its
``source_file`` and page or line): that is what a parser worker hands back. Frames are built per
batch (``batch_frames``): one polars frame per raw table for 100 documents, so polars' fixed cost
per column is paid once a batch, not once a document (building and checking: 0.45 ms a document
instead of ~3 ms, bench/results.md). A single document's frames (``DocumentFrames``) are a batch of one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Final, TypeAlias

import polars as pl

from pipeline.contract.tables import DEPARTMENT_TARGETS, DOCUMENTS, INDICATORS, INGEST_ERRORS, PROJECTS
from pipeline.core.categories import canonical_categories
from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.money import to_yuan
from pipeline.core.text import CACHED_STRINGS, clean_text, may_keep
from pipeline.core.types import CORE_MARK, DocumentMeta, Extraction, IndicatorRecord, ProjectRecord
from pipeline.core.version import PARSER_VERSION
from pipeline.parse.department import DepartmentTarget
from pipeline.parse.reader.links import restatement_links
from pipeline.parse.values import parse_value

DOCUMENT_ID_LENGTH: Final = 16
SOURCE_KEY: Final = "source_file"
"""The column every raw table carries that names the document a row comes from."""
Row: TypeAlias = dict[str, object]
FrameSchema: TypeAlias = Mapping[str, pl.DataType | type[pl.DataType]]
"""Column name → polars dtype of a frame the warehouse loads, read from its declaration in
``pipeline.contract.tables``."""

DOCUMENT_SCHEMA: Final[FrameSchema] = DOCUMENTS.polars_schema()
PROJECT_SCHEMA: Final[FrameSchema] = PROJECTS.polars_schema()
INDICATOR_SCHEMA: Final[FrameSchema] = INDICATORS.polars_schema()
DEPARTMENT_TARGET_SCHEMA: Final[FrameSchema] = DEPARTMENT_TARGETS.polars_schema()
ERROR_SCHEMA: Final[FrameSchema] = INGEST_ERRORS.polars_schema()


@dataclass(frozen=True)
class DocumentFrames:
    """Everything one document contributes to the warehouse; loaded (and replaced) together."""

    source_file: str
    documents: pl.DataFrame
    projects: pl.DataFrame
    indicators: pl.DataFrame
    errors: pl.DataFrame
    withdrawn: bool = False
    """The file is gone from the raw folder: its rows stay as history, marked withdrawn."""
    department_targets: pl.DataFrame = field(default_factory=lambda: empty_frame(DEPARTMENT_TARGET_SCHEMA))
    """The department-level targets (部门整体绩效目标) read from the prose; empty when none or failed."""

    def tables(self) -> dict[str, pl.DataFrame]:
        """Raw table name → this document's frame for it."""
        return dict(zip(TABLE_NAMES, _in_table_order(self), strict=True))


@dataclass(frozen=True)
class DocumentRows:
    """Everything one document contributes to the warehouse, as plain rows: what a worker returns.

    ``documents`` holds the one dim_document row (``status`` loaded, failed or withdrawn); each
    row of every table carries ``source_file``, so rows of many documents can share one frame and
    still be told apart.
    """

    source_file: str
    documents: list[Row]
    projects: list[Row] = field(default_factory=list)
    indicators: list[Row] = field(default_factory=list)
    errors: list[Row] = field(default_factory=list)
    department_targets: list[Row] = field(default_factory=list)
    withdrawn: bool = False

    @property
    def status(self) -> str:
        return str(self.documents[0]["status"])


@dataclass(frozen=True)
class BatchFrames:
    """Many documents' frames: one polars frame per raw table, each row keyed by ``source_file``.

    ``source_files`` lists the documents in the order they were parsed; ``withdrawn`` those whose
    file is gone (their rows stay as history, only their status changes).
    """

    source_files: tuple[str, ...]
    documents: pl.DataFrame
    projects: pl.DataFrame
    indicators: pl.DataFrame
    errors: pl.DataFrame
    department_targets: pl.DataFrame
    withdrawn: frozenset[str] = frozenset()

    def tables(self) -> dict[str, pl.DataFrame]:
        """Raw table name → the batch's frame for it."""
        return dict(zip(TABLE_NAMES, _in_table_order(self), strict=True))

    def only(self, source_files: frozenset[str]) -> BatchFrames:
        """The batch cut down to some of its documents (a document loaded alone after its batch failed)."""
        kept = pl.col(SOURCE_KEY).is_in(list(source_files))
        return _batch(
            tuple(name for name in self.source_files if name in source_files),
            [frame.filter(kept) for frame in _in_table_order(self)],
            self.withdrawn & source_files,
        )

    def split(self) -> Iterator[DocumentFrames]:
        """Each document's own frames, in order (for the lake's file per document, and ``parse_document``)."""
        if len(self.source_files) == 1:
            (name,) = self.source_files
            yield _document(name, _in_table_order(self), name in self.withdrawn)
            return
        parts = [frame.partition_by(SOURCE_KEY, as_dict=True) for frame in _in_table_order(self)]
        empties = [frame.clear() for frame in _in_table_order(self)]
        for name in self.source_files:
            tables = [part.get((name,), empty) for part, empty in zip(parts, empties, strict=True)]
            yield _document(name, tables, name in self.withdrawn)

    def rows_per_document(self) -> dict[str, dict[str, int]]:
        """Source file → raw table → how many rows the document brings to it (0 included)."""
        counts = {name: dict.fromkeys(TABLE_NAMES, 0) for name in self.source_files}
        for table, frame in self.tables().items():
            for name, rows in frame.group_by(SOURCE_KEY).len().iter_rows():
                counts[name][table] = rows
        return counts

    @classmethod
    def of(cls, frames: Sequence[DocumentFrames]) -> BatchFrames:
        """Documents' own frames put together (frames built one document at a time, as tests do)."""
        columns = zip(*(_in_table_order(document) for document in frames), strict=True)
        return _batch(
            tuple(document.source_file for document in frames),
            [pl.concat(list(parts), how="diagonal_relaxed") for parts in columns],
            frozenset(document.source_file for document in frames if document.withdrawn),
        )


def _in_table_order(frames: DocumentFrames | BatchFrames) -> tuple[pl.DataFrame, ...]:
    return frames.documents, frames.projects, frames.indicators, frames.errors, frames.department_targets


def _batch(source_files: tuple[str, ...], tables: Sequence[pl.DataFrame], withdrawn: frozenset[str]) -> BatchFrames:
    documents, projects, indicators, errors, department_targets = tables
    return BatchFrames(source_files, documents, projects, indicators, errors, department_targets, withdrawn)


def _document(source_file: str, tables: Sequence[pl.DataFrame], withdrawn: bool) -> DocumentFrames:
    documents, projects, indicators, errors, department_targets = tables
    return DocumentFrames(source_file, documents, projects, indicators, errors, withdrawn, department_targets)


TABLE_NAMES: Final = (DOCUMENTS.name, PROJECTS.name, INDICATORS.name, INGEST_ERRORS.name, DEPARTMENT_TARGETS.name)
"""The raw tables in the order ``_in_table_order`` gives a document's or a batch's frames."""
TABLE_SCHEMAS: Final = (
    DOCUMENT_SCHEMA, PROJECT_SCHEMA, INDICATOR_SCHEMA, ERROR_SCHEMA, DEPARTMENT_TARGET_SCHEMA
)


def batch_frames(parsed: Sequence[DocumentRows]) -> BatchFrames:
    """One frame per raw table for all these documents' rows (built, not checked: see ``parse.checks``)."""
    rows: tuple[list[Row], ...] = ([], [], [], [], [])
    for document in parsed:
        for kept, more in zip(rows, _rows_in_table_order(document), strict=True):
            kept.extend(more)
    return _batch(
        tuple(document.source_file for document in parsed),
        [_frame(table, schema) for table, schema in zip(rows, TABLE_SCHEMAS, strict=True)],
        frozenset(document.source_file for document in parsed if document.withdrawn),
    )


def document_frames(rows: DocumentRows) -> DocumentFrames:
    """One document's frames, unchecked."""
    return next(batch_frames([rows]).split())


def _rows_in_table_order(document: DocumentRows) -> tuple[list[Row], ...]:
    return document.documents, document.projects, document.indicators, document.errors, document.department_targets


@dataclass(frozen=True)
class SourceInfo:
    """What is known of a file before any layout looks at it."""

    source_file: str
    sha256: str
    format: str
    file_stat: str = ""
    """The file's status before it was read (``pipeline.parse.read.files.file_stat``); blank when it was not read."""


def document_id(source_file: str) -> str:
    """Stable across edits of the file, so a changed file replaces its own rows."""
    return hashlib.sha1(source_file.encode("utf-8")).hexdigest()[:DOCUMENT_ID_LENGTH]


def project_id(doc_id: str, table_no: int) -> str:
    return f"{doc_id}-p{table_no:03d}"


def indicator_id(project: str, row_no: int) -> str:
    """The id of row ``row_no`` of the project whose id is ``project``: ``…-p002-r014``."""
    return f"{project}-r{row_no:03d}"


_PLAN_ENCODER: Final = json.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(…, ensure_ascii=False)`` builds on every call, built once: an encoder keeps no
state between ``encode`` calls."""


def _spend_plan_json(plan: tuple[tuple[str, str], ...]) -> str:
    """The plan as JSON; most projects state none, and ``[]`` is what ``json.dumps`` writes for it
    (without a call through the encoder for every project)."""
    if not plan:
        return "[]"
    return _PLAN_ENCODER.encode([{"label": label, "share": share} for label, share in plan])


@lru_cache(maxsize=CACHED_STRINGS)
def _yuan(text: str | None, unit: str | None) -> float | None:
    """``to_yuan``, remembered: a project's budget is most often also its 财政拨款 (``6.30`` twice),
    and amounts such as ``0.00`` recur in every document."""
    return to_yuan(text, unit)


def _is_core(row: IndicatorRecord) -> bool:
    """Marked core, or its 三级指标 cleans to text starting with ★. A cell whose cleaning cannot keep ★
    (``may_keep``: it holds neither ★ nor an entity) is not cleaned to look."""
    return row.is_core or (
        row.level3 is not None and may_keep(row.level3, CORE_MARK) and clean_text(row.level3).startswith(CORE_MARK)
    )


def budget_yuan(project: ProjectRecord, unit: str | None) -> float | None:
    """The project's budget in 元: as written, or — when the form states its parts but leaves the
    total blank (年度资金总额 with nothing beside it, then 财政拨款小计 6.30 and 自有资金小计 0.00) — the
    sum of its parts, as 资金总额 = 财政拨款 + 其他资金 holds on every well-formed form."""
    written = _yuan(project.budget_text, unit)
    if written is not None or project.budget_text is not None:
        return written
    fiscal, other = _yuan(project.fiscal_funds_text, unit), _yuan(project.other_funds_text, unit)
    return None if fiscal is None or other is None else fiscal + other


def _project_row(doc_id: str, source_file: str, project: ProjectRecord, fallback_unit: str | None, layout: str) -> Row:
    unit = project.amount_unit or fallback_unit
    return {
        "project_id": project_id(doc_id, project.table_no),
        "document_id": doc_id,
        "table_no": project.table_no,
        "project_code": project.project_code,
        "project_name": project.project_name,
        "budget_yuan": budget_yuan(project, unit),
        "fiscal_funds_yuan": _yuan(project.fiscal_funds_text, unit),
        "other_funds_yuan": _yuan(project.other_funds_text, unit),
        "amount_unit": unit,
        "budget_text": project.budget_text,
        "fiscal_funds_text": project.fiscal_funds_text,
        "other_funds_text": project.other_funds_text,
        "purpose": project.purpose,
        "goals": project.goals,
        "spend_plan": _spend_plan_json(project.spend_plan),
        "source_file": source_file,
        "source_page": project.locator.page,
        "source_line": project.locator.line,
        "source_locator": project.locator.describe(),
        "source_kind": project.source_kind,
        "layout": project.layout or layout,
        "linked_project_id": None,
    }


@lru_cache(maxsize=CACHED_STRINGS)
def _value_template(value_text: str | None) -> Row:
    """An indicator row with only its value's columns filled (the rest None), in the contract's column
    order: a row is a copy of it with the other columns set. Copying a dict costs a fraction of
    building one of 29 keys, and the same values (``≥95%``, ``100%``) recur across rows and documents.
    Never handed out: only copied."""
    value = parse_value(value_text)
    return dict.fromkeys(INDICATOR_SCHEMA) | {
        "value_text": value_text,
        "comparator": value.comparator,
        "value_num": value.value_num,
        "value_unit": value.value_unit,
        "value_kind": value.value_kind,
        "value_date": value.value_date,
        "value_std": value.value_std,
        "unit_std": value.unit_std,
        "value_parse_note": value.parse_note,
    }


def _indicator_row(doc_id: str, project: str, source_file: str, row: IndicatorRecord) -> Row:
    """One indicator row of the contract; ``project``: the id of the row's project (its table's)."""
    categories = canonical_categories(row.level1, row.level2)
    indicator = _value_template(row.value_text).copy()
    indicator["indicator_id"] = indicator_id(project, row.row_no)
    indicator["project_id"] = project
    indicator["document_id"] = doc_id
    indicator["table_no"] = row.table_no
    indicator["row_no"] = row.row_no
    indicator["level1_raw"] = row.level1
    indicator["level2_raw"] = row.level2
    indicator["level1"] = categories.level1
    indicator["level2"] = categories.level2
    indicator["category_note"] = categories.note
    indicator["level3"] = row.level3
    indicator["description"] = row.description
    indicator["basis"] = row.basis
    indicator["actual_text"] = row.actual_text
    indicator["actual_num"] = parse_value(row.actual_text).value_num if row.actual_text else None
    indicator["is_core"] = _is_core(row)
    indicator["ocr_min_score"] = row.ocr_min_score
    indicator["source_file"] = source_file
    indicator["source_page"] = row.locator.page
    indicator["source_line"] = row.locator.line
    return indicator


def _frame(rows: list[Row], schema: FrameSchema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else empty_frame(schema)


@cache
def _empty(schema: tuple[tuple[str, pl.DataType | type[pl.DataType]], ...]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(schema))


def empty_frame(schema: FrameSchema) -> pl.DataFrame:
    """A frame without rows: built once per schema (every document has several), handed out as a
    clone, which shares no state a caller could change."""
    return _empty(tuple(schema.items())).clone()


DOCUMENT_FACTS: Final = ("fiscal_year", "county", "town", "unit", "project_name", "budget")
"""What a loaded document should state about itself; ``missing_facts`` lists those it does not."""
FACT_SEPARATOR: Final = ", "


def missing_facts(meta: DocumentMeta, extraction: Extraction) -> str | None:
    """The facts a loaded document does not state (``county, town, budget``), or None when it states all.

    A county department has no town, and a document with no year or no budget says so here rather
    than loading as if complete: analysts filter on it before comparing towns or years."""
    projects = [p for p in extraction.projects if p.source_kind == "table"] or list(extraction.projects)
    absent = {
        "fiscal_year": meta.fiscal_year is None,
        "county": meta.county is None,
        "town": meta.town is None,
        "unit": meta.unit_name is None,
        "project_name": any(p.project_name is None for p in projects),
        "budget": any(p.budget_text is None for p in projects),
    }
    missing = [fact for fact in DOCUMENT_FACTS if absent[fact]]
    return FACT_SEPARATOR.join(missing) or None


def document_row(
    source: SourceInfo,
    *,
    status: str,
    loaded_at: datetime,
    meta: DocumentMeta | None = None,
    extraction: Extraction | None = None,
) -> Row:
    """The one dim_document row of a file, loaded or failed."""
    unit_total = None
    if extraction is not None and extraction.unit_total_text is not None:
        unit_total = to_yuan(extraction.unit_total_text, extraction.unit_total_unit)
    return {
        "document_id": document_id(source.source_file),
        "source_file": source.source_file,
        "sha256": source.sha256,
        "file_stat": source.file_stat,
        "format": source.format,
        "layout": extraction.layout if extraction else None,
        "layout_confidence": extraction.confidence if extraction else None,
        "low_confidence": extraction.confidence < LOW_CONFIDENCE if extraction else None,
        "document_kind": extraction.document_kind if extraction else None,
        "status": status,
        "town": meta.town if meta else None,
        "county": meta.county if meta else None,
        "county_code": meta.county_code if meta else None,
        "fiscal_year": meta.fiscal_year if meta else None,
        "unit_code": meta.unit_code if meta else None,
        "unit_name": meta.unit_name if meta else None,
        "amount_unit": meta.amount_unit if meta else None,
        "unit_total_yuan": unit_total,
        "missing_facts": missing_facts(meta, extraction) if meta and extraction else None,
        "project_count": len(extraction.projects) if extraction else 0,
        "indicator_count": len(extraction.indicators) if extraction else 0,
        "parser_version": PARSER_VERSION,
        "loaded_at": loaded_at,
    }


def extraction_rows(
    source: SourceInfo,
    meta: DocumentMeta,
    extraction: Extraction,
    loaded_at: datetime,
    department_targets: list[Row],
) -> DocumentRows:
    """The rows of a document that was read: its dim_document row, projects, indicator rows and
    department targets."""
    doc_id = document_id(source.source_file)
    projects = [
        _project_row(doc_id, source.source_file, p, meta.amount_unit, extraction.layout) for p in extraction.projects
    ]
    links = restatement_links(projects)
    for project in projects:
        project["linked_project_id"] = links.get(str(project["project_id"]))
    tables = {row.table_no for row in extraction.indicators}
    projects_of_tables = {table_no: project_id(doc_id, table_no) for table_no in tables}
    indicators = [
        _indicator_row(doc_id, projects_of_tables[row.table_no], source.source_file, row)
        for row in extraction.indicators
    ]
    return DocumentRows(
        source_file=source.source_file,
        documents=[document_row(source, status="loaded", loaded_at=loaded_at, meta=meta, extraction=extraction)],
        projects=projects,
        indicators=indicators,
        department_targets=department_targets,
    )


def target_id(doc_id: str, target_no: int) -> str:
    return f"{doc_id}-t{target_no:03d}"


def department_target_rows(source_file: str, targets: list[DepartmentTarget]) -> list[Row]:
    """One row per department-level target clause (see ``pipeline.parse.department``)."""
    doc_id = document_id(source_file)
    rows: list[Row] = []
    clause_no: dict[tuple[str, int], int] = {}
    for target_no, target in enumerate(targets, start=1):
        key = (target.section, target.goal_no)
        clause_no[key] = clause_no.get(key, 0) + (target.clause is not None)
        rows.append(
            {
                "target_id": target_id(doc_id, target_no),
                "document_id": doc_id,
                "section": target.section,
                "goal_no": target.goal_no,
                "goal_title": target.goal_title,
                "goal_text": target.goal_text,
                "clause_no": clause_no[key] if target.clause is not None else None,
                "clause": target.clause,
                "comparator": target.comparator,
                "value_num": target.value_num,
                "value_unit": target.value_unit,
                "value_kind": target.value_kind,
                "source_file": source_file,
                "source_line": target.source_line,
            }
        )
    return rows


def failed_rows(source: SourceInfo, *, stage: str, error_class: str, message: str, recorded_at: datetime) -> DocumentRows:
    """A document that could not be read: a failed dim_document row and one ingest_errors row."""
    error = {
        "document_id": document_id(source.source_file),
        "source_file": source.source_file,
        "sha256": source.sha256,
        "stage": stage,
        "error_class": error_class,
        "message": message,
        "recorded_at": recorded_at,
    }
    return DocumentRows(
        source_file=source.source_file,
        documents=[document_row(source, status="failed", loaded_at=recorded_at)],
        errors=[error],
    )


def withdrawn_rows(source_file: str, withdrawn_at: datetime) -> DocumentRows:
    """A document whose file was deleted: the loader marks its rows withdrawn instead of replacing them."""
    source = SourceInfo(source_file=source_file, sha256="", format="")
    return DocumentRows(
        source_file=source_file,
        documents=[document_row(source, status="withdrawn", loaded_at=withdrawn_at)],
        withdrawn=True,
    )
