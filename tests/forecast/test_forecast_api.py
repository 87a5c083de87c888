"""sim.forecast and ``ceasefire forecast``: reproducible seeds, the JSON contract, a
non-decreasing P(agreement by month), agreement with evaluate, errors exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.forecast import BLOCKERS, BlockerInputs, blocker_shares, forecast

runner = CliRunner()


@pytest.fixture(scope="module")
def history():
    return forecast("history", start="2024-07", by="2026-08", draws=30, seed=5)


def test_seeds_reproduce(history):
    again = forecast("history", start="2024-07", by="2026-08", draws=30, seed=5)
    assert again.to_dict() == history.to_dict()
    other = forecast("history", start="2024-07", by="2026-08", draws=30, seed=6)
    assert other.to_dict()["p_agreement_by_band"] != history.to_dict()["p_agreement_by_band"]


def test_p_agreement_by_is_non_decreasing_and_bounded(history):
    p = history.p_agreement_by
    assert np.all(np.diff(p) >= 0) and p[0] >= 0 and p[-1] <= 1
    lo, hi = history.p_band
    assert np.all(np.diff(lo) >= -1e-12) and np.all(lo <= hi)
    assert history.months[0] == "2024-07" and history.by == "2026-08"


def test_json_keys(history):
    d = history.to_dict()
    for key in ("months", "hazard", "p_agreement_by", "expected_delay_months", "blockers"):
        assert key in d
    assert set(d["line_if_agreed"]) == {"median_km2", "lo80_km2", "hi80_km2"}
    assert list(d["p_agreement_by"]) == d["months"] and len(d["hazard"]) == len(d["months"])
    assert {"no_zopa", "uncertainty"} <= set(d["blockers"])
    assert sum(d["blockers"].values()) == pytest.approx(1.0)
    assert d["sentence"].startswith("A ceasefire by Aug 2026 has probability")
    json.dumps(d, allow_nan=False)


def test_blockers_split_the_months_lost():
    # Two months without a zone, then one with a half chance: expected months without
    # agreement 1 + 1 + 0.5 = 2.5, of which the zone explains 2 and uncertainty 0.5.
    h = np.array([[0.0, 0.0, 0.5]])
    shares = blocker_shares(BlockerInputs(h, np.array([[False, False, True]])))
    assert shares["no_zopa"][0] == pytest.approx(2 / 2.5)
    assert shares["uncertainty"][0] == pytest.approx(0.5 / 2.5)
    assert set(BLOCKERS) >= {"no_zopa", "uncertainty"}


def test_evaluate_equals_forecast_set_by_set():
    from sim.engine import evaluate
    from sim.forecast import draw_parameters
    from sim.model.scenario import load_scenario

    s = load_scenario("baseline")
    f = forecast(s, draws=0)
    out = evaluate(s)
    assert out["p_agreement_12m"][0] == pytest.approx(f.p_agreement_by[11], abs=1e-10)
    assert out["expected_delay_months"][0] == pytest.approx(f.expected_delay_months, abs=1e-10)
    params = draw_parameters(s, 6, seed=2)
    out = evaluate(s, params)
    for k in range(7):
        one = {p: v[k] for p, v in params.items()}
        fk = forecast(s.with_params(one), draws=0)
        assert out["p_agreement_12m"][k] == pytest.approx(fk.p_agreement_by[11], abs=1e-9)
        assert out["expected_delay_months"][k] == pytest.approx(fk.expected_delay_months, abs=1e-9)


def test_cli_json_and_words():
    result = runner.invoke(
        app, ["forecast", "history", "--start", "2024-07", "--draws", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["start"] == "2024-07" and data["draws"] == 5
    result = runner.invoke(app, ["forecast", "history", "--draws", "0", "--by", "2025-06"])
    assert result.exit_code == 0, result.output
    assert "A ceasefire by Jun 2025 has probability" in result.output


@pytest.mark.parametrize(
    "args,words",
    [
        (["nosuch"], "no such scenario"),
        (["history", "--start", "2023-01"], "--start"),
        (["history", "--start", "2025-13"], "--start"),
        (["history", "--draws", "-3"], "--draws"),
        (["history", "--start", "2025-06", "--by", "2025-01"], "--by"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(args, words):
    result = runner.invoke(app, ["forecast", *args])
    assert result.exit_code == 2
    assert words in result.output and result.output.count("\n") == 1


def test_timeline_json_has_the_hazard():
    result = runner.invoke(app, ["timeline", "history", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    f = forecast("history", draws=0)
    assert data["hazard"] == pytest.approx(list(f.hazard), abs=1e-12)
    assert len(data["hazard"]) == len(data["months"])


def test_evaluate_without_the_forecast_leaves_every_other_outcome_as_it_is():
    from sim.engine import evaluate
    from sim.forecast import draw_parameters
    from sim.model.scenario import load_scenario

    s = load_scenario("baseline")
    params = draw_parameters(s, 30, seed=5)
    full = evaluate(s, params)
    lean = evaluate(s, params, forecast=False)
    assert set(full) - set(lean) == {"p_agreement_12m", "expected_delay_months"}
    for key, values in lean.items():
        np.testing.assert_array_equal(values, full[key], err_msg=key)
