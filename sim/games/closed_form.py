"""Closed-form Nash equilibria of batches of 2x2 bimatrix games.

Mathematics
-----------
In game ``g`` the row player chooses action 0 with probability ``p`` and the
column player chooses action 0 with probability ``q``; ``A[g, i, j]`` and
``B[g, i, j]`` are the row and column players' payoffs when row plays ``i`` and
column plays ``j``.  The column player is indifferent between its actions at

    ``p* = (B11 - B10) / (B00 - B01 - B10 + B11)``

and the row player at

    ``q* = (A11 - A01) / (A00 - A01 - A10 + A11)``

(the indifference conditions; von Stengel 2007, sec. 3.2).  The vertices of
the two players' best-response polytopes are the strategies ``p in {1, 0, p*}``
and ``q in {1, 0, q*}`` (``p*``, ``q*`` only where they exist strictly inside
``(0, 1)``), and the Nash equilibria that vertex enumeration reports are the
pairs of such vertices that are mutual best responses (von Stengel 2007,
Algorithm 3.5; Theorem 3.6).  This module checks all nine pairs at once for
every game in the batch:

* ``p`` is a best response to ``q`` iff every action it plays with positive
  probability earns the row player's maximum payoff against ``q``;
* likewise for ``q`` against ``p``.

So the result is the set of *extreme* equilibria: for a nondegenerate game
(no player has two pure best responses to a pure strategy) that is all of
them -- one pure equilibrium, or two pure and one mixed, or one mixed; for a
degenerate game (a tie ``A[0, j] == A[1, j]`` or ``B[i, 0] == B[i, 1]``, up to
a relative tolerance) the equilibrium set may contain segments, and their end
points are returned, exactly the equilibria ``nashpy``'s vertex enumeration
returns.  Ties are decided with the tolerance ``rtol * max(1, max |payoff|)``
of each game (default ``rtol = 1e-9``): payoffs that differ by less count as
equal, so a game built from floats that are "equal up to rounding" is treated
as the degenerate game it is meant to be.

Candidate layout
----------------
Every array has a trailing axis of length 9 over the candidate pairs
``k = 3 * a + b`` with ``p = (1, 0, p*)[a]`` and ``q = (1, 0, q*)[b]``: slot 0 is
both players' first action, slot 4 both players' second action, slot 8 the
fully mixed equilibrium.  ``valid`` marks the slots that are equilibria
(duplicates, e.g. ``p* == 1``, are invalid).

Example
-------
>>> import numpy as np
>>> A = np.array([[[3.0, 0.0], [0.0, 2.0]]])  # battle of the sexes
>>> B = np.array([[[2.0, 0.0], [0.0, 3.0]]])
>>> eq = equilibria_2x2(A, B)
>>> eq.count.tolist()
[3]
>>> [round(float(x), 3) for x in (eq.row_first[0, 8], eq.col_first[0, 8])]
[0.6, 0.4]

References
----------
von Stengel, B. (2007). Equilibrium computation for two-player games in
strategic and extensive form. In Nisan, Roughgarden, Tardos and Vazirani (eds.),
*Algorithmic Game Theory*, ch. 3. Cambridge University Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.games.selection import (
    check_rule,
    payoff_tolerance,
    risk_dominant_mask_2x2,
    selection_weights,
)

#: Number of candidate (vertex-pair) slots per game.
N_CANDIDATES = 9


@dataclass(frozen=True)
class Equilibria2x2:
    """The extreme Nash equilibria of a batch of 2x2 games, in the candidate layout.

    Attributes
    ----------
    row_first, col_first : ndarray, shape (n, 9)
        Probability that the row (column) player plays its first action, per
        candidate slot (see the module docstring); NaN where a slot does not exist.
    row_payoff, col_payoff : ndarray, shape (n, 9)
        Expected payoffs at each candidate (NaN where it does not exist).
    valid : ndarray of bool, shape (n, 9)
        Which candidates are Nash equilibria (each listed once).
    degenerate : ndarray of bool, shape (n,)
        Whether each game is degenerate (some pure strategy has two pure best
        responses); its equilibrium set may then contain segments.
    risk_dominant : ndarray of bool, shape (n, 9)
        The risk-dominant equilibrium where that criterion applies
        (:func:`sim.games.selection.risk_dominant_mask_2x2`).
    """

    row_first: np.ndarray
    col_first: np.ndarray
    row_payoff: np.ndarray
    col_payoff: np.ndarray
    valid: np.ndarray
    degenerate: np.ndarray
    risk_dominant: np.ndarray

    @property
    def count(self) -> np.ndarray:
        """Number of (extreme) equilibria of each game, shape (n,)."""
        return self.valid.sum(axis=1)


@dataclass(frozen=True)
class Selected2x2:
    """The selected outcome of each game in a batch.

    Attributes
    ----------
    equilibria : Equilibria2x2
        All extreme equilibria.
    weights : ndarray, shape (n, 9)
        Weight of each candidate under the selection rule (rows sum to one).
    rule_applied : ndarray of int, shape (n,)
        Code of the rule that set the weights (:data:`sim.games.selection.RULE_APPLIED`).
    """

    equilibria: Equilibria2x2
    weights: np.ndarray
    rule_applied: np.ndarray

    def expectation(self, values: np.ndarray) -> np.ndarray:
        """Weighted average over the equilibria of ``values`` (shape (n, 9)) -> (n,)."""
        return np.sum(np.where(self.weights > 0, values, 0.0) * self.weights, axis=-1)

    @property
    def row_first(self) -> np.ndarray:
        """Expected probability that the row player plays its first action, (n,)."""
        return self.expectation(self.equilibria.row_first)

    @property
    def col_first(self) -> np.ndarray:
        """Expected probability that the column player plays its first action, (n,)."""
        return self.expectation(self.equilibria.col_first)

    @property
    def row_payoff(self) -> np.ndarray:
        """Expected row payoff over the selected equilibria, (n,)."""
        return self.expectation(self.equilibria.row_payoff)

    @property
    def col_payoff(self) -> np.ndarray:
        """Expected column payoff over the selected equilibria, (n,)."""
        return self.expectation(self.equilibria.col_payoff)


def as_batch(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate and return payoffs as float arrays of shape (n, 2, 2).

    A single game of shape (2, 2) becomes a batch of one.

    Raises
    ------
    ValueError
        If the shapes are not (2, 2) or (n, 2, 2), differ, or a payoff is not finite.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    for name, arr in (("A", A), ("B", B)):
        if arr.ndim not in (2, 3) or arr.shape[-2:] != (2, 2):
            raise ValueError(f"{name} must have shape (2, 2) or (n, 2, 2), got {arr.shape}")
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise ValueError("A and B must be finite (found NaN or infinity)")
    if A.ndim == 2:
        A, B = A[None], B[None]
    return A, B


def _interior_root(numerator: np.ndarray, denominator: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` where it lies strictly inside (0, 1), else NaN."""
    exists = np.abs(denominator) > tol
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.where(exists, numerator / np.where(exists, denominator, 1.0), np.nan)
    inside = (root > 1e-12) & (root < 1 - 1e-12)
    return np.where(inside, root, np.nan)


