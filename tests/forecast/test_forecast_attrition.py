"""Attrition as concession (issue 16, item 4): the kernel against the closed form of the
war of attrition and a direct simulation of exponential quit times, the stalemate weight
against scipy, the comparative statics, and the engine: zero attrition changes nothing,
the two routes combine as independent competing routes, the blockers still add up to 1,
evaluate == forecast set by set."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from sim.kernels.concession import concession, stalemate_weight

# -- the kernel --------------------------------------------------------------------


def test_rates_are_the_opponents_cost_over_its_prize():
    # Russia (A) pays 0.0078 a month, Ukraine (B) 0.0119; the zone is worth 0.0111 a month
    # to A and 0.0083 to B; annuities a = 0.0025 (A) and 0.0083 (B).  Prizes V = gain / a:
    # V_A = 4.44, V_B = 1.0; quit rates lambda_A = c_B / V_B, lambda_B = c_A / V_A.
    cost, gain, inv = [0.0078, 0.0119], [0.0111, 0.0083], [0.0025, 0.0083]
    c = concession(cost, gain, inv, 1.0)
    v_a, v_b = 0.0111 / 0.0025, 0.0083 / 0.0083
    lam_a, lam_b = 0.0119 / v_b, 0.0078 / v_a
    assert c.rates == pytest.approx([lam_a, lam_b], rel=1e-12)
    assert c.hazard == pytest.approx(1.0 - np.exp(-(lam_a + lam_b)), rel=1e-12)
    assert c.first == pytest.approx(
        [c.hazard * lam_a / (lam_a + lam_b), c.hazard * lam_b / (lam_a + lam_b)], rel=1e-12
    )
    # the weight of attrition scales both rates
    half = concession(cost, gain, inv, 0.5)
    assert half.rates == pytest.approx(0.5 * c.rates, rel=1e-12)


def test_no_concession_where_winning_is_worth_less_than_losing():
    # An empty zone (gain <= 0 for a side), an unknown gain (NaN), a zero weight or a
    # free war (cost 0): nobody quits.
    for gain, cost, w in (
        ([0.01, -0.002], [0.01, 0.01], 1.0),
        ([0.01, np.nan], [0.01, 0.01], 1.0),
        ([0.01, 0.01], [0.01, 0.01], 0.0),
        ([0.01, 0.01], [0.0, 0.01], 1.0),
    ):
        c = concession(cost, gain, [0.01, 0.01], w)
        assert np.all(c.rates == 0.0) and c.hazard == 0.0 and np.all(c.first == 0.0)


def test_direct_simulation_of_exponential_quit_times():
    # The month's chances read off simulated quit times T_i ~ Exp(lambda_i): some side quits
    # within the month, and side A is the one.
    rng = np.random.default_rng(7)
    c = concession([0.02, 0.05], [0.03, 0.01], [0.01, 0.02], 1.0)
    n = 400_000
    t = rng.exponential(1.0 / c.rates, size=(n, 2))
    first = np.argmin(t, axis=1)
    within = t.min(axis=1) < 1.0
    se = np.sqrt(c.hazard * (1 - c.hazard) / n)
    assert within.mean() == pytest.approx(c.hazard, abs=5 * se)
    assert (within & (first == 0)).mean() == pytest.approx(c.first[0], abs=5 * se)


def test_simulated_war_of_attrition_makes_the_opponent_indifferent():
    # The equilibrium property itself, by simulation: against i's exponential quit time at
    # the kernel's rate, every plan of j "hold on until s, then quit" is worth the same (0:
    # win V_j if i quits first, pay c_j per month until the war ends).  A wrong rate (half
    # of it) makes quitting at once strictly better.
    rng = np.random.default_rng(11)
    cost, gain, inv = np.array([0.02, 0.05]), np.array([0.03, 0.01]), np.array([0.01, 0.02])
    c = concession(cost, gain, inv, 1.0)
    value = gain / inv
    n = 400_000
    for i, j in ((0, 1), (1, 0)):
        t_i = rng.exponential(1.0 / c.rates[i], n)
        for s in (1.0, 5.0, 20.0):
            payoff = np.where(t_i < s, value[j], 0.0) - cost[j] * np.minimum(t_i, s)
            se = payoff.std() / np.sqrt(n)
            assert abs(payoff.mean()) < 5 * se
        slow = rng.exponential(2.0 / c.rates[i], n)
        payoff = np.where(slow < 20.0, value[j], 0.0) - cost[j] * np.minimum(slow, 20.0)
        assert payoff.mean() < -5 * payoff.std() / np.sqrt(n)


def test_stalemate_weight_against_scipy():
    drift = np.array([0.0, 50.0, -165.3, 300.0])
    w = stalemate_weight(drift, 165.3, 12.0)
    expected = 2.0 * norm.sf(np.abs(drift) * np.sqrt(12.0) / 165.3)
    assert w == pytest.approx(expected, rel=1e-12)
    assert w[0] == 1.0
    # no noise: a stalemate only where the front does not move
    assert stalemate_weight(np.array([0.0, 1e-6]), 0.0, 12.0) == pytest.approx([1.0, 0.0])
    # a longer span of judgement makes the same drift stand out more
    assert stalemate_weight(100.0, 165.3, 24.0) < stalemate_weight(100.0, 165.3, 6.0)


def test_a_higher_cost_makes_the_opponent_concede_faster():
    # Fudenberg & Tirole 1991 sec. 4.5.2: i's quit rate is c_j / V_j, so raising A's cost
    # raises B's quit rate, leaves A's own as it was, shortens the war and makes A the
    # winner more often (the stationary equilibrium's paradox: a side's own cost does not
    # make it concede faster).
    gain, inv = [0.02, 0.01], [0.01, 0.02]
    low = concession([0.01, 0.03], gain, inv, 1.0)
    high = concession([0.02, 0.03], gain, inv, 1.0)
    assert high.rates[1] > low.rates[1] and high.rates[0] == low.rates[0]
    assert high.hazard > low.hazard
    assert high.first[1] / high.hazard > low.first[1] / low.hazard


pos = st.floats(1e-4, 1.0)
# a prize of 0 (no zone) or at least 1e-12 of a utility unit a month; below that, the
# rates reach their cap (test_a_vanishing_prize_gives_certain_concession)
gains = st.one_of(st.just(0.0), st.floats(-0.5, -1e-12), st.floats(1e-12, 0.5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(pos, min_size=2, max_size=2),
    st.lists(gains, min_size=2, max_size=2),
    st.lists(st.floats(1e-4, 0.1), min_size=2, max_size=2),
    st.floats(0.0, 1.0),
    st.floats(1.01, 3.0),
)
def test_properties(cost, gain, inv, weight, factor):
    c = concession(cost, gain, inv, weight)
    assert 0.0 <= c.hazard <= 1.0
    assert np.all(c.first >= 0) and c.first.sum() == pytest.approx(c.hazard, rel=1e-12, abs=0)
    live = min(gain) > 0 and weight > 0
    assert (c.hazard > 0) == live
    if live:
        # rates: the opponent's cost times its annuity over its gain, times the weight
        # (each side's rate capped at 1e300 before the weight: a vanishing prize)
        for i, j in ((0, 1), (1, 0)):
            rate = min(cost[j] * inv[j] / gain[j], 1e300)
            assert c.rates[i] == pytest.approx(weight * rate, rel=1e-12)
        # a higher cost for a side: the other concedes faster, the war ends sooner
        more = concession([cost[0] * factor, cost[1]], gain, inv, weight)
        assert more.rates[1] > c.rates[1] and more.rates[0] == c.rates[0]
        assert more.hazard >= c.hazard
        # a bigger prize for a side: the other concedes more slowly
        dearer = concession(cost, [gain[0] * factor, gain[1]], inv, weight)
        assert dearer.rates[1] < c.rates[1]


def test_batched_rows_equal_one_by_one():
    rng = np.random.default_rng(3)
    cost = rng.uniform(0.001, 0.05, (4, 5, 2))
    gain = rng.uniform(-0.01, 0.05, (4, 5, 2))
    inv = rng.uniform(0.001, 0.02, (4, 5, 2))
    w = rng.uniform(0, 1, (4, 5))
    c = concession(cost, gain, inv, w)
    for b in range(4):
        for t in range(5):
            one = concession(cost[b, t], gain[b, t], inv[b, t], w[b, t])
            assert c.hazard[b, t] == one.hazard and np.array_equal(c.first[b, t], one.first)


# -- in the engine -----------------------------------------------------------------


def _variant(name: str, drop_attrition=False, noise=None, red_lines=True):
    from sim.model.scenario import _validate, load_scenario

    s = load_scenario(name)
    raw = copy.deepcopy(s._raw)
    if drop_attrition:
        raw.pop("attrition")
    if noise is not None:
        raw["attrition"]["drift_noise_sd_km2"]["value"] = noise
    if not red_lines:
        raw["settlement"]["red_lines"] = {}
        for regime in raw.get("regimes", {}).values():  # a regime's settings of the red lines
            sets = regime.get("set", {})
            for key in [k for k in sets if k.startswith("settlement.red_lines.")]:
                sets.pop(key)
    return _validate(raw, path=s.path, text=s.text, origin=f"{name} (test)")


@pytest.fixture(scope="module")
def free():
    """The baseline without red lines and with attrition everywhere (weight ~1): a
    concession route that matters."""
    return _variant("baseline", noise=1e12, red_lines=False)


def test_zero_attrition_changes_nothing():
    from sim.forecast import forecast

    off = forecast(_variant("history", drop_attrition=True), start="2024-07", draws=4, seed=1)
    # No noise: weight 0 wherever the front moves, so h_c = 0 and every output is as off.
    zero = forecast(_variant("history", noise=0.0), start="2024-07", draws=4, seed=1)
    a, b = off.to_dict(), zero.to_dict()
    assert a["concession_share"] is None and b["concession_share"] == 0.0
    for d in (a, b):
        d.pop("concession_share"), d.pop("concession_share_over_draws")
    assert a == b


def test_routes_combine_as_independent_competing_routes(free):
    from sim.engine import agreement_routes, compute

    comp = compute(free, with_deals=False)
    r = agreement_routes(comp, 0)
    assert np.any(r.concession > 1e-3) and np.any(r.screening < 1.0)
    assert r.hazard == pytest.approx(1.0 - (1.0 - r.screening) * (1.0 - r.concession), abs=1e-15)
    assert np.all(r.hazard >= r.screening) and np.all(r.hazard <= 1.0)


def test_forecast_reports_the_concession_share_and_blockers_add_up(free):
    from sim.forecast import forecast

    f = forecast(free, by="2027-06", draws=6, seed=3)
    assert 0.0 < f.concession_share < 1.0
    assert 0.0 <= f.concession_share_over_draws <= 1.0
    assert sum(f.blockers.values()) == pytest.approx(1.0)
    assert sum(f.blockers_over_draws.values()) == pytest.approx(1.0)
    assert "concession" in " ".join(f.lines())
    no = forecast(_variant("baseline", drop_attrition=True, red_lines=False), by="2027-06", draws=0)
    assert f.p_by >= no.p_by


def test_concession_share_by_hand():
    from sim.forecast import concession_share

    # month 1: only screening (0.5); month 2: only concession (0.5): P = 0.75, of which
    # 0.25 from concession
    h_s = np.array([[0.5, 0.0]])
    h_c = np.array([[0.0, 0.5]])
    h = 1 - (1 - h_s) * (1 - h_c)
    assert concession_share(h, h_c, h_s)[0] == pytest.approx(0.25 / 0.75)
    assert np.isnan(concession_share(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 2)))[0])


def test_evaluate_equals_forecast_set_by_set(free):
    from sim.engine import evaluate
    from sim.forecast import draw_parameters, forecast

    params = draw_parameters(free, 3, seed=4)
    out = evaluate(free, params)
    for k in range(4):
        one = {p: v[k] for p, v in params.items()}
        fk = forecast(free.with_params(one), draws=0)
        assert out["p_agreement_12m"][k] == pytest.approx(fk.p_agreement_by[11], abs=1e-9)
        assert out["expected_delay_months"][k] == pytest.approx(fk.expected_delay_months, abs=1e-9)
    # the concession route moves these outcomes: the equality is not that of the screening
    # route alone
    plain = evaluate(_variant("baseline", drop_attrition=True, red_lines=False), params)
    assert np.abs(out["expected_delay_months"] - plain["expected_delay_months"]).max() > 1e-3


def test_json_carries_the_concession_share(free):
    import json

    from sim.forecast import forecast

    f = forecast(free, by="2027-06", draws=2, seed=1)
    d = f.to_dict()
    assert d["concession_share"] == pytest.approx(f.concession_share)
    assert d["concession_share_over_draws"] == pytest.approx(f.concession_share_over_draws)
    json.dumps(d, allow_nan=False)


def test_bad_attrition_values_name_the_field():
    from sim.errors import ScenarioError
    from sim.model.scenario import _validate, load_scenario

    s = load_scenario("baseline")
    raw = copy.deepcopy(s._raw)
    raw["attrition"]["stalemate_months"]["value"] = 0.0
    with pytest.raises(ScenarioError, match=r"attrition\.stalemate_months"):
        _validate(raw, path=s.path, text=s.text, origin="baseline (test)")
    raw = copy.deepcopy(s._raw)
    raw["attrition"]["drift_noise_sd_km2"]["value"] = -1.0
    with pytest.raises(ScenarioError, match=r"attrition\.drift_noise_sd_km2"):
        _validate(raw, path=s.path, text=s.text, origin="baseline (test)")


def test_a_vanishing_prize_gives_certain_concession():
    # side 1's prize is a subnormal number: side 0 quits at once (its rate at the cap),
    # the month's hazard is 1 and all of it is side 0's; with weight 0 nothing happens
    c = concession([1.0, 1.0], [0.5, 5e-324], [0.0625, 0.0625], 1.0)
    assert c.rates[0] == 1e300 and c.rates[1] == pytest.approx(0.125)
    assert c.hazard == 1.0 and c.first[0] == 1.0 and c.first[1] == pytest.approx(1.25e-301)
    off = concession([1.0, 1.0], [0.5, 5e-324], [0.0625, 0.0625], 0.0)
    assert off.hazard == 0.0 and np.all(off.first == 0.0)


def test_complete_information_with_attrition_reads_the_first_open_month():
    # Without [uncertainty], red lines, audience costs or regimes, evaluate reads its
    # forecast outcomes off first_open_month (no hazard search): the concession route adds
    # nothing there, because a side concedes only where the zone is open and the screening
    # hazard is 1 in those months.  The full hazard (forecast) must agree set by set.
    from sim.engine import evaluate
    from sim.forecast import draw_parameters, forecast
    from sim.model.scenario import _validate, load_scenario

    s = load_scenario("baseline")
    raw = copy.deepcopy(s._raw)
    raw["attrition"]["drift_noise_sd_km2"]["value"] = 1e12  # attrition everywhere
    raw["settlement"]["red_lines"] = {}
    raw["settlement"].pop("audience_costs", None)
    raw.pop("regimes"), raw.pop("uncertainty")
    plain = _validate(raw, path=s.path, text=s.text, origin="baseline (test)")
    params = draw_parameters(plain, 5, seed=4)
    out = evaluate(plain, params)
    for k in range(6):
        fk = forecast(plain.with_params({p: v[k] for p, v in params.items()}), draws=0)
        assert out["p_agreement_12m"][k] == pytest.approx(fk.p_agreement_by[11], abs=1e-12)
        assert out["expected_delay_months"][k] == pytest.approx(fk.expected_delay_months, abs=1e-9)
    assert 0.0 < out["p_agreement_12m"].mean() < 1.0  # some sets agree within a year, some not
