r"""Offers that can be refused: the screening offer of an uninformed proposer.

Fearon's (1995, pp. 395-401) risk-return trade-off.  A proposer offers a share
``x`` of a pie of size ``pie`` to a responder whose reservation value ``r`` (what
it gets from war) the proposer does not know; the responder accepts iff
``x >= r``.  If the offer is accepted the proposer keeps ``pie - x``; if it is
refused, war: the proposer gets ``war_value``.  With ``F`` the proposer's belief
(the distribution of ``r``), the proposer chooses

.. math::

    x^* = \arg\max_x \; F(x)\,(\mathrm{pie} - x) + (1 - F(x))\,w ,

where ``w`` is ``war_value``: a higher offer is accepted more often (return) but
leaves less (risk).  The chance of war ``1 - F(x^*)`` is positive whenever the
proposer is uncertain, although a deal both prefer to war exists.

*Uniform responder* (closed form).  With ``r ~ U[lo, hi]``, ``lo < hi``,
``F(x) = (x - lo) / (hi - lo)`` on ``[lo, hi]``; the objective is a concave
quadratic there with the first-order condition ``pie - 2x + lo - w = 0``, so

.. math::

    x^* = \mathrm{clip}\Bigl(\frac{\mathrm{pie} + lo - w}{2},\; lo,\; hi\Bigr),
    \qquad p^* = F(x^*) = \frac{x^* - lo}{hi - lo} .

(Offers below ``lo`` are refused for sure and are worth ``w``, which is also the
value of ``x = lo``; offers above ``hi`` are accepted for sure and worth less
than ``x = hi``.)  At ``x^* = lo`` the offer is refused with probability 1:
the proposer prefers war to buying the cheapest responder (``pie - lo <= w``).
A known reservation value (``hi == lo``) is the complete-information limit:
``x^* = lo`` and ``p^* = 1`` if ``pie - lo >= w``, else ``p^* = 0`` (war).

*Other beliefs* (:func:`screening_offer_search`).  For a normal ``r ~ N(mean,
sd^2)`` (:func:`screening_offer_normal`) or any distribution with a cumulative
distribution function, the maximiser is found by the batched golden-section
search of :mod:`.search` on ``[max(lo, ...), pie - w]``: beyond ``pie - w`` the
proposer prefers war to any accepted offer.  For a log-concave ``F`` (normal,
uniform, logistic, ...) the objective ``F(x)(pie - w - x) + w`` is unimodal on
that interval (its log is concave where it is positive), so the search is exact
to ``rtol``.

Conventions: shares and values in the units of ``pie``; every argument broadcasts
(numpy's rules); scalar in, scalar out.  :func:`screening_offer` computes with the
namespace of its inputs (numpy, or any library of the Python array API standard).

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International
Organization* 49(3), 379-414 (the risk-return trade-off, pp. 395-401).

Kiefer, J. (1953). Sequential minimax search for a maximum. *Proceedings of the
American Mathematical Society* 4(3), 502-506.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import ndtr

from sim.bargaining._validate import as_float, broadcast, fail_where, scalar_or_array
from sim.bargaining.search import maximize_on_interval
from sim.xp import namespace


def screening_offer(war_value, lo, hi, pie=1.0, xp=None) -> tuple[Any, Any]:
    r"""The proposer's optimal offer to a responder with a uniform reservation value.

    Parameters
    ----------
    war_value : array_like
        The proposer's payoff if the offer is refused.
    lo, hi : array_like
        The responder's reservation value is uniform on ``[lo, hi]`` (``lo <= hi``;
        ``lo == hi``: known).
    pie : array_like
        The size of what is divided (default 1).
    xp : array namespace, optional
        The array library (default: that of the inputs, else numpy).

    Returns
    -------
    offer, p_accept
        ``offer = clip((pie + lo - war_value) / 2, lo, hi)`` and
        ``p_accept = (offer - lo) / (hi - lo)`` (for ``hi == lo``: 1 if
        ``pie - lo >= war_value``, else 0).

    Raises
    ------
    ValueError
        If an input is not finite or ``lo > hi`` (names the first bad entry).

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3), 379-414 (the risk-return trade-off, pp. 395-401).

    Examples
    --------
    >>> offer, p = screening_offer(0.4, 0.1, 0.5)
    >>> round(float(offer), 6), round(float(p), 6)
    (0.35, 0.625)
    """
    xp = xp or namespace(war_value, lo, hi, pie)
    if xp is np:
        w, lo, hi, pie = (
            as_float(k, v) for k, v in zip(_NAMES, (war_value, lo, hi, pie), strict=True)
        )
        w, lo, hi, pie = broadcast(war_value=w, lo=lo, hi=hi, pie=pie)
    else:
        w, lo, hi, pie = (xp.asarray(v, dtype=xp.float64) for v in (war_value, lo, hi, pie))
    fail_where("hi", hi, hi < lo, "hi must be >= lo")
    offer = xp.clip((pie + lo - w) / 2.0, lo, hi)
    width = hi - lo
    known = width <= 0
    one, zero = xp.ones_like(width), xp.zeros_like(width)
    p_uniform = (offer - lo) / xp.where(known, one, width)
    p_known = xp.where(pie - lo >= w, one, zero)
    p = xp.where(known, p_known, p_uniform)
    if xp is np:
        return scalar_or_array(offer), scalar_or_array(p)
    return offer, p


_NAMES = ("war_value", "lo", "hi", "pie")


def screening_offer_search(
    war_value,
    cdf: Callable[[Any], Any],
    lo,
    pie=1.0,
    *,
    rtol: float = 1e-9,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The optimal offer for any belief about the responder, by golden-section search.

    Maximises ``cdf(x) * (pie - x) + (1 - cdf(x)) * war_value`` over
    ``x in [lo, max(lo, pie - war_value)]`` (offers beyond ``pie - war_value`` are
    worth less than war even when accepted; below ``lo`` -- a point where ``cdf`` is
    (nearly) 0 -- nothing is gained).  Exact to ``rtol`` of the interval for a
    log-concave ``cdf`` (see the module docstring).

    Parameters
    ----------
    war_value, lo, pie : array_like, broadcasting to ``(B,)`` (or scalars)
    cdf : callable
        ``cdf(x)`` for ``x`` of shape ``(K, B)``, values of shape ``(K, B)``: the
        probability that the responder accepts ``x``.

    Returns
    -------
    offer, p_accept : arrays of the broadcast shape.  Where even the best offer is
        worth less than war, ``offer = lo`` and ``p_accept = cdf(lo)``.

    Raises
    ------
    ValueError
        If an input is not finite or the shapes do not broadcast.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3), 379-414.

    Examples
    --------
    >>> import numpy as np
    >>> uniform = lambda x: np.clip((x - 0.1) / 0.4, 0.0, 1.0)
    >>> offer, p = screening_offer_search(0.4, uniform, 0.1)
    >>> round(float(offer), 6), round(float(p), 6)
    (0.35, 0.625)
    """
    w = as_float("war_value", war_value)
    lo = as_float("lo", lo)
    pie = as_float("pie", pie)
    w, lo, pie = broadcast(war_value=w, lo=lo, pie=pie)
    shape = w.shape
    w, lo, pie = (np.atleast_1d(v).ravel() for v in (w, lo, pie))
    hi = np.maximum(lo, pie - w)

    def value(x):
        return cdf(x) * (pie - x) + (1.0 - cdf(x)) * w

    offer = maximize_on_interval(value, lo, hi, unimodal=True, rtol=rtol)
    # The end points: the search returns the bracket's midpoint, never an end itself.
    ends = np.stack([lo, offer, hi])
    best = np.argmax(value(ends), axis=0)
    offer = np.take_along_axis(ends, best[None, :], axis=0)[0]
    p = cdf(offer[None, :])[0]
    return scalar_or_array(offer.reshape(shape)), scalar_or_array(p.reshape(shape))


