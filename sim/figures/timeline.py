"""The ripeness timeline: when does a ceasefire line become possible?

Month by month along the expected no-deal path: each actor's acceptable lines
(its lowest acceptable line solid, its highest dashed, in its colour), the ZOPA
between the binding bounds shaded where it exists, the months that form a
window shaded through the whole height, the line the war is expected to reach
(thick black), and dated events as labelled vertical markers.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures._axes import focus_limits, km2_axis
from sim.figures.style import GREY, GREY_DARK, actor_colors, new_figure, styled
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
    line = np.asarray(timeline.line_km2, dtype=float)
    lo = np.asarray(timeline.lo_km2, dtype=float)
    hi = np.asarray(timeline.hi_km2, dtype=float)
    exists = np.asarray(timeline.exists, dtype=bool)
    for name, array in (("line_km2", line), ("lo_km2", lo), ("hi_km2", hi), ("exists", exists)):
        if array.shape != (n,):
            raise ValueError(f"timeline.{name} has shape {array.shape}, expected ({n},)")
    actors = list(timeline.bounds)
    colors = actor_colors(actors, timeline.actor_colors)
    total = float(timeline.total_km2)

    # The path and the binding bounds (defined even where the ZOPA is empty) must show;
    # other bounds only when near them.
    focus = [*line, *lo, *hi]
    nearby = []
    for actor_lo, actor_hi in timeline.bounds.values():
        for bound in (np.asarray(actor_lo, float), np.asarray(actor_hi, float)):
            finite = bound[np.isfinite(bound)]
            if math.isfinite(total):
                finite = finite[(finite > 1e-9 * total) & (finite < total * (1 - 1e-9))]
            nearby += finite.tolist()
    y0, y1 = focus_limits(focus, total, nearby=nearby)

    fig = new_figure(width, aspect=0.5 if width == "two" else 0.85)
    ax = fig.add_subplot()
    ax.set_ylim(y0, y1)
    half_month = np.timedelta64(15, "D")
    ax.set_xlim(dates[0] - half_month, dates[-1] + half_month)
    holder = getattr(timeline, "line_holder", None)
    default_label = f"Line: area held by {holder}" if holder else "Ceasefire line"
    km2_axis(ax, total, "y", line_label or default_label)
    ax.spines["right"].set_visible(True)
    locator = AutoDateLocator(minticks=4, maxticks=8 if width == "two" else 5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))

    for first, last in timeline.windows:
        start, end = month_dates([first, last])
        ax.axvspan(start - half_month, end + half_month, color="black", alpha=0.05, lw=0)
    ax.fill_between(
        dates, lo, hi, where=exists & (hi >= lo), color=GREY, alpha=0.55, lw=0, step=None
    )

    for actor in actors:
        actor_lo, actor_hi = (np.asarray(b, dtype=float) for b in timeline.bounds[actor])
        ax.plot(dates, actor_lo, color=colors[actor], lw=0.9)
        ax.plot(dates, actor_hi, color=colors[actor], lw=0.9, ls=(0, (3, 1.5)))
    ax.plot(dates, line, color="black", lw=1.8, solid_capstyle="butt")

    for when, label in timeline.events:
        [date] = month_dates([when])
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
        )

    def shown(actor: str) -> bool:
        bounds = np.concatenate([np.asarray(b, dtype=float) for b in timeline.bounds[actor]])
        return bool(((bounds >= y0) & (bounds <= y1)).any())

    # Actors whose bounds all lie off the chart have no line to explain.
    handles = [
        Line2D([], [], color=colors[a], lw=1.2, label=timeline.actor_labels.get(a, a))
        for a in actors
        if shown(a)
    ]
    handles += [
        Line2D([], [], color=GREY_DARK, lw=0.9, label="lowest acceptable"),
        Line2D([], [], color=GREY_DARK, lw=0.9, ls=(0, (3, 1.5)), label="highest acceptable"),
        Line2D([], [], color="black", lw=1.8, label="expected line, no deal"),
        Patch(color=GREY, alpha=0.55, lw=0, label="ZOPA"),
    ]
    if timeline.windows:
        handles.append(Patch(color="black", alpha=0.05, lw=0, label="window open"))
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=4 if width == "two" else 2,
    )
    return fig
