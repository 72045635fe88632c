"""Issue 22's national year: a mixed corpus end to end, extrapolated to 180 000 documents.

``python -m bench.run --nation 1000,10000`` (``make bench NATION=1000,10000``) runs, for each size,
the mixed corpus of ``bench/nationcorpus.py`` (80 % 40-page PDF budget books with 5–10 table
pages, 20 % text) through ``pipeline.defs.orchestrate.run_everything`` — what ``make run`` does,
with ``make run``'s instance configuration in a fresh Dagster home and a fresh warehouse (as
``bench.run.end_to_end``) — cold, then once more with nothing changed. For the cold run it
measures:

- wall time, and CPU time of the whole tree (``getrusage`` of this process and of its reaped
  children: the parser workers and dbt);
- the peak of the summed memory (proportional set sizes) of the process tree (``bench/treemem.py``), and of
  this process alone (the Dagster run, the loads, the report);
- documents parsed: rows ``raw.load_history`` gained (the re-run must add none);
- the mean 1-minute load average, to tell whether the machine was ours.

**The estimate.** ``national year estimate (h)`` extrapolates the largest size run linearly to
``NATIONAL_DOCUMENTS``: wall = cold wall time × 180 000 / N; CPU = max(the tree's CPU time / cores,
the bench process's own CPU time) × 180 000 / N — what the run would take alone on these cores,
were they all busy all the time (a lower bound: where the workers wait for a load or dbt runs
alone, cores idle; ``estimate_hours``). Both are printed; the line
is the wall-clock one when the mean load stayed under ``SHARED_LOAD`` × cores (the machine was
ours), else the CPU one, and the line before it says which. Linear because every step is per
document or per batch of documents (parsing, loading, the lake) or a scan of the warehouse that
grows with it (dbt, the report), measured at 1 000 and 10 000 to check.

``peak memory A→B docs: +N %`` compares the tree peaks of the smallest and largest sizes run
(issue 22: flat within 10 % from 1 000 to 10 000); ``no-change re-run: N % of the cold run`` is
the second run of the largest size.

**One fresh process a size** (``python -m bench.nation SIZE``, which prints the run as JSON).
``make run`` starts a new Python each time, so its memory is that of one run, not of whatever
ran before it in the same interpreter. Run in the bench's own process after the text-corpus
steps and the smaller size, the tree's peak carried their leftovers: at 1 000 documents the
bench process was at 704 MiB against 493 MiB in a fresh one (bench/results.md).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from bench.environment import PROJECT_INSTANCE, environment
from bench.nationcorpus import TABLE_PAGES, TEXT_EVERY, build_nation_corpus
from bench.treemem import TreeSampler

NATIONAL_DOCUMENTS: Final = 180_000
"""Documents in a national year (issue 22: ~40 000 townships and 2 800 counties' departments)."""
TARGET_HOURS: Final = 8.0
SHARED_LOAD: Final = 1.25
"""A mean load above this many times the cores means others shared the machine during the run."""
SECONDS_PER_HOUR: Final = 3600
MEMORY_FLAT_PERCENT: Final = 10.0
NO_CHANGE_PERCENT: Final = 5.0


@dataclass(frozen=True)
class NationRun:
    size: int
    cold_s: float
    own_cpu_s: float
    """CPU of the bench process: Dagster, the loads and the lake, the report."""
    children_cpu_s: float
    """CPU of its children: the parser workers and dbt."""
    parsed: int
    rerun_s: float
    reparsed: int
    tree_peak_mib: float
    own_peak_mib: float
    peak_breakdown: str
    mean_load: float

    @property
    def cpu_s(self) -> float:
        return self.own_cpu_s + self.children_cpu_s


def cpu_seconds() -> tuple[float, float]:
    """User + system time of this process, and of every child it has reaped (parser workers, dbt)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@contextmanager
def fresh_instance(raw_dir: Path) -> Iterator[Path]:
    """A fresh Dagster home with ``make run``'s configuration, and the path of a fresh warehouse
    that ``make run`` will build from ``raw_dir``."""
    with tempfile.TemporaryDirectory(prefix="jixiao-nation-") as tmp_name:
        tmp = Path(tmp_name)
        home = tmp / "dagster_home"
        home.mkdir()
        shutil.copy(PROJECT_INSTANCE, home / "dagster.yaml")
        warehouse = tmp / "warehouse" / "jixiao.duckdb"
        with environment(JIXIAO_RAW_DIR=str(raw_dir), JIXIAO_WAREHOUSE=str(warehouse), DAGSTER_HOME=str(home)):
            yield warehouse


def make_run() -> None:
    """What ``make run`` does, the instance opened and closed as it does."""
    import dagster as dg

    from pipeline.definitions import defs
    from pipeline.defs.orchestrate import run_everything

    with dg.DagsterInstance.get() as instance:
        run_everything(instance, defs)


def loads_recorded(warehouse: Path) -> int:
    """Documents loaded so far: ``raw.load_history`` gains a row for every document parsed and
    loaded, none for an unchanged one."""
    from pipeline.load.warehouse import RAW_SCHEMA, reader

    with reader(warehouse) as con:
        (count,) = con.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.load_history").fetchall()
    return int(count[0])


def measure(size: int) -> NationRun:
    """The cold run and the no-change re-run of the mixed corpus of ``size`` documents."""
    from bench.run import quiet
    from pipeline.defs.dbt_project import prepare_manifest

    folder = build_nation_corpus(size).resolve()
    with fresh_instance(folder) as warehouse, quiet(folder.parent / f"e2e-{size}.log"):
        prepare_manifest()
        (own, children), start = cpu_seconds(), time.perf_counter()
        with TreeSampler() as sampler:
            make_run()
        cold_s, (own_after, children_after) = time.perf_counter() - start, cpu_seconds()
        parsed = loads_recorded(warehouse)
        start = time.perf_counter()
        make_run()
        rerun_s = time.perf_counter() - start
        reparsed = loads_recorded(warehouse) - parsed
    return NationRun(
        size,
        cold_s,
        own_after - own,
        children_after - children,
        parsed,
        rerun_s,
        reparsed,
        sampler.peak_mib,
        sampler.own_peak_mib,
        sampler.peak_breakdown(),
        sampler.mean_load,
    )


def measure_fresh(size: int) -> NationRun:
    """``measure(size)`` in a new Python process, as ``make run`` runs: its memory starts from nothing."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.nation", str(size)],
        cwd=Path(__file__).resolve().parents[1],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return NationRun(**json.loads(done.stdout.strip().splitlines()[-1]))


