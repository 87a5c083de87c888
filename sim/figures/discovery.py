"""Scenario discovery figures: the PRIM peeling trade-off and the chosen box.

PRIM (Friedman, J. H. & Fisher, N. I., 1999, *Statistics and Computing* 9,
123; used for scenario discovery by Bryant, B. P. & Lempert, R. J., 2010,
*Technol. Forecast. Soc. Change* 77, 34) peels a box in parameter space
around the cases of interest (here: a ceasefire line exists).  Each peeling
step trades *coverage* (the share of all cases of interest inside the box)
for *density* (the share of cases inside the box that are of interest).
The words follow the EMA Workbench's.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.figures._axes import wrap_label
from sim.figures.style import GREY, GREY_DARK, GREY_LIGHT, OKABE_ITO, new_figure, styled
from sim.format import number

#: Characters per line of a parameter's name beside its bar.
LABEL_CHARS = 28


@styled
def prim_tradeoff(
    coverage: Sequence[float],
    density: Sequence[float],
    *,
    chosen: int,
    restricted_dims: Sequence[int] | None = None,
    width: str = "one",
) -> Figure:
    """Coverage against density along the peeling trajectory, the chosen box marked.

    Parameters
    ----------
    coverage, density : sequence of float
        One value in [0, 1] per box of the trajectory, in peeling order.
    chosen : int
        Index of the box picked for the analysis.
    restricted_dims : sequence of int, optional
        Number of restricted parameters per box, shown as colour.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    coverage = np.asarray(coverage, dtype=float).reshape(-1)
    density = np.asarray(density, dtype=float).reshape(-1)
    if coverage.shape != density.shape or coverage.size == 0:
        raise ValueError(
            f"coverage and density must be equally long and non-empty, "
            f"got {coverage.size} and {density.size}"
        )
    if not -coverage.size <= chosen < coverage.size:
        raise ValueError(f"chosen={chosen} is not a box index (0..{coverage.size - 1})")

    fig = new_figure(width, aspect=0.8 if width == "one" else 0.5)
    ax = fig.add_subplot()
    ax.plot(coverage, density, color=GREY, lw=0.6, zorder=1)
    if restricted_dims is None:
        ax.scatter(coverage, density, s=9, color=OKABE_ITO["blue"], zorder=2, lw=0)
    else:
        dims = np.asarray(restricted_dims, dtype=int).reshape(-1)
        if dims.shape != coverage.shape:
            raise ValueError(f"restricted_dims has {dims.size} values, expected {coverage.size}")
        levels = np.arange(dims.min(), dims.max() + 2) - 0.5
        # An ordered count: a sequential, colour-blind-safe map (viridis), one colour a count.
        colors = matplotlib.colormaps["viridis"].resampled(levels.size - 1).colors
        points = ax.scatter(
            coverage,
            density,
            c=dims,
            s=9,
            zorder=2,
            lw=0,
            cmap=ListedColormap(colors),
            norm=BoundaryNorm(levels, len(colors)),
        )
        colorbar = fig.colorbar(points, ax=ax, pad=0.02, aspect=25)
        colorbar.ax.yaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        colorbar.set_label("restricted parameters")
        colorbar.outline.set_linewidth(0.5)
    ax.scatter(
        coverage[chosen],
        density[chosen],
        s=55,
        facecolor="none",
        edgecolor="black",
        lw=1.0,
        zorder=3,
    )
    on_left = coverage[chosen] > 0.5
    ax.annotate(
        f"chosen box\ncoverage {coverage[chosen]:.2f}\ndensity {density[chosen]:.2f}",
        xy=(coverage[chosen], density[chosen]),
        xytext=(-10 if on_left else 10, -10),
        textcoords="offset points",
        ha="right" if on_left else "left",
        va="top",
        arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "black"},
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(max(0.0, float(np.nanmin(density)) - 0.05), 1.02)
    ax.set_xlabel("Coverage (share of the cases found)")
    ax.set_ylabel("Density (share of the box that are cases)")
    ax.grid(True)
    return fig


@styled
def prim_box_ranges(
    names: Sequence[str],
    full_lower: Sequence[float],
    full_upper: Sequence[float],
    box_lower: Sequence[float],
    box_upper: Sequence[float],
    *,
    width: str = "one",
) -> Figure:
    """Each restricted parameter's range in the box against its full sampled range.

    Ranges are drawn on a common scale where each parameter's full range
    spans 0 to 1; the box's limits are written in the parameter's own units.

    Parameters
    ----------
    names : sequence of str
        Parameter names, top to bottom.
    full_lower, full_upper : sequence of float
        The range each parameter was sampled from (written right of its bar).
    box_lower, box_upper : sequence of float
        The box's limits (inside the full range).
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(names)
    arrays = {}
    for key, values in (
        ("full_lower", full_lower),
        ("full_upper", full_upper),
        ("box_lower", box_lower),
        ("box_upper", box_upper),
    ):
        array = np.asarray(values, dtype=float).reshape(-1)
        if array.shape != (n,):
            raise ValueError(f"{key} has {array.size} values but there are {n} names")
        arrays[key] = array
    lo, hi = arrays["full_lower"], arrays["full_upper"]
    if not (hi > lo).all():
        bad = [names[i] for i in np.flatnonzero(~(hi > lo))]
        raise ValueError(f"full range must have upper > lower, not so for {bad}")
    start = (arrays["box_lower"] - lo) / (hi - lo)
    stop = (arrays["box_upper"] - lo) / (hi - lo)

    labels = [wrap_label(name, LABEL_CHARS) for name in names]
    lines = max(label.count("\n") + 1 for label in labels)
    fig = new_figure(width, height_in=max(0.28, 0.11 * lines + 0.08) * n + 0.6)
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, 1.0, left=0.0, height=0.5, color=GREY_LIGHT)
    ax.barh(y, stop - start, left=start, height=0.5, color=OKABE_ITO["blue"])
    for i in range(n):
        # A limit PRIM did not move (the box reaches the sampled end) gets no number.
        # Numbers sit outside the box, turned inwards near the ends of the axis.
        for value, at, end, side, sign in (
            (arrays["box_lower"][i], start[i], lo[i], "right" if start[i] > 0.25 else "left", "≥"),
            (arrays["box_upper"][i], stop[i], hi[i], "left" if stop[i] < 0.75 else "right", "≤"),
        ):
            if not np.isclose(value, end, rtol=1e-9, atol=1e-12 * (hi[i] - lo[i])):
                ax.annotate(
                    f"{sign} {number(value)}",
                    xy=(at, y[i] - 0.25),
                    xytext=(0, 1),
                    textcoords="offset points",
                    ha=side,
                    va="bottom",
                )
    ax.set_yticks(y, labels)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(n - 0.5, -0.85)
    ax.set_xticks([0, 1], ["lower end\nof the range", "upper end\nof the range"])
    ax.spines["bottom"].set_bounds(0.0, 1.0)
    ax.tick_params(axis="y", length=0)
    # The sampled ranges in the parameters' units, so that the limits can be read; on an
    # axis of their own, so that the layout makes room for them.
    ranges = ax.secondary_yaxis("right")
    ranges.set_yticks(y, [f"{number(lo[i])} to {number(hi[i])}" for i in range(n)])
    ranges.tick_params(length=0, colors=GREY_DARK)
    ranges.spines["right"].set_visible(False)
    ranges.set_ylabel("sampled range", color=GREY_DARK)
    ax.spines["left"].set_visible(False)
    return fig
