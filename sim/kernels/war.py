r"""The war without a deal: the monthly no-deal path.

State in month ``t`` (for each parameter set ``b`` and, with noise, path ``m``):
the line ``L(t)`` (km2 held by war side A = ``war.sides[0]``), the power grid
``G(t)`` of the side named in ``war.grid``, the probability (or, on a Monte Carlo
path, the indicator) that a domestic turn and a breakthrough have happened.

* **Capacity** of each side, in bn per month: the sum of its sources; a source is
  the product of its ``factors`` (e.g. price x volume x budget share), times the
  game effects named in ``via`` (e.g. the share of oil sales that survives
  secondary sanctions), or split into ``channels`` each with its share and
  effects; a ``grid_dependent`` source is scaled by ``G(t)``.
* **Front line**: ``L(t+1) = clip(L(t) + drift(t) + bias, 0, total)`` with
  ``drift = k * (s(t) - s*) * season(month) + extra * P_break(t) + sd * eps``,
  where ``s = K_A / (K_A + K_B)`` is side A's share of the two sides' capacity,
  ``s*`` the share at which the front stands still (``war.stalemate_share``) and
  ``k`` the scale (``war.drift_scale_km2``).  ``bias`` is an actor's belief
  (``belief_drift_bias_km2``): each actor computes its reservation value on its
  own path; bias 0 is the model's neutral path.
* **Grid**: ``G(t+1) = clip(G + repair * (1 - G) - damage * s, 0, 1)``.
* **Domestic turn** (a regime switch of the side in ``war.domestic_turn``):
  monthly hazard ``h = base + per_stress * stress``, ``stress`` the weighted mean
  of the side's recent losses (``max(drift, 0) / losses_ref``), its fiscal gap
  (``max(0, need - K) / need``) and grid damage (``1 - G``).
* **Breakthrough** of side A: monthly hazard while ``s >= min_capacity_share``;
  afterwards the drift grows by ``extra_drift_km2``.

Deterministic runs (``paths=0``) carry the expected regime indicators
(probabilities), i.e. a mean-field path; Monte Carlo runs draw them, with the
same random numbers for every parameter set (common random numbers, seeded by
``numpy.random.SeedSequence``) so that sweeps compare like with like.
A pause (``pause=(t0, months, gains)``) freezes the front and the hazards for
``months`` months from ``t0`` and then adds ``gains[side]`` bn/month of capacity
(rearmament during the pause).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.errors import ParameterError, ScenarioError
from sim.model.batch import ParamTable
from sim.model.scenario import Scenario

MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Pause:
    """A ceasefire pause of ``months`` months starting at month ``start``."""

    start: int
    months: int
    gains: Mapping[str, np.ndarray]


@dataclass
class WarPath:
    """A batch of no-deal paths.

    Shapes: ``line`` ``(B, M, V, T)`` (one variant per belief bias), the rest
    ``(B, M, T)``; ``M`` is 1 for a deterministic run.
    """

    line: np.ndarray
    share: np.ndarray
    capacity: dict[str, np.ndarray]
    grid: np.ndarray
    turned: np.ndarray
    broke: np.ndarray
    drift: np.ndarray


def game_effects(scenario: Scenario, table: ParamTable) -> dict[str, dict[str, np.ndarray]]:
    """Solve the scenario's subgames for every parameter set (see :mod:`sim.games`)."""
    if not scenario.model.games:
        return {}
    from sim.games import evaluate_subgames

    configs = {}
    for key, game in scenario.model.games.items():
        configs[key] = {
            "kind": game.kind,
            "selection": game.selection,
            "params": {p: table[f"games.{key}.params.{p}"] for p in game.params},
        }
    try:
        return evaluate_subgames(configs)
    except (KeyError, ValueError, ParameterError) as exc:
        raise ScenarioError(f"{scenario.name}: games: {exc}") from None


def _effect(effects, name: str, where: str, size: int) -> np.ndarray:
    game, _, effect = name.partition(".")
    try:
        return np.broadcast_to(np.asarray(effects[game][effect], dtype=float), (size,))
    except KeyError:
        known = [f"{g}.{e}" for g, es in effects.items() for e in es]
        raise ScenarioError(
            f"{where}: unknown game effect {name!r} (known: {', '.join(known) or 'none'})"
        ) from None


def _at(column: np.ndarray, t: int) -> np.ndarray:
    """Month ``t`` of a ``(B, 1)`` or ``(B, T)`` column, as ``(B, 1)``."""
    return column[:, t : t + 1] if column.shape[1] > 1 else column


