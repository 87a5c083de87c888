"""A choropleth of territorial control, with the range of feasible lines.

Each region of a TopoJSON object is filled by the share of it held now by the
scenario's first war side (white = none, full colour = all).  When the bounds
of the ZOPA are given as the shares each region would have under the lowest
and under the highest acceptable line, the regions whose share differs between
the two -- where a feasible ceasefire line could run -- are hatched and labelled
with that range of shares ("62–79%": held under the lowest and the highest line).
Neighbouring countries are drawn in grey, lakes and rivers in pale blue.

The projection is equirectangular with the x axis scaled by the cosine of the
mean latitude (distances are right along that parallel; Snyder, J. P., 1987,
*Map Projections: A Working Manual*, USGS Prof. Paper 1395, p. 90), ample for
a country-sized map and free of any GIS dependency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib.patheffects import withStroke
from matplotlib.ticker import PercentFormatter

from sim.figures.style import GREY_DARK, OKABE_ITO, new_figure, styled
from sim.figures.topojson import Feature, features

WATER = "#CFE6F5"
RIVER = "#8DC3E8"
LAND = "#EBEBEB"
BAND_TOLERANCE = 0.005


def polygon_path(feature: Feature) -> Path:
    """A compound matplotlib path of all rings of a polygon feature (holes included)."""
    vertices, codes = [], []
    for ring in feature.parts:
        vertices.append(ring)
        ring_codes = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        ring_codes[0] = Path.MOVETO
        ring_codes[-1] = Path.CLOSEPOLY
        codes.append(ring_codes)
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _shares(
    name: str, values: Mapping[str, float] | None, regions: Sequence[str]
) -> dict[str, float] | None:
    if values is None:
        return None
    unknown = sorted(set(values) - set(regions))
    if unknown:
        raise ValueError(
            f"{name}: unknown region(s) {unknown}; the map's regions are {sorted(regions)}"
        )
    shares = {region: float(values.get(region, 0.0)) for region in regions}
    bad = {r: v for r, v in shares.items() if not 0.0 <= v <= 1.0}
    if bad:
        raise ValueError(f"{name}: shares must lie in [0, 1], got {bad}")
    return shares


def _label_point(feature: Feature) -> tuple[float, float]:
    point = feature.properties.get("label_point")
    if point is not None and len(point) == 2:
        return float(point[0]), float(point[1])
    x_min, y_min, x_max, y_max = feature.bounds
    return 0.5 * (x_min + x_max), 0.5 * (y_min + y_max)


def _share_range(a: float, b: float) -> str:
    """Two shares as a range of whole percents, lower first, en dash: ``"62–79%"``."""
    lo, hi = sorted((a, b))
    return f"{100 * lo:.0f}\u2013{100 * hi:.0f}%"


def _optional_features(topology: Mapping[str, Any], name: str | None) -> list[Feature]:
    if name is None or name not in (topology.get("objects") or {}):
        return []
    return features(topology, name)


@dataclass(frozen=True)
class RegionControl:
    """Share of each region (0..1) held by the first war side, by region name.

    ``now`` on the status quo line (regions left out count as 0); ``lower``
    and ``upper``, both or neither, under the ZOPA's lowest and highest line.
    """

    now: Mapping[str, float]
    lower: Mapping[str, float] | None = None
    upper: Mapping[str, float] | None = None


@dataclass(frozen=True)
class MapStyle:
    """Who the shares belong to, their colour, and the context layers of the map.

    ``holder`` names who holds the shares (for the colour bar's label);
    ``color`` fills a region held entirely by it; ``neighbours``, ``lakes``,
    ``rivers`` are the topology's objects drawn for context (grey land, pale
    water): names absent from the topology are skipped, None leaves them out.
    """

    holder: str = "the first side"
    color: str = OKABE_ITO["vermillion"]
    neighbours: str | None = "countries"
    lakes: str | None = "lakes"
    rivers: str | None = "rivers"
    #: The legend of the hatched regions (None: the ZOPA's lowest to highest total line).
    band_label: str | None = None


@styled
def control_map(
    topology: Mapping[str, Any],
    object_name: str,
    control: RegionControl,
    *,
    style: MapStyle = MapStyle(),
    width: str = "one",
) -> Figure:
    """Draw who holds each region now and where a feasible line could run.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON topology (``json.load`` of the file).
    object_name : str
        The object whose polygons are the regions (e.g. ``"regions"``).
    control : RegionControl
        The shares held now (``now``) and, optionally, under the ZOPA's lowest
        and highest line (``lower``, ``upper``); regions whose share differs by
        more than 0.5 % between the two are hatched and labelled with the two
        shares (at the region's ``label_point`` property, else the centre of
        its bounds).
    style : MapStyle
        The holder's name and colour, and the context layers.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the object is missing, a share names an unknown region or lies
        outside [0, 1], or only one of ``lower``/``upper`` is given.
    """
    regions = [f for f in features(topology, object_name) if f.kind == "polygon"]
    if not regions:
        raise ValueError(f"topology object {object_name!r} holds no polygons")
    names = [f.name for f in regions]
    now = _shares("control", control.now, names)
    if (control.lower is None) != (control.upper is None):
        raise ValueError("give both lower and upper shares of the ZOPA's bounds, or neither")
    low, high = _shares("lower", control.lower, names), _shares("upper", control.upper, names)

    xy = np.concatenate([ring for f in regions for ring in f.parts])
    (x_min, y_min), (x_max, y_max) = xy.min(axis=0), xy.max(axis=0)
    margin = 0.04 * max(x_max - x_min, y_max - y_min)
    mean_latitude = 0.5 * (y_min + y_max)

    x0, x1, y0, y1 = x_min - margin, x_max + margin, y_min - margin, y_max + margin
    land = _optional_features(topology, style.neighbours)
    if land:
        # Keep the frame inside the neighbours' extent: beyond it lies no data.
        context = np.concatenate([ring for f in land for ring in f.parts])
        (cx0, cy0), (cx1, cy1) = context.min(axis=0), context.max(axis=0)
        x0, x1, y0, y1 = max(x0, cx0), min(x1, cx1), max(y0, cy0), min(y1, cy1)

    fig = new_figure(width, aspect=0.82 if width == "one" else 0.58)
    ax = fig.add_subplot()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1.0 / math.cos(math.radians(mean_latitude)))
    # The background is the sea: land is drawn over it.
    ax.set_facecolor(WATER)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.5)
        spine.set_color(GREY_DARK)

    for feature in land:
        if feature.kind == "polygon":
            ax.add_patch(
                PathPatch(polygon_path(feature), facecolor=LAND, edgecolor="white", lw=0.5)
            )

    colormap = LinearSegmentedColormap.from_list("control", ["#FFFFFF", style.color])
    norm = Normalize(0.0, 1.0)
    for feature in regions:
        ax.add_patch(
            PathPatch(
                polygon_path(feature),
                facecolor=colormap(norm(now[feature.name])),
                edgecolor=GREY_DARK,
                lw=0.35,
            )
        )
    handles = []
    if low is not None and high is not None:
        band = [f for f in regions if abs(high[f.name] - low[f.name]) > BAND_TOLERANCE]
        for feature in band:
            ax.add_patch(
                PathPatch(
                    polygon_path(feature),
                    facecolor="none",
                    edgecolor="black",
                    lw=0.0,
                    hatch="//////",
                )
            )
            ax.text(
                *_label_point(feature),
                _share_range(low[feature.name], high[feature.name]),
                ha="center",
                va="center",
                fontweight="bold",
                path_effects=[withStroke(linewidth=2.5, foreground="white")],
                zorder=5,
            )
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="black",
                hatch="//////",
                lw=0.4,
                label=style.band_label
                or "a feasible line crosses the region\n(share held under the lowest"
                " to the highest line)",
            )
        )

    for feature in _optional_features(topology, style.lakes):
        if feature.kind == "polygon":
            ax.add_patch(PathPatch(polygon_path(feature), facecolor=WATER, edgecolor="none"))
    river_lines = [
        part
        for f in _optional_features(topology, style.rivers)
        if f.kind == "line"
        for part in f.parts
    ]
    if river_lines:
        ax.add_collection(LineCollection(river_lines, colors=RIVER, linewidths=0.6))

    colorbar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=colormap),
        ax=ax,
        orientation="horizontal",
        shrink=0.6,
        aspect=30,
        pad=0.02,
        location="bottom",
    )
    colorbar.set_label(f"Share of each region held by {style.holder} now")
    colorbar.ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    colorbar.outline.set_linewidth(0.5)
    if handles:
        ax.legend(
            handles=handles,
            loc="lower left",
            frameon=True,
            framealpha=1.0,
            facecolor="white",
            edgecolor="none",
        )
    return fig
