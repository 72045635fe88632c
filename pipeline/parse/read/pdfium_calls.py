"""pdfium's functions called with plain addresses, for the loops that call them per object or character.

pypdfium2's bindings wrap every handle they return in a ctypes pointer object and check each
argument's pointer type, which costs more than the call itself in a loop over a page's 500
characters or 100 objects (a text object's matrix, font and size: ~0.35 µs a call here against
~1.4 µs through the bindings). Handles go in and out as integers; the functions are the same
symbols of the same library pypdfium2 loaded.
"""

from __future__ import annotations

import ctypes
from typing import Any, Final, NamedTuple

import pypdfium2.raw as pdfium_c


def by_address(function: Any, restype: Any, *argtypes: Any) -> Any:
    """pdfium's ``function`` with handles passed and returned as plain addresses."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise OSError("pdfium's library lacks a function the PDF reader calls")
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


_P, _INT, _UINT, _FLOAT = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint, ctypes.c_float

PAGE_OBJECT_COUNT: Final = by_address(pdfium_c.FPDFPage_CountObjects, _INT, _P)
PAGE_OBJECT: Final = by_address(pdfium_c.FPDFPage_GetObject, _P, _P, _INT)
FORM_OBJECT_COUNT: Final = by_address(pdfium_c.FPDFFormObj_CountObjects, _INT, _P)
FORM_OBJECT: Final = by_address(pdfium_c.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
OBJECT_TYPE: Final = by_address(pdfium_c.FPDFPageObj_GetType, _INT, _P)
OBJECT_MATRIX: Final = by_address(pdfium_c.FPDFPageObj_GetMatrix, _INT, _P, _P)
STROKE_WIDTH: Final = by_address(pdfium_c.FPDFPageObj_GetStrokeWidth, _INT, _P, _P)
STROKE_COLOUR: Final = by_address(pdfium_c.FPDFPageObj_GetStrokeColor, _INT, _P, _P, _P, _P, _P)
TEXT_FONT: Final = by_address(pdfium_c.FPDFTextObj_GetFont, _P, _P)
FONT_SIZE: Final = by_address(pdfium_c.FPDFTextObj_GetFontSize, _INT, _P, _P)
GLYPH_WIDTH: Final = by_address(pdfium_c.FPDFFont_GetGlyphWidth, _INT, _P, _UINT, _FLOAT, _P)
CHAR_TEXT_OBJECT: Final = by_address(pdfium_c.FPDFText_GetTextObject, _P, _P, _INT)
CHAR_ORIGIN: Final = by_address(pdfium_c.FPDFText_GetCharOrigin, _INT, _P, _INT, _P, _P)
PATH_SEGMENT_COUNT: Final = by_address(pdfium_c.FPDFPath_CountSegments, _INT, _P)
PATH_SEGMENT: Final = by_address(pdfium_c.FPDFPath_GetPathSegment, _P, _P, _INT)
SEGMENT_POINT: Final = by_address(pdfium_c.FPDFPathSegment_GetPoint, _INT, _P, _P, _P)
SEGMENT_TYPE: Final = by_address(pdfium_c.FPDFPathSegment_GetType, _INT, _P)
SEGMENT_CLOSES: Final = by_address(pdfium_c.FPDFPathSegment_GetClose, _INT, _P)


def address(handle: Any) -> int:
    """The address a pypdfium2 handle points at (0 for a null handle)."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


class LoadedPage(NamedTuple):
    """A page pdfium has loaded, and its text page: raw handles, closed by whoever loaded them."""

    page: Any
    textpage: Any
