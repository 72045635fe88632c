"""Build web-page and Excel 97-2003 originals of seed 002's two forms (tests/parse/test_read_html_xls.py).

Why: offices publish these tables as web pages (often GBK, often saved by a browser as one .mhtml
file) and as .xls attachments. The forms are those of tests/fixtures/formats/seed002.docx/.xlsx
(laid out by scripts/make_fixtures.py from the seed), so every file here must give the same rows.

What each file exercises:

- seed002.html: the forms inside a portal page: a layout table around the content (the reader
  must read the innermost tables only), ``<head>`` with a script and a style, ``<header>``,
  ``<nav>``, ``<footer>``, a hidden ``__VIEWSTATE`` input, a search box, a ``display:none`` block
  and a ``hidden`` one that both hold indicator words. 一级指标 and 二级指标 are merged down with
  ``rowspan`` (the .docx merges 一级 only), the header block uses ``rowspan``/``colspan`` as the
  Word template does, and goals are one ``<p>`` per item inside their cell.
- seed002_gbk.html: the same page encoded GBK, declaring ``<meta charset="gbk">``.
- seed002.mhtml: the UTF-8 page as Chrome saves it: MIME multipart/related, the page
  quoted-printable, a stylesheet and an image beside it.
- seed002.xls: one sheet per form as in seed002.xlsx, with the same merges as the page, budgets
  as numbers formatted "0.00" and shares as numbers formatted "0%"; then a hidden sheet holding
  the lists of its drop-downs (产出指标, 效益指标 …), which the reader must leave out.

- seed002.doc, seed000.wps: Word 97 compound files written by LibreOffice from seed002.docx and
  seed000.docx (by way of .odt: LibreOffice 7.4's direct .docx → .doc export drops the second of
  two tables that follow each other). A .wps from Kingsoft WPS is the same Word 97 format, so
  seed000.wps is one too, under WPS's name.
- seed002.et: the Excel 97 (BIFF8) compound file LibreOffice writes from seed002.xlsx, under WPS
  Spreadsheets' name (WPS writes .et in that format).

- seed002.ofd: the two forms as an OFD (GB/T 33190) package, written here as XML from the
  cells and their boxes (no OFD library writes tables): A4 pages, 一级/二级指标 merged down as in
  the page, every cell drawn as its own rectangle (so each inner rule is drawn twice, as
  converters do), text wrapped inside its cell, one line per ``TextObject`` placed by the cell's
  ``Boundary``; titles placed on the whole page's boundary; the unit line drawn with a scaling
  ``CTM`` (size 1, coordinates in ems); the tables of a page inside a ``PageBlock``; a template
  page drawing a header rule. The second form goes on over a page break put before its third
  indicator row (``OFD_BREAK``), which cuts its merged 一级指标 and 二级指标 (质量指标) cells in two.

The .doc/.wps/.et are made only when LibreOffice (``soffice``) is on PATH (``make install``
installs it); without it they are left as they are.

The .xls is written with xlwt (1.3.0, unmaintained since 2017, so not a dependency of the
project: the reader is xlrd). Without xlwt the other files are still written. Run:
``PYTHONPATH=. python3 -m uv run --with xlwt==1.3.0 python scripts/make_format_fixtures.py``.
Output is deterministic (the .mhtml has a fixed boundary and date).
"""

from __future__ import annotations

import email.policy
import html
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import COLUMN_WIDTHS_CM, INDICATOR_HEADER, SETS, Cell, Form, _typed, header_block, seed_forms

from pipeline.core.types import IndicatorRecord

