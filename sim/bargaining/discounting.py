r"""Discount factors from discount rates.

Time preference enters every bargaining model through a per-round discount
factor.  The project states patience as a continuous discount rate ``r`` per
year; a round of length ``dt`` years is then discounted by

.. math::

    \delta = e^{-r\,\Delta t},

the standard conversion in the bargaining literature (Rubinstein 1982;
Osborne & Rubinstein 1990, *Bargaining and Markets*, sec. 4.4), under which the
alternating-offers split converges, as ``dt -> 0``, to ``r_2 / (r_1 + r_2)``.

>>> from sim.bargaining import discount_factor
>>> round(float(discount_factor(0.12, 1 / 12)), 6)  # 12 % a year, one month
0.99005

References
----------
Osborne, M. J. & Rubinstein, A. (1990). *Bargaining and Markets*, sec. 4.4.
Academic Press.

Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*
50(1), 97-109.
"""

from __future__ import annotations

from sim.bargaining._validate import as_float, broadcast, check_nonnegative, scalar_or_array
from sim.xp import namespace


def discount_factor(rate, dt, *, checked: bool = True):
    r"""Discount factor ``exp(-rate * dt)`` of one round.

    Parameters
    ----------
    rate : float or array_like
        Continuous discount rate, per year, ``>= 0``.
    dt : float or array_like
        Length of the round, in years, ``>= 0``.  Broadcasts with ``rate``.
    checked : bool
        Validate the inputs (default).  ``False`` skips the checks for arrays a
        caller has already validated (the engine's batch: the scenario's bounds).

    Returns
    -------
    float or numpy.ndarray
        :math:`\delta = e^{-r\,\Delta t}` in ``(0, 1]``; a numpy scalar for scalar
        inputs, otherwise an array of the broadcast shape.

    Raises
    ------
    ValueError
        If a rate or a length is negative or not finite, or the shapes do not
        broadcast.

    References
    ----------
    Osborne, M. J. & Rubinstein, A. (1990). *Bargaining and Markets*, sec. 4.4.

    Examples
    --------
    >>> float(discount_factor(0.0, 1.0))
    1.0
    """
    if not checked:
        return namespace(rate).exp(-rate * dt)
    rate = as_float("rate", rate)
    dt = as_float("dt", dt)
    check_nonnegative("rate", rate)
    check_nonnegative("dt", dt)
    rate, dt = broadcast(rate=rate, dt=dt)
    return scalar_or_array(namespace(rate).exp(-rate * dt))
