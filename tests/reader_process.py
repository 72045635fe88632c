"""An analyst's read-only connection held open on a warehouse by another process (not a test module)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HOLD = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "con.execute('select 1').fetchall()\n"
    "print('open', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.close()\n"
)


def hold_open(warehouse: Path, seconds: float) -> subprocess.Popen[str]:
    """A process holding ``warehouse`` open read-only for ``seconds``; returns once it is open."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "open"
    return process
