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

from sim.model.batch import ParamTable
from sim.model.scenario import LINE, Scenario


def term(x, ideal, span, curvature):
    """One dimension's single-peaked score ``1 - (|x - ideal| / span) ** curvature``."""
    dist = np.abs(x - ideal) / span
    if np.all(curvature == 1.0):  # the common risk-neutral case: skip the power
        return 1.0 - dist
    return 1.0 - dist**curvature


def at_month(values: np.ndarray, t: int) -> np.ndarray:
    """Month ``t`` of an array whose last axis is months or 1 (constant over time)."""
    return values[..., min(t, values.shape[-1] - 1)]


def take_sets(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The parameter sets ``index`` of a ``(B, ..., T)`` array, kept in the engine's order.

    ``values[index]`` would lay the copy out set by set; the engine's arrays are
    stored with the axes reversed (month, actor, set), so the copy is too.
    """
    return values.T[..., index].T


def _stack(columns: list, size: int) -> np.ndarray:
    """Stack per-actor columns ``(B, 1)`` or ``(B, T)`` into ``(B, n, 1)`` or ``(B, n, T)``.

    The result is a view of storage ``(T, n, B)`` (the engine's order: month, actor, set).
    """
    months = max(np.shape(c)[-1] if np.ndim(c) == 2 else 1 for c in columns)
    out = np.empty((months, len(columns), size))
    for a, c in enumerate(columns):
        out[:, a] = np.transpose(c) if np.ndim(c) == 2 else c
    return out.T


@dataclass
class Utilities:
    """All actors' utility parameters as arrays of shape ``(B, n_actors, T)``.

    The last axis has length 1 where nothing changes over time (no dated event
    sets the parameter), which spares the ``T``-fold work; use :func:`at_month`
    to read month ``t``.  ``weight[d]`` are normalised so each actor's weights
    sum to 1; a dimension an actor does not care about has weight 0.
    ``ideal``, ``curvature`` and ``weight`` are dicts over the dimensions
    (``"line"`` first).
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
        size = table.size
        total = table["territory.total_km2"]
        span_line = (
            table["territory.span_km2"] if scenario.model.territory.span_km2 is not None else total
        )
        values = table.values()
        weight, ideal, curvature = {}, {}, {}
        for d in dims:
            cols: dict[str, list] = {"weight": [], "ideal": [], "curvature": []}
            for key in actors:
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
                    km2 = np.asarray(scenario.reference_line_km2(spec.ideal, values), float)
                    cols["ideal"].append(np.broadcast_to(km2, (size,))[:, None])
                else:
                    cols["ideal"].append(table.column(f"{base}.ideal"))
            weight[d] = _stack(cols["weight"], size)
            ideal[d] = _stack(cols["ideal"], size)
            curvature[d] = _stack(cols["curvature"], size)
        wsum = sum(weight.values())
        for d in dims:
            weight[d] = weight[d] / wsum
        span = {d: np.ones((size, 1, 1)) for d in dims}
        span[LINE] = span_line[:, None, None]
        return cls(actors, dims, weight, ideal, curvature, span, total)

    def _map(self, fn) -> Utilities:
        def each(d):
            return {k: fn(v) for k, v in d.items()}

        return Utilities(
            self.actors,
            self.dims,
            each(self.weight),
            each(self.ideal),
            each(self.curvature),
            each(self.span),
            self.total_km2
            if self.total_km2.ndim == 0
            else fn(self.total_km2[:, None, None])[:, 0, 0],
        )

    def month(self, t: int) -> Utilities:
        """The parameters in force at month ``t`` (every last axis of length 1)."""
        return self._map(lambda v: v[..., min(t, v.shape[-1] - 1), None])

    def line_only(self) -> Utilities:
        """The line's parameters alone: all that :meth:`acceptable` reads."""
        return Utilities(
            self.actors,
            (LINE,),
            *({LINE: d[LINE]} for d in (self.weight, self.ideal, self.curvature, self.span)),
            self.total_km2,
        )

    def for_actors(self, index: np.ndarray) -> Utilities:
        """The actors ``index`` only (the second axis; a length-1 one stays 1)."""
        picked = Utilities(
            tuple(self.actors[i] for i in index),
            self.dims,
            self.weight,
            self.ideal,
            self.curvature,
            self.span,
            self.total_km2,
        )
        return picked._map(lambda v: v if v.shape[1] == 1 else v[:, index])

    def months(self, window: slice) -> Utilities:
        """The parameters in force over the months ``window`` (a length-1 last axis stays 1)."""
        return self._map(lambda v: v if v.shape[-1] == 1 else v[..., window])

    def subset(self, index: np.ndarray) -> Utilities:
        """The parameter sets ``index`` of the batch."""
        return self._map(lambda v: take_sets(v, index))

    def line_part(self, line: np.ndarray) -> np.ndarray:
        """Weighted line score; ``line`` broadcasts against ``(B, n_actors, T)``."""
        return self.weight[LINE] * term(
            line, self.ideal[LINE], self.span[LINE], self.curvature[LINE]
        )

    def rest_part(self, terms: dict[str, np.ndarray]) -> np.ndarray:
        """Weighted score of the other dimensions at values ``terms[d]`` (broadcasting)."""
        total = np.zeros((*self.weight[LINE].shape[:2], 1))
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
        curv = self.curvature[LINE]
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 - need / w
            accepts_some = a >= 0
            if np.all(curv == 1.0):
                radius = self.span[LINE] * a
            else:
                radius = self.span[LINE] * np.where(accepts_some, a, 0.0) ** (1.0 / curv)
        ideal = self.ideal[LINE]
        lo = np.maximum(ideal - radius, 0.0)
        hi = np.minimum(ideal + radius, total)
        indifferent = w <= 0
        if indifferent.any():
            lo = np.where(indifferent, 0.0, lo)
            hi = np.where(indifferent, np.broadcast_to(total, hi.shape), hi)
            accepts_some = np.where(indifferent, need <= 1e-12, accepts_some)
        # Clipping can leave an interval that lies wholly outside [0, total].
        accepts_some &= lo <= hi
        return np.where(accepts_some, lo, np.nan), np.where(accepts_some, hi, np.nan)
