"""Results on disk: Zarr streaming, resume after a kill, refusals, provenance, EMA export."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from inspect import signature
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from _sweep_models import FakeScenario, linear_model

import sim
from sim.errors import ResultsError, SweepSpecError
from sim.sweep import store
from sim.sweep.designs import make_design
from sim.sweep.runner import run_sweep
from sim.sweep.spec import build_spec
from sim.sweep.store import RECORDS, open_results, to_ema

SCENARIO = FakeScenario()
A, B, D = "actors.alpha.discount_rate", "actors.beta.discount_rate", "war.drift_km2"
GRID = [f"{A}=linspace(0.01,0.2,8)", f"{D}=0,50,100"]
LEVERS = [f"{B}=0.05,0.1"]
HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def sweep(spec, **kwargs):
    kwargs.setdefault("evaluate", linear_model)
    kwargs.setdefault("progress", False)
    return run_sweep(SCENARIO, spec, **kwargs)


def data(dataset):
    """The numbers of a results Dataset, without its provenance."""
    return dataset.load().drop_attrs()


# --- formats -----------------------------------------------------------------------------


def test_zarr_results_equal_the_in_memory_results(tmp_path):
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=6)
    on_disk = sweep(spec, out=tmp_path / "r.zarr")
    assert on_disk.complete
    xr.testing.assert_identical(data(on_disk.dataset), data(sweep(spec).dataset))
    xr.testing.assert_identical(data(open_results(tmp_path / "r.zarr")), data(on_disk.dataset))


def test_netcdf_results_equal_the_in_memory_results_and_leave_no_partial_store(tmp_path):
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=6)
    out = tmp_path / "r.nc"
    sweep(spec, out=out)
    assert out.is_file()
    assert not (tmp_path / "r.nc.partial.zarr").exists()
    xr.testing.assert_identical(data(open_results(out)), data(sweep(spec).dataset))
    # The same command again finds the results complete and computes nothing.
    again = sweep(spec, out=out)
    assert again.computed == () and again.complete


def test_sampled_design_has_a_run_dimension_with_the_parameters_as_coordinates(tmp_path):
    spec = build_spec(SCENARIO, [f"{A}=uniform(0.01,0.2)"], LEVERS, design="lhs", samples=20)
    dataset = open_results(sweep(spec, out=tmp_path / "s.zarr").out)
    assert dataset["zopa_exists"].dims == ("run", B)
    assert dataset[A].dims == ("run",)
    assert dataset["zopa_exists"].dtype == bool and dataset["binding"].dtype == np.int64


@pytest.mark.parametrize("design", ["mc", "lhs"])
def test_run_coordinates_written_block_by_block_read_back_as_the_whole_sample(
    tmp_path, monkeypatch, design
):
    monkeypatch.setattr(store, "RUN_BLOCK", 7)  # several blocks, the last one partial
    spec = build_spec(
        SCENARIO,
        [f"{A}=uniform(0.01,0.2)", f"{D}=uniform(0,100)"],
        LEVERS,
        design=design,
        samples=30,
        chunk_size=20,
    )
    on_disk = open_results(sweep(spec, out=tmp_path / "s.zarr").out)
    sample = make_design(spec).sample()
    np.testing.assert_array_equal(on_disk[A].values, sample[:, 0])
    np.testing.assert_array_equal(on_disk[D].values, sample[:, 1])
    np.testing.assert_array_equal(on_disk["run"].values, np.arange(30))
    xr.testing.assert_identical(data(on_disk), data(sweep(spec).dataset))


def test_provenance_attributes_say_how_the_results_were_computed(tmp_path):
    spec = build_spec(SCENARIO, GRID, LEVERS, seed=5)
    dataset = open_results(sweep(spec, out=tmp_path / "p.zarr", command="ceasefire sweep x").out)
    attrs = dataset.attrs
    assert attrs["scenario"] == SCENARIO.name
    assert attrs["scenario_text"] == SCENARIO.text
    assert attrs["sim_version"] == sim.__version__
    assert attrs["design"] == "grid" and attrs["seed"] == 5
    assert attrs["command"] == "ceasefire sweep x"
    assert json.loads(attrs["sweep_spec"]) == spec.to_dict()
    assert json.loads(attrs["uncertainties"]) == [A, D] and json.loads(attrs["levers"]) == [B]
    assert "numpy" in json.loads(attrs["library_versions"])
    assert all("description" in dataset[v].attrs for v in dataset.data_vars)


# --- resume and refusals -----------------------------------------------------------------


KILLED_SWEEP = textwrap.dedent(
    """
    import sys
    from _sweep_models import FakeScenario, slow_linear_model
    from sim.sweep.runner import run_sweep
    from sim.sweep.spec import build_spec
    scenario = FakeScenario()
    spec = build_spec(scenario, {grid!r}, {levers!r}, chunk_size={chunk})
    run_sweep(scenario, spec, out=sys.argv[1], evaluate=slow_linear_model, progress=False)
    """
)


@pytest.mark.slow
def test_a_killed_sweep_loses_no_finished_chunk_and_resumes_where_it_stopped(tmp_path):
    out = tmp_path / "killed.zarr"
    chunk = 6  # 8 x 3 x 2 points -> 8 chunks of one discount-rate level each
    script = KILLED_SWEEP.format(grid=GRID, levers=LEVERS, chunk=chunk)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
        "SWEEP_TEST_SLEEP": "0.4",
    }
    process = subprocess.Popen([sys.executable, "-c", script, str(out)], env=env)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if len(list((out / RECORDS).glob("*.json"))) >= 3 if out.exists() else False:
                break
            if process.poll() is not None:
                pytest.fail(f"the sweep ended (code {process.returncode}) before it was killed")
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    finished = {int(f.stem) for f in (out / RECORDS).glob("*.json")}
    assert 3 <= len(finished) < 8, "the kill must land mid-sweep"
    with pytest.raises(ResultsError, match="incomplete sweep"):
        open_results(out)

    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=chunk)
    resumed = sweep(spec, out=out)
    assert set(resumed.computed) == set(range(8)) - finished
    assert resumed.complete
    xr.testing.assert_identical(data(resumed.dataset), data(sweep(spec).dataset))


def test_an_interrupted_sweep_resumes_and_matches_an_uninterrupted_one(tmp_path):
    out = tmp_path / "interrupted.zarr"
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=6)
    calls = []

    def interrupt_after_three(scenario, params, **kwargs):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(1)
        return linear_model(scenario, params, **kwargs)

    with pytest.raises(KeyboardInterrupt):
        sweep(spec, out=out, evaluate=interrupt_after_three)
    resumed = sweep(spec, out=out)
    assert resumed.computed == tuple(range(3, 8))
    xr.testing.assert_identical(data(resumed.dataset), data(sweep(spec).dataset))


def test_failed_chunks_are_retried_by_the_next_run(tmp_path):
    out = tmp_path / "failed.zarr"
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=6)

    def fails_at_the_third_level(scenario, params, **kwargs):
        if np.any(np.asarray(params[A]) == np.linspace(0.01, 0.2, 8)[2]):
            raise FloatingPointError("injected")
        return linear_model(scenario, params, **kwargs)

    with pytest.warns(RuntimeWarning):
        first = sweep(spec, out=out, evaluate=fails_at_the_third_level)
    assert [r.index for r in first.failed] == [2]
    second = sweep(spec, out=out)
    assert second.computed == (2,) and second.complete


def test_a_different_sweep_on_the_same_output_is_refused(tmp_path):
    out = tmp_path / "r.zarr"
    sweep(build_spec(SCENARIO, GRID, LEVERS), out=out)
    other = build_spec(SCENARIO, GRID, LEVERS, seed=1)
    with pytest.raises(
        ResultsError, match=r"holds a different sweep \(`seed` 0 in the file, 1 in this command\)"
    ):
        sweep(other, out=out)
    changed = FakeScenario(params={**SCENARIO.params, "x1": 1.0})
    with pytest.raises(ResultsError, match="different text"):
        run_sweep(
            changed,
            build_spec(changed, GRID, LEVERS),
            out=out,
            evaluate=linear_model,
            progress=False,
        )
    overwritten = sweep(other, out=out, overwrite=True)
    assert overwritten.complete and open_results(out).attrs["seed"] == 1


def test_a_different_sweep_on_the_same_netcdf_output_is_refused(tmp_path):
    out = tmp_path / "r.nc"
    sweep(build_spec(SCENARIO, GRID, LEVERS), out=out)
    with pytest.raises(ResultsError, match="holds a different sweep"):
        sweep(build_spec(SCENARIO, GRID, LEVERS, chunk_size=5), out=out)


def test_an_output_that_is_not_a_sweep_is_never_touched(tmp_path):
    folder = tmp_path / "mine.zarr"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me")
    with pytest.raises(ResultsError, match="not a ceasefire sweep"):
        sweep(build_spec(SCENARIO, GRID), out=folder, overwrite=True)
    assert (folder / "precious.txt").read_text() == "keep me"


def test_an_unknown_output_format_is_a_spec_error(tmp_path):
    with pytest.raises(SweepSpecError, match=r"expected a \.zarr or \.nc"):
        sweep(build_spec(SCENARIO, GRID), out=tmp_path / "r.csv")


@pytest.mark.parametrize("kind", ["missing", "garbage", "foreign"])
def test_a_bad_results_file_is_a_results_error_naming_it(tmp_path, kind):
    path = tmp_path / "r.nc"
    if kind == "garbage":
        path.write_text("not netcdf")
    elif kind == "foreign":
        xr.Dataset({"v": ("x", [1.0])}).to_netcdf(path)
    with pytest.raises(ResultsError) as info:
        open_results(path)
    assert str(path) in str(info.value)


# --- EMA Workbench's shape ---------------------------------------------------------------


def test_ema_export_has_one_row_per_experiment_and_flat_outcomes():
    spec = build_spec(
        SCENARIO, [f"{A}=uniform(0.01,0.2)", f"{D}=10"], LEVERS, design="lhs", samples=6
    )
    dataset = sweep(spec).dataset
    experiments, outcomes = to_ema(dataset)
    assert len(experiments) == 12
    assert {A, B, D, "scenario", "policy", "model"} <= set(experiments.columns)
    assert (experiments[D] == 10).all() and (experiments["model"] == SCENARIO.name).all()
    assert sorted(set(experiments["policy"])) == [0, 1]
    assert sorted(set(experiments["scenario"])) == list(range(6))
    for i, row in experiments.iterrows():
        expected = linear_model(SCENARIO, {A: [row[A]], B: [row[B]], D: row[D]})
        assert outcomes["zopa_lo_km2"][i] == expected["zopa_lo_km2"][0]


def test_ema_export_keeps_replications_as_a_second_axis():
    spec = build_spec(SCENARIO, [f"{A}=0.1,0.2,0.3"], paths=2, replications=4)
    experiments, outcomes = to_ema(sweep(spec).dataset)
    assert len(experiments) == 3
    assert outcomes["zopa_lo_km2"].shape == (3, 4)


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_ema_workbench_prim_runs_on_the_export():
    prim = pytest.importorskip("ema_workbench.analysis.prim")
    spec = build_spec(
        SCENARIO, [f"{A}=uniform(0.01,0.2)", f"{B}=uniform(0.01,0.2)"], design="lhs", samples=500
    )
    experiments, outcomes = to_ema(sweep(spec).dataset)
    # EMA Workbench 3 dropped `threshold` (2.x needs it, with this default).
    options = {"threshold": 0.8} if "threshold" in signature(prim.Prim).parameters else {}
    box = prim.Prim(experiments[[A, B]], outcomes["zopa_exists"], **options).find_box()
    assert box.coverage > 0


# --- without the optional packages -------------------------------------------------------


def _no_zarr():
    raise SweepSpecError("writing results to Zarr needs the zarr package")


def test_netcdf_output_works_without_zarr_in_memory(tmp_path, monkeypatch):
    import sim.sweep.store as store

    monkeypatch.setattr(store, "_zarr", _no_zarr)
    spec = build_spec(SCENARIO, GRID, LEVERS, chunk_size=6)
    out = tmp_path / "r.nc"
    result = sweep(spec, out=out)
    assert result.complete and out.is_file()
    assert not (tmp_path / "r.nc.partial.zarr").exists()
    xr.testing.assert_identical(data(open_results(out)), data(sweep(spec).dataset))


def test_zarr_output_without_zarr_says_what_to_install(tmp_path, monkeypatch):
    import sim.sweep.store as store

    monkeypatch.setattr(store, "_zarr", _no_zarr)
    with pytest.raises(SweepSpecError, match="needs the zarr package"):
        sweep(build_spec(SCENARIO, GRID), out=tmp_path / "r.zarr")
