"""Throughput of sim.bargaining: one vectorised call on 10**6 parameter sets vs. Python loops.

Run after ``pip install -e .`` (from any folder)::

    python benchmarks/bench_bargaining.py [--points 1000000] [--loop-points 2000]

For each solver it times one call on ``--points`` parameter sets and two plain
Python loops over a random subset of ``--loop-points`` of them, scaled to
points per second, and prints the speed-up of the vectorised call over each:

* ratio (a), *per-point call*: the library function called once per
  parameter set, with scalar arguments -- what a user (or a sweep) that does
  not vectorise would write;
* ratio (b), *pure-Python loop*: the same computation written for one point
  in Python floats with the ``math`` module -- the closed forms, and for
  ``nash_split`` with ``d > 0`` the same joint Newton iteration -- the
  fastest an unvectorised loop can reasonably be.

Both loops are checked against the vectorised results.  Every timing is the
best of ``--repeat`` runs, and the spread column gives how much slower the
slowest of those runs of the vectorised call was than the best; the machine's
other load matters, so compare figures taken on the same machine.  numpy's
elementwise functions run on one core, so the figures are per core.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

from sim.bargaining import fearon_range, nash_split, rubinstein, unanimity_bargaining


def timings(function, repeat):
    """Wall times of ``repeat`` calls of ``function()`` and its last result."""
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return seconds, result


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


def nash_python(exponents, disagreement, weights):
    """The joint Newton iteration of :mod:`sim.bargaining.nash` for one problem, in floats.

    Same start (two secant steps), same Newton step with the Chebyshev
    correction and the same stopping rule as the vectorised solver, for
    positive weights (the benchmark's).
    """
    players = [
        (a, w, d ** (1.0 / a)) for a, d, w in zip(exponents, disagreement, weights, strict=True)
    ]
    slack = 1.0 - sum(m for _, _, m in players)

    def ratio(a, m, g):
        """``(m / x) ** a - 1`` for ``x = m + g``."""
        return math.expm1(-a * math.log1p(g / m)) if m > 0.0 else -1.0

    weight = [w * a for a, w, _ in players]
    gains = [c * slack / sum(weight) for c in weight]
    for _ in range(2):
        weight = [
            w * g * a / (-(m + g) * ratio(a, m, g))
            for (a, w, m), g in zip(players, gains, strict=True)
        ]
        gains = [c * slack / sum(weight) for c in weight]
    nu = slack / sum(weight)
    for _ in range(12):
        terms = []
        for (a, w, m), g in zip(players, gains, strict=True):
            e, x = ratio(a, m, g), m + g
            inv_slope = 1.0 / (1.0 - (1.0 - a) / a * e)
            residual = -x * e / a - w * nu
            terms.append((w * inv_slope, residual * inv_slope, 0.5 * (1.0 - a) * (1.0 + e) / x))
        q_total = sum(q for q, _, _ in terms)
        missing = slack - sum(gains)
        d_nu = (missing + sum(p for _, p, _ in terms)) / q_total
        steps = [q * d_nu - p for q, p, _ in terms]
        converged = all(
            abs(s) <= 1e-7 * g + 1e-15 * (m + g)
            for s, g, (_, _, m) in zip(steps, gains, players, strict=True)
        )
        if all(abs(s) <= 0.2 * g for s, g in zip(steps, gains, strict=True)):
            corrected = [
                p + bend * s * s * q / w
                for (q, p, bend), s, (_, w, _) in zip(terms, steps, players, strict=True)
            ]
            d_nu = (missing + sum(corrected)) / q_total
            steps = [q * d_nu - p for (q, _, _), p in zip(terms, corrected, strict=True)]
        gains = [max(g + s, 0.1 * g) for g, s in zip(gains, steps, strict=True)]
        nu += d_nu
        if converged:
            break
    return [m + g for (_, _, m), g in zip(players, gains, strict=True)]


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
            lambda i: nash_python(
                exponents[i].tolist(), disagreement[i].tolist(), weights[i].tolist()
            ),
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
        f"{'solver':<28}{'vectorised pts/s':>17}{'spread':>8}"
        f"{'(a) per-call pts/s':>20}{'ratio (a)':>10}"
        f"{'(b) pure-Python pts/s':>23}{'ratio (b)':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, vectorised, per_call, per_python, agrees in cases:
        seconds, full = timings(vectorised, args.repeat)
        rate = args.points / min(seconds)
        spread = max(seconds) / min(seconds) - 1.0
        loop_seconds, results = timings(lambda f=per_call: [f(i) for i in subset], args.repeat)
        assert all(agrees(full, i, got) for i, got in zip(subset, results, strict=True)), name
        call_rate = len(subset) / min(loop_seconds)
        python_seconds, results = timings(lambda f=per_python: [f(i) for i in subset], args.repeat)
        assert all(agrees(full, i, got) for i, got in zip(subset, results, strict=True)), name
        python_rate = len(subset) / min(python_seconds)
        print(
            f"{name:<28}{rate:>17,.0f}{spread:>8.0%}{call_rate:>20,.0f}{rate / call_rate:>10,.0f}"
            f"{python_rate:>23,.0f}{rate / python_rate:>10,.1f}"
        )
    print(
        "(a): the library function called once per point; "
        "(b): the same computation for one point in pure Python (math module).\n"
        "spread: slowest / fastest of the vectorised runs - 1."
    )


if __name__ == "__main__":
    main()
