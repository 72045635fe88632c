"""The path of one document, top to bottom: read → recognise layout → extract → normalise → validate.

``parse_document`` never raises for a bad document: whatever stage fails, the result is a
failed dim_document row plus one ``ingest_errors`` row saying what to do, so the rest of a run
goes on. Loading (``pipeline.warehouse``) and modelling (dbt) come after, in their own assets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import pandera.polars as pa
import polars as pl

from pipeline.errors import STAGE_EXTRACT, STAGE_READ, STAGE_VALIDATE, IngestError
from pipeline.layouts import PROSE_LAYOUTS, recognise
from pipeline.layouts.base import MIN_CONFIDENCE, Layout
from pipeline.layouts.combine import combine
from pipeline.normalise.department import department_targets
from pipeline.normalise.frames import (
    DocumentFrames,
    SourceInfo,
    department_target_frame,
    extraction_frames,
    failed_frames,
    withdrawn_frames,
)
from pipeline.normalise.meta import document_meta
from pipeline.read import document_format, read_document, size_limit
from pipeline.schema_fastpath import validate_frame
from pipeline.schemas import (
    DepartmentTargetFrame,
    DocumentFrame,
    IndicatorFrame,
    ProjectFrame,
    failures_summary,
)
from pipeline.types import Extraction, RawDocument
from pipeline.version import PARSER_VERSION
from pipeline.warehouse import LoadedVersion

PROSE_CAN_REPLACE: Final = frozenset({"unknown_layout", "no_indicators"})
"""Table-layout errors that only mean "no table": a document whose targets are all prose is fine."""
HASH_CHUNK_BYTES: Final = 1 << 20
MIB: Final = 1 << 20
HIDDEN_PREFIXES: Final = (".", "~$")
"""Dotfiles and Office lock files (``~$x.docx``) are never documents."""


def discover_documents(raw_dir: Path) -> Iterator[Path]:
    """Every document file below the raw folder, in a stable order; folder symlinks are not entered.

    A file symlink is listed (so that one pointing outside the folder is reported, not ignored).
    """
    found = []
    for folder, subfolders, files in os.walk(raw_dir, followlinks=False):
        subfolders[:] = [d for d in subfolders if not d.startswith(HIDDEN_PREFIXES)]
        found.extend(Path(folder) / name for name in files if not name.startswith(HIDDEN_PREFIXES))
    yield from sorted(found)


def source_file_of(path: Path, raw_dir: Path) -> str:
    """The path analysts see: relative to the raw folder, with forward slashes."""
    return path.relative_to(raw_dir).as_posix()


def is_inside(path: Path, raw_dir: Path) -> bool:
    """Whether the file really lives in the raw folder once symlinks are resolved."""
    return path.resolve().is_relative_to(raw_dir.resolve())


def check_path(path: Path, raw_dir: Path) -> None:
    """Never follow a symlink out of the raw folder, and never read a file past its size limit."""
    if not is_inside(path, raw_dir):
        raise IngestError(
            "unsafe_path",
            STAGE_READ,
            f"the path points outside the raw folder (to {path.resolve()}); copy the document into the folder instead",
        )
    try:
        size = path.stat().st_size
    except OSError as err:
        raise IngestError("unreadable_file", STAGE_READ, f"the file could not be opened: {err.strerror}") from err
    limit = size_limit(path)
    if size > limit:
        raise IngestError(
            "file_too_large",
            STAGE_READ,
            f"the file is {size / MIB:.0f} MiB, over the {limit / MIB:.0f} MiB limit for {path.suffix or 'this'} files; "
            "split it or remove pages without performance tables",
        )


def _read(path: Path, sha256: str | None) -> tuple[bytes, str]:
    """The file's bytes and digest; a digest the caller already took is not taken again."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError("unreadable_file", STAGE_READ, f"the file could not be opened: {err.strerror}") from err
    return data, sha256 or hashlib.sha256(data).hexdigest()


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
    except Exception:  # noqa: BLE001 — optional extraction: never fail the document for it
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
    table layouts' error (``unknown_layout`` / ``no_indicators``) stands.
    """
    prose = _prose_projects(doc)
    try:
        layout, _ = recognise(doc)
        tables = _extract(layout, doc)
    except IngestError as err:
        if prose is None or err.error_class not in PROSE_CAN_REPLACE:
            raise
        return prose
    return combine(tables, prose) if prose is not None else tables


def validate_frames(frames: DocumentFrames) -> None:
    """Check the document's frames against their pandera models; all failures together in one message.

    Department targets are checked where they are read (``_department_targets``): a failure there
    drops them and never fails the document.
    """
    checks: list[tuple[str, type[pa.DataFrameModel], pl.DataFrame]] = [
        ("documents", DocumentFrame, frames.documents),
        ("projects", ProjectFrame, frames.projects),
        ("indicators", IndicatorFrame, frames.indicators),
    ]
    problems = []
    for name, model, frame in checks:
        try:
            validate_frame(model, frame)
        except pa.errors.SchemaErrors as err:
            problems.append(f"{name}: {failures_summary(err.failure_cases)}")
    if problems:
        raise IngestError("validation_failed", STAGE_VALIDATE, " | ".join(problems))


def _department_targets(doc: RawDocument, source_file: str) -> pl.DataFrame | None:
    """The department-level targets of a document, or None when reading them failed.

    Optional: a failure here (a bug, or rows breaking the contract) records nothing and never
    fails the document, whose tables are what the warehouse is for.
    """
    try:
        frame = department_target_frame(source_file, department_targets(doc))
        validate_frame(DepartmentTargetFrame, frame)
    except Exception:  # noqa: BLE001 — optional extraction: never fail the document for it
        return None
    return frame


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_digest(path: Path, raw_dir: Path) -> str | None:
    """The sha256 of a readable regular file inside the raw folder; None otherwise (gone, unsafe, unreadable)."""
    if not path.is_file() or not is_inside(path, raw_dir):
        return None
    try:
        return file_sha256(path)
    except OSError:
        return None


def is_unchanged(loaded: LoadedVersion | None, sha256: str | None) -> bool:
    """The warehouse already holds this exact file parsed by this exact parser, or already knows it is gone.

    ``loaded`` is what ``pipeline.warehouse.loaded_versions`` read for the file; ``sha256`` its
    digest now (``document_digest``), None when there is no readable file.
    """
    if loaded is None:
        return False
    if sha256 is None:
        return loaded.status == "withdrawn"
    return loaded.status != "withdrawn" and (loaded.sha256, loaded.parser_version) == (sha256, PARSER_VERSION)


def parse_document(
    path: Path, raw_dir: Path, now: datetime | None = None, sha256: str | None = None
) -> DocumentFrames:
    """Everything one file contributes to the warehouse, or its failure; never raises for bad input.

    ``sha256``: the file's digest if the caller already took it (it is then not hashed again).
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    source_file = source_file_of(path, raw_dir)
    if not path.exists() and not path.is_symlink():
        return withdrawn_frames(source_file, now)
    source = SourceInfo(source_file=source_file, sha256="", format=document_format(path))
    try:
        check_path(path, raw_dir)
        data, sha256 = _read(path, sha256)
        source = SourceInfo(source_file=source_file, sha256=sha256, format=source.format)
        doc = read_document(data, source_file)
        extraction = extract_document(doc)
        meta = document_meta(doc, extraction)
        frames = extraction_frames(source, meta, extraction, now)
        targets = _department_targets(doc, source_file)
        if targets is not None:
            frames = dataclasses.replace(frames, department_targets=targets)
        validate_frames(frames)
        return frames
    except IngestError as err:
        return failed_frames(source, stage=err.stage, error_class=err.error_class, message=err.message, recorded_at=now)
