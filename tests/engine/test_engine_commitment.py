"""Perceived vs neutral ZOPA, and Powell's commitment problem for the pause, in ``solve``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.engine import compute

GAIN = "war.pause.capacity_gain_bn.ukraine"


def test_pause_shifts_power_towards_the_side_that_rearms(baseline):
    c = sim.solve(baseline).commitment["ceasefire_30_days"]
    # p is the first side's capacity share on the neutral no-deal path at the pause's start.
    assert c.p == pytest.approx(float(compute(baseline, with_deals=False).share[0, 0]))
    assert c.p_next < c.p
    more = sim.solve(baseline.with_params({GAIN: 5.0})).commitment["ceasefire_30_days"]
    assert more.p_next < c.p_next


def test_powell_condition_matches_the_deal_verdict_in_the_baseline(baseline):
    """Russia rejects the pause and the pause poses a commitment problem; without
    Ukraine's rearmament Russia does not decline, and the problem disappears."""
    c = sim.solve(baseline).commitment["ceasefire_30_days"]
    assert c.war_inevitable
    calm = sim.solve(baseline.with_params({GAIN: 0.0})).commitment["ceasefire_30_days"]
    assert calm.p_next >= calm.p
    assert not calm.war_inevitable


def test_costlier_war_makes_the_commitment_problem_harder_to_meet(baseline):
    cheap = sim.solve(baseline).commitment["ceasefire_30_days"]
    path = "actors.russia.costs.casualties.quantity"
    dear = sim.solve(baseline.with_params({path: 3 * baseline.get(path)}))
    assert dear.commitment["ceasefire_30_days"].cost_a > cheap.cost_a


def test_neutral_zopa_differs_from_the_perceived_one_only_through_beliefs(baseline):
    # issue 17: Russia's hard red line would pin both lower bounds; lifted here
    baseline = baseline.with_params({"settlement.red_lines.russia_constitution.limit": 1e7})
    r = sim.solve(baseline)
    assert r.neutral_zopa is not None and r.neutral_zopa.exists
    no_bias = baseline.with_params(
        {f"actors.{a}.belief_drift_bias_km2": 0.0 for a in baseline.actors}
    )
    plain = sim.solve(no_bias)
    assert plain.zopa.lo_km2 == pytest.approx(r.neutral_zopa.lo_km2)
    assert plain.zopa.hi_km2 == pytest.approx(r.neutral_zopa.hi_km2)
    assert r.zopa.lo_km2 != pytest.approx(r.neutral_zopa.lo_km2)


def test_solve_json_reports_neutral_zopa_and_commitment():
    result = CliRunner().invoke(app, ["solve", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["neutral_zopa"]["exists"] is True
    assert payload["commitment"]["ceasefire_30_days"]["war_inevitable"] is True


def test_timeline_splits_the_line_by_region_within_each_area(baseline):
    tl = sim.timeline(baseline)
    regions = baseline.model.territory.regions
    total = sum(tl.regions_km2[r] for r in regions)
    # With fronts per region (issue 18, on in the baseline) the regions' sum is their own
    # total, fitted against the total line's drift: it tracks the line, not exactly.
    assert total == pytest.approx(tl.line_km2, rel=1e-2)
    for r in regions:
        area = baseline.get(f"territory.regions.{r}.area_km2")
        assert (tl.regions_km2[r] >= 0).all() and (tl.regions_km2[r] <= area + 1e-6).all()
    # Russia advances along the no-deal path, and some oblast's share grows with it.
    assert tl.line_km2[-1] > tl.line_km2[0]
    assert any(tl.regions_km2[r][-1] > tl.regions_km2[r][0] for r in regions)


def test_timeline_turn_probability_is_the_constant_hazard_compounded(baseline):
    # Without stress the hazard is the base hazard h every month: P(turned by t) = 1 - (1 - h)^t.
    h = 0.01
    calm = baseline.with_params(
        {"war.domestic_turn.base_hazard": h, "war.domestic_turn.hazard_per_stress": 0.0}
    )
    tl = sim.timeline(calm)
    t = np.arange(len(tl.months))
    np.testing.assert_allclose(tl.turn_probability, 1.0 - (1.0 - h) ** t, rtol=1e-12)
    assert tl.turn_side == baseline.model.war.domestic_turn.side
    # Stress only adds to the hazard.
    stressed = sim.timeline(baseline.with_params({"war.domestic_turn.base_hazard": h}))
    assert (stressed.turn_probability >= tl.turn_probability - 1e-15).all()


def test_timeline_front_pace_follows_the_calendar(baseline):
    tl = sim.timeline(baseline)
    keys = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    for t, month in enumerate(tl.months[:24]):
        key = keys[int(month[5:7]) - 1]
        assert tl.front_pace[t] == baseline.get(f"war.seasonal.{key}"), month


def test_timeline_without_seasons_or_turn_has_no_tempo():
    tl = sim.timeline("fearon")
    assert tl.front_pace is None and tl.turn_probability is None and tl.turn_side is None


def test_timeline_json_reports_the_tempo():
    result = CliRunner().invoke(app, ["timeline", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert len(payload["turn_probability"]) == len(payload["months"]) == len(payload["front_pace"])
    assert payload["turn_side"] == "ukraine"
    assert any("domestic turn" in line for line in payload["explanation"])


def test_mutual_optimism_closes_the_perceived_zopa_while_the_neutral_one_stays_open(baseline):
    # Each war side expects the front to move its way by a few hundred km2 a month more than
    # the neutral path says: both ask for more than the other concedes.
    optimistic = baseline.with_params(
        {
            "actors.russia.belief_drift_bias_km2": 400.0,
            "actors.ukraine.belief_drift_bias_km2": -300.0,
        }
    )
    r = sim.solve(optimistic)
    assert not r.zopa.exists
    assert set(r.zopa.binding) == {"russia", "ukraine"} and r.zopa.gap_km2 > 0
    assert r.neutral_zopa.exists
    assert any("neutral" in line for line in r.explanation)


def test_a_side_that_does_not_discount_is_tested_in_the_limit(baseline):
    """A discount rate of 0 (allowed: >= 0) is Powell's test as delta -> 1, not an error:
    the verdict equals that of a rate just above 0."""
    at_zero = sim.solve(baseline.with_params({"actors.russia.discount_rate": 0.0}))
    near_zero = sim.solve(baseline.with_params({"actors.russia.discount_rate": 1e-9}))
    for key, c in at_zero.commitment.items():
        assert c.delta == 1.0
        assert c.war_inevitable == near_zero.commitment[key].war_inevitable
