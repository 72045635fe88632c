"""Word 97-2003 (.doc), WPS (.wps, .et) and RTF read like the .docx/.xlsx of the same forms.

tests/fixtures/formats/seed002.doc, seed000.wps and seed002.et are written by LibreOffice from
seed002.docx, seed000.docx and seed002.xlsx (scripts/make_format_fixtures.py). Reading them
converts them back with LibreOffice (.doc/.wps) or reads the BIFF8 stream with xlrd (.et); each
file is parsed once per module, since a LibreOffice start costs seconds.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlrd import compdoc

from pipeline.core.errors import IngestError
from pipeline.core.types import Row
from pipeline.parse.document import parse_document
from pipeline.parse.frames import DocumentFrames
from pipeline.parse.read import MAX_BINARY_BYTES, document_format, office, read_document, size_limit
from pipeline.parse.read.excel import read_xlsx
from pipeline.parse.read.legacy import F_ENCRYPTED, FIB_FLAGS_OFFSET, compound_streams
from pipeline.parse.read.office import SPREADSHEET, convert
from tests.conftest import FIXED_NOW, REALDOCS
from tests.parse.compared import PROJECT_COLUMNS, ROW_COLUMNS
from tests.parse.test_read_html_xls import realdoc_page

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
LEGACY = {
    "seed002.doc": ("seed002.docx", "doc"),
    "seed000.wps": ("seed000.docx", "wps"),
    "seed002.et": ("seed002.xlsx", "et"),
}
"""Fixture → (the file it was made from, the format recorded in dim_document)."""
NEEDS_SOFFICE = pytest.mark.skipif(
    office.find_soffice() is None, reason="LibreOffice (soffice) is not installed: `make install` installs it"
)

Parsed = tuple[str, list[tuple[object, ...]], list[tuple[object, ...]]]


def _parse(path: Path) -> Parsed:
    frames = parse_document(path, path.parent, now=FIXED_NOW)
    assert frames.errors.is_empty(), frames.errors.to_dicts()
    return (
        frames.documents["format"][0],
        frames.indicators.select(ROW_COLUMNS).rows(),
        frames.projects.select(PROJECT_COLUMNS).rows(),
    )


@dataclass(frozen=True)
class Traces:
    """What a parse left on disk: the raw folder's files, and the temporary folder's entries."""

    raw: list[str]
    scratch: list[str]


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], Parsed]]:
    """Each file parsed once for the module (LibreOffice is started once per converted file), from
    a raw folder of its own, with the temporary folder pointed at an empty one; ``TRACES`` records
    what each parse left in either."""
    cache: dict[Path, Parsed] = {}
    scratch = tmp_path_factory.mktemp("scratch")
    patch = pytest.MonkeyPatch()
    patch.setattr("tempfile.tempdir", str(scratch))

    def get(path: Path) -> Parsed:
        if path not in cache:
            raw = tmp_path_factory.mktemp("raw")
            shutil.copyfile(path, raw / path.name)
            cache[path] = _parse(raw / path.name)
            TRACES[path] = Traces(sorted(p.name for p in raw.iterdir()), sorted(p.name for p in scratch.iterdir()))
        return cache[path]

    yield get
    patch.undo()


TRACES: dict[Path, Traces] = {}


def _error(path: Path) -> dict[str, object]:
    frames: DocumentFrames = parse_document(path, path.parent, now=FIXED_NOW)
    assert frames.indicators.is_empty()
    row: dict[str, object] = frames.errors.row(0, named=True)
    return row


# -- same rows as the originals -------------------------------------------------------------------
@NEEDS_SOFFICE
@pytest.mark.parametrize("file", sorted(LEGACY))
def test_same_rows_and_projects_as_the_original(file: str, parsed: Callable[[Path], Parsed]) -> None:
    source, recorded = LEGACY[file]
    fmt, rows, projects = parsed(FORMATS / file)
    _, expected_rows, expected_projects = parsed(FORMATS / source)
    assert fmt == recorded
    assert len(expected_rows) in (21, 22) and rows == expected_rows
    assert projects == expected_projects


@NEEDS_SOFFICE
def test_doc_values_as_written(parsed: Callable[[Path], Parsed]) -> None:
    """Values of seed 002's first form, as its text dump writes them."""
    _, rows, projects = parsed(FORMATS / "seed002.doc")
    assert rows[0][2:] == ("产出指标", "数量指标", "开展帮扶活动次数", "开展帮扶活动次数", ">15次", "报账单据")
    assert ("效益指标", "经济效益指标", "资金使用率", "资金使用率", "≥95%", "资金拨付单") in [r[2:] for r in rows]
    assert projects[1][1:4] == ("13082124P00011110021J", "执法工作经费", 110000.0)


