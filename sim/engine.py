"""The engine's entry points: ``evaluate`` (a batch), ``solve`` (one month), ``timeline``.

All three run one pipeline, top to bottom; the one-scenario case is the batch of one:

1. :func:`sim.model.batch.build_batch` -- the typed batch (overrides validated as
   the file is, dated events resolved, discount factors computed);
2. :func:`game_effects` -- the subgames' equilibria (:mod:`sim.games`), which set
   levers of the war;
3. :func:`sim.kernels.war.simulate` -- the no-deal war path for each actor's beliefs
   and the neutral one;
4. :func:`sim.kernels.flows.war_flows` -- each actor's monthly war flow;
5. :func:`sim.kernels.reservation.reservation` -- reservation utilities by backward
   recursion;
6. :mod:`sim.kernels.zopa` -- acceptable intervals, the ZOPA month by month;
7. :func:`sim.kernels.solutions.solutions` -- the lines of the bargaining solutions;
8. :mod:`sim.kernels.deals` -- the named deals: each actor's margin
   ``u_i(deal) - rbar_i`` (a pause is valued by re-running steps 3-5 with the pause).

The kernels are pure array functions; this module chooses what to compute, in
chunks of parameter sets, and turns arrays into result objects (:mod:`sim.results`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from sim.errors import ParameterError, ScenarioError
from sim.kernels.deals import (
    PowellInputs,
    exchange_rates,
    line_slope,
    powell_commitment,
    settlement_utility,
)
from sim.kernels.durability import (
    deal_hazard,
    durable_rest,
    durable_value,
    expected_duration,
    relapse_weight,
)
from sim.kernels.flows import FlowInputs, Flows, war_costs, war_flows
from sim.kernels.patrons import (
    bloc_effects,
    china_fallback,
    europe_budget,
    ladder_effects,
    ladder_war,
    us_pressure,
)
from sim.kernels.ratification import AUDIENCE, line_limits, ratification
from sim.kernels.regimes import exit_hazards, indicators, mix, occupancy
from sim.kernels.regimes import stress as regime_stress
from sim.kernels.reservation import (
    frozen_conflict_charge,
    inverse_annuity,
    reservation,
    reservation_discounted,
)
from sim.kernels.solutions import SOLUTION_CONCEPTS, SolutionInputs, solutions
from sim.kernels.utility import (
    acceptable,
    at_month,
    line_part,
    rest_part,
    reverse_axes,
    take_sets,
    term,
)
from sim.kernels.war import (
    Draws,
    Pause,
    WarPath,
    capacity_parts,
    escalation_probability,
    simulate,
)
from sim.kernels.zopa import (
    ZopaArrays,
    first_open_month_blocked,
    first_open_month_deferred,
    intersect,
    veto_mask,
)
from sim.model.batch import Batch, DealParams, build_batch, check_overrides, game_configs
from sim.model.scenario import LINE, Scenario, load_scenario
from sim.results import Commitment, DealDurability, DealVerdict, SolveResult, Timeline, Zopa

#: Array elements per internal chunk (sets x months x (actors + 1) x paths, the paths
#: capped at PATH_CHUNK): the number of sets in a chunk is this divided by the rest.
#: Session 5: 16e6 (about 10,900 baseline sets a chunk) rather than 8e6: each chunk has a
#: fixed cost of 35-55 ms (the patrons' games, the batch), so `evaluate(forecast=False)` runs
#: 1.3-1.7x faster on the near design (no change on the wide one or with the forecast), for
#: about 11% more peak memory (22,000 wide sets with the forecast: 2.4 -> 2.7 GB).
CHUNK_ELEMENTS = 16_000_000
PATH_CHUNK = 100


@dataclass(frozen=True)
class Paths:
    """How the war path is computed: ``count`` Monte Carlo paths (0: the deterministic
    mean-field path) drawn from ``seed``."""

    count: int = 0
    seed: int | None = None


# -- the pipeline's steps ------------------------------------------------------


def game_effects(games: dict, name: str = "") -> dict[str, dict[str, np.ndarray]]:
    """Solve the subgames (``Batch.games``) for every parameter set (see :mod:`sim.games`)."""
    if not games:
        return {}
    from sim.games import evaluate_subgames

    try:
        return evaluate_subgames(games)
    except (KeyError, ValueError, ParameterError) as exc:
        raise ScenarioError(f"{name}: games: {exc}") from None


def patron_effects(batch: Batch, effects: dict, ladder: Any = None) -> dict:
    """The subgames' effects and the patrons' (issue 19, :mod:`sim.kernels.patrons`):
    the US's dated strategy ``(B, T)``, the escalation ladder's expectations, the bloc
    game's outcome, Europe's
    budget ``(B, T)`` (which reads the alignment game's effects) and China's fallback
    ``(B, T)`` (which answers the US's strategy).  ``ladder``: the solved ladder, if the
    caller has it already (:func:`sim.kernels.patrons.ladder_war`)."""
    pressure = us_pressure(batch)
    if pressure is not None:
        effects = {**effects, "us_pressure": pressure}
    ladder = ladder_war(batch) if ladder is None else ladder
    if ladder is not None:
        effects = {**effects, "ladder": ladder_effects(ladder)}
    blocs = bloc_effects(batch)
    if blocs is not None:
        effects = {**effects, "blocs": blocs}
    budget = europe_budget(batch, effects)
    if budget is not None:
        effects = {**effects, "europe_budget": budget}
    china = china_fallback(batch, effects)
    if china is not None:  # China's purchases absorb part of the US pressure on Russia's oil
        pressure = {**effects["us_pressure"], "russia_kept": china.pop("russia_kept")}
        effects = {**effects, "us_pressure": pressure, "china_fallback": china}
    return effects


@dataclass(frozen=True)
class _War:
    """What every war run shares: the batch, the subgames' effects and the capacities."""

    batch: Batch
    effects: dict
    parts: tuple
    escalation: np.ndarray
    ladder: Any = None  # the escalation ladder's discrete endings (issue 19), or None

    @classmethod
    def of(cls, batch: Batch, effects: dict) -> _War:
        ladder = ladder_war(batch)
        effects = patron_effects(batch, effects, ladder)
        parts = _capacities_once(batch, effects)
        if parts is None:
            parts = tuple(capacity_parts(s, effects, batch.size) for s in batch.war.capacity)
        escalation = escalation_probability(effects, batch.size, np)
        return cls(batch, effects, parts, escalation, ladder)

    def flows(self, biases, paths: Paths, pause: Pause | None = None, spread: bool = True):
        """Path-averaged flows; and the deterministic path itself (None with Monte Carlo).
        ``spread`` False: flows that every set shares may come back with a batch of one
        (:meth:`_flows_once`), which :func:`reservation_discounted` broadcasts."""
        if paths.count <= 0:
            if self.batch.size > 1 and _same_sets(self, biases, pause):
                return self._flows_once(biases, pause, spread)
            path = simulate(self.batch.war, self.parts, biases, pause)
            costs = self._costs(path, pause)
            return self._tail(war_flows(self._inputs(), path, costs), costs), path
        chunks = np.random.SeedSequence(paths.seed).spawn(-(-paths.count // PATH_CHUNK))
        total = None
        for k, ss in enumerate(chunks):
            m = min(PATH_CHUNK, paths.count - k * PATH_CHUNK)
            rng = np.random.default_rng(ss)
            months = self.batch.months
            draws = Draws(
                rng.standard_normal((m, months)), rng.random((m, months)), rng.random((m, months))
            )
            draws = self._ladder_draws(draws, rng, m)
            path = simulate(self.batch.war, self.parts, biases, pause, draws)
            costs = self._costs(path, pause, draws)
            part = self._tail(war_flows(self._inputs(), path, costs), costs)
            part = part.scaled(m / paths.count)
            total = part if total is None else total + part
        return total, None

    def _flows_once(self, biases, pause: Pause | None, spread: bool = True, shared=None):
        """The deterministic flows and path when every parameter set has the same war
        (:func:`_same_sets`, e.g. a sweep of the discount rates): computed for the first
        set and copied to the others, in the layouts the recursions expect.  The war path
        and the flows are computed set by set, so the copies are the values each set would
        get; the frozen conflict's tail (:meth:`_tail`) reads the discount factors and is
        applied to the whole batch.  ``shared``: this war's path for every set, computed
        before (a regime's :class:`_SharedWar`): its first set is not simulated again."""
        one = _first_set(self)
        gains = None if pause is None else tuple(_first(g) for g in pause.gains)
        pause1 = None if pause is None else replace(pause, gains=gains)
        if shared is None:
            path = simulate(one.batch.war, one.parts, biases[:1], pause1)
        else:
            path = WarPath(
                *(_first(x) for x in (shared.line, shared.share)),
                tuple(_first(c) for c in shared.capacity),
                *(_first(x) for x in (shared.grid, shared.turned, shared.broke, shared.drift)),
            )
        costs = one._costs(path, pause1)
        flows = war_flows(one._inputs(), path, costs)
        size = self.batch.size
        rev = (2, 1, 0)  # (B, n, T) views of (T, n, B) storage
        neutral, t_neutral = flows.neutral, flows.terminal_neutral
        if spread:  # writable copies: the recursions may write over the flows
            flows = Flows(
                _tile(flows.own, size, rev),
                None if neutral is None else _tile(neutral, size, rev),
                _tile(flows.terminal_own, size, (1, 0)),
                None if t_neutral is None else _tile(t_neutral, size, (1, 0)),
            )
        path = WarPath(
            *(_spread(x, size) for x in (path.line, path.share)),
            tuple(_spread(c, size) for c in path.capacity),
            *(_spread(x, size) for x in (path.grid, path.turned, path.broke, path.drift)),
        )
        last = np.broadcast_to(costs[..., -1:], (size, *costs.shape[1:-1], 1))
        return self._tail(flows, last), path

    def _ladder_draws(self, draws: Draws, rng, m: int) -> Draws:
        """Each path's ending of the escalation ladder, drawn after the other draws (so
        that they stay as they were): whole rungs per path (issue 19)."""
        if self.ladder is None:
            return draws
        cap, esc = self.ladder.offsets(rng.random(m))
        offsets = tuple(cap if i == self.ladder.side else None for i in range(2))
        return replace(draws, capacity_offset=offsets, escalation_offset=esc)

    def _tail(self, flows: Flows, costs) -> Flows:
        """Issue 17, no free stop: the frozen conflict's monthly charge on the terminal
        utilities (:func:`sim.kernels.reservation.frozen_conflict_charge`)."""
        s = self.batch.settlement
        if s is None or s.tail_share is None:
            return flows
        cost_end = np.mean(costs[..., -1], axis=1)  # (B, n), over the paths
        delta_end = self.batch.discounting.delta[..., -1]
        charge = frozen_conflict_charge(
            cost_end, s.tail_share, s.tail_relapse, s.tail_exit, delta_end
        )
        neutral = flows.terminal_neutral
        return Flows(
            flows.own,
            flows.neutral,
            flows.terminal_own - charge,
            None if neutral is None else neutral - charge,
        )

    def _costs(self, path, pause=None, draws: Draws | None = None):
        b = self.batch
        escalation = self.escalation
        if draws is not None and draws.escalation_offset is not None:
            escalation = escalation[:, None] + draws.escalation_offset
        return war_costs(b.costs, b.war.turn, path.turned, escalation, pause)

    def _inputs(self) -> FlowInputs:
        b = self.batch
        return FlowInputs(b.prefs, b.terms.no_deal, b.terminal, b.costs.terminal)


def _first(x):
    """The first parameter set of a batched array (axis 0), or ``x`` itself (a scalar)."""
    return x[:1] if getattr(x, "ndim", 0) else x


def _same_rows(x, axis: int = 0) -> bool:
    """Whether every parameter set (along ``axis``) of ``x`` has the values of the first."""
    if getattr(x, "ndim", 0) == 0 or x.shape[axis] <= 1 or x.strides[axis] == 0:
        return True
    first = x[(slice(None),) * axis + (slice(0, 1),)]
    return bool(np.all(x == first))  # NaN: not the same, the safe answer


def _batched(obj):
    """Every array in a batch part (dataclasses, dicts, tuples), batch axis first."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _batched(v)
    elif isinstance(obj, tuple | list):
        for v in obj:
            yield from _batched(v)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            yield from _batched(getattr(obj, name))


def _same_sets(war: _War, biases, pause: Pause | None) -> bool:
    """Whether every parameter set has the same deterministic war and war flows: the same
    war parameters, capacities, beliefs, costs, escalation, preferences, no-deal terms and
    terminal (everything :meth:`_War.flows` reads but the discount factors).  Stops at the
    first array that differs (one pass over it)."""
    b = war.batch
    checks = [(b.war.season, 1), *((c, 1) for c in b.costs.base + b.costs.escalation)]
    rest = (
        replace(b.war, season=None),
        war.parts,
        biases,
        war.escalation,
        b.costs.terminal,
        b.prefs,
        b.terms.no_deal,
        b.terminal,
        None if pause is None else pause.gains,
    )
    checks += [(x, 0) for x in _batched(rest)]
    return all(_same_rows(x, axis) for x, axis in checks)


def _first_set(war: _War) -> _War:
    """A :class:`_War` of the first parameter set alone: what :meth:`_War.flows` reads
    for the deterministic path (the war, the costs, the flows' inputs), the rest as is."""
    b = war.batch
    costs = b.costs
    costs = replace(
        costs,
        base=tuple(c[:, :1] for c in costs.base),
        escalation=tuple(c[:, :1] for c in costs.escalation),
        terminal=_first(costs.terminal),
    )
    one = replace(
        b,
        size=1,
        war=replace(b.war.map_arrays(_first), season=b.war.season[:, :1]),
        costs=costs,
        prefs=b.prefs.map(_first),
        terms=replace(b.terms, no_deal={d: _first(v) for d, v in b.terms.no_deal.items()}),
        terminal=b.terminal.map_arrays(_first),
    )
    parts = tuple(tuple(_first(p) for p in side) for side in war.parts)
    return replace(war, batch=one, parts=parts, escalation=_first(war.escalation))


def _spread(x, size: int):
    """``x`` of one parameter set (batch axis 0 of length 1) as ``size`` sets: a read-only
    broadcast view (nothing writes into a war path)."""
    return np.broadcast_to(x, (size, *x.shape[1:]))


def _capacities_once(batch: Batch, effects: dict):
    """:func:`sim.kernels.war.capacity_parts` of the first parameter set, spread over the
    batch as read-only views, when every set has the same capacity sources and game
    effects (the parts are computed set by set: the same values); None otherwise."""
    size = batch.size
    if size <= 1 or not all(_same_rows(x) for x in _batched((batch.war.capacity, effects))):
        return None
    one = {g: {e: _first(v) for e, v in es.items()} for g, es in effects.items()}
    out = []
    for side in batch.war.capacity:
        sources = tuple(s.map_arrays(_first) for s in side)
        out.append(tuple(_spread(p, size) for p in capacity_parts(sources, one, 1)))
    return tuple(out)


def _tile(x, size: int, storage: tuple[int, ...]):
    """``x`` of one parameter set (batch axis 0 of length 1) copied to ``size`` sets, in
    memory laid out as ``permute_dims(x, storage)`` (the order the kernels stored it in)."""
    stored = np.permute_dims(x, storage)
    shape = list(stored.shape)
    shape[storage.index(0)] = size
    out = np.empty(shape, dtype=x.dtype)
    out[...] = stored
    return np.permute_dims(out, tuple(np.argsort(storage)))


@dataclass
class Computation:
    """Everything computed for a batch (arrays with a leading batch axis ``B``).

    ``rbar``, ``rbar_neutral`` ``(B, n, T)`` reservation utilities on each actor's own
    path and on the neutral one (None unless asked for); ``inv_annuity`` ``(B, n, T or 1)``;
    ``rest`` ``(B, n, T or 1)`` the utility of the default settings of the other
    dimensions; ``veto`` ``(B, n)``.  ``lo``, ``hi`` ``(B, n, T)`` acceptable lines and
    ``zopa``, ``zopa_neutral`` month by month, ``solutions`` at the month asked for,
    ``deals`` per named deal, and the neutral no-deal path's ``line``, ``share`` and
    ``turned`` ``(B, T)`` -- each None where not computed.
    """

    batch: Batch
    effects: dict
    rbar: np.ndarray
    rbar_neutral: np.ndarray | None
    inv_annuity: np.ndarray | None  # None from reservations(..., deferred=True)
    rest: np.ndarray
    veto: np.ndarray
    path: Any = None  # the deterministic WarPath, None with Monte Carlo
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    zopa: ZopaArrays | None = None
    zopa_neutral: ZopaArrays | None = None
    line: np.ndarray | None = None
    share: np.ndarray | None = None
    turned: np.ndarray | None = None
    solutions: dict[str, np.ndarray] | None = None
    deals: dict[str, dict[str, np.ndarray]] | None = None
    war: _War | None = None  # the capacities and effects, shared by later war runs
    # Issue 17 (durability; None when off): the default deal's ``rest`` on the neutral
    # path, the weighted line score of the status quo on each actor's own path
    # ``(B, n, T)`` and the default deal's relapse weight ``omega``.
    rest_neutral: np.ndarray | None = None
    line_score: np.ndarray | None = None
    omega: np.ndarray | None = None
    # Issue 17: each actor's status quo line on its own path ``(B, n, T)`` (None when the
    # scenario has no settlement table) and the red lines' ``(floor, cap)`` (or None).
    status_line: np.ndarray | None = None
    limits: tuple | None = None
    regimes: RegimeWorlds | None = None  # issue 17 item 5: the domestic regimes, or None
    # With ``reservations(..., deferred=True)`` (evaluate without the forecast): ``rest``
    # and ``limits`` are None and computed only where read, by this (see :class:`_Deferred`).
    deferred: _Deferred | None = None
    # the war flows of the fused recursion (evaluate without the forecast), which a
    # regime's world compares its own with (:func:`_reservation_like`); None otherwise
    flows: Flows | None = None

    def rest_at(self, month: int) -> np.ndarray:
        """``rest`` at ``month``, ``(B, n)`` (deferred or not)."""
        if self.deferred is None:
            return at_month(self.rest, month)
        return self.deferred.parts(slice(month, month + 1), with_limits=False)[0][..., 0]


@dataclass(frozen=True)
class _Deferred:
    """Issue 17's month-by-month arrays computed only for the months and parameter sets
    that are read: the default deal's durable ``rest'`` (:func:`_durable`) and the red
    lines' ``limits`` (:func:`sim.kernels.ratification.line_limits`).

    Both are element by element in the sets and the months, so a block of them equals
    the same block of the whole arrays exactly.  ``evaluate`` without the forecast reads
    one month for every set, and later months only for the sets without a ZOPA yet
    (:func:`sim.kernels.zopa.first_open_month_deferred`): most of the ``(B, n, T)``
    arrays are never needed.  ``rest`` ``(B, n, 1)`` the default terms' score,
    ``status`` ``(B, n, T)`` the status quo lines, ``q`` the default deal's hazard
    ``(B, 1, 1)`` (None: no durability).
    """

    batch: Batch
    rest: np.ndarray
    rbar: np.ndarray
    status: np.ndarray
    q: np.ndarray | None
    # the rearmament's shift of the relapse value over a window of months for some sets,
    # ``shift(window, sets)`` ``(B', n, T')`` (:func:`_rearmament_shift_block`; None: none)
    shift: Any = None
    # what ``parts`` computed for every set, by window (the month read is read several
    # times: the ZOPA, the search's first month, the solutions, the regions)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def parts(self, window: slice, sets=None, with_limits: bool = True):
        """``(rest, limits)`` over the months ``window`` for the sets ``sets`` (an index
        array, or None: all), ``(B', n, T' or 1)``; ``limits`` None without red lines.
        For every set, computed once per window (the arrays are shared: read-only)."""
        if sets is not None:
            return self._parts(window, sets, with_limits)
        key = window.indices(self.batch.months)
        got = self.memo.get((key, True))
        if got is None and not with_limits:
            got = self.memo.get((key, False))
        if got is None:
            got = self.memo[(key, with_limits)] = self._parts(window, None, with_limits)
        return got if with_limits else (got[0], None)

    def _parts(self, window: slice, sets, with_limits: bool):
        b = self.batch

        def pick(v):
            v = v if v.shape[-1] == 1 else v[..., window]
            return v if sets is None else take_sets(v, sets)

        rest = pick(self.rest)
        status = pick(self.status)
        if self.q is not None:
            prefs = b.prefs.line_only().months(window)  # line_part reads the line alone
            if sets is not None:
                prefs = prefs.map(lambda v: take_sets(v, sets))
            omega = relapse_weight(pick(b.discounting.delta), pick(self.q))
            rbar = pick(self.rbar)
            if self.shift is not None:
                rbar = rbar + self.shift(window, sets)
            rest = durable_rest(rest, rbar, line_part(prefs, status), omega)
        reds = b.settlement.red_lines
        if not (with_limits and reds):
            return rest, None
        # an audience cost is never a hard bound (line_limits skips it): left out here
        reds = tuple(r for r in reds if r.kind != AUDIENCE)
        if sets is not None:
            reds = tuple(replace(r, limit=r.limit[sets], ratify=r.ratify[sets]) for r in reds)
        named = {r.term for r in reds if r.term is not None}  # what line_limits reads
        settings = {d: pick(v) for d, v in b.terms.setting.items() if d in named}
        return rest, line_limits(reds, settings, status, status.shape[0], len(b.actors))


def reservations(
    batch: Batch,
    effects: dict,
    paths: Paths,
    neutral: bool = True,
    deferred: bool = False,
    war: _War | None = None,
) -> Computation:
    """Steps 3-5 and the deal's default terms: reservation utilities for every month.

    ``deferred``: issue 17's durable ``rest`` and red-line ``limits`` are left to
    ``comp.deferred`` (:class:`_Deferred`, computed where read; ``comp.rest``,
    ``comp.limits``, ``omega``, ``line_score`` and ``rest_neutral`` stay None) when the
    scenario has a settlement table; without ``neutral`` the inverse annuity is computed
    inside the recursion (:func:`sim.kernels.reservation.reservation_discounted`) and
    ``comp.inv_annuity`` is None.  What :func:`evaluate` without the forecast reads.
    ``war``: the war's capacities and effects when the caller has them (issue 17 regimes)."""
    war = _War.of(batch, effects) if war is None else war
    # One path variant per actor's beliefs, and the neutral one (bias 0) last.
    biases = batch.biases
    if neutral:
        biases = np.concatenate([biases, np.zeros((batch.size, 1))], axis=1)
    fused = deferred and not neutral
    flows, path = war.flows(biases, paths, spread=not fused)
    if fused:  # the annuity on the way, not stored (nothing evaluate reads needs it)
        inv = None
        rbar = _reservation_like(flows, batch, getattr(war, "base", None))
    else:
        inv = inverse_annuity(batch.discounting.delta, batch.months)
        # The flows are used only here: the recursions overwrite them.
        rbar = reservation(flows.own, flows.terminal_own, inv, out=flows.own)
    rbar_neutral = None
    if neutral:
        rbar_neutral = reservation(flows.neutral, flows.terminal_neutral, inv, out=flows.neutral)
    settings = batch.terms.setting
    rest = rest_part(batch.prefs, settings)
    veto = veto_mask(batch.terms, settings, batch.size, _veto_threshold(batch))
    if inv is not None:
        inv = np.broadcast_to(inv, rbar.shape) if inv.shape[-1] == 1 else inv
    comp = Computation(batch, war.effects, rbar, rbar_neutral, inv, rest, veto, path, war=war)
    if fused:
        comp.flows = flows  # a regime's world may share some actors' (_reservation_like)
    s = batch.settlement
    if s is not None:
        line = _status_lines(comp)
        comp.status_line = line[:, : len(batch.actors), :]
        if deferred:
            q = None if s.base_hazard is None else _hazard(batch, batch.terms.setting)
            shift = None
            if q is not None and s.rearmament is not None:  # the durable rest reads it
                capacities = _capacities(comp)  # once, not per window

                def shift(window: slice, sets, c=comp, q=q, k=capacities):
                    return _rearmament_shift_block(c, batch.terms.setting, q, window, sets, k)

            comp.deferred = _Deferred(batch, comp.rest, comp.rbar, comp.status_line, q, shift)
            comp.rest = None
            return comp
        if s.base_hazard is not None:
            _durable(comp, line, neutral)
        if s.red_lines:
            comp.limits = line_limits(
                s.red_lines, settings, comp.status_line, batch.size, len(batch.actors)
            )
    return comp


def _reservation_like(flows: Flows, batch: Batch, base: Computation | None) -> np.ndarray:
    """:func:`reservation_discounted` of ``flows``; with ``base``, a computation of the same
    batch size whose war flows and discount factors are these for some actors (a regime's
    world that changes one actor's costs: :class:`_SharedWar`), those actors' rows are
    ``base.rbar``'s (the recursion runs actor by actor: the same numbers) and the recursion
    runs for the other actors alone."""
    delta = batch.discounting.delta
    old = None if base is None else base.flows
    if old is None or not _equal(base.batch.discounting, batch.discounting):
        return reservation_discounted(flows.own, flows.terminal_own, delta)
    n = flows.own.shape[1]
    changed = [
        i
        for i in range(n)
        if not (
            _equal(flows.own[:, i], old.own[:, i])
            and _equal(flows.terminal_own[:, i], old.terminal_own[:, i])
        )
    ]
    if len(changed) == n:
        return reservation_discounted(flows.own, flows.terminal_own, delta)
    store = np.array(reverse_axes(base.rbar))  # (T, n, B), the recursion's storage
    if changed:
        part = reservation_discounted(
            flows.own[:, changed], flows.terminal_own[:, changed], delta[:, changed]
        )
        store[:, changed, :] = reverse_axes(part)
    return reverse_axes(store)


def _veto_threshold(batch: Batch):
    """Issue 17: the materiality threshold of the vetoes on terms (1e-9 when none is set)."""
    s = batch.settlement
    return 1e-9 if s is None or s.veto_threshold is None else s.veto_threshold


def _status_lines(comp: Computation) -> np.ndarray:
    """The line month by month on each actor's own deterministic path and, when computed,
    on the neutral one, ``(B, n or n + 1, T)`` (the mean-field path under Monte Carlo)."""
    batch, path = comp.batch, comp.path
    if path is None:
        biases = np.concatenate([batch.biases, np.zeros((batch.size, 1))], axis=1)
        path = simulate(batch.war, comp.war.parts, biases)
    return path.line[:, 0, :, :]


def _hazard(batch: Batch, terms: dict):
    """Issue 17: a deal's monthly hazard of renewed war for its ``terms`` (broadcasting)."""
    s = batch.settlement
    base = s.base_hazard.reshape((-1,) + (1,) * (np.ndim(next(iter(terms.values()))) - 1))
    cap = s.max_hazard.reshape(base.shape)
    ratio = {d: r.reshape(base.shape) for d, r in s.term_ratio.items()}
    return deal_hazard(base, ratio, terms, cap)


def _durable(comp: Computation, line: np.ndarray, neutral: bool) -> None:
    """Issue 17: the default deal valued over peace and relapse (:mod:`sim.kernels.durability`).

    ``comp.rest`` becomes ``rest'`` month by month; the status quo's line ``line``
    ``(B, n + 1, T)`` is read off :func:`_status_lines`.
    """
    batch = comp.batch
    n = len(batch.actors)
    # The arithmetic runs on the month-major storage (axes reversed), whose order the
    # reservation utilities and the discount factors have: a (B, n, T) view of it is
    # strided, and mixing it with C-ordered arrays costs several times the passes.
    rev = reverse_axes
    q = _hazard(batch, batch.terms.setting)  # (B, 1, T or 1)
    omega = rev(relapse_weight(rev(batch.discounting.delta), rev(q)))
    comp.omega = omega
    comp.line_score = rev(np.ascontiguousarray(rev(line_part(batch.prefs, line[:, :n, :]))))
    rest = comp.rest
    # Issue 17 (dealac): the rearmament after the deal shifts the relapse value (0: none)
    shift = _rearmament_shift(comp, batch.terms.setting, q)
    rbar = comp.rbar if shift is None else comp.rbar + shift
    comp.rest = rev(durable_rest(rev(rest), rev(rbar), rev(comp.line_score), rev(omega)))
    if neutral and comp.rbar_neutral is not None and line.shape[1] > n:
        score = rev(line_part(batch.prefs, line[:, n : n + 1, :]))
        rbar = comp.rbar_neutral if shift is None else comp.rbar_neutral + shift
        comp.rest_neutral = rev(durable_rest(rev(rest), rev(rbar), score, rev(omega)))


def solution_inputs(comp: Computation, month: int) -> SolutionInputs:
    """What the bargaining solutions read at ``month``."""
    b = comp.batch
    return SolutionInputs(
        prefs=b.prefs.month(month),
        rbar=comp.rbar[..., month],
        rest=comp.rest_at(month),
        veto=comp.veto,
        power=at_month(b.bargaining.power, month),
        recognition=at_month(b.bargaining.recognition, month),
        rate=b.discounting.rate_at(month),
        round_months=b.bargaining.round_months,
        sides=b.bargaining.sides,
        a_first=b.bargaining.a_first,
    )


def compute(
    scenario: Scenario,
    overrides: Mapping[str, Any] | None = None,
    *,
    month: int = 0,
    paths: Paths = Paths(),
    with_deals: bool = True,
) -> Computation:
    """Run the whole model for a batch of parameter sets (no chunking), every month."""
    batch = build_batch(scenario, overrides)
    comp = reservations(batch, game_effects(batch.games, scenario.name), paths)
    if batch.regimes is not None:
        comp.regimes = regime_worlds(scenario, comp, overrides, paths)
    comp.lo, comp.hi = acceptable(batch.prefs, comp.rbar, comp.rest, comp.limits)
    comp.zopa = intersect(comp.lo, comp.hi, comp.veto)
    rest_neutral = comp.rest if comp.rest_neutral is None else comp.rest_neutral
    comp.zopa_neutral = intersect(
        *acceptable(batch.prefs, comp.rbar_neutral, rest_neutral, comp.limits), comp.veto
    )
    comp.solutions = solutions(comp.zopa.at(month), solution_inputs(comp, month))
    neutral = comp.path
    if neutral is None:
        # The expected (mean-field) path, for display: Monte Carlo flows average over draws.
        neutral = simulate(batch.war, comp.war.parts, np.zeros((batch.size, 1)))
    comp.line = neutral.line[:, 0, -1, :]  # the last belief variant has bias 0
    comp.share, comp.turned = neutral.share[:, 0, :], neutral.turned[:, 0, :]
    comp.deals = {}
    if with_deals:
        comp.deals = {d.key: _deal(comp, d, month, paths) for d in batch.deals}
    return comp


def _deal(comp: Computation, deal: DealParams, month: int, paths: Paths) -> dict:
    """One named deal's utility, margin and veto players for every actor."""
    batch = comp.batch
    veto = veto_mask(batch.terms, deal.terms, batch.size, _veto_threshold(batch))
    out: dict[str, Any] = {"line_km2": deal.line, "veto": veto}
    if deal.kind == "pause":
        sides = batch.sides
        pause = Pause(month, deal.pause_months, tuple(deal.gains.get(s, 0.0) for s in sides))
        flows, _ = comp.war.flows(batch.biases, paths, pause)
        utility = reservation(flows.own, flows.terminal_own, comp.inv_annuity)[..., month]
        out["commitment"] = powell_commitment(_powell_inputs(comp.war, pause))
    else:
        utility = settlement_utility(batch.prefs, deal, month)
        if comp.line_score is not None:
            utility = _durable_deal(comp, deal, month, utility, out)
    out["utility"] = utility
    out["margin"] = utility - comp.rbar[..., month]
    out["accepts"] = out["margin"] >= -1e-12
    if deal.kind != "pause" and comp.status_line is not None and batch.settlement.red_lines:
        _red_line_verdicts(comp, deal, month, out)
    return out


def _red_line_verdicts(comp: Computation, deal: DealParams, month: int, out: dict) -> None:
    """Issue 17: a deal that crosses an actor's red line is accepted only if ratified
    (:mod:`sim.kernels.ratification`); ``accepts`` becomes unconditional acceptance and
    ``if_ratified`` the probability of ratification where the acceptance is conditional
    (NaN elsewhere)."""
    batch = comp.batch
    terms = {d: np.asarray(v, float) for d, v in deal.terms.items()}
    line = np.asarray(deal.line, float)
    hit, p = ratification(
        batch.settlement.red_lines,
        terms,
        line,
        comp.status_line[..., month],
        len(batch.actors),
        deal=deal.key,
    )
    willing = out["accepts"]
    out["accepts"] = willing & ~hit
    out["if_ratified"] = np.where(willing & hit & (p > 0), p, np.nan)


def _durable_deal(comp: Computation, deal: DealParams, month: int, utility, out: dict):
    """Issue 17: a settlement's value over peace and relapse at ``month``; records its
    hazard, expected duration and each actor's relapse weight in ``out``."""
    batch = comp.batch
    q = _hazard(batch, {d: np.asarray(v, float) for d, v in deal.terms.items()})  # (B,)
    omega = relapse_weight(at_month(batch.discounting.delta, month), q[:, None])
    line = np.asarray(deal.line, float)[:, None, None]
    relapse = (
        comp.rbar[..., month]
        + at_month(line_part(batch.prefs, line), month)
        - comp.line_score[..., month]
    )
    out["hazard"] = q
    out["expected_months"] = expected_duration(q)
    out["relapse_share"] = omega
    out["utility_peace"] = utility
    shift = _rearmament_shift(comp, deal.terms, q, month)  # issue 17 (dealac)
    if shift is None:
        return durable_value(utility, relapse, omega)
    out["rearmament_shift"] = shift
    slope = line_slope(batch.prefs.month(month), comp.status_line[..., month])
    safe = np.where(slope > 0, slope, 1.0)
    out["rearmament_km2"] = np.where(slope > 0, omega * shift / safe, np.nan)
    return durable_value(utility, relapse + shift, omega)


def _capacities(comp: Computation) -> tuple[np.ndarray, np.ndarray]:
    """The war sides' capacities month by month on the deterministic path, ``(B, T)`` each
    (the capacities do not depend on the beliefs, which move only the line)."""
    path = comp.path
    if path is None:
        path = simulate(comp.batch.war, comp.war.parts, np.zeros((comp.batch.size, 1)))
    return path.capacity[0][:, 0, :], path.capacity[1][:, 0, :]


def _rearmament_shift(comp: Computation, terms: dict, q, month: int | None = None):
    """Issue 17 (dealac): the shift of each actor's relapse value from the rearmament after
    a deal (:mod:`sim.kernels.rearmament`), ``(B, n, T)`` for terms and hazard ``q`` of every
    month (``(B, 1, T or 1)``), ``(B, n)`` at ``month`` (terms and ``q`` ``(B,)``: the
    one-month window of :func:`_rearmament_shift_block`); None when the scenario has no
    rearmament."""
    from sim.kernels import rearmament as rm

    batch = comp.batch
    r = batch.settlement.rearmament
    if r is None:
        return None
    if month is not None:
        y = {d: np.asarray(v, float).reshape(-1, 1, 1) for d, v in terms.items()}
        q1 = np.asarray(q, float).reshape(-1, 1, 1)
        window = slice(month, month + 1)
        return _rearmament_shift_block(comp, y, q1, window, None, _capacities(comp))[..., 0]
    prefs, war, s = batch.prefs, batch.war, batch.settlement
    ka, kb = _capacities(comp)
    scale = war.scale * np.mean(war.season[:12], axis=0)[:, None]  # a year's mean season
    exit_hazard = 0.0 if s.tail_exit is None else s.tail_exit  # (B, 1)
    w, theta = prefs.weight[LINE], prefs.ideal[LINE]
    rho, span = prefs.curvature[LINE], prefs.span[LINE]
    delta = batch.discounting.delta
    # every month: (B, 1, T) per side, (B, n, T) per actor
    ka, kb, scale = ka[:, None, :], kb[:, None, :], scale[:, None, :]
    exit_hazard = exit_hazard if np.ndim(exit_hazard) == 0 else exit_hazard[:, :, None]
    limit = {d: v[:, 0, :][:, None, :] for d, v in terms.items()}
    status = comp.status_line
    caps = tuple(
        c[:, None, None] if d is None else rm.ceiling(c[:, None, None], limit[d])
        for c, d in zip(r.ceiling, r.capped_by, strict=True)
    )
    rates = tuple(g[:, None, None] for g in r.rate)
    support = None  # who fights on each side's side in the renewed war (the guarantors)
    if r.support:
        support = tuple(
            h[:, None, None] * (1.0 if d is None else np.clip(limit[d], 0.0, 1.0))
            for h, d in zip(r.support, r.support_by, strict=True)
        )
    # the arithmetic on the month-major storage (axes reversed), as _durable
    rev = reverse_axes
    ka, kb, scale, q, delta = rev(ka), rev(kb), rev(scale), rev(q), rev(delta)
    w, theta, rho, span, status = (rev(v) for v in (w, theta, rho, span, status))
    exit_hazard = rev(exit_hazard) if np.ndim(exit_hazard) else exit_hazard
    caps, rates = tuple(rev(c) for c in caps), tuple(rev(g) for g in rates)
    support = None if support is None else tuple(rev(h) for h in support)
    slope = rm.signed_line_slope(w, theta, rho, span, status)
    value = rm.drift_value(slope, scale, delta, exit_hazard)
    return rev(rm.relapse_shift(value, (ka, kb), rates, caps, delta * (1.0 - q), support))


def _rearmament_shift_block(comp: Computation, terms: dict, q, window: slice, sets, capacities):
    """:func:`_rearmament_shift` over the months ``window`` for the parameter sets ``sets``
    (an index array, or None: all), ``(B', n, T')``: the same arithmetic, element by element,
    as the shift at one month (``month=k``) for each month of the window (so the same
    numbers), in one pass over the block.  What :class:`_Deferred` reads: the search for
    the first open month (:func:`sim.kernels.zopa.first_open_month_deferred`) reads later
    months only for the sets still without a zone.  ``terms`` and ``q`` as for every month
    (``(B, 1, T or 1)``), ``capacities`` :func:`_capacities` ``(B, T)`` per side."""
    from sim.kernels import rearmament as rm

    batch = comp.batch
    prefs, war, s = batch.prefs, batch.war, batch.settlement
    r = s.rearmament

    def pick(v):  # (B or 1, ..., T or 1) -> (B' or 1, ..., T' or 1)
        v = v if v.shape[-1] == 1 else v[..., window]
        return v if sets is None or v.shape[0] == 1 else take_sets(v, sets)

    def per_set(v):  # (B,) -> (B', 1, 1)
        return (v if sets is None else v[sets])[:, None, None]

    scale = war.scale * np.mean(war.season[:12], axis=0)[:, None]  # a year's mean season
    ka, kb, scale = (pick(v)[:, None, :] for v in (*capacities, scale))
    exit_hazard = 0.0 if s.tail_exit is None else pick(s.tail_exit)[:, :, None]
    named = {d for d in (*r.capped_by, *r.support_by) if d is not None}  # the terms read
    limit = {d: pick(v[:, 0, :])[:, None, :] for d, v in terms.items() if d in named}
    caps = tuple(
        per_set(c) if d is None else rm.ceiling(per_set(c), limit[d])
        for c, d in zip(r.ceiling, r.capped_by, strict=True)
    )
    rates = tuple(per_set(g) for g in r.rate)
    support = None  # who fights on each side's side in the renewed war (the guarantors)
    if r.support:
        support = tuple(
            per_set(h) * (1.0 if d is None else np.clip(limit[d], 0.0, 1.0))
            for h, d in zip(r.support, r.support_by, strict=True)
        )
    w, theta, rho = (pick(v[LINE]) for v in (prefs.weight, prefs.ideal, prefs.curvature))
    slope = rm.signed_line_slope(w, theta, rho, pick(prefs.span[LINE]), pick(comp.status_line))
    delta = pick(batch.discounting.delta)
    value = rm.drift_value(slope, scale, delta, exit_hazard)
    keep = 1.0 - pick(q)
    # the mean stocks read the months only through x = delta (1 - q): an actor whose
    # discount rate is not dated (a (B, 1) column) has the same x every month, so its
    # stocks are computed once and spread over the window (the same numbers)
    n = value.shape[1]
    dated = [i for i, rate in enumerate(batch.discounting.rate) if np.shape(rate)[-1] > 1]
    if delta.shape[-1] == 1 or len(dated) in (0, n):
        means = rm.mean_stocks(rates, caps, delta * keep, support)
    else:
        const = [i for i in range(n) if i not in dated]
        means = tuple(np.empty(value.shape) for _ in range(2))
        for actors, x in ((const, delta[:, const, :1] * keep), (dated, delta[:, dated] * keep)):
            for mean, part in zip(means, rm.mean_stocks(rates, caps, x, support), strict=True):
                mean[:, actors] = part
    return value * rm.exact_share_shift(ka, kb, *means)


def _powell_inputs(war: _War, pause: Pause) -> PowellInputs:
    """Read Powell's game off the neutral war path with the pause (see :mod:`sim.kernels.deals`)."""
    batch = war.batch
    month = pause.start
    a, b = batch.bargaining.sides
    path = simulate(batch.war, war.parts, np.zeros((batch.size, 1)), pause)
    end = min(month + pause.months, batch.months - 1)
    total = batch.prefs.total_km2[:, None, None]
    stake = at_month(
        np.abs(line_part(batch.prefs, total) - line_part(batch.prefs, np.zeros_like(total))), month
    )
    costs = war._costs(path)[:, 0, :, month]
    rate = batch.discounting.rate_at(month)
    return PowellInputs(
        p=path.share[:, 0, month],
        p_next=path.share[:, 0, end],
        rate=rate[:, [a, b]],
        stake=stake[:, [a, b]],
        cost=costs[:, [a, b]],
        months=pause.months,
    )


def _own_reservations(war: _War, batch: Batch, paths: Paths) -> np.ndarray:
    """``reservations(batch, effects, paths, neutral=False).rbar`` (the same bits) for a
    ``batch`` that differs from ``war.batch`` only in its beliefs (``biases``), without the
    rest of the :class:`Computation` (the deal's terms, durability, red lines), which the
    hazard's run with shifted beliefs does not read.  The war's capacities and effects do
    not depend on the beliefs (they move only the line), so ``war``'s are reused; the base
    class's run, since a :class:`_SharedWar` would reuse its own path whatever the beliefs."""
    flows, _ = _War.flows(war, batch.biases, paths)
    inv = inverse_annuity(batch.discounting.delta, batch.months)
    return reservation(flows.own, flows.terminal_own, inv, out=flows.own)


def agreement_hazard(
    comp: Computation, start: int = 0, paths: Paths = Paths(), cutoff: float | None = None
):
    """Step 9 (issue 16): the monthly hazard of agreement, the line if agreed and whether
    the perceived zone is open, ``(B, T')`` for the months ``start ..``
    (:mod:`sim.kernels.hazard`; private information and learning from the scenario's
    ``[uncertainty]``, complete information without it).  ``cutoff``: see
    :func:`sim.kernels.hazard.hazard_blocked`."""
    from sim.kernels.hazard import Perceived, hazard_blocked, hazard_inputs, zone_open
    from sim.kernels.learning import prior_weight

    b = comp.batch
    window = slice(start, b.months)
    months = np.arange(start, b.months, dtype=float)[None, :]
    u = b.uncertainty
    neutral, shifted = comp.rbar, None
    weight = np.ones((b.size, months.shape[1]))
    if u is not None:
        weight = prior_weight(u.prior_sd[:, None], u.noise_sd[:, None], months)
        moved = replace(b, biases=b.biases + u.prior_sd[:, None])
        shifted = _own_reservations(comp.war, moved, paths)[..., window]
        neutral = comp.rbar_neutral
    rest = comp.rest if comp.rest.shape[-1] == 1 else comp.rest[..., window]
    rec = b.bargaining.recognition
    rec = rec if rec.shape[-1] == 1 else rec[..., window]
    limits = None if comp.limits is None else tuple(v[..., window] for v in comp.limits)
    perceived = Perceived(
        comp.rbar[..., window], neutral[..., window], shifted, rest, weight, limits
    )
    inp = hazard_inputs(b.prefs.line_only().months(window), perceived, comp.veto, rec)
    h, line = hazard_blocked(inp, b.size, cutoff=cutoff)
    return h, line, zone_open(inp).reshape(h.shape)


def ratification_probability(comp: Computation, line, start: int = 0, months=None) -> np.ndarray:
    """Issue 17 in the forecast: the probability that the package agreed at ``line``
    ``(B, K)`` (the months ``start ..``; NaN: none agreed) is ratified, ``(B, K)``.

    Putnam's (1988) two levels: :func:`agreement_hazard` is the governments' agreement
    (level I); a package that crosses a red line with a ratification route (a Ukrainian
    referendum, :mod:`sim.kernels.ratification`) takes effect only if ratified, with the
    product over the actors of :func:`~sim.kernels.ratification.ratification`'s
    probabilities at the agreed line and the package's terms of the month.  The
    proposer does not move its offer to avoid a referendum (an approximation: a line
    within the withdrawal red line's tolerance would sometimes be worth offering).
    Ones when the scenario has no red lines.  ``months`` ``(K,)`` bool (optional): the
    months computed (ones in the others, which the caller does not read).
    """
    line = np.asarray(line, dtype=float)
    out = np.ones(line.shape)
    s = comp.batch.settlement
    if s is None or not s.red_lines:
        return out
    n = len(comp.batch.actors)
    for k in range(line.shape[1]):  # months: every step is vectorised over the sets
        if months is not None and not months[k]:
            continue
        t = start + k
        terms = {d: at_month(v, t)[:, 0] for d, v in comp.batch.terms.setting.items()}
        status = comp.status_line[..., t]
        x = np.where(np.isfinite(line[:, k]), line[:, k], status[:, 0])
        out[:, k] = ratification(s.red_lines, terms, x, status, n)[1].prod(axis=1)
    return out


def ratified_hazard(comp: Computation, start: int = 0, paths: Paths = Paths(), cutoff=None):
    """The hazard of a ceasefire that takes effect: :func:`agreement_hazard` times
    :func:`ratification_probability`, combined with the concession route of
    :func:`concession_hazard` when the scenario has ``[attrition]``
    (:func:`agreement_routes`); returns ``(h, line, zone_open, ratified)``.
    ``cutoff`` (see :func:`sim.kernels.hazard.hazard_blocked`) reads the governments'
    hazard, so it is dropped when the scenario has red lines: a package the governments
    agree on may still fail."""
    routes = agreement_routes(comp, start, paths, cutoff)
    return routes.hazard, routes.line, routes.zone_open, routes.ratified


@dataclass(frozen=True)
class Routes:
    """The routes to agreement, ``(B, K)`` over the months ``start ..``: ``hazard`` the
    combined hazard, ``line`` the line if agreed, ``zone_open`` and ``ratified`` of the
    screening route, ``screening`` its hazard (offers that can be refused, ratified) and
    ``concession`` the concession route's hazard (zeros without ``[attrition]``)."""

    hazard: np.ndarray
    line: np.ndarray
    zone_open: np.ndarray
    ratified: np.ndarray
    screening: np.ndarray
    concession: np.ndarray


def agreement_routes(
    comp: Computation, start: int = 0, paths: Paths = Paths(), cutoff=None
) -> Routes:
    """The screening route (:func:`agreement_hazard` times :func:`ratification_probability`)
    and, with ``[attrition]``, the concession route (:func:`concession_hazard`) as
    independent competing routes: ``h = h_s + h_c (1 - h_s) = 1 - (1 - h_s)(1 - h_c)``
    (written so that ``h_c = 0`` gives ``h_s`` bit for bit); the line if agreed is their
    hazard-weighted mix ``(h_s x_s + h_c x_c) / (h_s + h_c)``."""
    s = comp.batch.settlement
    if s is not None and s.red_lines:
        cutoff = None
    h, line, zone = agreement_hazard(comp, start, paths, cutoff)
    r = ratification_probability(comp, line, start)
    h_s = h * r
    if comp.batch.attrition is None:
        return Routes(h_s, line, zone, r, h_s, np.zeros_like(h_s))
    h_c, line_c = concession_hazard(comp, start)
    both = h_s + h_c
    with np.errstate(invalid="ignore", divide="ignore"):
        mixed = (np.nan_to_num(h_s * line) + np.nan_to_num(h_c * line_c)) / both
    line = np.where(h_c > 0, np.where(both > 0, mixed, np.nan), line)
    return Routes(h_s + h_c * (1.0 - h_s), line, zone, r, h_s, h_c)


def _terms_of(lo, hi, veto, ideal, k: int):
    """War side ``k``'s terms ``(B, K)``: its best line (its ideal clipped) among those
    every other veto player accepts (``lo, hi`` ``(B, n, K)``); NaN where none does."""
    veto = np.asarray(veto, bool)
    low = np.full(lo[:, 0].shape, -np.inf)
    high = np.full(lo[:, 0].shape, np.inf)
    refuses = np.zeros(lo[:, 0].shape, dtype=bool)
    for i in range(lo.shape[1]):  # a loop over the few actors, not over sets
        if i == k or not veto[:, i].any():
            continue
        v = veto[:, i, None]
        refuses |= v & np.isnan(lo[:, i])
        low = np.where(v, np.fmax(low, lo[:, i]), low)
        high = np.where(v, np.fmin(high, hi[:, i]), high)
    x = np.clip(ideal[:, k], low, high)
    return np.where(refuses | (low > high + 1e-9), np.nan, x)


def concession_hazard(comp: Computation, start: int = 0):
    """Issue 16, item 4: the concession route, ``(h_c, line_c)`` ``(B, K)`` over the months
    ``start ..`` (:mod:`sim.kernels.concession`).

    Each war side ``k``'s terms ``x_k`` are its best line among those every other veto
    player accepts, read off the same perceived bounds as the screening route (each
    actor's reservation utility with its optimism shrunk by learning,
    :func:`sim.kernels.hazard.hazard_inputs`; the red lines' hard bounds).  The cost of
    fighting is the war sides' monthly cost on the neutral (mean-field) path
    (:func:`sim.kernels.flows.war_costs`), the prize the line's utility of winning over
    losing times the annuity, the weight of attrition the front's expected drift on that
    path against ``attrition.drift_noise_sd_km2`` over ``attrition.stalemate_months``.
    A side that concedes agrees to its opponent's terms, which take effect if ratified
    (:func:`ratification_probability`, as for the screening route): ``h_c = sum_i
    P(i concedes) r(x_j)``, the line if agreed their weighted mean."""
    from sim.kernels.concession import concession, stalemate_weight
    from sim.kernels.learning import prior_weight

    b = comp.batch
    window = slice(start, b.months)
    side = b.bargaining.sides
    rbar = comp.rbar[..., window]
    if b.uncertainty is not None and comp.rbar_neutral is not None:
        months = np.arange(start, b.months, dtype=float)[None, :]
        w = prior_weight(b.uncertainty.prior_sd[:, None], b.uncertainty.noise_sd[:, None], months)
        neutral = comp.rbar_neutral[..., window]
        rbar = neutral + w[:, None, :] * (rbar - neutral)
    prefs = b.prefs.line_only().months(window)
    rest = comp.rest if comp.rest.shape[-1] == 1 else comp.rest[..., window]
    limits = None if comp.limits is None else tuple(v[..., window] for v in comp.limits)
    lo, hi = acceptable(prefs, rbar, rest, limits)
    x = [_terms_of(lo, hi, comp.veto, prefs.ideal[LINE], k) for k in side]  # x[0]: A's terms
    u = [line_part(prefs, v[:, None, :]) for v in x]  # (B, n, K) every actor at x_A, x_B
    gain = np.stack([u[0][:, side[0]] - u[1][:, side[0]], u[1][:, side[1]] - u[0][:, side[1]]], -1)
    path = comp.path  # its last variant is the neutral one when it has one per actor and one more
    if path is None or path.line.shape[2] <= len(b.actors):
        path = simulate(b.war, comp.war.parts, np.zeros((b.size, 1)))
    cost = np.mean(comp.war._costs(path), axis=1)[:, list(side), window]  # (B, 2, K)
    line = path.line[:, 0, -1, :]
    drift = np.diff(line, axis=-1, append=line[:, -1:]) if line.shape[-1] > 1 else 0 * line
    if line.shape[-1] > 1:
        drift[:, -1] = drift[:, -2]
    inv = np.broadcast_to(comp.inv_annuity, comp.rbar.shape)[:, list(side), window]
    a = b.attrition
    weight = stalemate_weight(drift[:, window], a.noise_sd[:, None], a.months[:, None])
    c = concession(np.moveaxis(cost, 1, -1), gain, np.moveaxis(inv, 1, -1), weight)
    # side A concedes: agreement at B's terms x[1]; side B concedes: at A's terms x[0]
    live = np.any(c.first > 0, axis=(0, 2))  # months in which some set may concede
    r = [ratification_probability(comp, v, start, live) for v in (x[1], x[0])]
    p = [c.first[..., 0] * r[0], c.first[..., 1] * r[1]]
    h_c = p[0] + p[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        line_c = (p[0] * np.nan_to_num(x[1]) + p[1] * np.nan_to_num(x[0])) / h_c
    return h_c, np.where(h_c > 0, line_c, np.nan)


# -- regimes (issue 17 item 5) ---------------------------------------------------


class RegimeWorlds:
    """A war side's domestic regimes (:mod:`sim.kernels.regimes`): their ``names``, their
    probabilities ``pi`` ``(B, R, T)`` (:func:`regime_probabilities`) and one
    :class:`Computation` per regime, ``comps``, its reservations with the regime's
    overrides in force from month 0 (a regime without overrides shares the scenario's own).
    Both are computed when first read, so that a caller that reads neither (the back-test's
    margins) pays nothing."""

    def __init__(self, scenario: Scenario, comp: Computation, overrides, paths: Paths):
        self.names: tuple[str, ...] = comp.batch.regimes.names
        self._args = (scenario, comp, overrides, paths)

    @cached_property
    def pi(self) -> np.ndarray:
        return regime_probabilities(self._args[1], self._args[3])

    def pi_at(self, month: int) -> np.ndarray:
        """``pi[:, :, month]`` ``(B, R)``: on the mean-field path the chain run only up to
        ``month`` (each month's probabilities depend on the months before alone: the same
        numbers), unless ``pi`` is computed already."""
        if "pi" in self.__dict__ or self._args[3].count > 0:
            return self.pi[..., month]
        done = self.__dict__.setdefault("_pi_at", {})
        if month not in done:
            done[month] = regime_probabilities(self._args[1], self._args[3], month + 1)[..., month]
        return done[month]

    @cached_property
    def comps(self) -> tuple[Computation, ...]:
        return _regime_comps(*self._args)


def regime_probabilities(
    comp: Computation, paths: Paths = Paths(), months: int | None = None
) -> np.ndarray:
    """The regimes' probabilities ``(B, R, T)``: the chain of :mod:`sim.kernels.regimes`
    driven by the stress on the no-deal path of the initial regime (the exits leave from
    it): along the mean-field path, or, with Monte Carlo ``paths``, the mean of the chain's
    indicators drawn on each path with the domestic turn's uniforms (the draws of
    :meth:`_War.flows`, so that one exit with the turn's hazard is the turn, path by path).
    ``months`` (mean-field path only): the first ``months`` months alone, ``(B, R, months)``
    (the chain runs forward: the same numbers as the whole array's first months)."""
    b = comp.batch
    turn = b.war.turn
    cut = slice(None) if months is None else slice(0, months)

    def chain(path, u=None):
        s = regime_stress(turn, path.drift, path.capacity[turn.side], path.grid)[..., cut]
        spec = b.regimes
        h = exit_hazards(spec.base[..., cut], spec.per_stress[..., cut], s)
        return occupancy(h) if u is None else indicators(h, u)

    zero = np.zeros((b.size, 1))
    if paths.count <= 0:
        path = comp.path if comp.path is not None else simulate(b.war, comp.war.parts, zero)
        return chain(path)[:, 0]
    if months is not None:
        raise ValueError("regime_probabilities: months only on the mean-field path")
    total = 0.0
    chunks = np.random.SeedSequence(paths.seed).spawn(-(-paths.count // PATH_CHUNK))
    for k, ss in enumerate(chunks):  # the draws of _War.flows, in its order
        m = min(PATH_CHUNK, paths.count - k * PATH_CHUNK)
        rng = np.random.default_rng(ss)
        draws = Draws(*(f((m, b.months)) for f in (rng.standard_normal, rng.random, rng.random)))
        draws = comp.war._ladder_draws(draws, rng, m)
        total = total + chain(simulate(b.war, comp.war.parts, zero, None, draws), draws.u_turn).sum(
            1
        )
    return total / paths.count


def regime_worlds(
    scenario: Scenario, comp: Computation, overrides: Mapping[str, Any] | None, paths: Paths
) -> RegimeWorlds:
    """The regimes of ``comp`` (the scenario must have ``[regimes]``), computed when read."""
    return RegimeWorlds(scenario, comp, overrides, paths)


def _regime_comps(
    scenario: Scenario, comp: Computation, overrides: Mapping[str, Any] | None, paths: Paths
) -> tuple[Computation, ...]:
    """Each regime's reservations: the batch rebuilt with ``overrides`` and the regime's
    own parameters on top.  The cost is one run of :func:`reservations` per regime with
    overrides."""
    spec = comp.batch.regimes
    side = scenario.model.war.domestic_turn.side
    comps = []
    for own in spec.overrides:
        if not own:
            comps.append(comp)
            continue
        # the parts that read none of the regime's parameters are the scenario's own
        world = {**(overrides or {}), **own}
        batch = build_batch(scenario, world, with_deals=False, like=comp.batch, changed=own)
        effects, war = comp.effects, None
        if any(k.startswith("games.") for k in own):
            effects = game_effects(batch.games, scenario.name)
        elif all(_leaves_war(k, side) for k in own):  # only what changes: the same war
            war = _SharedWar(
                batch, comp.war.effects, *_war_parts(comp.war), path=comp.path, base=comp
            )
        elif _same_war_inputs(batch, comp.batch):  # another path, the same capacities
            war = _War(batch, comp.war.effects, *_war_parts(comp.war))
        neutral = comp.rbar_neutral is not None
        deferred = comp.deferred is not None  # evaluate without the forecast: where read
        comps.append(reservations(batch, effects, paths, neutral, deferred, war=war))
    return tuple(comps)


def _leaves_war(path: str, side: str) -> bool:
    """A regime's parameter that leaves the no-deal war path alone: the regime's side's
    costs and preferences (not its belief about the front), the settlement's terms, and the
    old turn's cost multiplier (nothing else of the war reads the side's own parameters:
    the patrons read the US's, :func:`sim.kernels.patrons.us_pressure`)."""
    if path in ("war.domestic_turn.cost_multiplier",) or path.startswith("settlement."):
        return True
    return path.startswith(f"actors.{side}.") and not path.endswith("belief_drift_bias_km2")


def _same_war_inputs(batch: Batch, other: Batch) -> bool:
    """Whether :meth:`_War.of` would give ``batch`` what it gave ``other`` (the patrons'
    effects, the capacities, the escalation, the ladder): the same values of all it reads
    -- the patrons, the costs and discount factors (the US's strategy), the capacity
    sources (Europe's budget, the capacities) -- whatever else of the war differs (e.g.
    the breakthrough of a regime's world, which moves only the path)."""
    return (
        batch.size == other.size
        and all(
            _equal(getattr(batch, name), getattr(other, name))
            for name in ("patrons", "costs", "discounting")
        )
        and _equal(batch.war.capacity, other.war.capacity)
    )


def _equal(a, b) -> bool:
    """The same values: arrays (NaN: not equal, the safe answer), dataclasses, tuples,
    dicts and plain values, compared recursively (the same object: equal at once)."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.shape == b.shape
            and bool(np.array_equal(a, b))
        )
    if type(a) is not type(b):
        return False
    if hasattr(a, "__dataclass_fields__"):
        return all(_equal(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _war_parts(war: _War) -> tuple:
    return war.parts, war.escalation, war.ladder


@dataclass(frozen=True)
class _SharedWar(_War):
    """A regime's war that is the initial regime's own (:func:`_leaves_war`): its
    capacities and effects, and its deterministic path, are reused; only the costs and
    flows are computed again."""

    path: Any = None
    base: Any = None  # the initial regime's Computation (its flows, :func:`_reservation_like`)

    def flows(self, biases, paths: Paths, pause: Pause | None = None, spread: bool = True):
        if pause is None and paths.count <= 0 and self.path is not None:
            if self.batch.size > 1 and _same_sets(self, biases, pause):  # one set's flows
                return self._flows_once(biases, pause, spread, self.path)
            costs = self._costs(self.path)
            return self._tail(war_flows(self._inputs(), self.path, costs), costs), self.path
        return super().flows(biases, paths, pause, spread)


def regime_zopa(comp: Computation, month: int):
    """A regime's acceptable lines ``(lo, hi)`` ``(B, n)`` and its ZOPA at ``month``."""
    if comp.deferred is not None:  # evaluate without the forecast: computed here
        rest, limits = comp.deferred.parts(slice(month, month + 1))
    else:
        rest = at_month(comp.rest, month)[..., None]
        limits = None
        if comp.limits is not None:
            limits = tuple(v[..., month : month + 1] for v in comp.limits)
    lo, hi = acceptable(
        comp.batch.prefs.month(month), comp.rbar[..., month : month + 1], rest, limits
    )
    return lo[..., 0], hi[..., 0], intersect(lo, hi, comp.veto).at(0)


def regime_outcomes(comp: Computation, month: int) -> dict[str, np.ndarray]:
    """``regime_p_<name>`` and ``zopa_exists_<name>`` at ``month`` for each regime, and
    ``p_zopa_regimes``, the ZOPA's probability-weighted existence ``sum_r pi_r 1[ZOPA_r]``
    (empty without ``[regimes]``)."""
    w = comp.regimes
    if w is None:
        return {}
    out, p = {}, 0.0
    pi = w.pi_at(month)
    for r, (name, c) in enumerate(zip(w.names, w.comps, strict=True)):
        z = regime_zopa(c, month)[2]
        out[f"regime_p_{name}"] = pi[:, r]
        out[f"zopa_exists_{name}"] = z.exists
        p = p + pi[:, r] * z.exists
    out["p_zopa_regimes"] = p
    return out


def regime_hazard(comp: Computation, start: int = 0, paths: Paths = Paths(), cutoff=None):
    """:func:`ratified_hazard` mixed over the regimes, ``h(t) = sum_r pi_r(t) h_r(t)``
    (:func:`regime_routes`); returns ``(h, line, zone_open, ratified)``."""
    r = regime_routes(comp, start, paths, cutoff)
    return r.hazard, r.line, r.zone_open, r.ratified


def regime_routes(comp: Computation, start: int = 0, paths: Paths = Paths(), cutoff=None):
    """:func:`agreement_routes` mixed over the regimes (:func:`sim.kernels.regimes.mix`):
    the combined hazard and each route's hazard are each ``sum_r pi_r(t) x_r(t)``; the line
    if agreed is the mean of the regimes' lines weighted by ``pi_r h_r``; the zone is open
    where its probability is at least one half; ``ratified = h / h0`` with the governments'
    mixed hazard ``h0 = sum_r pi_r h_r / r_r``.  Without ``[regimes]``:
    :func:`agreement_routes` itself."""
    w = comp.regimes
    if w is None:
        return agreement_routes(comp, start, paths, cutoff)
    done: dict[int, Routes] = {}
    for c in w.comps:
        if id(c) not in done:
            done[id(c)] = agreement_routes(c, start, paths, cutoff)
    parts = [done[id(c)] for c in w.comps]
    pi = w.pi[..., start:]
    hs = np.stack([p.hazard for p in parts])
    h = mix(pi, hs)
    gov = np.stack(
        [
            np.where(p.ratified > 0, p.hazard / np.where(p.ratified > 0, p.ratified, 1.0), 0.0)
            for p in parts
        ]
    )
    h0 = mix(pi, gov)
    ratified = np.where(h0 > 0, h / np.where(h0 > 0, h0, 1.0), 1.0)
    lines = np.stack([p.line for p in parts])
    weight = np.where(np.isfinite(lines), np.moveaxis(pi, 1, 0) * hs, 0)
    total = weight.sum(axis=0)
    line = np.where(
        total > 0,
        (weight * np.nan_to_num(lines)).sum(axis=0) / np.where(total > 0, total, 1),
        np.nan,
    )
    zone = mix(pi, np.stack([p.zone_open for p in parts]).astype(float)) >= 0.5
    screening = mix(pi, np.stack([p.screening for p in parts]))
    concession = mix(pi, np.stack([p.concession for p in parts]))
    return Routes(h, line, zone, ratified, screening, concession)


# -- many parameter sets -------------------------------------------------------


def evaluate(  # noqa: PLR0913 -- the sweeps' entry point: the options are keyword-only
    scenario: Scenario | str,
    params: Mapping[str, Any] | None = None,
    *,
    month: int | str = 0,
    paths: int = 0,
    seed: int | None = None,
    chunk_size: int | None = None,
    forecast: bool = True,
    regions: bool = False,
    projection: bool = False,
) -> dict[str, np.ndarray]:
    """Outcomes for many parameter sets at once (the entry point of sweeps).

    Parameters
    ----------
    scenario : a Scenario or a built-in name / file path.
    params : ``{dotted path: array}``, 1-D arrays of one common length ``n`` (or scalars),
        validated with the scenario file's constraints.
    month : the month (index, or ``YYYY-MM``) at which the ZOPA is read.
    paths : Monte Carlo paths per set (0: the deterministic mean-field path).
    seed : seed of the Monte Carlo draws (the same draws for every set).
    forecast : False leaves out ``p_agreement_12m`` and ``expected_delay_months``: the
        forecast's hazard (:func:`ratified_hazard`) is most of the time of a call when the
        scenario has private information or red lines; every other outcome is unchanged.
    regions : True adds the per-region outcomes of :func:`sim.regions.regional_outcomes`
        (issue 18; :func:`sim.regions.outcome_names`); a scenario without a ``[regions]``
        table is refused.  Off by default: every other outcome is unchanged either way.
    projection : with ``regions``, True also adds ``region_<r>_lo_km2`` / ``_hi_km2``, each
        region's range over the whole zone of agreement in R^k (``solve``'s
        ``zopa.regions.<r>.lo_km2 / hi_km2``; :func:`sim.regions.batched_ranges`, 2R
        convex programmes per set, batched: about 200 sets/s on one core).  Off by default;
        without ``regions`` it is refused.

    Returns
    -------
    dict of arrays of shape ``(n,)``: the keys of :data:`sim.results.OUTCOMES`
    and ``reservation_<actor>`` (reservation utility at ``month``).
    """
    scenario = load_scenario(scenario)
    month = scenario.month_index(month)
    if paths < 0:
        raise ParameterError(f"paths: must be >= 0, got {paths}")
    if projection and not regions:
        raise ParameterError("projection: True needs regions=True (it projects the regional zone)")
    params = check_overrides(scenario, params or {})
    size = max([v.size for v in params.values() if v.ndim == 1] + [1])
    per_set = (scenario.horizon + 1) * (len(scenario.actors) + 1) * max(1, min(paths, PATH_CHUNK))
    chunk = chunk_size or max(1, CHUNK_ELEMENTS // (per_set * 4))
    # The subgames are solved once for the whole batch: their cost is mostly per
    # call (and nothing when their parameters do not vary), not per set.
    effects = game_effects(game_configs(scenario, params), scenario.name)

    def rows(v, sl):
        return v[sl] if np.ndim(v) == 1 and np.size(v) > 1 else v

    parts = []
    for start in range(0, size, chunk):
        sl = slice(start, min(size, start + chunk))
        sub = {k: rows(v, sl) for k, v in params.items()}
        sub_effects = {g: {e: rows(v, sl) for e, v in es.items()} for g, es in effects.items()}
        batch = build_batch(scenario, sub, with_deals=False)
        # the learning starts from the neutral view
        neutral = forecast and batch.uncertainty is not None
        # without the forecast, the durable rest and the red lines only where read
        comp = reservations(batch, sub_effects, Paths(paths, seed), neutral, not forecast)
        if batch.regimes is not None:
            comp.regimes = regime_worlds(scenario, comp, sub, Paths(paths, seed))
        parts.append(_outcomes(comp, month, Paths(paths, seed), forecast))
        if regions:  # issue 18: the per-region outcomes
            from sim.regions import regional_outcomes

            parts[-1].update(regional_outcomes(scenario, comp, month, sub, projection))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _agreement(comp: Computation, month: int, first, paths: Paths) -> dict[str, np.ndarray]:
    """``p_agreement_12m`` and ``expected_delay_months`` from ``month`` (issue 16): the
    hazard of :func:`ratified_hazard` (a set whose chance of no agreement has fallen below
    1e-12 is searched no further: both outcomes within 1e-10); under complete information
    (no ``[uncertainty]``) its value, 1 in the months with a ZOPA, read off
    ``first_open_month`` when ``month`` is 0."""
    from sim.kernels.hazard import agreement_by, expected_delay

    months = comp.batch.months - month
    s = comp.batch.settlement
    red = s is not None and s.red_lines
    # Under complete information the attrition route adds nothing: a side concedes only
    # where the zone is open (its prize is the zone), and there the screening hazard is 1.
    if comp.batch.uncertainty is not None or month > 0 or red or comp.regimes is not None:
        h = regime_hazard(comp, month, paths, cutoff=1e-12)[0]
        return {
            "p_agreement_12m": agreement_by(h)[:, min(11, months - 1)],
            "expected_delay_months": expected_delay(h),
        }
    return {
        "p_agreement_12m": ((first >= 0) & (first < min(12, months))).astype(float),
        "expected_delay_months": np.where(first >= 0, first, months).astype(float),
    }


def _outcomes(
    comp: Computation, month: int, paths: Paths = Paths(), forecast: bool = True
) -> dict[str, np.ndarray]:
    """The ZOPA at ``month`` only (and the first month with one) as named outcomes."""
    prefs = comp.batch.prefs
    if comp.deferred is not None:
        rest, limits = comp.deferred.parts(slice(month, month + 1))
        first = first_open_month_deferred(prefs, comp.rbar, comp.veto, comp.deferred.parts)
    else:
        rest = at_month(comp.rest, month)[..., None]
        limits = None
        if comp.limits is not None:
            limits = tuple(v[..., month : month + 1] for v in comp.limits)
        first = first_open_month_blocked(prefs, comp.rbar, comp.rest, comp.veto, comp.limits)
    now = acceptable(prefs.month(month), comp.rbar[..., month : month + 1], rest, limits)
    z = intersect(*now, comp.veto).at(0)
    sol = solutions(z, solution_inputs(comp, month))
    out = {
        "zopa_exists": z.exists,
        "zopa_lo_km2": z.lo,
        "zopa_hi_km2": z.hi,
        "zopa_width_km2": np.where(z.exists, z.hi - z.lo, 0.0),
        "zopa_gap_km2": z.gap,
        "binding": z.binding_mask(),
        **{f"{k}_km2": sol[k] for k in SOLUTION_CONCEPTS},
        "first_open_month": first,
    }
    if forecast:
        out.update(_agreement(comp, month, out["first_open_month"], paths))
    for a, key in enumerate(comp.batch.actors):
        out[f"reservation_{key}"] = comp.rbar[:, a, month]
    out.update(regime_outcomes(comp, month))
    return out


# -- one scenario ------------------------------------------------------------------


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


def _declared_colors(scenario: Scenario) -> dict[str, str]:
    """The colours the scenario file declares (figures fill the rest from their palette)."""
    return {a: spec.color for a, spec in scenario.model.actors.items() if spec.color}


def _labels(scenario: Scenario) -> dict[str, Any]:
    refs, ref_labels = _reference_lines(scenario)
    return {
        "actor_labels": {a: s.label for a, s in scenario.model.actors.items()},
        "actor_colors": _declared_colors(scenario),
        "reference_lines": refs,
        "reference_labels": ref_labels,
    }


def _verdicts(scenario: Scenario, comp: Computation, t: int) -> dict[str, Any]:
    actors = scenario.actors
    rbar = comp.rbar[0, :, t]
    deals, lines, labels, commitment, durability = {}, {}, {}, {}, {}
    for key, d in comp.deals.items():
        lines[key] = float(d["line_km2"][0])
        labels[key] = scenario.model.deals[key].label
        deals[key] = {
            a: DealVerdict(
                float(d["utility"][0, i]),
                float(rbar[i]),
                float(d["margin"][0, i]),
                bool(d["accepts"][0, i]),
                bool(d["veto"][0, i]),
                _if_ratified(d, i),
            )
            for i, a in enumerate(actors)
        }
        if "commitment" in d:
            c = d["commitment"]
            commitment[key] = Commitment(
                *(float(c[f][0]) for f in ("p", "p_next", "delta", "cost_a", "cost_b")),
                bool(c["war_inevitable"][0]),
            )
        if "hazard" in d:
            durability[key] = DealDurability(
                float(d["hazard"][0]),
                float(d["expected_months"][0]),
                {a: float(d["relapse_share"][0, i]) for i, a in enumerate(actors)},
                {a: float(d["utility_peace"][0, i]) for i, a in enumerate(actors)},
                {a: float(d["rearmament_km2"][0, i]) for i, a in enumerate(actors)}
                if "rearmament_km2" in d
                else {},
            )
    return {
        "deals": deals,
        "deal_lines": lines,
        "deal_labels": labels,
        "commitment": commitment,
        "durability": durability,
    }


def _exchange_rates(comp: Computation, t: int) -> dict[str, dict[str, float]]:
    """Issue 17: what each term is worth in km2 of line to each actor at month ``t``, with
    the durability when the scenario has it (:func:`sim.kernels.deals.exchange_rates`)."""
    batch = comp.batch
    prefs = batch.prefs.month(t)
    terms = {d: at_month(v, t)[:, :, None] for d, v in batch.terms.setting.items()}
    durable = comp.line_score is not None

    def rest_of(y):
        rest = rest_part(prefs, y)[..., 0]
        if not durable:
            return rest
        q = _hazard(batch, y)[..., 0]
        omega = relapse_weight(at_month(batch.discounting.delta, t), q)
        rbar = comp.rbar[..., t]
        shift = _rearmament_shift(comp, {d: v[:, 0, 0] for d, v in y.items()}, q[:, 0], t)
        rbar = rbar if shift is None else rbar + shift  # issue 17 (dealac)
        return durable_rest(rest, rbar, comp.line_score[..., t], omega)

    status = comp.status_line[..., t] if comp.status_line is not None else comp.line[:, t, None]
    rates = exchange_rates(rest_of, terms, line_slope(prefs, status))
    return {
        a: {f"{d}_km2": float(v[0, i]) for d, v in rates.items()}
        for i, a in enumerate(batch.actors)
    }


def _package_ratification(comp: Computation, t: int) -> dict[str, float]:
    """Issue 17: who must ratify the default package (at the Nash line, or the status quo
    without a ZOPA), and the probability that it is ratified."""
    s = comp.batch.settlement
    if s is None or not s.red_lines:
        return {}
    nash = comp.solutions.get("nash", np.array([np.nan]))
    line = np.where(np.isfinite(nash), nash, comp.status_line[:, 0, t])
    terms = {d: at_month(v, t)[:, 0] for d, v in comp.batch.terms.setting.items()}
    hit, p = ratification(
        s.red_lines, terms, line, comp.status_line[..., t], len(comp.batch.actors)
    )
    return {a: float(p[0, i]) for i, a in enumerate(comp.batch.actors) if hit[0, i]}


def _if_ratified(d: dict, i: int) -> float | None:
    """Issue 17: actor ``i``'s probability of ratification where its acceptance is conditional."""
    p = d.get("if_ratified")
    return None if p is None or np.isnan(p[0, i]) else float(p[0, i])


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
    t = scenario.month_index(month)
    if paths < 0:
        raise ParameterError(f"paths: must be >= 0, got {paths}")
    comp = compute(scenario, month=t, paths=Paths(paths, seed))
    actors = scenario.actors
    inv = comp.inv_annuity[0, :, t]
    rbar = comp.rbar[0, :, t]
    settings = comp.batch.terms.setting
    result = SolveResult(
        scenario=scenario.name,
        month=scenario.month_label(t),
        actors=actors,
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
        total_km2=float(comp.batch.prefs.total_km2[0]),
        status_quo_km2=float(comp.line[0, t]),
        settings={d: float(v[0, 0, 0]) for d, v in settings.items()},
        neutral_zopa=_zopa_at(comp.zopa_neutral, actors, t),
        ratification=_package_ratification(comp, t),
        exchange_rates=_exchange_rates(comp, t),
        regions=_regions(scenario, comp, t),
        regimes=_solve_regimes(scenario, comp, t),
        **_labels(scenario),
        **_verdicts(scenario, comp, t),
    )
    return replace(result, explanation=tuple(explain_solve(scenario, result, result.neutral_zopa)))


def _solve_regimes(scenario: Scenario, comp: Computation, t: int) -> dict | None:
    """Issue 17 item 5: per regime its label, probability at month ``t``, each actor's
    acceptable lines and the ZOPA (None without ``[regimes]``)."""
    w = comp.regimes
    if w is None:
        return None
    out = {}
    for r, (name, c) in enumerate(zip(w.names, w.comps, strict=True)):
        lo, hi, z = regime_zopa(c, t)
        out[name] = {
            "label": scenario.model.regimes[name].label,
            "side": scenario.model.war.domestic_turn.side,
            "p": float(w.pi[0, r, t]),
            "p_12m": float(w.pi[0, r, min(t + 12, comp.batch.months - 1)]),
            "zopa_exists": bool(z.exists[0]),
            "zopa_lo_km2": float(z.lo[0]),
            "zopa_hi_km2": float(z.hi[0]),
            "acceptable": {
                a: {"lo_km2": float(lo[0, i]), "hi_km2": float(hi[0, i])}
                for i, a in enumerate(scenario.actors)
            },
        }
    return out


def _regions(scenario: Scenario, comp: Computation, t: int):
    """The line per region (issue 18: :mod:`sim.regions`), None unless switched on."""
    from sim import regions

    return regions.solve_regions(scenario, comp, t) if regions.enabled(scenario) else None


def _timeline_regions(scenario: Scenario, comp: Computation) -> dict[str, np.ndarray]:
    """The timeline's km2 per region: the fronts per region when the scenario gives them
    (issue 18, :func:`sim.regions.no_deal_regions`), else the total line placed on the
    reference lines."""
    from sim import regions

    if not regions.has_fronts(scenario):
        return regions_km2(scenario, comp.line[0])
    paths = regions.no_deal_regions(scenario, comp)
    return dict(zip(scenario.model.territory.regions, paths, strict=True))


def _timeline_regions_all(scenario: Scenario, comp: Computation) -> dict[str, Any]:
    """The timeline's per-region fields: ``regions_km2`` (:func:`_timeline_regions`) and,
    with a ``[regions]`` table, the series of :func:`sim.regions.timeline_series`."""
    from sim import regions

    km2 = _timeline_regions(scenario, comp)
    if not regions.enabled(scenario):
        return {"regions_km2": km2}
    series = regions.timeline_series(scenario, comp, np.array(list(km2.values())))
    return {
        "regions_km2": km2,
        "region_sections": series["sections"],
        "regional_lines_ok": series["lines_ok"],
    }


def _windows(exists: np.ndarray, months: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The runs of consecutive months with a ZOPA, as ``(first, last)`` labels."""
    windows, start = [], None
    for t, e in enumerate(exists):
        if e and start is None:
            start = t
        if start is not None and (not e or t == len(exists) - 1):
            windows.append((months[start], months[t if e else t - 1]))
            start = None
    return tuple(windows)


def timeline(
    scenario: Scenario | str = "baseline", *, paths: int = 0, seed: int | None = None
) -> Timeline:
    """The ZOPA month by month along the expected no-deal path (ripeness)."""
    from sim.explain import explain_timeline

    scenario = load_scenario(scenario)
    if paths < 0:
        raise ParameterError(f"paths: must be >= 0, got {paths}")
    comp = compute(scenario, paths=Paths(paths, seed), with_deals=False)
    actors = scenario.actors
    months = tuple(scenario.month_label(t) for t in range(scenario.horizon + 1))
    z = comp.zopa
    exists = z.exists[0]
    side_a = actors.index(scenario.model.war.sides[0])
    events = tuple(
        (scenario.month_label(scenario.event_month(ev.date)), ev.label)
        for ev in scenario.model.events.values()
        if 0 <= scenario.event_month(ev.date) <= scenario.horizon
    )
    result = Timeline(
        scenario=scenario.name,
        months=months,
        line_km2=comp.line[0],
        exists=exists,
        lo_km2=z.lo[0],
        hi_km2=z.hi[0],
        binding=tuple(_names(int(m), actors) for m in z.binding_mask()[0]),
        reservation={a: comp.rbar[0, i] for i, a in enumerate(actors)},
        bounds={a: (comp.lo[0, i], comp.hi[0, i]) for i, a in enumerate(actors)},
        convergence={
            a: comp.lo[0, side_a] - comp.hi[0, i] for i, a in enumerate(actors) if i != side_a
        },
        events=events,
        windows=_windows(exists, months),
        first_open=months[int(np.argmax(exists))] if exists.any() else None,
        total_km2=float(comp.batch.prefs.total_km2[0]),
        **_timeline_regions_all(scenario, comp),
        hazard=regime_hazard(comp, 0, Paths(paths, seed))[0][0],
        **_labels(scenario),
        **_tempo(scenario, comp),
    )
    return replace(result, explanation=tuple(explain_timeline(scenario, result)))


def _tempo(scenario: Scenario, comp: Computation) -> dict:
    """The timeline's tempo fields: the seasonal pace and the domestic turn's chance."""
    pace = comp.batch.war.season[:, 0]
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
    batch = build_batch(scenario)
    prefs = batch.prefs.month(month)
    rest = rest_part(batch.prefs, batch.terms.setting)
    lines = np.asarray(lines, dtype=float)
    return {
        actor: prefs.weight[LINE][0, i, 0]
        * term(
            lines,
            prefs.ideal[LINE][0, i, 0],
            prefs.span[LINE][0, 0, 0],
            prefs.curvature[LINE][0, i, 0],
        )
        + at_month(rest, month)[0, i]
        for i, actor in enumerate(scenario.actors)
    }


__all__ = [
    "LINE",
    "Computation",
    "Paths",
    "compute",
    "evaluate",
    "line_utilities",
    "solve",
    "timeline",
]
