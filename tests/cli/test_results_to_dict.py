"""Results print themselves: ``to_dict()`` is JSON, and the CLI prints exactly it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app

runner = CliRunner()
#: A baseline where Russia's optimism closes the zone: no solution exists (NaN lines).
CLOSED = {"actors.russia.belief_drift_bias_km2": 600.0, "actors.russia.discount_rate": 0.01}


@pytest.fixture(scope="module")
def baseline():
    return sim.load_scenario("baseline")


def _round_trip(payload):
    return json.loads(json.dumps(payload, allow_nan=False))


@pytest.mark.parametrize("overrides", [{}, CLOSED], ids=["open", "closed"])
def test_solve_result_to_dict_is_json(baseline, overrides):
    result = sim.solve(baseline.with_params(overrides) if overrides else baseline)
    payload = result.to_dict()
    assert _round_trip(payload) == payload


def test_a_missing_solution_is_null_not_nan(baseline):
    payload = sim.solve(baseline.with_params(CLOSED)).to_dict()
    assert payload["zopa"]["exists"] is False
    assert payload["solutions"]["nash_km2"] is None


def test_timeline_to_dict_is_json(baseline):
    payload = sim.timeline(baseline).to_dict()
    assert _round_trip(payload) == payload
    assert len(payload["line_km2"]) == len(payload["months"])


def test_one_name_per_solution(baseline):
    solutions = sim.solve(baseline).to_dict()["solutions"]
    names = sim.solve(baseline).solutions
    assert {k for k in solutions if k.endswith("_km2")} == {f"{name}_km2" for name in names}
    # with the regional layer on (issue 18), solutions.<name>.regions beside <name>_km2
    assert {k for k in solutions if not k.endswith("_km2")} <= set(names)
    assert "kalai_smorodinsky_km2" in solutions
    assert "ks_km2" not in solutions


@pytest.mark.parametrize("scenario", ["baseline", "fearon"])
def test_solve_json_is_the_results_dict(scenario):
    printed = runner.invoke(app, ["solve", scenario, "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == sim.solve(sim.load_scenario(scenario)).to_dict()


def test_timeline_json_is_the_results_dict(baseline):
    printed = runner.invoke(app, ["timeline", "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == sim.timeline(baseline).to_dict()
