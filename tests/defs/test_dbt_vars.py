"""The dbt vars come from the Python facts at every dbt call, and are written nowhere else."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.defs.config import DBT_PROJECT_DIR
from pipeline.defs.dbt_project import dbt_args, prepare_manifest
from pipeline.defs.dbt_vars import dbt_vars, with_vars


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """The manifest ``dbt parse`` writes with the project's vars (as ``make test`` and the assets do)."""
    prepare_manifest()
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_dbt_project_yml_writes_none_of_the_facts() -> None:
    """The lists (statuses, formats, comparators, error classes, stages …) used to be copied into
    dbt_project.yml and compared by a sync test; now they are only passed."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    assert set(project.get("vars") or {}) & set(dbt_vars()) == set()


def test_the_low_confidence_threshold_reaches_dbt_s_test_and_description(manifest: dict[str, Any]) -> None:
    """dim_document's test and column description state the parser's LOW_CONFIDENCE (0.9), read
    from core/confidence.py instead of written again in dim_document.yml."""
    nodes = manifest["nodes"]
    test = next(n for n in nodes.values() if n["name"] == "dim_document_low_confidence_below_threshold")
    assert test["config"]["where"] == f"layout_confidence < {LOW_CONFIDENCE}"
    description = nodes["model.jixiao.dim_document"]["columns"]["low_confidence"]["description"]
    assert f"below {LOW_CONFIDENCE}" in description


def test_a_users_vars_are_merged_over_the_facts() -> None:
    """``make dbt ARGS="build --vars '{jixiao_boilerplate_min_projects: 4}'"`` overrides a mart rule
    and keeps the facts; a second ``--vars`` would otherwise replace the first."""
    args = with_vars(["build", "--vars", "{jixiao_boilerplate_min_projects: 4, jixiao_comparators: ['>=']}"])
    assert args[:-2] == ["build"] and args[-2] == "--vars"
    passed = json.loads(args[-1])
    assert passed["jixiao_boilerplate_min_projects"] == 4
    assert passed["jixiao_comparators"] == [">="]
    assert passed["jixiao_error_classes"][0] == "empty_file"


def test_every_call_names_the_project_and_passes_the_vars() -> None:
    args = dbt_args(["parse"])
    assert args[0] == "parse"
    assert args[args.index("--project-dir") + 1] == str(DBT_PROJECT_DIR)
    assert json.loads(args[args.index("--vars") + 1])["jixiao_low_confidence"] == LOW_CONFIDENCE
