"""A bad value in a batch gets the same clean error as a bad value in the scenario file.

``evaluate``, ``with_params`` and the typed batch apply the file's constraints
(``>= 0``, ``> 0``, ``between 0 and 1``, finite) and name the path, the value and,
in a batch, its index.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import sim
from sim.errors import ParameterError, ScenarioError
from sim.model.batch import build_batch, check_overrides

BAD = [
    # (path, values, index of the bad one, words the message must hold)
    ("actors.russia.discount_rate", [0.05, -0.1], 1, ">= 0"),
    ("war.stalemate_share", [1.7], 0, "between 0 and 1"),
    ("dimensions.nato.setting", [0.5, 0.5, 1.5], 2, "between 0 and 1"),
    ("territory.total_km2", [0.0, 6e5], 0, "> 0"),
    ("actors.us.utility.nato.ideal", [0.2, -0.5], 1, "between 0 and 1"),
    ("events.midterms.set.actors.us.discount_rate", [-1.0], 0, ">= 0"),
    ("war.drift_scale_km2", [1.0, math.nan], 1, "finite"),
    ("actors.russia.terminal_cost", [math.inf], 0, "finite"),
    ("territory.total_km2", [1e400], 0, "finite"),
]


@pytest.mark.parametrize(("path", "values", "index", "words"), BAD)
def test_evaluate_names_the_path_the_value_and_its_index(baseline, path, values, index, words):
    with pytest.raises(ParameterError) as err:
        sim.evaluate(baseline, {path: np.array(values)})
    message = str(err.value)
    assert f"{path}[{index}]" in message
    assert words in message
    shown = f"{values[index]:g}"
    assert shown in message


@pytest.mark.parametrize(("path", "values", "index", "words"), BAD)
def test_the_batch_refuses_what_the_file_refuses(baseline, path, values, index, words):
    with pytest.raises(ParameterError, match=words):
        build_batch(baseline, {path: values})


@pytest.mark.parametrize(("path", "values", "index", "words"), BAD)
def test_with_params_refuses_the_same_values(baseline, path, values, index, words):
    with pytest.raises((ScenarioError, ParameterError)) as err:
        baseline.with_params({path: values[index]})
    assert words in str(err.value)
    assert path.split(".")[-1] in str(err.value)


def test_a_scalar_override_is_named_without_an_index(baseline):
    with pytest.raises(ParameterError, match=r"^war\.stalemate_share: must be between 0 and 1"):
        check_overrides(baseline, {"war.stalemate_share": 1.7})


def test_good_values_pass_and_keep_their_shape(baseline):
    out = check_overrides(
        baseline, {"war.stalemate_share": [0.1, 0.9], "actors.us.discount_rate": 0}
    )
    assert out["war.stalemate_share"].shape == (2,)
    assert out["actors.us.discount_rate"].shape == ()


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"actors.rusia.discount_rate": [0.1]}, "did you mean 'actors.russia.discount_rate'"),
        ({"actors.russia.discount_rate": ["a"]}, "expected numbers"),
        ({"actors.russia.discount_rate": [[0.1, 0.2]]}, "1-D array"),
        (
            {"actors.russia.discount_rate": [0.1, 0.2], "actors.us.discount_rate": [0.1] * 3},
            "does not match",
        ),
    ],
)
def test_malformed_overrides_are_refused(baseline, params, match):
    with pytest.raises(ParameterError, match=match):
        sim.evaluate(baseline, params)


def test_an_event_value_in_the_file_obeys_its_targets_bound(baseline, tmp_path):
    text = (
        'extends = "{base}"\n[events.midterms]\n'
        'set."actors.us.discount_rate" = {{ value = -0.3, source = "test" }}\n'
    ).format(base=str(baseline.path).replace("\\", "/"))
    path = tmp_path / "bad_event.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=r"events\.midterms\.set\.actors\.us\.discount_rate"):
        sim.load_scenario(path)


def test_a_nan_in_the_file_is_refused(baseline, tmp_path):
    path = tmp_path / "nan.toml"
    path.write_text(
        f'extends = "{baseline.path}"\n[war]\nstalemate_share = {{ value = nan, source = "t" }}\n'
    )
    with pytest.raises(ScenarioError, match=r"war\.stalemate_share: must be a finite number"):
        sim.load_scenario(path)


def test_the_cli_gives_one_line_and_exit_code_2_for_a_bad_set():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sim.cli import main; main()",
            "solve",
            "--set",
            "war.stalemate_share=1.7",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "war.stalemate_share" in lines[0] and "1.7" in lines[0]
    assert "Traceback" not in done.stderr
