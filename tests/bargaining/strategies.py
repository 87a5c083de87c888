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
