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
   frontier, named lines) for one set, seconds;
5. ``sim.evaluate(..., forecast=False)`` on ``--eval-sets`` parameter sets with and without
   the per-region outcomes (``regions=True``: the fronts per region at the month, each
   region's section range, the named lines' verdicts), sets/s on one core, the ratio of
   the two and the regional layer's own marginal cost in microseconds per set, with the
   parts of :func:`sim.regions.regional_outcomes` timed alone (``--forecast`` adds the
   same with the forecast on);
6. the projection of the zone (``regions=True, projection=True``: each region's range over
   the whole feasible set, 2R convex programmes per set, :func:`sim.regions.batched_ranges`)
   on ``--projection-sets`` sets: ``evaluate`` with it beside ``regions=True`` without it
   and the total-line ``evaluate`` (sets/s and the ratios), and the projection alone on
   one chunk of the same sets (sets/s).  ``--only-projection`` runs this item alone.

Usage::

    python benchmarks/bench_regions.py [--sets 100000] [--eval-sets 20000] [--repeat 3]
    python benchmarks/bench_regions.py --only-projection [--projection-sets 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import sim
from sim.engine import compute, game_effects, reservations
from sim.kernels.regions import RegionalFront, regional_paths, section
from sim.kernels.war import walk_line
from sim.model.batch import build_batch, game_configs
from sim.model.scenario import load_scenario
from sim.regions import (
    anchored_problem,
    batched_lines,
    batched_problem,
    batched_ranges,
    batched_sections,
    deal_bases,
    fronts_at,
    neutral_path,
    regional_front,
    solve_regions,
)


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
    parser.add_argument("--eval-sets", type=int, default=20_000)
    parser.add_argument("--forecast", action="store_true", help="also with the forecast on")
    parser.add_argument("--only-evaluate", action="store_true", help="only item 5")
    parser.add_argument("--projection-sets", type=int, default=2_000)
    parser.add_argument("--only-projection", action="store_true", help="only item 6")
    args = parser.parse_args()
    if args.only_evaluate:
        bench_evaluate(args)
        return
    if args.only_projection:
        bench_projection(args)
        return
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
    bench_evaluate(args)
    bench_projection(args)


def _sample(scenario, n: int) -> dict[str, np.ndarray]:
    """``n`` parameter sets that move the war path, the fronts and the values per region."""
    rng = np.random.default_rng(2)
    return {
        "war.drift_scale_km2": rng.uniform(3000.0, 9000.0, n),
        "regions.front.donetsk.allocation": rng.uniform(0.4, 1.0, n),
        "regions.values.ukraine.donetsk.weight": rng.uniform(0.5, 3.0, n),
        "regions.values.russia.zaporizhzhia.weight": rng.uniform(0.5, 3.0, n),
    }


def bench_evaluate(args) -> None:
    """Item 5: ``evaluate`` with and without the per-region outcomes."""
    scenario = load_scenario("baseline")
    n, month = args.eval_sets, 3
    params = _sample(scenario, n)
    for forecast in (False, True) if args.forecast else (False,):
        runs = {
            regions: _best(
                lambda r=regions, f=forecast: sim.evaluate(
                    scenario, params, month=month, forecast=f, regions=r
                ),
                args.repeat,
            )
            for regions in (False, True)
        }
        t_off, t_on = runs[False], runs[True]
        print(
            f"evaluate (forecast={forecast}, {n:,} sets, month {month}): total line "
            f"{n / t_off:,.0f} sets/s; with regions {n / t_on:,.0f} sets/s "
            f"(ratio {t_on / t_off:.3f}x the time); the regional layer "
            f"{1e6 * (t_on - t_off) / n:.2f} us/set"
        )
    # The parts of the regional layer alone, on one of evaluate's chunks of the same sets
    # (the chunk's size as evaluate chooses it), repeated over the chunks.
    params, comp = _one_chunk(scenario, params)
    n = chunk = len(next(iter(params.values())))
    holder = {}

    def path():
        holder["path"] = neutral_path(comp, month)

    def fronts():
        holder["sq"] = fronts_at(scenario, *holder["path"], month, params)

    def problem():
        line = holder["path"][0][:, month]
        holder["p"] = batched_problem(scenario, comp, month, holder["sq"], line, params)

    parts = {"neutral line": path, "fronts per region": fronts, "anchored problem": problem}
    parts["sections"] = lambda: batched_sections(holder["p"])

    def deals():
        line = holder["path"][0][:, month]
        holder["d"] = deal_bases(scenario, comp, month, holder["p"], line, params)

    parts["deals' margins"] = deals
    parts["named lines"] = lambda: batched_lines(scenario, holder["p"], holder["d"])
    times = {k: _best(f, args.repeat) for k, f in parts.items()}
    print(
        f"  its parts on one chunk of {chunk:,} sets (us/set): "
        + "; ".join(f"{k} {1e6 * t / n:.2f}" for k, t in times.items())
        + f"; sum {1e6 * sum(times.values()) / n:.2f}"
    )


def _one_chunk(scenario, params):
    """The first of ``evaluate``'s chunks of ``params`` (its size as ``evaluate`` chooses
    it, without paths) and the computation of its reservations."""
    n = len(next(iter(params.values())))
    per_set = (scenario.horizon + 1) * (len(scenario.actors) + 1)
    chunk = min(n, max(1, sim.engine.CHUNK_ELEMENTS // (per_set * 4)))
    params = {k: v[:chunk] for k, v in params.items()}
    batch = build_batch(scenario, params, with_deals=False)
    effects = game_effects(game_configs(scenario, params), scenario.name)
    return params, reservations(batch, effects, sim.engine.Paths(), neutral=False)


def bench_projection(args) -> None:
    """Item 6: the projection of the zone in ``evaluate``, and alone on one chunk."""
    scenario = load_scenario("baseline")
    n, month = args.projection_sets, 2
    params = _sample(scenario, n)
    times = {}
    for name, options in (
        ("total line", {}),
        ("regions", {"regions": True}),
        ("projection", {"regions": True, "projection": True}),
    ):
        times[name] = _best(
            lambda o=options: sim.evaluate(scenario, params, month=month, forecast=False, **o),
            args.repeat,
        )
    print(
        f"evaluate (forecast=False, {n:,} sets, month {month}): total line "
        f"{n / times['total line']:,.0f} sets/s; regions=True {n / times['regions']:,.0f}; "
        f"with the projection {n / times['projection']:,.0f} sets/s (ratio "
        f"{times['projection'] / times['total line']:.1f}x the total line's time, "
        f"{times['projection'] / times['regions']:.1f}x regions=True's)"
    )
    params, comp = _one_chunk(scenario, params)
    chunk = len(next(iter(params.values())))
    line, drift, season = neutral_path(comp, month)
    status_quo = fronts_at(scenario, line, drift, season, month, params)
    problem = batched_problem(scenario, comp, month, status_quo, line[:, month], params)
    t = _best(lambda: batched_ranges(problem), args.repeat)
    lo, _ = batched_ranges(problem)
    print(
        f"  the projection alone (batched_ranges, {chunk:,} sets, two programmes per "
        f"region not fixed): "
        f"{chunk / t:,.0f} sets/s ({1e3 * t / chunk:.2f} ms/set); zone empty in "
        f"{int(np.isnan(lo[:, 0]).sum())} sets"
    )


if __name__ == "__main__":
    main()
