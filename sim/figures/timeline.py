"""The ripeness timeline: when does a ceasefire line become possible?

Month by month along the expected no-deal path: each actor's acceptable lines
(its lowest acceptable line solid, its highest dashed, in its colour), the ZOPA
between the binding bounds shaded where it exists, the months that form a
window shaded through the whole height, the line the war is expected to reach
(thick black), and dated events as labelled vertical markers.  When the
timeline carries them, a strip below shows the war's tempo: the front's
seasonal pace (the mud seasons) and the chance that a side's domestic turn has
happened; the month that chance passes one half is marked above like an event.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MultipleLocator

from sim.figures._axes import focus_limits, km2_axis
from sim.figures.style import GREY, GREY_DARK, GREY_LIGHT, actor_colors, new_figure, styled
from sim.results import Timeline


def month_dates(months: tuple[str, ...] | list[str]) -> np.ndarray:
    """``YYYY-MM`` (or ``YYYY-MM-DD``) strings as ``datetime64[D]`` (day 1 for months)."""
    try:
        return np.array([m if len(m) > 7 else f"{m}-01" for m in months], dtype="datetime64[D]")
    except ValueError as exc:
        raise ValueError(f"months must be 'YYYY-MM' strings: {exc}") from None


@styled
def ripeness_timeline(
    timeline: Timeline,
    *,
    width: str = "two",
    line_label: str | None = None,
) -> Figure:
    """Draw the ZOPA month by month along the no-deal path.

    Parameters
    ----------
    timeline : sim.results.Timeline
        What ``sim.timeline`` returns.  Uses ``months``, ``line_km2``,
        ``exists``, ``lo_km2``/``hi_km2``, ``bounds`` (actor -> (lo, hi) arrays,
        NaN where it accepts none), ``windows`` (inclusive (first, last)
        months), ``events`` ((YYYY-MM, label)), ``actor_labels``,
        ``actor_colors``, ``total_km2`` (for the % axis).
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.
    line_label : str, optional
        Label of the territorial axis, without the unit (appended).

    Returns
    -------
    matplotlib.figure.Figure
    """
    dates = month_dates(timeline.months)
    n = dates.size
    line, lo, hi, exists = _path_arrays(timeline, n)
    actors = list(timeline.bounds)
    colors = actor_colors(actors, timeline.actor_colors)
    total = float(timeline.total_km2)
    y0, y1 = _y_limits(timeline, (line, lo, hi), total)

    pace = _optional(timeline, "front_pace", n)
    turn = _optional(timeline, "turn_probability", n)
    strip = pace is not None or turn is not None
    aspect = (0.5 if width == "two" else 0.85) * (1.2 if strip else 1.0)
    fig = new_figure(width, aspect=aspect)
    if strip:
        ax, tempo = fig.subplots(2, 1, sharex=True, height_ratios=[4, 1.1])
    else:
        ax, tempo = fig.add_subplot(), None
    ax.set_ylim(y0, y1)
    ax.set_xlim(dates[0] - HALF_MONTH, dates[-1] + HALF_MONTH)
    holder = getattr(timeline, "line_holder", None)
    default_label = f"Line: area held by {holder}" if holder else "Ceasefire line"
    km2_axis(ax, total, "y", line_label or default_label)
    ax.spines["right"].set_visible(True)
    locator = AutoDateLocator(minticks=4, maxticks=8 if width == "two" else 5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))

    for first, last in timeline.windows:
        start, end = month_dates([first, last])
        ax.axvspan(start - HALF_MONTH, end + HALF_MONTH, color="black", alpha=0.05, lw=0)
    ax.fill_between(
        dates, lo, hi, where=exists & (hi >= lo), color=GREY, alpha=0.55, lw=0, step=None
    )
    for actor in actors:
        actor_lo, actor_hi = (np.asarray(b, dtype=float) for b in timeline.bounds[actor])
        ax.plot(dates, actor_lo, color=colors[actor], lw=0.9)
        ax.plot(dates, actor_hi, color=colors[actor], lw=0.9, ls=(0, (3, 1.5)))
    ax.plot(dates, line, color="black", lw=1.8, solid_capstyle="butt")

    turn_events, turn_label = _turn(timeline, turn)
    for when, label in [*timeline.events, *turn_events]:
        _draw_event(ax, tempo, when, label)

    handles = _legend_handles(timeline, colors, (y0, y1))
    if tempo is not None:
        turn_color = colors.get(timeline.turn_side, "black") if timeline.turn_side else "black"
        handles += _draw_tempo(tempo, dates, pace, (turn, turn_label), turn_color)
    if timeline.windows:
        always = timeline.windows == ((timeline.months[0], timeline.months[-1]),)
        label = "window open (every month)" if always else "window open"
        handles.append(Patch(color="black", alpha=0.05, lw=0, label=label))
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=4 if width == "two" else 2,
    )
    return fig


HALF_MONTH = np.timedelta64(15, "D")


def _path_arrays(timeline: Timeline, n: int) -> tuple[np.ndarray, ...]:
    """``line_km2``, ``lo_km2``, ``hi_km2`` (float) and ``exists`` (bool), each ``(n,)``."""
    line = np.asarray(timeline.line_km2, dtype=float)
    lo = np.asarray(timeline.lo_km2, dtype=float)
    hi = np.asarray(timeline.hi_km2, dtype=float)
    exists = np.asarray(timeline.exists, dtype=bool)
    for name, array in (("line_km2", line), ("lo_km2", lo), ("hi_km2", hi), ("exists", exists)):
        if array.shape != (n,):
            raise ValueError(f"timeline.{name} has shape {array.shape}, expected ({n},)")
    return line, lo, hi, exists


def _y_limits(
    timeline: Timeline, path: tuple[np.ndarray, ...], total: float
) -> tuple[float, float]:
    """The path and the binding bounds ``path`` (defined even where the ZOPA is empty)
    must show; the actors' other bounds only when near them."""
    focus = [value for array in path for value in array]
    nearby = []
    for actor_lo, actor_hi in timeline.bounds.values():
        for bound in (np.asarray(actor_lo, float), np.asarray(actor_hi, float)):
            finite = bound[np.isfinite(bound)]
            if math.isfinite(total):
                finite = finite[(finite > 1e-9 * total) & (finite < total * (1 - 1e-9))]
            nearby += finite.tolist()
    return focus_limits(focus, total, nearby=nearby)


