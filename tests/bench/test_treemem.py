"""The process-tree memory sampler counts the children's memory, not only this process's."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.treemem import MIB, TreeSampler, resident_bytes, tree

HELD_MIB = 200
CHILD = f"import sys, time; block = bytearray({HELD_MIB} * {MIB}); print('ready', flush=True); time.sleep(5)"


def test_the_peak_includes_a_child_holding_memory() -> None:
    with TreeSampler(interval=0.05) as sampler:
        child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            assert child.pid in tree(sampler.root)
            own = resident_bytes(sampler.root) / MIB
            time.sleep(0.3)
        finally:
            child.kill()
            child.wait()
    assert sampler.peak_mib >= own + HELD_MIB
    assert sampler.loads
