"""The hazard of agreement (:mod:`sim.kernels.hazard`): the complete-information limit
against the engine's first_open_month, brute force over offers, and monotonicity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from sim.engine import agreement_hazard, compute, evaluate
from sim.forecast import draw_parameters
from sim.kernels.hazard import HazardInputs, agreement_by, expected_delay, hazard
from sim.model.scenario import load_scenario

TOTAL = 1000.0


def two_sides(zlo, zhi, sd, mediator=0.6, n=1):
    """A first war side that accepts lines >= zlo, a second that accepts <= zhi (each
    known to the others up to ``sd``; their reservation utilities consistent with these
    bounds), and a mediator without a veto (recognition ``mediator``)."""

    def col(*v):
        return np.tile(np.array(v, float), (n, 1))

    rest = (1.0 - mediator) / 2
    return HazardInputs(
        lo=col(0.0, zlo, 0.0),
        hi=col(TOTAL, TOTAL, zhi),
        sd_lo=col(0.0, sd, 0.0),
        sd_hi=col(0.0, 0.0, sd),
        rbar=col(0.0, zlo / TOTAL, 1.0 - zhi / TOTAL),
        rest=col(0.0, 0.0, 0.0),
        weight=col(1.0, 1.0, 1.0),
        ideal=col(500.0, TOTAL, 0.0),
        curvature=col(1.0, 1.0, 1.0),
        span=np.full(n, TOTAL),
        total=np.full(n, TOTAL),
        veto=np.tile(np.array([False, True, True]), (n, 1)),
        recognition=col(mediator, rest, rest),
    )


def brute(inp: HazardInputs):
    """Each proposer's best offer on a grid of 200,001 lines, with the acceptance
    probability and gain written out here."""
    x = np.linspace(0.0, TOTAL, 200_001)
    lo, hi, sd = inp.lo[0], inp.hi[0], inp.sd_lo[0]
    p_a = norm.cdf((x - lo[1]) / sd[1]) if sd[1] > 0 else (x >= lo[1]).astype(float)
    p_b = norm.cdf((hi[2] - x) / sd[1]) if sd[1] > 0 else (x <= hi[2]).astype(float)
    h = 0.0
    rec = inp.recognition[0] / inp.recognition[0].sum()
    for j, others in ((0, p_a * p_b), (1, p_b), (2, p_a)):
        if j == 0:
            value = others
        else:
            u = 1.0 - np.abs(x - inp.ideal[0, j]) / TOTAL
            own = (x >= lo[j]) & (x <= hi[j])
            value = np.where(own, others * np.maximum(u - inp.rbar[0, j], 0.0), -1.0)
        h += rec[j] * others[np.argmax(value)]
    return h


@pytest.mark.parametrize("zlo,zhi,sd", [(400, 600, 50), (450, 520, 80), (500, 480, 60)])
def test_hazard_against_brute_force(zlo, zhi, sd):
    inp = two_sides(zlo, zhi, sd)
    h, _ = hazard(inp)
    assert h[0] == pytest.approx(brute(inp), abs=2e-4)


def test_complete_information_is_the_zopa():
    h, line = hazard(two_sides(400.0, 600.0, 0.0))
    assert h[0] == 1.0 and 400.0 <= line[0] <= 600.0
    h, line = hazard(two_sides(600.0, 400.0, 0.0))
    assert h[0] == 0.0 and np.isnan(line[0])
    # A zone of width zero, within the ZOPA's tolerance, is a deal.
    h, _ = hazard(two_sides(500.0, 500.0 - 1e-10, 0.0))
    assert h[0] == 1.0


@settings(max_examples=30, deadline=None)
@given(
    zlo=st.floats(300.0, 500.0),
    width=st.floats(10.0, 200.0),
    sd=st.floats(5.0, 100.0),
    mediator=st.floats(0.0, 1.0),
)
def test_more_spread_lower_hazard(zlo, width, sd, mediator):
    sd = min(sd, width)  # a zone at least as wide as the spread
    h, _ = hazard(two_sides(zlo, zlo + width, sd, mediator))
    h_spread, _ = hazard(two_sides(zlo, zlo + width, 1.5 * sd, mediator))
    assert h_spread[0] <= h[0] + 1e-6
    assert 0.0 <= h[0] <= 1.0


@settings(max_examples=30, deadline=None)
@given(
    zlo=st.floats(300.0, 500.0),
    width=st.floats(-100.0, 200.0),
    sd=st.floats(10.0, 100.0),
    mediator=st.floats(0.0, 1.0),
)
def test_wider_zone_higher_hazard(zlo, width, sd, mediator):
    h, _ = hazard(two_sides(zlo, zlo + width, sd, mediator))
    h_wide, _ = hazard(two_sides(zlo, zlo + width + 50.0, sd, mediator))
    h_both, _ = hazard(two_sides(zlo - 25.0, zlo + width + 25.0, sd, mediator))
    assert h_wide[0] >= h[0] - 1e-6 and h_both[0] >= h[0] - 1e-6


@pytest.mark.parametrize("mediator", [0.0, 0.5, 1.0])
def test_brute_force_over_protocols(mediator):
    inp = two_sides(300.0, 391.0, 28.0, mediator)
    assert hazard(inp)[0][0] == pytest.approx(brute(inp), abs=2e-4)


def test_agreement_by_and_expected_delay_closed_forms():
    h = np.array([[0.0, 0.5, 0.5, 1.0]])
    np.testing.assert_allclose(agreement_by(h), [[0.0, 0.5, 0.75, 1.0]])
    # P(tau > 0) = 1, P(tau > 1) = 0.5, P(tau > 2) = 0.25, P(tau > 3) = 0.
    assert expected_delay(h)[0] == pytest.approx(1.75)
    assert expected_delay(np.array([0.0, 0.0, 1.0])) == pytest.approx(2.0)


@pytest.mark.parametrize("name", ["baseline", "history"])
def test_complete_information_limit_is_first_open_month(name):
    scenario = load_scenario(name)
    params = draw_parameters(scenario, 40, seed=3)
    params["uncertainty.prior_drift_sd_km2"] = np.zeros(41)  # no spread, no learning
    comp = compute(scenario, params, with_deals=False)
    h, _, zone = agreement_hazard(comp)
    assert set(np.unique(h)) <= {0.0, 1.0}
    np.testing.assert_array_equal(h == 1.0, comp.zopa.exists)
    first = np.where(zone.any(axis=1), np.argmax(h == 1.0, axis=1), -1)
    np.testing.assert_array_equal(first, evaluate(scenario, params)["first_open_month"])
    assert (first >= 0).any() and ((first > 0) | (first < 0)).any()  # both kinds of set


def test_learning_and_spread_lower_the_hazard_in_the_baseline():
    scenario = load_scenario("baseline")
    sd = np.array([0.0, 50.0, 101.0, 200.0])
    comp = compute(scenario, {"uncertainty.prior_drift_sd_km2": sd}, with_deals=False)
    h, _, _ = agreement_hazard(comp)
    assert np.all(np.diff(h[:, 0]) <= 1e-9)  # more private information, lower hazard
    assert h[0, 0] == 1.0 and h[3, 0] < 1.0
    # Fighting teaches: the hazard rises from month to month while the complete-information
    # zone stays open (it closes in later months of the baseline: Russia's red line, #17).
    both_open = (h[0, 1:] == 1.0) & (h[0, :-1] == 1.0)
    assert both_open.sum() >= 1
    assert np.all(np.diff(h[2])[both_open] >= -1e-6)


def test_acceptance_cases_written_out():
    from sim.kernels.hazard import acceptance

    inp = two_sides(400.0, 600.0, 50.0, n=1)
    x = np.array([[350.0], [500.0], [650.0]])
    responders = inp.veto.copy()
    p = acceptance(x, inp, responders)[:, 0]
    expected = norm.cdf((x[:, 0] - 400) / 50) * norm.cdf((600 - x[:, 0]) / 50)
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    exact = two_sides(400.0, 600.0, 0.0)
    np.testing.assert_array_equal(acceptance(x, exact, exact.veto)[:, 0], [0.0, 1.0, 0.0])
    refusing = two_sides(400.0, 600.0, 50.0)
    refusing.lo[0, 2] = refusing.hi[0, 2] = np.nan  # the second side accepts no line
    assert np.all(acceptance(x, refusing, refusing.veto) == 0.0)
