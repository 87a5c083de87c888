"""Scenario files: the typed description of a world, loaded from TOML.

A scenario names its actors, the issue dimensions of a deal (a territorial line in
km2 plus dimensions scaled to [0, 1]), the no-deal war dynamics, dated events, the
subgames and the named deals.  Every number is a :class:`sim.model.params.Param`.
Validation rejects unknown keys (with a "did you mean" hint), checks ranges and
cross-references, and reports one message naming the file, the field path and
the bad value (:class:`sim.errors.ScenarioError`).

Parameters are addressed by dotted paths that follow the TOML nesting
(``actors.russia.discount_rate``); :meth:`Scenario.with_params` returns a copy
with new values, and :func:`sim.engine.evaluate` overrides them with arrays.
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import ParameterError, ScenarioError
from sim.model.params import Param, did_you_mean, iter_params

LINE = "line"
"""The name of the territorial dimension (in vetoes, utilities and deals)."""


@dataclass(frozen=True)
class Bound:
    """The admissible values of a parameter: ``lo <= v`` (``lo < v`` if ``lo_open``), ``v <= hi``.

    Attached to a field's type (``NonNeg``, ``Positive``, ``Share``) so that the file's
    validation and the batch's (:func:`sim.model.batch.check_overrides`) apply the same rule.
    """

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    what: str = ""

    def holds(self, value):
        """Elementwise: does ``value`` (a float or an array) satisfy the bound?"""
        import numpy as np

        v = np.asarray(value, dtype=float)
        ok = np.ones(v.shape, dtype=bool)
        if self.lo is not None:
            ok &= v > self.lo if self.lo_open else v >= self.lo
        if self.hi is not None:
            ok &= v <= self.hi
        return ok


def _bounded(bound: Bound):
    def check(p: Param) -> Param:
        if not bool(bound.holds(p.value)):
            raise ValueError(f"must be {bound.what}, got {p.value:g}")
        return p

    return AfterValidator(check)


NON_NEGATIVE = Bound(lo=0.0, what=">= 0")
POSITIVE = Bound(lo=0.0, lo_open=True, what="> 0")
SHARE = Bound(lo=0.0, hi=1.0, what="between 0 and 1")
NonNeg = Annotated[Param, _bounded(NON_NEGATIVE), NON_NEGATIVE]
Positive = Annotated[Param, _bounded(POSITIVE), POSITIVE]
Share = Annotated[Param, _bounded(SHARE), SHARE]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(_Strict):
    name: str
    title: str = ""
    date: dt.date
    horizon_months: int = Field(ge=0, le=600)
    description: str = ""


class Region(_Strict):
    label: str
    map_name: str | None = None
    area_km2: Positive


class ReferenceLine(_Strict):
    label: str
    source: str | None = None
    control: dict[str, Share] = {}


class Territory(_Strict):
    total_km2: Positive
    span_km2: Positive | None = None
    map: str | None = None
    map_object: str = "regions"
    regions: dict[str, Region] = {}
    lines: dict[str, ReferenceLine] = {}


class Dimension(_Strict):
    label: str
    low: str = ""
    high: str = ""
    no_deal: Share
    setting: Share


class UtilityTerm(_Strict):
    ideal: Param | str
    weight: NonNeg
    curvature: Positive = Param(value=1.0, source="default: risk-neutral")


class CostComponent(_Strict):
    label: str = ""
    quantity: Param
    utility_per_unit: Param
    ramp_to: dt.date | None = None
    ramp_factor: NonNeg = Param(value=1.0)


class Actor(_Strict):
    label: str
    #: How sentences name the actor ("the United States"); the label when unset.
    in_text: str | None = None
    color: str | None = None
    veto: list[str] = []
    discount_rate: NonNeg
    bargaining_power: NonNeg = Param(value=1.0, source="default: equal bargaining power")
    recognition: NonNeg = Param(value=0.0, source="default: never proposes")
    belief_drift_bias_km2: Param = Param(value=0.0, source="default: neutral beliefs")
    terminal_cost: Param = Param(value=0.0)
    escalation_cost: Param = Param(value=0.0)
    utility: dict[str, UtilityTerm]
    costs: dict[str, CostComponent] = {}


class Channel(_Strict):
    share: Share
    via: list[str] = []


class CapacitySource(_Strict):
    label: str = ""
    factors: dict[str, Param]
    via: list[str] = []
    channels: dict[str, Channel] = {}
    grid_dependent: bool = False


class Grid(_Strict):
    side: str
    initial: Share
    repair_per_month: Share = Param(value=0.0)
    damage_per_month: Share = Param(value=0.0)


class DomesticTurn(_Strict):
    side: str
    base_hazard: Share
    hazard_per_stress: Share = Param(value=0.0)
    losses_ref_km2: Positive = Param(value=500.0)
    fiscal_need_bn: Positive = Param(value=1.0)
    stress_weight_losses: NonNeg = Param(value=1.0)
    stress_weight_fiscal: NonNeg = Param(value=1.0)
    stress_weight_grid: NonNeg = Param(value=1.0)
    cost_multiplier: NonNeg = Param(value=1.0)


class Breakthrough(_Strict):
    hazard_per_month: Share
    extra_drift_km2: Param
    min_capacity_share: Share = Param(value=0.0)


class PauseSpec(_Strict):
    """What a ceasefire pause allows: each side's capacity gain per month of pause."""

    capacity_gain_bn: dict[str, Param] = {}


class Terminal(_Strict):
    kind: Literal["frozen", "lottery"] = "frozen"
    p: Share | None = None
    win_line: Param | str | None = None
    lose_line: Param | str | None = None


class Seasonal(_Strict):
    jan: NonNeg = Param(value=1.0)
    feb: NonNeg = Param(value=1.0)
    mar: NonNeg = Param(value=1.0)
    apr: NonNeg = Param(value=1.0)
    may: NonNeg = Param(value=1.0)
    jun: NonNeg = Param(value=1.0)
    jul: NonNeg = Param(value=1.0)
    aug: NonNeg = Param(value=1.0)
    sep: NonNeg = Param(value=1.0)
    oct: NonNeg = Param(value=1.0)
    nov: NonNeg = Param(value=1.0)
    dec: NonNeg = Param(value=1.0)


