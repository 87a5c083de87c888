"""All Nash equilibria of a two-player normal-form game, computed with nashpy.

Algorithms (Nisan et al. 2007, ch. 3, as implemented by nashpy)
---------------------------------------------------------------
``"support"``
    Support enumeration (Algorithm 3.4): for every pair of supports, solve the
    indifference conditions and keep the mutual best responses.  The default.
``"vertex"``
    Vertex enumeration (Algorithm 3.5): all pairs of vertices of the two
    best-response polytopes that are completely labelled.  In a degenerate
    game, where the equilibrium set can contain segments, it returns their
    extreme points, which support enumeration may miss.
``"lemke_howson"``
    Lemke-Howson (Algorithm 3.6) started from every initially dropped label.
    Each run finds one equilibrium; together they need *not* find them all.

Degeneracy
----------
A game is degenerate when a mixed strategy with ``k`` actions in its support
has more than ``k`` pure best responses (von Stengel 2007, Definition 3.2).
Support enumeration then may miss equilibria, and nashpy warns when it finds
an even number of them.  :func:`equilibria` records every warning nashpy
raises, and reports the game as degenerate when (a) nashpy warned that the
count is even or that Lemke-Howson failed, (b) some pure strategy has two
pure best responses (exact for 2x2 games), or (c) an equilibrium with supports
of different sizes was found.  A degenerate game is then solved again by
vertex enumeration, and the result says so (``method`` vs
``requested_method``, ``degenerate=True``, ``warnings``): the switch is
reported, never hidden.

Payoffs are shifted to be strictly positive before they are handed to nashpy
(adding a constant to a player's payoffs changes no best response), because
its polytope algorithms assume positive payoffs; reported payoffs use the
original matrices.

References
----------
Knight, V. and Campbell, J. (2018). Nashpy: A Python library for the
computation of Nash equilibria. *Journal of Open Source Software* 3(30), 904.

von Stengel, B. (2007). Equilibrium computation for two-player games in
strategic and extensive form. In Nisan, Roughgarden, Tardos and Vazirani (eds.),
*Algorithmic Game Theory*, ch. 3. Cambridge University Press.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import nashpy
import numpy as np

from sim.games.selection import (
    RULE_APPLIED,
    check_rule,
    payoff_tolerance,
    risk_dominant_mask_2x2,
    selection_weights,
)

#: Methods accepted by :func:`equilibria`, with the nashpy algorithm each runs.
METHODS: dict[str, str] = {
    "support": "support_enumeration",
    "vertex": "vertex_enumeration",
    "lemke_howson": "lemke_howson_enumeration",
}


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium of a two-player game.

    Attributes
    ----------
    row_mix, col_mix : ndarray, shape (m,) and (n,)
        Each player's probabilities over its actions.
    row_payoff, col_payoff : float
        Expected payoffs ``row_mix @ A @ col_mix`` and ``row_mix @ B @ col_mix``.
    """

    row_mix: np.ndarray
    col_mix: np.ndarray
    row_payoff: float
    col_payoff: float

    @property
    def is_pure(self) -> bool:
        """Whether both players play a single action."""
        return bool(np.max(self.row_mix) > 1 - 1e-12 and np.max(self.col_mix) > 1 - 1e-12)


@dataclass(frozen=True)
class EquilibriumSet:
    """All equilibria found for a game, with how they were computed.

    Attributes
    ----------
    equilibria : tuple of Equilibrium
        Sorted with the row player's and then the column player's first action
        most likely first (pure first-action profiles lead).
    method : str
        The method whose equilibria are reported ("support", "vertex",
        "lemke_howson").
    requested_method : str
        The method asked for; differs from ``method`` when a degenerate game was
        re-solved by vertex enumeration.
    nashpy_version : str
    degenerate : bool
        Whether the game was found degenerate (see the module docstring).
    warnings : tuple of str
        The messages of the warnings nashpy raised, one line each.
    """

    equilibria: tuple[Equilibrium, ...]
    method: str
    requested_method: str
    nashpy_version: str
    degenerate: bool
    warnings: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.equilibria)

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    def __getitem__(self, index: int) -> Equilibrium:
        return self.equilibria[index]


@dataclass(frozen=True)
class Selection:
    """The outcome a selection rule picks among a game's equilibria.

    Attributes
    ----------
    weights : ndarray, shape (k,)
        Weight of each equilibrium of the set (sums to one).
    rule_applied : str
        The rule that set the weights, e.g. "risk dominance".
    row_mix, col_mix : ndarray
        Weighted average of the equilibrium strategies.
    row_payoff, col_payoff : float
        Weighted average of the equilibrium payoffs.
    """

    weights: np.ndarray
    rule_applied: str
    row_mix: np.ndarray
    col_mix: np.ndarray
    row_payoff: float
    col_payoff: float