REPO: Final = Path(__file__).resolve().parents[1]
OUT_DIR: Final = REPO / "tests" / "fixtures" / "formats"
NAME: Final = "seed002"
PAGE_URL: Final = "http://www.example.gov.cn/zwgk/czyjs/202101/t20210115_1.html"
BOUNDARY: Final = "----MultipartBoundary--jixiaoFixture0001----"
MHTML_DATE: Final = "Fri, 15 Jan 2021 09:00:00 +0800"
DROPDOWN_SHEET: Final = "下拉列表"
DROPDOWN_LISTS: Final = (("产出指标", "数量指标"), ("效益指标", "质量指标"), ("满意度指标", "时效指标"))
"""A hidden sheet's drop-down lists: one 一级 and one 二级 label per row, no table."""
XLS_HIDDEN: Final = 1
"""BOUNDSHEET visibility of a hidden sheet."""
PIXEL_GIF: Final = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
"""A 1×1 GIF: the archive's image part (a browser saves the site's logo)."""

CHROME_HEAD: Final = """<title>2021年部门预算绩效目标 - 某某镇人民政府</title>
<style>table.grid td { border: 1px solid #000; } .hide { display: none; }</style>
<script>var _hmt = _hmt || []; document.write("<p>一级指标 访问统计</p>");</script>"""
CHROME_TOP: Final = """<header><div class="logo"><img src="logo.gif" alt="某某镇人民政府">某某镇人民政府</div></header>
<nav><ul><li>首页</li><li>政务公开</li><li>财政预决算</li><li>绩效目标</li></ul></nav>
<form id="form1" method="post" action="./t20210115_1.aspx">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MTU2NzE3Mzs7Pg==">"""
CHROME_BOTTOM: Final = """<div style="display:none">产出指标 数量指标 隐藏的统计 100%</div>
<p hidden>分享到：微信 微博</p>
<input type="text" name="q" value="请输入关键字"><button type="submit">搜索</button>
</form>
<footer>版权所有：某某镇人民政府 主办单位：某某镇党政办 网站标识码：0000000000</footer>"""


# -- the grid: the .docx template, 二级指标 merged too --------------------------------------------
def _group_length(rows: Sequence[IndicatorRecord], start: int, same: Any) -> int:
    """How many rows from ``start`` share ``same(row)`` with it."""
    length = 1
    while start + length < len(rows) and same(rows[start + length]) == same(rows[start]):
        length += 1
    return length


def indicator_grid(rows: Sequence[IndicatorRecord]) -> list[list[Cell]]:
    """The indicator table with 一级指标 and 二级指标 merged down over their groups."""
    grid: list[list[Cell]] = [[Cell(text, i, 2 if i == 5 else 1, bold=True) for i, text in enumerate(INDICATOR_HEADER)]]
    for index, row in enumerate(rows):
        cells: list[Cell] = []
        if index == 0 or rows[index - 1].level1 != row.level1:
            cells.append(Cell(row.level1 or "", 0, rows=_group_length(rows, index, lambda r: r.level1)))
        if index == 0 or (rows[index - 1].level1, rows[index - 1].level2) != (row.level1, row.level2):
            cells.append(Cell(row.level2 or "", 1, rows=_group_length(rows, index, lambda r: (r.level1, r.level2))))
        values = (row.level3, row.description, row.value_text, row.basis)
        cells.extend(Cell(v or "", i + 2, 2 if i == 3 else 1) for i, v in enumerate(values))
        grid.append(cells)
    return grid


def form_grid(form: Form) -> list[list[Cell]]:
    return header_block(form.project) + indicator_grid(form.rows)


# -- web page ------------------------------------------------------------------------------------
def _cell_html(cell: Cell) -> str:
    spans = (f' colspan="{cell.span}"' if cell.span > 1 else "") + (f' rowspan="{cell.rows}"' if cell.rows > 1 else "")
    tag = "th" if cell.bold else "td"
    texts = (cell.text,) if isinstance(cell.text, str) else cell.text
    body = "".join(f"<p>{html.escape(t)}</p>" for t in texts) if len(texts) > 1 else html.escape(texts[0])
    return f"<{tag}{spans}>{body}</{tag}>"


