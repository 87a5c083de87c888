"""The front out of sample: no look-ahead, the baselines and the RMSE by hand, the JSON keys."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.backtest.front import (
    FrontBacktest,
    fit_losses,
    front_backtest,
    held_inputs,
    model_paths,
    persistence,
    read_observed,
    read_regional,
    rebase,
    rmse,
    trend,
)
from sim.errors import ParameterError
from sim.model.scenario import load_scenario


@pytest.fixture(scope="module")
def short():
    """Two origins, three months ahead: quick."""
    return front_backtest("history_2024", origins=("2025-03", "2025-04"), horizon=3)


# -- the pieces by hand ------------------------------------------------------------


def test_persistence_repeats_the_origin():
    assert persistence(5.0, 3).tolist() == [5.0, 5.0, 5.0]


def test_trend_by_hand():
    # x = 0..3, y = 0, 3, 3, 6: slope = sum((x - 1.5)(y - 3)) / sum((x - 1.5)^2) = 9 / 5
    assert trend([0.0, 3.0, 3.0, 6.0], 2) == pytest.approx([6.0 + 1.8, 6.0 + 3.6])
    assert trend([10.0, 12.0, 14.0, 16.0], 3) == pytest.approx([18.0, 20.0, 22.0])
    # a missing month is left out of the slope: x = 0, 2, 3 and y = 10, 14, 16 give
    # sum(dx dy) / sum(dx^2) = (84 / 9) / (42 / 9) = 2
    assert trend([10.0, np.nan, 14.0, 16.0], 1) == pytest.approx([18.0])
    with pytest.raises(ParameterError):
        trend([1.0, np.nan], 1)


def test_rebase_starts_from_the_observed_line():
    path = np.array([0.0, 10.0, 30.0, 60.0])
    out = rebase(path, 1, 100.0, 3)
    assert out[:2].tolist() == [120.0, 150.0]
    assert np.isnan(out[2])  # past the path's end


def test_rmse_by_hand_skips_missing_pairs():
    forecast = np.array([[1.0, 2.0], [3.0, np.nan]])
    target = np.zeros((2, 2))
    assert float(rmse(forecast, target)) == pytest.approx(np.sqrt((1 + 4 + 9) / 3))
    assert rmse(forecast, target, axis=0) == pytest.approx([np.sqrt(5), 2.0])


def test_fit_losses_read_nothing_after_the_origin():
    paths = np.array([[0.0, 1.0, 2.0, 99.0], [0.0, 2.0, 2.0, -99.0]])
    observed = np.array([0.0, 1.0, np.nan, 5.0])
    assert fit_losses(paths, observed, 2).tolist() == [0.0, 1.0]
    observed[3] = 1e9
    assert fit_losses(paths, observed, 2).tolist() == [0.0, 1.0]


def _tiny(target, model, pers, trnd, held=None) -> FrontBacktest:
    arr = [np.array(a, dtype=float) for a in (target, model, pers, trnd)]
    return FrontBacktest(
        scenario="tiny",
        months=("2025-01", "2025-02", "2025-03"),
        observed_km2=np.zeros(3),
        origins=("2025-01", "2025-02"),
        origin_index=(0, 1),
        horizon=2,
        model_km2=arr[1],
        held_km2=arr[1] if held is None else np.array(held, float),
        persistence_km2=arr[2],
        trend_km2=arr[3],
        target_km2=arr[0],
        drift_scale_km2=np.array([1.0, 2.0]),
        stalemate_share=np.array([0.6, 0.65]),
        fit_rmse_km2=np.array([0.0, 0.0]),
        fit_months=np.array([2, 3]),
        fitted_paths_km2=np.zeros((2, 3)),
    )


def test_result_rmse_by_hand_on_the_same_pairs():
    result = _tiny(
        target=[[10.0, 20.0], [30.0, np.nan]],
        model=[[11.0, 22.0], [33.0, 44.0]],
        pers=[[10.0, 10.0], [20.0, 20.0]],
        trnd=[[12.0, 16.0], [30.0, 30.0]],
    )
    total = result.rmse()
    assert total["model"] == pytest.approx(np.sqrt((1 + 4 + 9) / 3))
    assert total["persistence"] == pytest.approx(np.sqrt((0 + 100 + 100) / 3))
    assert total["trend"] == pytest.approx(np.sqrt((4 + 16 + 0) / 3))
    assert result.pairs() == 3
    by_lead = result.rmse(by_lead=True)
    assert by_lead["model"] == pytest.approx([np.sqrt((1 + 9) / 2), 2.0])


# -- the back-test on the scenario ---------------------------------------------------


def test_the_fit_does_not_move_when_later_data_change(short):
    observed = read_observed()
    changed = {m: (v + 5000.0 if m > "2025-03" else v) for m, v in observed.items()}
    other = front_backtest("history_2024", origins=("2025-03",), horizon=3, observed=changed)
    assert other.drift_scale_km2[0] == short.drift_scale_km2[0]
    assert other.stalemate_share[0] == short.stalemate_share[0]
    np.testing.assert_array_equal(other.model_km2[0], short.model_km2[0])
    np.testing.assert_array_equal(other.trend_km2[0], short.trend_km2[0])
    # only the targets moved
    np.testing.assert_allclose(other.target_km2[0], short.target_km2[0] + 5000.0)


def test_the_path_up_to_an_origin_ignores_later_inputs():
    scenario = load_scenario("history_2024")
    origin = scenario.month_index("2025-06")
    full = model_paths(scenario, np.array([4000.0]), np.array([0.63]))
    held = model_paths(held_inputs(scenario, origin), np.array([4000.0]), np.array([0.63]))
    np.testing.assert_array_equal(full[0, : origin + 1], held[0, : origin + 1])
    assert not np.allclose(full[0], held[0])  # PURL (2025-08) and oil (2026) come later


def test_runs_reproduce(short):
    again = front_backtest("history_2024", origins=("2025-03", "2025-04"), horizon=3)
    assert again.to_dict() == short.to_dict()
    np.testing.assert_array_equal(again.model_km2, short.model_km2)


def test_forecasts_start_from_the_observed_origin(short):
    for n, o in enumerate(short.origin_index):
        level = short.observed_km2[o]
        assert short.persistence_km2[n].tolist() == [level] * 3
        fitted = short.fitted_paths_km2[n]
        assert short.model_km2[n, 0] == pytest.approx(level + fitted[o + 1] - fitted[o])


def test_the_fit_follows_the_observed_line(short):
    # the fitted path's in-sample error is that of the best point of the grid
    assert (short.fit_rmse_km2 < 400).all()
    assert short.fit_months.tolist() == [8, 9]


def test_conditional_only_when_a_later_input_enters_the_window(short):
    assert not short.conditional_on_observed_inputs  # no war input in 2025-04 .. 2025-07
    # PURL (2025-08) moves the line from 2025-09 on: not in a window ending in 2025-08
    edge = front_backtest("history_2024", origins=("2025-04",), horizon=4)
    assert not edge.conditional_on_observed_inputs
    late = front_backtest("history_2024", origins=("2025-07",), horizon=2)
    assert late.conditional_on_observed_inputs
    assert late.inputs_after_origin == ("PURL deliveries start (2025-08)",)
    assert any("Conditional on observed inputs" in line for line in late.lines())
    assert not any("Conditional on observed inputs" in line for line in short.lines())


def test_json_keys(short):
    out = json.loads(json.dumps(short.to_dict()))
    front = out["front"]
    assert set(front["total"]) >= {"model_rmse_km2", "persistence_rmse_km2", "trend_rmse_km2"}
    regions = front["regions"]
    assert {"donetsk", "zaporizhzhia", "kherson", "summed"} <= set(regions)
    assert set(regions["donetsk"]) >= {
        "model_rmse_km2",
        "persistence_rmse_km2",
        "trend_rmse_km2",
        "fits",
    }
    assert set(regions["donetsk"]["fits"]["2025-03"]) >= {"allocation", "offset_km2"}
    assert front["conditional_on_observed_inputs"] is False
    assert list(front["fits"]) == ["2025-03", "2025-04"]
    assert set(front["fits"]["2025-03"]) >= {"drift_scale_km2", "stalemate_share"}
    assert len(front["total"]["by_lead"]["model_rmse_km2"]) == 3


def test_lines_are_a_table(short):
    lines = short.lines()
    assert lines[0].startswith("The front out of sample (history_2024)")
    assert any(line.split()[:1] == ["3"] for line in lines)  # the lead-3 row
    assert any(line.startswith("Per region") for line in lines)
    assert any(line.split()[:1] == ["donetsk"] for line in lines)
    assert "The regions' forecasts summed" in lines[-1]


def test_bad_origins():
    with pytest.raises(ParameterError):
        front_backtest("history_2024", origins=("2024-08",), horizon=1)
    with pytest.raises(ParameterError):
        front_backtest("history_2024", origins=("2030-01",), horizon=1)
    with pytest.raises(ParameterError):
        front_backtest("history_2024", horizon=0)


# -- per region (issue 18) -----------------------------------------------------------


def test_regional_fit_does_not_move_when_later_regional_data_change(short):
    regional = read_regional()
    changed = {
        r: {m: ((v[0] + 500.0, v[1]) if m > "2025-03" else v) for m, v in months.items()}
        for r, months in regional.items()
    }
    other = front_backtest("history_2024", origins=("2025-03",), horizon=3, regional=changed)
    a, b = other.regional, short.regional
    np.testing.assert_array_equal(a.allocation[0], b.allocation[0])
    np.testing.assert_array_equal(a.offset_km2[0], b.offset_km2[0])
    np.testing.assert_array_equal(a.model_km2[:, 0], b.model_km2[:, 0])
    np.testing.assert_allclose(a.target_km2[:, 0], b.target_km2[:, 0] + 500.0)


def test_regional_forecasts_start_from_each_regions_observed_line(short):
    rb = short.regional
    regional = read_regional()
    for r, region in enumerate(rb.regions):
        for n, origin in enumerate(short.origins):
            level = regional[region][origin][0]
            assert rb.persistence_km2[r, n].tolist() == [level] * short.horizon
    # a region whose series never moves is forecast not to move (allocation and offset 0)
    crimea = rb.regions.index("crimea")
    assert np.all(rb.allocation[:, crimea] == 0) and np.all(rb.offset_km2[:, crimea] == 0)
    np.testing.assert_array_equal(rb.model_km2[crimea], rb.persistence_km2[crimea])


def test_regional_forecasts_stay_within_the_regions(short):
    rb = short.regional
    regional = read_regional()
    area = np.array([max(a for _, a in regional[r].values()) for r in rb.regions])
    assert np.all(rb.model_km2 >= 0)
    assert np.all(rb.model_km2 <= area[:, None, None] + 1e-9)


def test_regional_rmse_by_hand(short):
    rb = short.regional
    r = rb.regions.index("donetsk")
    err = rb.model_km2[r] - rb.target_km2[r]
    ok = np.isfinite(err)
    assert rb.rmse(r)["model"] == pytest.approx(np.sqrt((err[ok] ** 2).mean()))
    # the summed forecast adds the regions' increments (scaled) to the observed total
    n = 0
    o = short.origin_index[n]
    obs = short.observed_km2[o]
    levels = rb.persistence_km2[:, n, 0]
    ratio = obs / levels.sum()
    expect = obs + ratio * (rb.model_km2[:, n] - levels[:, None]).sum(0)
    np.testing.assert_allclose(rb.summed_km2[n], expect)


def test_regional_backtest_on_history_is_scored_against_both_baselines():
    """The headline numbers of issue 18 exist and the summed regions stay near the total fit."""
    fb = front_backtest("history")
    rb = fb.regional
    total = fb.rmse()["model"]
    summed = rb.summed_rmse()["model"]
    assert abs(summed - total) < 0.1 * total  # the sum stays within today's fit
    donetsk = rb.rmse(rb.regions.index("donetsk"))
    assert donetsk["model"] < donetsk["persistence"]
