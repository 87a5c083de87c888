"""Benchmark of parameter sweeps (issue: sweeps at scale).

Prints, for a grid of SIDE x SIDE points (default 1000 x 1000 = 10^6) over two
parameters of a scenario (default: the baseline):

1. in-process: seconds and points/s of ``ceasefire sweep`` (chunks of 1e5 points,
   one vectorized ``sim.evaluate`` call each, results streamed to Zarr);
2. EMA-Workbench style: one Python model call per experiment, as EMA Workbench's
   ``perform_experiments`` runs a Python model (EMA Workbench itself when it is
   installed, and a plain loop), timed on a subset and extrapolated to the grid;
   the ratio to (1);
3. ``--workers 2`` (a local Dask cluster of two processes) vs in-process: speed-up,
   with and without the cluster's start-up (timed apart on a 10 x 10 sweep);
4. the peak resident memory of a 10^7-point sweep to Zarr, in a fresh process,
   for each of ``--memory-design`` (a grid of the two parameters; a Monte Carlo
   sample of their ranges, drawn block by block; a Latin hypercube, held whole).

Usage::

    python benchmarks/bench_sweep.py [--scenario baseline] [--side 1000]
        [--x PATH --y PATH] [--ema-experiments 300] [--memory-points 10000000]
        [--memory-design grid,mc,lhs] [--skip-dask] [--skip-memory] [--model synthetic]

``--model synthetic`` replaces ``sim.evaluate`` with a cheap numpy model of the
same interface, to measure the machinery's own overhead.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import sim
from sim.results import OUTCOMES
from sim.sweep.runner import run_sweep
from sim.sweep.spec import build_spec


def synthetic(scenario, params, *, month=0, paths=0, seed=None):
    """A cheap stand-in for ``sim.evaluate``: a ZOPA linear in the first two parameters."""
    values = [np.asarray(v, dtype=float) for v in params.values()]
    n = max(v.size for v in values)
    x, y = (np.broadcast_to(v, (n,)) for v in values[:2])
    lo, hi = x * 1000.0, 2000.0 * y + 50.0
    exists = lo <= hi
    mid = np.where(exists, 0.5 * (lo + hi), np.nan)
    out = {
        "zopa_exists": exists,
        "zopa_lo_km2": lo,
        "zopa_hi_km2": hi,
        "zopa_width_km2": np.where(exists, hi - lo, 0.0),
        "zopa_gap_km2": np.where(exists, 0.0, lo - hi),
        "binding": np.where(exists, 1, 2),
        "nash_km2": mid,
        "kalai_smorodinsky_km2": mid,
        "rubinstein_km2": mid,
        "unanimity_km2": mid,
        "first_open_month": np.where(exists, 0, -1),
    }
    assert set(out) == set(OUTCOMES)
    for actor in scenario.actors:
        out[f"reservation_{actor}"] = lo
    return out


def pick_parameters(scenario) -> tuple[str, str]:
    """Two parameters with ranges in the scenario file, discount rates first."""
    ranged = [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p)]
    rates = [p for p in ranged if p.endswith(".discount_rate")]
    chosen = (rates + [p for p in ranged if p not in rates])[:2]
    if len(chosen) < 2:
        raise SystemExit("the scenario has fewer than two parameters with a range; use --x/--y")
    return chosen[0], chosen[1]


def grid_spec(scenario, x: str, y: str, side_x: int, side_y: int, chunk_size: int):
    (x0, x1), (y0, y1) = scenario.uncertainty_range(x), scenario.uncertainty_range(y)
    return build_spec(
        scenario,
        [f"{x}=linspace({x0!r},{x1!r},{side_x})", f"{y}=linspace({y0!r},{y1!r},{side_y})"],
        chunk_size=chunk_size,
    )


def timed_sweep(scenario, spec, evaluate, folder: Path, name: str, **kwargs):
    out = folder / f"{name}.zarr"
    start = time.perf_counter()
    result = run_sweep(scenario, spec, out=out, evaluate=evaluate, progress=False, **kwargs)
    seconds = time.perf_counter() - start
    if not result.complete:
        raise SystemExit(f"{name}: {len(result.failed)} chunks failed: {result.failed[0].error}")
    compute = sum(r.seconds for r in result.records.values())
    return seconds, compute, result


def ema_style(scenario, x: str, y: str, evaluate, experiments: int, seed: int = 0):
    """Seconds per experiment with one Python model call per experiment."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = scenario.uncertainty_range(x), scenario.uncertainty_range(y)
    xs, ys = rng.uniform(x0, x1, experiments), rng.uniform(y0, y1, experiments)
    timings = {}

    def one(**kwargs):
        out = evaluate(scenario, {x: kwargs["x"], y: kwargs["y"]})
        return {"zopa_exists": bool(np.asarray(out["zopa_exists"]).reshape(-1)[0])}

    start = time.perf_counter()
    for a, b in zip(xs, ys, strict=True):
        one(x=a, y=b)
    timings["plain loop"] = (time.perf_counter() - start) / experiments
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench import (
                Model,
                RealParameter,
                ScalarOutcome,
                SequentialEvaluator,
                ema_logging,
                perform_experiments,
            )
    except ImportError:
        return timings
    ema_logging.log_to_stderr(logging.WARNING)
    model = Model("ceasefire", function=one)
    model.uncertainties = [RealParameter("x", x0, x1), RealParameter("y", y0, y1)]
    model.outcomes = [ScalarOutcome("zopa_exists")]
    start = time.perf_counter()
    with warnings.catch_warnings(), SequentialEvaluator(model) as evaluator:
        warnings.simplefilter("ignore")
        perform_experiments(model, scenarios=experiments, evaluator=evaluator)
    timings["EMA Workbench perform_experiments"] = (time.perf_counter() - start) / experiments
    return timings