def _form_html(form: Form) -> str:
    preamble = "\n".join(f"<p>{html.escape(line)}</p>" for line in form.preamble)
    rows = "\n".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in form_grid(form))
    return f'<h2>{html.escape(form.project.title or "")}</h2>\n{preamble}\n<table class="grid">\n<tbody>\n{rows}\n</tbody>\n</table>'


def page_html(forms: Sequence[Form], charset: str) -> str:
    """The forms in a portal page: a layout table, menus, a footer and hidden text around them."""
    content = "\n".join(_form_html(form) for form in forms)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="{charset}">
{CHROME_HEAD}
</head>
<body>
{CHROME_TOP}
<table class="layout" width="100%"><tr>
<td class="side"><nav><ul><li>通知公告</li><li>预算公开</li></ul></nav></td>
<td class="content"><div class="article">
{content}
</div></td>
</tr></table>
{CHROME_BOTTOM}
</body>
</html>
"""


def archive(page: str) -> bytes:
    """The page as Chrome's "Save as single file" writes it (multipart/related, page quoted-printable)."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = PAGE_URL
    message["Subject"] = "2021年部门预算绩效目标"
    message["Date"] = MHTML_DATE
    message.make_mixed()
    message.replace_header("Content-Type", f'multipart/related; type="text/html"; boundary="{BOUNDARY}"')
    message.set_boundary(BOUNDARY)
    page_part = EmailMessage(policy=email.policy.SMTP)
    page_part.set_content(page, subtype="html", charset="utf-8", cte="quoted-printable")
    page_part["Content-Location"] = PAGE_URL
    style_part = EmailMessage(policy=email.policy.SMTP)
    style_part.set_content("td { border: 1px solid #000; }", subtype="css", cte="quoted-printable")
    image_part = EmailMessage(policy=email.policy.SMTP)
    image_part.set_content(PIXEL_GIF, maintype="image", subtype="gif", cte="base64")
    image_part["Content-Location"] = PAGE_URL.rsplit("/", 1)[0] + "/logo.gif"
    for part in (page_part, style_part, image_part):
        message.attach(part)
    message.add_header("MIME-Version", "1.0")
    return message.as_bytes()


# -- Excel 97-2003 -------------------------------------------------------------------------------
def write_xls(forms: Sequence[Form], path: Path) -> bool:
    """One sheet per form, merged as the page; False when xlwt is not installed."""
    try:
        import xlwt  # type: ignore[import-untyped]
    except ImportError:
        return False
    workbook = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}
    for number, form in enumerate(forms, start=1):
        sheet = workbook.add_sheet(f"项目{number}")
        top = 0
        for line in (form.project.title or "", *form.preamble):
            sheet.write_merge(top, top, 0, 6, line)
            top += 1
        for r, row in enumerate(form_grid(form)):
            for cell in row:
                text = cell.text if isinstance(cell.text, str) else "\n".join(cell.text)
                value, number_format = _typed(text)
                style = styles.setdefault(number_format, xlwt.easyxf(num_format_str=number_format))
                last_row, last_column = top + r + cell.rows - 1, cell.column + cell.span - 1
                sheet.write_merge(top + r, last_row, cell.column, last_column, value, style)
    lists = workbook.add_sheet(DROPDOWN_SHEET)
    lists.visibility = XLS_HIDDEN
    for r, labels in enumerate(DROPDOWN_LISTS):
        for c, label in enumerate(labels):
            lists.write(r, c, label)
    workbook.save(str(path))
    return True


# -- OFD -----------------------------------------------------------------------------------------
OFD_NS: Final = "http://www.ofdspec.org/2016"
OFD_DATE: Final = (2021, 1, 15, 9, 0, 0)
PAGE_MM: Final = (210.0, 297.0)
LEFT_MM: Final = 17.0
TOP_MM: Final = 20.0
BOTTOM_MM: Final = 20.0
COLUMNS_MM: Final = tuple(width * 10 for width in COLUMN_WIDTHS_CM)
TABLE_MM: Final = sum(COLUMNS_MM)
BODY_MM: Final = 10.5 * 25.4 / 72
TITLE_MM: Final = 16 * 25.4 / 72
PAD_MM: Final = 1.0
LEADING: Final = 1.3
"""Line height in sizes."""
RULE_MM: Final = 0.25
OFD_BREAK: Final = (1, 2)
"""(form, indicator row) before which a new page starts: the second form's third row."""


