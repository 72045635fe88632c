"""The lists the Python side writes and the dbt tests accept are the same lists.

An error class, stage or status added in Python but not in dbt_project.yml would fail dbt's
accepted_values test on the first document that has it, and dbt would skip the marts built on it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.contract.schemas import COMPARATORS, DOCUMENT_STATUSES, VALUE_KINDS
from pipeline.core import errors
from pipeline.core.types import SOURCE_KINDS
from pipeline.parse.read import READERS, document_format
from tests.conftest import REPO

DBT_VARS = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def test_error_classes_match() -> None:
    assert sorted(DBT_VARS["jixiao_error_classes"]) == sorted(errors.ERROR_CLASSES)


def test_stages_match() -> None:
    stages = {value for name, value in vars(errors).items() if name.startswith("STAGE_")}
    assert sorted(DBT_VARS["jixiao_ingest_stages"]) == sorted(stages)


def test_statuses_value_kinds_and_comparators_match() -> None:
    assert sorted(DBT_VARS["jixiao_document_statuses"]) == sorted(DOCUMENT_STATUSES)
    assert sorted(DBT_VARS["jixiao_value_kinds"]) == sorted(VALUE_KINDS)
    assert sorted(DBT_VARS["jixiao_comparators"]) == sorted(COMPARATORS)


def test_source_kinds_match() -> None:
    assert sorted(DBT_VARS["jixiao_source_kinds"]) == sorted(SOURCE_KINDS)


def test_loaded_formats_are_the_readers_formats() -> None:
    """A web page loaded as format ``html`` failed dim_document's accepted_values test (issue 19's readers)."""
    formats = {document_format(Path(f"document{suffix}")) for suffix in READERS}
    assert sorted(DBT_VARS["jixiao_loaded_formats"]) == sorted(formats)
