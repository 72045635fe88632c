"""``make docs``: the dbt docs site of the warehouse, built and served on this machine only.

The site shows every model and column with its description, the tests and the lineage from the
raw tables to the marts. ``dbt docs generate`` reads the warehouse through the ``reader`` target
of ``dbt_project/profiles.yml`` (DuckDB opened read-only), under the warehouse lock so that it waits
for a run's write to end rather than failing on it; it writes into ``dbt_project/target/docs/`` (not
``target/``, whose manifest the Dagster assets read), including ``static_index.html``, one file that
opens from disk without a server. ``dbt docs serve`` then serves the site on
``http://127.0.0.1:8080`` (``--port`` or ``JIXIAO_DOCS_PORT`` to change it): bound to the loopback
address, so the warehouse's documentation is not published to the network.

    make docs                      # build, then serve until Ctrl-C
    make docs ARGS="--no-serve"    # build only (then open dbt_project/target/docs/static_index.html)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pipeline.defs.config import DBT_PROJECT_DIR, settings
from pipeline.defs.dbt_project import dbt_args, export_warehouse_env, write_contract_files
from pipeline.load.warehouse import warehouse_lock

DOCS_HOST: Final = "127.0.0.1"
DOCS_PORT_ENV: Final = "JIXIAO_DOCS_PORT"
DEFAULT_DOCS_PORT: Final = 8080
DOCS_TARGET_PATH: Final = DBT_PROJECT_DIR / "target" / "docs"
READER_TARGET: Final = "reader"
"""The profile's read-only target."""


class DocsError(RuntimeError):
    """The docs could not be built; the message says what to do."""


def _dbt(command: list[str], target_path: Path) -> None:
    from dbt.cli.main import dbtRunner

    args = dbt_args([*command, "--target", READER_TARGET, "--target-path", str(target_path)])
    result = dbtRunner().invoke(args)
    if not result.success:
        raise DocsError(f"dbt {' '.join(command)} failed: {result.exception or 'see the dbt output above'}")


def generate_docs(target_path: Path = DOCS_TARGET_PATH) -> Path:
    """Build the docs site of the warehouse in force (JIXIAO_WAREHOUSE) into ``target_path``; returns it."""
    warehouse = settings().warehouse
    if not warehouse.is_file():
        raise DocsError(f"no warehouse at {warehouse}: build it first with `make run` (or set JIXIAO_WAREHOUSE)")
    write_contract_files()
    export_warehouse_env()
    with warehouse_lock(warehouse):
        _dbt(["docs", "generate", "--static", "--quiet"], target_path)
    return target_path


def serve_docs(port: int, target_path: Path = DOCS_TARGET_PATH) -> None:
    """Serve the built site on ``DOCS_HOST:port`` until interrupted."""
    print(f"dbt docs: http://{DOCS_HOST}:{port}  (Ctrl-C to stop)", flush=True)
    _dbt(["docs", "serve", "--host", DOCS_HOST, "--port", str(port), "--no-browser"], target_path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make docs", description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get(DOCS_PORT_ENV, DEFAULT_DOCS_PORT)),
        help=f"port on {DOCS_HOST} (default {DEFAULT_DOCS_PORT}, or {DOCS_PORT_ENV})",
    )
    parser.add_argument("--no-serve", action="store_true", help="build the site only")
    args = parser.parse_args(argv)
    try:
        target = generate_docs()
        print(f"dbt docs built: {target / 'static_index.html'} opens from disk", flush=True)
        if not args.no_serve:
            serve_docs(args.port)
    except DocsError as err:
        print(f"make docs: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
