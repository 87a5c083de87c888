r"""Reservation values: what fighting on is worth, by backward recursion.

Actor ``i``'s value of fighting on from month ``t`` along its own expected no-deal
path is (``docs/MODEL.md``)

.. math::  V_i(t) = f_i(t) + \delta_i(t) V_i(t+1), \qquad
           V_i(H) = A_i(H) \bigl(u_i(x_{frozen}) - c^{term}_i\bigr),

with the war flow ``f_i(t)`` (:mod:`sim.kernels.flows`), monthly discount factor
``delta_i(t) = exp(-r_i(t) / 12)`` (``r_i`` per year; computed once in the batch,
:class:`sim.model.batch.Discounting`) and annuity factor
``A_i(t) = 1 + delta_i(t) A_i(t+1)``, ``A_i(H) = 1 / (1 - delta_i(H))``.
The **reservation utility** ``rbar_i = V_i / A_i`` is the constant monthly
utility worth as much as fighting on.  It is computed in the numerically stable
form ``rbar(t) = a(t) f(t) + (1 - a(t)) rbar(t+1)``, ``a = 1/A``,
``a(t) = a(t+1) / (a(t+1) + delta(t))``, which also covers ``r = 0`` (``a = 0``:
only the frozen outcome counts).

Arrays of one array-API namespace (:mod:`sim.xp`).
"""

from __future__ import annotations

from sim.xp import Scratch, namespace


def inverse_annuity(delta, months: int):
    """``a(t) = 1 / A(t)`` by ``a(t) = a(t+1) / (a(t+1) + delta(t))``, ``a(H) = 1 - delta(H)``.

    ``delta`` is ``(..., T)`` or ``(..., 1)`` (constant); with a constant factor
    ``A(t) = 1 / (1 - delta)`` at every month, so ``a = 1 - delta`` needs no recursion.
    Returns ``(..., T)`` (laid out as ``delta``) or ``(..., 1)``.
    """
    xp = namespace(delta)
    if delta.shape[-1] == 1:
        return 1.0 - delta
    d = xp.moveaxis(delta, -1, 0)
    inv = xp.empty(d.shape, dtype=d.dtype)
    inv[-1, ...] = 1.0 - d[-1, ...]
    # a(t+1) + delta(t) is 0 only where a(t+1) is 0 too: dividing by the smallest normal
    # number then gives a(t) = 0, the limit, without a branch.
    tiny = xp.finfo(d.dtype).smallest_normal
    ops = Scratch(xp)
    denom = xp.empty(d.shape[1:], dtype=d.dtype)
    for t in range(months - 2, -1, -1):
        ops.add(inv[t + 1, ...], d[t, ...], out=denom)
        ops.maximum(denom, tiny, out=denom)
        ops.div(inv[t + 1, ...], denom, out=inv, key=(t, ...))
    return xp.moveaxis(inv, 0, -1)


def reservation(flows, terminal, inv_annuity, out=None):
    """Backward recursion for ``rbar`` (see the module docstring).

    Parameters
    ----------
    flows : ``(B, n, T)`` war flows; the last month's flow is unused (the war ends there).
    terminal : ``(B, n)`` the frozen outcome's utility net of terminal costs.
    inv_annuity : ``(B, n, T)`` or ``(B, n, 1)``, :func:`inverse_annuity` of the
        discount factors (it depends on them alone, so every recursion shares it).
    out : ``(B, n, T)`` array for ``rbar``; may be ``flows`` itself (month ``t``'s
        flow is read before ``rbar(t)`` is written over it), which spares memory.

    Returns
    -------
    rbar : ``(B, n, T)`` (a view of a month-major array).
    """
    xp = namespace(flows)
    months = flows.shape[-1]
    inv = xp.moveaxis(xp.broadcast_to(inv_annuity, flows.shape), -1, 0)
    f = xp.moveaxis(flows, -1, 0)
    rbar = xp.empty(f.shape, dtype=f.dtype) if out is None else xp.moveaxis(out, -1, 0)
    rbar[-1, ...] = terminal
    ops = Scratch(xp)
    step = xp.empty(f.shape[1:], dtype=f.dtype)
    for t in range(months - 2, -1, -1):
        # rbar(t) = a f + (1 - a) rbar(t+1), written to keep rbar exact when a = 0.
        after = rbar[t + 1, ...]
        ops.sub(f[t, ...], after, out=step)
        ops.mul(inv[t, ...], step, out=step)
        ops.add(after, step, out=rbar, key=(t, ...))
    return xp.moveaxis(rbar, 0, -1)


