"""Date-true evaluation: a decision of month D sees the front of D and only what was known."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.backtest.decisions import check_decisions, margins, prepare
from sim.backtest.history import observed_front, rebase, region_line_km2
from sim.engine import compute
from sim.errors import ParameterError


@pytest.fixture(scope="module")
def history():
    return sim.load_scenario("history")


def test_a_deal_dated_2025_10_uses_the_2025_10_observed_front(history):
    # DeepStateMap, 1 Oct 2025 (models/data/occupied_area_monthly.csv).
    scenario, (d,) = check_decisions(
        {
            "decisions": {
                "f": {"date": "2025-10", "line": "contact", "observed": {"russia": "reject"}}
            }
        }
    )
    prep = prepare(scenario, d)
    assert prep.line_km2 == 114680
    assert prep.scenario.get("war.initial_line") == 114680
    assert prep.scenario.month_label(0) == "2025-10"
    comp = compute(prep.scenario, {}, month=0)
    assert comp.line[0, 0] == pytest.approx(114680)
    assert comp.deals["decision"]["line_km2"][0] == 114680


def test_a_decision_does_not_see_an_aid_event_dated_after_it(history):
    purl = "war.capacity.ukraine.purl.factors.bn_per_month"
    before, after = rebase(history, "2025-07"), rebase(history, "2025-08")
    assert before.get(purl) == 0.0 and "purl" not in before.model.events
    assert after.get(purl) == 0.8


def test_an_event_within_the_decisions_month_is_not_in_force(history):
    # The Rosneft and Lukoil sanctions (22 Oct 2025) came after the Oct 2025 answers.
    oil = "war.capacity.russia.oil.factors.price_usd"
    assert rebase(history, "2025-10").get(oil) == 57.65
    assert rebase(history, "2025-11").get(oil) == 49.0


def test_later_events_cannot_change_a_decisions_margins(history):
    # The same decision on a history whose post-D levers are absurd: nothing changes.
    scenario, (d,) = check_decisions(
        {"decisions": {"f": {"date": "2025-07", "line": "contact", "observed": {"us": "accept"}}}}
    )
    changed = history.with_params(
        {"events.purl.set." + "war.capacity.ukraine.purl.factors.bn_per_month": 50.0}
    )
    a = margins(prepare(scenario, d))
    b = margins(prepare(changed, d))
    np.testing.assert_array_equal(a, b)


def test_scheduled_events_are_kept_and_the_us_administration_changes(history):
    early, late = rebase(history, "2024-06"), rebase(history, "2025-02")
    assert list(early.model.events) == ["midterms"] == list(late.model.events)
    assert early.get("actors.us.utility.line.weight") == 0.25
    assert late.get("actors.us.utility.line.weight") == 0.15
    assert late.get("actors.us.discount_rate") == 0.30


def test_the_first_month_uses_the_first_observation_and_months_outside_fail(history):
    assert rebase(history, "2024-06").get("war.initial_line") == 109064
    with pytest.raises(ParameterError):
        rebase(history, "2024-05")
    with pytest.raises(ParameterError):
        rebase(history, "2026-09")


def test_a_per_region_line_is_the_observed_total_with_the_listed_regions_moved(history):
    front = observed_front()
    assert region_line_km2(history, front, "2025-10", {}) == 114680
    assert region_line_km2(history, front, "2025-10", {"donetsk": "contact"}) == 114680
    held, area = front.regions["2025-10"]["donetsk"]
    moved = region_line_km2(history, front, "2025-10", {"donetsk": 1.0})
    assert moved == pytest.approx(114680 + area - held)
    # Russia's terms of Jun 2024: the four oblasts and Crimea, ~135,800 km2 (CALIBRATION.md).
    four = {r: 1.0 for r in ("crimea", "luhansk", "donetsk", "zaporizhzhia", "kherson")}
    assert region_line_km2(history, front, "2024-06", four) == pytest.approx(135800, rel=0.01)


def test_the_grid_starts_at_its_state_of_the_decisions_month(history):
    from sim.backtest.history import grid_path

    grid = grid_path(history)
    s = rebase(history, "2025-10")
    assert s.get("war.grid.initial") == pytest.approx(grid[history.month_index("2025-10")])
    assert s.get("war.grid.initial") < history.get("war.grid.initial")
    lo, hi = s.uncertainty_range("war.grid.initial")
    assert lo < s.get("war.grid.initial") < hi
