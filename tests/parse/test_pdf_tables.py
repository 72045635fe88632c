"""The table engine's fast path reads every page as pdfplumber does, or hands it to pdfplumber.

Each page of the fixture PDFs and of the real PDFs of ``../shared/realdocs`` is read both ways:
the fast path (pdfium's characters and rules through pdfplumber's table finder) must give the
same tables, cells, cell texts and outside words as pdfplumber itself, or say it is unsure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from pipeline.parse.read.pdf_tables import (
    Char,
    PageContent,
    PdfiumPages,
    PlumberPages,
    TablePages,
    Unsure,
    page_content,
    words_of,
)
from tests.engine_pdfs import FIXTURE_PDFS, REALDOCS, TESTS

REAL_PDFS = sorted(path for prefix in ("a08_", "d18_") for path in REALDOCS.glob(f"{prefix}*.pdf"))
"""The budget book with indicator tables, and one whose fonts are named in GBK bytes."""
SAME_PT = 1e-3
"""pdfium keeps coordinates in 32-bit floats: positions agree to this."""


def _near(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    return len(first) == len(second) and all(abs(a - b) < SAME_PT for a, b in zip(first, second, strict=True))


def assert_same_content(fast: PageContent, plumber: PageContent) -> None:
    assert len(fast.tables) == len(plumber.tables)
    for ours, theirs in zip(fast.tables, plumber.tables, strict=True):
        assert ours.rows == theirs.rows
        assert _near(ours.bbox, theirs.bbox)
        assert len(ours.cells) == len(theirs.cells)
        assert all(_near(a, b) for a, b in zip(ours.cells, theirs.cells, strict=True))
    assert [w.text for w in fast.outside] == [w.text for w in plumber.outside]
    assert all(_near(a[1:], b[1:]) for a, b in zip(fast.outside, plumber.outside, strict=True))
    assert (fast.span is None) == (plumber.span is None)
    if fast.span is not None and plumber.span is not None:
        assert _near(fast.span, plumber.span)


def read_both_ways(path: Path) -> tuple[int, list[int]]:
    """Pages of ``path`` and those the fast path was unsure of; every other page compared."""
    data = path.read_bytes()
    document = pdfium.PdfDocument(data)
    pages = len(document)
    document.close()
    fast, plumber = PdfiumPages(data), PlumberPages(data)
    unsure: list[int] = []
    try:
        for number in range(1, pages + 1):
            try:
                ours = fast.content(number)
            except Unsure:
                unsure.append(number)
                continue
            assert_same_content(ours, plumber.content(number))
    finally:
        fast.close()
        plumber.close()
    return pages, unsure


@pytest.mark.parametrize("path", FIXTURE_PDFS, ids=lambda p: p.name)
def test_every_fixture_page_reads_as_pdfplumber_reads_it(path: Path) -> None:
    pages, unsure = read_both_ways(path)
    assert len(unsure) < pages


def test_the_fast_path_reads_every_page_of_the_ruled_fixture() -> None:
    """LibreOffice's tables: no page needs pdfplumber, so the comparison above is not vacuous."""
    assert read_both_ways(TESTS / "fixtures" / "pdf" / "tables20.pdf") == (34, [])


def test_unnamed_characters_go_to_pdfplumber() -> None:
    """prose003's pages 2 and 3 end lines with a hyphen pdfium gives as U+FFFE (pdfminer: "-")."""
    assert read_both_ways(TESTS / "fixtures" / "prose" / "prose003.pdf") == (4, [2, 3])


@pytest.mark.skipif(not REAL_PDFS, reason="no real documents at ../shared/realdocs")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.name[:4])
def test_every_real_page_reads_as_pdfplumber_reads_it(path: Path) -> None:
    """Budget books from Shanghai offices: SimSun with a real descent, GBK font names, filled
    rectangles as rules, lines starting with blanks pdfium drops. (The other real PDFs of the
    folder read the same way: bench/results.md.)"""
    pages, unsure = read_both_ways(path)
    assert len(unsure) <= pages // 10


