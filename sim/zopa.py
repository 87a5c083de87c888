r"""Reservation values, the zone of possible agreement (ZOPA) and the line within it.

**Reservation value** (MODEL.md).  Actor ``i``'s value of fighting on from month
``t`` along its own expected no-deal path is

.. math::  V_i(t) = f_i(t) + \delta_i(t) V_i(t+1), \qquad
           V_i(H) = A_i(H) \bigl(u_i(x_{frozen}) - c^{term}_i\bigr),

with the war flow ``f_i(t) = u_i(x_{sq}(t)) - c_i(t)``, monthly discount factor
``delta_i(t) = exp(-r_i(t) / 12)`` (``r_i`` per year) and annuity factor
``A_i(t) = 1 + delta_i(t) A_i(t+1)``, ``A_i(H) = 1 / (1 - delta_i(H))``.
The **reservation utility** ``rbar_i = V_i / A_i`` is the constant monthly
utility worth as much as fighting on.  It is computed in the numerically stable
form ``rbar(t) = a(t) f(t) + (1 - a(t)) rbar(t+1)``, ``a = 1/A``,
``a(t) = a(t+1) / (a(t+1) + delta(t))``, which also covers ``r = 0`` (``a = 0``:
only the frozen outcome counts).

**ZOPA.**  A deal signed at ``t`` is acceptable to ``i`` iff ``u_i(x) >= rbar_i(t)``.
The veto players of a deal are those with a veto on the line (always touched) or
on a dimension the deal moves away from its no-deal value.  Each actor's
acceptable lines form an interval (:mod:`sim.utility`), so the ZOPA is
``[max lo_i, min hi_i]`` over the veto players, or empty; then the actors whose
bounds cross are *binding* and ``gap = lo - hi``.

**The line inside the ZOPA.**  Nash: ``argmax prod_i (u_i - rbar_i) ** beta_i``
(Nash 1950; weighted: Kalai 1977); Kalai-Smorodinsky (1975): the line that
maximises the smallest normalised surplus ``(u_i - rbar_i) / (max u_i - rbar_i)``;
Rubinstein (1982) between the two war sides with per-round discount factors
``exp(-r dt)`` on the ZOPA read as a linear pie from the second side's preferred
end; n-party unanimity bargaining (stationary SPE with recognition
probabilities) read the same way from the two war sides' values.  The last two
are linear-pie readings of the ZOPA, documented approximations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import bargaining
from sim.batch import ParamTable
from sim.scenario import LINE, Scenario
from sim.utility import Utilities
from sim.war import WarPath

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def war_costs(
    scenario: Scenario, table: ParamTable, path: WarPath, effects, pause=None
) -> np.ndarray:
    """Monthly cost of fighting for each actor, ``(B, M, n, T)``, utility units.

    ``c_i(t) = sum_k q_k(t) * v_k(t) * ramp_k(t) + e_i * P(escalation)``, times
    ``1 + (m - 1) * turned(t)`` for the side of the domestic turn (cost multiplier
    ``m``); zero during a pause.  A component with ``ramp_to`` grows linearly from
    1 at the scenario date to ``ramp_factor`` at that date and is 1 afterwards
    (pressure that peaks at a deadline such as an election).
    """
    size, months = table.size, table.months
    m_paths = path.turned.shape[1]
    actors = scenario.actors
    out = np.zeros((size, m_paths, len(actors), months))
    t = np.arange(months)
    escalation = np.zeros(size)
    for g in effects.values():
        if "escalated" in g:
            escalation = escalation + np.broadcast_to(g["escalated"], (size,))
    turn = scenario.model.war.domestic_turn
    for a, key in enumerate(actors):
        c = np.zeros((size, months))
        for ckey, comp in scenario.model.actors[key].costs.items():
            base = f"actors.{key}.costs.{ckey}"
            flow = table.series(f"{base}.quantity") * table.series(f"{base}.utility_per_unit")
            if comp.ramp_to is not None:
                t_end = scenario.event_month(comp.ramp_to)
                factor = table.series(f"{base}.ramp_factor")
                frac = np.clip(t / max(t_end, 1), 0.0, 1.0) if t_end > 0 else np.zeros(months)
                ramp = np.where(t <= t_end, 1.0 + (factor - 1.0) * frac, 1.0)
                flow = flow * ramp
            c = c + flow
        c = c + (table.series(f"actors.{key}.escalation_cost") * escalation[:, None])
        c = np.broadcast_to(c[:, None, :], (size, m_paths, months))
        if turn is not None and turn.side == key:
            mult = table.series("war.domestic_turn.cost_multiplier")[:, None, :]
            c = c * (1.0 + (mult - 1.0) * path.turned)
        out[:, :, a, :] = c
    if pause is not None:
        out[..., pause.start : pause.start + pause.months] = 0.0
    return out


@dataclass
class Flows:
    """Path-averaged war flows and terminal utilities, per actor.

    ``own``: on each actor's own belief path; ``neutral``: on the neutral path.
    Shapes ``(B, n, T)`` for flows, ``(B, n)`` for the terminal utilities.
    """

    own: np.ndarray
    neutral: np.ndarray
    terminal_own: np.ndarray
    terminal_neutral: np.ndarray

    def __add__(self, other: Flows) -> Flows:
        return Flows(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def scaled(self, k: float) -> Flows:
        return Flows(*(a * k for a in self.astuple()))

    def astuple(self):
        return (self.own, self.neutral, self.terminal_own, self.terminal_neutral)


def war_flows(
    scenario: Scenario, table: ParamTable, utils: Utilities, path: WarPath, costs: np.ndarray
) -> Flows:
    """Path averages of ``f_i(t) = u_i(line(t), y_no_deal) - c_i(t)`` and the terminal value."""
    n = len(scenario.actors)
    rest = utils.rest_part(no_deal_terms(scenario, table))  # (B, n, T)
    w, ideal = utils.weight[LINE][:, None], utils.ideal[LINE][:, None]
    span, curv = utils.span[LINE][:, None], utils.curvature[LINE][:, None]

    def line_part(x):
        return w * (1.0 - (np.abs(x - ideal) / span) ** curv)

    own_line = path.line[:, :, :n, :]  # (B, M, n, T)
    neutral_line = path.line[:, :, n : n + 1, :]
    u_own = line_part(own_line) + rest[:, None]
    u_neu = line_part(neutral_line) + rest[:, None]
    own = (u_own - costs).mean(axis=1)
    neutral = (u_neu - costs).mean(axis=1)
    term = scenario.model.war.terminal
    tc = np.stack([table.series(f"actors.{a}.terminal_cost")[:, -1] for a in scenario.actors], 1)
    if term.kind == "lottery":
        values = table.values()
        p = table.series("war.terminal.p")[:, -1][:, None]
        win = scenario.line_value(term.win_line, "war.terminal.win_line", values)
        lose = scenario.line_value(term.lose_line, "war.terminal.lose_line", values)

        def lp(x):
            x = np.broadcast_to(np.asarray(x, float), (table.size,))[:, None, None]
            return utils.line_part(x)[..., -1]

        frozen = p * lp(win) + (1 - p) * lp(lose) + rest[..., -1] - tc
        return Flows(own, neutral, frozen, frozen)
    t_own = u_own[..., -1].mean(axis=1) - tc
    t_neu = u_neu[..., -1].mean(axis=1) - tc
    return Flows(own, neutral, t_own, t_neu)


def no_deal_terms(scenario: Scenario, table: ParamTable) -> dict[str, np.ndarray]:
    """Each non-line dimension's no-deal value, ``(B, 1, T)``."""
    return {d: table.series(f"dimensions.{d}.no_deal")[:, None, :] for d in scenario.dimensions}


