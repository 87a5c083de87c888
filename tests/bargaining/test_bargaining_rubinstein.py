"""Rubinstein alternating offers: known answers, backward induction, properties."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import discount_factors, impatient_discount_factors

from sim.bargaining import discount_factor, rubinstein


def backward_induction(delta1, delta2, rounds, outside_option=None):
    """Player 1's share in round 0 of the game cut off after ``rounds`` rounds.

    Rounds alternate, player 1 proposing in even rounds; after the last round
    both get 0.  A responder accepts the smallest offer at least as good as
    rejecting: its discounted share as next proposer or, for player 2 when
    it has an outside option, opting out.
    """
    delta1, delta2 = np.broadcast_arrays(np.asarray(delta1, float), np.asarray(delta2, float))
    option = np.zeros_like(delta1) if outside_option is None else np.asarray(outside_option)
    next_proposer_share = np.zeros_like(delta1)  # nothing after the last round
    for round_ in reversed(range(rounds)):
        if round_ % 2 == 0:  # player 1 proposes, player 2 responds
            rejection_value = np.maximum(delta2 * next_proposer_share, option)
        else:
            rejection_value = delta1 * next_proposer_share
        next_proposer_share = 1.0 - rejection_value
    return next_proposer_share


def test_symmetric_example_from_the_issue():
    x1, x2 = rubinstein(0.8, 0.8)
    assert x1 == pytest.approx(5 / 9, abs=1e-12)
    assert x2 == pytest.approx(4 / 9, abs=1e-12)


def test_binding_outside_option_example_from_the_issue():
    x1, x2 = rubinstein(0.8, 0.8, outside_option=0.7)
    assert (x1, x2) == (pytest.approx(0.3, abs=1e-12), pytest.approx(0.7, abs=1e-12))


def test_matches_backward_induction_of_long_finite_games():
    rng = np.random.default_rng(20240601)
    delta1 = rng.uniform(0.0, 0.98, 500)
    delta2 = rng.uniform(0.0, 0.98, 500)
    expected = backward_induction(delta1, delta2, rounds=4000)
    assert np.allclose(rubinstein(delta1, delta2).proposer_share, expected, atol=1e-12, rtol=0)


def test_outside_option_matches_backward_induction():
    rng = np.random.default_rng(7)
    delta1 = rng.uniform(0.0, 0.98, 500)
    delta2 = rng.uniform(0.0, 0.98, 500)
    option = rng.uniform(-0.5, 1.0, 500)
    expected = backward_induction(delta1, delta2, rounds=4000, outside_option=option)
    got = rubinstein(delta1, delta2, outside_option=option).proposer_share
    assert np.allclose(got, expected, atol=1e-12, rtol=0)


@given(discount_factors, discount_factors)
def test_shares_are_a_division_of_the_pie(delta1, delta2):
    assume(delta1 < 1.0 or delta2 < 1.0)
    x1, x2 = rubinstein(delta1, delta2)
    assert 0.0 <= x1 <= 1.0 and 0.0 <= x2 <= 1.0
    assert x1 + x2 == pytest.approx(1.0, abs=1e-15)


@given(impatient_discount_factors, impatient_discount_factors, st.floats(0.001, 0.02))
def test_more_patient_side_gets_more(delta1, delta2, step):
    more_patient_1 = min(delta1 + step, 0.999)
    assert rubinstein(more_patient_1, delta2).proposer_share >= rubinstein(delta1, delta2)[0]
    more_patient_2 = min(delta2 + step, 0.999)
    assert rubinstein(delta1, more_patient_2).responder_share >= rubinstein(delta1, delta2)[1]


@given(st.floats(0.0, 0.999))
def test_first_mover_advantage_with_equal_patience(delta):
    x1, x2 = rubinstein(delta, delta)
    assert x1 >= x2
    assert x1 == pytest.approx(1.0 / (1.0 + delta), rel=1e-12)


@given(st.floats(0.01, 1.0), st.floats(0.01, 1.0))
def test_short_rounds_split_by_relative_rates(rate1, rate2):
    """As the round length goes to 0, x1 -> r2 / (r1 + r2) (Binmore, Rubinstein & Wolinsky)."""
    delta1, delta2 = discount_factor([rate1, rate2], 1e-7)
    assert rubinstein(delta1, delta2).proposer_share == pytest.approx(
        rate2 / (rate1 + rate2), abs=1e-6
    )


@given(impatient_discount_factors, impatient_discount_factors, st.floats(-1.0, 1.0))
def test_outside_option_matters_only_when_it_binds(delta1, delta2, option):
    without = rubinstein(delta1, delta2)
    with_option = rubinstein(delta1, delta2, outside_option=option)
    if option <= without.responder_share:
        assert with_option == without
    else:
        assert with_option.responder_share == option
    assert with_option.responder_share >= without.responder_share


def test_one_infinitely_patient_player_takes_the_pie():
    assert rubinstein(1.0, 0.5) == (1.0, 0.0)
    assert rubinstein(0.5, 1.0) == (0.0, 1.0)
    assert backward_induction(1.0, 0.5, rounds=200) == pytest.approx(1.0, abs=1e-12)
    assert backward_induction(0.5, 1.0, rounds=200) == pytest.approx(0.0, abs=1e-12)


def test_scalars_in_give_scalars_out_and_arrays_broadcast():
    x1, x2 = rubinstein(0.9, 0.8)
    assert np.ndim(x1) == 0 and np.ndim(x2) == 0
    x1, x2 = rubinstein(np.full((4, 1), 0.9), np.linspace(0.1, 0.9, 3))
    assert x1.shape == x2.shape == (4, 3)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"delta1": 1.0, "delta2": 1.0}, "delta1"),
        ({"delta1": -0.1, "delta2": 0.5}, "delta1"),
        ({"delta1": 0.5, "delta2": [0.5, 1.5]}, "delta2[1]"),
        ({"delta1": np.nan, "delta2": 0.5}, "delta1"),
        ({"delta1": 0.5, "delta2": 0.5, "outside_option": 1.2}, "outside_option"),
        ({"delta1": [0.5, 0.6], "delta2": [0.5, 0.6, 0.7]}, "delta2 (3,)"),
    ],
)
def test_invalid_input_raises_naming_the_argument(kwargs, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        rubinstein(kwargs.pop("delta1"), kwargs.pop("delta2"), **kwargs)


@settings(max_examples=25)
@given(st.floats(1.0001, 10.0))
def test_discount_factor_above_one_is_rejected(delta):
    with pytest.raises(ValueError, match="delta2"):
        rubinstein(0.5, delta)
