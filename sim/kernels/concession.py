r"""Attrition as concession: the war of attrition's quit rates as a monthly hazard.

Where the war is one of attrition -- the front does not decide it, the sides' costs
and stakes do (seed 000: "a war of attrition favours Russia"; "time is on Russia's
side") -- each war side quits at the stationary mixed equilibrium's rate of the
two-player war of attrition (:func:`sim.bargaining.attrition.war_of_attrition`;
Fudenberg & Tirole 1991, sec. 4.5.2; Hendricks, Weiss & Wilson 1988):

.. math::

    \lambda_i(t) = w(t)\, \frac{c_j(t)}{V_j(t)}, \qquad
    V_j(t) = \frac{u_j(x_j) - u_j(x_i)}{a_j(t)} \quad (j \ne i),

per month, with

* ``c_j`` the opponent's monthly cost of fighting (the cost term of its war flow,
  :func:`sim.kernels.flows.war_costs`, utility units a month);
* ``x_k`` side ``k``'s terms: its best line among those every *other* veto player
  accepts (the conceding side included: a concession is agreement on the opponent's
  best line that the conceder still accepts, so the conceder gets at least its
  reservation utility, the war value -- exactly the indifference between quitting and
  fighting on that the mixed equilibrium requires);
* ``V_j`` the prize: what winning (agreement at ``x_j``) is worth to ``j`` over losing
  (at ``x_i``), as a present value: the monthly difference of the line's utility (the
  other terms are the same package either way) times the annuity ``1 / a_j``
  (:func:`sim.kernels.reservation.inverse_annuity`).  Where the zone of agreement is
  empty, ``x_j`` is worse for ``j`` than ``x_i``: winning is worth less than losing,
  nobody fights for it, and ``lambda = 0`` -- attrition is a fight over where in the
  zone the line falls, never an acceptance of a line worse than war;
* ``w(t)`` in [0, 1] the weight of attrition, the *stalemate weight*
  :func:`stalemate_weight`: 1 where the front's expected drift is nil, falling to 0 as
  the drift over ``H`` months exceeds the noise over them.

Months are the unit of time; quit times are exponential (the stationary equilibrium),
so the chance that some side concedes in a month is ``h_c = 1 - exp(-(lambda_A +
lambda_B))`` and side ``i`` is the one with probability ``lambda_i / (lambda_A +
lambda_B)``.  Its concession is agreement at ``x_j``.

The stationary equilibrium's comparative statics are the opposite of the intuition that
the side that hurts more gives in first: a side's own cost and prize do not enter its own
quit rate, so a higher cost for ``j`` makes ``i`` concede faster (to keep ``j``
indifferent) and ``j`` more often the winner: ``P(i concedes first) = lambda_i /
(lambda_i + lambda_j)`` rises.  A higher cost for either side always shortens the war
(``lambda_A + lambda_B`` rises).  The other equilibria, in which the weaker side concedes
at once with positive probability (Hendricks, Weiss & Wilson 1988), are not used.

Arrays: numpy, any leading shape; the side axis is the last, of length 2.

References
----------
Fudenberg, D. & Tirole, J. (1991). *Game Theory*, sec. 4.5.2. MIT Press.

Hendricks, K., Weiss, A. & Wilson, C. (1988). The war of attrition in continuous time
with complete information. *International Economic Review* 29(4), 663-680.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from sim.bargaining.attrition import war_of_attrition


def stalemate_weight(drift, noise_sd, months):
    r"""The weight of attrition ``w = 2 Phi(-|mu| sqrt(H) / sigma)``, broadcasting.

    ``drift`` ``mu`` the front's expected movement in a month (km2), ``noise_sd``
    ``sigma`` the standard deviation of a month's movement around it, ``months`` ``H``
    the span over which the sides judge whether fighting moves the front.  ``w`` is the
    two-sided chance that ``H`` months of noise alone move the front at least as far as
    the drift is expected to: 1 in a pure stalemate (``mu = 0``), near 0 where the drift
    stands out of the noise (a war of movement, which the front decides).  ``sigma = 0``:
    1 where ``mu = 0``, else 0.
    """
    drift = np.abs(np.asarray(drift, dtype=float))
    noise = np.asarray(noise_sd, dtype=float)
    scale = noise / np.sqrt(np.asarray(months, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, drift / np.where(scale > 0, scale, 1.0), np.inf)
    z = np.where(drift == 0.0, 0.0, z)
    return 2.0 * ndtr(-z)


@dataclass(frozen=True)
class Concession:
    """The concession route, arrays over the leading shape ``(...)``.

    ``rates`` ``(..., 2)`` each side's quit rate a month (``lambda_i``); ``hazard`` the
    chance that a side concedes in the month ``1 - exp(-sum lambda)``; ``first``
    ``(..., 2)`` the chance that side ``i`` is the one that concedes in the month
    (``hazard * lambda_i / sum lambda``; they add up to ``hazard``)."""

    rates: Any
    hazard: Any
    first: Any


_MAX_RATE = 1e300


def concession(cost, gain, inv_annuity, weight) -> Concession:
    r"""The monthly hazard of concession (see the module docstring).

    Parameters
    ----------
    cost : ``(..., 2)`` each war side's cost of fighting a month (utility units), ``>= 0``.
    gain : ``(..., 2)`` ``u_k(x_k) - u_k(x_other)``: what winning is worth to side ``k``
        over losing, a month (NaN: no concession possible, e.g. a veto player accepts no
        line).
    inv_annuity : ``(..., 2)`` ``a_k``, the inverse of the annuity factor (``1 - delta``
        for a constant monthly discount factor).
    weight : ``(...)`` the weight of attrition in [0, 1] (:func:`stalemate_weight`).

    Returns
    -------
    Concession
        ``rates[..., i] = w c_j a_j / gain_j`` where both gains are positive and both
        costs and annuities positive, else 0 for both sides; each rate capped at 1e300.
    """
    cost, gain, inv = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (cost, gain, inv_annuity))
    )
    value = gain / np.where(inv > 0, inv, 1.0)  # the prize, a present value
    live = np.all((gain > 0) & (cost > 0) & (inv > 0), axis=-1)
    ok = live[..., None]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        eq = war_of_attrition(np.where(ok, value, 1.0), np.where(ok, cost, 1.0))
    # a vanishing prize gives an unbounded rate; capped (a month's hazard is 1 from a total
    # rate of ~37 on) so that a zero weight still gives 0 and the shares stay defined
    quit = np.minimum(np.where(ok, eq.quit_rates, 0.0), _MAX_RATE)
    rates = quit * np.asarray(weight, dtype=float)[..., None]
    total = rates.sum(axis=-1)
    hazard = -np.expm1(-total)
    share = np.where(total[..., None] > 0, rates / np.where(total > 0, total, 1.0)[..., None], 0.0)
    return Concession(rates, hazard, hazard[..., None] * share)


__all__ = ["Concession", "concession", "stalemate_weight"]
