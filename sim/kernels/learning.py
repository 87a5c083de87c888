r"""Learning while fighting: conjugate normal beliefs about the front's drift.

Each side holds a belief about the front's monthly drift ``d`` (km2 a month gained
by the first war side), normal with mean ``m_0`` and standard deviation ``tau``, and
each month observes the front's movement ``y_t = d + e_t``, ``e_t ~ N(0, sigma^2)``
(Slantchev 2003; Filson and Werner 2002; Powell 2004: fighting reveals the balance
of power).  Bayes' rule with a normal prior and normal noise gives a normal
posterior (conjugate update; DeGroot 1970, sec. 9.5): *precisions add* and the
*mean is the precision-weighted average* of the prior mean and the data,

.. math::

    \frac{1}{\tau_t^2} = \frac{1}{\tau^2} + \frac{t}{\sigma^2}, \qquad
    m_t = \tau_t^2 \Bigl(\frac{m_0}{\tau^2} + \frac{\sum_{s \le t} y_s}{\sigma^2}\Bigr).

Along the expected path (``E[y_s] = d``, the true drift) the posterior mean is
``E[m_t] = w_t m_0 + (1 - w_t) d`` with the prior's weight

.. math::  w_t = \frac{1}{1 + t\,\tau^2 / \sigma^2} = \frac{\tau_t^2}{\tau^2},

so a side's optimism (``m_0 - d``, the scenario's ``belief_drift_bias_km2``) shrinks by
the factor ``w_t`` after ``t`` months of fighting, and the posterior spread is
``tau_t = tau sqrt(w_t)``: both fall monotonically, at a rate set by the prior's
spread and the noise of a month's movement.  ``tau = 0`` (a dogmatic prior) is the
no-learning limit, ``w_t = 1``.

The noise ``sigma`` is fitted to the front series (:func:`fit_noise`): the monthly
rates of change of the occupied area, regressed by ordinary least squares on a
linear time trend (the drift itself slows and speeds up); ``sigma`` is the residuals'
standard deviation with ``n - 2`` degrees of freedom.

Arrays of one array-API namespace (:mod:`sim.xp`); :func:`fit_noise` takes numpy.

References
----------
DeGroot, M. H. (1970). *Optimal Statistical Decisions*. McGraw-Hill (sec. 9.5).

Filson, D. and Werner, S. (2002). A bargaining model of war and peace. *American
Journal of Political Science* 46(4), 819-837.

Powell, R. (2004). Bargaining and learning while fighting. *American Journal of
Political Science* 48(2), 344-361.

Slantchev, B. L. (2003). The principle of convergence in wartime negotiations.
*American Political Science Review* 97(4), 621-632.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.xp import namespace

#: Days in an average month (365.25 / 12): observations are rescaled to a month's movement.
MONTH_DAYS = 365.25 / 12


def posterior(prior_mean, prior_sd, total, count, noise_sd) -> tuple[Any, Any]:
    r"""The conjugate normal posterior of the drift after ``count`` observations.

    ``total`` is the sum of the observed monthly movements.  Returns ``(mean, sd)``:
    ``1/sd^2 = 1/prior_sd^2 + count/noise_sd^2`` and
    ``mean = sd^2 (prior_mean/prior_sd^2 + total/noise_sd^2)``.  A zero ``prior_sd``
    (dogmatic) keeps the prior; arrays broadcast.
    """
    xp = namespace(prior_mean, prior_sd, total, count, noise_sd)
    tau2 = xp.asarray(prior_sd, dtype=xp.float64) ** 2
    w = prior_weight(prior_sd, noise_sd, count, xp=xp)
    n = xp.asarray(count, dtype=xp.float64)
    data_mean = xp.asarray(total, dtype=xp.float64) / xp.where(n > 0, n, xp.ones_like(n))
    return w * prior_mean + (1.0 - w) * data_mean, xp.sqrt(tau2 * w)


def prior_weight(prior_sd, noise_sd, months, xp=None):
    r"""The prior's weight in the posterior mean after ``months`` observations,
    ``w_t = 1 / (1 + t tau^2 / sigma^2)`` (1 when ``tau = 0``; 0 for ``t > 0`` when
    ``sigma = 0`` and ``tau > 0``: one noiseless month reveals the drift)."""
    xp = xp or namespace(prior_sd, noise_sd, months)
    tau2 = xp.asarray(prior_sd, dtype=xp.float64) ** 2
    sigma2 = xp.asarray(noise_sd, dtype=xp.float64) ** 2
    t = xp.asarray(months, dtype=xp.float64)
    data = t * tau2
    safe = xp.where(sigma2 > 0, sigma2, xp.ones_like(sigma2))
    ratio = xp.where(sigma2 > 0, data / safe, xp.where(data > 0, xp.inf, 0.0))
    return 1.0 / (1.0 + ratio)


@dataclass(frozen=True)
class BeliefPath:
    """The expected belief path ``(B, T)``: the posterior ``mean`` and ``sd`` of the drift
    and the prior's ``weight`` ``w_t`` month by month (``t = 0``: the prior)."""

    mean: Any
    sd: Any
    weight: Any


