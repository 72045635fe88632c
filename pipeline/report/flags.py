"""The quality flags the report shows: name, rule in words, and whether a flagged target is wrong.

``flag_rules`` is the one place the report learns the flags. Today it reads them from the
warehouse itself: each flag is a boolean column of ``mart_indicator_quality`` whose description
(dbt YAML, persisted into DuckDB as the column's comment) starts with ``Flag:``, e.g. the column
``backwards`` with "Flag: a rate or share where more is better with a ceiling (≤/<) as its
target …". The order is the mart's column order. A new flag column with such a description
appears in the report without a change here. When the flags become a table of their own (name,
rule in words, severity), ``FLAG_RULES_SQL`` reads that table instead and ``wrong`` comes from its
severity: nothing else in the report changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import duckdb

FLAG_MART: Final = "mart_indicator_quality"
FLAG_PREFIX: Final = "Flag: "
FLAG_RULES_SQL: Final = f"""
select column_name, substr(comment, {len(FLAG_PREFIX) + 1})
from duckdb_columns()
where schema_name = 'main' and table_name = '{FLAG_MART}' and starts_with(comment, '{FLAG_PREFIX}')
order by column_index
"""
WRONG_FLAGS: Final = frozenset({"backwards", "implausible", "cost_mismatch", "echo"})
"""Flags that say a target is wrong, not merely vague or undocumented (the report lists these first)."""


@dataclass(frozen=True)
class Flag:
    name: str
    """The flag's column in mart_indicator_quality (and ``{name}_count`` in mart_town_year)."""
    rule: str
    """The rule in words, for the legend."""
    wrong: bool
    """True when a flagged target is wrong (ceiling on a rate, 25% satisfaction …), False when vague."""


class FlagsMissingError(RuntimeError):
    """The warehouse does not describe its flags: its marts were built without dbt's persist_docs."""


def flag_rules(con: duckdb.DuckDBPyConnection) -> tuple[Flag, ...]:
    """The flags, in the mart's column order, from the warehouse open on ``con``.

    Raises ``FlagsMissingError`` rather than write a report without flags.
    """
    rows = con.execute(FLAG_RULES_SQL).fetchall()
    if not rows:
        raise FlagsMissingError(
            f"main.{FLAG_MART} has no column described as a flag ('{FLAG_PREFIX}…' comments): the marts were "
            "built without persist_docs (dbt_project.yml). Rebuild them: "
            "`uv run dbt build --project-dir dbt_project --profiles-dir dbt_project` with JIXIAO_WAREHOUSE set."
        )
    return tuple(Flag(name=name, rule=rule, wrong=name in WRONG_FLAGS) for name, rule in rows)
