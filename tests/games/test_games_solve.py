"""The nashpy wrappers: all equilibria, how they were found, degeneracy, selection."""

from __future__ import annotations

import nashpy
import numpy as np
import pytest
from games_strategies import (
    as_key,
    is_equilibrium,
    nashpy_extreme_equilibria,
    nashpy_support_equilibria,
    small_int_games,
)
from hypothesis import given, settings

from sim.games.closed_form import solve_2x2
from sim.games.solve import equilibria, select

pygambit = pytest.importorskip(
    "pygambit", reason="pygambit (the 'games' extra) is needed for the cross-check"
)


def wrapper_set(found) -> set[tuple[float, ...]]:
    return {as_key(e.row_mix, e.col_mix) for e in found}


def gambit_set(A, B) -> set[tuple[float, ...]]:
    """All extreme equilibria by pygambit's enummixed, in exact rational arithmetic."""
    game = pygambit.Game.from_arrays(
        [[pygambit.Rational(str(v)) for v in row] for row in A],
        [[pygambit.Rational(str(v)) for v in row] for row in B],
    )
    result = pygambit.nash.enummixed_solve(game, rational=True)
    keys = set()
    for profile in result.equilibria:
        row, col = game.players
        x = [float(profile[s]) for s in row.strategies]
        y = [float(profile[s]) for s in col.strategies]
        keys.add(as_key(x, y))
    return keys


TEXTBOOK = {
    "battle_of_the_sexes": ([[3, 0], [0, 2]], [[2, 0], [0, 3]]),
    "chicken": ([[0, -1], [1, -10]], [[0, 1], [-1, -10]]),
    "matching_pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),
    "inspection": ([[-1, -1], [-4, 0]], [[-5, 0], [2, 0]]),
    "prisoners_dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "rock_paper_scissors": (
        [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
        [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
    ),
}


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
@pytest.mark.parametrize("method", ["support", "vertex"])
def test_textbook_games_match_nashpy_and_pygambit(name, method):
    A, B = (np.array(M, float) for M in TEXTBOOK[name])
    found = equilibria(A, B, method=method)
    assert wrapper_set(found) == nashpy_support_equilibria(A, B) == gambit_set(A, B)
    assert found.method == method and not found.degenerate
    assert found.nashpy_version == nashpy.__version__
    for e in found:
        assert e.row_payoff == pytest.approx(e.row_mix @ A @ e.col_mix)
        assert e.col_payoff == pytest.approx(e.row_mix @ B @ e.col_mix)


def test_rock_paper_scissors_has_only_the_uniform_equilibrium():
    A, B = (np.array(M, float) for M in TEXTBOOK["rock_paper_scissors"])
    (only,) = equilibria(A, B).equilibria
    assert only.row_mix == pytest.approx([1 / 3] * 3)
    assert only.col_mix == pytest.approx([1 / 3] * 3)


def test_lemke_howson_finds_equilibria_and_says_so():
    A, B = (np.array(M, float) for M in TEXTBOOK["battle_of_the_sexes"])
    found = equilibria(A, B, method="lemke_howson")
    assert found.method == "lemke_howson" and not found.degenerate
    assert 1 <= len(found) <= 3
    assert wrapper_set(found) <= nashpy_support_equilibria(A, B)


def test_a_degenerate_game_is_reported_and_solved_by_vertex_enumeration():
    # Each player is indifferent between its actions whatever the other does:
    # nashpy's support enumeration finds 4 equilibria and warns about the even count.
    A = np.array([[1.0, 0.0], [1.0, 0.0]])
    B = np.array([[1.0, 1.0], [0.0, 0.0]])
    found = equilibria(A, B)
    assert found.degenerate
    assert (found.requested_method, found.method) == ("support", "vertex")
    assert any("even number" in w and "degenerate" in w for w in found.warnings)
    assert wrapper_set(found) == nashpy_extreme_equilibria(A, B) == gambit_set(A, B)
    assert len(found) == 4


def test_a_degenerate_game_nashpy_does_not_warn_about_is_still_reported():
    # The column player is indifferent against the first row (4 = 4): the equilibrium
    # set is a segment, whose end points support enumeration does not both find.
    A = np.array([[2.0, 19.5], [0.0, 22.5]])
    B = np.array([[4.0, 4.0], [8.0, 4.0]])
    found = equilibria(A, B)
    assert found.degenerate and found.method == "vertex"
    assert wrapper_set(found) == nashpy_extreme_equilibria(A, B) == gambit_set(A, B)
    assert len(found) == 2


@pytest.mark.slow
@settings(max_examples=150)
@given(small_int_games())
def test_wrapper_returns_all_extreme_equilibria_of_any_2x2_game(game):
    A, B = game
    found = equilibria(A, B)
    assert wrapper_set(found) == gambit_set(A, B)
    for e in found:
        assert is_equilibrium(A, B, e.row_mix, e.col_mix)


def test_wrapper_agrees_with_pygambit_on_random_3x3_games():
    rng = np.random.default_rng(7)
    for _ in range(25):
        A = rng.integers(-9, 10, size=(3, 3)).astype(float)
        B = rng.integers(-9, 10, size=(3, 3)).astype(float)
        assert wrapper_set(equilibria(A, B)) == gambit_set(A, B)


@settings(max_examples=100)
@given(small_int_games(-4, 4))
def test_select_on_nashpy_equilibria_equals_the_closed_form_selection(game):
    A, B = game
    found = equilibria(A, B)
    for rule in ("payoff_dominant", "risk_dominant", "expected"):
        chosen = select(A, B, found, rule)
        closed = solve_2x2(A, B, rule)
        assert chosen.row_mix[0] == pytest.approx(closed.row_first[0], abs=1e-9)
        assert chosen.col_mix[0] == pytest.approx(closed.col_first[0], abs=1e-9)
        assert chosen.row_payoff == pytest.approx(closed.row_payoff[0], abs=1e-9)


def test_risk_dominance_does_not_apply_beyond_2x2_and_falls_back_to_expected():
    # Pure coordination on the diagonal of a 3x3 game: three strict pure equilibria.
    A = np.diag([3.0, 2.0, 1.0])
    found = equilibria(A, A)
    chosen = select(A, A, found, "risk_dominant")
    assert chosen.rule_applied == "expected over equilibria"
    assert chosen.weights == pytest.approx(np.full(len(found), 1 / len(found)))
    assert select(A, A, found, "payoff_dominant").rule_applied == "payoff dominance"


def test_bad_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="method must be one of"):
        equilibria(np.eye(2), np.eye(2), method="simplex")
    with pytest.raises(ValueError, match="same shape"):
        equilibria(np.eye(2), np.eye(3))
    with pytest.raises(ValueError, match="finite"):
        equilibria(np.array([[np.inf, 0], [0, 1]]), np.eye(2))
    with pytest.raises(ValueError, match="selection must be one of"):
        select(np.eye(2), np.eye(2), equilibria(np.eye(2), np.eye(2)), "best")
