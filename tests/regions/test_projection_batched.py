"""The projection of the zone over regional lines, batched over parameter sets (issue 18,
item 3: :mod:`sim.kernels.projection`, :func:`sim.regions.batched_ranges`,
``evaluate(..., regions=True, projection=True)``): set by set equal to scipy's
:func:`sim.regions.ranges` (what ``solve`` reports) on baseline draws and on drawn
problems, to brute force on a grid in two regions, NaN where the zone is empty, exact
where it has no interior (the scipy fallback), independent of the batch a set is in."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.engine import Paths, compute, game_effects, reservations
from sim.errors import ParameterError
from sim.kernels.projection import EMPTY, SOLVED, THIN, projection
from sim.model.batch import build_batch, game_configs
from sim.model.scenario import load_scenario
from sim.regions import (
    RegionalProblem,
    RegionalValues,
    _one_problem,
    batched_problem,
    batched_ranges,
    fronts_at,
    neutral_path,
    outcome_names,
    ranges,
    solve_regions,
)
from sim.results import describe_regional, is_projection, is_regional
from sim.sweep import open_results

#: The accuracy asked of the batched projection against scipy (km2).
TOL = 1e-3

#: Parameter sets that move the war path, the fronts and the values per region
#: (Ukraine's Donetsk curvature 2 in the baseline: the programmes are nonlinear).
SETS = {
    "war.drift_scale_km2": np.array([6000.0, 3600.0, 9000.0, 7200.0, 4500.0]),
    "regions.front.donetsk.allocation": np.array([0.7767, 0.9, 0.4, 0.7767, 0.6]),
    "regions.values.ukraine.donetsk.weight": np.array([1.5, 1.0, 3.0, 2.0, 0.7]),
    "regions.values.russia.zaporizhzhia.weight": np.array([1.2, 2.0, 0.8, 1.2, 2.5]),
    "regions.values.ukraine.donetsk.curvature": np.array([2.0, 1.0, 1.5, 3.0, 2.0]),
}


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


def _problems(scenario, params, month):
    batch = build_batch(scenario, params, with_deals=False)
    effects = game_effects(game_configs(scenario, params), scenario.name)
    comp = reservations(batch, effects, Paths(), neutral=False)
    line, drift, season = neutral_path(comp, month)
    status_quo = fronts_at(scenario, line, drift, season, month, params)
    return batched_problem(scenario, comp, month, status_quo, line[:, month], params)


def _assert_same(got, want, what):
    """Equal to ``TOL`` km2, NaN exactly where the other is NaN."""
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=what)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL, equal_nan=True, err_msg=what)


# -- against scipy, set by set -----------------------------------------------------------


@pytest.mark.parametrize("month", [2, 14])
def test_batched_ranges_equal_scipy_set_by_set_on_baseline_draws(baseline, month):
    problem = _problems(baseline, SETS, month)
    lo, hi = batched_ranges(problem)
    assert np.isfinite(lo).any()  # some sets have a zone: the comparison is not NaN == NaN
    for b in range(lo.shape[0]):
        exists, want_lo, want_hi = ranges(_one_problem(problem, b))
        _assert_same(lo[b], want_lo, f"set {b} lo")
        _assert_same(hi[b], want_hi, f"set {b} hi")
        assert exists == bool(np.isfinite(lo[b]).all())


def test_evaluate_equals_solve_set_by_set(baseline):
    """``evaluate(..., projection=True)`` reports ``solve``'s ``zopa.regions.<r>.lo_km2 /
    hi_km2`` for each set (solve rebuilds the problem of one set on its own)."""
    month, n = 2, 3
    params = {k: v[:n] for k, v in SETS.items()}
    got = sim.evaluate(baseline, params, month=month, forecast=False, regions=True, projection=True)
    for i in range(n):
        one = baseline.with_params({k: float(v[i]) for k, v in params.items()})
        zone = solve_regions(one, compute(one, month=month), month).to_zopa_dict()
        for key, want in zone.items():
            for side in ("lo", "hi"):
                value = want[f"{side}_km2"]
                value = np.nan if value is None else value
                _assert_same(got[f"region_{key}_{side}_km2"][i], value, f"{i} {key} {side}")


def _regional_problem(ideal, weight, curvature, area, outside, radius, floor, cap):
    """A one-set :class:`RegionalProblem` whose radii are ``radius`` (line weight 1,
    curvature 1, span 1: ``R = 1 - need``), every actor a veto player."""
    m, k = ideal.shape
    values = RegionalValues(
        regions=tuple(str(r) for r in range(k)),
        labels={},
        area=area,
        ideal=ideal,
        weight=weight,
        curvature=curvature,
        outside=outside,
    )
    return RegionalProblem(
        values=values,
        line_weight=np.ones(m),
        line_curvature=np.ones(m),
        span=1.0,
        need=1.0 - radius,
        power=np.ones(m),
        veto=np.ones(m, dtype=bool),
        floor=floor,
        cap=cap,
    )


@st.composite
def drawn_problems(draw):
    """A problem of 1-3 actors over 2-5 regions: ideals at an end of a region or inside
    it (the kinks), weights, curvatures in [1, 3], red lines, and radii around each
    actor's distance at a random line (some zones empty)."""
    k = draw(st.integers(2, 5))
    m = draw(st.integers(1, 3))
    floats = st.floats(0.0, 1.0)
    area = np.array([draw(st.floats(500.0, 30_000.0)) for _ in range(k)])
    where = np.array(
        [[draw(st.sampled_from([0.0, 1.0, -1.0])) for _ in range(k)] for _ in range(m)]
    )
    inside = np.array([[draw(floats) for _ in range(k)] for _ in range(m)])
    ideal = np.where(where >= 0, where, inside) * area
    weight = np.array([[draw(st.floats(0.2, 3.0)) for _ in range(k)] for _ in range(m)])
    curvature = np.array(
        [
            [draw(st.sampled_from([1.0, 1.0, 2.0, draw(st.floats(1.0, 3.0))])) for _ in range(k)]
            for _ in range(m)
        ]
    )
    floor = np.array([draw(st.floats(0.0, 0.4)) for _ in range(k)]) * area
    cap = np.array([draw(st.floats(0.6, 1.0)) for _ in range(k)]) * area
    if draw(st.booleans()):
        cap[0] = floor[0]  # a fixed region
    at = floor + np.array([draw(floats) for _ in range(k)]) * (cap - floor)
    outside = np.array([draw(st.sampled_from([0.0, 1000.0])) for _ in range(m)])
    terms = weight * area * (np.abs(at - ideal) / area) ** curvature
    radius = (outside + terms.sum(-1)) * np.array([draw(st.floats(0.7, 1.6)) for _ in range(m)])
    return ideal, weight, curvature, area, outside, radius, floor, cap