def capacity_parts(scenario: Scenario, table: ParamTable, effects) -> dict[str, tuple]:
    """Each side's capacity as ``(static, grid_dependent)`` arrays, bn/month.

    Shapes ``(B, T)``, or ``(B, 1)`` when no factor changes over time.
    """
    size = table.size
    parts = {}
    for side in scenario.model.war.sides:
        static = np.zeros((size, 1))
        on_grid = np.zeros((size, 1))
        for key, src in scenario.model.war.capacity.get(side, {}).items():
            base = f"war.capacity.{side}.{key}"
            amount = np.ones((size, 1))
            for f in src.factors:
                amount = amount * table.column(f"{base}.factors.{f}")
            for v in src.via:
                amount = amount * _effect(effects, v, f"{base}.via", size)[:, None]
            if src.channels:
                mix = np.zeros(size)
                for c, ch in src.channels.items():
                    part = table[f"{base}.channels.{c}.share"].copy()
                    for v in ch.via:
                        part = part * _effect(effects, v, f"{base}.channels.{c}.via", size)
                    mix = mix + part
                amount = amount * mix[:, None]
            if src.grid_dependent:
                on_grid = on_grid + amount
            else:
                static = static + amount
        parts[side] = (static, on_grid)
    return parts


def _walk_line(
    line0: np.ndarray, drift: np.ndarray, biases: np.ndarray, total: np.ndarray, pause
) -> np.ndarray:
    """``L(t+1) = clip(L(t) + drift(t) + bias, 0, total)`` for every belief variant.

    ``drift`` is month-major ``(T, B, M)``, ``biases`` ``(B, V)``, ``total`` ``(B, 1)``;
    returns ``(T, V, B, M)``: variant-major within a month, so that every
    operation runs over whole ``(B, M)`` rows.  Nothing in the war reads the
    line back, so it is walked after the loop.  During a pause the line stands
    still (no drift, no bias).
    """
    months, size, m_paths = drift.shape
    variants = biases.shape[1]
    line = np.empty((months, variants, size, m_paths))
    line[0] = line0[None, :, None]
    bias = biases.T[:, :, None]  # (V, B, 1)
    step = np.empty(line.shape[1:])
    for t in range(months - 1):
        if pause is not None and pause.start <= t < pause.start + pause.months:
            line[t + 1] = line[t]
            continue
        np.add(drift[t], bias, out=step)
        np.add(line[t], step, out=line[t + 1])
        np.maximum(line[t + 1], 0.0, out=line[t + 1])
        np.minimum(line[t + 1], total, out=line[t + 1])
    return line


def seasonal_factors(scenario: Scenario, table: ParamTable) -> np.ndarray:
    """The seasonal factor of the front's drift, ``(T, B)``: month ``t``'s is row ``t``.

    Month 0 is the scenario's date; the factor of a calendar month is
    ``war.seasonal.<jan..dec>`` (1 = an average month), as dated events set it.
    """
    start_month = scenario.date.month - 1
    return np.stack(
        [
            _at(table.column(f"war.seasonal.{MONTH_KEYS[(start_month + t) % 12]}"), t)[:, 0]
            for t in range(table.months)
        ]
    )


