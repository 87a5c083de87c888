"""The zone over regional lines (issue 18): projections, sections, Nash and Kalai-Smorodinsky
against brute force on a grid and a general optimiser; the locked path reproduces the total
line's utilities and ZOPA."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import differential_evolution

from sim.engine import compute
from sim.kernels.regions import section
from sim.kernels.utility import acceptable, line_part
from sim.kernels.zopa import intersect
from sim.model.scenario import load_scenario
from sim.regions import (
    RegionalProblem,
    RegionalValues,
    control_vector,
    problem_at,
    ranges,
    solve_regions,
    zone,
)

AREA = np.array([100.0, 80.0])


def _problem(kappa=1.0, need=(0.2, 0.25, 0.1), weights=None, veto=(True, True, True)):
    """Three actors on two regions: one wants nothing held, one everything, one a middle."""
    ideal = np.array([[0.0, 0.0], [100.0, 80.0], [60.0, 20.0]])
    weight = np.array([[1.0, 1.5], [2.0, 0.5], [1.0, 1.0]]) if weights is None else weights
    curvature = np.ones((3, 2))
    curvature[0, 0] = kappa
    values = RegionalValues(
        ("a", "b"), {"a": "A", "b": "B"}, AREA, ideal, weight, curvature, np.zeros(3)
    )
    return RegionalProblem(
        values=values,
        line_weight=np.array([0.5, 0.6, 0.3]),
        line_curvature=np.array([1.0, 1.0, 2.0]),
        span=200.0,
        need=np.array(need, dtype=float),
        power=np.array([1.0, 1.0, 1.0]),
        veto=np.array(veto),
    )


def _grid(n=401):
    a, b = np.meshgrid(np.linspace(0, AREA[0], n), np.linspace(0, AREA[1], n), indexing="ij")
    return np.stack([a.ravel(), b.ravel()], axis=-1)


def _feasible(problem, pts):
    s = problem.surplus(pts)
    return np.all((s >= -1e-12) | ~problem.veto, axis=-1)


@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_the_projection_against_brute_force(kappa):
    problem = _problem(kappa)
    exists, lo, hi = ranges(problem)
    pts = _grid()
    ok = _feasible(problem, pts)
    assert exists and ok.any()
    # exact (LP / convex programme) vs the grid: at least as wide, by less than a few steps
    step = (AREA / 400).max()
    assert np.all(lo <= pts[ok].min(0) + 1e-6) and np.all(hi >= pts[ok].max(0) - 1e-6)
    np.testing.assert_allclose(lo, pts[ok].min(0), atol=3 * step)
    np.testing.assert_allclose(hi, pts[ok].max(0), atol=3 * step)
    # the extreme points found lie in the set (within the solver's tolerance)
    for x in (lo, hi):
        assert np.all((x >= -1e-9) & (x <= AREA + 1e-9))


def test_an_empty_set_is_reported():
    problem = _problem(need=(0.45, 0.55, 0.1))
    exists, lo, hi = ranges(problem)
    assert not _feasible(problem, _grid()).any()
    assert not exists and np.isnan(lo).all() and np.isnan(hi).all()
    z = zone(problem)
    assert not z.exists and z.solutions == {}


def _nash_value(problem, pts):
    s = problem.surplus(pts)
    who = problem.binding()
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.sum(problem.power[who] * np.log(np.where(s[..., who] > 0, s[..., who], np.nan)), -1)
    return np.where(np.isfinite(v), v, -np.inf)


@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_nash_against_a_grid_and_a_general_optimiser(kappa):
    problem = _problem(kappa)
    z = zone(problem)
    got = _nash_value(problem, z.solutions["nash"])
    pts = _grid()
    grid_best = _nash_value(problem, pts).max()
    assert got >= grid_best - 1e-9
    res = differential_evolution(
        lambda x: -_nash_value(problem, x) if np.isfinite(_nash_value(problem, x)) else 1e6,
        bounds=list(zip(np.zeros(2), AREA, strict=True)),
        seed=1,
        tol=1e-12,
        maxiter=2000,
        polish=True,
    )
    assert got >= -res.fun - 1e-7
    np.testing.assert_allclose(z.solutions["nash"], res.x, atol=0.5)


@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_kalai_smorodinsky_against_a_grid(kappa):
    problem = _problem(kappa)
    z = zone(problem)
    pts = _grid()
    ok = _feasible(problem, pts)
    who = problem.binding()
    surplus = problem.surplus(pts)[:, who] / problem.line_weight[who]
    best = np.where(ok[:, None], surplus, -np.inf).max(0)
    ratio = np.where(ok, (surplus / best).min(-1), -np.inf)
    mine = problem.surplus(z.solutions["kalai_smorodinsky"])[who] / problem.line_weight[who]
    assert (mine / best).min() >= ratio.max() - 1e-3


@settings(max_examples=30, deadline=None)
@given(
    st.floats(0.0, 100.0),
    st.floats(0.0, 80.0),
    st.floats(0.0, 0.4),
    st.floats(0.0, 0.4),
    st.sampled_from([1.0, 2.0]),
)
def test_the_section_against_a_line_search(a, b, need0, need1, kappa):
    problem = _problem(kappa, need=(need0, need1, 0.05))
    lines = np.array([a, b])
    mask = problem.veto & np.isfinite(problem.radius)
    if not np.all(np.isfinite(problem.radius[mask])):
        return
    lo, hi = section(lines, problem.values, problem.radius, mask)
    for r in range(2):
        axis = np.linspace(0.0, AREA[r], 4001)
        pts = np.repeat(lines[None, :], axis.size, axis=0)
        pts[:, r] = axis
        ok = _feasible(problem, pts)
        if not ok.any():
            assert np.isnan(lo[r]) or hi[r] - lo[r] < AREA[r] / 2000
            continue
        assert lo[r] == pytest.approx(axis[ok].min(), abs=AREA[r] / 2000)
        assert hi[r] == pytest.approx(axis[ok].max(), abs=AREA[r] / 2000)


# -- the regression: the locked path reproduces the total line ----------------------------


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario("baseline")
    return scenario, compute(scenario)


def _equal_weights(problem: RegionalProblem) -> RegionalProblem:
    v = problem.values
    equal = RegionalValues(
        v.regions,
        v.labels,
        v.area,
        v.ideal,
        np.ones_like(v.weight),
        np.ones_like(v.curvature),
        v.outside,
    )
    return RegionalProblem(
        equal,
        problem.line_weight,
        problem.line_curvature,
        problem.span,
        problem.need,
        problem.power,
        problem.veto,
    )


def test_equal_weights_on_the_locked_path_reproduce_the_total_line(baseline):
    scenario, comp = baseline
    problem = _equal_weights(problem_at(scenario, comp, 0))
    total = problem.values.area.sum()
    prefs = comp.batch.prefs.month(0)
    # The ordered reference path is monotone in every region up to "all of Donbas"; beyond
    # it the buffer regions' shares fall again (the four-oblast line names none of them),
    # so there |sum_r d_r| < sum_r |d_r| and the regional utility can only be lower.
    donbas = scenario.reference_line_km2("all_donbas")
    for line in np.linspace(0.0, total, 57):
        regional = problem.utility(control_vector(scenario, line))
        scalar = line_part(prefs, np.array(line))[0, :, 0]
        if line <= donbas:
            np.testing.assert_allclose(regional, scalar, rtol=1e-12, atol=1e-12)
        assert np.all(regional <= scalar + 1e-12)


def test_equal_weights_on_the_locked_path_accept_exactly_the_scalar_zopa(baseline):
    scenario, comp = baseline
    problem = _equal_weights(problem_at(scenario, comp, 0))
    # The regional problem is the utilities' zone: the red lines' bounds on the total
    # line (issue 17) are not part of it, so it is compared with the scalar zone of the
    # utilities alone.
    b = comp.batch
    z = intersect(*acceptable(b.prefs, comp.rbar, comp.rest), comp.veto)
    lo, hi = z.lo[0, 0], z.hi[0, 0]
    assert z.exists[0, 0]
    for line in np.linspace(lo - 5000.0, hi + 5000.0, 41):
        ok = bool(_feasible(problem, control_vector(scenario, line)))
        inside = lo + 1e-6 <= line <= hi - 1e-6
        outside = line < lo - 1e-6 or line > hi + 1e-6
        assert ok if inside else (not ok if outside else True)


def test_a_region_nobody_values_is_left_wherever_it_is(baseline):
    scenario, comp = baseline
    problem = problem_at(scenario, comp, 0)
    v = problem.values
    weight = v.weight.copy()
    weight[:, -1] = 0.0  # nobody values the last region
    none = RegionalProblem(
        RegionalValues(v.regions, v.labels, v.area, v.ideal, weight, v.curvature, v.outside),
        problem.line_weight,
        problem.line_curvature,
        problem.span,
        problem.need,
        problem.power,
        problem.veto,
    )
    x = control_vector(scenario, comp.line[0, 0])
    moved = x.copy()
    moved[-1] = 0.0
    np.testing.assert_allclose(none.utility(x), none.utility(moved), rtol=0, atol=1e-15)


def test_solve_regions_on_the_baseline(baseline):
    scenario, comp = baseline
    result = solve_regions(scenario, comp, 0)
    z = result.zone
    assert z.exists
    assert np.all(z.lo <= result.status_quo_km2 + 1e-6) or np.any(z.lo > 0)
    for name in ("nash", "kalai_smorodinsky"):
        x = z.solutions[name]
        assert np.all((x >= z.lo - 1e-6) & (x <= z.hi + 1e-6))
    keys = set(result.lines)
    assert {"freeze_everywhere", "four_oblasts", "alaska_terms", "plan_28_points"} <= keys
    plan = result.lines["plan_28_points"]
    donetsk = result.regions.index("donetsk")
    assert plan.km2[donetsk] == pytest.approx(result.area_km2[donetsk])
    assert plan.km2[result.regions.index("sumy")] == 0.0
    zap = result.regions.index("zaporizhzhia")
    assert plan.km2[zap] == pytest.approx(result.status_quo_km2[zap])
    assert "Per region" in result.table()[0]


def test_the_anchored_utility_equals_the_scalar_one_at_the_no_deal_line(baseline):
    """solve's regional utilities are shifted to the scalar scale at the no-deal line: the
    'freeze everywhere' line (the no-deal line in every region) has the scalar margins."""
    scenario, comp = baseline
    result = solve_regions(scenario, comp, 0)
    prefs = comp.batch.prefs.month(0)
    line = comp.line[0, 0]
    rest = comp.rest[0, :, 0]
    scalar = line_part(prefs, np.array(line))[0, :, 0] + rest - comp.rbar[0, :, 0]
    freeze = result.lines["freeze_everywhere"]
    np.testing.assert_allclose(
        [freeze.margin[a] for a in scenario.actors], scalar, rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("kappa", [1.0, 2.0])
def test_the_pareto_frontier_against_a_grid(kappa):
    """No grid point of the feasible set dominates a frontier point (beyond the grid's
    resolution), and the frontier's points are feasible."""
    from sim.regions import pareto_frontier

    problem = _problem(kappa)
    surplus, lines = pareto_frontier(problem, (0, 1), points=7)
    assert np.all(np.diff(surplus[:, 1]) >= -1e-9)  # the second's surplus rises ...
    assert np.all(np.diff(surplus[:, 0]) <= 1e-6)  # ... and the first's falls
    pts = _grid()
    ok = _feasible(problem, pts)
    grid = problem.surplus(pts[ok])[:, :2]
    for s, x in zip(surplus, lines, strict=True):
        assert np.all(problem.surplus(x)[problem.veto] >= -1e-6)
        better = (grid[:, 0] > s[0] + 1e-3) & (grid[:, 1] > s[1] + 1e-3)
        assert not better.any()
    # the two ends: the first actor's best over F, and the second's
    assert surplus[0, 0] >= grid[:, 0].max() - 1e-6
    assert surplus[-1, 1] >= grid[:, 1].max() - 1e-6
