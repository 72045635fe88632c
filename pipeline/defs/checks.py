"""The warehouse invariants as Dagster asset checks, visible in the UI on the tables they guard."""

from typing import Final

import dagster as dg

from pipeline.defs.config import settings
from pipeline.defs.invariants import INVARIANTS, Invariant, violations
from pipeline.load.warehouse import reader

EXAMPLES_SHOWN: Final = 20
WARN_ONLY: Final = frozenset({"no_ingest_errors"})
"""Bad input is expected in the wild: it is shown as a failing check, without failing the run's other checks."""


def _examples(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "none"
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    body = "".join("| " + " | ".join(str(v) for v in row.values()) + " |\n" for row in rows[:EXAMPLES_SHOWN])
    return header + body


def _check_for(invariant: Invariant) -> dg.AssetChecksDefinition:
    severity = dg.AssetCheckSeverity.WARN if invariant.name in WARN_ONLY else dg.AssetCheckSeverity.ERROR

    @dg.asset_check(asset=dg.AssetKey(invariant.asset), name=invariant.name, description=invariant.description)
    def check() -> dg.AssetCheckResult:
        with reader(settings().warehouse) as con:
            rows = violations(con, invariant.name)
        return dg.AssetCheckResult(
            passed=not rows,
            severity=severity,
            metadata={"violations": len(rows), "examples": dg.MetadataValue.md(_examples(rows))},
        )

    return check


warehouse_checks = [_check_for(invariant) for invariant in INVARIANTS.values()]
