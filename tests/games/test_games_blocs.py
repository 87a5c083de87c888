"""The bloc realignment game (sim.games.blocs): its pure equilibria against pygambit's
(the four-player normal form), the selection rule, and its levers in the war."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.games.blocs import (
    PARAMETERS,
    PROFILES,
    REALIGNED,
    STATUS_QUO,
    bloc_payoffs,
    pure_equilibria,
    solve_blocs,
)

_value = st.integers(-5, 40).map(float)
_snub = st.integers(0, 20).map(float)


def _params(v0, v1, snub):
    return {
        "value_current": np.array([v0]),
        "value_realigned": np.array([v1]),
        "snub_cost": np.array([snub]),
    }


def test_known_answers():
    """Everyone better off realigned: the realignment (payoff dominance). Europe worse off:
    the status quo by inertia, though the realignment is an equilibrium too."""
    all_gain = solve_blocs(_params([30, 45, 20, 8], [35, 50, 25, 12], [10, 10, 10, 5]))
    assert all_gain["profile"][0] == REALIGNED and all_gain["us_russia"][0] == 1.0
    europe_loses = _params([30, 45, 20, 8], [35, 50, 12, 12], [10, 10, 10, 5])
    eq = pure_equilibria(bloc_payoffs(europe_loses))[0]
    assert eq[STATUS_QUO] and eq[REALIGNED]
    out = solve_blocs(europe_loses)
    assert out["profile"][0] == STATUS_QUO and out["atlantic"][0] == 1.0


def test_partnerships_need_both():
    """A patron that realigns alone is snubbed."""
    pay = bloc_payoffs(_params([30, 45, 20, 8], [35, 50, 25, 12], [10, 10, 10, 5]))[0]
    only_us = int(np.flatnonzero((PROFILES == [1, 0, 0, 0]).all(axis=1))[0])
    assert pay[only_us, 0] == -10 and pay[only_us, 2] == -10  # the US and Europe both lose
    assert pay[only_us, 1] == 45 and pay[only_us, 3] == 8  # Russia-China intact


def test_batch_equals_one_set_at_a_time():
    rng = np.random.default_rng(8)
    params = {n: rng.integers(-5, 40, (12, 4)).astype(float) for n in PARAMETERS}
    params["snub_cost"] = np.abs(params["snub_cost"])
    out = solve_blocs(params)
    for b in range(12):
        one = solve_blocs({k: v[b : b + 1] for k, v in params.items()})
        assert out["profile"][b] == one["profile"][0]


def brute_selection(pay):
    """The selection rule by hand, one set: pure equilibria by deviations, then payoff
    dominance, the status quo, the largest total, or the status quo without any."""
    eq = []
    for k, a in enumerate(PROFILES):
        stable = True
        for i in range(4):
            b = a.copy()
            b[i] = 1 - b[i]
            j = next(m for m, c in enumerate(PROFILES) if (c == b).all())
            stable &= pay[k, i] >= pay[j, i]
        if stable:
            eq.append(k)
    if not eq:
        return STATUS_QUO
    for k in eq:
        if all((pay[k] >= pay[j]).all() for j in eq):
            return k
    if STATUS_QUO in eq:
        return STATUS_QUO
    return max(eq, key=lambda k: (pay[k].sum(), -k))


@settings(max_examples=100)
@given(
    st.lists(_value, min_size=4, max_size=4),
    st.lists(_value, min_size=4, max_size=4),
    st.lists(_snub, min_size=4, max_size=4),
)
def test_selection_matches_a_hand_written_rule(v0, v1, snub):
    params = _params(v0, v1, snub)
    assert solve_blocs(params)["profile"][0] == brute_selection(bloc_payoffs(params)[0])


pygambit = pytest.importorskip(
    "pygambit", reason="pygambit (the 'games' extra) is needed for the cross-check"
)


@settings(max_examples=40)
@given(
    st.lists(_value, min_size=4, max_size=4),
    st.lists(_value, min_size=4, max_size=4),
    st.lists(_snub, min_size=4, max_size=4),
)
def test_pure_equilibria_match_pygambit(v0, v1, snub):
    pay = bloc_payoffs(_params(v0, v1, snub))[0]  # (16, 4)
    arrays = [np.zeros((2, 2, 2, 2)) for _ in range(4)]
    for k, a in enumerate(PROFILES):
        for i in range(4):
            arrays[i][tuple(a)] = pay[k, i]
    game = pygambit.Game.from_arrays(
        *[
            [[[[pygambit.Rational(str(int(x))) for x in d] for d in c] for c in b] for b in arr]
            for arr in arrays
        ]
    )
    found = pygambit.nash.enumpure_solve(game)
    theirs = set()
    for profile in found.equilibria:
        acts = []
        for player in game.players:
            probs = [float(profile[s]) for s in player.strategies]
            acts.append(int(np.argmax(probs)))
        theirs.add(tuple(acts))
    ours = {tuple(PROFILES[k]) for k in np.flatnonzero(pure_equilibria(pay[None])[0])}
    assert ours == theirs
