"""The front per region (issue 18): the locked fronts reproduce the total line, a region
nobody moves stands still, the caps hold, the fit against an independent solver."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import lsq_linear

from sim.engine import compute
from sim.errors import ParameterError
from sim.kernels.regions import (
    RegionalFront,
    fit_regions,
    locked,
    regional_drift,
    regional_paths,
    stalemate_share,
    walk_regions,
)
from sim.model.scenario import load_scenario


@pytest.fixture(scope="module")
def history():
    """The history scenario's neutral war path (drift, season, line), three parameter sets."""
    scenario = load_scenario("history")
    comp = compute(
        scenario,
        {"war.drift_scale_km2": np.array([3000.0, 6100.0, 9000.0])},
        with_deals=False,
    )
    path = comp.path
    drift = path.drift  # (B, 1, T)
    season = np.moveaxis(comp.batch.war.season, 0, -1)  # (B, T)
    return drift, season, comp.line, comp.batch.war.line0


def test_locked_fronts_reproduce_the_total_line(history):
    drift, season, line, line0 = history
    weights = np.array([[3.0, 1.0, 0.5, 2.0]] * 3)
    w = weights / weights.sum(1, keepdims=True)
    front = locked(weights, w * line0[:, None], np.full_like(weights, 1e6))
    paths = regional_paths(front, drift, season)  # (B, 1, R, T)
    np.testing.assert_allclose(paths[:, 0].sum(axis=1), line, rtol=1e-12)
    # each region keeps its weight's share of the total
    np.testing.assert_allclose(
        paths[:, 0] / line[:, None, :], w[:, :, None] * np.ones_like(paths[:, 0])
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-2000, 2000), min_size=3, max_size=12),
    st.floats(0.0, 3.0),
    st.floats(-500.0, 500.0),
)
def test_a_region_nobody_moves_stands_still_and_caps_hold(drifts, alpha, offset):
    drift = np.array(drifts)[None, None, :]  # (1, 1, T)
    season = np.ones((1, drift.shape[-1]))
    front = RegionalFront(
        allocation=np.array([[alpha, 0.0]]),
        offset_km2=np.array([[offset, 0.0]]),
        area_km2=np.array([[5000.0, 7000.0]]),
        line0_km2=np.array([[2500.0, 1234.0]]),
    )
    paths = regional_paths(front, drift, season)[0, 0]
    assert np.all(paths[1] == 1234.0)  # allocation and offset 0: never moves
    assert np.all((paths[0] >= 0.0) & (paths[0] <= 5000.0))


def test_the_walk_clips_and_holds_by_hand():
    drift = np.array([100.0, -300.0, 50.0, 50.0])[None, None, None, :]
    out = walk_regions(np.array([[150.0]]), drift, np.array([[200.0]]))[0, 0, 0]
    # 150 -> min(250, 200) = 200 -> max(-100, 0) = 0 -> 50 (the last month's drift unused)
    assert out.tolist() == [150.0, 200.0, 0.0, 50.0]
    held = walk_regions(np.array([[150.0]]), drift, np.array([[200.0]]), hold=lambda t: t == 1)
    assert held[0, 0, 0].tolist() == [150.0, 200.0, 200.0, 200.0]


def test_the_regional_stalemate_point():
    # D = k (s - s*) season; alpha D + c season = alpha k (s - s*_r) season
    k, s_star, alpha, c = 6000.0, 0.66, 0.4, -120.0
    s = np.linspace(0.5, 0.8, 7)
    season = np.linspace(0.5, 1.3, 7)
    drift = (k * (s - s_star) * season)[None, None, :]
    front = RegionalFront(
        np.array([[alpha]]), np.array([[c]]), np.array([[1e6]]), np.array([[0.0]])
    )
    star = stalemate_share(front, np.array([k]), np.array([s_star]))[0, 0]
    assert star == pytest.approx(s_star - c / (alpha * k))
    got = regional_drift(front, drift, season[None, :])[0, 0, 0]
    np.testing.assert_allclose(got, alpha * k * (s - star) * season)
    none = RegionalFront(np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros((1, 1)))
    assert np.isnan(stalemate_share(none, np.array([k]), np.array([s_star]))[0, 0])


def test_seeded_noise_reproduces_and_averages_to_the_mean_path():
    rng = np.random.default_rng(7)
    eps = rng.standard_normal((4000, 2, 10))
    drift = np.full((1, 4000, 10), 30.0)
    front = RegionalFront(
        np.array([[0.5, 0.5]]),
        np.zeros((1, 2)),
        np.full((1, 2), 1e6),
        np.full((1, 2), 1e4),
        noise_sd_km2=np.array([[20.0, 0.0]]),
    )
    a = regional_paths(front, drift, np.ones((1, 10)), eps)
    b = regional_paths(
        front, drift, np.ones((1, 10)), np.random.default_rng(7).standard_normal((4000, 2, 10))
    )
    np.testing.assert_array_equal(a, b)
    mean = regional_paths(front, drift[:, :1], np.ones((1, 10)))[0, 0]
    assert np.all(a[0, :, 1] == mean[1])  # no noise in the second region
    assert np.abs(a[0, :, 0].mean(0) - mean[0]).max() < 4 * 20 * 3 / np.sqrt(4000)


