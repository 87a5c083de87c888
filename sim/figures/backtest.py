"""The back-test: the decisions the actors took and the front out of sample.

Left, each real decision (row) and scored actor (column), coloured by the model's
``p_accept`` (the share of draws in which the actor accepts) on a sequential colormap
whose lightness rises with the value (cividis: readable in grey and under the common
colour-vision deficiencies; Nuñez, Anderton & Renslow, 2018, *PLoS ONE* 13, e0199239);
the observed answer is marked in the cell (✓ accepted, ✗ rejected; blank and grey where
the actor is not scored).  Right, the observed total front line, each origin's
out-of-sample forecast as a thin line, and the two baselines computed the same way
(persistence and the six-month trend), with their RMSE over all leads.

Inputs are duck-typed results: ``decisions`` has ``decision_ids``, ``decision_labels``,
``actors``, ``p_accept`` ``(D, A)`` (NaN where not scored) and ``observed`` ``(D, A)``
(+1 accept, -1 reject, 0 not scored), as ``sim.backtest.decisions.Backtest``; ``front``
has ``months``, ``observed_km2``, ``origins``, ``origin_index``, ``horizon``,
``model_km2``, ``persistence_km2``, ``trend_km2``, ``rmse()`` and
``conditional_on_observed_inputs``, as ``sim.backtest.front.FrontBacktest``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.figures._axes import wrap_label
from sim.figures.style import GREY, GREY_LIGHT, OKABE_ITO, area_unit, new_figure, styled
from sim.figures.timeline import month_dates

#: The sequential colormap of ``p_accept`` (lightness rises monotonically with the value).
CMAP = "cividis"

MODEL_COLOR = OKABE_ITO["blue"]
PERSISTENCE_COLOR = GREY
TREND_COLOR = OKABE_ITO["orange"]

MARKS = {1: "✓", -1: "✗"}


def _check_decisions(decisions: Any) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(decisions.p_accept, dtype=float)
    obs = np.asarray(decisions.observed, dtype=int)
    shape = (len(decisions.decision_ids), len(decisions.actors))
    if p.shape != shape or obs.shape != shape:
        raise ValueError(
            f"p_accept {p.shape} and observed {obs.shape} must be (decisions, actors) = {shape}"
        )
    return p, obs


def _actor(key: str) -> str:
    return key.upper() if len(key) <= 2 else key.replace("_", " ").capitalize()


def _draw_decisions(ax: Axes, decisions: Any, width: str) -> Any:
    p, obs = _check_decisions(decisions)
    n_dec, n_act = p.shape
    cmap = colormaps[CMAP].with_extremes(bad=GREY_LIGHT)
    norm = Normalize(0.0, 1.0)
    image = ax.imshow(
        np.ma.masked_invalid(p), cmap=cmap, norm=norm, aspect="auto", interpolation="nearest"
    )
    for i in range(n_dec):
        for j in range(n_act):
            if not np.isfinite(p[i, j]):
                ax.text(j, i, "–", ha="center", va="center", color=GREY, fontsize=7)
                continue
            r, g, b, _ = cmap(norm(p[i, j]))
            ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            mark = MARKS.get(int(obs[i, j]), "")
            text = f"{mark} {p[i, j]:.2f}".strip()
            ax.text(j, i, text, ha="center", va="center", color=ink, fontsize=7)
    labels = getattr(decisions, "actor_labels", None) or [_actor(a) for a in decisions.actors]
    ax.set_xticks(range(n_act), labels)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    chars = 22 if width == "two" else 16
    ax.set_yticks(range(n_dec), [wrap_label(str(d), chars) for d in decisions.decision_labels])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("Decisions: the model's p(accept)", loc="left", pad=14)
    ax.set_xlabel("observed: ✓ accepted, ✗ rejected, – not scored")
    return image


def _draw_front(ax: Axes, front: Any, width: str) -> None:
    months = month_dates(list(front.months))
    observed = np.asarray(front.observed_km2, dtype=float)
    div, unit = area_unit(float(np.nanmax(observed)))
    ok = np.isfinite(observed)
    ax.plot(months[ok], observed[ok] / div, color="black", lw=1.4, zorder=3)
    series = (
        (front.persistence_km2, PERSISTENCE_COLOR, (0, (3, 1.5))),
        (front.trend_km2, TREND_COLOR, (0, (1, 1))),
        (front.model_km2, MODEL_COLOR, "-"),
    )
    for n, o in enumerate(front.origin_index):
        ahead = months[o : o + 1 + front.horizon]
        ax.plot(months[o], observed[o] / div, "o", color="black", ms=2.5, zorder=4)
        for values, color, style in series:
            path = np.concatenate([[observed[o]], np.asarray(values[n], float)])[: ahead.size]
            ax.plot(ahead, path / div, color=color, ls=style, lw=0.7, zorder=2)
    locator = AutoDateLocator(minticks=4, maxticks=8 if width == "two" else 5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    ax.set_ylabel(f"held by Russia ({unit})")
    ax.grid(axis="y")
    total = front.rmse()
    handles = [
        Line2D([], [], color="black", lw=1.4, label="observed (DeepStateMap)"),
        Line2D([], [], color=MODEL_COLOR, lw=0.7, label=f"model, RMSE {total['model']:,.0f} km²"),
        Line2D(
            [],
            [],
            color=TREND_COLOR,
            lw=0.7,
            ls=(0, (1, 1)),
            label=f"6-month trend, RMSE {total['trend']:,.0f} km²",
        ),
        Line2D(
            [],
            [],
            color=PERSISTENCE_COLOR,
            lw=0.7,
            ls=(0, (3, 1.5)),
            label=f"no change, RMSE {total['persistence']:,.0f} km²",
        ),
    ]
    # Headroom above the lines for the legend (the front moves slowly: the lines fill the
    # lower part of the panel).
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.42 * (hi - lo))
    ax.legend(handles=handles, loc="upper left")
    ax.set_title(f"The front: forecasts from {len(front.origins)} origins", loc="left")
    if front.conditional_on_observed_inputs:
        ax.text(
            0.99,
            0.02,
            "conditional on observed inputs",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            color="#4D4D4D",
            fontsize=7,
        )


@styled
def backtest_figure(decisions: Any, front: Any, *, width: str = "two") -> Figure:
    """The decisions (left) and the front out of sample (right), side by side.

    Parameters
    ----------
    decisions : the decisions back-test (see the module's docstring for the attributes),
        or None for the front's panel alone.
    front : the front back-test.
    width : {"one", "two"}
        Two columns side by side (183 mm), or one column with the panels stacked (89 mm).
    """
    if decisions is None:
        fig = new_figure(width, aspect=0.42 if width == "two" else 0.8)
        _draw_front(fig.add_subplot(), front, width)
        return fig
    if width == "two":
        fig = new_figure(width, aspect=0.42)
        left, right = fig.subplots(1, 2, width_ratios=(1.0, 1.35))
    else:
        fig = new_figure(width, aspect=1.45)
        left, right = fig.subplots(2, 1, height_ratios=(1.0, 1.1))
    image = _draw_decisions(left, decisions, width)
    bar = fig.colorbar(image, ax=left, fraction=0.06, pad=0.02)
    bar.set_label("p(accept)")
    bar.outline.set_linewidth(0.4)
    _draw_front(right, front, width)
    return fig