def test_et_is_read_by_xlrd_with_its_number_formats() -> None:
    """A WPS .et is a BIFF8 workbook: read without LibreOffice, shares formatted "0%" read "25%"."""
    doc = read_document((FORMATS / "seed002.et").read_bytes(), "seed002.et")
    assert doc.format == "et"
    assert ("", "25%", "", "50%", "", "75%", "100%") in [b.cells for b in doc.blocks if isinstance(b, Row)]


@NEEDS_SOFFICE
def test_libreoffice_reads_a_workbook_as_xlrd_does() -> None:
    """The fallback for workbooks xlrd cannot parse gives the same rows as xlrd on one it can."""
    data = (FORMATS / "seed002.et").read_bytes()
    by_xlrd = [b.cells for b in read_document(data, "seed002.et").blocks if isinstance(b, Row)]
    by_office = [
        b.cells for b in read_xlsx(convert(data, ".xls", SPREADSHEET, "test"), "x.xlsx").blocks if isinstance(b, Row)
    ]
    assert by_office == by_xlrd


# -- content decides, not the name ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "name", "recorded"),
    [
        ("seed002.docx", "renamed.doc", "docx"),
        ("seed002.html", "saved-as-web-page.doc", "html"),
        ("seed002.mhtml", "single-file.doc", "mhtml"),
        ("seed002.xlsx", "renamed.et", "xlsx"),
        ("seed002.et", "a-workbook.doc", "xls"),
    ],
)
def test_read_as_what_it_is(tmp_path: Path, content: str, name: str, recorded: str) -> None:
    (tmp_path / name).write_bytes((FORMATS / content).read_bytes())
    fmt, rows, _ = _parse(tmp_path / name)
    assert fmt == recorded and len(rows) == 22


@NEEDS_SOFFICE
def test_a_renamed_doc_is_read_as_word(tmp_path: Path, parsed: Callable[[Path], Parsed]) -> None:
    (tmp_path / "renamed.docx").write_bytes((FORMATS / "seed002.doc").read_bytes())
    fmt, rows, _ = _parse(tmp_path / "renamed.docx")
    assert fmt == "doc" and rows == parsed(FORMATS / "seed002.docx")[1]


def test_a_renamed_xls_is_read_as_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "renamed.xlsx").write_bytes((FORMATS / "seed002.xls").read_bytes())
    fmt, rows, _ = _parse(tmp_path / "renamed.xlsx")
    assert fmt == "xls" and rows == _parse(FORMATS / "seed002.xlsx")[1]


def _with_stream_renamed(data: bytes, old: str, new: str) -> bytes:
    """The compound file with a directory entry renamed (its name field and name length)."""
    at = data.index(old.encode("utf-16-le") + b"\0\0")
    entry = bytearray(data)
    entry[at : at + 64] = (new.encode("utf-16-le") + b"\0\0").ljust(64, b"\0")
    entry[at + 64 : at + 66] = (2 * len(new) + 2).to_bytes(2, "little")
    return bytes(entry)


@pytest.mark.parametrize("name", ["locked.docx", "locked.xlsx", "locked.doc"])
def test_password_protected_office_file(name: str) -> None:
    """Office saves a password-protected .docx/.xlsx as a compound file holding EncryptionInfo."""
    data = _with_stream_renamed((FORMATS / "seed002.et").read_bytes(), "Workbook", "EncryptionInfo")
    with pytest.raises(IngestError) as caught:
        read_document(data, name)
    assert caught.value.error_class == "encrypted_file"


@NEEDS_SOFFICE
def test_a_word_file_named_et_is_read_as_word(tmp_path: Path, parsed: Callable[[Path], Parsed]) -> None:
    (tmp_path / "a-document.et").write_bytes((FORMATS / "seed002.doc").read_bytes())
    fmt, rows, _ = _parse(tmp_path / "a-document.et")
    assert fmt == "doc" and rows == parsed(FORMATS / "seed002.docx")[1]


