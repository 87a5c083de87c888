"""``solve`` with the regional layer (issue 18): the JSON keys and the text table; off
by default (a scenario without a ``[regions]`` table prints nothing new)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.engine import compute
from sim.errors import ScenarioError
from sim.model.scenario import load_scenario
from sim.regions import line_vector

runner = CliRunner()


@pytest.fixture(scope="module")
def solved():
    printed = runner.invoke(app, ["solve", "baseline", "--json"])
    assert printed.exit_code == 0, printed.output
    return json.loads(printed.output)


def test_solve_json_has_the_regional_keys(solved):
    regions = solved["zopa"]["regions"]
    assert set(regions) == set(load_scenario("baseline").model.territory.regions)
    for r in regions.values():
        assert set(r) >= {"lo_share", "hi_share", "lo_km2", "hi_km2"}
        assert 0.0 <= r["lo_share"] <= r["hi_share"] <= 1.0
    assert "lo_km2" in solved["zopa"]  # the scalar keys stay
    nash = solved["solutions"]["nash"]["regions"]
    assert set(nash) == {f"{r}_km2" for r in regions}
    assert isinstance(solved["solutions"]["nash_km2"], float)
    frontier = solved["regional_frontier"]
    assert frontier["actors"] == ["russia", "ukraine"]
    assert len(frontier["surplus"]) == len(frontier["regions"]["donetsk_km2"]) == 7
    plan = solved["regional_lines"]["plan_28_points"]
    assert plan["regions"]["sumy_km2"] == 0.0
    assert set(plan["actors"]) == set(load_scenario("baseline").actors)


def test_off_by_default():
    result = sim.solve("fearon")
    assert result.regions is None
    assert "regions" not in result.to_dict()["zopa"]
    assert "regional_lines" not in result.to_dict()


def test_solve_text_prints_the_table():
    printed = runner.invoke(app, ["solve", "baseline"])
    assert printed.exit_code == 0, printed.output
    assert "Per region" in printed.output
    assert "Donetsk" in printed.output and "Alaska terms" in printed.output


def test_bad_regional_tables_name_the_field(tmp_path):
    scenario = load_scenario("baseline")
    status = compute(scenario, with_deals=False).line[0, 0]
    with pytest.raises(ScenarioError, match=r"regions\.lines\.x\.line\.narnia"):
        line_vector(scenario, {"narnia": "contact"}, [status] * 8, "regions.lines.x.line")
    with pytest.raises(ScenarioError, match="neither 'contact' nor"):
        line_vector(scenario, {"donetsk": "elsewhere"}, [status] * 8, "regions.lines.x.line")
    with pytest.raises(ScenarioError, match=r"share must be in \[0, 1\]"):
        line_vector(scenario, {"donetsk": 1.5}, [status] * 8, "regions.lines.x.line")
    base = sim.model.scenario.builtin_scenarios()["baseline"]
    path = tmp_path / "bad.toml"
    path.write_text(
        f'extends = "{base}"\n[regions.values.nobody.donetsk]\n'
        'weight = { value = 1.0, source = "test" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"regions\.values\.nobody"):
        load_scenario(str(path))  # the schema names the field when the file is read


def test_a_regional_line_tied_to_a_deal_keeps_its_terms(solved):
    """The 28-point plan per region with its own terms: actors that value every km2 alike
    (Europe, China: ideals at an end of every region) keep the scalar deal's margins; Russia
    and Ukraine, with regional weights, do not."""
    regional = solved["regional_lines"]["plan_28_points"]["actors"]
    scalar = solved["deals"]["plan_28_points"]
    for actor in ("europe", "china"):  # the deal's total is 121,159 km2, the regions' 121,158.7
        assert regional[actor]["margin"] == pytest.approx(scalar[actor]["margin"], abs=1e-5)
    for actor in ("russia", "ukraine"):
        assert regional[actor]["margin"] != pytest.approx(scalar[actor]["margin"], abs=1e-4)


def test_an_unknown_deal_is_named(tmp_path):
    base = sim.model.scenario.builtin_scenarios()["baseline"]
    path = tmp_path / "bad_deal.toml"
    path.write_text(
        f'extends = "{base}"\n[regions.lines.x]\nlabel = "x"\ndeal = "nowhere"\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"regions\.lines\.x\.deal: unknown deal 'nowhere'"):
        sim.solve(load_scenario(str(path)))
