"""Web pages, web archives and Excel 97-2003 workbooks read like the Word/Excel originals of the same forms.

tests/fixtures/formats/seed002.{html,_gbk.html,mhtml,xls} are built by
scripts/make_format_fixtures.py from the forms of seed002.docx/.xlsx (scripts/make_fixtures.py),
with 一级 and 二级指标 merged by ``rowspan`` and a portal's chrome around them.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlrd

from pipeline.core.errors import IngestError
from pipeline.core.types import Locator, Row, TextLine
from pipeline.parse.document import parse_document
from pipeline.parse.frames import DocumentFrames
from pipeline.parse.read import MAX_BINARY_BYTES, MAX_TEXT_BYTES, document_format, read_document, size_limit
from pipeline.parse.read.html import read_html
from pipeline.parse.read.word import OLE_MAGIC
from tests.conftest import CELLS, FIXED_NOW, REALDOCS, SEED_DIR, SEEDS

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
REFERENCE = "seed002.docx"
WEB_AND_XLS = {
    "seed002.html": "html",
    "seed002_gbk.html": "html",
    "seed002.mhtml": "mhtml",
    "seed002.xls": "xls",
}
"""Fixture → the format recorded in dim_document."""
ROW_COLUMNS = ["table_no", "row_no", "level1", "level2", "level3", "value_text"]
CHROME_WORDS = ("首页", "通知公告", "访问统计", "隐藏的统计", "分享到", "请输入关键字", "搜索", "版权所有", "dDwt")
"""Text of the fixture page's menus, scripts, hidden blocks, form controls and footer."""


def _indicators(path: Path) -> tuple[str, list[tuple[object, ...]]]:
    frames = parse_document(path, path.parent, now=FIXED_NOW)
    assert frames.errors.is_empty(), frames.errors.to_dicts()
    return frames.documents["format"][0], frames.indicators.select(ROW_COLUMNS).rows()


def _error_class(data: bytes, name: str) -> str:
    with pytest.raises(IngestError) as caught:
        read_document(data, name)
    return caught.value.error_class


# -- same rows as the other formats ---------------------------------------------------------------
@pytest.mark.parametrize("file", sorted(WEB_AND_XLS))
def test_same_indicator_rows_as_word_and_excel(file: str) -> None:
    _, expected = _indicators(FORMATS / REFERENCE)
    _, from_xlsx = _indicators(FORMATS / "seed002.xlsx")
    assert len(expected) == 22 and from_xlsx == expected
    recorded, rows = _indicators(FORMATS / file)
    assert recorded == WEB_AND_XLS[file]
    assert rows == expected


@pytest.mark.parametrize(
    ("content", "name", "recorded"),
    [
        ("seed002.html", "exported.xls", "html"),
        ("seed002.mhtml", "exported.xls", "mhtml"),
        ("seed002.xlsx", "renamed.xls", "xlsx"),
    ],
)
def test_an_xls_is_read_as_what_it_is(tmp_path: Path, content: str, name: str, recorded: str) -> None:
    """Sites serve HTML tables and web archives named .xls; some .xlsx are renamed .xls."""
    _, expected = _indicators(FORMATS / REFERENCE)
    shutil.copy(FORMATS / content, tmp_path / name)
    assert _indicators(tmp_path / name) == (recorded, expected)


@pytest.mark.parametrize(
    ("name", "recorded", "limit"),
    [
        ("a.HTM", "html", MAX_TEXT_BYTES),
        ("a.shtml", "html", MAX_TEXT_BYTES),
        ("a.mht", "mhtml", MAX_BINARY_BYTES),
        ("a.xls", "xls", MAX_BINARY_BYTES),
    ],
)
def test_suffixes_are_registered(name: str, recorded: str, limit: int) -> None:
    """A page is text (parsed into a tree many times its size); an archive embeds images."""
    assert (document_format(Path(name)), size_limit(Path(name))) == (recorded, limit)


