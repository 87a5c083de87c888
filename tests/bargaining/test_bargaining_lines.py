"""Nash and Kalai-Smorodinsky lines on an interval (:mod:`sim.bargaining.lines`).

Known answers by hand and by an independent brute force (a fine grid refined by
``scipy.optimize.minimize_scalar``), properties (hypothesis), the array API
(numpy and ``array_api_strict`` agree) and agreement with the reference
implementation the engine used before the lines moved here (copied below).
"""

from __future__ import annotations

import array_api_strict
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar
from strategies import line_problems

from sim.bargaining import (
    LinePreferences,
    kalai_smorodinsky_line,
    line_surplus,
    maximize_on_interval,
    nash_line,
)

# Reference implementation (the oracle) -------------------------------------------
# A verbatim copy of the golden-section search and the two objectives of
# ``sim.kernels.zopa.solutions`` as they were before issue 14 (adapted only to take
# ``(B, n)`` inputs): the engine's numbers must not change when it calls
# ``sim.bargaining`` instead.

REFERENCE_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def reference_maximize_on_interval(objective, lo, hi, *, unimodal=False, grid=65, rtol=1e-6):
    span = hi - lo
    if unimodal:
        a, b = lo.astype(float), hi.astype(float)
        width = 1.0
    else:
        xs = lo[:, None] + span[:, None] * np.linspace(0.0, 1.0, grid)[None, :]
        vals = np.nan_to_num(objective(xs), nan=-np.inf)
        j = np.argmax(vals, axis=1)
        step = span / (grid - 1)
        a = np.maximum(lo, xs[np.arange(len(j)), j] - step)
        b = np.minimum(hi, xs[np.arange(len(j)), j] + step)
        width = 2.0 / (grid - 1)
    steps = max(0, int(np.ceil(np.log(rtol / width) / np.log(REFERENCE_GOLDEN))))

    def f(x):
        value = objective(x[:, None])[:, 0]
        return np.where(np.isnan(value), -np.inf, value)

    c = b - REFERENCE_GOLDEN * (b - a)
    d = a + REFERENCE_GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(steps):
        left = fc >= fd
        a, b = np.where(left, a, c), np.where(left, d, b)
        x = np.where(left, b - REFERENCE_GOLDEN * (b - a), a + REFERENCE_GOLDEN * (b - a))
        fx = f(x)
        c, d = np.where(left, x, d), np.where(left, c, x)
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
    return 0.5 * (a + b)


def reference_term(x, ideal, span, curvature):
    dist = np.abs(x - ideal) / span
    if np.all(curvature == 1.0):
        return 1.0 - dist
    return 1.0 - dist**curvature


def reference_lines(prefs, lo, hi):
    """``(nash, kalai_smorodinsky)`` lines as ``sim.kernels.zopa.solutions`` found them."""
    shape = np.broadcast_shapes(*(np.shape(f) for f in prefs))

    def actor_major(v):  # (B, n) -> (n, B, 1)
        return np.ascontiguousarray(np.broadcast_to(v, shape).T)[:, :, None]

    w, ideal, curv = (
        actor_major(prefs.weight),
        actor_major(prefs.ideal),
        actor_major(prefs.curvature),
    )
    span = np.broadcast_to(prefs.span, shape)[:, 0][None, :, None]
    base, vmask, power = (
        actor_major(prefs.base),
        actor_major(prefs.players),
        actor_major(prefs.power),
    )
    linear = bool(np.all(curv == 1.0))
    slope = w / span
    peak = base + w
    no_veto = ~vmask
    some_without_veto = bool(no_veto.any())

    def surplus_at(x):
        if linear:
            return peak - slope * np.abs(x - ideal)
        return base + w * reference_term(x, ideal, span, curv)

    def nash(x):
        logs = surplus_at(x[None])
        np.maximum(logs, 0.0, out=logs)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(logs, out=logs)
            logs *= power
        if some_without_veto:
            np.copyto(logs, 0.0, where=no_veto)
        return logs.sum(axis=0)

    max_surplus = surplus_at(np.clip(ideal, lo[None, :, None], hi[None, :, None]))
    with np.errstate(divide="ignore"):
        inv_max = np.where(max_surplus > 1e-15, 1.0 / max_surplus, 0.0)
    pad = np.where(vmask, 0.0, np.inf)

    def ks(x):
        return (surplus_at(x[None]) * inv_max + pad).min(axis=0, initial=np.inf)

    concave = bool(np.all(np.where(vmask, curv, 1.0) >= 1.0))
    return (
        reference_maximize_on_interval(nash, lo, hi, unimodal=concave),
        reference_maximize_on_interval(ks, lo, hi, unimodal=concave),
    )


