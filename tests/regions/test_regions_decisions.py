"""Decisions with a line per region (issue 18): evaluated by the regional utilities, equal
to the total line's evaluation when every region is worth the same."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.backtest.decisions import backtest, margins, prepare, read_decisions
from sim.backtest.history import observed_front
from sim.engine import compute
from sim.model.scenario import builtin_scenarios, load_scenario
from sim.regions import RegionalDeal, control_matrix, control_vector, regional_margins


def test_control_matrix_is_control_vector_vectorised():
    scenario = load_scenario("baseline")
    lines = np.linspace(-1000.0, 700_000.0, 37)
    expect = np.array([control_vector(scenario, x) for x in lines])
    np.testing.assert_allclose(control_matrix(scenario, lines), expect, rtol=1e-12, atol=1e-9)
    two = control_matrix(scenario, lines.reshape(1, -1))
    assert two.shape == (1, lines.size, len(scenario.model.territory.regions))


@pytest.fixture(scope="module")
def equal(tmp_path_factory):
    """The baseline with every regional weight and curvature set to 1."""
    base = builtin_scenarios()["baseline"]
    scenario = load_scenario("baseline")
    text = [f'extends = "{base}"']
    for actor, per_region in scenario.model.regions.values.items():
        for region in per_region:
            text.append(f"[regions.values.{actor}.{region}]")
            text.append('weight = { value = 1.0, source = "test: equal" }')
            text.append('curvature = { value = 1.0, source = "test: equal" }')
    path = tmp_path_factory.mktemp("equal") / "equal.toml"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return load_scenario(str(path))


def test_equal_weights_on_the_reference_path_give_the_scalar_margins(equal):
    comp = compute(equal, {"actors.russia.discount_rate": np.array([0.05, 0.1, 0.2])})
    scalar = np.asarray(comp.deals["freeze_current_line"]["margin"])
    now_total = float(comp.line[0, 0])
    for deal_total in (now_total, equal.reference_line_km2("all_donbas")):
        deal = RegionalDeal(
            control_vector(equal, deal_total),
            control_vector(equal, now_total),
            deal_total,
            now_total,
        )
        # the scalar margin's line part is swapped for the regional utility of the same
        # line: with equal weights on the monotone reference path the two are equal
        got = regional_margins(equal, comp, deal, scalar)
        np.testing.assert_allclose(got, scalar, rtol=1e-10, atol=1e-12)
    # with the baseline's weights they are not
    comp_b = compute(load_scenario("baseline"))
    deal = RegionalDeal(
        control_vector(equal, equal.reference_line_km2("all_donbas")),
        control_vector(equal, now_total),
        equal.reference_line_km2("all_donbas"),
        now_total,
    )
    scalar_b = np.asarray(comp_b.deals["freeze_current_line"]["margin"])
    moved = regional_margins(load_scenario("baseline"), comp_b, deal, scalar_b)
    assert not np.allclose(moved, scalar_b)


def test_per_region_decisions_are_evaluated_regionally():
    scenario, decisions = read_decisions(
        sim.backtest.decisions.DECISIONS_FILE
        if hasattr(sim.backtest.decisions, "DECISIONS_FILE")
        else "models/data/decisions.toml"
    )
    front = observed_front()
    plan = next(d for d in decisions if d.date == "2025-11")
    prep = prepare(scenario, plan, front)
    assert prep.regional is not None
    assert any("regional utilities" in n for n in prep.notes)
    regions = list(prep.scenario.model.territory.regions)
    # the plan gives Russia all of Donetsk and returns Sumy; Zaporizhzhia stays as held
    assert prep.regional.km2[regions.index("donetsk")] == pytest.approx(
        prep.scenario.get("territory.regions.donetsk.area_km2")
    )
    assert prep.regional.km2[regions.index("sumy")] == 0.0
    zap = regions.index("zaporizhzhia")
    assert prep.regional.km2[zap] == prep.regional.now[zap]
    # a decision on the total line is not touched
    freeze = next(d for d in decisions if d.line == "contact")
    assert prepare(scenario, freeze, front).regional is None
    m = margins(prep)
    assert m.shape == (1, len(prep.scenario.actors)) and np.all(np.isfinite(m))


def test_the_yardstick_with_regional_decisions():
    result = backtest(
        str(builtin_scenarios()["baseline"].parent / "data" / "decisions.toml"), draws=50
    )
    assert result.to_dict()["summary"]["hits"] == result.to_dict()["summary"]["total"]
