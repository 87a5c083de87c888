r"""Alternating offers over a unit pie (Rubinstein 1982), with an outside option.

Two players split a pie of size 1.  Player 1 proposes in rounds 0, 2, 4, ...,
player 2 in rounds 1, 3, ...; the responder accepts or rejects, and a rejected
offer costs a round.  Player ``i`` discounts one round by ``delta_i`` (use
:func:`~sim.bargaining.discount_factor` to get it from a rate per year and the
round length).  The unique subgame-perfect equilibrium (SPE) has immediate
agreement on

.. math::

    x_1^* = \frac{1 - \delta_2}{1 - \delta_1 \delta_2}, \qquad
    x_2^* = 1 - x_1^* = \frac{\delta_2 (1 - \delta_1)}{1 - \delta_1 \delta_2}.

Outside option (Binmore, Shaked & Sutton 1989; Muthoo 1999, *Bargaining Theory
with Applications*, sec. 5.2): if player 2, when responding to player 1's offer,
may instead quit and take ``b`` (player 1 then gets 0), the SPE share of player 2
is ``max(x_2^*, b)``.  The option changes nothing unless it beats what player 2
gets anyway (the *outside-option principle*); when it binds, player 1 concedes
exactly ``b``.

>>> from sim.bargaining import rubinstein
>>> [round(float(x), 6) for x in rubinstein(0.8, 0.8)]
[0.555556, 0.444444]
>>> [round(float(x), 6) for x in rubinstein(0.8, 0.8, outside_option=0.7)]
[0.3, 0.7]

References
----------
Binmore, K., Shaked, A. & Sutton, J. (1989). An outside option experiment.
*Quarterly Journal of Economics* 104(4), 753-770.

Muthoo, A. (1999). *Bargaining Theory with Applications*. Cambridge University
Press.

Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*
50(1), 97-109.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.bargaining._validate import (
    as_float,
    broadcast,
    check_unit_interval,
    fail_where,
    scalar_or_array,
)
from sim.xp import namespace


class RubinsteinSplit(NamedTuple):
    """SPE shares of the unit pie; unpacks as ``(x1, x2)``."""

    proposer_share: np.ndarray | np.generic
    """Player 1's share (player 1 proposes first)."""
    responder_share: np.ndarray | np.generic
    """Player 2's share; ``proposer_share + responder_share == 1``."""


def rubinstein(delta1, delta2, *, outside_option=None):
    r"""SPE of Rubinstein's alternating-offers game, player 1 proposing first.

    Parameters
    ----------
    delta1, delta2 : float or array_like
        Per-round discount factors of players 1 and 2, in [0, 1]; they
        broadcast.  ``delta1 == delta2 == 1`` leaves the split indeterminate
        (every split is an SPE) and is rejected.
    outside_option : float or array_like, optional
        Payoff ``b <= 1`` player 2 gets by opting out when it responds to an
        offer (player 1 then gets 0), in shares of the pie.  It binds only when
        ``b > x_2^*``.  ``None`` (default) means no outside option.

    Returns
    -------
    RubinsteinSplit
        ``(proposer_share, responder_share)`` =
        :math:`(x_1, x_2)` with :math:`x_1 = (1 - \delta_2)/(1 - \delta_1\delta_2)`
        and :math:`x_2 = 1 - x_1` without an option, or
        :math:`x_2 = \max(x_2^*, b)`, :math:`x_1 = 1 - x_2` with it.
        Numpy scalars for scalar inputs, otherwise arrays of the broadcast shape.

    Raises
    ------
    ValueError
        If a discount factor is outside [0, 1], both are 1, the outside option
        exceeds the pie (no agreement exists) or an input is not finite, or the
        shapes do not broadcast.

    References
    ----------
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model.
    *Econometrica* 50(1), 97-109.

    Binmore, K., Shaked, A. & Sutton, J. (1989). An outside option experiment.
    *Quarterly Journal of Economics* 104(4), 753-770.

    Muthoo, A. (1999). *Bargaining Theory with Applications*, ch. 3 and 5.

    Examples
    --------
    >>> x1, x2 = rubinstein([0.9, 0.5], 0.9)
    >>> [round(float(v), 4) for v in x1]
    [0.5263, 0.1818]
    """
    delta1 = as_float("delta1", delta1)
    delta2 = as_float("delta2", delta2)
    check_unit_interval("delta1", delta1)
    check_unit_interval("delta2", delta2)
    arrays = {"delta1": delta1, "delta2": delta2}
    if outside_option is not None:
        arrays["outside_option"] = as_float("outside_option", outside_option)
        fail_where(
            "outside_option",
            arrays["outside_option"],
            arrays["outside_option"] > 1.0,
            "outside_option must be <= 1 (the whole pie); above it no agreement exists",
        )
    broadcasted = broadcast(**arrays)
    delta1, delta2 = broadcasted[:2]
    fail_where(
        "delta1",
        delta1,
        (delta1 == 1.0) & (delta2 == 1.0),
        "delta1 and delta2 are both 1: every split is an equilibrium",
    )
    # 1 - d1*d2 written as a sum of non-negative terms: exact when one factor is 1.
    denominator = (1.0 - delta1) + delta1 * (1.0 - delta2)
    responder_share = delta2 * (1.0 - delta1) / denominator
    if outside_option is not None:
        responder_share = namespace(responder_share).maximum(responder_share, broadcasted[2])
    proposer_share = 1.0 - responder_share
    return RubinsteinSplit(scalar_or_array(proposer_share), scalar_or_array(responder_share))
