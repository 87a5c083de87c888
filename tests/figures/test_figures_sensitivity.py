"""Sensitivity bars (Sobol, Morris) and discovery figures (PRIM trade-off, box ranges)."""

from __future__ import annotations

import numpy as np
import pytest
from _figure_inputs import PARAMETERS, make_sobol
from matplotlib.patches import Rectangle

from sim.figures import (
    MorrisValues,
    SobolValues,
    morris_bars,
    prim_box_ranges,
    prim_tradeoff,
    sobol_bars,
)

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_sensitivity_sobol():
    return sobol_bars(PARAMETERS, SobolValues(**make_sobol()), outcome="ZOPA width")


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_discovery_prim_tradeoff():
    coverage = np.linspace(1.0, 0.3, 15)
    density = 0.4 + 0.6 * np.sqrt((1 - coverage) / 0.7)
    dims = [0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4]
    return prim_tradeoff(coverage, density, chosen=9, restricted_dims=dims)


def bar_widths(fig, label: str) -> np.ndarray:
    ax = fig.axes[0]
    [container] = [c for c in ax.containers if c.get_label() == label]
    return np.array([bar.get_width() for bar in container])


def test_sobol_parameters_are_sorted_by_total_index():
    sobol = make_sobol()
    fig = sobol_bars(PARAMETERS, SobolValues(**sobol))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [
        "North discount rate",
        "South war cost",
        "Front drift",
        "Broker deadline",
    ]
    np.testing.assert_allclose(bar_widths(fig, "total $S_T$"), [0.55, 0.30, 0.12, 0.10])
    np.testing.assert_allclose(bar_widths(fig, "first order $S_1$"), [0.40, 0.20, 0.10, 0.05])


def test_sobol_error_bars_are_the_confidence_half_widths():
    fig = sobol_bars(PARAMETERS, SobolValues(**make_sobol()))
    ax = fig.axes[0]
    [container] = [c for c in ax.containers if c.get_label() == "total $S_T$"]
    segments = container.errorbar.lines[2][0].get_segments()
    half_widths = [0.5 * (s[1, 0] - s[0, 0]) for s in segments]
    np.testing.assert_allclose(half_widths, [0.06, 0.05, 0.03, 0.04])


def test_morris_sorted_by_mu_star_with_sigma_beside():
    fig = morris_bars(
        ["a", "b", "c"], MorrisValues([1.0, 3.0, 2.0], [0.1, 0.2, 0.3], [5.0, 0.5, 1.0])
    )
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["b", "c", "a"]
    np.testing.assert_allclose(bar_widths(fig, "spread σ"), [0.5, 1.0, 5.0])


def test_top_keeps_the_largest_and_says_how_many_are_left_out():
    fig = sobol_bars(PARAMETERS, SobolValues(**make_sobol()), top=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["North discount rate", "South war cost"]
    assert "(2 smaller ones not shown)" in ax.get_xlabel()
    with pytest.raises(ValueError, match="top must be at least 1"):
        sobol_bars(PARAMETERS, SobolValues(**make_sobol()), top=0)


def test_mismatched_lengths_are_refused():
    sobol = make_sobol()
    sobol["ST_conf"] = sobol["ST_conf"][:2]
    with pytest.raises(ValueError, match="ST_conf has 2 values but there are 4"):
        sobol_bars(PARAMETERS, SobolValues(**sobol))


def test_chosen_box_is_ringed_and_annotated():
    fig = prim_tradeoff([1.0, 0.8, 0.5], [0.3, 0.6, 0.9], chosen=1)
    ax = fig.axes[0]
    ring = ax.collections[-1]
    np.testing.assert_allclose(ring.get_offsets(), [[0.8, 0.6]])
    assert "coverage 0.80\ndensity 0.60" in ax.texts[0].get_text()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coverage": [1.0], "density": [0.2, 0.3], "chosen": 0}, "equally long"),
        ({"coverage": [1.0, 0.5], "density": [0.2, 0.3], "chosen": 5}, "not a box index"),
        (
            {"coverage": [1.0], "density": [0.2], "chosen": 0, "restricted_dims": [0, 1]},
            "restricted_dims has 2 values",
        ),
    ],
)
def test_bad_trajectories_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        prim_tradeoff(**kwargs)


def test_box_ranges_are_drawn_on_the_unit_scale_of_each_full_range():
    fig = prim_box_ranges(["r", "c"], [0.0, 10.0], [0.2, 30.0], [0.05, 10.0], [0.1, 20.0])
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)][2:]
    np.testing.assert_allclose([b.get_x() for b in boxes], [0.25, 0.0])
    np.testing.assert_allclose([b.get_width() for b in boxes], [0.25, 0.5])
    # The limit PRIM left at the sampled end (c >= 10) gets no number.
    assert [t.get_text() for t in ax.texts] == ["≥ 0.05", "≤ 0.1", "≤ 20"]
    # Each row ends with its sampled range in the parameter's units.
    [ranges] = ax.child_axes
    assert [t.get_text() for t in ranges.get_yticklabels()] == ["0 to 0.2", "10 to 30"]


def test_box_ranges_need_an_increasing_full_range():
    with pytest.raises(ValueError, match=r"upper > lower, not so for \['c'\]"):
        prim_box_ranges(["r", "c"], [0.0, 1.0], [1.0, 1.0], [0.0, 1.0], [1.0, 1.0])


def test_long_labels_wrap_but_keep_their_unit_whole():
    from sim.figures._axes import wrap_label

    wrapped = wrap_label("Russia: discount rate (per year)", 28)
    assert wrapped.splitlines() == ["Russia: discount rate", "(per\u00a0year)"]
    # A unit longer than the line overflows rather than being cut inside.
    assert wrap_label("x (bn USD/month per month of pause)", 10).splitlines()[-1] == (
        "(bn\u00a0USD/month\u00a0per\u00a0month\u00a0of\u00a0pause)"
    )
