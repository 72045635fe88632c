"""``jixiao sql``: an SQL prompt on the warehouse, read-only, that never holds a run up.

The DuckDB shell on PyPI (``duckdb-cli`` 1.5.6) cannot open files written by the locked DuckDB
2.0 ("version number 69, but we can only read versions between 64 and 68"), so the prompt is
DuckDB's Python package itself. Each statement opens the file read-only, runs, prints and closes
it: a prompt left open over lunch holds no lock, so the nightly run is never kept waiting by it;
a statement typed while a run writes waits for the write to end (``pipeline.load.readers``).
Statements end with ``;``; ``.tables`` lists the tables, ``.quit`` (or Ctrl-D) leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import duckdb

from pipeline.load.readers import connect_waiting

TABLES_SQL: Final = """
select table_schema as schema, table_name as "table", table_type as kind
from information_schema.tables where table_schema in ('main', 'raw', 'staging') order by 1, 2
"""


def answer(warehouse: Path, statement: str) -> str:
    """One statement's result as DuckDB's box table (or its error in one line)."""
    statement = TABLES_SQL if statement.strip() == ".tables" else statement
    con = connect_waiting(warehouse, read_only=True)
    try:
        relation = con.sql(statement)
        if relation is None:
            return "ok"
        return str(relation)  # DuckDB's box: the first and last rows when there are many
    except duckdb.Error as err:
        return f"error: {err}"
    finally:
        con.close()


def statements(read_line: Callable[[str], str]) -> list[str] | None:
    """The next statement(s) typed: lines up to one ending in ``;``, or a dot command; None at the end."""
    lines: list[str] = []
    while True:
        try:
            line = read_line("jixiao> " if not lines else "   ...> ")
        except EOFError:
            return None
        if not lines and line.strip() in {".quit", ".exit"}:
            return None
        if not lines and line.strip().startswith("."):
            return [line.strip()]
        lines.append(line)
        if line.rstrip().endswith(";"):
            return ["\n".join(lines)]


def prompt(warehouse: Path, read_line: Callable[[str], str], write: Callable[[str], None]) -> None:
    """Read statements until ``.quit`` or the end of input, answering each."""
    write(f"{warehouse} (read-only). End statements with ;  .tables lists tables, .quit leaves.")
    while (typed := statements(read_line)) is not None:
        for statement in typed:
            write(answer(warehouse, statement))
