"""The ZOPA diagram: who accepts which ceasefire line, and where the line may fall.

One row per item on a common territorial axis (the line, in km2 held by the
scenario's first war side, with the same line as a % of the territory on top):

* *acceptable to*: each actor's acceptable lines ``[lo, hi]`` as a band in its
  colour (veto players first; an actor without a veto is drawn pale); an actor
  that accepts no line says so;
* *ZOPA*: the intersection over the veto players, shaded through every row;
  when empty, the gap between the crossing bounds and the actors that cross;
* the lines predicted by the solution concepts (Nash, Kalai-Smorodinsky,
  Rubinstein, ...), the scenario's named deals (hollow when a veto player
  rejects them, with who vetoes), the reference lines and the status quo, each
  with a thin vertical guide through the actor bands.

Rows instead of labels along the axis keep every name legible at one-column
width however close the lines are.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.figures._axes import focus_limits, km2_axis
from sim.figures.style import (
    GREY,
    GREY_DARK,
    GREY_LIGHT,
    actor_colors,
    new_figure,
    styled,
)
from sim.format import KM2_PRINT, km2
from sim.results import SolveResult, Zopa

#: Display names of the solution concepts by the keys the engine uses.
SOLUTION_LABELS: dict[str, str] = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "rubinstein": "Rubinstein",
    "unanimity": "Unanimity bargaining",
}
SOLUTION_MARKERS: tuple[str, ...] = ("o", "s", "^", "v", "P", "X", "*")

ROW_INCHES = 0.165
SECTION_GAP = 0.55
LABEL_CHARS = 26


@dataclass
class _Row:
    label: str
    section: str
    height: float = 1.0
    y: float = 0.0


def _solution_label(key: str) -> str:
    return SOLUTION_LABELS.get(key, key.replace("_", " ").capitalize())


def _inside(value: float, total: float) -> bool:
    """A bound strictly inside the territory (not one of its ends)."""
    tolerance = 1e-9 * max(total, 1.0) if math.isfinite(total) else 0.0
    return math.isfinite(value) and tolerance < value < total - tolerance


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_CHARS)) or label


def _side_note(
    ax: Axes, left: float, right: float, y: float, text: str, color: str = "black"
) -> None:
    """Write ``text`` beside the item spanning ``[left, right]``, on the side with more room."""
    x0, x1 = ax.get_xlim()
    on_right = (x1 - right) >= (left - x0)
    ax.annotate(
        text,
        xy=(right if on_right else left, y),
        xytext=(5 if on_right else -5, 0),
        textcoords="offset points",
        ha="left" if on_right else "right",
        va="center",
        color=color,
    )


@styled
def zopa_diagram(
    result: SolveResult,
    *,
    width: str = "one",
    line_label: str | None = None,
) -> Figure:
    """Draw the ZOPA diagram of one solved scenario at one month.

    Parameters
    ----------
    result : sim.results.SolveResult
        What ``sim.solve`` returns.  Uses ``acceptable`` (NaN bounds: the actor
        accepts no line), ``veto_players``, ``zopa``, ``solutions`` (concept ->
        km2, NaN: none), ``deal_lines``/``deal_labels``/``deals``,
        ``reference_lines``/``reference_labels``, ``status_quo_km2``,
        ``total_km2`` (for the % axis), ``actor_labels`` and ``actor_colors``.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.
    line_label : str, optional
        Label of the territorial axis, without the unit (appended); by default
        it says which side's area the line measures when the result names it
        (``line_holder``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    plan = _plan(result)
    rows, y_max = _rows(result, plan)
    row_of = iter(rows)
    x0, x1 = _x_limits(result, plan)

    fig = new_figure(width, height_in=ROW_INCHES * y_max + 0.85)
    ax = fig.add_subplot()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y_max, 0)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    holder = getattr(result, "line_holder", None)
    default_label = f"Line: area held by {holder}" if holder else "Ceasefire line"
    km2_axis(ax, float(result.total_km2), "x", line_label or default_label)
    canvas = _Canvas(ax, x0, x1)

    _draw_guides(canvas, result)
    _draw_actors(canvas, result, plan, row_of)
    _draw_zopa(canvas, result.zopa, plan.labels, next(row_of))
    _draw_solutions(canvas, plan.solutions, row_of)
    _draw_deals(canvas, result, plan, row_of)
    _draw_references(canvas, result, row_of)
    ax.set_yticks([r.y for r in rows], [r.label for r in rows])
    _draw_section_lines(ax, rows)
    return fig


