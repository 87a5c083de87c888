"""The article set (``sim.report``): what the figures need, computed, checked on Fearon's case.

In ``models/fearon.toml`` two risk-neutral states split a unit issue: with
ideal points 1 and 0, weight 1 and curvature 1, ``u_A(l) = l`` and
``u_B(l) = 1 - l``; war is a lottery won by A with probability ``p = 0.5`` at
costs ``c_A = 0.1``, ``c_B = 0.2``, so the disagreement point is
``(p - c_A, 1 - p - c_B) = (0.4, 0.3)`` and the ZOPA is ``[0.4, 0.7]``
(Fearon 1995).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from matplotlib.colors import to_hex

import sim
from sim import report
from sim.errors import ResultsError
from sim.figures.style import ACTOR_PALETTE


@pytest.fixture(scope="module")
def fearon():
    return sim.load_scenario("fearon")


def test_line_utilities_are_fearons_linear_utilities(fearon):
    lines = np.linspace(0.0, 1.0, 11)
    utility = sim.engine.line_utilities(fearon, lines)
    np.testing.assert_allclose(utility["a"], lines, atol=1e-12)
    np.testing.assert_allclose(utility["b"], 1.0 - lines, atol=1e-12)


def test_frontier_disagreement_point_is_p_minus_costs(fearon):
    fig = report.frontier_figure(fearon)
    [point] = [line for line in fig.axes[0].lines if line.get_label() == "disagreement $d$"]
    assert point.get_xdata()[0] == pytest.approx(0.4)
    assert point.get_ydata()[0] == pytest.approx(0.3)


def test_zopa_figure_labels_the_axis_with_the_first_side(fearon):
    fig = report.zopa_figure(fearon)
    assert fig.axes[0].get_xlabel() == "Line: area held by State A (km²)"
    assert "ZOPA: 0.3 km² wide" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_phase_parameters_fall_back_to_ranged_ones(fearon):
    # Fearon's discount rates have no range; its first two ranged parameters are the costs.
    assert report.default_phase_parameters(fearon) == (
        "actors.a.terminal_cost",
        "actors.b.terminal_cost",
    )


def _fearon_with(tmp_path, extra_a: str, extra_b: str = "", tail: str = ""):
    """Fearon's file with lines added to ``[actors.a]``/``[actors.b]`` and at the end."""
    from sim.model.scenario import builtin_scenarios

    text = builtin_scenarios()["fearon"].read_text()
    text = text.replace('label = "State A"\n', f'label = "State A"\n{extra_a}\n', 1)
    text = text.replace('label = "State B"\n', f'label = "State B"\n{extra_b}\n', 1)
    path = tmp_path / "variant.toml"
    path.write_text(text + tail)
    return sim.load_scenario(str(path))


def test_an_actor_has_one_colour_in_every_figure(tmp_path):
    """Declared colours are kept; the others come from the figures' one palette, in actor order."""
    variant = _fearon_with(tmp_path, "", 'color = "#123456"')
    a, b = ACTOR_PALETTE[0].lower(), "#123456"
    frontier = report.frontier_figure(variant).axes[0]
    assert to_hex(frontier.spines["bottom"].get_edgecolor()) == a
    assert to_hex(frontier.spines["left"].get_edgecolor()) == b
    bands = {to_hex(p.get_facecolor()) for p in report.zopa_figure(variant).axes[0].patches}
    assert {a, b} <= bands
    lines = {to_hex(line.get_color()) for line in report.timeline_figure(variant).axes[0].lines}
    assert {a, b} <= lines


def test_phase_plane_is_the_war_sides_beliefs_when_both_have_a_range(tmp_path):
    bias = 'belief_drift_bias_km2 = { value = 0.0, range = [-0.1, 0.1], source = "test" }'
    rate = 'discount_rate = { value = 0.05, range = [0.01, 0.2], source = "test" }'
    both = _fearon_with(tmp_path, bias, bias)
    assert report.default_phase_parameters(both) == (
        "actors.a.belief_drift_bias_km2",
        "actors.b.belief_drift_bias_km2",
    )
    # One side's belief without a range: the next plane that both sides have.
    original = both.path.read_text()
    text = original.replace(bias, "", 1).replace(
        "discount_rate = { value = 0.05, source = \"any rate: with horizon 0 only the war's "
        'outcome counts" }',
        rate,
    )
    assert text.count(rate) == 2
    only_rates = tmp_path / "rates.toml"
    only_rates.write_text(text)
    assert report.default_phase_parameters(sim.load_scenario(str(only_rates))) == (
        "actors.a.discount_rate",
        "actors.b.discount_rate",
    )


def test_baseline_phase_plane_crosses_the_boundary_of_the_zopa():
    """The article's default plane must show where a ZOPA exists and where none does."""
    baseline = sim.load_scenario("baseline")
    x, y = report.default_phase_parameters(baseline)
    assert set(baseline.model.war.sides) == {x.split(".")[1], y.split(".")[1]}
    grid = report.phase_grid(baseline, x, y, points=7)
    exists = grid["zopa_exists"].values
    assert exists.any() and not exists.all()
    # The bounds that place the boundary agree with the existence flag.
    width = (grid["zopa_hi_km2"] - grid["zopa_lo_km2"]).values
    assert (width[exists] >= 0).all() and (width[~exists] < 0).all()


@pytest.mark.mpl_image_compare(tolerance=3, style="default", savefig_kwargs={"dpi": 150})
def test_image_article_phase_map():
    """The article's phase map of the baseline: its default plane, a coarse grid."""
    baseline = sim.load_scenario("baseline")
    x, y = report.default_phase_parameters(baseline)
    return report.phase_figure(report.phase_grid(baseline, x, y, points=21), baseline)


