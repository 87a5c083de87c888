r"""Spatial, single-peaked utilities over a deal, and acceptable intervals on the line.

A deal is ``x = (l, y)``: ``l`` the territorial line (km2 held by the first war
side) and ``y`` the other dimensions, each in [0, 1].  Actor ``i``'s utility per
month is

.. math::

    u_i(x) = \frac{1}{W_i} \sum_k w_{ik}
             \Bigl(1 - \bigl(|x_k - \theta_{ik}| / s_k\bigr)^{\rho_{ik}}\Bigr),
    \qquad W_i = \sum_k w_{ik},

with ideal point ``theta``, salience weight ``w`` (normalised to sum to 1),
curvature ``rho`` (1 risk-neutral, 2 quadratic loss) and span ``s_k`` (the
scenario's ``territory.span_km2`` for the line, 1 for the others).  Utility is
concave in each dimension for ``rho >= 1``.

Because the line enters additively, the set of lines an actor accepts, given
``y`` and a reservation utility ``rbar``, is an interval in closed form:
``|l - theta| <= s * a ** (1/rho)`` with ``a = 1 - (rbar - u_rest) / w_line``;
it is empty when ``a < 0``.  The ZOPA is then an intersection of intervals.

Every function takes arrays of one array-API namespace (:mod:`sim.xp`) and the
typed :class:`~sim.model.batch.Preferences`.
"""

from __future__ import annotations

import numpy as np

from sim.model.batch import Preferences
from sim.model.scenario import LINE
from sim.xp import is_numpy, namespace


def term(x, ideal, span, curvature):
    """One dimension's single-peaked score ``1 - (|x - ideal| / span) ** curvature``."""
    xp = namespace(ideal, x)
    dist = xp.abs(x - ideal) / span
    if bool(xp.all(curvature == 1.0)):  # the common risk-neutral case: skip the power
        return 1.0 - dist
    return 1.0 - dist**curvature


def at_month(values, t: int):
    """Month ``t`` of an array whose last axis is months or 1 (constant over time)."""
    return values[..., min(t, values.shape[-1] - 1)]


def reverse_axes(values):
    """All axes reversed (``ndarray.T`` for any number of axes, in the array API)."""
    xp = namespace(values)
    return xp.permute_dims(values, tuple(range(values.ndim))[::-1])


def take_sets(values, index):
    """The parameter sets ``index`` of a ``(B, ..., T)`` array, kept in the engine's order.

    The engine's arrays are stored with the axes reversed (month, actor, set), so
    the copy is taken along the last axis of the reversed view.
    """
    xp = namespace(values)
    if is_numpy(xp) and values.shape[0] > 1 and values.strides[0] == 0:
        # every set holds the same values (a broadcast view, e.g. a war every set shares):
        # the same values, as a read-only view, without the copy
        return np.broadcast_to(values[:1], (np.shape(index)[0], *values.shape[1:]))
    return reverse_axes(xp.take(reverse_axes(values), index, axis=values.ndim - 1))


def line_part(prefs: Preferences, line):
    """Weighted line score; ``line`` broadcasts against ``(B, n, T)``."""
    return prefs.weight[LINE] * term(
        line, prefs.ideal[LINE], prefs.span[LINE], prefs.curvature[LINE]
    )


def rest_part(prefs: Preferences, terms: dict):
    """Weighted score of the other dimensions at values ``terms[d]`` (broadcasting)."""
    xp = namespace(prefs.weight[LINE])
    total = xp.zeros((*prefs.weight[LINE].shape[:2], 1), dtype=prefs.weight[LINE].dtype)
    for d in prefs.dims[1:]:
        total = total + prefs.weight[d] * term(
            terms[d], prefs.ideal[d], prefs.span[d], prefs.curvature[d]
        )
    return total


def acceptable(prefs: Preferences, rbar, rest, limits=None):
    """Each actor's acceptable interval of lines, given its reservation utility.

    Parameters
    ----------
    rbar, rest : arrays broadcasting to ``(B, n, T)``: the reservation utility and
        the utility of the deal's other dimensions.
    limits : None, or ``(floor, cap)`` broadcasting to ``(B, n, T)``: the red lines'
        hard bounds on the line (:func:`sim.kernels.ratification.line_limits`), which
        no utility can buy.

    Returns
    -------
    lo, hi : ``(B, n, T)``, NaN where the actor accepts no line.  An actor that gives
        the line no weight accepts every line iff the rest of the deal is worth its
        reservation utility.
    """
    xp = namespace(rbar)
    lo, hi, accepts_some = acceptable_bounds(prefs, rbar, rest, limits)
    return xp.where(accepts_some, lo, xp.nan), xp.where(accepts_some, hi, xp.nan)


def acceptable_bounds(prefs: Preferences, rbar, rest, limits=None):
    """:func:`acceptable` before the NaNs: ``(lo, hi, accepts_some)``, the bounds valid
    (and never NaN) where ``accepts_some`` is true."""
    xp = namespace(rbar)
    w = prefs.weight[LINE]
    total = prefs.total_km2[:, None, None]
    need = rbar - rest
    curv = prefs.curvature[LINE]
    indifferent = w <= 0
    a = 1.0 - need / xp.where(indifferent, 1.0, w)
    accepts_some = a >= 0
    if bool(xp.all(curv == 1.0)):
        radius = prefs.span[LINE] * a
    else:
        radius = prefs.span[LINE] * xp.where(accepts_some, a, 0.0) ** (1.0 / curv)
    ideal = prefs.ideal[LINE]
    lo = xp.maximum(ideal - radius, 0.0)
    hi = xp.minimum(ideal + radius, total)
    if bool(xp.any(indifferent)):
        lo = xp.where(indifferent, 0.0, lo)
        hi = xp.where(indifferent, xp.broadcast_to(total, hi.shape), hi)
        accepts_some = xp.where(indifferent, need <= 1e-12, accepts_some)
    if limits is not None:
        lo = xp.maximum(lo, limits[0])
        hi = xp.minimum(hi, limits[1])
    # Clipping can leave an interval that lies wholly outside [0, total].
    accepts_some = accepts_some & (lo <= hi)
    return lo, hi, accepts_some
