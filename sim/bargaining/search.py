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
