"""The runner: chunks, executors (in-process and Dask), failures and their records."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import xarray as xr
from _sweep_models import FailOn, FakeScenario, linear_model

from sim.errors import ParameterError
from sim.sweep.runner import dask_executor, run_sweep
from sim.sweep.spec import build_spec

SCENARIO = FakeScenario()
A, B, D = "actors.alpha.discount_rate", "actors.beta.discount_rate", "war.drift_km2"
GRID = [f"{A}=linspace(0.01,0.2,9)", f"{D}=0,25,50,75,100"]
LEVERS = [f"{B}=0.05,0.1,0.15"]


def sweep(spec, **kwargs):
    kwargs.setdefault("evaluate", linear_model)
    kwargs.setdefault("progress", False)
    return run_sweep(SCENARIO, spec, **kwargs)


def test_every_grid_point_gets_the_models_value_at_that_point():
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=7)
    dataset = sweep(spec).dataset
    for a, d, b in itertools.product(*(dataset[dim].values for dim in (A, D, B))):
        expected = linear_model(SCENARIO, {A: [a], D: [d], B: [b]})
        point = dataset.sel({A: a, D: d, B: b})
        for name in ("zopa_lo_km2", "zopa_hi_km2", "zopa_exists", "binding"):
            assert point[name].item() == expected[name][0]


def test_results_do_not_depend_on_the_chunk_size():
    small = sweep(build_spec(SCENARIO, GRID, LEVERS, chunk_size=4)).dataset
    large = sweep(build_spec(SCENARIO, GRID, LEVERS, chunk_size=1000)).dataset
    xr.testing.assert_identical(small.drop_attrs(), large.drop_attrs())


def test_fixed_parameters_apply_to_every_point_and_are_scalar_coordinates():
    spec = build_spec(SCENARIO, [f"{A}=0.1,0.2", f"{D}=40"])
    dataset = sweep(spec).dataset
    assert dataset[D].ndim == 0 and dataset[D].item() == 40.0
    expected = linear_model(SCENARIO, {A: np.array([0.1, 0.2]), D: 40.0})
    assert np.array_equal(dataset["zopa_lo_km2"].values, expected["zopa_lo_km2"])


@pytest.mark.slow
def test_in_process_and_dask_results_are_identical():
    # A local cluster of two worker *processes*: the tasks and the model are
    # pickled and evaluated elsewhere, as on a real cluster.
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=10, paths=3, seed=11)
    inline = sweep(spec).dataset
    with dask_executor(workers=2) as executor:
        distributed = sweep(spec, executor=executor)
    assert distributed.complete
    xr.testing.assert_identical(inline, distributed.dataset)


def test_any_concurrent_futures_executor_gives_the_same_results():
    spec = build_spec(SCENARIO, [f"{A}=uniform(0.01,0.2)"], LEVERS, design="lhs", samples=50)
    inline = sweep(spec).dataset
    with ThreadPoolExecutor(2) as pool:
        threaded = sweep(spec, executor=pool).dataset
    xr.testing.assert_identical(inline, threaded)


def test_monte_carlo_results_do_not_depend_on_the_chunk_size_or_the_executor():
    def spec(chunk_size):
        return build_spec(
            SCENARIO,
            [f"{A}=uniform(0.01,0.2)"],
            LEVERS,
            design="mc",
            samples=9000,
            chunk_size=chunk_size,
            seed=3,
        )

    inline = sweep(spec(27_000)).dataset
    with ThreadPoolExecutor(2) as pool:
        threaded = sweep(spec(1000), executor=pool).dataset
    xr.testing.assert_identical(inline.drop_attrs(), threaded.drop_attrs())
    a, b = (v.ravel() for v in np.meshgrid(inline[A].values, inline[B].values, indexing="ij"))
    expected = linear_model(SCENARIO, {A: a, B: b})
    np.testing.assert_array_equal(inline["zopa_lo_km2"].values.ravel(), expected["zopa_lo_km2"])


def test_a_failed_chunk_is_recorded_and_does_not_lose_the_others():
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=15)  # one chunk per (A) level
    with pytest.warns(RuntimeWarning, match="1 of 9 chunks failed"):
        result = sweep(spec, evaluate=_fail_on_rate(0.01))
    assert not result.complete
    [failed] = result.failed
    assert failed.status == "failed" and "injected failure" in failed.error
    good = sweep(spec).dataset
    done = result.dataset.isel({A: slice(1, None)})
    xr.testing.assert_identical(done.drop_attrs(), good.isel({A: slice(1, None)}).drop_attrs())
    assert np.isnan(result.dataset["zopa_lo_km2"].isel({A: 0})).all()


def _fail_on_rate(rate):
    def model(scenario, params, **kwargs):
        if np.any(np.asarray(params[A]) == rate):
            raise FloatingPointError(f"injected failure at {rate}")
        return linear_model(scenario, params, **kwargs)

    return model


def test_failures_on_an_executor_are_recorded_too():
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=15)
    with ThreadPoolExecutor(2) as pool, pytest.warns(RuntimeWarning):
        result = sweep(spec, executor=pool, evaluate=FailOn(drift=50.0))
    assert len(result.failed) == 9  # every chunk holds every drift level
    assert all("injected failure" in r.error for r in result.failed)


def test_a_user_error_from_the_model_stops_the_sweep():
    def strict(scenario, params, **kwargs):
        raise ParameterError("unknown parameter 'x'")

    with pytest.raises(ParameterError, match="unknown parameter"):
        sweep(build_spec(SCENARIO, GRID), evaluate=strict)


def test_a_model_that_misses_an_outcome_fails_its_chunks_with_a_clear_error():
    def partial(scenario, params, **kwargs):
        result = linear_model(scenario, params, **kwargs)
        del result["nash_km2"]
        return result

    with pytest.warns(RuntimeWarning):
        result = sweep(build_spec(SCENARIO, GRID), evaluate=partial)
    assert "evaluate returned no 'nash_km2'" in result.failed[0].error


def test_replications_have_their_own_seeds_and_are_reproducible():
    spec = build_spec(SCENARIO, [f"{A}=0.1,0.2"], paths=5, replications=4, seed=3)
    first = sweep(spec).dataset
    again = sweep(spec).dataset
    xr.testing.assert_identical(first, again)
    lo = first["zopa_lo_km2"].values
    assert first["zopa_lo_km2"].dims == ("replication", A)
    assert len(np.unique(lo[:, 0])) == 4  # each replication draws its own noise
    for r, seed in enumerate(first["replication_seed"].values):
        expected = linear_model(SCENARIO, {A: np.array([0.1, 0.2])}, paths=5, seed=int(seed))
        assert np.array_equal(lo[r], expected["zopa_lo_km2"])


def test_chunk_records_count_points_and_time():
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=50)
    result = sweep(spec)
    assert result.complete
    assert sum(r.points for r in result.records.values()) == 9 * 5 * 3
    assert all(r.seconds >= 0 and r.error is None for r in result.records.values())


def test_a_bad_worker_count_names_the_argument_before_any_file_is_made(tmp_path):
    from sim.errors import SweepSpecError

    spec = build_spec(SCENARIO, GRID)
    with pytest.raises(SweepSpecError, match=r"^`workers` must be >= 1, got 0$"):
        sweep(spec, out=tmp_path / "r.zarr", workers=0)
    assert not (tmp_path / "r.zarr").exists()
