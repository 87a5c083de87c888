r"""Durability: a signed deal can break, and each actor values it over peace and relapse.

A deal ``x`` breaks down into renewed war with a constant monthly hazard

.. math::  q(x) = \min\Bigl(q_{max},\; q_0 \prod_d \rho_d^{x_d}\Bigr),

with ``q_0`` the hazard of a bare ceasefire and ``rho_d`` the hazard ratio of term
``d`` at its full value (``x_d = 1``; log-linear in between, the proportional-hazards
form of Fortna 2003, whose estimates say that demilitarised zones, third-party
guarantees, peacekeeping/monitoring and joint commissions lower the hazard of renewed
war after interstate wars, 1946-1997).  While it holds the deal pays ``u_i(x)`` a
month; when it breaks the war restarts from the deal's line, worth ``W_i(x)``.  With
the monthly factor ``delta`` (Fortna 2004; the durability formula of
``docs/MODEL.md``)

.. math::  V_i(x) = \frac{u_i(x) + \delta q W_i(x)}{1 - \delta (1 - q)},

or, as a constant monthly utility, ``(1 - omega) u + omega w`` with
``w = (1 - delta) W`` and the relapse weight

.. math::  \omega = \frac{\delta q}{1 - \delta + \delta q}

(1 when ``delta = 1`` and ``q > 0``: a patient actor expects the war back; 0 when
``q = 0``: today's eternal peace exactly).  ``omega`` is the share of the deal's
surplus over renewed war that the fear of relapse destroys -- the commitment
problem of a final deal -- and ``1 / q`` the expected duration in months.

The war after a relapse is the actor's no-deal war translated to start from the deal's
line: ``w_i = rbar_i(t) + lp_i(l) - lp_i(l_sq(t))`` (``lp`` the weighted line score,
``l_sq(t)`` the line on the actor's own path that month), exact when the line
utility is linear over the path's range.  Since ``q`` does not depend on the line, the
effective utility is still ``lp_i(l) + rest'_i`` with

.. math::  rest'_i = (1 - \omega_i) rest_i + \omega_i (\bar r_i - lp_i(l_{sq})),

so the acceptable lines stay an interval in closed form
(:func:`sim.kernels.utility.acceptable`).  Note what it does: the line an actor needs,
``lp(l) >= (1 - omega)(rbar - rest) + omega lp(l_sq)``, moves toward the line of the
war, so terms that the war would undo (a NATO renunciation, guarantees) buy less line
when the deal is fragile.

Arrays of one array-API namespace (:mod:`sim.xp`).

References
----------
Fortna, V. P. (2003). Scraps of paper? Agreements and the durability of peace.
*International Organization* 57(2), 337-372.
Fortna, V. P. (2004). *Peace Time: Cease-Fire Agreements and the Durability of Peace*.
Princeton University Press.
"""

from __future__ import annotations

from sim.xp import namespace


def deal_hazard(base, ratio: dict, terms: dict, cap):
    """``q = min(cap, base * prod_d ratio_d ** x_d)``; ``x_d`` from ``terms`` (broadcasting
    against ``base``); dimensions without a ratio leave the hazard alone."""
    xp = namespace(base)
    q = base
    for d, rho in ratio.items():
        q = q * xp.exp(terms[d] * xp.log(rho))
    return xp.minimum(q, cap)


def relapse_weight(delta, q):
    """``omega = delta q / (1 - delta + delta q)`` (0 where ``q = 0``).

    The denominator is 0 only where ``delta = 1`` and ``q = 0``, where the numerator is 0
    too: dividing by the smallest normal number then gives 0, the limit, without a branch
    (three passes over the array: it runs on every month of every set)."""
    xp = namespace(delta, q)
    num = delta * q
    denom = 1.0 - delta
    denom += num
    return num / xp.maximum(denom, xp.finfo(num.dtype).smallest_normal)


def durable_value(utility, relapse_value, omega):
    """The constant monthly utility of a deal that may break: ``(1 - omega) u + omega w``."""
    return utility + omega * (relapse_value - utility)


def durable_rest(rest, rbar, line_sq, omega):
    """``rest' = (1 - omega) rest + omega (rbar - lp(l_sq))``: the deal's other terms as
    the acceptable intervals read them (see the module docstring); ``line_sq`` is
    ``lp_i(l_sq(t))``, the weighted line score of the status quo."""
    return rest + omega * (rbar - line_sq - rest)


def expected_duration(q):
    """Expected months of peace, ``1 / q`` (infinite where ``q = 0``)."""
    xp = namespace(q)
    return xp.where(q > 0, 1.0 / xp.where(q > 0, q, 1.0), xp.inf)