@settings(max_examples=40, deadline=None)
@given(case=drawn_problems())
def test_kernel_equals_scipy_on_drawn_problems(case):
    """Where both solve, the ranges agree to ``TOL``; an empty zone is empty to both.
    SLSQP sometimes ends outside a zone that has an interior (``ranges`` then reports no
    zone: the kernel's phase one found a strictly feasible point): there the kernel's
    ranges are checked to hold every feasible point of 20,000 drawn in the box."""
    ideal, weight, curvature, area, outside, radius, floor, cap = case
    lo, hi, status = projection(
        ideal[None],
        weight[None],
        curvature[None],
        area,
        outside[None],
        radius[None],
        np.ones((1, ideal.shape[0]), dtype=bool),
        floor[None],
        cap[None],
    )
    exists, want_lo, want_hi = ranges(
        _regional_problem(ideal, weight, curvature, area, outside, radius, floor, cap)
    )
    if status[0] == SOLVED and exists:
        _assert_same(lo[0], want_lo, "lo")
        _assert_same(hi[0], want_hi, "hi")
    elif status[0] == SOLVED:
        assert np.all(lo[0] <= hi[0] + 1e-9)
        rng = np.random.default_rng(0)
        lines = floor + rng.uniform(size=(20_000, area.size)) * (cap - floor)
        dist = outside + (weight * area * (np.abs(lines[:, None] - ideal) / area) ** curvature).sum(
            -1
        )
        inside = lines[np.all(dist <= radius, axis=-1)]
        assert np.all(inside >= lo[0] - TOL) and np.all(inside <= hi[0] + TOL)
    elif status[0] == EMPTY:
        assert not exists
        assert np.isnan(lo).all() and np.isnan(hi).all()
    else:  # THIN / UNCONVERGED: no answer from the kernel (batched_ranges asks scipy)
        assert np.isnan(lo[0]).all()


