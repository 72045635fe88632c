"""Word 97-2003 (.doc), WPS (.wps, .et) and RTF files: what the bytes are decides the reader.

Kingsoft WPS writes its .wps as a Word 97 compound file and its .et as an Excel 97 (BIFF8)
one; sites name web pages .doc (Word's "save as web page"), and users rename .docx files. So
every file of these suffixes is sniffed first, and read as

============================================================ ===================================== ===============
content                                                      read by                               format recorded
============================================================ ===================================== ===============
compound file with a ``WordDocument`` stream (.doc, .wps)    LibreOffice → .docx → ``read_docx``   doc / wps
compound file with a ``Workbook``/``Book`` stream (.et, .xls) ``read_xls`` (xlrd, number formats);  et / xls
                                                             LibreOffice → .xlsx when xlrd cannot
RTF (``{\\rtf``)                                             LibreOffice → .docx → ``read_docx``   rtf
web page or web archive                                      ``read_html``                         html / mhtml
zip (a renamed .docx or .xlsx)                               ``read_docx`` / ``read_xlsx``         docx / xlsx
============================================================ ===================================== ===============

Files named .docx or .xlsx are zips and go straight to their readers, unless they are compound
files: a renamed .doc or .xls is read as above (``doc``/``xls``), and an Office file saved with a
password (an ``EncryptionInfo`` stream in a compound file) is ``encrypted_file``.

A compound file is checked before LibreOffice sees it (``compound_streams``): one shorter than
the sectors its own allocation table uses is truncated, and says by how much; one whose
directory cannot be read is damaged; a Word file with the FIB's ``fEncrypted`` bit is
password-protected. All three are reported without starting LibreOffice. Blocks, lines and
locators are those of the .docx/.xlsx readers on the converted file: ``Locator(line=N)`` counts
the converted document's paragraphs and table rows, which are the original's.
"""

from __future__ import annotations

import dataclasses
import io
import struct
from array import array
from collections.abc import Callable
from typing import Final

from xlrd import compdoc

from pipeline.core.errors import STAGE_READ, IngestError
from pipeline.core.types import RawDocument
from pipeline.parse.read.excel import read_xlsx
from pipeline.parse.read.html import looks_like_archive, looks_like_html, read_html
from pipeline.parse.read.office import INSTALL_ADVICE, SPREADSHEET, WORD, convert
from pipeline.parse.read.word import OLE_ENCRYPTION_STREAM, OLE_MAGIC, read_docx
from pipeline.parse.read.xls import ZIP_MAGIC, read_xls

RTF_MAGIC: Final = b"{\\rtf"
WORD_STREAM: Final = "WordDocument"
WORKBOOK_STREAMS: Final = frozenset({"Workbook", "Book"})
"""BIFF8 (Excel 97+, WPS .et) and BIFF5 (Excel 95) workbook streams."""
ENCRYPTION_STREAMS: Final = frozenset({OLE_ENCRYPTION_STREAM.decode("utf-16-le"), "EncryptedPackage"})
"""An OOXML file saved with a password is a compound file holding these."""
FIB_FLAGS: Final = struct.Struct("<H")
FIB_FLAGS_OFFSET: Final = 10
F_ENCRYPTED: Final = 0x0100
"""Word 97 FIB: bit ``fEncrypted`` of the flags at offset 10 of the WordDocument stream."""
HEADER_BYTES: Final = 512
MSAT_IN_HEADER: Final = struct.Struct("<109i")
MSAT_OFFSET: Final = 76
SECTOR_SHIFT: Final = struct.Struct("<H")
SECTOR_SHIFT_OFFSET: Final = 30
MAX_SECTOR_SHIFT: Final = 16
FREE_SECTOR: Final = -1

