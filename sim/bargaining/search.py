r"""Maximising a batch of one-dimensional objectives on intervals.

:func:`maximize_on_interval` finds ``argmax_{x in [lo_b, hi_b]} f_b(x)`` for
every member ``b`` of a batch at once, with whatever array namespace the
bounds belong to (numpy, or any library of the Python array API standard).

*Golden-section search* (Kiefer 1953).  A bracket ``[a, b]`` holding the
maximiser of a unimodal ``f`` carries two interior points
``c = b - g (b - a)`` and ``d = a + g (b - a)``, ``g = (sqrt 5 - 1) / 2``.  If
``f(c) >= f(d)`` the maximiser lies in ``[a, d]``, else in ``[c, b]``; the kept
interior point is an interior point of the new bracket at the golden ratio, so
each step costs one new evaluation and shrinks the bracket by ``g ~ 0.618``.
After ``k = ceil(log(rtol) / log g)`` steps the bracket is at most ``rtol`` of
``hi - lo`` wide and its midpoint is returned.  Ties go left: on a plateau of
maxima the search converges to the plateau's left end.

*Concave objectives with known slopes.*  :func:`newton_on_interval` (numpy only): a
safeguarded Newton iteration on the slope inside a bracket (Press et al. 2007, section
9.4), quadratic near the maximiser, exact to ``xtol`` of the interval.

*Objectives that need not be unimodal.*  A grid of ``grid`` evenly spaced
points first locates the best grid point; the search then refines the bracket
of its two neighbours (exact when the objective is unimodal on that bracket,
a heuristic otherwise).

>>> import numpy as np
>>> x = maximize_on_interval(lambda x: -(x - 0.3) ** 2, np.zeros(2), np.ones(2), unimodal=True)
>>> bool(np.allclose(x, 0.3, atol=1e-6))
True

References
----------
Kiefer, J. (1953). Sequential minimax search for a maximum. *Proceedings of the
American Mathematical Society* 4(3), 502-506.

Press, W. H., Teukolsky, S. A., Vetterling, W. T., Flannery, B. P. (2007). *Numerical
Recipes*, 3rd ed., section 9.4. Cambridge University Press.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.xp import is_numpy, namespace

#: ``(sqrt 5 - 1) / 2``, the factor by which one golden-section step shrinks the bracket.
GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def golden_steps(rtol: float, width: float = 1.0) -> int:
    """Golden-section steps that shrink a bracket of ``width`` (of the interval) to ``rtol``."""
    if not rtol > 0:
        raise ValueError(f"rtol must be > 0, got {rtol!r}")
    return max(0, math.ceil(math.log(rtol / width) / math.log(GOLDEN)))


def _chooser(xp: Any, mask: Any) -> Callable[[Any, Any], Any]:
    """``(x, y) -> xp.where(mask, x, y)``.  For numpy float64 arrays of ``mask``'s shape, a
    branch-free bitwise select (``y ^ ((x ^ y) & -mask)`` on the 64-bit patterns): the
    same bits, several times faster than ``numpy.where`` on an unpredictable mask."""
    if not (is_numpy(xp) and mask.ndim == 1):
        return lambda x, y: xp.where(mask, x, y)
    bits = mask.astype(np.int64)
    np.negative(bits, out=bits)  # all ones where mask

    def choose(x, y):
        if not (x.dtype == y.dtype == np.float64 and x.shape == y.shape == mask.shape):
            return np.where(mask, x, y)
        xi, yi = x.view(np.int64), y.view(np.int64)
        out = np.bitwise_xor(xi, yi)
        out &= bits
        out ^= yi
        return out.view(np.float64)

    return choose


def maximize_on_interval(
    objective: Callable[[Any], Any],
    lo: Any,
    hi: Any,
    *,
    unimodal: bool = False,
    grid: int = 65,
    rtol: float = 1e-6,
) -> Any:
    """Maximiser of ``objective`` on ``[lo, hi]`` for each member of a batch.

    Parameters
    ----------
    objective : callable
        ``objective(x)`` takes ``x`` of shape ``(K, B)`` (``K`` trial points
        for each of the ``B`` members) and returns values of shape ``(K, B)``.
        NaN counts as ``-inf``.
    lo, hi : array, shape ``(B,)``
        The interval of each member (floating point).
    unimodal : bool
        True when every objective is unimodal on its interval (e.g. concave):
        the golden-section search then starts from the whole interval and is
        exact to ``rtol``.  False: a grid first brackets the best grid point.
    grid : int
        Number of grid points (used when ``unimodal`` is False), at least 3.
    rtol : float
        Final bracket width as a fraction of ``hi - lo``.

    Returns
    -------
    array, shape ``(B,)``
        The midpoint of the final bracket: within ``rtol / 2`` of ``hi - lo`` of
        the maximiser of a unimodal objective (Kiefer 1953).

    Raises
    ------
    ValueError
        If ``rtol`` is not positive (no number of steps reaches it), or from
        the objective or the array library when the shapes do not broadcast.

    References
    ----------
    Kiefer, J. (1953). Sequential minimax search for a maximum. *Proceedings of
    the American Mathematical Society* 4(3), 502-506.

    Examples
    --------
    >>> import numpy as np
    >>> lo, hi = np.array([0.0, 0.0]), np.array([1.0, 1.0])
    >>> x = maximize_on_interval(lambda x: -abs(x - np.array([0.2, 0.9])), lo, hi, unimodal=True)
    >>> x.round(5).tolist()
    [0.2, 0.9]
    """
    xp = namespace(lo, hi)
    width = hi - lo

    def f(x):
        value = objective(xp.expand_dims(x, axis=0))[0, ...]
        return xp.where(xp.isnan(value), -xp.inf, value)

    if unimodal:
        a, b = lo, hi
        start = 1.0
    else:
        fractions = xp.linspace(0.0, 1.0, grid, dtype=lo.dtype)
        xs = lo + width * xp.expand_dims(fractions, axis=1)  # (grid, B)
        values = objective(xs)
        best = xp.argmax(xp.where(xp.isnan(values), -xp.inf, values), axis=0)
        step = width / (grid - 1)
        x_best = lo + step * xp.astype(best, lo.dtype)
        a = xp.maximum(lo, x_best - step)
        b = xp.minimum(hi, x_best + step)
        start = 2.0 / (grid - 1)
    c = b - GOLDEN * (b - a)
    d = a + GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(golden_steps(rtol, start)):
        # The maximum lies in [a, d] (keep c, probe left of it) or in [c, b].
        left = fc >= fd
        pick = _chooser(xp, left)  # pick(x, y): x where left, else y
        a, b = pick(a, c), pick(d, b)
        step = GOLDEN * (b - a)
        x = pick(b - step, a + step)
        fx = f(x)
        c, d = pick(x, d), pick(c, x)
        fc, fd = pick(fx, fd), pick(fc, fx)
    return 0.5 * (a + b)


def newton_on_interval(
    slopes: Callable[[Any, Any], tuple[Any, Any, Any]],
    lo: Any,
    hi: Any,
    start: Any,
    *,
    xtol: float = 1e-12,
    max_steps: int = 200,
) -> tuple[Any, Any]:
    r"""Maximiser of a concave objective ``f_b`` on ``[lo_b, hi_b]`` for each member of a
    batch, from its slopes: a safeguarded Newton iteration on ``f'`` inside a bracket
    (Newton-Raphson kept within a bracket that bisection shrinks when a step leaves it,
    Press et al. 2007, section 9.4, ``rtsafe``).  numpy only.

    *Convention.*  ``f`` is concave on the interval, so its right derivative ``f'_+`` is
    non-increasing; the maximiser returned is the smallest ``x`` with ``f'_+(x) <= 0``
    (``lo`` if ``f'_+(lo) <= 0``; ``hi`` if ``f'_-(hi) > 0``): the left end of the set of
    maximisers when there is a plateau (ties go left, as :func:`maximize_on_interval`).
    A kink (``f'_-(x) > 0 >= f'_+(x)``) is a maximiser exactly.

    *Method.*  The bracket ``[a, b]`` keeps ``f'_+(a) > 0`` and the maximiser; each step
    evaluates the slopes at ``x``, moves ``a`` (``f'_+(x) > 0``) or ``b`` to ``x``, and
    takes the Newton step ``x - f'(x) / f''(x)`` if it lies strictly inside the bracket
    and the last step cut the slope by at least 2.5x (in a flat tail of ``f`` Newton
    creeps); else the end of the interval it points to (once), else the bracket's
    midpoint.  A
    member stops when a step is at most ``xtol (hi - lo)`` (plus rounding of ``x``), the
    bracket is that narrow, or at a kink or end that is a maximiser; near a maximiser
    where ``f'' < 0`` the convergence is quadratic (5-8 steps from ``start``), and never
    slower than bisection.  Each member's steps depend on its own slopes only.

    Parameters
    ----------
    slopes : callable
        ``slopes(x, rows) -> (left, right, curvature)``: ``f'_-(x)``, ``f'_+(x)`` and
        ``f''(x)`` (any value where undefined: the step then bisects) of the members
        ``rows`` (an index array into the batch) at ``x`` (``(len(rows),)``).
    lo, hi : array ``(B,)``, ``lo <= hi``.
    start : array ``(B,)``, the first point (clipped into the interval).

    Returns
    -------
    x, steps : arrays ``(B,)``: the maximiser (within ``xtol (hi - lo)`` plus rounding) and
    the number of slope evaluations of each member.

    References
    ----------
    Press, W. H., Teukolsky, S. A., Vetterling, W. T., Flannery, B. P. (2007).
    *Numerical Recipes*, 3rd ed., section 9.4. Cambridge University Press.

    Examples
    --------
    >>> import numpy as np
    >>> def slopes(x, rows):
    ...     c = np.array([0.2, 3.0])[rows]
    ...     return -(x - c), -(x - c), -np.ones_like(x)
    >>> x, _ = newton_on_interval(slopes, np.zeros(2), np.ones(2), np.full(2, 0.5))
    >>> x.tolist()
    [0.2, 1.0]
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    n = lo.shape[0]
    out, steps = np.empty(n), np.full(n, max_steps, dtype=np.int64)
    tol = xtol * (hi - lo) + 4.0 * np.finfo(float).eps * np.maximum(np.abs(lo), np.abs(hi))
    rows = np.arange(n)
    x = np.clip(start, lo, hi)
    # the members' state, one row each, compacted in one take: the bracket (a, b), the
    # interval's ends, the tolerance, the last slope; whether an end was tried
    state = np.stack([lo, hi, lo, hi, tol, np.full(n, np.nan)])
    tried = np.zeros((2, n), dtype=bool)
    for it in range(max_steps):
        a, b, end_lo, end_hi, t, prev = state
        left, right, curv = slopes(x, rows)
        at_lo, at_hi = x <= end_lo, x >= end_hi
        left = np.where(at_lo, np.inf, left)  # nothing to the left of the interval
        right = np.where(at_hi, -np.inf, right)
        tried[0] |= at_lo
        tried[1] |= at_hi
        up = right > 0
        kink = ~up & (left > 0)
        np.copyto(a, x, where=up)
        np.copyto(b, x, where=~up)
        g = np.where(up, right, left)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - g / curv
        step = np.abs(newton - x)
        near = (newton >= a) & (newton <= b) & (step <= t)  # False where NaN
        ok = (newton > a) & (newton < b)
        if it:  # slow: the slope kept its sign and fell by less than 2.5x (a flat tail)
            with np.errstate(invalid="ignore", over="ignore"):  # no last slope yet: never
                ok &= ~((g * prev > 0) & (np.abs(g) > 0.4 * np.abs(prev)))
        ok |= near
        nxt = np.where(ok, newton, 0.5 * (a + b))
        refused = ~ok
        jump_hi = refused & up & ~tried[1] & (b >= end_hi)
        jump_lo = refused & ~up & ~tried[0] & (a <= end_lo)
        np.copyto(nxt, end_hi, where=jump_hi)
        np.copyto(nxt, end_lo, where=jump_lo)
        # converged: a Newton step within the bracket (closed: it may round onto an
        # end) of at most the tolerance, or a bracket that narrow
        finished = kink | near | (b - a <= t)
        if not finished.any():
            prev[...] = g
            x = nxt
            continue
        done = np.flatnonzero(finished)
        out[rows[done]] = np.where(kink, x, nxt)[done]
        steps[rows[done]] = it + 1
        if done.size == rows.size:
            break
        keep = np.flatnonzero(~finished)
        prev[...] = g
        rows, x = rows[keep], nxt[keep]
        state, tried = np.take(state, keep, axis=1), np.take(tried, keep, axis=1)
    else:
        out[rows] = x
    return out, steps
