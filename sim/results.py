"""Result objects of the engine: what ``sim.solve`` and ``sim.timeline`` return.

These are plain frozen dataclasses of floats, strings and numpy arrays, so that
figures, the CLI and notebooks can use them without knowing the engine.
Conventions used throughout:

* a territorial *line* is the area (km2) held by the scenario's first war side
  (``war.sides[0]``) after the ceasefire; 0 means the second side holds everything;
* a *reservation utility* ``rbar_i`` is the constant per-month utility that is
  worth as much to actor ``i`` as fighting on (``V_i / A_i``, see :mod:`sim.kernels.reservation`);
* a *margin* is ``u_i(deal) - rbar_i`` in the same units: >= 0 means "accepts";
* NaN means "does not exist" (an empty interval, no solution), never "invalid".

Each result prints itself: ``to_dict()`` returns plain JSON values (``None``
for NaN and infinities, lists for arrays and tuples), the shape that
``ceasefire solve --json`` and ``ceasefire timeline --json`` print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Names of the per-parameter-set outcomes returned by ``sim.evaluate`` (each a
#: numpy array with one entry per parameter set), besides ``reservation_<actor>``.
OUTCOMES: dict[str, str] = {
    "zopa_exists": "bool: a line acceptable to every veto player exists at the evaluation month",
    "zopa_lo_km2": "lowest acceptable line (km2); when empty, the largest lower bound",
    "zopa_hi_km2": "highest acceptable line (km2); when empty, the smallest upper bound",
    "zopa_width_km2": "hi - lo when the ZOPA exists, else 0",
    "zopa_gap_km2": "lo - hi when the ZOPA is empty (how far the bounds cross), else 0",
    "binding": "int bitmask over the actors (bit i = i-th actor of the scenario) whose "
    "bounds set lo and hi",
    "nash_km2": "line of the (weighted) Nash bargaining solution inside the ZOPA; NaN if empty",
    "kalai_smorodinsky_km2": "line of the Kalai-Smorodinsky solution inside the ZOPA; NaN if empty",
    "rubinstein_km2": "line of Rubinstein alternating offers between the war sides; NaN if empty",
    "unanimity_km2": "line of n-party unanimity bargaining with recognition probabilities",
    "first_open_month": "int: first month index (0 = scenario date) with a non-empty ZOPA "
    "along the no-deal path; -1 if never within the horizon",
    "p_agreement_12m": "probability of agreement within 12 months of the evaluation month "
    "(by the horizon if sooner): the hazard of sim.forecast; 0 or 1 under complete information",
    "expected_delay_months": "expected months from the evaluation month to agreement, "
    "censored at the horizon (sim.forecast)",
}

#: The outcomes of the forecast's hazard (issue 16), most of the cost of ``sim.evaluate``
#: when a scenario has private information or red lines: ``evaluate(..., forecast=False)``
#: leaves them out.
FORECAST_OUTCOMES = ("p_agreement_12m", "expected_delay_months")


#: The per-region outcomes of ``sim.evaluate(..., regions=True)`` (issue 18; the names
#: for a scenario: :func:`sim.regions.outcome_names`), by pattern: ``<r>`` a region's key,
#: ``<name>`` a named regional line's (``[regions.lines]``; not those tied to a pause).
REGION_OUTCOMES: dict[str, str] = {
    "region_<r>_km2": "km2 of region r held by the first war side on the no-deal path at the "
    "evaluation month (the front per region; the regions sum to the total line)",
    "region_<r>_section_lo_km2": "lowest line in region r acceptable to every veto player "
    "with the other regions at the no-deal line (km2; NaN: none)",
    "region_<r>_section_hi_km2": "highest line in region r acceptable to every veto player "
    "with the other regions at the no-deal line (km2; NaN: none)",
    "line_<name>_ok": "bool: the named regional line passes every veto player "
    "(the regional utilities anchored at the no-deal line, and the regional red lines)",
    "region_<r>_lo_km2": "lowest line in region r over the whole zone of agreement in R^k "
    "(any other region may move; the projection of the feasible set, solve's "
    "zopa.regions.<r>.lo_km2; km2, NaN: no zone; evaluate(..., projection=True))",
    "region_<r>_hi_km2": "highest line in region r over the whole zone of agreement in R^k "
    "(any other region may move; the projection of the feasible set, solve's "
    "zopa.regions.<r>.hi_km2; km2, NaN: no zone; evaluate(..., projection=True))",
}

#: The suffixes of the per-region outcomes, longest first (a region's key may not end
#: with ``_section`` or ``_lo`` / ``_hi``: the schema's keys do not).
_REGION_SUFFIXES = ("_section_lo_km2", "_section_hi_km2", "_lo_km2", "_hi_km2", "_km2")


#: The outcomes of a scenario's domestic regimes (issue 17 item 5; ``[regimes]``), by
#: pattern: ``<r>`` a regime's key.
REGIME_OUTCOMES: dict[str, str] = {
    "regime_p_<r>": "probability that the war side's domestic regime is r at the evaluation "
    "month (the chain of sim.kernels.regimes on the no-deal path)",
    "zopa_exists_<r>": "bool: a line acceptable to every veto player exists at the evaluation "
    "month in regime r's world",
    "p_zopa_regimes": "the ZOPA's probability-weighted existence over the regimes, "
    "sum_r P(regime r) 1[ZOPA in regime r]",
}


def regime_outcome_names(regimes) -> tuple[str, ...]:
    """The regime outcomes ``sim.evaluate`` returns for the regimes' keys ``regimes``
    (in their order; empty without regimes)."""
    if not regimes:
        return ()
    names = [f"regime_p_{r}" for r in regimes] + [f"zopa_exists_{r}" for r in regimes]
    return (*names, "p_zopa_regimes")


def describe_regime(name: str) -> str | None:
    """The description of a regime outcome (None for any other name)."""
    if name == "p_zopa_regimes":
        return REGIME_OUTCOMES[name]
    for prefix in ("regime_p_", "zopa_exists_"):
        if name.startswith(prefix):
            return REGIME_OUTCOMES[f"{prefix}<r>"].replace(
                "regime r", f"regime {name[len(prefix) :]}"
            )
    return None


def is_regional(name: str) -> bool:
    """Whether ``name`` is one of :data:`REGION_OUTCOMES` (``evaluate(..., regions=True)``)."""
    return (name.startswith("region_") and name.endswith("_km2")) or (
        name.startswith("line_") and name.endswith("_ok")
    )


def is_projection(name: str) -> bool:
    """Whether ``name`` is a projection outcome, ``region_<r>_lo_km2`` / ``_hi_km2``
    (``evaluate(..., regions=True, projection=True)``)."""
    return (
        name.startswith("region_")
        and name.endswith(("_lo_km2", "_hi_km2"))
        and not name.endswith(("_section_lo_km2", "_section_hi_km2"))
    )


def describe_regional(name: str) -> str | None:
    """The description of a per-region outcome (None for any other name)."""
    if not is_regional(name):
        return None
    if name.startswith("line_"):
        return REGION_OUTCOMES["line_<name>_ok"].replace("named", f"named ({name[5:-3]})", 1)
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix):
            region = name[len("region_") : -len(suffix)]
            text = REGION_OUTCOMES[f"region_<r>{suffix}"]
            return text.replace("region r", region).replace("<r>", region)
    return None


def json_ready(value: Any) -> Any:
    """``value`` as plain JSON values: NaN and infinities become None, arrays and tuples
    lists, numpy scalars Python numbers, mapping keys strings."""
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        return json_ready(value.item())
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


@dataclass(frozen=True)
class Zopa:
    """The zone of possible agreement on the territorial line.

    ``binding`` names the actors whose bounds set ``lo_km2`` (first) and
    ``hi_km2`` (second); when the zone is empty they are the crossing pair and
    ``gap_km2 = lo_km2 - hi_km2 > 0`` says by how much the bounds cross.
    An actor that accepts no line at all is reported alone, with an infinite gap.
    """

    exists: bool
    lo_km2: float
    hi_km2: float
    binding: tuple[str, ...]
    gap_km2: float = 0.0

    @property
    def width_km2(self) -> float:
        return self.hi_km2 - self.lo_km2 if self.exists else 0.0

    def to_dict(self) -> dict[str, Any]:
        return json_ready(
            {
                "exists": bool(self.exists),
                "lo_km2": self.lo_km2,
                "hi_km2": self.hi_km2,
                "width_km2": self.width_km2,
                "gap_km2": self.gap_km2,
                "binding": self.binding,
            }
        )


@dataclass(frozen=True)
class DealVerdict:
    """One actor's verdict on one named deal."""

    utility: float
    reservation: float
    margin: float
    accepts: bool
    veto: bool
    #: Issue 17: the deal crosses the actor's red line and the actor accepts it only if
    #: ratified, with this probability (None: the acceptance, or refusal, is unconditional).
    if_ratified: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The margin and the verdict (the utilities are in the result's reservations)."""
        out = {"margin": self.margin, "accepts": bool(self.accepts), "veto": bool(self.veto)}
        if self.if_ratified is not None:
            out["accepts_if_ratified"] = self.if_ratified
        return json_ready(out)


@dataclass(frozen=True)
class SolveResult:
    """Everything ``sim.solve`` says about one scenario at one month."""

    scenario: str
    month: str
    actors: tuple[str, ...]
    actor_labels: dict[str, str]
    actor_colors: dict[str, str]
    veto_players: tuple[str, ...]
    reservation: dict[str, float]
    reservation_value: dict[str, float]
    acceptable: dict[str, tuple[float, float]]
    zopa: Zopa
    solutions: dict[str, float]
    deals: dict[str, dict[str, DealVerdict]]
    deal_lines: dict[str, float]
    deal_labels: dict[str, str]
    reference_lines: dict[str, float]
    reference_labels: dict[str, str]
    total_km2: float
    status_quo_km2: float
    settings: dict[str, float]
    explanation: tuple[str, ...] = ()
    #: The ZOPA under the model's neutral view of the war (no actor's belief bias):
    #: "perceived vs. true" -- optimism can close the perceived zone while this one is open.
    neutral_zopa: Zopa | None = None
    #: Per pause deal, Powell's (2006) commitment-problem condition read off the
    #: war model (see :func:`sim.kernels.deals.powell_commitment`).
    commitment: dict[str, Commitment] = field(default_factory=dict)
    #: Per settlement, its durability (issue 17; empty when the scenario has none).
    durability: dict[str, DealDurability] = field(default_factory=dict)
    #: Issue 17: the actors whose red lines the default package (at the ZOPA's Nash line,
    #: or the status quo when there is none) crosses, with its probability of ratification.
    ratification: dict[str, float] = field(default_factory=dict)
    #: Issue 17: per actor, what each term (from 0 to 1) is worth in km2 of line at the
    #: month, ``<dimension>_km2`` (see :func:`sim.kernels.deals.exchange_rates`).
    exchange_rates: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The line per region (issue 18; :class:`sim.regions.RegionalResult`), None when the
    #: scenario has no ``[regions]`` table.
    regions: Any = None
    #: Issue 17 item 5: per domestic regime ``{label, side, p, p_12m, zopa_exists,
    #: zopa_lo_km2, zopa_hi_km2, acceptable}`` at the month; None without ``[regimes]``.
    regimes: dict[str, dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON values: what ``ceasefire solve --json`` prints.

        Solutions are keyed ``<name>_km2`` (``nash_km2``, ``kalai_smorodinsky_km2``),
        as the outcomes of ``sim.evaluate``; each deal holds its label, its line and
        every actor's verdict.
        """
        return json_ready(
            {
                "scenario": self.scenario,
                "month": self.month,
                "status_quo_km2": self.status_quo_km2,
                "total_km2": self.total_km2,
                "zopa": {
                    **self.zopa.to_dict(),
                    **({} if self.regions is None else {"regions": self.regions.to_zopa_dict()}),
                },
                "veto_players": self.veto_players,
                "reservation": self.reservation,
                "reservation_value": self.reservation_value,
                "acceptable": {
                    a: {"lo_km2": lo, "hi_km2": hi} for a, (lo, hi) in self.acceptable.items()
                },
                "neutral_zopa": None if self.neutral_zopa is None else self.neutral_zopa.to_dict(),
                "solutions": {
                    **{f"{k}_km2": v for k, v in self.solutions.items()},
                    **(
                        {}
                        if self.regions is None
                        else {k: self.regions.solution_dict(k) for k in self.solutions}
                    ),
                },
                "commitment": {k: c.to_dict() for k, c in self.commitment.items()},
                "durability": {k: d.to_dict() for k, d in self.durability.items()},
                "ratification": self.ratification,
                "exchange_rates": self.exchange_rates,
                "deals": {
                    k: {
                        "label": self.deal_labels[k],
                        "line_km2": self.deal_lines[k],
                        **{a: v.to_dict() for a, v in verdicts.items()},
                    }
                    for k, verdicts in self.deals.items()
                },
                "settings": self.settings,
                "explanation": self.explanation,
                **self._regions_dict(),
                **({} if self.regimes is None else {"regimes": self.regimes}),
            }
        )

    def regimes_table(self) -> list[str]:
        """Issue 17 item 5: one line per domestic regime -- its probability at the month and
        12 months later, the war side's highest acceptable line and the ZOPA."""
        if not self.regimes:
            return []
        side = next(iter(self.regimes.values()))["side"]
        out = [
            f"Regimes ({self.actor_labels.get(side, side)}): probability now and in 12 months, "
            "its highest acceptable line, the ZOPA"
        ]
        for name, r in self.regimes.items():
            zone = (
                f"{r['zopa_lo_km2']:,.0f}-{r['zopa_hi_km2']:,.0f} km2"
                if r["zopa_exists"]
                else "no ZOPA"
            )
            out.append(
                f"  {name:<12}{r['p']:>6.1%}{r['p_12m']:>7.1%}"
                f"{r['acceptable'][side]['hi_km2']:>12,.0f} km2   {zone}"
            )
        return out

    def _regions_dict(self) -> dict[str, Any]:
        """With regions (issue 18): ``zopa.regions``, ``solutions.<name>.regions`` and
        ``regional_lines``, added beside the scalar keys (merged by :meth:`to_dict`)."""
        if self.regions is None:
            return {}
        return {
            "regional_lines": self.regions.lines_dict(),
            "regional_frontier": self.regions.frontier_dict(),
        }


@dataclass(frozen=True)
class DealDurability:
    """A settlement's durability (issue 17, :mod:`sim.kernels.durability`): its monthly
    ``hazard`` of renewed war, the ``expected_months`` of peace (``1 / hazard``), and per
    actor the ``relapse_share`` (the share of the deal's surplus over renewed war that the
    fear of relapse takes) and ``peace_utility`` (the deal's value were it eternal).
    With rearmament after the deal (issue 17, :mod:`sim.kernels.rearmament`; empty without)
    ``rearmament_km2`` per actor: what the fear of a relapse fought with the post-deal
    capacities adds to the loss, in km2 of line (``omega * mean Delta w / |lp'|``; negative:
    the deal is worth that much line less to the actor; NaN for an actor indifferent to the
    line)."""

    hazard: float
    expected_months: float
    relapse_share: dict[str, float]
    peace_utility: dict[str, float]
    rearmament_km2: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "hazard": self.hazard,
            "expected_months": self.expected_months,
            "relapse_share": self.relapse_share,
            "peace_utility": self.peace_utility,
        }
        if self.rearmament_km2:
            out["rearmament_km2"] = self.rearmament_km2
        return json_ready(out)


@dataclass(frozen=True)
class Commitment:
    """Powell's (2006) condition for a pause: does the shift of power it allows make war
    inevitable?  ``p`` and ``p_next`` are the first war side's share of the two sides'
    capacity (the model's proxy for its chance of winning) at the start and at the end
    of the pause; ``delta`` the declining side's discount factor over the pause; ``cost_a``
    and ``cost_b`` the two sides' present-value costs of war in units of one period's
    whole stake (see :func:`sim.kernels.deals.powell_commitment`)."""

    p: float
    p_next: float
    delta: float
    cost_a: float
    cost_b: float
    war_inevitable: bool

    def to_dict(self) -> dict[str, Any]:
        return json_ready(
            {
                "p": self.p,
                "p_next": self.p_next,
                "delta": self.delta,
                "cost_a": self.cost_a,
                "cost_b": self.cost_b,
                "war_inevitable": bool(self.war_inevitable),
            }
        )


@dataclass(frozen=True)
class Timeline:
    """The ZOPA month by month along the expected no-deal path.

    Arrays have one entry per month ``t = 0 .. H`` (``months[t]`` as ``YYYY-MM``).
    ``bounds[actor] = (lo, hi)`` are that actor's acceptable lines per month
    (NaN where it accepts none).  ``convergence[actor]`` is the first war side's
    minimum acceptable line minus ``actor``'s maximum acceptable line: positive
    means the two are still apart by that many km2, <= 0 means they overlap.
    """

    scenario: str
    months: tuple[str, ...]
    line_km2: np.ndarray
    exists: np.ndarray
    lo_km2: np.ndarray
    hi_km2: np.ndarray
    binding: tuple[tuple[str, ...], ...]
    reservation: dict[str, np.ndarray]
    bounds: dict[str, tuple[np.ndarray, np.ndarray]]
    convergence: dict[str, np.ndarray]
    events: tuple[tuple[str, str], ...] = ()
    windows: tuple[tuple[str, str], ...] = ()
    first_open: str | None = None
    actor_labels: dict[str, str] = field(default_factory=dict)
    actor_colors: dict[str, str] = field(default_factory=dict)
    total_km2: float = float("nan")
    reference_lines: dict[str, float] = field(default_factory=dict)
    reference_labels: dict[str, str] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()
    #: km2 held by the first war side in each region (oblast), month by month: the
    #: expected line placed on the path through the reference lines (each region
    #: capped by its area; see :meth:`sim.model.scenario.Scenario.region_control`).
    regions_km2: dict[str, np.ndarray] = field(default_factory=dict)
    #: The seasonal factor of the front's monthly drift (1 = an average month; below 1 in
    #: the mud seasons), month by month; None when the scenario has no seasons.
    front_pace: np.ndarray | None = None
    #: The probability that ``turn_side``'s domestic turn has happened by each month on
    #: the expected no-deal path; None when the scenario models no domestic turn.
    turn_probability: np.ndarray | None = None
    turn_side: str | None = None
    #: The monthly hazard of agreement (issue 16, :mod:`sim.forecast`): the chance that
    #: the month's offer is accepted; 1 in the months with a ZOPA under complete information.
    hazard: np.ndarray | None = None
    #: Issue 18, with a ``[regions]`` table: each region's acceptable range with the other
    #: regions at the no-deal line, month by month (``{region: {"lo_km2", "hi_km2"}}``, NaN
    #: where none), and each named regional line's verdict month by month (``{key: bool
    #: array}``): :func:`sim.regions.timeline_series`.
    region_sections: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    regional_lines_ok: dict[str, np.ndarray] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The timeline as JSON values: what ``ceasefire timeline --json`` prints
        (one list entry per month; ``convergence_km2`` is :attr:`convergence`)."""
        return json_ready(
            {
                "scenario": self.scenario,
                "months": self.months,
                "line_km2": self.line_km2,
                "regions_km2": self.regions_km2,
                "exists": np.asarray(self.exists, dtype=bool),
                "lo_km2": self.lo_km2,
                "hi_km2": self.hi_km2,
                "binding": self.binding,
                "reservation": self.reservation,
                "convergence_km2": self.convergence,
                "windows": self.windows,
                "first_open": self.first_open,
                "events": self.events,
                "front_pace": self.front_pace,
                "turn_side": self.turn_side,
                "turn_probability": self.turn_probability,
                "hazard": self.hazard,
                "region_sections": self.region_sections,
                "regional_lines_ok": {
                    k: np.asarray(v, dtype=bool) for k, v in self.regional_lines_ok.items()
                },
                "explanation": self.explanation,
            }
        )