class War(_Strict):
    sides: tuple[str, str]
    initial_line: Param | str
    drift_scale_km2: NonNeg = Param(value=0.0)
    stalemate_share: Share = Param(value=0.5)
    noise_sd_km2: NonNeg = Param(value=0.0)
    seasonal: Seasonal = Seasonal()
    capacity: dict[str, dict[str, CapacitySource]] = {}
    grid: Grid | None = None
    domestic_turn: DomesticTurn | None = None
    breakthrough: Breakthrough | None = None
    pause: PauseSpec = PauseSpec()
    terminal: Terminal = Terminal()


class Event(_Strict):
    date: dt.date
    label: str
    source: str | None = None
    set: dict[str, Param] = {}


class Game(_Strict):
    kind: str
    label: str = ""
    row: str
    col: str
    selection: str = "payoff_dominant"
    source: str | None = None
    params: dict[str, Param] = {}


class Deal(_Strict):
    label: str
    date: dt.date | None = None
    source: str | None = None
    kind: Literal["settlement", "pause"] = "settlement"
    line: Param | str
    pause_months: int = Field(default=1, ge=1, le=120)
    terms: dict[str, Share] = {}


# -- regions (issue 18) --


class RegionValue(_Strict):
    """What a km2 of one region is worth to one actor, relative to a km2 of the total line
    (:mod:`sim.regions`): ``weight`` per km2 and ``curvature`` within the region; the
    region's ideal is ``ideal_share`` of it held by the first war side (default: the
    actor's total ideal placed on the reference lines)."""

    weight: NonNeg = Param(value=1.0, source="default: a km2 here is worth a km2 of the line")
    curvature: Positive = Param(value=1.0, source="default: linear within the region")
    ideal_share: Share | None = None
    source: str | None = None


class RegionalLine(_Strict):
    """A named line per region: each region's share held by the first war side, a
    reference line's name (that line's share of the region) or ``"contact"`` (the share on
    the no-deal line of the month solved); a region not named is ``"contact"``.  With
    ``deal`` (a named deal's key) the line is that deal's, valued with the deal's other
    terms; without, with the other terms at their settings."""

    label: str
    source: str | None = None
    line: dict[str, Share | str] = {}
    deal: str | None = None


class RegionalFrontSpec(_Strict):
    """One region's front (:mod:`sim.kernels.regions`): its allocation of the war's drift
    and its offset (km2/month at a seasonal factor of 1)."""

    allocation: NonNeg
    offset_km2: Param = Param(value=0.0, source="default: the total's stalemate point")


class Regions(_Strict):
    """The regional layer (issue 18): values per actor and region, named lines per region
    and fronts per region.  Off when the table is absent."""

    values: dict[str, dict[str, RegionValue]] = {}
    lines: dict[str, RegionalLine] = {}
    front: dict[str, RegionalFrontSpec] = {}


class Bargaining(_Strict):
    round_months: Positive = Param(value=1.0, source="default: one offer a month")
    first_proposer: str | None = None


# -- deal: frozen conflict and durability (issue 17) --


class FrozenConflict(_Strict):
    """The no-deal tail after the horizon (no free stop): a frozen conflict that keeps
    ``cost_share[actor]`` of each actor's monthly war cost, relapses into war with monthly
    ``relapse_hazard``, and a renewed war freezes again with monthly ``war_exit_hazard``
    (see :func:`sim.kernels.reservation.frozen_conflict_charge`)."""

    cost_share: dict[str, Share] = {}
    relapse_hazard: Share = Param(value=0.0, source="default: a frozen conflict never relapses")
    war_exit_hazard: Share = Param(value=1.0, source="default: a renewed war ends at once")


class Durability(_Strict):
    """A signed deal's monthly hazard of renewed war (see :mod:`sim.kernels.durability`):
    ``q = base_hazard * prod_d ratio_d ** x_d`` over the deal's terms ``x_d`` in [0, 1]
    (``term_ratio[d]`` the hazard ratio at ``x_d = 1``), capped at ``max_hazard``."""

    base_hazard: Share = Param(value=0.0, source="default: a deal never breaks")
    term_ratio: dict[str, Positive] = {}
    max_hazard: Share = Param(value=1.0, source="default: no cap below 1")


class Ratification(_Strict):
    """A referendum (Putnam's 1988 level II): it passes with probability
    ``parliament * Phi((yes / (yes + no) - threshold) / swing_sd)`` from the polled shares
    (see :func:`sim.kernels.ratification.referendum_probability`)."""

    yes: Share
    no: Share
    threshold: Share = Param(value=0.5, source="default: a simple majority of the votes cast")
    swing_sd: Positive = Param(value=0.1, source="default: a campaign moves the vote ~10 points")
    parliament: Share = Param(value=1.0, source="default: the parliament passes what the vote does")


class RedLine(_Strict):
    """A non-compensatory constraint of one actor (issue 17): no other term can buy it.

    ``term_above``: the deal sets ``term`` above ``limit``; ``line_above_status_quo`` /
    ``line_below_status_quo``: the deal's line lies more than ``limit`` km2 beyond / short
    of the status quo that month (ceding land one side holds).  A deal that crosses a red
    line is acceptable only if ratified (``ratification``), or not at all (none given).
    ``regions``: its form with a line per region (issue 18): in these regions the line
    may not fall below (``line_below_status_quo``) or rise above
    (``line_above_status_quo``) the status quo; the total's ``limit`` stays the scalar
    model's form.
    """

    actor: str
    kind: Literal["term_above", "line_above_status_quo", "line_below_status_quo"]
    term: str | None = None
    limit: NonNeg
    source: str | None = None
    ratification: Ratification | None = None
    regions: list[str] = []


