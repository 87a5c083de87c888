"""Exchange rates (issue 17, item 3): what each term is worth in km2 of line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.model.scenario import load_scenario

#: Stated ranges (judgement, not fitted: the history issue's fit is to set them), km2.
#: Russia / NATO: positive (its ideal is a renunciation, seeds 000, 003) and well under
#:   the plain model's 27,160, which bought back 5,000-21,000 km2 of the contact line
#:   that no Russian proposal since 2022 has offered (issue 17).
#: Ukraine / guarantees: positive (seeds 000, 004) and under the plain model's 75,444,
#:   more than the whole of Donetsk (26,517 km2): a guarantee that relapse undoes is
#:   worth less than its paper value, yet Ukraine traded a Donbas zone for one in the
#:   20-point draft, so it is worth a substantial area.
#: Russia / military limits: positive, and with the rearmament after a deal (issue 17) it
#:   also buys off the relapse Russia fears: strict caps remove up to 4 bn/month of
#:   Ukrainian rearmament, which would move a renewed war's drift by ~640 km2 a month
#:   (capacity share 0.68 -> 0.58 at the drift scale 6,100) for the ~48 months it lasts
#:   (exit hazard 0.02): ~30,000 km2 at most, times the relapse weight (< 1), on top of the
#:   plain term (18,107 before durability).
RANGES = {
    ("russia", "nato_km2"): (1_000.0, 20_000.0),
    ("ukraine", "guarantees_km2"): (10_000.0, 60_000.0),
    ("russia", "military_limits_km2"): (0.0, 48_000.0),
    ("ukraine", "military_limits_km2"): (-36_213.0, 0.0),
}


@pytest.fixture(scope="module")
def solved():
    return sim.solve("baseline")


@pytest.mark.parametrize(("actor", "key"), sorted(RANGES))
def test_rates_lie_in_their_stated_ranges(solved, actor, key):
    lo, hi = RANGES[(actor, key)]
    assert lo <= solved.exchange_rates[actor][key] <= hi


def test_plain_rates_are_the_linear_weight_ratios():
    """Without durability the rate is w_d / w_line * span: 0.12 / 0.6 * 135,800 = 27,160
    for Russia's NATO renunciation, 0.25 / 0.45 * 135,800 = 75,444 for Ukraine's
    guarantees (the issue's figures)."""
    plain = sim.solve(load_scenario("tests/regression/scenarios/baseline.toml"))
    assert plain.exchange_rates["russia"]["nato_km2"] == pytest.approx(0.12 / 0.6 * 135_800)
    assert plain.exchange_rates["ukraine"]["guarantees_km2"] == pytest.approx(0.25 / 0.45 * 135_800)


def test_a_rate_prices_a_term_against_the_line(baseline):
    """Moving the default package's NATO term from 0 to 1 and the line by the rate
    leaves Russia's value of the deal unchanged: evaluate it through the engine."""
    r = sim.solve(baseline)
    rate = r.exchange_rates["russia"]["nato_km2"]
    base = "deals.plan_28_points"
    comp = sim.engine.compute(
        baseline,
        {
            f"{base}.terms.nato": np.array([0.0, 1.0]),
            f"{base}.line": np.array([121_159.0 + rate, 121_159.0]),
            **{f"{base}.terms.{d}": r.settings[d] for d in baseline.dimensions if d != "nato"},
        },
    )
    u = comp.deals["plan_28_points"]["utility"][:, baseline.actors.index("russia")]
    assert u[0] == pytest.approx(u[1], abs=1e-9)


def test_json_reports_exchange_rates():
    out = CliRunner().invoke(app, ["solve", "--json"])
    assert out.exit_code == 0, out.output
    rates = json.loads(out.output)["exchange_rates"]
    assert set(rates) == {"us", "russia", "ukraine", "europe", "china"}
    assert "nato_km2" in rates["russia"] and "guarantees_km2" in rates["ukraine"]
