"""What each mechanism of the baseline costs in ``sim.evaluate`` (issues 16, 17, 18).

Runs ``evaluate`` on the ``near`` design of :mod:`bench_engine` (the two war sides'
discount rates over their ranges) for the baseline as written and for variants with one
mechanism switched off (its table removed from the scenario), with and without the
forecast's outcomes, and prints CPU sets/s (one core; ``time.process_time``, best of
``--repeat``) and each mechanism's cost in microseconds a set.

Usage::

    python benchmarks/bench_mechanisms.py [--sets 3000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import designs

import sim
from sim.model.scenario import _validate


def _without(scenario, *paths: str):
    """``scenario`` with the tables at the dotted ``paths`` removed (and what a regime sets
    in a removed table)."""
    raw = copy.deepcopy(scenario._raw)
    for path in paths:
        *head, last = path.split(".")
        table = raw
        for key in head:
            table = table.get(key, {})
        table.pop(last, None)
        for regime in raw.get("regimes", {}).values():
            sets = regime.get("set", {})
            for key in [k for k in sets if k.startswith(path + ".")]:
                sets.pop(key)
    return _validate(raw, path=scenario.path, text=scenario.text, origin="bench")


VARIANTS = {
    "regimes (issue 17 item 5)": ("regimes",),
    "attrition (issue 16 item 4)": ("attrition",),
    "rearmament (issue 17 item 1)": ("settlement.rearmament",),
    "audience cost (issue 17 item 4)": ("settlement.audience_costs",),
    "red lines (issue 17 item 2)": ("settlement.red_lines", "settlement.audience_costs"),
}


def rate(scenario, params, forecast: bool, repeat: int, regions: bool = False) -> float:
    size = len(next(iter(params.values())))
    sim.evaluate(scenario, {k: v[:8] for k, v in params.items()}, forecast=forecast)
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        sim.evaluate(scenario, params, forecast=forecast, regions=regions)
        best = min(best, time.process_time() - t)
    return size / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    base = sim.load_scenario("baseline")
    params = designs(base, args.sets)["near"]
    print(f"evaluate, baseline, near design, {args.sets:,} sets, CPU, best of {args.repeat}")
    print(f"{'variant':38s} {'forecast':>12s} {'no forecast':>12s}   cost us/set (with / without)")
    full = (rate(base, params, True, args.repeat), rate(base, params, False, args.repeat))
    print(f"{'baseline as written':38s} {full[0]:12,.0f} {full[1]:12,.0f}")
    for name, paths in VARIANTS.items():
        world = _without(base, *paths)
        r = (rate(world, params, True, args.repeat), rate(world, params, False, args.repeat))
        cost = tuple(1e6 / f - 1e6 / v for f, v in zip(full, r, strict=True))
        print(
            f"{'without ' + name:38s} {r[0]:12,.0f} {r[1]:12,.0f}   {cost[0]:8.0f} / {cost[1]:5.0f}"
        )
    reg = rate(base, params, False, args.repeat, regions=True)
    print(
        f"{'with regions=True (issue 18)':38s} {'':>12s} {reg:12,.0f}   "
        f"{'':8s}   {1e6 / reg - 1e6 / full[1]:5.0f}  (ratio {full[1] / reg:.2f}x the time)"
    )


if __name__ == "__main__":
    main()
