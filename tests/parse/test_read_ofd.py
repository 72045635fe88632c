"""OFD (GB/T 33190) read like the Word/Excel originals of the same forms.

tests/fixtures/formats/seed002.ofd is written by scripts/make_format_fixtures.py from the forms of
seed002.docx/.xlsx: cells drawn as rectangles, text placed by position, 一级/二级 merged down, the
second form going on over two page breaks (one cutting its merged cells).
"""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pdfplumber
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.errors import IngestError
from pipeline.core.types import Row, TextLine
from pipeline.parse.document import parse_document
from pipeline.parse.read import MAX_BINARY_BYTES, document_format, read_document, size_limit
from pipeline.parse.read.ofd import MAX_RULES, PT_PER_MM, Rule, build_grid, deltas, path_segments
from tests.conftest import FIXED_NOW, REALDOCS
from tests.parse.compared import PROJECT_COLUMNS, ROW_COLUMNS

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
OFD = FORMATS / "seed002.ofd"
DOCUMENT_COLUMNS = ["town", "county", "fiscal_year", "unit_name", "amount_unit", "project_count", "indicator_count"]
PAGE = "Doc_0/Pages/Page_0/Content.xml"


def _frames(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    frames = parse_document(path, path.parent, now=FIXED_NOW)
    assert frames.errors.is_empty(), frames.errors.to_dicts()
    return frames.documents, frames.projects, frames.indicators


@pytest.mark.parametrize("original", ["seed002.docx", "seed002.xlsx"])
def test_same_rows_projects_and_facts_as_the_original(original: str) -> None:
    documents, projects, indicators = _frames(OFD)
    expected_documents, expected_projects, expected_indicators = _frames(FORMATS / original)
    assert documents["format"].to_list() == ["ofd"]
    assert indicators.height == 22
    assert indicators.select(ROW_COLUMNS).rows() == expected_indicators.select(ROW_COLUMNS).rows()
    assert projects.select(PROJECT_COLUMNS).rows() == expected_projects.select(PROJECT_COLUMNS).rows()
    assert documents.select(DOCUMENT_COLUMNS).rows() == expected_documents.select(DOCUMENT_COLUMNS).rows()


def test_values_as_written_and_pages_recorded() -> None:
    """The rows after the page break that cuts the merged 产出指标/质量指标 cells carry them down."""
    _, _, indicators = _frames(OFD)
    second = indicators.filter(pl.col("table_no") == 2).sort("row_no")
    assert second.select("level1", "level2", "level3", "value_text", "source_page").rows()[:4] == [
        ("产出指标", "数量指标", "工作日保障单位运转", "≥8小时", 2),
        ("产出指标", "质量指标", "经费使用合规率", "100%", 2),
        ("产出指标", "质量指标", "政府采购应采率", "100%", 3),
        ("产出指标", "质量指标", "经费支出准确率", "≥95%", 3),
    ]
    assert indicators.filter(pl.col("table_no") == 1)["source_page"].unique().to_list() == [1]


def test_text_outside_tables() -> None:
    """A title wrapped over two lines is one line again; "…本级" and "单位：万元" share a baseline
    (the first drawn with a scaling CTM) and are two pieces; the template's header rule is no table."""
    doc = read_document(OFD.read_bytes(), "seed002.ofd")
    texts = [block.text for block in doc.blocks if isinstance(block, TextLine)]
    assert texts == [
        "1.2023年省级衔接推进乡村振兴补助资金（驻村工作队综合经费）冀财农【2022】160号绩效目标表",
        "912001承德县三家镇人民政府本级",
        "单位：万元",
        "2.执法工作经费绩效目标表",
        "912001承德县三家镇人民政府本级",
        "单位：万元",
    ]
    assert doc.line_pages[0] == 1 and doc.line_pages[-1] == 3 and len(doc.line_pages) == len(doc.lines)
    assert "开展帮扶活动次数\t开展帮扶活动次数\t>15次" in "\n".join(doc.lines)


def test_merged_cells_are_given_once() -> None:
    doc = read_document(OFD.read_bytes(), "seed002.ofd")
    rows = [block.cells for block in doc.blocks if isinstance(block, Row)]
    assert ("资金支出计划（%）", "3月底", "", "6月底", "", "10月底", "12月底") in rows
    assert ("", "25%", "", "50%", "", "75%", "100%") in rows
    assert ("", "", "每村受益金额", "每村受益金额", "8万元", "资金拨付单", "") in rows


OFD_NS = "http://www.ofdspec.org/2016"
A08_TABLE_PAGES = range(31, 36)
"""a08's five 财政项目支出绩效目标填报表, one per page (realdocs README)."""


def _mm(points: float) -> str:
    return f"{points / PT_PER_MM:.3f}"


def ofd_of_pdf_pages(pdf: pdfplumber.PDF, numbers: range) -> bytes:
    """The pages' drawing as OFD: every character a TextCode at its baseline, every ruled edge a
    path, as pdfplumber reads them from the PDF. The geometry of a real table, in OFD's terms."""
    parts: dict[str, str] = {}
    for index, number in enumerate(numbers):
        page = pdf.pages[number - 1]
        box = f"0 0 {_mm(page.width)} {_mm(page.height)}"
        texts = [
            f"<ofd:TextObject ID='{i}' Boundary='{box}' Size='{_mm(char['size'])}'><ofd:TextCode "
            f"X='{_mm(char['x0'])}' Y='{_mm(page.height - char['matrix'][5])}'>{html.escape(char['text'])}"
            "</ofd:TextCode></ofd:TextObject>"
            for i, char in enumerate(page.chars)
        ]
        rules = [
            f"<ofd:PathObject ID='{i}' Boundary='{box}'><ofd:AbbreviatedData>M {_mm(edge['x0'])} {_mm(edge['top'])} "
            f"L {_mm(edge['x1'])} {_mm(edge['bottom'])}</ofd:AbbreviatedData></ofd:PathObject>"
            for i, edge in enumerate(page.edges)
        ]
        parts[f"Doc_0/Pages/Page_{index}/Content.xml"] = (
            f"<ofd:Page xmlns:ofd='{OFD_NS}'><ofd:Content><ofd:Layer ID='1'>{''.join(texts + rules)}</ofd:Layer>"
            "</ofd:Content></ofd:Page>"
        )
    pages = "".join(f"<ofd:Page ID='{i}' BaseLoc='Pages/Page_{i}/Content.xml'/>" for i in range(len(numbers)))
    parts["Doc_0/Document.xml"] = f"<ofd:Document xmlns:ofd='{OFD_NS}'><ofd:Pages>{pages}</ofd:Pages></ofd:Document>"
    parts["OFD.xml"] = (
        f"<ofd:OFD xmlns:ofd='{OFD_NS}'><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_real_budget_tables_as_ofd(tmp_path: Path) -> None:
    """a08's five ruled forms (real rules, merged cells, wrapped cells), drawn as OFD: every
    reference row, and the budgets the gold facts give."""
    sources = sorted((REALDOCS / "raw").glob("a08_*.pdf")) if (REALDOCS / "raw").is_dir() else []
    if not sources:
        pytest.skip(f"real document a08_*.pdf not found in {REALDOCS / 'raw'} (kept outside the repository)")
    with pdfplumber.open(sources[0]) as pdf:
        (tmp_path / "a08.ofd").write_bytes(ofd_of_pdf_pages(pdf, A08_TABLE_PAGES))
    _, projects, indicators = _frames(tmp_path / "a08.ofd")
    reference = pl.read_csv(REALDOCS / "reference" / "a08_rows.csv")
    columns = ["level1", "level2", "level3", "value_text"]
    assert indicators.height == 65
    assert indicators.select(columns).rows() == reference.select(columns).rows()
    assert indicators["source_page"].unique().sort().to_list() == [1, 2, 3, 4, 5]
    budgets = dict(projects.select("project_name", "budget_yuan").rows())
    assert budgets["新建万里街道社区公共服务中心"] == 4100000 and budgets["就业援助基地补贴"] == 6351000


def test_suffix_is_registered() -> None:
    assert (document_format(Path("a.OFD")), size_limit(Path("a.ofd"))) == ("ofd", MAX_BINARY_BYTES)


# -- geometry -------------------------------------------------------------------------------------
def test_path_segments_keep_straight_lines_and_close_subpaths() -> None:
    segments = list(path_segments("M 0 0 L 10 0 B 11 1 12 2 10 5 L 0 5 C S 20 20 L 30 20"))
    assert segments == [((0, 0), (10, 0)), ((10, 5), (0, 5)), ((0, 5), (0, 0)), ((20, 20), (30, 20))]


def test_delta_x_repeats() -> None:
    assert deltas("1 g 3 2.5 4", 10) == [1.0, 2.5, 2.5, 2.5, 4.0]
    assert deltas("g 1000000 3.7", 4) == [3.7] * 4


def test_a_missing_rule_merges_cells() -> None:
    """Three rows, two columns; no rule between the two lower left cells: one merged cell."""
    rules = [
        Rule(0, 0, 100, 0),
        Rule(0, 10, 100, 10),
        Rule(50, 20, 100, 20),  # only under the right column
        Rule(0, 30, 100, 30),
        Rule(0, 0, 0, 30),
        Rule(50, 0, 50, 30),
        Rule(100, 0, 100, 30),
    ]
    grid = build_grid(rules)
    assert grid is not None
    assert (grid.xs, grid.ys) == ((0, 50, 100), (0, 10, 20, 30))
    assert grid.anchors[(2, 0)] == (1, 0) and grid.anchors[(2, 1)] == (2, 1)
    assert grid.cell(10, 25) == (1, 0)


# -- bad input ------------------------------------------------------------------------------------
def _rebuilt(changes: dict[str, bytes | None]) -> bytes:
    """The fixture with parts replaced (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(OFD) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = changes.get(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
        for name, data in changes.items():
            if name not in source.namelist() and data is not None:
                target.writestr(name, data)
    return out.getvalue()


def _error(data: bytes) -> IngestError:
    with pytest.raises(IngestError) as caught:
        read_document(data, "bad.ofd")
    return caught.value


def test_truncated_ofd_in_ingest_errors(tmp_path: Path) -> None:
    data = OFD.read_bytes()
    (tmp_path / "cut.ofd").write_bytes(data[: len(data) // 2])
    frames = parse_document(tmp_path / "cut.ofd", tmp_path, now=FIXED_NOW)
    error = frames.errors.row(0, named=True)
    assert (error["error_class"], error["stage"]) == ("unreadable_file", "read")
    assert error["message"].startswith("the OFD (.ofd) file is not a readable zip container (truncated or damaged)")
    assert frames.documents["format"].to_list() == ["ofd"]


@pytest.mark.parametrize(
    ("changes", "error_class", "message"),
    [
        ({"OFD.xml": None}, "unreadable_file", "the file is a zip but not an OFD file: it has no OFD.xml"),
        (
            {PAGE: b"<ofd:Page xmlns:ofd='http://www.ofdspec.org/2016'><ofd:Content>"},
            "unreadable_file",
            f"the OFD (.ofd) file's page 1 content ({PAGE}) is not well-formed XML",
        ),
        ({"Doc_0/Pages/Page_1/Content.xml": None}, "unreadable_file", "the OFD (.ofd) file lacks page 2's content"),
        (
            {"Doc_0/Document.xml": None},
            "unreadable_file",
            "the OFD (.ofd) file lacks its document (Doc_0/Document.xml)",
        ),
    ],
)
def test_broken_parts_are_named(changes: dict[str, bytes | None], error_class: str, message: str) -> None:
    error = _error(_rebuilt(changes))
    assert error.error_class == error_class
    assert error.message.startswith(message), error.message


def _single_page(layer: str) -> bytes:
    """The fixture reduced to one page whose layer holds ``layer``."""
    ns = "http://www.ofdspec.org/2016"
    document = (
        f"<ofd:Document xmlns:ofd='{ns}'><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
        "</ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID='1' BaseLoc='Pages/Page_0/Content.xml'/></ofd:Pages>"
        "</ofd:Document>"
    )
    page = f"<ofd:Page xmlns:ofd='{ns}'><ofd:Content><ofd:Layer ID='2'>{layer}</ofd:Layer></ofd:Content></ofd:Page>"
    return _rebuilt({"Doc_0/Document.xml": document.encode(), PAGE: page.encode()})


def test_not_a_zip() -> None:
    error = _error((FORMATS / "seed002.doc").read_bytes())
    assert error.error_class == "unreadable_file"
    assert error.message.startswith("the file named .ofd is not an OFD file: an OFD is a zip package")


def test_scanned_ofd_needs_ocr() -> None:
    error = _error(_single_page("<ofd:ImageObject ID='3' Boundary='0 0 210 297' ResourceID='9'/>"))
    assert error.error_class == "needs_ocr"


def test_page_without_text_is_empty() -> None:
    assert _error(_single_page("")).error_class == "empty_file"


def test_hidden_text_and_ctm_scaled_text() -> None:
    """``Visible="false"`` is not read; a CTM scaling size 1 to 5 mm places text in mm × 5."""
    layer = (
        "<ofd:TextObject ID='3' Boundary='10 10 100 10' Size='4' Visible='false'>"
        "<ofd:TextCode X='0' Y='4'>隐藏</ofd:TextCode></ofd:TextObject>"
        "<ofd:TextObject ID='4' Boundary='20 30 100 10' Size='1' CTM='5 0 0 5 0 0'>"
        "<ofd:TextCode X='0' Y='1' DeltaX='g 3 1'>单位：万元</ofd:TextCode></ofd:TextObject>"
    )
    doc = read_document(_single_page(layer), "p.ofd")
    assert doc.lines == ("单位：万元",)
    (block,) = doc.blocks
    assert block == TextLine("单位：万元", block.locator) and block.locator.page == 1


def test_a_page_of_hatching_is_read_as_text() -> None:
    """More rules than ``MAX_RULES`` on a page: no grid is built (a drawing, not a form)."""
    hatch = "".join(
        f"<ofd:PathObject ID='{9 + i}' Boundary='{i % 190} {i // 190} 5 5'><ofd:AbbreviatedData>M 0 0 L 4 0 L 4 4 "
        "L 0 4 C</ofd:AbbreviatedData></ofd:PathObject>"
        for i in range(MAX_RULES // 4 + 1)
    )
    cell = "<ofd:TextObject ID='3' Boundary='1 1 3 3' Size='2'><ofd:TextCode X='0' Y='2'>甲</ofd:TextCode></ofd:TextObject>"
    doc = read_document(_single_page(hatch + cell), "h.ofd")
    assert [type(block).__name__ for block in doc.blocks] == ["TextLine"]
    fewer = hatch[: hatch.index(f"ID='{9 + 3}'") - len("<ofd:PathObject ")]
    assert [type(block).__name__ for block in read_document(_single_page(fewer + cell), "h.ofd").blocks] == ["Row"]


def test_template_text_is_read_on_the_pages_that_name_it() -> None:
    ns = "http://www.ofdspec.org/2016"
    template = (
        f"<ofd:Page xmlns:ofd='{ns}'><ofd:Content><ofd:Layer ID='5'><ofd:TextObject ID='6' Boundary='0 0 210 297' "
        "Size='4'><ofd:TextCode X='20' Y='290'>第一页脚</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"
    )
    doc = read_document(_rebuilt({"Doc_0/Tpls/Tpl_0/Content.xml": template.encode()}), "t.ofd")
    assert [page for line, page in zip(doc.lines, doc.line_pages, strict=True) if line == "第一页脚"] == [1, 2, 3]


# -- fuzzing --------------------------------------------------------------------------------------
FUZZ_EXAMPLES = 40


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=0, max_size=12)), min_size=1, max_size=6),
    part=st.sampled_from([PAGE, "Doc_0/Document.xml", "OFD.xml", "Doc_0/Pages/Page_2/Content.xml"]),
)
def test_damaged_xml_never_raises_past_the_reader(edits: list[tuple[int, bytes]], part: str) -> None:
    """Bytes overwritten inside a part's XML (the zip itself intact): rows or an IngestError, nothing else."""
    with zipfile.ZipFile(OFD) as archive:
        data = bytearray(archive.read(part))
    for position, junk in edits:
        at = position % (len(data) + 1)
        data[at : at + len(junk)] = junk
    try:
        doc = read_document(_rebuilt({part: bytes(data)}), "fuzzed.ofd")
    except IngestError:
        return
    assert all(block.locator.page is not None for block in doc.blocks)
