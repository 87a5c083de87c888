r"""Rearmament after a deal: the shift of power that a relapse would fight with (issue 17).

While a deal holds each war side ``j`` rebuilds its forces: its capacity (bn/month, the war
model's unit, :mod:`sim.kernels.war`) grows by the stock

.. math::  G_j(k) = \min(g_j k,\; C_j), \qquad C_{\text{capped}} = \bar C_j (1 - x_{lim})

``k`` months after the deal, at the rate ``g_j`` the model already uses for a pause
(``war.pause.capacity_gain_bn``: bn/month of capacity per month of peace) up to a ceiling
``C_j``; the side named in ``settlement.rearmament.capped_by`` (Ukraine) has its ceiling
scaled down by the deal's army-cap term ``x_lim`` (``military_limits``: 0 no cap, the full
ceiling; 1 strict caps, no rearmament beyond the deal's level).

**Relapse in month k.**  A war that restarts ``j`` months after the deal is the actor's
no-deal war from the deal's line (:mod:`sim.kernels.durability`) with side A's capacity
share ``s = K_A / (K_A + K_B)`` moved by ``Delta s(j) = s(K_A + G_A(j), K_B + G_B(j)) -
s(K_A, K_B)``, ``K_A, K_B`` the capacities of the deal month.  The front's drift is
``k (s - s*) season`` (:mod:`sim.kernels.war`), so the renewed war's drift moves by
``k * season_mean * Delta s`` km2 a month.  The line then moves that much each month while
the renewed war lasts (it freezes with monthly hazard ``g``,
``settlement.frozen_conflict.war_exit_hazard``), so actor ``i``, with line slope ``lp'_i``
(utility per km2, signed), values the shift at the constant monthly utility

.. math::  \Delta w_i(j) = v_i\,\Delta s(j), \qquad
           v_i = lp'_i\, k\, \bar\sigma\, \frac{\delta_i}{1 - \delta_i + \delta_i g}

(the present value of ``lp' d min(m, M)`` over the renewed war's months ``m``, ``M``
geometric with parameter ``g``, times ``1 - delta``).  The capacities' effect on the war's
costs, on the grid and on the breakthrough's hazard is left out.

**The deal's value.**  With a monthly hazard ``q`` and the relapse at the end of peace
month ``k`` (probability ``q (1 - q)^k``, the war from month ``k + 1``),
``V = sum_k x^k [u + delta q W_{k+1}]`` with ``x = delta (1 - q)`` gives

.. math::  (1 - \delta) V = (1 - \omega) u + \omega\,\bigl(w + \overline{\Delta w}_i\bigr),
           \qquad \overline{\Delta w}_i = (1 - x) \sum_{k \ge 0} x^k \Delta w_i(k + 1),

``omega`` the relapse weight of :func:`sim.kernels.durability.relapse_weight`: the relapse
value of today's durability plus the discounted mean of the shift over the month of relapse.
The mean of the stocks is in closed form: with ``kbar = C_j / g_j`` and ``n = floor(kbar)``,
``min(k + 1, kbar) = sum_{m=1}^{n} 1[k + 1 >= m] + (kbar - n) 1[k >= n]``, so

.. math::  S_j = (1 - x) \sum_{k \ge 0} x^k G_j(k + 1)
              = g_j \Bigl[\frac{1 - x^n}{1 - x} + (\bar k - n)\, x^n\Bigr]

(``n g_j`` at ``x = 1``; 0 when ``g_j = 0`` or ``C_j = 0``), and the share is taken at the
mean stocks, ``mean Delta w_i = v_i [s(K_A + S_A, K_B + S_B) - s(K_A, K_B)]``.  That is
exact when the stocks stand still over the relapse months that count (at their ceilings,
reached after ``C_j / g_j`` months -- a few in the baseline -- or a relapse after the first
month, ``x = 0``); during the build-up the share's curvature makes it an approximation,
which a test bounds against the month-by-month simulation.  It keeps the monotonicity of
the exact share: more rearmament by side B never helps side A.  The shift does not depend
on the line, so the acceptable lines stay an interval: the engine adds it to the relapse
value (``rbar``) that :func:`sim.kernels.durability.durable_rest` reads.  No rearmament
(``g = 0`` or ``C = 0``) gives a shift of exactly 0: today's values.

**Who fights on Ukraine's side.**  A deal's guarantees bring allies into a renewed war:
``settlement.rearmament.support_bn[side]`` bn/month of capacity that fights on that side's
side from the relapse's first month, scaled by the term named in ``support_by[side]``
(``guarantees``: 0 none, 1 Article-5-like), ``H_j = support_j x_term``.  It adds to the mean
stock of its side, ``K_B + S_B + H_B``; being constant, its discounted mean over the month of
relapse is ``H_B`` exactly.  No support gives a shift bit for bit as without it.

The commitment problem of a final deal (Fearon 1995; Powell 2006): a deal that lets Ukraine
rearm without a cap moves the war that a relapse would restart against Russia, so Russia
loses more of the deal's value to the fear of relapse, and an army cap buys that back.

Arrays of one array-API namespace (:mod:`sim.xp`), broadcasting over the leading batch axis.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization* 49(3),
379-414.
Powell, R. (2006). War as a commitment problem. *International Organization* 60(1), 169-203.
Fortna, V. P. (2004). *Peace Time*. Princeton University Press (the durability's hazard).
"""

from __future__ import annotations

