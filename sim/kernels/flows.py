r"""Monthly war flows: what fighting on is worth to each actor, month by month.

The flow of actor ``i`` in month ``t`` on a no-deal path is
``f_i(t) = u_i(x_sq(t)) - c_i(t)``: the utility of the status quo (the line held
that month, the other dimensions at their no-deal values, :mod:`sim.kernels.utility`)
less the monthly cost of fighting

.. math::  c_i(t) = \sum_k q_k(t) v_k(t) \mathrm{ramp}_k(t) + e_i P(\text{escalation}),

times ``1 + (m - 1) turned(t)`` for the side of the domestic turn (cost multiplier
``m``), zero during a pause.  At the horizon the war ends: frozen on the line reached
(or a lottery between two lines), net of a terminal cost.  Flows are averaged over the
Monte Carlo paths.

Arrays of one array-API namespace (:mod:`sim.xp`); the storage is month-major
``(T, n, B, M)`` so that every operation runs over whole rows of parameter sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.kernels.utility import line_part, rest_part
from sim.kernels.war import WarPath
from sim.model.batch import CostParams, Preferences, Terminal, TurnParams
from sim.model.scenario import LINE
from sim.xp import Scratch, namespace


def war_costs(costs: CostParams, turn: TurnParams | None, turned, escalation, pause=None):
    """Monthly cost of fighting for each actor, ``(B, M, n, T)``, utility units.

    ``turned`` ``(B, M, T)`` the domestic turn's chance (or indicator) on the path;
    ``escalation`` ``(B,)`` the chance of escalation from the subgames, or ``(B, M)``
    per Monte Carlo path (the escalation ladder's drawn endings, issue 19).
    """
    xp = namespace(turned)
    size, m_paths, months = turned.shape
    n = len(costs.base)
    store = xp.empty((months, n, size, m_paths), dtype=xp.float64)
    per_path = escalation if escalation.ndim == 2 else escalation[:, None]  # (B, M or 1)
    for a in range(n):
        c = costs.base[a][:, :, None] + costs.escalation[a][:, :, None] * per_path[None, ...]
        if costs.turn_actor == a and turn is not None:
            mult = xp.permute_dims(turn.cost_multiplier, (1, 0))[:, :, None]
            by_month = xp.moveaxis(turned, -1, 0)  # (T, B, M)
            store[:, a, ...] = c * (1.0 + (mult - 1.0) * by_month)
        else:
            store[:, a, ...] = xp.broadcast_to(c, (months, size, m_paths))
    out = xp.permute_dims(store, (2, 3, 1, 0))
    if pause is not None:
        out[..., pause.start : pause.start + pause.months] = 0.0
    return out


@dataclass
class Flows:
    """Path-averaged war flows and terminal utilities, per actor.

    ``own``: on each actor's own belief path; ``neutral``: on the neutral path
    (None when the war path has no neutral variant).
    Shapes ``(B, n, T)`` for flows, ``(B, n)`` for the terminal utilities.
    """

    own: Any
    neutral: Any
    terminal_own: Any
    terminal_neutral: Any

    def __add__(self, other: Flows) -> Flows:
        pairs = zip(self.astuple(), other.astuple(), strict=True)
        return Flows(*(None if a is None else a + b for a, b in pairs))

    def scaled(self, k: float) -> Flows:
        return Flows(*(None if a is None else a * k for a in self.astuple()))

    def astuple(self):
        return (self.own, self.neutral, self.terminal_own, self.terminal_neutral)


@dataclass(frozen=True)
class FlowInputs:
    """What the flows read besides the path: preferences, the no-deal terms, the end."""

    prefs: Preferences
    no_deal: dict[str, Any]
    terminal: Terminal
    terminal_cost: Any  # (B, n)


def _storage_order(v):
    """``(B, n, T or 1)`` -> ``(T or 1, n, B, 1)``."""
    xp = namespace(v)
    return xp.permute_dims(v, (2, 1, 0))[..., None]


class _LineLoss:
    """``w (|x - ideal| / span) ** rho`` in storage order, so that ``u = w - loss + rest``."""

    def __init__(self, prefs: Preferences):
        xp = namespace(prefs.weight[LINE])
        self.w = _storage_order(prefs.weight[LINE])
        self.ideal = _storage_order(prefs.ideal[LINE])
        self.curv = _storage_order(prefs.curvature[LINE])
        self.span = _storage_order(prefs.span[LINE])
        self.linear = bool(xp.all(self.curv == 1.0))
        self.ops = Scratch(xp)

    def __call__(self, line, months=slice(None)):
        out = line - self.ideal[months, ...]
        out = self.ops.abs(out, out=out)
        if self.linear:
            out *= (self.w / self.span)[months, ...]
            return out
        out /= self.span
        out = self.ops.pow(out, self.curv[months, ...], out=out)
        out *= self.w[months, ...]
        return out


def _path_mean(x):
    """``(T, n, B, M)`` -> ``(B, n, T)``: the mean over the paths."""
    xp = namespace(x)
    m = x[..., 0] if x.shape[-1] == 1 else xp.mean(x, axis=-1)
    return xp.permute_dims(m, (2, 1, 0))


def war_flows(inputs: FlowInputs, path: WarPath, costs) -> Flows:
    """Path averages of ``f_i(t) = u_i(line(t), y_no_deal) - c_i(t)`` and the terminal value.

    ``path.line`` holds one variant per actor's beliefs and optionally a last,
    neutral one; without it the neutral flows are None.  ``costs`` ``(B, M, n, T)``.
    The flows come back as ``(B, n, T)`` views of ``(T, n, B)`` storage, whose month
    slices are contiguous, the order in which the reservation recursion reads them.
    """
    xp = namespace(costs)
    prefs = inputs.prefs
    n = prefs.weight[LINE].shape[1]
    rest = rest_part(prefs, inputs.no_deal)  # (B, n, T or 1)
    loss = _LineLoss(prefs)
    at_ideal = _storage_order(prefs.weight[LINE] + rest)  # utility with the line at the ideal
    cost = xp.permute_dims(costs, (3, 2, 0, 1))  # (T, n, B, M)
    line = xp.permute_dims(path.line, (3, 2, 0, 1))  # (T, V, B, M)
    with_neutral = line.shape[1] > n
    groups = (line[:, :n, ...], line[:, n : n + 1, ...]) if with_neutral else (line[:, :n, ...],)
    flows = []
    for variants in groups:
        flow = loss(variants)
        flow += cost
        flows.append(_path_mean(loss.ops.sub(at_ideal, flow, out=flow)))
    own, neutral = flows if with_neutral else (flows[0], None)
    tc = inputs.terminal_cost
    end = inputs.terminal
    if end.lottery:
        size = tc.shape[0]

        def lp(x):
            x = xp.broadcast_to(x, (size,))[:, None, None]
            return line_part(prefs, x)[..., -1]

        p = end.p
        frozen = p * lp(end.win_line) + (1 - p) * lp(end.lose_line) + rest[..., -1] - tc
        return Flows(own, neutral, frozen, frozen if with_neutral else None)
    end_value = at_ideal[-1, ...] - xp.permute_dims(tc, (1, 0))[:, :, None]  # (n, B, 1)
    last = slice(-1, None)

    def terminal(group):
        frozen = end_value - loss(line[last, group, ...], last)[0, ...]
        return xp.permute_dims(xp.mean(frozen, axis=-1), (1, 0))

    t_own = terminal(slice(0, n))
    t_neu = terminal(slice(n, n + 1)) if with_neutral else None
    return Flows(own, neutral, t_own, t_neu)
