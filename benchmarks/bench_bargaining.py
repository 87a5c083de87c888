"""Throughput of sim.bargaining: one vectorised call on 10**6 parameter sets vs. Python loops.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_bargaining.py [--points 1000000] [--loop-points 2000]

For each solver it times one call on ``--points`` parameter sets and two plain
Python loops over a random subset of ``--loop-points`` of them, scaled to
points per second:

* ``loop/call``: the library function called once per parameter set (what a
  sweep that loops over scenarios would do);
* ``loop/python``: the same formula written in pure Python floats (``math``),
  the fastest a loop can be -- only for the closed forms.

It prints points per second and the speed-up of the vectorised call over each
loop, and checks that the loops agree with the vectorised results.  Timings
are the best of ``--repeat`` runs; the machine's other load matters, so
compare figures taken on the same machine.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

from sim.bargaining import fearon_range, nash_split, rubinstein, unanimity_bargaining


def best_time(function, repeat):
    """Shortest wall time of ``repeat`` calls of ``function()`` and its last result."""
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def rubinstein_python(delta1, delta2):
    x1 = (1.0 - delta2) / (1.0 - delta1 * delta2)
    return x1, 1.0 - x1


def fearon_python(p, cost_a, cost_b):
    lo, hi = max(p - cost_a, 0.0), min(p + cost_b, 1.0)
    return (lo, hi) if lo <= hi else (math.nan, math.nan)


def unanimity_python(recognition, deltas):
    weights = [p / (1.0 - d) for p, d in zip(recognition, deltas, strict=True)]
    total = sum(weights)
    values = [w / total for w in weights]
    offered = [d * v for d, v in zip(deltas, values, strict=True)]
    offered_total = sum(offered)
    kept = [1.0 - (offered_total - o) for o in offered]
    return values, kept, offered


def nash_zero_disagreement_python(exponents, weights):
    scaled = [w * a for w, a in zip(weights, exponents, strict=True)]
    total = sum(scaled)
    return [s / total for s in scaled]


def make_cases(points, rng):
    """Each case: name, vectorised call, per-point call, pure-Python call or None, agreement."""
    delta = rng.uniform(0.5, 0.999, (2, points))
    p, cost_a, cost_b = rng.uniform(0.0, 1.0, points), *rng.uniform(0.0, 0.3, (2, points))
    recognition = rng.dirichlet(np.ones(5), points)
    deltas = rng.uniform(0.5, 0.999, (points, 5))
    exponents = rng.uniform(0.3, 3.0, (points, 5))
    weights = rng.uniform(0.1, 1.0, (points, 5))
    floors = rng.dirichlet(np.ones(5), points) * rng.uniform(0.0, 0.8, (points, 1))
    disagreement = floors**exponents

    return [
        (
            "rubinstein",
            lambda: rubinstein(delta[0], delta[1]),
            lambda i: rubinstein(delta[0, i], delta[1, i]),
            lambda i: rubinstein_python(float(delta[0, i]), float(delta[1, i])),
            lambda full, i, got: np.allclose(full.proposer_share[i], got[0], atol=1e-14),
        ),
        (
            "fearon_range",
            lambda: fearon_range(p, cost_a, cost_b),
            lambda i: fearon_range(p[i], cost_a[i], cost_b[i]),
            lambda i: fearon_python(float(p[i]), float(cost_a[i]), float(cost_b[i])),
            lambda full, i, got: np.allclose(full.lo[i], got[0], atol=1e-14),
        ),
        (
            "unanimity_bargaining (n=5)",
            lambda: unanimity_bargaining(recognition, deltas),
            lambda i: unanimity_bargaining(recognition[i], deltas[i]),
            lambda i: unanimity_python(recognition[i].tolist(), deltas[i].tolist()),
            lambda full, i, got: np.allclose(full.values[i], got[0], atol=1e-12),
        ),
        (
            "nash_split (n=5, d = 0)",
            lambda: nash_split(exponents, weights=weights),
            lambda i: nash_split(exponents[i], weights=weights[i]),
            lambda i: nash_zero_disagreement_python(exponents[i].tolist(), weights[i].tolist()),
            lambda full, i, got: np.allclose(full[i], got, atol=1e-14),
        ),
        (
            "nash_split (n=5, d > 0)",
            lambda: nash_split(exponents, disagreement, weights),
            lambda i: nash_split(exponents[i], disagreement[i], weights[i]),
            None,
            lambda full, i, got: np.allclose(full[i], got, atol=1e-12),
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--loop-points", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    cases = make_cases(args.points, rng)
    subset = rng.choice(args.points, size=min(args.loop_points, args.points), replace=False)

    print(
        f"sim.bargaining benchmark: {args.points:,} points, loops over {len(subset):,} points "
        f"(scaled); numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; best of {args.repeat}"
    )
    header = (
        f"{'solver':<28}{'vectorised pts/s':>18}{'loop/call pts/s':>17}{'ratio':>9}"
        f"{'loop/python pts/s':>19}{'ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, vectorised, per_call, per_python, agrees in cases:
        seconds, full = best_time(vectorised, args.repeat)
        rate = args.points / seconds
        loop_seconds, results = best_time(lambda f=per_call: [f(i) for i in subset], 1)
        assert all(agrees(full, i, got) for i, got in zip(subset, results, strict=True)), name
        call_rate = len(subset) / loop_seconds
        line = f"{name:<28}{rate:>18,.0f}{call_rate:>17,.0f}{rate / call_rate:>9,.0f}"
        if per_python is not None:
            python_seconds, results = best_time(lambda f=per_python: [f(i) for i in subset], 3)
            assert all(agrees(full, i, got) for i, got in zip(subset, results, strict=True)), name
            python_rate = len(subset) / python_seconds
            line += f"{python_rate:>19,.0f}{rate / python_rate:>9,.1f}"
        else:
            line += f"{'(no closed form)':>19}{'':>9}"
        print(line)


if __name__ == "__main__":
    main()
