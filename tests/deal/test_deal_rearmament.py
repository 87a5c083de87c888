"""Rearmament after a deal (issue 17, item 1): a relapse fought with the post-deal capacities."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import sim
from sim.engine import _hazard, _rearmament_shift, compute, reservations
from sim.kernels import rearmament as rm
from sim.kernels.durability import durable_value, relapse_weight
from sim.model.batch import build_batch

#: Months of the direct sums (the discounting below makes the rest negligible).
MONTHS = 6000


def _direct_stock_mean(rate, cap, x):
    """``(1 - x) sum_k x^k G(k + 1)``, summed month by month."""
    k = np.arange(MONTHS)
    return (1 - x) * np.sum(x**k * rm.stock(rate, cap, k + 1.0))


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(0.0, 3.0),
    cap=st.floats(0.0, 10.0),
    x=st.floats(0.0, 0.995),
)
def test_discounted_stock_against_the_direct_sum(rate, cap, x):
    closed = float(rm.discounted_stock(np.array(rate), np.array(cap), np.array(x)))
    assert closed == pytest.approx(_direct_stock_mean(rate, cap, x), rel=1e-9, abs=1e-12)


def test_discounted_stock_limits():
    # x = 0: the relapse comes after the first month, with one month's stock
    assert rm.discounted_stock(np.array(1.5), np.array(4.0), np.array(0.0)) == pytest.approx(1.5)
    # x -> 1: the stock is at its ceiling for almost every relapse month
    assert rm.discounted_stock(np.array(1.5), np.array(4.0), np.array(1.0 - 1e-9)) == (
        pytest.approx(4.0, rel=1e-6)
    )
    # no rate or no ceiling: no stock
    assert rm.discounted_stock(np.array(0.0), np.array(4.0), np.array(0.9)) == 0.0
    assert rm.discounted_stock(np.array(1.5), np.array(0.0), np.array(0.9)) == 0.0


def _simulated_value(u, w, q, delta, g_exit, slope, scale, ka, kb, rates, caps):
    """The deal's constant monthly value by direct summation: peace pays ``u`` until the
    relapse at the end of month ``k`` (probability ``q (1 - q)^k``); the war from month
    ``k + 1`` is worth ``w`` a month plus the line it moves, ``scale * Delta s(k + 1)`` km2
    a month with the exact capacity share of that month's stocks, while it lasts (it freezes
    with hazard ``g_exit``), valued at ``slope`` per km2."""
    months = np.arange(MONTHS)
    # line moved after m months of renewed war, in expectation: sum_{j<m} (1 - g)^j
    moved = np.concatenate([[0.0], np.cumsum((1 - g_exit) ** months[:-1])])
    war_pv_unit = np.sum(delta**months * moved)  # PV of one km2/month of drift
    ga = rm.stock(rates[0], caps[0], months + 1.0)
    gb = rm.stock(rates[1], caps[1], months + 1.0)
    ds = rm.exact_share_shift(ka, kb, ga, gb)
    war_pv = w / (1 - delta) + slope * scale * ds * war_pv_unit  # W_{k+1}, one per k
    x = delta * (1 - q)
    v = np.sum(x**months * (u + delta * q * war_pv))
    return (1 - delta) * v


CASE = {
    "u": 0.3,
    "w": -0.1,
    "q": 0.01,
    "delta": float(np.exp(-0.1 / 12)),
    "g_exit": 0.02,
    "slope": 2e-6,
    "scale": 6100.0,
    "ka": 15.07,
    "kb": 7.05,
    "rates": (0.5, 1.5),
    "caps": (3.0, 4.0),
}


def _closed_value(c):
    omega = relapse_weight(np.array(c["delta"]), np.array(c["q"]))
    value = rm.drift_value(np.array(c["slope"]), c["scale"], np.array(c["delta"]), c["g_exit"])
    rates = tuple(np.array(r) for r in c["rates"])
    caps = tuple(np.array(r) for r in c["caps"])
    capacities = (np.array(c["ka"]), np.array(c["kb"]))
    shift = rm.relapse_shift(value, capacities, rates, caps, c["delta"] * (1 - c["q"]))
    return float(durable_value(c["u"], c["w"] + shift, omega)), float(shift)


def test_value_against_a_direct_simulation_of_relapse():
    """Against the month-by-month simulation with the exact share: the baseline's stocks
    reach their ceilings within 6 months, so the mean-stock share is within 1% of the
    rearmament's whole effect on the value."""
    closed, shift = _closed_value(CASE)
    sim_value = _simulated_value(**CASE)
    effect = abs(closed - _closed_value(CASE | {"rates": (0.0, 0.0)})[0])
    assert shift != 0.0 and effect > 1e-4
    assert abs(closed - sim_value) < 0.01 * effect