def _advance(character: str, size: float) -> float:
    return size if unicodedata.east_asian_width(character) in ("W", "F") else size / 2


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy wrap of one paragraph into lines no wider than ``width`` (mm)."""
    lines, line, used = [], "", 0.0
    for character in text:
        step = _advance(character, size)
        if line and used + step > width:
            lines.append(line)
            line, used = "", 0.0
        line += character
        used += step
    return [*lines, line] if line else lines or [""]


def _delta_x(text: str, size: float) -> str:
    """Advances between characters; the ``g count value`` shorthand where they are all equal."""
    steps = [_advance(character, size) for character in text[:-1]]
    if steps and len(set(steps)) == 1:
        return f"g {len(steps)} {steps[0]:.3f}"
    return " ".join(f"{step:.3f}" for step in steps)


class OfdPages:
    """Pages of ``<ofd:…>`` objects, each with an ID from one counter."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.tables: list[list[str]] = [[]]
        """Per page, the objects of its tables, written inside one ``PageBlock``."""
        self.last_id = 10

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def new_page(self) -> None:
        self.pages.append([])
        self.tables.append([])

    def text(self, page: int, boundary: tuple[float, ...], x: float, y: float, text: str, size: float,
             ctm: str | None = None, in_table: bool = False) -> None:  # fmt: skip
        box = " ".join(f"{v:.3f}" for v in boundary)
        matrix = f" CTM={quoteattr(ctm)}" if ctm else ""
        size = 1.0 if ctm else size  # a scaling CTM sets the size: coordinates and advances in ems
        code = (
            f'<ofd:TextObject ID="{self.new_id()}" Boundary="{box}" Font="1" Size="{size:.3f}"{matrix}>'
            f'<ofd:TextCode X="{x:.3f}" Y="{y:.3f}" DeltaX={quoteattr(_delta_x(text, size))}>'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
        )
        (self.tables if in_table else self.pages)[page].append(code)

    def box(self, page: int, x: float, y: float, width: float, height: float) -> None:
        self.tables[page].append(
            f'<ofd:PathObject ID="{self.new_id()}" Boundary="{x:.3f} {y:.3f} {width:.3f} {height:.3f}" '
            f'LineWidth="{RULE_MM}"><ofd:AbbreviatedData>M 0 0 L {width:.3f} 0 L {width:.3f} {height:.3f} '
            f"L 0 {height:.3f} C</ofd:AbbreviatedData></ofd:PathObject>"
        )


def _cell_lines(cell: Cell) -> list[str]:
    width = sum(COLUMNS_MM[cell.column : cell.column + cell.span]) - 2 * PAD_MM
    paragraphs = (cell.text,) if isinstance(cell.text, str) else cell.text
    return [line for paragraph in paragraphs for line in _wrap(paragraph, width, BODY_MM)]


def _row_heights(grid: Sequence[Sequence[Cell]]) -> list[float]:
    """Each grid row tall enough for its one-row cells; a merged cell's last row grows to fit it."""
    line = BODY_MM * LEADING
    heights = [
        max([len(_cell_lines(c)) * line + 2 * PAD_MM for c in row if c.rows == 1] or [line + 2 * PAD_MM])
        for row in grid
    ]
    for index, row in enumerate(grid):
        for cell in row:
            if cell.rows > 1:
                needed = len(_cell_lines(cell)) * line + 2 * PAD_MM
                covered = sum(heights[index : index + cell.rows])
                heights[index + cell.rows - 1] += max(0.0, needed - covered)
    return heights


