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

With ``--floor`` it prints instead the floor of the hazard's search (issue 16's
arithmetic) for ``evaluate`` with the forecast on the ``near`` and ``wide`` designs of
``bench_engine.py``: per set, the proposer searches (rows of
:func:`sim.kernels.hazard.offers`), the uncertain sides in their objectives, and the
element evaluations of ``log_ndtr`` and ``erfcx`` the hazard makes (counting wrappers);
each function's CPU cost per element, measured on every 4th argument it was given (and,
for comparison, on 1e6 draws of N(0, 5)); ``evaluate``'s CPU time and the hazard's
share of it (a run without the counting); and two floors: ``special_us_per_set`` (the
special functions this exact search evaluates: no numpy implementation of it can go
under) and
``least_us_per_set`` (one ``log Phi`` per uncertain side per proposer search: no search
at all), with the sets/s each allows against the issue's 5e4.

Usage (after ``pip install -e .``)::

    python benchmarks/bench_forecast.py [--sets 5000] [--draws 1000] [--repeat 3]
    python benchmarks/bench_forecast.py --floor [--sets 3000]
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


def _cost_ns(fn, sample) -> float:
    """Best CPU ns per element of ``fn`` over ``sample`` (7 runs)."""
    out = np.empty_like(sample)
    best = float("inf")
    for _ in range(7):
        c = time.process_time()
        fn(sample, out=out)
        best = min(best, time.process_time() - c)
    return best / sample.size * 1e9


def _counts(scenario, design, real: dict) -> tuple[dict, dict, float, float]:
    """One design's counts and argument samples (a run with counting wrappers), and the
    CPU seconds of ``evaluate`` and of the hazard in it (a run without them)."""
    import sim.kernels.hazard as hz

    count = dict.fromkeys(("log_ndtr", "erfcx", "searches", "sides"), 0)
    samples: dict[str, list] = {"log_ndtr": [], "erfcx": []}
    hazard_cpu = [0.0]
    originals = (hz.log_ndtr, hz.erfcx, hz.constraints, hz.hazard)

    def counted(key):
        def fn(z, out=None):
            count[key] += np.size(z)
            samples[key].append(np.array(z, dtype=float).ravel()[::4])  # every 4th
            return real[key](z, out=out)

        return fn

    def constraints(inp, responders, interval=None):
        c = originals[2](inp, responders, interval)
        if interval is not None:  # a proposer's search (offers)
            count["searches"] += inp.lo.shape[0]
            count["sides"] += sum(t[0].shape[0] for t in c.terms)
        return c

    def hazard(inp):
        c = time.process_time()
        out = originals[3](inp)
        hazard_cpu[0] += time.process_time() - c
        return out

    sim.evaluate(scenario, {k: v[:50] for k, v in design.items()})  # warm-up
    hz.hazard = hazard  # the hazard's own time, without the counting
    try:
        c = time.process_time()
        sim.evaluate(scenario, design, forecast=True)
        evaluate_cpu = time.process_time() - c
    finally:
        hz.hazard = originals[3]
    hz.log_ndtr, hz.erfcx, hz.constraints = counted("log_ndtr"), counted("erfcx"), constraints
    try:
        sim.evaluate(scenario, design, forecast=True)
    finally:
        hz.log_ndtr, hz.erfcx, hz.constraints, hz.hazard = originals
    return count, samples, evaluate_cpu, hazard_cpu[0]


def floor(sets: int) -> dict:
    """The floor of the hazard's search (see the module docstring)."""
    import sys
    from pathlib import Path

    import sim.kernels.hazard as hz

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_engine import designs

    scenario = load_scenario("baseline")
    real = {"log_ndtr": hz.log_ndtr, "erfcx": hz.erfcx}
    normal = np.random.default_rng(0).normal(0.0, 5.0, 1_000_000)
    result = {}
    for name, design in designs(scenario, sets).items():
        count, samples, evaluate_cpu, hazard_cpu = _counts(scenario, design, real)
        ns = {k: _cost_ns(real[k], np.concatenate(samples[k])) for k in samples}
        ns_normal = {k: _cost_ns(real[k], normal) for k in samples}
        special = (count["log_ndtr"] * ns["log_ndtr"] + count["erfcx"] * ns["erfcx"]) / sets
        least = count["sides"] * ns["log_ndtr"] / sets
        result[name] = {
            "sets": sets,
            **{f"{k}_per_set": round(v / sets, 1) for k, v in count.items()},
            **{f"{k}_ns_per_element": round(v, 1) for k, v in ns.items()},
            **{f"{k}_ns_per_element_normal_0_5": round(v, 1) for k, v in ns_normal.items()},
            "evaluate_cpu_us_per_set": round(evaluate_cpu / sets * 1e6, 1),
            "hazard_cpu_us_per_set": round(hazard_cpu / sets * 1e6, 1),
            "special_us_per_set": round(special / 1e3, 1),
            "special_sets_per_s_at_most": round(1e9 / special),
            "least_us_per_set": round(least / 1e3, 1),
            "least_sets_per_s_at_most": round(1e9 / least),
            "target_us_per_set": 20.0,
        }
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", type=int, default=5000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--floor", action="store_true", help="the hazard's floor (issue 16)")
    args = ap.parse_args()
    if args.floor:
        print(json.dumps(floor(args.sets), indent=2))
        return
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
