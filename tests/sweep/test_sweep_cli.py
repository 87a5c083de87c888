"""The ``sweep``, ``discover`` and ``sensitivity`` commands, on synthetic models."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import xarray as xr
from _sweep_models import FailOn, FakeScenario, ishigami_model, linear_model, planted_box_model
from typer.testing import CliRunner

import sim.cli.sweep as commands
from sim.cli import app
from sim.sweep.store import open_results

A, D = "actors.alpha.discount_rate", "war.drift_km2"
runner = CliRunner()


@pytest.fixture
def model(monkeypatch):
    """Run the commands on the fake scenario with a model the test chooses."""
    chosen = {"evaluate": linear_model}
    monkeypatch.setattr(commands, "_load", lambda name: FakeScenario(name=name))
    monkeypatch.setattr(commands, "_model", lambda: chosen["evaluate"])
    return chosen


def run(*words):
    return runner.invoke(app, [str(w) for w in words])


def test_sweep_writes_zarr_and_says_what_it_did(model, tmp_path):
    out = tmp_path / "r.zarr"
    result = run(
        "sweep",
        "fake",
        "-p",
        f"{A}=linspace(0.01,0.2,5)",
        "-p",
        f"{D}=0,50",
        "--chunk-size",
        "4",
        "--out",
        out,
        "--no-progress",
    )
    assert result.exit_code == 0, result.output
    assert f"grid design, 5 levels of {A} x 2 levels of {D} -> {out}" in result.stdout
    assert "chunks: 3 of 3 done (3 computed now, 0 already done)" in result.stdout
    assert "a ceasefire line (a ZOPA) exists at" in result.stdout
    dataset = open_results(out)
    assert dataset.attrs["command"].startswith(f"ceasefire sweep fake -p '{A}=linspace(0.01,")
    assert f"--out {out}" in dataset.attrs["command"]


def test_the_same_command_again_resumes_and_another_is_refused(model, tmp_path):
    out = tmp_path / "r.zarr"
    words = ["sweep", "fake", "-p", f"{A}=0.1,0.2", "--out", out, "--no-progress"]
    assert run(*words).exit_code == 0
    again = run(*words)
    assert again.exit_code == 0
    assert "(0 computed now, 1 already done)" in again.stdout
    other = run(*words, "--seed", "9")
    assert other.exit_code == 2
    assert other.stderr.count("\n") == 1
    assert other.stderr.startswith(
        f"error: {out}: holds a different sweep (--seed 0 in the file, 9 in this command)"
    )


class CtrlCAfter:
    """``linear_model`` that raises KeyboardInterrupt (as Ctrl-C does) after ``n`` chunks."""

    def __init__(self, n):
        self.n = n

    def __call__(self, *args, **kwargs):
        if self.n == 0:
            raise KeyboardInterrupt
        self.n -= 1
        return linear_model(*args, **kwargs)


def test_ctrl_c_says_in_one_line_what_is_saved_and_the_command_that_resumes(model, tmp_path):
    model["evaluate"] = CtrlCAfter(2)
    out = tmp_path / "r.zarr"
    words = ["sweep", "fake", "-p", f"{A}=linspace(0.01,0.2,8)", "--chunk-size", "2"]
    stopped = run(*words, "--out", out, "--no-progress")
    assert stopped.exit_code == 130
    assert "Traceback" not in stopped.output and stopped.stderr.count("\n") == 1
    message = stopped.stderr.strip()
    assert message.startswith(f"interrupted: 2 of 4 chunks are saved in {out}; ")
    resume = shlex.split(message.split("run the same command again to resume: ")[1])
    assert resume[:2] == ["ceasefire", "sweep"]
    model["evaluate"] = linear_model
    resumed = run(*resume[1:], "--no-progress")
    assert resumed.exit_code == 0, resumed.output
    assert "(2 computed now, 2 already done)" in resumed.stdout


def test_a_different_sweep_is_refused_in_one_short_line_naming_what_differs(model, tmp_path):
    out = tmp_path / "r.zarr"
    words = ["sweep", "fake", "--out", out, "--no-progress"]
    assert run(*words, "-p", f"{A}=linspace(0.01,0.2,50)", "--chunk-size", "10").exit_code == 0
    other = run(*words, "-p", f"{A}=linspace(0.01,0.2,51)", "--chunk-size", "10")
    assert other.exit_code == 2 and other.stderr.count("\n") == 1
    assert (
        f"-p {A}: 50 levels from 0.01 to 0.2 in the file, 51 levels from 0.01 to 0.2 in this "
        "command" in other.stderr
    )
    assert len(other.stderr) < 300
    resize = run(*words, "-p", f"{A}=linspace(0.01,0.2,50)")
    assert resize.exit_code == 2
    assert "to resume it pass --chunk-size 10" in resize.stderr


def test_a_bad_spec_is_one_line_and_exit_code_2(model, tmp_path):
    result = run("sweep", "fake", "-p", f"{A}=linspace(0.2,0.01,20)", "--out", tmp_path / "r.zarr")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: -p")
    assert "reversed bounds" in result.stderr and result.stderr.count("\n") == 1


def test_failed_chunks_exit_1_and_say_how_to_retry(model, tmp_path):
    model["evaluate"] = FailOn(drift=50.0)
    out = tmp_path / "r.zarr"
    result = run("sweep", "fake", "-p", f"{D}=0,50,100", "--out", out, "--no-progress")
    assert result.exit_code == 1
    assert "chunk 0 failed: FloatingPointError: injected failure" in result.stderr
    assert "run the same command again to retry them" in result.stderr
    model["evaluate"] = linear_model
    assert run("sweep", "fake", "-p", f"{D}=0,50,100", "--out", out, "--no-progress").exit_code == 0


@pytest.mark.slow
def test_sweep_on_a_local_dask_cluster_matches_in_process(model, tmp_path):
    words = [
        "sweep",
        "fake",
        "-p",
        f"{A}=linspace(0.01,0.2,6)",
        "-l",
        "actors.beta.discount_rate=0.1,0.2",
        "--chunk-size",
        "3",
        "--no-progress",
    ]
    assert run(*words, "--out", tmp_path / "a.nc").exit_code == 0
    result = run(*words, "--workers", "2", "--out", tmp_path / "b.nc")
    assert result.exit_code == 0, result.output
    a, b = (open_results(tmp_path / f"{n}.nc").drop_attrs() for n in "ab")
    xr.testing.assert_identical(a, b)


def test_discover_prints_the_trajectory_and_the_rule(model, tmp_path):
    model["evaluate"] = planted_box_model
    out = tmp_path / "box.zarr"
    assert (
        run(
            "sweep",
            "fake",
            "-p",
            "x1=uniform(0,1)",
            "-p",
            "x2=uniform(0,1)",
            "--design",
            "lhs",
            "-n",
            "4000",
            "--out",
            out,
            "--no-progress",
        ).exit_code
        == 0
    )
    result = run("discover", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{out}: 4,000 points; a ceasefire line exists at ")
    assert "coverage: share of the points where a ceasefire line exists" in result.stdout
    assert "density:  share of the box's points where a ceasefire line exists" in result.stdout
    assert "<- chosen" in result.stdout
    limits = [line for line in lines if line.startswith("  x") and "qp " in line]
    assert len(limits) == 2, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("a ceasefire line exists when x1 <=")
    as_json = json.loads(run("discover", out, "--json").stdout)
    assert as_json["statement"].startswith("a ceasefire line exists when")


@pytest.mark.parametrize("kind", ["missing", "garbage"])
def test_discover_on_a_bad_results_file_is_one_line_naming_it(tmp_path, kind):
    path = tmp_path / "bad.nc"
    if kind == "garbage":
        path.write_text("garbage")
    result = run("discover", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1


def test_discover_on_an_unfinished_sweep_says_how_to_finish_it(model, tmp_path):
    model["evaluate"] = FailOn(drift=50.0)
    out = tmp_path / "r.zarr"
    run(
        "sweep",
        "fake",
        "-p",
        f"{D}=0,50,100",
        "-p",
        f"{A}=0.1,0.2",
        "--chunk-size",
        "1",
        "--out",
        out,
        "--no-progress",
    )
    result = run("discover", out)
    assert result.exit_code == 2
    assert "incomplete sweep (4 of 6 chunks done)" in result.stderr
    assert "run `ceasefire sweep fake" in result.stderr


def test_sensitivity_prints_sobol_indices_with_confidence(model):
    model["evaluate"] = ishigami_model
    result = run(
        "sensitivity",
        "fake",
        "-p",
        "x1",
        "-p",
        "x2",
        "-p",
        "x3",
        "-N",
        "256",
        "--outcome",
        "zopa_width_km2",
        "--no-progress",
    )
    assert result.exit_code == 0, result.output
    assert "Sobol indices of fake: N=256, 1,280 runs, ± the 95% confidence" in result.stdout
    assert "S1 (first-order)  ST (total)" in result.stdout
    # Ishigami: x2 explains 44% alone and has no interactions (S1 = ST = 0.442); each row
    # shows S1 ± half-width, ST ± half-width.
    x2 = next(line for line in result.stdout.splitlines() if line.startswith("  x2 "))
    s1, s1_conf, st, st_conf = (float(v) for v in re.findall(r"-?\d+\.\d+", x2))
    assert s1_conf > 0 and st_conf > 0
    assert abs(s1 - 0.442) < 3 * s1_conf + 0.02 and abs(st - 0.442) < 3 * st_conf + 0.02
    assert "most influential: x1" in result.stdout


def test_sensitivity_json_and_morris(model):
    model["evaluate"] = ishigami_model
    result = run(
        "sensitivity",
        "fake",
        "-p",
        "x1",
        "-p",
        "x2",
        "-N",
        "10",
        "--method",
        "morris",
        "--outcome",
        "zopa_width_km2",
        "--json",
        "--no-progress",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["method"] == "morris" and payload["runs"] == 30
    assert payload["indices"]["zopa_width_km2"]["parameters"] == ["x1", "x2"]


def test_sensitivity_without_parameters_is_a_user_error(model):
    result = run("sensitivity", "fake")
    assert result.exit_code == 2 and "-p PATH=uniform(a,b)" in result.stderr


def test_library_errors_are_worded_with_the_commands_flags(model, tmp_path):
    out = tmp_path / "r.zarr"
    result = run("sweep", "fake", "-p", f"{A}=0.1,0.2", "--workers", "0", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --workers must be >= 1, got 0"
    assert not out.exists()
    result = run("sweep", "fake", "-p", f"{A}=uniform(0.1,0.2)", "--out", out)
    assert "or choose --design lhs|mc|sobol|morris" in result.stderr
    assert "`" not in result.stderr
