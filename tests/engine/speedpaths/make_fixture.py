"""Generate the fixture of ``test_evaluate_speedpaths.py`` (the base path's speed work).

Run once, on the code at commit 64eb5cf (before the speed work of the base path),
from the repository root::

    git worktree add /tmp/old64 64eb5cf
    mkdir -p /tmp/old64/tests/engine/speedpaths
    cp tests/engine/speedpaths/* /tmp/old64/tests/engine/speedpaths/
    cd /tmp/old64 && PYTHONPATH=$PWD python tests/engine/speedpaths/make_fixture.py OUT_DIR

Inputs: frozen copies of ``models/baseline.toml`` and ``models/history.toml`` as they
were at 64eb5cf (this folder), so that later changes to the built-in models leave
the reference alone; per scenario a seeded Latin hypercube (scipy's
``qmc.LatinHypercube``) over every parameter with an uncertainty range, and the
``near`` design of ``benchmarks/bench_engine.py`` (the war sides' discount rates).
Outputs: every outcome key of ``sim.evaluate`` (months 0 and 12 for baseline,
with and without the forecast, one Monte Carlo case), and ``sim.solve`` of a few
sets, flattened to ``{key: numeric array}`` and saved with
``numpy.savez_compressed`` (no pickles).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "regression"))

from _flatten import flatten  # noqa: E402
from generate import design as lhs  # noqa: E402  (the regression fixture's hypercube)

import sim  # noqa: E402

SEED = 64
#: scenario -> (Latin-hypercube sets, near sets, months, forecast sets)
CASES = {"baseline": (400, 100, (0, 12), 120), "history": (400, 0, (0,), 120)}
MC_SETS, MC_PATHS = 12, 30
SOLVE_SETS = 3


def near(scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """The war sides' discount rates over their ranges (``bench_engine.designs``)."""
    rng = np.random.default_rng(seed)
    out = {}
    for side in scenario.model.war.sides:
        path = f"actors.{side}.discount_rate"
        lo, hi = scenario.uncertainty_range(path)
        out[path] = rng.uniform(lo, hi, n)
    return out


def designs(scenario, name: str) -> dict[str, dict[str, np.ndarray]]:
    n_lhs, n_near, _, _ = CASES[name]
    out = {"lhs": lhs(scenario, n_lhs, SEED)}
    if n_near:
        out["near"] = near(scenario, n_near, SEED)
    return out


def generate(name: str) -> dict[str, np.ndarray]:
    _, _, months, n_forecast = CASES[name]
    scenario = sim.load_scenario(HERE / f"{name}.toml")
    out: dict[str, np.ndarray] = {}
    for dname, params in designs(scenario, name).items():
        # the design is regenerated from its seed by the test: keep a checksum, not the sets
        out[f"check/{dname}"] = np.array([np.sum(v) for _, v in sorted(params.items())])
        for month in months:
            res = sim.evaluate(scenario, params, month=month, forecast=False)
            out.update(flatten(res, f"evaluate/{dname}/m{month}"))
        few = {p: v[:n_forecast] for p, v in params.items()}
        out.update(flatten(sim.evaluate(scenario, few), f"forecast/{dname}/m0"))
    params = designs(scenario, name)["lhs"]
    small = {p: v[:MC_SETS] for p, v in params.items()}
    res = sim.evaluate(scenario, small, paths=MC_PATHS, seed=7, forecast=False)
    out.update(flatten(res, "evaluate_mc/lhs/m0"))
    out.update(flatten(sim.solve(scenario), "solve/default"))
    for k in range(SOLVE_SETS):
        variant = scenario.with_params({p: float(v[k]) for p, v in params.items()})
        out.update(flatten(sim.solve(variant), f"solve/set{k}"))
    # numbers only (the words of a result are not the engine's arithmetic)
    return {k: v for k, v in out.items() if v.dtype.kind in "biuf"}


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for name in CASES:
        out = generate(name)
        np.savez_compressed(target / f"fixture_{name}.npz", **out)
        print(f"{name}: {len(out)} arrays")


if __name__ == "__main__":
    main()
