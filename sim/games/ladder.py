r"""The escalation ladder: several rungs, solved by backward induction (issue 19).

A supplier (the US, Europe) and a target (Russia) climb a ladder of rungs
``k = 0 .. R-1`` (ATACMS, Storm Shadow, Tomahawk).  At rung ``k`` -- reached only if
every lower rung was supplied and met with restraint -- they play the one-rung
escalation game of :mod:`sim.games.subgames` (row: supply / withhold; column:
escalate / restrain), except that the cell (supply, restrain) leads on to rung
``k + 1`` and so carries both players' continuation values ``(V^s_{k+1}, V^t_{k+1})``::

                   escalate                    restrain
    supply       (M - c - R,  H - L - X)      (M - c + V^s_{k+1},  -L + V^t_{k+1})
    withhold     (0,          -X)             (0,                  0)

with ``V_R = (0, 0)`` above the top rung (parameters per rung, as in
``escalation``: ``M`` rung_value, ``c`` supply_cost, ``R`` risk_cost, ``L``
rung_damage, ``X`` escalation_cost, ``H`` red_line_value).  Every other cell ends
the ladder.  Backward induction (Selten 1975; for stage games with continuation
values, the one-shot deviation principle of finite multistage games, Fudenberg &
Tirole 1991, sec. 4.2): solve rung ``R-1`` first, then each lower rung with the
selected equilibrium's values of the rung above; each stage is a 2x2 game solved
in closed form for the whole batch (:func:`sim.games.closed_form.solve_2x2`) with
the game's selection rule (where a stage has several equilibria, the rule's
weights mix them -- never their strategies: the cell probabilities of each
equilibrium are mixed, so the distribution over outcomes is exact).

**Outcomes.**  The ladder ends with ``n`` rungs supplied (``0 .. R``) and with or
without an escalation by the target: ``2 (R + 1)`` discrete outcomes, index
``2 n + e``.  :func:`solve_ladder` returns their probabilities for every parameter
set; the war draws one outcome per Monte Carlo path (:func:`draw_outcomes`), so a
path carries whole rungs -- never a fraction of a Tomahawk; the deterministic
(mean-field) path carries the expected capacity, as it carries the expected
domestic turn.

References
----------
Selten, R. (1975). Reexamination of the perfectness concept for equilibrium points
in extensive games. *International Journal of Game Theory* 4(1), 25-55.

Fudenberg, D. and Tirole, J. (1991). *Game Theory*. MIT Press, ch. 4.

Kahn, H. (1965). *On Escalation: Metaphors and Scenarios*. Praeger (the ladder).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.games.closed_form import solve_2x2

#: The parameters of one rung, in the order of :mod:`sim.games.subgames`' escalation game.
RUNG_PARAMETERS = (
    "rung_value",
    "supply_cost",
    "risk_cost",
    "rung_damage",
    "escalation_cost",
    "red_line_value",
)


@dataclass(frozen=True)
class LadderSolution:
    """The solved ladder for a batch of ``B`` parameter sets and ``R`` rungs.

    ``supply``, ``escalate`` ``(B, R)``: each rung's stage equilibrium (expected
    probability of supplying / escalating, given the rung is reached); ``reach``
    ``(B, R + 1)``: the probability each rung is reached (``reach[:, R]``: the top was
    supplied and restrained); ``value`` ``(B, 2)``: the supplier's and the target's
    value of the ladder; ``outcomes`` ``(B, 2 (R + 1))``: the probability of ending
    with ``n`` rungs supplied and escalation ``e`` at index ``2 n + e``.
    """

    supply: np.ndarray
    escalate: np.ndarray
    reach: np.ndarray
    value: np.ndarray
    outcomes: np.ndarray
    unique: np.ndarray

    @property
    def rungs(self) -> int:
        return self.supply.shape[1]

    def expected(self, per_rung: np.ndarray) -> np.ndarray:
        """Expected total of a per-rung quantity ``(B, R)`` (e.g. capacity) over the
        rungs supplied, ``(B,)``."""
        totals = cumulative(per_rung)  # (B, R + 1)
        return np.sum((self.outcomes[:, 0::2] + self.outcomes[:, 1::2]) * totals, axis=1)

    @property
    def escalated(self) -> np.ndarray:
        """Probability the ladder ends in an escalation, ``(B,)``."""
        return self.outcomes[:, 1::2].sum(axis=1)


def cumulative(per_rung: np.ndarray) -> np.ndarray:
    """``(B, R)`` -> ``(B, R + 1)``: the total over the first ``n`` rungs, ``n = 0 .. R``."""
    per_rung = np.asarray(per_rung, dtype=float)
    zero = np.zeros((*per_rung.shape[:-1], 1))
    return np.concatenate([zero, np.cumsum(per_rung, axis=-1)], axis=-1)


def stage_payoffs(p: dict[str, np.ndarray], k: int, v_next: np.ndarray):
    """The 2x2 payoffs of rung ``k`` with continuation values ``v_next`` ``(B, 2)``,
    each ``(B, 2, 2)`` (module docstring); ``p`` maps each name of
    :data:`RUNG_PARAMETERS` to ``(B, R)``."""
    M, c, R = (p[n][:, k] for n in ("rung_value", "supply_cost", "risk_cost"))
    L, X, H = (p[n][:, k] for n in ("rung_damage", "escalation_cost", "red_line_value"))
    zero = np.zeros_like(M)
    A = np.stack([np.stack([M - c - R, M - c + v_next[:, 0]], -1), np.stack([zero, zero], -1)], -2)
    B = np.stack([np.stack([H - L - X, -L + v_next[:, 1]], -1), np.stack([-X, zero], -1)], -2)
    return A, B


def solve_ladder(params: dict[str, np.ndarray], selection: str = "payoff_dominant"):
    """Backward induction over the rungs for every parameter set (module docstring).

    Parameters
    ----------
    params : each name of :data:`RUNG_PARAMETERS` -> ``(B, R)`` (rungs in climbing order).
    selection : the stage games' selection rule (:mod:`sim.games.selection`).

    Returns
    -------
    LadderSolution
    """
    p = {n: np.atleast_2d(np.asarray(params[n], dtype=float)) for n in RUNG_PARAMETERS}
    size, rungs = np.broadcast_shapes(*(a.shape for a in p.values()))
    p = {n: np.broadcast_to(a, (size, rungs)) for n, a in p.items()}
    v_next = np.zeros((size, 2))
    supply, escalate = np.zeros((size, rungs)), np.zeros((size, rungs))
    unique = np.zeros((size, rungs), dtype=bool)
    # per rung and candidate: the cell probabilities (B, 9) of each stage equilibrium
    cells = [None] * rungs
    for k in range(rungs - 1, -1, -1):
        A, B = stage_payoffs(p, k, v_next)
        out = solve_2x2(A, B, selection)
        eq = out.equilibria
        sp, eq_q = np.nan_to_num(eq.row_first), np.nan_to_num(eq.col_first)
        supply[:, k], escalate[:, k] = out.expectation(sp), out.expectation(eq_q)
        v_next = np.stack([out.row_payoff, out.col_payoff], axis=1)
        cells[k] = (out.weights, sp, eq_q)
        unique[:, k] = np.isclose(out.weights.max(axis=1), 1.0)
    reach = np.zeros((size, rungs + 1))
    reach[:, 0] = 1.0
    outcomes = np.zeros((size, 2 * (rungs + 1)))
    for k in range(rungs):
        w, sp, q = cells[k]

        def mix(x, w=w):
            return np.sum(np.where(w > 0, x, 0.0) * w, axis=1)

        r = reach[:, k]
        outcomes[:, 2 * k] += r * mix((1 - sp) * (1 - q))  # withheld, no escalation
        outcomes[:, 2 * k + 1] += r * mix((1 - sp) * q)  # withheld, escalation anyway
        outcomes[:, 2 * (k + 1) + 1] += r * mix(sp * q)  # supplied and answered
        reach[:, k + 1] = r * mix(sp * (1 - q))  # supplied, restrained: next rung
    outcomes[:, 2 * rungs] += reach[:, rungs]
    return LadderSolution(supply, escalate, reach, v_next, outcomes, unique)


def draw_outcomes(outcomes: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """One outcome per parameter set and Monte Carlo path: ``(B, K)`` probabilities and
    ``(M,)`` uniforms (common random numbers) -> ``(B, M)`` outcome indices, by the
    inverse of the cumulative distribution."""
    cdf = np.cumsum(outcomes, axis=1)
    cdf[:, -1] = np.maximum(cdf[:, -1], 1.0)  # rounding: the last outcome closes at 1
    u = np.asarray(uniforms, dtype=float)
    return np.sum(u[None, :, None] >= cdf[:, None, :], axis=2).clip(0, outcomes.shape[1] - 1)