def setting_terms(scenario: Scenario, table: ParamTable) -> dict[str, np.ndarray]:
    """Each non-line dimension's default setting in a deal, ``(B, 1, T)``."""
    return {d: table.series(f"dimensions.{d}.setting")[:, None, :] for d in scenario.dimensions}


def discount_factors(scenario: Scenario, table: ParamTable) -> np.ndarray:
    """Monthly discount factors ``exp(-r_i(t) / 12)``, ``(B, n, T)``."""
    rates = np.stack([table.series(f"actors.{a}.discount_rate") for a in scenario.actors], 1)
    return np.exp(-rates / 12.0)


def reservation(flows: np.ndarray, terminal: np.ndarray, delta: np.ndarray):
    """Backward recursion for ``rbar`` and ``a = 1/A`` (see the module docstring).

    Parameters
    ----------
    flows : ``(B, n, T)`` war flows; the last month's flow is unused (the war
        ends there).
    terminal : ``(B, n)`` the frozen outcome's utility net of terminal costs.
    delta : ``(B, n, T)`` monthly discount factors.

    Returns
    -------
    rbar, inv_annuity : ``(B, n, T)`` each.
    """
    months = flows.shape[-1]
    rbar = np.empty_like(flows)
    inv = np.empty_like(flows)
    inv[..., -1] = 1.0 - delta[..., -1]
    rbar[..., -1] = terminal
    for t in range(months - 2, -1, -1):
        nxt = inv[..., t + 1]
        denom = nxt + delta[..., t]
        inv[..., t] = np.divide(nxt, denom, out=np.zeros_like(nxt), where=denom > 0)
        rbar[..., t] = inv[..., t] * flows[..., t] + (1.0 - inv[..., t]) * rbar[..., t + 1]
    return rbar, inv


