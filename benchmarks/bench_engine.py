"""Benchmark of the engine (issue: the engine).

Prints, for ``sim.evaluate`` on the built-in baseline (60-month horizon, deterministic):

1. sets/s on ``--sets`` parameter sets (default 10^5) for two designs:
   ``near``: the two war sides' discount rates over their ranges (a typical sweep,
   where most sets have a ZOPA at the evaluation month), and ``wide``: a Latin
   hypercube over every parameter that has an uncertainty range (most sets have no
   ZOPA, so the engine must search every month for the first one -- the worst case);
   wall-clock and CPU seconds of this process (the CPU figure is what one core does
   when other jobs share the machine); and the same without the forecast's hazard
   (``sim.evaluate(..., forecast=False)``: every other outcome, the base path);
2. ``sim.solve`` called in a loop over ``--solve-sets`` of the same sets
   (``with_params`` + ``solve``), per set, and the ratio;
3. Monte Carlo: ``--paths`` paths per set on ``--mc-sets`` sets, sets/s and the peak
   of memory allocated by numpy (tracemalloc) -- bounded by the path chunks, whatever
   the number of paths.

4. with ``--against REV`` (a git revision, e.g. the commit before the engine
   redesign), the same ``evaluate`` designs run on that revision in a subprocess
   (a temporary git worktree), right after this one, and the before/after ratio.

Usage (after ``pip install -e .``)::

    python benchmarks/bench_engine.py [--sets 100000] [--solve-sets 40]
        [--paths 1000] [--mc-sets 200] [--repeat 3] [--against REV]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.stats import qmc

import sim


def designs(scenario, sets: int) -> dict[str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    near = {}
    for side in scenario.model.war.sides:
        path = f"actors.{side}.discount_rate"
        lo, hi = scenario.uncertainty_range(path)
        near[path] = rng.uniform(lo, hi, sets)
    ranged = [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p)]
    bounds = np.array([scenario.uncertainty_range(p) for p in ranged])
    unit = qmc.LatinHypercube(d=len(ranged), seed=0).random(sets)
    values = bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    wide = dict(zip(ranged, values.T, strict=True))
    return {"near": near, "wide": wide}


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall and best CPU seconds of ``repeat`` calls, and the last result."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def rates(sets: int, repeat: int) -> dict[str, float]:
    """sets/s (wall) of ``evaluate`` on each design."""
    scenario = sim.load_scenario("baseline")
    sim.evaluate(scenario, {"actors.russia.discount_rate": [0.05, 0.1]})  # warm up
    out = {}
    for name, params in designs(scenario, sets).items():
        wall, _, _ = timed(lambda p=params: sim.evaluate(scenario, p), repeat)
        out[name] = sets / wall
    return out


def against(revision: str, sets: int, repeat: int) -> dict[str, float]:
    """:func:`rates` measured on another git revision (a temporary worktree)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(root)]
        subprocess.run([*git, "worktree", "add", "--detach", "-q", str(tree), revision], check=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree)}
            code = (
                "import json, sys; sys.path.insert(0, sys.argv[1]); import bench_engine as b; "
                "print(json.dumps(b.rates(int(sys.argv[2]), int(sys.argv[3]))))"
            )
            here = str(Path(__file__).resolve().parent)
            done = subprocess.run(
                [sys.executable, "-c", code, here, str(sets), str(repeat)],
                env=env,
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
            )
            return json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=100_000)
    ap.add_argument("--solve-sets", type=int, default=40)
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--mc-sets", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", metavar="REV", help="also time evaluate on this git revision")
    args = ap.parse_args()
    if args.against:
        now = rates(args.sets, args.repeat)
        before = against(args.against, args.sets, args.repeat)
        after = rates(args.sets, args.repeat)  # again: the machine may have changed meanwhile
        for name in now:
            best = max(now[name], after[name])
            print(
                f"evaluate [{name}] {args.sets:,} sets: {args.against} {before[name]:,.0f} sets/s, "
                f"this tree {best:,.0f} sets/s -> {best / before[name]:.2f}x"
            )
        return

    scenario = sim.load_scenario("baseline")
    print(f"baseline: horizon {scenario.horizon} months, {len(scenario.actors)} actors")
    sim.evaluate(scenario, {"actors.russia.discount_rate": [0.05, 0.1]})  # warm up

    for name, params in designs(scenario, args.sets).items():
        wall, cpu, out = timed(lambda p=params: sim.evaluate(scenario, p), args.repeat)
        share_open = float(np.mean(out["zopa_exists"]))
        print(
            f"\nevaluate [{name}] {args.sets:,} sets ({len(params)} parameters varied, "
            f"ZOPA open now in {share_open:.0%}): {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"-> {args.sets / wall:,.0f} sets/s wall, {args.sets / cpu:,.0f} sets/s CPU"
        )
        wall, cpu, _ = timed(
            lambda p=params: sim.evaluate(scenario, p, forecast=False), args.repeat
        )
        print(
            f"  without the forecast (forecast=False): {wall:.2f} s wall, {cpu:.2f} s CPU "
            f"-> {args.sets / wall:,.0f} sets/s wall, {args.sets / cpu:,.0f} sets/s CPU"
        )
        k = args.solve_sets
        worlds = [
            scenario.with_params({p: float(v[i]) for p, v in params.items()}) for i in range(k)
        ]
        w0, c0 = time.perf_counter(), time.process_time()
        for world in worlds:
            sim.solve(world)
        solve_wall = (time.perf_counter() - w0) / k
        solve_cpu = (time.process_time() - c0) / k
        ratio_wall, ratio_cpu = solve_wall * args.sets / wall, solve_cpu * args.sets / cpu
        print(
            f"  solve loop over {k} of the sets: {solve_wall * 1e3:.1f} ms/set wall, "
            f"{solve_cpu * 1e3:.1f} ms/set CPU -> evaluate is {ratio_wall:,.0f}x (wall) / "
            f"{ratio_cpu:,.0f}x (CPU) faster"
        )

    params = {k: v[: args.mc_sets] for k, v in designs(scenario, args.mc_sets)["near"].items()}
    tracemalloc.start()
    w0 = time.perf_counter()
    sim.evaluate(scenario, params, paths=args.paths, seed=1)
    wall = time.perf_counter() - w0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\nMonte Carlo: {args.mc_sets} sets x {args.paths} paths in {wall:.1f} s "
        f"({args.mc_sets / wall:,.1f} sets/s, {args.mc_sets * args.paths / wall:,.0f} paths/s); "
        f"peak numpy memory {peak / 2**20:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
