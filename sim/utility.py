r"""Spatial, single-peaked utilities over a deal, and acceptable intervals on the line.

A deal is ``x = (l, y)``: ``l`` the territorial line (km2 held by the first war
side) and ``y`` the other dimensions, each in [0, 1].  Actor ``i``'s utility per
month is

.. math::

    u_i(x) = \frac{1}{W_i} \sum_k w_{ik}
             \Bigl(1 - \bigl(|x_k - \theta_{ik}| / s_k\bigr)^{\rho_{ik}}\Bigr),
    \qquad W_i = \sum_k w_{ik},

with ideal point ``theta``, salience weight ``w`` (normalised to sum to 1),
curvature ``rho`` (1 risk-neutral, 2 quadratic loss) and span ``s_k`` (the
scenario's ``territory.span_km2`` for the line, 1 for the others).  Utility is
concave in each dimension for ``rho >= 1``.

Because the line enters additively, the set of lines an actor accepts, given
``y`` and a reservation utility ``rbar``, is an interval in closed form:
``|l - theta| <= s * a ** (1/rho)`` with ``a = 1 - (rbar - u_rest) / w_line``;
it is empty when ``a < 0``.  The ZOPA is then an intersection of intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch import ParamTable
from sim.scenario import LINE, Scenario


def term(x, ideal, span, curvature):
    """One dimension's single-peaked score ``1 - (|x - ideal| / span) ** curvature``."""
    return 1.0 - (np.abs(x - ideal) / span) ** curvature


@dataclass
class Utilities:
    """All actors' utility parameters as arrays of shape ``(B, n_actors, T)``.

    ``weight[:, :, d]`` are normalised so each actor's weights sum to 1; a
    dimension an actor does not care about has weight 0.  ``ideal``,
    ``curvature`` and ``weight`` are dicts over the dimensions (``"line"`` first).
    """

    actors: tuple[str, ...]
    dims: tuple[str, ...]
    weight: dict[str, np.ndarray]
    ideal: dict[str, np.ndarray]
    curvature: dict[str, np.ndarray]
    span: dict[str, np.ndarray]
    total_km2: np.ndarray

    @classmethod
    def from_table(cls, scenario: Scenario, table: ParamTable) -> Utilities:
        actors = scenario.actors
        dims = (LINE, *scenario.dimensions)
        size, months = table.size, table.months
        shape = (size, len(actors), months)
        total = table["territory.total_km2"]
        span_line = (
            table["territory.span_km2"] if scenario.model.territory.span_km2 is not None else total
        )
        weight = {d: np.zeros(shape) for d in dims}
        ideal = {d: np.zeros(shape) for d in dims}
        curvature = {d: np.ones(shape) for d in dims}
        values = table.values()
        for a, key in enumerate(actors):
            for d, spec in scenario.model.actors[key].utility.items():
                base = f"actors.{key}.utility.{d}"
                weight[d][:, a] = table.series(f"{base}.weight")
                curvature[d][:, a] = table.series(f"{base}.curvature")
                if isinstance(spec.ideal, str):
                    km2 = np.asarray(scenario.reference_line_km2(spec.ideal, values), float)
                    ideal[d][:, a] = np.broadcast_to(km2, (size,))[:, None]
                else:
                    ideal[d][:, a] = table.series(f"{base}.ideal")
        wsum = sum(weight.values())
        for d in dims:
            weight[d] = weight[d] / wsum
        span = {d: np.ones((size, 1, 1)) for d in dims}
        span[LINE] = span_line[:, None, None]
        return cls(actors, dims, weight, ideal, curvature, span, total)

    def line_part(self, line: np.ndarray) -> np.ndarray:
        """Weighted line score; ``line`` broadcasts against ``(B, n_actors, T)``."""
        return self.weight[LINE] * term(
            line, self.ideal[LINE], self.span[LINE], self.curvature[LINE]
        )

    def rest_part(self, terms: dict[str, np.ndarray]) -> np.ndarray:
        """Weighted score of the other dimensions at values ``terms[d]`` (broadcasting)."""
        total = np.zeros_like(self.weight[LINE])
        for d in self.dims[1:]:
            total = total + self.weight[d] * term(
                terms[d], self.ideal[d], self.span[d], self.curvature[d]
            )
        return total

    def acceptable(self, rbar: np.ndarray, rest: np.ndarray):
        """Each actor's acceptable interval of lines, given its reservation utility.

        Parameters
        ----------
        rbar, rest : arrays broadcasting to ``(B, n_actors, T)``: the reservation
            utility and the utility of the deal's other dimensions.

        Returns
        -------
        lo, hi : float arrays ``(B, n_actors, T)``, NaN where the actor accepts no line.
        """
        w = self.weight[LINE]
        total = self.total_km2[:, None, None]
        need = rbar - rest
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 - need / w
            radius = self.span[LINE] * np.where(a >= 0, a, 0.0) ** (1.0 / self.curvature[LINE])
        ideal = self.ideal[LINE]
        lo = np.clip(ideal - radius, 0.0, total)
        hi = np.clip(ideal + radius, 0.0, total)
        indifferent = w <= 0
        lo = np.where(indifferent, 0.0, lo)
        hi = np.where(indifferent, np.broadcast_to(total, hi.shape), hi)
        accepts_some = np.where(indifferent, need <= 1e-12, a >= 0)
        # Clipping can leave an interval that lies wholly outside [0, total].
        accepts_some = accepts_some & (lo <= hi)
        return np.where(accepts_some, lo, np.nan), np.where(accepts_some, hi, np.nan)