def veto_mask(scenario: Scenario, table: ParamTable, terms: dict[str, np.ndarray]) -> np.ndarray:
    """``(B, n)`` bool: actor holds a veto on something the deal touches.

    The line is always touched; dimension ``d`` is touched when the deal's value
    differs from its no-deal value (``terms[d]`` broadcasting to ``(B,)``).
    """
    size = table.size
    mask = np.zeros((size, len(scenario.actors)), dtype=bool)
    touched = {LINE: np.ones(size, dtype=bool)}
    for d in scenario.dimensions:
        value = np.broadcast_to(np.asarray(terms[d], float).reshape(size, -1)[:, 0], (size,))
        touched[d] = np.abs(value - table[f"dimensions.{d}.no_deal"]) > 1e-9
    for a, key in enumerate(scenario.actors):
        for d in scenario.model.actors[key].veto:
            mask[:, a] |= touched[d]
    return mask


@dataclass
class ZopaArrays:
    """The ZOPA for a batch at one or many months; arrays ``(B, ...)``."""

    exists: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    gap: np.ndarray
    lo_actor: np.ndarray
    hi_actor: np.ndarray
    refuses: np.ndarray  # (B, n, ...) veto players that accept no line

    def binding_mask(self) -> np.ndarray:
        """Bitmask over actors whose bounds bind (or who refuse every line)."""
        n = self.refuses.shape[1]
        bits = (1 << np.arange(n)).reshape((1, n) + (1,) * (self.refuses.ndim - 2))
        refuse_bits = (self.refuses * bits).sum(axis=1)
        edge_bits = (1 << self.lo_actor) | (1 << self.hi_actor)
        return np.where(refuse_bits > 0, refuse_bits, edge_bits).astype(np.int64)


def intersect(lo: np.ndarray, hi: np.ndarray, veto: np.ndarray) -> ZopaArrays:
    """Intersect the veto players' intervals.

    ``lo, hi`` : ``(B, n, ...)`` with NaN where an actor accepts no line;
    ``veto`` : ``(B, n)``.
    """
    v = veto.reshape(veto.shape + (1,) * (lo.ndim - 2))
    refuses = v & np.isnan(lo)
    lo_v = np.where(v & ~np.isnan(lo), lo, -np.inf)
    hi_v = np.where(v & ~np.isnan(hi), hi, np.inf)
    lo_actor = np.argmax(lo_v, axis=1)
    hi_actor = np.argmin(hi_v, axis=1)
    zlo = np.max(lo_v, axis=1)
    zhi = np.min(hi_v, axis=1)
    none = refuses.any(axis=1)
    exists = ~none & (zlo <= zhi + 1e-9)
    gap = np.where(none, np.inf, np.where(exists, 0.0, zlo - zhi))
    return ZopaArrays(exists, zlo, zhi, gap, lo_actor, hi_actor, refuses)


def maximize_on_interval(
    objective, lo: np.ndarray, hi: np.ndarray, grid: int = 65, iters: int = 48
):
    """Vectorised maximiser of a 1-D objective on ``[lo, hi]`` for a batch.

    A grid search brackets the best point, then golden-section search refines
    it (exact for unimodal objectives; Kiefer 1953).  ``objective(x)`` takes
    ``x`` of shape ``(B, K)`` and returns ``(B, K)``.
    """
    span = hi - lo
    xs = lo[:, None] + span[:, None] * np.linspace(0.0, 1.0, grid)[None, :]
    vals = objective(xs)
    vals = np.where(np.isnan(vals), -np.inf, vals)
    j = np.argmax(vals, axis=1)
    step = span / (grid - 1)
    a = np.maximum(lo, xs[np.arange(len(j)), j] - step)
    b = np.minimum(hi, xs[np.arange(len(j)), j] + step)
    for _ in range(iters):
        c = b - GOLDEN * (b - a)
        d = a + GOLDEN * (b - a)
        fc = np.nan_to_num(objective(c[:, None])[:, 0], nan=-np.inf)
        fd = np.nan_to_num(objective(d[:, None])[:, 0], nan=-np.inf)
        left = fc >= fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
    return 0.5 * (a + b)