# Batches like the engine's ZOPAs --------------------------------------------------


def zopa_batch(size, players=5, *, curvature=(1.0, 1.0), seed=0):
    """``(prefs, lo, hi)``: ``size`` random ZOPAs in km2 with every veto player's surplus >= 0.

    Ideals spread over the whole map, veto masks at random (at least one veto
    player), bargaining powers in ``[0, 3]``, and a few binding players per set.
    """
    rng = np.random.default_rng(seed)
    shape = (size, players)
    span = rng.uniform(1.0e5, 2.0e5, (size, 1))
    lo = rng.uniform(4.0e4, 1.2e5, size)
    hi = lo + rng.uniform(0.0, 2.0e4, size) * (rng.random(size) > 0.02)  # some points
    ideal = rng.uniform(0.0, 1.6e5, shape)
    weight = rng.uniform(0.0, 2.0, shape) * (rng.random(shape) > 0.05)
    curv = rng.uniform(*curvature, shape)
    dist = np.maximum(np.abs(lo[:, None] - ideal), np.abs(hi[:, None] - ideal))
    worst = 1.0 - (dist / span) ** curv
    slack = rng.exponential(0.3, shape) * (rng.random(shape) > 0.3)
    veto = rng.random(shape) < 0.7
    veto[np.arange(size), rng.integers(0, players, size)] = True
    power = rng.uniform(0.0, 3.0, shape) * (rng.random(shape) > 0.05)
    prefs = LinePreferences(slack - weight * worst, weight, ideal, curv, span, power, veto)
    return prefs, lo, hi


def brute_force_line(objective, lo, hi, points=20_001):
    """The maximiser of ``objective`` (vectorised over ``x``) on ``[lo, hi]``: a grid, then Brent.

    None when the objective is ``-inf`` everywhere (a veto player gains nothing anywhere).
    """
    if hi - lo < 1e-12:
        return lo
    xs = np.linspace(lo, hi, points)
    values = objective(xs)
    best = int(np.argmax(values))
    if values[best] == -np.inf:
        return None
    step = (hi - lo) / (points - 1)
    a, b = max(lo, xs[best] - step), min(hi, xs[best] + step)
    with np.errstate(invalid="ignore"):  # Brent's parabola through -inf end values
        found = minimize_scalar(
            lambda x: -objective(np.array([x]))[0],
            bounds=(a, b),
            method="bounded",
            options={"xatol": 1e-12 * (hi - lo)},
        )
    return found.x if -found.fun >= values[best] else xs[best]


def member_surplus(prefs, b, x):
    """``s_i(x)`` of member ``b`` at the lines ``x`` ``(K,)``: ``(K, n)``, written out afresh."""
    shape = np.broadcast_shapes(*(np.shape(f) for f in prefs))
    base, w, c, rho, span, _, _ = (np.broadcast_to(f, shape)[b] for f in prefs)
    return base + w * (1.0 - (np.abs(x[:, None] - c) / span) ** rho)


def nash_objective(prefs, b):
    """``x -> sum_i beta_i log s_i(x)`` over member ``b``'s veto players (-inf if an s_i <= 0)."""
    on = np.broadcast_to(prefs.players, prefs.ideal.shape)[b]
    power = np.broadcast_to(prefs.power, prefs.ideal.shape)[b][on]

    def value(x):
        s = member_surplus(prefs, b, x)[:, on]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(np.all(s > 0, axis=1), np.sum(power * np.log(s), axis=1), -np.inf)

    return value


def kalai_smorodinsky_objective(prefs, b, lo, hi):
    """``x -> min_i s_i(x) / s_i(clip(c_i, lo, hi))`` over member ``b``'s veto players."""
    on = np.broadcast_to(prefs.players, prefs.ideal.shape)[b]
    clipped = np.clip(prefs.ideal[b], lo, hi)
    best = np.diagonal(member_surplus(prefs, b, clipped))
    ratio = np.where(best > 1e-15, 1.0 / np.where(best > 1e-15, best, 1.0), 0.0)
    return lambda x: np.min((member_surplus(prefs, b, x) * ratio)[:, on], axis=1)


