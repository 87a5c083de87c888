"""The hazard's Newton search (sim.bargaining.search.newton_on_interval, used by
sim.kernels.hazard.best_offer where the objective is concave) against closed forms, brute
force over a fine grid, scipy's bounded Brent search and the golden-section search it
replaced: never worse than any of them, and within the old search's tolerance of them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from sim.bargaining.search import maximize_on_interval, newton_on_interval
from sim.kernels import hazard as hz
from tests.forecast.test_forecast_hazard_skips import random_inputs


def quadratic(centre, curvature=1.0):
    """Slopes of ``-curvature (x - centre)^2 / 2``."""

    def slopes(x, rows):
        g = -curvature * (x - centre[rows])
        return g, g, np.full(x.shape, -curvature)

    return slopes


@settings(max_examples=60, deadline=None)
@given(
    centre=st.floats(-5.0, 5.0),
    lo=st.floats(-3.0, 2.0),
    width=st.floats(1e-3, 4.0),
    start=st.floats(0.0, 1.0),
)
def test_newton_finds_the_clipped_vertex(centre, lo, width, start):
    lo_, hi_ = np.array([lo]), np.array([lo + width])
    x, steps = newton_on_interval(quadratic(np.array([centre])), lo_, hi_, lo_ + start * width)
    assert x[0] == pytest.approx(np.clip(centre, lo, lo + width), abs=1e-12 * width + 1e-15)
    assert steps[0] <= 4  # a quadratic: one Newton step, or an end tried once


def test_newton_kinks_ends_and_plateaus():
    """A kink is a maximiser (exactly when a step lands on it); a plateau of maxima gives
    its left end (ties go left)."""

    def slopes(x, rows):
        # row 0: -|x - 0.3| (kink); row 1: flat on [0.2, 0.6], else -(dist)^2/2
        left = np.where(x > 0.3, -1.0, 1.0)
        right = np.where(x >= 0.3, -1.0, 1.0)
        flat = np.where(x < 0.2, 0.2 - x, np.where(x > 0.6, 0.6 - x, 0.0))
        curv = np.where((x < 0.2) | (x > 0.6), -1.0, 0.0)
        pick = rows == 0
        return (np.where(pick, left, flat), np.where(pick, right, flat), np.where(pick, 0.0, curv))

    x, _ = newton_on_interval(slopes, np.zeros(2), np.ones(2), np.array([0.9, 0.9]))
    assert x[0] == pytest.approx(0.3, abs=1e-11)  # bisection: no curvature to use
    assert x[1] == pytest.approx(0.2, abs=1e-11)
    x, steps = newton_on_interval(slopes, np.zeros(2), np.ones(2), np.array([0.3, 0.4]))
    assert x[0] == 0.3 and steps[0] == 1  # started on the kink: exactly, at once
    assert x[1] == pytest.approx(0.2, abs=1e-11)


def objective_of(inp, j):
    """The hazard's objective for proposer ``j`` written with every side, and the rows it
    searches with their intervals."""
    responders = inp.veto.copy()
    responders[:, j] = False
    a, b, _, _, dead = hz._interval(inp, responders, j, inp.veto[:, j])
    cons = hz.constraints(inp, responders)
    gain = hz._Gain.of(inp, j, inp.veto[:, j])

    def f(x):
        return hz.log_acceptance_of(x, cons) + gain.log(x)

    skip = hz.negligible(inp, [j])[:, 0]
    # The objective is concave where the proposer's gain u_j - rbar_j is >= 0 on the whole
    # interval (in the model its own bounds are where the gain is 0); these random inputs
    # need not be consistent, so the rows where the gain is floored at 0 are left out.
    gains = np.broadcast_to(gain.log(np.stack([a, b])), (2, a.size))
    concave = ~inp.veto[:, j] | np.all(gains > np.log(2e-9), axis=0)
    return f, a, b, np.flatnonzero(~dead & ~skip & concave)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy probing lines where f = -inf
@pytest.mark.parametrize("curvature", [1.0, 1.5, 2.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_offer_beats_brute_force_scipy_and_golden(seed, curvature):
    inp = random_inputs(300, seed, curvature)
    checked = 0
    for j in range(4):
        f, a, b, rows = objective_of(inp, j)
        x, _ = hz.best_offer(inp, j)
        value = f(x[None, :])[0]
        finite = rows[np.isfinite(value[rows])]
        # brute force: 20,001 lines of the interval
        grid = a + (b - a) * np.linspace(0.0, 1.0, 20_001)[:, None]
        best_grid = np.max(f(grid), axis=0)
        # the golden-section search it replaced (RTOL), and its candidates
        gold = maximize_on_interval(f, a, b, unimodal=True, grid=hz.GRID, rtol=hz.RTOL)
        value_gold = f(gold[None, :])[0]
        for r in finite[::2]:
            scale = 1e-12 * (1.0 + abs(value[r]))
            assert value[r] >= best_grid[r] - scale
            assert value[r] >= value_gold[r] - scale
            # scipy: bounded Brent on the same objective, row by row
            res = minimize_scalar(
                lambda v, r=r, f=f: -f(np.full((1, inp.lo.shape[0]), v))[0, r],
                bounds=(a[r], b[r]),
                method="bounded",
                options={"xatol": 1e-10 * max(b[r] - a[r], 1.0)},
            )
            assert value[r] >= -res.fun - max(scale, 1e-9 * abs(res.fun))
            # strictly concave (a veto proposer's gain with c > 1): one maximiser; the
            # broker's objective can be flat (P == 1 in double precision over a range)
            if curvature > 1.0 and inp.veto[r, j] and np.isfinite(res.fun):
                assert abs(x[r] - res.x) <= hz.RTOL / 2 * (b[r] - a[r]) + 1e-6
            checked += 1
    assert checked > 30


def test_newton_is_more_exact_than_the_golden_search():
    """On strictly concave rows the Newton offer's objective is never below the golden
    search's, and the offers agree within the golden search's tolerance."""
    inp = random_inputs(800, 5, 2.0)
    better = checked = 0
    for j in range(4):
        f, a, b, rows = objective_of(inp, j)
        x, _ = hz.best_offer(inp, j)
        gold = maximize_on_interval(f, a, b, unimodal=True, grid=hz.GRID, rtol=hz.RTOL)
        vx, vg = f(x[None, :])[0, rows], f(gold[None, :])[0, rows]
        ok = np.isfinite(vx)
        assert np.all(vx[ok] >= vg[ok] - 1e-12 * (1.0 + np.abs(vg[ok])))
        better += int(np.sum(vx[ok] > vg[ok]))
        # a unique maximiser (the broker's P can be flat), which the golden search found
        # (it can miss a range of lines beyond a side known exactly: -inf)
        one = ok & inp.veto[rows, j] & np.isfinite(vg)
        span = (b - a)[rows][one]
        off = np.abs(x[rows][one] - gold[rows][one]) / np.maximum(span, 1e-300)
        # the golden search ends within RTOL / 2 of the interval in exact arithmetic; where
        # the objective is flat to rounding its comparisons can err further
        if one.any():
            assert np.median(off) <= hz.RTOL / 2
            assert np.all(off <= hz.RTOL)
            checked += one.sum()
    assert better > 50 and checked > 150
