r"""Multilateral proposer models: Baron-Ferejohn legislative bargaining and unanimity.

In every round one player is recognised at random to propose a division of a
unit pie; the others vote; the proposal passes with ``q`` votes (the proposer's
included), otherwise the pie is discounted and a new round begins.  Player ``i``
discounts one round by ``delta_i`` and values shares linearly.  These functions
return the **stationary subgame-perfect equilibrium** (SSPE), in which there is
agreement in the first round.

Closed rule, equal recognition (Baron & Ferejohn 1989)
------------------------------------------------------
``n`` players, recognition ``1/n`` each, common ``delta``, quota ``q``.  By
symmetry every player's continuation value is ``1/n``; the proposer buys the
``q - 1`` cheapest votes at their discounted continuation value ``delta / n``
and keeps the rest:

.. math::

    x_{\text{proposer}} = 1 - (q - 1)\,\frac{\delta}{n},
    \qquad x_{\text{partner}} = \frac{\delta}{n}.

Unanimity with heterogeneous recognition and patience
-----------------------------------------------------
With ``q = n`` every player is a veto player.  Recognition probabilities
``p_i`` (summing to 1) and own discount factors ``delta_i``.  In the SSPE
proposer ``i`` offers every ``j != i`` exactly ``delta_j v_j`` (``j``'s
discounted continuation value) and keeps ``1 - sum_{j != i} delta_j v_j``;
the continuation values solve the linear system

.. math::

    v_i = p_i \Bigl(1 - \sum_{j \ne i} \delta_j v_j\Bigr) + (1 - p_i)\,\delta_i v_i .

Writing ``S = sum_j delta_j v_j`` this is ``v_i (1 - delta_i) = p_i (1 - S)``,
and since the pie is shared without delay (``sum_i v_i = 1``),

.. math::

    v_i = \frac{p_i / (1 - \delta_i)}{\sum_j p_j / (1 - \delta_j)} .

A player's value is its recognition probability scaled up by its patience.
With ``delta_i = exp(-r_i dt)`` and ``dt -> 0`` the values tend to
``(p_i / r_i) / sum_j (p_j / r_j)``, the weighted Nash split with bargaining
powers ``p_i / r_i``.  Limits: a player with ``delta_i = 1`` and ``p_i > 0``
gets the whole pie if it is the only such player (two or more leave the split
indeterminate and are rejected); a player with ``p_i = 0`` gets 0 (the limit of
the finite-horizon game, where it is never offered more than its continuation
value 0).  Uniqueness of the stationary payoffs: Eraslan (2002).

Shape convention: the **player axis is the last axis**; leading axes are batch
axes, so ``recognition`` and ``deltas`` of shape ``(B, n)`` solve ``B`` games.

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in legislatures. *American
Political Science Review* 83(4), 1181-1206.

Eraslan, H. (2002). Uniqueness of stationary equilibrium payoffs in the
Baron-Ferejohn model. *Journal of Economic Theory* 103(1), 11-30.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.bargaining._validate import (
    as_float,
    as_int,
    broadcast,
    check_player_axis,
    check_probabilities,
    check_unit_interval,
    fail_where,
    scalar_or_array,
)
from sim.xp import namespace


class LegislativeSplit(NamedTuple):
    """Baron-Ferejohn equilibrium shares; unpacks as ``(proposer_share, partner_share)``."""

    proposer_share: np.ndarray | np.generic
    """What the recognised proposer keeps."""
    partner_share: np.ndarray | np.generic
    """What each of the ``q - 1`` coalition partners gets (the price of a vote)."""


class UnanimityOutcome(NamedTuple):
    """Stationary SPE of unanimity bargaining; unpacks as ``(values, kept, offered)``.

    All three have shape ``(..., n)`` (player axis last).
    """

    values: np.ndarray
    """Ex-ante continuation values ``v_i`` (expected shares); they sum to 1."""
    kept: np.ndarray
    """``1 - sum_{j != i} delta_j v_j``: what player ``i`` keeps when it proposes."""
    offered: np.ndarray
    """``delta_j v_j``: what every proposer offers player ``j`` (and ``j`` accepts)."""


def baron_ferejohn(n, q, delta):
    r"""Closed-rule legislative bargaining with equal recognition (Baron & Ferejohn 1989).

    Parameters
    ----------
    n : int or array_like of int
        Number of legislators, ``>= 1``.
    q : int or array_like of int
        Votes needed to pass a proposal, the proposer's included, ``1 <= q <= n``
        (simple majority of odd ``n``: ``(n + 1) // 2``).
    delta : float or array_like
        Common per-round discount factor in [0, 1].

    Returns
    -------
    LegislativeSplit
        ``(proposer_share, partner_share)`` =
        :math:`(1 - (q - 1)\delta / n,\ \delta / n)`; numpy scalars for
        scalar inputs, otherwise arrays of the broadcast shape.  The other
        ``n - q`` players get 0.

    Raises
    ------
    ValueError
        If ``n`` or ``q`` is not an integer, ``n < 1``, ``q`` is outside
        ``[1, n]``, ``delta`` is outside [0, 1], or the shapes do not broadcast.

    References
    ----------
    Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in legislatures.
    *American Political Science Review* 83(4), 1181-1206.

    Examples
    --------
    >>> [round(float(x), 6) for x in baron_ferejohn(3, 2, 0.9)]
    [0.7, 0.3]
    """
    n = as_int("n", n)
    q = as_int("q", q)
    delta = as_float("delta", delta)
    fail_where("n", n, n < 1, "n must be >= 1")
    check_unit_interval("delta", delta)
    n, q, delta = broadcast(n=n, q=q, delta=delta)
    fail_where("q", q, (q < 1) | (q > n), "q must lie in [1, n]")
    partner_share = delta / n
    proposer_share = 1.0 - (q - 1) * partner_share
    return LegislativeSplit(scalar_or_array(proposer_share), scalar_or_array(partner_share))


def unanimity_bargaining(recognition, deltas):
    r"""Stationary SPE of ``n``-player unanimity bargaining over a unit pie.

    Parameters
    ----------
    recognition : array_like, shape (..., n)
        Recognition probabilities ``p_i`` in [0, 1], summing to 1 over the last
        (player) axis (to 1e-9).
    deltas : array_like, shape (..., n)
        Own per-round discount factors ``delta_i`` in [0, 1].  Broadcasts with
        ``recognition``.

    Returns
    -------
    UnanimityOutcome
        ``(values, kept, offered)``, each of shape ``(..., n)``:
        :math:`v_i = \frac{p_i/(1-\delta_i)}{\sum_j p_j/(1-\delta_j)}`,
        kept :math:`= 1 - \sum_{j\ne i}\delta_j v_j`, offered
        :math:`= \delta_j v_j` (see the module docstring).

    Raises
    ------
    ValueError
        If a probability or discount factor is outside [0, 1], the
        probabilities do not sum to 1, two or more players have
        ``delta_i = 1`` and ``p_i > 0`` (indeterminate split), an input is not
        finite, or the shapes do not broadcast.

    References
    ----------
    Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in legislatures.
    *American Political Science Review* 83(4), 1181-1206.

    Eraslan, H. (2002). Uniqueness of stationary equilibrium payoffs in the
    Baron-Ferejohn model. *Journal of Economic Theory* 103(1), 11-30.

    Examples
    --------
    >>> out = unanimity_bargaining([0.5, 0.5], [0.9, 0.8])
    >>> [round(float(v), 4) for v in out.values]
    [0.6667, 0.3333]
    """
    recognition = as_float("recognition", recognition)
    deltas = as_float("deltas", deltas)
    check_player_axis("recognition", recognition)
    check_player_axis("deltas", deltas)
    check_probabilities("recognition", recognition)
    check_unit_interval("deltas", deltas)
    recognition, deltas = broadcast(recognition=recognition, deltas=deltas)
    xp = namespace(recognition, deltas)
    infinitely_patient = (deltas == 1.0) & (recognition > 0.0)
    count = xp.sum(xp.astype(infinitely_patient, xp.int64), axis=-1)
    fail_where(
        "number of players with deltas == 1 and recognition > 0",
        count,
        count > 1,
        "two or more players with deltas == 1 and recognition > 0 leave the split indeterminate",
    )
    impatient = deltas < 1.0
    weight = xp.where(impatient, recognition / xp.where(impatient, 1.0 - deltas, 1.0), 0.0)
    values = xp.where(
        (count > 0)[..., None],
        xp.astype(infinitely_patient, xp.float64),
        weight / xp.sum(weight, axis=-1, keepdims=True),
    )
    offered = deltas * values
    kept = 1.0 - (xp.sum(offered, axis=-1, keepdims=True) - offered)
    return UnanimityOutcome(values, kept, offered)
