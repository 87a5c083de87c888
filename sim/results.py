"""Result objects of the engine: what ``sim.solve`` and ``sim.timeline`` return.

These are plain frozen dataclasses of floats, strings and numpy arrays, so that
figures, the CLI and notebooks can use them without knowing the engine.
Conventions used throughout:

* a territorial *line* is the area (km2) held by the scenario's first war side
  (``war.sides[0]``) after the ceasefire; 0 means the second side holds everything;
* a *reservation utility* ``rbar_i`` is the constant per-month utility that is
  worth as much to actor ``i`` as fighting on (``V_i / A_i``, see :mod:`sim.kernels.zopa`);
* a *margin* is ``u_i(deal) - rbar_i`` in the same units: >= 0 means "accepts";
* NaN means "does not exist" (an empty interval, no solution), never "invalid".
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "ks_km2": "line of the Kalai-Smorodinsky solution inside the ZOPA; NaN if empty",
    "rubinstein_km2": "line of Rubinstein alternating offers between the war sides; NaN if empty",
    "unanimity_km2": "line of n-party unanimity bargaining with recognition probabilities",
    "first_open_month": "int: first month index (0 = scenario date) with a non-empty ZOPA "
    "along the no-deal path; -1 if never within the horizon",
}


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


@dataclass(frozen=True)
class DealVerdict:
    """One actor's verdict on one named deal."""

    utility: float
    reservation: float
    margin: float
    accepts: bool
    veto: bool


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
    #: war model (see :func:`sim.engine.commitment_problem`).
    commitment: dict[str, Commitment] = field(default_factory=dict)


@dataclass(frozen=True)
class Commitment:
    """Powell's (2006) condition for a pause: does the shift of power it allows make war
    inevitable?  ``p`` and ``p_next`` are the first war side's share of the two sides'
    capacity (the model's proxy for its chance of winning) at the start and at the end
    of the pause; ``delta`` the declining side's discount factor over the pause; ``cost_a``
    and ``cost_b`` the two sides' present-value costs of war in units of one period's
    whole stake (see :func:`sim.engine.commitment_problem`)."""

    p: float
    p_next: float
    delta: float
    cost_a: float
    cost_b: float
    war_inevitable: bool


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
