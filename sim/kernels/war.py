r"""The war without a deal: the monthly no-deal path.

State in month ``t`` (for each parameter set ``b`` and, with noise, path ``m``):
the line ``L(t)`` (km2 held by war side A), the power grid ``G(t)`` of the side
named in ``war.grid``, the probability (or, on a Monte Carlo path, the indicator)
that a domestic turn and a breakthrough have happened.

* **Capacity** of each side, in bn per month: the sum of its sources; a source is
  the product of its factors (e.g. price x volume x budget share), times the
  game effects named in ``via`` (e.g. the share of oil sales that survives
  secondary sanctions), or split into channels each with its share and
  effects; a grid-dependent source is scaled by ``G(t)``.
* **Front line**: ``L(t+1) = clip(L(t) + drift(t) + bias, 0, total)`` with
  ``drift = k * (s(t) - s*) * season(month) + extra * P_break(t) + sd * eps``,
  where ``s = K_A / (K_A + K_B)`` is side A's share of the two sides' capacity,
  ``s*`` the share at which the front stands still and ``k`` the scale.
  ``bias`` is an actor's belief (``belief_drift_bias_km2``): each actor computes
  its reservation value on its own path; bias 0 is the model's neutral path.
* **Grid**: ``G(t+1) = clip(G + repair * (1 - G) - damage * s, 0, 1)``.
* **Domestic turn** (a regime switch of one side): monthly hazard
  ``h = base + per_stress * stress``, ``stress`` the weighted mean of the side's
  recent losses (``max(drift, 0) / losses_ref``), its fiscal gap
  (``max(0, need - K) / need``) and grid damage (``1 - G``).
* **Breakthrough** of side A: monthly hazard while ``s >= min_capacity_share``;
  afterwards the drift grows by ``extra_drift_km2``.

Deterministic runs carry the expected regime indicators (probabilities), i.e. a
mean-field path; Monte Carlo runs take :class:`Draws` (the engine draws them with
``numpy.random.SeedSequence``, the same for every parameter set: common random
numbers).  A :class:`Pause` freezes the front and the hazards for ``months`` months
from ``start`` and then adds each side's ``gains`` (bn/month) of capacity
(rearmament during the pause).

The kernels take the typed :class:`~sim.model.batch.WarParams` and arrays of one
array-API namespace (:mod:`sim.xp`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.model.batch import CapacitySource, WarParams
from sim.xp import Scratch, namespace


@dataclass(frozen=True)
class Pause:
    """A ceasefire pause of ``months`` months from month ``start``; afterwards each war
    side gains ``gains[i]`` bn/month of capacity (``(B,)`` arrays or 0)."""

    start: int
    months: int
    gains: tuple[Any, Any] = (0.0, 0.0)

    def holds(self, t: int) -> bool:
        return self.start <= t < self.start + self.months


@dataclass(frozen=True)
class Draws:
    """Random numbers of ``M`` Monte Carlo paths, each ``(M, T)``: the front's standard
    normal noise and the uniforms of the domestic turn and the breakthrough.

    ``capacity_offset`` (per war side ``(B, M)`` or None) and ``escalation_offset``
    ``(B, M)``: each path's drawn ending of the escalation ladder less its expectation
    (:mod:`sim.kernels.patrons`), so that a path carries whole rungs."""

    eps: Any
    u_turn: Any
    u_break: Any
    capacity_offset: tuple[Any, Any] | None = None
    escalation_offset: Any = None


@dataclass
class WarPath:
    """A batch of no-deal paths.

    Shapes: ``line`` ``(B, M, V, T)`` (one variant per belief bias), the rest
    ``(B, M, T)``; ``M`` is 1 for a deterministic run.
    """

    line: Any
    share: Any
    capacity: tuple[Any, Any]
    grid: Any
    turned: Any
    broke: Any
    drift: Any


def effect(effects: dict, name: str, where: str, size: int):
    """The game effect ``"game.effect"`` as a ``(B, 1)`` column, or ``(B, T)`` when the
    effect is dated (the patrons' strategies, :mod:`sim.kernels.patrons`)."""
    game, _, key = name.partition(".")
    try:
        value = effects[game][key]
    except KeyError:
        known = [f"{g}.{e}" for g, es in effects.items() for e in es]
        raise ScenarioError(
            f"{where}: unknown game effect {name!r} (known: {', '.join(known) or 'none'})"
        ) from None
    xp = namespace(value)
    value = xp.asarray(value, dtype=xp.float64)
    if value.ndim == 2:
        return xp.broadcast_to(value, (size, value.shape[1]))
    return xp.broadcast_to(value, (size,))[:, None]


def escalation_probability(effects: dict, size: int, xp):
    """The chance of escalation: the sum of every game's ``escalated`` effect, ``(B,)``."""
    out = xp.zeros(size, dtype=xp.float64)
    for g in effects.values():
        if "escalated" in g:
            out = out + xp.broadcast_to(xp.asarray(g["escalated"], dtype=xp.float64), (size,))
    return out


def capacity_parts(sources: tuple[CapacitySource, ...], effects: dict, size: int):
    """A side's capacity as ``(static, grid_dependent)`` arrays, bn/month, ``(B, T or 1)``."""
    xp = namespace(*(s.amount for s in sources))
    static = xp.zeros((size, 1), dtype=xp.float64)
    on_grid = xp.zeros((size, 1), dtype=xp.float64)
    for src in sources:
        amount = src.amount
        for v in src.via:
            amount = amount * effect(effects, v, f"{src.where}.via", size)
        if src.channels:
            mix = xp.zeros((size, 1), dtype=xp.float64)
            for share, via in src.channels:
                part = xp.reshape(xp.asarray(share, dtype=xp.float64), (-1, 1))
                for v in via:
                    part = part * effect(effects, v, f"{src.where}.channels.via", size)
                mix = mix + part
            amount = amount * mix
        if src.grid_dependent:
            on_grid = on_grid + amount
        else:
            static = static + amount
    return static, on_grid


def _at(column, t: int):
    """Month ``t`` of a ``(B, 1)`` or ``(B, T)`` column, as ``(B, 1)``."""
    return column[:, t : t + 1] if column.shape[1] > 1 else column


def walk_line(line0, drift, biases, total, pause: Pause | None = None):
    """``L(t+1) = clip(L(t) + drift(t) + bias, 0, total)`` for every belief variant.

    ``drift`` is month-major ``(T, B, M)``, ``biases`` ``(B, V)``, ``total`` ``(B, 1)``;
    returns ``(T, V, B, M)``.  Nothing in the war reads the line back, so it is
    walked after the war's loop.  During a pause the line stands still.
    """
    xp = namespace(drift)
    months, size, m_paths = drift.shape
    line = xp.empty((months, biases.shape[1], size, m_paths), dtype=drift.dtype)
    line[0, ...] = line0[None, :, None]
    bias = xp.permute_dims(biases, (1, 0))[:, :, None]  # (V, B, 1)
    ops = Scratch(xp)
    step = xp.empty(line.shape[1:], dtype=line.dtype)
    for t in range(months - 1):
        if pause is not None and pause.holds(t):
            line[t + 1, ...] = line[t, ...]
            continue
        ops.add(drift[t, ...], bias, out=step)
        ops.add(line[t, ...], step, out=step)
        ops.clip(step, 0.0, total, out=line, key=(t + 1, ...))
    return line


class _State:
    """The war's month-major state arrays ``(T, B, M)``."""

    def __init__(self, xp, months: int, size: int, m_paths: int):
        shape = (months, size, m_paths)
        self.share = xp.full(shape, 0.5)  # 0.5 where neither side has any capacity
        self.grid = xp.ones(shape)
        self.turned = xp.zeros(shape)
        self.broke = xp.zeros(shape)
        self.drift = xp.zeros(shape)
        self.cap = (xp.empty(shape), xp.empty(shape))


def simulate(war: WarParams, parts, biases, pause: Pause | None = None, draws: Draws | None = None):
    """Simulate the no-deal path for every parameter set.

    Parameters
    ----------
    war : the war's typed parameters.
    parts : per war side ``(static, grid_dependent)`` capacity (:func:`capacity_parts`).
    biases : ``(B, V)`` drift biases (km2/month), one path variant each.
    pause : a ceasefire pause, or None.
    draws : Monte Carlo draws, or None for the deterministic mean-field path.
    """
    xp = namespace(war.scale)
    size, months = war.line0.shape[0], war.season.shape[0]
    state = _State(xp, months, size, 1 if draws is None else draws.eps.shape[0])
    if war.grid is not None:
        state.grid[0, ...] = war.grid.initial[:, None]
    gains = None
    for t in range(months):
        if pause is not None and t == pause.start + pause.months:
            gains = tuple(xp.reshape(xp.asarray(g, dtype=xp.float64), (-1, 1)) for g in pause.gains)
        _capacities(state, parts, gains, t, draws)
        if t == months - 1:
            break
        if pause is not None and pause.holds(t):
            _hold(state, war, t)
            continue
        drift = _drift(state, war, draws, t)
        _grid_step(state, war, t)
        _turn_step(state, war, drift, draws, t)
        state.drift[t, ...] = drift
    line = walk_line(war.line0, state.drift, biases, war.total, pause)

    def months_last(x):
        return xp.moveaxis(x, 0, -1)

    return WarPath(
        xp.permute_dims(line, (2, 3, 1, 0)),  # (T, V, B, M) -> (B, M, V, T)
        months_last(state.share),
        tuple(months_last(c) for c in state.cap),
        months_last(state.grid),
        months_last(state.turned),
        months_last(state.broke),
        months_last(state.drift),
    )


def _capacities(state: _State, parts, gains, t: int, draws: Draws | None = None):
    """Month ``t``'s capacities and side A's share ``s = K_A / (K_A + K_B)``."""
    xp = namespace(state.share)
    g = state.grid[t, ...]
    offsets = (
        (None, None) if draws is None or draws.capacity_offset is None else draws.capacity_offset
    )
    for i, (static, on_grid) in enumerate(parts):
        cap = _at(on_grid, t) * g + _at(static, t)
        if gains is not None:
            cap = cap + gains[i]
        if offsets[i] is not None:
            cap = cap + offsets[i]
        state.cap[i][t, ...] = cap
    ka, kb = state.cap[0][t, ...], state.cap[1][t, ...]
    both = ka + kb
    positive = both > 0
    state.share[t, ...] = xp.where(positive, ka / xp.where(positive, both, 1.0), 0.5)
    return state.share[t, ...]


def _hold(state: _State, war: WarParams, t: int) -> None:
    """A paused month: the front and the hazards stand still; the grid is repaired."""
    state.turned[t + 1, ...] = state.turned[t, ...]
    state.broke[t + 1, ...] = state.broke[t, ...]
    if war.grid is not None:
        xp = namespace(state.grid)
        g = state.grid[t, ...]
        state.grid[t + 1, ...] = xp.clip(g + _at(war.grid.repair, t) * (1 - g), 0.0, 1.0)


def _drift(state: _State, war: WarParams, draws: Draws | None, t: int):
    """The front's drift in month ``t`` (and the breakthrough's chance at ``t + 1``)."""
    xp = namespace(state.share)
    s_a = state.share[t, ...]
    drift = _at(war.scale, t) * (s_a - _at(war.stalemate, t))
    drift = drift * war.season[t, ...][:, None]
    brk = war.breakthrough
    if brk is not None:
        broke = state.broke[t, ...]
        drift = drift + _at(brk.extra, t) * broke
        hazard = _at(brk.hazard, t) * xp.astype(s_a >= _at(brk.min_share, t), xp.float64)
        if draws is None:  # P(t+1) = P(t) + (1 - P(t)) h
            state.broke[t + 1, ...] = (1.0 - broke) * hazard + broke
        else:
            hit = xp.astype(draws.u_break[None, :, t] < hazard, xp.float64)
            state.broke[t + 1, ...] = xp.maximum(broke, hit)
    if draws is not None:
        drift = drift + _at(war.noise_sd, t) * draws.eps[None, :, t]
    return drift


def _grid_step(state: _State, war: WarParams, t: int) -> None:
    """Side A strikes side B's grid (or the reverse when the grid is side A's)."""
    grid = war.grid
    if grid is None:
        return
    xp = namespace(state.grid)
    s_a = state.share[t, ...]
    g = state.grid[t, ...]
    attack = s_a if grid.struck_by_a else 1 - s_a
    step = g + _at(grid.repair, t) * (1 - g) - _at(grid.damage, t) * attack
    state.grid[t + 1, ...] = xp.clip(step, 0.0, 1.0)


def _turn_step(state: _State, war: WarParams, drift, draws: Draws | None, t: int) -> None:
    turn = war.turn
    if turn is None:
        return
    xp = namespace(state.turned)
    g = state.grid[t, ...]
    stress = _at(turn.c_losses, t) * xp.maximum(turn.loss_sign * drift, 0.0)
    stress = stress + _at(turn.c_fiscal, t) * xp.maximum(
        _at(turn.need, t) - state.cap[turn.side][t, ...], 0.0
    )
    stress = stress + _at(turn.c_grid, t) * (1.0 - g)
    hazard = xp.clip(_at(turn.base, t) + _at(turn.per_stress, t) * stress, 0.0, 1.0)
    turned = state.turned[t, ...]
    if draws is None:
        state.turned[t + 1, ...] = (1.0 - turned) * hazard + turned
    else:
        hit = xp.astype(draws.u_turn[None, :, t] < hazard, xp.float64)
        state.turned[t + 1, ...] = xp.maximum(turned, hit)
