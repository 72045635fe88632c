"""``make docs``: the dbt docs site is built read-only from the warehouse and served on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from pipeline.defs.dbt_docs import DOCS_HOST, DocsError, generate_docs, main
from tests.warehouse_build import DBT_DIR, REPO, BuiltWarehouse, built_warehouse, release_dbt_duckdb

SERVE_TIMEOUT_SECONDS = 90
LOOPBACK_HEX = "0100007F"
"""127.0.0.1 as /proc/net/tcp writes a local address (little-endian hex)."""
LISTEN = "0A"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltWarehouse, Path]:
    built = built_warehouse(tmp_path_factory)
    target = tmp_path_factory.mktemp("docs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JIXIAO_WAREHOUSE", str(built.path))
        generate_docs(target)
    release_dbt_duckdb()
    return built, target


def test_the_site_carries_the_columns_with_their_descriptions(site: tuple[BuiltWarehouse, Path]) -> None:
    _, target = site
    assert (target / "static_index.html").stat().st_size > 100_000  # the whole site in one file
    yml = yaml.safe_load((DBT_DIR / "models" / "marts" / "mart_town_year.yml").read_text(encoding="utf-8"))
    [described] = [c for c in yml["models"][0]["columns"] if c["name"] == "reconciliation_diff_yuan"]
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    column = catalog["nodes"]["model.jixiao.mart_town_year"]["columns"]["reconciliation_diff_yuan"]
    assert column["comment"] == described["description"]  # read back from DuckDB (persist_docs)


def test_without_a_warehouse_it_says_to_build_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "none.duckdb"))
    with pytest.raises(DocsError, match="make run"):
        generate_docs(tmp_path / "docs")
    assert main(["--no-serve"]) == 1
    assert not (tmp_path / "none.duckdb").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((DOCS_HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp{,6} write them) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == LISTEN:
                found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from Linux's /proc")
def test_the_site_is_served_on_the_loopback_address_only(site: tuple[BuiltWarehouse, Path]) -> None:
    built, target = site
    port = free_port()
    code = f"from pathlib import Path; from pipeline.defs.dbt_docs import serve_docs; serve_docs({port}, Path({str(target)!r}))"
    env = {"JIXIAO_WAREHOUSE": str(built.path), "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT_SECONDS
        page = b""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://{DOCS_HOST}:{port}/", timeout=5) as response:
                    page = response.read()
            except OSError:
                assert server.poll() is None, "dbt docs serve exited"
                time.sleep(1)
        assert b"dbt" in page
        assert listening_addresses(port) == {LOOPBACK_HEX}
    finally:
        server.terminate()
        server.wait(timeout=30)
