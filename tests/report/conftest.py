"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from tests.report.browser import find_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    return find_chromium()
