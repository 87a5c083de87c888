r"""The front per region: each region's line moves with its own drift (issue 18).

The war's path (:mod:`sim.kernels.war`) moves one total line with the drift
``D(t) = k (s(t) - s*) season(t) + extra P_break(t)`` (``s`` side A's share of the two
sides' capacity, ``s*`` the share at which the total front stands still).  Region ``r``'s
line ``L_r(t)`` (km2 of the region held by side A) moves with

.. math::

    L_r(t+1) = \mathrm{clip}\bigl(L_r(t) + \alpha_r D(t) + c_r\,\mathrm{season}(t)
               + \sigma_r \varepsilon_r(t),\; 0,\; A_r\bigr)

* ``alpha_r >= 0`` -- the **allocation**: the share of the capacity balance (and of a
  breakthrough's extra drift) that side A's advantage buys on that axis;
* ``c_r`` -- the **regional offset** (km2/month at a seasonal factor of 1): where it is
  not zero the region stands still at its own capacity share
  ``s*_r = s* - c_r / (alpha_r k)`` (:func:`stalemate_share`), so
  ``alpha_r D + c_r season = alpha_r k (s - s*_r) season + alpha_r extra P_break``: a share
  of the drift, a regional stalemate point and the seasons;
* ``A_r`` -- the region's area: the line is capped at the region's area and at zero
  (side A cannot give back more than it holds);
* ``sigma_r eps_r`` -- seeded noise (Monte Carlo paths; ``eps`` standard normal).

The fronts are **locked together** when ``alpha_r = w_r`` with ``sum_r w_r = 1`` and
``c_r = 0``: then, while no region's cap binds, ``sum_r L_r(t)`` is the total line of the
war path (the regression against the total-line model: ``tests/regions``).  A region with
``alpha_r = c_r = sigma_r = 0`` never moves.

**Fit** (:func:`fit_regions`): the maximum a posteriori estimate on the observed monthly
line of each region, months ``1 .. T`` (``T`` the origin), the path started at the region's
observed line of month 0, the war's drift ``D`` given (the total line's own fit)::

    loss_r(alpha, c) = sum_{t=1..T, observed} (L_r(0) + alpha X(t) + c S(t) - L_r,obs(t))^2
                       + lambda c^2,
    X(t) = sum_{u<t} D(u),  S(t) = sum_{u<t} season(u),  lambda = (sigma_obs / tau_c)^2

i.e. the Gaussian likelihood of i.i.d. level errors (sd ``sigma_obs``; the same loss as
the total line's fit, :mod:`sim.backtest.front`) with a Gaussian prior ``c ~ N(0, tau_c^2)``
on the offset: a region's stalemate point is the total's unless its series says otherwise.
The prior is needed because the capacity share moves little within a fitting window, so
``X`` and ``S`` are nearly collinear and the unpenalised ``(alpha, c)`` trade off against
each other (out of sample they then diverge when the share moves; ``lambda = 0`` is
allowed and is plain least squares).  Without the caps the path is linear in
``(alpha, c)``, so the fit is a closed-form ridge problem with the constraint
``alpha >= 0`` (the normal equations; where they give ``alpha < 0`` the optimum lies on the
edge ``alpha = 0`` and ``c`` is fitted alone -- the KKT conditions of a strictly convex
quadratic on a half-plane).
The caps are applied when the path is walked (forecasts), not in the fit (they bind in no
fitted month of the series shipped).  Batched over origins and regions, no loop over sets.

Reference: the total line's drift is the capacity-balance drift of :mod:`sim.kernels.war`
(Lanchester, *Aircraft in Warfare*, 1916, for the balance of forces driving the front);
splitting it into one fixed share per axis, with an axis-specific stalemate point, is a
modelling judgement (the simplest split that lets each oblast's front move on its own), not
taken from a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.xp import Scratch, is_numpy, namespace


@dataclass(frozen=True)
class RegionalFront:
    """The regional fronts' parameters, each ``(B, R)`` (B parameter sets, R regions):
    ``allocation`` (alpha_r), ``offset_km2`` (c_r), ``area_km2`` (A_r, the cap),
    ``line0_km2`` (the line at month 0) and ``noise_sd_km2`` (sigma_r, used only with
    Monte Carlo draws)."""

    allocation: Any
    offset_km2: Any
    area_km2: Any
    line0_km2: Any
    noise_sd_km2: Any = 0.0

    def __post_init__(self):
        xp = namespace(self.allocation)
        shape = self.allocation.shape
        for name in ("offset_km2", "area_km2", "line0_km2"):
            if getattr(self, name).shape != shape:
                raise ParameterError(
                    f"regional front: {name} has shape {getattr(self, name).shape}, "
                    f"allocation {shape}"
                )
        if bool(xp.any(self.allocation < 0)):
            raise ParameterError("regional front: allocation must be >= 0")
        if bool(xp.any(self.area_km2 <= 0)):
            raise ParameterError("regional front: area_km2 must be > 0")


def locked(weights, line0_km2, area_km2) -> RegionalFront:
    """The fronts locked together: ``alpha_r = w_r`` (normalised to sum 1), ``c_r = 0``.

    ``weights``, ``line0_km2``, ``area_km2`` are ``(B, R)``."""
    xp = namespace(weights)
    w = xp.asarray(weights, dtype=xp.float64)
    total = xp.sum(w, axis=-1, keepdims=True)
    if bool(xp.any(total <= 0)):
        raise ParameterError("locked regional fronts: the weights must have a positive sum")
    return RegionalFront(w / total, xp.zeros_like(w), area_km2, line0_km2)


def regional_drift(front: RegionalFront, drift, season, eps=None):
    """Each region's drift ``alpha_r D(t) + c_r season(t) [+ sigma_r eps_r(t)]``.

    ``drift`` is the war's drift ``(B, M, T)``, ``season`` ``(B, T)``, ``eps`` (optional)
    standard normals ``(M, R, T)``; returns ``(B, M, R, T)``."""
    out = front.allocation[:, None, :, None] * drift[:, :, None, :]
    out = out + front.offset_km2[:, None, :, None] * season[:, None, None, :]
    if eps is not None:
        xp = namespace(front.allocation)
        sd = xp.broadcast_to(xp.asarray(front.noise_sd_km2, dtype=xp.float64), front.area_km2.shape)
        out = out + sd[:, None, :, None] * eps[None, ...]
    return out


def walk_regions(line0, drift, area, hold=None):
    """``L_r(t+1) = clip(L_r(t) + drift_r(t), 0, A_r)``.

    ``line0``, ``area`` ``(B, R)``; ``drift`` ``(B, M, R, T)`` (the last month's drift is
    not used); ``hold`` an optional function ``t -> bool`` (a pause: the line stands
    still).  Returns ``(B, M, R, T)``.  The month loop runs over month-major arrays; every
    other axis is vectorised."""
    xp = namespace(drift)
    size, m_paths, regions, months = drift.shape
    d = xp.moveaxis(drift, -1, 0)  # (T, B, M, R)
    if is_numpy(xp):
        d = np.ascontiguousarray(d)
    line = xp.empty((months, size, m_paths, regions), dtype=xp.float64)
    line[0, ...] = xp.broadcast_to(line0[:, None, :], (size, m_paths, regions))
    cap = area[:, None, :]
    ops = Scratch(xp)
    step = xp.empty(line.shape[1:], dtype=line.dtype)
    for t in range(months - 1):
        if hold is not None and hold(t):
            line[t + 1, ...] = line[t, ...]
            continue
        ops.add(line[t, ...], d[t, ...], out=step)
        ops.clip(step, 0.0, cap, out=line, key=(t + 1, ...))
    return xp.moveaxis(line, 0, -1)


def regional_paths(front: RegionalFront, drift, season, eps=None, hold=None):
    """The regional lines ``(B, M, R, T)`` for the war's drift ``(B, M, T)`` and season
    ``(B, T)`` (:func:`regional_drift` then :func:`walk_regions`)."""
    return walk_regions(
        front.line0_km2, regional_drift(front, drift, season, eps), front.area_km2, hold
    )


def stalemate_share(front: RegionalFront, scale, stalemate):
    """Each region's stalemate share ``s*_r = s* - c_r / (alpha_r k)`` ``(B, R)`` (NaN
    where ``alpha_r k = 0``: the region's drift does not read the capacity balance).

    ``scale`` (``k``) and ``stalemate`` (``s*``) are ``(B,)``."""
    xp = namespace(front.allocation)
    ak = front.allocation * scale[:, None]
    safe = xp.where(ak > 0, ak, 1.0)
    return xp.where(ak > 0, stalemate[:, None] - front.offset_km2 / safe, xp.nan)


# -- the fit -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalFit:
    """The fit of :func:`fit_regions`: ``allocation``, ``offset_km2``, ``loss`` (the sum of
    squared errors, without the prior's term) and ``months`` (the observed months it read),
    each ``(O, R)``."""

    allocation: np.ndarray
    offset_km2: np.ndarray
    loss: np.ndarray
    months: np.ndarray

    @property
    def rmse_km2(self) -> np.ndarray:
        return np.sqrt(self.loss / np.maximum(self.months, 1))


def _cumulative(x: np.ndarray) -> np.ndarray:
    """``X(t) = sum_{u<t} x(u)`` along the last axis (``X(0) = 0``)."""
    out = np.zeros_like(x)
    out[..., 1:] = np.cumsum(x[..., :-1], axis=-1)
    return out


def fit_regions(drift, season, observed, origins, line0=None, penalty=0.0) -> RegionalFit:
    """Fit ``(alpha_r, c_r)`` of every region at every origin (see the module's docstring).

    Parameters
    ----------
    drift : ``(O, T)`` or ``(T,)`` the war's drift for each origin's total fit.
    season : ``(O, T)`` or ``(T,)`` the seasonal factors.
    observed : ``(R, T)`` each region's observed line (NaN where not observed).
    origins : ``O`` month indices; origin ``o`` reads months ``1 .. o`` only.
    line0 : ``(R,)`` the line at month 0 (default ``observed[:, 0]``).
    penalty : ``lambda = (sigma_obs / tau_c)^2``, the prior's weight on the offset
        (0: least squares).
    """
    if not penalty >= 0:
        raise ParameterError(f"regional fit: penalty must be >= 0, got {penalty}")
    obs = np.asarray(observed, dtype=float)
    n_o = len(origins)
    drift = np.broadcast_to(np.asarray(drift, dtype=float), (n_o, obs.shape[1]))
    season = np.broadcast_to(np.asarray(season, dtype=float), (n_o, obs.shape[1]))
    start = obs[:, 0] if line0 is None else np.asarray(line0, dtype=float)
    if not np.all(np.isfinite(start)):
        raise ParameterError("regional fit: the line of month 0 must be observed")
    x, s = _cumulative(drift), _cumulative(season)  # (O, T)
    y = obs - start[:, None]  # (R, T)
    t = np.arange(obs.shape[1])
    # Weights: months 1 .. o that are observed (O, R, T).
    w = ((t >= 1)[None, :] & (t <= np.asarray(origins)[:, None]))[:, None, :] & np.isfinite(y)
    w = w.astype(float)
    y0 = np.where(np.isfinite(y), y, 0.0)[None, :, :]
    xx = (w * x[:, None, :] ** 2).sum(-1)
    ss = (w * s[:, None, :] ** 2).sum(-1) + penalty
    xs = (w * (x * s)[:, None, :]).sum(-1)
    xy = (w * x[:, None, :] * y0).sum(-1)
    sy = (w * s[:, None, :] * y0).sum(-1)
    det = xx * ss - xs**2
    ok = det > 1e-12 * np.maximum(xx * ss, 1e-300)
    safe = np.where(ok, det, 1.0)
    alpha = np.where(ok, (ss * xy - xs * sy) / safe, 0.0)
    offset = np.where(ok, (xx * sy - xs * xy) / safe, 0.0)
    # alpha >= 0: on the edge alpha = 0 the offset is fitted alone.
    edge = (alpha < 0) | ~ok
    alpha = np.where(edge, 0.0, alpha)
    offset = np.where(edge, np.where(ss > 0, sy / np.where(ss > 0, ss, 1.0), 0.0), offset)
    resid = alpha[..., None] * x[:, None, :] + offset[..., None] * s[:, None, :] - y0
    loss = (w * resid**2).sum(-1)  # the likelihood's part (the prior's is not included)
    return RegionalFit(alpha, offset, loss, w.sum(-1).astype(int))


# -- values per region ---------------------------------------------------------------


def regional_distance(lines, ideal, weight, curvature, area, outside=0.0):
    r"""Each actor's weighted distance from its ideal over the regional lines.

    .. math::

        D_i(l) = d^0_i + \sum_r \omega_{ir} A_r \bigl(|l_r - \theta_{ir}| / A_r\bigr)^{\kappa_{ir}}

    (``d0_i`` the part of the actor's total ideal that lies outside the regions, where
    the line is 0: ``max(theta_i - sum_r A_r, 0)``);
    ``omega`` the value of a km2 of region ``r`` relative to a km2 of the total line,
    ``kappa`` the curvature within the region, ``A_r`` its area).  With every
    ``omega = kappa = 1`` and every region on the same side of the ideal, ``D_i`` is the
    total line's distance ``|sum_r l_r - sum_r theta_ir|``.  ``D_i`` is convex in ``l``
    for ``kappa >= 1``.

    ``lines`` ``(..., R)``; ``ideal``, ``weight``, ``curvature`` ``(n, R)``; ``area``
    ``(R,)``; ``outside`` ``(n,)`` or 0.  Returns ``(..., n)``.
    """
    xp = namespace(lines)
    d = _power(xp.abs(lines[..., None, :] - ideal) / area, curvature)
    return outside + xp.sum(weight * area * d, axis=-1)


def _power(d, curvature):
    """``d ** curvature`` (``d >= 0`` ``(..., n, R)``, ``curvature`` broadcasting), the power
    taken only on the ``(actor, region)`` columns where some curvature differs from 1
    (``x ** 1 == x`` exactly, so the result is the same): the power is most of the cost of
    the batched utilities, and most curvatures are 1."""
    xp = namespace(d)
    if not bool(xp.any(curvature != 1.0)):
        return d
    if not is_numpy(xp) or np.ndim(curvature) < 2:
        return d**curvature
    curv = np.asarray(curvature)
    cols = np.any(curv != 1.0, axis=tuple(range(curv.ndim - 2)))  # (n, R)
    if cols.all():
        return d**curvature
    ii, rr = np.nonzero(np.broadcast_to(cols, d.shape[-2:]))
    out = np.array(d, dtype=float, copy=True)
    out[..., ii, rr] = d[..., ii, rr] ** np.broadcast_to(curv, d.shape)[..., ii, rr]
    return out


def regional_line_utility(distance, line_weight, span, line_curvature):
    r"""The line's part of each actor's utility over regional lines,
    ``u_i = w_i (1 - (D_i / s) ** rho_i)`` (:mod:`sim.kernels.utility` with ``|l - theta|``
    replaced by :func:`regional_distance`): concave in ``l`` for ``rho, kappa >= 1``.

    ``distance`` ``(..., n)``; ``line_weight``, ``line_curvature`` ``(n,)``; ``span`` a
    number.  Returns ``(..., n)``."""
    return line_weight * (1.0 - (distance / span) ** line_curvature)


def acceptable_radius(need, line_weight, span, line_curvature):
    """The largest distance ``R_i`` an actor accepts: ``u_i >= rbar_i`` iff
    ``D_i(l) <= R_i = s a_i ** (1 / rho_i)`` with ``a_i = 1 - need_i / w_i`` and ``need =
    rbar - u_rest`` (as :func:`sim.kernels.utility.acceptable`).  ``-inf`` where the
    actor accepts no line, ``+inf`` where it gives the line no weight and the rest of the
    deal is worth its reservation utility.  Arrays ``(..., n)``."""
    xp = namespace(need)
    indifferent = line_weight <= 0
    a = 1.0 - need / xp.where(indifferent, 1.0, line_weight)
    radius = span * xp.where(a >= 0, a, 0.0) ** (1.0 / line_curvature)
    radius = xp.where(a >= 0, radius, -xp.inf)
    inf = xp.full_like(radius, xp.inf)
    return xp.where(indifferent, xp.where(need <= 1e-12, inf, -inf), radius)


def section(lines, values, radius, mask):
    r"""Each region's acceptable interval with the other regions held at ``lines``.

    For actor ``i`` and region ``r`` the slack left by the other regions is
    ``S_ir = R_i - D_i(l) + omega_ir A_r (|l_r - theta_ir| / A_r)^kappa_ir``; the actor
    accepts ``l_r`` iff ``|l_r - theta_ir| <= A_r (S_ir / (omega_ir A_r))^(1 / kappa_ir)``
    (closed form: the section of the feasible set through ``lines`` along axis ``r``).
    The interval is intersected over the actors in ``mask`` and with ``[0, A_r]``.

    ``lines`` ``(..., R)``; ``values`` a :class:`sim.regions.RegionalValues`-like object
    (``ideal``, ``weight``, ``curvature`` ``(n, R)``, ``area`` ``(R,)``, ``outside``
    ``(n,)``); ``radius`` ``(..., n)``; ``mask`` ``(..., n)`` bool.  Returns
    ``lo, hi`` ``(..., R)``, NaN where the section is empty.
    """
    xp = namespace(lines)
    area = values.area
    d = xp.abs(lines[..., None, :] - values.ideal) / area
    terms = values.weight * area * _power(d, values.curvature)  # (..., n, R)
    total = values.outside + xp.sum(terms, axis=-1)  # (..., n)
    slack = radius[..., None] - total[..., None] + terms
    w = values.weight
    ok = slack >= -1e-9 * xp.maximum(xp.abs(radius[..., None]), 1.0)  # rounding
    slack = xp.maximum(slack, 0.0)
    safe = xp.where(ok & (w > 0), slack / xp.where(w > 0, w * area, 1.0), 0.0)
    half = xp.where(w > 0, area * safe ** (1.0 / values.curvature), xp.inf)
    lo_i = xp.where(ok, xp.clip(values.ideal - half, 0.0, area), xp.inf)
    hi_i = xp.where(ok, xp.clip(values.ideal + half, 0.0, area), -xp.inf)
    m = mask[..., None]
    lo = xp.max(xp.where(m, lo_i, 0.0), axis=-2)
    hi = xp.min(xp.where(m, hi_i, area), axis=-2)
    empty = ~(lo <= hi + 1e-9 * area)  # a single point within rounding counts
    crossed = (lo > hi) & ~empty
    mid = xp.where(crossed, (xp.where(crossed, lo, 0.0) + xp.where(crossed, hi, 0.0)) / 2, 0.0)
    lo, hi = xp.where(crossed, mid, lo), xp.where(crossed, mid, hi)
    return xp.where(empty, xp.nan, lo), xp.where(empty, xp.nan, hi)
