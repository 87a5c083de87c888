"""Subgame matrices: bimatrix games drawn as tables, with their equilibria.

Each cell shows the row player's payoff and the column player's payoff in the
players' colours.  Pure equilibria are outlined and starred; mixed equilibria
are written under the table as each player's probabilities.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.figures.style import ACTOR_PALETTE, GREY_LIGHT, new_figure, styled

PURE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class MatrixGame:
    """A bimatrix game to draw.

    ``row_payoffs[i, j]`` and ``col_payoffs[i, j]`` are the payoffs when the
    row player plays action ``i`` and the column player action ``j``;
    ``equilibria`` holds ``(row_mix, col_mix)`` probability vectors;
    ``note`` is written under the table (e.g. which equilibrium is selected).
    """

    row_payoffs: np.ndarray
    col_payoffs: np.ndarray
    row_actions: tuple[str, ...]
    col_actions: tuple[str, ...]
    row_player: str = "Row"
    col_player: str = "Column"
    equilibria: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    title: str = ""
    row_color: str = ACTOR_PALETTE[0]
    col_color: str = ACTOR_PALETTE[1]
    note: str = ""

    def __post_init__(self) -> None:
        a = np.asarray(self.row_payoffs, dtype=float)
        b = np.asarray(self.col_payoffs, dtype=float)
        if a.ndim != 2 or a.shape != b.shape:
            raise ValueError(
                f"payoff matrices must be 2-D and of the same shape, got {a.shape} and {b.shape}"
            )
        if a.shape != (len(self.row_actions), len(self.col_actions)):
            raise ValueError(
                f"payoffs have shape {a.shape} but there are {len(self.row_actions)} row and "
                f"{len(self.col_actions)} column actions"
            )
        equilibria = []
        for k, (row_mix, col_mix) in enumerate(self.equilibria):
            p = np.asarray(row_mix, dtype=float).reshape(-1)
            q = np.asarray(col_mix, dtype=float).reshape(-1)
            if p.shape != (a.shape[0],) or q.shape != (a.shape[1],):
                raise ValueError(f"equilibrium {k}: mixes must have {a.shape} entries")
            if (
                (p < -PURE_TOLERANCE).any()
                or (q < -PURE_TOLERANCE).any()
                or not (np.isclose(p.sum(), 1.0) and np.isclose(q.sum(), 1.0))
            ):
                raise ValueError(f"equilibrium {k}: mixes must be probability vectors")
            equilibria.append((p, q))
        object.__setattr__(self, "row_payoffs", a)
        object.__setattr__(self, "col_payoffs", b)
        object.__setattr__(self, "equilibria", tuple(equilibria))


def _pure_cell(p: np.ndarray, q: np.ndarray) -> tuple[int, int] | None:
    if np.isclose(p.max(), 1.0, atol=PURE_TOLERANCE) and np.isclose(
        q.max(), 1.0, atol=PURE_TOLERANCE
    ):
        return int(p.argmax()), int(q.argmax())
    return None


def _number(value: float) -> str:
    return f"{value:.3g}".replace("-", "\u2212")


def _mix_text(mix: np.ndarray, actions: Sequence[str]) -> str:
    return ", ".join(f"{actions[i]} {mix[i]:.0%}" for i in range(mix.size) if mix[i] > 1e-9)


CELL_INCHES = 0.3
LINE_UNITS = 0.45


def _mixed_lines(game: MatrixGame) -> list[str]:
    lines = []
    for p, q in game.equilibria:
        if _pure_cell(p, q) is None:
            lines += [
                "Mixed equilibrium:",
                f"  {game.row_player}: {_mix_text(p, game.row_actions)}",
                f"  {game.col_player}: {_mix_text(q, game.col_actions)}",
            ]
    return lines


def _note_lines(game: MatrixGame) -> list[str]:
    pure = any(_pure_cell(p, q) is not None for p, q in game.equilibria)
    lines = (["★ pure equilibrium"] if pure else []) + _mixed_lines(game)
    if not game.equilibria:
        lines = ["no equilibrium given"]
    return lines + [line for line in game.note.splitlines() if line.strip()]


def _panel_units(game: MatrixGame) -> float:
    """Height of a game's panel in cell heights."""
    return game.row_payoffs.shape[0] + 1.0 + LINE_UNITS * len(_note_lines(game))