@dataclass(frozen=True)
class _Plan:
    """Who and what the diagram shows, in row order."""

    veto: list[str]
    others: list[str]
    solutions: dict[str, float]
    labels: dict[str, str]
    colors: dict[str, str]


@dataclass(frozen=True)
class _Canvas:
    """The axes and its horizontal limits (km2)."""

    ax: Axes
    x0: float
    x1: float


def _plan(result: SolveResult) -> _Plan:
    veto = [a for a in result.actors if a in result.acceptable and a in result.veto_players]
    return _Plan(
        veto=veto,
        others=[a for a in result.actors if a in result.acceptable and a not in veto],
        solutions={k: float(v) for k, v in result.solutions.items() if math.isfinite(v)},
        labels={a: result.actor_labels.get(a, a) for a in result.actors},
        colors=actor_colors(result.actors, result.actor_colors),
    )


def _rows(result: SolveResult, plan: _Plan) -> tuple[list[_Row], float]:
    """The rows top to bottom, laid out with a gap between sections; and the total height."""
    labels = plan.labels
    rows: list[_Row] = [_Row(labels[a], "actors") for a in plan.veto]
    rows += [_Row(f"{labels[a]} (no veto)", "actors") for a in plan.others]
    if result.zopa.exists:
        rows.append(_Row(f"ZOPA: {km2(result.zopa.width_km2, KM2_PRINT)} wide", "zopa"))
    else:
        rows.append(_Row("ZOPA", "zopa", 2.4))
    rows += [_Row(_solution_label(k), "solutions") for k in plan.solutions]
    rows += [_Row(result.deal_labels.get(k, k), "deals") for k in result.deal_lines]
    rows += [_Row(result.reference_labels.get(k, k), "references") for k in result.reference_lines]
    rows.append(_Row(f"Status quo ({result.month})", "references"))
    for row in rows:
        row.label = _wrap(row.label)
        row.height = max(row.height, 1.0 + 0.6 * row.label.count("\n"))
    y = 0.0
    for index, row in enumerate(rows):
        if index and row.section != rows[index - 1].section:
            y += SECTION_GAP
        row.y = y + row.height / 2
        y += row.height
    return rows, y


def _x_limits(result: SolveResult, plan: _Plan) -> tuple[float, float]:
    """Every line drawn must show; the actors' bounds when they are near."""
    total = float(result.total_km2)
    focus = [*result.reference_lines.values(), *result.deal_lines.values()]
    focus += [*plan.solutions.values()]
    focus += [result.status_quo_km2, result.zopa.lo_km2, result.zopa.hi_km2]
    actors = (*plan.veto, *plan.others)
    bounds = [b for a in actors for b in result.acceptable[a] if _inside(b, total)]
    return focus_limits(focus, total, nearby=bounds)


def _guide(canvas: _Canvas, x: float, **style: object) -> None:
    """A thin vertical line through every row at ``x`` when it is on the axis."""
    if canvas.x0 <= x <= canvas.x1:
        canvas.ax.axvline(x, zorder=0, **style)


def _draw_guides(canvas: _Canvas, result: SolveResult) -> None:
    for value in result.reference_lines.values():
        _guide(canvas, value, color=GREY, lw=0.5, ls=(0, (1, 1.5)))
    _guide(canvas, result.status_quo_km2, color=GREY_DARK, lw=0.8)
    if result.zopa.exists:
        canvas.ax.axvspan(result.zopa.lo_km2, result.zopa.hi_km2, color="black", alpha=0.07, lw=0)


def _band(canvas: _Canvas, y: float, bounds: tuple[float, float], color: str, pale: bool) -> None:
    """An actor's acceptable lines ``bounds``; a band running off the axis ends in an arrowhead."""
    ax, x0, x1 = canvas.ax, canvas.x0, canvas.x1
    lo, hi = bounds
    left, right = max(lo, x0), min(hi, x1)
    if right > left:
        ax.barh(
            y,
            right - left,
            left=left,
            height=0.62,
            color=color,
            alpha=0.35 if pale else 0.9,
            edgecolor=color,
            linewidth=0.6,
        )
    for end, edge, marker in ((lo, x0, "<"), (hi, x1, ">")):
        beyond = end < edge if marker == "<" else end > edge
        if beyond and right > left:
            ax.plot(edge, y, marker=marker, color=color, ms=3.5, clip_on=False)


