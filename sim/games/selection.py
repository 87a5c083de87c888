"""Equilibrium selection rules, vectorized over a batch of games.

A game with several Nash equilibria does not say which one is played.  A
scenario names a rule, and the rule turns the equilibria of each game into
*weights* (non-negative, summing to one) over them; every expected value that
the war model consumes is the weighted average of that value over the
equilibria.

Rules
-----
``"payoff_dominant"``
    Harsanyi and Selten's payoff dominance (1988, sec. 3.9): an equilibrium
    that gives *both* players at least as much as every other equilibrium is
    played.  Several equilibria with the same payoff pair that dominate all
    others share the weight equally.  When no equilibrium dominates all the
    others (e.g. battle of the sexes), Harsanyi and Selten fall back to risk
    dominance, and so do we (then, if that does not apply either, to
    ``"expected"``).
``"risk_dominant"``
    Harsanyi and Selten's risk dominance for 2x2 games (1988, sec. 3.9; the
    Nash-product criterion): when the game has exactly two *strict* pure
    equilibria ``e = (i, j)`` and ``e' = (i', j')``, ``e`` is played iff its
    product of unilateral deviation losses is the larger one,

    ``(A[i, j] - A[i', j]) * (B[i, j] - B[i, j'])``
    ``> (A[i', j'] - A[i, j']) * (B[i', j'] - B[i', j])``.

    It is *not applicable* to games with a single equilibrium (that one is
    played, as under every rule), to games whose pure equilibria are weak
    (degenerate games), to a tie of the two products, and to games larger
    than 2x2; these fall back to ``"expected"``.
``"expected"``
    Every equilibrium equally likely: the weights are ``1 / k`` for the ``k``
    equilibria found.  For a degenerate game (a continuum of equilibria) the
    equilibria are the extreme points of the equilibrium set, as vertex
    enumeration returns them, so this is the average of those extreme points,
    not an average over the continuum.

A game with a unique equilibrium always selects it.  Which rule finally set
the weights is returned as a code (:data:`RULE_APPLIED`) so a report can say
"risk dominance (no payoff-dominant equilibrium)".

References
----------
Harsanyi, J. C. and Selten, R. (1988). *A General Theory of Equilibrium
Selection in Games*. MIT Press.
"""

from __future__ import annotations

import numpy as np

#: The selection rules a scenario can choose.
SELECTION_RULES: tuple[str, ...] = ("payoff_dominant", "risk_dominant", "expected")

#: Codes returned by :func:`selection_weights` for the rule that set the weights.
RULE_APPLIED: dict[int, str] = {
    0: "unique equilibrium",
    1: "payoff dominance",
    2: "risk dominance",
    3: "expected over equilibria",
}


def check_rule(selection: str) -> str:
    """Return ``selection`` if it names a rule, else raise ``ValueError`` naming it."""
    if selection not in SELECTION_RULES:
        raise ValueError(f"selection must be one of {list(SELECTION_RULES)}, got {selection!r}")
    return selection


