"""What the hazard's search leaves out (sim.kernels.hazard) changes nothing it reports.

The rows, sides and selections that :func:`~sim.kernels.hazard.best_offer` skips for speed
are checked against the search of every row with every side (the same search, Newton or
grid-first, without the skips): the same bits where a proposer is searched, and a chance
of acceptance below ``Phi(-8.5) < 1e-17`` (brute force over the interval) where not.  A
row's offer does not depend on the other rows of its batch (mixed curvatures included).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from sim.bargaining.search import _chooser
from sim.kernels import hazard as hz

TOTAL = 1000.0


def random_inputs(n: int, seed: int, curvature: float = 1.0) -> hz.HazardInputs:
    """``n`` rows of four actors (three with a veto, a mediator): bounds anywhere (some
    at the edges of the map, some crossing), spreads from 0 to wide, some tiny enough
    that sides saturate or that every offer is refused."""
    rng = np.random.default_rng(seed)
    shape = (n, 4)
    centre = rng.uniform(0.0, TOTAL, shape)
    width = rng.uniform(-300.0, 400.0, shape)
    lo = np.clip(centre - width / 2, 0.0, TOTAL)
    hi = np.clip(centre + width / 2, 0.0, TOTAL)
    scale = 10.0 ** rng.uniform(-2.0, 2.5, shape)
    sd_lo = np.where(rng.random(shape) < 0.2, 0.0, scale)
    sd_hi = np.where(rng.random(shape) < 0.2, 0.0, scale * rng.uniform(0.2, 5.0, shape))
    veto = np.tile(np.array([False, True, True, True]), (n, 1))
    return hz.HazardInputs(
        lo=lo,
        hi=hi,
        sd_lo=sd_lo,
        sd_hi=sd_hi,
        rbar=rng.uniform(0.0, 0.5, shape),
        rest=rng.uniform(0.0, 0.3, shape),
        weight=rng.uniform(0.5, 1.0, shape),
        ideal=rng.uniform(0.0, TOTAL, shape),
        curvature=np.full(shape, curvature),
        span=np.full(n, TOTAL),
        total=np.full(n, TOTAL),
        veto=veto,
        recognition=rng.uniform(0.0, 1.0, shape),
    )


def search_every_row(inp: hz.HazardInputs, j: int):
    """Proposer ``j``'s offer as :func:`best_offer` would find it without any skip: every
    row that makes a deal searched, every side of every responder in the objective."""
    is_veto = inp.veto[:, j]
    responders = inp.veto.copy()
    responders[:, j] = False
    a, b, _, _, dead = hz._interval(inp, responders, j, is_veto)
    x, p = np.zeros(dead.shape), np.zeros(dead.shape)
    rows = np.flatnonzero(~dead)
    x[rows], p[rows] = hz.offers(inp, j, rows, prune=False)
    return x, p, (a, b), dead


@pytest.mark.parametrize("curvature", [1.0, 2.0, 0.5])
@pytest.mark.parametrize("seed", [0, 1])
def test_skips_change_no_searched_offer(seed, curvature):
    inp = random_inputs(1500, seed, curvature)
    proposers = [0, 1, 2, 3]
    skip = hz.negligible(inp, proposers)
    searched = 0
    for col, j in enumerate(proposers):
        x0, p0, (a, b), dead = search_every_row(inp, j)
        x1, p1 = hz.best_offer(inp, j, skip[:, col])
        keep = ~dead & ~skip[:, col]
        searched += keep.sum()
        # The searched rows: the same bits as the search of every row.
        np.testing.assert_array_equal(x1[keep], x0[keep])
        np.testing.assert_array_equal(p1[keep], p0[keep])
        # The others: no deal either way, or one below Phi(-8.5) < 1e-17.
        assert np.all(p1[~keep] == 0.0)
        assert np.all(p0[dead] == 0.0)
        assert np.all(p0[~keep] <= norm.cdf(-hz.NEGLIGIBLE))
        # Brute force: no line of the interval does better on the skipped rows.
        rows = np.flatnonzero(skip[:, col] & ~dead)
        grid = a[rows] + (b[rows] - a[rows]) * np.linspace(0.0, 1.0, 2001)[:, None]
        responders = inp.veto.copy()
        responders[:, j] = False
        sub = inp.take(rows)
        p_grid = hz.acceptance(grid, sub, responders[rows])
        assert np.all(p_grid <= norm.cdf(-hz.NEGLIGIBLE))
    assert searched > 500  # the check is not vacuous
    assert skip.any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sides_left_out_add_nothing_on_the_interval(seed):
    """``constraints(..., interval)`` drops saturated and always-met sides: the log
    chance of acceptance is bit for bit the same at every line of the interval."""
    inp = random_inputs(2000, seed)
    for j in range(4):
        responders = inp.veto.copy()
        responders[:, j] = False
        a, b, *_ = hz._interval(inp, responders, j, inp.veto[:, j])
        full = hz.constraints(inp, responders)
        lean = hz.constraints(inp, responders, (a, b))
        x = a + (b - a) * np.linspace(0.0, 1.0, 101)[:, None]
        np.testing.assert_array_equal(hz.log_acceptance_of(x, lean), hz.log_acceptance_of(x, full))
        terms = sum(np.size(t[0]) for t in full.terms)
        assert sum(np.size(t[0]) for t in lean.terms) <= terms


def test_hazard_within_1e17_of_searching_every_row():
    inp = random_inputs(1500, 3)
    h, _ = hz.hazard(inp)
    rec = inp.recognition / inp.recognition.sum(axis=1, keepdims=True)
    ref = sum(rec[:, j] * search_every_row(inp, j)[1] for j in range(4))
    np.testing.assert_allclose(h, np.clip(ref, 0.0, 1.0), rtol=1e-12, atol=1e-17)


def test_chooser_is_where_bit_for_bit():
    rng = np.random.default_rng(0)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, -1.0, 1e308])
    x = np.concatenate([rng.normal(size=1000), special, special])
    y = np.concatenate([rng.normal(size=1000), special, special[::-1]])
    mask = rng.random(x.size) < 0.5
    got = _chooser(np, mask)(x, y)
    np.testing.assert_array_equal(got.view(np.int64), np.where(mask, x, y).view(np.int64))


def mixed_inputs(n: int, seed: int) -> hz.HazardInputs:
    """:func:`random_inputs` with each row's curvature drawn from 0.5 (convex: the grid
    first), 1 (linear: a kink at the ideal line) and 2 (strictly concave)."""
    inp = random_inputs(n, seed)
    rng = np.random.default_rng(seed + 100)
    curvature = rng.choice([0.5, 1.0, 2.0], size=(n, 1)) * np.ones((1, 4))
    return hz.HazardInputs(**{**inp.__dict__, "curvature": curvature})


@pytest.mark.parametrize("seed", [0, 1])
def test_a_rows_offer_does_not_depend_on_its_batch(seed):
    """The search's kind is chosen row by row: a row gets the same bits in a mixed batch,
    in a batch of its own kind and alone (before, one convex row switched every row of
    the batch to the grid-first search)."""
    inp = mixed_inputs(400, seed)
    kinds = inp.curvature[:, 0]
    assert len(set(kinds)) == 3
    for j in range(4):
        x, p = hz.best_offer(inp, j)
        for kind in (0.5, 1.0, 2.0):
            rows = np.flatnonzero(kinds == kind)
            xs, ps = hz.best_offer(inp.take(rows), j)
            np.testing.assert_array_equal(xs, x[rows])
            np.testing.assert_array_equal(ps, p[rows])
        for r in np.random.default_rng(seed).choice(400, 12, replace=False):
            x1, p1 = hz.best_offer(inp.take(np.array([r])), j)
            assert x1[0] == x[r] and p1[0] == p[r]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), split=st.integers(1, 59))
def test_any_split_of_a_batch_gives_the_same_bits(seed, split):
    """Hypothesis: the hazard of rows searched in two batches (any split, reordered) is
    the same, bit for bit, as of the rows searched together."""
    inp = mixed_inputs(60, seed)
    h, line = hz.hazard(inp)
    order = np.random.default_rng(seed).permutation(60)
    first, second = order[:split], order[split:]
    for rows in (first, second):
        hh, ll = hz.hazard(inp.take(rows))
        np.testing.assert_array_equal(hh, h[rows])
        np.testing.assert_array_equal(ll, line[rows])


@pytest.mark.parametrize("name", ["baseline", "history"])
@pytest.mark.parametrize("paths", [0, 3])
def test_shifted_run_reads_only_the_reservation_utilities(name, paths):
    """The hazard's run with beliefs moved by the prior's spread computes only ``rbar``:
    the same bits as the full :func:`~sim.engine.reservations` run it replaced."""
    from dataclasses import replace

    from sim.engine import Paths, _own_reservations, game_effects, reservations
    from sim.forecast import draw_parameters
    from sim.model.batch import build_batch, check_overrides, game_configs
    from sim.model.scenario import load_scenario

    scenario = load_scenario(name)
    params = check_overrides(scenario, draw_parameters(scenario, 30, seed=1))
    effects = game_effects(game_configs(scenario, params), scenario.name)
    batch = build_batch(scenario, params, with_deals=False)
    comp = reservations(batch, effects, Paths(paths, 7), True)
    moved = replace(batch, biases=batch.biases + batch.uncertainty.prior_sd[:, None])
    full = reservations(moved, comp.effects, Paths(paths, 7), neutral=False).rbar
    lean = _own_reservations(comp.war, moved, Paths(paths, 7))
    np.testing.assert_array_equal(lean, full)
