"""Learning while fighting (:mod:`sim.kernels.learning`): the conjugate normal update
against the closed form computed here from Bayes' rule on a grid, and its shrinkage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels.learning import belief_path, fit_noise, posterior, prior_weight, read_series

ROOT = Path(__file__).resolve().parents[2]


def grid_posterior(m0, tau, ys, sigma):
    """Bayes' rule on a fine grid of drifts: prior density times the likelihood."""
    d = np.linspace(m0 - 10 * tau, m0 + 10 * tau, 400_001)
    log = -0.5 * ((d - m0) / tau) ** 2 - 0.5 * (((ys[:, None] - d) / sigma) ** 2).sum(axis=0)
    p = np.exp(log - log.max())
    p /= p.sum()
    mean = (p * d).sum()
    return mean, np.sqrt((p * (d - mean) ** 2).sum())


@pytest.mark.parametrize("n", [1, 3, 12])
def test_posterior_matches_bayes_rule_on_a_grid(n):
    rng = np.random.default_rng(n)
    ys = 300 + 165 * rng.standard_normal(n)
    mean, sd = posterior(150.0, 115.0, ys.sum(), n, 165.0)
    ref_mean, ref_sd = grid_posterior(150.0, 115.0, ys, 165.0)
    assert mean == pytest.approx(ref_mean, rel=1e-6)
    assert sd == pytest.approx(ref_sd, rel=1e-5)


def test_precisions_add_and_the_mean_is_precision_weighted():
    mean, sd = posterior(100.0, 50.0, 4 * 300.0, 4, 200.0)
    precision = 1 / 50.0**2 + 4 / 200.0**2
    assert sd == pytest.approx(precision**-0.5)
    assert mean == pytest.approx((100 / 50.0**2 + 1200 / 200.0**2) / precision)


def test_no_learning_limits():
    assert prior_weight(0.0, 165.0, 24) == 1.0  # a dogmatic prior never moves
    assert prior_weight(100.0, 0.0, 1) == 0.0  # one noiseless month reveals the drift
    assert prior_weight(100.0, 165.0, 0) == 1.0


@settings(max_examples=50, deadline=None)
@given(
    m0=st.floats(-500, 500),
    tau=st.floats(1.0, 400.0),
    d=st.floats(-500, 500),
    sigma=st.floats(10.0, 500.0),
)
def test_more_months_of_fighting_beliefs_closer(m0, tau, d, sigma):
    path = belief_path(np.array([m0]), np.array([tau]), np.array([d]), np.array([sigma]), 36)
    gap = np.abs(path.mean[0] - d)
    assert np.all(np.diff(gap) <= 1e-9 * (1 + abs(m0 - d)))
    assert np.all(np.diff(path.sd[0]) < 0)
    assert path.sd[0, 0] == pytest.approx(tau)
    assert path.mean[0, 0] == pytest.approx(m0)


def test_belief_path_is_the_expected_posterior_mean():
    # Average the posterior mean over simulated observation paths at the true drift.
    rng = np.random.default_rng(1)
    ys = 200.0 + 165.0 * rng.standard_normal((20_000, 12))
    means, _ = posterior(0.0, 115.0, ys.sum(axis=1), 12, 165.0)
    path = belief_path(0.0, 115.0, 200.0, 165.0, 13)
    assert means.mean() == pytest.approx(path.mean[0, 12], abs=1.0)


def test_noise_fit_on_the_front_series():
    dates, values = read_series(ROOT / "models/data/occupied_area_monthly.csv")
    fit = fit_noise(dates, values)
    # Independently: numpy's polyfit of the rates on their index.
    days = np.diff([d.toordinal() for d in dates])
    rate = np.diff(values) * (365.25 / 12) / days
    coef = np.polyfit(np.arange(rate.size), rate, 1)
    resid = rate - np.polyval(coef, np.arange(rate.size))
    assert fit.sd_km2 == pytest.approx(np.sqrt((resid**2).sum() / (rate.size - 2)))
    assert fit.observations == rate.size
    assert "OLS" in fit.method


def test_noise_fit_rejects_bad_series():
    with pytest.raises(ValueError, match="increase"):
        fit_noise([dt.date(2024, m, 1) for m in (1, 3, 2, 4)], [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match=">= 4"):
        fit_noise([dt.date(2024, 1, 1)], [1.0])


def test_the_baseline_noise_is_the_fit_and_the_prior_spread_its_ranges():
    from sim.model.scenario import load_scenario

    s = load_scenario("baseline")
    fit = fit_noise(*read_series(ROOT / "models/data/occupied_area_monthly.csv"))
    assert s.get("uncertainty.drift_noise_sd_km2") == pytest.approx(fit.sd_km2, abs=0.05)
    spreads = [
        (hi - lo) / np.sqrt(12)
        for lo, hi in (
            s.uncertainty_range(f"actors.{a}.belief_drift_bias_km2") for a in ("russia", "ukraine")
        )
    ]
    assert s.get("uncertainty.prior_drift_sd_km2") == pytest.approx(np.mean(spreads), abs=0.05)
    assert s.uncertainty_range("uncertainty.prior_drift_sd_km2") == pytest.approx(
        (min(spreads), max(spreads)), abs=0.05
    )
