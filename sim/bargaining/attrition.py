r"""The two-player war of attrition in continuous time: its stationary equilibrium.

Two players fight for a prize; player ``i`` values winning at ``V_i > 0`` and
pays ``c_i > 0`` per unit of time while the fight goes on.  The first to quit
loses (payoff: minus the costs paid so far); the other wins the prize.  There is
no discounting (Maynard Smith 1974; Bishop & Cannings 1978; Fudenberg & Tirole
1991, *Game Theory*, sec. 4.5.2).

In the stationary mixed equilibrium each player quits at a constant hazard
rate, chosen to make the *opponent* indifferent between quitting now and
holding on a little longer: holding on for ``dt`` costs ``j`` the amount
``c_j dt`` and wins ``V_j`` with probability ``h_i dt``, so

.. math::

    h_i = \frac{c_j}{V_j}\quad (j \ne i), \qquad
    \Pr[i \text{ wins}] = \frac{h_j}{h_1 + h_2}, \qquad
    E[\text{duration}] = \frac{1}{h_1 + h_2}.

Each player's expected payoff is 0 (it is indifferent to quitting at once);
the expected total cost equals the expected prize: the rent is dissipated.  A
player's own value and cost do not enter its own quit rate -- the stronger
player (lower ``c / V``) is the one whose *opponent* quits more slowly, so the
weaker player wins more often (in the example below player 1, with the higher
``c / V``, wins with probability 2/3).  With
asymmetric players there are also equilibria in which one player concedes
with positive probability at time 0 (Hendricks, Weiss & Wilson 1988); this
module returns the stationary one, the only one without such an atom.

Units: ``costs`` are per unit of time (e.g. per month) in the units of
``values``; rates are per the same unit of time and durations are in it.

References
----------
Bishop, D. T. & Cannings, C. (1978). A generalized war of attrition. *Journal
of Theoretical Biology* 70(1), 85-124.

Fudenberg, D. & Tirole, J. (1991). *Game Theory*, sec. 4.5.2. MIT Press.

Hendricks, K., Weiss, A. & Wilson, C. (1988). The war of attrition in continuous
time with complete information. *International Economic Review* 29(4), 663-680.

Maynard Smith, J. (1974). The theory of games and the evolution of animal
conflicts. *Journal of Theoretical Biology* 47(1), 209-221.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.bargaining._validate import as_float, broadcast, check_positive, scalar_or_array


@dataclass(frozen=True)
class AttritionEquilibrium:
    """The stationary mixed equilibrium of the war of attrition.

    Attributes
    ----------
    quit_rates : numpy.ndarray, shape (..., 2)
        Hazard rate at which each player quits, per unit of time:
        ``quit_rates[..., i] = costs[..., j] / values[..., j]``.
    p_win : numpy.ndarray, shape (..., 2)
        Probability that each player wins (the other quits first); sums to 1.
    expected_duration : float or numpy.ndarray, shape (...)
        Expected time until one player quits, ``1 / sum(quit_rates)``.
    """

    quit_rates: np.ndarray
    p_win: np.ndarray
    expected_duration: np.ndarray | np.generic


def war_of_attrition(values, costs):
    r"""Stationary equilibrium of the two-player war of attrition.

    Parameters
    ----------
    values : array_like, shape (..., 2)
        Each player's value of winning, ``> 0``; the last axis is the player
        axis, leading axes are batch axes.
    costs : array_like, shape (..., 2)
        Each player's cost per unit of time of fighting on, ``> 0``, in the
        units of ``values``.  Broadcasts with ``values``.

    Returns
    -------
    AttritionEquilibrium
        ``quit_rates`` :math:`h_i = c_j / V_j`, ``p_win``
        :math:`= h_j / (h_1 + h_2)` for player ``i``, ``expected_duration``
        :math:`= 1 / (h_1 + h_2)` (see the module docstring).

    Raises
    ------
    ValueError
        If the last axis does not have length 2, a value or cost is not
        positive or not finite, or the shapes do not broadcast.

    References
    ----------
    Fudenberg, D. & Tirole, J. (1991). *Game Theory*, sec. 4.5.2. MIT Press.

    Hendricks, K., Weiss, A. & Wilson, C. (1988). The war of attrition in
    continuous time with complete information. *International Economic
    Review* 29(4), 663-680.

    Examples
    --------
    >>> eq = war_of_attrition([1.0, 2.0], [0.1, 0.1])
    >>> [round(float(h), 3) for h in eq.quit_rates]
    [0.05, 0.1]
    >>> [round(float(w), 4) for w in eq.p_win]
    [0.6667, 0.3333]
    """
    values = as_float("values", values)
    costs = as_float("costs", costs)
    check_positive("values", values)
    check_positive("costs", costs)
    values, costs = broadcast(values=values, costs=costs)
    if values.ndim == 0 or values.shape[-1] != 2:
        raise ValueError(
            f"values and costs must have a last axis of 2 players; got shape {values.shape}"
        )
    quit_rates = (costs / values)[..., ::-1]
    total = quit_rates.sum(axis=-1, keepdims=True)
    p_win = quit_rates[..., ::-1] / total
    return AttritionEquilibrium(
        quit_rates=np.ascontiguousarray(quit_rates),
        p_win=p_win,
        expected_duration=scalar_or_array(1.0 / total[..., 0]),
    )
