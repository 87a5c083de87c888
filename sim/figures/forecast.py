"""The forecast: the probability of a ceasefire by each month, with its band.

One panel: ``P(agreement by month)`` at the scenario's own values (black), the 80% band
over the parameter draws (grey) and their average (dashed); dated events as dotted
vertical lines, numbered above the panel and listed under it, so that the figure stays
readable at one column (89 mm).
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import GREY_DARK, GREY_LIGHT, new_figure, styled
from sim.figures.timeline import month_dates


@styled
def forecast_curve(result: Any, *, width: str = "one", max_events: int = 8) -> Figure:
    """Draw ``P(agreement by month)`` with its band and the dated events.

    Parameters
    ----------
    result : the result of ``sim.forecast.forecast``: uses ``months``,
        ``p_agreement_by``, ``p_band`` (``(lo, hi)`` or None), ``p_mean`` (or None),
        ``events`` (``(YYYY-MM, label)``), ``scenario``, ``by``.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.
    max_events : the most events marked (the first ones in time).

    Returns
    -------
    matplotlib.figure.Figure
    """
    dates = month_dates(result.months)
    events = [(m, label) for m, label in result.events if m in result.months][:max_events]
    per_line = 0.047 if width == "one" else 0.025
    fig = new_figure(width, aspect=0.62 + per_line * len(events))
    if events:
        ax, notes = fig.subplots(2, 1, height_ratios=[0.62, per_line * len(events)])
        notes.set_axis_off()
    else:
        ax, notes = fig.subplots(), None
    handles = []
    if result.p_band is not None:
        lo, hi = (np.asarray(b, float) for b in result.p_band)
        ax.fill_between(dates, lo, hi, color=GREY_LIGHT, lw=0, step="post", zorder=1)
        handles.append(Patch(color=GREY_LIGHT, label="80% of the parameter draws"))
    if result.p_mean is not None:
        ax.step(dates, result.p_mean, where="post", color=GREY_DARK, lw=1.0, ls="--", zorder=2)
        handles.append(Line2D([], [], color=GREY_DARK, lw=1.0, ls="--", label="mean of the draws"))
    ax.step(dates, result.p_agreement_by, where="post", color="black", lw=1.6, zorder=3)
    handles.insert(0, Line2D([], [], color="black", lw=1.6, label="scenario's own values"))
    marks: dict[str, list[str]] = {}  # the events' numbers, by month
    for k, (when, _) in enumerate(events, start=1):
        marks.setdefault(when, []).append(str(k))
    for when, numbers in marks.items():
        [date] = month_dates([when])
        ax.axvline(date, color=GREY_DARK, lw=0.6, ls=(0, (1, 1.5)), zorder=0)
        label = ",".join(numbers)
        ax.text(date, 1.02, label, transform=ax.get_xaxis_transform(), ha="center", va="bottom")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylabel("P(ceasefire agreed by month)")
    locator = AutoDateLocator(maxticks=6 if width == "one" else 10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(axis="y", lw=0.4, color=GREY_LIGHT)
    ax.legend(handles=handles, loc=_legend_corner(result), frameon=True, framealpha=0.9)
    if notes is not None:
        wrap = 50 if width == "one" else 110
        text = "\n".join(
            # "$" would start mathtext.
            textwrap.shorten(f"{k}  {when}: {label}", wrap, placeholder="...").replace("$", r"\$")
            for k, (when, label) in enumerate(events, start=1)
        )
        notes.text(0.0, 1.0, text, ha="left", va="top", color=GREY_DARK, linespacing=1.3)
    return fig


def _legend_corner(result: Any) -> str:
    """Where the legend hides nothing: the curves are cumulative (non-decreasing), so while
    everything drawn stays below 0.5 over the first half of the months the upper left is
    empty; otherwise the curves are high on the right half too and the lower right is."""
    curves = [np.asarray(result.p_agreement_by, float)]
    if result.p_band is not None:
        curves.append(np.asarray(result.p_band[1], float))
    if result.p_mean is not None:
        curves.append(np.asarray(result.p_mean, float))
    half = max(1, len(curves[0]) // 2)
    high = max(float(np.nanmax(c[:half], initial=0.0)) for c in curves)
    return "upper left" if high < 0.5 else "lower right"
