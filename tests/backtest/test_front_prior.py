"""The front's fit with a prior on the drift scale (session 5): the objective by hand, the
grid's mode against a general optimiser, and the least-squares fit kept as an option."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from typer.testing import CliRunner

from sim.backtest.front import (
    SCALE_BOX,
    SCALE_PRIOR,
    SHARE_BOX,
    _observed_on,
    fit,
    fit_losses,
    fit_objective,
    front_backtest,
    model_paths,
    read_observed,
)
from sim.cli import app
from sim.model.scenario import load_scenario


def test_the_prior_is_the_box_as_two_sd_in_log_scale():
    mu, tau = SCALE_PRIOR
    assert np.exp(mu - 2 * tau) == pytest.approx(SCALE_BOX[0])
    assert np.exp(mu + 2 * tau) == pytest.approx(SCALE_BOX[1])


def test_the_objective_by_hand():
    rng = np.random.default_rng(5)
    observed = np.concatenate([[np.nan], 100 + rng.normal(0, 10, 9)])
    observed[4] = np.nan  # a month not observed
    paths = 100 + rng.normal(0, 10, (3, 10))
    scales = np.array([800.0, 3000.0, 12000.0])
    origin = 7
    obs = observed[1:8]
    ok = np.isfinite(obs)
    ssr = ((paths[:, 1:8][:, ok] - obs[ok]) ** 2).sum(axis=1)
    n = ok.sum()
    mu, tau = SCALE_PRIOR
    want = n / 2 * np.log(ssr / n) + (np.log(scales) - mu) ** 2 / (2 * tau**2)
    np.testing.assert_allclose(fit_objective(paths, scales, observed, origin), want, rtol=1e-12)
    np.testing.assert_array_equal(
        fit_objective(paths, scales, observed, origin, prior=False),
        fit_losses(paths, observed, origin),
    )


def test_the_grid_finds_the_mode_a_general_optimiser_finds():
    # Nelder-Mead on the continuous objective (the engine run one point at a time), from
    # several starts in the box: the grid's fit is within the fine grid's resolution of the
    # best point found, and its objective no worse than that point's by more than the
    # objective's change over one fine step.
    s = load_scenario("history_2024")
    obs = _observed_on(s, read_observed())
    origin = s.month_index("2025-03")
    got = fit(s, obs, [origin])

    def objective(z):
        k, share = z
        if not (SCALE_BOX[0] <= k <= SCALE_BOX[1] and SHARE_BOX[0] <= share <= SHARE_BOX[1]):
            return np.inf
        path = model_paths(s, np.array([k]), np.array([share]))
        return float(fit_objective(path, np.array([k]), obs, origin)[0])

    best = min(
        (
            minimize(objective, x0, method="Nelder-Mead", options={"xatol": 1.0, "fatol": 1e-6})
            for x0 in ((1500.0, 0.6), (4000.0, 0.65), (9000.0, 0.7))
        ),
        key=lambda r: r.fun,
    )
    grid = objective((got.scale[0], got.share[0]))
    assert grid <= best.fun + 0.05
    assert got.scale[0] == pytest.approx(best.x[0], rel=0.05)
    assert got.share[0] == pytest.approx(best.x[1], abs=0.005)


def test_least_squares_is_kept_as_an_option(tmp_path):
    flat = front_backtest("history_2024", origins=("2025-03",), horizon=2, prior=False)
    mode = front_backtest("history_2024", origins=("2025-03",), horizon=2)
    assert flat.loss.startswith("least squares") and mode.loss.startswith("posterior mode")
    # the prior pulls the scale toward the box's geometric middle
    mid = np.exp(SCALE_PRIOR[0])
    assert abs(np.log(mode.drift_scale_km2[0] / mid)) <= abs(np.log(flat.drift_scale_km2[0] / mid))
    out = CliRunner().invoke(app, ["backtest", "--front", "--least-squares"])
    assert out.exit_code == 0, out.output
    assert "least squares on the observed monthly total line" in out.output
