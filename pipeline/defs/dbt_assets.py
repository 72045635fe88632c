"""The dbt models (staging views and marts) as Dagster assets downstream of the raw tables.

dbt writes to the same DuckDB file as the loader, so a build holds the warehouse lock; and it
runs by itself after documents are loaded (eager automation), so the marts follow the raw layer.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipeline.defs.config import settings
from pipeline.defs.dbt_project import jixiao_dbt_project, prepare_dbt_build
from pipeline.defs.dbt_vars import with_vars
from pipeline.load.warehouse import warehouse_lock


class JixiaoDbtTranslator(DagsterDbtTranslator):
    """Groups follow dbt folders (staging, marts); every model refreshes once its inputs change."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition[Any] | None:
        """Models follow their inputs (eager). A seed (``quality_flags``) has no input to follow: it
        is built whenever it is missing, or the marts and the report that read it would wait on it
        for ever (eager asks only when an asset *becomes* missing, which the first tick swallows)."""
        if dbt_resource_props.get("resource_type") == "seed":
            return dg.AutomationCondition.eager() | (
                dg.AutomationCondition.missing() & ~dg.AutomationCondition.in_progress()
            )
        return dg.AutomationCondition.eager()


@dbt_assets(
    manifest=jixiao_dbt_project.manifest_path,
    project=jixiao_dbt_project,
    dagster_dbt_translator=JixiaoDbtTranslator(),
)
def jixiao_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    warehouse = settings().warehouse
    prepare_dbt_build(warehouse)
    with warehouse_lock(warehouse):
        yield from dbt.cli(with_vars(["build"]), context=context).stream()
