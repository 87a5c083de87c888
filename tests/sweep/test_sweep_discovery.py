"""Scenario discovery: PRIM finds the box where a ceasefire line exists."""

from __future__ import annotations

import re

import numpy as np
import pytest
from _sweep_models import FakeScenario, linear_model, planted_box_model

from sim.errors import ResultsError
from sim.sweep.discovery import discover
from sim.sweep.runner import run_sweep
from sim.sweep.spec import build_spec
from sim.sweep.store import to_ema

pytest.importorskip("ema_workbench")
SCENARIO = FakeScenario()
UNIT_CUBE = ["x1=uniform(0,1)", "x2=uniform(0,1)", "x3=uniform(0,1)"]


def sweep(uncertainties, model=planted_box_model, **kwargs):
    spec = build_spec(SCENARIO, uncertainties, **kwargs)
    return run_sweep(SCENARIO, spec, evaluate=model, progress=False).dataset


@pytest.fixture(scope="module")
def planted():
    """20 000 Latin-hypercube points; the ZOPA exists exactly when x1 <= 0.3 and x2 >= 0.6."""
    return sweep(UNIT_CUBE, design="lhs", samples=20_000, seed=1)


def limits(found):
    return {r.path: (r.lower, r.upper) for r in found.box.restrictions}


def test_prim_recovers_the_planted_box(planted):
    found = discover(planted)
    box = limits(found)
    assert set(box) == {"x1", "x2"}, "x3 does not matter and must stay unrestricted"
    assert box["x1"][0] is None and box["x1"][1] == pytest.approx(0.3, abs=0.02)
    assert box["x2"][1] is None and box["x2"][0] == pytest.approx(0.6, abs=0.02)
    assert found.box.coverage > 0.9 and found.box.density > 0.9
    assert found.meets_threshold


def test_box_statistics_match_a_direct_count_of_the_points(planted):
    found = discover(planted)
    experiments, outcomes = to_ema(planted)
    inside = np.ones(len(experiments), dtype=bool)
    for r in found.box.restrictions:
        values = experiments[r.path].to_numpy()
        if r.lower is not None:
            inside &= values >= r.lower
        if r.upper is not None:
            inside &= values <= r.upper
    cases = outcomes["zopa_exists"]
    assert found.box.points == inside.sum()
    assert found.box.coverage == pytest.approx(cases[inside].sum() / cases.sum())
    assert found.box.density == pytest.approx(cases[inside].mean())
    assert found.box.mass == pytest.approx(inside.mean())


def test_the_trajectory_starts_from_the_whole_space(planted):
    found = discover(planted)
    whole = found.trajectory[0]
    assert whole.mass == 1 and whole.coverage == 1 and not whole.restrictions
    assert whole.density == pytest.approx(0.3 * 0.4, abs=0.01)
    assert found.base_density == pytest.approx(whole.density)


def test_restricted_limits_are_significant(planted):
    for restriction in discover(planted).box.restrictions:
        assert restriction.qp is not None and restriction.qp < 0.01


def test_the_statement_reads_as_a_rule(planted):
    text = discover(planted).statement()
    rule = re.match(r"a ceasefire line exists when x1 <= ([\d.]+) and x2 >= ([\d.]+): ", text)
    assert rule is not None, text
    assert float(rule[1]) == pytest.approx(0.3, abs=0.02)
    assert float(rule[2]) == pytest.approx(0.6, abs=0.02)
    box = discover(planted).box
    assert f"at {box.density:.0%} of the {box.points:,} points in this box (density)" in text
    assert f"{box.coverage:.0%} of all the points where a ceasefire line exists (coverage)" in text


def test_an_unrestricted_box_never_claims_there_is_no_denser_one(planted):
    # Box 0 (the whole space, density 12%) is chosen by hand; PRIM's later boxes are denser.
    text = discover(planted, box=0).statement()
    assert "no denser box" not in text
    assert text.startswith("a ceasefire line exists at 12% of the sweep's 20,000 points")
    assert "denser boxes cost coverage" in text


def test_a_sweep_dense_enough_everywhere_says_so_and_names_a_denser_box(planted):
    # Where no line exists is 88% of the space: above the 80% threshold unrestricted.
    found = discover(planted, absent=True)
    assert found.condition == "not zopa_exists" and found.chosen == 0
    text = found.statement()
    assert text.startswith("no ceasefire line exists at 88% of the sweep's 20,000 points: ")
    assert "above the density threshold of 80% without restricting any parameter" in text
    assert f"box {found.densest.index}: density 100%" in text


def test_absent_boxes_the_complement_of_the_cases(planted):
    found = discover(planted, absent=True, threshold=0.99)
    assert found.cases == found.points - discover(planted).cases
    assert found.box.density >= 0.99 and found.box.restrictions
    assert found.statement().startswith("no ceasefire line exists when ")


def test_absent_needs_a_yes_no_outcome(planted):
    with pytest.raises(ResultsError, match="`absent` takes a yes/no outcome"):
        discover(planted, "zopa_lo_km2", absent=True)


def test_prim_finds_the_box_on_a_grid_sweep_too():
    dataset = sweep(["x1=linspace(0,1,41)", "x2=linspace(0,1,41)"])
    box = limits(discover(dataset))
    assert box["x1"][1] == pytest.approx(0.3, abs=0.03)
    assert box["x2"][0] == pytest.approx(0.6, abs=0.03)


def test_a_numeric_outcome_needs_a_threshold_and_then_boxes_it():
    dataset = sweep(
        ["actors.alpha.discount_rate=uniform(0,0.2)", "war.drift_km2=uniform(0,100)"],
        linear_model,
        design="lhs",
        samples=5000,
    )
    with pytest.raises(ResultsError, match="`above` X or `below` X"):
        discover(dataset, "zopa_lo_km2")
    # lo = 1000 a + drift < 50 holds in a triangle; its bounding box has a <= 0.05, drift <= 50.
    found = discover(dataset, "zopa_lo_km2", below=50.0, threshold=0.5)
    assert found.condition == "zopa_lo_km2 < 50"
    box = limits(found)
    assert box["actors.alpha.discount_rate"][1] <= 0.06
    assert box["war.drift_km2"][1] <= 60


def test_no_cases_of_interest_is_said_plainly():
    dataset = sweep(["x1=uniform(0.5,1)", "x2=uniform(0,0.5)"], design="mc", samples=200)
    found = discover(dataset)
    assert found.cases == 0
    assert "at no point" in found.statement()


def test_cases_everywhere_is_said_plainly():
    dataset = sweep(["x1=uniform(0,0.3)", "x2=uniform(0.6,1)"], design="mc", samples=50)
    found = discover(dataset)
    assert found.cases == found.points == 50
    assert found.statement() == "a ceasefire line exists at every point of the sweep (50 points)"


def test_an_unknown_outcome_names_the_known_ones(planted):
    with pytest.raises(ResultsError, match=r"not in the results .* zopa_exists"):
        discover(planted, "zopa_wdth_km2")


def test_a_chosen_box_index_is_checked(planted):
    found = discover(planted, box=0)
    assert found.chosen == 0 and not found.box.restrictions
    with pytest.raises(ResultsError, match="`box` 999"):
        discover(planted, box=999)
