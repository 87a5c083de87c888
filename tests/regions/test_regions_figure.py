"""The trade-off between two regions (issue 18): the plane's feasible part and the points."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import report
from sim.errors import ScenarioError
from sim.figures.regions import TradeoffPlane, tradeoff_figure


def test_the_figure_draws_the_feasible_part_and_the_points():
    x = np.linspace(0, 10, 21)
    y = np.linspace(0, 20, 41)
    xx, yy = np.meshgrid(x, y)
    surplus = np.stack([10 - xx - yy / 2, yy - 2.0])  # two veto players
    plane = TradeoffPlane(
        x=x * 1e3,
        y=y * 1e3,
        surplus=surplus,
        actors=("A", "B"),
        colors={"A": "#E69F00", "B": "#0072B2"},
        labels=("East", "South"),
        areas=(1e4, 2e4),
        now=(5e3, 5e3),
        points={"deal": (2e3, 3e3, True), "other": (9e3, 1e4, False)},
    )
    fig = tradeoff_figure(plane)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"A", "B", "deal", "other", "every veto player accepts"} <= set(labels)
    assert ax.get_xlabel().startswith("East")


def test_the_baseline_plane():
    fig = report.regions_figure(sim.load_scenario("baseline"), grid=41)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("28-point plan (Nov 2025)") for label in labels)
    assert any(label.startswith("Nash") for label in labels)
    assert fig.axes[0].get_xlabel().startswith("Donetsk")


def test_no_regions_no_plane():
    with pytest.raises(ScenarioError, match="no \\[regions\\] table"):
        report.regions_figure(sim.load_scenario("fearon"))
    with pytest.raises(ScenarioError, match="unknown region"):
        report.regions_figure(sim.load_scenario("baseline"), pair=("donetsk", "narnia"))


def test_a_sliver_of_a_zone_gets_a_magnified_inset():
    # The baseline's zone in the Donetsk-Zaporizhzhia plane is a sliver about 1,000 km2 wide:
    # the figure magnifies it, on a grid of its own that holds every feasible cell of the
    # coarse plane, and the inset is the only one of its kind.
    fig = report.regions_figure(sim.load_scenario("baseline"), grid=121)
    ax = fig.axes[0]
    [inset] = ax.child_axes
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    assert x1 - x0 < 0.3 * 26.517 and y1 - y0 < 0.3 * 27.180  # thousand km2
    # the zoomed plane shades something (its feasible part is drawn in the inset)
    assert inset.collections


def test_the_zoom_window_holds_the_feasible_cells_and_only_when_small():
    from sim.report import _zoom_window

    x, y = np.linspace(0, 1e4, 101), np.linspace(0, 2e4, 101)
    xx, yy = np.meshgrid(x, y)
    small = np.stack([np.where((abs(xx - 6e3) < 300) & (abs(yy - 5e3) < 500), 1.0, -1.0)])
    (wx0, wx1), (wy0, wy1) = _zoom_window(x, y, small, (1e4, 2e4))
    assert wx0 < 5.7e3 and wx1 > 6.3e3 and wy0 < 4.5e3 and wy1 > 5.5e3
    assert wx1 - wx0 < 3e3 and wy1 - wy0 < 6e3
    large = np.stack([np.where(xx < 5e3, 1.0, -1.0)])
    assert _zoom_window(x, y, large, (1e4, 2e4)) is None
    assert _zoom_window(x, y, -np.ones((1, 101, 101)), (1e4, 2e4)) is None