def payoff_tolerance(*payoffs: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Absolute tolerance for comparing payoffs of each game in a batch.

    ``rtol * max(1, max |payoff|)`` over the given arrays' trailing axes.

    Parameters
    ----------
    *payoffs : ndarray, shape (n, ...)
        Payoff arrays of a batch of ``n`` games.
    rtol : float
        Relative tolerance.

    Returns
    -------
    ndarray, shape (n,)
    """
    scale = np.ones(np.shape(payoffs[0])[:1])
    for arr in payoffs:
        arr = np.asarray(arr, dtype=float)
        flat = np.abs(arr).reshape(len(scale), int(np.prod(arr.shape[1:])))
        scale = np.maximum(scale, np.nanmax(flat, axis=1, initial=0.0))
    return rtol * scale


def risk_dominant_mask_2x2(
    A: np.ndarray,
    B: np.ndarray,
    row_first: np.ndarray,
    col_first: np.ndarray,
    valid: np.ndarray,
    rtol: float = 1e-9,
) -> np.ndarray:
    """Mark the risk-dominant equilibrium of each 2x2 game, where the criterion applies.

    Parameters
    ----------
    A, B : ndarray, shape (n, 2, 2)
        Row and column player payoffs; ``A[g, i, j]`` is the row player's payoff in
        game ``g`` when row plays ``i`` and column plays ``j``.
    row_first, col_first : ndarray, shape (n, k)
        Probability that the row (column) player plays its first action in each
        of the ``k`` candidate equilibria of each game.
    valid : ndarray of bool, shape (n, k)
        Which candidates are equilibria.
    rtol : float
        Relative tolerance for "strict" and for a tie of the two products.

    Returns
    -------
    ndarray of bool, shape (n, k)
        True at the risk-dominant equilibrium; all False in a game where the
        criterion does not apply (see the module docstring).

    Notes
    -----
    Pure equilibrium ``(i, j)`` is strict iff ``A[i, j] > A[1-i, j]`` and
    ``B[i, j] > B[i, 1-j]``; its deviation-loss product is
    ``(A[i, j] - A[1-i, j]) * (B[i, j] - B[i, 1-j])`` (Harsanyi and Selten 1988,
    sec. 3.9).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    tol = payoff_tolerance(A, B, rtol=rtol)[:, None, None]
    row_loss = A - A[:, ::-1, :]  # A[i, j] - A[1 - i, j]
    col_loss = B - B[:, :, ::-1]  # B[i, j] - B[i, 1 - j]
    strict = (row_loss > tol) & (col_loss > tol)  # (n, 2, 2): pure profile is a strict NE
    product = np.where(strict, row_loss * col_loss, -np.inf)
    two_strict = strict.sum(axis=(1, 2)) == 2
    flat = product.reshape(len(A), 4)
    best = np.argmax(flat, axis=1)
    ordered = np.sort(flat, axis=1)
    with np.errstate(invalid="ignore"):  # -inf - -inf where fewer than two are strict
        margin = ordered[:, -1] - ordered[:, -2]
    clear_winner = two_strict & (margin > rtol * np.maximum(1.0, np.abs(ordered[:, -1])))
    best_row_first = (best // 2 == 0).astype(float)  # profile index 0,1 -> row action 0
    best_col_first = (best % 2 == 0).astype(float)
    is_best = (
        valid
        & np.isclose(row_first, best_row_first[:, None], rtol=0, atol=1e-12)
        & np.isclose(col_first, best_col_first[:, None], rtol=0, atol=1e-12)
    )
    return is_best & clear_winner[:, None]


def payoff_dominant_mask(payoffs: np.ndarray, valid: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Equilibria that give every player at least as much as every other equilibrium.

    Parameters
    ----------
    payoffs : ndarray, shape (n, k, players)
        Each player's payoff at each of ``k`` candidate equilibria of ``n`` games.
    valid : ndarray of bool, shape (n, k)
        Which candidates are equilibria.
    rtol : float
        Relative tolerance (:func:`payoff_tolerance`).

    Returns
    -------
    ndarray of bool, shape (n, k)
        True at each equilibrium ``a`` with ``u_i(a) >= u_i(b) - tol`` for every
        player ``i`` and every equilibrium ``b``; all False where none exists.
    """
    payoffs = np.asarray(payoffs, dtype=float)
    valid = np.asarray(valid, dtype=bool)
    tol = payoff_tolerance(np.where(valid[..., None], payoffs, 0.0), rtol=rtol)
    u = np.where(valid[..., None], payoffs, np.nan)
    # at_least[g, a, b]: candidate a gives every player at least what b gives.
    at_least = np.all(u[:, :, None, :] >= u[:, None, :, :] - tol[:, None, None, None], axis=-1)
    at_least |= ~valid[:, None, :]
    return valid & at_least.all(axis=2)


def selection_weights(
    row_payoff: np.ndarray,
    col_payoff: np.ndarray,
    valid: np.ndarray,
    selection: str,
    risk_dominant: np.ndarray | None = None,
    rtol: float = 1e-9,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights over the equilibria of each game in a batch, by a selection rule.

    Parameters
    ----------
    row_payoff, col_payoff : ndarray, shape (n, k)
        Each player's expected payoff at each of ``k`` candidate equilibria.
    valid : ndarray of bool, shape (n, k)
        Which candidates are equilibria; each game needs at least one.
    selection : {"payoff_dominant", "risk_dominant", "expected"}
        The rule (see the module docstring).
    risk_dominant : ndarray of bool, shape (n, k), optional
        The risk-dominant equilibrium of each game (from
        :func:`risk_dominant_mask_2x2`); None when the criterion does not apply
        to any game (games larger than 2x2).
    rtol : float
        Relative tolerance for comparing payoffs.

    Returns
    -------
    weights : ndarray, shape (n, k)
        Non-negative, zero off ``valid``, each row summing to one.
    rule_applied : ndarray of int, shape (n,)
        Code of the rule that set each game's weights (:data:`RULE_APPLIED`).
    """
    check_rule(selection)
    row_payoff = np.asarray(row_payoff, dtype=float)
    col_payoff = np.asarray(col_payoff, dtype=float)
    valid = np.asarray(valid, dtype=bool)
    count = valid.sum(axis=1)
    if np.any(count == 0):
        raise ValueError("selection_weights: every game needs at least one equilibrium")
    expected = valid / count[:, None]
    weights = expected.copy()
    rule = np.full(len(valid), 3, dtype=np.int64)

    risk = np.zeros_like(valid) if risk_dominant is None else np.asarray(risk_dominant, bool)
    has_risk = risk.any(axis=1)
    if selection in ("payoff_dominant", "risk_dominant"):
        weights = np.where(has_risk[:, None], risk.astype(float), weights)
        rule = np.where(has_risk, 2, rule)
    if selection == "payoff_dominant":
        # Only games with several equilibria need the (k x k) comparison.
        several = np.flatnonzero(count > 1)
        payoffs = np.stack([row_payoff[several], col_payoff[several]], axis=-1)
        dominant = np.zeros_like(valid)
        dominant[several] = payoff_dominant_mask(payoffs, valid[several], rtol=rtol)
        has_dominant = dominant.any(axis=1)
        share = dominant / np.maximum(dominant.sum(axis=1), 1)[:, None]
        weights = np.where(has_dominant[:, None], share, weights)
        rule = np.where(has_dominant, 1, rule)
    unique = count == 1
    weights = np.where(unique[:, None], expected, weights)
    rule = np.where(unique, 0, rule)
    return weights, rule
