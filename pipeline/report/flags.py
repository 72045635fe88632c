"""The quality flags the report shows: name, rule in words, and whether a flagged target is wrong.

``flag_rules`` is the one place the report learns the flags: the warehouse's ``quality_flags``
table, which dbt loads from the seed ``dbt_project/seeds/quality_flags.csv`` (position, name,
severity, rule) — the one list of the flags, which the marts loop over too. A flag of severity
``substantive`` says a target is wrong (``backwards``: 运转保障率 ≤95%); ``formal`` says it is
vague or undocumented (``unquantified``: 优). A flag added to the seed appears in the report
without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb

FLAG_TABLE: Final = "quality_flags"
SUBSTANTIVE: Final = "substantive"
"""The severity of a flag that says a target is wrong, not merely vague or undocumented (``formal``)."""
FLAG_RULES_SQL: Final = f"select name, rule, severity from main.{FLAG_TABLE} order by position"


@dataclass(frozen=True)
class Flag:
    name: str
    """The flag's column in mart_indicator_quality (and ``{name}_count`` in mart_town_year)."""
    rule: str
    """The rule in words, for the legend."""
    wrong: bool
    """True when a flagged target is wrong (ceiling on a rate, 25% satisfaction …), False when vague."""


class FlagsMissingError(RuntimeError):
    """The warehouse has no list of its flags: its dbt seeds were never built."""


def flag_rules(con: duckdb.DuckDBPyConnection) -> tuple[Flag, ...]:
    """The flags, in the seed's order, from the warehouse open on ``con``.

    Raises ``FlagsMissingError`` rather than write a report without flags.
    """
    try:
        rows = con.execute(FLAG_RULES_SQL).fetchall()
    except duckdb.CatalogException:
        rows = []
    if not rows:
        raise FlagsMissingError(
            f"main.{FLAG_TABLE} is missing or empty: the warehouse was built without the dbt seed "
            "dbt_project/seeds/quality_flags.csv. Rebuild it with `make dbt`."
        )
    return tuple(Flag(name=name, rule=rule, wrong=severity == SUBSTANTIVE) for name, rule, severity in rows)