KINDS: Final = {
    ".doc": "Word 97-2003 (.doc)",
    ".wps": "WPS Writer (.wps)",
    ".rtf": "RTF (.rtf)",
    ".et": "WPS Spreadsheets (.et)",
    ".xls": "Excel (.xls)",
    ".docx": "Word (.docx)",
    ".xlsx": "Excel (.xlsx)",
}
"""How messages name a file of each suffix."""
WORD_FORMATS: Final = (".doc", ".wps")
"""Suffixes recorded as the format of a Word 97 compound file named so; under any other name it is ``doc``."""
WORKBOOK_FORMATS: Final = (".xls", ".et")
"""… and of an Excel 97 one; under any other name it is ``xls``."""
WORKBOOK_NAMES: Final = (".xls", ".et", ".xlsx")
"""Names under which a zip is read as an .xlsx (under the others, as a .docx)."""


# -- the compound file ---------------------------------------------------------------------------
def compound_size(data: bytes) -> int | None:
    """The size a compound file must have: past the last sector its allocation table (FAT) marks
    as used. None when the header gives no sane sector size.

    Only the FAT sectors listed in the header are read (109 of them: files up to ~7 MB with 512-byte
    sectors); past that the answer is a lower bound, which still catches a file cut in two.
    """
    if len(data) < HEADER_BYTES:
        return HEADER_BYTES
    shift = int(SECTOR_SHIFT.unpack_from(data, SECTOR_SHIFT_OFFSET)[0])
    if not 7 <= shift <= MAX_SECTOR_SHIFT:
        return None
    sector = 1 << shift
    fat_sectors = [int(sid) for sid in MSAT_IN_HEADER.unpack_from(data, MSAT_OFFSET) if sid >= 0]
    last_used = max(fat_sectors, default=-1)
    per_sector = sector // 4
    for position, sid in enumerate(fat_sectors):
        chunk = data[HEADER_BYTES + sid * sector : HEADER_BYTES + (sid + 1) * sector]
        if len(chunk) < sector:
            break
        entries = array("i", chunk)
        used = [index for index, entry in enumerate(entries) if entry != FREE_SECTOR]
        if used:
            last_used = max(last_used, position * per_sector + used[-1])
    return HEADER_BYTES + (last_used + 1) * sector


def compound_streams(data: bytes, kind: str) -> tuple[compdoc.CompDoc, frozenset[str]]:
    """The parsed compound file and the names of its streams; ``unreadable_file`` when it is
    truncated (with the sizes) or its directory cannot be read."""
    needed = compound_size(data)
    if needed is not None and len(data) < needed:
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            f"the {kind} file is truncated: it has {len(data):,} bytes, but its own allocation table uses "
            f"{needed:,} (a download or copy cut short?); re-download it or get the original again",
        )
    try:
        document = compdoc.CompDoc(data, logfile=io.StringIO())
    except Exception as exc:  # compdoc raises CompDocError, IndexError, struct.error on damage
        raise IngestError(
            "unreadable_file",
            STAGE_READ,
            f"the {kind} file is damaged: its compound-file directory cannot be read ({type(exc).__name__}: {exc})",
        ) from exc
    streams = frozenset(str(node.name) for node in document.dirlist if node.etype == 2)
    return document, streams


def _word_encrypted(document: compdoc.CompDoc) -> bool:
    try:
        stream = document.get_named_stream(WORD_STREAM)
    except Exception:  # a stream pointing past the file: LibreOffice will say it is damaged
        return False
    if stream is None or len(stream) < FIB_FLAGS_OFFSET + FIB_FLAGS.size:
        return False
    (flags,) = FIB_FLAGS.unpack_from(stream, FIB_FLAGS_OFFSET)
    return bool(flags & F_ENCRYPTED)


# -- readers -------------------------------------------------------------------------------------
def _as(doc: RawDocument, fmt: str) -> RawDocument:
    return dataclasses.replace(doc, format=fmt)


def _converted_word(data: bytes, source_file: str, input_suffix: str, kind: str, fmt: str) -> RawDocument:
    return _as(read_docx(convert(data, input_suffix, WORD, kind), source_file), fmt)


