r"""Ukraine's domestic regimes (issue 17 item 5): a Markov chain driven by the war's stress.

Seed 000's scenarios A/B/C are read as regimes of the government on one war side
(``docs/MODEL.md``, "Regimes"): ``holds`` (today's government and preferences, the
initial regime), ``settlement`` (the realist turn: a government with other preferences
and another legal path) and ``collapse`` (the front breaks).  Each regime other than
the initial one is entered from it; the exits are absorbing (a monthly chain with
competing risks).

**Stress** (as the domestic turn of :mod:`sim.kernels.war`, the same normalised
weights of :class:`~sim.model.batch.TurnParams`):

.. math::  S(t) = c_l \max(\pm\,\mathrm{drift}(t), 0) + c_f \max(N - K(t), 0)
           + c_g (1 - G(t)),

losses (ground lost that month), the fiscal gap of the side's capacity ``K`` to its need
``N``, and grid damage ``1 - G``.

**Hazards.** Exit ``k`` has the monthly hazard ``h_k(t) = clip(a_k + b_k S(t), 0, 1)``;
where the exits together exceed 1 they are scaled down in proportion (at most one exit a
month).

**Occupancy** (the chain's probabilities, a mean-field path; ``pi`` starts in the
initial regime):

.. math::  \pi_0(t+1) = \pi_0(t) \Bigl(1 - \sum_k h_k(t)\Bigr), \qquad
           \pi_k(t+1) = \pi_k(t) + \pi_0(t) h_k(t).

With constant hazards (no stress, ``b = 0``) this is the discrete-time competing-risks
closed form ``pi_0(t) = (1 - H)^t``, ``pi_k(t) = (h_k / H)(1 - (1 - H)^t)`` with
``H = sum_k h_k`` (e.g. Kalbfleisch and Prentice 2002, ch. 8; the continuous-time limit
is ``exp(-lambda t)``).  On a Monte Carlo path one uniform per month decides: in the
initial regime at ``t``, the path moves to exit ``k`` at ``t + 1`` when ``u(t)`` falls in
``[sum_{j<k} h_j, sum_{j<=k} h_j)``; its indicators average to the occupancy.

**Mixing.** A quantity computed in each regime's world (e.g. the forecast's hazard of
agreement) is mixed with the probabilities: ``h(t) = sum_r pi_r(t) h_r(t)``.

Arrays of one array-API namespace (:mod:`sim.xp`); shapes: stress ``(B, M, T)``,
hazard coefficients ``(B, K, T or 1)``, hazards ``(B, M, K, T)``, occupancy
``(B, M, K + 1, T)`` (regime 0 the initial one).

References
----------
Kalbfleisch, J. D. and Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
Data*, 2nd ed., Wiley (ch. 8, competing risks).
"""

from __future__ import annotations

from sim.model.batch import TurnParams
from sim.xp import namespace


def _col(c, xp):
    """A ``(B, T or 1)`` column as ``(B, 1, T or 1)``."""
    c = xp.asarray(c, dtype=xp.float64)
    return c[:, None, :]


def stress(turn: TurnParams, drift, capacity, grid):
    """The side's stress ``(B, M, T)`` from the path's ``drift``, the side's ``capacity``
    and the ``grid`` (each ``(B, M, T)``), with the domestic turn's weights (the same
    expression as :func:`sim.kernels.war` uses for the turn's hazard)."""
    xp = namespace(drift)
    s = _col(turn.c_losses, xp) * xp.maximum(turn.loss_sign * drift, 0.0)
    s = s + _col(turn.c_fiscal, xp) * xp.maximum(_col(turn.need, xp) - capacity, 0.0)
    return s + _col(turn.c_grid, xp) * (1.0 - grid)


def exit_hazards(base, per_stress, s):
    """Each exit's monthly hazard ``(B, M, K, T)``: ``clip(base + per_stress * S, 0, 1)``,
    scaled in proportion where the exits sum to more than 1.  ``base``, ``per_stress``
    ``(B, K, T or 1)``; ``s`` the stress ``(B, M, T)``."""
    xp = namespace(s)
    h = xp.clip(base[:, None, :, :] + per_stress[:, None, :, :] * s[:, :, None, :], 0.0, 1.0)
    total = xp.sum(h, axis=2, keepdims=True)
    return xp.where(total > 1.0, h / xp.where(total > 1.0, total, 1.0), h)


def occupancy(h):
    """The chain's probabilities ``(B, M, K + 1, T)`` from the exits' hazards ``h``
    ``(B, M, K, T)`` (regime 0, the initial one, certain at month 0)."""
    xp = namespace(h)
    size, m_paths, k, months = h.shape
    rows = [xp.ones((size, m_paths, 1), dtype=xp.float64)]
    exits = [xp.zeros((size, m_paths, k), dtype=xp.float64)]
    for t in range(months - 1):
        stay, ht = rows[-1], h[..., t]
        exits.append(exits[-1] + stay * ht)
        rows.append(stay * (1.0 - xp.sum(ht, axis=2, keepdims=True)))
    pi = xp.concat([xp.stack(rows, axis=-1), xp.stack(exits, axis=-1)], axis=2)
    return pi


def indicators(h, u):
    """One Monte Carlo draw of the chain per path: indicators ``(B, M, K + 1, T)``.

    ``u`` ``(M, T)`` uniforms (common to every parameter set); a path in the initial
    regime at ``t`` moves to exit ``k`` at ``t + 1`` when ``u(t)`` falls in
    ``[sum_{j<k} h_j(t), sum_{j<=k} h_j(t))``."""
    xp = namespace(h)
    size, m_paths, k, months = h.shape
    upper = xp.cumulative_sum(h, axis=2)  # (B, M, K, T)
    lower = upper - h
    state = [xp.zeros((size, m_paths), dtype=xp.int64)]  # 0: initial, k + 1: exit k
    codes = xp.reshape(xp.arange(1, k + 1, dtype=xp.int64), (1, 1, k))
    for t in range(months - 1):
        ut = u[None, :, t : t + 1]
        hit = (ut >= lower[..., t]) & (ut < upper[..., t])  # (B, M, K): at most one
        moved = xp.sum(xp.where(hit, codes, xp.zeros_like(codes)), axis=2)
        now = state[-1]
        state.append(xp.where(now == 0, moved, now))
    s = xp.stack(state, axis=-1)  # (B, M, T)
    regimes = xp.reshape(xp.arange(k + 1, dtype=xp.int64), (1, 1, k + 1, 1))
    return xp.astype(s[:, :, None, :] == regimes, xp.float64)


def mix(pi, values):
    """``sum_r pi_r(t) v_r(t)``: ``pi`` ``(B, R, T)``, ``values`` ``(R, B, T)`` -> ``(B, T)``."""
    xp = namespace(pi)
    return xp.sum(xp.permute_dims(pi, (1, 0, 2)) * values, axis=0)


__all__ = ["exit_hazards", "indicators", "mix", "occupancy", "stress"]
