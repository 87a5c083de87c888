"""Designs: which points a sweep evaluates, their layout in chunks, and their seeds."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from _sweep_models import FakeScenario
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sweep.designs import MC_BLOCK, REPLICATION, RUN, chunk_shape, make_design
from sim.sweep.spec import Parameter, SweepSpec, build_spec

SCENARIO = FakeScenario()
A, B, D = "actors.alpha.discount_rate", "actors.beta.discount_rate", "war.drift_km2"


def all_points(design):
    """Every chunk's points, in chunk order, with the chunk's region."""
    for index in range(design.n_chunks):
        region = design.region(index)
        yield region, design.points(region)


def test_grid_is_the_full_factorial_in_c_order():
    spec = build_spec(SCENARIO, [f"{A}=0.1,0.2,0.3", f"{D}=0,50"], [f"{B}=0.1,0.2"])
    design = make_design(spec)
    assert design.dims == (A, D, B)
    assert design.shape == (3, 2, 2)
    region = tuple(slice(0, n) for n in design.shape)
    points = design.points(region)
    expected = list(itertools.product((0.1, 0.2, 0.3), (0.0, 50.0), (0.1, 0.2)))
    assert list(zip(points[A], points[D], points[B], strict=True)) == expected


@settings(max_examples=60)
@given(
    shape=st.lists(st.integers(1, 9), min_size=1, max_size=4),
    chunk_size=st.integers(1, 400),
    leading=st.booleans(),
)
def test_chunks_tile_the_array_exactly_once_and_respect_the_chunk_size(shape, chunk_size, leading):
    shape = tuple(shape)
    lead = 1 if leading and len(shape) > 1 else 0
    block = chunk_shape(shape, chunk_size, leading=lead)
    assert math.prod(block) <= max(chunk_size, 1)
    assert all(1 <= b <= s for b, s in zip(block, shape, strict=True))
    if lead:
        assert block[0] == 1
    seen = np.zeros(shape, dtype=int)
    grid = [-(-s // b) for s, b in zip(shape, block, strict=True)]
    for position in itertools.product(*(range(g) for g in grid)):
        region = tuple(
            slice(p * b, min((p + 1) * b, s))
            for p, b, s in zip(position, block, shape, strict=True)
        )
        seen[region] += 1
    assert (seen == 1).all()


def test_chunks_fill_trailing_dimensions_first():
    assert chunk_shape((1000, 1000), 100_000) == (100, 1000)
    assert chunk_shape((10, 10, 10), 1000) == (10, 10, 10)
    assert chunk_shape((7, 5), 3) == (1, 3)


def test_design_regions_cover_every_grid_point_once():
    spec = build_spec(SCENARIO, [f"{A}=linspace(0,1,7)", f"{D}=linspace(0,10,5)"], chunk_size=4)
    design = make_design(spec)
    pairs = [pair for _, p in all_points(design) for pair in zip(p[A], p[D], strict=True)]
    assert sorted(pairs) == sorted(itertools.product(np.linspace(0, 1, 7), np.linspace(0, 10, 5)))
    assert design.n_chunks == 7 * 2  # chunk (1, 3): 7 rows x ceil(5 / 3) blocks


def test_latin_hypercube_puts_one_point_in_each_stratum_of_each_dimension():
    n = 50
    spec = build_spec(
        SCENARIO, [f"{A}=uniform(0,1)", f"{D}=uniform(-5,5)"], design="lhs", samples=n
    )
    design = make_design(spec)
    assert design.dims == (RUN,) and design.shape == (n,)
    for j, (lower, upper) in enumerate([(0, 1), (-5, 5)]):
        strata = np.floor((design.sample()[:, j] - lower) / (upper - lower) * n).astype(int)
        assert sorted(strata) == list(range(n))


def test_monte_carlo_draws_within_the_bounds():
    spec = build_spec(SCENARIO, [f"{A}=uniform(0.01,0.2)"], design="mc", samples=1000)
    samples = make_design(spec).sample()[:, 0]
    assert samples.min() >= 0.01 and samples.max() <= 0.2
    # A uniform sample's mean is within a few standard errors of the midpoint.
    assert abs(samples.mean() - 0.105) < 4 * 0.19 / math.sqrt(12 * 1000)


@pytest.mark.parametrize("design", ["lhs", "mc", "sobol", "morris"])
def test_same_seed_same_design_and_another_seed_another(design):
    def samples(seed):
        spec = build_spec(
            SCENARIO,
            [f"{A}=uniform(0,1)", f"{D}=uniform(0,1)"],
            design=design,
            samples=8,
            seed=seed,
        )
        return make_design(spec).sample()

    # Seed 0 (the default) included: SALib's samplers get a Generator, never a falsy seed.
    assert np.array_equal(samples(0), samples(0))
    assert np.array_equal(samples(7), samples(7))
    assert not np.array_equal(samples(0), samples(7))
    assert not np.array_equal(samples(7), samples(8))


def test_sobol_design_has_saltelli_run_count():
    k, n = 3, 16
    params = [f"x{i}=uniform(0,1)" for i in (1, 2, 3)]
    first = make_design(build_spec(SCENARIO, params, design="sobol", samples=n))
    assert first.shape == (n * (k + 2),)
    second = make_design(build_spec(SCENARIO, params, design="sobol", samples=n, second_order=True))
    assert second.shape == (n * (2 * k + 2),)


def test_morris_trajectories_change_one_parameter_per_step_on_the_level_grid():
    k, n, levels = 3, 5, 4
    params = [f"x{i}=uniform(0,1)" for i in (1, 2, 3)]
    design = make_design(
        build_spec(SCENARIO, params, design="morris", samples=n, morris_levels=levels)
    )
    assert design.shape == (n * (k + 1),)
    grid = np.linspace(0, 1, levels)
    assert np.isin(np.round(design.sample(), 12), np.round(grid, 12)).all()
    for t in range(n):
        steps = np.diff(design.sample()[t * (k + 1) : (t + 1) * (k + 1)], axis=0)
        assert ((steps != 0).sum(axis=1) == 1).all()


def test_levers_are_crossed_with_every_sampled_run():
    spec = build_spec(
        SCENARIO, [f"{A}=uniform(0,1)"], [f"{B}=0.1,0.2,0.3"], design="lhs", samples=4
    )
    design = make_design(spec)
    assert design.dims == (RUN, B) and design.shape == (4, 3)
    region = (slice(0, 4), slice(0, 3))
    points = design.points(region)
    assert np.array_equal(points[B], np.tile([0.1, 0.2, 0.3], 4))
    assert np.array_equal(points[A], np.repeat(design.sample()[:, 0], 3))


def test_replications_get_distinct_reproducible_seeds_and_a_leading_dimension():
    spec = build_spec(SCENARIO, [f"{A}=0.1,0.2"], paths=10, replications=3, chunk_size=100)
    design = make_design(spec)
    assert design.dims == (REPLICATION, A)
    assert design.chunk[0] == 1
    seeds = [design.seed(design.region(i)) for i in range(design.n_chunks)]
    assert len(set(seeds)) == 3
    expected = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(0).spawn(2)[1].spawn(3)]
    assert seeds == expected


def test_more_replications_do_not_change_the_sample_or_the_first_seeds():
    def design(replications):
        spec = build_spec(
            SCENARIO,
            [f"{A}=uniform(0,1)"],
            design="lhs",
            samples=5,
            paths=4,
            replications=replications,
        )
        return make_design(spec)

    two, four = design(2), design(4)
    assert np.array_equal(two.sample(), four.sample())
    assert np.array_equal(two.replication_seeds, four.replication_seeds[:2])


def test_deterministic_sweeps_have_no_seed():
    design = make_design(SweepSpec((Parameter(A, levels=(0.1, 0.2)),)))
    assert design.replication_seeds is None
    assert design.seed(design.region(0)) is None


# --- Monte Carlo, drawn block by block ------------------------------------------------------

MC_RUNS = 2 * MC_BLOCK + 123  # three blocks, the last one partial


def mc_design(seed=0, runs=MC_RUNS):
    spec = build_spec(
        SCENARIO,
        [f"{A}=uniform(0.01,0.2)", f"{D}=uniform(0,100)"],
        design="mc",
        samples=runs,
        seed=seed,
    )
    return make_design(spec)


def test_a_monte_carlo_design_holds_no_sample_in_memory():
    design = mc_design()
    assert design.samples is None and design.runs == MC_RUNS


def test_monte_carlo_block_b_is_the_b_th_child_of_the_design_seed_scaled_to_the_ranges():
    # The scheme written out with SeedSequence.spawn (the design draws each child alone).
    design_seed = np.random.SeedSequence(5).spawn(2)[0]
    children = design_seed.spawn(3)
    sizes = (MC_BLOCK, MC_BLOCK, MC_RUNS - 2 * MC_BLOCK)
    unit = np.vstack(
        [np.random.default_rng(c).random((n, 2)) for c, n in zip(children, sizes, strict=True)]
    )
    expected = np.column_stack([0.01 + unit[:, 0] * (0.2 - 0.01), unit[:, 1] * 100.0])
    np.testing.assert_array_equal(mc_design(seed=5).sample(), expected)


@settings(max_examples=40)
@given(cuts=st.lists(st.integers(0, MC_RUNS), max_size=6))
def test_monte_carlo_rows_drawn_in_any_pieces_equal_the_whole_sample(cuts):
    design = mc_design()
    whole = design.sample()
    edges = sorted({0, MC_RUNS, *cuts})
    pieces = [design.sample(slice(a, b)) for a, b in itertools.pairwise(edges)]
    np.testing.assert_array_equal(np.vstack(pieces), whole)


def test_monte_carlo_points_do_not_depend_on_the_chunk_size():
    def points(chunk_size):
        spec = build_spec(
            SCENARIO,
            [f"{A}=uniform(0.01,0.2)"],
            [f"{B}=0.1,0.2,0.3"],
            design="mc",
            samples=MC_BLOCK + 10,
            chunk_size=chunk_size,
        )
        design = make_design(spec)
        got = np.empty(design.shape)
        for region, values in all_points(design):
            shape = tuple(r.stop - r.start for r in region)
            got[region] = values[A].reshape(shape)
        return got

    small, large = points(1000), points(10**6)
    np.testing.assert_array_equal(small, large)
    assert (small >= 0.01).all() and (small <= 0.2).all()
