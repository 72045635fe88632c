"""The ``jixiao`` commands: each a few lines over the module that does the work."""

from __future__ import annotations

import contextlib
import os
import sys
import webbrowser
from pathlib import Path
from typing import Annotated, Final

import typer

from pipeline.cli.environment import new_log_file, prepare_environment

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 3000
CODE_LOCATION: Final = ("-m", "pipeline.definitions")

app = typer.Typer(
    name="jixiao",
    help="Township budget performance targets (绩效目标表) → a DuckDB warehouse. 乡镇绩效目标表 → DuckDB 数据仓库。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _tool(name: str) -> str:
    """A console script of this environment (dagster, dagster-webserver …), whatever PATH says."""
    return str(Path(sys.executable).parent / name)


@app.command()
def run(
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Show Dagster's and dbt's logs instead of writing them to the log file."),
    ] = False,
    allow_withdraw_all: Annotated[
        bool,
        typer.Option("--allow-withdraw-all", help="Let this run withdraw more than half of the warehouse's documents."),
    ] = False,
) -> None:
    """Ingest every document in the raw folder, then build the dbt models and the report (what `make run` does).

    Exit code 0: every document loaded; 1: some document failed (each is listed with what to do);
    2: the run stopped (the reason is printed).
    """
    from pipeline.cli.run import run as run_all

    home = prepare_environment()
    raise typer.Exit(run_all(None if verbose else new_log_file(home, "run"), allow_withdraw_all))


@app.command()
def check(
    files: Annotated[
        list[Path],
        typer.Argument(help="Documents to read (any format the pipeline reads).", exists=True, dir_okay=False),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file instead of text.")] = False,
) -> None:
    """Read documents without touching the warehouse: layout, confidence, rows, or the error and what to do.

    Exit code 1 when any of the files would fail to load.
    """
    from pipeline.cli.check import check as check_files

    text, ok = check_files(files, as_json)
    typer.echo(text)
    raise typer.Exit(0 if ok else 1)


@app.command()
def status() -> None:
    """The last run, the documents by status, and every failed document with its class and message.

    Exit code 1 when any document is failed.
    """
    prepare_environment()
    import dagster as dg

    from pipeline.cli.status import status_lines
    from pipeline.defs.config import settings

    with dg.DagsterInstance.get() as instance:
        lines, failed = status_lines(instance, settings().warehouse)
    typer.echo("\n".join(lines))
    raise typer.Exit(1 if failed else 0)


@app.command()
def sql(
    query: Annotated[
        str | None, typer.Argument(help="One statement to run; without it, an interactive prompt.")
    ] = None,
) -> None:
    """An SQL prompt on the warehouse, read-only (each statement opens and closes the file: it never holds a run up)."""
    from pipeline.cli.sql import answer, prompt
    from pipeline.defs.config import settings

    warehouse = settings().warehouse
    if not warehouse.exists():
        typer.echo(f"jixiao: no warehouse at {warehouse} yet: run `jixiao run` first", err=True)
        raise typer.Exit(2)
    if query is not None:
        typer.echo(answer(warehouse, query))
        return
    with contextlib.suppress(ImportError):  # not on Windows
        import readline  # noqa: F401  # line editing and history for input()
    prompt(warehouse, input, typer.echo)


@app.command()
def report(
    open_it: Annotated[bool, typer.Option("--open", help="Open the report in the web browser.")] = False,
) -> None:
    """Where the HTML report is (built by `jixiao run`); --open opens it."""
    from pipeline.defs.config import settings
    from pipeline.defs.report_assets import report_index

    index = report_index(settings().warehouse)
    if not index.exists():
        typer.echo(f"jixiao: no report at {index} yet: run `jixiao run` first", err=True)
        raise typer.Exit(2)
    typer.echo(str(index))
    if open_it:
        webbrowser.open(index.as_uri())


def _prepare_code_location() -> None:
    """The dbt manifest the code location needs at import time (``dbt parse``)."""
    from pipeline.defs.dbt_project import prepare_manifest

    prepare_manifest()


@app.command()
def ui(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
) -> None:
    """The Dagster UI (and its daemon) on http://127.0.0.1:3000, for a person at this machine."""
    prepare_environment()
    _prepare_code_location()
    os.execv(_tool("dagster"), [_tool("dagster"), "dev", *CODE_LOCATION, "-h", host, "-p", str(port)])


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address the webserver listens on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port the webserver listens on.")] = DEFAULT_PORT,
) -> None:
    """The Dagster daemon and webserver together, for nightly runs on a server (see the README's systemd unit).

    The daemon runs the 02:00 schedule and the sensors; stopping this command (Ctrl-C, SIGTERM)
    stops both.
    """
    from pipeline.cli.serve import serve_forever

    prepare_environment()
    _prepare_code_location()
    daemon = [_tool("dagster-daemon"), "run", *CODE_LOCATION]
    webserver = [_tool("dagster-webserver"), *CODE_LOCATION, "-h", host, "-p", str(port)]
    raise typer.Exit(serve_forever([daemon, webserver]))


def main() -> None:
    """The console script's entry point."""
    app()
