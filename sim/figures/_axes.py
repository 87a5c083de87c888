"""Axis and label helpers shared by the figures."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.figures.style import area_unit


def _finite(values: Iterable[float]) -> np.ndarray:
    return np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)


def focus_limits(
    values: Iterable[float],
    total_km2: float,
    pad: float = 0.06,
    nearby: Iterable[float] = (),
    reach: float = 0.5,
) -> tuple[float, float]:
    """Axis limits around ``values`` (NaN ignored), with a margin of ``pad`` times the range.

    ``values`` are the lines that must be seen; ``nearby`` ones (an actor's
    far bound) widen the range only when they lie within ``reach`` times the
    range of ``values`` from it -- farther ones are drawn running off the
    axis.  Callers leave out bounds that only sit on the ends of the territory
    (0 or ``total_km2``), which carry no information.  With no finite value
    the whole territory is shown.
    """
    finite = _finite(values)
    total = float(total_km2) if math.isfinite(total_km2) and total_km2 > 0 else math.nan
    if finite.size == 0:
        finite = _finite(nearby)
        nearby = ()
    if finite.size == 0:
        return (0.0, total) if math.isfinite(total) else (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    scale = total if math.isfinite(total) else max(abs(lo), abs(hi), 1.0)
    core = max(hi - lo, 0.05 * scale)
    extra = _finite(nearby)
    extra = extra[(extra >= lo - reach * core) & (extra <= hi + reach * core)]
    if extra.size:
        lo, hi = min(lo, float(extra.min())), max(hi, float(extra.max()))
    scale = total if math.isfinite(total) else max(abs(lo), abs(hi), 1.0)
    span = max(hi - lo, 0.05 * scale)
    middle = 0.5 * (lo + hi)
    return middle - (0.5 + pad) * span, middle + (0.5 + pad) * span


def km2_axis(ax: Axes, total_km2: float, axis: str = "x", label: str = "") -> None:
    """Label ``ax``'s territorial axis (data in km2) and add a % axis opposite.

    Ticks are in thousand km2 for country-sized territories (plain km2 for
    small ones, see :func:`~sim.figures.style.area_unit`), and the unit is
    appended to ``label``.  The secondary axis shows the same line as a
    percentage of ``total_km2`` (top for ``axis="x"``, right for
    ``axis="y"``); it is left out when the total is unknown.
    """
    low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
    scale = total_km2 if math.isfinite(total_km2) else max(abs(low), abs(high))
    divisor, unit = area_unit(scale)
    formatter = FuncFormatter(lambda v, _: f"{v / divisor:,.6g}")
    locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(formatter)
    target.set_major_locator(locator)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(f"{label} ({unit})")
    if not (math.isfinite(total_km2) and total_km2 > 0):
        return

    def to_percent(km2: np.ndarray) -> np.ndarray:
        return 100.0 * np.asarray(km2, dtype=float) / total_km2

    def to_km2(percent: np.ndarray) -> np.ndarray:
        return np.asarray(percent, dtype=float) * total_km2 / 100.0

    if axis == "x":
        secondary = ax.secondary_xaxis("top", functions=(to_percent, to_km2))
        secondary.set_xlabel("% of the territory")
        secondary.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    else:
        secondary = ax.secondary_yaxis("right", functions=(to_percent, to_km2))
        secondary.set_ylabel("% of the territory")
        secondary.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    secondary.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    secondary.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def wrap_label(text: str, width: int) -> str:
    """``text`` wrapped to lines of about ``width`` characters, its unit kept whole.

    A trailing unit such as ``(per year)`` or ``(km²/month)`` stays on one
    line: its spaces become non-breaking (which :mod:`textwrap` does not split
    at), and a unit longer than ``width`` overflows rather than being cut.
    """
    protected = re.sub(r"\([^()]*\)$", lambda m: m.group(0).replace(" ", "\u00a0"), text)
    return textwrap.fill(protected, width, break_on_hyphens=False, break_long_words=False)
