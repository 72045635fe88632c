"""``python -m pipeline.check FILE…``: how the reader reads documents, without touching the warehouse.

For each file: its status, layout and confidence, the facts it does not state, the error (class and
advice) when it failed, the reader's notes (rows rejected and cells left out, with their lines), and
every indicator row with where it came from. The first thing to run on a ``low_confidence``
document, or on a new kind of document before it goes into the raw folder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import polars as pl

from pipeline.core.errors import IngestError
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


def report(path: Path) -> str:
    """What the reader makes of one file, as text."""
    frames = parse_document(path, path.parent)
    document = frames.documents.row(0, named=True)
    lines = [f"== {path}", "  " + ", ".join(f"{name}: {document[name]}" for name in DOCUMENT_COLUMNS)]
    for error in frames.errors.iter_rows(named=True):
        lines.append(f"  {error['error_class']}: {error['message']}")
    lines.extend(f"  note: {note}" for note in notes_of(path))
    rows = frames.indicators.select(*ROW_COLUMNS, pl.coalesce("source_line", "source_page").alias("line_or_page"))
    with pl.Config(tbl_rows=-1, tbl_width_chars=200, fmt_str_lengths=40, tbl_hide_dataframe_shape=True):
        lines.append(str(rows) if rows.height else "  no indicator rows")
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        print(report(Path(name).resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
