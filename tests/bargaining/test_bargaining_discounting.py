"""Discount factors from rates."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.bargaining import discount_factor

rates = st.floats(0.0, 5.0)
lengths = st.floats(0.0, 10.0)


def test_known_values():
    assert discount_factor(0.0, 3.0) == 1.0
    assert discount_factor(0.12, 1 / 12) == pytest.approx(0.990049833749168, abs=1e-15)
    assert discount_factor(np.log(2), 1.0) == pytest.approx(0.5, abs=1e-15)


@given(rates, lengths)
def test_is_the_limit_of_compounding_many_short_steps(rate, dt):
    steps = 1_000_000
    compounded = (1.0 - rate * dt / steps) ** steps
    assert discount_factor(rate, dt) == pytest.approx(compounded, abs=1e-4)


@given(rates, lengths, lengths)
def test_consecutive_rounds_multiply(rate, dt1, dt2):
    assert discount_factor(rate, dt1) * discount_factor(rate, dt2) == pytest.approx(
        discount_factor(rate, dt1 + dt2), rel=1e-12, abs=1e-300
    )


@given(rates, lengths, st.floats(0.0, 1.0))
def test_more_impatience_or_longer_rounds_discount_more(rate, dt, extra):
    factor = discount_factor(rate, dt)
    assert 0.0 <= factor <= 1.0
    assert discount_factor(rate + extra, dt) <= factor
    assert discount_factor(rate, dt + extra) <= factor


def test_scalar_and_broadcast_shapes():
    assert np.ndim(discount_factor(0.1, 1.0)) == 0
    assert discount_factor(np.array([0.1, 0.2, 0.3])[:, None], np.array([1.0, 2.0])).shape == (
        3,
        2,
    )


@pytest.mark.parametrize(
    ("rate", "dt", "named"),
    [
        (-0.1, 1.0, "rate=-0.1"),
        (0.1, -1.0, "dt=-1.0"),
        (np.nan, 1.0, "rate=nan"),
        ([0.1, 0.2], [1.0, 2.0, 3.0], "dt (3,)"),
        ("fast", 1.0, "rate must be a number"),
    ],
)
def test_invalid_input_raises_naming_the_argument(rate, dt, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        discount_factor(rate, dt)
