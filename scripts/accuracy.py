"""``make accuracy``: run the whole pipeline on the hand-read real documents and print their score.

The documents, their reference rows and the scorer live outside the repository (they are public
documents, not ours): ``../shared/realdocs`` beside the checkout, or ``$JIXIAO_REALDOCS``. The run
goes through ``make run``'s own path (Dagster, batches, dbt) into a scratch warehouse and a scratch
Dagster instance, so nothing of the user's warehouse or run history is touched. The scorer's own
output is printed as it is: per document reference / extracted / matched / invented rows, then the
totals, then every fact of ``gold.json`` the warehouse does not hold.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
REALDOCS: Final = Path(os.environ.get("JIXIAO_REALDOCS", ROOT.parent / "shared" / "realdocs"))
INSTANCE_CONFIG: Final = ROOT / ".dagster_home" / "dagster.yaml"


RUN_DONE = (0, 1)
"""``jixiao run``'s exit codes for a run that finished: 1 says some document failed, which the score counts."""


def main() -> int:
    raw, scorer = REALDOCS / "raw", REALDOCS / "score.py"
    if not raw.is_dir() or not scorer.is_file():
        print(f"accuracy: no real documents at {REALDOCS} (set JIXIAO_REALDOCS to the folder holding raw/ and score.py)")
        return 2
    with tempfile.TemporaryDirectory(prefix="jixiao-accuracy-") as scratch:
        home = Path(scratch) / "dagster_home"
        home.mkdir()
        shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
        warehouse = Path(scratch) / "warehouse" / "jixiao.duckdb"
        env = {**os.environ, "DAGSTER_HOME": str(home), "JIXIAO_RAW_DIR": str(raw), "JIXIAO_WAREHOUSE": str(warehouse)}
        log = Path(scratch) / "run.log"
        with log.open("w") as out:
            run = subprocess.run([sys.executable, "-m", "pipeline.cli", "run"], env=env, stdout=out, stderr=subprocess.STDOUT)
        if run.returncode not in RUN_DONE or not warehouse.exists():
            print(log.read_text()[-4000:])
            print(f"accuracy: the pipeline run failed (exit {run.returncode})")
            return 1
        return subprocess.run([sys.executable, str(scorer), str(warehouse), str(REALDOCS)]).returncode


if __name__ == "__main__":
    sys.exit(main())
