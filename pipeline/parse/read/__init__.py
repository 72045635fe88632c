"""Reading a file from the raw folder into a ``RawDocument``: the first step of a document's path.

One reader per format, chosen by file suffix; each reader raises ``IngestError`` with a
specific ``error_class`` when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.read.html import read_html, read_mhtml
from pipeline.parse.read.legacy import (
    read_doc,
    read_docx_file,
    read_et,
    read_rtf,
    read_wps,
    read_xls_file,
    read_xlsx_file,
)
from pipeline.parse.read.ofd import read_ofd
from pipeline.parse.read.pdf import read_pdf
from pipeline.parse.read.scan import IMAGE_FORMAT, SCAN_SUFFIXES, read_image
from pipeline.parse.read.text import read_text

Reader = Callable[[bytes, str], RawDocument]

READERS: Final[dict[str, Reader]] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx_file,
    ".xlsx": read_xlsx_file,
    ".xls": read_xls_file,
    ".doc": read_doc,
    ".wps": read_wps,
    ".rtf": read_rtf,
    ".et": read_et,
    ".ofd": read_ofd,
    ".html": read_html,
    ".htm": read_html,
    ".shtml": read_html,
    ".mhtml": read_mhtml,
    ".mht": read_mhtml,
    **dict.fromkeys(SCAN_SUFFIXES, read_image),
}


MAX_TEXT_BYTES: Final = 64 << 20
"""A text dump or web page of even a 200-page budget book is a few MiB; a bigger one is not a document
(and a page is parsed into a tree many times its size)."""
MAX_BINARY_BYTES: Final = 256 << 20
"""PDF, Word and Excel originals: large scanned books exist, but past this they are not read whole."""


TEXT_READERS: Final = (read_text, read_html)
"""Readers of text formats, limited to ``MAX_TEXT_BYTES`` (a web archive embeds images: binary)."""
FAMILIES: Final[dict[Reader, str]] = {
    read_text: "text",
    read_html: "html",
    read_mhtml: "mhtml",
    read_image: IMAGE_FORMAT,
}
"""Format names recorded for readers of several suffixes: .htm and .shtml are "html", a .png "image"."""


def size_limit(path: Path) -> int:
    """The largest file of this format that is read into memory (documented in the README)."""
    return MAX_TEXT_BYTES if READERS.get(path.suffix.lower()) in TEXT_READERS else MAX_BINARY_BYTES


def document_format(path: Path) -> str:
    """The format name recorded in dim_document: the reader's family, or the bare suffix."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    family = FAMILIES.get(reader) if reader is not None else None
    return family or suffix.lstrip(".") or "unknown"


LOADED_FORMATS: Final[tuple[str, ...]] = tuple(sorted({document_format(Path(f"document{s}")) for s in READERS}))
"""The formats a loaded document can have (a failed one may carry any suffix): text, html, pdf …"""


def read_document(data: bytes, source_file: str) -> RawDocument:
    """Read one file's bytes; raise ``IngestError`` for empty, unsupported or unreadable input."""
    suffix = Path(source_file).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise IngestError(
            "unsupported_format",
            STAGE_READ,
            f"no reader for '{suffix or 'no suffix'}' files; supported: {', '.join(sorted(READERS))}",
        )
    if not data:
        raise IngestError("empty_file", STAGE_READ, "the file is empty (0 bytes)")
    return reader(data, source_file)
