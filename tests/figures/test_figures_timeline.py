"""The ripeness timeline: bounds, windows, the path and the events where the Timeline puts them."""

from __future__ import annotations

import dataclasses

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import FillBetweenPolyCollection
from matplotlib.patches import Rectangle

from sim.figures import ripeness_timeline
from sim.figures.timeline import month_dates

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_timeline_two_columns(timeline):
    return ripeness_timeline(timeline)


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_timeline_one_column(timeline):
    return ripeness_timeline(timeline, width="one")


def test_month_dates_are_first_days():
    dates = month_dates(["2026-01", "2026-11", "2027-02-15"])
    assert dates.tolist() == [
        np.datetime64("2026-01-01"),
        np.datetime64("2026-11-01"),
        np.datetime64("2027-02-15"),
    ]
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_dates(["January"])


def test_events_are_vertical_lines_at_their_months(timeline):
    ax = ripeness_timeline(timeline).axes[0]
    labels = {t.get_text().strip(): t.get_position()[0] for t in ax.texts}
    assert labels == {
        "Election": np.datetime64("2026-11-01"),
        "Spring thaw": np.datetime64("2026-04-01"),
    }
    vertical = [
        line.get_xdata()[0]
        for line in ax.lines
        if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    ]
    assert sorted(vertical) == [np.datetime64("2026-04-01"), np.datetime64("2026-11-01")]


def test_zopa_is_filled_only_where_it_exists(timeline):
    ax = ripeness_timeline(timeline).axes[0]
    [fill] = [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)]
    open_months = month_dates(np.array(timeline.months)[timeline.exists].tolist())
    xs = np.concatenate([p.vertices[:, 0] for p in fill.get_paths()])
    assert xs.min() == pytest.approx(mdates.date2num(open_months[0]), abs=31)
    assert xs.max() == pytest.approx(mdates.date2num(open_months[-1]))


def test_window_is_shaded_over_its_months(timeline):
    ax = ripeness_timeline(timeline).axes[0]
    [span] = [p for p in ax.patches if isinstance(p, Rectangle)]
    first, last = month_dates(timeline.windows[0])
    half = np.timedelta64(15, "D")
    assert span.get_x() == pytest.approx(mdates.date2num(first - half))
    assert span.get_x() + span.get_width() == pytest.approx(mdates.date2num(last + half))


def test_each_actor_has_a_lowest_and_highest_line_in_its_colour(timeline):
    fig = ripeness_timeline(timeline)
    ax = fig.axes[0]
    colors = [line.get_color() for line in ax.lines]
    # three actors x two bounds + the expected path + two event markers
    assert len(ax.lines) == 3 * 2 + 1 + 2
    assert colors.count("#0072B2") == 2


def test_shape_mismatch_is_refused(timeline):
    bad = dataclasses.replace(timeline, lo_km2=timeline.lo_km2[:-1])
    with pytest.raises(ValueError, match=r"timeline.lo_km2 has shape \(23,\)"):
        ripeness_timeline(bad)


def test_never_open_timeline_draws_without_fill_or_window(timeline):
    closed = dataclasses.replace(timeline, exists=np.zeros(24, bool), windows=(), first_open=None)
    ax = ripeness_timeline(closed).axes[0]
    fills = [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)]
    assert all(len(c.get_paths()) == 0 for c in fills)


def with_tempo(timeline):
    """The toy timeline with a seasonal pace (slow in Mar-Apr) and a domestic turn of South."""
    months = np.array([int(m[5:7]) for m in timeline.months])
    pace = np.where(np.isin(months, (3, 4)), 0.5, 1.2)
    turn = 1.0 - np.exp(-0.06 * np.arange(24))  # passes 0.5 in month 12 (1 - e^-0.72 = 0.513)
    return dataclasses.replace(timeline, front_pace=pace, turn_probability=turn, turn_side="south")


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_timeline_with_tempo_strip(timeline):
    return ripeness_timeline(with_tempo(timeline))


def test_tempo_strip_shows_pace_bars_and_turn_chance_in_percent(timeline):
    fig = ripeness_timeline(with_tempo(timeline))
    main, tempo = fig.axes
    bars = [p.get_height() for p in tempo.patches]
    assert sorted(set(np.round(bars, 9))) == [50.0, 120.0]
    assert len(bars) == 24
    [turn] = [line for line in tempo.lines if len(line.get_xdata()) == 24]
    assert turn.get_color() == "#D55E00"  # South's colour (second actor, Okabe-Ito)
    np.testing.assert_allclose(turn.get_ydata(), 100 * with_tempo(timeline).turn_probability)
    # the month the turn becomes more likely than not is marked like an event, in both panels
    labels = {t.get_text().strip(): t.get_position()[0] for t in main.texts}
    assert labels["South: turn likely"] == np.datetime64("2027-01-01")
    assert np.datetime64("2027-01-01") in [line.get_xdata()[0] for line in tempo.lines]


def test_no_turn_marker_when_the_turn_stays_unlikely(timeline):
    unlikely = dataclasses.replace(
        with_tempo(timeline), turn_probability=np.linspace(0.0, 0.49, 24)
    )
    main = ripeness_timeline(unlikely).axes[0]
    assert not any("turn likely" in t.get_text() for t in main.texts)


def test_tempo_shape_mismatch_is_refused(timeline):
    bad = dataclasses.replace(timeline, front_pace=np.ones(5))
    with pytest.raises(ValueError, match=r"timeline.front_pace has shape \(5,\)"):
        ripeness_timeline(bad)
