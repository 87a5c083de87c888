"""Presentation: the one way areas, shares and numbers are written.

The command line, the plain-words explanations and the figures all write an
area the same way; only the unit's spelling depends on the medium (``km2`` in
text, ``km²`` in figures).  Month labels come from the model
(:meth:`sim.model.scenario.Scenario.month_label`), colours from
:mod:`sim.figures.style`.

>>> km2(162_000.4)
'162,000 km2'
>>> km2(0.4, unit=KM2_PRINT)
'0.4 km²'
>>> km2_share(20_000, 100_000, "about the 2022 line")
'20,000 km2 (20.0%, about the 2022 line)'
>>> km2_cell(20_000, 100_000)
'   20,000 km2  20.0%'
>>> number(162_345.0), number(0.000123)
('162k', '0.000123')
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: The unit of area in plain text (the command line, explanations, messages).
KM2_TEXT = "km2"
#: The unit of area in print (figure labels).
KM2_PRINT = "km²"


def area(value: float) -> str:
    """The number of an area: whole and with thousands separators from 100 up, three
    significant digits below (a unit territory's ``0.4`` stays ``0.4``, not ``0``)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def km2(value: float, unit: str = KM2_TEXT) -> str:
    """An area with its unit: ``12345.6 -> '12,346 km2'``, ``0.3 -> '0.3 km2'``."""
    return f"{area(value)} {unit}"


def share(part: float, total: float) -> str:
    """``part`` as a percentage of ``total`` with one decimal: ``'20.1%'``."""
    return f"{100 * part / total:.1f}%"


def km2_share(value: float, total: float, where: str = "") -> str:
    """An area in a sentence, with its share of ``total`` and, if given, where it lies:
    ``'12,346 km2 (20.1%, about the 2022 line)'``; ``'n/a'`` when it does not exist."""
    if not math.isfinite(value):
        return "n/a"
    return f"{km2(value)} ({share(value, total)}{', ' + where if where else ''})"


def km2_cell(value: float, total: float) -> str:
    """An area in a table cell of fixed width, with its share of ``total``:
    ``'   12,346 km2  20.1%'``; ``'-'`` when it does not exist."""
    if not math.isfinite(value):
        return "-"
    return f"{area(value):>9} {KM2_TEXT} {share(value, total):>6}"


def number(value: float) -> str:
    """A number in at most three significant digits, without scientific notation for the
    sizes parameters take: ``0.000123``, ``0.954``, ``2.87``, ``345``, ``9,000``, ``162k``,
    ``1.5M``."""
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{value / 1e6:.3g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:.3g}k"
    if magnitude >= 1e3:
        return f"{float(f'{value:.3g}'):,.0f}"
    return f"{value:.3g}"


def number_format(values: np.ndarray) -> Callable[[float], str]:
    """A formatter for a column of ``values``, by their largest finite magnitude: whole
    with thousands separators from 100 up, two decimals from 1, three below."""
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    scale = float(finite.max()) if finite.size else 0.0
    if scale >= 100:
        return lambda v: f"{v:,.0f}"
    if scale >= 1:
        return lambda v: f"{v:.2f}"
    return lambda v: f"{v:.3f}"
