"""The typed batch: every number the kernels read, as arrays over a batch of parameter sets.

A :class:`Batch` is built once from a scenario and a mapping of overrides
(``{dotted path: array}``, the paths of the scenario file): :func:`build_batch`.
Overrides are validated with the constraints of the file (:func:`check_overrides`):
a bad value in a batch gives the same clean error as in a file, naming the path,
the value and its index.  Dated events are resolved here, the discount factors
computed once, reference lines turned into km2.  The kernels (:mod:`sim.kernels`)
take the batch's typed parts and never see a :class:`~sim.model.scenario.Scenario`.

**Axis convention.**  ``B`` parameter sets, ``n`` actors (in the scenario's order),
``T = horizon + 1`` months.  A leaf is ``(B,)``; a dated value is ``(B, T)``, or
``(B, 1)`` when no event changes it (every consumer broadcasts, and the compact
form spares ``T``-fold work); a per-actor value is ``(B, n)``, or ``(B, n, T)`` /
``(B, n, 1)``.  Per-actor monthly arrays are views of month-major storage
``(T, n, B)`` (the engine's order: each month's slice is contiguous); the
seasonal factors are ``(T, B)``.

:class:`ParamTable` is the batch's builder: the one place that reads parameters
by their dotted path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from sim.bargaining import discount_factor
from sim.errors import ParameterError
from sim.model.params import did_you_mean
from sim.model.scenario import LINE, Scenario

#: One month in years (the model's time step).
MONTH_YEARS = 1.0 / 12.0
MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# -- overrides ----------------------------------------------------------------


def check_overrides(scenario: Scenario, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Validate overrides ``{path: scalar or 1-D array}`` as the scenario file is validated.

    Returns the values as float arrays (0-d or 1-D).  Raises
    :class:`~sim.errors.ParameterError` naming the path, the value and (for an
    array) its index: an unknown path, a non-number, a non-finite number, a value
    outside the field's bound (``>= 0``, ``> 0``, ``between 0 and 1``), or arrays
    of different lengths.
    """
    known = scenario.values()
    bounds = scenario.bounds
    out: dict[str, np.ndarray] = {}
    size = 1
    for path, value in params.items():
        if path not in known:
            raise ParameterError(f"unknown parameter {path!r}{did_you_mean(path, list(known))}")
        arr = _as_numbers(path, value)
        if arr.ndim == 1 and arr.size != 1:
            if size not in (1, arr.size):
                raise ParameterError(
                    f"{path}: length {arr.size} does not match the other arrays ({size})"
                )
            size = arr.size
        _check_values(path, arr, bounds.get(path))
        out[path] = arr
    return out


