"""docs/raw_layer.md's column tables are the declarations', and ``make raw-docs`` rewrites them."""

from __future__ import annotations

import pytest

from pipeline.contract.docs import (
    BEGIN,
    END,
    ERRORS_BEGIN,
    ERRORS_END,
    MarkersMissingError,
    render,
    render_readme,
    table_markdown,
)
from pipeline.contract.tables import DEPARTMENT_TARGETS, DOCUMENTS
from pipeline.core.errors import ERROR_CLASSES
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


def test_the_readme_lists_every_error_class_as_errors_py_states_it() -> None:
    """The README's table of failures is ERROR_CLASSES', rewritten by ``make raw-docs``."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme) == readme, "README.md's error classes are stale: run `make raw-docs`"
    table = readme[readme.index(ERRORS_BEGIN) : readme.index(ERRORS_END)]
    assert "| `empty_file` | The file has no content. | Upload the document again. |" in table
    assert [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")] == list(ERROR_CLASSES)