def estimate_hours(run: NationRun, cores: int) -> tuple[float, float]:
    """(wall-clock, CPU) hours for ``NATIONAL_DOCUMENTS``, extrapolated linearly from ``run``.

    The CPU hours are the tree's CPU spread over the cores, but never less than the bench
    process's own CPU: that process (Dagster's bookkeeping, the loads, the report) runs on one
    core, so it is the shortest the run can take. E.g. 300 s of CPU for 1 000 documents, 110 s
    of it the bench process's, on 2 cores: max(150, 110) × 180 = 7.5 h.
    """
    scale = NATIONAL_DOCUMENTS / run.size / SECONDS_PER_HOUR
    return run.cold_s * scale, max(run.cpu_s / cores, run.own_cpu_s) * scale


def report_run(run: NationRun, cores: int) -> None:
    folder = build_nation_corpus(run.size)
    megabytes = sum(p.stat().st_size for p in folder.iterdir()) / (1 << 20)
    print(
        f"\n== national mix, {run.size} documents ({megabytes:.0f} MB: {100 - 100 // TEXT_EVERY} % 40-page PDF books "
        f"with {TABLE_PAGES[0]}–{TABLE_PAGES[1]} table pages, {100 // TEXT_EVERY} % text) in {folder}"
    )
    print(
        f"  cold run: {run.cold_s:.1f} s wall ({run.size / run.cold_s:.2f} documents/s), "
        f"{run.cpu_s:.1f} s CPU of the process tree ({1000 * run.cpu_s / run.size:.0f} ms per document: "
        f"bench process {run.own_cpu_s:.1f} s, parser workers and dbt {run.children_cpu_s:.1f} s), "
        f"parsed {run.parsed}; mean load {run.mean_load:.1f} on {cores} cores"
    )
    print(
        f"  no-change re-run: {run.rerun_s:.1f} s ({100 * run.rerun_s / run.cold_s:.1f} % of the cold run), "
        f"parsed {run.reparsed}{'' if run.reparsed == 0 else ': PARSED AGAIN, BUG'}"
    )
    print(
        f"  peak memory of the process tree (sum of proportional set sizes, sampled every 0.1 s): {run.tree_peak_mib:.0f} MiB "
        f"({run.peak_breakdown}); "
        f"of the bench process alone: {run.own_peak_mib:.0f} MiB",
        flush=True,
    )


def bench_nation(sizes: Sequence[int], cores: int) -> None:
    """Run each size, then print the lines issue 22 asks for, from the largest (and smallest) size."""
    runs = [measure_fresh(size) for size in sorted(sizes)]
    for run in runs:
        report_run(run, cores)
    largest, smallest = runs[-1], runs[0]
    wall_h, cpu_h = estimate_hours(largest, cores)
    shared = largest.mean_load > SHARED_LOAD * cores
    print(
        f"national year, from {largest.size} documents × {NATIONAL_DOCUMENTS / largest.size:g}: "
        f"wall clock {wall_h:.1f} h; CPU on {cores} cores {cpu_h:.1f} h "
        f"(the line below is the {'CPU' if shared else 'wall-clock'} estimate: mean load {largest.mean_load:.1f} "
        f"{'above' if shared else 'within'} {SHARED_LOAD:g} × {cores} cores; target ≤ {TARGET_HOURS:g})"
    )
    print(f"national year estimate (h): {cpu_h if shared else wall_h:.1f}")
    if len(runs) > 1:
        marginal = (largest.cpu_s - smallest.cpu_s) / (largest.size - smallest.size)
        slope_h = (largest.cpu_s + marginal * (NATIONAL_DOCUMENTS - largest.size)) / cores / SECONDS_PER_HOUR
        print(
            f"  from the slope between {smallest.size} and {largest.size} documents instead: "
            f"{1000 * marginal:.0f} ms of CPU per more document, {slope_h:.1f} h on {cores} cores "
            "(the fixed costs — Dagster's start, dbt — counted once)"
        )
        growth = 100 * (largest.tree_peak_mib / smallest.tree_peak_mib - 1)
        print(
            f"peak memory {smallest.size}→{largest.size} docs: {growth:+.0f} % "
            f"({smallest.tree_peak_mib:.0f} → {largest.tree_peak_mib:.0f} MiB; target within ±{MEMORY_FLAT_PERCENT:g} %)"
        )
    print(
        f"no-change re-run: {100 * largest.rerun_s / largest.cold_s:.1f} % of the cold run "
        f"(target < {NO_CHANGE_PERCENT:g} %)",
        flush=True,
    )


if __name__ == "__main__":
    print(json.dumps(asdict(measure(int(sys.argv[1])))))