def test_bad_fronts():
    with pytest.raises(ParameterError):
        RegionalFront(-np.ones((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ParameterError):
        RegionalFront(np.ones((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(ParameterError):
        locked(np.zeros((1, 2)), np.zeros((1, 2)), np.ones((1, 2)))
    with pytest.raises(ParameterError):
        fit_regions(np.ones(4), np.ones(4), np.zeros((1, 4)), [2], penalty=-1.0)


# -- the fit -------------------------------------------------------------------------


def _series(alpha, offset, drift, season, line0):
    cum_d = np.concatenate([[0.0], np.cumsum(drift[:-1])])
    cum_s = np.concatenate([[0.0], np.cumsum(season[:-1])])
    return line0 + alpha * cum_d + offset * cum_s


def test_the_fit_recovers_known_parameters():
    rng = np.random.default_rng(3)
    drift = 300.0 + 200.0 * rng.standard_normal(14)
    season = rng.uniform(0.5, 1.3, 14)
    truth = [(0.7, -20.0), (0.05, 3.0), (0.0, 0.0)]
    observed = np.array([_series(a, c, drift, season, 1000.0) for a, c in truth])
    fit = fit_regions(drift, season, observed, [8, 13])
    np.testing.assert_allclose(fit.allocation, [[a for a, _ in truth]] * 2, atol=1e-9)
    np.testing.assert_allclose(fit.offset_km2, [[c for _, c in truth]] * 2, atol=1e-7)
    np.testing.assert_allclose(fit.loss, 0.0, atol=1e-12)
    assert fit.months.tolist() == [[8] * 3, [13] * 3]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 50.0), st.integers(3, 12))
def test_the_fit_matches_a_bounded_least_squares_solver(seed, penalty, origin):
    """The closed form against scipy's bounded least squares (the prior as an extra row)."""
    rng = np.random.default_rng(seed)
    months = 14
    drift = 300.0 + 300.0 * rng.standard_normal(months)
    season = rng.uniform(0.5, 1.3, months)
    observed = 1000.0 + 50.0 * np.cumsum(rng.standard_normal((2, months)), axis=1)
    observed[1, 2] = np.nan  # a missing month is left out
    fit = fit_regions(drift, season, observed, [origin], penalty=penalty)
    cum_d = np.concatenate([[0.0], np.cumsum(drift[:-1])])
    cum_s = np.concatenate([[0.0], np.cumsum(season[:-1])])
    for r in range(2):
        t = np.arange(1, origin + 1)
        t = t[np.isfinite(observed[r, t])]
        a = np.column_stack([cum_d[t], cum_s[t]])
        b = observed[r, t] - observed[r, 0]
        a = np.vstack([a, [0.0, np.sqrt(penalty)]])
        b = np.append(b, 0.0)
        ref = lsq_linear(a, b, bounds=([0.0, -np.inf], [np.inf, np.inf]), tol=1e-12).x
        got = np.array([fit.allocation[0, r], fit.offset_km2[0, r]])
        # the closed form is at least as good as the solver's optimum, and feasible
        assert got[0] >= 0.0
        mine, theirs = ((a @ got - b) ** 2).sum(), ((a @ ref - b) ** 2).sum()
        assert mine <= theirs * (1 + 1e-9) + 1e-6


def test_the_fit_reads_nothing_after_the_origin():
    rng = np.random.default_rng(5)
    drift = 300.0 + 100.0 * rng.standard_normal(12)
    season = np.ones(12)
    observed = 500.0 + np.cumsum(rng.uniform(0, 100, (3, 12)), axis=1)
    a = fit_regions(drift, season, observed, [6], penalty=4.0)
    observed[:, 7:] += 1e5
    drift2 = drift.copy()
    drift2[6:] = -1e4
    b = fit_regions(drift2, season, observed, [6], penalty=4.0)
    np.testing.assert_array_equal(a.allocation, b.allocation)
    np.testing.assert_array_equal(a.offset_km2, b.offset_km2)


# -- the fronts in the scenario -------------------------------------------------------


def test_the_baselines_fronts_are_the_fit():
    from sim.backtest.front import regional_fit_all

    scenario = load_scenario("baseline")
    fit = regional_fit_all("history")
    for region in scenario.model.regions.front:
        alloc, offset = fit[region]
        assert scenario.get(f"regions.front.{region}.allocation") == pytest.approx(alloc, abs=5e-5)
        assert scenario.get(f"regions.front.{region}.offset_km2") == pytest.approx(offset, abs=0.05)


def test_the_timeline_moves_each_region_on_its_own_front():
    import sim

    tl = sim.timeline("baseline")
    regions = tl.regions_km2
    total = sum(regions.values())
    assert np.all(regions["crimea"] == regions["crimea"][0])  # allocation and offset 0
    # the fronts were fitted against the total's drift: the sum stays near the total line
    assert np.max(np.abs(total - tl.line_km2)) < 0.01 * tl.line_km2[0]
    scenario = load_scenario("baseline")
    for r in regions:
        area = scenario.get(f"territory.regions.{r}.area_km2")
        assert np.all((regions[r] >= 0) & (regions[r] <= area))
    # Zaporizhzhia's front moves by its offset alone (allocation 0), whatever the war does
    zap = np.diff(regions["zaporizhzhia"])
    season = sim.engine.build_batch(scenario).war.season[:-1, 0]
    np.testing.assert_allclose(zap, 26.0 * season)