def _turn(timeline: Timeline, turn: np.ndarray | None) -> tuple[list[tuple[str, str]], str | None]:
    """The domestic turn's event (the month its chance passes one half) and its legend label."""
    if turn is None:
        return [], None
    side = timeline.turn_side
    who = timeline.actor_labels.get(side, side) if side else "a side"
    likely = np.flatnonzero(turn >= 0.5)
    events = [(timeline.months[likely[0]], f"{who}: turn likely")] if likely.size else []
    return events, f"chance of {who}'s domestic turn"


def _draw_event(ax: Axes, tempo: Axes | None, when: str, label: str) -> None:
    """A dated event: a dotted vertical line through both panels, labelled at the top."""
    [date] = month_dates([when])
    if tempo is not None:
        tempo.axvline(date, color=GREY_DARK, lw=0.6, ls=(0, (1, 1.5)), zorder=1)
    ax.axvline(date, color=GREY_DARK, lw=0.6, ls=(0, (1, 1.5)), zorder=1)
    ax.text(
        date,
        0.98,
        f" {label}",
        transform=ax.get_xaxis_transform(),
        rotation=90,
        ha="right",
        va="top",
        color=GREY_DARK,
        # A label that crosses a line stays readable.
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
    )


def _legend_handles(
    timeline: Timeline, colors: dict[str, str], limits: tuple[float, float]
) -> list[Artist]:
    """The actors with a bound on the chart, then the line styles, the path and the ZOPA."""
    y0, y1 = limits

    def shown(actor: str) -> bool:
        bounds = np.concatenate([np.asarray(b, dtype=float) for b in timeline.bounds[actor]])
        return bool(((bounds >= y0) & (bounds <= y1)).any())

    # Actors whose bounds all lie off the chart have no line to explain.
    handles: list[Artist] = [
        Line2D([], [], color=colors[a], lw=1.2, label=timeline.actor_labels.get(a, a))
        for a in timeline.bounds
        if shown(a)
    ]
    handles += [
        Line2D([], [], color=GREY_DARK, lw=0.9, label="lowest acceptable"),
        Line2D([], [], color=GREY_DARK, lw=0.9, ls=(0, (3, 1.5)), label="highest acceptable"),
        Line2D([], [], color="black", lw=1.8, label="expected line, no deal"),
        Patch(color=GREY, alpha=0.55, lw=0, label="ZOPA"),
    ]
    return handles


def _optional(timeline: Timeline, name: str, n: int) -> np.ndarray | None:
    """``timeline.<name>`` as a float array of one value per month, or None when absent."""
    values = getattr(timeline, name, None)
    if values is None:
        return None
    array = np.asarray(values, dtype=float)
    if array.shape != (n,):
        raise ValueError(f"timeline.{name} has shape {array.shape}, expected ({n},)")
    return array


def _draw_tempo(
    ax: Axes,
    dates: np.ndarray,
    pace: np.ndarray | None,
    turn: tuple[np.ndarray | None, str | None],
    turn_color: str,
) -> list[Artist]:
    """The strip below the timeline: seasonal pace and domestic-turn chance, both in %.

    ``turn`` is the chance per month and its legend label.
    """
    chance, turn_label = turn
    handles: list[Artist] = []
    top = 140.0
    if pace is not None:
        top = max(top, 10.0 * math.ceil(10 * np.nanmax(pace)) + 10)
    ax.set_ylim(0, top)
    ax.set_ylabel("%")
    ax.yaxis.set_major_locator(MultipleLocator(50))
    if pace is not None:
        # Light bars with a dark edge: not to be read as the ZOPA's grey fill above.
        ax.bar(dates, 100 * pace, width=24, color=GREY_LIGHT, edgecolor=GREY, lw=0.4)
        ax.axhline(100, color=GREY_DARK, lw=0.5, ls=(0, (1, 1.5)))
        handles.append(
            Patch(facecolor=GREY_LIGHT, edgecolor=GREY, lw=0.4, label="front's pace (% of average)")
        )
    if chance is not None:
        ax.plot(dates, 100 * chance, color=turn_color, lw=1.4)
        handles.append(Line2D([], [], color=turn_color, lw=1.4, label=turn_label))
    return handles
