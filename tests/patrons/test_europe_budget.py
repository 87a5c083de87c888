"""Europe's budget (sim.kernels.patrons.budget_allocation, europe_budget): the fiscal
limit binds where it should, the allocation is the constrained optimum (KKT and scipy),
and hedging toward China is leverage, not abandonment, unless the parameters say so."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from sim.engine import game_effects, patron_effects
from sim.kernels.patrons import budget_allocation
from sim.model.batch import build_batch
from sim.model.scenario import load_scenario

_level = st.floats(0.0, 20.0)
_weight = st.floats(0.1, 5.0)


@settings(max_examples=200)
@given(st.lists(_level, min_size=3, max_size=3), st.lists(_weight, min_size=3, max_size=3), _level)
def test_the_budget_binds_where_it_should(targets, weights, budget):
    T, w = np.array(targets), np.array(weights)
    x = budget_allocation(T, w, budget)
    assert np.all(x >= 0) and np.all(x <= T + 1e-12)
    if T.sum() <= budget:  # the targets fit: no cut
        np.testing.assert_allclose(x, T, atol=1e-12)
    else:  # it binds: all of it is spent, and the cuts equalise the marginal losses
        assert x.sum() == pytest.approx(budget, abs=1e-9)
        marginal = w * (T - x)
        spent = x > 1e-9
        if spent.any():
            level = marginal[spent].max()
            np.testing.assert_allclose(marginal[spent], level, rtol=1e-7, atol=1e-9)
            assert np.all(marginal[~spent] <= level + 1e-9)


@settings(max_examples=100)
@given(
    st.lists(_level, min_size=3, max_size=3),
    st.lists(_weight, min_size=3, max_size=3),
    _level,
    st.floats(0.0, 10.0),
)
def test_more_budget_never_cuts_a_use(targets, weights, budget, extra):
    T, w = np.array(targets), np.array(weights)
    less, more = budget_allocation(T, w, budget), budget_allocation(T, w, budget + extra)
    assert np.all(more >= less - 1e-9)


def test_against_scipy():
    rng = np.random.default_rng(4)
    for _ in range(20):
        T, w, E = rng.uniform(0, 10, 3), rng.uniform(0.2, 3, 3), rng.uniform(0, 20)
        res = minimize(
            lambda x, T=T, w=w: np.sum(w * (x - T) ** 2),
            np.zeros(3),
            bounds=[(0, None)] * 3,
            constraints=[{"type": "ineq", "fun": lambda x, E=E: E - x.sum()}],
            method="SLSQP",
            options={"ftol": 1e-12},
        )
        np.testing.assert_allclose(budget_allocation(T, w, E), res.x, atol=1e-5)


def test_batched_over_sets_and_months():
    rng = np.random.default_rng(6)
    T, w, E = (
        rng.uniform(0, 10, (3, 7, 5)),
        rng.uniform(0.2, 3, (3, 7, 5)),
        rng.uniform(0, 20, (7, 5)),
    )
    x = budget_allocation(T, w, E)
    for b in range(7):
        for t in range(5):
            np.testing.assert_allclose(
                x[:, b, t], budget_allocation(T[:, b, t], w[:, b, t], E[b, t])
            )


def _budget(overrides):
    scenario = load_scenario("baseline")
    batch = build_batch(scenario, overrides)
    return patron_effects(batch, game_effects(batch.games))


def test_hedging_is_leverage_not_abandonment():
    """Europe hedges (its hedge gain 20 instead of 12): its aid stays; PURL halves and, the US
    pulling back, stops. With hedge_aid_cut = 1 hedging is abandonment again."""
    hedging = {"games.alignment_europe.params.hedge_gain": 20.0}
    fx = _budget(hedging)
    assert fx["alignment_europe"]["aligned"][0] == 0.0
    assert np.all(fx["europe_budget"]["aid_kept"] == 1.0)
    assert np.all(fx["europe_budget"]["purl_kept"] == 0.0)  # the US pulls back: no PURL
    abandon = _budget({**hedging, "patrons.europe.hedge_aid_cut": 1.0})
    assert np.all(abandon["europe_budget"]["aid_kept"] == 0.0)


def test_the_baseline_budget_fits_todays_spending():
    """The baseline's budget is today's spending: it does not bind, and the 5% target's
    rearmament (the top of its range) makes it bind and cuts aid."""
    fx = _budget({})["europe_budget"]
    assert not fx["binds"].any() and np.all(fx["aid_kept"] == 1.0)
    strained = _budget({"patrons.europe.rearm_target_bn": 10.0})["europe_budget"]
    assert strained["binds"].all() and np.all(strained["aid_kept"] < 0.2)
