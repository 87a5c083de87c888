"""The ZOPA diagram: what it shows is what the SolveResult says."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from _figure_inputs import TOTAL_KM2, make_solve_result
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from sim.figures import zopa_diagram
from sim.figures.style import ACTOR_PALETTE, GREY_DARK

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_zopa_open(solve_result):
    return zopa_diagram(solve_result)


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_zopa_closed(closed_solve_result):
    return zopa_diagram(closed_solve_result)


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_zopa_two_columns(solve_result):
    return zopa_diagram(solve_result, width="two", line_label="Line")


def bars(fig, color: str) -> list[Rectangle]:
    ax = fig.axes[0]
    return [
        p
        for p in ax.patches
        if isinstance(p, Rectangle) and to_hex(p.get_facecolor(), keep_alpha=False) == color
    ]


def row_labels(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_yticklabels()]


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def test_rows_are_actors_zopa_solutions_deals_references(solve_result):
    assert row_labels(zopa_diagram(solve_result)) == [
        "North",
        "South",
        "Broker",
        "Funder (no veto)",
        "Patron (no veto)",
        "ZOPA: 20,000 km² wide",
        "Nash",
        "Kalai-Smorodinsky",
        "Rubinstein",
        "Unanimity bargaining",
        "Freeze at the contact line",
        "All claimed provinces",
        "Original borders",
        "Pre-war line",
        "Claimed provinces",
        "Status quo (2026-01)",
    ]


def test_zopa_bar_spans_the_zopa(solve_result):
    [bar] = bars(zopa_diagram(solve_result), GREY_DARK.lower())
    assert bar.get_x() == pytest.approx(110_000)
    assert bar.get_width() == pytest.approx(20_000)


def test_bands_span_acceptable_lines_clipped_to_the_axis(solve_result):
    fig = zopa_diagram(solve_result)
    x0, x1 = fig.axes[0].get_xlim()
    [north] = bars(fig, ACTOR_PALETTE[0].lower())
    [broker] = bars(fig, ACTOR_PALETTE[2].lower())
    # North accepts [110k, the whole territory]: the band runs off the right edge.
    assert north.get_x() == pytest.approx(110_000)
    assert north.get_x() + north.get_width() == pytest.approx(x1)
    assert x1 < TOTAL_KM2
    assert broker.get_x() == pytest.approx(60_000)
    assert broker.get_width() == pytest.approx(100_000)
    # The axis covers every reference line, deal and solution.
    assert x0 <= 0.0 and x1 >= 160_000


def test_actor_colours_fall_back_to_okabe_ito_in_actor_order(solve_result):
    fig = zopa_diagram(solve_result)
    for color in ACTOR_PALETTE[:5]:
        assert bars(fig, color.lower()), color


def test_scenario_colours_win(solve_result):
    result = dataclasses.replace(solve_result, actor_colors={"north": "#123456"})
    assert bars(zopa_diagram(result), "#123456")


def test_closed_zopa_names_the_gap_and_the_crossing_actors(closed_solve_result):
    fig = zopa_diagram(closed_solve_result)
    assert "No ZOPA: gap 15,000 km²\nNorth's minimum > South's maximum" in texts(fig)
    assert not bars(fig, GREY_DARK.lower())
    # No solution rows when every concept is NaN.
    assert "Nash" not in row_labels(fig)


def test_an_actor_accepting_nothing_says_so(closed_solve_result):
    fig = zopa_diagram(closed_solve_result)
    [text] = [t for t in fig.axes[0].texts if t.get_text() == "accepts no line"]
    assert to_hex(text.get_color()) == ACTOR_PALETTE[3].lower()


def test_an_actor_accepting_nothing_alone_closes_the_zopa():
    result = make_solve_result(open_zopa=False)
    zopa = dataclasses.replace(result.zopa, binding=("south",), gap_km2=float("inf"))
    fig = zopa_diagram(dataclasses.replace(result, zopa=zopa))
    assert "No ZOPA: South accepts no line" in texts(fig)


def test_rejected_deal_is_hollow_and_names_its_vetoes(solve_result):
    fig = zopa_diagram(solve_result)
    ax = fig.axes[0]
    diamonds = [line for line in ax.lines if line.get_marker() == "D"]
    faces = {float(line.get_xdata()[0]): line.get_markerfacecolor() for line in diamonds}
    assert faces == {116_000.0: "black", 135_000.0: "white"}
    assert "vetoed by South" in texts(fig)


def test_percent_axis_is_share_of_total(solve_result):
    fig = zopa_diagram(solve_result)
    ax = fig.axes[0]
    [secondary] = ax.child_axes
    fig.draw_without_rendering()
    x0, x1 = ax.get_xlim()
    np.testing.assert_allclose(secondary.get_xlim(), [100 * x0 / TOTAL_KM2, 100 * x1 / TOTAL_KM2])


def test_bad_width_is_refused(solve_result):
    with pytest.raises(ValueError, match="width must be 'one' or 'two'"):
        zopa_diagram(solve_result, width="three")


def test_a_veto_player_that_accepts_if_ratified_is_named_on_its_own_line(solve_result):
    """Issue 17: the note names the firm vetoes, then who accepts only if ratified; with a
    veto player that accepts, the note never says 'all veto players'."""
    deals = dict(solve_result.deals)
    claimed = dict(deals["claimed"])
    north = claimed["north"]
    claimed["north"] = dataclasses.replace(north, accepts=False, if_ratified=0.9)
    deals["claimed"] = claimed  # north: if ratified, south: no, broker: yes
    fig = zopa_diagram(dataclasses.replace(solve_result, deals=deals))
    assert "vetoed by South\nNorth: if ratified" in texts(fig)
    assert not any("all veto players" in t for t in texts(fig))
