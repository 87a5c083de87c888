"""Sensitivity bars: which parameters move the outcome?

* Sobol indices (Saltelli, A. et al., 2010, *Comput. Phys. Commun.* 181, 259):
  the first-order index ``S1`` (the share of the outcome's variance due to the
  parameter alone) and the total index ``ST`` (including all its
  interactions), each with its bootstrap confidence interval, as SALib's
  ``sobol.analyze`` returns them (``S1``, ``S1_conf``, ``ST``, ``ST_conf``; the
  ``_conf`` values are half-widths).
* Morris elementary effects (Campolongo, F., Cariboni, J. & Saltelli, A., 2007,
  *Environ. Model. Softw.* 22, 1509): ``mu_star``, the mean absolute effect,
  with its confidence interval, and ``sigma``, the spread of the effects
  (non-linearity or interactions), as SALib's ``morris.analyze`` returns them.

Parameters are sorted by their total effect, largest at the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from sim.figures._axes import wrap_label
from sim.figures.style import OKABE_ITO, new_figure, styled

BAR_INCHES = 0.2
LABEL_CHARS = 28


def _arrays(names: Sequence[str], **arrays: Sequence[float]) -> dict[str, np.ndarray]:
    out = {}
    for key, values in arrays.items():
        array = np.asarray(values, dtype=float).reshape(-1)
        if array.shape != (len(names),):
            raise ValueError(
                f"{key} has {array.size} values but there are {len(names)} parameter names"
            )
        out[key] = array
    return out


@dataclass(frozen=True)
class SobolValues:
    """Sobol indices of one outcome, one value per parameter.

    ``S1`` first-order, ``ST`` total; ``*_conf`` the half-widths of their
    confidence intervals.  ``sim.sweep.SobolIndices`` has the same fields and
    can be drawn as it is.
    """

    S1: Sequence[float]
    S1_conf: Sequence[float]
    ST: Sequence[float]
    ST_conf: Sequence[float]


@dataclass(frozen=True)
class MorrisValues:
    """Morris statistics of one outcome, one value per parameter, in the outcome's units.

    ``sim.sweep.MorrisIndices`` has the same fields and can be drawn as it is.
    """

    mu_star: Sequence[float]
    mu_star_conf: Sequence[float]
    sigma: Sequence[float]


@dataclass(frozen=True)
class _Series:
    """One bar per parameter, with optional error half-widths and a legend label."""

    values: np.ndarray
    errors: np.ndarray | None
    label: str


def _paired_bars(
    names: Sequence[str],
    pair: tuple[_Series, _Series],
    xlabel: str,
    width: str,
    sort_by: np.ndarray,
    top: int | None,
) -> Figure:
    order = np.argsort(-np.nan_to_num(sort_by, nan=-np.inf), kind="stable")
    hidden = 0
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be at least 1, got {top}")
        hidden = max(0, order.size - top)
        order = order[:top]
    n = order.size
    labels = [wrap_label(names[i], LABEL_CHARS) for i in order]
    # Each parameter's pair of bars is at least as tall as its label.
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    pitch = max(BAR_INCHES * 2 * 0.75, 0.11 * lines + 0.06)
    fig = new_figure(width, height_in=pitch * n + 0.85)
    ax = fig.add_subplot()
    y = np.arange(n)
    height = 0.38
    error_style = {"elinewidth": 0.7, "capthick": 0.7, "ecolor": "black"}
    for series, offset, color in zip(
        pair, (-height / 2, height / 2), (OKABE_ITO["blue"], OKABE_ITO["orange"]), strict=True
    ):
        ax.barh(
            y + offset,
            series.values[order],
            height,
            xerr=None if series.errors is None else series.errors[order],
            capsize=1.5,
            color=color,
            label=series.label,
            error_kw=error_style,
        )
    ax.set_yticks(y, labels)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="black", lw=0.6)
    if hidden:
        xlabel += f"\n({hidden} smaller ones not shown)"
    ax.set_xlabel(xlabel)
    ax.grid(axis="x")
    fig.legend(loc="outside upper center", ncols=2)
    return fig


@styled
def sobol_bars(
    names: Sequence[str],
    indices: SobolValues,
    *,
    outcome: str = "the outcome",
    top: int | None = None,
    width: str = "one",
) -> Figure:
    """Bars of first-order and total Sobol indices with confidence intervals.

    Parameters
    ----------
    names : sequence of str
        Parameter names (SALib's ``problem["names"]``), as the axis shows them.
    indices : SobolValues
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, one value per name: indices
        and the half-widths of their confidence intervals (a
        ``sim.sweep.SobolIndices`` will do).
    outcome : str
        What the indices decompose, for the axis label.
    top : int, optional
        Show only the ``top`` parameters with the largest total index (the
        number left out is written under the axis).
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    a = _arrays(
        names, S1=indices.S1, S1_conf=indices.S1_conf, ST=indices.ST, ST_conf=indices.ST_conf
    )
    return _paired_bars(
        names,
        (
            _Series(a["S1"], a["S1_conf"], "first order $S_1$"),
            _Series(a["ST"], a["ST_conf"], "total $S_T$"),
        ),
        f"Sobol index of {outcome}",
        width,
        sort_by=a["ST"],
        top=top,
    )


@styled
def morris_bars(
    names: Sequence[str],
    indices: MorrisValues,
    *,
    outcome: str = "the outcome",
    top: int | None = None,
    width: str = "one",
) -> Figure:
    """Bars of Morris ``mu*`` (with confidence interval) and ``sigma`` per parameter.

    Parameters
    ----------
    names : sequence of str
        Parameter names, as the axis shows them.
    indices : MorrisValues
        ``mu_star``, ``mu_star_conf``, ``sigma``, one value per name, in the
        outcome's units (a ``sim.sweep.MorrisIndices`` will do).
    outcome : str
        The outcome and its units, for the axis label.
    top : int, optional
        Show only the ``top`` parameters with the largest ``mu*``.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    a = _arrays(
        names,
        mu_star=indices.mu_star,
        mu_star_conf=indices.mu_star_conf,
        sigma=indices.sigma,
    )
    return _paired_bars(
        names,
        (
            _Series(a["mu_star"], a["mu_star_conf"], "mean |effect| μ*"),
            _Series(a["sigma"], None, "spread σ"),
        ),
        f"Elementary effect on {outcome}",
        width,
        sort_by=a["mu_star"],
        top=top,
    )