def _check_regions(model: ScenarioModel) -> None:
    """Issue 18: the regional tables name known actors, regions, reference lines and deals."""
    r = model.regions
    if r is None:
        return
    regions, actors = list(model.territory.regions), list(model.actors)
    for actor, per_region in r.values.items():
        _need("actor", actor, actors, f"regions.values.{actor}")
        for region in per_region:
            _need("region", region, regions, f"regions.values.{actor}.{region}")
    for region in r.front:
        _need("region", region, regions, f"regions.front.{region}")
    for key, spec in r.lines.items():
        where = f"regions.lines.{key}"
        if spec.deal is not None:
            _need("deal", spec.deal, list(model.deals), f"{where}.deal")
        for region, value in spec.line.items():
            _need("region", region, regions, f"{where}.line.{region}")
            if isinstance(value, str) and value != "contact":
                _line_ref(model, value, f"{where}.line.{region}")


def _check_settlement(model: ScenarioModel) -> None:
    """Issue 17: the frozen conflict names actors, the durability names dimensions."""
    s = model.settlement
    if s is None:
        return
    if s.frozen_conflict is not None:
        for a in s.frozen_conflict.cost_share:
            _need("actor", a, list(model.actors), "settlement.frozen_conflict.cost_share")
    if s.durability is not None:
        for d in s.durability.term_ratio:
            _need("dimension", d, list(model.dimensions), "settlement.durability.term_ratio")
    for key, red in s.red_lines.items():
        where = f"settlement.red_lines.{key}"
        _need("actor", red.actor, list(model.actors), f"{where}.actor")
        if red.kind == "term_above":
            if red.term is None:
                raise ValueError(f"{where}.term: a term_above red line names a dimension")
            _need("dimension", red.term, list(model.dimensions), f"{where}.term")
        for r in red.regions:
            _need("region", r, list(model.territory.regions), f"{where}.regions")
        if red.regions and red.kind == "term_above":
            raise ValueError(f"{where}.regions: only a red line on the line has regions")
    _check_dealac(model, s)


# -- deal: audience costs and rearmament (issue 17, dealac) --


class AudienceCost(_Strict):
    """An actor's domestic cost of settling for less than its stated claims (issue 17; see
    :mod:`sim.kernels.ratification`): the settlement survives at home with
    ``exp(-cost * regime_scale * s)``, ``s`` the share of the ``claim`` (a reference line)
    that the deal leaves to the other side -- per region in ``regions`` (default: the
    regions the claim line names) when the deal's line has regions, else from the total."""

    actor: str
    claim: str
    regions: list[str] = []
    cost: NonNeg
    regime_scale: Share = Param(value=1.0, source="default: no scaling by regime type")
    source: str | None = None


class Rearmament(_Strict):
    """The shift of power after a deal (issue 17; :mod:`sim.kernels.rearmament`): each war
    side's capacity grows at its ``war.pause.capacity_gain_bn`` a month of peace up to
    ``ceiling_bn[side]``; ``capped_by[side]`` names the term (an army cap) that scales the
    side's ceiling by ``1 - x``.  A relapse restarts the war with those capacities."""

    ceiling_bn: dict[str, NonNeg] = {}
    capped_by: dict[str, str] = {}
    #: who fights on a side's side in a renewed war: the allies' capacity (bn/month) at the
    #: full strength of the term ``support_by[side]`` (scaled by it; unscaled without one)
    support_bn: dict[str, NonNeg] = {}
    support_by: dict[str, str] = {}


def _check_dealac(model: ScenarioModel, s) -> None:
    """Issue 17 (audience costs, rearmament): names of actors, lines, regions, sides, terms."""
    for key, ac in s.audience_costs.items():
        where = f"settlement.audience_costs.{key}"
        _need("actor", ac.actor, list(model.actors), f"{where}.actor")
        _need("reference line", ac.claim, list(model.territory.lines), f"{where}.claim")
        for r in ac.regions:
            _need("region", r, list(model.territory.regions), f"{where}.regions")
    if s.rearmament is not None:
        sides = list(model.war.sides)
        for side in s.rearmament.ceiling_bn:
            _need("war side", side, sides, "settlement.rearmament.ceiling_bn")
        for side, d in s.rearmament.capped_by.items():
            _need("war side", side, sides, "settlement.rearmament.capped_by")
            _need("dimension", d, list(model.dimensions), f"settlement.rearmament.capped_by.{side}")
        for side in s.rearmament.support_bn:
            _need("war side", side, sides, "settlement.rearmament.support_bn")
        for side, d in s.rearmament.support_by.items():
            _need("war side", side, sides, "settlement.rearmament.support_by")
            _need(
                "dimension", d, list(model.dimensions), f"settlement.rearmament.support_by.{side}"
            )


class DealModel(_Strict):
    """What a deal is worth beyond its terms (issue 17); every part off when absent."""

    frozen_conflict: FrozenConflict | None = None
    durability: Durability | None = None
    red_lines: dict[str, RedLine] = {}
    audience_costs: dict[str, AudienceCost] = {}  # issue 17, dealac
    rearmament: Rearmament | None = None  # issue 17, dealac
    #: A term touches the vetoes on it only when the deal moves it by more than this
    #: (see :func:`sim.kernels.zopa.veto_mask`).
    veto_threshold: Share = Param(value=1e-9, source="default: any change touches the veto")


# -- agreement under uncertainty (issue 16) --


class Uncertainty(_Strict):
    """Private information and learning while fighting (:mod:`sim.kernels.learning`,
    :mod:`sim.kernels.hazard`): each actor's belief about the front's drift is normal with
    spread ``prior_drift_sd_km2`` (km2 a month), known to the others only up to that
    spread, and updated each month from the front's movement, whose noise is
    ``drift_noise_sd_km2``.  Absent: complete information (the ZOPA decides)."""

    prior_drift_sd_km2: NonNeg
    drift_noise_sd_km2: NonNeg


# -- attrition as concession (issue 16) --


