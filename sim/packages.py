"""The feasible set over a grid of packages.

A *package* fixes every term of a deal other than the line (each dimension's
``setting`` in [0, 1]).  For each package of a grid, :func:`packages` reads the
zone of possible agreement on the line at one month -- the interval of lines
that every actor with a veto prefers to fighting on -- with one vectorized
:func:`sim.evaluate` call over all the packages.  The feasible set is the set of
(package, line) pairs inside those intervals; for the packages where it is empty,
``binding`` names the actors whose bounds cross.

Which actors hold a veto depends on the package (an actor with a veto on a term
holds it when the package moves that term away from its no-deal value), as in
:func:`sim.solve`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.engine import evaluate
from sim.errors import ParameterError
from sim.model.scenario import Scenario, load_scenario

#: The largest grid :func:`packages` evaluates in one call.
MAX_PACKAGES = 2_000_000


@dataclass(frozen=True)
class Packages:
    """The ZOPA on the line for every package of a grid.

    ``settings[p, j]`` is package ``p``'s setting of ``dimensions[j]``; the
    packages run over the grid in C order (the last dimension fastest).
    ``outcomes`` holds one array of length ``P`` per key of
    :data:`sim.results.OUTCOMES` (and ``reservation_<actor>``).
    """

    scenario: str
    month: str
    actors: tuple[str, ...]
    dimensions: tuple[str, ...]
    labels: dict[str, str]
    levels: dict[str, np.ndarray]
    settings: np.ndarray
    outcomes: dict[str, np.ndarray]
    total_km2: float

    @property
    def feasible(self) -> np.ndarray:
        """``(P,)`` bool: a line acceptable to every veto player exists for the package."""
        return np.asarray(self.outcomes["zopa_exists"], dtype=bool)

    def binding(self, p: int) -> tuple[str, ...]:
        """The actors whose bounds set package ``p``'s interval (or cross, when it is empty)."""
        mask = int(self.outcomes["binding"][p])
        return tuple(a for i, a in enumerate(self.actors) if mask >> i & 1)

    def share_feasible_by_level(self) -> dict[str, np.ndarray]:
        """For each dimension, the share of packages with a ZOPA at each of its levels."""
        feasible = self.feasible
        return {
            d: np.array([feasible[self.settings[:, j] == v].mean() for v in self.levels[d]])
            for j, d in enumerate(self.dimensions)
        }

    def to_dict(self) -> dict:
        """JSON-ready: each package's settings, its ZOPA and its Nash line."""
        from sim.results import json_ready

        feasible, out = self.feasible, self.outcomes
        return json_ready(
            {
                "scenario": self.scenario,
                "month": self.month,
                "dimensions": self.dimensions,
                "levels": self.levels,
                "packages": [
                    {
                        "settings": dict(
                            zip(self.dimensions, self.settings[i].tolist(), strict=True)
                        ),
                        "zopa": {
                            "exists": bool(feasible[i]),
                            "lo_km2": out["zopa_lo_km2"][i],
                            "hi_km2": out["zopa_hi_km2"][i],
                            "gap_km2": out["zopa_gap_km2"][i],
                            "binding": self.binding(i),
                        },
                        "nash_km2": out["nash_km2"][i],
                    }
                    for i in range(len(feasible))
                ],
            }
        )

    def to_dataset(self):
        """The outcomes as an :class:`xarray.Dataset` with one dimension per term."""
        import xarray as xr

        shape = tuple(len(self.levels[d]) for d in self.dimensions)
        return xr.Dataset(
            {k: (self.dimensions, np.asarray(v).reshape(shape)) for k, v in self.outcomes.items()},
            coords={d: self.levels[d] for d in self.dimensions},
            attrs={"scenario": self.scenario, "month": self.month},
        )


def _levels(
    scenario: Scenario, levels: int | Mapping[str, Sequence[float]], dimensions
) -> dict[str, np.ndarray]:
    names = tuple(scenario.dimensions if dimensions is None else dimensions)
    for d in names:
        if d not in scenario.dimensions:
            known = ", ".join(scenario.dimensions)
            raise ParameterError(f"dimensions: unknown dimension {d!r} (known: {known})")
    if isinstance(levels, Mapping):
        for d in levels:
            if d not in scenario.dimensions:
                known = ", ".join(scenario.dimensions)
                raise ParameterError(f"levels: unknown dimension {d!r} (known: {known})")
        names = tuple(levels) if dimensions is None else names
        out = {
            d: np.asarray(levels.get(d, [scenario.get(f"dimensions.{d}.setting")]), float)
            for d in names
        }
    else:
        if int(levels) != levels or levels < 1:
            raise ParameterError(f"levels: expected a positive whole number, got {levels!r}")
        out = {
            d: np.linspace(0.0, 1.0, int(levels)) if levels > 1 else np.array([0.5]) for d in names
        }
    for d, values in out.items():
        if values.ndim != 1 or values.size == 0:
            raise ParameterError(f"levels.{d}: expected a non-empty list of numbers")
        if not np.all((values >= 0.0) & (values <= 1.0)):
            raise ParameterError(f"levels.{d}: settings must lie in [0, 1], got {values.tolist()}")
    return out


def packages(
    scenario: Scenario | str = "baseline",
    levels: int | Mapping[str, Sequence[float]] = 3,
    *,
    dimensions: Sequence[str] | None = None,
    month: int = 0,
) -> Packages:
    """The ZOPA on the line for every package of a grid over the other terms of a deal.

    Parameters
    ----------
    scenario : a Scenario or a built-in name / file path.
    levels : ``k`` evenly spaced settings in [0, 1] for each dimension (both ends
        included), or ``{dimension: settings}``; dimensions not named keep the
        scenario's setting.
    dimensions : the dimensions to vary (default: all of them, or those in
        ``levels`` when it is a mapping).
    month : the month index (0 = the scenario's date) at which the ZOPA is read.

    Returns
    -------
    Packages
    """
    scenario = load_scenario(scenario)
    grid = _levels(scenario, levels, dimensions)
    count = int(np.prod([v.size for v in grid.values()]))
    if count > MAX_PACKAGES:
        raise ParameterError(
            f"levels: {count:,} packages is more than {MAX_PACKAGES:,}; "
            "use fewer levels or dimensions (or a sweep, which streams to disk)"
        )
    names = tuple(grid)
    settings = np.array(list(itertools.product(*grid.values())), dtype=float).reshape(
        count, len(names)
    )
    params = {f"dimensions.{d}.setting": settings[:, j] for j, d in enumerate(names)}
    outcomes = evaluate(scenario, params, month=month)
    return Packages(
        scenario=scenario.name,
        month=scenario.month_label(month),
        actors=tuple(scenario.actors),
        dimensions=names,
        labels={d: scenario.model.dimensions[d].label for d in names},
        levels=grid,
        settings=settings,
        outcomes={k: np.asarray(v) for k, v in outcomes.items()},
        total_km2=float(scenario.get("territory.total_km2")),
    )


__all__ = ["MAX_PACKAGES", "Packages", "packages"]
