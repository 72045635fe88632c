"""``jixiao check FILE…``: how the reader reads documents, without touching the warehouse.

For each file: its status, layout and confidence, the facts it does not state, the error (class,
message and what to do) when it failed, the reader's notes (rows rejected and cells left out,
with their lines), and every indicator row with where it came from — as text, or with
``--json`` as one object per file. The first thing to run on a ``low_confidence`` document, or
on a new kind of document before it goes into the raw folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import polars as pl

from pipeline.core.errors import ERROR_CLASSES, IngestError
from pipeline.parse.document import extract_document, parse_document
from pipeline.parse.read import read_document

ROW_COLUMNS: Final = ("table_no", "row_no", "level1_raw", "level2_raw", "level3", "value_text", "actual_text")
DOCUMENT_COLUMNS: Final = ("status", "layout", "layout_confidence", "low_confidence", "missing_facts")


def notes_of(path: Path) -> tuple[str, ...]:
    """The reader's notes on a document (empty when it cannot be read at all)."""
    try:
        return extract_document(read_document(path.read_bytes(), path.name)).notes
    except (IngestError, OSError):
        return ()


def rows_of(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], pl.DataFrame]:
    """The document's facts, its errors (with advice) and its indicator rows with their line or page."""
    frames = parse_document(path, path.parent)
    document = {name: frames.documents.row(0, named=True)[name] for name in DOCUMENT_COLUMNS}
    errors = [
        {
            "error_class": error["error_class"],
            "message": error["message"],
            "advice": ERROR_CLASSES[error["error_class"]].advice if error["error_class"] in ERROR_CLASSES else "",
        }
        for error in frames.errors.iter_rows(named=True)
    ]
    rows = frames.indicators.select(*ROW_COLUMNS, pl.coalesce("source_line", "source_page").alias("line_or_page"))
    return document, errors, rows


def report(path: Path) -> str:
    """What the reader makes of one file, as text."""
    return _text(path, *rows_of(path))


def _text(path: Path, document: dict[str, Any], errors: list[dict[str, Any]], rows: pl.DataFrame) -> str:
    lines = [f"== {path}", "  " + ", ".join(f"{name}: {value}" for name, value in document.items())]
    for error in errors:
        lines.append(f"  {error['error_class']}: {error['message']}")
        if error["advice"]:
            lines.append(f"    → {error['advice']}")
    lines.extend(f"  note: {note}" for note in notes_of(path))
    with pl.Config(tbl_rows=-1, tbl_width_chars=200, fmt_str_lengths=40, tbl_hide_dataframe_shape=True):
        lines.append(str(rows) if rows.height else "  no indicator rows")
    return "\n".join(lines)


def report_json(path: Path) -> dict[str, Any]:
    """What the reader makes of one file, as one JSON-ready object."""
    document, errors, rows = rows_of(path)
    return {"file": str(path), **document, "errors": errors, "notes": list(notes_of(path)), "rows": rows.to_dicts()}


def check(paths: list[Path], as_json: bool) -> tuple[str, bool]:
    """The text (or JSON) for the files, and whether every one of them loaded."""
    if as_json:
        reports = [report_json(path.resolve()) for path in paths]
        return json.dumps(reports, ensure_ascii=False, indent=2, default=str), all(
            r["status"] == "loaded" for r in reports
        )
    texts = []
    ok = True
    for path in paths:
        document, errors, rows = rows_of(path.resolve())
        ok &= document["status"] == "loaded"
        texts.append(_text(path.resolve(), document, errors, rows))
    return "\n".join(texts), ok