def _as_numbers(path: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{path}: expected numbers, got {value!r}") from None
    if arr.ndim > 1:
        raise ParameterError(f"{path}: expected a 1-D array, got shape {arr.shape}")
    return arr


def _check_values(path: str, arr: np.ndarray, bound) -> None:
    bad = ~np.isfinite(arr)
    what = "a finite number"
    if not bad.any() and bound is not None:
        bad = ~bound.holds(arr)
        what = bound.what
    if bad.any():
        flat = np.atleast_1d(arr)
        i = int(np.flatnonzero(np.atleast_1d(bad))[0])
        where = f"{path}[{i}]" if arr.ndim == 1 else path
        raise ParameterError(f"{where}: must be {what}, got {flat[i]:g}")


# -- the path-keyed builder ---------------------------------------------------


class ParamTable:
    """Parameter values for a batch of ``B`` parameter sets over ``T`` months, by path.

    The builder of :class:`Batch` (and nothing else reads it): ``table[path]`` is
    the ``(B,)`` value at month 0, :meth:`column` the ``(B, 1)`` or ``(B, T)``
    dated value, :meth:`series` always ``(B, T)``.

    Parameters
    ----------
    scenario : the scenario whose values are the defaults.
    overrides : ``{path: array_like}``, validated by :func:`check_overrides`.
    months : number of months ``T`` (``horizon + 1``).
    """

    def __init__(self, scenario: Scenario, overrides: Mapping[str, Any], months: int):
        self.scenario = scenario
        self.months = months
        arrays = check_overrides(scenario, overrides)
        self.size = max([a.size for a in arrays.values() if a.ndim == 1] + [1])
        self._defaults = scenario.values()
        # A path nobody overrides gets its (B,) array on first use.
        self._base = {
            path: np.broadcast_to(arr, (self.size,)).astype(float) for path, arr in arrays.items()
        }
        self._events: dict[str, list[tuple[int, str]]] = {}
        for ekey, event in scenario.model.events.items():
            t = scenario.event_month(event.date)
            for target in event.set:
                if target not in self._defaults:
                    raise ParameterError(
                        f"events.{ekey}.set: unknown parameter {target!r}"
                        f"{did_you_mean(target, list(self._defaults))}"
                    )
                self._events.setdefault(target, []).append((t, f"events.{ekey}.set.{target}"))
        for target in self._events:
            self._events[target].sort()
        self._series_cache: dict[str, np.ndarray] = {}
        self.reads: set[str] | None = None  # a set: every path read is added to it

    def __getitem__(self, path: str) -> np.ndarray:
        """The value at month 0, shape ``(B,)`` (read-only when not overridden)."""
        if self.reads is not None:
            self.reads.add(path)
        value = self._base.get(path)
        if value is None:
            value = np.broadcast_to(np.float64(self._defaults[path]), (self.size,))
            self._base[path] = value
        return value

    def values(self) -> Mapping[str, np.ndarray]:
        """Every parameter's ``(B,)`` array, by path (a read-only mapping)."""
        return _Values(self)

    def column(self, path: str) -> np.ndarray:
        """``(B, 1)`` when the value is constant over time, else the ``(B, T)`` series."""
        if path in self._events:
            return self.series(path)
        return self[path][:, None]

    def series(self, path: str) -> np.ndarray:
        """The value month by month, ``(B, T)``: a view of month-major ``(T, B)`` storage."""
        if self.reads is not None:  # a cached series is read too (its events' sources with it)
            self.reads.add(path)
            self.reads.update(source for _, source in self._events.get(path, ()))
        if path not in self._events:
            return np.broadcast_to(self[path][:, None], (self.size, self.months))
        cached = self._series_cache.get(path)
        if cached is None:
            by_month = np.repeat(self[path][None, :], self.months, axis=0)
            for t, source in self._events[path]:
                if t < self.months:
                    by_month[max(t, 0) :] = self[source][None, :]
            cached = self._series_cache[path] = by_month.T
        return cached

    def column_map(self, path: str, fn) -> np.ndarray:
        """``fn(self.column(path))`` for an element-wise ``fn``, applied to the ``(B,)``
        values a dated series is made of (the value and each event's) before they are laid
        out month by month as :meth:`series` does: the same numbers, ``T`` times fewer
        evaluations."""
        if path not in self._events:
            return fn(self[path][:, None])
        by_month = np.repeat(fn(self[path])[None, :], self.months, axis=0)
        for t, source in self._events[path]:
            if t < self.months:
                by_month[max(t, 0) :] = fn(self[source])[None, :]
        return by_month.T

    def line_km2(self, spec, path: str) -> np.ndarray:
        """A line given as a reference-line name or a number, ``(B,)`` km2."""
        value = self.scenario.line_value(spec, path, self.values())
        return np.broadcast_to(np.asarray(value, dtype=float), (self.size,))


class _Values(Mapping):
    def __init__(self, table: ParamTable):
        self._table = table

    def __getitem__(self, path: str) -> np.ndarray:
        if path not in self._table._defaults:
            raise KeyError(path)
        return self._table[path]

    def __iter__(self):
        return iter(self._table._defaults)

    def __len__(self) -> int:
        return len(self._table._defaults)


def per_actor(columns: list, size: int) -> np.ndarray:
    """Stack per-actor ``(B, 1)``/``(B, T)`` columns (or scalars) into ``(B, n, 1 or T)``.

    The result is a view of month-major storage ``(T, n, B)``.
    """
    months = max(np.shape(c)[-1] if np.ndim(c) == 2 else 1 for c in columns)
    out = np.empty((months, len(columns), size))
    for a, c in enumerate(columns):
        out[:, a] = np.transpose(c) if np.ndim(c) == 2 else c
    return out.T


# -- the typed parts ----------------------------------------------------------


class _Arrays:
    """Mixin: map every array field (recursively) through a function."""

    def map_arrays(self, fn):
        changes = {}
        for f in fields(self):
            changes[f.name] = _map_value(getattr(self, f.name), fn)
        return replace(self, **changes)


def _map_value(value, fn):
    if isinstance(value, _Arrays):
        return value.map_arrays(fn)
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__"):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_value(v, fn) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_map_value(v, fn) for v in value)
    return value


@dataclass(frozen=True)
class Preferences(_Arrays):
    """All actors' utility parameters (see :mod:`sim.kernels.utility`).

    ``weight``, ``ideal``, ``curvature`` : dicts over the dimensions (``"line"`` first)
    of ``(B, n, T or 1)``; the weights are normalised to sum to 1 per actor.
    ``span`` : per dimension ``(B, 1, 1)`` (the line's span in km2, 1 for the others).
    ``total_km2`` : ``(B,)`` the territory's area.
    """

    dims: tuple[str, ...]
    weight: dict[str, Any]
    ideal: dict[str, Any]
    curvature: dict[str, Any]
    span: dict[str, Any]
    total_km2: Any

    def map(self, fn) -> Preferences:
        """Apply ``fn`` to every per-actor array (not to ``total_km2`` unless it is batched)."""

        def each(d):
            return {k: fn(v) for k, v in d.items()}

        total = self.total_km2
        if getattr(total, "ndim", 0) == 1:
            total = fn(total[:, None, None])[:, 0, 0]
        return Preferences(
            self.dims,
            each(self.weight),
            each(self.ideal),
            each(self.curvature),
            each(self.span),
            total,
        )

    def month(self, t: int) -> Preferences:
        """The parameters in force at month ``t`` (every last axis of length 1)."""
        return self.map(lambda v: v[..., min(t, v.shape[-1] - 1), None])

    def months(self, window: slice) -> Preferences:
        """The parameters over the months ``window`` (a length-1 last axis stays 1)."""
        return self.map(lambda v: v if v.shape[-1] == 1 else v[..., window])

    def line_only(self) -> Preferences:
        """The line's parameters alone: all that the acceptable intervals read."""
        return Preferences(
            (LINE,),
            *({LINE: d[LINE]} for d in (self.weight, self.ideal, self.curvature, self.span)),
            self.total_km2,
        )


@dataclass(frozen=True)
class Discounting(_Arrays):
    """Time preference: each actor's ``rate`` per year (a tuple over the actors of
    ``(B, T or 1)`` columns) and the monthly factor ``delta = exp(-rate / 12)``
    ``(B, n, T or 1)`` (a view of ``(T, n, B)``), computed once here with
    :func:`sim.bargaining.discount_factor`, the one place a rate becomes a factor.
    """

    rate: tuple[Any, ...]
    delta: Any

    def rate_at(self, month: int):
        """Every actor's rate at ``month``, ``(B, n)``."""
        from sim.xp import namespace

        xp = namespace(self.delta)
        return xp.stack([r[:, min(month, r.shape[1] - 1)] for r in self.rate], axis=1)


@dataclass(frozen=True)
class CapacitySource(_Arrays):
    """One source of a side's capacity (bn/month): ``amount`` (the product of its factors,
    ``(B, T or 1)``) times the game effects named in ``via``, times the sum over
    ``channels`` of ``share (B,)`` times the channel's effects; ``grid_dependent``
    sources are scaled by the power grid."""

    amount: Any
    via: tuple[str, ...]
    channels: tuple[tuple[Any, tuple[str, ...]], ...]
    grid_dependent: bool
    where: str


@dataclass(frozen=True)
class GridParams(_Arrays):
    """The power grid of one side: ``initial (B,)``; repair and damage ``(B, T or 1)``;
    ``struck_by_a``: whether the first war side strikes this grid."""

    initial: Any
    repair: Any
    damage: Any
    struck_by_a: bool


@dataclass(frozen=True)
class TurnParams(_Arrays):
    """The domestic turn of one side (see :mod:`sim.kernels.war`): the stress
    coefficients ``c_losses``, ``c_fiscal``, ``c_grid``, the fiscal ``need``, the hazard's
    ``base`` and ``per_stress`` (all ``(B, T or 1)``); ``side`` its index in the war
    sides (0 or 1); ``loss_sign`` +1 when the side loses ground as the line grows."""

    c_losses: Any
    c_fiscal: Any
    c_grid: Any
    need: Any
    base: Any
    per_stress: Any
    side: int
    loss_sign: float
    cost_multiplier: Any


@dataclass(frozen=True)
class BreakthroughParams(_Arrays):
    """Side A's breakthrough: ``extra`` drift, monthly ``hazard``, ``min_share`` (each
    ``(B, T or 1)``)."""

    extra: Any
    hazard: Any
    min_share: Any


@dataclass(frozen=True)
class WarParams(_Arrays):
    """The no-deal war (see :mod:`sim.kernels.war`).

    ``line0 (B,)`` the initial line; ``total (B, 1)``; ``scale``, ``stalemate``,
    ``noise_sd`` ``(B, T or 1)``; ``season (T, B)``; ``capacity``: per side (A, B)
    a tuple of :class:`CapacitySource`; ``grid``, ``turn``, ``breakthrough`` or None.
    """

    line0: Any
    total: Any
    scale: Any
    stalemate: Any
    noise_sd: Any
    season: Any
    capacity: tuple[tuple[CapacitySource, ...], tuple[CapacitySource, ...]]
    grid: GridParams | None
    turn: TurnParams | None
    breakthrough: BreakthroughParams | None


@dataclass(frozen=True)
class CostParams(_Arrays):
    """Monthly costs of fighting, per actor (a tuple over the actors, each month-major
    ``(T or 1, B)``): ``base`` the sum of the actor's cost components, ``escalation``
    its cost of an escalation; ``turn_actor`` the index of the actor whose costs the
    domestic turn multiplies (or None); ``terminal`` ``(B, n)`` the terminal cost at the
    horizon."""

    base: Any
    escalation: Any
    turn_actor: int | None
    terminal: Any


@dataclass(frozen=True)
class Terminal(_Arrays):
    """How the war ends at the horizon: frozen on the line reached, or a lottery between
    ``win_line`` and ``lose_line`` (``(B,)`` km2) won with probability ``p`` ``(B, 1)``."""

    lottery: bool
    p: Any = None
    win_line: Any = None
    lose_line: Any = None


@dataclass(frozen=True)
class Terms(_Arrays):
    """The other dimensions of a deal: ``no_deal`` and ``setting`` per dimension,
    ``(B, 1, T or 1)``; ``veto`` ``(n, 1 + D)`` bool: actor i holds a veto on the line
    (column 0) or on dimension d (column 1 + d)."""

    no_deal: dict[str, Any]
    setting: dict[str, Any]
    veto: Any


@dataclass(frozen=True)
class BargainingParams(_Arrays):
    """The bargaining protocol: ``power`` and ``recognition`` ``(B, n, T or 1)``,
    ``round_months (B,)``, the war sides' indices ``sides`` and whether side A
    proposes first."""

    power: Any
    recognition: Any
    round_months: Any
    sides: tuple[int, int]
    a_first: bool


@dataclass(frozen=True)
class DealParams(_Arrays):
    """A named deal: its ``line (B,)`` km2, ``terms`` per dimension ``(B,)``; a pause has
    ``pause_months`` and each war side's capacity ``gains`` ``(B,)`` bn/month after it."""

    key: str
    kind: str
    line: Any
    terms: dict[str, Any]
    pause_months: int = 0
    gains: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RearmamentParams(_Arrays):
    """The shift of power after a deal (issue 17, :mod:`sim.kernels.rearmament`): per war
    side (A, B) the rate ``rate`` ``(B,)`` bn/month per month of peace (the pause's gains), the
    ceiling ``ceiling`` ``(B,)`` and the term that scales it, ``capped_by`` (or None)."""

    rate: tuple
    ceiling: tuple
    capped_by: tuple
    # who fights on each side's side in a renewed war: ``(B,)`` bn/month per side and the
    # term that scales it (or None); empty: no support
    support: tuple = ()
    support_by: tuple = ()


@dataclass(frozen=True)
class SettlementParams(_Arrays):
    """What a deal is worth beyond its terms (issue 17; each part None when off).

    The frozen conflict after the horizon: ``tail_share`` ``(B, n)`` the share of the
    horizon month's war cost it keeps, ``tail_relapse`` and ``tail_exit`` ``(B, 1)`` the
    monthly hazards of relapse into war and of a renewed war freezing again.  A deal's
    durability: ``base_hazard`` ``(B,)``, ``term_ratio`` per dimension ``(B,)`` (the hazard
    ratio at the term's value 1) and ``max_hazard`` ``(B,)``.  The red lines: a tuple of
    :class:`sim.kernels.ratification.RedLineParams`.
    """

    tail_share: Any = None
    tail_relapse: Any = None
    tail_exit: Any = None
    base_hazard: Any = None
    term_ratio: dict[str, Any] = field(default_factory=dict)
    max_hazard: Any = None
    red_lines: tuple = ()
    veto_threshold: Any = None
    rearmament: RearmamentParams | None = None  # issue 17, dealac


@dataclass(frozen=True)
class UncertaintyParams(_Arrays):
    """Private information and learning (issue 16): the spread of the beliefs about the
    front's drift ``prior_sd`` and the noise of a month's movement ``noise_sd``,
    ``(B,)`` km2 a month."""

    prior_sd: Any
    noise_sd: Any


@dataclass(frozen=True)
class AttritionParams(_Arrays):
    """Attrition as concession (issue 16, :mod:`sim.kernels.concession`): the front's
    monthly noise ``noise_sd`` (km2) and the span ``months`` over which a stalemate is
    judged, ``(B,)``."""

    noise_sd: Any
    months: Any


@dataclass(frozen=True)
class Batch(_Arrays):
    """Everything the kernels read for ``size`` parameter sets over ``months`` months."""

    size: int
    months: int
    actors: tuple[str, ...]
    sides: tuple[str, str]
    prefs: Preferences
    discounting: Discounting
    war: WarParams
    costs: CostParams
    terminal: Terminal
    terms: Terms
    bargaining: BargainingParams
    biases: Any  # (B, n) each actor's belief bias of the front's drift, km2/month
    deals: tuple[DealParams, ...]
    games: dict[str, dict[str, Any]]
    settlement: SettlementParams | None = None
    uncertainty: UncertaintyParams | None = None  # None: complete information
    attrition: AttritionParams | None = None  # None: no concession route
    patrons: PatronParams | None = None
    regimes: RegimeParams | None = None  # issue 17: the domestic regimes
    # the parameter paths each part above was built from (:func:`build_batch`'s ``like``)
    reads: dict[str, frozenset[str]] | None = field(default=None, compare=False, repr=False)


# -- patrons (issue 19) --
@dataclass(frozen=True)
class PatronParams(_Arrays):
    """The patrons' strategies (:mod:`sim.kernels.patrons`): ``us`` the US pressure
    strategy's parameters (a ``PressureParams`` or None), ``us_index`` the US's actor
    index, ``link_shift`` ``(B, 1 or T)`` the linked issue's shift of the US's ideal
    line (km2 toward war side A); ``ladder`` the escalation ladder (a :class:`LadderParams`
    or None); ``europe`` Europe's budget (:class:`EuropeParams` or None); ``china`` China's
    fallback and ``blocs`` the bloc game (dicts of arrays, or None)."""

    us: Any
    us_index: int
    link_shift: Any
    ladder: Any = None
    europe: Any = None
    china: Any = None
    blocs: Any = None


def _compact(column: np.ndarray) -> np.ndarray:
    """A ``(B, T)`` column that does not change over the months as ``(B, 1)`` (an event
    before the scenario's start dates a parameter without changing it within the run)."""
    return column[:, :1] if column.shape[1] > 1 and np.all(column == column[:, :1]) else column


def _patrons(scenario: Scenario, table: ParamTable) -> PatronParams | None:
    """The ``[patrons]`` table as arrays; None when the scenario has none (the default)."""
    from sim.kernels.patrons import PressureParams

    spec = scenario.model.patrons
    if spec is None:
        return None
    link = spec.link
    shift = cost = np.zeros((table.size, 1))
    if link is not None:
        shift = _compact(table.column("patrons.link.ideal_shift_km2"))
        cost = _compact(table.column("patrons.link.press_russia_cost"))
    us = None
    actor = spec.us.actor if spec.us is not None else (link.actor if link else "us")
    if spec.us is not None:
        names = [f for f in type(spec.us).model_fields if f != "actor"]
        values = {f: table.column(f"patrons.us.{f}") for f in names}
        us = PressureParams(**values, link_cost=cost, months=table.months)
    ladder, europe = _ladder(scenario, table), _europe(scenario, table)
    china, blocs = _china(scenario, table), _blocs(scenario, table)
    return PatronParams(us, scenario.actors.index(actor), shift, ladder, europe, china, blocs)


def _blocs(scenario: Scenario, table: ParamTable) -> dict[str, Any] | None:
    """The bloc game: each parameter of :data:`sim.games.blocs.PARAMETERS` ``(B, 4)``
    (players in :data:`sim.games.blocs.PLAYERS` order), ``relief_share``, ``support_cut``."""
    spec = scenario.model.patrons.blocs
    if spec is None:
        return None
    from sim.games.blocs import PARAMETERS, PLAYERS

    base = "patrons.blocs"
    out: dict[str, Any] = {
        n: np.stack([table[f"{base}.players.{p}.{n}"] for p in PLAYERS], 1) for n in PARAMETERS
    }
    out["relief_share"] = table[f"{base}.relief_share"]
    out["support_cut"] = table[f"{base}.support_cut"]
    return out


def _china(scenario: Scenario, table: ParamTable) -> dict[str, Any] | None:
    """China's fallback: its parameters ``(B, 1 or T)``, the war side's index ``side`` and
    the support source's index ``source`` among that side's sources."""
    spec = scenario.model.patrons.china
    if spec is None:
        return None
    names = ("step_up_collapse", "step_up_pressure", "absorb_share")
    out: dict[str, Any] = {n: table.column(f"patrons.china.{n}") for n in names}
    out["side"] = list(scenario.model.war.sides).index(spec.side)
    out["source"] = list(scenario.model.war.capacity[spec.side]).index(spec.support_source)
    return out


@dataclass(frozen=True)
class EuropeParams(_Arrays):
    """Europe's budget (``sim.kernels.patrons.europe_budget``): the parameters of
    ``[patrons.europe]`` as ``(B, 1 or T)`` columns in ``values``; ``side`` the war side's
    index; ``aid``, ``purl`` the indices of the aid and PURL sources among that side's
    capacity sources; ``game`` the alignment game's name (or None)."""

    values: dict[str, Any]
    side: int
    aid: int
    purl: int
    game: str | None


def _europe(scenario: Scenario, table: ParamTable) -> EuropeParams | None:
    spec = scenario.model.patrons.europe
    if spec is None:
        return None
    numbers = ("budget_bn", "rearm_target_bn", "weight_aid", "weight_purl", "weight_rearm")
    numbers += ("hedge_aid_cut", "hedge_purl_cut")
    sources = list(scenario.model.war.capacity[spec.side])
    return EuropeParams(
        {n: table.column(f"patrons.europe.{n}") for n in numbers},
        list(scenario.model.war.sides).index(spec.side),
        sources.index(spec.aid_source),
        sources.index(spec.purl_source),
        spec.alignment_game,
    )


@dataclass(frozen=True)
class LadderParams(_Arrays):
    """The escalation ladder (:mod:`sim.games.ladder`): ``params`` each rung parameter
    ``(B, R)``, ``capacity`` ``(B, R)`` bn/month per rung, ``side`` the receiving war
    side's index (0 or 1), ``selection`` the stage games' rule."""

    params: dict[str, Any]
    capacity: Any
    side: int
    selection: str


def _ladder_source(war: WarParams, patrons: PatronParams | None) -> WarParams:
    """The escalation ladder's rungs as one more capacity source of the receiving side:
    its expected capacity (``ladder.capacity_bn``) on the mean-field path; each Monte
    Carlo path adds its drawn rungs' deviation from it (:mod:`sim.kernels.patrons`).
    Built here, not in the file, so that nothing can scale or count it twice."""
    if patrons is None or patrons.ladder is None:
        return war
    side = patrons.ladder.side
    size = patrons.ladder.capacity.shape[0]
    rungs = CapacitySource(np.ones((size, 1)), ("ladder.capacity_bn",), (), False, "patrons.ladder")
    capacity = tuple(
        (*sources, rungs) if i == side else sources for i, sources in enumerate(war.capacity)
    )
    return replace(war, capacity=capacity)


def _ladder(scenario: Scenario, table: ParamTable) -> LadderParams | None:
    spec = scenario.model.patrons.ladder
    if spec is None:
        return None
    from sim.games.ladder import RUNG_PARAMETERS

    def stack(name):
        return np.stack([table[f"patrons.ladder.rungs.{r}.{name}"] for r in spec.rungs], 1)

    return LadderParams(
        {n: stack(n) for n in RUNG_PARAMETERS},
        stack("capacity_bn"),
        list(scenario.model.war.sides).index(spec.side),
        spec.selection,
    )


def _link_preferences(prefs: Preferences, patrons: PatronParams | None) -> Preferences:
    """The US's ideal line moved toward war side A by the linked issue's shift."""
    if patrons is None or not np.any(patrons.link_shift):
        return prefs
    ideal = prefs.ideal[LINE]  # (B, n, 1 or T)
    months = max(ideal.shape[2], patrons.link_shift.shape[1])
    by_month = np.array(np.broadcast_to(ideal.T, (months, *ideal.shape[1::-1])))  # (T, n, B)
    a = patrons.us_index
    total = np.broadcast_to(prefs.total_km2, (ideal.shape[0],))
    by_month[:, a, :] = np.clip(by_month[:, a, :] + patrons.link_shift.T, 0.0, total)
    return replace(prefs, ideal={**prefs.ideal, LINE: by_month.T})


# -- building the batch ----------------------------------------------------------


# -- regimes (issue 17) --
@dataclass(frozen=True)
class RegimeParams(_Arrays):
    """A war side's domestic regimes (:mod:`sim.kernels.regimes`): their ``names`` (the
    initial one first), the exits' hazard coefficients ``base`` and ``per_stress``
    ``(B, K, T or 1)`` (``K`` the regimes after the first) and each regime's
    ``overrides`` ``{path: (B,)}`` (empty for the initial one)."""

    names: tuple[str, ...]
    base: Any
    per_stress: Any
    overrides: tuple[dict[str, Any], ...]


def _regimes(scenario: Scenario, table: ParamTable) -> RegimeParams | None:
    spec = scenario.model.regimes
    if spec is None:
        return None
    names = tuple(spec)
    exits = names[1:]

    def coef(field):
        return per_actor([table.column(f"regimes.{r}.{field}") for r in exits], table.size)

    overrides = tuple(
        {target: table[f"regimes.{r}.set.{target}"] for target in spec[r].set} for r in names
    )
    return RegimeParams(names, coef("base_hazard"), coef("hazard_per_stress"), overrides)


class _Parts:
    """:func:`build_batch`'s parts, each built by a function of the :class:`ParamTable`
    whose reads are recorded (``reads[name]``: the paths read, with those of the parts it
    is built from); with a batch ``like``, a part that read none of the paths ``changed``
    is ``like``'s own (the same paths have the same values: the same part)."""

    def __init__(self, table: ParamTable, like: Batch | None, changed):
        self.table = table
        self.old = None if like is None else like.reads
        self.like = like
        self.changed = frozenset(changed)
        self.reads: dict[str, frozenset[str]] = {}

    def __call__(self, name: str, build, *after: str):
        old = None if self.old is None else self.old.get(name)
        if old is not None and old.isdisjoint(self.changed):
            self.reads[name] = old
            return getattr(self.like, name)
        self.table.reads = set()
        value = build()
        self.reads[name] = frozenset(self.table.reads.union(*(self.reads[a] for a in after)))
        self.table.reads = None
        return value


def build_batch(
    scenario: Scenario,
    overrides: Mapping[str, Any] | None = None,
    *,
    with_deals: bool = True,
    like: Batch | None = None,
    changed=(),
) -> Batch:
    """The typed batch of ``scenario`` with ``overrides`` (validated as the file is);
    ``with_deals=False`` leaves out the named deals (``evaluate`` reads none).

    ``like``: a batch of the same scenario (same size) whose overrides differ from these
    only at the paths ``changed`` (e.g. a regime's world, :func:`sim.engine.regime_worlds`):
    the parts that read none of those paths are taken from it as they are (``Batch.reads``
    records what each part read), the others built again."""
    table = ParamTable(scenario, overrides or {}, scenario.horizon + 1)
    if like is not None and (like.size, like.months) != (table.size, table.months):
        raise ParameterError(
            f"like: a batch of {like.size} parameter sets, the overrides have {table.size}"
        )
    actors = scenario.actors
    sides = tuple(scenario.model.war.sides)
    part = _Parts(table, like, changed)
    patrons = part("patrons", lambda: _patrons(scenario, table))
    uncertainty, attrition = None, None
    if scenario.model.uncertainty is not None:
        uncertainty = part(
            "uncertainty",
            lambda: UncertaintyParams(
                table["uncertainty.prior_drift_sd_km2"], table["uncertainty.drift_noise_sd_km2"]
            ),
        )
    if scenario.model.attrition is not None:
        attrition = part(
            "attrition",
            lambda: AttritionParams(
                table["attrition.drift_noise_sd_km2"], table["attrition.stalemate_months"]
            ),
        )
    return Batch(
        size=table.size,
        months=table.months,
        actors=actors,
        sides=sides,
        prefs=part(
            "prefs", lambda: _link_preferences(_preferences(scenario, table), patrons), "patrons"
        ),
        discounting=part("discounting", lambda: _discounting(scenario, table)),
        war=part("war", lambda: _ladder_source(_war(scenario, table), patrons), "patrons"),
        costs=part("costs", lambda: _costs(scenario, table)),
        terminal=part("terminal", lambda: _terminal(scenario, table)),
        terms=part("terms", lambda: _terms(scenario, table)),
        bargaining=part("bargaining", lambda: _bargaining(scenario, table)),
        biases=part(
            "biases",
            lambda: np.stack([table[f"actors.{a}.belief_drift_bias_km2"] for a in actors], 1),
        ),
        deals=tuple(_deal(scenario, table, key) for key in scenario.model.deals)
        if with_deals
        else (),
        games=part("games", lambda: _games(scenario, table)),
        settlement=part("settlement", lambda: _settlement(scenario, table)),
        uncertainty=uncertainty,
        attrition=attrition,
        patrons=patrons,
        regimes=part("regimes", lambda: _regimes(scenario, table)),
        reads=part.reads,
    )


def _settlement(scenario: Scenario, table: ParamTable) -> SettlementParams | None:
    """Issue 17: the frozen-conflict tail and the deals' durability (None when both off)."""
    spec = scenario.model.settlement
    if spec is None:
        return None
    out: dict[str, Any] = {
        "red_lines": _red_lines(scenario, table) + _audience_costs(scenario, table),
        "veto_threshold": table["settlement.veto_threshold"],
        "rearmament": _rearmament(scenario, table),
    }
    if spec.frozen_conflict is not None:
        base = "settlement.frozen_conflict"
        share = [
            table[f"{base}.cost_share.{a}"]
            if a in spec.frozen_conflict.cost_share
            else np.zeros(table.size)
            for a in scenario.actors
        ]
        out["tail_share"] = np.stack(share, 1)
        out["tail_relapse"] = table[f"{base}.relapse_hazard"][:, None]
        out["tail_exit"] = table[f"{base}.war_exit_hazard"][:, None]
    if spec.durability is not None:
        base = "settlement.durability"
        out["base_hazard"] = table[f"{base}.base_hazard"]
        out["term_ratio"] = {d: table[f"{base}.term_ratio.{d}"] for d in spec.durability.term_ratio}
        out["max_hazard"] = table[f"{base}.max_hazard"]
    return SettlementParams(**out)


def _red_lines(scenario: Scenario, table: ParamTable) -> tuple:
    """Issue 17: each red line's limit and the probability that a deal crossing it is ratified."""
    from sim.kernels.ratification import RedLineParams, referendum_probability

    out = []
    for key, red in scenario.model.settlement.red_lines.items():
        base = f"settlement.red_lines.{key}"
        ratify = np.zeros(table.size)
        if red.ratification is not None:
            r = f"{base}.ratification"
            ratify = referendum_probability(
                table[f"{r}.yes"],
                table[f"{r}.no"],
                table[f"{r}.threshold"],
                table[f"{r}.swing_sd"],
                table[f"{r}.parliament"],
            )
        actor = scenario.actors.index(red.actor)
        out.append(RedLineParams(actor, red.kind, red.term, table[f"{base}.limit"], ratify))
    return tuple(out)


def _audience_costs(scenario: Scenario, table: ParamTable) -> tuple:
    """Issue 17: each actor's audience cost (:class:`sim.kernels.ratification.AudienceCost`):
    the claim line in km2, in total and per claimed region, and the named deals' km2 in those
    regions where their line is a reference line."""
    from sim.kernels.ratification import AudienceCost

    out = []
    lines = scenario.model.territory.lines
    for key, ac in scenario.model.settlement.audience_costs.items():
        base = f"settlement.audience_costs.{key}"
        regions = ac.regions or list(lines[ac.claim].control)

        def km2(line: str, regions=regions) -> np.ndarray:
            cols = [
                table[f"territory.regions.{r}.area_km2"]
                * (
                    table[f"territory.lines.{line}.control.{r}"]
                    if r in lines[line].control
                    else 0.0
                )
                for r in regions
            ]
            return np.stack(cols, axis=-1)

        claim_regions = km2(ac.claim)
        deals = {
            k: km2(d.line)
            for k, d in scenario.model.deals.items()
            if isinstance(d.line, str) and d.line in lines
        }
        kappa = table[f"{base}.cost"] * table[f"{base}.regime_scale"]
        actor = scenario.actors.index(ac.actor)
        out.append(AudienceCost(actor, claim_regions.sum(axis=-1), claim_regions, kappa, deals))
    return tuple(out)


def _rearmament(scenario: Scenario, table: ParamTable) -> RearmamentParams | None:
    """Issue 17: the war sides' rearmament after a deal (None when off)."""
    spec = scenario.model.settlement.rearmament
    if spec is None:
        return None
    sides = scenario.model.war.sides
    gains = scenario.model.war.pause.capacity_gain_bn if scenario.model.war.pause else {}
    zero = np.zeros(table.size)
    rate = tuple(table[f"war.pause.capacity_gain_bn.{s}"] if s in gains else zero for s in sides)
    ceiling = tuple(
        table[f"settlement.rearmament.ceiling_bn.{s}"] if s in spec.ceiling_bn else zero
        for s in sides
    )
    support, support_by = (), ()
    if spec.support_bn:
        support = tuple(
            table[f"settlement.rearmament.support_bn.{s}"] if s in spec.support_bn else zero
            for s in sides
        )
        support_by = tuple(spec.support_by.get(s) for s in sides)
    capped = tuple(spec.capped_by.get(s) for s in sides)
    return RearmamentParams(rate, ceiling, capped, support, support_by)


def _preferences(scenario: Scenario, table: ParamTable) -> Preferences:
    dims = (LINE, *scenario.dimensions)
    size = table.size
    total = table["territory.total_km2"]
    span_line = (
        table["territory.span_km2"] if scenario.model.territory.span_km2 is not None else total
    )
    weight, ideal, curvature = {}, {}, {}
    for d in dims:
        cols: dict[str, list] = {"weight": [], "ideal": [], "curvature": []}
        for key in scenario.actors:
            spec = scenario.model.actors[key].utility.get(d)
            if spec is None:
                cols["weight"].append(0.0)
                cols["ideal"].append(0.0)
                cols["curvature"].append(1.0)
                continue
            base = f"actors.{key}.utility.{d}"
            cols["weight"].append(table.column(f"{base}.weight"))
            cols["curvature"].append(table.column(f"{base}.curvature"))
            if isinstance(spec.ideal, str):
                cols["ideal"].append(table.line_km2(spec.ideal, f"{base}.ideal")[:, None])
            else:
                cols["ideal"].append(table.column(f"{base}.ideal"))
        weight[d] = per_actor(cols["weight"], size)
        ideal[d] = per_actor(cols["ideal"], size)
        curvature[d] = per_actor(cols["curvature"], size)
    wsum = sum(weight.values())
    for d in dims:
        weight[d] = weight[d] / wsum
    span = {d: np.ones((size, 1, 1)) for d in dims}
    span[LINE] = span_line[:, None, None]
    return Preferences(dims, weight, ideal, curvature, span, total)


def _discounting(scenario: Scenario, table: ParamTable) -> Discounting:
    # The factor on each actor's compact column, before the broadcast over the months.
    paths = [f"actors.{a}.discount_rate" for a in scenario.actors]
    rates = tuple(table.column(p) for p in paths)

    def factor(r):  # the rates obey the file's bounds (check_overrides): no second check
        return discount_factor(r, MONTH_YEARS, checked=False)

    delta = per_actor([table.column_map(p, factor) for p in paths], table.size)
    return Discounting(rates, delta)


def seasonal_factors(scenario: Scenario, table: ParamTable) -> np.ndarray:
    """The seasonal factor of the front's drift, ``(T, B)``: month ``t``'s is row ``t``."""
    start_month = scenario.date.month - 1
    rows = []
    for t in range(table.months):
        col = table.column(f"war.seasonal.{MONTH_KEYS[(start_month + t) % 12]}")
        rows.append(col[:, min(t, col.shape[1] - 1)])
    return np.stack(rows)


def _war(scenario: Scenario, table: ParamTable) -> WarParams:
    war = scenario.model.war
    sides = tuple(war.sides)
    return WarParams(
        line0=table.line_km2(war.initial_line, "war.initial_line"),
        total=table["territory.total_km2"][:, None],
        scale=table.column("war.drift_scale_km2"),
        stalemate=table.column("war.stalemate_share"),
        noise_sd=table.column("war.noise_sd_km2"),
        season=seasonal_factors(scenario, table),
        capacity=tuple(_capacity(scenario, table, s) for s in sides),
        grid=_grid(scenario, table),
        turn=_turn(scenario, table),
        breakthrough=_breakthrough(table) if war.breakthrough is not None else None,
    )


def _capacity(scenario: Scenario, table: ParamTable, side: str) -> tuple[CapacitySource, ...]:
    out = []
    for key, src in scenario.model.war.capacity.get(side, {}).items():
        base = f"war.capacity.{side}.{key}"
        amount = np.ones((table.size, 1))
        for f in src.factors:
            amount = amount * table.column(f"{base}.factors.{f}")
        channels = tuple(
            (table[f"{base}.channels.{c}.share"], tuple(ch.via)) for c, ch in src.channels.items()
        )
        out.append(CapacitySource(amount, tuple(src.via), channels, src.grid_dependent, base))
    return tuple(out)


def _grid(scenario: Scenario, table: ParamTable) -> GridParams | None:
    grid = scenario.model.war.grid
    if grid is None:
        return None
    return GridParams(
        initial=table["war.grid.initial"],
        repair=table.column("war.grid.repair_per_month"),
        damage=table.column("war.grid.damage_per_month"),
        struck_by_a=grid.side == scenario.model.war.sides[1],
    )


def _turn(scenario: Scenario, table: ParamTable) -> TurnParams | None:
    """The turn's stress, ``c_l max(losses, 0) + c_f max(need - K, 0) + c_g (1 - G)``,
    with the weights normalised: ``c_l = w_l / (W losses_ref)``, ``c_f = w_f / (W need)``,
    ``c_g = w_g / W``."""
    turn = scenario.model.war.domestic_turn
    if turn is None:
        return None

    def col(k):
        return table.column(f"war.domestic_turn.{k}")

    w_sum = np.maximum(
        col("stress_weight_losses") + col("stress_weight_fiscal") + col("stress_weight_grid"),
        1e-12,
    )
    need = col("fiscal_need_bn")
    sides = scenario.model.war.sides
    return TurnParams(
        c_losses=col("stress_weight_losses") / w_sum / col("losses_ref_km2"),
        c_fiscal=col("stress_weight_fiscal") / w_sum / need,
        c_grid=col("stress_weight_grid") / w_sum,
        need=need,
        base=col("base_hazard"),
        per_stress=col("hazard_per_stress"),
        side=sides.index(turn.side),
        loss_sign=1.0 if turn.side == sides[1] else -1.0,
        cost_multiplier=col("cost_multiplier"),
    )


def _breakthrough(table: ParamTable) -> BreakthroughParams:
    return BreakthroughParams(
        extra=table.column("war.breakthrough.extra_drift_km2"),
        hazard=table.column("war.breakthrough.hazard_per_month"),
        min_share=table.column("war.breakthrough.min_capacity_share"),
    )


def _one_column(x: np.ndarray) -> np.ndarray:
    """A month-major ``(T or 1, B)`` value that is the same for every set (a broadcast,
    stride 0) as ``(T or 1, 1)``: the arithmetic on it then runs once per month, not per
    set, and broadcasts to the same numbers."""
    return x[:, :1] if x.shape[1] > 1 and x.strides[1] == 0 else x


def _costs(scenario: Scenario, table: ParamTable) -> CostParams:
    """``c_i(t) = sum_k q_k(t) v_k(t) ramp_k(t)``; a component with ``ramp_to`` grows
    linearly from 1 at the scenario date to ``ramp_factor`` at that date, 1 afterwards."""
    months = table.months
    t = np.arange(months)
    base, escalation = [], []
    for key in scenario.actors:
        c = np.zeros((1, table.size))
        for ckey, comp in scenario.model.actors[key].costs.items():
            path = f"actors.{key}.costs.{ckey}"
            quantity, value = (
                table.column(f"{path}.{k}").T for k in ("quantity", "utility_per_unit")
            )
            flow = _one_column(quantity) * _one_column(value)
            if comp.ramp_to is not None:
                t_end = scenario.event_month(comp.ramp_to)
                factor = _one_column(table.column(f"{path}.ramp_factor").T)
                frac = np.clip(t / max(t_end, 1), 0.0, 1.0) if t_end > 0 else np.zeros(months)
                ramp = np.where((t <= t_end)[:, None], 1.0 + (factor - 1.0) * frac[:, None], 1.0)
                flow = flow * ramp
            c = c + flow
        base.append(c)
        escalation.append(table.column(f"actors.{key}.escalation_cost").T)
    turn = scenario.model.war.domestic_turn
    terminal = np.stack(
        [table.series(f"actors.{a}.terminal_cost")[:, -1] for a in scenario.actors], 1
    )
    return CostParams(
        base=tuple(base),
        escalation=tuple(escalation),
        turn_actor=None if turn is None else scenario.actors.index(turn.side),
        terminal=terminal,
    )


def _terminal(scenario: Scenario, table: ParamTable) -> Terminal:
    end = scenario.model.war.terminal
    if end.kind != "lottery":
        return Terminal(lottery=False)
    return Terminal(
        lottery=True,
        p=table.series("war.terminal.p")[:, -1][:, None],
        win_line=table.line_km2(end.win_line, "war.terminal.win_line"),
        lose_line=table.line_km2(end.lose_line, "war.terminal.lose_line"),
    )


def _terms(scenario: Scenario, table: ParamTable) -> Terms:
    dims = scenario.dimensions
    veto = np.zeros((len(scenario.actors), 1 + len(dims)), dtype=bool)
    for a, key in enumerate(scenario.actors):
        for d in scenario.model.actors[key].veto:
            veto[a, 0 if d == LINE else 1 + dims.index(d)] = True
    return Terms(
        no_deal={d: table.column(f"dimensions.{d}.no_deal")[:, None, :] for d in dims},
        setting={d: table.column(f"dimensions.{d}.setting")[:, None, :] for d in dims},
        veto=veto,
    )


def _bargaining(scenario: Scenario, table: ParamTable) -> BargainingParams:
    actors = scenario.actors
    sides = scenario.model.war.sides
    first = scenario.model.bargaining.first_proposer
    return BargainingParams(
        power=per_actor([table.column(f"actors.{a}.bargaining_power") for a in actors], table.size),
        recognition=per_actor(
            [table.column(f"actors.{a}.recognition") for a in actors], table.size
        ),
        round_months=table["bargaining.round_months"],
        sides=(actors.index(sides[0]), actors.index(sides[1])),
        a_first=first != sides[1],
    )


def _deal(scenario: Scenario, table: ParamTable, key: str) -> DealParams:
    deal = scenario.model.deals[key]
    terms = {
        d: table[f"deals.{key}.terms.{d}"] if d in deal.terms else table[f"dimensions.{d}.no_deal"]
        for d in scenario.dimensions
    }
    gains = {}
    if deal.kind == "pause":
        gains = {
            s: table[f"war.pause.capacity_gain_bn.{s}"] * deal.pause_months
            for s in scenario.model.war.pause.capacity_gain_bn
        }
    return DealParams(
        key=key,
        kind=deal.kind,
        line=table.line_km2(deal.line, f"deals.{key}.line"),
        terms=terms,
        pause_months=deal.pause_months if deal.kind == "pause" else 0,
        gains=gains,
    )


def game_configs(scenario: Scenario, overrides: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The subgames' configurations alone (kind, selection, parameters ``(B,)``)."""
    return _games(scenario, ParamTable(scenario, overrides, scenario.horizon + 1))


def _games(scenario: Scenario, table: ParamTable) -> dict[str, dict[str, Any]]:
    return {
        key: {
            "kind": game.kind,
            "selection": game.selection,
            "params": {p: table[f"games.{key}.params.{p}"] for p in game.params},
        }
        for key, game in scenario.model.games.items()
    }