@settings(max_examples=15, deadline=None)
@given(
    q=st.floats(0.002, 0.2),
    rate=st.floats(0.05, 1.0),
    g_exit=st.floats(0.005, 0.2),
    ca=st.floats(0.0, 6.0),
    cb=st.floats(0.0, 6.0),
)
def test_value_exact_when_the_stocks_stand_still(q, rate, g_exit, ca, cb):
    """Stocks at their ceilings from the first month (rate >= ceiling): the closed form is
    the month-by-month simulation exactly."""
    case = CASE | {
        "q": q,
        "delta": float(np.exp(-rate / 12)),
        "g_exit": g_exit,
        "rates": (ca + 0.5, cb + 0.5),
        "caps": (ca, cb),
    }
    closed, _ = _closed_value(case)
    assert closed == pytest.approx(_simulated_value(**case), rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    q=st.floats(0.002, 0.2),
    ra=st.floats(0.05, 2.0),
    rb=st.floats(0.05, 2.0),
    ca=st.floats(0.0, 6.0),
    cb=st.floats(0.0, 6.0),
)
@example(q=0.015625, ra=1.0, rb=0.0625, ca=0.0, cb=6.0)  # a slow build-up: 5.3% of gross
def test_value_against_direct_simulation_property(q, ra, rb, ca, cb):
    """With a build-up the mean-stock share is an approximation; its error is bounded by the
    second-order (Jensen) remainder: ``|E f(G) - f(E G)| <= 1/2 sup ||H f|| E ||G - E G||^2``
    for the share ``f(a, b) = (K_A + a) / (K + a + b)`` over the stocks' box, times the
    relapse weight and ``|v|``; the bound is computed here from its own sums."""
    case = CASE | {"q": q, "rates": (ra, rb), "caps": (ca, cb)}
    closed, _ = _closed_value(case)
    delta, ka, kb = case["delta"], case["ka"], case["kb"]
    x = delta * (1 - q)
    k = np.arange(MONTHS)
    weight = (1 - x) * x**k
    ga, gb = rm.stock(ra, ca, k + 1.0), rm.stock(rb, cb, k + 1.0)
    var = np.sum(weight * ((ga - np.sum(weight * ga)) ** 2 + (gb - np.sum(weight * gb)) ** 2))
    big = ka + kb  # the denominator's least value, at a = b = 0
    na, nb = ka + ca, kb + cb  # the numerators' largest values over the box
    hessian = np.sqrt(4 * nb**2 + 4 * na**2 + 2 * max(na, nb) ** 2) / big**3  # Frobenius
    omega = float(relapse_weight(np.array(delta), np.array(q)))
    slope, scale = np.array(CASE["slope"]), CASE["scale"]
    v = abs(float(rm.drift_value(slope, scale, np.array(delta), CASE["g_exit"])))
    bound = omega * v * 0.5 * hessian * var
    assert abs(closed - _simulated_value(**case)) <= bound + 1e-12


@settings(max_examples=30, deadline=None)
@given(cap_b=st.floats(0.0, 8.0), more=st.floats(0.01, 4.0), x=st.floats(0.0, 0.999))
def test_side_b_rearming_moves_the_relapse_against_side_a(cap_b, more, x):
    """The commitment problem: the more side B (Ukraine) may rearm, the lower side A's
    (Russia's) relapse value -- and the higher side B's."""
    slope = np.array([1e-6, -1e-6])  # side A's actor gains from the line, side B's loses
    value = rm.drift_value(slope, 6100.0, np.array(0.99), 0.02)

    def shift(cb):
        rates = (np.array(0.5), np.array(1.5))
        caps = (np.array(3.0), np.array(cb))
        return rm.relapse_shift(value, (np.array(15.0), np.array(7.0)), rates, caps, x)

    lo, hi = shift(cap_b), shift(cap_b + more)
    assert hi[0] <= lo[0] + 1e-15
    assert hi[1] >= lo[1] - 1e-15


def test_ceiling_scaled_by_the_army_cap():
    assert rm.ceiling(np.array(4.0), np.array(0.0)) == 4.0
    assert rm.ceiling(np.array(4.0), np.array(0.5)) == 2.0
    assert rm.ceiling(np.array(4.0), np.array(1.0)) == 0.0


def test_signed_slope_against_a_difference():
    w, theta, span = 0.3, 600000.0, 135800.0
    for rho in (1.0, 2.0):
        line = np.array(117000.0)

        def lp(x, rho=rho):
            return w * (1 - (abs(x - theta) / span) ** rho)

        diff = (lp(line + 1.0) - lp(line - 1.0)) / 2.0
        assert rm.signed_line_slope(w, theta, rho, span, line) == pytest.approx(diff, rel=1e-6)


# -- the engine ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario("baseline")