def solutions(
    scenario: Scenario,
    table: ParamTable,
    utils: Utilities,
    zopa: ZopaArrays,
    rbar: np.ndarray,
    rest: np.ndarray,
    veto: np.ndarray,
    month: int,
) -> dict[str, np.ndarray]:
    """The line (km2) predicted by each solution concept inside the ZOPA at ``month``.

    ``rbar`` and ``rest`` are ``(B, n)`` at that month; NaN where there is no ZOPA.
    """
    size = table.size
    ok = zopa.exists
    lo = np.where(ok, zopa.lo, 0.0)
    hi = np.where(ok, zopa.hi, 0.0)
    w = utils.weight[LINE][..., month][:, :, None]
    ideal = utils.ideal[LINE][..., month][:, :, None]
    curv = utils.curvature[LINE][..., month][:, :, None]
    span = utils.span[LINE][..., 0][:, :, None]
    vmask = veto[:, :, None]
    power = np.stack(
        [table.series(f"actors.{a}.bargaining_power")[:, month] for a in scenario.actors], 1
    )[:, :, None]

    def surplus(x):  # x (B, K) -> (B, n, K)
        u = w * (1.0 - (np.abs(x[:, None, :] - ideal) / span) ** curv) + rest[:, :, None]
        return u - rbar[:, :, None]

    def nash(x):
        s = surplus(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(vmask, power * np.log(np.maximum(s, 0.0)), 0.0)
        return logs.sum(axis=1)

    best_x = np.clip(ideal[:, :, 0], lo[:, None], hi[:, None])
    max_surplus = np.take_along_axis(
        surplus(best_x), np.arange(best_x.shape[1])[None, :, None], axis=2
    )[:, :, 0]

    def ks(x):
        s = surplus(x)
        norm = s / np.where(max_surplus > 1e-15, max_surplus, np.inf)[:, :, None]
        return np.where(vmask, norm, np.inf).min(axis=1)

    out = {
        "nash": maximize_on_interval(nash, lo, hi),
        "kalai_smorodinsky": maximize_on_interval(ks, lo, hi),
    }
    side_a, side_b = (scenario.actors.index(s) for s in scenario.model.war.sides)
    rates = np.stack(
        [table.series(f"actors.{a}.discount_rate")[:, month] for a in scenario.actors], 1
    )
    dt_years = table["bargaining.round_months"] / 12.0
    deltas = bargaining.discount_factor(rates, dt_years[:, None])
    first = scenario.model.bargaining.first_proposer
    a_first = first != scenario.model.war.sides[1]
    d1 = deltas[:, side_a] if a_first else deltas[:, side_b]
    d2 = deltas[:, side_b] if a_first else deltas[:, side_a]
    both_patient = (d1 >= 1.0) & (d2 >= 1.0)
    x1, _ = bargaining.rubinstein(np.where(both_patient, 0.5, d1), np.where(both_patient, 0.5, d2))
    share_a = x1 if a_first else 1.0 - x1
    share_a = np.where(both_patient, 0.5, share_a)
    out["rubinstein"] = lo + share_a * (hi - lo)
    recog = np.stack(
        [table.series(f"actors.{a}.recognition")[:, month] for a in scenario.actors], 1
    )
    recog = np.where(veto, recog, 0.0)
    rsum = recog.sum(axis=1, keepdims=True)
    recog = np.where(
        rsum > 0, recog / np.where(rsum > 0, rsum, 1.0), veto / veto.sum(1, keepdims=True)
    )
    values, _, _ = bargaining.unanimity_bargaining(recog, np.minimum(deltas, 1.0 - 1e-12))
    va, vb = values[:, side_a], values[:, side_b]
    share = np.divide(va, va + vb, out=np.full(size, 0.5), where=(va + vb) > 0)
    out["unanimity"] = lo + share * (hi - lo)
    return {k: np.where(ok, v, np.nan) for k, v in out.items()}
