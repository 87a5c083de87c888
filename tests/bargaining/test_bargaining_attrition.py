"""War of attrition: indifference by numerical integration, Monte Carlo, properties."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from sim.bargaining import war_of_attrition

positive = st.floats(0.05, 20.0)


def payoff_of_quitting_at(stop, value, cost, opponent_quit_rate):
    """Expected payoff of a player who quits at time ``stop`` unless the opponent,
    quitting at the constant hazard ``opponent_quit_rate``, quits first."""
    density = lambda t: opponent_quit_rate * np.exp(-opponent_quit_rate * t)  # noqa: E731
    won, _ = integrate.quad(lambda t: (value - cost * t) * density(t), 0.0, stop)
    return won - cost * stop * np.exp(-opponent_quit_rate * stop)


@settings(max_examples=40)
@given(positive, positive, positive, positive)
def test_each_player_is_indifferent_about_when_to_quit(value_1, value_2, cost_1, cost_2):
    rates = war_of_attrition([value_1, value_2], [cost_1, cost_2]).quit_rates
    for player, (value, cost) in enumerate([(value_1, cost_1), (value_2, cost_2)]):
        opponent_rate = rates[1 - player]
        for stop in np.array([0.1, 1.0, 3.0]) / opponent_rate:
            payoff = payoff_of_quitting_at(stop, value, cost, opponent_rate)
            assert payoff == pytest.approx(0.0, abs=1e-7 * value)


def test_another_quit_rate_breaks_indifference():
    value, cost = 1.0, 0.2
    rate = war_of_attrition([value, value], [cost, cost]).quit_rates[0]
    faster, slower = 1.5 * rate, 0.5 * rate
    assert payoff_of_quitting_at(5.0, value, cost, faster) > 0.01
    assert payoff_of_quitting_at(5.0, value, cost, slower) < -0.01


def test_monte_carlo_win_probability_and_duration():
    values, costs = np.array([2.0, 1.0]), np.array([0.3, 0.1])
    equilibrium = war_of_attrition(values, costs)
    rng = np.random.default_rng(1988)
    draws = 200_000
    quit_times = rng.exponential(1.0 / equilibrium.quit_rates, size=(draws, 2))
    player_1_wins = quit_times[:, 1] < quit_times[:, 0]
    duration = quit_times.min(axis=1)
    p_win_error = np.sqrt(equilibrium.p_win[0] * equilibrium.p_win[1] / draws)
    assert player_1_wins.mean() == pytest.approx(equilibrium.p_win[0], abs=5 * p_win_error)
    duration_error = duration.std() / np.sqrt(draws)
    assert duration.mean() == pytest.approx(equilibrium.expected_duration, abs=5 * duration_error)


@given(positive, positive, positive, positive)
def test_win_probabilities_sum_to_one(value_1, value_2, cost_1, cost_2):
    equilibrium = war_of_attrition([value_1, value_2], [cost_1, cost_2])
    assert equilibrium.p_win.sum() == pytest.approx(1.0, abs=1e-15)
    assert equilibrium.expected_duration > 0


@given(positive, positive)
def test_symmetric_players_win_equally_and_dissipate_the_prize(value, cost):
    equilibrium = war_of_attrition([value, value], [cost, cost])
    assert equilibrium.p_win == pytest.approx([0.5, 0.5], abs=1e-15)
    # Expected total cost 2 c E[T] equals the prize V: full rent dissipation.
    assert 2 * cost * equilibrium.expected_duration == pytest.approx(value, rel=1e-14)


@given(positive, positive, positive, positive, st.floats(1.1, 5.0))
def test_a_player_who_values_the_prize_more_wins_less_often(v1, v2, c1, c2, factor):
    """Mixed-equilibrium comparative statics: own payoffs set the opponent's quit rate."""
    base = war_of_attrition([v1, v2], [c1, c2]).p_win[0]
    assert war_of_attrition([v1 * factor, v2], [c1, c2]).p_win[0] < base


@given(positive, positive, positive, positive, positive)
def test_only_cost_to_value_ratios_matter_for_who_wins(v1, v2, c1, c2, scale):
    base = war_of_attrition([v1, v2], [c1, c2])
    scaled = war_of_attrition([v1 * scale, v2], [c1 * scale, c2])
    assert scaled.p_win == pytest.approx(base.p_win, rel=1e-12)


def test_batch_axes_lead_and_players_are_last():
    equilibrium = war_of_attrition(np.ones((3, 4, 2)), np.array([0.1, 0.2]))
    assert equilibrium.quit_rates.shape == equilibrium.p_win.shape == (3, 4, 2)
    assert equilibrium.expected_duration.shape == (3, 4)
    assert np.ndim(war_of_attrition([1.0, 1.0], [0.1, 0.1]).expected_duration) == 0


@pytest.mark.parametrize(
    ("values", "costs", "named"),
    [
        ([1.0, -1.0], [0.1, 0.1], "values[1]=-1.0"),
        ([1.0, 1.0], [0.0, 0.1], "costs[0]=0.0"),
        ([1.0, 1.0, 1.0], [0.1, 0.1, 0.1], "last axis of 2 players"),
        ([1.0, 1.0], [0.1, 0.1, 0.1], "costs (3,)"),
        ([1.0, np.inf], [0.1, 0.1], "values[1]=inf"),
    ],
)
def test_invalid_input_raises_naming_the_argument(values, costs, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        war_of_attrition(values, costs)
