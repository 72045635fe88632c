"""Files built to exhaust a run (issue 17): tiny Word and Excel files that pad rows to millions of
cells, a zip part that inflates far past the size it declares, and NUL bytes in a text file.

Each gets one error row (or loads cleanly) in bounded time and memory. Memory is measured in a
subprocess (its own peak RSS), so a bomb shows even when it is refused in the end.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

import docx
import openpyxl
import polars as pl
import pytest

from pipeline.parse.document import parse_document
from tests.parse.test_bad_input import GOOD_ROWS, SEED_002

REPO = Path(__file__).resolve().parents[2]
MEMORY_LIMIT_MB = 500
BOMB_SECONDS = 60


# -- bombs: bounded memory, measured in a subprocess --------------------------------------------
PARSE_AND_MEASURE = """
import json, re, resource, sys
from pathlib import Path
from pipeline.parse.document import parse_document
path = Path(sys.argv[1])
frames = parse_document(path, path.parent)
errors = frames.errors["error_class"].to_list()
try:  # this process's own peak: Linux carries ru_maxrss over from the parent through fork and exec
    with open("/proc/self/status") as status:
        peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"status": frames.documents["status"][0], "errors": errors, "peak_mb": peak_kb / 1024}))
"""


def parse_in_subprocess(path: Path) -> dict[str, object]:
    """parse_document on one file in a fresh interpreter: its outcome and its peak memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", PARSE_AND_MEASURE, str(path)],
        capture_output=True, text=True, env=env, timeout=BOMB_SECONDS * 5, check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = time.monotonic() - started
    return result


def docx_bytes(table: bool = True) -> bytes:
    document = docx.Document()
    document.add_paragraph("项目支出绩效目标表")
    if table:
        grid = document.add_table(rows=1, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "一级指标", "产出指标"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, name: str, edit: Callable[[str], str]) -> bytes:
    """The same zip with one member's text edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()


def assert_bounded(result: dict[str, object]) -> None:
    assert float(result["peak_mb"]) < MEMORY_LIMIT_MB, result  # type: ignore[arg-type]
    assert float(result["seconds"]) < BOMB_SECONDS, result  # type: ignore[arg-type]
    assert result["status"] == "failed" and len(result["errors"]) == 1, result  # type: ignore[arg-type]


TWO_CELLS: Final = "<w:tr>" + "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>" * 2 + "</w:tr>"
"""A row with text in two cells: kept as a row (a row with text in its first cell only is a caption)."""


def wide_grid(xml: str) -> str:
    """16 000 grid columns and 5 500 two-cell rows: under 1 MB inflated, so no ratio check refuses
    it, yet every row padded to the grid is 16 000 cells."""
    xml = xml.replace("</w:tblGrid>", '<w:gridCol w:w="1"/>' * 16_000 + "</w:tblGrid>", 1)
    return xml.replace("</w:tbl>", TWO_CELLS * 5_500 + "</w:tbl>", 1)


@pytest.mark.parametrize("element", ["span", "before", "grid"])
def test_word_grid_spans_are_capped(tmp_path: Path, element: str) -> None:
    huge = 'w:val="150000000"'
    edits: dict[str, Callable[[str], str]] = {
        "span": lambda xml: xml.replace("<w:tcPr>", f"<w:tcPr><w:gridSpan {huge}/>", 1),
        "before": lambda xml: re.sub(
            r"<w:tr( [^>]*)?>", lambda m: f"{m.group()}<w:trPr><w:gridBefore {huge}/></w:trPr>", xml, count=1
        ),
        "grid": wide_grid,
    }
    bomb = tmp_path / "span.docx"
    bomb.write_bytes(rewrite_member(docx_bytes(), "word/document.xml", edits[element]))
    assert_bounded(parse_in_subprocess(bomb))


def test_excel_cell_in_the_last_column_does_not_widen_every_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in range(1, 13_001):
        sheet.cell(row=row, column=1, value="项目")
        sheet.cell(row=row, column=2, value=row)
    sheet.cell(row=1, column=16_384, value="XFD")
    bomb = tmp_path / "wide.xlsx"
    workbook.save(bomb)
    assert_bounded(parse_in_subprocess(bomb))


def lying_docx(inflated_mb: int, declared: int) -> bytes:
    """A .docx whose document.xml inflates to ``inflated_mb`` MiB but declares ``declared`` bytes
    (its CRC that of the declared prefix, so even zipfile's CRC check passes)."""
    xml_name = "word/document.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(table=False))) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename != xml_name:
                target.writestr(info.filename, content)
                continue
            prefix = content
            with target.open(xml_name, "w", force_zip64=False) as member:
                member.write(content)
                for _ in range(inflated_mb):
                    member.write(b" " * (1 << 20))
    data = bytearray(out.getvalue())
    name = xml_name.encode()
    crc = zlib.crc32(prefix[:declared]) if declared <= len(prefix) else zlib.crc32(prefix + b" " * (declared - len(prefix)))
    for at in (m.start() for m in re.finditer(re.escape(name), bytes(data))):
        if data[at - 46 : at - 42] == b"PK\x01\x02":  # central directory entry
            data[at - 46 + 16 : at - 46 + 20] = crc.to_bytes(4, "little")
            data[at - 46 + 24 : at - 46 + 28] = declared.to_bytes(4, "little")
        elif data[at - 30 : at - 26] == b"PK\x03\x04":  # local header
            data[at - 30 + 14 : at - 30 + 18] = crc.to_bytes(4, "little")
            data[at - 30 + 22 : at - 30 + 26] = declared.to_bytes(4, "little")
    return bytes(data)


def test_zip_member_understating_its_size_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "liar.docx"
    bomb.write_bytes(lying_docx(inflated_mb=700, declared=4000))
    assert bomb.stat().st_size < 2 << 20
    result = parse_in_subprocess(bomb)
    assert_bounded(result)
    assert result["errors"] == ["unreadable_file"]


def test_honest_docx_still_reads(tmp_path: Path) -> None:
    """The member check inflates every part: a normal document passes it and loads."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "formats" / "seed002.docx", raw / "seed002.docx")
    frames = parse_document(raw / "seed002.docx", raw)
    assert frames.documents["status"][0] == "loaded" and frames.indicators.height == GOOD_ROWS


def test_nul_bytes_never_reach_the_warehouse(tmp_path: Path) -> None:
    text = SEED_002.read_text(encoding="utf-8").replace("开展帮扶活动次数", "开展帮扶\x00活动次数\x00")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "nul.txt").write_text(text, encoding="utf-8")
    frames = parse_document(raw / "nul.txt", raw)
    assert frames.indicators.height == GOOD_ROWS
    for frame in (frames.documents, frames.projects, frames.indicators):
        for column in frame.select(pl.col(pl.String)).columns:
            assert not frame[column].str.contains("\x00", literal=True).any(), column
    assert "开展帮扶活动次数" in frames.indicators["level3"].to_list()


