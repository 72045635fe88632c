"""Where the raw documents and the warehouse live: ``JIXIAO_RAW_DIR`` and ``JIXIAO_WAREHOUSE``.

Defaults are ``data/raw/`` and ``data/warehouse/jixiao.duckdb`` in the project folder, so
``make run`` works from any working directory; a relative override is read against the
current directory, as a user typing it would expect.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
RAW_DIR_ENV: Final = "JIXIAO_RAW_DIR"
WAREHOUSE_ENV: Final = "JIXIAO_WAREHOUSE"
TIMEZONE_ENV: Final = "JIXIAO_TIMEZONE"
DEFAULT_RAW_DIR: Final = PROJECT_ROOT / "data" / "raw"
DEFAULT_WAREHOUSE: Final = PROJECT_ROOT / "data" / "warehouse" / "jixiao.duckdb"
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"
DBT_PROJECT_DIR: Final = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse: Path
    timezone: str


def settings() -> Settings:
    """The settings in force now, read from the environment each call (tests change it)."""
    raw = os.environ.get(RAW_DIR_ENV)
    warehouse = os.environ.get(WAREHOUSE_ENV)
    return Settings(
        raw_dir=Path(raw).resolve() if raw else DEFAULT_RAW_DIR,
        warehouse=Path(warehouse).resolve() if warehouse else DEFAULT_WAREHOUSE,
        timezone=os.environ.get(TIMEZONE_ENV, DEFAULT_TIMEZONE),
    )
