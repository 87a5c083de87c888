r"""Axiomatic bargaining solutions: Nash (1950) and Kalai-Smorodinsky (1975).

Splitting a unit pie
--------------------
``n`` players divide a pie of size 1: shares ``x_i >= 0`` with
``sum_i x_i = 1``.  Player ``i`` values its share as ``u_i = x_i ** a_i``
(``a_i < 1``: risk-averse, ``a_i = 1``: risk-neutral, ``a_i > 1``:
risk-loving) and gets the disagreement utility ``d_i >= 0`` if there is no deal.
Write ``m_i = d_i ** (1 / a_i)`` for the share worth as much as disagreement;
the bargaining problem is non-trivial when ``sum_i m_i < 1``.

*Nash.*  The (generalised, weighted) Nash bargaining solution maximises

.. math::

    \sum_i w_i \log\bigl(x_i^{a_i} - d_i\bigr)
    \quad\text{s.t.}\quad \sum_i x_i = 1,\; x_i^{a_i} \ge d_i,

with bargaining powers ``w_i >= 0`` (Nash 1950; Kalai 1977 for the weights;
Roth 1979, *Axiomatic Models of Bargaining*, ch. 1).  Each term is strictly
concave in ``x_i`` for ``a_i > 0, d_i >= 0`` (the derivative of its logarithmic
slope is ``-(x^a + (a - 1) d) / (x (x^a - d)) < 0``), so the maximiser is
unique.  The first-order (KKT) conditions are

.. math::

    \frac{w_i a_i x_i^{a_i - 1}}{x_i^{a_i} - d_i} = \lambda
    \quad\text{for every } i \text{ with } w_i > 0,
    \qquad x_i = m_i \text{ for } w_i = 0 .

Without disagreement (``d = 0``) this is closed form: ``x_i = w_i a_i / sum_j
w_j a_j``.  In general it is not.  Multiplying out, the condition for player
``i`` is ``k_i(x_i) = w_i nu`` with ``nu = 1 / lambda`` and

.. math::

    k_i(x) \equiv \frac{x^{a_i} - d_i}{a_i x^{a_i - 1}}
           = \frac{x\,\bigl(1 - (m_i / x)^{a_i}\bigr)}{a_i},
    \qquad
    k_i'(x) = 1 - \frac{1 - a_i}{a_i}\Bigl(\bigl(\tfrac{m_i}{x}\bigr)^{a_i} - 1\Bigr),
    \qquad
    k_i''(x) = \frac{(1 - a_i)\,(m_i / x)^{a_i}}{x},

increasing from ``k_i(m_i) = 0`` with slope between ``1`` and ``1 / a_i``;
linear when ``d_i = 0`` or ``a_i = 1``.

*Joint Newton (the main solver).*  In the gains ``g_i = x_i - m_i`` the
solver applies Newton's method to the ``n + 1`` equations ``k_i(m_i + g_i) =
w_i nu``, ``sum_i g_i = s``, where ``s = 1 - sum_j m_j``.  The Jacobian is a
diagonal plus one row and one column, so a step costs ``O(n)``:

.. math::

    \Delta\nu = \frac{s - \sum_j g_j + \sum_j F_j / k_j'}{\sum_j w_j / k_j'},
    \qquad
    \Delta g_i = \frac{w_i\,\Delta\nu - F_i}{k_i'},
    \qquad F_i = k_i(x_i) - w_i \nu .

Near the root (every ``|Delta g_i| <= 0.2 g_i``) the step is recomputed with
``F_i + k_i'' Delta g_i^2 / 2`` in place of ``F_i`` (Chebyshev's method, third
order).  ``(m_i / x)^{a_i} - 1 = expm1(-a_i log1p(g_i / m_i))`` keeps small
surpluses accurate in relative terms.  The start is exact when ``d = 0`` or
every ``a_i = 1``: ``g_i`` proportional to ``w_i a_i``, then twice ``g_i``
proportional to ``w_i g_i / k_i(m_i + g_i)`` (the inverse secant slope of
``k_i``, whose fixed point is the solution).  A row has converged when its
Newton step is below ``1e-7`` of every gain (or ``1e-15`` of the share):
since ``k_i'`` lies between ``1`` and ``1 / a_i`` the residual is then as
small, and the (Chebyshev) step taken from there leaves an error of order
``(1e-7)**3`` of the gains times a constant that depends on the exponents:
the shares are exact to rounding (against 40-digit solutions they agree to a
unit in the last place).  Typical problems take two or three steps; rows are
solved in blocks, converged rows are set aside, and a row that has not
converged after 12 steps (Newton's method has no global guarantee) goes to
the bracketed solver below.

*Bracketed multiplier (the fallback).*  In logarithms, with
``z_i = log(x_i^{a_i} - d_i)`` (log surplus, any real number) and
``mu = log(lambda)``, player ``i``'s condition reads

.. math::

    \varphi_i(z_i) \equiv \log(w_i a_i)
      + \Bigl(1 - \frac{1}{a_i}\Bigr)\log\bigl(d_i + e^{z_i}\bigr) - z_i = \mu ,

where ``phi_i`` is strictly decreasing, with slope between ``-1`` and
``-1 / a_i``, and convex (``a_i > 1``) or concave (``a_i < 1``).  Newton's
method therefore converges from any start for each ``z_i(mu)`` (after at most
one step it approaches the root monotonically), and the shares
``x_i(mu) = (d_i + e^{z_i})^{1/a_i}`` decrease in ``mu``.  The multiplier solves
the one-dimensional monotone equation ``sum_i x_i(mu) = 1``, bracketed by

.. math::

    \max_i \varphi_i\bigl(z_i[m_i + s]\bigr) \le \mu^*
    \le \max_i \varphi_i\bigl(z_i[m_i + s / k]\bigr),

(``k`` the number of players with positive weight, because every share is at
most ``m_i + s`` and some share is at least ``m_i + s / k``).  It is found
by Newton's method in ``1 / lambda = exp(-mu)``, in which the equation is
linear when ``d = 0`` or every ``a_i = 1``, safeguarded by bisection, for
blocks of the batch at once, to ``|sum_i x_i - 1| <= 1e-13``; a last
linearised step along the solution path removes the remainder, so the shares
sum to 1 to rounding.  It converges for every feasible problem, more slowly.

*Kalai-Smorodinsky.*  Player ``i``'s ideal utility is the most it can get when
everyone else gets its disagreement value: ``U_i = (m_i + s) ** a_i``.  The
Kalai-Smorodinsky solution is the largest point ``d + t (U - d)``,
``t in [0, 1]``, on the segment from the disagreement point to the ideal point
that is feasible (Kalai & Smorodinsky 1975; for ``n >= 3`` defined by this
construction, which is Pareto efficient here because utilities increase
strictly in shares).  ``t`` solves ``sum_i (d_i + t (U_i - d_i)) ** (1/a_i) = 1``,
increasing in ``t``, by safeguarded Newton on [0, 1].

Choosing among finitely many deals
----------------------------------
:func:`nash_solution` takes a discretised deal space (``utilities`` of shape
``(..., deals, players)``) and returns the index of the deal that maximises the
Nash product among the deals that give everyone at least its disagreement
value.

>>> from sim.bargaining import nash_split
>>> [round(float(x), 6) for x in nash_split([1.0, 0.5])]
[0.666667, 0.333333]

References
----------
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
bargaining. *International Journal of Game Theory* 6(3), 129-133.

Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
*Econometrica* 43(3), 513-518.

Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.

Roth, A. E. (1979). *Axiomatic Models of Bargaining*. Lecture Notes in Economics
and Mathematical Systems 170. Springer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.bargaining._validate import (
    as_float,
    broadcast,
    check_nonnegative,
    check_player_axis,
    check_positive,
    check_weights,
    fail_where,
    scalar_or_array,
)

_CHUNK_ELEMENTS = 16_384
"""Batch entries (rows x players) solved together; small blocks stay in cache."""
_NEWTON_STEP_TOL = 1e-7
"""Relative Newton step ``|dg_i| / g_i`` at which the joint iteration has converged."""
_NEWTON_ROUNDING = 1e-15
"""Newton step, relative to the share, that is rounding noise."""
_NEWTON_MAX_ITER = 12
"""Joint Newton steps before a row is handed to the bracketed solver."""
_NEAR = 0.2
"""Relative Newton step below which the Chebyshev correction is applied."""
_SUM_TOL = 1e-13
"""Tolerance on ``|sum of shares - 1|`` at which the bracketed solver stops."""
_MAX_ITER = 200


def _split_inputs(exponents, disagreement, weights=None):
    """Validated, broadcast ``(a, d, w, m, slack)`` for the pie-splitting solutions."""
    a = as_float("exponents", exponents)
    check_player_axis("exponents", a)
    check_positive("exponents", a)
    arrays = {"exponents": a}
    if disagreement is not None:
        d = as_float("disagreement", disagreement)
        check_player_axis("disagreement", d)
        check_nonnegative("disagreement", d)
        arrays["disagreement"] = d
    if weights is not None:
        w = as_float("weights", weights)
        check_player_axis("weights", w)
        check_weights("weights", w)
        arrays["weights"] = w
    broadcasted = dict(zip(arrays, broadcast(**arrays), strict=True))
    a = broadcasted["exponents"]
    d = broadcasted.get("disagreement", np.zeros_like(a))
    w = broadcasted.get("weights", np.ones_like(a))
    m = d ** (1.0 / a)
    total = m.sum(axis=-1)
    fail_where(
        "sum(disagreement ** (1 / exponents))",
        total,
        total >= 1.0,
        "disagreement point is infeasible: the shares worth the disagreement utilities "
        "must sum to less than 1",
    )
    return a, d, w, m, 1.0 - total


def _log_surplus_at(share_gain, a, m):
    """``log((m + share_gain) ** a - d)`` without cancellation (``d = m ** a``).

    Uses ``(m + g) ** a - m ** a = (m + g) ** a * (1 - exp(-y))`` with
    ``y = a * log1p(g / m)``, accurate for ``g << m`` and for ``m = 0``.
    """
    with np.errstate(divide="ignore", over="ignore"):
        y = a * np.log1p(share_gain / m)
    return a * np.log(m + share_gain) + np.log(-np.expm1(-y))


def _safeguarded_newton(
    f: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    lo: np.ndarray,
    hi: np.ndarray,
    x: np.ndarray,
    *,
    increasing: bool,
    ftol: float,
) -> np.ndarray:
    """Root of a monotone ``f`` in each bracket ``[lo, hi]``, elementwise.

    ``f(x)`` returns ``(value, derivative)`` and changes sign on ``[lo, hi]``
    (rising if ``increasing``).  A Newton step that leaves the current bracket
    is replaced by bisection, so the iteration converges like bisection at
    worst and quadratically near the root.  The last call of ``f`` is at the
    returned ``x`` (callers keep state from it).
    """
    for _ in range(_MAX_ITER):
        value, slope = f(x)
        done = (np.abs(value) <= ftol) | (hi - lo <= 4.0 * np.spacing(np.abs(x) + 1.0))
        if done.all():
            return x
        below = (value < 0.0) == increasing
        lo = np.where(below, x, lo)
        hi = np.where(below, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - value / slope
        inside = (newton > lo) & (newton < hi)
        x = np.where(done, x, np.where(inside, newton, 0.5 * (lo + hi)))
    f(x)
    return x


class _NashKKT:
    """The KKT system of the Nash product in log-surplus coordinates (see module doc).

    Every multiplier the solver tries lies in the bracket, where every share is at
    most 1, so every root ``z_i`` is <= 0; Newton iterates are kept <= 1, which
    keeps ``exp(z)`` finite without moving any root.
    """

    _Z_MAX = 1.0

    def __init__(self, a, d, w, m):
        self.a, self.d, self.m = a, d, m
        self.active = w > 0.0
        with np.errstate(divide="ignore"):
            self.log_d = np.log(d)
        self.log_wa = np.log(np.where(self.active, w * a, 1.0))
        self.curvature = 1.0 - 1.0 / a
        self.z = self.mu = self.dz_dmu = None

    def _terms(self, z):
        """``log(d + e^z)`` and ``sigma = e^z / (d + e^z)``.

        In logarithms, so that a surplus ``e^z`` below the smallest double
        (``a_i`` large, ``d_i = 0``) does not turn into ``log(0)``.
        """
        log_total = np.logaddexp(self.log_d, z)
        return log_total, np.exp(z - log_total)

    def phi(self, z):
        """``phi_i(z)`` of the module doc."""
        return self.log_wa + self.curvature * self._terms(z)[0] - z

    def solve_log_surplus(self, mu):
        """``z_i(mu)``: Newton on ``phi_i(z) = mu``.

        Started from a first-order prediction off the previous solution or, the
        first time, from the asymptotes of ``phi_i`` (exact when ``d_i = 0`` or
        ``a_i = 1``).
        """
        if self.z is None:
            with np.errstate(invalid="ignore"):
                via_log_d = self.log_wa + np.where(self.a == 1.0, 0.0, self.curvature * self.log_d)
            via_large = self.a * (self.log_wa - mu)
            z = np.where(
                self.a > 1.0,
                np.maximum(via_log_d - mu, via_large),
                np.minimum(via_log_d - mu, via_large),
            )
        else:
            z = self.z + (mu - self.mu) * self.dz_dmu
        z = np.minimum(z, self._Z_MAX)
        for _ in range(_MAX_ITER):
            log_total, sigma = self._terms(z)
            slope = self.curvature * sigma - 1.0
            step = (self.log_wa + self.curvature * log_total - z - mu) / slope
            z = np.minimum(z - step, self._Z_MAX)
            # Convergence is quadratic: after a step this small the error is ~step**2.
            if np.all(np.abs(step) <= 1e-10 * (1.0 + np.abs(z))):
                break
        log_total, sigma = self._terms(z)
        self.z, self.mu = z, mu
        self.dz_dmu = 1.0 / (self.curvature * sigma - 1.0)
        self.log_total, self.sigma = log_total, sigma
        return z

    def excess(self, scale):
        """``(sum_i x_i - 1, d/dscale)`` at ``scale = 1 / lambda`` (shape ``(...,)``).

        In ``scale`` the equation is linear when ``d = 0`` or every ``a_i = 1``,
        so Newton's method needs few steps in general.
        """
        self.solve_log_surplus(-np.log(scale)[..., None])
        shares = np.where(self.active, np.exp(self.log_total / self.a), self.m)
        self.direction = np.where(self.active, shares * self.sigma / self.a * self.dz_dmu, 0.0)
        self.last_shares = shares
        return shares.sum(axis=-1) - 1.0, -self.direction.sum(axis=-1) / scale

    def shares(self):
        """Shares at the last multiplier, moved along the KKT path to sum to 1.

        The solver stops once ``|sum - 1| <= 1e-13``; the last linearised
        Newton step removes that remainder (to rounding) at second-order cost in
        the first-order conditions, which matters when a surplus is small.
        """
        direction = self.direction
        remainder = 1.0 - self.last_shares.sum(axis=-1, keepdims=True)
        return self.last_shares + remainder * direction / direction.sum(axis=-1, keepdims=True)


def nash_split(exponents, disagreement=None, weights=None):
    r"""Nash bargaining solution for splitting a unit pie among ``n`` players.

    Maximises :math:`\prod_i (x_i^{a_i} - d_i)^{w_i}` over shares
    :math:`x \ge 0,\ \sum_i x_i = 1` (see the module docstring for the
    formula and the algorithm).

    Parameters
    ----------
    exponents : array_like, shape (..., n)
        Utility exponents ``a_i > 0``: player ``i``'s utility of share ``x`` is
        ``x ** a_i``.  The **last axis is the player axis**; leading axes are
        batch axes.
    disagreement : array_like, shape (..., n), optional
        Disagreement utilities ``d_i >= 0`` (default 0), in the same utility
        units.  Must satisfy ``sum_i d_i ** (1 / a_i) < 1``.
    weights : array_like, shape (..., n), optional
        Bargaining powers ``w_i >= 0`` with a positive sum (default: equal,
        the symmetric Nash solution).  Only their ratios matter.  A player with
        weight 0 gets exactly its disagreement share.

    Returns
    -------
    numpy.ndarray, shape (..., n)
        Shares of the pie; they sum to 1 (to rounding) and give every
        player at least its disagreement utility.

    Raises
    ------
    ValueError
        If an exponent is not positive, a disagreement utility is negative,
        the weights are negative or do not sum to a positive number, the
        disagreement point is infeasible, an input is not finite, or the
        shapes do not broadcast.

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.

    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
    bargaining. *International Journal of Game Theory* 6(3), 129-133.

    Examples
    --------
    >>> x = nash_split([1.0, 1.0], disagreement=[0.5, 0.0])
    >>> [round(float(v), 6) for v in x]
    [0.75, 0.25]
    """
    a, d, w, m, slack = _split_inputs(exponents, disagreement, weights)
    if not d.any():
        scaled = w * a
        return scaled / scaled.sum(axis=-1, keepdims=True)
    return _by_chunks(_nash_shares, a, d, w, m, slack)


def _by_chunks(solver, *arrays):
    """Apply ``solver`` to blocks of about ``_CHUNK_ELEMENTS`` entries of the batch.

    ``arrays`` share the shape ``(..., n)`` except the last, which is
    ``(...,)``.  Small blocks keep the iteration's temporaries in cache and let
    each block stop as soon as its own rows have converged.
    """
    shape = arrays[0].shape
    rows = int(np.prod(shape[:-1]))
    flat = [x.reshape(rows, shape[-1]) if x.ndim == len(shape) else x.reshape(rows) for x in arrays]
    out = np.empty((rows, shape[-1]))
    step = max(1, _CHUNK_ELEMENTS // shape[-1])
    for start in range(0, rows, step):
        block = slice(start, start + step)
        out[block] = solver(*(x[block] for x in flat))
    return out.reshape(shape)


def _nash_shares(a, d, w, m, slack):
    """Nash shares for a block of validated rows (``(rows, n)``; ``slack`` ``(rows,)``).

    The block is transposed to player-major order, where a sum over players is
    a sum of a few contiguous vectors, and solved by the joint Newton
    iteration; the rows it does not settle go to the bracketed solver.
    """
    shares, settled = _joint_newton(
        np.ascontiguousarray(a.T),
        np.ascontiguousarray(w.T),
        np.ascontiguousarray(m.T),
        slack,
    )
    shares = shares.T
    if not settled.all():
        rest = np.flatnonzero(~settled)
        shares[rest] = _bracketed_nash_shares(a[rest], d[rest], w[rest], m[rest], slack[rest])
    return shares


def _joint_newton(a, w, m, slack):
    """Solve ``k_i(m_i + g_i) = w_i nu``, ``sum_i g_i = slack`` by the joint Newton iteration.

    Arrays are player-major: ``a, w, m`` of shape ``(n, rows)`` and ``slack``
    of shape ``(rows,)``.  Returns the shares ``(n, rows)`` and a boolean
    ``(rows,)``, False for the rows that did not converge within
    ``_NEWTON_MAX_ITER`` steps (their shares are undefined).  Rows that have
    converged are set aside once they are at least half of those still
    iterated, so the stragglers iterate on small arrays.
    """
    rows = a.shape[1]
    active = w > 0.0
    if active.all():
        active, m_eval = None, m
    else:
        # A player without bargaining power keeps g = 0; the neutral values
        # a = 1, m = 1 make its terms exactly k = 0, k' = 1, k'' = 0.
        a = np.where(active, a, 1.0)
        m_eval = np.where(active, m, 1.0)
    inv_a = 1.0 / a
    with np.errstate(divide="ignore", over="ignore"):
        # m = 0 (no disagreement value) gives inf and, in `_surplus_ratio`, e = -1.
        player = np.stack([m_eval, 1.0 / m_eval, -a, inv_a, (1.0 - a) * inv_a, 0.5 * (1.0 - a), w])
    solved = np.full_like(a, np.nan)
    settled = np.zeros(rows, dtype=bool)
    index = np.arange(rows)

    def settle(finished, gain, index):
        finished &= np.isfinite(gain).all(axis=0)
        solved[:, index[finished]] = gain[:, finished]
        settled[index[finished]] = True

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gain, nu = _secant_start(player, slack, active)
        pending = np.ones(rows, dtype=bool)
        for _ in range(_NEWTON_MAX_ITER):
            gain, nu, converged = _newton_step(player, slack, gain, nu)
            pending &= ~converged
            remaining = np.count_nonzero(pending)
            if remaining == 0 and pending.size == rows and np.isfinite(gain).all():
                return m + gain, converged
            if 2 * remaining > pending.size:
                continue
            # Converged rows were iterated on until now, which only polishes them.
            settle(~pending, gain, index)
            if remaining == 0:
                break
            player, gain, nu, slack, index = (
                player[:, :, pending],
                gain[:, pending],
                nu[pending],
                slack[pending],
                index[pending],
            )
            pending = np.ones(remaining, dtype=bool)
        else:
            settle(~pending, gain, index)
    return m + solved, settled


def _surplus_ratio(player, gain):
    """``e = (m / x) ** a - 1 = d / x ** a - 1`` (in [-1, 0]) and the shares ``x = m + g``.

    ``e`` is computed as ``expm1(-a log1p(g / m))``, accurate in relative
    terms for small gains; ``m = 0`` gives ``e = -1``.  Then
    ``k = -x e / a``, ``k' = 1 - (1 - a) e / a`` and ``k'' = (1 - a)(1 + e) / x``.
    """
    m, inv_m, neg_a = player[0], player[1], player[2]
    e = gain * inv_m
    np.log1p(e, out=e)
    e *= neg_a
    np.expm1(e, out=e)
    return e, m + gain


def _secant_start(player, slack, active):
    """Starting gains and ``nu``: two fixed-point steps on the secant slopes of ``k``.

    Begins with ``g_i`` proportional to ``w_i a_i`` (the solution for ``d =
    0``), then sets ``g_i`` proportional to ``c_i = w_i g_i / k_i(m_i + g_i)``,
    whose fixed point is the solution (``g_i = c_i nu``).  Exact when ``d = 0``
    or every ``a_i = 1``, where ``k`` is linear.
    """
    a, inv_a, w = -player[2], player[3], player[6]
    weight = w * a
    gain = weight * (slack / weight.sum(axis=0))
    for _ in range(2):
        e, x = _surplus_ratio(player, gain)
        k = x * e
        k *= -inv_a
        weight = w * gain
        weight /= k
        if active is not None:
            weight[~active] = 0.0  # 0 / 0 for players without bargaining power
        gain = weight * (slack / weight.sum(axis=0))
    return gain, slack / weight.sum(axis=0)


def _newton_step(player, slack, gain, nu):
    """One joint Newton step on ``(g, nu)``, with a Chebyshev correction near the root.

    Returns the new gains and ``nu`` and, per row, whether the Newton step
    was within ``_NEWTON_STEP_TOL`` of every gain (then the returned iterate
    is the solution to rounding).
    """
    inv_a, curvature, half_bend, w = player[3], player[4], player[5], player[6]
    e, x = _surplus_ratio(player, gain)
    residual = x * e
    residual *= -inv_a
    residual -= w * nu
    inv_slope = curvature * e
    np.subtract(1.0, inv_slope, out=inv_slope)
    np.reciprocal(inv_slope, out=inv_slope)
    # Newton: k'_i dg_i - w_i dnu = -F_i and sum_i dg_i = slack - sum_i g_i.
    q = w * inv_slope
    p = residual * inv_slope
    q_total = q.sum(axis=0)
    missing = slack - gain.sum(axis=0)
    d_nu = (missing + p.sum(axis=0)) / q_total
    step = q * d_nu
    step -= p
    size = np.abs(step)
    converged = (size <= _NEWTON_STEP_TOL * gain + _NEWTON_ROUNDING * x).all(axis=0)
    near = (size <= _NEAR * gain).all(axis=0)
    if near.any():
        # Chebyshev: the same linear solve with F + k'' dg**2 / 2 in place of F.
        bend = e
        bend += 1.0
        bend *= half_bend
        bend /= x
        bend *= step
        bend *= step
        bend *= inv_slope
        bend *= near
        p += bend
        d_nu = (missing + p.sum(axis=0)) / q_total
        np.multiply(q, d_nu, out=step)
        step -= p
    # Far from the root a step may overshoot below the disagreement share.
    new_gain = gain + step
    np.maximum(new_gain, 0.1 * gain, out=new_gain)
    return new_gain, nu + d_nu, converged


def _bracketed_nash_shares(a, d, w, m, slack):
    """Nash shares by the bracketed multiplier iteration, rows ``(rows, n)`` (module doc)."""
    kkt = _NashKKT(a, d, w, m)
    active = kkt.active
    players = active.sum(axis=-1, keepdims=True)
    gain_lo = slack[..., None] * np.ones_like(a)
    low = kkt.phi(_log_surplus_at(gain_lo, a, m))
    high = kkt.phi(_log_surplus_at(gain_lo / players, a, m))
    # scale = exp(-mu) is bracketed by exp(-mu_hi) and exp(-mu_lo).
    scale_lo = np.exp(-np.where(active, high, -np.inf).max(axis=-1))
    scale_hi = np.exp(-np.where(active, low, -np.inf).max(axis=-1))
    # Exact when d = 0 or all a_i = 1.
    start = np.clip(slack / np.where(active, w * a, 0.0).sum(axis=-1), scale_lo, scale_hi)
    _safeguarded_newton(kkt.excess, scale_lo, scale_hi, start, increasing=True, ftol=_SUM_TOL)
    return kkt.shares()


def kalai_smorodinsky_split(exponents, disagreement=None):
    r"""Kalai-Smorodinsky solution for splitting a unit pie among ``n`` players.

    The utilities are :math:`u_i = d_i + t^* (U_i - d_i)` with ideal utilities
    :math:`U_i = (1 - \sum_{j \ne i} m_j)^{a_i}` and the largest feasible
    :math:`t^* \in [0, 1]` (see the module docstring).

    Parameters
    ----------
    exponents : array_like, shape (..., n)
        Utility exponents ``a_i > 0`` (``u_i = x_i ** a_i``); the last axis is
        the player axis, leading axes are batch axes.
    disagreement : array_like, shape (..., n), optional
        Disagreement utilities ``d_i >= 0`` (default 0) with
        ``sum_i d_i ** (1 / a_i) < 1``.

    Returns
    -------
    numpy.ndarray, shape (..., n)
        Shares of the pie, summing to 1 (to about 1e-13).

    Raises
    ------
    ValueError
        As :func:`nash_split`.

    References
    ----------
    Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining
    problem. *Econometrica* 43(3), 513-518.

    Examples
    --------
    >>> x = kalai_smorodinsky_split([1.0, 0.5])
    >>> [round(float(v), 6) for v in x]  # x1 = sqrt(1 - x1)
    [0.618034, 0.381966]
    """
    a, d, _, m, slack = _split_inputs(exponents, disagreement)
    return _by_chunks(_kalai_smorodinsky_shares, a, d, m, slack)


def _kalai_smorodinsky_shares(a, d, m, slack):
    """Kalai-Smorodinsky shares for rows ``(rows, n)`` of validated inputs."""
    ideal = (m + slack[..., None]) ** a
    gain = ideal - d
    inv_a = 1.0 / a

    def excess(t):
        utility = d + t[..., None] * gain
        shares = utility**inv_a
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(gain > 0.0, inv_a * shares / utility * gain, 0.0)
        return shares.sum(axis=-1) - 1.0, slope.sum(axis=-1)

    t = _safeguarded_newton(
        excess,
        np.zeros_like(slack),
        np.ones_like(slack),
        np.full_like(slack, 0.5),
        increasing=True,
        ftol=_SUM_TOL,
    )
    return (d + t[..., None] * gain) ** inv_a


def nash_solution(utilities, disagreement, weights=None):
    r"""Index of the deal with the largest Nash product among finitely many deals.

    Among the deals ``k`` with :math:`u_{ki} \ge d_i` for every player, returns
    :math:`\arg\max_k \sum_i w_i \log(u_{ki} - d_i)`, i.e. the maximiser of the
    (weighted) Nash product :math:`\prod_i (u_{ki} - d_i)^{w_i}` (Nash 1950).
    Use it on a discretised multi-issue deal space, where the Nash solution of
    the continuous problem is approximated by the best grid point.

    Ties go to the lowest index.  A deal that leaves a player with positive
    weight exactly at its disagreement value has Nash product 0: it is
    chosen only if every admissible deal has product 0.

    Parameters
    ----------
    utilities : array_like, shape (..., deals, players)
        Each player's utility of each candidate deal; leading axes are batch
        axes.
    disagreement : array_like, shape (..., players)
        Disagreement (reservation) utilities, same units.
    weights : array_like, shape (..., players), optional
        Bargaining powers ``>= 0`` with a positive sum (default: equal).

    Returns
    -------
    int or numpy.ndarray of int64, shape (...)
        Index of the chosen deal along the ``deals`` axis, or ``-1`` where no
        deal gives every player at least its disagreement value.

    Raises
    ------
    ValueError
        If ``utilities`` has fewer than two axes, an input is not finite, the
        weights are negative or do not sum to a positive number, or the shapes
        do not broadcast.

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.

    Examples
    --------
    >>> int(nash_solution([[0.9, 0.1], [0.5, 0.5], [0.2, 0.9]], [0.1, 0.1]))
    1
    """
    utilities = as_float("utilities", utilities)
    if utilities.ndim < 2:
        raise ValueError(
            f"utilities must have shape (..., deals, players); got shape {utilities.shape}"
        )
    disagreement = as_float("disagreement", disagreement)
    check_player_axis("disagreement", disagreement)
    if weights is None:
        weights = np.ones(disagreement.shape[-1:])
    weights = as_float("weights", weights)
    check_player_axis("weights", weights)
    check_weights("weights", weights)
    utilities, disagreement, weights = broadcast(
        utilities=utilities,
        disagreement=disagreement[..., None, :],
        weights=weights[..., None, :],
    )
    surplus = utilities - disagreement
    admissible = (surplus >= 0.0).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(weights > 0.0, weights * np.log(np.maximum(surplus, 0.0)), 0.0)
    score = terms.sum(axis=-1)
    # A zero Nash product still beats an excluded deal.
    score = np.where(np.isneginf(score), np.finfo(np.float64).min, score)
    score = np.where(admissible, score, -np.inf)
    best = np.argmax(score, axis=-1)
    return scalar_or_array(np.where(admissible.any(axis=-1), best, -1).astype(np.int64))