def simulate(
    scenario: Scenario,
    table: ParamTable,
    biases: np.ndarray,
    *,
    effects=None,
    pause: Pause | None = None,
    noise: np.random.Generator | None = None,
    paths: int = 1,
) -> WarPath:
    """Simulate the no-deal path for every parameter set.

    Parameters
    ----------
    biases : ``(B, V)`` drift biases (km2/month), one path variant each.
    noise : a generator for Monte Carlo draws (shared by the whole batch), or
        None for the deterministic mean-field path (then ``paths`` must be 1).

    The state is kept month-major (``(T, B, ...)``, so that each month's slice
    is contiguous; the line ``(T, V, B, M)``, see :func:`_walk_line`) and
    returned as views with months last.
    """
    war = scenario.model.war
    size, months = table.size, table.months
    sides = war.sides
    effects = game_effects(scenario, table) if effects is None else effects
    parts = capacity_parts(scenario, table, effects)
    line0 = scenario.line_value(war.initial_line, "war.initial_line", table.values())
    line0 = np.broadcast_to(np.asarray(line0, dtype=float), (size,))
    m_paths = paths if noise is not None else 1

    scale = table.column("war.drift_scale_km2")
    stalemate = table.column("war.stalemate_share")
    noise_sd = table.column("war.noise_sd_km2")
    season = seasonal_factors(scenario, table)
    grid_cfg, turn_cfg, brk_cfg = war.grid, war.domestic_turn, war.breakthrough

    shape = (months, size, m_paths)
    share = np.full(shape, 0.5)  # 0.5 where neither side has any capacity
    grid = np.ones(shape)
    turned = np.zeros(shape)
    broke = np.zeros(shape)
    drift_out = np.zeros(shape)
    cap = {s: np.empty(shape) for s in sides}

    if grid_cfg is not None:
        grid[0] = table["war.grid.initial"][:, None]
        repair = table.column("war.grid.repair_per_month")
        damage = table.column("war.grid.damage_per_month")
    if brk_cfg is not None:
        extra = table.column("war.breakthrough.extra_drift_km2")
        brk_hazard = table.column("war.breakthrough.hazard_per_month")
        brk_share = table.column("war.breakthrough.min_capacity_share")
    if turn_cfg is not None:
        # stress = c_l max(losses, 0) + c_f max(need - K, 0) + c_g (1 - G), with the
        # weights normalised: c_l = w_l / (W losses_ref), c_f = w_f / (W need), c_g = w_g / W.
        col = {
            k: table.column(f"war.domestic_turn.{k}")
            for k in (
                "fiscal_need_bn",
                "stress_weight_losses",
                "stress_weight_fiscal",
                "stress_weight_grid",
                "losses_ref_km2",
                "base_hazard",
                "hazard_per_stress",
            )
        }
        w_sum = np.maximum(
            col["stress_weight_losses"] + col["stress_weight_fiscal"] + col["stress_weight_grid"],
            1e-12,
        )
        need = col["fiscal_need_bn"]
        c_losses = col["stress_weight_losses"] / w_sum / col["losses_ref_km2"]
        c_fiscal = col["stress_weight_fiscal"] / w_sum / need
        c_grid = col["stress_weight_grid"] / w_sum
        base_hazard, per_stress = col["base_hazard"], col["hazard_per_stress"]
        turn_cap = cap[turn_cfg.side]
        loss_sign = 1.0 if turn_cfg.side == sides[1] else -1.0
    if noise is not None:
        eps = noise.standard_normal((m_paths, months))
        u_turn = noise.random((m_paths, months))
        u_break = noise.random((m_paths, months))
    gains = None

    for t in range(months):
        if pause is not None and t == pause.start + pause.months:
            gains = {s: np.asarray(pause.gains.get(s, 0.0), float).reshape(-1, 1) for s in sides}
        g = grid[t]
        for s in sides:
            static, on_grid = parts[s]
            np.multiply(_at(on_grid, t), g, out=cap[s][t])
            cap[s][t] += _at(static, t)
            if gains is not None:
                cap[s][t] += gains[s]
        ka, kb = cap[sides[0]][t], cap[sides[1]][t]
        both = ka + kb
        s_a = np.divide(ka, both, out=share[t], where=both > 0)
        if t == months - 1:
            break
        paused = pause is not None and pause.start <= t < pause.start + pause.months
        if paused:  # the front and the hazards stand still; the grid is repaired
            turned[t + 1], broke[t + 1] = turned[t], broke[t]
            if grid_cfg is not None:
                grid[t + 1] = np.clip(g + _at(repair, t) * (1 - g), 0.0, 1.0)
            continue
        drift = drift_out[t]
        np.multiply(_at(scale, t), s_a - _at(stalemate, t), out=drift)
        drift *= season[t][:, None]
        if brk_cfg is not None:
            drift += _at(extra, t) * broke[t]
            hazard = _at(brk_hazard, t) * (s_a >= _at(brk_share, t))
            if noise is None:  # P(t+1) = P(t) + (1 - P(t)) h, in place
                np.subtract(1.0, broke[t], out=broke[t + 1])
                broke[t + 1] *= hazard
                broke[t + 1] += broke[t]
            else:
                broke[t + 1] = np.maximum(broke[t], u_break[None, :, t] < hazard)
        if noise is not None:
            drift += _at(noise_sd, t) * eps[None, :, t]
        if grid_cfg is not None:
            # Side A strikes side B's grid (or the reverse when the grid is side A's).
            attack = s_a if grid_cfg.side == sides[1] else 1 - s_a
            grid[t + 1] = g + _at(repair, t) * (1 - g) - _at(damage, t) * attack
            np.clip(grid[t + 1], 0.0, 1.0, out=grid[t + 1])
        if turn_cfg is not None:
            stress = _at(c_losses, t) * np.maximum(loss_sign * drift, 0.0)
            stress += _at(c_fiscal, t) * np.maximum(_at(need, t) - turn_cap[t], 0.0)
            stress += _at(c_grid, t) * (1.0 - g)
            hazard = _at(base_hazard, t) + _at(per_stress, t) * stress
            np.clip(hazard, 0.0, 1.0, out=hazard)
            if noise is None:
                np.subtract(1.0, turned[t], out=turned[t + 1])
                turned[t + 1] *= hazard
                turned[t + 1] += turned[t]
            else:
                turned[t + 1] = np.maximum(turned[t], u_turn[None, :, t] < hazard)
    total = table["territory.total_km2"][:, None]
    line = _walk_line(line0, drift_out, biases, total, pause)

    def months_last(x):
        return np.moveaxis(x, 0, -1)

    return WarPath(
        np.moveaxis(line, (0, 1), (3, 2)),  # (T, V, B, M) -> (B, M, V, T)
        months_last(share),
        {s: months_last(c) for s, c in cap.items()},
        months_last(grid),
        months_last(turned),
        months_last(broke),
        months_last(drift_out),
    )
