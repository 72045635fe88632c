"""The Dagster code location: raw files → parsed frames → DuckDB raw tables → dbt models, one graph.

The warehouse's invariants are dbt tests, which dagster-dbt shows as asset checks on the models
they guard (``every_project_has_indicators`` on dim_project, ``no_ingest_errors`` on ingest_errors
…): they run inside every build of the models, whoever starts it.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from pipeline.defs.automation import automation_sensor, ingest_job, nightly_refresh, raw_folder_sensor, warehouse_job
from pipeline.defs.dbt_assets import jixiao_dbt_models
from pipeline.defs.dbt_project import DBT_EXECUTABLE, jixiao_dbt_project
from pipeline.defs.ingest_assets import documents
from pipeline.defs.report_assets import town_report

defs = dg.Definitions(
    assets=[documents, jixiao_dbt_models, town_report],
    jobs=[ingest_job, warehouse_job],
    schedules=[nightly_refresh],
    sensors=[raw_folder_sensor, automation_sensor],
    resources={"dbt": DbtCliResource(project_dir=jixiao_dbt_project, dbt_executable=DBT_EXECUTABLE)},
)
