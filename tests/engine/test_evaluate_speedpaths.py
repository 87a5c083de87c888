"""The base path's speed work leaves every number as it was (commit 64eb5cf).

The reference is ``speedpaths/fixture_*.npz``, written by ``speedpaths/make_fixture.py``
on the code at 64eb5cf (before the speed work) from frozen copies of the built-in
scenario files: every outcome of ``sim.evaluate`` on seeded Latin hypercubes of
``baseline`` and ``history`` (months 0 and 12, with and without the forecast, Monte
Carlo) and ``sim.solve`` of a few sets.  This test recomputes them with the code of
today and compares every key to 1e-12 relative (NaN where NaN, the same integers and
booleans).  Whatever the speed work reorders in the arithmetic must stay within that
tolerance; most of it is bit-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent / "speedpaths"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "regression"))

import make_fixture as generate  # noqa: E402
from _flatten import flatten  # noqa: E402

import sim  # noqa: E402

RTOL = 1e-12


def _check(fixture, key: str, value) -> None:
    want = fixture[key]
    got = np.asarray(value)
    assert got.shape == want.shape, key
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want, err_msg=key)
        return
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0.0, equal_nan=True, err_msg=key)


def _compare(fixture, prefix: str, result) -> int:
    flat = flatten(result, prefix)
    flat = {k: v for k, v in flat.items() if v.dtype.kind in "biuf"}
    want = sorted(k for k in fixture.files if k.startswith(prefix + "/"))
    assert sorted(flat) == want, prefix
    for key in want:
        _check(fixture, key, flat[key])
    return len(want)


@pytest.fixture(scope="module", params=sorted(generate.CASES))
def case(request):
    name = request.param
    with np.load(HERE / f"fixture_{name}.npz") as z:
        fixture = {k: z[k] for k in z.files}
    scenario = sim.load_scenario(HERE / f"{name}.toml")
    return name, scenario, _Fixture(fixture)


class _Fixture(dict):
    @property
    def files(self):
        return list(self)


def test_designs_are_the_fixtures(case):
    name, scenario, fixture = case
    for dname, params in generate.designs(scenario, name).items():
        sums = np.array([np.sum(v) for _, v in sorted(params.items())])
        np.testing.assert_array_equal(sums, fixture[f"check/{dname}"])


def test_evaluate_matches_64eb5cf(case):
    name, scenario, fixture = case
    _, _, months, n_forecast = generate.CASES[name]
    compared = 0
    for dname, params in generate.designs(scenario, name).items():
        for month in months:
            res = sim.evaluate(scenario, params, month=month, forecast=False)
            compared += _compare(fixture, f"evaluate/{dname}/m{month}", res)
        # several chunks: the chunking must not change a number
        res = sim.evaluate(scenario, params, forecast=False, chunk_size=97)
        for key, value in res.items():
            _check(fixture, f"evaluate/{dname}/m0/{key}", value)
        few = {p: v[:n_forecast] for p, v in params.items()}
        compared += _compare(fixture, f"forecast/{dname}/m0", sim.evaluate(scenario, few))
    assert compared >= 30


def test_monte_carlo_and_solve_match_64eb5cf(case):
    name, scenario, fixture = case
    params = generate.designs(scenario, name)["lhs"]
    small = {p: v[: generate.MC_SETS] for p, v in params.items()}
    res = sim.evaluate(scenario, small, paths=generate.MC_PATHS, seed=7, forecast=False)
    _compare(fixture, "evaluate_mc/lhs/m0", res)
    _compare(fixture, "solve/default", sim.solve(scenario))
    for k in range(generate.SOLVE_SETS):
        variant = scenario.with_params({p: float(v[k]) for p, v in params.items()})
        _compare(fixture, f"solve/set{k}", sim.solve(variant))
