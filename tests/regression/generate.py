"""Generate the regression fixture of the engine redesign (issue 14).

Run once on the code *before* the redesign; the files it writes are the
reference that ``test_regression.py`` holds the redesigned engine to:

    python tests/regression/generate.py

Inputs: for each built-in scenario (baseline, fearon, history_2024) a Latin
hypercube (scipy's ``qmc.LatinHypercube``, seeded) over every parameter with an
uncertainty range in the file; ``sim.evaluate`` on those sets at two months,
deterministic and Monte Carlo; ``sim.solve`` and ``sim.timeline`` of the file's
values and of a few sets of the hypercube.  Outputs are flattened to
``{key: array}`` and saved with ``numpy.savez_compressed`` (no pickles).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.stats import qmc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _flatten import flatten  # noqa: E402

import sim  # noqa: E402

#: (scenario, sets in the hypercube, months at which evaluate reads the ZOPA)
CASES = {
    "baseline": (1500, (0, 12)),
    "fearon": (1500, (0,)),
    "history_2024": (1500, (0, 12)),
}
SEED = 20261201
#: The scenario files as they were when the fixture was written, frozen here: the
#: built-in models may change (new mechanisms, new sources), and every mechanism added
#: since must leave these numbers unchanged when the file does not switch it on.
SCENARIOS = HERE / "scenarios"
MC_SETS, MC_PATHS = 40, 30
SOLVE_SETS = 12


def design(scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """A seeded Latin hypercube over the scenario's ranged parameters."""
    ranged = {}
    for path in scenario.parameter_paths():
        r = scenario.uncertainty_range(path)
        if r is not None and r[1] > r[0]:
            ranged[path] = r
    paths = sorted(ranged)
    unit = qmc.LatinHypercube(d=len(paths), seed=seed).random(n)
    lo = np.array([ranged[p][0] for p in paths])
    hi = np.array([ranged[p][1] for p in paths])
    x = lo + unit * (hi - lo)
    return {p: x[:, j] for j, p in enumerate(paths)}


def generate(name: str) -> dict[str, np.ndarray]:
    n, months = CASES[name]
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    params = design(scenario, n, SEED)
    out: dict[str, np.ndarray] = {}
    for p, v in params.items():
        out[f"params/{p}"] = v
    for month in months:
        res = sim.evaluate(scenario, params, month=month)
        out.update(flatten(res, f"evaluate/m{month}"))
    small = {p: v[:MC_SETS] for p, v in params.items()}
    res = sim.evaluate(scenario, small, month=0, paths=MC_PATHS, seed=7)
    out.update(flatten(res, "evaluate_mc/m0"))
    out.update(flatten(sim.solve(scenario), "solve/default/m0"))
    if scenario.horizon >= 6:
        out.update(flatten(sim.solve(scenario, 6), "solve/default/m6"))
    out.update(flatten(sim.solve(scenario, paths=MC_PATHS, seed=3), "solve/default_mc/m0"))
    for k in range(SOLVE_SETS):
        variant = scenario.with_params({p: float(v[k]) for p, v in params.items()})
        out.update(flatten(sim.solve(variant), f"solve/set{k}/m0"))
    out.update(flatten(sim.timeline(scenario), "timeline/default"))
    variant = scenario.with_params({p: float(v[0]) for p, v in params.items()})
    out.update(flatten(sim.timeline(variant), "timeline/set0"))
    return out


def main() -> None:
    for name in CASES:
        out = generate(name)
        np.savez_compressed(HERE / f"fixture_{name}.npz", **out)
        print(f"{name}: {len(out)} arrays")


if __name__ == "__main__":
    main()
