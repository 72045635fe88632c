"""The process-tree memory sampler counts the children's memory, not only this process's."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.treemem import MIB, TreeSampler, proportional_bytes, tree

HELD_MIB = 200
CHILD = f"import sys, time; block = bytearray({HELD_MIB} * {MIB}); print('ready', flush=True); time.sleep(5)"


def test_the_peak_includes_a_child_holding_memory() -> None:
    with TreeSampler(interval=0.05) as sampler:
        child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            assert child.pid in tree(sampler.root)
            own = proportional_bytes(sampler.root) / MIB
            time.sleep(0.3)
        finally:
            child.kill()
            child.wait()
    assert sampler.peak_mib >= own + HELD_MIB
    assert sampler.loads


def test_a_forked_child_sharing_this_process_s_pages_is_not_counted_twice() -> None:
    """Until it execs, a child forked to run dbt shares every page of the Dagster process: summed
    resident sets counted them twice (a 1 014 MiB "peak" of the 10 000-document run)."""
    block = bytearray(HELD_MIB * MIB)
    block[:: 4096] = b"x" * len(block[:: 4096])  # every page touched, so resident
    with TreeSampler(interval=0.05) as sampler:
        time.sleep(0.2)
        own = proportional_bytes(sampler.root) / MIB
        child = os.fork()
        if child == 0:
            time.sleep(1)
            os._exit(0)
        time.sleep(0.5)
        os.waitpid(child, 0)
    assert own >= HELD_MIB
    assert sampler.peak_mib < own + HELD_MIB / 2
