"""``ceasefire backtest``: the decisions file as a contract, the scores, the public file."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.backtest.decisions import backtest, draw, scores
from sim.cli import app
from sim.model.scenario import builtin_models_dir

runner = CliRunner()
PUBLIC = builtin_models_dir() / "data" / "decisions.toml"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


BASE = {
    "date": '"2025-10"',
    "line": '"contact"',
    "observed": '{ russia = "reject", ukraine = "accept" }',
    "terms": "{}",
}


def _file(**changes):
    fields = {**BASE, **changes}
    body = "\n".join(f"{k} = {v}" for k, v in fields.items() if v is not None)
    return f"[decisions.d1]\n{body}\n"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_file(observed='{ russa = "reject" }'), "decisions.d1.observed.russa"),
        (_file(observed='{ russia = "maybe" }'), "decisions.d1.observed.russia"),
        (_file(line="{ donbas = 1.0 }"), "decisions.d1.line.donbas"),
        (_file(line="{ donetsk = 1.5 }"), "decisions.d1.line.donetsk"),
        (_file(line="{ donetsk = -0.1 }"), "decisions.d1.line.donetsk"),
        (_file(line='"all_donbass"'), "decisions.d1.line"),
        (_file(terms="{ natto = 1.0 }"), "decisions.d1.terms.natto"),
        (_file(terms="{ nato = 2.0 }"), "decisions.d1.terms.nato"),
        (_file(date='"2023-01"'), "decisions.d1.date"),
        (_file(date='"2027-01"'), "decisions.d1.date"),
        (_file(date='"2025/10"'), "decisions.d1.date"),
        (_file(date=None), "decisions.d1.date"),
        (_file(observed=None), "decisions.d1.observed"),
        (_file(kind='"truce"'), "decisions.d1.kind"),
        (_file(kind='"pause"', pause_months="0"), "decisions.d1.pause_months"),
        (_file(colour='"red"'), "decisions.d1.colour"),
        ("[decisions.d1\n", "not valid TOML"),
        ('scenario = "nowhere"\n' + _file(), "scenario"),
    ],
)
def test_a_bad_file_gives_one_line_naming_the_field_and_exit_2(decisions_file, text, field):
    path = decisions_file(text)
    result = run("backtest", path)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(path) in lines[0] and field in lines[0]
    assert "Traceback" not in result.output


def test_recognition_is_a_dimension_since_issue_17(decisions_file):
    """The baseline (and so the history) has had `recognition` as a dimension since issue 17:
    the decisions' setting is read, no longer reported as ignored."""
    path = decisions_file(_file(terms="{ nato = 1.0, recognition = 0.5 }"))
    result = run("backtest", path, "--draws", 5)
    assert result.exit_code == 0, result.output
    assert "recognition ignored" not in result.output


def test_seeded_draws_reproduce(decisions_file):
    path = decisions_file(_file())
    a = backtest(path, draws=40, seed=7)
    b = backtest(path, draws=40, seed=7)
    np.testing.assert_array_equal(a.p_accept, b.p_accept)
    from sim.backtest.decisions import prepare, read_decisions

    scenario, (d,) = read_decisions(path)
    s = prepare(scenario, d).scenario
    x, y, z = draw(s, 10, 7), draw(s, 10, 7), draw(s, 10, 8)
    assert all(np.array_equal(x[k], y[k]) for k in x)
    assert any(not np.array_equal(x[k], z[k]) for k in x)


def test_brier_and_log_scores_against_a_hand_computed_case():
    p = np.array([0.9, 0.2, 0.5, 1.0])
    accepted = np.array([True, False, True, False])
    brier, log = scores(p, accepted)
    assert brier == pytest.approx((0.01 + 0.04 + 0.25 + 1.0) / 4)
    # The last p is clipped to 0.99: log(1 - 0.99).
    expected = (math.log(0.9) + math.log(0.8) + math.log(0.5) + math.log(0.01)) / 4
    assert log == pytest.approx(expected)


def test_the_public_file_runs_end_to_end():
    result = run("backtest", PUBLIC, "--json", "--draws", 20)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["decisions"]) == 5
    assert set(data["summary"]) >= {"hits", "total", "hit_rate", "brier", "log_score"}
    assert data["summary"]["total"] == 19
    actor = data["decisions"]["freeze_current_line_2025_10"]["actors"]["russia"]
    assert set(actor) == {"predicted", "observed", "margin", "p_accept", "hit"}
    assert actor["observed"] == "reject"
    text = run("backtest", PUBLIC, "--draws", 20).output
    # per-region lines: by the regional utilities where the scenario values regions (issue 18);
    # recognition is a dimension of the history now (issue 17), no longer ignored
    assert "regional utilities" in text and "recognition ignored" not in text and "Summary:" in text


def test_the_backtest_attributes_the_figure_reads():
    b = backtest(PUBLIC, draws=10)
    assert b.p_accept.shape == b.observed.shape == (5, len(b.actors))
    us = b.actors.index("us")
    assert b.observed[4, us] == 0 and np.isnan(b.p_accept[4, us])  # not scored in Dec 2025
    assert set(np.unique(b.observed)) <= {-1, 0, 1}


def test_named_deals_are_evaluated_at_their_own_dates():
    """The baseline's dated deals on ``history``: each at its month, with that month's
    front; the undated freeze is left out; the same margins as a decision of the file."""
    from sim.backtest.decisions import deals_at_own_dates

    own = deals_at_own_dates("baseline", draws=50, seed=0)
    baseline = sim.load_scenario("baseline")
    dated = [k for k, d in baseline.model.deals.items() if d.date is not None]
    assert own.deal_ids == tuple(dated)
    assert "freeze_current_line" not in own.deal_ids
    i = own.deal_ids.index("plan_28_points")
    assert own.dates[i] == "2025-11"
    assert own.line_km2[i] == pytest.approx(baseline.get("deals.plan_28_points.line"))
    assert np.all((own.p_accept >= 0) & (own.p_accept <= 1))
    data = own.to_dict()
    assert set(data["deals"]["plan_28_points"]["actors"]) == set(baseline.actors)


def test_the_cli_reports_named_deals_at_their_own_dates():
    from typer.testing import CliRunner

    from sim.cli import app

    result = CliRunner().invoke(app, ["backtest", "--deals", "baseline", "--draws", "20"])
    assert result.exit_code == 0, result.output
    assert "at their own dates" in result.output
    assert "2025-11  28-point plan (Nov 2025)" in result.output