def _char(text: str, x0: float, top: float, size: float = 10.0) -> Char:
    return Char(text, x0, x0 + size, top, top + size)


def test_a_space_by_a_chinese_character_needs_no_blank_seen() -> None:
    """A 2 pt gap (LibreOffice between "3" and "月") may hold a blank pdfium does not give; the
    reader removes a space before a CJK character, so the fast path need not know."""
    chars = [_char("3", 100, 50, size=5), _char("月", 107, 50)]
    assert [w.text for w in words_of(chars, blank_gap=1.0)] == ["3月"]


def test_a_gap_that_may_hold_a_blank_between_latin_letters_is_unsure() -> None:
    """ "95 %" and "95%" read differently: where a blank would fit and pdfium may have dropped it,
    the page goes to pdfplumber."""
    chars = [_char("5", 100, 50, size=5), _char("%", 107, 50, size=5)]
    with pytest.raises(Unsure):
        words_of(chars, blank_gap=1.0)
    assert [w.text for w in words_of(chars, blank_gap=None)] == ["5%"]


def test_a_list_number_after_chinese_keeps_its_space() -> None:
    """ "…到位 2.提高": the reader keeps that space, so the gap before "2." is unsure."""
    chars = [_char("位", 100, 50), _char("2", 112, 50, size=5), _char(".", 117, 50, size=2), _char("提", 119, 50)]
    with pytest.raises(Unsure):
        words_of(chars, blank_gap=1.0)


def _grid(xs: list[float], tops: list[float]) -> list[dict[str, Any]]:
    """The edges pdfplumber makes of lines ruling a grid."""
    edges: list[dict[str, Any]] = []
    for x in xs:
        edges.append(
            {"object_type": "line", "x0": x, "x1": x, "top": tops[0], "bottom": tops[-1], "width": 0}
            | {"height": tops[-1] - tops[0], "orientation": "v", "linewidth": 0.5, "stroking_color": (0, 0, 0, 255)}
        )
    for top in tops:
        edges.append(
            {"object_type": "line", "x0": xs[0], "x1": xs[-1], "top": top, "bottom": top, "width": xs[-1] - xs[0]}
            | {"height": 0, "orientation": "h", "linewidth": 0.5, "stroking_color": (0, 0, 0, 255)}
        )
    return edges


def test_cells_are_read_from_the_characters_inside_them() -> None:
    edges = _grid([100, 200, 300], [100, 130, 160])
    chars = [_char("项", 110, 110), _char("目", 120, 110), _char("指", 210, 140), _char("题", 110, 50)]
    content = page_content(chars, edges, blank_gap=1.0)
    assert [table.rows for table in content.tables] == [(("项目", ""), ("", "指"))]
    assert [word.text for word in content.outside] == ["题"]


def test_a_character_on_a_cell_border_is_unsure() -> None:
    """Its centre 0.005 pt from a rule: float rounding could put it in either cell."""
    edges = _grid([100, 200, 300], [100, 130, 160])
    with pytest.raises(Unsure):
        page_content([_char("目", 195.005, 110)], edges, blank_gap=1.0)


def test_a_dense_grid_goes_to_pdfplumber() -> None:
    """Hairlines every 5 pt over a page: pdfplumber's stroke groups decide what is left out."""
    edges = _grid([100 + 5.0 * n for n in range(40)], [100 + 5.0 * n for n in range(40)])
    with pytest.raises(Unsure):
        page_content([], edges, blank_gap=1.0)


def test_the_engine_counts_the_pages_pdfplumber_read() -> None:
    data = (TESTS / "fixtures" / "prose" / "prose003.pdf").read_bytes()
    tables = TablePages(data)
    try:
        contents = [tables.content(number) for number in range(1, 5)]
    finally:
        tables.close()
    assert tables.fallbacks == 2
    assert all(isinstance(content, PageContent) for content in contents)


