"""The trade-off between two regions' lines (issue 18).

A plane through the feasible set of regional lines (:mod:`sim.regions`): the x and y axes
are the km2 of two regions held by the first war side, every other region held at the
no-deal line.  Each veto player's acceptance boundary (``u_i = rbar_i``) is drawn as a
line in its colour, the part of the plane every veto player accepts is shaded, and the
no-deal line and the named lines per region are marked where they lie in the plane (a
named line that also moves another region is drawn hollow: the plane shows only its two
coordinates).  The Nash and Kalai-Smorodinsky points of the whole ``R^k`` problem are
marked by their two coordinates.  When the part every veto player accepts is a sliver at
the scale of the regions' areas, a magnified inset (:class:`ZoomedPlane`, computed on a grid
of its own) shows it, in the corner of the axes away from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.style import GREY, GREY_DARK, new_figure, styled


@dataclass(frozen=True)
class TradeoffPlane:
    """What the figure draws.

    ``x``, ``y`` the grid's km2 ``(G,)`` of the two regions (``labels``: their names,
    ``areas`` their km2); ``surplus`` ``(n, G, G)`` each veto player's surplus over its
    reservation utility on the grid (``[i, iy, ix]``); ``actors`` their names and
    ``colors``; ``now`` the no-deal point; ``points`` ``{label: (x, y, in_plane)}`` the
    named lines and solutions.
    """

    x: np.ndarray
    y: np.ndarray
    surplus: np.ndarray
    actors: tuple[str, ...]
    colors: Mapping[str, str]
    labels: tuple[str, str]
    areas: tuple[float, float]
    now: tuple[float, float]
    points: Mapping[str, tuple[float, float, bool]]
    zoom: ZoomedPlane | None = None


@dataclass(frozen=True)
class ZoomedPlane:
    """A window of the plane on a finer grid: ``x``, ``y`` ``(G,)`` km2 and ``surplus``
    ``(n, G, G)`` as :class:`TradeoffPlane`'s."""

    x: np.ndarray
    y: np.ndarray
    surplus: np.ndarray


FEASIBLE = "#DCEBD5"


MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


@styled
def tradeoff_figure(plane: TradeoffPlane, *, width: str = "one") -> Figure:
    """Draw the plane (see the module's docstring); km2 in thousands."""
    fig = new_figure(width, aspect=1.45 if width == "one" else 0.75)
    ax = fig.add_subplot()
    handles = [Patch(facecolor=FEASIBLE, label="every veto player accepts")]
    handles += _draw_plane(ax, plane, plane.x, plane.y, plane.surplus)
    if plane.zoom is not None:
        _inset(ax, plane)
    pad = 0.04
    ax.set_xlim(-pad * plane.areas[0] / 1e3, (1 + pad) * plane.areas[0] / 1e3)
    ax.set_ylim(-pad * plane.areas[1] / 1e3, (1 + pad) * plane.areas[1] / 1e3)
    ax.set_xlabel(f"{plane.labels[0]}, thousand km2 held")
    ax.set_ylabel(f"{plane.labels[1]}, thousand km2 held")
    handles.append(
        Patch(facecolor="none", edgecolor="none", label="(hollow: moves other regions too)")
    )
    ax.grid(color=GREY, lw=0.3, alpha=0.5)
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(-0.2, -0.12),
        ncol=1 if width == "one" else 2,
        frameon=False,
        fontsize="x-small",
        borderaxespad=0.0,
    )
    ax.set_title("Other regions at the no-deal line", fontsize="small")
    return fig


def _draw_plane(ax, plane: TradeoffPlane, x, y, surplus, ms: float = 6.0) -> list:
    """The feasible part, the veto players' boundaries, the no-deal line and the points on
    ``ax`` (km2 in thousands); returns the legend's handles."""
    xs, ys = x / 1e3, y / 1e3
    feasible = np.all(surplus >= 0, axis=0)
    if feasible.any():
        ax.contourf(xs, ys, feasible.astype(float), levels=[0.5, 1.5], colors=[FEASIBLE])
    handles = []
    for i, actor in enumerate(plane.actors):
        s = surplus[i]
        if s.min() < 0 < s.max():
            ax.contour(xs, ys, s, levels=[0.0], colors=[plane.colors[actor]], linewidths=1.2)
            handles.append(Line2D([], [], color=plane.colors[actor], lw=1.2, label=actor))
    ax.plot(*(v / 1e3 for v in plane.now), "k+", ms=1.5 * ms, mew=1.5)
    handles.append(Line2D([], [], color="k", marker="+", lw=0, ms=8, label="no-deal line now"))
    for n, (label, (px, py, inside)) in enumerate(plane.points.items()):
        marker = MARKERS[n % len(MARKERS)]
        face = GREY_DARK if inside else "white"
        ax.plot(px / 1e3, py / 1e3, marker, ms=ms, mfc=face, mec=GREY_DARK, mew=1.0)
        handles.append(
            Line2D([], [], marker=marker, lw=0, ms=6, mfc=face, mec=GREY_DARK, label=label)
        )
    return handles


def _inset(ax, plane: TradeoffPlane) -> None:
    """The magnified window (:class:`ZoomedPlane`) in the corner of ``ax`` away from it,
    joined to its place by the zoom's outline."""
    z = plane.zoom
    mid_x = 0.5 * (z.x[0] + z.x[-1]) / plane.areas[0]
    mid_y = 0.5 * (z.y[0] + z.y[-1]) / plane.areas[1]
    left, bottom = (0.06 if mid_x > 0.5 else 0.52), (0.06 if mid_y > 0.5 else 0.52)
    inset = ax.inset_axes((left, bottom, 0.42, 0.42))
    _draw_plane(inset, plane, z.x, z.y, z.surplus, ms=4.0)
    inset.set_xlim(z.x[0] / 1e3, z.x[-1] / 1e3)
    inset.set_ylim(z.y[0] / 1e3, z.y[-1] / 1e3)
    inset.tick_params(labelsize="xx-small")
    inset.set_title("magnified", fontsize="xx-small", pad=2)
    ax.indicate_inset_zoom(inset, edgecolor=GREY_DARK)