class Attrition(_Strict):
    """Attrition as concession (:mod:`sim.kernels.concession`): where the front's expected
    drift is small against its noise (``drift_noise_sd_km2``, km2 a month, judged over
    ``stalemate_months``), each war side quits at the war of attrition's rate, and its
    concession is a further route to agreement.  Absent: no concession route."""

    drift_noise_sd_km2: NonNeg
    stalemate_months: Positive


# -- patrons (issue 19) --
class USPressure(_Strict):
    """The US's conditional strategy "make a deal or we walk" (:mod:`sim.kernels.patrons`).

    Every month without a deal the US holds, presses Ukraine (pauses aid and
    intelligence), presses Russia (sanctions, secondary sanctions), presses both, or
    walks away for good; its political cost of the war is the US's own monthly war
    cost (``actors.us.costs``, ramped to the midterms) and its patience the US's
    discount factor (the midterms event lowers its rate).  OFF unless the table exists.
    """

    actor: str = "us"
    deal_credit: NonNeg
    deal_hazard: Share
    hazard_press_ukraine: Share
    hazard_press_russia: Share
    cost_press_ukraine: NonNeg
    cost_press_russia: NonNeg
    walk_relief: Share
    cheap_talk_share: Share
    aid_pause_share: Share
    walk_aid_cut: Share
    sanctions_bite: Share


class IssueLink(_Strict):
    """A linked issue (Iran) on which the US needs Russia: the US's ideal line moves
    ``ideal_shift_km2`` toward the side named first in ``war.sides`` (a side payment
    across issues) and pressing Russia costs the US ``press_russia_cost`` more a month.
    Both are dated by events (the crisis starts and ends with an event that sets them),
    so a back-test re-based before the crisis does not see it."""

    label: str = ""
    actor: str = "us"
    ideal_shift_km2: NonNeg
    press_russia_cost: NonNeg = Param(value=0.0, source="default: no extra cost")


class LadderRung(_Strict):
    """One rung of the escalation ladder: the one-rung escalation game's parameters
    (:mod:`sim.games.subgames`) and the capacity the rung adds to the receiving side."""

    label: str = ""
    rung_value: NonNeg
    supply_cost: NonNeg
    risk_cost: NonNeg
    rung_damage: NonNeg
    escalation_cost: NonNeg
    red_line_value: NonNeg
    capacity_bn: NonNeg


class Ladder(_Strict):
    """The escalation ladder (:mod:`sim.games.ladder`): ``supplier`` supplies rungs to
    war side ``side``, ``target`` answers; rungs in climbing order."""

    label: str = ""
    supplier: str
    target: str
    side: str
    selection: str = "payoff_dominant"
    rungs: dict[str, LadderRung]


class EuropeBudget(_Strict):
    """Europe's aid, PURL purchases and own rearmament under one fiscal limit
    (:mod:`sim.kernels.patrons`, ``europe_budget``): ``aid_source`` and ``purl_source``
    name capacity sources of war side ``side`` whose levels are Europe's desired aid and
    PURL; hedging toward China (the alignment game ``alignment_game``) cuts them by
    ``hedge_aid_cut`` and ``hedge_purl_cut``."""

    side: str
    aid_source: str
    purl_source: str
    alignment_game: str | None = None
    budget_bn: NonNeg
    rearm_target_bn: NonNeg
    weight_aid: Positive
    weight_purl: Positive
    weight_rearm: Positive
    hedge_aid_cut: Share
    hedge_purl_cut: Share


class ChinaFallback(_Strict):
    """China as Russia's fallback (:mod:`sim.kernels.patrons`, ``china_fallback``): its
    support (capacity source ``support_source`` of war side ``side``) rises by the share
    ``step_up_collapse`` once the talks collapse (the US walks away) and by
    ``step_up_pressure`` in a month of US pressure on Russia; its purchases absorb the
    share ``absorb_share`` of the oil revenue that US pressure would cut."""

    side: str
    support_source: str
    step_up_collapse: NonNeg
    step_up_pressure: NonNeg
    absorb_share: Share


class BlocPlayer(_Strict):
    """One patron in the bloc game (:mod:`sim.games.blocs`)."""

    value_current: Param
    value_realigned: Param
    snub_cost: NonNeg


class Blocs(_Strict):
    """Bloc realignment among the four patrons (:mod:`sim.games.blocs`): ``players``
    maps the roles us, russia, europe, china to their values; if the US-Russia thaw forms,
    US aid and PURL stop and Russia's oil revenue rises by ``relief_share`` (sanctions
    relief); if Europe-China forms, China's support for Russia falls by ``support_cut``."""

    players: dict[str, BlocPlayer]
    relief_share: NonNeg
    support_cut: Share


class Patrons(_Strict):
    """The patrons' strategies (issue 19); every part is off when absent."""

    us: USPressure | None = None
    link: IssueLink | None = None
    ladder: Ladder | None = None
    europe: EuropeBudget | None = None
    china: ChinaFallback | None = None
    blocs: Blocs | None = None


def _check_europe(model: ScenarioModel) -> None:
    """Europe's budget names a war side, two of its capacity sources and a game."""
    eu = model.patrons.europe
    if eu is None:
        return
    _need("war side", eu.side, list(model.war.sides), "patrons.europe.side")
    sources = list(model.war.capacity.get(eu.side, {}))
    for role in ("aid_source", "purl_source"):
        _need("capacity source", getattr(eu, role), sources, f"patrons.europe.{role}")
    if eu.alignment_game is not None:
        _need("game", eu.alignment_game, list(model.games), "patrons.europe.alignment_game")


