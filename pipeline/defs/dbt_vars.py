"""The dbt project's vars, built from the Python facts they name: each list is written once, in Python.

dbt's tests accept the values the parser writes (``accepted_values`` on status, format, comparator,
error class, stage …) and its marts use the domain's categories and thresholds. Rather than copy
those lists into ``dbt_project.yml`` and test that the copies agree, every dbt call of this project
(the Dagster dbt assets, ``prepare_manifest``, ``make dbt``, the tests' builds) passes them as
``--vars`` from here. The quality flags are read from their seed (``seeds/quality_flags.csv``), so
the marts loop over the list the warehouse's ``quality_flags`` table holds. ``dbt_project.yml``
keeps only what is dbt's own (the money tolerances), and the mart rules' overridable defaults
stay in ``macros/mart_rules.sql``.

Example: ``jixiao_comparators`` is ``[">=", "<=", "=", ">", "<"]`` from
``pipeline.core.comparators``; a comparator added there is accepted by dbt at the next build.
"""

from __future__ import annotations

import csv
import json
from typing import Final

import yaml  # type: ignore[import-untyped]

from pipeline.contract.tables import DOCUMENT_STATUSES
from pipeline.core.categories import COST, LEVEL2_NAMES, LEVEL2_PARENT, SATISFACTION
from pipeline.core.comparators import CEILINGS, COMPARATORS
from pipeline.core.confidence import LOW_CONFIDENCE
from pipeline.core.errors import ERROR_CLASSES, STAGES
from pipeline.core.money import AMOUNT_UNITS
from pipeline.core.types import SOURCE_KINDS, VALUE_KINDS
from pipeline.defs.config import DBT_PROJECT_DIR
from pipeline.parse.read import LOADED_FORMATS

VARS_OPTION: Final = "--vars"
QUALITY_FLAGS_SEED: Final = DBT_PROJECT_DIR / "seeds" / "quality_flags.csv"
"""The quality flags, one row each (position, name, severity, rule): the one list of them."""


def quality_flags() -> list[dict[str, str]]:
    """The seed's flags in order, as ``{"name", "severity", "rule"}`` (``backwards``, ``substantive``, …)."""
    with QUALITY_FLAGS_SEED.open(encoding="utf-8", newline="") as seed:
        rows = sorted(csv.DictReader(seed), key=lambda row: int(row["position"]))
    return [{"name": row["name"], "severity": row["severity"], "rule": row["rule"]} for row in rows]


def dbt_vars() -> dict[str, object]:
    """Var name → value, as dbt's ``var()`` reads them in models, tests and descriptions."""
    flags = quality_flags()
    return {
        "jixiao_document_statuses": list(DOCUMENT_STATUSES),
        "jixiao_loaded_formats": list(LOADED_FORMATS),
        "jixiao_amount_units": list(AMOUNT_UNITS),
        "jixiao_value_kinds": list(VALUE_KINDS),
        "jixiao_comparators": list(COMPARATORS),
        "jixiao_ceiling_comparators": list(CEILINGS),
        "jixiao_source_kinds": list(SOURCE_KINDS),
        "jixiao_ingest_stages": list(STAGES),
        "jixiao_error_classes": list(ERROR_CLASSES),
        "jixiao_low_confidence": LOW_CONFIDENCE,
        "jixiao_level2_names": list(LEVEL2_NAMES),
        "jixiao_cost_level1": COST,
        "jixiao_cost_level2": [COST, *(name for name, parent in LEVEL2_PARENT.items() if parent == COST)],
        "jixiao_satisfaction_level2": [name for name, parent in LEVEL2_PARENT.items() if parent == SATISFACTION],
        "jixiao_quality_flags": flags,
        "jixiao_quality_flag_rules": {flag["name"]: flag["rule"] for flag in flags},
    }


def with_vars(args: list[str]) -> list[str]:
    """dbt arguments with this project's vars: a ``--vars`` the caller gave (``{jixiao_boilerplate_min_projects:
    4}``, YAML as dbt reads it) is merged over them, so overriding a mart rule keeps the facts."""
    merged = dbt_vars()
    rest: list[str] = []
    given = iter(args)
    for arg in given:
        if arg == VARS_OPTION:
            merged.update(yaml.safe_load(next(given, "{}")) or {})
        elif arg.startswith(VARS_OPTION + "="):
            merged.update(yaml.safe_load(arg.split("=", 1)[1]) or {})
        else:
            rest.append(arg)
    return [*rest, VARS_OPTION, json.dumps(merged, ensure_ascii=False)]
