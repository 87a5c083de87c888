"""The phase map: where in a plane of two parameters can a ceasefire line exist?

Over a grid of two swept parameters: the width of the ZOPA as colour (a
perceptually uniform, colour-blind-safe map, viridis) where it exists, the
region without a ZOPA in pale grey with hatching, the boundary between the two
as a black contour, and the baseline's parameters as a star.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.figures._axes import wrap_label
from sim.figures.style import GREY_LIGHT, area_unit, new_figure, styled

#: Characters per line of the (x, y) axis labels at each width (7 pt type).
LABEL_CHARS = {"one": (60, 48), "two": (120, 48)}


def _axis_label(dataset: xr.Dataset, dim: str, labels: Mapping[str, str] | None) -> str:
    if labels and dim in labels:
        return labels[dim]
    if dim in dataset.coords:
        attrs = dataset.coords[dim].attrs
        name = attrs.get("long_name") or dim
        return f"{name} ({attrs['units']})" if attrs.get("units") else str(name)
    return dim


def _boundary_field(dataset: xr.Dataset, exists: np.ndarray, x: str, y: str) -> np.ndarray:
    """A field whose zero contour is the boundary of the region where a ZOPA exists.

    With the ZOPA's bounds in the dataset, the signed width ``hi - lo`` (negative:
    the bounds cross), so that the contour interpolates where the bounds meet
    between grid points; kept positive where a ZOPA exists and negative where
    none does (an actor that accepts no line at all).  Without the bounds, the
    0/1 indicator shifted by one half.
    """
    if {"zopa_lo_km2", "zopa_hi_km2"} <= set(dataset.data_vars):
        signed = (dataset["zopa_hi_km2"] - dataset["zopa_lo_km2"]).transpose(y, x).values
        signed = np.asarray(signed, dtype=float)
        tiny = 1e-9 * max(1.0, float(np.nanmax(np.abs(signed), initial=0.0)))
        if np.isfinite(signed).all():
            return np.where(exists, np.maximum(signed, tiny), np.minimum(signed, -tiny))
    return exists.astype(float) - 0.5


@styled
def phase_map(
    dataset: xr.Dataset,
    *,
    x: str | None = None,
    y: str | None = None,
    baseline: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    width: str = "one",
) -> Figure:
    """Draw where a ZOPA exists over two swept parameters.

    Parameters
    ----------
    dataset : xarray.Dataset
        Exactly two dimensions, with coordinates, and the variables
        ``zopa_exists`` (bool) and ``zopa_width_km2`` (km2) over them;
        with ``zopa_lo_km2`` and ``zopa_hi_km2`` too, the boundary is drawn
        where the bounds meet, interpolated between grid points.
    x, y : str, optional
        Dimension on each axis; by default the dataset's first dimension on
        x and its second on y.
    baseline : mapping, optional
        ``{dim: value}`` of the baseline scenario, drawn as a star.
    labels : mapping, optional
        Axis labels by dimension; by default the coordinate's ``long_name``
        and ``units`` attributes, else the dimension name.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a variable or dimension is missing or the grid is not two-dimensional.
    """
    missing = [v for v in ("zopa_exists", "zopa_width_km2") if v not in dataset.data_vars]
    if missing:
        raise ValueError(f"phase map needs the variables {missing} in the dataset")
    dims = list(dataset["zopa_exists"].dims)
    if len(dims) != 2:
        raise ValueError(f"phase map needs exactly two dimensions, got {dims}")
    x = x or dims[0]
    y = y or next(d for d in dims if d != x)
    if {x, y} != set(dims):
        raise ValueError(f"x={x!r} and y={y!r} must be the two dimensions {dims}")
    exists = dataset["zopa_exists"].transpose(y, x).values.astype(bool)
    width_km2 = dataset["zopa_width_km2"].transpose(y, x).values.astype(float)
    xs = dataset[x].values if x in dataset.coords else np.arange(exists.shape[1])
    ys = dataset[y].values if y in dataset.coords else np.arange(exists.shape[0])

    fig = new_figure(width, aspect=0.8 if width == "one" else 0.5)
    ax = fig.add_subplot()
    no_zopa = np.ma.masked_where(exists, np.ones(exists.shape))
    ax.pcolor(
        xs,
        ys,
        no_zopa,
        shading="nearest",
        cmap=ListedColormap([GREY_LIGHT]),
        hatch="////",
        edgecolor="#777777",
        linewidth=0.0,
        antialiased=False,
    )
    mesh = ax.pcolormesh(
        xs,
        ys,
        np.ma.masked_where(~exists, width_km2),
        shading="nearest",
        cmap="viridis",
        vmin=0.0,
        rasterized=False,
    )
    colorbar = fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.02, aspect=25)
    widest = float(np.nanmax(np.where(exists, width_km2, 0.0))) if exists.any() else 0.0
    divisor, unit = area_unit(widest)
    colorbar.set_label(f"ZOPA width ({unit})")
    colorbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / divisor:,.6g}"))
    colorbar.outline.set_linewidth(0.5)
    if exists.any() and not exists.all() and min(exists.shape) >= 2:
        ax.contour(
            xs,
            ys,
            _boundary_field(dataset, exists, x, y),
            levels=[0.0],
            colors="black",
            linewidths=1.0,
        )

    handles = []
    if not exists.all():
        handles.append(
            Patch(facecolor=GREY_LIGHT, hatch="////", edgecolor="#777777", lw=0, label="no ZOPA")
        )
    if baseline is not None:
        if set(baseline) != {x, y}:
            raise ValueError(f"baseline must give a value for {x!r} and {y!r}, got {baseline!r}")
        (star,) = ax.plot(
            baseline[x],
            baseline[y],
            marker="*",
            ms=9,
            color="white",
            mec="black",
            mew=0.8,
            ls="none",
            label="baseline",
            clip_on=False,
        )
        handles.append(star)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    ax.legend(
        title="a ZOPA exists everywhere shown" if exists.all() else None,
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 1.0),
        frameon=True,
        framealpha=0.9,
        edgecolor="none",
        fontsize=7,
    )
    # Long labels (a parameter's path in words, with its unit) wrap to the axis' length.
    ax.set_xlabel(wrap_label(_axis_label(dataset, x, labels), LABEL_CHARS[width][0]))
    ax.set_ylabel(wrap_label(_axis_label(dataset, y, labels), LABEL_CHARS[width][1]))
    return fig
