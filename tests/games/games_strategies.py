"""Hypothesis strategies and independent reference solvers shared by the games tests."""

from __future__ import annotations

import warnings

import nashpy
import numpy as np
from hypothesis import strategies as st


def small_int_games(low: int = -3, high: int = 3):
    """2x2 bimatrix games with small integer payoffs: ties (degenerate games) are common."""
    entries = st.lists(st.integers(low, high), min_size=8, max_size=8)
    return entries.map(
        lambda v: (np.array(v[:4], float).reshape(2, 2), np.array(v[4:], float).reshape(2, 2))
    )


def grid_games():
    """2x2 games with payoffs on a 0.01 grid in [-20, 20] (exact ties or gaps >= 0.01)."""
    entries = st.lists(st.integers(-2000, 2000), min_size=8, max_size=8)
    return entries.map(
        lambda v: (
            np.array(v[:4], float).reshape(2, 2) / 100,
            np.array(v[4:], float).reshape(2, 2) / 100,
        )
    )


def nashpy_extreme_equilibria(A: np.ndarray, B: np.ndarray) -> set[tuple[float, ...]]:
    """All extreme equilibria by nashpy's vertex enumeration, called directly.

    Payoffs are shifted to be >= 1 first (nashpy's polytopes assume positive payoffs).
    Returned as a set of rounded (row mix, col mix) tuples.
    """
    game = nashpy.Game(A - A.min() + 1, B - B.min() + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = list(game.vertex_enumeration())
    return {as_key(x, y) for x, y in found}


def nashpy_support_equilibria(A: np.ndarray, B: np.ndarray) -> set[tuple[float, ...]]:
    """Equilibria by nashpy's support enumeration, called directly (nondegenerate games)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = list(nashpy.Game(A, B).support_enumeration())
    return {as_key(x, y) for x, y in found}


def as_key(x, y, digits: int = 6) -> tuple[float, ...]:
    """A hashable, rounded key for a strategy pair (row mix, col mix)."""
    return tuple(float(v) + 0.0 for v in np.round(np.concatenate([x, y]), digits))


def same_points(a, b, tol: float = 2e-6) -> bool:
    """Two sets of :func:`as_key` keys hold the same points: each key of one lies within
    ``tol`` (two rounding units of the keys' 6 digits) of a key of the other, in every
    coordinate, and the sets are as large.  Exact set equality of rounded keys fails when
    two methods' values straddle a rounding boundary (0.9921875 computed as
    0.99218749999... by one and 0.99218750000...1 by the other)."""

    def covered(xs, ys):
        return all(
            any(max(abs(u - v) for u, v in zip(x, y, strict=True)) <= tol for y in ys) for x in xs
        )

    return len(a) == len(b) and covered(a, b) and covered(b, a)


def is_equilibrium(A, B, x, y, tol: float = 1e-9) -> bool:
    """Brute-force check: no pure deviation gains either player more than ``tol``."""
    A, B, x, y = (np.asarray(v, float) for v in (A, B, x, y))
    return bool(np.max(A @ y) <= x @ A @ y + tol and np.max(x @ B) <= x @ B @ y + tol)