def screening_offer_normal(war_value, mean, sd, pie=1.0, *, rtol: float = 1e-9):
    r"""The optimal offer to a responder whose reservation value is ``N(mean, sd^2)``.

    :func:`screening_offer_search` with ``cdf(x) = Phi((x - mean) / sd)``, the search
    starting 8 standard deviations below the mean (where ``Phi < 1e-15``).
    ``sd = 0`` is the complete-information limit: the offer is ``mean`` and is
    accepted iff ``pie - mean >= war_value`` (as :func:`screening_offer` with
    ``lo == hi``).

    Parameters
    ----------
    war_value, mean, sd, pie : array_like, broadcasting (``sd >= 0``)

    Returns
    -------
    offer, p_accept : arrays of the broadcast shape (scalars for scalar input).

    Raises
    ------
    ValueError
        If an input is not finite, ``sd < 0`` or the shapes do not broadcast.

    References
    ----------
    Fearon, J. D. (1995). Rationalist explanations for war. *International
    Organization* 49(3), 379-414 (pp. 395-401).

    Examples
    --------
    >>> offer, p = screening_offer_normal(0.4, 0.3, 0.0)
    >>> round(float(offer), 6), float(p)
    (0.3, 1.0)
    >>> offer, p = screening_offer_normal(0.4, 0.3, 0.1)
    >>> round(float(offer), 4), round(float(p), 4)
    (0.3665, 0.7469)
    """
    w, mean, sd, pie = (
        as_float(k, v) for k, v in zip(_NORMAL, (war_value, mean, sd, pie), strict=True)
    )
    fail_where("sd", sd, sd < 0, "sd must be >= 0")
    w, mean, sd, pie = broadcast(war_value=w, mean=mean, sd=sd, pie=pie)
    shape = w.shape
    w, mean, sd, pie = (np.atleast_1d(v).ravel() for v in (w, mean, sd, pie))
    known = sd <= 0
    scale = np.where(known, 1.0, sd)

    def cdf(x):
        z = np.where(known, np.where(x >= mean - 1e-12, np.inf, -np.inf), (x - mean) / scale)
        return ndtr(z)

    offer, p = screening_offer_search(w, cdf, mean - 8.0 * sd, pie, rtol=rtol)
    offer, p = np.atleast_1d(offer), np.atleast_1d(p)
    offer = np.where(known, mean, offer)
    p = np.where(known, np.where(pie - mean >= w, 1.0, 0.0), p)
    return scalar_or_array(offer.reshape(shape)), scalar_or_array(p.reshape(shape))


_NORMAL = ("war_value", "mean", "sd", "pie")
