"""Benchmark: a sweep of 10^5 parameter sets over a 2x2 subgame's payoffs.

Closed form (``sim.games.evaluate_subgames``, all numpy) against calling
nashpy once per parameter set (timed on a subset and extrapolated).  Goal:
>= 1e5 sets/s for the closed form.

Run (after ``pip install -e .``): ``python benchmarks/bench_games.py [--n 100000] [--subset 500]``
"""

from __future__ import annotations

import argparse
import time
import warnings

import nashpy
import numpy as np

from sim.games import SUBGAMES, evaluate_subgames
from sim.games.solve import equilibria, select


def random_params(kind: str, n: int, seed: int) -> dict[str, np.ndarray]:
    """Uniform parameter sets: shares in [0.05, 0.95], everything else in [0, 10]."""
    rng = np.random.default_rng(seed)
    return {
        p.name: rng.uniform(0.05, 0.95, n) if p.domain == "share" else rng.uniform(0.0, 10.0, n)
        for p in SUBGAMES[kind].parameters
    }


def best_of(repeats: int, func) -> float:
    """Smallest wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="parameter sets")
    parser.add_argument("--subset", type=int, default=500, help="sets timed with nashpy")
    parser.add_argument("--kind", default="secondary_sanctions", choices=sorted(SUBGAMES))
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    spec = SUBGAMES[args.kind]
    params = random_params(args.kind, args.n, args.seed)
    config = {"g": {"kind": args.kind, "selection": "payoff_dominant", "params": params}}

    closed = best_of(5, lambda: evaluate_subgames(config, dedupe=False))
    print(f"kind {args.kind}, {args.n:,} parameter sets, numpy {np.__version__}")
    print(f"closed form (evaluate_subgames): {closed:.3f} s -> {args.n / closed:,.0f} sets/s")

    # A one-parameter sweep (101 distinct games repeated): solve each distinct game once.
    sweep = dict(params)
    for name in spec.parameter_names:
        sweep[name] = np.full(args.n, float(np.median(params[name])))
    sweep[spec.parameter_names[1]] = np.repeat(np.linspace(0, 10, 101), -(-args.n // 101))[: args.n]
    sweep_config = {"g": {"kind": args.kind, "selection": "payoff_dominant", "params": sweep}}
    for dedupe in (False, True):
        t = best_of(5, lambda d=dedupe: evaluate_subgames(sweep_config, dedupe=d))
        print(f"one-parameter sweep, dedupe={dedupe!s:5}: {t:.3f} s -> {args.n / t:,.0f} sets/s")

    m = min(args.subset, args.n)
    A, B = spec.build({k: v[:m] for k, v in params.items()})

    def raw_nashpy() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for g in range(m):
                list(nashpy.Game(A[g], B[g]).support_enumeration())

    def wrapped_nashpy() -> None:
        for g in range(m):
            found = equilibria(A[g], B[g])
            select(A[g], B[g], found, "payoff_dominant")

    raw = best_of(2, raw_nashpy) / m
    wrapped = best_of(2, wrapped_nashpy) / m
    per_set_closed = closed / args.n
    print(
        f"nashpy support enumeration per set ({m} timed): {raw * 1e6:,.0f} us "
        f"-> {1 / raw:,.0f} sets/s, {raw * args.n:.1f} s extrapolated to {args.n:,}"
    )
    print(
        f"project wrapper per set (equilibria + select, nashpy {nashpy.__version__}): "
        f"{wrapped * 1e6:,.0f} us -> {1 / wrapped:,.0f} sets/s, "
        f"{wrapped * args.n:.1f} s extrapolated"
    )
    print(f"speed-up of the closed form: {raw / per_set_closed:,.0f}x over raw nashpy")
    print(f"speed-up of the closed form: {wrapped / per_set_closed:,.0f}x over the wrapper")
    goal = args.n / closed >= 1e5
    print(f"goal >= 1e5 sets/s: {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
