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
