"""Hypothesis strategies for the inputs of :mod:`sim.bargaining`, shared by its tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

discount_factors = st.floats(0.0, 1.0)
"""Any per-round discount factor, the end points included."""

impatient_discount_factors = st.floats(0.0, 0.98)
"""Discount factors for which finite-horizon games converge quickly."""

probabilities = st.floats(0.0, 1.0)

costs = st.floats(0.0, 2.0)

utility_exponents = st.floats(0.2, 5.0)
"""Exponents of ``x ** a``: risk-averse (< 1) to risk-loving (> 1)."""


@st.composite
def probability_vectors(draw, min_players: int = 2, max_players: int = 5) -> np.ndarray:
    """Recognition probabilities: non-negative, summing to 1, zeros allowed."""
    n = draw(st.integers(min_players, max_players))
    raw = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    if raw.sum() < 1e-3:
        raw[draw(st.integers(0, n - 1))] = 1.0
    return raw / raw.sum()


@st.composite
def split_problems(
    draw, min_players: int = 2, max_players: int = 5, min_slack: float = 0.02
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(exponents, disagreement, weights)`` of a feasible pie-splitting problem.

    The disagreement shares ``d_i ** (1 / a_i)`` leave at least ``min_slack``
    of the pie to bargain over; weights are positive.
    """
    n = draw(st.integers(min_players, max_players))
    exponents = np.array(draw(st.lists(utility_exponents, min_size=n, max_size=n)))
    fractions = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    claimed = draw(st.floats(0.0, 1.0 - min_slack))
    if fractions.sum() > 0:
        fractions = fractions / fractions.sum()
    disagreement_shares = claimed * fractions
    disagreement = disagreement_shares**exponents
    weights = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
    return exponents, disagreement, weights


@st.composite
def line_problems(draw, min_players: int = 2, max_players: int = 4, curvatures=None):
    """``(prefs, lo, hi)``: one bargaining problem over a line (a batch of one).

    Ideals and the interval lie in ``[0, 1]`` and the span is at least 1, so
    every line score ``1 - (|x - c| / span) ** rho`` lies in ``[0, 1]``; each
    player's base surplus makes its surplus non-negative on the interval (0 at
    one end for some players: they bind).  ``curvatures``: a strategy for
    ``rho`` (default: 1 or concave, up to 3).
    """
    from sim.bargaining.lines import LinePreferences

    n = draw(st.integers(min_players, max_players))
    curvatures = curvatures or st.one_of(st.just(1.0), st.floats(1.0, 3.0))

    def column(strategy):
        return np.array([draw(st.lists(strategy, min_size=n, max_size=n))])

    a, b = draw(st.floats(0.0, 1.0)), draw(st.floats(0.0, 1.0))
    lo, hi = min(a, b), max(a, b)
    if hi - lo < 1e-3:
        lo, hi = max(0.0, lo - 0.01), min(1.0, hi + 0.01)
    weight, ideal = column(st.floats(0.05, 1.0)), column(st.floats(0.0, 1.0))
    curvature, span = column(curvatures), np.array([[draw(st.floats(1.0, 2.0))]])
    worst = np.minimum(*(1.0 - (np.abs(e - ideal) / span) ** curvature for e in (lo, hi)))
    slack = column(st.one_of(st.just(0.0), st.floats(0.0, 0.5)))
    prefs = LinePreferences(
        base=slack - weight * worst,
        weight=weight,
        ideal=ideal,
        curvature=curvature,
        span=span,
        power=column(st.floats(0.1, 3.0)),
        players=np.ones((1, n), dtype=bool),
    )
    return prefs, np.array([lo]), np.array([hi])
