"""Durability (issue 17, item 1): a deal valued over peace and relapse."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine import compute
from sim.kernels.durability import (
    deal_hazard,
    durable_rest,
    durable_value,
    expected_duration,
    relapse_weight,
)


@settings(max_examples=15)
@given(
    u=st.floats(-1.0, 1.0),
    w=st.floats(-1.0, 1.0),
    q=st.floats(0.005, 0.3),
    rate=st.floats(0.05, 1.0),
)
def test_value_against_a_simulation_of_relapse(u, w, q, rate):
    """The closed form against a direct simulation of the break month."""
    delta = np.exp(-rate / 12)
    omega = relapse_weight(np.array(delta), np.array(q))
    closed = durable_value(u, w, omega)
    rng = np.random.default_rng(0)
    # V = u + delta [(1 - q) V + q W]: peace pays in months 0..T, war from T + 1 on,
    # with P(T = k) = q (1 - q)^k.
    t = rng.geometric(q, size=400_000) - 1
    v = u * (1 - delta ** (t + 1)) / (1 - delta) + delta ** (t + 1) * w / (1 - delta)
    sim_value = (1 - delta) * v.mean()
    sd = (1 - delta) * v.std() / np.sqrt(v.size)
    assert closed == pytest.approx(sim_value, abs=5 * sd + 1e-9)
    assert float(expected_duration(np.array(q))) == pytest.approx(1 / q)


def test_value_against_value_iteration():
    u, w, q, delta = 0.4, -0.2, 0.03, np.exp(-0.1 / 12)
    vp = 0.0
    vw = w / (1 - delta)
    for _ in range(20000):
        vp = u + delta * ((1 - q) * vp + q * vw)
    omega = relapse_weight(np.array(delta), np.array(q))
    assert durable_value(u, w, omega) == pytest.approx((1 - delta) * vp, rel=1e-9)


def test_zero_hazard_is_eternal_peace():
    omega = relapse_weight(np.array([0.9, 1.0]), np.array([0.0, 0.0]))
    assert np.all(omega == 0.0)
    u = np.array([0.3, -0.7])
    assert np.all(durable_value(u, np.array([5.0, 5.0]), omega) == u)
    # patience without discounting: any hazard brings the war back for sure
    assert relapse_weight(np.array(1.0), np.array(0.01)) == 1.0


def test_hazard_is_log_linear_in_the_terms():
    base = np.array([0.02])
    ratio = {"guarantees": np.array([0.4]), "dmz": np.array([0.5])}
    terms = {"guarantees": np.array([0.5]), "dmz": np.array([1.0])}
    q = deal_hazard(base, ratio, terms, np.array([1.0]))
    assert q[0] == pytest.approx(0.02 * 0.4**0.5 * 0.5)
    assert deal_hazard(base, ratio, terms, np.array([0.001]))[0] == 0.001


@given(
    omega=st.floats(0.0, 1.0),
    rest=st.floats(-0.5, 0.5),
    rbar=st.floats(-0.5, 0.5),
    sq=st.floats(0.0, 1.0),
    line=st.floats(0.0, 1.0),
)
def test_rest_prime_is_the_durable_value(omega, rest, rbar, sq, line):
    """lp(l) + rest' = (1 - omega) (lp(l) + rest) + omega (rbar + lp(l) - lp(l_sq))."""
    lhs = line + durable_rest(rest, rbar, sq, omega)
    rhs = durable_value(line + rest, rbar + line - sq, omega)
    assert lhs == pytest.approx(rhs, abs=1e-12)


def test_zero_hazard_reproduces_todays_values(baseline):
    """Durability off by its hazard: the same ZOPA and deal verdicts as without the table."""
    tail_only = {"settlement.durability.base_hazard": 0.0}
    on = compute(baseline, tail_only)
    spec = baseline.model.model_copy(
        update={"settlement": baseline.model.settlement.model_copy(update={"durability": None})}
    )
    off = compute(sim.Scenario(spec, baseline._raw, path=baseline.path, text=""), {})
    np.testing.assert_array_equal(on.lo, off.lo)
    np.testing.assert_array_equal(on.hi, off.hi)
    for k, d in on.deals.items():
        np.testing.assert_array_equal(d["margin"], off.deals[k]["margin"])


#: The rearmament after a deal off (its ceilings 0: a shift of exactly 0).
NO_REARMAMENT = {  # no stocks after the deal and nobody joining Ukraine in a relapse
    "settlement.rearmament.ceiling_bn.russia": 0.0,
    "settlement.rearmament.ceiling_bn.ukraine": 0.0,
    "settlement.rearmament.support_bn.ukraine": 0.0,
}


def test_fragility_pulls_the_minimum_toward_the_line_of_the_war(baseline):
    """With relapse likely, terms that the war would undo buy less line: Russia's minimum
    line moves toward the status quo, monotonically in the hazard."""
    r = baseline.actors.index("russia")
    lift = {"settlement.red_lines.russia_constitution.limit": 1e7}  # its floor would bind
    lift |= NO_REARMAMENT  # the durability alone: rearmament adds a pull of its own
    lows = [
        compute(baseline, {"settlement.durability.base_hazard": q} | lift, with_deals=False).lo[
            0, r, 0
        ]
        for q in (0.0, 0.005, 0.02, 0.08)
    ]
    assert all(a < b for a, b in itertools.pairwise(lows))
    assert lows[-1] <= baseline.reference_line_km2("contact_2026") + 1.0


def test_named_deal_by_hand(baseline):
    """The 28-point plan's value to Russia at 2026-09, recomputed from the file's numbers
    (without the rearmament, whose shift test_deal_rearmament checks by hand)."""
    comp = compute(baseline, NO_REARMAMENT)
    r = baseline.actors.index("russia")
    deal = comp.deals["plan_28_points"]
    # hazard: base 0.02, nato 1, guarantees 0.5, military_limits 0.5, dmz 0.5, monitoring 0.5
    q = 0.02 * 0.8 * 0.4**0.5 * 0.85**0.5 * 0.5**0.5 * 0.6**0.5
    assert deal["hazard"][0] == pytest.approx(q)
    assert deal["expected_months"][0] == pytest.approx(1 / q)
    delta = np.exp(-0.03 / 12)
    omega = delta * q / (1 - delta + delta * q)
    assert deal["relapse_share"][0, r] == pytest.approx(omega)

    def lp(line):  # Russia's weighted line score: weight 0.6, ideal 603,500, span 135,800
        return 0.6 * (1 - abs(line - 603_500) / 135_800)

    war = comp.rbar[0, r, 0] + lp(121_159) - lp(comp.line[0, 0])
    expected = (1 - omega) * deal["utility_peace"][0, r] + omega * war
    assert deal["utility"][0, r] == pytest.approx(expected)
