"""The two-actor utility frontier with the bargaining solutions on it.

The curve ``(u_1(l), u_2(l))`` traced by the deals ``l`` of a grid, the
disagreement point ``d`` (each actor's reservation utility), the part of the
frontier both prefer to ``d`` drawn heavier, the ideal point
``(max u_1, max u_2)`` over that part with the line from ``d`` to it (on which
the Kalai-Smorodinsky solution lies; Kalai, E. & Smorodinsky, M., 1975,
*Econometrica* 43, 513), and the named solutions (Nash, Kalai-Smorodinsky,
Rubinstein, ...) as markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from sim.figures.style import ACTOR_PALETTE, GREY, GREY_DARK, new_figure, styled
from sim.figures.zopa import SOLUTION_MARKERS


@dataclass(frozen=True)
class FrontierStyle:
    """How the frontier's axes read.

    ``actor_labels`` name the two actors on the axes; ``actor_colors`` colour
    the two axis lines (the actors' fixed colours; default the palette's first
    two); ``units`` of the utilities, for the axis labels; ``zoom`` frames the
    box from ``d`` to the ideal point, widened on each side by this share of
    its size (the deals both prefer are often a small part of the whole
    frontier), None shows every deal.
    """

    actor_labels: tuple[str, str] = ("Actor 1", "Actor 2")
    actor_colors: tuple[str, str] | None = None
    units: str = "utility per month"
    zoom: float | None = 0.6


@styled
def utility_frontier(
    u1: Sequence[float],
    u2: Sequence[float],
    disagreement: tuple[float, float],
    points: Mapping[str, tuple[float, float]] | None = None,
    *,
    style: FrontierStyle = FrontierStyle(),
    width: str = "one",
) -> Figure:
    """Draw the utility frontier of two actors with the disagreement point and solutions.

    Parameters
    ----------
    u1, u2 : sequence of float
        The two actors' utilities along a grid of deals (same length, in grid
        order, so that the curve joins neighbouring deals).
    disagreement : (float, float)
        The disagreement point ``(d_1, d_2)``.
    points : mapping of str to (float, float), optional
        Named points, e.g. ``{"Nash": (u1, u2), "Kalai-Smorodinsky": ...}``;
        points with a NaN coordinate are left out.
    style : FrontierStyle
        The actors' names and colours on the axes, the units, the zoom.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    u1 = np.asarray(u1, dtype=float).reshape(-1)
    u2 = np.asarray(u2, dtype=float).reshape(-1)
    if u1.shape != u2.shape or u1.size < 2:
        raise ValueError(
            f"u1 and u2 must be equally long with at least two deals, got {u1.size} and {u2.size}"
        )
    d1, d2 = (float(v) for v in disagreement)
    colors = style.actor_colors or (ACTOR_PALETTE[0], ACTOR_PALETTE[1])
    zoom, units, actor_labels = style.zoom, style.units, style.actor_labels

    fig = new_figure(width, aspect=0.85 if width == "one" else 0.5)
    ax = fig.add_subplot()
    ax.plot(u1, u2, color=GREY, lw=1.0, label="deals")
    # A deal exactly at a reservation utility counts (up to rounding): the
    # acceptable bounds themselves are on the grid.
    tolerance = 1e-9 * max(1.0, float(np.nanmax(np.abs(np.concatenate([u1, u2])))))
    rational = (u1 >= d1 - tolerance) & (u2 >= d2 - tolerance)
    if rational.any():
        ax.plot(
            np.where(rational, u1, np.nan),
            np.where(rational, u2, np.nan),
            color="black",
            lw=1.8,
            solid_capstyle="round",
            label="both prefer to $d$",
        )
        ideal = (u1[rational].max(), u2[rational].max())
        ax.plot([d1, ideal[0]], [d2, ideal[1]], color=GREY_DARK, lw=0.6, ls=(0, (1, 1.5)))
        ax.plot(*ideal, marker="+", color=GREY_DARK, ms=6, ls="none", label="ideal point")
        if zoom is not None:
            span_x = max(ideal[0] - d1, 1e-9 * max(1.0, abs(d1)))
            span_y = max(ideal[1] - d2, 1e-9 * max(1.0, abs(d2)))
            ax.set_xlim(d1 - zoom * span_x, ideal[0] + zoom * span_x)
            ax.set_ylim(d2 - zoom * span_y, ideal[1] + zoom * span_y)
    ax.axvline(d1, color=GREY, lw=0.5, ls=(0, (3, 2)), zorder=0)
    ax.axhline(d2, color=GREY, lw=0.5, ls=(0, (3, 2)), zorder=0)
    ax.plot(d1, d2, marker="x", color="black", ms=5, mew=1.2, ls="none", label="disagreement $d$")
    for index, (name, (p1, p2)) in enumerate((points or {}).items()):
        if np.isfinite(p1) and np.isfinite(p2):
            ax.plot(
                p1,
                p2,
                ls="none",
                marker=SOLUTION_MARKERS[index % len(SOLUTION_MARKERS)],
                ms=5,
                color="black",
                # Hollow: solutions that (nearly) coincide stay visible one over the other.
                markerfacecolor="none",
                mew=1.0,
                label=name,
                zorder=4,
            )
    # Labels stay black (pale actor colours such as orange read badly as small text);
    # the axis lines carry the actors' colours.
    ax.set_xlabel(f"{actor_labels[0]}: {units}")
    ax.set_ylabel(f"{actor_labels[1]}: {units}")
    for spine, color in (("bottom", colors[0]), ("left", colors[1])):
        ax.spines[spine].set_color(color)
        ax.spines[spine].set_linewidth(1.6)
    fig.legend(loc="outside lower center", ncols=2 if width == "one" else 4)
    return fig