def _check_patrons(model: ScenarioModel) -> None:
    """The actors the ``[patrons]`` table names must exist."""
    spec = model.patrons
    if spec is None:
        return
    for part, where in ((spec.us, "patrons.us.actor"), (spec.link, "patrons.link.actor")):
        if part is not None:
            _need("actor", part.actor, list(model.actors), where)
    _check_europe(model)
    if spec.blocs is not None and sorted(spec.blocs.players) != sorted(
        ("us", "russia", "europe", "china")
    ):
        raise ValueError(
            "patrons.blocs.players: needs exactly the roles us, russia, europe, china, "
            f"got {sorted(spec.blocs.players)}"
        )
    china = spec.china
    if china is not None:
        _need("war side", china.side, list(model.war.sides), "patrons.china.side")
        sources = list(model.war.capacity.get(china.side, {}))
        _need("capacity source", china.support_source, sources, "patrons.china.support_source")
        if spec.us is None:
            raise ValueError(
                "patrons.china: China's fallback answers the US's strategy: needs [patrons.us]"
            )
    ladder = spec.ladder
    if ladder is not None:
        for role in ("supplier", "target"):
            _need("actor", getattr(ladder, role), list(model.actors), f"patrons.ladder.{role}")
        _need("war side", ladder.side, list(model.war.sides), "patrons.ladder.side")
        if not ladder.rungs:
            raise ValueError("patrons.ladder.rungs: at least one rung is needed")
        from sim.games.selection import SELECTION_RULES

        _need("selection rule", ladder.selection, list(SELECTION_RULES), "patrons.ladder.selection")


# -- regimes (issue 17) --


class Regime(_Strict):
    """One of a war side's domestic regimes (issue 17 item 5, :mod:`sim.kernels.regimes`).

    The first regime in the file is the initial one (the scenario as written: no
    hazards, no overrides); every other one is entered from it with the monthly hazard
    ``base_hazard + hazard_per_stress * stress`` (the stress of ``[war.domestic_turn]``)
    and is absorbing.  ``set``: the regime's own parameters, ``{path: value}`` (any
    parameter of the scenario, as an event's ``set``)."""

    label: str = ""
    base_hazard: Share | None = None
    hazard_per_stress: Share | None = None
    set: dict[str, Param] = {}


def _check_regimes(model: ScenarioModel) -> None:
    """The regimes need the domestic turn's stress; the initial regime is the scenario as
    written; every overridden path is a known parameter and its value within its bound."""
    regimes = model.regimes
    if regimes is None:
        return
    if model.war.domestic_turn is None:
        raise ValueError("regimes: the regimes' hazards read the stress of [war.domestic_turn]")
    if len(regimes) < 2:
        raise ValueError("regimes: at least two regimes are needed (the initial one first)")
    first, spec = next(iter(regimes.items()))
    if spec.set or spec.base_hazard is not None or spec.hazard_per_stress is not None:
        raise ValueError(
            f"regimes.{first}: the first regime is the initial one, the scenario as written: "
            "it takes no hazards and no `set`"
        )
    for key, regime in list(regimes.items())[1:]:
        for field in ("base_hazard", "hazard_per_stress"):
            if getattr(regime, field) is None:
                raise ValueError(f"regimes.{key}.{field}: needed (the hazard of entering it)")
    known = dict(iter_params(model))
    bounds = dict(iter_bounds(model))
    for key, regime in regimes.items():
        for target, param in regime.set.items():
            where = f"regimes.{key}.set.{target}"
            if target.startswith(("regimes.", "events.")) or target not in known:
                raise ValueError(
                    f"{where}: unknown parameter{did_you_mean(target, list(known))}"
                    " (a regime sets the scenario's parameters, not events' or regimes')"
                )
            bound = bounds.get(target)
            if bound is not None and not bool(bound.holds(param.value)):
                raise ValueError(f"{where}: must be {bound.what}, got {param.value:g}")


class ScenarioModel(_Strict):
    scenario: Meta
    territory: Territory
    dimensions: dict[str, Dimension] = {}
    actors: dict[str, Actor]
    war: War
    events: dict[str, Event] = {}
    games: dict[str, Game] = {}
    deals: dict[str, Deal] = {}
    bargaining: Bargaining = Bargaining()
    settlement: DealModel | None = None
    uncertainty: Uncertainty | None = None
    attrition: Attrition | None = None
    regions: Regions | None = None
    patrons: Patrons | None = None
    regimes: dict[str, Regime] | None = None

    @model_validator(mode="after")
    def _cross_references(self) -> ScenarioModel:
        if not self.actors:
            raise ValueError("actors: at least one actor is needed")
        _check_actors(self)
        _check_war(self)
        _check_deals_and_events(self)
        _check_settlement(self)
        _check_regions(self)
        _check_patrons(self)
        _check_regimes(self)
        return self


def _need(kind: str, name: str, choices: list[str], where: str) -> None:
    """Raise unless ``name`` is one of ``choices`` (with a "did you mean" hint)."""
    if name not in choices:
        raise ValueError(
            f"{where}: unknown {kind} {name!r}{did_you_mean(name, choices)}"
            f" (defined: {', '.join(choices) or 'none'})"
        )


def _line_ref(model: ScenarioModel, value: Param | str | None, where: str) -> None:
    if isinstance(value, str):
        _need("reference line", value, list(model.territory.lines), where)


def _check_actors(model: ScenarioModel) -> None:
    dims = [LINE, *model.dimensions]
    for key, actor in model.actors.items():
        for v in actor.veto:
            _need("dimension", v, dims, f"actors.{key}.veto")
        for d, term in actor.utility.items():
            _need("dimension", d, dims, f"actors.{key}.utility")
            if isinstance(term.ideal, str):
                if d != LINE:
                    raise ValueError(
                        f"actors.{key}.utility.{d}.ideal: a reference line name "
                        f"({term.ideal!r}) is only allowed for the line"
                    )
                _line_ref(model, term.ideal, f"actors.{key}.utility.line.ideal")
            elif d != LINE and not 0 <= term.ideal.value <= 1:
                raise ValueError(
                    f"actors.{key}.utility.{d}.ideal: must be between 0 and 1, "
                    f"got {term.ideal.value:g}"
                )
        if sum(t.weight.value for t in actor.utility.values()) <= 0:
            raise ValueError(f"actors.{key}.utility: the weights must sum to more than 0")
    if model.bargaining.first_proposer is not None:
        _need(
            "actor",
            model.bargaining.first_proposer,
            list(model.actors),
            "bargaining.first_proposer",
        )