def reservation_discounted(flows, terminal, delta):
    """:func:`reservation` with :func:`inverse_annuity` computed on the way, month by month
    (the same operations in the same order, so the same numbers, without storing
    ``a(t)``: two passes over ``(B, n, T)`` arrays fewer).

    ``flows`` ``(B or 1, n, T)`` (a batch of one broadcasts: every set with the same war),
    ``terminal`` ``(B or 1, n)``, ``delta`` ``(B, n, T)`` the discount factors (a view of
    ``(T, n, B)`` storage; with a constant factor ``(B, n, 1)`` the annuity needs no
    recursion and this calls the two functions).  Returns ``rbar`` ``(B, n, T)``, a view
    of ``(T, n, B)`` storage.
    """
    xp = namespace(flows)
    months = flows.shape[-1]
    size, n = delta.shape[0], delta.shape[1]
    if delta.shape[-1] == 1:
        f = xp.broadcast_to(flows, (size, n, months))
        return reservation(f, xp.broadcast_to(terminal, (size, n)), inverse_annuity(delta, months))
    store = xp.empty((months, n, size), dtype=delta.dtype)
    rbar = xp.permute_dims(store, (0, 2, 1))  # (T, B, n), as reservation's moveaxis view
    f = xp.moveaxis(flows, -1, 0)
    d = xp.moveaxis(delta, -1, 0)
    rbar[-1, ...] = terminal
    tiny = xp.finfo(d.dtype).smallest_normal
    ops = Scratch(xp)

    def row():
        return xp.permute_dims(xp.empty((n, size), dtype=d.dtype), (1, 0))

    a, a_next, denom, step = 1.0 - d[-1, ...], row(), row(), row()
    for t in range(months - 2, -1, -1):
        a, a_next = a_next, a  # a_next = a(t + 1)
        ops.add(a_next, d[t, ...], out=denom)
        ops.maximum(denom, tiny, out=denom)
        ops.div(a_next, denom, out=a)
        after = rbar[t + 1, ...]
        ops.sub(f[t, ...], after, out=step)
        ops.mul(a, step, out=step)
        ops.add(after, step, out=rbar, key=(t, ...))
    return xp.moveaxis(rbar, 0, -1)


def frozen_conflict_charge(cost_end, share, relapse, exit_hazard, delta_end):
    r"""The monthly charge of the no-deal tail: the war does not stop for free.

    After the horizon ``H`` the war ends as a frozen conflict (state F) that keeps a
    share ``kappa`` of the monthly war cost ``c = c(H)``; it relapses into war (state W,
    the full cost ``c``) with monthly hazard ``h``, and a renewed war freezes again with
    hazard ``g``.  The line stands still in both states (the frozen outcome's utility
    ``u`` is read off the horizon's line).  With the monthly factor ``delta``

    .. math::  V_F = u - \kappa c + \delta [(1-h) V_F + h V_W], \quad
               V_W = u - c + \delta [(1-g) V_W + g V_F],

    whose solution, as a constant monthly utility ``(1 - delta) V_F``, is
    ``u - c [kappa + (1 - kappa) omega]`` with the discounted share of time at war

    .. math::  \omega = \frac{\delta h}{1 - \delta + \delta (h + g)}

    (``h / (h + g)``, the stationary share, when ``delta = 1``; 0 when ``h = 0``).  This
    function returns the charge ``c [kappa + (1 - kappa) omega]``; ``kappa = h = 0``
    gives 0, the costless freeze of the plain model.  Arrays ``(B, n)`` or broadcasting.

    The two-state chain is the standard Markov-switching value (e.g. Ljungqvist and
    Sargent, *Recursive Macroeconomic Theory*, ch. 2); the relapse of frozen conflicts is
    Fortna's (2004) "peace time" hazard.
    """
    xp = namespace(cost_end)
    denom = 1.0 - delta_end + delta_end * (relapse + exit_hazard)
    safe = xp.where(denom > 0, denom, 1.0)
    omega = xp.where(denom > 0, delta_end * relapse / safe, 0.0)
    return cost_end * (share + (1.0 - share) * omega)
