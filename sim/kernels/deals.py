r"""What a named deal is worth to each actor, and Powell's commitment test of a pause.

A settlement signed at month ``t`` gives actor ``i`` the flow ``u_i(x)`` every month
from then on, so it is accepted iff ``u_i(x) >= rbar_i(t)``; its margin is
``u_i(x) - rbar_i(t)``.  A pause is valued by the reservation utility of the war
path with the pause (the front and the hazards stand still, costs stop, and the
sides rearm), which the engine computes with the same kernels.

Arrays of one array-API namespace (:mod:`sim.xp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sim.bargaining as bargaining
from sim.kernels.utility import at_month, line_part, rest_part
from sim.model.batch import DealParams, Preferences
from sim.model.scenario import LINE
from sim.xp import namespace


def settlement_utility(prefs: Preferences, deal: DealParams, month: int):
    """``u_i(x)`` of a settlement at ``month``, ``(B, n)``."""
    xp = namespace(deal.line)
    terms = {d: v[:, None, None] for d, v in deal.terms.items()}
    line = xp.astype(deal.line, xp.float64)[:, None, None]
    return at_month(line_part(prefs, line) + rest_part(prefs, terms), month)


@dataclass(frozen=True)
class PowellInputs:
    """Powell's test of a pause, read off the war model at the pause's ``month``:
    side A's capacity share at the pause's start ``p`` and end ``p_next`` ``(B,)``,
    the war sides' discount rates that month ``rate`` ``(B, 2)``, their stakes
    ``stake`` and monthly costs of war ``cost`` ``(B, 2)``, and the pause's length."""

    p: Any
    p_next: Any
    rate: Any
    stake: Any
    cost: Any
    months: int


def powell_commitment(inputs: PowellInputs) -> dict[str, Any]:
    r"""Powell's (2006) commitment-problem condition for a pause, read off the war model.

    Powell's game (:func:`sim.bargaining.powell_war_inevitable`) divides a flow of 1
    per period; war is a lottery won by A with probability ``p`` now and ``p_next``
    after a one-time shift.  The mapping onto the war model, a documented
    approximation:

    * the period is the pause (``months`` months); the shift is what the pause does
      to the balance: ``p`` and ``p_next`` are the first war side's share of the two
      sides' capacity, ``K_A / (K_A + K_B)``, on the neutral path at the pause's first
      month and at its end (after the rearmament the pause allows);
    * ``delta = exp(-r_D * months / 12)`` with ``r_D`` the declining side's discount rate;
    * each side's stake per month is its utility gap between holding the whole
      territory and none, ``|w (term(total) - term(0))|``; its cost of war per period
      in those units is ``k = c(t) / stake`` (``c`` its monthly cost of war), and the
      present value of an endless war is ``C = k / (1 - delta)``.

    Returns arrays ``(B,)``: ``p``, ``p_next``, ``delta``, ``cost_a``, ``cost_b`` and the
    boolean ``war_inevitable``.

    References
    ----------
    Powell, R. (2006). War as a commitment problem. *International Organization* 60(1),
    169-203.
    """
    xp = namespace(inputs.p)
    p, p_next = inputs.p, inputs.p_next
    a_declines = p >= p_next
    rate_d = xp.where(a_declines, inputs.rate[:, 0], inputs.rate[:, 1])
    delta = bargaining.discount_factor(rate_d, inputs.months / 12.0)
    stake = inputs.stake
    positive = stake > 0
    per_period = xp.where(positive, inputs.cost / xp.where(positive, stake, 1.0), xp.inf)
    # A side that does not discount at all (delta = 1) is tested in the limit delta -> 1
    # (as the unanimity solution is), where (1 - delta) C stays the cost per period; a side
    # with nothing at stake has an infinite cost per unit of stake, which no shift outweighs.
    tested = xp.minimum(delta, 1.0 - 1e-12)
    present = per_period / (1.0 - tested[:, None])
    never = 1e300
    costs = xp.where(xp.isfinite(present), xp.clip(present, 0.0, never), never)
    inevitable = bargaining.powell_war_inevitable(
        xp.clip(p, 0.0, 1.0), xp.clip(p_next, 0.0, 1.0), tested, costs[:, 0], costs[:, 1]
    )
    return {
        "p": p,
        "p_next": p_next,
        "delta": delta,
        "cost_a": present[:, 0],
        "cost_b": present[:, 1],
        "war_inevitable": xp.astype(xp.asarray(inevitable), xp.bool),
    }


def line_slope(prefs: Preferences, line):
    r"""``|d lp_i / d l|`` at ``line`` ``(B, n)``: the utility of one km2 of line,
    ``w rho |l - theta| ** (rho - 1) / s ** rho`` (``w / s`` when ``rho = 1``)."""
    xp = namespace(line)
    w = prefs.weight[LINE][..., 0]
    theta = prefs.ideal[LINE][..., 0]
    rho = prefs.curvature[LINE][..., 0]
    span = prefs.span[LINE][..., 0]
    dist = xp.abs(line - theta)
    return w * rho * dist ** (rho - 1.0) / span**rho


def exchange_rates(rest_of, terms: dict, slope) -> dict:
    r"""What each term is worth in km2 of line to each actor (issue 17).

    ``rest_of(terms)`` ``-> (B, n)`` is the value of the deal's other terms as the acceptable
    intervals read them (``rest`` or, with durability, ``rest'``; the line enters additively
    with coefficient 1).  The rate of dimension ``d`` is the change of that value when the
    term goes from 0 to 1, the others at ``terms``, divided by the utility of a km2 of
    line ``slope`` ``(B, n)``:

    .. math::  e_{id} = \frac{R_i(y_d = 1) - R_i(y_d = 0)}{|\partial lp_i / \partial l|}

    in km2 of line in the actor's favoured direction (positive: it prefers the term at 1).
    NaN for an actor indifferent to the line.
    """
    xp = namespace(slope)
    safe = xp.where(slope > 0, slope, 1.0)
    out = {}
    for d in terms:
        one = {**terms, d: xp.ones_like(terms[d])}
        zero = {**terms, d: xp.zeros_like(terms[d])}
        out[d] = xp.where(slope > 0, (rest_of(one) - rest_of(zero)) / safe, xp.nan)
    return out
