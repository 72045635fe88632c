"""The Dagster code location: raw files → parsed frames → DuckDB raw tables → dbt models, one graph."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from pipeline.defs.automation import automation_sensor, ingest_job, nightly_refresh, raw_folder_sensor
from pipeline.defs.checks import warehouse_checks
from pipeline.defs.dbt_assets import jixiao_dbt_models
from pipeline.defs.dbt_project import DBT_EXECUTABLE, jixiao_dbt_project
from pipeline.defs.ingest_assets import documents
from pipeline.defs.report_assets import town_report

defs = dg.Definitions(
    assets=[documents, jixiao_dbt_models, town_report],
    asset_checks=warehouse_checks,
    jobs=[ingest_job],
    schedules=[nightly_refresh],
    sensors=[raw_folder_sensor, automation_sensor],
    resources={"dbt": DbtCliResource(project_dir=jixiao_dbt_project, dbt_executable=DBT_EXECUTABLE)},
)