# Known answers ----------------------------------------------------------------------


def two_tents(d1, d2, k1, k2, beta1=1.0, beta2=1.0):
    """Two tents on ``[0, 1]``, ideals outside it: ``s1 = d1 + k1 x``, ``s2 = d2 + k2 (1 - x)``."""
    span = 10.0
    w = np.array([[k1 * span, k2 * span]])
    ideal = np.array([[1.0 + 1.0, -1.0]])  # player 1 wants more, player 2 less
    base = np.array([[d1 - w[0, 0] * (1 - 2.0 / span), d2 - w[0, 1] * (1 - 2.0 / span)]])
    return LinePreferences(
        base,
        w,
        ideal,
        np.ones((1, 2)),
        np.array([[span]]),
        np.array([[beta1, beta2]]),
        np.ones((1, 2), bool),
    )


@pytest.mark.parametrize(
    ("d1", "d2", "k1", "k2", "beta1", "beta2"),
    [
        (0.0, 0.0, 1.0, 1.0, 1.0, 1.0),
        (0.0, 0.0, 1.0, 3.0, 1.0, 3.0),
        (0.2, 0.1, 0.5, 2.0, 2.0, 1.0),
    ],
)
def test_two_tents_match_the_closed_forms(d1, d2, k1, k2, beta1, beta2):
    # Nash: beta1 k1 / (d1 + k1 x) = beta2 k2 / (d2 + k2 (1 - x)); KS: s1 / s1(1) = s2 / s2(0).
    nash = (beta1 * k1 * (d2 + k2) - beta2 * k2 * d1) / (k1 * k2 * (beta1 + beta2))
    m1, m2 = d1 + k1, d2 + k2
    ks = (m1 * (d2 + k2) - m2 * d1) / (m2 * k1 + m1 * k2)
    prefs, lo, hi = two_tents(d1, d2, k1, k2, beta1, beta2), np.zeros(1), np.ones(1)
    assert nash_line(prefs, lo, hi)[0] == pytest.approx(nash, abs=1e-6)
    assert kalai_smorodinsky_line(prefs, lo, hi)[0] == pytest.approx(ks, abs=1e-14)


def test_equal_tents_split_by_bargaining_power():
    prefs = two_tents(0.0, 0.0, 1.0, 1.0, 1.0, 3.0)
    lo, hi = np.zeros(1), np.ones(1)
    assert nash_line(prefs, lo, hi)[0] == pytest.approx(0.25, abs=1e-6)
    assert kalai_smorodinsky_line(prefs, lo, hi)[0] == pytest.approx(0.5, abs=1e-14)


def test_a_player_without_a_veto_is_ignored():
    prefs = two_tents(0.0, 0.0, 1.0, 1.0)
    alone = prefs._replace(players=np.array([[True, False]]))
    lo, hi = np.zeros(1), np.ones(1)
    # Player 1 alone: its ideal (right of the interval) clipped to hi.
    assert nash_line(alone, lo, hi)[0] == pytest.approx(1.0, abs=1e-6)
    assert kalai_smorodinsky_line(alone, lo, hi)[0] == pytest.approx(1.0, abs=1e-14)


def test_a_player_with_nothing_to_gain_flattens_kalai_smorodinsky_to_its_left_end():
    prefs = two_tents(0.0, 0.0, 1.0, 1.0)
    prefs = prefs._replace(weight=np.array([[0.0, 10.0]]), base=np.array([[0.0, 0.0]]))
    # Player 1's ratio is 0 everywhere: every line with s2 >= 0 is a maximiser; the smallest wins.
    assert kalai_smorodinsky_line(prefs, np.zeros(1), np.ones(1))[0] == pytest.approx(
        0.0, abs=1e-14
    )


