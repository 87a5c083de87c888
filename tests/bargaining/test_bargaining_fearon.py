"""Fearon's bargaining range, mutual optimism and Powell's commitment problem.

The ranges are checked against a brute-force scan of deals; Powell's condition
against brute-force backward induction of the two-stage game (the shift
period, then the stationary game after the shift) under each bargaining
protocol.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import costs, probabilities

from sim.bargaining import fearon_range, mutual_optimism_range, powell_war_inevitable

DEALS = np.linspace(0.0, 1.0, 20_001)
STEP = DEALS[1]


def scanned_range(accept_a, accept_b):
    """Smallest and largest scanned deal both accept, or None where none is accepted."""
    both = accept_a & accept_b
    if not both.any():
        return None
    return DEALS[both].min(), DEALS[both].max()


def assert_matches_scan(got, scanned):
    lo, hi = got
    if scanned is None:
        # Only a range narrower than the scan step can slip between its points.
        assert (np.isnan(lo) and np.isnan(hi)) or hi - lo < STEP
    else:
        assert lo == pytest.approx(scanned[0], abs=STEP)
        assert hi == pytest.approx(scanned[1], abs=STEP)


# Fearon ---------------------------------------------------------------------------------


def test_example_from_the_issue():
    lo, hi = fearon_range(0.5, 0.1, 0.2)
    assert (lo, hi) == (pytest.approx(0.4, abs=1e-15), pytest.approx(0.7, abs=1e-15))


@settings(max_examples=150)
@given(probabilities, costs, costs, st.floats(0.2, 4.0), st.floats(0.2, 4.0))
def test_range_matches_a_scan_of_deals(p, cost_a, cost_b, risk_a, risk_b):
    def utility_a(share):
        return share**risk_a

    def utility_b(share):
        return share**risk_b

    war_a = p * utility_a(1.0) + (1 - p) * utility_a(0.0) - cost_a
    war_b = (1 - p) * utility_b(1.0) + p * utility_b(0.0) - cost_b
    scanned = scanned_range(utility_a(DEALS) >= war_a, utility_b(1.0 - DEALS) >= war_b)
    assert_matches_scan(fearon_range(p, cost_a, cost_b, risk_a, risk_b), scanned)


@given(probabilities, costs, costs)
def test_risk_neutral_range_contains_p_and_is_never_empty(p, cost_a, cost_b):
    lo, hi = fearon_range(p, cost_a, cost_b)
    assert lo <= p <= hi
    assert hi - lo == pytest.approx(min(p, cost_a) + min(1 - p, cost_b), abs=1e-12)


@given(probabilities, costs, costs, st.floats(0.2, 1.0), st.floats(0.2, 1.0))
def test_risk_aversion_widens_the_range(p, cost_a, cost_b, risk_a, risk_b):
    lo, hi = fearon_range(p, cost_a, cost_b, risk_a, risk_b)
    neutral_lo, neutral_hi = fearon_range(p, cost_a, cost_b)
    assert lo <= neutral_lo + 1e-15 and hi >= neutral_hi - 1e-15


@given(probabilities, costs, costs, st.floats(0.0, 0.5))
def test_higher_costs_widen_the_range(p, cost_a, cost_b, extra):
    lo, hi = fearon_range(p, cost_a, cost_b)
    wider_lo, wider_hi = fearon_range(p, cost_a + extra, cost_b + extra)
    assert wider_lo <= lo and wider_hi >= hi


def test_risk_acceptant_states_can_have_no_bargain():
    lo, hi = fearon_range(0.5, 0.01, 0.01, 3.0, 3.0)
    assert np.isnan(lo) and np.isnan(hi)


def test_scalar_and_batch_shapes():
    lo, hi = fearon_range(0.5, 0.1, 0.2)
    assert np.ndim(lo) == np.ndim(hi) == 0
    lo, hi = fearon_range(np.linspace(0, 1, 7)[:, None], 0.1, np.array([0.0, 0.2, 0.5]))
    assert lo.shape == hi.shape == (7, 3)


# Mutual optimism ----------------------------------------------------------------------


@settings(max_examples=150)
@given(probabilities, probabilities, costs, costs)
def test_mutual_optimism_matches_a_scan_of_deals(p_a, p_b, cost_a, cost_b):
    scanned = scanned_range(DEALS >= p_a - cost_a, 1.0 - DEALS >= p_b - cost_b)
    assert_matches_scan(mutual_optimism_range(p_a, p_b, cost_a, cost_b), scanned)


@given(probabilities, probabilities, costs, costs)
def test_range_is_empty_exactly_when_optimism_exceeds_the_costs(p_a, p_b, cost_a, cost_b):
    lo, _ = mutual_optimism_range(p_a, p_b, cost_a, cost_b)
    optimism = p_a + p_b - 1.0
    if abs(optimism - (cost_a + cost_b)) > 1e-12:
        assert np.isnan(lo) == (optimism > cost_a + cost_b)


@given(probabilities, costs, costs)
def test_consistent_beliefs_give_fearons_range(p, cost_a, cost_b):
    assert mutual_optimism_range(p, 1.0 - p, cost_a, cost_b) == pytest.approx(
        tuple(fearon_range(p, cost_a, cost_b)), abs=1e-15
    )


# Powell ------------------------------------------------------------------------------------

OFFERS = np.linspace(0.0, 1.0, 4_001)


def outcome_with_one_proposer(
    p_now, p_next, delta, cost_proposer, cost_responder, *, per_period=False
):
    """'war', 'peace' or 'unknown' (too close to call on the grid) in period 0.

    The proposer (winning probability ``p_now`` now, ``p_next`` from period 1 on)
    offers a share of each period's flow of 1; the responder accepts or fights.
    Either may fight at the start of a period; a war at t is worth
    ``p_t / (1 - delta) - cost`` to the proposer and ``(1 - p_t) / (1 - delta) -
    cost`` to the responder, today's flow included.  With ``per_period`` the
    costs are paid in every period of an endless war instead: the war is
    worth ``sum_s delta**s (p_t - cost)``, summed over 10_000 periods.  From
    period 1 the game is stationary and the proposer offers the same share
    every period.  Solved by backward induction, each stage by scanning the
    offers.
    """
    flows = 1.0 / (1.0 - delta)
    if per_period:
        discounts = delta ** np.arange(10_000)

        def war_proposer(p):
            return np.sum(discounts * (p - cost_proposer))

        def war_responder(p):
            return np.sum(discounts * (1.0 - p - cost_responder))

    else:

        def war_proposer(p):
            return p * flows - cost_proposer

        def war_responder(p):
            return (1.0 - p) * flows - cost_responder

    # Period 1 on: a stationary offer s per period.
    peace_1 = np.where(OFFERS * flows >= war_responder(p_next), (1.0 - OFFERS) * flows, -np.inf)
    best = np.argmax(peace_1)
    if peace_1[best] >= war_proposer(p_next):
        proposer_1, responder_1 = peace_1[best], OFFERS[best] * flows
    else:
        proposer_1, responder_1 = war_proposer(p_next), war_responder(p_next)
    # Period 0: offer s today, then the continuation.
    accepted = OFFERS + delta * responder_1 >= war_responder(p_now)
    peace_0 = np.where(accepted, 1.0 - OFFERS + delta * proposer_1, -np.inf).max()
    # The scan can only under-state the proposer's peace payoff, by at most
    # one offer step today and one step per period tomorrow; rounding adds a little.
    grid_error = OFFERS[1] * (1.0 + delta * flows)
    rounding = 1e-9 * flows
    margin = peace_0 - war_proposer(p_now)
    if margin > rounding:
        return "peace"
    if margin < -grid_error - rounding:
        return "war"
    return "unknown"


def war_under_every_protocol(p, p_next, delta, cost_a, cost_b, *, per_period=False):
    """True / False when both protocols are decided, None if a scan is too close to call."""
    a_proposes = outcome_with_one_proposer(p, p_next, delta, cost_a, cost_b, per_period=per_period)
    b_proposes = outcome_with_one_proposer(
        1 - p, 1 - p_next, delta, cost_b, cost_a, per_period=per_period
    )
    if "peace" in (a_proposes, b_proposes):
        return False
    if a_proposes == b_proposes == "war":
        return True
    return None


def test_powell_examples():
    assert powell_war_inevitable(0.8, 0.4, 0.9, 0.5, 0.5)
    assert not powell_war_inevitable(0.8, 0.7, 0.9, 0.5, 0.5)
    assert powell_war_inevitable(0.3, 0.8, 0.9, 0.2, 0.2)  # B declines
    assert not powell_war_inevitable(0.5, 0.5, 0.99, 0.0, 0.0)  # no shift, no war


def test_powell_condition_matches_backward_induction():
    rng = np.random.default_rng(2006)
    decided = wars = 0
    for _ in range(1500):
        p, p_next = rng.uniform(0.0, 1.0, 2)
        delta = rng.uniform(0.0, 0.95)
        cost_a, cost_b = rng.exponential(0.5, 2)
        expected = war_under_every_protocol(p, p_next, delta, cost_a, cost_b)
        if expected is None:
            continue
        decided += 1
        wars += expected
        assert powell_war_inevitable(p, p_next, delta, cost_a, cost_b) == expected, (
            p,
            p_next,
            delta,
            cost_a,
            cost_b,
        )
    assert decided > 1400 and 100 < wars < decided - 100


def test_per_period_costs_convert_to_present_value():
    # An endless war costing k per period is the present-value cost k / (1 - delta).
    rng = np.random.default_rng(1995)
    decided = wars = 0
    for _ in range(300):
        p, p_next = rng.uniform(0.0, 1.0, 2)
        delta = rng.uniform(0.5, 0.95)
        per_period_a, per_period_b = rng.exponential(0.05, 2)
        expected = war_under_every_protocol(
            p, p_next, delta, per_period_a, per_period_b, per_period=True
        )
        if expected is None:
            continue
        decided += 1
        wars += expected
        present_a, present_b = per_period_a / (1 - delta), per_period_b / (1 - delta)
        assert powell_war_inevitable(p, p_next, delta, present_a, present_b) == expected
    assert decided > 280 and 20 < wars < decided - 20


@settings(max_examples=100)
@given(probabilities, probabilities, st.floats(0.0, 0.95), costs, costs)
def test_powell_condition_matches_backward_induction_on_hypothesis_cases(
    p, p_next, delta, cost_a, cost_b
):
    expected = war_under_every_protocol(p, p_next, delta, cost_a, cost_b)
    if expected is not None:
        assert powell_war_inevitable(p, p_next, delta, cost_a, cost_b) == expected


@given(probabilities, probabilities, st.floats(0.0, 1.0), costs, costs)
def test_a_larger_shift_never_prevents_war(p, p_next, delta, cost_a, cost_b):
    if powell_war_inevitable(p, p_next, delta, cost_a, cost_b):
        further = 0.0 if p_next < p else 1.0
        assert powell_war_inevitable(p, further, delta, cost_a, cost_b)


@given(probabilities, probabilities, st.floats(0.0, 1.0), costs, costs, st.floats(0.0, 1.0))
def test_higher_costs_never_cause_war(p, p_next, delta, cost_a, cost_b, extra):
    if not powell_war_inevitable(p, p_next, delta, cost_a, cost_b):
        assert not powell_war_inevitable(p, p_next, delta, cost_a + extra, cost_b + extra)


@given(probabilities, probabilities, costs, costs)
def test_myopic_states_never_fight_and_stable_power_never_causes_war(p, p_next, cost_a, cost_b):
    assert not powell_war_inevitable(p, p_next, 0.0, cost_a, cost_b)
    assert not powell_war_inevitable(p, p, 0.9, cost_a, cost_b)


def test_powell_broadcasts_and_returns_booleans():
    got = powell_war_inevitable(0.8, np.array([0.2, 0.7]), np.array([[0.5], [0.95]]), 0.1, 0.1)
    assert got.dtype == bool and got.shape == (2, 2)
    assert np.ndim(powell_war_inevitable(0.8, 0.2, 0.9, 0.1, 0.1)) == 0


# Input checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: fearon_range(1.2, 0.1, 0.1), "p=1.2"),
        (lambda: fearon_range(0.5, -0.1, 0.1), "cost_a=-0.1"),
        (lambda: fearon_range(0.5, 0.1, [0.1, -1.0]), "cost_b[1]=-1.0"),
        (lambda: fearon_range(0.5, 0.1, 0.1, risk_a=0.0), "risk_a=0.0"),
        (lambda: fearon_range(np.nan, 0.1, 0.1), "p=nan"),
        (lambda: fearon_range([0.5, 0.6], [0.1, 0.1, 0.1], 0.1), "cost_a (3,)"),
        (lambda: mutual_optimism_range(0.5, 1.5, 0.1, 0.1), "p_b=1.5"),
        (lambda: mutual_optimism_range(0.5, 0.5, 0.1, -0.1), "cost_b=-0.1"),
        (lambda: powell_war_inevitable(0.5, 0.5, 1.5, 0.1, 0.1), "delta=1.5"),
        (lambda: powell_war_inevitable(0.5, -0.5, 0.9, 0.1, 0.1), "p_next=-0.5"),
        (lambda: powell_war_inevitable(0.5, 0.5, 0.9, -0.1, 0.1), "cost_a=-0.1"),
    ],
)
def test_invalid_input_raises_naming_the_argument(call, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        call()