def _check_war(model: ScenarioModel) -> None:
    actors, war = list(model.actors), model.war
    for i, side in enumerate(war.sides):
        _need("actor", side, actors, f"war.sides[{i}]")
    for rkey, ref in model.territory.lines.items():
        for region in ref.control:
            _need(
                "region", region, list(model.territory.regions), f"territory.lines.{rkey}.control"
            )
    _line_ref(model, war.initial_line, "war.initial_line")
    _line_ref(model, war.terminal.win_line, "war.terminal.win_line")
    _line_ref(model, war.terminal.lose_line, "war.terminal.lose_line")
    end = war.terminal
    if end.kind == "lottery" and None in (end.p, end.win_line, end.lose_line):
        raise ValueError("war.terminal: a lottery needs p, win_line and lose_line")
    for side in war.capacity:
        _need("actor", side, actors, "war.capacity")
    for side in war.pause.capacity_gain_bn:
        _need("actor", side, actors, "war.pause.capacity_gain_bn")
    for part in (war.grid, war.domestic_turn):
        if part is not None:
            _need("war side", part.side, list(war.sides), f"war.{type(part).__name__}")


def _check_deals_and_events(model: ScenarioModel) -> None:
    for ekey, event in model.events.items():
        for path in event.set:
            if path.startswith("events."):
                raise ValueError(f"events.{ekey}.set: an event cannot change another event")
    for dkey, deal in model.deals.items():
        _line_ref(model, deal.line, f"deals.{dkey}.line")
        for term in deal.terms:
            _need("dimension", term, list(model.dimensions), f"deals.{dkey}.terms")


def _bound_in(annotation: Any, metadata: list[Any] = ()) -> Bound | None:
    """The :class:`Bound` attached to a field's type, if any (through ``X | None``)."""
    for m in metadata:
        if isinstance(m, Bound):
            return m
    if typing.get_origin(annotation) is Annotated:
        return _bound_in(None, list(typing.get_args(annotation)[1:]))
    for arg in typing.get_args(annotation) if _is_union(annotation) else ():
        found = _bound_in(arg)
        if found is not None:
            return found
    return None


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None))


def _mapping_value_type(annotation: Any) -> Any:
    for tp in typing.get_args(annotation) if _is_union(annotation) else (annotation,):
        if typing.get_origin(tp) in (dict, Mapping):
            return typing.get_args(tp)[1]
    return None


def iter_bounds(obj: Any, annotation: Any = None, prefix: str = "") -> Iterator[tuple[str, Bound]]:
    """Yield ``(dotted path, Bound)`` for every bounded parameter inside a validated model."""
    if isinstance(obj, Param):
        bound = _bound_in(annotation)
        if bound is not None:
            yield prefix, bound
    elif isinstance(obj, BaseModel):
        for name, field in type(obj).model_fields.items():
            path = f"{prefix}.{name}" if prefix else name
            value = getattr(obj, name)
            if isinstance(value, Param):
                bound = _bound_in(field.annotation, field.metadata)
                if bound is not None:
                    yield path, bound
            else:
                yield from iter_bounds(value, field.annotation, path)
    elif isinstance(obj, Mapping):
        inner = _mapping_value_type(annotation)
        for key, value in obj.items():
            yield from iter_bounds(value, inner, f"{prefix}.{key}" if prefix else str(key))


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_label(start: dt.date, t: int) -> str:
    """``YYYY-MM`` of month ``t`` counted from ``start``."""
    m = start.month - 1 + t
    return f"{start.year + m // 12:04d}-{m % 12 + 1:02d}"