def test_fonts_are_matched_by_name_without_subset_tag_in_bytes() -> None:
    """pdfium names a simple font without its subset tag and a composite one with it; a Chinese
    producer names fonts in GBK (d18_: 宋体 as bytes), which pdfminer keeps as bytes."""
    from pipeline.parse.read.pdf_tables import _font_key

    assert _font_key(b"ABCDEE+\xcb\xce\xcc\xe5") == _font_key(b"\xcb\xce\xcc\xe5") == b"\xcb\xce\xcc\xe5"
    assert _font_key("CAAAAA+NotoSerifCJKjp-Regular-VKana") == b"NotoSerifCJKjp-Regular-VKana"
    assert _font_key("LNUHNF+SimSun") == _font_key(b"LNUHNF+SimSun") == b"SimSun"


def test_a_cell_whose_cjk_character_sits_in_the_word_gap_is_one_word() -> None:
    """ "3月底" as LibreOffice sets it: 2 pt between "3" and "月", room for a blank pdfium may
    not give, but a blank before a CJK character vanishes in the reader: one word, read on the
    columns (no Unsure), as ``words_of`` reads it."""
    edges = _grid([100, 200, 300], [100, 130, 160])
    chars = [_char("3", 110, 110, size=5), _char("月", 117, 110), _char("底", 127, 110)]
    content = page_content(chars, edges, blank_gap=1.0)
    assert [table.rows for table in content.tables] == [(("3月底", ""), ("", ""))]
    assert [w.text for w in words_of(chars, blank_gap=1.0)] == ["3月底"]


def test_a_latin_character_in_a_cell_word_gap_is_unsure() -> None:
    """ "5 %" or "5%": the columns do not vouch for it, and the word rules cannot either."""
    edges = _grid([100, 200, 300], [100, 130, 160])
    with pytest.raises(Unsure):
        page_content([_char("5", 110, 110, size=5), _char("%", 117, 110, size=5)], edges, blank_gap=1.0)


def test_a_cell_of_two_lines_with_a_gap_after_a_cjk_character() -> None:
    """ "年" then "12" 2 pt apart: a list number could follow, so the cell goes word by word and
    reads as pdfplumber joins it; its second line below, more than the 3 pt tolerance down."""
    edges = _grid([100, 200, 300], [100, 140, 160])
    chars = [_char("年", 110, 105), _char("1", 122, 105, size=5), _char("2", 127, 105, size=5), _char("底", 110, 120)]
    content = page_content(chars, edges, blank_gap=1.0)
    assert content.tables[0].rows[0][0] == "年12\n底"


def test_a_ligature_in_a_cell_is_written_out_in_that_cell_only() -> None:
    """pdfplumber's ``extract_text`` writes "ﬁ" as "fi"; the cells of a page are searched for a
    ligature at once, and only then translated one by one."""
    edges = _grid([100, 200, 300], [100, 130, 160])
    chars = [_char("ﬁ", 110, 110, size=5), _char("t", 115, 110, size=5), _char("项", 210, 110), _char("目", 210, 140)]
    content = page_content(chars, edges, blank_gap=1.0)
    assert [table.rows for table in content.tables] == [(("fit", "项"), ("", "目"))]


def test_fonts_known_by_address_read_every_page_as_pdfminers_page_tree_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path keeps a page open so that its fonts stay alive and are known by address: later
    pages of ``tables20.pdf`` (one font dictionary for all) are not looked up in pdfminer's page
    tree, and read exactly as when every page is looked up there (no page kept)."""
    from pipeline.parse.read import pdf_tables

    data = (TESTS / "fixtures" / "pdf" / "tables20.pdf").read_bytes()

    def read_all() -> tuple[list[PageContent], int, int]:
        fast = PdfiumPages(data)
        try:
            contents = [fast.content(number) for number in range(1, 35)]
            return contents, len(fast._fonts._read), len(fast._kept)
        finally:
            fast.close()

    cached, walked, kept = read_all()
    monkeypatch.setattr(pdf_tables, "KEPT_PAGES", 0)
    looked_up, walked_all, kept_none = read_all()
    assert cached == looked_up
    assert (walked_all, kept_none) == (34, 0)
    assert walked < 10 and 1 <= kept <= 4