def memory_child(arguments) -> None:
    """Run one sweep in this (fresh) process and print its peak RSS in MiB."""
    scenario = sim.load_scenario(arguments.scenario)
    evaluate = synthetic if arguments.model == "synthetic" else sim.evaluate
    x, y = arguments.x, arguments.y
    if arguments.memory_design == "grid":
        side_y = 1000
        side_x = math.ceil(arguments.memory_points / side_y)
        spec = grid_spec(scenario, x, y, side_x, side_y, arguments.chunk_size)
        points = side_x * side_y
    else:
        (x0, x1), (y0, y1) = scenario.uncertainty_range(x), scenario.uncertainty_range(y)
        spec = build_spec(
            scenario,
            [f"{x}=uniform({x0!r},{x1!r})", f"{y}=uniform({y0!r},{y1!r})"],
            design=arguments.memory_design,
            samples=arguments.memory_points,
            chunk_size=arguments.chunk_size,
        )
        points = arguments.memory_points
    start = time.perf_counter()
    result = run_sweep(scenario, spec, out=arguments.out, evaluate=evaluate, progress=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"PEAK {peak:.0f} POINTS {points} SECONDS {seconds:.1f} COMPLETE {result.complete}")


def memory(arguments, x: str, y: str, design: str) -> None:
    """Run :func:`memory_child` in a fresh process and print its peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench_sweep_mem_") as folder:
        command = [
            sys.executable,
            __file__,
            "--memory-child",
            "--memory-design",
            design,
            "--scenario",
            arguments.scenario,
            "--x",
            x,
            "--y",
            y,
            "--model",
            arguments.model,
            "--memory-points",
            str(arguments.memory_points),
            "--chunk-size",
            str(arguments.chunk_size),
            "--out",
            str(Path(folder) / "big.zarr"),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(li for li in output.stdout.splitlines() if li.startswith("PEAK"))
        words = line.split()
        peak, big, big_seconds = float(words[1]), int(words[3]), float(words[5])
        verdict = "under" if peak < 2048 else "OVER"
        print(
            f"[4] {big:,}-point {design} sweep to Zarr: peak RSS {peak:,.0f} MiB "
            f"({verdict} 2 GiB), {big_seconds:.1f} s = {big / big_seconds:,.0f} points/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--x")
    parser.add_argument("--y")
    parser.add_argument("--side", type=int, default=1000)
    parser.add_argument("--chunk-size", type=int, default=100_000)
    parser.add_argument("--ema-experiments", type=int, default=300)
    parser.add_argument("--memory-points", type=int, default=10_000_000)
    parser.add_argument(
        "--memory-design",
        default="grid,mc",
        help="Comma-separated designs of the memory test: grid, mc, lhs (default grid,mc).",
    )
    parser.add_argument("--model", choices=["engine", "synthetic"], default="engine")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    scenario = sim.load_scenario(arguments.scenario)
    if arguments.x is None or arguments.y is None:
        arguments.x, arguments.y = pick_parameters(scenario)
    if arguments.memory_child:
        memory_child(arguments)
        return
    evaluate = synthetic if arguments.model == "synthetic" else sim.evaluate
    x, y, side = arguments.x, arguments.y, arguments.side
    points = side * side
    spec = grid_spec(scenario, x, y, side, side, arguments.chunk_size)
    print(f"scenario {scenario.name}, model {arguments.model}: {side} x {side} grid of {x} x {y}")
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as folder:
        folder = Path(folder)
        # Warm-up (imports, caches) on a small grid.
        run_sweep(
            scenario, grid_spec(scenario, x, y, 10, 10, 100), evaluate=evaluate, progress=False
        )
        seconds, compute, _ = timed_sweep(scenario, spec, evaluate, folder, "inprocess")
        rate = points / seconds
        print(
            f"[1] in-process: {points:,} points in {seconds:.2f} s = {rate:,.0f} points/s "
            f"(evaluate alone {compute:.2f} s; the rest is writing Zarr)"
        )

        timings = ema_style(scenario, x, y, evaluate, arguments.ema_experiments)
        for label, per in timings.items():
            extrapolated = per * points
            print(
                f"[2] {label}: {per * 1e3:.3f} ms per experiment ({arguments.ema_experiments} "
                f"timed) -> {extrapolated:,.0f} s for {points:,} points; "
                f"in-process sweep is {extrapolated / seconds:,.0f}x faster"
            )

        if not arguments.skip_dask:
            # A local cluster takes seconds to start (processes, imports): timed apart on
            # a 10 x 10 grid, so that the speed-up of the computation itself shows too.
            tiny = grid_spec(scenario, x, y, 10, 10, 100)
            start_up, _, _ = timed_sweep(scenario, tiny, evaluate, folder, "dask0", workers=2)
            dask_seconds, _, _ = timed_sweep(scenario, spec, evaluate, folder, "dask", workers=2)
            net = max(dask_seconds - start_up, 1e-9)
            print(
                f"[3] --workers 2 (local Dask, 2 processes): {dask_seconds:.2f} s "
                f"= {points / dask_seconds:,.0f} points/s; speed-up vs in-process "
                f"{seconds / dask_seconds:.2f}x with the cluster's start-up "
                f"(about {start_up:.1f} s, a 10 x 10 sweep), {seconds / net:.2f}x without it"
            )

    if not arguments.skip_memory:
        for design in arguments.memory_design.split(","):
            memory(arguments, x, y, design.strip())


if __name__ == "__main__":
    main()
