"""Checking parsed rows against the contract: one query per raw table for a whole batch of documents.

``checked_batch`` builds the batch's frames (one per raw table) and asks the schema fast path
once per table which documents' rows might break their pandera model, each document judged as
its own frame (``pipeline.contract.fastpath.failing_groups``). Nearly always the answer is
"none", and the batch is done: 100 documents cost a handful of polars queries instead of four
per document. A document it names is checked alone, by pandera itself (``validate_frames``), so
one bad document becomes a failed row with pandera's message (``validation_failed``,
``indicators: greater_than_or_equal_to(0) failed on column budget_yuan …``) and the other 99 load.

Only documents that were read (status ``loaded``) are checked, as ever: a failed or withdrawn
document's rows are the pipeline's own account of it. Department targets are optional: a
document whose targets break their model loses its targets, never its tables. A row whose values
do not fit its column's type (a layout's bug: text where a number belongs) stops polars building
the batch's frame: then each document's frames are built alone, and the one that cannot be built
fails ``validation_failed`` — the batch still loads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Final

import pandera.polars as pa
import polars as pl

from pipeline.contract.fastpath import failing_groups, passes, validate_frame
from pipeline.contract.schemas import (
    DepartmentTargetFrame,
    DocumentFrame,
    IndicatorFrame,
    ProjectFrame,
    failures_summary,
)
from pipeline.core.errors import STAGE_VALIDATE, IngestError
from pipeline.parse.frames import (
    SOURCE_KEY,
    BatchFrames,
    DocumentFrames,
    DocumentRows,
    SourceInfo,
    batch_frames,
    document_frames,
    failed_rows,
)

LOADED: Final = "loaded"


def _checked_tables(frames: DocumentFrames | BatchFrames) -> list[tuple[str, type[pa.DataFrameModel], pl.DataFrame]]:
    """The tables a read document must satisfy, with their models (ingest_errors rows are the pipeline's own)."""
    return [
        ("documents", DocumentFrame, frames.documents),
        ("projects", ProjectFrame, frames.projects),
        ("indicators", IndicatorFrame, frames.indicators),
    ]


def validate_frames(frames: DocumentFrames) -> None:
    """Check one document's frames against their pandera models; all failures together in one message.

    Department targets are checked apart (``_targets_pass``): a failure there drops them and never
    fails the document.
    """
    problems = []
    for name, model, frame in _checked_tables(frames):
        try:
            validate_frame(model, frame)
        except pa.errors.SchemaErrors as err:
            problems.append(f"{name}: {failures_summary(err.failure_cases)}")
    if problems:
        raise IngestError("validation_failed", STAGE_VALIDATE, " | ".join(problems))


def _suspects(model: type[pa.DataFrameModel], frame: pl.DataFrame, documents: frozenset[str]) -> frozenset[str]:
    """The documents whose rows in this frame might break the model (all of them when the fast path cannot tell)."""
    if len(documents) == 1:  # a document alone (``parse_document``): one select, no grouping
        return frozenset() if passes(model, frame) else documents
    failing = failing_groups(model, frame, SOURCE_KEY)
    if failing is None or not failing <= documents:
        return documents
    return frozenset(str(name) for name in failing)


def _targets_pass(frames: DocumentFrames) -> bool:
    """The document's department targets satisfy their model (any error counts as not)."""
    try:
        validate_frame(DepartmentTargetFrame, frames.department_targets)
    except Exception:
        return False
    return True


def _failed(rows: DocumentRows, err: IngestError) -> DocumentRows:
    document = rows.documents[0]
    source = SourceInfo(
        str(document["source_file"]), str(document["sha256"]), str(document["format"]), str(document["file_stat"])
    )
    recorded_at = document["loaded_at"]
    assert isinstance(recorded_at, datetime)
    return failed_rows(source, stage=err.stage, error_class=err.error_class, message=err.message, recorded_at=recorded_at)


def _buildable(rows: DocumentRows) -> DocumentRows:
    """The document's rows if polars can build its frames; else without its targets; else its failure."""
    try:
        document_frames(rows)
        return rows
    except Exception:
        pass
    without_targets = dataclasses.replace(rows, department_targets=[])
    try:
        document_frames(without_targets)
        return without_targets
    except Exception as err:
        message = f"a row does not fit the contract's column types: {type(err).__name__}: {err}"
        return _failed(rows, IngestError("validation_failed", STAGE_VALIDATE, message))


def _built(parsed: Sequence[DocumentRows]) -> tuple[list[DocumentRows], BatchFrames]:
    """The batch's frames, and the rows they were built from (see ``_buildable``)."""
    try:
        return list(parsed), batch_frames(parsed)
    except Exception:
        kept = [_buildable(rows) for rows in parsed]
        return kept, batch_frames(kept)


def _as_checked(rows: DocumentRows, tables_suspect: bool, targets_suspect: bool) -> DocumentRows:
    """One suspect document checked alone: failed with pandera's message, or kept (without its targets
    if they break their model)."""
    frames = document_frames(rows)
    if tables_suspect:
        try:
            validate_frames(frames)
        except IngestError as err:
            return _failed(rows, err)
    if targets_suspect and not _targets_pass(frames):
        return dataclasses.replace(rows, department_targets=[])
    return rows


def checked_batch(parsed: Sequence[DocumentRows]) -> BatchFrames:
    """The batch's frames, every read document's rows checked against the contract (see the module doc)."""
    parsed, frames = _built(parsed)
    read = frozenset(rows.source_file for rows in parsed if rows.status == LOADED)
    if not read:
        return frames
    tables = frozenset().union(*(_suspects(model, frame, read) for _, model, frame in _checked_tables(frames)))
    targets = _suspects(DepartmentTargetFrame, frames.department_targets, read)
    if not tables and not targets:
        return frames
    return batch_frames(
        [
            _as_checked(rows, rows.source_file in tables, rows.source_file in targets)
            if rows.source_file in tables | targets
            else rows
            for rows in parsed
        ]
    )