def _draw_actors(canvas: _Canvas, result: SolveResult, plan: _Plan, row_of: Iterator[_Row]) -> None:
    for actor in (*plan.veto, *plan.others):
        row = next(row_of)
        lo, hi = result.acceptable[actor]
        if math.isfinite(lo) and math.isfinite(hi) and hi >= lo:
            _band(canvas, row.y, (lo, hi), plan.colors[actor], pale=actor in plan.others)
        else:
            canvas.ax.text(
                0.5 * (canvas.x0 + canvas.x1),
                row.y,
                "accepts no line",
                color=plan.colors[actor],
                ha="center",
                va="center",
                style="italic",
            )


def _draw_zopa(canvas: _Canvas, zopa: Zopa, labels: dict[str, str], row: _Row) -> None:
    """The ZOPA's bar, or why there is none (the gap between the crossing bounds)."""
    ax = canvas.ax
    if zopa.exists:
        ax.barh(row.y, zopa.width_km2, left=zopa.lo_km2, height=0.62, color=GREY_DARK)
        return
    names = [labels.get(a, a) for a in zopa.binding]
    if len(names) >= 2 and math.isfinite(zopa.gap_km2):
        ax.annotate(
            "",
            xy=(zopa.lo_km2, row.y - 0.55),
            xytext=(zopa.hi_km2, row.y - 0.55),
            arrowprops={
                "arrowstyle": "|-|",
                "color": "black",
                "lw": 0.8,
                "mutation_scale": 2.5,
                "shrinkA": 0,
                "shrinkB": 0,
            },
        )
        gap = km2(zopa.gap_km2, KM2_PRINT)
        note = f"No ZOPA: gap {gap}\n{names[0]}'s minimum > {names[1]}'s maximum"
    else:
        who = names[0] if names else "a veto player"
        note = f"No ZOPA: {who} accepts no line"
    ax.text(
        0.5 * (canvas.x0 + canvas.x1),
        row.y - 0.1,
        note,
        ha="center",
        va="top",
        linespacing=1.15,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
    )


def _draw_solutions(canvas: _Canvas, solutions: dict[str, float], row_of: Iterator[_Row]) -> None:
    for index, value in enumerate(solutions.values()):
        row = next(row_of)
        canvas.ax.plot(
            value,
            row.y,
            marker=SOLUTION_MARKERS[index % len(SOLUTION_MARKERS)],
            color="black",
            ms=4.5,
            ls="none",
        )


def _draw_deals(canvas: _Canvas, result: SolveResult, plan: _Plan, row_of: Iterator[_Row]) -> None:
    """Each named deal: filled when every veto player accepts it, hollow with who vetoes."""
    for key, value in result.deal_lines.items():
        row = next(row_of)
        verdicts = result.deals.get(key, {})
        refusing = [a for a, v in verdicts.items() if v.veto and not v.accepts]
        vetoes = [plan.labels.get(a, a) for a in refusing]
        # a veto player that accepts only if ratified at home (issue 17): said on a second line
        pending = [plan.labels.get(a, a) for a in refusing if verdicts[a].if_ratified is not None]
        canvas.ax.plot(
            value,
            row.y,
            marker="D",
            ms=4,
            ls="none",
            color="black",
            markerfacecolor="white" if vetoes else "black",
        )
        if vetoes:
            veto = plan.veto
            everyone = set(refusing) >= set(veto) and len(veto) > 2
            firm = [v for v in vetoes if v not in pending]
            note = "vetoed by all veto players" if everyone else "vetoed by " + ", ".join(firm)
            if pending and not everyone:
                note = ("" if not firm else note + "\n") + ", ".join(pending) + ": if ratified"
            _side_note(canvas.ax, value, value, row.y, note, GREY_DARK)


def _draw_references(canvas: _Canvas, result: SolveResult, row_of: Iterator[_Row]) -> None:
    for value in result.reference_lines.values():
        row = next(row_of)
        canvas.ax.plot(value, row.y, marker="|", ms=7, mew=1.2, color="black", ls="none")
    row = next(row_of)
    canvas.ax.plot(
        result.status_quo_km2, row.y, marker="|", ms=7, mew=1.6, color=GREY_DARK, ls="none"
    )


def _draw_section_lines(ax: Axes, rows: list[_Row]) -> None:
    previous = rows[0]
    for r in rows[1:]:
        if r.section != previous.section:
            boundary = previous.y + previous.height / 2 + SECTION_GAP / 2
            ax.axhline(boundary, color=GREY_LIGHT, lw=0.5, zorder=0)
        previous = r
