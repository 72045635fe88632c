"""The one exception a document may raise on its way in, carrying an ``error_class`` analysts filter on."""

from __future__ import annotations

from typing import Final, NamedTuple

STAGE_READ: Final = "read"
STAGE_RECOGNISE: Final = "recognise"
STAGE_EXTRACT: Final = "extract"
STAGE_NORMALISE: Final = "normalise"
STAGE_VALIDATE: Final = "validate"
STAGE_LOAD: Final = "load"
STAGES: Final[tuple[str, ...]] = (STAGE_READ, STAGE_RECOGNISE, STAGE_EXTRACT, STAGE_NORMALISE, STAGE_VALIDATE, STAGE_LOAD)
"""The stages of the path of a document, in order: the ``stage`` of an ``ingest_errors`` row."""

class ErrorClass(NamedTuple):
    """What an ``error_class`` means, and what a person should do about the file."""

    meaning: str
    advice: str


ERROR_CLASSES: Final = {
    "empty_file": ErrorClass("The file has no content.", "Upload the document again."),
    "encoding_error": ErrorClass(
        "The text could not be decoded as UTF-8, GB18030 or any encoding detected.",
        "Save it as UTF-8 text, or upload the original.",
    ),
    "unreadable_file": ErrorClass(
        "The file could not be opened or parsed as its format.",
        "Re-download or re-export the original; put a real file in the folder.",
    ),
    "unsupported_format": ErrorClass("No reader exists for this file type.", "Save it as .docx, .xlsx or .pdf."),
    "unknown_layout": ErrorClass(
        "No layout recognised the document with enough confidence.",
        "Check the file holds a 绩效目标表; if so, a new layout is needed (jixiao check FILE shows what was read).",
    ),
    "no_indicators": ErrorClass(
        "A layout recognised the document but found no indicator rows in it.",
        "Check the tables are not empty templates.",
    ),
    "validation_failed": ErrorClass(
        "Extracted rows broke the frame contract (pandera); nothing was loaded.",
        "The message lists the failed checks; report it with the file.",
    ),
    "extract_failed": ErrorClass(
        "A layout raised while extracting; the document is skipped.",
        "Report it with the file (a parser bug); other documents are unaffected.",
    ),
    "ocr_failed": ErrorClass(
        "Scanned pages were read by OCR but no table could be read from them; the pages are listed.",
        "Check the scan (at least 200 dpi, straight, not cut); re-scan it or ask the office for the typed original.",
    ),
    "needs_ocr": ErrorClass(
        "A PDF with neither a text layer nor a picture to read (blank pages).",
        "Check the file is the document itself and not an empty export; upload the original.",
    ),
    "unreadable_table": ErrorClass(
        "A table was found but is too damaged to read rows from; no rows were invented.",
        "Fix or replace the document.",
    ),
    "encrypted_file": ErrorClass("The file is password-protected.", "Ask the publisher for an unprotected copy."),
    "file_too_large": ErrorClass(
        "The file is larger than the size limit for its format; it was not read.",
        "Split the file, or drop pages without performance tables.",
    ),
    "unsafe_path": ErrorClass(
        "The path leads outside the raw folder (a symlink) and was not followed.",
        "Copy the document into the raw folder.",
    ),
}
"""Every error class, once: the loader validates against it, dbt's accepted values and the
command line's advice are read from it."""


class IngestError(Exception):
    """A document could not go further; recorded as one ``ingest_errors`` row."""

    def __init__(self, error_class: str, stage: str, message: str) -> None:
        if error_class not in ERROR_CLASSES:
            raise ValueError(f"unknown error_class {error_class!r}")
        super().__init__(message)
        self.error_class = error_class
        self.stage = stage
        self.message = message