# -- web pages ----------------------------------------------------------------------------------
def test_gbk_page_decodes_with_its_declared_charset() -> None:
    data = (FORMATS / "seed002_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b'<meta charset="gbk">' in data
    assert (
        read_document(data, "seed002_gbk.html").lines
        == read_document((FORMATS / "seed002.html").read_bytes(), "seed002.html").lines
    )


def test_gb2312_label_reads_gbk_characters() -> None:
    """镕 is GBK, not GB2312: pages labelled gb2312 hold it all the same (decoded as GB18030)."""
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>朱镕基</p></body></html>'
    assert read_html(page.encode("gbk"), "p.html").lines == ("朱镕基",)


def test_undeclared_charset_is_detected() -> None:
    page = "<html><body><p>单位：万元</p><table><tr><td>产出指标</td><td>数量指标</td></tr></table></body></html>"
    assert read_html(page.encode("gb18030"), "p.html").lines == ("单位：万元", "产出指标\t数量指标")


def test_spans_expand_like_word_merged_cells() -> None:
    """A spanning cell is written at its first row and column; every other position is ""."""
    page = """<table>
    <tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th colspan="2">指标值</th></tr>
    <tr><td rowspan="3">产出指标</td><td rowspan="2">数量指标</td><td>道路</td><td colspan="2">485条</td></tr>
    <tr><td>车辆</td><td>283辆</td><td>辆</td></tr>
    <tr><td>质量指标</td><td>处理率</td><td>100%</td><td></td></tr>
    </table>"""
    rows = [block.cells for block in read_html(page.encode(), "p.html").blocks if isinstance(block, Row)]
    assert rows == [
        ("一级指标", "二级指标", "三级指标", "指标值", ""),
        ("产出指标", "数量指标", "道路", "485条", ""),
        ("", "", "车辆", "283辆", "辆"),
        ("", "质量指标", "处理率", "100%", ""),
    ]


def test_rowspan_cells_are_carried_down_by_the_form_reader() -> None:
    """The page merges 二级指标 (质量指标 over two rows), the .docx does not: same 二级 on every row."""
    page = (FORMATS / "seed002.html").read_text(encoding="utf-8")
    assert re.search(r'rowspan="[23]">质量指标', page)
    frames = parse_document(FORMATS / "seed002.html", FORMATS, now=FIXED_NOW)
    assert frames.indicators.filter(pl.col("level2") == "质量指标").height >= 2
    assert frames.indicators["level2"].null_count() == 0


def test_chrome_is_ignored_and_nothing_read_twice() -> None:
    doc = read_document((FORMATS / "seed002.html").read_bytes(), "seed002.html")
    text = "\n".join(doc.lines)
    assert not [word for word in CHROME_WORDS if word in text]
    workbook = read_document((FORMATS / "seed002.xls").read_bytes(), "seed002.xls")
    rows = [block.cells for block in doc.blocks if isinstance(block, Row)]
    assert rows == [block.cells for block in workbook.blocks if isinstance(block, Row)], (
        "the page's rows (inside a layout table) differ from the same grid's in the .xls"
    )


def test_text_outside_tables_is_text_lines_located_in_lines() -> None:
    doc = read_document((FORMATS / "seed002.html").read_bytes(), "seed002.html")
    assert TextLine("单位：万元", doc.blocks[2].locator) in doc.blocks
    for block in doc.blocks:
        assert block.locator.line is not None and block.locator.page is None
        line = doc.lines[block.locator.line - 1]
        cells = block.cells if isinstance(block, Row) else (block.text,)
        assert all(cell in line for cell in cells if cell)


def test_prose_reader_sees_the_page_text() -> None:
    """A paragraph is one line of ``lines``, inline markup and source line breaks joined."""
    page = "<div><p>一、项目绩效目标<br>本项目<b>年初安排</b>\n30000元。</p></div>"
    assert read_html(page.encode(), "p.html").lines == ("一、项目绩效目标", "本项目年初安排 30000元。")


def test_preformatted_text_keeps_its_lines_and_spaces() -> None:
    """A text dump pasted in ``<pre>``: its columns are runs of spaces, its rows are lines."""
    page = "<pre>三级指标      指标值\n\n开展帮扶活动次数  &gt;15次\n</pre><p>注：</p>"
    assert read_html(page.encode(), "p.html").lines == ("三级指标      指标值", "开展帮扶活动次数  >15次", "注：")


def test_mhtml_page_is_quoted_printable() -> None:
    data = (FORMATS / "seed002.mhtml").read_bytes()
    assert b"Content-Transfer-Encoding: quoted-printable" in data and b"image/gif" in data
    assert (
        read_document(data, "seed002.mhtml").lines
        == read_document((FORMATS / "seed002.html").read_bytes(), "seed002.html").lines
    )


PROSE_LINES = 25
"""Seed 003's lines 1–25: its project targets written as prose (as scripts/make_prose_fixtures.py)."""


def _prose(frames: DocumentFrames) -> list[tuple[object, ...]]:
    prose = frames.projects.filter(pl.col("source_kind") == "prose").sort("table_no")
    rows = frames.indicators.join(prose.select("project_id"), on="project_id").sort("table_no", "row_no")
    return [*prose.select("project_name", "budget_yuan", "spend_plan").rows(), *rows.select(CELLS).rows()]


def test_targets_written_as_prose_in_a_page_read_as_from_the_text(
    tmp_path: Path, seed: Callable[[str], DocumentFrames]
) -> None:
    """Each paragraph a ``<p>`` (styled runs inside, menus around): the prose reader gets its lines."""
    text = (SEED_DIR / SEEDS["003"]).read_text(encoding="utf-8").splitlines()[:PROSE_LINES]
    paragraphs = "".join(f"<p><span>{html.escape(line)}</span></p>" for line in text if line.strip())
    page = f"<html><body><nav>首页</nav><div class='article'>{paragraphs}</div><footer>版权所有</footer></body></html>"
    (tmp_path / "prose003.html").write_text(page, encoding="utf-8")
    frames = parse_document(tmp_path / "prose003.html", tmp_path, now=FIXED_NOW)
    expected = _prose(seed("003"))
    assert len(expected) > 8 and _prose(frames) == expected


# -- Excel 97-2003 ------------------------------------------------------------------------------
def test_xls_percentages_and_budgets_keep_their_number_format() -> None:
    """The shares are numbers (0.25) formatted "0%" in the file, and read "25%"."""
    data = (FORMATS / "seed002.xls").read_bytes()
    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    sheet = book.sheet_by_index(0)
    shares = [
        (cell.value, book.format_map[book.xf_list[cell.xf_index].format_key].format_str)
        for row in range(sheet.nrows)
        for cell in sheet.row(row)
        if cell.ctype == xlrd.XL_CELL_NUMBER
    ]
    assert (0.25, "0%") in shares and (1.0, "0%") in shares and (6.19, "0.00") in shares
    doc = read_document(data, "seed002.xls")
    assert ("", "25%", "", "50%", "", "75%", "100%") in [b.cells for b in doc.blocks if isinstance(b, Row)]
    assert any(line.startswith("预算规模及资金用途\t预算数\t6.19\t") for line in doc.lines)


def test_xls_merged_ranges_are_given_once() -> None:
    doc = read_document((FORMATS / "seed002.xls").read_bytes(), "seed002.xls")
    rows = [b.cells for b in doc.blocks if isinstance(b, Row)]
    quality = [cells for cells in rows if "质量指标" in cells]
    assert quality and all(cells[0] == "" for cells in quality)
    assert any(cells[:2] == ("", "") for cells in rows), "a row under merged 一级 and 二级 cells"
    assert doc.blocks[0] == TextLine("项目1", doc.blocks[0].locator)


def test_hidden_sheets_are_read_only_when_they_hold_a_table(tmp_path: Path) -> None:
    """Drop-down lists on a hidden sheet are not rows; a 绩效目标表 on a hidden sheet is still read."""
    book = xlrd.open_workbook(file_contents=(FORMATS / "seed002.xls").read_bytes())
    assert [(sheet.name, sheet.visibility) for sheet in book.sheets()][-1] == ("下拉列表", 1)
    xls = read_document((FORMATS / "seed002.xls").read_bytes(), "seed002.xls")
    assert "下拉列表" not in xls.lines and "满意度指标\t时效指标" not in xls.lines

    workbook = openpyxl.load_workbook(FORMATS / "seed002.xlsx")
    lists = workbook.create_sheet("下拉列表")
    lists.append(["产出指标", "数量指标"])
    lists.sheet_state = "hidden"
    table = workbook.create_sheet("隐藏的表")
    table.append(["一级指标", "二级指标", "三级指标", "指标值"])
    table.append(["产出指标", "数量指标", "帮扶次数", "≥15次"])
    table.sheet_state = "veryHidden"
    workbook.save(tmp_path / "hidden.xlsx")
    xlsx = read_document((tmp_path / "hidden.xlsx").read_bytes(), "hidden.xlsx")
    assert "下拉列表" not in xlsx.lines and "产出指标\t数量指标" not in xlsx.lines
    assert Row(("产出指标", "数量指标", "帮扶次数", "≥15次"), Locator(page=4, line=2)) in xlsx.blocks


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["empty.html", "empty.htm", "empty.shtml", "empty.mhtml", "empty.mht", "empty.xls"])
def test_empty_file(name: str) -> None:
    assert _error_class(b"", name) == "empty_file"