def draw_matrix_game(
    ax: Axes, game: MatrixGame, height_units: float | None = None, title_chars: int = 50
) -> None:
    """Draw ``game`` as a table on ``ax`` (data coordinates: cells of unit size).

    ``height_units`` is the panel height in cell heights (panels of one
    figure share it so that their cells line up); the title is wrapped at
    ``title_chars`` characters.
    """
    m, n = game.row_payoffs.shape
    height_units = height_units or _panel_units(game)
    ax.set_xlim(-1.4, n + 0.05)
    ax.set_ylim(height_units - 1.0, -1.0)
    ax.set_axis_off()
    pure = {cell for p, q in game.equilibria if (cell := _pure_cell(p, q)) is not None}
    for i in range(m):
        for j in range(n):
            starred = (i, j) in pure
            ax.add_patch(
                Rectangle(
                    (j, i),
                    1,
                    1,
                    facecolor="#EFEFEF" if starred else "white",
                    edgecolor="black" if starred else GREY_LIGHT,
                    lw=1.4 if starred else 0.6,
                    zorder=2 if starred else 1,
                )
            )
            center = (j + 0.5, i + 0.5)
            ax.annotate(
                _number(game.row_payoffs[i, j]),
                center,
                xytext=(-3, 0),
                textcoords="offset points",
                color=game.row_color,
                ha="right",
                va="center",
                fontweight="bold",
                zorder=3,
            )
            ax.text(*center, ",", ha="center", va="center", zorder=3)
            ax.annotate(
                _number(game.col_payoffs[i, j]),
                center,
                xytext=(3, 0),
                textcoords="offset points",
                color=game.col_color,
                ha="left",
                va="center",
                fontweight="bold",
                zorder=3,
            )
            if starred:
                ax.text(j + 0.96, i + 0.06, "★", ha="right", va="top", zorder=3)
    for i, action in enumerate(game.row_actions):
        ax.text(-0.06, i + 0.5, action, ha="right", va="center", color=game.row_color)
    for j, action in enumerate(game.col_actions):
        ax.text(j + 0.5, -0.06, action, ha="center", va="bottom", color=game.col_color)
    ax.text(
        n / 2,
        -0.55,
        game.col_player,
        ha="center",
        va="bottom",
        color=game.col_color,
        fontweight="bold",
    )
    ax.text(
        -0.06,
        -0.55,
        game.row_player,
        ha="right",
        va="bottom",
        color=game.row_color,
        fontweight="bold",
    )
    if game.title:
        ax.set_title(textwrap.fill(game.title, title_chars))
    for k, line in enumerate(_note_lines(game)):
        ax.text(-1.35, m + 0.12 + LINE_UNITS * k, line, ha="left", va="top")


@styled
def subgame_matrices(games: Sequence[MatrixGame], *, width: str = "two") -> Figure:
    """Draw one or more bimatrix games side by side (two per row at two columns).

    Parameters
    ----------
    games : sequence of MatrixGame
        The games, in reading order.
    width : {"one", "two"}
        One-column (89 mm, one game per row) or two-column (183 mm, two per row).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not games:
        raise ValueError("games must hold at least one MatrixGame")
    per_row = 1 if width == "one" else min(2, len(games))
    rows = -(-len(games) // per_row)
    units = max(_panel_units(g) for g in games)
    title_chars = 46
    title_lines = max(len(textwrap.wrap(g.title, title_chars)) for g in games)
    title_inches = 0.03 + 0.13 * title_lines
    fig = new_figure(width, height_in=rows * (units * CELL_INCHES + title_inches) + 0.1)
    axes = fig.subplots(rows, per_row, squeeze=False).reshape(-1)
    for ax, game in zip(axes, games, strict=False):
        draw_matrix_game(ax, game, units, title_chars)
    for ax in axes[len(games) :]:
        ax.set_visible(False)
    return fig


def subgame_matrix(game: MatrixGame, *, width: str = "one") -> Figure:
    """Draw one bimatrix game with its equilibria, one column wide by default.

    Parameters
    ----------
    game : MatrixGame
        The payoffs, actions, players, equilibria (pure ones are outlined in
        the table), the players' colours, a title and a note.
    width : {"one", "two"}
        One-column (89 mm) or two-column (183 mm) figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return subgame_matrices([game], width=width)
