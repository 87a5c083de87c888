"""Baron-Ferejohn and unanimity bargaining: finite-horizon backward induction, properties."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import discount_factors, impatient_discount_factors, probability_vectors

from sim.bargaining import baron_ferejohn, discount_factor, nash_split, unanimity_bargaining


def unanimity_by_backward_induction(recognition, deltas, rounds):
    """Round-0 values, kept and offered shares of the game cut off after ``rounds`` rounds.

    After the last round everyone gets 0.  In each earlier round the proposer
    must win every vote: it offers each other player exactly what that player
    expects from rejecting (its discounted continuation value) and keeps the rest.
    """
    recognition = np.asarray(recognition, float)
    deltas = np.broadcast_to(np.asarray(deltas, float), recognition.shape)
    continuation = np.zeros_like(recognition)
    for _ in range(rounds):
        offered = deltas * continuation
        kept = 1.0 - (offered.sum(axis=-1, keepdims=True) - offered)
        continuation = recognition * kept + (1.0 - recognition) * offered
    return continuation, kept, offered


def q_rule_by_backward_induction(n, q, delta, rounds):
    """Round-0 proposer and partner shares of symmetric q-rule bargaining, ``rounds`` rounds.

    Every legislator is recognised with probability 1/n.  The proposer buys the
    q - 1 cheapest votes; with symmetric continuation values all votes cost the
    same, and the proposer picks its partners uniformly at random.
    """
    continuation = 0.0
    for _ in range(rounds):
        price = delta * continuation
        kept = 1.0 - (q - 1) * price
        chance_of_being_a_partner = (q - 1) / (n - 1) if n > 1 else 0.0
        continuation = kept / n + (n - 1) / n * chance_of_being_a_partner * price
    return kept, price


#: Twice the machine epsilon: the rounding error of ``1 - (q - 1) * (delta / n)``.
ROUNDING = 2 * np.finfo(float).eps

# Baron-Ferejohn ------------------------------------------------------------------


def test_baron_ferejohn_example_from_the_issue():
    proposer, partner = baron_ferejohn(3, 2, 0.9)
    assert (proposer, partner) == (pytest.approx(0.7, abs=1e-15), pytest.approx(0.3, abs=1e-15))


@given(st.integers(1, 15), st.data(), discount_factors, st.integers(2, 30))
def test_baron_ferejohn_matches_backward_induction(n, data, delta, rounds):
    q = data.draw(st.integers(1, n))
    expected = q_rule_by_backward_induction(n, q, delta, rounds)
    assert baron_ferejohn(n, q, delta) == pytest.approx(expected, abs=1e-14)


@settings(max_examples=50)
@given(st.integers(2, 9), st.data(), discount_factors, st.integers(0, 2**32 - 1))
def test_no_proposal_beats_the_equilibrium_proposal(n, data, delta, seed):
    """One-shot deviation: any proposal that passes leaves the proposer no more."""
    q = data.draw(st.integers(1, n))
    kept, price = baron_ferejohn(n, q, delta)
    rng = np.random.default_rng(seed)
    offers = rng.dirichlet(np.ones(n), size=2000)  # column 0 is the proposer's
    yes_votes = 1 + (offers[:, 1:] >= price).sum(axis=1)
    passed = yes_votes >= q
    best_deviation = offers[passed, 0].max(initial=delta / n)  # failing costs a round
    assert best_deviation <= kept + 1e-12
    # Proposing beats waiting: kept - delta / n = (1 - delta) + (n - q) delta / n >= 0, with
    # equality at delta = 1, q = n, where ``1 - (q - 1) * (delta / n)`` is computed with a
    # rounding error of at most 2 eps (one division, one product, one subtraction of numbers
    # <= 1), e.g. baron_ferejohn(5, 5, 1.0) keeps 0.19999999999999996.
    assert kept >= delta / n - ROUNDING


@given(st.integers(3, 25), discount_factors)
def test_majority_rule_proposer_share(n, delta):
    """Baron & Ferejohn (1989): with q = (n+1)/2 the proposer keeps 1 - delta (n-1) / (2n)."""
    n = n | 1  # odd
    proposer, _ = baron_ferejohn(n, (n + 1) // 2, delta)
    assert proposer == pytest.approx(1 - delta * (n - 1) / (2 * n), abs=1e-15)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 10, 15])
def test_unanimity_without_discounting_leaves_the_proposer_its_waiting_value(n):
    kept, price = baron_ferejohn(n, n, 1.0)
    assert kept == pytest.approx(1.0 / n, abs=ROUNDING)
    assert price == 1.0 / n


def test_baron_ferejohn_broadcasts():
    proposer, partner = baron_ferejohn(np.array([[3], [5]]), np.array([2, 3]), 0.9)
    assert proposer.shape == partner.shape == (2, 2)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((0, 1, 0.9), "n=0"),
        ((3.5, 2, 0.9), "n=3.5"),
        ((3, 4, 0.9), "q=4"),
        ((3, 0, 0.9), "q=0"),
        ((3, 2, 1.1), "delta=1.1"),
        ((np.array([3, 4]), np.array([2, 2, 2]), 0.9), "q (3,)"),
    ],
)
def test_baron_ferejohn_invalid_input_raises_naming_the_argument(args, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        baron_ferejohn(*args)


# Unanimity -------------------------------------------------------------------------


def test_unanimity_converges_to_the_stationary_solution_as_the_horizon_grows():
    rng = np.random.default_rng(11)
    recognition = rng.dirichlet(np.ones(5), size=400)
    deltas = rng.uniform(0.0, 0.98, (400, 5))
    stationary = unanimity_bargaining(recognition, deltas)
    errors = []
    for rounds in (10, 100, 2000):
        finite = unanimity_by_backward_induction(recognition, deltas, rounds)
        errors.append(np.abs(finite[0] - stationary.values).max())
    assert errors[0] > errors[1] > errors[2]
    finite = unanimity_by_backward_induction(recognition, deltas, 2000)
    for got, expected in zip(stationary, finite, strict=True):
        assert np.allclose(got, expected, atol=1e-12, rtol=0)


@pytest.mark.parametrize("players", [2, 3, 5, 8])
def test_unanimity_matches_backward_induction_on_a_batch(players):
    # 400 games at once; the truncated game's error is at most max(delta) ** rounds <= 1e-17.
    rng = np.random.default_rng(players)
    recognition = rng.dirichlet(np.full(players, 0.7), 400)
    recognition[rng.uniform(size=recognition.shape) < 0.1] = 0.0
    recognition[:, 0] += recognition.sum(axis=1) == 0
    recognition /= recognition.sum(axis=1, keepdims=True)
    deltas = rng.uniform(0.0, 0.98, (400, players))
    finite = unanimity_by_backward_induction(recognition, deltas, 2000)
    assert unanimity_bargaining(recognition, deltas).values == pytest.approx(finite[0], abs=1e-12)


@settings(max_examples=20)
@given(probability_vectors(), st.data())
def test_unanimity_matches_backward_induction(recognition, data):
    # The batch above covers the bulk; hypothesis adds the corners (delta = 0, zero recognition).
    n = len(recognition)
    deltas = np.array(data.draw(st.lists(impatient_discount_factors, min_size=n, max_size=n)))
    finite = unanimity_by_backward_induction(recognition, deltas, 2000)
    assert unanimity_bargaining(recognition, deltas).values == pytest.approx(finite[0], abs=1e-12)


@settings(max_examples=60)
@given(probability_vectors(), st.data())
def test_unanimity_values_divide_the_pie_and_satisfy_stationarity(recognition, data):
    n = len(recognition)
    deltas = np.array(data.draw(st.lists(st.floats(0.0, 0.9999), min_size=n, max_size=n)))
    values, kept, offered = unanimity_bargaining(recognition, deltas)
    assert values.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(values >= 0)
    assert values == pytest.approx(recognition * kept + (1 - recognition) * offered, abs=1e-12)
    assert np.all(kept >= deltas * values - 1e-12)  # proposing beats delaying


@given(
    probability_vectors(min_players=3, max_players=3), st.floats(0.0, 0.95), st.floats(0.001, 0.04)
)
def test_more_patient_player_gets_more(recognition, delta, step):
    deltas = np.full(3, delta)
    base = unanimity_bargaining(recognition, deltas).values
    deltas[0] += step
    assert unanimity_bargaining(recognition, deltas).values[0] >= base[0] - 1e-14


@given(st.lists(impatient_discount_factors, min_size=2, max_size=5), st.floats(0.01, 0.5))
def test_proposing_more_often_gets_more(deltas, shift):
    n = len(deltas)
    recognition = np.full(n, 1 / n)
    base = unanimity_bargaining(recognition, deltas).values
    favoured = recognition.copy()
    moved = shift * favoured[1]
    favoured[0] += moved
    favoured[1] -= moved
    assert unanimity_bargaining(favoured, deltas).values[0] >= base[0] - 1e-14


@given(st.integers(2, 6), impatient_discount_factors)
def test_symmetric_players_get_equal_values(n, delta):
    values, kept, _ = unanimity_bargaining(np.full(n, 1 / n), np.full(n, delta))
    assert values == pytest.approx(np.full(n, 1 / n), abs=1e-14)
    assert kept == pytest.approx(np.full(n, 1 - (n - 1) * delta / n), abs=1e-14)


@given(probability_vectors(), impatient_discount_factors)
def test_equal_patience_makes_values_equal_to_recognition(recognition, delta):
    values = unanimity_bargaining(recognition, np.full(len(recognition), delta)).values
    assert values == pytest.approx(recognition, abs=1e-14)


@settings(max_examples=40)
@given(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5), st.data())
def test_short_rounds_approach_the_weighted_nash_split(rates, data):
    """dt -> 0: values -> Nash split with powers p_i / r_i (Binmore, Rubinstein & Wolinsky)."""
    n = len(rates)
    recognition = data.draw(probability_vectors(min_players=n, max_players=n))
    rates = np.array(rates)
    deltas = discount_factor(rates, 1e-7)
    weights = recognition / rates
    if weights.sum() == 0:
        return
    expected = nash_split(np.ones(n), weights=weights)
    assert unanimity_bargaining(recognition, deltas).values == pytest.approx(expected, abs=1e-5)


def test_infinitely_patient_proposer_takes_the_pie_and_never_proposing_gets_nothing():
    values, _, _ = unanimity_bargaining([0.2, 0.3, 0.5], [1.0, 0.9, 0.5])
    assert values.tolist() == [1.0, 0.0, 0.0]
    values, _, _ = unanimity_bargaining([0.0, 0.5, 0.5], [1.0, 0.9, 0.5])
    finite = unanimity_by_backward_induction([0.0, 0.5, 0.5], [1.0, 0.9, 0.5], 2000)
    assert values[0] == 0.0 == finite[0][0]
    assert values == pytest.approx(finite[0], abs=1e-12)


def test_unanimity_batch_axes_lead_and_players_are_last():
    recognition = np.full((4, 3, 5), 0.2)
    deltas = np.linspace(0.5, 0.9, 5)
    values, kept, offered = unanimity_bargaining(recognition, deltas)
    assert values.shape == kept.shape == offered.shape == (4, 3, 5)


@pytest.mark.parametrize(
    ("recognition", "deltas", "named"),
    [
        ([0.5, 0.6], [0.9, 0.9], "sum(recognition, over players)=1.1"),
        ([1.5, -0.5], [0.9, 0.9], "recognition[0]=1.5"),
        ([0.5, 0.5], [0.9, 1.2], "deltas[1]=1.2"),
        ([0.5, 0.5], [1.0, 1.0], "deltas == 1"),
        ([0.5, 0.5], [0.9, 0.9, 0.9], "deltas (3,)"),
        (0.5, 0.9, "recognition must have a last axis"),
        ([0.5, np.nan], [0.9, 0.9], "recognition[1]=nan"),
    ],
)
def test_unanimity_invalid_input_raises_naming_the_argument(recognition, deltas, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        unanimity_bargaining(recognition, deltas)
