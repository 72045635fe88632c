"""The national-year estimate's arithmetic (bench/nation.py), on the numbers of a made-up run."""

from __future__ import annotations

import pytest

from bench.nation import NationRun, estimate_hours


def _run(own_cpu_s: float, children_cpu_s: float) -> NationRun:
    return NationRun(
        size=1000, cold_s=900.0, own_cpu_s=own_cpu_s, children_cpu_s=children_cpu_s, parsed=1000, rerun_s=4.0,
        reparsed=0, tree_peak_mib=880.0, own_peak_mib=500.0, peak_breakdown="", mean_load=12.0,
    )  # fmt: skip


def test_wall_and_cpu_hours_scale_the_run_to_a_national_year() -> None:
    wall_h, cpu_h = estimate_hours(_run(own_cpu_s=110.0, children_cpu_s=190.0), cores=2)
    assert wall_h == pytest.approx(900 * 180 / 3600)  # 45 h
    assert cpu_h == pytest.approx(300 / 2 * 180 / 3600)  # 7.5 h


def test_the_cpu_estimate_is_never_below_the_one_core_bench_process() -> None:
    _, cpu_h = estimate_hours(_run(own_cpu_s=200.0, children_cpu_s=100.0), cores=2)
    assert cpu_h == pytest.approx(200 * 180 / 3600)  # 10 h, not 300 / 2 → 7.5 h
