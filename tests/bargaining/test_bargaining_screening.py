"""Fearon's screening offer (:mod:`sim.bargaining.screening`): known answers, brute
force over a fine grid of offers, scipy for the normal belief, and properties."""

from __future__ import annotations

import doctest

import array_api_strict as xps
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import sim.bargaining.screening as screening
from sim.bargaining import screening_offer, screening_offer_normal, screening_offer_search

GRID = np.linspace(-0.5, 1.5, 200_001)  # offers 1e-5 apart


def brute_uniform(w, lo, hi, pie=1.0):
    """The best offer on a fine grid, with the uniform acceptance probability."""
    p = np.clip((GRID - lo) / (hi - lo), 0.0, 1.0)
    value = p * (pie - GRID) + (1 - p) * w
    k = int(np.argmax(value))
    return GRID[k], p[k], value[k]


def test_the_issue_example():
    offer, p = screening_offer(0.4, 0.1, 0.5)
    assert offer == pytest.approx(0.35, abs=1e-12)
    assert p == pytest.approx(0.625, abs=1e-12)


def test_clipping_at_both_ends():
    # A proposer who values war highly offers the least (refused for sure) ...
    offer, p = screening_offer(0.95, 0.1, 0.5)
    assert (offer, p) == pytest.approx((0.1, 0.0), abs=1e-12)
    # ... one who values war at nothing buys even the toughest responder.
    offer, p = screening_offer(0.0, 0.6, 0.75)
    assert (offer, p) == pytest.approx((0.75, 1.0), abs=1e-12)


def test_known_reservation_value_is_the_complete_information_limit():
    offer, p = screening_offer(np.array([0.3, 0.8]), 0.4, 0.4)
    assert offer.tolist() == [0.4, 0.4]
    assert p.tolist() == [1.0, 0.0]  # 1 - 0.4 >= 0.3 buys the deal; 0.6 < 0.8 does not


@settings(max_examples=80, deadline=None)
@given(
    w=st.floats(0.0, 1.0),
    lo=st.floats(0.0, 0.9),
    width=st.floats(0.05, 0.6),
    pie=st.floats(0.5, 1.2),
)
def test_closed_form_matches_brute_force(w, lo, width, pie):
    hi = lo + width
    offer, p = screening_offer(w, lo, hi, pie)
    _, _, best = brute_uniform(w, lo, hi, pie)
    value = p * (pie - offer) + (1 - p) * w
    # The closed form is at least as good as every grid offer, and within the grid's step.
    assert value >= best - 1e-9
    assert lo - 1e-12 <= offer <= hi + 1e-12
    assert 0.0 <= p <= 1.0


def test_vectorised_matches_elementwise():
    rng = np.random.default_rng(0)
    w, lo = rng.random(50), 0.5 * rng.random(50)
    hi = lo + 0.5 * rng.random(50) + 0.01
    offer, p = screening_offer(w, lo, hi)
    for k in range(50):
        o, q = screening_offer(w[k], lo[k], hi[k])
        assert offer[k] == pytest.approx(o) and p[k] == pytest.approx(q)


def test_array_api_strict_namespace():
    offer, p = screening_offer(xps.asarray([0.4]), xps.asarray([0.1]), xps.asarray([0.5]))
    assert float(offer[0]) == pytest.approx(0.35) and float(p[0]) == pytest.approx(0.625)


@settings(max_examples=60, deadline=None)
@given(w=st.floats(0.0, 0.9), lo=st.floats(0.0, 0.5), width=st.floats(0.05, 0.5))
def test_more_valuable_war_means_a_lower_offer_and_more_war(w, lo, width):
    o1, p1 = screening_offer(w, lo, lo + width)
    o2, p2 = screening_offer(w + 0.05, lo, lo + width)
    assert o2 <= o1 + 1e-12 and p2 <= p1 + 1e-12


@settings(max_examples=60, deadline=None)
@given(w=st.floats(0.0, 0.5), mid=st.floats(0.2, 0.5), width=st.floats(0.01, 0.3))
def test_more_uncertainty_never_raises_the_chance_of_peace_when_the_deal_is_cheap(w, mid, width):
    # With the responder's expected value well inside the bargaining range the proposer
    # gambles more when it knows less.
    _, p1 = screening_offer(w, mid - width / 2, mid + width / 2)
    _, p2 = screening_offer(w, mid - width, mid + width)
    assert p2 <= p1 + 1e-12 or p1 == pytest.approx(1.0)


def test_uniform_search_agrees_with_the_closed_form():
    w = np.array([0.4, 0.0, 0.95, 0.2])
    lo, hi = np.array([0.1, 0.6, 0.1, 0.3]), np.array([0.5, 0.9, 0.5, 0.35])
    offer, p = screening_offer(w, lo, hi)

    def cdf(x):
        return np.clip((x - lo) / (hi - lo), 0.0, 1.0)

    found, q = screening_offer_search(w, cdf, lo)
    np.testing.assert_allclose(found, offer, atol=1e-6)
    np.testing.assert_allclose(q, p, atol=1e-6)


@pytest.mark.parametrize("w,mean,sd", [(0.4, 0.3, 0.1), (0.1, 0.5, 0.2), (0.6, 0.2, 0.05)])
def test_normal_belief_against_brute_force(w, mean, sd):
    offer, p = screening_offer_normal(w, mean, sd)
    cdf = norm.cdf(GRID, mean, sd)
    value = cdf * (1 - GRID) + (1 - cdf) * w
    assert GRID[np.argmax(value)] == pytest.approx(offer, abs=2e-5)
    assert p == pytest.approx(norm.cdf(offer, mean, sd), abs=1e-9)


def test_normal_with_zero_spread_is_complete_information():
    offer, p = screening_offer_normal([0.3, 0.8], 0.4, 0.0)
    assert offer.tolist() == [0.4, 0.4] and p.tolist() == [1.0, 0.0]


@settings(max_examples=40, deadline=None)
@given(w=st.floats(0.0, 0.4), mean=st.floats(0.2, 0.4), sd=st.floats(0.01, 0.1))
def test_normal_more_spread_lower_acceptance_inside_the_range(w, mean, sd):
    # Inside the range (1 - mean - w large), more uncertainty means more refusals.
    _, p1 = screening_offer_normal(w, mean, sd)
    _, p2 = screening_offer_normal(w, mean, 2 * sd)
    assert p2 <= p1 + 1e-9


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="hi"):
        screening_offer(0.4, 0.5, 0.1)
    with pytest.raises(ValueError, match="sd"):
        screening_offer_normal(0.4, 0.3, -0.1)
    with pytest.raises(ValueError, match="war_value"):
        screening_offer(float("nan"), 0.1, 0.5)


def test_docstring_examples_run():
    result = doctest.testmod(screening, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
