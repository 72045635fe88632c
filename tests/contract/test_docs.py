"""docs/raw_layer.md's column tables are the declarations', and ``make raw-docs`` rewrites them."""

from __future__ import annotations

import pytest

from pipeline.contract.docs import BEGIN, END, MarkersMissingError, render, table_markdown
from pipeline.contract.tables import DEPARTMENT_TARGETS, DOCUMENTS
from tests.conftest import REPO

PAGE = REPO / "docs" / "raw_layer.md"


def test_the_page_is_not_stale() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert render(page) == page, "docs/raw_layer.md is stale: run `make raw-docs`"


def test_the_page_keeps_its_prose_and_lists_every_column() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert page.startswith("# The loaded layer (DuckDB schema `raw`)")
    assert "| `fiscal_year` | INTEGER | >= 2000, <= 2100 | Budget year the document is for, e.g. 2024. |" in page
    assert "| `status` | VARCHAR | not null, one of: loaded, failed, withdrawn |" in page


def test_render_replaces_only_what_stands_between_the_markers() -> None:
    page = f"intro\n{BEGIN}\nold table\n{END}\noutro\n"
    rendered = render(page, (DOCUMENTS,))
    assert rendered.startswith(f"intro\n{BEGIN}\n\n## raw.documents\n")
    assert rendered.endswith(f"{END}\noutro\n")
    assert "old table" not in rendered
    assert render(rendered, (DOCUMENTS,)) == rendered


def test_a_bar_in_a_description_does_not_split_the_markdown_cell() -> None:
    """department_targets.value_kind reads ``quantitative | date | qualitative …``."""
    [row] = [line for line in table_markdown(DEPARTMENT_TARGETS).splitlines() if line.startswith("| `value_kind`")]
    assert "quantitative \\| date \\| qualitative" in row
    assert row.count(" | ") == 3


def test_a_page_without_markers_is_refused() -> None:
    with pytest.raises(MarkersMissingError):
        render("# a page someone rewrote by hand\n")
