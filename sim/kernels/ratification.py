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

**Audience cost** (Russia's side of level II).  An autocrat ratifies nothing by vote, but a
leader who settles for less than his public claims pays a domestic cost for backing down
(Fearon 1994).  Crisman-Cox and Gibilisco (2018) estimate these costs per country in a
dynamic game of crisis escalation whose choices are logit (type-I extreme-value shocks): an
audience cost ``kappa`` lowers the log-odds of backing down by ``kappa``.  Here the stated
claims are a reference line (Russia: the four oblasts its constitution claims and Crimea,
its terms of 14 Jun 2024), the shortfall of a deal is the claimed land it leaves to the
other side, as a share of the claims,

.. math::  s = \frac{\sum_r \max(0, c_r - l_r)}{\sum_r c_r}\quad\text{(per region)},
           \qquad s = \frac{\max(0, c - l)}{c}\quad\text{(the total line)},

and the leader's settlement survives at home with

.. math::  P = \exp(-\kappa\,\lambda\,s),

``kappa`` the cost of abandoning the whole claim (the logit scale of Crisman-Cox and
Gibilisco) and ``lambda`` in [0, 1] the regime's scale (Weeks 2008: personalist autocracies
generate smaller audience costs than democracies and single-party or military regimes).
``exp(-kappa)`` is the factor by which the cost multiplies the odds of a climb-down that
was rare to begin with; a partial climb-down pays the share ``s`` of it (linear in the
share of the public commitment abandoned, a stated approximation).  A deal that meets the
claims (``s = 0``) pays nothing (``P = 1``); ``P`` falls monotonically with the shortfall.
An actor's audience cost multiplies the probability of its red lines (two hurdles at
home); the actor's verdict on a deal that falls short is "accepts if ratified".

References
----------
Crisman-Cox, C. and Gibilisco, M. (2018). Audience costs and the dynamics of war and peace.
*American Journal of Political Science* 62(3), 566-580.
Fearon, J. D. (1994). Domestic political audiences and the escalation of international
disputes. *American Political Science Review* 88(3), 577-592.
Weeks, J. L. (2008). Autocratic audience costs: regime type and signaling resolve.
*International Organization* 62(1), 35-64.
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
Constitution of Ukraine, art. 73; Constitution of the Russian Federation, art. 65 as
amended 4 Oct 2022.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


#: The ``kind`` of an :class:`AudienceCost` in the batch's tuple of red lines.
AUDIENCE = "audience_cost"


@dataclass(frozen=True)
class AudienceCost:
    """An actor's audience cost in the batch (module docstring): ``claim`` ``(B,)`` the
    stated claims in km2 of line, ``claim_regions`` ``(B, R)`` per claimed region,
    ``kappa`` ``(B,)`` the cost times the regime's scale, and ``deal_regions`` per named deal
    whose line is a reference line its km2 in the claimed regions ``(B, R)``."""

    actor: int
    claim: Any
    claim_regions: Any
    kappa: Any
    deal_regions: dict = field(default_factory=dict)
    kind: str = AUDIENCE


def claim_shortfall(claim, line, claim_regions=None, line_regions=None):
    """The share ``s`` of the claims that a deal leaves to the other side (module
    docstring): per region when ``line_regions`` ``(B, R)`` is given, else from the total
    ``line`` ``(B,)``; ``(B,)`` in [0, 1]."""
    xp = namespace(claim)
    safe = xp.where(claim > 0, claim, 1.0)
    if line_regions is not None:
        short = xp.sum(xp.maximum(claim_regions - line_regions, 0.0), axis=-1)
    else:
        short = xp.maximum(claim - line, 0.0)
    return xp.where(claim > 0, xp.clip(short / safe, 0.0, 1.0), 0.0)


def audience_probability(kappa, shortfall):
    """``P = exp(-kappa * s)``: the probability that the leader's settlement survives at home."""
    xp = namespace(shortfall)
    return xp.exp(-kappa * shortfall)


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


def ratification(red_lines, terms: dict, line, status, n: int, deal: str | None = None):
    """Each actor's probability that a deal it has a red line against is ratified.

    ``status`` ``(B, n)`` each actor's status quo line, ``line`` and ``terms[d]`` ``(B,)``.
    Returns ``crossed`` ``(B, n)`` bool and ``p`` ``(B, n)`` (1 where no red line is
    crossed; the minimum over the crossed ones otherwise, times the probability that the
    actor's settlement survives its audience cost where it has one: an
    :class:`AudienceCost` in ``red_lines``, read per region for the named ``deal`` when its
    line has regions).
    """
    xp = namespace(status)
    hit = xp.zeros(status.shape, dtype=xp.bool)
    p = xp.ones(status.shape, dtype=status.dtype)
    for red in red_lines:
        if red.kind == AUDIENCE:
            continue
        a = red.actor
        c = crossed(red, terms, line, status[:, a])
        hit[:, a] = hit[:, a] | c
        p[:, a] = xp.where(c, xp.minimum(p[:, a], red.ratify), p[:, a])
    for red in red_lines:
        if red.kind != AUDIENCE:
            continue
        a, regions = red.actor, red.deal_regions.get(deal)
        cost = audience_probability(
            red.kappa, claim_shortfall(red.claim, line, red.claim_regions, regions)
        )
        hit[:, a] = hit[:, a] | (cost < 1.0)
        p[:, a] = p[:, a] * cost
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
        if red.kind == AUDIENCE:  # never a hard bound: reported as a probability
            continue
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