def _is_best_response(first: np.ndarray, gain_first: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """Whether mixing ``first`` on action 0 is a best response.

    ``gain_first`` is the payoff of action 0 minus that of action 1 against the
    opponent's strategy; action 0 may be used only if ``gain_first >= -tol``,
    action 1 only if ``gain_first <= tol``.
    """
    uses_first = first > 1e-12
    uses_second = first < 1 - 1e-12
    return (~uses_first | (gain_first >= -tol)) & (~uses_second | (gain_first <= tol))


def equilibria_2x2(A: np.ndarray, B: np.ndarray, rtol: float = 1e-9) -> Equilibria2x2:
    """All extreme Nash equilibria of each 2x2 game in a batch, without a Python loop.

    Parameters
    ----------
    A, B : ndarray, shape (n, 2, 2) or (2, 2)
        Row and column player payoffs (any units; each player's own).
    rtol : float
        Relative tolerance for payoff ties (see the module docstring).

    Returns
    -------
    Equilibria2x2
        Candidates in the 9-slot layout of the module docstring.

    Raises
    ------
    ValueError
        On a bad shape or a non-finite payoff.
    """
    A, B = as_batch(A, B)
    tol = payoff_tolerance(A, B, rtol=rtol)  # (n,)
    a00, a01, a10, a11 = A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1]
    b00, b01, b10, b11 = B[:, 0, 0], B[:, 0, 1], B[:, 1, 0], B[:, 1, 1]

    p_star = _interior_root(b11 - b10, b00 - b01 - b10 + b11, tol)
    q_star = _interior_root(a11 - a01, a00 - a01 - a10 + a11, tol)
    ones, zeros = np.ones_like(tol), np.zeros_like(tol)
    p_values = np.stack([ones, zeros, p_star], axis=1)  # (n, 3)
    q_values = np.stack([ones, zeros, q_star], axis=1)
    p = np.repeat(p_values, 3, axis=1)  # slot k = 3a + b -> p_values[a]
    q = np.tile(q_values, (1, 3))  # -> q_values[b]
    exists = np.isfinite(p) & np.isfinite(q)
    p0 = np.where(exists, p, 0.5)
    q0 = np.where(exists, q, 0.5)

    col = tol[:, None]
    row_gain = q0 * (a00 - a10)[:, None] + (1 - q0) * (a01 - a11)[:, None]
    col_gain = p0 * (b00 - b01)[:, None] + (1 - p0) * (b10 - b11)[:, None]
    valid = exists & _is_best_response(p0, row_gain, col) & _is_best_response(q0, col_gain, col)

    def expected(M: np.ndarray) -> np.ndarray:
        value = (
            p0 * q0 * M[:, 0, 0, None]
            + p0 * (1 - q0) * M[:, 0, 1, None]
            + (1 - p0) * q0 * M[:, 1, 0, None]
            + (1 - p0) * (1 - q0) * M[:, 1, 1, None]
        )
        return np.where(exists, value, np.nan)

    degenerate = (
        (np.abs(a00 - a10) <= tol)
        | (np.abs(a01 - a11) <= tol)
        | (np.abs(b00 - b01) <= tol)
        | (np.abs(b10 - b11) <= tol)
    )
    row_first = np.where(exists, p0, np.nan)
    col_first = np.where(exists, q0, np.nan)
    # Risk dominance needs two strict pure equilibria: only games with several equilibria.
    several = np.flatnonzero(valid.sum(axis=1) > 1)
    risk = np.zeros_like(valid)
    risk[several] = risk_dominant_mask_2x2(
        A[several], B[several], row_first[several], col_first[several], valid[several], rtol=rtol
    )
    return Equilibria2x2(
        row_first=row_first,
        col_first=col_first,
        row_payoff=expected(A),
        col_payoff=expected(B),
        valid=valid,
        degenerate=degenerate,
        risk_dominant=risk,
    )