@pytest.mark.parametrize(("curvature", "seed"), [((1.0, 1.0), 1), ((1.0, 3.0), 2), ((0.5, 1.0), 3)])
def test_lines_match_a_brute_force_search(curvature, seed):
    prefs, lo, hi = zopa_batch(12, 4, curvature=curvature, seed=seed)
    nash, ks = nash_line(prefs, lo, hi), kalai_smorodinsky_line(prefs, lo, hi)
    for b in range(lo.size):
        tol = 1e-6 * (hi[b] - lo[b]) + 1e-9
        want = brute_force_line(nash_objective(prefs, b), lo[b], hi[b])
        assert want is None or nash[b] == pytest.approx(want, abs=tol)
        # Kalai-Smorodinsky maximisers may form a plateau: then compare values.
        ks_value = kalai_smorodinsky_objective(prefs, b, lo[b], hi[b])
        want = brute_force_line(ks_value, lo[b], hi[b])
        better = ks_value(ks[b : b + 1])[0] >= ks_value(np.array([want]))[0] - 1e-12
        assert better or ks[b] == pytest.approx(want, abs=tol)


def test_kalai_smorodinsky_of_tents_is_exact():
    # The level-set formula against a grid: never worse than its best point.
    prefs, lo, hi = zopa_batch(200, 5, seed=11)
    ks = kalai_smorodinsky_line(prefs, lo, hi)
    for b in range(lo.size):
        value = kalai_smorodinsky_objective(prefs, b, lo[b], hi[b])
        grid = np.linspace(lo[b], hi[b], 2_001)
        assert value(ks[b : b + 1])[0] >= np.max(value(grid)) - 1e-12


# Agreement with the engine's former search ------------------------------------------


@pytest.mark.parametrize(
    ("curvature", "players", "seed"),
    [((1.0, 1.0), 5, 0), ((1.0, 1.0), 2, 1), ((1.0, 2.5), 4, 2), ((0.6, 2.0), 3, 3)],
)
def test_lines_reproduce_the_former_engine_search(curvature, players, seed):
    prefs, lo, hi = zopa_batch(2_000, players, curvature=curvature, seed=seed)
    want_nash, want_ks = reference_lines(prefs, lo, hi)
    tol = 1e-6 * (hi - lo) + 1e-9
    assert np.all(np.abs(nash_line(prefs, lo, hi) - want_nash) <= tol)
    assert np.all(np.abs(kalai_smorodinsky_line(prefs, lo, hi) - want_ks) <= tol)


# Properties -------------------------------------------------------------------------


@settings(max_examples=40)
@given(line_problems())
def test_lines_lie_in_the_interval(problem):
    prefs, lo, hi = problem
    for line in (nash_line(prefs, lo, hi), kalai_smorodinsky_line(prefs, lo, hi)):
        assert lo[0] <= line[0] <= hi[0]


@settings(max_examples=40)
@given(line_problems(min_players=1, max_players=3), st.floats(0.0, 0.4))
def test_mirror_image_players_split_the_interval_in_the_middle(problem, slack):
    # Each player plus its mirror image about 0.5, on [0, 1]: the deal is 0.5.
    prefs, _, _ = problem
    lo, hi = np.zeros(1), np.ones(1)
    ideal = np.concatenate([prefs.ideal, 1.0 - prefs.ideal], axis=1)
    weight, curvature = (np.concatenate([f, f], axis=1) for f in (prefs.weight, prefs.curvature))
    worst = 1.0 - (np.maximum(ideal, 1.0 - ideal) / prefs.span) ** curvature
    mirrored = LinePreferences(
        slack - weight * worst + 1e-3,
        weight,
        ideal,
        curvature,
        prefs.span,
        np.concatenate([prefs.power, prefs.power], axis=1),
        np.ones(ideal.shape, bool),
    )
    # Within 1e-6 of 0.5, or as good as 0.5 to rounding: a flat peak (curvature 3 at a
    # shared ideal: s = s0 - |x - c| ** 3) cannot be located closer by comparing values.
    objectives = (nash_objective(mirrored, 0), kalai_smorodinsky_objective(mirrored, 0, 0.0, 1.0))
    for solve, value in zip((nash_line, kalai_smorodinsky_line), objectives, strict=True):
        line = solve(mirrored, lo, hi)
        best = value(np.array([0.5]))[0]
        assert abs(line[0] - 0.5) <= 1e-6 or value(line)[0] >= best - 1e-14 * abs(best)


