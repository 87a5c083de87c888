"""The escalation ladder (sim.games.ladder): backward induction against an independent
stage-by-stage solution with nashpy, against pygambit (the whole ladder as an extensive
game: the solution is a Nash equilibrium of it), and its outcome distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.games.ladder import RUNG_PARAMETERS, cumulative, draw_outcomes, solve_ladder
from sim.games.solve import equilibria, select

_value = st.floats(0.0, 6.0).map(lambda x: round(x, 2))


def _rungs(draw_values, rungs):
    return {
        n: np.array([draw_values[i * rungs : (i + 1) * rungs]])
        for i, n in enumerate(RUNG_PARAMETERS)
    }


def independent(params: dict, selection: str = "payoff_dominant"):
    """Backward induction by hand: each stage solved with nashpy and the project's
    selection (sim.games.solve), in a Python loop over the rungs."""
    rungs = params["rung_value"].shape[1]
    v = (0.0, 0.0)
    supply, escalate = [0.0] * rungs, [0.0] * rungs
    for k in range(rungs - 1, -1, -1):
        M, c, R, L, X, H = (float(params[n][0, k]) for n in RUNG_PARAMETERS)
        A = np.array([[M - c - R, M - c + v[0]], [0.0, 0.0]])
        B = np.array([[H - L - X, -L + v[1]], [-X, 0.0]])
        chosen = select(A, B, equilibria(A, B, method="vertex"), selection)
        supply[k], escalate[k] = float(chosen.row_mix[0]), float(chosen.col_mix[0])
        v = (chosen.row_payoff, chosen.col_payoff)
    return np.array(supply), np.array(escalate), np.array(v)


@settings(max_examples=40)
@given(st.lists(_value, min_size=18, max_size=18))
def test_backward_induction_matches_nashpy_stage_by_stage(values):
    params = _rungs(values, 3)
    sol = solve_ladder(params)
    assume(sol.unique.all())
    supply, escalate, value = independent(params)
    np.testing.assert_allclose(sol.supply[0], supply, atol=1e-9)
    np.testing.assert_allclose(sol.escalate[0], escalate, atol=1e-9)
    np.testing.assert_allclose(sol.value[0], value, atol=1e-9)


@settings(max_examples=40)
@given(st.lists(_value, min_size=18, max_size=18))
def test_outcomes_are_a_distribution(values):
    sol = solve_ladder(_rungs(values, 3))
    assert sol.outcomes.shape == (1, 8)
    assert np.all(sol.outcomes >= -1e-12)
    assert sol.outcomes.sum() == pytest.approx(1.0)
    # reaching a rung needs every lower rung supplied and restrained
    assert np.all(np.diff(sol.reach, axis=1) <= 1e-12)


def test_batch_equals_one_set_at_a_time():
    rng = np.random.default_rng(5)
    params = {n: rng.uniform(0, 6, (9, 3)) for n in RUNG_PARAMETERS}
    sol = solve_ladder(params)
    for b in range(9):
        one = solve_ladder({n: v[b : b + 1] for n, v in params.items()})
        np.testing.assert_allclose(sol.outcomes[b], one.outcomes[0])
        np.testing.assert_allclose(sol.value[b], one.value[0])


def test_known_answers():
    """Every rung worth more than its cost and risk, escalation too costly for the
    target: all rungs supplied, no escalation. The same with a cheaper escalation:
    the target escalates at the first rung to stop the climb (restraint there would
    cost it the damage of all the rungs above). The top rung's risk above its value
    while the target answers: the top rung is mixed, the lower ones supplied."""
    ones = np.ones((1, 3))
    calm = dict(
        rung_value=3 * ones,
        supply_cost=ones,
        risk_cost=ones,
        rung_damage=ones,
        escalation_cost=5 * ones,
        red_line_value=ones,
    )
    sol = solve_ladder(calm)
    assert sol.outcomes[0, 6] == pytest.approx(1.0)  # 3 rungs, no escalation
    early = solve_ladder({**calm, "escalation_cost": 2 * ones})
    assert early.outcomes[0, 3] == pytest.approx(1.0)  # 1 rung, answered at once
    tense = {
        **calm,
        "risk_cost": np.array([[1.0, 1.0, 5.0]]),
        "red_line_value": np.array([[1.0, 1.0, 4.0]]),
    }
    tense["escalation_cost"] = np.array([[5.0, 5.0, 1.0]])
    sol = solve_ladder(tense)
    # the top stage is the one-rung game of models/baseline.toml: supply 1/4, escalate 2/5
    assert sol.supply[0, 2] == pytest.approx(0.25) and sol.escalate[0, 2] == pytest.approx(0.4)
    assert sol.supply[0, :2].tolist() == [1.0, 1.0]
    by_n = sol.outcomes[0, 0::2] + sol.outcomes[0, 1::2]
    assert by_n[3] == pytest.approx(0.25)  # the Tomahawk: whole or not at all
    np.testing.assert_allclose(cumulative(np.array([[1.0, 2.0, 3.0]])), [[0, 1, 3, 6]])


def test_draws_are_whole_outcomes_with_the_right_frequencies():
    probs = np.array([[0.5, 0.0, 0.25, 0.25], [0.0, 0.0, 0.0, 1.0]])
    u = (np.arange(10_000) + 0.5) / 10_000
    idx = draw_outcomes(probs, u)
    assert idx.shape == (2, 10_000) and idx.dtype.kind == "i"
    freq = np.array([[np.mean(idx[b] == k) for k in range(4)] for b in range(2)])
    np.testing.assert_allclose(freq, probs, atol=1e-3)


pygambit = pytest.importorskip(
    "pygambit", reason="pygambit (the 'games' extra) is needed for the cross-check"
)


def _gambit_ladder(params: dict):
    """The whole ladder as an extensive game in pygambit: at each rung the supplier
    moves, the target moves without seeing it (one information set), and (supply,
    restrain) leads to the next rung; payoffs accumulate along the path."""
    g = pygambit.Game.new_tree(players=["supplier", "target"])
    rungs = params["rung_value"].shape[1]
    stages, names = [], iter(range(10_000))

    def leaf(node, pay):
        g.set_outcome(
            node,
            g.add_outcome(f"o{next(names)}", [pygambit.Rational(str(round(x, 9))) for x in pay]),
        )

    def build(node, k, acc):
        M, c, R, L, X, H = (float(params[n][0, k]) for n in RUNG_PARAMETERS)
        g.append_move(node, "supplier", ["supply", "withhold"])
        kids = list(node.children)
        g.append_move(kids, "target", ["escalate", "restrain"])
        stages.append((node.infoset, kids[0].infoset))
        (se, sr), (we, wr) = (list(kid.children) for kid in kids)
        leaf(se, (acc[0] + M - c - R, acc[1] + H - L - X))
        leaf(we, (acc[0], acc[1] - X))
        leaf(wr, acc)
        nxt = (acc[0] + M - c, acc[1] - L)
        if k + 1 < rungs:
            build(sr, k + 1, nxt)
        else:
            leaf(sr, nxt)

    build(g.root, 0, (0.0, 0.0))
    return g, stages


@settings(max_examples=25)
@given(st.lists(_value, min_size=12, max_size=12))
def test_the_solution_is_a_nash_equilibrium_of_the_extensive_game_in_pygambit(values):
    params = _rungs(values, 2)
    sol = solve_ladder(params)
    assume(sol.unique.all())
    game, stages = _gambit_ladder(params)
    profile = game.mixed_behavior_profile(rational=False)
    for k, (sup, tgt) in enumerate(stages):
        p, q = float(sol.supply[0, k]), float(sol.escalate[0, k])
        profile[sup.actions["supply"]], profile[sup.actions["withhold"]] = p, 1 - p
        profile[tgt.actions["escalate"]], profile[tgt.actions["restrain"]] = q, 1 - q
    # no player gains by deviating anywhere, reached or not (agent regret: subgame perfection
    # at every information set of this game), and the values are the game's payoffs
    assert profile.agent_max_regret() == pytest.approx(0.0, abs=1e-7)
    assert profile.max_regret() == pytest.approx(0.0, abs=1e-7)
    assert float(profile.payoff("supplier")) == pytest.approx(sol.value[0, 0], abs=1e-7)
    assert float(profile.payoff("target")) == pytest.approx(sol.value[0, 1], abs=1e-7)