def _ofd_form(pages: OfdPages, form: Form, top: float, break_before: int | None) -> float:
    """One form from ``top`` (mm) on the last page; returns where the next one may start.
    ``break_before``: the indicator row (0-based) that starts a new page."""
    title_lines = _wrap(form.project.title or "", TABLE_MM, TITLE_MM)
    if top + len(title_lines) * TITLE_MM * LEADING + 3 * BODY_MM * LEADING > PAGE_MM[1] - BOTTOM_MM:
        pages.new_page()
        top = TOP_MM
    page = len(pages.pages) - 1
    for line in title_lines:
        top += TITLE_MM * LEADING
        pages.text(page, (0, 0, *PAGE_MM), LEFT_MM, top, line, TITLE_MM)
    top += BODY_MM * LEADING
    left_text, *right_texts = form.preamble
    pages.text(page, (LEFT_MM, top - BODY_MM, TABLE_MM / 2, BODY_MM * LEADING), 0, 1, left_text, BODY_MM, ctm=f"{BODY_MM:.3f} 0 0 {BODY_MM:.3f} 0 0")
    for text in right_texts:
        width = sum(_advance(c, BODY_MM) for c in text)
        pages.text(page, (0, 0, *PAGE_MM), LEFT_MM + TABLE_MM - width, top, text, BODY_MM)
    top += BODY_MM
    grid = form_grid(form)
    heights = _row_heights(grid)
    placed: list[tuple[int, float]] = []
    forced = None if break_before is None else len(header_block(form.project)) + 1 + break_before
    for index, height in enumerate(heights):
        if top + height > PAGE_MM[1] - BOTTOM_MM or index == forced:
            pages.new_page()
            top = TOP_MM
        placed.append((len(pages.pages) - 1, top))
        top += height
    lefts = [LEFT_MM + sum(COLUMNS_MM[:column]) for column in range(len(COLUMNS_MM) + 1)]
    for index, row in enumerate(grid):
        for cell in row:
            covered = range(index, index + cell.rows)
            parts: dict[int, tuple[float, float]] = {}
            for r in covered:
                part_page, part_top = placed[r]
                first = parts.get(part_page, (part_top, part_top))[0]
                parts[part_page] = (first, part_top + heights[r])
            x, width = lefts[cell.column], lefts[cell.column + cell.span] - lefts[cell.column]
            for part_page, (part_top, part_bottom) in parts.items():
                pages.box(part_page, x, part_top, width, part_bottom - part_top)
            text_page, (text_top, text_bottom) = next(iter(parts.items()))
            lines = _cell_lines(cell)
            block = len(lines) * BODY_MM * LEADING
            first_baseline = (text_bottom - text_top - block) / 2 + BODY_MM * (LEADING - 0.3) + BODY_MM * 0.15
            for number, line in enumerate(lines):
                if line:
                    y = first_baseline + number * BODY_MM * LEADING
                    pages.text(text_page, (x, text_top, width, text_bottom - text_top), PAD_MM, y, line, BODY_MM, in_table=True)
    return top + 2 * BODY_MM * LEADING


