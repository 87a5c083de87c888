"""Date-true evaluation: a scenario re-based at the month of a decision.

A deal dated ``D`` is evaluated with the state of month ``D``, by :func:`rebase`:

* **the front observed then**: ``war.initial_line`` is DeepStateMap's total of month
  ``D`` (``models/data/occupied_area_monthly.csv``, the first snapshot of the month);
  ``"contact"`` in a deal means that line.  Before the series' first month (the
  history starts in Jun 2024, the series on 8 Jul 2024) the first observation is used,
  an approximation the output states;
* **the preferences and levers in force then**: every dated event dated on or before
  the first day of month ``D`` is folded into the values (the value and its source
  and range replace the parameter's), in the order of the dates;
* **only information available then**: an event dated after the first day of month
  ``D`` is dropped, unless it is *scheduled* (known in advance: an election; the keys
  in :data:`SCHEDULED`), which is kept at its date.  Events within month ``D`` are
  therefore *not* in force: the monthly step cannot tell whether they came before the
  decision (the Rosneft and Lukoil sanctions of 22 Oct 2025 came the day after the
  answer to the Oct 2025 freeze), and leaking them in would use later information;
* **the model's own state then**: the grid (the one state variable of the war model
  that is not observed) starts at its value in month ``D`` on the scenario's
  deterministic no-deal path from its start (which reads only the inputs of the months
  before ``D``); its range moves with it;
* **the actors look ahead as in the baseline**: the re-based scenario runs
  :data:`PLANNING_HORIZON` months from ``D`` with the levers held at their values of
  ``D`` (a persistence forecast of the inputs), then the baseline's terminal rule.

A per-region line (``{region: share held by Russia, or "contact"}``) is summed into
km2 until the front is modelled per region (:func:`region_line_km2`): each listed
region at its share of the oblast's area, every other region (and what lies outside
the coarse oblast outlines) on the observed line of month ``D``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sim.errors import ParameterError
from sim.model.scenario import Scenario, builtin_models_dir, scenario_from_dict

#: Months the actors look ahead from a decision (the baseline's horizon).
PLANNING_HORIZON = 60
#: Dated events known in advance: kept after a decision's month.
SCHEDULED = ("midterms",)
#: The oblast series' areas (EPSG:6933, WGS84 ellipsoid) are 0.272-0.275% above the total
#: series' (sphere); the oblast km2 are scaled by this factor before they are mixed
#: (models/data/README.md).
EARTH_MODEL_FACTOR = 1.0 / 1.002735


@dataclass(frozen=True)
class ObservedFront:
    """The observed front by month ``YYYY-MM`` (the first snapshot of each month).

    ``total`` ``{month: (date, km2)}``; ``regions`` ``{month: {region: (occupied_km2,
    region_km2)}}`` in the total series' earth model (scaled by
    :data:`EARTH_MODEL_FACTOR`).
    """

    total: dict[str, tuple[str, float]]
    regions: dict[str, dict[str, tuple[float, float]]]

    @property
    def months(self) -> tuple[str, ...]:
        return tuple(self.total)

    def resolve(self, month: str) -> tuple[str, bool]:
        """The observed month used for ``month``, and whether it is an approximation
        (a month before the series: its first observation)."""
        if month in self.total:
            return month, False
        first = self.months[0]
        if month < first:
            return first, True
        raise ParameterError(
            f"month {month}: after the observed front's last month {self.months[-1]}"
        )

    def line_km2(self, month: str) -> float:
        return self.total[self.resolve(month)[0]][1]

    def date(self, month: str) -> str:
        return self.total[self.resolve(month)[0]][0]


def data_dir() -> Path:
    return builtin_models_dir() / "data"


@cache
def observed_front(folder: Path | None = None) -> ObservedFront:
    """Read the two DeepStateMap series from ``models/data`` (or ``folder``)."""
    folder = Path(folder) if folder is not None else data_dir()
    total: dict[str, tuple[str, float]] = {}
    with open(folder / "occupied_area_monthly.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            total.setdefault(row["date"][:7], (row["date"], float(row["occupied_km2"])))
    regions: dict[str, dict[str, tuple[float, float]]] = {}
    firsts: dict[str, str] = {}
    with open(folder / "occupied_by_oblast_monthly.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            month = row["month"]
            if firsts.setdefault(month, row["date"]) != row["date"]:
                continue  # a second snapshot of the month (the last file)
            regions.setdefault(month, {})[row["region"]] = (
                float(row["occupied_km2"]) * EARTH_MODEL_FACTOR,
                float(row["region_km2"]) * EARTH_MODEL_FACTOR,
            )
    return ObservedFront(total, regions)


def history_months(scenario: Scenario, front: ObservedFront) -> tuple[str, str]:
    """The first and last month a decision may have: from the scenario's start to the
    observed front's last month."""
    return scenario.month_label(0), front.months[-1]