RTF_TABLE = r"""{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}
\pard\qc 1.\'b9\'a4\'d7\'f7\'be\'ad\'b7\'d1\u32489?\u25928?\u30446?\u26631?\u34920?\par
{\trowd\cellx1500\cellx3000\cellx4500\cellx6000
\intbl \u19968?\u32423?\u25351?\u26631?\cell \intbl \u20108?\u32423?\u25351?\u26631?\cell
\intbl \u19977?\u32423?\u25351?\u26631?\cell \intbl \u25351?\u26631?\u20540?\cell \row}
{\trowd\cellx1500\cellx3000\cellx4500\cellx6000
\intbl \u20135?\u20986?\u25351?\u26631?\cell \intbl \u25968?\u37327?\u25351?\u26631?\cell
\intbl \u24110?\u25206?\u27425?\u25968?\cell \intbl \u8805?15\u27425?\cell \row}
\pard\par}
"""
"""A title paragraph (GBK bytes and \\uN escapes) and a two-row table: 一级指标 二级指标 三级指标 指标值 /
产出指标 数量指标 帮扶次数 ≥15次."""


@NEEDS_SOFFICE
def test_rtf_table_rows() -> None:
    doc = read_document(RTF_TABLE.encode("ascii"), "form.doc")
    assert doc.format == "rtf"
    assert doc.lines[0] == "1.工作经费绩效目标表"
    assert [b.cells for b in doc.blocks if isinstance(b, Row)] == [
        ("一级指标", "二级指标", "三级指标", "指标值"),
        ("产出指标", "数量指标", "帮扶次数", "≥15次"),
    ]


@pytest.mark.parametrize(("name", "recorded"), [("a.doc", "doc"), ("a.WPS", "wps"), ("a.et", "et"), ("a.rtf", "rtf")])
def test_suffixes_are_registered(name: str, recorded: str) -> None:
    assert (document_format(Path(name)), size_limit(Path(name))) == (recorded, MAX_BINARY_BYTES)


# -- bad input ------------------------------------------------------------------------------------
def test_truncated_doc_says_how_much_is_missing(tmp_path: Path) -> None:
    """Found from the compound file's own allocation table, before LibreOffice is started."""
    data = (FORMATS / "seed002.doc").read_bytes()
    (tmp_path / "cut.doc").write_bytes(data[:20000])
    error = _error(tmp_path / "cut.doc")
    assert error["error_class"] == "unreadable_file" and error["stage"] == "read"
    assert error["message"] == (
        "the Word 97-2003 (.doc) file is truncated: it has 20,000 bytes, but its own allocation table uses "
        "58,368 (a download or copy cut short?); re-download it or get the original again"
    )


def test_truncated_et_and_xls(tmp_path: Path) -> None:
    for name in ("seed002.et", "seed002.xls"):
        (tmp_path / name).write_bytes((FORMATS / name).read_bytes()[:5000])
    assert "WPS Spreadsheets (.et) file is truncated: it has 5,000 bytes" in str(
        _error(tmp_path / "seed002.et")["message"]
    )
    assert "Excel (.xls) file is truncated: it has 5,000 bytes" in str(_error(tmp_path / "seed002.xls")["message"])


def test_damaged_directory(tmp_path: Path) -> None:
    data = bytearray((FORMATS / "seed002.doc").read_bytes())
    data[48:52] = (10**6).to_bytes(4, "little")  # the directory's first sector, far past the end
    (tmp_path / "damaged.doc").write_bytes(bytes(data))
    error = _error(tmp_path / "damaged.doc")
    assert error["error_class"] == "unreadable_file"
    assert str(error["message"]).startswith("the Word 97-2003 (.doc) file is damaged: its compound-file directory")


