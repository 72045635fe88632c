"""The one exception a document may raise on its way in, carrying an ``error_class`` analysts filter on."""

from __future__ import annotations

from typing import Final

STAGE_READ: Final = "read"
STAGE_RECOGNISE: Final = "recognise"
STAGE_EXTRACT: Final = "extract"
STAGE_NORMALISE: Final = "normalise"
STAGE_VALIDATE: Final = "validate"
STAGE_LOAD: Final = "load"

ERROR_CLASSES: Final = {
    "empty_file": "The file has no content.",
    "encoding_error": "The text could not be decoded as UTF-8, GB18030 or any encoding detected.",
    "unreadable_file": "The file could not be opened or parsed as its format.",
    "unsupported_format": "No reader exists for this file type.",
    "unknown_layout": "No layout recognised the document with enough confidence.",
    "no_indicators": "A layout recognised the document but found no indicator rows in it.",
    "validation_failed": "Extracted rows broke the frame contract (pandera); nothing was loaded.",
    "extract_failed": "A layout raised while extracting; the document is skipped.",
    "needs_ocr": "A PDF with neither a text layer nor a picture to read (blank pages).",
    "ocr_failed": "Scanned pages were read by OCR but no table could be read from them; the pages are listed.",
    "unreadable_table": "A table was found but is too damaged to read rows from; no rows were invented.",
    "encrypted_file": "The file is password-protected.",
    "file_too_large": "The file is larger than the size limit for its format; it was not read.",
    "unsafe_path": "The path leads outside the raw folder (a symlink) and was not followed.",
}


class IngestError(Exception):
    """A document could not go further; recorded as one ``ingest_errors`` row."""

    def __init__(self, error_class: str, stage: str, message: str) -> None:
        if error_class not in ERROR_CLASSES:
            raise ValueError(f"unknown error_class {error_class!r}")
        super().__init__(message)
        self.error_class = error_class
        self.stage = stage
        self.message = message
