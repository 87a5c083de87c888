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
acceptable lines form an interval (:mod:`sim.kernels.utility`), so the ZOPA is
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
from sim.kernels.utility import Utilities, at_month, term
from sim.kernels.war import WarPath
from sim.model.batch import ParamTable
from sim.model.scenario import LINE, Scenario

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
#: The keys of :func:`solutions`.
SOLUTION_CONCEPTS = ("nash", "kalai_smorodinsky", "rubinstein", "unanimity")


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
    t = np.arange(months)
    escalation = np.zeros(size)
    for g in effects.values():
        if "escalated" in g:
            escalation = escalation + np.broadcast_to(g["escalated"], (size,))
    # Storage (T, n, B, M), as the war path's: each month's and actor's slice is
    # contiguous; the per-actor sums are kept month-major too, ``(1, B)`` while
    # nothing depends on the month, else ``(T, B)``.
    store = np.empty((months, len(actors), size, m_paths))
    turn = scenario.model.war.domestic_turn
    for a, key in enumerate(actors):
        c = np.zeros((1, size))
        for ckey, comp in scenario.model.actors[key].costs.items():
            base = f"actors.{key}.costs.{ckey}"
            flow = table.column(f"{base}.quantity").T * table.column(f"{base}.utility_per_unit").T
            if comp.ramp_to is not None:
                t_end = scenario.event_month(comp.ramp_to)
                factor = table.column(f"{base}.ramp_factor").T
                frac = np.clip(t / max(t_end, 1), 0.0, 1.0) if t_end > 0 else np.zeros(months)
                ramp = np.where((t <= t_end)[:, None], 1.0 + (factor - 1.0) * frac[:, None], 1.0)
                flow = flow * ramp
            c = c + flow
        c = c + table.column(f"actors.{key}.escalation_cost").T * escalation
        if turn is not None and turn.side == key:
            mult = table.column("war.domestic_turn.cost_multiplier").T[:, :, None]
            turned = np.moveaxis(path.turned, -1, 0)  # (T, B, M)
            store[:, a] = c[:, :, None] * (1.0 + (mult - 1.0) * turned)
        else:
            store[:, a] = c[:, :, None]
    out = store.transpose(2, 3, 1, 0)
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

    own: np.ndarray
    neutral: np.ndarray | None
    terminal_own: np.ndarray
    terminal_neutral: np.ndarray | None

    def __add__(self, other: Flows) -> Flows:
        pairs = zip(self.astuple(), other.astuple(), strict=True)
        return Flows(*(None if a is None else a + b for a, b in pairs))

    def scaled(self, k: float) -> Flows:
        return Flows(*(None if a is None else a * k for a in self.astuple()))

    def astuple(self):
        return (self.own, self.neutral, self.terminal_own, self.terminal_neutral)


def war_flows(
    scenario: Scenario, table: ParamTable, utils: Utilities, path: WarPath, costs: np.ndarray
) -> Flows:
    """Path averages of ``f_i(t) = u_i(line(t), y_no_deal) - c_i(t)`` and the terminal value.

    ``path.line`` holds one variant per actor's beliefs and optionally a last,
    neutral one; without it the neutral flows are not computed (None).

    Computed in the storage order of ``path`` and ``costs``, ``(T, n, B, M)``
    (month, actor, set, path: every operation runs over whole rows of sets); the
    flows come back as ``(B, n, T)`` views of ``(T, n, B)`` storage, whose month
    slices are contiguous, the order in which :func:`reservation` reads them.
    """
    n = len(scenario.actors)
    rest = utils.rest_part(no_deal_terms(scenario, table))  # (B, n, T or 1)

    def storage_order(v):  # (B, n, T or 1) -> (T or 1, n, B, 1)
        return v.T[..., None]

    w, ideal = storage_order(utils.weight[LINE]), storage_order(utils.ideal[LINE])
    curv = storage_order(utils.curvature[LINE])
    span = storage_order(utils.span[LINE])  # (1, 1, B, 1)
    linear = bool(np.all(curv == 1.0))

    def line_loss(line, months=slice(None)):
        """``w (|x - ideal| / span) ** rho``, so that ``u = w - loss + rest``; one temporary."""
        out = np.subtract(line, ideal[months])
        np.abs(out, out=out)
        if linear:
            return np.multiply(out, (w / span)[months], out=out)
        np.divide(out, span, out=out)
        np.power(out, curv[months], out=out)
        return np.multiply(out, w[months], out=out)

    def path_mean(x):  # (T, n, B, M) -> (B, n, T)
        return (x[..., 0] if x.shape[-1] == 1 else x.mean(axis=-1)).T

    # f = (w + rest) - (loss + c): written into the loss's buffer, no other
    # temporary of the full size (fresh memory is a large part of the cost).
    at_ideal = storage_order(utils.weight[LINE] + rest)  # utility with the line at the ideal
    cost = costs.transpose(3, 2, 0, 1)  # (T, n, B, M), contiguous
    line = path.line.transpose(3, 2, 0, 1)  # (T, V, B, M), contiguous
    with_neutral = line.shape[1] > n
    flows = []
    for variants in (line[:, :n], line[:, n : n + 1]) if with_neutral else (line[:, :n],):
        flow = line_loss(variants)
        np.add(flow, cost, out=flow)
        flows.append(path_mean(np.subtract(at_ideal, flow, out=flow)))
    own, neutral = flows if with_neutral else (flows[0], None)
    end = scenario.model.war.terminal
    tc = np.stack([table.series(f"actors.{a}.terminal_cost")[:, -1] for a in scenario.actors], 1)
    if end.kind == "lottery":
        values = table.values()
        p = table.series("war.terminal.p")[:, -1][:, None]
        win = scenario.line_value(end.win_line, "war.terminal.win_line", values)
        lose = scenario.line_value(end.lose_line, "war.terminal.lose_line", values)

        def lp(x):
            x = np.broadcast_to(np.asarray(x, float), (table.size,))[:, None, None]
            return utils.line_part(x)[..., -1]

        frozen = p * lp(win) + (1 - p) * lp(lose) + rest[..., -1] - tc
        return Flows(own, neutral, frozen, frozen if with_neutral else None)
    end_value = at_ideal[-1] - tc.T[:, :, None]  # (n, B, 1)
    last = slice(-1, None)
    t_own = (end_value - line_loss(line[last, :n], last)[0]).mean(axis=-1).T
    if not with_neutral:
        return Flows(own, None, t_own, None)
    t_neu = (end_value - line_loss(line[last, n : n + 1], last)[0]).mean(axis=-1).T
    return Flows(own, neutral, t_own, t_neu)