def test_parameter_labels_use_the_scenarios_words_and_units(tmp_path):
    variant = _fearon_with(
        tmp_path,
        'belief_drift_bias_km2 = { value = 0.0, source = "test" }\n'
        'escalation_cost = { value = 0.1, unit = "index", source = "test" }',
        tail="""
[dimensions.nato]
label = "NATO membership renounced"
no_deal = { value = 0.0, source = "test" }
setting = { value = 1.0, source = "test" }

[events.vote]
date = 2026-06-01
label = "the vote"
set."actors.b.discount_rate" = { value = 0.1, source = "test" }
""",
    )
    label = report.parameter_label
    assert label(variant, "actors.a.belief_drift_bias_km2") == (
        "State A: belief bias on the front (km²/month)"
    )
    assert label(variant, "actors.a.escalation_cost") == "State A: escalation cost (index)"
    assert label(variant, "actors.a.utility.line.weight") == "State A: weight on line"
    assert label(variant, "dimensions.nato.setting") == "deal term: NATO membership renounced"
    assert label(variant, "dimensions.nato.no_deal") == "no deal: NATO membership renounced"
    assert label(variant, "events.vote.set.actors.b.discount_rate") == (
        "State B: discount rate after the vote (per year)"
    )


def test_sampled_range_is_the_designs_bounds_when_known():
    values = xr.Dataset({"p": ("run", [0.2, 0.7])})
    assert report.sampled_range(values, "p") == (0.2, 0.7)
    values.attrs["problem"] = '{"names": ["p"], "bounds": [[0.0, 1.0]]}'
    assert report.sampled_range(values, "p") == (0.0, 1.0)


def test_phase_grid_width_is_the_sum_of_the_costs(fearon):
    """Fearon: the ZOPA [p - c_A, p + c_B] is c_A + c_B wide."""
    x, y = "actors.a.terminal_cost", "actors.b.terminal_cost"
    grid = report.phase_grid(fearon, x, y, points=4)
    assert grid["zopa_width_km2"].dims == (x, y)
    expected = grid[x].values[:, None] + grid[y].values[None, :]
    np.testing.assert_allclose(grid["zopa_width_km2"].values, expected, atol=1e-9)
    assert grid[x].attrs["long_name"] == "State A: terminal cost"


def test_parameter_labels_name_the_actor(fearon):
    assert report.parameter_label(fearon, "actors.b.discount_rate") == (
        "State B: discount rate (per year)"
    )
    assert report.parameter_label(fearon, "war.terminal.p") == "war terminal p"
    assert report.parameter_label(fearon, "war.capacity.a.gain_km2") == (
        "war capacity State A gain (km²)"
    )
    assert report.parameter_label(fearon, "dimensions.nato_path.setting") == (
        "deal term: nato path"
    )
    assert report.parameter_label(fearon, "games.rung_two.params.risk_cost") == (
        "game rung two: risk cost"
    )


def test_sweep_replications_are_averaged_for_the_phase_map():
    exists = np.array([[[True, False], [True, True]], [[False, False], [True, False]]])
    dataset = xr.Dataset(
        {
            "zopa_exists": (("x", "y", "replication"), exists),
            "zopa_width_km2": (("x", "y", "replication"), exists * 2.0),
        },
        coords={"x": [0.0, 1.0], "y": [0.0, 1.0]},
    )
    grid = report.phase_dataset_from_sweep(dataset)
    assert grid["zopa_exists"].values.tolist() == [[True, True], [False, True]]
    np.testing.assert_allclose(grid["zopa_width_km2"].values, [[1.0, 2.0], [0.0, 1.0]])


def test_a_dataset_without_outcomes_is_not_a_sweep():
    with pytest.raises(ResultsError, match="no zopa_exists, zopa_width_km2"):
        report.phase_dataset_from_sweep(xr.Dataset({"other": ("x", [1.0])}), "f.nc")


def test_selection_note_says_which_equilibrium_in_few_words():
    pure = np.array([1.0, 0.0])
    mixed = np.array([0.25, 0.75])
    described = SimpleNamespace(
        row_actions=("up", "down"),
        col_actions=("left", "right"),
        chosen=SimpleNamespace(row_mix=pure, col_mix=pure[::-1]),
        equilibria=[SimpleNamespace(row_mix=mixed, col_mix=mixed)],
    )
    assert report._selection_note(described, "R", "C", "rule") == "Selected (rule): up / right"
    described.chosen = SimpleNamespace(row_mix=mixed, col_mix=mixed)
    assert report._selection_note(described, "R", "C", "rule") == (
        "Selected (rule): the mixed equilibrium"
    )
    described.chosen = SimpleNamespace(row_mix=np.array([0.5, 0.5]), col_mix=mixed)
    assert "R: up 50%, down 50%" in report._selection_note(described, "R", "C", "rule")


def test_timeline_labels_an_actor_without_a_veto(tmp_path, monkeypatch):
    observer = _fearon_with(
        tmp_path,
        "",
        tail="""
[actors.c]
label = "Observer"
veto = []
discount_rate = { value = 0.05, source = "test" }
[actors.c.utility.line]
ideal = { value = 0.5, source = "test" }
weight = { value = 1.0, source = "test" }
""",
    )
    drawn = []
    monkeypatch.setattr(report, "ripeness_timeline", lambda timeline, **_: drawn.append(timeline))
    report.timeline_figure(observer)
    [timeline] = drawn
    assert timeline.actor_labels == {
        "a": "State A",
        "b": "State B",
        "c": "Observer (no veto)",
    }
