"""Reservation values against an independent computation, and the engine's directions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.kernels.reservation import inverse_annuity, reservation


@settings(max_examples=40)
@given(
    months=st.integers(1, 30),
    rate=st.floats(0.001, 2.0),
    seed=st.integers(0, 2**31),
)
def test_backward_recursion_equals_direct_discounted_sum(months, rate, seed):
    """rbar = V / A with V and A summed directly (geometric tail in closed form)."""
    rng = np.random.default_rng(seed)
    flows = rng.normal(size=(1, 1, months + 1))
    terminal = rng.normal(size=(1, 1))
    delta = np.full((1, 1, months + 1), np.exp(-rate / 12))
    inv = inverse_annuity(delta, months + 1)
    rbar = reservation(flows, terminal, inv)
    d = delta[0, 0, 0]
    tail = 1.0 / (1.0 - d)
    v = sum(d**s * flows[0, 0, s] for s in range(months)) + d**months * tail * terminal[0, 0]
    a = sum(d**s for s in range(months)) + d**months * tail
    assert rbar[0, 0, 0] == pytest.approx(v / a, rel=1e-9, abs=1e-12)
    assert inv[0, 0, 0] == pytest.approx(1 / a, rel=1e-9)


def test_infinite_patience_values_only_the_frozen_outcome():
    flows = np.array([[[5.0, 5.0, 5.0]]])
    rbar = reservation(flows, np.array([[1.0]]), inverse_annuity(np.ones((1, 1, 3)), 3))
    assert rbar[0, 0, 0] == pytest.approx(1.0)


def test_higher_war_cost_lowers_russias_minimum_line(baseline):
    out = sim.evaluate(
        baseline,
        {
            "actors.russia.costs.casualties.utility_per_unit": [0.5e-7, 1e-7, 3e-7],
            # issue 17: Russia's hard red line would pin its minimum line; lifted here
            "settlement.red_lines.russia_constitution.limit": 1e7,
        },
    )
    lo = out["zopa_lo_km2"]
    assert lo[0] > lo[1] > lo[2]


def test_more_patience_raises_the_favoured_sides_reservation(baseline):
    # The war favours Russia in the baseline (its line grows without a deal).
    tl = sim.timeline(baseline)
    assert tl.line_km2[-1] > tl.line_km2[0]
    out = sim.evaluate(baseline, {"actors.russia.discount_rate": [0.2, 0.05, 0.01]})
    r = out["reservation_russia"]
    assert r[0] < r[1] < r[2]


def test_more_us_aid_raises_ukraines_reservation(baseline):
    out = sim.evaluate(
        baseline, {"war.capacity.ukraine.us_aid.factors.bn_per_month": [0.0, 1.0, 3.0]}
    )
    r = out["reservation_ukraine"]
    assert r[0] < r[1] < r[2]


def test_empty_zopa_names_the_crossing_pair(baseline):
    # Russia far more optimistic and patient: its minimum line passes Ukraine's maximum.
    s = baseline.with_params(
        {"actors.russia.belief_drift_bias_km2": 600.0, "actors.russia.discount_rate": 0.01}
    )
    r = sim.solve(s)
    assert not r.zopa.exists
    assert r.zopa.binding == ("russia", "ukraine")
    assert r.zopa.gap_km2 == pytest.approx(r.acceptable["russia"][0] - r.acceptable["ukraine"][1])
    assert r.zopa.gap_km2 > 0


def test_evaluate_matches_solve_one_set_at_a_time(baseline):
    rates = [0.02, 0.1, 0.3]
    out = sim.evaluate(baseline, {"actors.ukraine.discount_rate": rates})
    for i, rate in enumerate(rates):
        r = sim.solve(baseline.with_params({"actors.ukraine.discount_rate": rate}))
        assert out["zopa_exists"][i] == r.zopa.exists
        assert out["zopa_lo_km2"][i] == pytest.approx(r.zopa.lo_km2)
        assert out["zopa_hi_km2"][i] == pytest.approx(r.zopa.hi_km2)
        assert out["nash_km2"][i] == pytest.approx(r.solutions["nash"], nan_ok=True)


def test_evaluate_is_independent_of_chunking(baseline):
    rates = np.linspace(0.01, 0.3, 7)
    a = sim.evaluate(baseline, {"actors.russia.discount_rate": rates})
    b = sim.evaluate(baseline, {"actors.russia.discount_rate": rates}, chunk_size=2)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_same_seed_same_numbers_and_paths_average(baseline):
    kw = {"actors.russia.discount_rate": [0.03, 0.1]}
    a = sim.evaluate(baseline, kw, paths=150, seed=7)
    b = sim.evaluate(baseline, kw, paths=150, seed=7, chunk_size=1)
    c = sim.evaluate(baseline, kw, paths=150, seed=8)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["reservation_russia"], c["reservation_russia"])


def test_russia_rejects_the_30_day_pause_because_ukraine_rearms(baseline):
    r = sim.solve(baseline)
    assert not r.deals["ceasefire_30_days"]["russia"].accepts
    no_rearm = baseline.with_params({"war.pause.capacity_gain_bn.ukraine": 0.0})
    assert sim.solve(no_rearm).deals["ceasefire_30_days"]["russia"].accepts


def test_unknown_parameter_path_is_a_clear_error(baseline):
    with pytest.raises(sim.errors.ParameterError, match="did you mean"):
        sim.evaluate(baseline, {"actors.russia.discount_rat": [0.1]})
