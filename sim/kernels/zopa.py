r"""The zone of possible agreement (ZOPA) on the line, month by month.

A deal signed at ``t`` is acceptable to ``i`` iff ``u_i(x) >= rbar_i(t)``
(:mod:`sim.kernels.reservation`).  The veto players of a deal are those with a
veto on the line (always touched) or on a dimension the deal moves away from its
no-deal value.  Each actor's acceptable lines form an interval
(:func:`sim.kernels.utility.acceptable`), so the ZOPA is ``[max lo_i, min hi_i]``
over the veto players, or empty; then the actors whose bounds cross are *binding*
and ``gap = lo - hi``.

Arrays of one array-API namespace (:mod:`sim.xp`), except
:func:`first_open_month_blocked`, the engine's numpy search (checked against
:func:`first_open_month`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from sim.kernels.utility import acceptable, acceptable_bounds, take_sets
from sim.model.batch import Preferences, Terms
from sim.xp import namespace

#: Months per block in the engine's search for the first month with a ZOPA.
SEARCH_MONTHS = 12


def veto_mask(terms: Terms, deal_terms: dict[str, Any], size: int, threshold=1e-9):
    """``(B, n)`` bool: the actor holds a veto on something the deal touches.

    The line is always touched; dimension ``d`` is touched when the deal's value
    (``deal_terms[d]``, ``(B,)`` or ``(B, 1, T)``: its first month counts) differs from
    its no-deal value by more than ``threshold`` (a scalar or ``(B,)``; 1e-9 by default:
    any change).  A threshold above 0 is a materiality rule (issue 17): a change too
    small to need the veto player's formal act leaves it out, so the ZOPA does not jump
    at the one point where the term equals its no-deal value, but at the threshold.
    """
    xp = namespace(*deal_terms.values(), terms.veto)
    veto = xp.asarray(terms.veto)
    n = veto.shape[0]
    mask = xp.broadcast_to(veto[None, :, 0], (size, n))
    for k, d in enumerate(terms.no_deal):
        value = xp.reshape(
            xp.broadcast_to(deal_terms[d], (size, *deal_terms[d].shape[1:])), (size, -1)
        )
        touched = xp.abs(value[:, 0] - terms.no_deal[d][:, 0, 0]) > threshold
        mask = mask | (veto[None, :, 1 + k] & touched[:, None])
    return mask


@dataclass
class ZopaArrays:
    """The ZOPA for a batch at one or many months; arrays ``(B, ...)``."""

    exists: Any
    lo: Any
    hi: Any
    gap: Any
    lo_actor: Any
    hi_actor: Any
    refuses: Any  # (B, n, ...) veto players that accept no line

    def at(self, t: int) -> ZopaArrays:
        """Month ``t`` of a ZOPA computed over months (the last axis)."""
        return ZopaArrays(*(getattr(self, f.name)[..., t] for f in fields(self)))

    def binding_mask(self):
        """Bitmask over actors whose bounds bind (or who refuse every line), int64."""
        xp = namespace(self.lo)
        n = self.refuses.shape[1]
        bits = xp.reshape(
            xp.asarray([1 << i for i in range(n)], dtype=xp.int64),
            (1, n) + (1,) * (self.refuses.ndim - 2),
        )
        refuse_bits = xp.sum(xp.astype(self.refuses, xp.int64) * bits, axis=1)
        one = xp.ones_like(self.lo_actor)
        edge_bits = xp.bitwise_or(
            xp.bitwise_left_shift(one, self.lo_actor), xp.bitwise_left_shift(one, self.hi_actor)
        )
        return xp.where(refuse_bits > 0, refuse_bits, xp.astype(edge_bits, xp.int64))


def intersect(lo, hi, veto) -> ZopaArrays:
    """Intersect the veto players' intervals.

    ``lo, hi`` : ``(B, n, ...)`` with NaN where an actor accepts no line;
    ``veto`` : ``(B, n)``.  Ties go to the first actor (as ``argmax`` does).
    """
    xp = namespace(lo)
    n = lo.shape[1]
    v = xp.reshape(veto, veto.shape + (1,) * (lo.ndim - 2))
    refuses = v & xp.isnan(lo)
    rest = lo.shape[:1] + lo.shape[2:]
    zlo, zhi = xp.full(rest, -xp.inf), xp.full(rest, xp.inf)
    lo_actor = xp.zeros(rest, dtype=xp.int64)
    hi_actor = xp.zeros(rest, dtype=xp.int64)
    for i in range(n):  # a loop over the few actors, not over parameter sets
        counts = v[:, i, ...] & ~refuses[:, i, ...]
        li = xp.where(counts, lo[:, i, ...], -xp.inf)
        hi_i = xp.where(counts, hi[:, i, ...], xp.inf)
        up, down = li > zlo, hi_i < zhi
        zlo = xp.where(up, li, zlo)
        zhi = xp.where(down, hi_i, zhi)
        lo_actor = xp.where(up, i, lo_actor)
        hi_actor = xp.where(down, i, hi_actor)
    none = xp.any(refuses, axis=1)
    exists = ~none & (zlo <= zhi + 1e-9)
    gap = xp.where(none, xp.inf, xp.where(exists, 0.0, zlo - zhi))
    return ZopaArrays(exists, zlo, zhi, gap, lo_actor, hi_actor, refuses)


def zopa_exists(lo, hi, veto):
    """``intersect(lo, hi, veto).exists`` alone, in a few passes.

    A veto player that accepts no line has NaN bounds, which ``maximum``/``minimum``
    propagate and every comparison with NaN is false: no ZOPA.
    """
    xp = namespace(lo)
    v = xp.reshape(veto, veto.shape + (1,) * (lo.ndim - 2))
    rest = lo.shape[:1] + lo.shape[2:]
    lo_max, hi_min = xp.full(rest, -xp.inf), xp.full(rest, xp.inf)
    for i in range(lo.shape[1]):
        lo_max = xp.maximum(lo_max, xp.where(v[:, i, ...], lo[:, i, ...], -xp.inf))
        hi_min = xp.minimum(hi_min, xp.where(v[:, i, ...], hi[:, i, ...], xp.inf))
    return lo_max <= hi_min + 1e-9


def _exists(bounds, veto):
    """``zopa_exists(*acceptable(...), veto)`` from
    :func:`~sim.kernels.utility.acceptable_bounds` ``(lo, hi, accepts)`` ``(B, n >= 1, T)``
    and ``veto`` ``(B, n)``: the same booleans (a veto player that accepts no line closes
    the zone; otherwise max lo <= min hi + 1e-9 over the veto players), without the NaN
    bounds; when every actor holds a veto in every set, without the masks either."""
    lo, hi, accepts = bounds
    if not bool(np.all(veto)):
        v = veto[..., None]
        accepts = accepts | ~v
        lo, hi = np.where(v, lo, -np.inf), np.where(v, hi, np.inf)
    return np.all(accepts, axis=1) & (np.max(lo, axis=1) <= np.min(hi, axis=1) + 1e-9)


def first_open_month(prefs: Preferences, rbar, rest, veto, limits=None):
    """First month with a ZOPA, ``-1`` if none: every month at once (the reference)."""
    xp = namespace(rbar)
    exists = zopa_exists(*acceptable(prefs, rbar, rest, limits), veto)
    any_open = xp.any(exists, axis=1)
    return xp.where(any_open, xp.argmax(xp.astype(exists, xp.int8), axis=1), -1)


def first_open_month_blocked(prefs: Preferences, rbar, rest, veto, limits=None) -> np.ndarray:
    """:func:`first_open_month` by the engine's numpy search (same answer, less work).

    Month 0 for all, then, for the parameter sets still closed, the later months a
    block at a time (:data:`SEARCH_MONTHS`; small blocks keep the temporaries in
    cache), dropping the sets that have opened, and only the actors with a veto.
    ``limits``: the red lines' ``(floor, cap)`` ``(B, n, T)`` or None (see :func:`acceptable`).
    """

    def parts(window: slice, sets):
        def pick(v):
            v = v if v.shape[-1] == 1 else v[..., window]
            return v if sets is None else take_sets(v, sets)

        return pick(rest), None if limits is None else tuple(pick(v) for v in limits)

    return first_open_month_deferred(prefs, rbar, veto, parts)


def first_open_month_deferred(prefs: Preferences, rbar, veto, parts) -> np.ndarray:
    """:func:`first_open_month_blocked` with ``rest`` and the red lines' ``limits`` computed
    only where the search reads them: ``parts(window, sets)`` returns ``(rest, limits)``
    over the months ``window`` (a slice) for the parameter sets ``sets`` (an index array,
    or None: all), every actor, ``(B', n, T' or 1)`` (``limits`` None or ``(floor, cap)``).
    The values must be those of the whole arrays (element by element): the engine's
    deferred durability (:func:`sim.engine.evaluate` without the forecast) spares the
    months and sets that the search never reaches.
    """
    rest0, limits0 = parts(slice(0, 1), None)
    start = intersect(*acceptable(prefs.month(0), rbar[..., :1], rest0, limits0), veto)
    first = np.where(start.exists[:, 0], 0, -1)
    months = rbar.shape[-1]
    voters = np.flatnonzero(veto[first < 0].any(axis=0))
    line = prefs.line_only().map(lambda v: v if v.shape[1] == 1 else v[:, voters])

    def voting(v):  # the voters' rows
        return v if v.shape[1] == 1 else v[:, voters]

    for t0 in range(1, months, SEARCH_MONTHS):
        closed = np.flatnonzero(first < 0)
        if not closed.size:
            break
        window = slice(t0, min(months, t0 + SEARCH_MONTHS))
        sub = line.months(window).map(lambda v, c=closed: take_sets(v, c))
        rest, limits = parts(window, closed)
        sub_limits = None if limits is None else tuple(voting(v) for v in limits)
        sub_rbar = take_sets(voting(rbar[..., window]), closed)
        sub_veto = veto[closed][:, voters]
        if voters.size:
            bounds = acceptable_bounds(sub, sub_rbar, voting(rest), sub_limits)
            exists = _exists(bounds, sub_veto)
        else:
            bounds = acceptable(sub, sub_rbar, voting(rest), sub_limits)
            exists = zopa_exists(*bounds, sub_veto)
        opened = exists.any(axis=1)
        first[closed[opened]] = t0 + np.argmax(exists[opened], axis=1)
    return first
