"""Snapshot of the Dagster code location: a refactor must not change lineage, schedules or sensors silently.

When an asset is added on purpose, add it here too: this list is the reviewed lineage.
"""

from __future__ import annotations

import dagster as dg
import pytest

from pipeline.defs.dbt_project import prepare_manifest

# asset key → (group, upstream asset keys, partitioned per document)
EXPECTED_ASSETS = {
    "document": ("ingest", [], True),
    "raw/documents": ("ingest", ["document"], False),
    "raw/projects": ("ingest", ["document"], False),
    "raw/indicators": ("ingest", ["document"], False),
    "raw/ingest_errors": ("ingest", ["document"], False),
    "raw/department_targets": ("ingest", ["document"], False),
    "staging/stg_documents": ("staging", ["raw/documents"], False),
    "staging/stg_projects": ("staging", ["raw/projects"], False),
    "staging/stg_indicators": ("staging", ["raw/indicators"], False),
    "staging/stg_ingest_errors": ("staging", ["raw/ingest_errors"], False),
    "staging/stg_department_targets": ("staging", ["raw/department_targets"], False),
    "dim_document": ("marts", ["staging/stg_documents", "staging/stg_indicators", "staging/stg_projects"], False),
    "dim_project": ("marts", ["staging/stg_documents", "staging/stg_projects"], False),
    "fct_indicator": ("marts", ["staging/stg_documents", "staging/stg_indicators", "staging/stg_projects"], False),
    "ingest_errors": ("marts", ["staging/stg_ingest_errors"], False),
    "fct_department_target": ("marts", ["staging/stg_department_targets", "staging/stg_documents"], False),
    "mart_category_targets": ("marts", ["mart_indicator_quality"], False),
    "mart_indicator_quality": ("marts", ["dim_project", "fct_indicator"], False),
    "mart_project_quality": ("marts", ["dim_project", "mart_indicator_quality"], False),
    "mart_town_year": ("marts", ["dim_document", "dim_project", "mart_indicator_quality"], False),
    "quality_flags": ("warehouse", [], False),
    "town_report": (
        "report",
        [
            "dim_document",
            "ingest_errors",
            "mart_category_targets",
            "mart_indicator_quality",
            "mart_project_quality",
            "mart_town_year",
            "quality_flags",
        ],
        False,
    ),
}
EXPECTED_INVARIANT_CHECKS = {
    ("dim_project", "every_project_has_indicators"),
    ("dim_document", "row_counts_stable_across_reloads"),
    ("fct_indicator", "fct_indicator_is_located"),
    ("ingest_errors", "no_ingest_errors"),
}
"""The warehouse invariants: dbt tests (dbt_project/tests, fct_indicator.yml), shown as asset checks."""


@pytest.fixture(scope="module")
def repository() -> dg.RepositoryDefinition:
    prepare_manifest()
    from pipeline.definitions import defs

    return defs.get_repository_def()


def test_asset_graph_snapshot(repository: dg.RepositoryDefinition) -> None:
    graph = repository.asset_graph
    actual = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        parents = sorted(parent.to_user_string() for parent in node.parent_keys)
        actual[key.to_user_string()] = (node.group_name, parents, node.partitions_def is not None)
    assert actual == EXPECTED_ASSETS


def test_invariants_are_asset_checks(repository: dg.RepositoryDefinition) -> None:
    checks = {(key.asset_key.to_user_string(), key.name) for key in repository.asset_graph.asset_check_keys}
    assert checks >= EXPECTED_INVARIANT_CHECKS
    assert ("fct_indicator", "unique_fct_indicator_indicator_id") in checks  # dbt tests show up as checks too
    from pipeline.defs.dbt_assets import jixiao_dbt_models
    from pipeline.defs.ingest_assets import READABLE_CHECK

    # one checker of the warehouse: dbt; besides it only the per-document verdict the ingest op reports
    assert set(repository.asset_graph.asset_check_keys) - set(jixiao_dbt_models.check_keys) == {READABLE_CHECK}


def test_schedule_sensors_and_jobs(repository: dg.RepositoryDefinition) -> None:
    schedules = {(s.name, s.cron_schedule, s.execution_timezone, s.job_name) for s in repository.schedule_defs}
    assert schedules == {("nightly_refresh", "0 2 * * *", "Asia/Shanghai", "ingest_documents")}
    assert sorted(s.name for s in repository.sensor_defs) == ["dbt_models_follow_documents", "raw_folder_sensor"]
    assert "ingest_documents" in {job.name for job in repository.get_all_jobs()}


def test_the_jobs_leave_the_document_check_unplanned(repository: dg.RepositoryDefinition) -> None:
    """Planned and not evaluated, a check is recorded "skipped": an unchanged failed document would
    lose its red mark at every run. The ingest op reports the check itself; the build never runs it."""
    from pipeline.defs.ingest_assets import READABLE_CHECK

    for name in ("ingest_documents", "build_models_and_report"):
        job = repository.get_job(name)
        assert READABLE_CHECK not in job.asset_layer.asset_graph.asset_check_keys
    build = repository.get_job("build_models_and_report").asset_layer.asset_graph.asset_check_keys
    assert dg.AssetCheckKey(dg.AssetKey("ingest_errors"), "no_ingest_errors") in build  # dbt's tests stay


def test_documents_are_dynamic_partitions(repository: dg.RepositoryDefinition) -> None:
    node = repository.asset_graph.get(dg.AssetKey("document"))
    assert isinstance(node.partitions_def, dg.DynamicPartitionsDefinition)
    assert node.partitions_def.name == "documents"
