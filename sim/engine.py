"""The engine's entry points: ``evaluate`` (a batch), ``solve`` (one month), ``timeline``.

All three run the same vectorized computation (:func:`compute`): the one-scenario
case is the batch of one.  The steps:

1. the parameter table for the batch (:class:`sim.model.batch.ParamTable`);
2. the subgames' equilibria (:mod:`sim.games`), which set levers of the war;
3. the no-deal war path for each actor's beliefs and the neutral one (:mod:`sim.kernels.war`);
4. reservation utilities by backward recursion, the ZOPA month by month and the
   solutions inside it (:mod:`sim.kernels.zopa`);
5. the named deals: each actor's margin ``u_i(deal) - rbar_i`` (a pause deal is
   valued by re-running the war with the pause and the rearmament it allows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sim import bargaining
from sim.errors import ParameterError
from sim.kernels.utility import Utilities, at_month, take_sets, term
from sim.kernels.war import Pause, game_effects, seasonal_factors, simulate
from sim.kernels.zopa import (
    ZopaArrays,
    discount_factors,
    intersect,
    inverse_annuity,
    reservation,
    setting_terms,
    solutions,
    veto_mask,
    war_costs,
    war_flows,
    zopa_exists,
)
from sim.model.batch import ParamTable
from sim.model.scenario import LINE, Scenario, load_scenario
from sim.results import Commitment, DealVerdict, SolveResult, Timeline, Zopa

#: Array elements per internal chunk (sets x months x (actors + 1) x paths, the paths
#: capped at PATH_CHUNK): the number of sets in a chunk is this divided by the rest.
CHUNK_ELEMENTS = 8_000_000
PATH_CHUNK = 100
#: Months per block in the search for the first month with a ZOPA.
SEARCH_MONTHS = 12


@dataclass
class Computation:
    """Everything computed for a batch (arrays with a leading batch axis)."""

    table: ParamTable
    utils: Utilities
    effects: dict
    rbar: np.ndarray  # (B, n, T) own beliefs
    rbar_neutral: np.ndarray
    inv_annuity: np.ndarray
    lo: np.ndarray  # (B, n, T) acceptable lines per actor
    hi: np.ndarray
    veto: np.ndarray  # (B, n)
    zopa: ZopaArrays  # (B, T)
    zopa_neutral: ZopaArrays
    rest: np.ndarray  # (B, n, T) utility of the default settings of the other dimensions
    line: np.ndarray  # (B, T) expected neutral no-deal line
    share: np.ndarray  # (B, T) side A's capacity share on the neutral path
    turned: np.ndarray  # (B, T) chance the domestic turn has happened, neutral expected path
    solutions: dict[str, np.ndarray]
    deals: dict[str, dict[str, np.ndarray]]


def _flows(scenario, table, utils, effects, biases, paths, seed, pause=None):
    """Path-averaged flows, and the deterministic path itself (None with Monte Carlo)."""
    if paths <= 0:
        path = simulate(scenario, table, biases, effects=effects, pause=pause)
        costs = war_costs(scenario, table, path, effects, pause)
        return war_flows(scenario, table, utils, path, costs), path
    seeds = np.random.SeedSequence(seed).spawn(-(-paths // PATH_CHUNK))
    total = None
    for k, ss in enumerate(seeds):
        m = min(PATH_CHUNK, paths - k * PATH_CHUNK)
        rng = np.random.default_rng(ss)
        path = simulate(scenario, table, biases, effects=effects, pause=pause, noise=rng, paths=m)
        costs = war_costs(scenario, table, path, effects, pause)
        part = war_flows(scenario, table, utils, path, costs).scaled(m / paths)
        total = part if total is None else total + part
    return total, None


@dataclass
class _Core:
    """The steps every entry point shares: parameters, war flows, reservation utilities."""

    table: ParamTable
    utils: Utilities
    effects: dict
    biases: np.ndarray
    path: Any  # the deterministic WarPath, None with Monte Carlo
    delta: np.ndarray
    rbar: np.ndarray
    inv: np.ndarray
    rbar_neutral: np.ndarray | None  # None unless asked for
    rest: np.ndarray  # (B, n, T or 1)
    veto: np.ndarray


def _core(
    scenario: Scenario, overrides, paths: int, seed: int | None, effects=None, neutral=True
) -> _Core:
    """The shared steps; ``neutral``: also the reservation values on the neutral path."""
    table = ParamTable(scenario, overrides or {}, scenario.horizon + 1)
    utils = Utilities.from_table(scenario, table)
    effects = game_effects(scenario, table) if effects is None else effects
    actors = scenario.actors
    # One path variant per actor's beliefs, and the neutral one (bias 0) last.
    biases = np.stack(
        [table[f"actors.{a}.belief_drift_bias_km2"] for a in actors]
        + ([np.zeros(table.size)] if neutral else []),
        1,
    )
    flows, path = _flows(scenario, table, utils, effects, biases, paths, seed)
    delta = discount_factors(scenario, table)
    inv = inverse_annuity(delta, table.months)
    # The flows are used only here: the recursions overwrite them.
    rbar, inv = reservation(flows.own, flows.terminal_own, delta, inv, out=flows.own)
    rbar_neutral = None
    if neutral:
        rbar_neutral, _ = reservation(
            flows.neutral, flows.terminal_neutral, delta, inv, out=flows.neutral
        )
    settings = setting_terms(scenario, table)
    rest = utils.rest_part(settings)
    veto = veto_mask(scenario, table, {d: v[:, 0, 0] for d, v in settings.items()})
    return _Core(table, utils, effects, biases, path, delta, rbar, inv, rbar_neutral, rest, veto)


def _solutions_at(scenario: Scenario, core: _Core, zm: ZopaArrays, month: int):
    return solutions(
        scenario,
        core.table,
        core.utils,
        zm,
        core.rbar[..., month],
        at_month(core.rest, month),
        core.veto,
        month,
    )


def compute(
    scenario: Scenario,
    overrides: Mapping[str, Any] | None = None,
    *,
    month: int = 0,
    paths: int = 0,
    seed: int | None = None,
    with_deals: bool = True,
) -> Computation:
    """Run the whole model for a batch of parameter sets (no chunking), every month."""
    core = _core(scenario, overrides, paths, seed)
    table, utils, effects, rbar, rest, veto = (
        core.table,
        core.utils,
        core.effects,
        core.rbar,
        core.rest,
        core.veto,
    )
    lo, hi = utils.acceptable(rbar, rest)
    zopa = intersect(lo, hi, veto)
    zopa_neutral = intersect(*utils.acceptable(core.rbar_neutral, rest), veto)
    zm = ZopaArrays(*(getattr(zopa, f)[..., month] for f in ZopaArrays.__dataclass_fields__))
    sol = _solutions_at(scenario, core, zm, month)
    if core.path is not None:
        # The last belief variant has bias 0: it is the neutral path.
        neutral_line, neutral_share = core.path.line[:, 0, -1, :], core.path.share[:, 0, :]
        turned = core.path.turned[:, 0, :]
    else:
        # The expected (mean-field) path, for display: Monte Carlo flows average over draws.
        neutral = simulate(scenario, table, np.zeros((table.size, 1)), effects=effects)
        neutral_line, neutral_share = neutral.line[:, 0, 0, :], neutral.share[:, 0, :]
        turned = neutral.turned[:, 0, :]
    deals = (
        _deals(scenario, table, utils, effects, core.biases, rbar, core.delta, month, paths, seed)
        if with_deals
        else {}
    )
    return Computation(
        table,
        utils,
        effects,
        rbar,
        core.rbar_neutral,
        core.inv,
        lo,
        hi,
        veto,
        zopa,
        zopa_neutral,
        np.broadcast_to(rest, rbar.shape),
        neutral_line,
        neutral_share,
        turned,
        sol,
        deals,
    )


def _deals(scenario, table, utils, effects, biases, rbar, delta, month, paths, seed):
    out = {}
    values = table.values()
    for key, deal in scenario.model.deals.items():
        terms = {
            d: table[f"deals.{key}.terms.{d}"]
            if d in deal.terms
            else table[f"dimensions.{d}.no_deal"]
            for d in scenario.dimensions
        }
        line = np.broadcast_to(
            np.asarray(scenario.line_value(deal.line, f"deals.{key}.line", values), float),
            (table.size,),
        )
        if deal.kind == "pause":
            gains = {
                s: table[f"war.pause.capacity_gain_bn.{s}"] * deal.pause_months
                for s in scenario.model.war.pause.capacity_gain_bn
            }
            pause = Pause(month, deal.pause_months, gains)
            flows, _ = _flows(scenario, table, utils, effects, biases, paths, seed, pause)
            commitment = commitment_problem(scenario, table, utils, effects, pause)
            rbar_p, _ = reservation(flows.own, flows.terminal_own, delta)
            utility = rbar_p[..., month]
            veto = veto_mask(scenario, table, terms)
        else:
            t3 = {d: np.asarray(v, float)[:, None, None] for d, v in terms.items()}
            utility = at_month(utils.line_part(line[:, None, None]) + utils.rest_part(t3), month)
            veto = veto_mask(scenario, table, terms)
        margin = utility - rbar[..., month]
        out[key] = {
            "line_km2": line,
            "utility": utility,
            "margin": margin,
            "accepts": margin >= -1e-12,
            "veto": veto,
        }
        if deal.kind == "pause":
            out[key]["commitment"] = commitment
    return out


def commitment_problem(
    scenario: Scenario, table: ParamTable, utils: Utilities, effects, pause: Pause
) -> dict[str, np.ndarray]:
    r"""Powell's (2006) commitment-problem condition for a pause, read off the war model.

    Powell's game (:func:`sim.bargaining.powell_war_inevitable`) divides a flow of 1
    per period; war is a lottery won by A with probability ``p`` now and ``p_next``
    after a one-time shift.  The mapping onto the war model, a documented
    approximation:

    * the period is the pause (``pause.months`` months); the shift is what the pause
      does to the balance: ``p`` and ``p_next`` are the first war side's share of the
      two sides' capacity, ``K_A / (K_A + K_B)``, on the neutral path at the pause's
      first month and at its end (after the rearmament the pause allows);
    * ``delta = exp(-r_D * months / 12)`` with ``r_D`` the declining side's discount rate;
    * each side's stake per month is its utility gap between holding the whole
      territory and none, ``|w (term(total) - term(0))|``; its cost of war per period
      in those units is ``k = c(t) / stake`` (``c`` its monthly cost of war), and the
      present value of an endless war is ``C = k / (1 - delta)``.

    Returns arrays ``(B,)``: ``p``, ``p_next``, ``delta``, ``cost_a``, ``cost_b`` and the
    boolean ``war_inevitable``.
    """

    size, month = table.size, pause.start
    sides = scenario.model.war.sides
    a, b = (scenario.actors.index(s) for s in sides)
    path = simulate(scenario, table, np.zeros((size, 1)), effects=effects, pause=pause)
    end = min(month + pause.months, table.months - 1)
    p, p_next = path.share[:, 0, month], path.share[:, 0, end]
    declining = np.where(p >= p_next, a, b)
    rate = np.stack([table.series(f"actors.{s}.discount_rate")[:, month] for s in sides], 1)
    rate_d = np.where(declining == a, rate[:, 0], rate[:, 1])
    delta = np.exp(-rate_d * pause.months / 12.0)
    total = table["territory.total_km2"][:, None, None]
    stake = at_month(np.abs(utils.line_part(total) - utils.line_part(np.zeros_like(total))), month)
    costs = war_costs(scenario, table, path, effects)[:, 0, :, month]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_period = np.where(stake > 0, costs / stake, np.inf)
        present = per_period / (1.0 - delta[:, None])
    inevitable = bargaining.powell_war_inevitable(
        np.clip(p, 0.0, 1.0),
        np.clip(p_next, 0.0, 1.0),
        delta,
        np.maximum(present[:, a], 0.0),
        np.maximum(present[:, b], 0.0),
    )
    return {
        "p": p,
        "p_next": p_next,
        "delta": delta,
        "cost_a": present[:, a],
        "cost_b": present[:, b],
        "war_inevitable": np.asarray(inevitable, dtype=bool),
    }


def evaluate(
    scenario: Scenario | str,
    params: Mapping[str, Any] | None = None,
    *,
    month: int = 0,
    paths: int = 0,
    seed: int | None = None,
    chunk_size: int | None = None,
) -> dict[str, np.ndarray]:
    """Outcomes for many parameter sets at once (the entry point of sweeps).

    Parameters
    ----------
    scenario : a Scenario or a built-in name / file path.
    params : ``{dotted path: array}``, 1-D arrays of one common length ``n`` (or scalars).
    month : the month index (0 = the scenario's date) at which the ZOPA is read.
    paths : Monte Carlo paths per set (0: the deterministic mean-field path).
    seed : seed of the Monte Carlo draws (the same draws for every set).

    Returns
    -------
    dict of arrays of shape ``(n,)``: the keys of :data:`sim.results.OUTCOMES`
    and ``reservation_<actor>`` (reservation utility at ``month``).
    """
    scenario = load_scenario(scenario)
    if not 0 <= month <= scenario.horizon:
        raise ParameterError(f"month: {month} is outside 0..{scenario.horizon}")
    if paths < 0:
        raise ParameterError(f"paths: must be >= 0, got {paths}")
    params = dict(params or {})
    size = max([np.size(v) for v in params.values()] + [1])
    months = scenario.horizon + 1
    per_set = months * (len(scenario.actors) + 1) * max(1, min(paths, PATH_CHUNK)) * 4
    chunk = chunk_size or max(1, CHUNK_ELEMENTS // per_set)
    # The subgames are solved once for the whole batch: their cost is mostly per
    # call (and nothing when their parameters do not vary), not per set.
    effects = game_effects(scenario, ParamTable(scenario, params, months))

    def rows(v, sl):
        return np.asarray(v)[sl] if np.ndim(v) == 1 and np.size(v) > 1 else v

    parts = []
    for start in range(0, size, chunk):
        sl = slice(start, min(size, start + chunk))
        sub = {k: rows(v, sl) for k, v in params.items()}
        sub_effects = {g: {e: rows(v, sl) for e, v in es.items()} for g, es in effects.items()}
        parts.append(_evaluate_chunk(scenario, sub, month, paths, seed, sub_effects))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _first_open_month(utils: Utilities, core: _Core) -> np.ndarray:
    """First month with a ZOPA, ``-1`` if none.

    Month 0 for all, then, for the parameter sets still closed, the later months
    a block at a time (:data:`SEARCH_MONTHS`; small blocks keep the temporaries
    in cache), dropping the sets that have opened.
    """
    rbar, rest, veto = core.rbar, core.rest, core.veto
    start = intersect(*utils.month(0).acceptable(rbar[..., :1], rest[..., :1]), veto)
    first = np.where(start.exists[:, 0], 0, -1)
    months = rbar.shape[-1]
    # Only the actors with a veto somewhere decide whether a ZOPA exists.
    voters = np.flatnonzero(veto[first < 0].any(axis=0))
    line_utils = utils.line_only().for_actors(voters)

    def block(v, window, closed):  # the closed sets and the voters over the window
        v = v if v.shape[-1] == 1 else v[..., window]
        return take_sets(v if v.shape[1] == 1 else v[:, voters], closed)

    for t0 in range(1, months, SEARCH_MONTHS):
        closed = np.flatnonzero(first < 0)
        if not closed.size:
            break
        window = slice(t0, min(months, t0 + SEARCH_MONTHS))
        sub = line_utils.months(window).subset(closed)
        bounds = sub.acceptable(block(rbar, window, closed), block(rest, window, closed))
        exists = zopa_exists(*bounds, veto[closed][:, voters])
        opened = exists.any(axis=1)
        first[closed[opened]] = t0 + np.argmax(exists[opened], axis=1)
    return first


def _evaluate_chunk(
    scenario: Scenario, overrides, month: int, paths: int, seed, effects=None
) -> dict:
    """``evaluate`` for one chunk: the ZOPA at ``month`` only (and its first month)."""
    core = _core(scenario, overrides, paths, seed, effects, neutral=False)
    utils = core.utils
    rest = at_month(core.rest, month)[..., None]
    now = utils.month(month).acceptable(core.rbar[..., month : month + 1], rest)
    z = intersect(*now, core.veto)
    z = ZopaArrays(*(getattr(z, f)[..., 0] for f in ZopaArrays.__dataclass_fields__))
    sol = _solutions_at(scenario, core, z, month)
    out = {
        "zopa_exists": z.exists,
        "zopa_lo_km2": z.lo,
        "zopa_hi_km2": z.hi,
        "zopa_width_km2": np.where(z.exists, z.hi - z.lo, 0.0),
        "zopa_gap_km2": z.gap,
        "binding": z.binding_mask(),
        "nash_km2": sol["nash"],
        "ks_km2": sol["kalai_smorodinsky"],
        "rubinstein_km2": sol["rubinstein"],
        "unanimity_km2": sol["unanimity"],
        "first_open_month": _first_open_month(utils, core),
    }
    for a, key in enumerate(scenario.actors):
        out[f"reservation_{key}"] = core.rbar[:, a, month]
    return out


# -- one scenario -----------------------------------------------------------


def _names(bitmask: int, actors: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(a for i, a in enumerate(actors) if bitmask >> i & 1)


def _zopa_at(z: ZopaArrays, actors, t: int, b: int = 0) -> Zopa:
    exists = bool(z.exists[b, t])
    refusing = tuple(a for i, a in enumerate(actors) if z.refuses[b, i, t])
    if refusing:
        binding = refusing
    else:
        binding = (actors[z.lo_actor[b, t]], actors[z.hi_actor[b, t]])
    return Zopa(exists, float(z.lo[b, t]), float(z.hi[b, t]), binding, float(z.gap[b, t]))


def _reference_lines(scenario: Scenario) -> tuple[dict[str, float], dict[str, str]]:
    lines = {k: float(scenario.reference_line_km2(k)) for k in scenario.model.territory.lines}
    labels = {k: v.label for k, v in scenario.model.territory.lines.items()}
    return lines, labels


def _colors(scenario: Scenario) -> dict[str, str]:
    okabe_ito = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
    return {
        a: (spec.color or okabe_ito[i % len(okabe_ito)])
        for i, (a, spec) in enumerate(scenario.model.actors.items())
    }


def solve(
    scenario: Scenario | str = "baseline",
    month: int | str | None = None,
    *,
    paths: int = 0,
    seed: int | None = None,
) -> SolveResult:
    """Solve one scenario at one month (default: its date).

    Returns the reservation values, each actor's acceptable lines, the ZOPA
    (or why it is empty), the solution concepts' lines, and every named deal's
    verdict per actor -- with a plain-words explanation (:mod:`sim.explain`).
    """
    from sim.explain import explain_solve

    scenario = load_scenario(scenario)
    t = 0 if month is None else (scenario.month_index(month) if isinstance(month, str) else month)
    if not 0 <= t <= scenario.horizon:
        raise ParameterError(f"month: {t} is outside 0..{scenario.horizon}")
    comp = compute(scenario, month=t, paths=paths, seed=seed)
    actors = scenario.actors
    inv = comp.inv_annuity[0, :, t]
    rbar = comp.rbar[0, :, t]
    refs, ref_labels = _reference_lines(scenario)
    deals, deal_lines, deal_labels = {}, {}, {}
    for key, d in comp.deals.items():
        deal_lines[key] = float(d["line_km2"][0])
        deal_labels[key] = scenario.model.deals[key].label
        deals[key] = {
            a: DealVerdict(
                float(d["utility"][0, i]),
                float(rbar[i]),
                float(d["margin"][0, i]),
                bool(d["accepts"][0, i]),
                bool(d["veto"][0, i]),
            )
            for i, a in enumerate(actors)
        }
    result = SolveResult(
        scenario=scenario.name,
        month=scenario.month_label(t),
        actors=actors,
        actor_labels={a: s.label for a, s in scenario.model.actors.items()},
        actor_colors=_colors(scenario),
        veto_players=tuple(a for i, a in enumerate(actors) if comp.veto[0, i]),
        reservation={a: float(rbar[i]) for i, a in enumerate(actors)},
        reservation_value={
            a: float(rbar[i] / inv[i]) if inv[i] > 0 else float("inf") for i, a in enumerate(actors)
        },
        acceptable={
            a: (float(comp.lo[0, i, t]), float(comp.hi[0, i, t])) for i, a in enumerate(actors)
        },
        zopa=_zopa_at(comp.zopa, actors, t),
        solutions={k: float(v[0]) for k, v in comp.solutions.items()},
        deals=deals,
        deal_lines=deal_lines,
        deal_labels=deal_labels,
        reference_lines=refs,
        reference_labels=ref_labels,
        total_km2=float(comp.table["territory.total_km2"][0]),
        status_quo_km2=float(comp.line[0, t]),
        settings={d: float(comp.table[f"dimensions.{d}.setting"][0]) for d in scenario.dimensions},
    )
    neutral = _zopa_at(comp.zopa_neutral, actors, t)
    commitment = {
        key: Commitment(
            *(float(d["commitment"][f][0]) for f in ("p", "p_next", "delta", "cost_a", "cost_b")),
            bool(d["commitment"]["war_inevitable"][0]),
        )
        for key, d in comp.deals.items()
        if "commitment" in d
    }
    result = replace(result, neutral_zopa=neutral, commitment=commitment)
    return _with_explanation(result, explain_solve(scenario, result, neutral))


def _with_explanation(result, lines):
    return replace(result, explanation=tuple(lines))


def timeline(
    scenario: Scenario | str = "baseline", *, paths: int = 0, seed: int | None = None
) -> Timeline:
    """The ZOPA month by month along the expected no-deal path (ripeness)."""
    from sim.explain import explain_timeline

    scenario = load_scenario(scenario)
    comp = compute(scenario, paths=paths, seed=seed, with_deals=False)
    actors = scenario.actors
    months = tuple(scenario.month_label(t) for t in range(scenario.horizon + 1))
    z = comp.zopa
    exists = z.exists[0]
    side_a = actors.index(scenario.model.war.sides[0])
    bounds = {a: (comp.lo[0, i], comp.hi[0, i]) for i, a in enumerate(actors)}
    convergence = {
        a: comp.lo[0, side_a] - comp.hi[0, i] for i, a in enumerate(actors) if i != side_a
    }
    windows, start = [], None
    for t, e in enumerate(exists):
        if e and start is None:
            start = t
        if start is not None and (not e or t == len(exists) - 1):
            windows.append((months[start], months[t if e else t - 1]))
            start = None
    events = tuple(
        (scenario.month_label(scenario.event_month(ev.date)), ev.label)
        for ev in scenario.model.events.values()
        if 0 <= scenario.event_month(ev.date) <= scenario.horizon
    )
    refs, ref_labels = _reference_lines(scenario)
    result = Timeline(
        scenario=scenario.name,
        months=months,
        line_km2=comp.line[0],
        exists=exists,
        lo_km2=z.lo[0],
        hi_km2=z.hi[0],
        binding=tuple(_names(int(m), actors) for m in z.binding_mask()[0]),
        reservation={a: comp.rbar[0, i] for i, a in enumerate(actors)},
        bounds=bounds,
        convergence=convergence,
        events=events,
        windows=tuple(windows),
        first_open=months[int(np.argmax(exists))] if exists.any() else None,
        actor_labels={a: s.label for a, s in scenario.model.actors.items()},
        actor_colors=_colors(scenario),
        total_km2=float(comp.table["territory.total_km2"][0]),
        reference_lines=refs,
        reference_labels=ref_labels,
        regions_km2=regions_km2(scenario, comp.line[0]),
        **_tempo(scenario, comp),
    )
    return _with_explanation(result, explain_timeline(scenario, result))


def _tempo(scenario: Scenario, comp: Computation) -> dict:
    """The timeline's tempo fields: the seasonal pace and the domestic turn's chance."""
    pace = seasonal_factors(scenario, comp.table)[:, 0]
    turn = scenario.model.war.domestic_turn
    return {
        "front_pace": None if np.all(pace == 1.0) else pace,
        "turn_probability": None if turn is None else comp.turned[0],
        "turn_side": None if turn is None else turn.side,
    }


def regions_km2(scenario: Scenario, lines: np.ndarray) -> dict[str, np.ndarray]:
    """km2 held by the first war side in each region for each total line in ``lines``."""
    regions = scenario.model.territory.regions
    area = {r: scenario.get(f"territory.regions.{r}.area_km2") for r in regions}
    out = {r: np.empty(len(lines)) for r in regions}
    for t, line in enumerate(np.asarray(lines, float)):
        shares = scenario.region_control(float(line))
        for r, spec in regions.items():
            out[r][t] = shares[spec.map_name or r] * area[r]
    return out


def line_utilities(scenario: Scenario, lines: np.ndarray, month: int = 0) -> dict[str, np.ndarray]:
    """Each actor's utility per month of a deal at each line of ``lines`` (other terms at
    their scenario settings), ``u_i(l, y) = w_i,line * (1 - (|l - theta_i| / s) ** rho_i) +
    u_i,rest(y)`` (see :mod:`sim.kernels.utility`)."""

    comp = compute(scenario, month=month, with_deals=False)
    utils = comp.utils
    lines = np.asarray(lines, dtype=float)
    out = {}
    for i, actor in enumerate(scenario.actors):
        out[actor] = (
            at_month(utils.weight[LINE], month)[0, i]
            * term(
                lines,
                at_month(utils.ideal[LINE], month)[0, i],
                utils.span[LINE][0, 0, 0],
                at_month(utils.curvature[LINE], month)[0, i],
            )
            + at_month(comp.rest, month)[0, i]
        )
    return out


__all__ = ["LINE", "compute", "evaluate", "line_utilities", "solve", "timeline"]