def test_password_protected_doc(tmp_path: Path) -> None:
    """The FIB's fEncrypted bit: reported without starting LibreOffice."""
    data = bytearray((FORMATS / "seed002.doc").read_bytes())
    _, base, _ = compdoc.CompDoc(bytes(data), logfile=io.StringIO()).locate_named_stream("WordDocument")
    data[base + FIB_FLAGS_OFFSET + 1] |= F_ENCRYPTED >> 8
    (tmp_path / "locked.doc").write_bytes(bytes(data))
    assert _error(tmp_path / "locked.doc")["error_class"] == "encrypted_file"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x00\x01WPS 2000 or anything else", "old.wps"),
        (b"not a document", "text.doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "header-only.doc"),
    ],
)
def test_not_what_the_name_says(data: bytes, name: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_document(data, name)
    assert caught.value.error_class == "unreadable_file"


def test_without_libreoffice_the_message_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "form.doc").write_bytes((FORMATS / "seed002.doc").read_bytes())
    error = _error(tmp_path / "form.doc")
    assert error["error_class"] == "unsupported_format"
    assert "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in str(error["message"])


def _fake_soffice(folder: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell script named soffice, found on PATH before any real LibreOffice."""
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def test_a_hanging_conversion_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """soffice and its children are one process group, killed whole at the time limit."""
    _fake_soffice(tmp_path, f'sleep 60 & echo $! > "{tmp_path}/child"; wait', monkeypatch)
    monkeypatch.setattr(office, "CONVERSION_TIMEOUT_S", 1)
    (tmp_path / "form.doc").write_bytes((FORMATS / "seed002.doc").read_bytes())
    error = _error(tmp_path / "form.doc")
    assert error["error_class"] == "unreadable_file"
    assert "did not finish converting the Word 97-2003 (.doc) file within 1 s" in str(error["message"])
    child = Path(f"/proc/{int((tmp_path / 'child').read_text())}/stat")
    assert not child.exists() or child.read_text().split(") ")[1][0] == "Z", "the child outlived the time limit"


def test_a_failed_conversion_quotes_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'; exit 1", monkeypatch)
    (tmp_path / "form.doc").write_bytes((FORMATS / "seed002.doc").read_bytes())
    error = _error(tmp_path / "form.doc")
    assert error["error_class"] == "unreadable_file"
    assert str(error["message"]).endswith("Error: source file could not be loaded")


@NEEDS_SOFFICE
def test_nothing_is_written_beside_the_file_nor_left_behind(parsed: Callable[[Path], Parsed]) -> None:
    for file in ("seed000.wps", "seed002.doc"):
        assert len(parsed(FORMATS / file)[1]) in (21, 22)
        assert TRACES[FORMATS / file] == Traces(raw=[file], scratch=[])


@NEEDS_SOFFICE
def test_real_document_as_a_doc(tmp_path: Path) -> None:
    """b07's table (一级 merged by rowspan) saved by LibreOffice as Word 97: the reference rows."""
    raw = REALDOCS / "raw"
    sources = sorted(raw.glob("b07_*.txt")) if raw.is_dir() else []
    if not sources:
        pytest.skip(f"real document b07_*.txt not found in {raw} (kept outside the repository)")
    (tmp_path / "b07.html").write_text(realdoc_page(sources[0].read_text(encoding="utf-8")), encoding="utf-8")
    subprocess.run(
        [
            str(office.find_soffice()),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--infilter=HTML (StarWriter)",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(tmp_path / "raw"),
            str(tmp_path / "b07.html"),
        ],
        check=True,
        capture_output=True,
        timeout=office.CONVERSION_TIMEOUT_S,
    )
    frames = parse_document(tmp_path / "raw" / "b07.doc", tmp_path / "raw", now=FIXED_NOW)
    assert frames.errors.is_empty(), frames.errors.to_dicts()
    assert frames.documents["format"].to_list() == ["doc"]
    reference = pl.read_csv(REALDOCS / "reference" / "b07_rows.csv")
    assert frames.indicators.select("level3", "value_text").rows() == reference.select("level3", "value_text").rows()


@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=4095), st.binary(max_size=8)), min_size=1, max_size=6)
)
def test_damaged_compound_header_never_raises_past_the_check(edits: list[tuple[int, bytes]]) -> None:
    """Header, allocation table and directory overwritten: streams found, or an IngestError."""
    data = bytearray((FORMATS / "seed002.doc").read_bytes())
    for position, junk in edits:
        data[position : position + len(junk)] = junk
    try:
        _, streams = compound_streams(bytes(data), "Word 97-2003 (.doc)")
    except IngestError as error:
        assert error.error_class == "unreadable_file"
        return
    assert isinstance(streams, frozenset)