def _check_matrices(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or min(A.shape) < 1:
        raise ValueError(f"A must be a 2-D payoff matrix, got shape {A.shape}")
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise ValueError("A and B must be finite (found NaN or infinity)")
    return A, B


def _positive(M: np.ndarray) -> np.ndarray:
    """``M`` shifted so that its smallest entry is 1 (best responses unchanged)."""
    return M - M.min() + 1.0


def _run(game: nashpy.Game, method: str) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[str]]:
    """Run one nashpy algorithm, returning its equilibria and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = [
            (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
            for x, y in getattr(game, METHODS[method])()
        ]
    messages = [" ".join(str(w.message).split()) for w in caught]
    return found, messages


def _pure_ties(A: np.ndarray, B: np.ndarray, tol: float) -> bool:
    """Whether some pure strategy has two or more pure best responses."""
    row_best = A >= A.max(axis=0, keepdims=True) - tol  # row's best replies to each column
    col_best = B >= B.max(axis=1, keepdims=True) - tol  # column's best replies to each row
    return bool(np.any(row_best.sum(axis=0) > 1) or np.any(col_best.sum(axis=1) > 1))


def _clean(found: list[tuple[np.ndarray, np.ndarray]], A: np.ndarray, B: np.ndarray):
    """Keep valid probability vectors, drop duplicates, sort, add payoffs."""
    unique: dict[tuple, Equilibrium] = {}
    for x, y in found:
        if x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
            continue  # Lemke-Howson's failure output; its warning is recorded
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            continue
        x = np.clip(x, 0.0, None) / np.clip(x, 0.0, None).sum()
        y = np.clip(y, 0.0, None) / np.clip(y, 0.0, None).sum()
        x, y = np.round(x, 12) + 0.0, np.round(y, 12) + 0.0  # +0.0 turns -0.0 into 0.0
        key = (*np.round(x, 9), *np.round(y, 9))
        # Payoffs rounded to 10 decimals so that rounding noise in the mixes does not print.
        payoffs = float(np.round(x @ A @ y, 10)) + 0.0, float(np.round(x @ B @ y, 10)) + 0.0
        unique.setdefault(key, Equilibrium(x, y, *payoffs))
    ordered = sorted(unique.items(), key=lambda item: tuple(-v for v in item[0]))
    return tuple(eq for _, eq in ordered)


def equilibria(
    A: np.ndarray, B: np.ndarray, method: str = "support", rtol: float = 1e-9
) -> EquilibriumSet:
    """All Nash equilibria of the bimatrix game (A, B), with how they were found.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Row and column player payoffs; ``A[i, j]`` is the row player's payoff
        when row plays ``i`` and column plays ``j``.
    method : {"support", "vertex", "lemke_howson"}
        Algorithm (see the module docstring).  A degenerate game is always
        re-solved by vertex enumeration.
    rtol : float
        Relative tolerance of the pure-strategy tie check.

    Returns
    -------
    EquilibriumSet

    Raises
    ------
    ValueError
        On a bad method, shape, or a non-finite payoff.

    Examples
    --------
    >>> import numpy as np
    >>> matching_pennies = np.array([[1.0, -1.0], [-1.0, 1.0]])
    >>> found = equilibria(matching_pennies, -matching_pennies)
    >>> [e.row_mix.tolist() for e in found], found.degenerate
    ([[0.5, 0.5]], False)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}")
    A, B = _check_matrices(A, B)
    tol = float(payoff_tolerance(A[None], B[None], rtol=rtol)[0])
    game = nashpy.Game(_positive(A), _positive(B))
    found, messages = _run(game, method)
    cleaned = _clean(found, A, B)
    nashpy_flagged = any(
        "degenerate" in m for m in messages
    )  # the even-count warning and Lemke-Howson's failure warning both say so
    unequal_supports = any(
        np.count_nonzero(e.row_mix > 1e-12) != np.count_nonzero(e.col_mix > 1e-12) for e in cleaned
    )
    degenerate = nashpy_flagged or _pure_ties(A, B, tol) or unequal_supports
    used = method
    if degenerate and method != "vertex":
        found, more = _run(game, "vertex")
        messages += more
        cleaned = _clean(found, A, B)
        used = "vertex"
    return EquilibriumSet(
        equilibria=cleaned,
        method=used,
        requested_method=method,
        nashpy_version=nashpy.__version__,
        degenerate=degenerate,
        warnings=tuple(messages),
    )


def select(
    A: np.ndarray, B: np.ndarray, found: EquilibriumSet, selection: str, rtol: float = 1e-9
) -> Selection:
    """Apply a selection rule to the equilibria of one game.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        The game's payoffs (needed for risk dominance).
    found : EquilibriumSet
        Its equilibria, from :func:`equilibria`.
    selection : {"payoff_dominant", "risk_dominant", "expected"}
        Rule, as documented in :mod:`sim.games.selection` (risk dominance applies
        to 2x2 games only; larger games fall back to "expected").
    rtol : float
        Relative tolerance for payoff comparisons.

    Returns
    -------
    Selection
    """
    check_rule(selection)
    A, B = _check_matrices(A, B)
    if len(found) == 0:
        raise ValueError("select: the equilibrium set is empty")
    row_payoff = np.array([[e.row_payoff for e in found]])
    col_payoff = np.array([[e.col_payoff for e in found]])
    valid = np.ones_like(row_payoff, dtype=bool)
    risk = None
    if A.shape == (2, 2):
        row_first = np.array([[e.row_mix[0] for e in found]])
        col_first = np.array([[e.col_mix[0] for e in found]])
        risk = risk_dominant_mask_2x2(A[None], B[None], row_first, col_first, valid, rtol=rtol)
    weights, rule = selection_weights(row_payoff, col_payoff, valid, selection, risk, rtol=rtol)
    w = weights[0]
    return Selection(
        weights=w,
        rule_applied=RULE_APPLIED[int(rule[0])],
        row_mix=np.sum([wi * e.row_mix for wi, e in zip(w, found, strict=True)], axis=0),
        col_mix=np.sum([wi * e.col_mix for wi, e in zip(w, found, strict=True)], axis=0),
        row_payoff=float(w @ row_payoff[0]),
        col_payoff=float(w @ col_payoff[0]),
    )
