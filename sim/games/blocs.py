r"""Bloc realignment among the four patrons (issue 19; seed 001: "US + Russia against
Europe + China").

A four-player normal-form game.  Each patron picks a partner: action 0 keeps the
current bloc (US-Europe, Russia-China), action 1 realigns (US-Russia, Europe-China)::

    player   action 0 (current)   action 1 (realign)
    us       europe               russia
    russia   china                us
    europe   us                   china
    china    russia               europe

A partnership forms when it is mutual; with the pairs above, player ``i``'s choice is
returned exactly when its partner plays the same action (``a_partner(i, a_i) = a_i``).
Payoffs, each player's own valuation (bn USD/yr equivalent)::

    u_i(a) = v_i[a_i]   if the partner it picked picks it back,
           = -s_i       otherwise (snubbed: it walked away from one partner and was
                        not taken by the other),

with ``v_i[0]`` (``value_current``), ``v_i[1]`` (``value_realigned``) and ``s_i``
(``snub_cost``).  Pure Nash equilibria are found for every parameter set at once by
checking every player's one-action deviation at each of the 16 profiles.  Both the
status quo (0, 0, 0, 0) and the full realignment (1, 1, 1, 1) are equilibria whenever
the values exceed minus the snub costs; partial realignments (US-Russia with Europe and
China snubbed) can be too.  **Selection** (documented, vectorised): the equilibrium that
Pareto-dominates every other one (payoff dominance, Harsanyi & Selten 1988); otherwise
the status quo if it is an equilibrium (inertia: the blocs as they are); otherwise the
pure equilibrium with the largest sum of payoffs; with no pure equilibrium, the status
quo (flagged by ``pure = 0``).  So a realignment happens only if every patron it involves
is better off, as seed 001's scenario requires.

Effects (each ``(B,)``, 0 or 1): ``us_russia`` (the US-Russia thaw formed),
``europe_china`` (Europe-China formed), ``atlantic`` (= 1 - ``us_russia``), ``pure``.

References
----------
Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium Selection in
Games*. MIT Press.
"""

from __future__ import annotations

from itertools import product

import numpy as np

PLAYERS = ("us", "russia", "europe", "china")
#: Partner of each player under action 0 and action 1 (indices into PLAYERS).
PARTNER = {0: (2, 3, 0, 1), 1: (1, 0, 3, 2)}
PARAMETERS = ("value_current", "value_realigned", "snub_cost")
PROFILES = np.array(list(product((0, 1), repeat=4)))  # (16, 4), row k = profile k
STATUS_QUO, REALIGNED = 0, 15


def bloc_payoffs(params: dict[str, np.ndarray]) -> np.ndarray:
    """Payoffs ``(B, 16, 4)``: each profile (rows of :data:`PROFILES`) and player.

    ``params[name]`` is ``(B, 4)`` (players in :data:`PLAYERS` order)."""
    v0, v1, snub = (np.atleast_2d(np.asarray(params[n], float)) for n in PARAMETERS)
    out = np.empty((v0.shape[0], len(PROFILES), 4))
    for k, a in enumerate(PROFILES):
        for i in range(4):
            partner = PARTNER[int(a[i])][i]
            mutual = a[partner] == a[i]
            out[:, k, i] = (v1 if a[i] else v0)[:, i] if mutual else -snub[:, i]
    return out


def pure_equilibria(payoffs: np.ndarray) -> np.ndarray:
    """``(B, 16)`` bool: which profiles are pure Nash equilibria (no player gains by
    switching its own action)."""
    ok = np.ones(payoffs.shape[:2], dtype=bool)
    for i in range(4):
        # profile k with player i's action switched: flip bit (3 - i) of k
        switched = np.arange(16) ^ (1 << (3 - i))
        ok &= payoffs[:, :, i] >= payoffs[:, switched, i]
    return ok


def select(payoffs: np.ndarray, eq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The selected profile index ``(B,)`` and whether it is a pure equilibrium
    (module docstring's rule)."""
    size = payoffs.shape[0]
    chosen = np.full(size, STATUS_QUO)
    # payoff dominance: an equilibrium at least as good for all as every other one
    # an equilibrium at least as good for every player as every equilibrium: as good as the
    # best equilibrium payoff of each player
    best = np.max(np.where(eq[:, :, None], payoffs, -np.inf), axis=1)  # (B, 4)
    dominant = eq & (payoffs >= best[:, None, :]).all(axis=2)
    has_dominant = dominant.any(axis=1)
    chosen = np.where(has_dominant, np.argmax(dominant, axis=1), chosen)
    total = np.where(eq, payoffs.sum(axis=2), -np.inf)
    fallback = np.where(eq[:, STATUS_QUO], STATUS_QUO, np.argmax(total, axis=1))
    chosen = np.where(has_dominant, chosen, fallback)
    pure = eq.any(axis=1)
    chosen = np.where(pure, chosen, STATUS_QUO)
    return chosen, pure


def solve_blocs(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The bloc game's selected outcome and effects for every parameter set."""
    payoffs = bloc_payoffs(params)
    eq = pure_equilibria(payoffs)
    chosen, pure = select(payoffs, eq)
    a = PROFILES[chosen]  # (B, 4)
    us_russia = ((a[:, 0] == 1) & (a[:, 1] == 1)).astype(float)
    europe_china = ((a[:, 2] == 1) & (a[:, 3] == 1)).astype(float)
    return {
        "profile": chosen.astype(float),
        "us_russia": us_russia,
        "europe_china": europe_china,
        "atlantic": 1.0 - us_russia,
        "pure": pure.astype(float),
    }
