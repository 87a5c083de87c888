"""The CLI as a user meets it: answers, JSON, and one-line errors for bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.model.scenario import builtin_scenarios

runner = CliRunner()
FEARON = builtin_scenarios()["fearon"].read_text()


def run(*args):
    return runner.invoke(app, list(args))


def test_solve_baseline_prints_the_answer():
    result = run("solve")
    assert result.exit_code == 0, result.output
    assert "ZOPA" in result.output or "No ceasefire line" in result.output
    assert "Freeze on the current line" in result.output


def test_solve_json_has_the_documented_fields():
    result = run("solve", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert isinstance(data["zopa"]["exists"], bool)
    for key in ("lo_km2", "hi_km2", "binding"):
        assert key in data["zopa"]
    assert "nash_km2" in data["solutions"]
    assert set(data["reservation"]) == {"us", "russia", "ukraine", "europe", "china"}
    deal = data["deals"]["freeze_current_line"]["russia"]
    assert isinstance(deal["accepts"], bool) and isinstance(deal["margin"], float)


def test_solve_month_and_timeline():
    assert run("solve", "--month", "2027-06").exit_code == 0
    result = run("timeline")
    assert result.exit_code == 0
    assert "US midterms" in result.output


def test_scenarios_lists_builtins():
    result = run("scenarios")
    assert result.exit_code == 0
    assert "baseline" in result.output and "fearon" in result.output


def test_fearon_json_range(tmp_path):
    data = json.loads(run("solve", "fearon", "--json").output)
    assert data["zopa"]["lo_km2"] == pytest.approx(0.4)
    assert data["zopa"]["hi_km2"] == pytest.approx(0.7)


BAD_FILES = {
    "syntax error": (FEARON.replace('label = "State A"', 'label = "State A'), r"not valid TOML"),
    "unknown key": (
        FEARON.replace("discount_rate = { value = 0.05", "discount_rat = { value = 0.05", 1),
        r"actors\.a\.discount_rat: unknown key \(did you mean 'discount_rate'\?\)",
    ),
    "negative rate": (
        FEARON.replace("discount_rate = { value = 0.05", "discount_rate = { value = -0.05", 1),
        r"actors\.a\.discount_rate.*>= 0.*-0\.05",
    ),
    "missing actor": (
        FEARON.replace('sides = ["a", "b"]', 'sides = ["a", "c"]'),
        r"war\.sides\[1\].*unknown actor 'c'",
    ),
    "wrong type": (
        FEARON.replace("horizon_months = 0", 'horizon_months = "soon"'),
        r"scenario\.horizon_months.*'soon'",
    ),
    "bad date": (
        FEARON.replace('date = "2026-01-01"', 'date = "2026-13-01"'),
        r"scenario\.date",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["validate", "solve"])
def test_bad_file_gives_one_clear_line_and_exit_2(tmp_path, kind, command):
    text, pattern = BAD_FILES[kind]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(command, str(path))
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1, message
    assert "Traceback" not in message
    assert str(path) in message
    assert re.search(pattern, message), message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_unordered_reference_lines_are_rejected(tmp_path):
    # The pre-2022 line made larger than the contact line listed after it.
    text = (
        builtin_scenarios()["baseline"]
        .read_text()
        .replace(
            "[territory.lines.pre_2022.control]",
            "[territory.lines.pre_2022.control]\nzaporizhzhia = 1.0\nkherson = 1.0\nkharkiv = 1.0",
            1,
        )
    )
    path = tmp_path / "baseline.toml"
    path.write_text(text)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "increasing order" in result.output


def test_unknown_builtin_name_suggests():
    result = run("solve", "baselin")
    assert result.exit_code == 2
    assert "did you mean 'baseline'" in result.output


def test_bad_override_is_a_clear_error():
    result = run("solve", "--set", "actors.russia.discount_rat=0.1")
    assert result.exit_code == 2
    assert "did you mean 'actors.russia.discount_rate'" in result.output


def test_validate_reports_a_good_file():
    path = Path(builtin_scenarios()["baseline"])
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "valid" in result.output


def test_sentences_name_actors_as_a_reader_would(tmp_path):
    # The label heads table columns; ``in_text`` is how a sentence names the actor.
    text = FEARON.replace('label = "State A"', 'label = "State A"\nin_text = "the first state"', 1)
    path = tmp_path / "fearon.toml"
    path.write_text(text)
    data = json.loads(run("solve", str(path), "--json").output)
    sentences = " ".join(data["explanation"])
    assert "the first state" in sentences
    assert "State A" not in sentences
    assert "State A" in run("solve", str(path)).output  # the table keeps the label


def test_lists_of_actors_read_as_prose():
    from sim.explain import _and

    assert _and(["Russia"]) == "Russia"
    assert _and(["Ukraine", "Europe"]) == "Ukraine and Europe"
    assert _and(["the United States", "Russia", "Ukraine"]) == (
        "the United States, Russia and Ukraine"
    )