def test_no_rearmament_reproduces_todays_values_exactly(scenario):
    """Ceilings of 0 give a shift of exactly 0: the acceptable lines of the scenario without
    the rearmament table, bit for bit."""
    over = {f"settlement.rearmament.ceiling_bn.{s}": 0.0 for s in scenario.model.war.sides}
    # and nobody fighting on a side's side in the renewed war
    over |= {f"settlement.rearmament.support_bn.{s}": 0.0 for s in ("ukraine",)}
    batch = build_batch(scenario, over)
    off = dataclasses.replace(
        batch, settlement=dataclasses.replace(batch.settlement, rearmament=None)
    )
    effects = sim.engine.game_effects(batch.games, scenario.name)
    paths = sim.engine.Paths()
    a, b = reservations(batch, effects, paths), reservations(off, effects, paths)
    assert np.array_equal(a.rest, b.rest)
    assert np.array_equal(a.rest_neutral, b.rest_neutral)
    on = reservations(build_batch(scenario), effects, paths)
    assert not np.array_equal(on.rest, b.rest)  # the baseline's rearmament does move it


def test_an_uncapped_ukraine_costs_russia_more(scenario):
    """Russia's share of a deal's value lost to the fear of relapse rises when Ukraine may
    rearm without a cap (military_limits 0) instead of under strict caps (1)."""
    comp = compute(scenario, with_deals=False)
    terms = {d: v[:, 0, 0] for d, v in comp.batch.terms.setting.items()}
    russia = scenario.actors.index("russia")
    q = _hazard(comp.batch, terms)
    free = _rearmament_shift(comp, terms | {"military_limits": np.array([0.0])}, q, 0)
    capped = _rearmament_shift(comp, terms | {"military_limits": np.array([1.0])}, q, 0)
    assert free[0, russia] < capped[0, russia]
    # with the relapse weight omega, the value lost grows by omega * (capped - free)
    delta = comp.batch.discounting.delta[0, russia, 0]
    omega = relapse_weight(np.array(delta), q[0])
    assert omega * (capped[0, russia] - free[0, russia]) > 0


def test_solve_reports_the_rearmament(scenario):
    r = sim.solve(scenario)
    for d in r.durability.values():
        assert set(d.rearmament_km2) == set(scenario.actors)
    # the freeze caps no army: the relapse Russia fears is fought against a rearmed Ukraine
    assert r.durability["freeze_current_line"].rearmament_km2["russia"] < 0
    assert "rearmament_km2" in r.to_dict()["durability"]["freeze_current_line"]


def test_named_deal_shift_by_hand(scenario):
    """The 28-point plan's rearmament shift for Russia at 2026-09 from the file's numbers:
    rates 0.5 (Russia) and 1.5 (Ukraine) bn/month a month, ceilings 3 and 4 x (1 - 0.5) = 2
    (the plan's military_limits 0.5), Russia's rate 0.03 a year, renewed war's exit hazard
    0.02, drift scale 6,100 x the mean season 11.8 / 12, line slope 0.6 / 135,800; the
    stocks' discounted means by direct sums; the guarantors fight on Ukraine's side with
    2 bn/month x the plan's guarantees (0.5)."""
    comp = compute(scenario)
    deal = comp.deals["plan_28_points"]
    r = scenario.actors.index("russia")
    ka, kb = (float(k[0, 0]) for k in sim.engine._capacities(comp))
    q = float(deal["hazard"][0])
    delta = np.exp(-0.03 / 12)
    x = delta * (1 - q)
    mean_a = _direct_stock_mean(0.5, 3.0, x)
    mean_b = _direct_stock_mean(1.5, 2.0, x) + 2.0 * 0.5
    ds = (ka + mean_a) / (ka + kb + mean_a + mean_b) - ka / (ka + kb)
    v = 0.6 / 135_800 * 6100.0 * 11.8 / 12 * delta / (1 - delta + delta * 0.02)
    assert deal["rearmament_shift"][0, r] == pytest.approx(v * ds, rel=1e-9)


def test_guarantors_fighting_on_ukraines_side_cost_russia(scenario):
    """Who fights on Ukraine's side in a renewed war: with the guarantors' support the
    relapse Russia fears is worse for it, the more so the stronger the guarantees; the
    support's discounted mean over the month of relapse is the support itself, so with no
    rearmament the shift is ``v [s(K_A, K_B + H) - s(K_A, K_B)]`` exactly."""
    comp = compute(scenario, with_deals=False)
    terms = {d: v[:, 0, 0] for d, v in comp.batch.terms.setting.items()}
    russia = scenario.actors.index("russia")
    q = _hazard(comp.batch, terms)
    shifts = [
        _rearmament_shift(comp, terms | {"guarantees": np.array([g])}, q, 0)[0, russia]
        for g in (0.0, 0.5, 1.0)
    ]
    assert shifts[0] > shifts[1] > shifts[2]
    value = rm.drift_value(np.array(-1.0), 1.0, np.array(0.99), 0.02)
    ka, kb, h = np.array(15.0), np.array(7.0), np.array(2.0)
    zero = (np.array(0.0), np.array(0.0))
    got = rm.relapse_shift(value, (ka, kb), zero, zero, np.array(0.9), (np.array(0.0), h))
    assert float(got) == pytest.approx(float(value) * (15.0 / 24.0 - 15.0 / 22.0), rel=1e-12)
