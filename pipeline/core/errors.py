"""The one exception a document may raise on its way in, carrying an ``error_class`` analysts filter on."""

from __future__ import annotations

from typing import Final, NamedTuple

STAGE_READ: Final = "read"
STAGE_RECOGNISE: Final = "recognise"
STAGE_EXTRACT: Final = "extract"
STAGE_NORMALISE: Final = "normalise"
STAGE_VALIDATE: Final = "validate"
STAGE_LOAD: Final = "load"
STAGES: Final[tuple[str, ...]] = (
    STAGE_READ,
    STAGE_RECOGNISE,
    STAGE_EXTRACT,
    STAGE_NORMALISE,
    STAGE_VALIDATE,
    STAGE_LOAD,
)
"""The stages of the path of a document, in order: the ``stage`` of an ``ingest_errors`` row."""


class ErrorClass(NamedTuple):
    """What an ``error_class`` means, and what a person should do about the file."""

    meaning: str
    advice: str


ERROR_CLASSES: Final = {
    "empty_file": ErrorClass(
        "The file has no content.",
        "Upload the document again.",
    ),
    "encoding_error": ErrorClass(
        "No text encoding reads the file, or a binary file has a text name.",
        "Save it as UTF-8 text, or upload the original.",
    ),
    "unreadable_file": ErrorClass(
        "The file is corrupt, truncated or not what its name says (an .xls that is neither a workbook nor a web page, an .mhtml holding no page; a .doc cut short, with its size and the size it needs; an .ofd that is no zip, or whose part is missing or malformed, named; a file LibreOffice could not convert, with what it said, or did not convert within 120 s); or not a regular file at all (a FIFO, socket or device); or a .docx/.xlsx part inflates past the size it declares (a zip bomb).",
        "Re-download or re-export the original; put a real file in the folder.",
    ),
    "encrypted_file": ErrorClass(
        "The file is password-protected.",
        "Ask the publisher for an unprotected copy.",
    ),
    "unsupported_format": ErrorClass(
        "No reader for this type (supported: .txt .md .pdf .docx .xlsx .xls .html .htm .shtml .mhtml .mht .doc .wps .rtf .et .ofd); or a .doc/.wps/.rtf where LibreOffice is not installed (the message names the packages).",
        "Save it as .docx/.xlsx/.pdf, or install LibreOffice (`make install`).",
    ),
    "needs_ocr": ErrorClass(
        "A PDF whose pages have neither a text layer nor a picture (blank pages); an OFD whose pages hold images only.",
        "Check the file; get the original (for an OFD of images, a PDF or the typed original).",
    ),
    "ocr_failed": ErrorClass(
        "Scanned pages (or pages whose text layer is glyph numbers) were read by OCR and no 绩效目标表 came out of them: no ruled grid found, or what was recognised is no table; the message lists the pages.",
        "Get the original Word/Excel/PDF, or a cleaner scan (200 dpi or more, square, rules visible).",
    ),
    "unknown_layout": ErrorClass(
        "No layout recognised a performance-target table, and no project targets were written as prose.",
        "Check the file holds a 绩效目标表; if so, a new layout is needed (jixiao check FILE shows what was read).",
    ),
    "no_indicators": ErrorClass(
        "A layout recognised the document but found no indicator rows (nor did the prose layout).",
        "Check the tables are not empty templates.",
    ),
    "unreadable_table": ErrorClass(
        "A table was found but is too damaged to read rows from.",
        "Nothing was invented; fix or replace the document.",
    ),
    "extract_failed": ErrorClass(
        "A layout raised on this document (a parser bug).",
        "Report it with the file; other documents are unaffected.",
    ),
    "validation_failed": ErrorClass(
        "Extracted rows broke the frame contract (pandera).",
        "The message lists the failed checks; report it.",
    ),
    "file_too_large": ErrorClass(
        "Over the size limit: 64 MiB for text and web pages, 256 MiB for PDF, OFD, Word, Excel, WPS and web archives; refused before reading.",
        "Split the file, or drop pages without performance tables.",
    ),
    "unsafe_path": ErrorClass(
        "A symlink leading outside the raw folder, a symlink loop, or a file swapped for a symlink while it was read; never followed.",
        "Copy the document into the raw folder.",
    ),
}
"""Every error class, once: the loader validates against it, dbt's accepted values, the command
line's advice, the report's and the README's table of failures (``make raw-docs``) are read from it."""


class IngestError(Exception):
    """A document could not go further; recorded as one ``ingest_errors`` row."""

    def __init__(self, error_class: str, stage: str, message: str) -> None:
        if error_class not in ERROR_CLASSES:
            raise ValueError(f"unknown error_class {error_class!r}")
        super().__init__(message)
        self.error_class = error_class
        self.stage = stage
        self.message = message
