r"""Nash and Kalai-Smorodinsky deals on a line: players with single-peaked utilities.

The deal is a point ``x`` of an interval ``[lo, hi]`` (a line on a map, a
price, a date).  Player ``i``'s surplus over disagreement is

.. math::

    s_i(x) = b_i + w_i \Bigl(1 - \bigl(|x - c_i| / \sigma\bigr)^{\rho_i}\Bigr),

with ``b_i`` the surplus from everything but ``x`` (utility of the rest of the
deal minus the reservation utility), ``w_i >= 0`` the weight of ``x``, ``c_i``
the ideal point, ``sigma > 0`` the span that scales distances and
``rho_i > 0`` the curvature (``rho = 1``: a tent, linear on each side of the
ideal; ``rho > 1``: concave).  Only the players with a veto (``players``)
enter the solutions below; ``[lo, hi]`` is typically the zone of possible
agreement, where every such player has ``s_i >= 0``.

*Nash* (1950), weighted (Kalai 1977) with bargaining powers ``beta_i >= 0``:

.. math::  x^N = \arg\max_{x \in [lo, hi]} \sum_i \beta_i \log \max(s_i(x), 0) .

*Kalai-Smorodinsky* (1975): the deal that maximises the smallest surplus as a
share of the player's best surplus on the interval,

.. math::

    x^{KS} = \arg\max_{x \in [lo, hi]} \min_i \frac{s_i(x)}{s_i^{max}},
    \qquad s_i^{max} = s_i(\mathrm{clip}(c_i, lo, hi)),

where a player with ``s_i^max <= 1e-15`` (nothing to gain on the interval)
counts with the ratio 0.  Ties go to the smallest maximiser.

*Which method.*  For ``rho_i >= 1`` each ``s_i`` is concave, so ``log s_i`` and
the minimum of the ratios are concave: both objectives are unimodal and a
golden-section search (:mod:`.search`, Kiefer 1953) is exact to ``rtol`` of the
interval.  For tents (``rho_i = 1`` for every veto player) the
Kalai-Smorodinsky deal is computed exactly, with no search: write the ratio as
``r_i(x) = P_i - K_i |x - c_i|`` (``P_i = (b_i + w_i) / s_i^max``,
``K_i = w_i / (sigma s_i^max)``).  The set ``{x : r_i(x) >= t}`` is the
interval ``[c_i - (P_i - t) / K_i, c_i + (P_i - t) / K_i]`` (all of the line if
``K_i = 0`` and ``t <= P_i``), whose left end rises and right end falls with
``t``.  A level ``t`` is reachable in ``[lo, hi]`` iff every left end lies left
of every right end and of ``hi``, and every right end right of ``lo``; each of
these conditions reads ``t <= threshold``, so the optimal level is the least
threshold,

.. math::

    t^* = \min\Bigl(\min_i P_i,\;
           \min_{i, j} \frac{K_j P_i + K_i P_j - K_i K_j (c_i - c_j)}{K_i + K_j},\;
           \min_i P_i - K_i (c_i - hi),\; \min_j P_j - K_j (lo - c_j)\Bigr),

and the deal is the left end of the level set,
``x^{KS} = max(lo, max_i c_i - (P_i - t^*) / K_i)``.  The Nash objective of
tents is smooth between the ideals but its maximiser solves a polynomial of
degree ``n - 1`` there; it is found by the golden-section search.  Otherwise
(some ``rho_i < 1``) the objectives need not be unimodal: a grid of ``grid``
points brackets the best point, which the search then refines.

Shapes: every field of :class:`LinePreferences` broadcasts to ``(B, n)``, the
**player axis last** as everywhere in :mod:`sim.bargaining`; ``lo`` and ``hi``
are ``(B,)``.  Any array library of the Python array API standard works
(numpy, ``array_api_strict``, ...); results come back in the bounds' library.

>>> import numpy as np
>>> prefs = LinePreferences(
...     base=np.zeros((1, 2)), weight=np.ones((1, 2)), ideal=np.array([[0.0, 1.0]]),
...     curvature=np.ones((1, 2)), span=np.ones((1, 1)), power=np.array([[1.0, 3.0]]),
...     players=np.ones((1, 2), dtype=bool))
>>> lo, hi = np.zeros(1), np.ones(1)
>>> round(float(nash_line(prefs, lo, hi)[0]), 6), float(kalai_smorodinsky_line(prefs, lo, hi)[0])
(0.75, 0.5)

References
----------
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
bargaining. *International Journal of Game Theory* 6(3), 129-133.

Kalai, E., and Smorodinsky, M. (1975). Other solutions to Nash's bargaining
problem. *Econometrica* 43(3), 513-518.

Kiefer, J. (1953). Sequential minimax search for a maximum. *Proceedings of the
American Mathematical Society* 4(3), 502-506.

Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sim.bargaining.search import maximize_on_interval
from sim.xp import namespace

#: A best surplus at or below this counts as nothing to gain (the player's ratio is 0).
NO_GAIN = 1e-15


class LinePreferences(NamedTuple):
    """Players' single-peaked preferences over a line; each field broadcasts to ``(B, n)``.

    Attributes
    ----------
    base : ``(B, n)`` float
        ``b_i``: surplus over disagreement from everything but the line.
    weight : ``(B, n)`` float
        ``w_i >= 0``: utility weight of the line.
    ideal : ``(B, n)`` float
        ``c_i``: the ideal line, in the units of ``lo`` and ``hi``.
    curvature : ``(B, n)`` float
        ``rho_i > 0``: 1 for a tent, > 1 concave.
    span : ``(B, 1)`` float (or ``(B, n)``)
        ``sigma > 0``: the distance at which the line's score falls to 0.
    power : ``(B, n)`` float
        ``beta_i >= 0``: bargaining power in the weighted Nash product.
    players : ``(B, n)`` bool
        True for the players who enter the solution (those with a veto).
    """

    base: Any
    weight: Any
    ideal: Any
    curvature: Any
    span: Any
    power: Any
    players: Any


class _Players(NamedTuple):
    """The preferences player-major, ``(n, 1, B)``: trial points ``(K, B)`` broadcast to them."""

    base: Any
    weight: Any
    ideal: Any
    curvature: Any
    span: Any
    power: Any
    players: Any
    peak: Any  # b_i + w_i, the surplus at the ideal
    slope: Any  # w_i / sigma
    linear: bool  # every veto player has a tent


def _player_major(prefs: LinePreferences, xp: Any) -> _Players:
    fields = xp.broadcast_arrays(*(xp.asarray(f) for f in prefs))
    base, weight, ideal, curvature, span, power, players = (
        xp.expand_dims(xp.permute_dims(f, (1, 0)), axis=1) for f in fields
    )
    linear = bool(xp.all((curvature == 1.0) | ~players))
    return _Players(
        base, weight, ideal, curvature, span, power, players, base + weight, weight / span, linear
    )


def _surplus(q: _Players, x: Any, xp: Any) -> Any:
    """``s_i(x)`` for trial points ``x`` ``(K, B)``: ``(n, K, B)``."""
    if q.linear:
        return q.peak - q.slope * xp.abs(x - q.ideal)
    return q.base + q.weight * (1.0 - (xp.abs(x - q.ideal) / q.span) ** q.curvature)


def line_surplus(prefs: LinePreferences, x: Any) -> Any:
    r"""Each player's surplus ``s_i(x) = b_i + w_i (1 - (|x - c_i| / sigma) ** rho_i)``.

    Computed for every player, with a veto or not.

    Parameters
    ----------
    prefs : LinePreferences
        Fields broadcasting to ``(B, n)``, player axis last.
    x : array, shape ``(B,)``
        A line for each member of the batch.

    Returns
    -------
    array, shape ``(B, n)``
        ``s_i(x)``, in ``x``'s array library.

    Raises
    ------
    ValueError
        If the fields of ``prefs`` do not broadcast to ``(B, n)`` (numpy's
        message; other array libraries raise their own error).  Values are not
        validated: the engine passes checked inputs.

    References
    ----------
    The single-peaked utility of the model: ``docs/MODEL.md``; its use in the
    solutions: Nash (1950), Kalai and Smorodinsky (1975) (module References).

    Examples
    --------
    >>> import numpy as np
    >>> prefs = LinePreferences(
    ...     base=np.zeros((1, 2)), weight=np.ones((1, 2)), ideal=np.array([[0.0, 1.0]]),
    ...     curvature=np.ones((1, 2)), span=np.ones((1, 1)), power=np.array([[1.0, 3.0]]),
    ...     players=np.ones((1, 2), dtype=bool))
    >>> line_surplus(prefs, np.array([0.25])).round(6).tolist()
    [[0.75, 0.25]]
    """
    xp = namespace(x, *prefs)
    q = _player_major(prefs, xp)
    return xp.permute_dims(_surplus(q, xp.expand_dims(x, axis=0), xp)[:, 0, :], (1, 0))


def _concave(q: _Players, xp: Any) -> bool:
    return bool(xp.all((q.curvature >= 1.0) | ~q.players))


def nash_line(prefs: LinePreferences, lo: Any, hi: Any, *, rtol: float = 1e-6, grid: int = 65):
    r"""The weighted Nash line ``argmax sum_i beta_i log max(s_i(x), 0)`` on ``[lo, hi]``.

    Nash (1950), with bargaining powers (Kalai 1977); only the veto players
    (``prefs.players``) enter the sum.  Golden-section search (Kiefer 1953),
    exact to ``rtol`` of ``hi - lo`` when every veto player's curvature is at
    least 1 (a concave objective); otherwise a ``grid``-point bracket first.

    Parameters
    ----------
    prefs : LinePreferences
        Fields broadcasting to ``(B, n)``, player axis last.
    lo, hi : array, shape ``(B,)``
        The interval (e.g. the ZOPA) of each member of the batch.
    rtol : float
        Accuracy as a fraction of ``hi - lo``.
    grid : int
        Bracketing grid for non-concave objectives.

    Returns
    -------
    array, shape ``(B,)``
        The Nash line of each member (in ``lo``'s array library).

    Raises
    ------
    ValueError
        If the fields of ``prefs`` do not broadcast to ``(B, n)`` (numpy's
        message; other array libraries raise their own error).  Values are not
        validated: the engine passes checked inputs.

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.

    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
    bargaining. *International Journal of Game Theory* 6(3), 129-133.

    Examples
    --------
    Two tents on ``[0, 1]`` peaked at its ends; the second player has three
    times the bargaining power and gets three quarters of the way:

    >>> import numpy as np
    >>> prefs = LinePreferences(
    ...     base=np.zeros((1, 2)), weight=np.ones((1, 2)), ideal=np.array([[0.0, 1.0]]),
    ...     curvature=np.ones((1, 2)), span=np.ones((1, 1)), power=np.array([[1.0, 3.0]]),
    ...     players=np.ones((1, 2), dtype=bool))
    >>> round(float(nash_line(prefs, np.zeros(1), np.ones(1))[0]), 6)
    0.75
    """
    xp = namespace(lo, hi)
    q = _player_major(prefs, xp)

    # Players without a veto: power 0 and 0 where their surplus is gone, so they add 0.
    power = xp.where(q.players, q.power, 0.0)
    gone = xp.where(q.players, xp.full_like(q.power, -xp.inf), 0.0)

    def objective(x):  # (K, B) -> (K, B)
        s = _surplus(q, x, xp)
        gains = s > 0.0
        logs = power * xp.log(xp.where(gains, s, 1.0))
        return xp.sum(xp.where(gains, logs, gone), axis=0)

    return maximize_on_interval(objective, lo, hi, unimodal=_concave(q, xp), grid=grid, rtol=rtol)


def _inverse_best_surplus(q: _Players, lo: Any, hi: Any, xp: Any) -> Any:
    """``1 / s_i^max`` ``(n, 1, B)``, 0 where ``s_i^max <= NO_GAIN``."""
    best = _surplus(q, xp.clip(q.ideal, lo, hi), xp)
    gains = best > NO_GAIN
    return xp.where(gains, 1.0 / xp.where(gains, best, 1.0), 0.0)


def _kalai_smorodinsky_tents(q: _Players, lo: Any, hi: Any, xp: Any) -> Any:
    """The exact Kalai-Smorodinsky line of tents (the level-set formula of the module docstring)."""
    inv = _inverse_best_surplus(q, lo, hi, xp)
    top, fall, c = (q.peak * inv)[:, 0, :], (q.slope * inv)[:, 0, :], q.ideal[:, 0, :]  # (n, B)
    players = q.players[:, 0, :]
    # Pairs (i rising, j falling) on axes (0, 1): the level where the two sides cross.
    ki, kj = xp.expand_dims(fall, axis=1), xp.expand_dims(fall, axis=0)
    pi, pj = xp.expand_dims(top, axis=1), xp.expand_dims(top, axis=0)
    ci, cj = xp.expand_dims(c, axis=1), xp.expand_dims(c, axis=0)
    both = xp.expand_dims(players, axis=1) & xp.expand_dims(players, axis=0)
    steep = (ki + kj) > 0.0
    cross = (kj * pi + ki * pj - ki * kj * (ci - cj)) / xp.where(steep, ki + kj, 1.0)
    pair_level = xp.min(xp.where(both & steep, cross, xp.inf), axis=(0, 1))
    own = xp.stack(
        [top, top - fall * (c - hi), top - fall * (lo - c)], axis=0
    )  # peak; left end <= hi; right end >= lo
    level = xp.minimum(pair_level, xp.min(xp.where(players, own, xp.inf), axis=(0, 1)))
    rising = players & (fall > 0.0)
    left_ends = c - (top - level) / xp.where(rising, fall, 1.0)
    x = xp.max(xp.where(rising, left_ends, -xp.inf), axis=0)
    return xp.clip(xp.maximum(x, lo), xp.minimum(lo, hi), xp.maximum(lo, hi))


def kalai_smorodinsky_line(
    prefs: LinePreferences, lo: Any, hi: Any, *, rtol: float = 1e-6, grid: int = 65
):
    r"""The Kalai-Smorodinsky line ``argmax min_i s_i(x) / s_i^max`` on ``[lo, hi]``.

    Kalai and Smorodinsky (1975), over the veto players (``prefs.players``),
    with ``s_i^max = s_i(clip(c_i, lo, hi))`` and ratio 0 for a player with
    ``s_i^max <= 1e-15``; ties go to the smallest maximiser.  Exact (the
    level-set formula of the module docstring) when every veto player has a
    tent (curvature 1); golden-section search (Kiefer 1953) to ``rtol`` of
    ``hi - lo`` when all curvatures are at least 1; otherwise a ``grid``-point
    bracket first.

    Parameters
    ----------
    prefs : LinePreferences
        Fields broadcasting to ``(B, n)``, player axis last.
    lo, hi : array, shape ``(B,)``
        The interval (e.g. the ZOPA) of each member of the batch.
    rtol : float
        Accuracy of the search as a fraction of ``hi - lo``.
    grid : int
        Bracketing grid for non-concave objectives.

    Returns
    -------
    array, shape ``(B,)``
        The Kalai-Smorodinsky line of each member (in ``lo``'s array library).

    Raises
    ------
    ValueError
        If the fields of ``prefs`` do not broadcast to ``(B, n)`` (numpy's
        message; other array libraries raise their own error).  Values are not
        validated: the engine passes checked inputs.

    References
    ----------
    Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining
    problem. *Econometrica* 43(3), 513-518.

    Examples
    --------
    Bargaining power does not enter: equal relative gains meet in the middle.

    >>> import numpy as np
    >>> prefs = LinePreferences(
    ...     base=np.zeros((1, 2)), weight=np.ones((1, 2)), ideal=np.array([[0.0, 1.0]]),
    ...     curvature=np.ones((1, 2)), span=np.ones((1, 1)), power=np.array([[1.0, 3.0]]),
    ...     players=np.ones((1, 2), dtype=bool))
    >>> float(kalai_smorodinsky_line(prefs, np.zeros(1), np.ones(1))[0])
    0.5
    """
    xp = namespace(lo, hi)
    q = _player_major(prefs, xp)
    if q.linear:
        return _kalai_smorodinsky_tents(q, lo, hi, xp)
    inv = _inverse_best_surplus(q, lo, hi, xp)

    def objective(x):  # (K, B) -> (K, B)
        ratios = xp.where(q.players, _surplus(q, x, xp) * inv, xp.inf)
        return xp.min(ratios, axis=0)

    return maximize_on_interval(objective, lo, hi, unimodal=_concave(q, xp), grid=grid, rtol=rtol)