class Scenario:
    """A validated scenario: structure from the file, numbers addressable by path.

    Attributes
    ----------
    name, path, text : the scenario's name, file (None when built from a dict)
        and TOML text (kept for provenance in sweep results).
    model : the validated :class:`ScenarioModel`.
    """

    def __init__(self, model: ScenarioModel, raw: dict[str, Any], *, path: Path | None, text: str):
        self.model = model
        self._raw = raw
        self.path = path
        self.text = text

    # -- identity ---------------------------------------------------------
    @property
    def name(self) -> str:
        return self.model.scenario.name

    @property
    def title(self) -> str:
        return self.model.scenario.title or self.name

    @property
    def date(self) -> dt.date:
        return self.model.scenario.date

    @property
    def horizon(self) -> int:
        return self.model.scenario.horizon_months

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(self.model.actors)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(self.model.dimensions)

    @property
    def games(self) -> dict[str, Game]:
        return dict(self.model.games)

    @property
    def map_file(self) -> Path | None:
        m = self.model.territory.map
        if m is None:
            return None
        p = Path(m)
        return p if p.is_absolute() or self.path is None else self.path.parent / p

    @property
    def map_object(self) -> str:
        return self.model.territory.map_object

    def month_index(self, month: str | int | dt.date | None) -> int:
        """Index of a month counted from the scenario date (0 = its date).

        ``month`` is ``"YYYY-MM"``, a date, an index (an int, or a string of digits) or
        None (the scenario's date); raises :class:`ParameterError` outside ``0..horizon``.
        """
        if month is None:
            return 0
        if isinstance(month, str) and month.strip().lstrip("-").isdigit():
            month = int(month)
        if isinstance(month, int | np.integer) and not isinstance(month, bool):
            t = int(month)
            if not 0 <= t <= self.horizon:
                raise ParameterError(f"month: {t} is outside 0..{self.horizon}")
            return t
        if isinstance(month, str):
            try:
                year, mon = (int(x) for x in month.split("-")[:2])
                month = dt.date(year, mon, 1)
            except (ValueError, TypeError):
                raise ParameterError(f"month: expected YYYY-MM, got {month!r}") from None
        if not isinstance(month, dt.date):
            raise ParameterError(f"month: expected YYYY-MM or an index, got {month!r}")
        t = _months_between(self.date, month)
        if not 0 <= t <= self.horizon:
            raise ParameterError(
                f"month: {month_label(self.date, t)} is outside the scenario's months "
                f"{month_label(self.date, 0)} .. {month_label(self.date, self.horizon)}"
            )
        return t

    def month_label(self, t: int) -> str:
        return month_label(self.date, t)

    def event_month(self, date: dt.date) -> int:
        return _months_between(self.date, date)

    # -- parameters -------------------------------------------------------
    @cached_property
    def _params(self) -> dict[str, Param]:
        return dict(iter_params(self.model))

    @cached_property
    def bounds(self) -> dict[str, Bound]:
        """Every bounded parameter's :class:`Bound`, by path.

        The field's own bound; a dated event's value takes the bound of the parameter
        it sets; an actor's ideal point on a dimension other than the line is a share.
        """
        out = dict(iter_bounds(self.model))
        for key, actor in self.model.actors.items():
            for d, term in actor.utility.items():
                if d != LINE and not isinstance(term.ideal, str):
                    out[f"actors.{key}.utility.{d}.ideal"] = SHARE
        for ekey, event in self.model.events.items():
            for target in event.set:
                if target in out:
                    out[f"events.{ekey}.set.{target}"] = out[target]
        return out

    def parameter_paths(self) -> list[str]:
        """Every numeric parameter's dotted path."""
        return list(self._params)

    def _lookup(self, path: str) -> Param:
        try:
            return self._params[path]
        except KeyError:
            raise ParameterError(
                f"unknown parameter {path!r}{did_you_mean(path, self.parameter_paths())}"
            ) from None

    def get(self, path: str) -> float:
        """The value of the parameter at ``path``."""
        return self._lookup(path).value

    def source(self, path: str) -> str | None:
        return self._lookup(path).source

    def uncertainty_range(self, path: str) -> tuple[float, float] | None:
        """The ``range = [lo, hi]`` given for ``path`` in the file, if any."""
        return self._lookup(path).range

    def values(self) -> dict[str, float]:
        """All parameters as ``{path: value}``."""
        return {k: p.value for k, p in self._params.items()}

    def with_params(self, values: Mapping[str, float]) -> Scenario:
        """A copy with the parameters at the given paths set to new values (re-validated)."""
        raw = copy.deepcopy(self._raw)
        for path, value in values.items():
            self._lookup(path)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ParameterError(f"{path}: expected a number, got {value!r}") from None
            _set_raw(raw, self._raw_keys(path), number)
        return _validate(raw, path=self.path, text=self.text, origin=f"{self.name} (with_params)")

    def _raw_keys(self, path: str) -> list[str]:
        # Keys of events.<e>.set (and regimes.<r>.set) contain dots: "events.e.set.a.b.c".
        parts = path.split(".")
        if parts[0] in ("events", "regimes") and len(parts) > 3 and parts[2] == "set":
            return [*parts[:3], ".".join(parts[3:])]
        return parts

    # -- territory --------------------------------------------------------
    def reference_line_km2(self, key: str, values: Mapping[str, Any] | None = None) -> Any:
        """km2 of a named reference line (sum of region areas x controlled shares)."""
        v = self.values() if values is None else values
        ref = self.model.territory.lines[key]
        total = 0.0
        for region in ref.control:
            total = (
                total
                + v[f"territory.regions.{region}.area_km2"]
                * v[f"territory.lines.{key}.control.{region}"]
            )
        return total

    def line_value(self, spec: Param | str, path: str, values: Mapping[str, Any]) -> Any:
        """A line given as a reference-line name or as a number (km2)."""
        if isinstance(spec, str):
            return self.reference_line_km2(spec, values)
        return values[path]

    def region_control(self, line_km2: float) -> dict[str, float]:
        """Share of each region held by the first war side when the line is ``line_km2``.

        The line is placed on the piecewise-linear path through the scenario's
        reference lines, ordered by area (the path starts at "nothing held" and
        ends at "everything held"), and each region's share is interpolated
        between the two reference lines around it.  Keys are the regions'
        ``map_name`` (or key when none).
        """
        import numpy as np

        terr = self.model.territory
        regions = list(terr.regions)
        v = self.values()
        areas = np.array([v[f"territory.regions.{r}.area_km2"] for r in regions])
        rows = [np.zeros(len(regions))]
        for key, ref in terr.lines.items():
            rows.append(
                np.array(
                    [
                        v[f"territory.lines.{key}.control.{r}"] if r in ref.control else 0.0
                        for r in regions
                    ]
                )
            )
        rows.append(np.ones(len(regions)))
        shares = np.array(rows)
        km2 = shares @ areas
        order = np.argsort(km2, kind="stable")
        km2, shares = km2[order], shares[order]
        x = float(np.clip(line_km2, km2[0], km2[-1]))
        j = int(np.clip(np.searchsorted(km2, x, side="right") - 1, 0, len(km2) - 2))
        span = km2[j + 1] - km2[j]
        w = 0.0 if span <= 0 else (x - km2[j]) / span
        share = (1 - w) * shares[j] + w * shares[j + 1]
        return {
            (terr.regions[r].map_name or r): float(s) for r, s in zip(regions, share, strict=True)
        }

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, date={self.date}, actors={list(self.actors)})"


def _set_raw(raw: dict[str, Any], keys: list[str], value: float) -> None:
    """Set the number at ``keys`` in the raw TOML tree; a parameter the file leaves at
    its default gets a table of its own."""
    node = raw
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    leaf = node.get(keys[-1])
    if isinstance(leaf, dict):
        leaf["value"] = value
    else:
        node[keys[-1]] = value


# -- loading -------------------------------------------------------------


