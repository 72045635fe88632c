"""Headless Chromium for the report tests (a helper, not a test module).

Chromium must be installed (Debian/Ubuntu: ``apt-get install -y chromium``, as ``make test`` does)
or named by ``JIXIAO_CHROMIUM``; without it the browser tests fail with that instruction rather
than pass silently. The ``chromium`` fixture is in tests/report/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_ENV = "JIXIAO_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium"
CHROMIUM_TIMEOUT_SECONDS = 120
WINDOW = (1200, 1400)
"""The screenshot's size: the overview's charts start below its cards and the documents to check."""


def find_chromium() -> str:
    """Path of a Chromium (or Chrome) binary: JIXIAO_CHROMIUM, else the first on PATH. Fails if none."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        found = shutil.which(configured)
        if found is None:
            pytest.fail(f"{CHROMIUM_ENV}={configured!r} is not an executable")
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium is needed to check that the report renders, and none was found on PATH "
        f"(looked for {', '.join(CHROMIUM_NAMES)}). Install it with `{CHROMIUM_INSTALL}` "
        f"(Debian/Ubuntu, as root) or set {CHROMIUM_ENV}=/path/to/chromium."
    )


def run_chromium(
    chromium: str, page: Path, profile: Path, *mode: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium on a local page, offline: no network services, a throwaway profile.

    ``env`` replaces the environment (e.g. with ``FONTCONFIG_FILE`` to hide fonts from it).
    """
    args = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *mode,
        page.as_uri(),
    ]
    return subprocess.run(args, capture_output=True, timeout=CHROMIUM_TIMEOUT_SECONDS, check=False, env=env)