def no_deal_terms(scenario: Scenario, table: ParamTable) -> dict[str, np.ndarray]:
    """Each non-line dimension's no-deal value, ``(B, 1, T)`` (``(B, 1, 1)`` if constant)."""
    return {d: table.column(f"dimensions.{d}.no_deal")[:, None, :] for d in scenario.dimensions}


def setting_terms(scenario: Scenario, table: ParamTable) -> dict[str, np.ndarray]:
    """Each non-line dimension's default setting in a deal, ``(B, 1, T)`` (or ``(B, 1, 1)``)."""
    return {d: table.column(f"dimensions.{d}.setting")[:, None, :] for d in scenario.dimensions}


def discount_factors(scenario: Scenario, table: ParamTable) -> np.ndarray:
    """Monthly discount factors ``exp(-r_i(t) / 12)``, ``(B, n, T)`` (``(B, n, 1)`` if constant).

    A view of storage ``(T, n, B)`` (month, actor, set: the engine's order).
    """
    # exp on each actor's compact column, before the broadcast over the months
    columns = [np.exp(-table.column(f"actors.{a}.discount_rate").T / 12.0) for a in scenario.actors]
    months = max(c.shape[0] for c in columns)
    factors = np.empty((months, len(columns), table.size))
    for a, c in enumerate(columns):
        factors[:, a] = c
    return factors.T


def inverse_annuity(delta: np.ndarray, months: int) -> np.ndarray:
    """``a(t) = 1 / A(t)`` by ``a(t) = a(t+1) / (a(t+1) + delta(t))``, ``a(H) = 1 - delta(H)``.

    ``delta`` is ``(..., T)`` or ``(..., 1)`` (constant); with a constant factor
    ``A(t) = 1 / (1 - delta)`` at every month, so ``a = 1 - delta`` needs no recursion.
    Returns ``(..., T)`` (laid out as ``delta``) or ``(..., 1)``.
    """
    if delta.shape[-1] == 1:
        return 1.0 - delta
    d = np.moveaxis(delta, -1, 0)
    inv = np.zeros_like(d)  # a = 0 where a(t+1) + delta(t) = 0
    inv[-1] = 1.0 - d[-1]
    denom = np.empty_like(d[0])
    for t in range(months - 2, -1, -1):
        np.add(inv[t + 1], d[t], out=denom)
        np.divide(inv[t + 1], denom, out=inv[t], where=denom > 0)
    return np.moveaxis(inv, 0, -1)