# -- against brute force -----------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(
    ideal_us=st.tuples(st.floats(0.1, 0.9), st.floats(0.1, 0.9)),
    weight=st.tuples(st.floats(0.5, 2.0), st.floats(0.5, 2.0)),
    curvature=st.sampled_from([1.0, 2.0, 1.5]),
    slack=st.tuples(st.floats(1.05, 1.5), st.floats(1.05, 1.5), st.floats(1.05, 1.5)),
)
def test_two_regions_against_a_grid(ideal_us, weight, curvature, slack):
    """Three actors over two regions (one with its ideals at 0, one at the areas, one
    inside: the kinks), each region's range against every point of a 1001 x 1001 grid."""
    area = np.array([20_000.0, 12_000.0])
    ideal = np.array(
        [[0.0, 0.0], [area[0], area[1]], [ideal_us[0] * area[0], ideal_us[1] * area[1]]]
    )
    omega = np.array([[weight[0], 1.0], [1.0, weight[1]], [1.0, 1.0]])
    kappa = np.array([[curvature, 1.0], [1.0, 1.0], [1.0, 1.0]])
    centre = area / 2.0
    terms = omega * area * (np.abs(centre - ideal) / area) ** kappa
    radius = terms.sum(-1) * np.array(slack) + 500.0  # the centre strictly inside
    lo, hi, status = projection(
        ideal[None],
        omega[None],
        kappa[None],
        area,
        np.zeros((1, 3)),
        radius[None],
        np.ones((1, 3), dtype=bool),
        np.zeros((1, 2)),
        area[None],
    )
    assert status[0] == SOLVED
    x, y = np.meshgrid(np.linspace(0, area[0], 1001), np.linspace(0, area[1], 1001), indexing="ij")
    grid = np.stack([x.ravel(), y.ravel()], axis=-1)
    dist = (omega * area * (np.abs(grid[:, None, :] - ideal) / area) ** kappa).sum(-1)
    ok = np.all(dist <= radius, axis=-1)
    step = area / 1000
    for r in range(2):
        # the grid's range lies inside the exact one, within a step of its ends
        assert lo[0, r] <= grid[ok, r].min() + TOL
        assert hi[0, r] >= grid[ok, r].max() - TOL
        assert grid[ok, r].min() - lo[0, r] <= 2 * step[r] * max(1.0, curvature)
        assert hi[0, r] - grid[ok, r].max() <= 2 * step[r] * max(1.0, curvature)


# -- empty and degenerate zones ------------------------------------------------------------


def _two_regions(radius, floor, cap):
    area = np.array([10_000.0, 10_000.0])
    ideal = np.array([[0.0, 0.0], [area[0], area[1]]])
    ones = np.ones((2, 2))
    return (
        ideal[None],
        ones[None],
        ones[None],
        area,
        np.zeros((1, 2)),
        np.array([radius]),
        np.ones((1, 2), dtype=bool),
        np.array([floor]),
        np.array([cap]),
    )


