r"""War as a bargaining failure: Fearon's bargaining range and Powell's commitment problem.

Bargaining range (Fearon 1995)
------------------------------
Two states, A and B, dispute a good of size 1; ``x`` is A's share and
``1 - x`` is B's.  War is a costly lottery: A wins everything with probability
``p`` and nothing otherwise, and the states pay costs ``c_A, c_B >= 0`` in
utility units.  With utilities ``u_A(x) = x ** r_A`` and
``u_B(x) = (1 - x) ** r_B`` (``r < 1`` risk-averse, ``r = 1`` risk-neutral,
``r > 1`` risk-acceptant; ``u(1) = 1``, ``u(0) = 0``), the expected utilities of
war are ``p - c_A`` and ``1 - p - c_B`` (Fearon 1995, pp. 386-388), so the
deals both prefer to war are

.. math::

    \underbrace{(p - c_A)_+^{1/r_A}}_{\text{lo}} \;\le\; x \;\le\;
    \underbrace{1 - (1 - p - c_B)_+^{1/r_B}}_{\text{hi}},

where ``(y)_+ = max(y, 0)`` (a state whose war utility is negative accepts
anything).  For risk-neutral states this is ``[p - c_A, p + c_B]`` clipped to
[0, 1]; risk aversion widens it.  When ``lo > hi`` no deal beats war and the
range is empty (NaN).

Mutual optimism (Fearon 1995, pp. 390-393; Blainey 1973)
--------------------------------------------------------
If A believes it wins with probability ``p_A`` and B believes *it* wins with
probability ``p_B``, A accepts ``x >= p_A - c_A`` and B accepts
``x <= 1 - p_B + c_B``: the range is empty exactly when the joint optimism
``p_A + p_B - 1`` exceeds the total cost ``c_A + c_B``.

Commitment problem (Powell 2006)
--------------------------------
An infinitely repeated division of a flow of 1 per period; both states
discount a period by ``delta``.  Either state may start a war at the start of
any period; war ends the game with the present values (today's flow
included)

.. math::

    W_A(t) = \frac{p_t}{1 - \delta} - C_A, \qquad
    W_B(t) = \frac{1 - p_t}{1 - \delta} - C_B,

where ``C_A, C_B >= 0`` are the present-value costs of war in units of one
period's flow.  A war that costs ``k_i`` per period for ever has
``C_i = k_i / (1 - delta)``; one that lasts ``T`` periods,
``C_i = k_i (1 - delta**T) / (1 - delta)``.  Power shifts once: A's winning
probability is ``p`` now and ``p_next`` from the next period on.

Say A is the declining state (``p > p_next``).  Whatever the bargaining
protocol, B can fight next period, so B's continuation value then is at least
``W_B(1)``; A's payoff from peace now is therefore at most today's whole flow
plus what is left tomorrow, ``1 + delta (1 / (1 - delta) - W_B(1))``.  If A's
value of fighting now exceeds even that, A fights in every equilibrium:

.. math::

    W_A(0) + \delta\,W_B(1) > \frac{1}{1 - \delta}
    \iff \delta\,W_B(1) - W_B(0) > C_A + C_B
    \iff \delta (p - p_{\text{next}}) - (1 - \delta)(1 - p)
         > (1 - \delta)(C_A + \delta C_B).

In the rising state's terms, with ``q_t = 1 - p_t`` its probability of
winning (``q_next > q``), the last form reads

.. math::

    \delta\,(q_{\text{next}} - q) \;>\; (1 - \delta)\,\bigl(q + C_D + \delta C_R\bigr)
    \;=\; (1 - \delta)\,q + k_D + \delta k_R ,

with ``D`` the declining and ``R`` the rising state and, on the right, the
per-period costs ``k = (1 - delta) C`` of an endless war: war is inevitable
when the (discounted) shift is large relative to the costs and to the rising
state's current strength.

Relation to Powell (2006).  Powell's "common mechanism" is the middle form:
the declining state must promise the rising state at least what the rising
state can lock in by fighting after the shift, ``delta W_R(1)``, but can only
offer what is left after locking in its own war payoff now, ``1 / (1 - delta)
- W_D(0)``; when ``delta W_R(1) - W_R(0)`` exceeds the surplus ``C_A + C_B``
that peace saves, no division of the flow does both, and the declining state
fights ("large, rapid shifts in the distribution of power").  The first and
middle forms are the same statement in two ways (``W_A + W_B = 1 / (1 -
delta) - C_A - C_B``); the forms in ``p`` are their algebra for this game,
checked against brute-force backward induction in the tests.  Conversely, if
the inequality fails, the declining state making every offer (it offers the
rising state exactly what keeps it from fighting, from the next period on) is
a peaceful equilibrium, so the condition is exactly "war in every
equilibrium of every protocol".  The same holds with the roles swapped when
``p_next > p``.  The form in ``p`` multiplied through by ``1 - delta`` is
what is evaluated; it extends to ``delta = 1`` (war iff power shifts at all)
and to ``delta = 0`` (never war).

References
----------
Blainey, G. (1973). *The Causes of War*. Free Press.

Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414.

Powell, R. (2006). War as a commitment problem. *International Organization*
60(1), 169-203.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.bargaining._validate import (
    as_float,
    broadcast,
    check_nonnegative,
    check_positive,
    check_unit_interval,
    scalar_or_array,
)


class BargainingRange(NamedTuple):
    """The interval of A's shares both sides prefer to war; unpacks as ``(lo, hi)``.

    Both are NaN where the range is empty.
    """

    lo: np.ndarray | np.generic
    """Smallest share A accepts."""
    hi: np.ndarray | np.generic
    """Largest share B concedes."""


_ROUNDING = 4.0 * np.spacing(1.0)
"""Crossings this small are rounding noise of a single-point range, not emptiness."""


def _range(lo, hi):
    """``BargainingRange`` with empty intervals (``lo > hi``) set to NaN.

    A crossing within ``_ROUNDING`` (e.g. ``lo = p`` and ``hi = 1 - (1 - p)``
    with zero costs) is the single point at its midpoint.
    """
    crossed = lo > hi
    midpoint = 0.5 * (lo + hi)
    empty = lo > hi + _ROUNDING
    lo = np.where(empty, np.nan, np.where(crossed, midpoint, lo))
    hi = np.where(empty, np.nan, np.where(crossed, midpoint, hi))
    return BargainingRange(scalar_or_array(lo), scalar_or_array(hi))


def fearon_range(p, cost_a, cost_b, risk_a=1.0, risk_b=1.0):
    r"""Fearon's (1995) bargaining range for A's share of a unit good.

    Parameters
    ----------
    p : float or array_like
        Probability that A wins a war, in [0, 1].
    cost_a, cost_b : float or array_like
        Costs of war to A and B, ``>= 0``, in utility units (the utility of
        the whole good is 1).
    risk_a, risk_b : float or array_like, optional
        Exponents ``r > 0`` of the utilities ``x ** r_A`` and ``(1 - x) ** r_B``
        (default 1, risk-neutral).

    Returns
    -------
    BargainingRange
        ``(lo, hi)`` = :math:`((p - c_A)_+^{1/r_A},\ 1 - (1 - p - c_B)_+^{1/r_B})`,
        inside [0, 1]; both NaN where ``lo > hi`` (a crossing within rounding,
        about 1e-15, is the single point at its midpoint).  Numpy scalars for
        scalar inputs, otherwise arrays of the broadcast shape.

    Raises
    ------
    ValueError
        If ``p`` is outside [0, 1], a cost is negative, a risk exponent is
        not positive, an input is not finite, or the shapes do not broadcast.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3), 379-414.

    Examples
    --------
    >>> [round(float(x), 6) for x in fearon_range(0.5, 0.1, 0.2)]
    [0.4, 0.7]
    """
    p = as_float("p", p)
    cost_a = as_float("cost_a", cost_a)
    cost_b = as_float("cost_b", cost_b)
    risk_a = as_float("risk_a", risk_a)
    risk_b = as_float("risk_b", risk_b)
    check_unit_interval("p", p)
    check_nonnegative("cost_a", cost_a)
    check_nonnegative("cost_b", cost_b)
    check_positive("risk_a", risk_a)
    check_positive("risk_b", risk_b)
    p, cost_a, cost_b, risk_a, risk_b = broadcast(
        p=p, cost_a=cost_a, cost_b=cost_b, risk_a=risk_a, risk_b=risk_b
    )
    lo = np.maximum(p - cost_a, 0.0) ** (1.0 / risk_a)
    hi = 1.0 - np.maximum(1.0 - p - cost_b, 0.0) ** (1.0 / risk_b)
    # Risk-neutral B: p + c_B directly, without the rounding of 1 - (1 - p - c_B).
    hi = np.where(risk_b == 1.0, np.minimum(p + cost_b, 1.0), hi)
    return _range(lo, hi)


def mutual_optimism_range(p_a, p_b, cost_a, cost_b):
    r"""Bargaining range when each side holds its own belief about winning.

    Parameters
    ----------
    p_a : float or array_like
        A's belief that A wins a war, in [0, 1].
    p_b : float or array_like
        B's belief that **B** wins a war, in [0, 1].  Consistent beliefs have
        ``p_a + p_b = 1``; optimism is ``p_a + p_b - 1 > 0``.
    cost_a, cost_b : float or array_like
        Costs of war, ``>= 0``, in shares of the good (risk-neutral states).

    Returns
    -------
    BargainingRange
        ``(lo, hi)`` = :math:`((p_A - c_A)_+,\ 1 - (p_B - c_B)_+)`, both NaN where
        empty, i.e. where ``p_a + p_b - 1 > cost_a + cost_b`` (within [0, 1]).

    Raises
    ------
    ValueError
        If a belief is outside [0, 1], a cost is negative, an input is not
        finite, or the shapes do not broadcast.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3), 379-414 (section "Private information and incentives
    to misrepresent").

    Examples
    --------
    >>> [round(float(x), 6) for x in mutual_optimism_range(0.6, 0.5, 0.05, 0.1)]
    [0.55, 0.6]
    >>> bool(np.isnan(mutual_optimism_range(0.7, 0.6, 0.1, 0.1).lo))  # optimism 0.3 > 0.2
    True
    """
    p_a = as_float("p_a", p_a)
    p_b = as_float("p_b", p_b)
    cost_a = as_float("cost_a", cost_a)
    cost_b = as_float("cost_b", cost_b)
    check_unit_interval("p_a", p_a)
    check_unit_interval("p_b", p_b)
    check_nonnegative("cost_a", cost_a)
    check_nonnegative("cost_b", cost_b)
    p_a, p_b, cost_a, cost_b = broadcast(p_a=p_a, p_b=p_b, cost_a=cost_a, cost_b=cost_b)
    lo = np.maximum(p_a - cost_a, 0.0)
    hi = 1.0 - np.maximum(p_b - cost_b, 0.0)
    return _range(lo, hi)


def powell_war_inevitable(p, p_next, delta, cost_a, cost_b):
    r"""Whether a one-time shift of power makes war inevitable (Powell 2006).

    Parameters
    ----------
    p : float or array_like
        A's probability of winning a war now, in [0, 1].
    p_next : float or array_like
        A's probability of winning from the next period on, in [0, 1].
    delta : float or array_like
        Per-period discount factor, in [0, 1].  A period is the time the shift
        takes; the flow being divided is 1 per period.
    cost_a, cost_b : float or array_like
        **Present-value** costs of war ``C_A, C_B >= 0`` in units of one
        period's flow.  Per-period costs ``k`` of an endless war convert as
        ``C = k / (1 - delta)`` (so ``k = 0.05`` at ``delta = 0.9`` is
        ``C = 0.5``); a war of ``T`` periods as ``C = k (1 - delta**T) / (1 -
        delta)``.

    Returns
    -------
    bool or numpy.ndarray of bool
        True where the declining state fights in every equilibrium, i.e.
        where the rising state's discounted war payoff after the shift
        exceeds its war payoff now by more than the surplus that peace saves
        (Powell's mechanism, with ``W`` the present values of war of the
        module docstring):

        .. math::

            \delta\,W_R(1) - W_R(0) > C_A + C_B
            \iff
            \delta\,|p - p_\text{next}| - (1 - \delta)(1 - p_D)
            > (1 - \delta)(C_D + \delta C_R),

        with ``D`` the declining and ``R`` the rising state and ``p_D`` the
        declining state's current probability of winning (so ``1 - p_D`` is
        the rising state's).

    Raises
    ------
    ValueError
        If a probability or ``delta`` is outside [0, 1], a cost is negative, an
        input is not finite, or the shapes do not broadcast.

    References
    ----------
    Powell, R. (2006). War as a commitment problem. *International
    Organization* 60(1), 169-203.

    Powell, R. (2004). The inefficient use of power: costly conflict with
    complete information. *American Political Science Review* 98(2), 231-241.

    Examples
    --------
    >>> bool(powell_war_inevitable(0.8, 0.4, 0.9, 0.5, 0.5))
    True
    >>> bool(powell_war_inevitable(0.8, 0.7, 0.9, 0.5, 0.5))
    False
    """
    p = as_float("p", p)
    p_next = as_float("p_next", p_next)
    delta = as_float("delta", delta)
    cost_a = as_float("cost_a", cost_a)
    cost_b = as_float("cost_b", cost_b)
    check_unit_interval("p", p)
    check_unit_interval("p_next", p_next)
    check_unit_interval("delta", delta)
    check_nonnegative("cost_a", cost_a)
    check_nonnegative("cost_b", cost_b)
    p, p_next, delta, cost_a, cost_b = broadcast(
        p=p, p_next=p_next, delta=delta, cost_a=cost_a, cost_b=cost_b
    )
    patience = 1.0 - delta
    a_declines = delta * (p - p_next) - patience * (1.0 - p) > patience * (cost_a + delta * cost_b)
    b_declines = delta * (p_next - p) - patience * p > patience * (cost_b + delta * cost_a)
    return scalar_or_array(a_declines | b_declines)
