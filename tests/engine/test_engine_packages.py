"""The feasible set over a grid of packages (sim.packages) against sim.solve, package by package."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.errors import ParameterError
from sim.packages import MAX_PACKAGES, packages


@pytest.fixture(scope="module")
def grid(baseline):
    return packages(baseline, 3)


def test_grid_is_every_combination_in_c_order(baseline, grid):
    k = len(baseline.dimensions)
    assert grid.dimensions == tuple(baseline.dimensions)
    assert grid.settings.shape == (3**k, k)
    assert len({tuple(row) for row in grid.settings}) == 3**k
    np.testing.assert_array_equal(grid.settings[0], np.zeros(k))
    np.testing.assert_array_equal(grid.settings[1], [0.0] * (k - 1) + [0.5])
    np.testing.assert_array_equal(grid.settings[-1], np.ones(k))


def test_each_package_matches_solve(baseline, grid):
    # sim.solve on the scenario with the package's settings, one package at a time.
    rng = np.random.default_rng(7)
    feasible = np.flatnonzero(grid.feasible)
    closed = np.flatnonzero(~grid.feasible)
    assert feasible.size and closed.size  # the baseline grid has both kinds
    for i in [*rng.choice(feasible, 4, replace=False), *rng.choice(closed, 4, replace=False)]:
        settings = dict(zip(grid.dimensions, grid.settings[i], strict=True))
        r = sim.solve(
            baseline.with_params({f"dimensions.{d}.setting": v for d, v in settings.items()})
        )
        assert r.zopa.exists == grid.feasible[i], settings
        assert r.zopa.lo_km2 == pytest.approx(grid.outcomes["zopa_lo_km2"][i], rel=1e-9)
        assert r.zopa.hi_km2 == pytest.approx(grid.outcomes["zopa_hi_km2"][i], rel=1e-9)
        assert set(r.zopa.binding) == set(grid.binding(i)), settings
        if r.zopa.exists:
            assert r.solutions["nash"] == pytest.approx(grid.outcomes["nash_km2"][i], rel=1e-6)


def test_share_by_level_is_the_mean_over_the_packages_at_that_level(grid):
    shares = grid.share_feasible_by_level()
    for j, d in enumerate(grid.dimensions):
        for v, share in zip(grid.levels[d], shares[d], strict=True):
            at = [
                bool(f) for f, row in zip(grid.feasible, grid.settings, strict=True) if row[j] == v
            ]
            assert share == pytest.approx(sum(at) / len(at))


def test_dataset_has_one_axis_per_term(grid):
    ds = grid.to_dataset()
    assert ds["zopa_exists"].shape == (3,) * len(grid.dimensions)
    first = {d: 0 for d in grid.dimensions}
    assert bool(ds["zopa_exists"].isel(first)) == bool(grid.feasible[0])


def test_named_levels_keep_the_other_terms_at_their_setting(baseline):
    p = packages(baseline, {"guarantees": [0.0, 1.0]}, dimensions=["guarantees", "nato"])
    assert p.dimensions == ("guarantees", "nato")
    assert p.levels["nato"].tolist() == [baseline.get("dimensions.nato.setting")]
    # In the baseline, Ukraine accepts more of a line the stronger its guarantees:
    assert p.outcomes["zopa_hi_km2"][1] >= p.outcomes["zopa_hi_km2"][0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dimensions": ["natoo"]}, "unknown dimension 'natoo'"),
        ({"levels": 0}, "positive whole number, got 0"),
        ({"levels": {"nato": [0.0, 1.5]}}, r"levels.nato: settings must lie in \[0, 1\]"),
        ({"levels": {"nope": [0.0]}}, "levels: unknown dimension 'nope'"),
        ({"levels": 20}, f"more than {MAX_PACKAGES:,}"),
    ],
)
def test_bad_grids_are_refused_with_the_field(baseline, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        packages(baseline, **kwargs)


def test_cli_packages_text_and_json():
    runner = CliRunner()
    text = runner.invoke(app, ["packages", "-d", "nato", "-d", "guarantees", "--levels", "3"])
    assert text.exit_code == 0, text.output
    assert "3 x 3 = 9 packages" in text.stdout
    assert "A ceasefire line exists for" in text.stdout
    payload = json.loads(
        runner.invoke(app, ["packages", "-d", "guarantees", "--levels", "2", "--json"]).stdout
    )
    assert [p["settings"]["guarantees"] for p in payload["packages"]] == [0.0, 1.0]
    assert {"exists", "lo_km2", "hi_km2", "gap_km2", "binding"} <= set(
        payload["packages"][0]["zopa"]
    )
    bad = runner.invoke(app, ["packages", "-d", "natoo"])
    assert bad.exit_code == 2
    assert bad.output.count("\n") == 1 and "natoo" in bad.output