def solve_2x2(
    A: np.ndarray, B: np.ndarray, selection: str = "payoff_dominant", rtol: float = 1e-9
) -> Selected2x2:
    """Equilibria of a batch of 2x2 games and the outcome a selection rule picks.

    Parameters
    ----------
    A, B : ndarray, shape (n, 2, 2) or (2, 2)
        Row and column player payoffs.
    selection : {"payoff_dominant", "risk_dominant", "expected"}
        Selection rule (:mod:`sim.games.selection`).
    rtol : float
        Relative tolerance for payoff ties.

    Returns
    -------
    Selected2x2

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[4.0, 0.0], [3.0, 3.0]])  # stag hunt: (stag, stag) payoff-dominant,
    >>> out = solve_2x2(A, A.T, "payoff_dominant")  # (hare, hare) risk-dominant
    >>> out.row_first.tolist(), out.col_first.tolist()
    ([1.0], [1.0])
    >>> solve_2x2(A, A.T, "risk_dominant").row_first.tolist()
    [0.0]
    """
    check_rule(selection)
    eq = equilibria_2x2(A, B, rtol=rtol)
    weights, rule = selection_weights(
        eq.row_payoff, eq.col_payoff, eq.valid, selection, eq.risk_dominant, rtol=rtol
    )
    return Selected2x2(equilibria=eq, weights=weights, rule_applied=rule)