def test_an_empty_zone_is_nan():
    """Ukraine accepts at most 6,000 km2 in all, Russia at least 15,000: no line."""
    lo, hi, status = projection(*_two_regions([6000.0, 5000.0], [0.0, 0.0], [1e4, 1e4]))
    assert status[0] == EMPTY
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_red_lines_that_cross_are_an_empty_zone():
    lo, _, status = projection(*_two_regions([2e4, 2e4], [6000.0, 0.0], [5000.0, 1e4]))
    assert status[0] == EMPTY and np.isnan(lo).all()


def test_a_zone_without_interior_is_solved_by_the_fallback():
    """``l_1 + l_2 <= 8,000`` and ``>= 8,000`` (Russia's radius 12,000 of 20,000): the
    zone is a segment, with no interior.  The kernel says so (THIN); ``batched_ranges``
    gives scipy's exact ranges, [0, 8,000] in each region."""
    args = _two_regions([8000.0, 12_000.0], [0.0, 0.0], [1e4, 1e4])
    lo, _, status = projection(*args)
    assert status[0] == THIN and np.isnan(lo).all()
    problem = _batched_from(args)
    lo, hi = batched_ranges(problem)
    np.testing.assert_allclose(lo[0], [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(hi[0], [8000.0, 8000.0], atol=1e-6)


def test_a_single_point_zone_is_that_point():
    """The red lines' box ``[4,000, 10,000]^2`` meets ``l_1 + l_2 <= 8,000`` in one
    point."""
    args = _two_regions([8000.0, 2e4], [4000.0, 4000.0], [1e4, 1e4])
    _, _, status = projection(*args)
    assert status[0] == THIN
    lo, hi = batched_ranges(_batched_from(args))
    np.testing.assert_allclose(lo[0], [4000.0, 4000.0], atol=1e-6)
    np.testing.assert_allclose(hi[0], [4000.0, 4000.0], atol=1e-6)


def _batched_from(args):
    """A :class:`sim.regions.BatchedProblem` of one set with the kernel's arguments."""
    from sim.regions import BatchedProblem

    ideal, weight, curvature, area, outside, radius, _, floor, cap = args
    m = ideal.shape[1]
    return BatchedProblem(
        ideal=ideal,
        weight=weight,
        curvature=curvature,
        area=area,
        outside=outside,
        line_weight=np.ones((1, m)),
        line_curvature=np.ones((1, m)),
        span=np.ones((1, 1)),
        need=1.0 - radius,
        veto=np.ones((1, m), dtype=bool),
        status_quo=floor,
        bounds=(floor, cap, np.full(floor.shape, -1), np.full(floor.shape, -1)),
    )


def test_a_veto_player_that_accepts_no_line_empties_the_zone(baseline):
    problem = _problems(baseline, {k: v[:2] for k, v in SETS.items()}, 2)
    need = problem.need.copy()
    need[0, 1] = 10.0  # Russia: no line is worth its reservation value
    from dataclasses import replace

    lo, hi = batched_ranges(replace(problem, need=need))
    assert np.isnan(lo[0]).all() and np.isnan(hi[0]).all()
    assert np.isfinite(lo[1]).all()


# -- the batch -----------------------------------------------------------------------------


def test_a_sets_result_does_not_depend_on_its_batch(baseline):
    """The same sets, solved in random splits and orders, give the same ranges (each row is
    solved on its own; only the actors' columns are the batch's, to the solver's
    tolerance)."""
    rng = np.random.default_rng(5)
    n = 12
    params = {
        "war.drift_scale_km2": rng.uniform(3000.0, 9000.0, n),
        "regions.values.ukraine.donetsk.weight": rng.uniform(0.5, 3.0, n),
        "regions.values.ukraine.donetsk.curvature": rng.uniform(1.0, 2.5, n),
    }
    problem = _problems(baseline, params, 2)
    lo, hi = batched_ranges(problem)
    fields = (
        "ideal",
        "weight",
        "curvature",
        "outside",
        "line_weight",
        "line_curvature",
        "span",
        "need",
        "veto",
        "status_quo",
    )
    from dataclasses import replace

    for _ in range(3):
        order = rng.permutation(n)
        for part in np.array_split(order, rng.integers(2, 5)):
            sub = replace(
                problem,
                **{f: getattr(problem, f)[part] for f in fields},
                bounds=tuple(b[part] for b in problem.bounds),
            )
            got_lo, got_hi = batched_ranges(sub)
            np.testing.assert_allclose(got_lo, lo[part], atol=1e-6, rtol=0, equal_nan=True)
            np.testing.assert_allclose(got_hi, hi[part], atol=1e-6, rtol=0, equal_nan=True)


# -- evaluate, the names, sweeps -----------------------------------------------------------


def test_projection_off_changes_nothing(baseline):
    params = {k: v[:2] for k, v in SETS.items()}
    off = sim.evaluate(baseline, params, month=2, forecast=False, regions=True)
    on = sim.evaluate(baseline, params, month=2, forecast=False, regions=True, projection=True)
    added = set(outcome_names(baseline, projection=True)) - set(outcome_names(baseline))
    assert set(on) - set(off) == added
    assert added == {
        f"region_{r}_{side}_km2" for r in baseline.model.territory.regions for side in ("lo", "hi")
    }
    for k, v in off.items():
        np.testing.assert_array_equal(on[k], v, err_msg=k)


def test_projection_without_regions_is_refused(baseline):
    with pytest.raises(ParameterError, match="projection"):
        sim.evaluate(baseline, {}, forecast=False, projection=True)


def test_the_names_are_described():
    for name in ("region_donetsk_lo_km2", "region_sumy_hi_km2"):
        assert is_regional(name) and is_projection(name)
        region, side = name.split("_")[1:3]
        text = describe_regional(name)
        assert f"in {region} over the whole zone" in text
        assert f"zopa.regions.{region}.{side}_km2" in text
    for name in ("region_donetsk_section_lo_km2", "region_donetsk_km2", "zopa_lo_km2"):
        assert not is_projection(name)
    assert "no-deal line" in describe_regional("region_donetsk_section_lo_km2")


def test_cli_sweep_regions_projection(tmp_path):
    out = tmp_path / "p.nc"
    args = [
        "sweep",
        "baseline",
        "-p",
        "regions.values.ukraine.donetsk.weight=0.5,2",
        "--month",
        "2",
        "--no-forecast",
        "--regions",
        "--projection",
        "--out",
        str(out),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = open_results(out)
    assert "region_donetsk_hi_km2" in data.data_vars
    assert "--projection" in data.attrs["command"]
    assert np.isfinite(data["region_donetsk_hi_km2"].values).any()


def test_cli_projection_needs_regions(tmp_path):
    args = [
        "sweep",
        "baseline",
        "-p",
        "regions.values.ukraine.donetsk.weight=0.5,2",
        "--no-forecast",
        "--projection",
        "--out",
        str(tmp_path / "x.nc"),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "--projection needs --regions" in result.output


def test_sensitivity_of_a_projection_outcome(baseline):
    """Asked about a region's range over the zone, ``sensitivity`` evaluates with the
    projection on (the outcome exists only then), and Ukraine's weight on Donetsk moves
    how much of Donetsk the zone can give Russia."""
    from sim.sweep import sensitivity

    found = sensitivity(
        baseline,
        [
            "regions.values.ukraine.donetsk.weight=uniform(0.5,3)",
            "war.drift_scale_km2=uniform(4000,8000)",
        ],
        8,
        outcomes=("region_donetsk_hi_km2",),
        month=2,
        progress=False,
        num_resamples=20,
    )
    idx = found.indices["region_donetsk_hi_km2"]
    assert np.all(np.isfinite(idx.ST))
    assert idx.ST[0] > 0.1
