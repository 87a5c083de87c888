"""No free stop (issue 17, item 6): the frozen-conflict tail after the horizon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine import compute
from sim.kernels.reservation import frozen_conflict_charge
from sim.model.scenario import load_scenario
from tests.deal.conftest import RED_LINE_OFF, settlement_off


def _value_iteration(u, cost, share, h, g, delta, sweeps=20000):
    """The two-state chain (frozen, war) by value iteration; constant-equivalent of V_F."""
    vf = vw = 0.0
    for _ in range(sweeps):
        vf, vw = (
            u - share * cost + delta * ((1 - h) * vf + h * vw),
            u - cost + delta * ((1 - g) * vw + g * vf),
        )
    return (1 - delta) * vf


@given(
    cost=st.floats(0.0, 1.0),
    share=st.floats(0.0, 1.0),
    h=st.floats(0.0, 0.2),
    g=st.floats(0.0, 0.2),
    rate=st.floats(0.5, 3.0),
)
def test_charge_equals_value_iteration(cost, share, h, g, rate):
    """The closed form against value iteration of the two-state Markov chain."""
    delta = np.exp(-rate / 12)
    u = 0.3
    expected = u - _value_iteration(u, cost, share, h, g, delta, sweeps=3000)
    got = frozen_conflict_charge(np.array([cost]), share, h, g, np.array([delta]))[0]
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_charge_without_discounting_is_the_stationary_share():
    got = frozen_conflict_charge(np.array([1.0]), 0.0, 0.01, 0.03, np.array([1.0]))[0]
    assert got == pytest.approx(0.25)
    assert frozen_conflict_charge(np.array([1.0]), 0.0, 0.0, 0.0, np.array([1.0]))[0] == 0.0


def test_no_tail_reproduces_the_costless_freeze(baseline, tmp_path):
    """Shares and relapse 0 give the plain model's reservation values exactly: the model
    before issue 17 (the frozen copy of the baseline) with the file's settlement tables
    added and switched off (the other issues' mechanisms stay out of both)."""
    frozen = Path("tests/regression/scenarios/baseline.toml")
    text = baseline.path.read_text(encoding="utf-8")
    start = text.index("# -- deal: frozen conflict and durability (issue 17)")
    end = text.index("# -- ", start + 10)
    with_settlement = tmp_path / "baseline.toml"
    with_settlement.write_text(frozen.read_text(encoding="utf-8") + "\n" + text[start:end])
    scenario = load_scenario(str(with_settlement))
    plain = load_scenario(str(frozen))
    new = compute(scenario, settlement_off(scenario), with_deals=False)
    old = compute(plain, with_deals=False)
    # The file's new dimensions (dmz, monitoring) carry no actor's weight.
    np.testing.assert_allclose(new.rbar, old.rbar, rtol=0, atol=1e-12)


def _russia_min(scenario, over):
    r = scenario.actors.index("russia")
    return compute(scenario, over, with_deals=False).lo[0, r, 0]


NO_COSTS = {
    "actors.russia.costs.casualties.utility_per_unit": 0.0,
    "actors.russia.costs.fiscal.utility_per_unit": 0.0,
    "actors.russia.escalation_cost": 0.0,
}


def test_russia_war_costs_move_its_minimum_line(baseline):
    """Issue 17's test: with the costless freeze deleting Russia's war costs moved its minimum
    line by ~+250 km2; with the frozen conflict it moves it several times as much, most of
    the ceiling (the whole monthly cost in km2 of line, had it applied for ever)."""
    off = settlement_off(baseline)
    tail_only = {"settlement.durability.base_hazard": 0.0} | RED_LINE_OFF
    before = _russia_min(baseline, off | NO_COSTS) - _russia_min(baseline, off)
    after = _russia_min(baseline, tail_only | NO_COSTS) - _russia_min(baseline, tail_only)
    assert 0 < before < 400
    assert after > 4 * before
    # The ceiling: Russia's monthly cost in km2 of line (w_line / span per km2).
    comp = compute(baseline, tail_only, with_deals=False)
    b = comp.batch
    r = baseline.actors.index("russia")
    cost = float(b.costs.base[r][0, 0])  # casualties and budget, without escalation
    km2 = cost / (b.prefs.weight["line"][0, r, 0] / b.prefs.span["line"][0, 0, 0])
    assert after > 0.5 * km2


def test_russia_patience_moves_its_minimum_line(baseline):
    """A discount rate of 0.01 against 0.2 moves Russia's minimum by over 10,000 km2 with
    the tail and the durability on (7,100 km2 in the plain model); its red line lifted,
    which would otherwise bind at both rates."""
    lo = {
        r: _russia_min(baseline, {"actors.russia.discount_rate": r} | RED_LINE_OFF)
        for r in (0.01, 0.2)
    }
    assert lo[0.01] - lo[0.2] > 10_000
