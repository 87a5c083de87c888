r"""Red lines and ratification: constraints that no package of other terms can buy.

A **red line** of actor ``i`` is a set of deals it cannot accept on its own authority,
whatever the other terms (a non-compensatory constraint, not a weight):

* ``term_above``: a term beyond a limit (Ukraine's constitution, art. 73: a change of
  territory only by an all-Ukrainian referendum, so a de jure cession, ``recognition > 0.5``;
  a binding cap on its army);
* ``line_above_status_quo`` / ``line_below_status_quo``: a line that cedes land the actor
  holds, by more than a margin (Ukraine withdrawing from land it holds; Russia returning
  land in the oblasts its constitution has claimed since Oct 2022).

Such a deal is acceptable only if **ratified** (Putnam 1988, the two-level game): the
actor's verdict becomes "accepts if ratified", with the probability that a referendum
passes, from polling: with ``s = yes / (yes + no)`` the polled share of the decided,

.. math::  P(\text{ratified}) = P_{parl}\;\Phi\Bigl(\frac{s - \tau}{\sigma}\Bigr),

``tau`` the threshold (a majority, 0.5), ``sigma`` the campaign's swing (a normal
approximation to the vote's uncertainty) and ``P_parl`` the parliament's approval.  A
deal that crosses several red lines goes to one vote that the least popular of its
terms decides (the minimum of the probabilities); a red line without ratification
has probability 0.  The ZOPA is the governments' agreement (level I): a red line
without a ratification route binds there (a line red line clips the actor's
acceptable interval; a term red line crossed by the package makes it refuse every
line), one with a route is reported as the package's chance of ratification.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
Constitution of Ukraine, art. 73; Constitution of the Russian Federation, art. 65 as
amended 4 Oct 2022.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.kernels.utility import reverse_axes
from sim.xp import namespace

#: Tolerance on a term's limit (settings are read from files as decimals).
EPS = 1e-9


@dataclass(frozen=True)
class RedLineParams:
    """One red line in the batch: the ``actor``'s index, ``kind`` and ``term`` (see the
    module docstring), ``limit`` ``(B,)`` and ``ratify`` ``(B,)`` the probability that a deal
    crossing it is ratified (0 where it cannot be)."""

    actor: int
    kind: str
    term: str | None
    limit: Any
    ratify: Any


def referendum_probability(yes, no, threshold, swing_sd, parliament):
    """``parliament * Phi((yes / (yes + no) - threshold) / swing_sd)`` (module docstring).

    Numpy (``scipy.special.ndtr``): it runs once per batch, when the batch is built."""
    from scipy.special import ndtr

    yes, no = np.asarray(yes, dtype=float), np.asarray(no, dtype=float)
    share = yes / np.maximum(yes + no, 1e-12)
    return parliament * ndtr((share - threshold) / swing_sd)


def crossed(red: RedLineParams, terms: dict, line, status):
    """Whether a deal crosses ``red``: ``terms[d]`` and ``line`` broadcasting against the
    status quo line ``status``; returns a bool array of their common shape."""
    xp = namespace(status)
    if red.kind == "term_above":
        return xp.broadcast_to(terms[red.term] > red.limit + EPS, status.shape)
    if red.kind == "line_above_status_quo":
        return line > status + red.limit
    return line < status - red.limit


def ratification(red_lines, terms: dict, line, status, n: int):
    """Each actor's probability that a deal it has a red line against is ratified.

    ``status`` ``(B, n)`` each actor's status quo line, ``line`` and ``terms[d]`` ``(B,)``.
    Returns ``crossed`` ``(B, n)`` bool and ``p`` ``(B, n)`` (1 where no red line is
    crossed; the minimum over the crossed ones otherwise).
    """
    xp = namespace(status)
    hit = xp.zeros(status.shape, dtype=xp.bool)
    p = xp.ones(status.shape, dtype=status.dtype)
    for red in red_lines:
        a = red.actor
        c = crossed(red, terms, line, status[:, a])
        hit[:, a] = hit[:, a] | c
        p[:, a] = xp.where(c, xp.minimum(p[:, a], red.ratify), p[:, a])
    return hit, p


def line_limits(red_lines, terms: dict, status, size: int, n: int):
    """The ZOPA's hard bounds from the red lines that no ratification can lift (``ratify``
    0): ``floor``, ``cap`` ``(B, n, T)`` on each actor's acceptable lines (``-inf`` /
    ``+inf`` where free), ``status`` ``(B, n, T)``.

    The ZOPA is the governments' agreement (Putnam's level I); a red line with a
    ratification route leaves it alone and is reported as the package's probability of
    ratification (:func:`ratification`).  A hard term red line that the package
    (``terms[d]`` ``(B, 1, T or 1)``) crosses sets the floor to ``+inf``: the actor
    refuses every line.
    """
    xp = namespace(status)
    # stored month-major (axes reversed), the engine's order for (B, n, T) arrays
    floor = reverse_axes(xp.full(status.shape[::-1], -xp.inf))
    cap = reverse_axes(xp.full(status.shape[::-1], xp.inf))
    for red in red_lines:
        a = red.actor
        limit = red.limit[:, None]
        hard = (red.ratify <= 0.0)[:, None]
        if red.kind == "line_above_status_quo":
            cap[:, a] = xp.where(hard, xp.minimum(cap[:, a], status[:, a] + limit), cap[:, a])
        elif red.kind == "line_below_status_quo":
            floor[:, a] = xp.where(hard, xp.maximum(floor[:, a], status[:, a] - limit), floor[:, a])
        else:
            over = hard & (terms[red.term][:, 0, :] > limit + EPS)
            floor[:, a] = xp.where(over, xp.inf, floor[:, a])
    return floor, cap