def reservation(
    flows: np.ndarray,
    terminal: np.ndarray,
    delta: np.ndarray,
    inv_annuity: np.ndarray | None = None,
    *,
    out: np.ndarray | None = None,
):
    """Backward recursion for ``rbar`` and ``a = 1/A`` (see the module docstring).

    Parameters
    ----------
    flows : ``(B, n, T)`` war flows; the last month's flow is unused (the war
        ends there).
    terminal : ``(B, n)`` the frozen outcome's utility net of terminal costs.
    delta : ``(B, n, T)`` monthly discount factors (or ``(B, n, 1)``: constant).
    inv_annuity : ``inverse_annuity(delta, T)`` when already computed (it depends
        on ``delta`` only, so the own and the neutral recursion share it).
    out : ``(B, n, T)`` array for ``rbar``; may be ``flows`` itself (month ``t``'s
        flow is read before ``rbar(t)`` is written over it), which spares memory.

    Returns
    -------
    rbar, inv_annuity : ``(B, n, T)`` each (views of month-major arrays; the
        second may be a read-only broadcast).
    """
    months = flows.shape[-1]
    if inv_annuity is None:
        inv_annuity = inverse_annuity(delta, months)
    inv = np.moveaxis(np.broadcast_to(inv_annuity, flows.shape), -1, 0)
    f = np.moveaxis(flows, -1, 0)
    rbar = np.empty_like(f) if out is None else np.moveaxis(out, -1, 0)
    rbar[-1] = terminal
    step = np.empty_like(f[0])
    for t in range(months - 2, -1, -1):
        # rbar(t) = a f + (1 - a) rbar(t+1), written to keep rbar exact when a = 0.
        np.subtract(f[t], rbar[t + 1], out=step)
        np.multiply(inv[t], step, out=step)
        np.add(rbar[t + 1], step, out=rbar[t])
    return np.moveaxis(rbar, 0, -1), np.moveaxis(inv, 0, -1)


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
    ``veto`` : ``(B, n)``.  Ties go to the first actor (as ``argmax`` does).
    """
    n = lo.shape[1]
    v = veto.reshape(veto.shape + (1,) * (lo.ndim - 2))
    refuses = v & np.isnan(lo)
    rest = lo.shape[:1] + lo.shape[2:]
    zlo, zhi = np.full(rest, -np.inf), np.full(rest, np.inf)
    lo_actor, hi_actor = np.zeros(rest, dtype=np.intp), np.zeros(rest, dtype=np.intp)
    for i in range(n):  # a loop over the few actors, not over parameter sets
        counts = v[:, i] & ~refuses[:, i]
        li = np.where(counts, lo[:, i], -np.inf)
        hi_i = np.where(counts, hi[:, i], np.inf)
        up, down = li > zlo, hi_i < zhi
        zlo = np.where(up, li, zlo)
        zhi = np.where(down, hi_i, zhi)
        lo_actor[up] = i
        hi_actor[down] = i
    none = refuses.any(axis=1)
    exists = ~none & (zlo <= zhi + 1e-9)
    gap = np.where(none, np.inf, np.where(exists, 0.0, zlo - zhi))
    return ZopaArrays(exists, zlo, zhi, gap, lo_actor, hi_actor, refuses)


def zopa_exists(lo: np.ndarray, hi: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """``intersect(lo, hi, veto).exists`` alone, in a few passes.

    A veto player that accepts no line has NaN bounds, which ``max``/``min``
    propagate and every comparison with NaN is false: no ZOPA.
    """
    v = veto.reshape(veto.shape + (1,) * (lo.ndim - 2))
    rest = lo.shape[:1] + lo.shape[2:]
    lo_max, hi_min = np.full(rest, -np.inf), np.full(rest, np.inf)
    for i in range(lo.shape[1]):  # over the few actors: fast whatever the memory order
        np.maximum(lo_max, np.where(v[:, i], lo[:, i], -np.inf), out=lo_max)
        np.minimum(hi_min, np.where(v[:, i], hi[:, i], np.inf), out=hi_min)
    return lo_max <= hi_min + 1e-9


def maximize_on_interval(
    objective,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    unimodal: bool = False,
    grid: int = 65,
    rtol: float = 1e-6,
):
    """Vectorised maximiser of a 1-D objective on ``[lo, hi]`` for a batch.

    Golden-section search (Kiefer 1953): each step keeps the sub-bracket that
    holds the better of two interior points and reuses one of them, so one new
    evaluation per step shrinks the bracket by ``0.618``; it stops when the
    bracket is ``rtol`` of ``hi - lo`` (the default 1e-6 places a line within
    a millionth of the ZOPA's width: 0.02 km2 on a 16,000 km2 zone).  Exact
    (to ``rtol``) for unimodal objectives (``unimodal=True``, e.g. the concave
    Nash and Kalai-Smorodinsky objectives of concave utilities); otherwise a
    grid of ``grid`` points first brackets the best point and the search
    refines it.  ``objective(x)`` takes
    ``x`` of shape ``(B, K)`` and returns ``(B, K)``; NaN counts as ``-inf``.
    """
    span = hi - lo
    if unimodal:
        a, b = lo.astype(float), hi.astype(float)
        width = 1.0
    else:
        xs = lo[:, None] + span[:, None] * np.linspace(0.0, 1.0, grid)[None, :]
        vals = np.nan_to_num(objective(xs), nan=-np.inf)
        j = np.argmax(vals, axis=1)
        step = span / (grid - 1)
        a = np.maximum(lo, xs[np.arange(len(j)), j] - step)
        b = np.minimum(hi, xs[np.arange(len(j)), j] + step)
        width = 2.0 / (grid - 1)
    steps = max(0, int(np.ceil(np.log(rtol / width) / np.log(GOLDEN))))

    def f(x):
        value = objective(x[:, None])[:, 0]
        return np.where(np.isnan(value), -np.inf, value)

    c = b - GOLDEN * (b - a)
    d = a + GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(steps):
        # The maximum lies in [a, d] (keep c, probe left of it) or in [c, b].
        left = fc >= fd
        a, b = np.where(left, a, c), np.where(left, d, b)
        x = np.where(left, b - GOLDEN * (b - a), a + GOLDEN * (b - a))
        fx = f(x)
        c, d = np.where(left, x, d), np.where(left, c, x)
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
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
    Only the parameter sets with a ZOPA are solved.
    """
    sets = np.flatnonzero(zopa.exists)
    size = sets.size
    if size == 0:
        return {k: np.full(table.size, np.nan) for k in SOLUTION_CONCEPTS}
    lo, hi = zopa.lo[sets], zopa.hi[sets]
    # An actor with a veto in none of these sets never enters the objectives below.
    voters = np.flatnonzero(veto[sets].any(axis=0))

    def actor_major(v):  # (B, n) -> (n', B', 1), open sets and voters: sums over axis 0
        return np.ascontiguousarray(v[sets][:, voters].T)[:, :, None]

    w = actor_major(at_month(utils.weight[LINE], month))
    ideal = actor_major(at_month(utils.ideal[LINE], month))
    curv = actor_major(at_month(utils.curvature[LINE], month))
    span = utils.span[LINE][sets, 0, 0][None, :, None]
    base = actor_major(rest - rbar)
    vmask = actor_major(veto)
    power = actor_major(
        np.stack(
            [table.series(f"actors.{a}.bargaining_power")[:, month] for a in scenario.actors], 1
        )
    )
    linear = bool(np.all(curv == 1.0))
    slope = w / span
    peak = base + w  # the surplus at the ideal line
    no_veto = ~vmask
    some_without_veto = bool(no_veto.any())

    def surplus_at(x):  # x broadcasting to (n, B, K) -> u_i(x) - rbar_i
        if linear:
            return peak - slope * np.abs(x - ideal)
        return base + w * term(x, ideal, span, curv)

    def nash(x):  # x (B, K) -> (B, K)
        logs = surplus_at(x[None])
        np.maximum(logs, 0.0, out=logs)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(logs, out=logs)
            logs *= power
        if some_without_veto:
            np.copyto(logs, 0.0, where=no_veto)
        return logs.sum(axis=0)

    max_surplus = surplus_at(np.clip(ideal, lo[None, :, None], hi[None, :, None]))
    with np.errstate(divide="ignore"):
        inv_max = np.where(max_surplus > 1e-15, 1.0 / max_surplus, 0.0)
    pad = np.where(vmask, 0.0, np.inf)  # actors without a veto never bind

    def ks(x):
        return (surplus_at(x[None]) * inv_max + pad).min(axis=0, initial=np.inf)

    # Concave utilities (curvature >= 1) make both objectives concave on the ZOPA.
    concave = bool(np.all(np.where(vmask, curv, 1.0) >= 1.0))
    out = {
        "nash": maximize_on_interval(nash, lo, hi, unimodal=concave),
        "kalai_smorodinsky": maximize_on_interval(ks, lo, hi, unimodal=concave),
    }
    side_a, side_b = (scenario.actors.index(s) for s in scenario.model.war.sides)
    rates = np.stack(
        [table.series(f"actors.{a}.discount_rate")[:, month] for a in scenario.actors], 1
    )[sets]
    dt_years = table["bargaining.round_months"][sets] / 12.0
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
    )[sets]
    veto = veto[sets]
    recog = np.where(veto, recog, 0.0)
    rsum = recog.sum(axis=1, keepdims=True)
    recog = np.where(
        rsum > 0, recog / np.where(rsum > 0, rsum, 1.0), veto / veto.sum(1, keepdims=True)
    )
    values, _, _ = bargaining.unanimity_bargaining(recog, np.minimum(deltas, 1.0 - 1e-12))
    va, vb = values[:, side_a], values[:, side_b]
    share = np.divide(va, va + vb, out=np.full(size, 0.5), where=(va + vb) > 0)
    out["unanimity"] = lo + share * (hi - lo)
    full = {k: np.full(table.size, np.nan) for k in SOLUTION_CONCEPTS}
    for k, v in out.items():
        full[k][sets] = v
    return full
