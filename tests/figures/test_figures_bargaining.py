"""The utility frontier and the subgame matrices."""

from __future__ import annotations

import numpy as np
import pytest
from _figure_inputs import make_frontier
from matplotlib.patches import Rectangle

from sim.figures import (
    FrontierStyle,
    MatrixGame,
    subgame_matrices,
    subgame_matrix,
    utility_frontier,
)

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}
POINTS = {"Nash": (0.62, 0.55), "Kalai-Smorodinsky": (0.6, 0.57), "Rubinstein": (0.7, 0.45)}

# Prisoner's dilemma: (Escalate, Escalate) is the only equilibrium.
PD_ROW = np.array([[3, 0], [5, 1]])
PD_COL = np.array([[3, 5], [0, 1]])
# Matching pennies: the only equilibrium is (1/2, 1/2) for both.
MP_ROW = np.array([[1, -1], [-1, 1]])


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_frontier():
    u1, u2 = make_frontier()
    return utility_frontier(
        u1, u2, (0.3, 0.2), POINTS, style=FrontierStyle(actor_labels=("North", "South"))
    )


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_games_two_subgames():
    dilemma = MatrixGame(
        PD_ROW,
        PD_COL,
        ("Hold", "Escalate"),
        ("Hold", "Escalate"),
        "North",
        "South",
        ((np.array([0.0, 1.0]), np.array([0.0, 1.0])),),
        "Escalation",
    )
    pennies = MatrixGame(
        MP_ROW,
        -MP_ROW,
        ("Buy", "Stop"),
        ("Sanction", "Waive"),
        "Patron",
        "Broker",
        ((np.array([0.5, 0.5]), np.array([0.5, 0.5])),),
        "Sanctions",
    )
    return subgame_matrices([dilemma, pennies])


def test_individually_rational_part_is_highlighted():
    u1, u2 = make_frontier()
    ax = utility_frontier(u1, u2, (0.3, 0.2)).axes[0]
    [heavy] = [line for line in ax.lines if line.get_label() == "both prefer to $d$"]
    x, y = heavy.get_xdata(), heavy.get_ydata()
    finite = np.isfinite(x)
    assert (x[finite] >= 0.3).all() and (y[finite] >= 0.2).all()
    assert finite.sum() == ((u1 >= 0.3) & (u2 >= 0.2)).sum()


def test_ideal_point_is_the_best_individually_rational_utility_of_each():
    u1, u2 = make_frontier()
    ax = utility_frontier(u1, u2, (0.3, 0.2)).axes[0]
    [ideal] = [line for line in ax.lines if line.get_label() == "ideal point"]
    rational = (u1 >= 0.3) & (u2 >= 0.2)
    assert ideal.get_xdata()[0] == pytest.approx(u1[rational].max())
    assert ideal.get_ydata()[0] == pytest.approx(u2[rational].max())


def test_named_points_are_in_the_legend_and_nan_points_left_out():
    u1, u2 = make_frontier()
    points = {**POINTS, "Rubinstein": (np.nan, 0.4)}
    [legend] = utility_frontier(u1, u2, (0.3, 0.2), points).legends
    names = [t.get_text() for t in legend.get_texts()]
    assert "Nash" in names and "Kalai-Smorodinsky" in names and "Rubinstein" not in names


def test_frontier_needs_matching_utilities():
    with pytest.raises(ValueError, match="equally long"):
        utility_frontier([0.1, 0.2], [0.1], (0.0, 0.0))


def test_pure_equilibrium_cell_is_outlined():
    fig = subgame_matrix(
        MatrixGame(
            PD_ROW,
            PD_COL,
            row_actions=("Hold", "Escalate"),
            col_actions=("Hold", "Escalate"),
            equilibria=(([0, 1], [0, 1]),),
        )
    )
    ax = fig.axes[0]
    outlined = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_linewidth() > 1]
    assert [(p.get_x(), p.get_y()) for p in outlined] == [(1.0, 1.0)]
    assert "★ pure equilibrium" in [t.get_text() for t in ax.texts]


def test_mixed_equilibrium_is_written_as_probabilities():
    fig = subgame_matrix(
        MatrixGame(
            MP_ROW,
            -MP_ROW,
            row_actions=("Heads", "Tails"),
            col_actions=("Heads", "Tails"),
            row_player="Ann",
            col_player="Bob",
            equilibria=(([0.5, 0.5], [0.5, 0.5]),),
        )
    )
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "  Ann: Heads 50%, Tails 50%" in texts
    assert "  Bob: Heads 50%, Tails 50%" in texts
    assert "−1" in texts  # payoffs use a true minus sign


def test_each_cell_shows_both_payoffs():
    fig = subgame_matrix(MatrixGame(PD_ROW, PD_COL, ("H", "E"), ("H", "E")))
    texts = [t.get_text() for t in fig.axes[0].texts]
    for value in ("3", "0", "5", "1"):
        assert texts.count(value) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"col_payoffs": np.zeros((2, 3))}, "same shape"),
        ({"row_actions": ("only one",)}, "there are 1 row"),
        ({"equilibria": [([1.0], [0.5, 0.5])]}, "mixes must have"),
        ({"equilibria": [([0.7, 0.7], [0.5, 0.5])]}, "probability vectors"),
    ],
)
def test_bad_games_are_refused(kwargs, message):
    arguments = {
        "row_payoffs": PD_ROW,
        "col_payoffs": PD_COL,
        "row_actions": ("H", "E"),
        "col_actions": ("H", "E"),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        MatrixGame(**arguments)


def test_no_games_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        subgame_matrices([])
