"""The golden-section search of :mod:`sim.bargaining.search` against scipy and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from sim.bargaining import maximize_on_interval


@settings(max_examples=60)
@given(
    centre=st.floats(-5.0, 5.0),
    left=st.floats(0.1, 10.0),
    right=st.floats(0.1, 10.0),
    curvature=st.floats(1.0, 4.0),
)
def test_golden_search_finds_the_maximum_of_a_concave_function(centre, left, right, curvature):
    lo, hi = np.array([centre - left]), np.array([centre + right])
    peak = centre + 0.3 * (right - left)

    def objective(x):
        return -(np.abs(x - peak) ** curvature)

    found = maximize_on_interval(objective, lo, hi, unimodal=True)
    ref = minimize_scalar(
        lambda x: np.abs(x - peak) ** curvature,
        bounds=(lo[0], hi[0]),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert found[0] == pytest.approx(ref.x, abs=1e-5 * (hi[0] - lo[0]))


def test_grid_then_golden_finds_the_global_maximum_of_a_bimodal_function():
    lo, hi = np.array([0.0, 0.0]), np.array([10.0, 10.0])
    peaks = np.array([[2.0, 7.5], [8.0, 1.0]])  # the higher peak first, then second
    heights = np.array([[1.0, 0.6], [0.5, 1.0]])

    def objective(x):  # x (K, B): two bumps, the global one at peaks[:, argmax(heights)]
        bumps = heights.T[None] * np.exp(-((x[:, None, :] - peaks.T[None]) ** 2))
        return bumps.max(axis=1)

    found = maximize_on_interval(objective, lo, hi)
    dense = np.linspace(0.0, 10.0, 200_001)
    values = objective(np.broadcast_to(dense[:, None], (dense.size, 2)))
    brute = [dense[np.argmax(values[:, b])] for b in (0, 1)]
    np.testing.assert_allclose(found, brute, atol=1e-4)
