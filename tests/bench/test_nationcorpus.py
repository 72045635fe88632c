"""The national mix's PDF books (bench/nationcorpus.py) read as what was put in them.

The expected values come from the fixture's ground truth (``ground_truth.json``: every table's
name, budget in 万元 and rows, written when the fixture was made) and from the book's plan, never
from the parser: a book is the fixture's pages with names, places and amounts changed, so the
reader must find the ground truth's projects with those changes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from bench import nationcorpus as nc
from pipeline.parse.document import parse_document

pytestmark = pytest.mark.skipif(not nc.TABLES.exists(), reason=f"PDF fixtures not found at {nc.TABLES}")


def _page_texts(source: Path | bytes) -> list[str]:
    document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        return [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()


def _excerpt_tables(first: int, end: int) -> list[dict[str, object]]:
    """The ground truth's tables whose title is printed on the fixture's pages first..end-1."""
    texts = _page_texts(nc.TABLES)
    before = sum(text.count(nc.TABLE_TITLE) for text in texts[:first])
    inside = sum(text.count(nc.TABLE_TITLE) for text in texts[first:end])
    tables: list[dict[str, object]] = json.loads(nc.GROUND_TRUTH.read_text(encoding="utf-8"))
    return tables[before : before + inside]


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nc.build_prose_pool(tmp_path_factory.mktemp("pool") / "prose_pool.pdf")


def _book(folder: Path, index: int, pool: Path) -> Path:
    target = folder / f"{index:05d}_book.pdf"
    prose, tables = pdfium.PdfDocument(str(pool)), pdfium.PdfDocument(nc.fixture_bytes())
    try:
        nc.build_book(target, index, prose, tables)
    finally:
        prose.close()
        tables.close()
    return target


@pytest.mark.parametrize("index", [3, 17])
def test_a_book_reads_as_the_fixture_tables_with_its_changes(tmp_path: Path, pool: Path, index: int) -> None:
    plan = nc.plan_book(index)
    book = _book(tmp_path, index, pool)
    expected = _excerpt_tables(*plan.excerpt)
    assert expected, plan.excerpt
    assert len(_page_texts(book)) == nc.BOOK_PAGES

    frames = parse_document(book, tmp_path)

    document = frames.documents.row(0, named=True)
    assert document["status"] == "loaded"
    assert document["county"] == f"{plan.facts.county}县"
    # The town, also where the table's ``编制单位：甲县乙镇人民政府（本级）`` comes first (regression:
    # the bracketed （本级） hid the town from pipeline.parse.meta).
    assert document["town"] == f"{plan.facts.town}镇"
    assert document["fiscal_year"] == 2020
    names = frames.projects["project_name"].to_list()
    assert [name[2:] for name in names] == [str(table["name"])[2:] for table in expected]
    budgets = frames.projects["budget_yuan"].to_list()
    assert budgets == [
        pytest.approx(round(float(str(table["budget"])) * plan.facts.factor, 2) * 10_000) for table in expected
    ]
    assert frames.indicators.height == sum(len(table["rows"]) for table in expected)  # type: ignore[arg-type]


def test_books_differ_in_names_places_codes_and_amounts(tmp_path: Path, pool: Path) -> None:
    books = [_book(tmp_path, index, pool) for index in (0, 1, 2)]
    assert len({hashlib.sha256(book.read_bytes()).hexdigest() for book in books}) == 3
    read = [parse_document(book, tmp_path) for book in books]
    assert len({tuple(frames.projects["project_code"].to_list()) for frames in read}) == 3
    assert len({tuple(frames.projects["budget_yuan"].to_list()) for frames in read}) == 3


def test_one_document_in_five_is_text(tmp_path: Path) -> None:
    folder = nc.build_nation_corpus(10, tmp_path)
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert [name[:5] for name in names if not name.endswith("_book.pdf")] == ["00004", "00009"]
    assert names[4][6:9] != names[9][6:9]  # from two different seeds
    assert sum(name.endswith("_book.pdf") for name in names) == 8


def test_a_second_font_subset_of_the_same_name_survives_a_changed_page() -> None:
    """Regression: LibreOffice splits Noto Serif CJK into subsets of one base name; pdfium rewrote
    a changed page's second subset through the first one's codes (河长制湖长制 became 时长制足长制)."""
    page_number = next(n for n, text in enumerate(_page_texts(nc.TABLES)) if "河长制湖长制" in text)
    book = pdfium.PdfDocument.new()
    tables = pdfium.PdfDocument(nc.fixture_bytes())
    book.import_pages(tables, [page_number])
    page = book[0]
    facts = nc.BookFacts(county="安平", town="中城", factor=1.5)
    nc.vary_table_page(page, facts, nc.random.Random(0), nc.table_source(), {})
    page.close()
    text = book[0].get_textpage().get_text_range()
    assert "河长制湖长制" in text
    assert "编制单位：安平县中城镇人民政府（本级）" in text
