"""Sweeps over the per-region outcomes (issue 18, item 3): ``ceasefire sweep --regions``,
``run_sweep`` with :func:`sim.sweep.runner.evaluate_with`, PRIM and sensitivity on a
region's outcome."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.regions import outcome_names
from sim.results import describe_regional, is_regional
from sim.sweep import build_spec, discover, open_results, run_sweep
from sim.sweep.runner import evaluate_with
from sim.sweep.store import default_outcomes

W_UA = "regions.values.ukraine.donetsk.weight"
DRIFT = "war.drift_scale_km2"


@pytest.fixture(scope="module")
def baseline():
    return sim.load_scenario("baseline")


@pytest.fixture(scope="module")
def swept(baseline):
    spec = build_spec(
        baseline,
        [f"{W_UA}=linspace(0.5,3,4)", f"{DRIFT}=linspace(3000,9000,5)"],
        month=3,
        chunk_size=7,
    )
    evaluate, outcomes = evaluate_with(baseline, forecast=False, regions=True)
    return run_sweep(baseline, spec, evaluate=evaluate, outcomes=outcomes, progress=False)


def test_the_sweep_stores_every_regional_outcome_point_by_point(baseline, swept):
    data = swept.dataset
    names = outcome_names(baseline)
    assert set(names) <= set(data.data_vars)
    assert data["line_freeze_everywhere_ok"].dtype == bool
    for w in data[W_UA].values[::3]:
        for d in data[DRIFT].values[::2]:
            alone = sim.evaluate(
                baseline, {W_UA: [w], DRIFT: [d]}, month=3, forecast=False, regions=True
            )
            point = data.sel({W_UA: w, DRIFT: d})
            for name in names:
                np.testing.assert_array_equal(point[name].values, alone[name][0], err_msg=name)
    assert data["region_donetsk_km2"].attrs["description"] == describe_regional(
        "region_donetsk_km2"
    )


def test_prim_boxes_a_regions_range(swept):
    """'Under which assumptions does Donetsk's range reach above X?'"""
    values = swept.dataset["region_donetsk_section_hi_km2"].values
    x = float(np.nanmedian(values))
    found = discover(swept.dataset, outcome="region_donetsk_section_hi_km2", above=x)
    assert found.cases == int(np.sum(values > x)) > 0  # NaN (no range) is not a case
    assert found.condition == f"region_donetsk_section_hi_km2 > {x:g}"
    assert found.box.coverage > 0


def test_names_and_dtypes():
    assert is_regional("region_donetsk_section_lo_km2") and is_regional("line_x_ok")
    assert not is_regional("zopa_lo_km2") and not is_regional("reservation_us")
    assert "donetsk" in describe_regional("region_donetsk_section_hi_km2")
    assert describe_regional("nash_km2") is None


def test_default_outcomes_without_regions_are_unchanged(baseline):
    plain = default_outcomes(baseline)
    assert not any(is_regional(k) for k in plain)
    with_regions = default_outcomes(baseline, regions=True)
    assert set(with_regions) - set(plain) == set(outcome_names(baseline))


def test_cli_sweep_regions(baseline, tmp_path):
    out = tmp_path / "r.nc"
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            "baseline",
            "-p",
            f"{W_UA}=0.5,2",
            "--no-forecast",
            "--regions",
            "--out",
            str(out),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    data = open_results(out)
    assert "region_donetsk_section_hi_km2" in data.data_vars
    assert "--regions" in data.attrs["command"]


def test_sensitivity_of_a_regions_front(baseline):
    """Asked about a region's outcome, ``sensitivity`` evaluates with the regions on: the
    Donetsk front reads its allocation, not the values per region (a known answer: the
    weight's total index is 0, the allocation's 1)."""
    from sim.sweep import sensitivity

    found = sensitivity(
        baseline,
        [
            "regions.front.donetsk.allocation=uniform(0.4,1.0)",
            f"{W_UA}=uniform(0.5,3)",
        ],
        16,
        outcomes=("region_donetsk_km2",),
        month=6,
        progress=False,
        num_resamples=50,
    )
    idx = found.indices["region_donetsk_km2"]
    np.testing.assert_allclose(idx.ST[1], 0.0, atol=1e-12)
    np.testing.assert_allclose(idx.ST[0], 1.0, atol=0.05)
