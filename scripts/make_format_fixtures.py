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
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import INDICATOR_HEADER, SETS, Cell, Form, _typed, header_block, seed_forms

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
    legacy = write_legacy()
    if not legacy:
        print("soffice is not installed: the .doc/.wps/.et fixtures left as they are", file=sys.stderr)
    files.extend(legacy)
    print(f"{NAME}: {len(forms)} forms → {', '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