@settings(max_examples=40)
@given(line_problems(), st.data(), st.floats(1.1, 5.0))
def test_more_bargaining_power_moves_the_nash_line_toward_the_ideal(problem, data, factor):
    prefs, lo, hi = problem
    i = data.draw(st.integers(0, prefs.ideal.shape[1] - 1))
    stronger = prefs.power.copy()
    stronger[0, i] *= factor
    before, after = (
        nash_line(prefs, lo, hi)[0],
        nash_line(prefs._replace(power=stronger), lo, hi)[0],
    )
    toward = np.sign(prefs.ideal[0, i] - before)
    assert toward * (after - before) >= -1e-6 * (hi[0] - lo[0])


@settings(max_examples=40)
@given(line_problems(), st.data(), st.floats(1.1, 5.0))
def test_more_weight_moves_the_nash_line_toward_a_player_with_a_surplus_of_its_own(
    problem, data, factor
):
    # With s_i = b_i + w_i g_i(x), the pull d log s_i / dx = g_i' / (b_i / w_i + g_i) grows
    # with w_i when b_i >= 0 (and shrinks when b_i < 0: a player short of its reservation
    # pulls hardest when the line weighs little).
    prefs, lo, hi = problem
    prefs = prefs._replace(base=np.abs(prefs.base) + 1e-3)
    i = data.draw(st.integers(0, prefs.ideal.shape[1] - 1))
    heavier = prefs.weight.copy()
    heavier[0, i] *= factor
    before, after = (
        nash_line(prefs, lo, hi)[0],
        nash_line(prefs._replace(weight=heavier), lo, hi)[0],
    )
    toward = np.sign(prefs.ideal[0, i] - before)
    assert toward * (after - before) >= -1e-6 * (hi[0] - lo[0])


@settings(max_examples=40)
@given(line_problems())
def test_no_line_makes_every_player_better_off(problem):
    prefs, lo, hi = problem
    surplus = member_surplus(prefs, 0, np.linspace(lo[0], hi[0], 401))  # (401, n)
    tol = 1e-5 * prefs.weight[0]  # the searches place the line to 1e-6 of the interval
    for line in (nash_line(prefs, lo, hi), kalai_smorodinsky_line(prefs, lo, hi)):
        at_line = member_surplus(prefs, 0, line)[0]
        assert not np.any(np.all(surplus > at_line + tol, axis=1))


# The array API ----------------------------------------------------------------------


def test_array_api_strict_gives_the_numpy_numbers():
    for curvature in ((1.0, 1.0), (1.0, 2.0), (0.5, 2.0)):
        prefs, lo, hi = zopa_batch(16, 3, curvature=curvature, seed=7)
        strict = LinePreferences(*(array_api_strict.asarray(np.asarray(f)) for f in prefs))
        s_lo, s_hi = array_api_strict.asarray(lo), array_api_strict.asarray(hi)
        for solve in (nash_line, kalai_smorodinsky_line):
            got = solve(strict, s_lo, s_hi)
            assert isinstance(got, type(s_lo))
            np.testing.assert_allclose(np.asarray(got), solve(prefs, lo, hi), rtol=0, atol=1e-9)


def test_the_search_is_generic_over_the_array_namespace():
    lo, hi = array_api_strict.asarray([0.0, -1.0]), array_api_strict.asarray([1.0, 3.0])
    for unimodal in (True, False):
        x = maximize_on_interval(lambda x: -((x - 0.3) ** 2), lo, hi, unimodal=unimodal)
        np.testing.assert_allclose(np.asarray(x), [0.3, 0.3], atol=2e-6)


def test_a_tolerance_that_cannot_be_reached_raises_naming_it():
    with pytest.raises(ValueError, match="rtol must be > 0"):
        maximize_on_interval(lambda x: -x, np.zeros(1), np.ones(1), rtol=0.0)


def test_line_surplus_is_the_single_peaked_formula():
    for curvature in ((1.0, 1.0), (0.5, 3.0)):
        prefs, lo, hi = zopa_batch(50, 4, curvature=curvature, seed=5)
        x = 0.5 * (lo + hi)
        want = np.stack([member_surplus(prefs, b, x[b : b + 1])[0] for b in range(x.size)])
        np.testing.assert_allclose(line_surplus(prefs, x), want, rtol=1e-12, atol=1e-12)