def _compound_workbook(data: bytes, source_file: str, kind: str, fmt: str) -> RawDocument:
    """xlrd first (exact number formats, no process started); LibreOffice when xlrd cannot parse it."""
    try:
        return _as(read_xls(data, source_file), fmt)
    except IngestError as error:
        if error.error_class != "unreadable_file":
            raise
        xlrd_error = error
    try:
        converted = convert(data, ".xls", SPREADSHEET, kind)
    except IngestError as error:
        if error.error_class != "unsupported_format":
            raise
        message = f"{xlrd_error.message} (LibreOffice reads more workbooks: {INSTALL_ADVICE})"
        raise IngestError("unreadable_file", STAGE_READ, message) from xlrd_error
    return _as(read_xlsx(converted, source_file), fmt)


def _compound(data: bytes, source_file: str, suffix: str) -> RawDocument:
    kind = KINDS.get(suffix, f"'{suffix}'")
    document, streams = compound_streams(data, kind)
    if streams & ENCRYPTION_STREAMS or (WORD_STREAM in streams and _word_encrypted(document)):
        raise IngestError(
            "encrypted_file", STAGE_READ, f"the {kind} file is password-protected; save it without a password"
        )
    if WORD_STREAM in streams:
        fmt = suffix if suffix in WORD_FORMATS else ".doc"
        return _converted_word(data, source_file, ".doc", KINDS[fmt], fmt.lstrip("."))
    if streams & WORKBOOK_STREAMS:
        fmt = suffix if suffix in WORKBOOK_FORMATS else ".xls"
        return _compound_workbook(data, source_file, KINDS[fmt], fmt.lstrip("."))
    raise IngestError(
        "unreadable_file",
        STAGE_READ,
        f"the file named {suffix} is an Office compound file but neither a Word document nor a workbook "
        f"(it holds {', '.join(sorted(streams)) or 'no streams'}); re-download or re-export it",
    )


def read_legacy(data: bytes, source_file: str, suffix: str) -> RawDocument:
    """A file of a legacy suffix read as what it is (module docstring)."""
    if looks_like_archive(data) or looks_like_html(data):
        return read_html(data, source_file)
    if data.startswith(OLE_MAGIC):
        return _compound(data, source_file, suffix)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(RTF_MAGIC):
        return _converted_word(data, source_file, ".rtf", KINDS[".rtf"], "rtf")
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data, source_file) if suffix in WORKBOOK_NAMES else read_docx(data, source_file)
    kind = KINDS.get(suffix, suffix)
    raise IngestError(
        "unreadable_file",
        STAGE_READ,
        f"the file named {suffix} is not a {kind} file (nor RTF, a web page or a .docx/.xlsx): damaged, or "
        "an old format such as WPS 2000; open it and save it as .docx/.xlsx/.pdf",
    )


def _reader(suffix: str) -> Callable[[bytes, str], RawDocument]:
    def read(data: bytes, source_file: str) -> RawDocument:
        return read_legacy(data, source_file, suffix)

    read.__name__ = read.__qualname__ = f"read_{suffix.lstrip('.')}"
    read.__doc__ = f"A file named {suffix}, read as what it is (``read_legacy``)."
    return read


def _ooxml(suffix: str, reader: Callable[[bytes, str], RawDocument]) -> Callable[[bytes, str], RawDocument]:
    """``reader`` for a .docx/.xlsx name, but a compound file under that name (a .doc or .xls
    renamed, or an encrypted Office file) goes to ``read_legacy``."""

    def read(data: bytes, source_file: str) -> RawDocument:
        if data.startswith(OLE_MAGIC):
            return read_legacy(data, source_file, suffix)
        return reader(data, source_file)

    read.__name__ = read.__qualname__ = f"read_{suffix.lstrip('.')}_file"
    read.__doc__ = f"A file named {suffix}: ``{reader.__name__}``, or ``read_legacy`` for a compound file."
    return read


read_doc: Final = _reader(".doc")
read_wps: Final = _reader(".wps")
read_rtf: Final = _reader(".rtf")
read_et: Final = _reader(".et")
read_xls_file: Final = _reader(".xls")
"""``.xls`` too: xlrd, then LibreOffice for a workbook xlrd cannot parse; web pages and .xlsx as ``read_xls``."""
read_docx_file: Final = _ooxml(".docx", read_docx)
read_xlsx_file: Final = _ooxml(".xlsx", read_xlsx)
