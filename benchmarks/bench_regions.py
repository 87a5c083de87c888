"""Benchmark of the line per region (issue 18).

Prints, on the built-in baseline (8 regions, 5 actors, 60-month horizon), CPU seconds of
this process (what one core does when other jobs share the machine):

1. the fronts per region (:func:`sim.kernels.regions.regional_paths`) for ``--sets``
   parameter sets, sets/s, beside the total line's walk (:func:`sim.kernels.war.walk_line`)
   on the same drift, and the ratio;
2. the regional utilities of ``--sets`` vectors of lines for every actor, sets/s;
3. the closed-form sections (each region's acceptable range with the others held,
   :func:`sim.kernels.regions.section`) for ``--sets`` points, sets/s;
4. ``sim.regions.solve_regions`` (projection, Nash, Kalai-Smorodinsky, the war sides'
   frontier, named lines) for one set, seconds.

Usage::

    python benchmarks/bench_regions.py [--sets 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.engine import compute
from sim.kernels.regions import RegionalFront, regional_paths, section
from sim.kernels.war import walk_line
from sim.model.scenario import load_scenario
from sim.regions import anchored_problem, regional_front, solve_regions


def _best(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        out.append(time.process_time() - t)
    return min(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.sets

    scenario = load_scenario("baseline")
    comp = compute(scenario)
    months = comp.batch.months
    drift = np.broadcast_to(comp.path.drift[:1, :1], (n, 1, months)).copy()
    drift *= np.random.default_rng(0).uniform(0.5, 1.5, (n, 1, 1))
    season = np.broadcast_to(np.moveaxis(comp.batch.war.season, 0, -1)[:1], (n, months))
    one = regional_front(scenario, float(comp.line[0, 0]))
    front = RegionalFront(
        *(
            np.broadcast_to(getattr(one, f), (n, one.allocation.shape[1])).copy()
            for f in ("allocation", "offset_km2", "area_km2", "line0_km2")
        )
    )
    r = one.allocation.shape[1]
    t_reg = _best(lambda: regional_paths(front, drift, season), args.repeat)
    total = np.full((n, 1), 603_500.0)
    month_major = np.ascontiguousarray(np.moveaxis(drift, -1, 0))  # (T, B, M)
    t_tot = _best(
        lambda: walk_line(comp.line[:1, 0].repeat(n), month_major, np.zeros((n, 1)), total),
        args.repeat,
    )
    print(
        f"baseline: {r} regions, {months} months, {n:,} sets (CPU seconds, best of {args.repeat})"
    )
    print(
        f"fronts per region: {n / t_reg:,.0f} sets/s; the total line's walk: "
        f"{n / t_tot:,.0f} sets/s (ratio {t_reg / t_tot:.1f}x the time)"
    )

    problem, _ = anchored_problem(scenario, comp, 0)
    v = problem.values
    lines = np.random.default_rng(1).uniform(0, 1, (n, r)) * v.area
    t_u = _best(lambda: problem.utility(lines), args.repeat)
    print(f"regional utilities (5 actors): {n / t_u:,.0f} sets/s")
    mask = problem.veto & np.isfinite(problem.radius)
    radius = np.broadcast_to(np.where(mask, problem.radius, 0.0), (n, mask.size))
    masks = np.broadcast_to(mask, (n, mask.size))
    t_s = _best(lambda: section(lines, v, radius, masks), args.repeat)
    print(f"sections (each region's range, the others held): {n / t_s:,.0f} sets/s")
    t_solve = _best(lambda: solve_regions(scenario, comp, 0), args.repeat)
    print(f"solve_regions (one set: projection, Nash, KS, frontier, named lines): {t_solve:.2f} s")


if __name__ == "__main__":
    main()
