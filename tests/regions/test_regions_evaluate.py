"""The per-region outcomes of ``sim.evaluate(..., regions=True)`` (issue 18, item 3): set by
set equal to what ``solve`` reports for the same set (the batched path rebuilds the fronts,
the values, the anchoring and the red lines on its own; ``solve`` reads them one set at a
time), the sections against brute force on a grid, and nothing else moves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine import Paths, compute, game_effects, reservations
from sim.errors import ScenarioError
from sim.model.batch import build_batch, game_configs
from sim.model.scenario import load_scenario
from sim.regions import (
    anchored_problem,
    batched_margins,
    batched_problem,
    deal_bases,
    fronts_at,
    neutral_path,
    outcome_names,
    solve_regions,
)

#: Parameter sets that move the war path, the fronts per region and the values per region.
SETS = {
    "war.drift_scale_km2": np.array([1.0, 0.6, 1.5, 1.2]),
    "regions.front.donetsk.allocation": np.array([0.7767, 0.9, 0.4, 0.7767]),
    "regions.values.ukraine.donetsk.weight": np.array([1.5, 1.0, 3.0, 2.0]),
    "regions.values.russia.zaporizhzhia.weight": np.array([1.2, 2.0, 0.8, 1.2]),
}


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


def _set(scenario, i: int):
    base = scenario.get("war.drift_scale_km2")
    values = {k: float(v[i]) for k, v in SETS.items()}
    values["war.drift_scale_km2"] = base * values["war.drift_scale_km2"]
    return values


def _params(scenario):
    out = {k: np.array(v, dtype=float) for k, v in SETS.items()}
    out["war.drift_scale_km2"] = scenario.get("war.drift_scale_km2") * out["war.drift_scale_km2"]
    return out


@pytest.mark.parametrize("month", [0, 14])
def test_evaluate_equals_solve_set_by_set(baseline, month):
    got = sim.evaluate(baseline, _params(baseline), month=month, forecast=False, regions=True)
    n = len(next(iter(SETS.values())))
    for i in range(n):
        one = baseline.with_params(_set(baseline, i))
        comp = compute(one, month=month)
        res = solve_regions(one, comp, month)
        z = res.zone
        for r, key in enumerate(res.regions):
            np.testing.assert_allclose(
                got[f"region_{key}_km2"][i], res.status_quo_km2[r], rtol=1e-12, atol=1e-9
            )
            for side, want in (("lo", z.section_lo[r]), ("hi", z.section_hi[r])):
                np.testing.assert_allclose(
                    got[f"region_{key}_section_{side}_km2"][i],
                    want,
                    rtol=1e-10,
                    atol=1e-7,
                    err_msg=f"set {i} month {month} {key} {side}",
                )
        assert {f"line_{k}_ok" for k in res.lines} <= set(got)  # the 28-point plan's too
        for key, verdict in res.lines.items():
            assert bool(got[f"line_{key}_ok"][i]) == verdict.passes, (i, key)
        # the regions sum to the war path's total line (the share-out)
        total = sum(got[f"region_{k}_km2"][i] for k in res.regions)
        np.testing.assert_allclose(total, comp.line[0, month], rtol=1e-10)


def test_the_sets_differ(baseline):
    """The sets above are not one set four times: the fronts and the sections move (at
    month 0: by month 14 the zone has closed in every set since the guarantors' support)."""
    got = sim.evaluate(baseline, _params(baseline), month=14, forecast=False, regions=True)
    assert np.ptp(got["region_donetsk_km2"]) > 100.0
    got = sim.evaluate(baseline, _params(baseline), month=0, forecast=False, regions=True)
    assert np.ptp(np.nan_to_num(got["region_donetsk_section_hi_km2"])) > 1.0


def test_sections_against_a_grid(baseline):
    """Each region's range with the others at the no-deal line, by brute force: every
    veto player's anchored surplus on a grid of 20,001 lines in the region, and the hard
    red lines."""
    _grid_check(baseline, {}, 0)


@settings(max_examples=6, deadline=None)
@given(
    ua=st.floats(0.5, 3.0),
    ru=st.floats(0.5, 3.0),
    curv=st.floats(1.0, 3.0),
    drift=st.floats(3000.0, 9000.0),
    month=st.integers(0, 24),
)
def test_sections_against_a_grid_for_any_set(ua, ru, curv, drift, month):
    """The same, for a drawn set (values per region, the war's drift, the month)."""
    values = {
        "regions.values.ukraine.donetsk.weight": ua,
        "regions.values.russia.zaporizhzhia.weight": ru,
        "regions.values.ukraine.donetsk.curvature": curv,
        "war.drift_scale_km2": drift,
    }
    _grid_check(load_scenario("baseline"), values, month)


def _grid_check(baseline, values: dict, month: int):
    got = sim.evaluate(
        baseline, {k: [v] for k, v in values.items()}, month=month, forecast=False, regions=True
    )
    one = baseline.with_params(values) if values else baseline
    comp = compute(one, month=month)
    problem, status_quo = anchored_problem(one, comp, month)
    veto = problem.veto
    for r, key in enumerate(problem.values.regions):
        area = problem.values.area[r]
        grid = np.linspace(0.0, area, 20_001)
        lines = np.repeat(status_quo[None, :], grid.size, axis=0)
        lines[:, r] = grid
        ok = np.all((problem.surplus(lines) >= 0) | ~veto, axis=-1)
        if problem.floor is not None:
            ok &= (lines[:, r] >= problem.floor[r] - 1e-9) & (lines[:, r] <= problem.cap[r])
        lo, hi = got[f"region_{key}_section_lo_km2"][0], got[f"region_{key}_section_hi_km2"][0]
        step = area / 20_000
        if not ok.any():
            assert np.isnan(lo) and np.isnan(hi), key
            continue
        assert abs(grid[ok].min() - lo) <= step + 1e-9, key
        assert abs(grid[ok].max() - hi) <= step + 1e-9, key


def test_regions_off_changes_nothing(baseline):
    params = _params(baseline)
    off = sim.evaluate(baseline, params, month=3, forecast=False)
    on = sim.evaluate(baseline, params, month=3, forecast=False, regions=True)
    assert set(on) - set(off) == set(outcome_names(baseline))
    for k, v in off.items():
        np.testing.assert_array_equal(on[k], v, err_msg=k)
    assert not any(k.startswith(("region_", "line_")) for k in off)


def test_no_regions_table_is_refused():
    with pytest.raises(ScenarioError, match="no \\[regions\\] table"):
        sim.evaluate("fearon", {}, regions=True)


def test_monte_carlo_reads_the_mean_field_front(baseline):
    """Under Monte Carlo the fronts are those of the mean-field path (as ``solve``'s)."""
    params = _params(baseline)
    plain = sim.evaluate(baseline, params, month=5, forecast=False, regions=True)
    drawn = sim.evaluate(baseline, params, month=5, paths=20, seed=1, forecast=False, regions=True)
    for key in baseline.model.territory.regions:
        np.testing.assert_allclose(
            drawn[f"region_{key}_km2"], plain[f"region_{key}_km2"], rtol=1e-12
        )


def test_timeline_series_equal_solve_month_by_month(baseline):
    """``timeline``'s per-region series at a month equal ``solve``'s tables there."""
    tl = sim.timeline(baseline)
    for month in (0, 9):
        res = solve_regions(baseline, compute(baseline, month=month), month)
        for r, key in enumerate(res.regions):
            np.testing.assert_allclose(tl.regions_km2[key][month], res.status_quo_km2[r])
            sec = tl.region_sections[key]
            np.testing.assert_allclose(sec["lo_km2"][month], res.zone.section_lo[r], rtol=1e-10)
            np.testing.assert_allclose(sec["hi_km2"][month], res.zone.section_hi[r], rtol=1e-10)
        for key, verdict in res.lines.items():
            if key in tl.regional_lines_ok:
                assert bool(tl.regional_lines_ok[key][month]) == verdict.passes, (month, key)
    d = tl.to_dict()
    assert len(d["region_sections"]["donetsk"]["hi_km2"]) == len(tl.months)
    assert set(d["regional_lines_ok"]) == set(baseline.model.regions.lines)


def test_named_lines_margins_equal_solve(baseline):
    """Every actor's margin on every named regional line (the 28-point plan's with its
    deal's terms) equals ``solve``'s, set by set: the verdicts are not only both False."""
    params, month = _params(baseline), 2
    batch = build_batch(baseline, params, with_deals=False)
    effects = game_effects(game_configs(baseline, params), baseline.name)
    comp = reservations(batch, effects, Paths(), neutral=False)
    line, drift, season = neutral_path(comp, month)
    status_quo = fronts_at(baseline, line, drift, season, month, params)
    problem = batched_problem(baseline, comp, month, status_quo, line[:, month], params)
    deals = deal_bases(baseline, comp, month, problem, line[:, month], params)
    got = batched_margins(baseline, problem, deals)
    assert set(got) == set(baseline.model.regions.lines)
    for i in range(len(next(iter(SETS.values())))):
        one = baseline.with_params(_set(baseline, i))
        res = solve_regions(one, compute(one, month=month), month)
        for key, verdict in res.lines.items():
            want = np.array([verdict.margin[a] for a in baseline.actors])
            np.testing.assert_allclose(got[key][1][i], want, rtol=1e-9, atol=1e-12, err_msg=key)
            np.testing.assert_allclose(got[key][0][i], verdict.km2, rtol=1e-12)
