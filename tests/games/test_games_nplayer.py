"""n-player games with pygambit, cross-checked against nashpy and brute force."""

from __future__ import annotations

import builtins
from itertools import product

import numpy as np
import pytest
from games_strategies import as_key, nashpy_extreme_equilibria

from sim.games.closed_form import solve_2x2
from sim.games.nplayer import (
    joint_sanctions_payoffs,
    require_pygambit,
    solve_joint_sanctions,
    solve_nplayer,
)
from sim.games.subgames import SUBGAMES

pytest.importorskip("pygambit", reason="pygambit (the 'games' extra) is not installed")

CHINA = dict(
    discount_value=8.0,
    sanction_cost=2.0,
    cut_share=0.5,
    imposition_cost=3.0,
    enforcement_value=5.0,
    cut_gain=45.0,
)
INDIA = dict(
    discount_value=6.5,
    sanction_cost=10.0,
    cut_share=0.6,
    imposition_cost=1.0,
    enforcement_value=4.0,
    cut_gain=38.0,
)

TEXTBOOK = {
    "battle_of_the_sexes": ([[3, 0], [0, 2]], [[2, 0], [0, 3]]),
    "chicken": ([[0, -1], [1, -10]], [[0, 1], [-1, -10]]),
    "inspection": ([[-1, -1], [-4, 0]], [[-5, 0], [2, 0]]),
    "prisoners_dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]]),
    "weakly_dominated_degenerate": ([[1, 0], [1, 0]], [[1, 1], [0, 0]]),
}


def gambit_keys(result):
    return {as_key(*e.mixes) for e in result.equilibria}


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_pygambit_enummixed_agrees_with_nashpy_on_two_player_games(name):
    A, B = (np.array(M, float) for M in TEXTBOOK[name])
    result = solve_nplayer([A, B], method="enummixed")
    assert gambit_keys(result) == nashpy_extreme_equilibria(A, B)
    assert result.method == "enummixed" and result.pygambit_version


@pytest.mark.parametrize("name", ["battle_of_the_sexes", "chicken", "inspection"])
def test_pygambit_enumpoly_agrees_with_nashpy_on_nondegenerate_two_player_games(name):
    A, B = (np.array(M, float) for M in TEXTBOOK[name])
    assert gambit_keys(solve_nplayer([A, B])) == nashpy_extreme_equilibria(A, B)


def regret(payoffs, mixes):
    """Largest gain from a pure deviation, by brute force over all profiles."""
    n = len(payoffs)
    worst = 0.0
    for i in range(n):
        values = np.zeros(payoffs[i].shape[i])
        for profile in product(*(range(m) for m in payoffs[i].shape)):
            others = np.prod([mixes[j][profile[j]] for j in range(n) if j != i])
            values[profile[i]] += others * payoffs[i][profile]
        worst = max(worst, values.max() - values @ mixes[i])
    return worst


def pure_equilibria(payoffs):
    """All pure-strategy equilibria by checking every profile and every deviation."""
    found = set()
    for profile in product(*(range(m) for m in payoffs[0].shape)):
        stable = True
        for i, u in enumerate(payoffs):
            for a in range(u.shape[i]):
                deviation = list(profile)
                deviation[i] = a
                if u[tuple(deviation)] > u[profile] + 1e-12:
                    stable = False
        if stable:
            found.add(profile)
    return found


@pytest.mark.parametrize("spillover", [0.0, 0.5, 3.0])
def test_joint_sanctions_equilibria_are_equilibria_and_include_every_pure_one(spillover):
    payoffs = joint_sanctions_payoffs({"b1": CHINA, "b2": INDIA}, spillover)
    result = solve_nplayer(payoffs)
    assert len(result) >= 1
    for e in result.equilibria:
        assert regret(payoffs, e.mixes) < 1e-6
    pure_found = {
        tuple(int(np.argmax(m)) for m in e.mixes)
        for e in result.equilibria
        if all(m.max() > 1 - 1e-9 for m in e.mixes)
    }
    assert pure_found == pure_equilibria(payoffs)


def test_joint_payoffs_add_the_two_player_games_and_the_spillover():
    payoffs = joint_sanctions_payoffs({"b1": CHINA, "b2": INDIA}, spillover=0.5)
    A1, B1 = (M[0] for M in SUBGAMES["secondary_sanctions"].build(CHINA))
    A2, B2 = (M[0] for M in SUBGAMES["secondary_sanctions"].build(INDIA))
    # impose, b1 keeps, b2 cuts: b1 gains 0.5 * f2 * D2 = 0.5 * 0.6 * 6.5 = 1.95.
    assert payoffs[0][0, 0, 1] == pytest.approx(A1[0, 0] + A2[0, 1])
    assert payoffs[1][0, 0, 1] == pytest.approx(B1[0, 0] + 1.95)
    assert payoffs[2][0, 0, 1] == pytest.approx(B2[0, 1])


def test_one_buyer_joint_game_is_the_two_player_game():
    for cost in (2.0, 9.0):
        params = dict(CHINA, sanction_cost=cost)
        out = solve_joint_sanctions({"b": params})
        A, B = SUBGAMES["secondary_sanctions"].build(params)
        closed = solve_2x2(A, B, "payoff_dominant")
        assert out["imposed"] == pytest.approx(closed.row_first[0])
        kept = 1 - params["cut_share"] * (1 - closed.col_first[0])
        assert out["kept_share"]["b"] == pytest.approx(kept)


def test_a_common_sanctions_decision_makes_the_threat_to_the_second_buyer_bite():
    # Alone, the second buyer's game is an inspection game (sanctions imposed with
    # probability f D / S = 0.39, kept share 1 - 0.6 * 0.75 = 0.55). Jointly, the
    # sanctioner imposes on both because it imposes on the first anyway, and the second
    # buyer, whose sanctions cost exceeds f D, cuts: kept share 1 - 0.6 = 0.4.
    out = solve_joint_sanctions({"b1": CHINA, "b2": INDIA}, sanctioner="s")
    assert out["imposed"] == pytest.approx(1.0)
    assert out["kept_share"] == pytest.approx({"b1": 1.0, "b2": 0.4})
    assert out["result"].players == ("s", "b1", "b2")


def test_missing_pygambit_says_how_to_install_it(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pygambit":
            raise ImportError("No module named 'pygambit'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install ceasefire\[games\]"):
        require_pygambit()


def test_bad_n_player_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="one axis per player"):
        solve_nplayer([np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))])
    with pytest.raises(ValueError, match="two-player games only"):
        solve_nplayer([np.zeros((2, 2, 2))] * 3, method="enummixed")
