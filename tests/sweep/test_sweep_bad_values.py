"""A sweep refuses a bad parameter value before it starts, with the scenario file's words.

The values of a sweep are checked with the constraints of the scenario file
(:func:`sim.model.batch.check_overrides`): the message names the path, the
value and its index among the parameter's levels (issue 14).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.errors import SweepSpecError
from sim.sweep import build_spec

RATE = "actors.russia.discount_rate"
runner = CliRunner()


def _error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("words", "index"),
    [
        (["-p", f"{RATE}=0.05,-0.1"], 1),
        (["-p", f"{RATE}=uniform(-0.1,0.2)", "--design", "lhs", "-n", "8"], 0),
    ],
    ids=["grid level", "sampled range"],
)
def test_a_negative_discount_rate_is_refused_before_the_sweep_starts(tmp_path, words, index):
    out = tmp_path / "r.zarr"
    result = runner.invoke(app, ["sweep", "baseline", *words, "--out", str(out), "--no-progress"])
    assert result.exit_code == 2, result.output
    [line] = _error_lines(result)
    assert line.startswith("error: -p ")
    assert f"{RATE}[{index}]" in line
    assert "-0.1" in line
    assert not out.exists()


def test_the_library_names_the_path_the_value_and_its_index():
    baseline = sim.load_scenario("baseline")
    with pytest.raises(SweepSpecError, match=rf"{RATE}\[1\].*-0\.1"):
        build_spec(baseline, [f"{RATE}=0.05,-0.1"])


def test_a_share_above_one_is_refused_like_in_a_scenario_file(tmp_path):
    out = tmp_path / "r.zarr"
    result = runner.invoke(
        app,
        ["sweep", "baseline", "-p", "war.stalemate_share=0.5,1.7", "--out", str(out)],
    )
    assert result.exit_code == 2, result.output
    [line] = _error_lines(result)
    assert "war.stalemate_share[1]" in line
    assert "1.7" in line