def region_line_km2(
    scenario: Scenario, front: ObservedFront, month: str, shares: Mapping[str, Any]
) -> float:
    """km2 of a per-region line at ``month``: the observed total, with each listed
    region moved from its observed share to the listed one (``"contact"``: kept).

    ``total = observed(D) + sum_r (s_r - observed_share_r(D)) * area_r`` over the listed
    regions, areas and shares from the oblast series (a region the series lacks: the
    scenario's area, nothing observed held).  Regions are summed: the front is not yet
    modelled per region.
    """
    km2 = front.line_km2(month)
    observed = front.regions.get(front.resolve(month)[0], {})
    for region, share in shares.items():
        if isinstance(share, str):  # "contact": stays on the observed line
            continue
        held, area = observed.get(
            region, (0.0, scenario.get(f"territory.regions.{region}.area_km2"))
        )
        km2 += float(share) * area - held
    return km2


def _month_start(month: str) -> dt.date:
    year, mon = (int(x) for x in month.split("-")[:2])
    return dt.date(year, mon, 1)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _set(raw: dict[str, Any], path: str, param: Any) -> None:
    keys = path.split(".")
    node = raw
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = copy.deepcopy(param)


def grid_path(scenario: Scenario):
    """The grid month by month on the scenario's deterministic no-deal path, or None."""
    if scenario.model.war.grid is None:
        return None
    from sim.engine import compute

    return compute(scenario, with_deals=False).path.grid[0, 0]


def _grid_state(scenario: Scenario, month: str, raw: dict[str, Any]) -> None:
    grid = grid_path(scenario)
    if grid is None:
        return
    t = scenario.month_index(month)
    value = float(grid[t])
    base = scenario.get("war.grid.initial")
    param: dict[str, Any] = {
        "value": value,
        "source": f"the grid of {month} on the {scenario.name} scenario's no-deal path "
        f"(from {base:g} at {scenario.month_label(0)})",
    }
    rng = scenario.uncertainty_range("war.grid.initial")
    if rng is not None:
        param["range"] = [min(max(r + value - base, 0.0), 1.0) for r in rng]
    raw["war"]["grid"]["initial"] = param


def rebase(
    scenario: Scenario,
    month: str,
    *,
    deals: Mapping[str, dict[str, Any]] | None = None,
    front: ObservedFront | None = None,
    scheduled: tuple[str, ...] = SCHEDULED,
) -> Scenario:
    """``scenario`` re-based at ``month`` (``YYYY-MM``) by the rules of this module.

    ``deals``: the re-based scenario's named deals (raw tables as in a scenario file);
    the scenario's own deals are dropped, and with them the named lines per region tied
    to them.  Raises :class:`ParameterError` for a month
    outside the history.
    """
    front = front or observed_front()
    first, last = history_months(scenario, front)
    if not first <= month <= last:
        raise ParameterError(f"month {month}: outside the history {first} .. {last}")
    start = _month_start(month)
    raw = copy.deepcopy(scenario._raw)  # the validated TOML tree (extends resolved)
    events = raw.pop("events", {})
    kept = {}
    for key, event in sorted(events.items(), key=lambda kv: (_as_date(kv[1]["date"]), kv[0])):
        if _as_date(event["date"]) <= start:
            for target, param in event.get("set", {}).items():
                _set(raw, target, param)
        elif key in scheduled:
            kept[key] = event
    raw["events"] = kept
    _, approx = front.resolve(month)
    note = " (the series' first observation: an approximation)" if approx else ""
    raw["war"]["initial_line"] = {
        "value": front.line_km2(month),
        "source": f"DeepStateMap, {front.date(month)} (occupied_area_monthly.csv){note}",
    }
    raw["scenario"] = {
        **raw["scenario"],
        "name": f"{scenario.name}@{month}",
        "date": start,
        "horizon_months": PLANNING_HORIZON,
    }
    raw["deals"] = dict(deals or {})
    lines = raw.get("regions", {}).get("lines")
    if lines:  # a named line per region tied to a deal the re-based file no longer has
        raw["regions"]["lines"] = {
            k: v for k, v in lines.items() if v.get("deal") is None or v["deal"] in raw["deals"]
        }
    _grid_state(scenario, month, raw)
    return scenario_from_dict(raw, name=f"{scenario.name} re-based at {month}")


__all__ = [
    "PLANNING_HORIZON",
    "SCHEDULED",
    "ObservedFront",
    "observed_front",
    "rebase",
    "region_line_km2",
]
