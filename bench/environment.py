"""Environment variables set for the length of a block, then put back as they were."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

PROJECT_INSTANCE: Final = Path(__file__).resolve().parents[1] / ".dagster_home" / "dagster.yaml"
"""``make run``'s Dagster instance configuration: the bench's runs use it, in a fresh home."""


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set ``values`` (``DAGSTER_HOME`` of a fresh instance, ``JIXIAO_RAW_DIR`` of a corpus …) while the
    block runs; a variable that was unset before is unset again after."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
