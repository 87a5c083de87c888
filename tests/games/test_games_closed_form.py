"""The vectorized 2x2 closed form against nashpy, textbook answers and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from games_strategies import (
    as_key,
    grid_games,
    is_equilibrium,
    nashpy_extreme_equilibria,
    nashpy_support_equilibria,
    same_points,
    small_int_games,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.games.closed_form import equilibria_2x2, solve_2x2


def closed_form_set(A, B) -> set[tuple[float, ...]]:
    eq = equilibria_2x2(A, B)
    keys = set()
    for k in np.flatnonzero(eq.valid[0]):
        p, q = eq.row_first[0, k], eq.col_first[0, k]
        keys.add(as_key([p, 1 - p], [q, 1 - q]))
    return keys


def key(p, q):
    return as_key([p, 1 - p], [q, 1 - q])


# Hand-derived equilibria (p = P(row plays action 0), q = P(column plays action 0)).
TEXTBOOK = {
    # Battle of the sexes: column indifferent at 2p = 3(1 - p) -> p = 3/5;
    # row indifferent at 3q = 2(1 - q) -> q = 2/5.
    "battle_of_the_sexes": (
        [[3, 0], [0, 2]],
        [[2, 0], [0, 3]],
        {key(1, 1), key(0, 0), key(3 / 5, 2 / 5)},
    ),
    # Chicken (swerve, straight): row indifferent at q - 1 = 11q - 10 -> q = 0.9.
    "chicken": (
        [[0, -1], [1, -10]],
        [[0, 1], [-1, -10]],
        {key(1, 0), key(0, 1), key(0.9, 0.9)},
    ),
    "matching_pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], {key(0.5, 0.5)}),
    # Inspection (inspect / not) x (cheat / comply): the inspectee is indifferent at
    # -5p + 2(1 - p) = 0 -> p = 2/7; the inspector at -1 = -4q -> q = 1/4.
    "inspection": ([[-1, -1], [-4, 0]], [[-5, 0], [2, 0]], {key(2 / 7, 1 / 4)}),
    # Prisoner's dilemma (cooperate, defect): defect strictly dominant.
    "prisoners_dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]], {key(0, 0)}),
}


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_games_have_their_known_equilibria(name):
    A, B, expected = TEXTBOOK[name]
    A, B = np.array(A, float), np.array(B, float)
    assert closed_form_set(A, B) == expected
    assert nashpy_support_equilibria(A, B) == expected
    assert not equilibria_2x2(A, B).degenerate[0]


def test_a_batch_of_textbook_games_is_solved_at_once():
    names = sorted(TEXTBOOK)
    A = np.array([TEXTBOOK[n][0] for n in names], float)
    B = np.array([TEXTBOOK[n][1] for n in names], float)
    eq = equilibria_2x2(A, B)
    assert eq.valid.shape == (len(names), 9)
    assert eq.count.tolist() == [len(TEXTBOOK[n][2]) for n in names]


@pytest.mark.slow
@settings(max_examples=300)
@given(small_int_games())
def test_closed_form_equals_nashpy_vertex_enumeration_even_when_degenerate(game):
    A, B = game
    assert same_points(closed_form_set(A, B), nashpy_extreme_equilibria(A, B))


@pytest.mark.slow
@settings(max_examples=200)
@given(grid_games())
@example(
    # q = 127/128 = 0.9921875, at the 6-digit keys' rounding boundary: the two methods'
    # values fall on either side of it (found by hypothesis, session 5)
    (np.array([[-4.17, -10.64], [-4.22, -4.29]]), np.zeros((2, 2)))
)
def test_closed_form_equals_nashpy_on_grid_games(game):
    A, B = game
    assert same_points(closed_form_set(A, B), nashpy_extreme_equilibria(A, B))


def test_closed_form_equals_support_enumeration_on_random_games():
    rng = np.random.default_rng(20261101)
    A = rng.normal(size=(300, 2, 2))
    B = rng.normal(size=(300, 2, 2))
    eq = equilibria_2x2(A, B)
    assert not eq.degenerate.any()
    assert set(eq.count.tolist()) <= {1, 3}  # nondegenerate: an odd number
    for g in range(300):
        assert same_points(closed_form_set(A[g], B[g]), nashpy_support_equilibria(A[g], B[g]))


@settings(max_examples=200)
@given(small_int_games(-4, 4))
def test_every_equilibrium_is_a_mutual_best_response_with_its_payoffs(game):
    A, B = game
    eq = equilibria_2x2(A, B)
    for k in np.flatnonzero(eq.valid[0]):
        x = np.array([eq.row_first[0, k], 1 - eq.row_first[0, k]])
        y = np.array([eq.col_first[0, k], 1 - eq.col_first[0, k]])
        assert is_equilibrium(A, B, x, y)
        assert eq.row_payoff[0, k] == pytest.approx(x @ A @ y, abs=1e-12)
        assert eq.col_payoff[0, k] == pytest.approx(x @ B @ y, abs=1e-12)


@settings(max_examples=200)
@given(small_int_games())
def test_degenerate_flag_is_a_pure_strategy_with_two_best_responses(game):
    A, B = game
    tie = any(A[0, j] == A[1, j] for j in range(2)) or any(B[i, 0] == B[i, 1] for i in range(2))
    assert bool(equilibria_2x2(A, B).degenerate[0]) == tie


def test_weakly_dominated_game_reports_all_four_pure_profiles_as_degenerate():
    # Each player is indifferent between its own actions whatever the other does.
    A = np.array([[1.0, 0.0], [1.0, 0.0]])
    B = np.array([[1.0, 1.0], [0.0, 0.0]])
    eq = equilibria_2x2(A, B)
    assert eq.degenerate[0]
    assert closed_form_set(A, B) == {key(1, 1), key(1, 0), key(0, 1), key(0, 0)}


def test_ties_up_to_rounding_count_as_ties():
    # 0.1 + 0.2 != 0.3 in floating point; the game is meant to have a tie.
    A = np.array([[0.1 + 0.2, 0.0], [0.3, 1.0]])
    B = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert equilibria_2x2(A, B).degenerate[0]
    assert same_points(closed_form_set(A, B), nashpy_extreme_equilibria(np.round(A, 9), B))


STAG_HUNT = (np.array([[4.0, 0.0], [3.0, 3.0]]), np.array([[4.0, 3.0], [0.0, 3.0]]))


def test_stag_hunt_payoff_dominance_picks_stag_and_risk_dominance_hare():
    # (stag, stag) pays (4, 4) > (3, 3); deviation-loss products: stag (4-3)(4-3) = 1,
    # hare (3-0)(3-0) = 9, so hare is risk-dominant (Harsanyi and Selten 1988).
    payoff = solve_2x2(*STAG_HUNT, "payoff_dominant")
    risk = solve_2x2(*STAG_HUNT, "risk_dominant")
    assert (payoff.row_first[0], payoff.col_first[0]) == (1.0, 1.0)
    assert (risk.row_first[0], risk.col_first[0]) == (0.0, 0.0)
    assert payoff.rule_applied[0] == 1 and risk.rule_applied[0] == 2


def test_battle_of_the_sexes_has_no_dominant_equilibrium_so_expected_is_used():
    A, B, _ = TEXTBOOK["battle_of_the_sexes"]
    out = solve_2x2(np.array(A, float), np.array(B, float), "payoff_dominant")
    # products (3-0)(2-0) = 6 = (2-0)(3-0): risk dominance ties, average of 3 equilibria.
    assert out.rule_applied[0] == 3
    assert out.row_first[0] == pytest.approx((1 + 0 + 3 / 5) / 3)
    assert out.col_first[0] == pytest.approx((1 + 0 + 2 / 5) / 3)


def test_asymmetric_battle_of_the_sexes_is_decided_by_risk_dominance():
    # products: (0,0): (4-0)(2-0) = 8 > (1,1): (2-0)(3-0) = 6.
    A = np.array([[4.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    out = solve_2x2(A, B, "payoff_dominant")
    assert out.rule_applied[0] == 2
    assert (out.row_first[0], out.col_first[0]) == (1.0, 1.0)


@settings(max_examples=200)
@given(st.lists(st.integers(-5, 5), min_size=4, max_size=4))
def test_risk_dominant_action_in_symmetric_coordination_games_is_the_best_reply_to_a_coin_flip(v):
    a, b, c, d = v
    A = np.array([[a, b], [c, d]], float)
    if not (a > c and d > b) or a + b == c + d:
        return  # not a coordination game with a strict risk ranking
    out = solve_2x2(A, A.T, "risk_dominant")
    first_is_better_against_half = a + b > c + d
    assert out.rule_applied[0] == 2
    assert out.row_first[0] == (1.0 if first_is_better_against_half else 0.0)
    assert out.col_first[0] == out.row_first[0]


@pytest.mark.slow
@settings(max_examples=200)
@given(small_int_games(-4, 4))
def test_payoff_dominant_selection_is_the_equilibrium_everyone_prefers_when_it_exists(game):
    A, B = game
    found = sorted(nashpy_extreme_equilibria(A, B))
    pays = [
        (np.array(k[:2]) @ A @ np.array(k[2:]), np.array(k[:2]) @ B @ np.array(k[2:]))
        for k in found
    ]
    dominant = [
        i
        for i in range(len(found))
        if all(
            pays[i][0] >= pays[j][0] - 1e-9 and pays[i][1] >= pays[j][1] - 1e-9
            for j in range(len(found))
        )
    ]
    out = solve_2x2(A, B, "payoff_dominant")
    if len(found) > 1 and dominant:
        expected_p = np.mean([found[i][0] for i in dominant])
        assert out.rule_applied[0] == 1
        assert out.row_first[0] == pytest.approx(expected_p, abs=1e-6)
    assert out.weights.sum() == pytest.approx(1.0)


@settings(max_examples=100)
@given(small_int_games())
def test_expected_rule_is_the_plain_average_over_nashpy_equilibria(game):
    A, B = game
    found = sorted(nashpy_extreme_equilibria(A, B))
    out = solve_2x2(A, B, "expected")
    assert out.row_first[0] == pytest.approx(np.mean([k[0] for k in found]), abs=1e-6)
    assert out.col_first[0] == pytest.approx(np.mean([k[2] for k in found]), abs=1e-6)


def test_bad_inputs_raise_value_errors_naming_the_problem():
    with pytest.raises(ValueError, match="A must have shape"):
        equilibria_2x2(np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="same shape"):
        equilibria_2x2(np.zeros((2, 2, 2)), np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="finite"):
        equilibria_2x2(np.array([[np.nan, 0], [0, 0]]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="selection must be one of"):
        solve_2x2(np.zeros((2, 2)), np.zeros((2, 2)), "nash")
