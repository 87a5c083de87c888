"""The Fearon (1995) special case: the engine's ZOPA is exactly [p - c_A, p + c_B]."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import sim


def brute_force_range(p, c_a, c_b, grid=20001):
    """Accepted shares of A by direct comparison of each division with the war lottery."""
    x = np.linspace(0.0, 1.0, grid)
    ok = (x >= p * 1.0 + (1 - p) * 0.0 - c_a) & (1 - x >= p * 0.0 + (1 - p) * 1.0 - c_b)
    return (x[ok].min(), x[ok].max()) if ok.any() else (np.nan, np.nan)


def test_textbook_example(fearon):
    r = sim.solve(fearon)
    assert r.zopa.exists
    assert r.zopa.lo_km2 == np.float64(0.4) or abs(r.zopa.lo_km2 - 0.4) < 1e-12
    assert abs(r.zopa.hi_km2 - 0.7) < 1e-12
    assert set(r.zopa.binding) == {"a", "b"}


@settings(max_examples=30)
@given(
    p=st.floats(0.05, 0.95),
    c_a=st.floats(0.005, 0.3),
    c_b=st.floats(0.005, 0.3),
)
def test_zopa_matches_brute_force(fearon, p, c_a, c_b):
    out = sim.evaluate(
        fearon,
        {"war.terminal.p": [p], "actors.a.terminal_cost": [c_a], "actors.b.terminal_cost": [c_b]},
    )
    lo, hi = brute_force_range(p, c_a, c_b)
    assert out["zopa_exists"][0]
    assert abs(out["zopa_lo_km2"][0] - lo) < 1e-4
    assert abs(out["zopa_hi_km2"][0] - hi) < 1e-4
    assert lo - 1e-4 <= out["nash_km2"][0] <= hi + 1e-4


def test_nash_is_midpoint_of_range_for_linear_utilities(fearon):
    # With linear utilities and equal powers the Nash product (x - lo)(hi - x) peaks mid-range.
    out = sim.evaluate(fearon, {"war.terminal.p": [0.3, 0.6]})
    mid = (out["zopa_lo_km2"] + out["zopa_hi_km2"]) / 2
    np.testing.assert_allclose(out["nash_km2"], mid, atol=1e-6)