from sim.xp import namespace


def ceiling(base, limit_term):
    """A side's ceiling ``C = base * (1 - x_lim)`` for the army-cap term ``x_lim`` in [0, 1]."""
    xp = namespace(base)
    return base * (1.0 - xp.clip(limit_term, 0.0, 1.0))


def stock(rate, cap, k):
    """The stock ``G(k) = min(rate * k, cap)`` ``k`` months after the deal (the direct form)."""
    xp = namespace(rate, cap)
    return xp.minimum(rate * k, cap)


def discounted_stock(rate, cap, x, log_x=None):
    r"""``S = (1 - x) sum_{k >= 0} x^k G(k + 1)`` in closed form (module docstring).

    ``rate`` ``g``, ``cap`` ``C`` and ``x = delta (1 - q)`` in [0, 1] broadcast; ``log_x``
    (optional) is ``log(x)``, shared by the two sides' calls (``x^n = exp(n log x)``)."""
    xp = namespace(rate, cap, x)
    has = (rate > 0) & (cap > 0)
    # months to the ceiling, at most 1e12 (a rate below 1e-12 of the ceiling never gets there)
    kbar = cap / xp.where(has, xp.maximum(rate, cap * 1e-12), 1.0)
    n = xp.floor(kbar)
    xn = x**n if log_x is None else xp.exp(n * log_x)
    one_minus = 1.0 - x
    tiny = xp.finfo(xn.dtype).smallest_normal
    head = xp.where(one_minus > 0, (1.0 - xn) / xp.maximum(one_minus, tiny), n)
    return xp.where(has, rate * (head + (kbar - n) * xn), 0.0)


def exact_share_shift(ka, kb, ga, gb):
    """The change of side A's capacity share ``K_A / (K_A + K_B)`` when the stocks ``ga, gb``
    are added (0 where there is no capacity at all)."""
    xp = namespace(ka, kb, ga, gb)
    before, after = ka + kb, ka + kb + ga + gb
    ok = (before > 0) & (after > 0)
    return xp.where(ok, (ka + ga) / xp.where(ok, after, 1.0) - ka / xp.where(ok, before, 1.0), 0.0)


def drift_value(slope, drift_per_share, delta, exit_hazard):
    r"""``lp' k sigma delta / (1 - delta + delta g)``: the constant monthly utility of a unit
    change of side A's capacity share in a renewed war that freezes with hazard ``g``
    (``drift_per_share = k * season_mean``).  With ``g = 0`` and ``delta = 1`` the war never
    ends and the value is unbounded: the divisor is floored at the smallest normal number."""
    xp = namespace(slope, delta)
    denom = 1.0 - delta + delta * exit_hazard
    return (
        slope * drift_per_share * delta / xp.maximum(denom, xp.finfo(denom.dtype).smallest_normal)
    )


def relapse_shift(value_per_share, capacities, rates, caps, x, support=None):
    r"""``mean Delta w_i = v_i [s(K_A + S_A + H_A, K_B + S_B + H_B) - s(K_A, K_B)]`` (module
    docstring): the shift of each actor's relapse value, averaged over the month of relapse.

    ``value_per_share`` ``v_i`` from :func:`drift_value`, ``capacities`` ``(K_A, K_B)`` of
    the deal month, ``rates`` and ``caps`` ``(g, C)`` per side, ``x = delta (1 - q)``;
    ``support`` ``(H_A, H_B)`` (or None: none) the allies' capacity that fights on each
    side's side in the renewed war (who fights on Ukraine's side: the guarantors, from the
    first month of relapse, so its discounted mean is ``H`` itself, exactly).
    """
    ka, kb = capacities
    mean_a, mean_b = mean_stocks(rates, caps, x, support)
    return value_per_share * exact_share_shift(ka, kb, mean_a, mean_b)


def mean_stocks(rates, caps, x, support=None):
    """Each side's discounted mean stock over the month of relapse, ``(S_A + H_A, S_B +
    H_B)`` (:func:`discounted_stock` of each side's rate and ceiling at ``x``, plus the
    support): what :func:`relapse_shift` adds to the capacities.  Element by element in
    ``x`` (so a caller may compute it once for an ``x`` that does not change over months)."""
    xp = namespace(x)
    (g_a, g_b), (c_a, c_b) = rates, caps
    # x floored at the smallest normal number: x^n = exp(n log x) ~ 1e-308 for x = 0, n >= 1
    log_x = xp.log(xp.maximum(x, xp.finfo(xp.float64).smallest_normal))
    mean_a = discounted_stock(g_a, c_a, x, log_x)
    mean_b = discounted_stock(g_b, c_b, x, log_x)
    if support is not None:
        mean_a, mean_b = mean_a + support[0], mean_b + support[1]
    return mean_a, mean_b


def signed_line_slope(weight, ideal, curvature, span, line):
    r"""``d lp_i / d l`` at ``line``: ``-w rho |l - theta|^(rho - 1) sign(l - theta) / s^rho``
    (the line score ``w (1 - (|l - theta| / s)^rho)``; 0 at the ideal when ``rho > 1``)."""
    xp = namespace(weight, line)
    if bool(xp.all(curvature == 1.0)):  # the common risk-neutral case: skip the powers
        return -weight * xp.sign(line - ideal) / span
    dist = xp.abs(line - ideal)
    return -weight * curvature * dist ** (curvature - 1.0) * xp.sign(line - ideal) / span**curvature
