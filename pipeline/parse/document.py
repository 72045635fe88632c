"""The path of one document, top to bottom: read → recognise layout → extract → normalise → validate.

``parse_rows`` is what a parser worker runs: the document's rows as plain Python, checked later
with the rest of its batch (``pipeline.parse.checks.checked_batch``). ``parse_document`` is the
same path for one document on its own (``jixiao check``, tests): its rows, checked as a batch of
one, as frames. Neither raises for a bad document: whatever stage fails, the result is a failed
dim_document row plus one ``ingest_errors`` row saying what to do, so the rest of a run goes on.
Loading (``pipeline.load.warehouse``) and modelling (dbt) come after, in their own assets.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from pipeline.core.confidence import MIN_CONFIDENCE, lowest_score
from pipeline.core.errors import STAGE_EXTRACT, IngestError
from pipeline.core.types import Extraction, RawDocument
from pipeline.parse.checks import checked_batch
from pipeline.parse.department import department_targets
from pipeline.parse.frames import (
    DocumentFrames,
    DocumentRows,
    Row,
    SourceInfo,
    department_target_rows,
    extraction_rows,
    failed_rows,
    withdrawn_rows,
)
from pipeline.parse.layouts import PROSE_LAYOUTS, recognise
from pipeline.parse.layouts.base import Layout
from pipeline.parse.layouts.combine import combine
from pipeline.parse.meta import document_meta
from pipeline.parse.read import document_format, read_document, size_limit
from pipeline.parse.read.files import read_inside, source_file_of, stored_name
from pipeline.parse.read.scan import ocr_failed

PROSE_CAN_REPLACE: Final = frozenset({"unknown_layout", "no_indicators"})
"""Table-layout errors that only mean "no table": a document whose targets are all prose is fine."""


def _extract(layout: Layout, doc: RawDocument) -> Extraction:
    """A layout's extraction; a layout's own bug is this document's error, not the run's."""
    try:
        extraction = layout.extract(doc)
    except IngestError:
        raise
    except Exception as err:
        raise IngestError(
            "extract_failed", STAGE_EXTRACT, f"layout {layout.name} failed: {type(err).__name__}: {err}"
        ) from err
    if not extraction.indicators:
        raise IngestError(
            "no_indicators",
            STAGE_EXTRACT,
            f"layout {layout.name} recognised the document but found no indicator rows in it",
        )
    return extraction


def _optional_extract(layout: Layout, doc: RawDocument) -> Extraction | None:
    """A layout's extraction, or None when it fails: for what a document may hold beside its tables."""
    try:
        return layout.extract(doc)
    except Exception:
        return None


def _prose_projects(doc: RawDocument) -> Extraction | None:
    """Projects written as prose, or None when there are none (or reading them failed)."""
    for layout in PROSE_LAYOUTS:
        extraction = _optional_extract(layout, doc)
        if extraction is not None and extraction.indicators and extraction.confidence >= MIN_CONFIDENCE:
            return extraction
    return None


def extract_document(doc: RawDocument) -> Extraction:
    """The tables of the recognised layout plus the projects written as prose beside them.

    A document whose only targets are prose is read by the prose layout alone; with neither, the
    table layouts' error (``unknown_layout`` / ``no_indicators``) stands — or, when pages were
    read by OCR, ``ocr_failed`` with those pages: what was recognised in them is no table.
    """
    prose = _prose_projects(doc)
    try:
        layout, _ = recognise(doc)
        tables = _extract(layout, doc)
    except IngestError as err:
        if prose is None or err.error_class not in PROSE_CAN_REPLACE:
            if doc.ocr_pages and err.error_class in PROSE_CAN_REPLACE:
                raise ocr_failed(doc.ocr_pages, f"the text recognised is no 绩效目标表 ({err.message})") from err
            raise
        return prose
    return with_ocr_confidence(combine(tables, prose) if prose is not None else tables)


def with_ocr_confidence(extraction: Extraction) -> Extraction:
    """The extraction's confidence lowered to its least sure OCR row's score.

    A row read from a scan with a score of 0.72 makes the document no surer than 0.72: under
    ``LOW_CONFIDENCE`` it is flagged ``low_confidence``, and the row's ``ocr_min_score`` says which.
    """
    lowest = lowest_score(*(row.ocr_min_score for row in extraction.indicators))
    if lowest is None or lowest >= extraction.confidence:
        return extraction
    return dataclasses.replace(extraction, confidence=lowest)


def _department_targets(doc: RawDocument, source_file: str) -> list[Row]:
    """The department-level targets of a document; none when reading them failed.

    Optional: a failure here (a bug; rows breaking the contract are dropped when the batch is
    checked) records nothing and never fails the document, whose tables are what the warehouse is for.
    """
    try:
        return department_target_rows(source_file, department_targets(doc))
    except Exception:
        return []


def parse_rows(path: Path, raw_dir: Path, now: datetime | None = None) -> DocumentRows:
    """Everything one file contributes to the warehouse as rows, or its failure; never raises for bad input.

    The file is opened once and its digest taken from the bytes parsed (``pipeline.parse.read.files``):
    a file replaced after a run planned it is recorded as what was read, not as what was planned.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    source_file = stored_name(source_file_of(path, raw_dir))
    if not os.path.lexists(path):
        return withdrawn_rows(source_file, now)
    source = SourceInfo(source_file=source_file, sha256="", format=document_format(path))
    try:
        read = read_inside(path, raw_dir, size_limit(path))
        source = SourceInfo(source_file, read.sha256, source.format, read.stat)
        doc = read_document(read.data, source_file)
        source = dataclasses.replace(source, format=doc.format)  # what was read: an .xls may be a web page
        extraction = extract_document(doc)
        meta = document_meta(doc, extraction)
        return extraction_rows(source, meta, extraction, now, _department_targets(doc, source_file))
    except IngestError as err:
        return failed_rows(source, stage=err.stage, error_class=err.error_class, message=err.message, recorded_at=now)


def parse_document(path: Path, raw_dir: Path, now: datetime | None = None) -> DocumentFrames:
    """One file's frames, checked against the contract: ``parse_rows`` and the batch check, for one document."""
    return next(checked_batch([parse_rows(path, raw_dir, now)]).split())