def builtin_models_dir() -> Path:
    """The folder of the built-in scenario files.

    In a wheel they are shipped inside the package (``sim/_builtin_models``);
    in a source checkout or an editable install they are the project's ``models/``.
    """
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_builtin_models"
    return packaged if packaged.is_dir() else here.parent / "models"


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario names and their files."""
    folder = builtin_models_dir()
    return {p.stem: p for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def _not_a_scenario(key: str, path: Path, choices: list[str]) -> str:
    """Why ``key`` names no scenario, in the words that fit what it is."""
    if path.is_dir():
        kind = "a sweep's results" if path.suffix.lower() == ".zarr" else "a folder"
        return f"{key}: is {kind}, not a scenario file (a TOML file or a built-in name)"
    if path.exists():
        return f"{key}: not a regular file; a scenario is a TOML file or a built-in name"
    if path.suffix.lower() in (".zarr", ".nc", ".nc4", ".netcdf"):
        return f"{key}: no such file; this command takes a scenario, not a sweep's results"
    if key.lower() in ("true", "false", "yes", "no", "1", "0"):
        return f"{key}: not a scenario; --json and the other flags take no value"
    return (
        f"{key}: no such scenario file or built-in scenario"
        f"{did_you_mean(key, choices)} (built-in: {', '.join(choices) or 'none'})"
    )


def load_scenario(name_or_path: str | Path = "baseline") -> Scenario:
    """Load a scenario by built-in name (``"baseline"``) or by file path.

    Raises
    ------
    ScenarioError
        The file is missing, not valid TOML, or does not validate; the message
        names the file, the field path and the bad value.
    """
    if isinstance(name_or_path, Scenario):
        return name_or_path
    builtin = builtin_scenarios()
    key = str(name_or_path)
    if key in builtin and not Path(key).exists():
        path = builtin[key]
    else:
        path = Path(key)
        if not path.is_file():
            raise ScenarioError(_not_a_scenario(key, path, list(builtin)))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc})") from None
    raw = _read_toml(path, text)
    return _validate(raw, path=path, text=text, origin=str(path))


def _read_toml(path: Path, text: str, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Parse a scenario file, resolving ``extends = "other.toml"`` (a base file whose
    tables this file overrides key by key, relative to this file)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if not isinstance(base_name, str):
        raise ScenarioError(f"{path}: extends: expected a file name, got {base_name!r}")
    base_path = (path.parent / base_name).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError(f"{path}: extends: {base_name!r} extends itself")
    try:
        base_text = base_path.read_text(encoding="utf-8")
    except OSError:
        raise ScenarioError(f"{path}: extends: cannot read {base_name!r}") from None
    base = _read_toml(base_path, base_text, (*seen, path.resolve()))
    return _merge(base, raw)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and "value" not in value:
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario_from_dict(raw: Mapping[str, Any], *, name: str = "<dict>") -> Scenario:
    """Build a scenario from a dict shaped like the TOML file (for tests, notebooks)."""
    return _validate(copy.deepcopy(dict(raw)), path=None, text="", origin=name)


def _validate(raw: dict[str, Any], *, path: Path | None, text: str, origin: str) -> Scenario:
    try:
        model = ScenarioModel.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_error(origin, exc)) from None
    scenario = Scenario(model, raw, path=path, text=text)
    _check_reference_order(scenario, origin)
    _check_event_values(scenario, origin)
    return scenario


def _check_event_values(scenario: Scenario, origin: str) -> None:
    """A dated event sets a known parameter to a value its bound admits."""
    known = scenario.values()
    for ekey, event in scenario.model.events.items():
        for target, param in event.set.items():
            where = f"events.{ekey}.set.{target}"
            if target not in known:
                raise ScenarioError(
                    f"{origin}: {where}: unknown parameter{did_you_mean(target, list(known))}"
                )
            bound = scenario.bounds.get(target)
            if bound is not None and not bool(bound.holds(param.value)):
                raise ScenarioError(f"{origin}: {where}: must be {bound.what}, got {param.value:g}")


def _check_reference_order(scenario: Scenario, origin: str) -> None:
    lines = scenario.model.territory.lines
    total = scenario.get("territory.total_km2")
    previous_key, previous = None, -1.0
    for key in lines:
        km2 = scenario.reference_line_km2(key)
        if km2 < previous:
            raise ScenarioError(
                f"{origin}: territory.lines.{key}: reference lines must be listed in increasing "
                f"order of area, but {key!r} ({km2:,.0f} km2) is smaller than "
                f"{previous_key!r} ({previous:,.0f} km2)"
            )
        if km2 > total * (1 + 1e-9):
            raise ScenarioError(
                f"{origin}: territory.lines.{key}: {km2:,.0f} km2 exceeds territory.total_km2 "
                f"({total:,.0f})"
            )
        previous_key, previous = key, km2


def _format_error(origin: str, exc: ValidationError) -> str:
    errors = exc.errors()
    # An unknown key usually explains a "missing" one (a typo): report it first.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(x) for x in err["loc"]]
    # Drop pydantic's internal union/validator tags from the location.
    loc = [x for x in loc if not x.startswith(("function-", "Param", "str", "float", "int"))]
    where = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = did_you_mean(loc[-1], allowed) if allowed else ""
        return f"{origin}: {where}: unknown key{hint}"
    if err["type"] == "missing":
        return f"{origin}: {where}: missing (required)"
    msg = err["msg"].removeprefix("Value error, ")
    bad = err.get("input")
    shown = "" if isinstance(bad, dict | list) else f" (got {bad!r})"
    return f"{origin}: {where}: {msg}{shown}"


def _allowed_keys(loc: list[str]) -> list[str]:
    """Field names of the model at ``loc`` inside :class:`ScenarioModel`."""
    node: Any = ScenarioModel
    for key in loc:
        node = _descend(node, key)
        if node is None:
            return []
    return list(node.model_fields) if _is_model(node) else []


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _descend(tp: Any, key: str) -> Any:
    if _is_model(tp):
        field = tp.model_fields.get(key)
        return None if field is None else _unwrap(field.annotation)
    origin = typing.get_origin(tp)
    if origin in (dict, Mapping):
        return _unwrap(typing.get_args(tp)[1])
    return None


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        for arg in typing.get_args(tp):
            inner = _unwrap(arg)
            if _is_model(inner) or typing.get_origin(inner) in (dict, Mapping):
                return inner
    return tp
