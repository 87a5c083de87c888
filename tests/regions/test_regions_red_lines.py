"""The red lines with a line per region (issues 17 and 18): Russia's constitution claims
four oblasts (and Crimea), so no regional line returns land it holds there; the bounds of
the feasible set against brute force on a grid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.engine import compute
from sim.errors import ScenarioError
from sim.model.scenario import load_scenario
from sim.regions import anchored_problem, ranges, red_line_bounds, solve_regions, zone

HERE = Path(__file__).resolve().parent
CLAIMED = ("crimea", "luhansk", "donetsk", "zaporizhzhia", "kherson")


def _helpers():
    import sys

    sys.path.insert(0, str(HERE))
    import test_regions_zone as z

    return z


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario("baseline")
    return scenario, compute(scenario)


def test_no_regional_line_returns_land_held_in_the_claimed_oblasts(baseline):
    scenario, comp = baseline
    month = 0
    result = solve_regions(scenario, comp, month)
    regions = list(result.regions)
    now = result.status_quo_km2
    assert result.zone.exists
    for r in CLAIMED:
        i = regions.index(r)
        assert result.zone.lo[i] >= now[i] - 1e-6
        for name, line in result.zone.solutions.items():
            assert line[i] >= now[i] - 1e-6, (name, r)
    # elsewhere (Kharkiv, Sumy, Dnipropetrovsk) the zone may return land, as the 28-point
    # plan does
    others = [i for i, r in enumerate(regions) if r not in CLAIMED]
    assert any(result.zone.lo[i] < now[i] - 1.0 for i in others)


def test_without_the_regional_form_the_zone_returns_land_in_donetsk(baseline):
    """The counterfactual: the same problem without the bounds reaches below the line held
    in a claimed oblast -- the red line is what keeps it out (a test that can fail)."""
    scenario, comp = baseline
    bounded, now = anchored_problem(scenario, comp, 0)  # the red lines' bounds applied
    free = zone(replace(bounded, floor=None, cap=None))
    i = list(bounded.values.regions).index("donetsk")
    assert bounded.floor[i] == now[i] == red_line_bounds(scenario, now, bounded.veto)[0][i]
    assert free.lo[i] < now[i] - 1000.0
    assert ranges(bounded)[1][i] >= now[i] - 1e-6


@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_the_bounded_projection_against_brute_force(kappa):
    z = _helpers()
    problem = z._problem(kappa)
    floor = np.array([30.0, 10.0])
    cap = np.array([np.inf, 50.0])
    bounded = replace(problem, floor=floor, cap=cap)
    exists, lo, hi = ranges(bounded)
    pts = z._grid()
    ok = z._feasible(problem, pts) & np.all(pts >= floor - 1e-9, axis=1) & (pts[:, 1] <= 50.0)
    assert exists and ok.any()
    step = (z.AREA / 400).max()
    np.testing.assert_allclose(lo, pts[ok].min(0), atol=3 * step)
    np.testing.assert_allclose(hi, pts[ok].max(0), atol=3 * step)
    assert np.all(lo >= floor - 1e-9) and hi[1] <= 50.0 + 1e-9


def test_a_red_lines_regions_must_exist(baseline, tmp_path):
    scenario, _ = baseline
    text = scenario.path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('"zaporizhzhia", "kherson"]', '"zaporizhia", "kherson"]', 1))
    with pytest.raises(ScenarioError, match=r"settlement\.red_lines\.russia_constitution\.regions"):
        sim.load_scenario(str(bad))