def belief_path(prior_mean, prior_sd, drift, noise_sd, months: int) -> BeliefPath:
    r"""Beliefs month by month along the expected path (observations at the true drift).

    Parameters
    ----------
    prior_mean, prior_sd, drift, noise_sd : arrays ``(B,)`` (or scalars), km2 a month.
    months : the number of months ``T`` (``t = 0 .. T - 1``).

    Returns
    -------
    BeliefPath with ``mean = w_t m_0 + (1 - w_t) d`` and ``sd = tau sqrt(w_t)``,
    ``(B, T)``.
    """
    xp = namespace(prior_mean, prior_sd, drift, noise_sd)
    col = [xp.reshape(xp.asarray(v, dtype=xp.float64), (-1, 1)) for v in (prior_mean, prior_sd)]
    m0, tau = col
    d = xp.reshape(xp.asarray(drift, dtype=xp.float64), (-1, 1))
    sigma = xp.reshape(xp.asarray(noise_sd, dtype=xp.float64), (-1, 1))
    t = xp.reshape(xp.arange(months, dtype=xp.float64), (1, months))
    w = prior_weight(tau, sigma, t, xp=xp)
    return BeliefPath(w * m0 + (1.0 - w) * d, tau * xp.sqrt(w), w)


@dataclass(frozen=True)
class NoiseFit:
    """The noise of a month's movement fitted to a front series (:func:`fit_noise`)."""

    sd_km2: float
    intercept_km2: float
    slope_km2: float
    observations: int
    method: str


def fit_noise(dates: list[dt.date], values) -> NoiseFit:
    r"""``sigma``: the standard deviation of a month's movement around a moving drift.

    The rates ``r_k = (v_{k+1} - v_k) * MONTH_DAYS / days_k`` (km2 a month between
    consecutive observations, rescaled for uneven spacing) are regressed by ordinary
    least squares on ``a + b k``; ``sigma = sqrt(SSR / (n - 2))``.
    """
    v = np.asarray(values, dtype=float)
    if len(dates) != v.size or v.size < 4:
        raise ValueError(f"fit_noise: need >= 4 dated values, got {v.size}")
    days = np.array([(b - a).days for a, b in itertools.pairwise(dates)], float)
    if np.any(days <= 0):
        raise ValueError("fit_noise: dates must increase")
    rate = np.diff(v) * MONTH_DAYS / days
    k = np.arange(rate.size, dtype=float)
    design = np.stack([np.ones_like(k), k], axis=1)
    coef, *_ = np.linalg.lstsq(design, rate, rcond=None)
    resid = rate - design @ coef
    sd = float(np.sqrt(resid @ resid / (rate.size - 2)))
    return NoiseFit(
        sd,
        float(coef[0]),
        float(coef[1]),
        int(rate.size),
        "OLS of monthly rates of change on a linear trend; residual SD with n - 2 dof",
    )


def read_series(path) -> tuple[list[dt.date], np.ndarray]:
    """The ``date,occupied_km2`` CSV of the front (``models/data/occupied_area_monthly.csv``)."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    dates = [dt.date.fromisoformat(r["date"]) for r in rows]
    return dates, np.array([float(r["occupied_km2"]) for r in rows])
