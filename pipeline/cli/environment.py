"""What every ``jixiao`` command sets before Dagster or dbt is imported: the instance's home and no telemetry.

``DAGSTER_HOME`` defaults to the project's ``.dagster_home/`` (its ``dagster.yaml`` names the event
log storage; the run history lives there), so ``jixiao run`` works from any folder without
``make``; a ``DAGSTER_HOME`` already set (a server's systemd unit) is kept. Logs of a quiet run go
to ``$DAGSTER_HOME/logs/``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from pipeline.defs.config import PROJECT_ROOT

DAGSTER_HOME_ENV: Final = "DAGSTER_HOME"
DEFAULT_DAGSTER_HOME: Final = PROJECT_ROOT / ".dagster_home"
NO_TELEMETRY: Final = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def prepare_environment() -> Path:
    """Set ``DAGSTER_HOME`` (unless set) and switch telemetry off; the instance's home."""
    home = Path(os.environ.setdefault(DAGSTER_HOME_ENV, str(DEFAULT_DAGSTER_HOME))).resolve()
    os.environ[DAGSTER_HOME_ENV] = str(home)
    for name, value in NO_TELEMETRY.items():
        os.environ.setdefault(name, value)
    home.mkdir(parents=True, exist_ok=True)
    return home


def new_log_file(home: Path, command: str) -> Path:
    """``$DAGSTER_HOME/logs/run-20260101T020000Z.log``: one file per quiet run, never overwritten."""
    folder = home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{command}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.log"
