"""The regional kernels use the Python array API standard alone: under ``array_api_strict``
they give the numpy numbers (as the other kernels, tests/engine/test_kernels_array_api.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.kernels.regions import (
    RegionalFront,
    acceptable_radius,
    regional_distance,
    regional_line_utility,
    regional_paths,
    section,
    stalemate_share,
)

xs = pytest.importorskip("array_api_strict")


def _strict(x):
    return xs.asarray(np.ascontiguousarray(np.asarray(x, dtype=float)))


def _front(mod):
    rng = np.random.default_rng(4)
    parts = (
        rng.uniform(0, 1, (3, 4)),
        rng.normal(0, 20, (3, 4)),
        rng.uniform(1e3, 5e3, (3, 4)),
        rng.uniform(0, 1e3, (3, 4)),
    )
    return RegionalFront(*(mod(p) for p in parts), noise_sd_km2=mod(np.full((3, 4), 15.0)))


def test_the_fronts_under_the_standard():
    rng = np.random.default_rng(5)
    drift = rng.normal(100, 80, (3, 2, 9))
    season = rng.uniform(0.5, 1.3, (3, 9))
    eps = rng.standard_normal((2, 4, 9))
    ref = regional_paths(_front(np.asarray), drift, season, eps)
    got = regional_paths(_front(_strict), _strict(drift), _strict(season), _strict(eps))
    np.testing.assert_allclose(np.asarray(got), ref, rtol=1e-12)
    held = regional_paths(_front(_strict), _strict(drift), _strict(season), hold=lambda t: t < 3)
    np.testing.assert_allclose(
        np.asarray(held), regional_paths(_front(np.asarray), drift, season, hold=lambda t: t < 3)
    )
    k, s = np.array([5000.0, 6000.0, 7000.0]), np.array([0.6, 0.65, 0.7])
    np.testing.assert_allclose(
        np.asarray(stalemate_share(_front(_strict), _strict(k), _strict(s))),
        stalemate_share(_front(np.asarray), k, s),
        rtol=1e-12,
    )


def test_the_values_and_sections_under_the_standard():
    rng = np.random.default_rng(6)
    area = np.array([100.0, 80.0, 60.0])
    values = {
        "ideal": np.array([[0.0, 0.0, 0.0], [100.0, 80.0, 60.0], [50.0, 10.0, 30.0]]),
        "weight": rng.uniform(0.5, 2.0, (3, 3)),
        "curvature": np.array([[1.0, 2.0, 1.0], [1.0, 1.0, 1.0], [1.5, 1.0, 1.0]]),
        "area": area,
        "outside": np.array([0.0, 10.0, 0.0]),
    }
    lines = rng.uniform(0, 1, (5, 3)) * area
    need = np.array([0.1, 0.2, 0.05])
    w, rho, span = np.array([0.5, 0.6, 0.3]), np.array([1.0, 1.0, 2.0]), 200.0

    def run(mod):
        v = SimpleNamespace(**{k: mod(x) for k, x in values.items()})
        d = regional_distance(mod(lines), v.ideal, v.weight, v.curvature, v.area, v.outside)
        u = regional_line_utility(d, mod(w), span, mod(rho))
        radius = acceptable_radius(mod(need), mod(w), span, mod(rho))
        mask = xs.asarray(np.ones((5, 3), dtype=bool)) if mod is _strict else np.ones((5, 3), bool)
        lo, hi = section(mod(lines), v, radius * mod(np.ones((5, 3))), mask)
        return [np.asarray(a) for a in (d, u, radius, lo, hi)]

    for a, b in zip(run(_strict), run(np.asarray), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, equal_nan=True)