def _ofd_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def write_ofd(forms: Sequence[Form], path: Path) -> None:
    """The forms as an OFD package (module docstring)."""
    pages = OfdPages()
    top = TOP_MM
    for number, form in enumerate(forms):
        top = _ofd_form(pages, form, top, OFD_BREAK[1] if number == OFD_BREAK[0] else None)
    template_id, page_ids = 2, [pages.new_id() for _ in pages.pages]
    ns = f'xmlns:ofd="{OFD_NS}"'
    parts: dict[str, bytes] = {
        "OFD.xml": _ofd_xml(
            f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
            "<ofd:DocID>6a697869616f2d666978747572652d31</ofd:DocID><ofd:Title>2021年项目支出绩效目标表</ofd:Title>"
            "<ofd:Creator>jixiao scripts/make_format_fixtures.py</ofd:Creator></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        "Doc_0/Document.xml": _ofd_xml(
            f"<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>{pages.last_id}</ofd:MaxUnitID>"
            f"<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_MM[0]:g} {PAGE_MM[1]:g}</ofd:PhysicalBox></ofd:PageArea>"
            f'<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:TemplatePage ID="{template_id}" '
            'BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages>'
            + "".join(f'<ofd:Page ID="{pid}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i, pid in enumerate(page_ids))
            + "</ofd:Pages></ofd:Document>"
        ),
        "Doc_0/PublicRes.xml": _ofd_xml(
            f'<ofd:Res {ns} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="SimSun" FamilyName="SimSun"/>'
            "</ofd:Fonts></ofd:Res>"
        ),
        "Doc_0/Tpls/Tpl_0/Content.xml": _ofd_xml(
            f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="3"><ofd:PathObject ID="4" Boundary="{LEFT_MM} 12 {TABLE_MM} 1" '
            f'LineWidth="0.5"><ofd:AbbreviatedData>M 0 0.5 L {TABLE_MM} 0.5</ofd:AbbreviatedData></ofd:PathObject>'
            "</ofd:Layer></ofd:Content></ofd:Page>"
        ),
    }
    for index, (objects, tables) in enumerate(zip(pages.pages, pages.tables, strict=True)):
        block = f'<ofd:PageBlock ID="{pages.new_id()}">{"".join(tables)}</ofd:PageBlock>' if tables else ""
        parts[f"Doc_0/Pages/Page_{index}/Content.xml"] = _ofd_xml(
            f'<ofd:Page {ns}><ofd:Template TemplateID="{template_id}" ZOrder="Background"/><ofd:Content>'
            f'<ofd:Layer ID="{pages.new_id()}">{"".join(objects)}{block}</ofd:Layer></ofd:Content></ofd:Page>'
        )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, OFD_DATE), data, compress_type=zipfile.ZIP_DEFLATED)


# -- legacy Office and WPS, by LibreOffice --------------------------------------------------------
LEGACY: Final = (
    ("seed002.docx", ("odt", "doc"), "seed002.doc"),
    ("seed000.docx", ("odt", "doc"), "seed000.wps"),
    ("seed002.xlsx", ("xls",), "seed002.et"),
)
"""(source fixture, the formats LibreOffice converts it through in turn, the file written)."""


def soffice_convert(source: Path, target: str, out_dir: Path, profile: Path) -> Path:
    """``source`` converted by LibreOffice to ``target`` (a suffix without its dot) in ``out_dir``."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / f"{source.stem}.{target}"


def write_legacy() -> list[str]:
    """The .doc/.wps/.et fixtures (module docstring); none when soffice is not installed."""
    if shutil.which("soffice") is None:
        return []
    written = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for source, steps, name in LEGACY:
            current = OUT_DIR / source
            for step, target in enumerate(steps):
                current = soffice_convert(current, target, root / str(step), root / "profile")
            shutil.copyfile(current, OUT_DIR / name)
            written.append(name)
    return written


def main() -> int:
    seed, tables = SETS[NAME]
    forms = seed_forms(seed, tables)
    page = page_html(forms, "utf-8")
    written = {
        f"{NAME}.html": page.encode("utf-8"),
        f"{NAME}_gbk.html": page_html(forms, "gbk").encode("gbk"),
        f"{NAME}.mhtml": archive(page),
    }
    for file, data in written.items():
        (OUT_DIR / file).write_bytes(data)
    files = list(written)
    if write_xls(forms, OUT_DIR / f"{NAME}.xls"):
        files.append(f"{NAME}.xls")
    else:
        print("xlwt is not installed: seed002.xls left as it is (see the docstring)", file=sys.stderr)
    write_ofd(forms, OUT_DIR / f"{NAME}.ofd")
    files.append(f"{NAME}.ofd")
    legacy = write_legacy()
    if not legacy:
        print("soffice is not installed: the .doc/.wps/.et fixtures left as they are", file=sys.stderr)
    files.extend(legacy)
    print(f"{NAME}: {len(forms)} forms → {', '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
