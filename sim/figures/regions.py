"""The trade-off between two regions' lines (issue 18).

A plane through the feasible set of regional lines (:mod:`sim.regions`): the x and y axes
are the km2 of two regions held by the first war side, every other region held at the
no-deal line.  Each veto player's acceptance boundary (``u_i = rbar_i``) is drawn as a
line in its colour, the part of the plane every veto player accepts is shaded, and the
no-deal line and the named lines per region are marked where they lie in the plane (a
named line that also moves another region is drawn hollow: the plane shows only its two
coordinates).  The Nash and Kalai-Smorodinsky points of the whole ``R^k`` problem are
marked by their two coordinates.
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


MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


@styled
def tradeoff_figure(plane: TradeoffPlane, *, width: str = "one") -> Figure:
    """Draw the plane (see the module's docstring); km2 in thousands."""
    fig = new_figure(width, aspect=1.45 if width == "one" else 0.75)
    ax = fig.add_subplot()
    xs, ys = plane.x / 1e3, plane.y / 1e3
    feasible = np.all(plane.surplus >= 0, axis=0)
    if feasible.any():
        ax.contourf(xs, ys, feasible.astype(float), levels=[0.5, 1.5], colors=["#DCEBD5"])
    handles = [Patch(facecolor="#DCEBD5", label="every veto player accepts")]
    for i, actor in enumerate(plane.actors):
        s = plane.surplus[i]
        if s.min() < 0 < s.max():
            ax.contour(xs, ys, s, levels=[0.0], colors=[plane.colors[actor]], linewidths=1.2)
            handles.append(Line2D([], [], color=plane.colors[actor], lw=1.2, label=actor))
    ax.plot(*(v / 1e3 for v in plane.now), "k+", ms=9, mew=1.5)
    handles.append(Line2D([], [], color="k", marker="+", lw=0, ms=8, label="no-deal line now"))
    for n, (label, (x, y, inside)) in enumerate(plane.points.items()):
        marker = MARKERS[n % len(MARKERS)]
        face = GREY_DARK if inside else "white"
        ax.plot(x / 1e3, y / 1e3, marker, ms=6, mfc=face, mec=GREY_DARK, mew=1.0)
        handles.append(
            Line2D([], [], marker=marker, lw=0, ms=6, mfc=face, mec=GREY_DARK, label=label)
        )
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
