"""Generate the fixture of ``test_forecast_hazard_speed5.py`` (the hazard's speed work of
session 5, issue 16).

Run once, on the code at commit dcd8830 (before that work), from the repository root::

    mkdir -p /tmp/old5 && git archive dcd8830 sim models | tar -x -C /tmp/old5
    PYTHONPATH=/tmp/old5:$PWD python tests/forecast/hazard5/make_fixture.py OUT_DIR

Inputs: the hazard's own inputs (:class:`sim.kernels.hazard.HazardInputs`) as
``sim.evaluate(..., forecast=True)`` builds them on the built-in baseline for the
``near`` and ``wide`` designs of ``benchmarks/bench_engine.py`` (``SETS`` sets each),
every regime world and month block, captured at :func:`sim.kernels.hazard.hazard` and
``ROWS`` rows drawn from them (seeded); and a ``mixed`` variant of the wide rows that
reaches the branches the baseline does not: a convex utility (curvature 0.6) for the
US on a third of the rows (the grid and golden-section search), the US and Europe
without a veto on another third (two honest brokers), a utility of curvature 1.5 for
Russia on the last third (the Newton search's general gain), China recognised.  Outputs:
:func:`~sim.kernels.hazard.hazard`'s ``h`` and ``line`` on each, and
:func:`~sim.kernels.hazard.hazard_blocked`'s on the first design's rows as
``(sets, months)``; saved with ``numpy.savez_compressed`` (no pickles).
"""

from __future__ import annotations

import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_engine import designs  # noqa: E402

import sim  # noqa: E402
import sim.kernels.hazard as hz  # noqa: E402

SETS, ROWS, SEED = 120, 600, 5
#: sets of the blocked case (the first sets of the near design, its first regime world)
BLOCKED_SETS = 16


def capture(design) -> list:
    """Every ``HazardInputs`` that ``evaluate`` hands to ``hazard`` for ``design``."""
    seen = []
    original = hz.hazard

    def spy(inp):
        seen.append(inp)
        return original(inp)

    hz.hazard = spy
    try:
        sim.evaluate("baseline", design, forecast=True)
    finally:
        hz.hazard = original
    return seen


def stack(inps) -> hz.HazardInputs:
    return hz.HazardInputs(
        *(np.concatenate([getattr(c, f.name) for c in inps]) for f in fields(hz.HazardInputs))
    )


def mixed(inp: hz.HazardInputs, rng) -> hz.HazardInputs:
    n = inp.lo.shape[0]
    third = rng.integers(0, 3, n)
    curvature = inp.curvature.copy()
    curvature[third == 0, 0] = 0.6
    curvature[third == 2, 1] = 1.5
    veto = inp.veto.copy()
    veto[third == 1, 0] = False
    veto[third == 1, 3] = False
    recognition = inp.recognition.copy()
    recognition[:, 4] = 0.05
    return replace(inp, curvature=curvature, veto=veto, recognition=recognition)


def main(out: Path) -> None:
    rng = np.random.default_rng(SEED)
    scenario = sim.load_scenario("baseline")
    data = {}
    cases = {}
    for name, design in designs(scenario, SETS).items():
        every = stack(capture(design))
        rows = np.sort(rng.choice(every.lo.shape[0], size=ROWS, replace=False))
        cases[name] = every.take(rows)
    cases["mixed"] = mixed(cases["wide"], rng)
    for name, inp in cases.items():
        for f in fields(inp):
            data[f"{name}/in/{f.name}"] = getattr(inp, f.name)
        h, line = hz.hazard(inp)
        data[f"{name}/h"], data[f"{name}/line"] = h, line
    # hazard_blocked on whole sets: the first run (regime world) of a small near design
    near = {k: v[:BLOCKED_SETS] for k, v in designs(scenario, SETS)["near"].items()}
    got = []
    original = hz.hazard_blocked

    def spy(inp, sets, **kw):
        got.append((inp, sets))
        return original(inp, sets, **kw)

    hz.hazard_blocked = spy
    try:
        sim.evaluate("baseline", near, forecast=True)
    finally:
        hz.hazard_blocked = original
    inp, sets = got[0]
    for f in fields(inp):
        data[f"blocked/in/{f.name}"] = getattr(inp, f.name)
    data["blocked/h"], data["blocked/line"] = hz.hazard_blocked(inp, sets)
    data["blocked/sets"] = np.array(sets)
    out.mkdir(parents=True, exist_ok=True)
    print("hazard from", hz.__file__)
    np.savez_compressed(out / "fixture.npz", **data)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