@pytest.mark.parametrize(
    ("data", "name", "error_class"),
    [
        (
            "<html><head><script>var a = 1;</script></head><body><nav>首页</nav></body></html>".encode(),
            "chrome.html",
            "empty_file",
        ),
        (b"   \n\t ", "blank.htm", "empty_file"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "a-pdf.html", "encoding_error"),
        (bytes(range(256)) * 8, "binary.mhtml", "unreadable_file"),
        (
            b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n\n--x\nContent-Type: image/gif\n\nGIF89a",
            "no-page.mht",
            "unreadable_file",
        ),
        (OLE_MAGIC + bytes(504), "a-doc.xls", "unreadable_file"),
        (b"not a workbook at all", "text.xls", "unreadable_file"),
    ],
)
def test_wrong_content(data: bytes, name: str, error_class: str) -> None:
    assert _error_class(data, name) == error_class


def test_truncated_xls_is_unreadable_with_a_clear_message(tmp_path: Path) -> None:
    data = (FORMATS / "seed002.xls").read_bytes()
    (tmp_path / "cut.xls").write_bytes(data[: len(data) // 3])
    frames = parse_document(tmp_path / "cut.xls", tmp_path, now=FIXED_NOW)
    error = frames.errors.row(0, named=True)
    assert error["error_class"] == "unreadable_file"
    assert "Excel (.xls)" in error["message"]


def test_truncated_page_reads_what_arrived() -> None:
    """A page cut mid-table is repaired by the parser: the rows that arrived are read, nothing more."""
    data = (FORMATS / "seed002.html").read_bytes()
    cut = data[: data.index("质量指标".encode())]
    doc = read_document(cut, "cut.html")
    assert "产出指标" in "\n".join(doc.lines) and "质量指标" not in "\n".join(doc.lines)


def test_truncated_archive_without_its_page_is_unreadable() -> None:
    data = (FORMATS / "seed002.mhtml").read_bytes()
    cut = data[: data.index(b"Content-Type: text/html")]
    assert _error_class(cut, "cut.mhtml") == "unreadable_file"


# -- a real document as a web page ---------------------------------------------------------------
def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|") if cell.strip()]


@dataclass
class _Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1

    def html(self) -> str:
        return f'<td colspan="{self.colspan}" rowspan="{self.rowspan}">{html.escape(self.text)}</td>'


def realdoc_page(text: str) -> str:
    """A pipe-table dump as the web page it was printed from: one ``<table>`` whose rows below the
    一级指标 header have their missing leading cells (merged in the original) restored as a
    ``rowspan`` of the cell above; a row above the header spans the table with its last cell; the
    lines before and after the table are paragraphs."""
    lines = [line for line in text.splitlines() if line.strip()]
    rows = [_pipe_cells(line) for line in lines if "|" in line]
    width = max(len(cells) for cells in rows)
    header = next(i for i, cells in enumerate(rows) if "一级指标" in cells)
    grid: list[list[_Cell]] = []
    above: dict[int, _Cell] = {}
    for index, cells in enumerate(rows):
        start = width - len(cells) if index > header else 0
        for column in range(start):
            above[column].rowspan += 1
        for offset, cell_text in enumerate(cells):
            column = start + offset
            last_above_header = index < header and offset == len(cells) - 1
            above[column] = _Cell(cell_text, width - column if last_above_header else 1)
        grid.append([above[column] for column in range(start, start + len(cells))])
    table = "".join("<tr>" + "".join(cell.html() for cell in row) + "</tr>" for row in grid)
    first_row = next(i for i, line in enumerate(lines) if "|" in line)
    last_row = max(i for i, line in enumerate(lines) if "|" in line)
    before, after = (
        "".join(f"<p>{html.escape(line)}</p>" for line in part) for part in (lines[:first_row], lines[last_row + 1 :])
    )
    return (
        f'<html><head><meta charset="utf-8"></head><body>{before}<table border="1">{table}</table>{after}</body></html>'
    )


def test_real_document_as_a_web_page(tmp_path: Path) -> None:
    raw = REALDOCS / "raw"
    sources = sorted(raw.glob("b07_*.txt")) if raw.is_dir() else []
    if not sources:
        pytest.skip(f"real document b07_*.txt not found in {raw} (kept outside the repository)")
    reference = pl.read_csv(REALDOCS / "reference" / "b07_rows.csv")
    page = realdoc_page(sources[0].read_text(encoding="utf-8"))
    assert 'rowspan="3"' in page
    (tmp_path / "b07.html").write_text(page, encoding="utf-8")
    frames = parse_document(tmp_path / "b07.html", tmp_path, now=FIXED_NOW)
    assert frames.errors.is_empty(), frames.errors.to_dicts()
    assert frames.indicators.select("level3", "value_text").rows() == reference.select("level3", "value_text").rows()
