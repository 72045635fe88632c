"""Peak memory of a whole process tree, and the machine's load, sampled while work runs.

The pipeline's memory is not one process: ``make run`` parses in a spawn pool of workers (one
per core) and runs dbt as a child process, so the bench process's own peak (VmHWM) misses most of
it. ``TreeSampler`` sums the proportional set size (``Pss`` of ``/proc/<pid>/smaps_rollup``: a
page shared by n processes counts 1/n in each) of this process and every descendant, every
``interval`` seconds in a thread, and keeps the highest sum; e.g. 600 MiB in the Dagster process
+ 2 × 250 MiB in parser workers = 1 100 MiB at that instant. Not the resident sets, which count a
shared page in every process that maps it: a child forked to run dbt shares all of the Dagster
process's pages until it execs, and the 10 000-document run's tree "peaked" at 1 014 MiB at such
an instant (Dagster 497 + its not-yet-dbt copy 503 MiB; bench/results.md). A spike shorter than the interval
can be missed: the default 0.1 s is under the ~2 s bursts of a batch load measured before
(bench/results.md). It also keeps the 1-minute load average, to tell an idle machine from a
shared one. Linux only (``/proc``); elsewhere the peak stays 0.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Final, Self

MIB: Final = 1 << 20
KIB: Final = 1 << 10
PSS_FIELD: Final = "\nPss:"
PROC: Final = Path("/proc")


def parents() -> dict[int, int]:
    """Every process's parent, from ``/proc/<pid>/stat`` (the field after the parenthesised name)."""
    found: dict[int, int] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        found[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    return found


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent in parents().items():
        children.setdefault(parent, []).append(pid)
    found, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, ()))
    return found


def proportional_bytes(pid: int) -> int:
    """The process's proportional set size; 0 when it is gone or the kernel does not say."""
    try:
        rollup = (PROC / str(pid) / "smaps_rollup").read_text()
        start = rollup.index(PSS_FIELD) + len(PSS_FIELD)
        return int(rollup[start : rollup.index("kB", start)]) * KIB
    except (OSError, ValueError):
        return 0


def label(pid: int, root: int) -> str:
    """What a process of the tree is: the bench itself, a parser worker (a spawn child), dbt, or its name."""
    if pid == root:
        return "bench"
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "multiprocessing" in command:
        return "resource tracker" if "resource_tracker" in command else "parser worker"
    if "dbt" in command:
        return "dbt"
    return command.split(" ", 1)[0].rsplit("/", 1)[-1] or "?"


class TreeSampler:
    """``with TreeSampler() as sampler: …`` then ``sampler.peak_mib`` (the tree), ``sampler.own_peak_mib``
    (the root process alone), ``sampler.mean_load``."""

    def __init__(self, interval: float = 0.1, root: int | None = None) -> None:
        self.interval = interval
        self.root = root or os.getpid()
        self.peak_bytes = 0
        self.own_peak_bytes = 0
        self.peak_parts: dict[str, int] = {}
        """At the tree's peak: bytes by kind of process (``label``), e.g. {"bench": …, "parser worker": …}."""
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    def _sample(self) -> None:
        ticks = 0
        while not self._stop.is_set():
            sizes = {pid: proportional_bytes(pid) for pid in tree(self.root)}
            if sum(sizes.values()) > self.peak_bytes:
                self.peak_bytes = sum(sizes.values())
                parts: dict[str, int] = {}
                for pid, size in sizes.items():
                    kind = label(pid, self.root)
                    parts[kind] = parts.get(kind, 0) + size
                self.peak_parts = parts
            self.own_peak_bytes = max(self.own_peak_bytes, sizes.get(self.root, 0))
            if ticks % max(1, round(1 / self.interval)) == 0:
                self.loads.append(os.getloadavg()[0])
            ticks += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / MIB

    def peak_breakdown(self) -> str:
        """``bench 610 + parser worker 480 MiB``: the tree's peak by kind of process."""
        parts = sorted(self.peak_parts.items(), key=lambda part: -part[1])
        return " + ".join(f"{kind} {size / MIB:.0f}" for kind, size in parts) + " MiB"

    @property
    def own_peak_mib(self) -> float:
        return self.own_peak_bytes / MIB

    @property
    def mean_load(self) -> float:
        return sum(self.loads) / len(self.loads) if self.loads else 0.0
