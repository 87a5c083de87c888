"""Benchmark of the forecast (issue 16).

Prints

1. ``sim.evaluate`` on the built-in baseline with the ``[uncertainty]`` mechanism on
   (deterministic mean path; every month's hazard of agreement for ``p_agreement_12m``
   and ``expected_delay_months``), sets/s, wall-clock and CPU seconds of this process, for
   ``--sets`` sets drawn over the two war sides' discount rates (the ``near`` design of
   ``bench_engine.py``); and the same with the mechanism off (the table removed), for
   the ratio;
2. ``sim.forecast`` on the baseline and on ``history`` from 2024-07 with ``--draws``
   parameter draws, seconds.

Usage (after ``pip install -e .``)::

    python benchmarks/bench_forecast.py [--sets 5000] [--draws 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import sim
from sim.forecast import forecast
from sim.model.scenario import load_scenario


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock and CPU seconds of ``repeat`` calls."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, (time.perf_counter() - w, time.process_time() - c))
    return best


def near(scenario, sets: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    out = {}
    for side in scenario.model.war.sides:
        path = f"actors.{side}.discount_rate"
        lo, hi = scenario.uncertainty_range(path)
        out[path] = rng.uniform(lo, hi, sets)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=5000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    on = load_scenario("baseline")
    off = on.__class__(
        on.model.model_copy(update={"uncertainty": None}), {}, path=on.path, text=on.text
    )
    params = near(on, args.sets)
    result = {}
    for name, scenario in (("on", on), ("off", off)):
        sim.evaluate(scenario, {k: v[:10] for k, v in params.items()})  # warm-up
        wall, cpu = timed(lambda s=scenario: sim.evaluate(s, params), args.repeat)
        result[f"evaluate_{name}"] = {
            "sets": args.sets,
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
            "sets_per_s": round(args.sets / wall),
            "sets_per_cpu_s": round(args.sets / cpu),
        }
    for name, start in (("baseline", None), ("history", "2024-07")):
        wall, cpu = timed(lambda n=name, s=start: forecast(n, start=s, draws=args.draws), 1)
        result[f"forecast_{name}"] = {
            "draws": args.draws,
            "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
