"""pdfium's functions called with plain addresses, for the loops that call them per object, segment or character.

pypdfium2's bindings wrap every handle they return in a ctypes pointer object and check each
argument's pointer type, which costs more than the call itself in a loop over a page's 500
characters or 100 objects (~0.35 µs a call here against ~1.4 µs through the bindings). The
functions are the same symbols of the same library pypdfium2 loaded.

**The loops' functions are declared without argument types** (``unchecked``). With argument
types, ctypes calls each type's ``from_param`` on every argument of every call — a Python call
that allocates a parameter object — which was about half of a call's ~2 900 instructions
(callgrind, one parse of ``tables200p.pdf``: ~450 000 calls, 1.1 million conversions). Without
them, ctypes copies a parameter object as it is and passes a Python int as a C int. So a handle
goes in as ``handle(address)`` (a parameter object, made once per page, object or segment and
passed to each of its calls), an output as a pointer of ``Slots`` (made once per reader and
reused page after page), an index as a Python int, a float as a ``ctypes.c_float`` (a Python
float would go as a double, an address as a bare int as a 32-bit int). An example: a page's 535 characters cost 1 070 calls of ``CHAR_TEXT_OBJECT`` and
``CHAR_ORIGIN`` with the text page's one parameter object, the indices, and 535 × 2 output
pointers made when the reader first met a page that long.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from typing import Any, Final, NamedTuple

import numpy as np
import pypdfium2.raw as pdfium_c
from numpy.typing import NDArray
from pypdfium2 import PdfiumError


def _address_of(function: Any) -> int:
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise OSError("pdfium's library lacks a function the PDF reader calls")
    return address


def unchecked(function: Any, restype: Any) -> Any:
    """pdfium's ``function`` without argument types: handles as ``handle``, outputs as ``Slots``' pointers,
    integers as Python ints; a returned handle is a plain address (0 as None).

    Called holding the GIL (``PYFUNCTYPE``): these functions read a value pdfium already holds and
    return in well under a microsecond, and releasing and taking the GIL back around each was ~8 %
    of a call (0.35 against 0.32 µs for a character's origin)."""
    return ctypes.PYFUNCTYPE(restype)(_address_of(function))


handle: Final[Any] = ctypes.c_void_p.from_param
"""The parameter object of a handle's address, passed as it is to an ``unchecked`` function."""

_P, _INT = ctypes.c_void_p, ctypes.c_int

PAGE_OBJECT_COUNT: Final = unchecked(pdfium_c.FPDFPage_CountObjects, _INT)
PAGE_OBJECT: Final = unchecked(pdfium_c.FPDFPage_GetObject, _P)
FORM_OBJECT_COUNT: Final = unchecked(pdfium_c.FPDFFormObj_CountObjects, _INT)
FORM_OBJECT: Final = unchecked(pdfium_c.FPDFFormObj_GetObject, _P)
"""Its index is an unsigned long: a Python int goes as a C int, the same for any index below 2³¹."""
OBJECT_TYPE: Final = unchecked(pdfium_c.FPDFPageObj_GetType, _INT)
OBJECT_MATRIX: Final = unchecked(pdfium_c.FPDFPageObj_GetMatrix, _INT)
STROKE_WIDTH: Final = unchecked(pdfium_c.FPDFPageObj_GetStrokeWidth, _INT)
STROKE_COLOUR: Final = unchecked(pdfium_c.FPDFPageObj_GetStrokeColor, _INT)
TEXT_FONT: Final = unchecked(pdfium_c.FPDFTextObj_GetFont, _P)
FONT_SIZE: Final = unchecked(pdfium_c.FPDFTextObj_GetFontSize, _INT)
GLYPH_WIDTH: Final = unchecked(pdfium_c.FPDFFont_GetGlyphWidth, _INT)
"""Its character is an unsigned int (a Python int: the same below 2³¹), its font size a C float: a
``ctypes.c_float``, which ctypes passes as a float (a Python float would go as a double)."""
CHAR_TEXT_OBJECT: Final = unchecked(pdfium_c.FPDFText_GetTextObject, _P)
CHAR_ORIGIN: Final = unchecked(pdfium_c.FPDFText_GetCharOrigin, _INT)
PATH_SEGMENT_COUNT: Final = unchecked(pdfium_c.FPDFPath_CountSegments, _INT)
PATH_SEGMENT: Final = unchecked(pdfium_c.FPDFPath_GetPathSegment, _P)
SEGMENT_POINT: Final = unchecked(pdfium_c.FPDFPathSegment_GetPoint, _INT)
SEGMENT_TYPE: Final = unchecked(pdfium_c.FPDFPathSegment_GetType, _INT)
SEGMENT_CLOSES: Final = unchecked(pdfium_c.FPDFPathSegment_GetClose, _INT)


class Slots:
    """A buffer of ``width`` values of a C type per item, and the parameter object pointing at each
    item, kept and grown as pages need more (a page of 535 characters: 535 pointers into 535
    doubles for their x). ``pointers`` may be longer than a call needs: ``map`` stops at its
    shortest argument."""

    def __init__(self, ctype: Any, width: int = 1) -> None:
        self._ctype, self._width = ctype, width
        self._dtype = np.dtype(ctype)
        self._buffer: Any = (ctype * 0)()
        self.pointers: list[Any] = []

    def take(self, count: int) -> list[Any]:
        """Pointers to at least ``count`` items (their values are overwritten by the calls)."""
        if count > len(self.pointers):
            capacity = max(count, 2 * len(self.pointers))
            self._buffer = (self._ctype * (capacity * self._width))()
            step = ctypes.sizeof(self._ctype) * self._width
            self.pointers = [ctypes.byref(self._buffer, step * item) for item in range(capacity)]
        return self.pointers

    def values(self, count: int) -> NDArray[np.float64]:
        """The first ``count`` items' values as float64, ``width`` per row when wider than one (a copy)."""
        flat = np.frombuffer(self._buffer, dtype=self._dtype, count=count * self._width)
        values = flat.astype(np.float64)
        return values.reshape(count, self._width) if self._width > 1 else values

    def items(self, count: int) -> list[Any]:
        """The first ``count`` items' values as Python numbers (a C float as the float it is), for a few."""
        values: list[Any] = self._buffer[: count * self._width]
        return values


def text_of_page(textpage: Any) -> str:
    """The text of a text page as pypdfium2's ``PdfTextPage.get_text_range()`` gives it, from the raw
    handle: the reader loads pages through pdfium's own calls, as pypdfium2's page objects each
    register a finalizer and a parent link (~40 µs a page) the reader, which closes every page it
    loads, does not need. Characters at either end that have no place in the text (pdfium's text
    index -1) are left out of the range asked for, as pypdfium2 does (crbug.com/pdfium/2079);
    undecodable UTF-16 is dropped (its ``errors="ignore"``)."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count == -1:
        raise PdfiumError("Failed to get character count.")
    first, last = 0, count - 1
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first) == -1:
        first += 1
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last) == -1:
        last -= 1
    if first > last:
        return ""
    start = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)
    end = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)
    buffer = (ctypes.c_ushort * (end + 2 - start))()
    written = pdfium_c.FPDFText_GetText(textpage, first, last + 1 - first, buffer)
    return bytes(memoryview(buffer)[: written - 1]).decode("utf-16-le", errors="ignore")


class PageNotLoaded(PdfiumError):  # type: ignore[misc]  # pypdfium2 ships no type stubs
    """pdfium could not load a page or its text page."""


@contextmanager
def loaded_text_page(document: Any, index: int) -> Iterator[tuple[Any, Any]]:
    """Page ``index`` (0-based) of a raw pdfium document and its text page, both closed on leaving;
    ``PageNotLoaded`` when pdfium cannot load either (a damaged page)."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise PageNotLoaded("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise PageNotLoaded("Failed to load text page.")
        try:
            yield page, textpage
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def address(handle: Any) -> int:
    """The address a pypdfium2 handle points at (0 for a null handle)."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


class PageObjects(NamedTuple):
    """A page's objects (not those inside its Form XObjects), in page order: what the reader and the
    table engine both walk, read once."""

    addresses: list[int | None]
    """Each object's address (None where pdfium gives none)."""
    handles: list[Any]
    """Each object's ``handle``."""
    kinds: list[int]
    """Each object's type (``FPDF_PAGEOBJ_TEXT``, ``FPDF_PAGEOBJ_PATH`` …; unknown for a missing object)."""


def page_objects(page: Any) -> PageObjects:
    """The objects of a page (``page``: its ``handle``); ValueError when pdfium cannot count them."""
    count = PAGE_OBJECT_COUNT(page)
    if count < 0:
        raise ValueError("pdfium could not count the objects of a page")
    addresses = list(map(PAGE_OBJECT, repeat(page, count), range(count)))
    handles = list(map(handle, addresses))
    return PageObjects(addresses, handles, list(map(OBJECT_TYPE, handles)))


class LoadedPage(NamedTuple):
    """A page pdfium has loaded, and its text page: raw handles, closed by whoever loaded them."""

    page: Any
    textpage: Any
    objects: PageObjects | None = None
    """The page's objects, when the reader has read them."""
