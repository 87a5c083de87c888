"""The hazard's speed work of session 5 (issue 16) leaves every output bit for bit.

* :func:`sim.kernels.hazard.hazard` and :func:`~sim.kernels.hazard.hazard_blocked` on
  stored inputs against the outputs of the code at dcd8830, before that work
  (``hazard5/fixture.npz``, written by ``hazard5/make_fixture.py`` on that code: the
  baseline's ``near`` and ``wide`` rows as ``evaluate`` builds them, and a ``mixed``
  variant that reaches the convex utility's grid search, two honest brokers and a
  curved gain in the Newton search);
* :func:`sim.bargaining.search.newton_on_interval` against a verbatim copy of its
  dcd8830 version (below), on the hazard's own objectives from random inputs (kinks,
  flat tails, saturated sides, both kinds of proposer) and the same maximisers and step
  counts are required, ``==`` on every element.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bargaining import search
from sim.kernels import hazard as hz
from tests.forecast.test_forecast_hazard_skips import random_inputs

FIXTURE = Path(__file__).resolve().parent / "hazard5" / "fixture.npz"


@pytest.fixture(scope="module")
def stored():
    with np.load(FIXTURE) as z:
        return {k: z[k] for k in z.files}


def inputs(stored, case: str) -> hz.HazardInputs:
    return hz.HazardInputs(*(stored[f"{case}/in/{f.name}"] for f in fields(hz.HazardInputs)))


@pytest.mark.parametrize("case", ["near", "wide", "mixed"])
def test_hazard_is_the_old_one_bit_for_bit(stored, case):
    inp = inputs(stored, case)
    h, line = hz.hazard(inp)
    np.testing.assert_array_equal(h, stored[f"{case}/h"])
    np.testing.assert_array_equal(line, stored[f"{case}/line"])  # NaN where h = 0
    # the stored rows are not trivial: many rows with a chance of agreement
    assert (h > 0).mean() > 0.2


def test_mixed_case_reaches_the_other_searches(stored):
    """The mixed rows search with a convex utility, with two brokers and with a curved
    gain (so that the bit-for-bit test above covers those paths)."""
    inp = inputs(stored, "mixed")
    rec = np.where(np.isfinite(inp.recognition), inp.recognition, 0.0)
    assert ((inp.curvature[:, 0] < 1) & inp.veto[:, 0] & (rec[:, 0] > 0)).sum() > 50
    assert ((~inp.veto[:, 0]) & (~inp.veto[:, 3]) & (rec[:, 0] > 0) & (rec[:, 3] > 0)).sum() > 50
    assert (inp.curvature[:, 1] > 1).sum() > 50


def test_hazard_blocked_is_the_old_one_bit_for_bit(stored):
    inp = inputs(stored, "blocked")
    sets = int(stored["blocked/sets"])
    h, line = hz.hazard_blocked(inp, sets)
    np.testing.assert_array_equal(h, stored["blocked/h"])
    np.testing.assert_array_equal(line, stored["blocked/line"])
    # larger blocks, and the one-month blocks: the same values (cutoff None)
    for block in (1, 16, h.shape[1]):
        again = hz.hazard_blocked(inp, sets, block=block)
        np.testing.assert_array_equal(again[0], h)
        np.testing.assert_array_equal(again[1], line)


def newton_dcd8830(slopes, lo, hi, start, *, xtol=1e-12, max_steps=200):
    """``newton_on_interval`` as it was at dcd8830, verbatim (the reference)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    n = lo.shape[0]
    out, steps = np.empty(n), np.zeros(n, dtype=np.int64)
    tol = xtol * (hi - lo) + 4.0 * np.finfo(float).eps * np.maximum(np.abs(lo), np.abs(hi))
    rows = np.arange(n)
    x = np.clip(start, lo, hi)
    a, b, end_lo, end_hi, t = lo, hi, lo, hi, tol
    prev, tried_lo, tried_hi = np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool)
    for _ in range(max_steps):
        left, right, curv = slopes(x, rows)
        steps[rows] += 1
        at_lo, at_hi = x <= end_lo, x >= end_hi
        left = np.where(at_lo, np.inf, left)  # nothing to the left of the interval
        right = np.where(at_hi, -np.inf, right)
        tried_lo |= at_lo
        tried_hi |= at_hi
        up = right > 0
        kink = ~up & (left > 0)
        a, b = np.where(up, x, a), np.where(up, b, x)
        g = np.where(up, right, left)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - g / curv
            # slow: the slope kept its sign and fell by less than 2.5x (a flat tail)
            slow = (g * prev > 0) & (np.abs(g) > 0.4 * np.abs(prev))
        step = np.abs(newton - x)
        near = (newton >= a) & (newton <= b) & (step <= t)  # False where NaN
        ok = (newton > a) & (newton < b) & ~slow | near
        nxt = np.where(ok, newton, 0.5 * (a + b))
        jump_hi = ~ok & up & ~tried_hi & (b >= end_hi)
        jump_lo = ~ok & ~up & ~tried_lo & (a <= end_lo)
        nxt[jump_hi] = end_hi[jump_hi]
        nxt[jump_lo] = end_lo[jump_lo]
        # converged: a Newton step within the bracket (closed: it may round onto an
        # end) of at most the tolerance, or a bracket that narrow
        finished = kink | near | (b - a <= t)
        done = np.flatnonzero(finished)
        out[rows[done]] = np.where(kink[done], x[done], nxt[done])
        if done.size == rows.size:
            break
        keep = np.flatnonzero(~finished)
        rows, x = rows[keep], nxt[keep]
        a, b, end_lo, end_hi, t, prev, tried_lo, tried_hi = (
            v[keep] for v in (a, b, end_lo, end_hi, t, g, tried_lo, tried_hi)
        )
    else:
        out[rows] = x
    return out, steps


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), curvature=st.sampled_from([1.0, 1.0, 1.7]))
def test_newton_is_the_old_one_bit_for_bit(seed, curvature):
    """Every proposer's offer on random inputs with the old and the new Newton search:
    the same maximisers and the same steps."""
    inp = random_inputs(300, seed, curvature)
    runs = {}
    for name, fn in (("old", newton_dcd8830), ("new", search.newton_on_interval)):
        seen = []

        def spy(*args, fn=fn, seen=seen, **kw):
            out = fn(*args, **kw)
            seen.append(out)
            return out

        with pytest.MonkeyPatch.context() as m:
            m.setattr(hz, "newton_on_interval", spy)
            offers = [hz.best_offer(inp, j) for j in range(inp.lo.shape[1])]
        runs[name] = (offers, seen)
    (old, old_steps), (new, new_steps) = runs["old"], runs["new"]
    assert len(old_steps) == len(new_steps) > 0
    for (xo, so), (xn, sn) in zip(old_steps, new_steps, strict=True):
        np.testing.assert_array_equal(xn, xo)
        np.testing.assert_array_equal(sn, so)
    for (xo, po), (xn, pn) in zip(old, new, strict=True):
        np.testing.assert_array_equal(xn, xo)
        np.testing.assert_array_equal(pn, po)
