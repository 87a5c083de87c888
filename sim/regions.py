r"""The line as a vector over regions: values per region and the zone of agreement in R^k
(issue 18).

The scalar model reads one total line ``L`` (km2 held by the first war side).  This layer
reads a vector ``l = (l_1 .. l_k)``, one line per region (``0 <= l_r <= A_r``), next to it:

* **Values.** Actor ``i``'s line utility is ``u_i(l) = w_i (1 - (D_i(l) / s)^{rho_i})``
  with the weighted distance ``D_i(l) = sum_r omega_ir A_r (|l_r - theta_ir| / A_r)^kappa_ir``
  (:func:`sim.kernels.regions.regional_distance`): ``omega`` the worth of a km2 of region
  ``r`` relative to a km2 of the total line, ``kappa`` the curvature within the region,
  ``theta_ir`` the region's ideal (default: the actor's total ideal placed on the ordered
  reference lines, :meth:`sim.model.scenario.Scenario.region_control`).  The other terms of
  the deal and the reservation utilities ``rbar_i`` are the scalar model's.
* **The feasible set** ``F = {l in prod_r [0, A_r] : D_i(l) <= R_i for every veto player}``,
  ``R_i`` the radius of :func:`sim.kernels.regions.acceptable_radius` -- convex (a box cut
  by sublevel sets of convex functions) for ``kappa, rho >= 1``.
* **Per-region ranges** -- the projection of ``F`` on each axis: ``min / max l_r`` over
  ``F``.  With every ``kappa = 1`` this is a linear programme in ``(l, t)`` with
  ``t_ir >= |l_r - theta_ir|`` (``scipy.optimize.linprog``, HiGHS), exact; otherwise the
  same epigraph form with the convex constraints ``sum_r omega A (t / A)^kappa <= R`` by
  SLSQP.
* **Nash** (weighted by the bargaining powers ``beta_i``, Kalai 1977):
  ``argmax_{l in F} sum_i beta_i log(u_i(l) - rbar_i)`` over the veto players; **Kalai-
  Smorodinsky**: ``argmax lambda`` s.t. ``u_i(l) - rbar_i >= lambda (m_i - rbar_i)``,
  ``m_i = max_F u_i``.  Both are smooth convex programmes in the epigraph variables
  ``(l, t)`` (the objective is concave and decreasing in ``t``, so ``t = |l - theta|`` at the
  optimum), solved by SLSQP from the feasible set's Chebyshev-like centre.
* **Named lines** -- each region's share, a reference line's or the no-deal line's
  (``"contact"``) -- evaluated exactly: each actor's utility, margin over ``rbar_i``, and
  whether it accepts.

One scenario at one month (``solve``); scipy's programmes are not batched over parameter
sets.  References: Nash (1950), Kalai (1977), Kalai and Smorodinsky (1975) (see
:mod:`sim.kernels.solutions`); the epigraph form of a weighted L1 norm: Boyd and
Vandenberghe, *Convex Optimization* (2004), Sec. 4.3 / 6.1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import linprog, minimize

from sim.errors import ParameterError, ScenarioError
from sim.kernels.regions import (
    acceptable_radius,
    regional_distance,
    regional_line_utility,
    section,
)
from sim.model.scenario import LINE, Scenario

#: The status quo of a region in a named line: its share on the month's no-deal line.
CONTACT = "contact"

#: Solver tolerance (km2, utility).
TOL = 1e-7


# -- the values ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalValues:
    """Regions ``R`` (keys, labels, areas ``(R,)``), each actor's regional ideal, weight
    and curvature ``(n, R)`` and ``outside`` ``(n,)``: the part of its total ideal beyond
    the regions (``max(theta_i - sum_r A_r, 0)``, a constant distance)."""

    regions: tuple[str, ...]
    labels: dict[str, str]
    area: np.ndarray
    ideal: np.ndarray
    weight: np.ndarray
    curvature: np.ndarray
    outside: np.ndarray


def enabled(scenario: Scenario) -> bool:
    """Whether the scenario switches the regional layer on (a ``[regions]`` table)."""
    return scenario.model.regions is not None and bool(scenario.model.territory.regions)


def control_vector(scenario: Scenario, line_km2: float) -> np.ndarray:
    """Each region's km2 held on the total line ``line_km2`` placed on the reference lines
    ``(R,)`` (the scalar model's placement)."""
    terr = scenario.model.territory
    shares = scenario.region_control(float(line_km2))
    return np.array(
        [
            shares[spec.map_name or r] * scenario.get(f"territory.regions.{r}.area_km2")
            for r, spec in terr.regions.items()
        ]
    )


def _areas(scenario: Scenario) -> np.ndarray:
    return np.array(
        [scenario.get(f"territory.regions.{r}.area_km2") for r in scenario.model.territory.regions]
    )


def regional_values(scenario: Scenario, total_ideal: np.ndarray) -> RegionalValues:
    """The regional values of the scenario's ``[regions.values]`` table (default weight
    and curvature 1); ``total_ideal`` ``(n,)`` each actor's total ideal line (km2)."""
    terr = scenario.model.territory
    regions, actors = tuple(terr.regions), scenario.actors
    area = _areas(scenario)
    ideal = np.array([control_vector(scenario, float(x)) for x in total_ideal])
    weight, curvature = np.ones_like(ideal), np.ones_like(ideal)
    table = scenario.model.regions.values if scenario.model.regions is not None else {}
    for actor, per_region in table.items():  # names checked by the schema (_check_regions)
        i = actors.index(actor)
        for region, v in per_region.items():
            r = regions.index(region)
            path = f"regions.values.{actor}.{region}"
            weight[i, r] = scenario.get(f"{path}.weight")
            curvature[i, r] = scenario.get(f"{path}.curvature")
            if curvature[i, r] < 1.0:
                raise ScenarioError(
                    f"{scenario.name}: {path}.curvature: must be >= 1 (a convex loss within "
                    f"the region), got {curvature[i, r]:g}"
                )
            if v.ideal_share is not None:
                ideal[i, r] = scenario.get(f"{path}.ideal_share") * area[r]
    labels = {r: spec.label for r, spec in terr.regions.items()}
    outside = np.maximum(np.asarray(total_ideal, dtype=float) - area.sum(), 0.0)
    return RegionalValues(regions, labels, area, ideal, weight, curvature, outside)


def line_vector(scenario: Scenario, spec: dict, status_quo: np.ndarray, where: str) -> np.ndarray:
    """A named line per region (``{region: share | reference line | "contact"}``, a share
    a number or a :class:`~sim.model.params.Param`) in km2 ``(R,)``; a region not named
    is at ``status_quo``.  ``where`` names the table in messages (and, for a scenario's
    own ``regions.lines.<key>.line``, is the parameters' path: overrides apply)."""
    terr = scenario.model.territory
    regions = tuple(terr.regions)
    out = np.array(status_quo, dtype=float)
    area = _areas(scenario)
    for region, value in spec.items():
        if region not in regions:
            raise ScenarioError(
                f"{scenario.name}: {where}.{region}: unknown region (defined: {', '.join(regions)})"
            )
        r = regions.index(region)
        if isinstance(value, str):
            if value == CONTACT:
                continue
            if value not in terr.lines:
                raise ScenarioError(
                    f"{scenario.name}: {where}.{region}: {value!r} is neither 'contact' nor "
                    f"a reference line (defined: {', '.join(terr.lines)})"
                )
            control = terr.lines[value].control
            share = (
                scenario.get(f"territory.lines.{value}.control.{region}")
                if region in (control)
                else 0.0
            )
        else:
            share = float(getattr(value, "value", value))
            if hasattr(value, "value") and where.startswith("regions.lines."):
                share = scenario.get(f"{where}.{region}")
            if not 0.0 <= share <= 1.0:
                raise ScenarioError(
                    f"{scenario.name}: {where}.{region}: a share must be in [0, 1], got {share:g}"
                )
        out[r] = share * area[r]
    return out


# -- the fronts per region -------------------------------------------------------------


def has_fronts(scenario: Scenario) -> bool:
    """Whether the scenario gives fronts per region (``[regions.front]``)."""
    return scenario.model.regions is not None and bool(scenario.model.regions.front)


def regional_front(scenario: Scenario, line0_km2: float):
    """The scenario's fronts per region (:class:`sim.kernels.regions.RegionalFront`, one
    set): a region without a ``[regions.front.<region>]`` table never moves; the line of
    month 0 is ``line0_km2`` placed on the reference lines."""
    from sim.kernels.regions import RegionalFront

    regions = tuple(scenario.model.territory.regions)
    table = scenario.model.regions.front  # its regions checked by the schema
    alloc = np.array(
        [scenario.get(f"regions.front.{r}.allocation") if r in table else 0.0 for r in regions]
    )
    offset = np.array(
        [scenario.get(f"regions.front.{r}.offset_km2") if r in table else 0.0 for r in regions]
    )
    return RegionalFront(
        alloc[None], offset[None], _areas(scenario)[None], control_vector(scenario, line0_km2)[None]
    )


def no_deal_regions(scenario: Scenario, comp) -> np.ndarray:
    """Each region's no-deal line ``(R, T)`` of the first parameter set: the fronts per
    region driven by the neutral war path's drift when the scenario gives them, else the
    total line placed on the reference lines.

    The total is the sum.  The fronts' allocations were fitted region by region on the
    observed months (they sum to ``sum_r alpha_r`` near, not at, 1) and their offsets add
    a drift of their own, so where the war's drift departs from the fitted period the
    regions' sum would part from the war path's total line (by 2.6% after five years on
    the baseline's path with the patrons of issue 19).  The difference of each month is
    shared over the regions in proportion to their allocations (a region the capacity
    balance does not move, ``alpha_r = 0``, keeps its own front), then capped at each
    region's area and at zero.  Locked fronts (``sum alpha = 1``, no offsets) need no
    share: the sum is the total already."""
    from sim.kernels.regions import regional_paths
    from sim.kernels.war import simulate

    if not has_fronts(scenario):
        return np.array([control_vector(scenario, x) for x in comp.line[0]]).T
    batch = comp.batch
    path = simulate(batch.war, comp.war.parts, np.zeros((batch.size, 1)))
    front = regional_front(scenario, float(comp.line[0, 0]))
    season = np.moveaxis(np.asarray(batch.war.season), 0, -1)[:1]
    lines = regional_paths(front, path.drift[:1, :1], season)[0, 0]
    alloc = front.allocation[0]
    if alloc.sum() <= 0:
        return lines
    return share_out(lines, comp.line[0] - lines.sum(axis=0), alloc, front.area_km2[0])


def share_out(lines: np.ndarray, residual: np.ndarray, alloc: np.ndarray, area: np.ndarray):
    """``lines`` ``(..., R, T)`` plus each month's ``residual`` ``(..., T)`` km2 shared over
    the regions, capped at ``[0, area_r]`` (water-filling): in proportion to the
    allocations ``(..., R)`` of the regions with room left in the residual's direction;
    where none of them has room (the axes the capacity balance moves are exhausted: all of
    Donetsk held), in proportion to the room of the others.  What no region has room for
    is dropped.  Leading axes (parameter sets) broadcast; each ``(set, month)`` column is
    shared on its own."""
    out = np.array(lines, dtype=float)
    rem = np.asarray(residual, dtype=float).copy()
    cap = np.asarray(area, dtype=float)[..., :, None]
    weights = np.asarray(alloc, dtype=float)[..., :, None]
    for _ in range(out.shape[-2] + 1):
        room = np.where(rem[..., None, :] > 0, cap - out, out)  # in the residual's direction
        open_ = room > 1e-9
        w = np.where(open_, weights, 0.0)
        by_room = np.where(open_, room, 0.0)
        w_sum, room_sum = w.sum(axis=-2), by_room.sum(axis=-2)
        w = np.where(
            w_sum[..., None, :] > 0,
            w / np.where(w_sum > 0, w_sum, 1.0)[..., None, :],
            by_room / np.where(room_sum > 0, room_sum, 1.0)[..., None, :],
        )
        out = out + w * rem[..., None, :]
        rem = np.maximum(out - cap, 0.0).sum(axis=-2) - np.maximum(-out, 0.0).sum(axis=-2)
        out = np.clip(out, 0.0, cap)
        if np.all(np.abs(rem) <= 1e-9):
            break
    return out


# -- the problem at one month ---------------------------------------------------------


@dataclass(frozen=True)
class RegionalProblem:
    """The zone over regional lines at one month: the values, and per actor ``(n,)`` the
    line's weight ``w``, curvature ``rho``, the radius ``R`` it accepts, its surplus
    scale ``need`` (``rbar - u_rest``), bargaining power and whether it holds a veto;
    ``span`` the line's span ``s``."""

    values: RegionalValues
    line_weight: np.ndarray
    line_curvature: np.ndarray
    span: float
    need: np.ndarray
    power: np.ndarray
    veto: np.ndarray
    #: ``(R,)`` km2 bounds on each region's line beyond ``[0, area]`` (None: none): the
    #: hard red lines in their regional form (:func:`red_line_bounds`).
    floor: np.ndarray | None = None
    cap: np.ndarray | None = None
    radius: np.ndarray = field(init=False)

    def __post_init__(self):
        radius = acceptable_radius(self.need, self.line_weight, self.span, self.line_curvature)
        object.__setattr__(self, "radius", radius)

    def utility(self, lines: np.ndarray) -> np.ndarray:
        """Each actor's line utility ``(..., n)`` at ``lines`` ``(..., R)``."""
        v = self.values
        d = regional_distance(lines, v.ideal, v.weight, v.curvature, v.area, v.outside)
        return regional_line_utility(d, self.line_weight, self.span, self.line_curvature)

    def surplus(self, lines: np.ndarray) -> np.ndarray:
        """``u_i(l) + u_rest - rbar_i`` ``(..., n)``: >= 0 where ``i`` accepts."""
        return self.utility(lines) - self.need

    def binding(self) -> np.ndarray:
        """The actors whose acceptance constrains ``F``: veto players with a finite radius."""
        return np.flatnonzero(self.veto & np.isfinite(self.radius))

    def refuses(self) -> bool:
        """A veto player accepts no line at all."""
        return bool(np.any(self.veto & (self.radius == -np.inf)))


# -- the epigraph programme -----------------------------------------------------------


class _Epigraph:
    """Variables ``x = (l, t)``: the lines ``l`` ``(R,)`` and one epigraph variable
    ``t_jr >= |l_r - theta_jr|`` for each binding actor ``j`` and region ``r`` whose ideal
    lies inside the region (``0 < theta < A``); where the ideal is at an end, the distance
    is linear in ``l`` (``l_r`` or ``A_r - l_r``) and needs no variable."""

    def __init__(self, problem: RegionalProblem):
        self.p = problem
        self.who = problem.binding()
        v = problem.values
        self.k, self.m = v.area.size, self.who.size
        ideal = v.ideal[self.who]  # (m, R)
        self.low = ideal <= 0.0  # distance l_r
        self.high = ideal >= v.area  # distance A_r - l_r
        inner = ~(self.low | self.high)
        self.index = np.full((self.m, self.k), -1)
        self.index[inner] = self.k + np.arange(int(inner.sum()))
        self.n = self.k + int(inner.sum())
        rows, rhs = [], []
        for j, r in zip(*np.nonzero(inner), strict=True):
            for sign in (1.0, -1.0):  # sign (l_r - theta) - t <= 0
                row = np.zeros(self.n)
                row[r] = sign
                row[self.index[j, r]] = -1.0
                rows.append(row)
                rhs.append(sign * ideal[j, r])
        self.a_abs = np.array(rows).reshape(-1, self.n)
        self.b_abs = np.array(rhs)
        floor = np.zeros(self.k) if problem.floor is None else problem.floor
        cap = v.area if problem.cap is None else np.minimum(problem.cap, v.area)
        self.bounds = [(float(f), float(c)) for f, c in zip(floor, cap, strict=True)] + [
            (0.0, float(v.area[r])) for _, r in zip(*np.nonzero(inner), strict=True)
        ]

    def initial(self, lines: np.ndarray) -> np.ndarray:
        """``x`` at ``lines`` with every epigraph variable tight."""
        ideal = self.p.values.ideal[self.who]
        inner = self.index >= 0
        return np.concatenate([lines, np.abs(lines[None, :] - ideal)[inner]])

    def gaps(self, x: np.ndarray) -> np.ndarray:
        """The distances ``d_jr`` (``t``, ``l`` or ``A - l``) ``(m, R)``."""
        lines, area = x[: self.k], self.p.values.area
        d = np.where(self.low, lines[None, :], area - lines[None, :])
        inner = self.index >= 0
        d[inner] = x[self.index[inner]]
        return d

    def distance(self, x: np.ndarray) -> np.ndarray:
        """``D_j`` of the binding actors ``(m,)``."""
        v, who = self.p.values, self.who
        d = np.maximum(self.gaps(x), 0.0) / v.area
        curv = v.curvature[who]
        d = np.where(curv == 1.0, d, d**curv)
        return v.outside[who] + (v.weight[who] * v.area * d).sum(-1)

    def distance_jac(self, x: np.ndarray) -> np.ndarray:
        """``dD_j / dx`` ``(m, n)``: ``omega kappa (d / A)^(kappa - 1)`` times ``dd / dx``."""
        v, who, k = self.p.values, self.who, self.k
        d = np.maximum(self.gaps(x), 0.0) / v.area
        curv = v.curvature[who]
        g = v.weight[who] * np.where(curv == 1.0, 1.0, curv * d ** (curv - 1.0))
        out = np.zeros((self.m, self.n))
        rows = np.arange(self.m)[:, None]
        cols = np.broadcast_to(np.arange(k), (self.m, k))
        sign = np.where(self.low, 1.0, -1.0)
        lin = self.index < 0
        np.add.at(out, (np.broadcast_to(rows, (self.m, k))[lin], cols[lin]), (sign * g)[lin])
        inner = ~lin
        out[np.broadcast_to(rows, (self.m, k))[inner], self.index[inner]] = g[inner]
        return out

    def linear(self) -> bool:
        return bool(np.all(self.p.values.curvature[self.who] == 1.0))

    def lp_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The linear constraints: the epigraph's and, when linear, ``D_j <= R_j``
        (``D_j`` is affine in ``x``: its Jacobian, and its value at ``x = 0``)."""
        rows, rhs = [self.a_abs], [self.b_abs]
        if self.linear():
            zero = np.zeros(self.n)
            rows.append(self.distance_jac(zero))
            rhs.append(self.p.radius[self.who] - self.distance(zero))
        return np.vstack(rows), np.concatenate(rhs)

    def constraints(self) -> list[dict]:
        """SLSQP's constraints (``fun(x) >= 0``)."""
        out = []
        if self.a_abs.shape[0]:
            out.append(
                {
                    "type": "ineq",
                    "fun": lambda x: self.b_abs - self.a_abs @ x,
                    "jac": lambda x: -self.a_abs,
                }
            )
        if self.m:
            out.append(
                {
                    "type": "ineq",
                    "fun": lambda x: self.p.radius[self.who] - self.distance(x),
                    "jac": lambda x: -self.distance_jac(x),
                }
            )
        return out

    def extreme(self, c: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """``argmin c . x`` over the feasible set (None, False where it is empty)."""
        if self.linear():
            a, b = self.lp_rows()
            res = linprog(c, A_ub=a, b_ub=b, bounds=self.bounds, method="highs")
            return (res.x, True) if res.status == 0 else (None, False)
        x0 = self.start()
        if x0 is None:
            return None, False
        res = minimize(
            lambda x: float(c @ x),
            x0,
            jac=lambda x: c,
            bounds=self.bounds,
            constraints=self.constraints(),
            method="SLSQP",
            options={"ftol": 1e-12, "maxiter": 500},
        )
        return res.x, bool(self.feasible(res.x))

    def feasible(self, x: np.ndarray, tol: float = 1e-6) -> bool:
        ok = self.a_abs.shape[0] == 0 or np.all(self.a_abs @ x <= self.b_abs + tol)
        if self.m:
            scale = np.maximum(1.0, np.abs(self.p.radius[self.who]))
            ok = ok and np.all(self.distance(x) <= self.p.radius[self.who] + tol * scale)
        return bool(ok)

    def start(self) -> np.ndarray | None:
        """:meth:`interior`, computed once."""
        if not hasattr(self, "_start"):
            self._start = self.interior()
        return self._start

    def interior(self) -> np.ndarray | None:
        """A point deep inside the feasible set, or None when it is empty: the phase-one
        programme ``min_{x, z} z`` s.t. ``(D_j(x) - R_j) / S_j <= z`` (``S_j = max(R_j, 1)``)
        and the epigraph's rows; ``z < 0`` at the optimum means an interior point (the
        point with the largest smallest relative slack).  SLSQP starts at the regions'
        midpoints in km2; where it ends outside, once more from the red lines' box centre
        in shares of each variable's bound (it can stall short of ``z < 0`` in km2: a zone
        it called empty had a strictly feasible point, found by
        :func:`sim.kernels.projection.projection`)."""
        v = self.p.values
        x0 = self.initial(v.area / 2.0)
        if self.m == 0:
            return x0
        found = self._phase_one(x0)
        if found is None:  # once more, from the box's centre, in shares of the areas
            box = np.array(self.bounds[: self.k])
            unit = np.array([hi for _, hi in self.bounds])
            found = self._phase_one(self.initial(box.mean(axis=1)), np.maximum(unit, 1.0))
        return found

    def _phase_one(self, x0: np.ndarray, unit: np.ndarray | None = None) -> np.ndarray | None:
        """:meth:`interior`'s programme by SLSQP from ``x0``, in the variables ``x / unit``
        (``unit`` ``(n,)``, default 1: km2)."""
        who = self.who
        radius = self.p.radius[who]
        scale = np.maximum(np.abs(radius), 1.0)
        unit = np.ones(self.n) if unit is None else unit
        z0 = float(np.max((self.distance(x0) - radius) / scale)) + 1.0
        cons = [
            {
                "type": "ineq",
                "fun": lambda y: y[-1] - (self.distance(y[:-1] * unit) - radius) / scale,
                "jac": lambda y: np.hstack(
                    [
                        -self.distance_jac(y[:-1] * unit) * unit / scale[:, None],
                        np.ones((self.m, 1)),
                    ]
                ),
            },
        ]
        if self.a_abs.shape[0]:
            rows = self.a_abs * unit
            cons.append(
                {
                    "type": "ineq",
                    "fun": lambda y: self.b_abs - rows @ y[:-1],
                    "jac": lambda y: np.hstack([-rows, np.zeros((rows.shape[0], 1))]),
                }
            )
        bounds = [(lo / u, hi / u) for (lo, hi), u in zip(self.bounds, unit, strict=True)]
        res = minimize(
            lambda y: y[-1],
            np.append(x0 / unit, z0),
            jac=lambda y: np.append(np.zeros(self.n), 1.0),
            bounds=[*bounds, (-1.0, None)],
            constraints=cons,
            method="SLSQP",
            options={"ftol": 1e-12, "maxiter": 1000},
        )
        x = res.x[:-1] * unit
        return x if self.feasible(x) else None


# -- the zone ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalZone:
    """The zone over regional lines: ``exists``; per region ``lo`` / ``hi`` (km2, NaN when
    empty) -- the projection of ``F``; ``solutions`` ``{name: (R,) km2}`` (Nash, Kalai-
    Smorodinsky); ``section_lo`` / ``section_hi`` each region's acceptable range with the
    other regions held at the no-deal line (NaN where none:
    :func:`sim.kernels.regions.section`)."""

    exists: bool
    lo: np.ndarray
    hi: np.ndarray
    solutions: dict[str, np.ndarray]
    section_lo: np.ndarray | None = None
    section_hi: np.ndarray | None = None


def ranges(problem: RegionalProblem, ep: _Epigraph | None = None):
    """Each region's range over the feasible set: ``(exists, lo (R,), hi (R,))``
    (``2R`` linear or convex programmes)."""
    k = problem.values.area.size
    nan = np.full(k, np.nan)
    if problem.refuses():
        return False, nan, nan.copy()
    ep = _Epigraph(problem) if ep is None else ep
    lo, hi = np.empty(k), np.empty(k)
    for r in range(k):
        for sign, out in ((1.0, lo), (-1.0, hi)):
            c = np.zeros(ep.n)
            c[r] = sign
            x, ok = ep.extreme(c)
            if not ok:
                return False, nan, nan.copy()
            out[r] = x[r]
    return True, lo, hi


def _gap(problem: RegionalProblem, ep: _Epigraph):
    """The binding actors' surplus over ``rbar`` divided by ``w_j``,
    ``g_j(x) = a_j - (D_j / s)^rho_j``, and its Jacobian ``(m, n)``."""
    who = ep.who
    a = 1.0 - problem.need[who] / problem.line_weight[who]
    rho, s = problem.line_curvature[who], problem.span

    def gap(x):
        return a - (ep.distance(x) / s) ** rho

    def jac(x):
        d = ep.distance(x) / s
        return -(rho / s * np.maximum(d, 0.0) ** (rho - 1.0))[:, None] * ep.distance_jac(x)

    return gap, jac


def nash(problem: RegionalProblem, start: np.ndarray) -> np.ndarray:
    """The weighted Nash point ``argmax_F sum_j beta_j log(u_j - rbar_j)`` (lines ``(R,)``).

    Veto players that give the line no weight (or accept every line) do not move it; with
    no binding actor the Nash point is not unique and the feasible set's centre is
    returned."""
    ep = _Epigraph(problem)
    if ep.m == 0:
        return start[: ep.k]
    beta = problem.power[ep.who]
    gap, jac = _gap(problem, ep)

    def f(x):
        g = gap(x)
        if np.any(g <= 0):
            return 1e12, np.zeros_like(x)
        return -float(np.sum(beta * np.log(g))), -(beta / g) @ jac(x)

    res = minimize(
        f,
        start,
        jac=True,
        bounds=ep.bounds,
        constraints=ep.constraints(),
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 2000},
    )
    return res.x[: ep.k]


def kalai_smorodinsky(problem: RegionalProblem, start: np.ndarray) -> np.ndarray:
    """The Kalai-Smorodinsky point: the largest ``lambda`` with every binding actor's
    surplus at least ``lambda`` times its largest surplus over ``F`` (lines ``(R,)``)."""
    ep = _Epigraph(problem)
    if ep.m == 0:
        return start[: ep.k]
    gap, jac = _gap(problem, ep)
    best = np.empty(ep.m)
    for j in range(ep.m):  # the largest surplus over F: the smallest distance D_j
        res = minimize(
            lambda x, j=j: (ep.distance(x)[j], ep.distance_jac(x)[j]),
            start,
            jac=True,
            bounds=ep.bounds,
            constraints=ep.constraints(),
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 1000},
        )
        best[j] = gap(res.x)[j]

    def lifted(c):
        return {
            "type": "ineq",
            "fun": lambda y: c["fun"](y[:-1]),
            "jac": lambda y: np.hstack([c["jac"](y[:-1]), np.zeros((len(c["fun"](y[:-1])), 1))]),
        }

    cons = [lifted(c) for c in ep.constraints()]
    cons.append(
        {
            "type": "ineq",
            "fun": lambda y: gap(y[:-1]) - y[-1] * best,
            "jac": lambda y: np.hstack([jac(y[:-1]), -best[:, None]]),
        }
    )
    res = minimize(
        lambda y: (-y[-1], np.append(np.zeros(ep.n), -1.0)),
        np.append(start, 0.0),
        jac=True,
        bounds=[*ep.bounds, (0.0, 1.0)],
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 2000},
    )
    return res.x[: ep.k]


def pareto_frontier(
    problem: RegionalProblem, pair: tuple[int, int], points: int = 9
) -> tuple[np.ndarray, np.ndarray]:
    """The Pareto frontier of two veto players' surpluses over the feasible set.

    For ``points`` levels ``v`` of the second actor's surplus (divided by its line weight,
    from 0 to its largest over ``F``) the first actor's largest surplus subject to the
    second's being at least ``v``: a convex programme each (concave surpluses, convex
    ``F``; SLSQP in the epigraph variables).  Both actors must bind (veto, finite radius).
    Returns the surpluses ``(points, 2)`` (over ``rbar``, in utility) and the lines
    ``(points, R)``; NaN where ``F`` is empty."""
    ep = _Epigraph(problem)
    k = problem.values.area.size
    where = [int(np.flatnonzero(ep.who == i)[0]) if i in ep.who else -1 for i in pair]
    if min(where) < 0:
        raise ValueError("pareto_frontier: both actors must be binding veto players")
    start = ep.start()
    if start is None:
        return np.full((points, 2), np.nan), np.full((points, k), np.nan)
    gap, jac = _gap(problem, ep)
    a, b = where
    res = minimize(
        lambda x: (-gap(x)[b], -jac(x)[b]),
        start,
        jac=True,
        bounds=ep.bounds,
        constraints=ep.constraints(),
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    top = float(gap(res.x)[b])
    levels = np.linspace(0.0, top, points)
    surplus, lines = np.empty((points, 2)), np.empty((points, k))
    x = start
    for n, v in enumerate(levels):
        cons = [
            *ep.constraints(),
            {"type": "ineq", "fun": lambda y, v=v: gap(y)[b] - v, "jac": lambda y: jac(y)[b]},
        ]
        res = minimize(
            lambda y: (-gap(y)[a], -jac(y)[a]),
            x,
            jac=True,
            bounds=ep.bounds,
            constraints=cons,
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 1000},
        )
        x = res.x
        g = gap(x)
        w = problem.line_weight[ep.who]
        surplus[n] = g[a] * w[a], g[b] * w[b]
        lines[n] = x[:k]
    return surplus, lines


def zone(problem: RegionalProblem) -> RegionalZone:
    """The feasible set's per-region ranges and the Nash and Kalai-Smorodinsky points."""
    ep = _Epigraph(problem)
    exists, lo, hi = ranges(problem, ep)
    if not exists:
        return RegionalZone(False, lo, hi, {})
    start = ep.start()
    if start is None:  # the LP found a point, the interior is empty (a single point)
        mid = (lo + hi) / 2.0
        return RegionalZone(True, lo, hi, {"nash": mid, "kalai_smorodinsky": mid})
    return RegionalZone(
        True,
        lo,
        hi,
        {"nash": nash(problem, start), "kalai_smorodinsky": kalai_smorodinsky(problem, start)},
    )


# -- one scenario at one month ------------------------------------------------------------


@dataclass(frozen=True)
class RegionalLineVerdict:
    """A named line per region: ``km2`` ``(R,)``, each actor's ``utility`` (the whole
    deal's, other terms at their settings), ``margin`` over ``rbar`` and ``accepts``;
    ``passes`` when every veto player accepts."""

    label: str
    km2: np.ndarray
    utility: dict[str, float]
    margin: dict[str, float]
    accepts: dict[str, bool]
    passes: bool
    source: str | None = None


@dataclass(frozen=True)
class RegionalResult:
    """What ``solve`` reports per region (see :func:`solve_regions`)."""

    regions: tuple[str, ...]
    labels: dict[str, str]
    area_km2: np.ndarray
    status_quo_km2: np.ndarray
    zone: RegionalZone
    lines: dict[str, RegionalLineVerdict]
    veto_players: tuple[str, ...] = ()
    #: The two war sides' Pareto frontier over the feasible set (:func:`pareto_frontier`):
    #: ``(actors, surplus (P, 2), lines (P, R))``, None when either side does not bind.
    frontier: tuple | None = None

    def frontier_dict(self) -> dict | None:
        """``regional_frontier``: the war sides' surpluses and the lines along it."""
        if self.frontier is None:
            return None
        actors, surplus, lines = self.frontier
        return {
            "actors": list(actors),
            "surplus": [[_num(v) for v in row] for row in surplus],
            "regions": {
                f"{r}_km2": [_num(v) for v in lines[:, i]] for i, r in enumerate(self.regions)
            },
        }

    def to_zopa_dict(self) -> dict:
        """``zopa.regions.<region>.{lo_share, hi_share, lo_km2, hi_km2}``."""
        z = self.zone
        return {
            r: {
                "lo_share": _num(z.lo[i] / self.area_km2[i]),
                "hi_share": _num(z.hi[i] / self.area_km2[i]),
                "lo_km2": _num(z.lo[i]),
                "hi_km2": _num(z.hi[i]),
                "status_quo_km2": float(self.status_quo_km2[i]),
                "section_lo_km2": _num(z.section_lo[i]) if z.section_lo is not None else None,
                "section_hi_km2": _num(z.section_hi[i]) if z.section_hi is not None else None,
            }
            for i, r in enumerate(self.regions)
        }

    def solution_dict(self, name: str) -> dict:
        """``solutions.<name>.regions.<region>_km2`` (and the total)."""
        x = self.zone.solutions.get(name)
        if x is None:
            return {"regions": {f"{r}_km2": None for r in self.regions}, "total_km2": None}
        return {
            "regions": {f"{r}_km2": float(x[i]) for i, r in enumerate(self.regions)},
            "total_km2": float(x.sum()),
        }

    def lines_dict(self) -> dict:
        return {
            k: {
                "label": v.label,
                "source": v.source,
                "total_km2": float(v.km2.sum()),
                "regions": {f"{r}_km2": float(v.km2[i]) for i, r in enumerate(self.regions)},
                "passes": v.passes,
                "actors": {
                    a: {"utility": v.utility[a], "margin": v.margin[a], "accepts": v.accepts[a]}
                    for a in v.utility
                },
            }
            for k, v in self.lines.items()
        }

    def table(self) -> list[str]:
        """The per-region table for ``solve``'s text output."""
        z = self.zone
        names = list(z.solutions)
        head = f"{'region':<22} {'area':>7} {'now':>7} {'zone lo':>8} {'zone hi':>8}"
        head += f" {'alone lo':>8} {'alone hi':>8}"
        head += "".join(f" {n[:8]:>8}" for n in names)
        out = [
            "Per region (km2 held by the first war side). zone lo/hi: the projection of the "
            "feasible set in R^k (any other region may move); alone lo/hi: this region's "
            "acceptable range with the others at the no-deal line ('-': none).",
            head,
        ]
        sec_lo = z.section_lo if z.section_lo is not None else np.full(len(self.regions), np.nan)
        sec_hi = z.section_hi if z.section_hi is not None else np.full(len(self.regions), np.nan)
        for i, r in enumerate(self.regions):
            row = (
                f"{self.labels[r][:22]:<22} {self.area_km2[i]:>7,.0f} "
                f"{self.status_quo_km2[i]:>7,.0f} {_fmt(z.lo[i]):>8} {_fmt(z.hi[i]):>8}"
                f" {_fmt(sec_lo[i]):>8} {_fmt(sec_hi[i]):>8}"
            )
            row += "".join(f" {_fmt(z.solutions[n][i]):>8}" for n in names)
            out.append(row)
        if not z.exists:
            out.append("No regional line is acceptable to every veto player.")
        if self.lines:
            out.append("")
            out.append(
                "Named lines per region, other terms at their settings (total km2; who "
                "refuses, * = veto):"
            )
            for v in self.lines.values():
                refusing = [
                    a + ("*" if a in self.veto_players else "")
                    for a, ok in v.accepts.items()
                    if not ok
                ]
                verdict = "passes" if v.passes else "refused by " + ", ".join(refusing)
                out.append(f"  {v.label[:48]:<48} {v.km2.sum():>9,.0f}  {verdict}")
        return out


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _fmt(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{x:,.0f}"


def problem_at(scenario: Scenario, comp, month: int) -> RegionalProblem:
    """The regional problem of the first parameter set of ``comp`` (a
    :class:`sim.engine.Computation`) at ``month``."""
    from sim.kernels.utility import at_month

    prefs = comp.batch.prefs.month(month)
    values = regional_values(scenario, prefs.ideal[LINE][0, :, 0])
    need = comp.rbar[0, :, month] - comp.rest_at(month)[0]
    return RegionalProblem(
        values=values,
        line_weight=prefs.weight[LINE][0, :, 0],
        line_curvature=prefs.curvature[LINE][0, :, 0],
        span=float(prefs.span[LINE][0, 0, 0]),
        need=need,
        power=at_month(comp.batch.bargaining.power, month)[0],
        veto=np.asarray(comp.veto[0], dtype=bool),
    )


def anchored(problem: RegionalProblem, status_quo: np.ndarray, scalar_now) -> RegionalProblem:
    """The problem with each actor's regional utility shifted so that at the no-deal
    regional line it equals the scalar line utility at the no-deal total (``scalar_now``
    ``(n,)``): ``u~_i(l) = u_i(l) + u_i,scalar(L_nd) - u_i(l_nd)``.

    The reservation values are the scalar model's (the war path is valued by the total
    line); without the shift, weights other than 1 would move every actor's utility of the
    status quo away from the scale its reservation value was computed on.  With equal
    weights on the locked path the shift is 0."""
    shift = scalar_now - problem.utility(status_quo)
    return replace(problem, need=problem.need - shift)


def anchored_problem(scenario: Scenario, comp, month: int) -> tuple[RegionalProblem, np.ndarray]:
    """The regional problem at ``month`` anchored at the no-deal line (:func:`anchored`),
    bounded by the hard red lines' regional form (:func:`red_line_bounds`), and the no-deal
    regional line ``(R,)``: what ``solve`` and the figures read."""
    from sim.kernels.utility import line_part

    status_quo = no_deal_regions(scenario, comp)[:, month]
    prefs = comp.batch.prefs.month(month)
    scalar_now = line_part(prefs, comp.line[:1, month, None, None])[0, :, 0]
    problem = anchored(problem_at(scenario, comp, month), status_quo, scalar_now)
    floor, cap, _, _ = red_line_bounds(scenario, status_quo, problem.veto)
    return replace(problem, floor=floor, cap=cap), status_quo


def _deal_margin(scenario: Scenario, comp, keys: tuple[str, str], km2, month: int):
    """A named deal's margins ``(n,)`` with its line replaced by the regional line ``km2``
    (:func:`regional_margins`; the deal's other terms and kind kept)."""
    key, deal = keys  # a known deal: checked by the schema
    if not comp.deals or deal not in comp.deals:
        raise ParameterError(
            f"regions.lines.{key}.deal: the named deals were not computed (compute with deals)"
        )
    d = comp.deals[deal]
    total = float(np.asarray(d["line_km2"]).ravel()[0])
    now = no_deal_regions(scenario, comp)[:, month]
    regional = RegionalDeal(km2, now, total, float(comp.line[0, month]), month)
    return regional_margins(scenario, comp, regional, d["margin"][:1])[0]


def red_line_bounds(scenario: Scenario, status_quo: np.ndarray, veto) -> tuple:
    """The hard red lines in their regional form (issue 17 with 18): ``floor``, ``cap``
    ``(R,)`` km2 (None when no red line has ``regions``), and per region the actor whose
    red line sets it (``floor_actor``, ``cap_actor``: index or -1).

    A red line with ``regions`` and no ratification route, of a veto player: in those
    regions the line may not fall below (``line_below_status_quo``) or rise above
    (``line_above_status_quo``) the status quo ``status_quo`` ``(R,)``.  A red line with
    a ratification route leaves the zone alone (it is reported as the package's
    probability of ratification, as in the scalar model)."""
    s = scenario.model.settlement
    regions = list(scenario.model.territory.regions)
    hard = [
        r
        for r in ([] if s is None else s.red_lines.values())
        if r.regions and r.ratification is None and veto[scenario.actors.index(r.actor)]
    ]
    if not hard:
        return None, None, None, None
    k = len(regions)
    floor, cap = np.zeros(k), np.full(k, np.inf)
    floor_actor, cap_actor = np.full(k, -1), np.full(k, -1)
    for red in hard:
        idx = [regions.index(r) for r in red.regions]
        who = scenario.actors.index(red.actor)
        if red.kind == "line_below_status_quo":
            floor[idx] = np.maximum(floor[idx], status_quo[idx])
            floor_actor[idx] = who
        else:
            cap[idx] = np.minimum(cap[idx], status_quo[idx])
            cap_actor[idx] = who
    return floor, cap, floor_actor, cap_actor


def _crosses(km2: np.ndarray, bounds: tuple, n: int) -> np.ndarray:
    """``(n,)`` bool: the actors whose regional red line the line ``km2`` crosses."""
    floor, cap, floor_actor, cap_actor = bounds
    out = np.zeros(n, dtype=bool)
    if floor is None:
        return out
    tol = 1e-6 * np.maximum(floor, 1.0)
    for who, crossed in ((floor_actor, km2 < floor - tol), (cap_actor, km2 > cap + tol)):
        hit = crossed & (who >= 0)
        out[who[hit]] = True
    return out


def solve_regions(scenario: Scenario, comp, month: int) -> RegionalResult:
    """The zone over regional lines and the named regional lines at ``month`` (the regional
    utilities anchored at the no-deal line: :func:`anchored`)."""
    problem, status_quo = anchored_problem(scenario, comp, month)
    bounds = red_line_bounds(scenario, status_quo, problem.veto)
    actors = scenario.actors
    verdicts = {}
    for key, spec in scenario.model.regions.lines.items():
        km2 = line_vector(scenario, spec.line, status_quo, f"regions.lines.{key}.line")
        margin, veto = problem.surplus(km2), problem.veto
        if spec.deal is not None:
            margin = _deal_margin(scenario, comp, (key, spec.deal), km2, month)
            veto = np.asarray(comp.deals[spec.deal]["veto"][0], dtype=bool)
        accepts = (margin >= -1e-12) & ~_crosses(km2, bounds, len(actors))
        verdicts[key] = RegionalLineVerdict(
            label=spec.label,
            km2=km2,
            utility={a: float(margin[i] + comp.rbar[0, i, month]) for i, a in enumerate(actors)},
            margin={a: float(margin[i]) for i, a in enumerate(actors)},
            accepts={a: bool(accepts[i]) for i, a in enumerate(actors)},
            passes=bool(np.all(accepts | ~veto)),
            source=spec.source,
        )
    values = problem.values
    mask = problem.veto & np.isfinite(problem.radius)
    sec_lo, sec_hi = section(status_quo, values, np.where(mask, problem.radius, 0.0), mask)
    if bounds[0] is not None:  # the red lines cut each region's own range too
        sec_lo, sec_hi = np.maximum(sec_lo, bounds[0]), np.minimum(sec_hi, bounds[1])
        cut = ~(sec_lo <= sec_hi + 1e-9 * values.area)
        sec_lo, sec_hi = np.where(cut, np.nan, sec_lo), np.where(cut, np.nan, sec_hi)
    if problem.refuses():
        sec_lo, sec_hi = np.full_like(sec_lo, np.nan), np.full_like(sec_hi, np.nan)
    return RegionalResult(
        regions=values.regions,
        labels=values.labels,
        area_km2=values.area,
        status_quo_km2=status_quo,
        zone=replace(zone(problem), section_lo=sec_lo, section_hi=sec_hi),
        lines=verdicts,
        veto_players=tuple(a for i, a in enumerate(actors) if problem.veto[i]),
        frontier=_sides_frontier(scenario, problem),
    )


def _sides_frontier(scenario: Scenario, problem: RegionalProblem) -> tuple | None:
    """The war sides' frontier (7 points), None when either does not bind or ``F`` is
    empty."""
    sides = tuple(scenario.model.war.sides)
    pair = tuple(scenario.actors.index(s) for s in sides)
    if problem.refuses() or not all(i in problem.binding() for i in pair):
        return None
    surplus, lines = pareto_frontier(problem, pair, points=7)
    return None if np.isnan(surplus).all() else (sides, surplus, lines)


# -- decisions with a line per region (the back-test) -------------------------------------


def control_matrix(scenario: Scenario, lines) -> np.ndarray:
    """:func:`control_vector` for an array of total lines ``(...,)`` -> ``(..., R)``
    (the same placement on the ordered reference lines, interpolated per region)."""
    terr = scenario.model.territory
    regions = list(terr.regions)
    area = _areas(scenario)
    rows = [np.zeros(len(regions))]
    for key, ref in terr.lines.items():
        rows.append(
            np.array(
                [
                    scenario.get(f"territory.lines.{key}.control.{r}") if r in ref.control else 0.0
                    for r in regions
                ]
            )
        )
    rows.append(np.ones(len(regions)))
    shares = np.array(rows)
    knots = shares @ area
    order = np.argsort(knots, kind="stable")
    knots, shares = knots[order], shares[order]
    x = np.asarray(lines, dtype=float)
    return np.stack(
        [np.interp(x, knots, shares[:, r]) * area[r] for r in range(len(regions))], axis=-1
    )


@dataclass(frozen=True)
class RegionalDeal:
    """A deal's line per region ``km2`` ``(R,)`` and the no-deal line per region ``now``
    ``(R,)`` at its month, with their totals on the scalar model's scale (``total_km2``,
    ``now_total_km2``); ``month`` the month whose preferences value it."""

    km2: np.ndarray
    now: np.ndarray
    total_km2: float
    now_total_km2: float
    month: int = 0


def regional_margins(scenario: Scenario, comp, deal: RegionalDeal, scalar_margin) -> np.ndarray:
    """Each actor's margin ``(B, n)`` on a deal with a line per region, by the regional
    utilities anchored at the no-deal line (:func:`anchored`): the scalar margin with its
    line part ``u_scalar(L_deal)`` replaced by ``u(l_deal) - u(l_now) + u_scalar(L_now)``.

    Vectorised over the batch's parameter sets (each set's total ideal is placed on the
    reference lines by :func:`control_matrix`)."""
    from sim.kernels.utility import line_part

    prefs = comp.batch.prefs.month(deal.month)
    totals = np.asarray(prefs.ideal[LINE][:, :, 0], dtype=float)  # (B, n)
    base = regional_values(scenario, totals[0])
    ideal = control_matrix(scenario, totals)  # (B, n, R)
    fixed = _ideal_overrides(scenario)
    ideal[:, fixed] = base.ideal[fixed]
    outside = np.maximum(totals - base.area.sum(), 0.0)
    weight = np.asarray(prefs.weight[LINE][:, :, 0], dtype=float)
    rho = np.asarray(prefs.curvature[LINE][:, :, 0], dtype=float)
    span = np.asarray(prefs.span[LINE][:, 0, 0], dtype=float)[:, None]

    def utility(lines):
        d = regional_distance(lines, ideal, base.weight, base.curvature, base.area, outside)
        return regional_line_utility(d, weight, span, rho)

    def scalar(total):
        return line_part(prefs, np.full((totals.shape[0], 1, 1), total))[:, :, 0]

    shift = scalar(deal.now_total_km2) - utility(deal.now)
    return scalar_margin - scalar(deal.total_km2) + utility(deal.km2) + shift


def _ideal_overrides(scenario: Scenario) -> np.ndarray:
    """``(n, R)`` bool: the regional ideals a ``[regions.values]`` table sets."""
    regions, actors = tuple(scenario.model.territory.regions), scenario.actors
    out = np.zeros((len(actors), len(regions)), dtype=bool)
    for actor, per_region in scenario.model.regions.values.items():
        for region, v in per_region.items():
            if v.ideal_share is not None and actor in actors and region in regions:
                out[actors.index(actor), regions.index(region)] = True
    return out


# -- batched over parameter sets: evaluate and timeline (issue 18, item 3) -----------------
#
# The quantities a sweep asks about, for B parameter sets at once (no loop over the sets):
# each region's no-deal front at the month (the fronts per region tied to the war path's
# total as in ``solve``: :func:`no_deal_regions`), each region's acceptable range with the
# other regions held at the no-deal line (the closed-form section,
# :func:`sim.kernels.regions.section`: ``solve``'s ``section_lo_km2`` / ``section_hi_km2``)
# and whether each named regional line passes every veto player.  The projection of the
# feasible set (``solve``'s ``zopa.regions.<r>.lo_km2 / hi_km2``) is a linear or convex
# programme per set and per region (:func:`ranges`) and is not among them.


def _per_set(scenario: Scenario, params, path: str, size: int) -> np.ndarray:
    """The parameter ``path`` for each of ``size`` sets ``(size,)``: the override in
    ``params`` (a number or ``(size,)`` array) where given, else the scenario's value."""
    value = None if params is None else params.get(path)
    if value is None:
        return np.full(size, float(scenario.get(path)))
    return np.broadcast_to(np.asarray(value, dtype=float), (size,))


def _front_params(scenario: Scenario, params, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The fronts' allocations and offsets ``(B, R)`` (a region without a
    ``[regions.front.<region>]`` table: 0, it never moves)."""
    regions, table = tuple(scenario.model.territory.regions), scenario.model.regions.front
    alloc, offset = np.zeros((size, len(regions))), np.zeros((size, len(regions)))
    for r, key in enumerate(regions):
        if key in table:
            alloc[:, r] = _per_set(scenario, params, f"regions.front.{key}.allocation", size)
            offset[:, r] = _per_set(scenario, params, f"regions.front.{key}.offset_km2", size)
    return alloc, offset


def fronts_at(scenario: Scenario, line, drift, season, month: int, params=None) -> np.ndarray:
    """Each region's no-deal line at ``month`` ``(B, R)`` for every parameter set: what
    :func:`no_deal_regions` computes for the first set (the fronts per region driven by the
    neutral war path's drift, the difference to the total shared out by :func:`share_out`;
    without fronts, the total placed on the reference lines).

    ``line`` ``(B, T')`` the neutral no-deal total line and ``drift`` ``(B, T')`` the war's
    drift (deterministic), ``season`` ``(B, T')``, ``T' > month``; ``params`` the
    overrides (``regions.front.*`` per set)."""
    from sim.kernels.regions import RegionalFront, regional_paths

    if not has_fronts(scenario):
        return control_matrix(scenario, line[:, month])
    size = line.shape[0]
    area = np.broadcast_to(_areas(scenario), (size, len(scenario.model.territory.regions)))
    alloc, offset = _front_params(scenario, params, size)
    front = RegionalFront(alloc, offset, area, control_matrix(scenario, line[:, 0]))
    window = slice(0, month + 1)  # the walk to ``month`` reads the drift before it
    km2 = regional_paths(front, drift[:, None, window], season[:, window])[:, 0, :, month]
    residual = line[:, month] - km2.sum(axis=-1)
    shared = share_out(km2[..., None], residual[:, None], alloc, area)[..., 0]
    return np.where(alloc.sum(axis=-1, keepdims=True) > 0, shared, km2)


@dataclass(frozen=True)
class BatchedProblem:
    """The anchored regional problem at one month for ``B`` sets (``n`` actors, ``R``
    regions): ``ideal``, ``weight``, ``curvature`` ``(B, n, R)``, ``area`` ``(R,)``,
    ``outside`` ``(B, n)``; the line's ``line_weight``, ``line_curvature`` ``(B, n)`` and
    ``span`` ``(B, 1)``; ``need`` ``(B, n)`` anchored (:func:`anchored`), ``veto`` ``(B, n)``,
    ``status_quo`` ``(B, R)``; the red lines' ``floor`` / ``cap`` ``(B, R)`` and the actor
    that sets each (``floor_actor`` / ``cap_actor``, -1: none), None without red lines.
    Set ``b`` is :func:`anchored_problem`'s problem for that set."""

    ideal: np.ndarray
    weight: np.ndarray
    curvature: np.ndarray
    area: np.ndarray
    outside: np.ndarray
    line_weight: np.ndarray
    line_curvature: np.ndarray
    span: np.ndarray
    need: np.ndarray
    veto: np.ndarray
    status_quo: np.ndarray
    bounds: tuple | None = None

    @property
    def radius(self) -> np.ndarray:
        return acceptable_radius(self.need, self.line_weight, self.span, self.line_curvature)

    def utility(self, lines: np.ndarray) -> np.ndarray:
        """Each actor's line utility ``(B, n)`` at ``lines`` ``(B, R)`` (not anchored)."""
        d = regional_distance(
            lines, self.ideal, self.weight, self.curvature, self.area, self.outside
        )
        return regional_line_utility(d, self.line_weight, self.span, self.line_curvature)

    def crosses(self, lines: np.ndarray) -> np.ndarray:
        """``(B, n)`` bool: the actors whose regional red line ``lines`` crosses
        (as :func:`_crosses`)."""
        out = np.zeros(self.need.shape, dtype=bool)
        if self.bounds is None:
            return out
        floor, cap, floor_actor, cap_actor = self.bounds
        tol = 1e-6 * np.maximum(floor, 1.0)
        below, above = lines < floor - tol, lines > cap + tol
        for i in range(out.shape[1]):  # actors
            out[:, i] = np.any(((floor_actor == i) & below) | ((cap_actor == i) & above), -1)
        return out


def _batched_values(scenario: Scenario, totals: np.ndarray, params) -> tuple:
    """Each actor's regional ideal, weight and curvature ``(B, n, R)`` and ``outside``
    ``(B, n)`` for the total ideals ``totals`` ``(B, n)`` (:func:`regional_values` per set;
    ``regions.values.*`` overrides per set)."""
    regions, actors = tuple(scenario.model.territory.regions), scenario.actors
    size, area = totals.shape[0], _areas(scenario)
    ideal = control_matrix(scenario, totals)
    weight, curvature = np.ones_like(ideal), np.ones_like(ideal)
    for actor, per_region in scenario.model.regions.values.items():
        i = actors.index(actor)
        for region, v in per_region.items():
            r, path = regions.index(region), f"regions.values.{actor}.{region}"
            weight[:, i, r] = _per_set(scenario, params, f"{path}.weight", size)
            curvature[:, i, r] = _per_set(scenario, params, f"{path}.curvature", size)
            if np.any(curvature[:, i, r] < 1.0):
                raise ScenarioError(
                    f"{scenario.name}: {path}.curvature: must be >= 1 (a convex loss within "
                    f"the region), got {curvature[:, i, r].min():g}"
                )
            if v.ideal_share is not None:
                share = _per_set(scenario, params, f"{path}.ideal_share", size)
                ideal[:, i, r] = share * area[r]
    return ideal, weight, curvature, np.maximum(totals - area.sum(), 0.0)


def _batched_bounds(scenario: Scenario, status_quo: np.ndarray, veto: np.ndarray):
    """:func:`red_line_bounds` for every set: ``(floor, cap, floor_actor, cap_actor)``
    ``(B, R)`` each, or None when no red line has regions and no ratification route."""
    s = scenario.model.settlement
    regions = list(scenario.model.territory.regions)
    hard = (
        []
        if s is None
        else [r for r in s.red_lines.values() if r.regions and r.ratification is None]
    )
    if not hard:
        return None
    floor, cap = np.zeros(status_quo.shape), np.full(status_quo.shape, np.inf)
    floor_actor, cap_actor = np.full(status_quo.shape, -1), np.full(status_quo.shape, -1)
    for red in hard:
        who = scenario.actors.index(red.actor)
        on = np.isin(np.arange(len(regions)), [regions.index(r) for r in red.regions])
        on = on[None, :] & np.asarray(veto[:, who], dtype=bool)[:, None]
        if red.kind == "line_below_status_quo":
            floor = np.where(on, np.maximum(floor, status_quo), floor)
            floor_actor = np.where(on, who, floor_actor)
        else:
            cap = np.where(on, np.minimum(cap, status_quo), cap)
            cap_actor = np.where(on, who, cap_actor)
    return floor, cap, floor_actor, cap_actor


def batched_problem(scenario: Scenario, comp, month: int, status_quo, line, params=None):
    """The anchored regional problem at ``month`` for every set of ``comp`` (a
    :class:`sim.engine.Computation`): :func:`anchored_problem` batched.  ``status_quo``
    ``(B, R)`` the no-deal regional line and ``line`` ``(B,)`` the no-deal total at
    ``month``."""
    from sim.kernels.utility import line_part

    prefs = comp.batch.prefs.month(month)
    totals = np.asarray(prefs.ideal[LINE][:, :, 0], dtype=float)
    ideal, weight, curvature, outside = _batched_values(scenario, totals, params)
    need = comp.rbar[:, :, month] - np.broadcast_to(comp.rest_at(month), totals.shape)
    veto = np.asarray(comp.veto, dtype=bool)
    problem = BatchedProblem(
        ideal=ideal,
        weight=weight,
        curvature=curvature,
        area=_areas(scenario),
        outside=outside,
        line_weight=np.asarray(prefs.weight[LINE][:, :, 0], dtype=float),
        line_curvature=np.asarray(prefs.curvature[LINE][:, :, 0], dtype=float),
        span=np.asarray(prefs.span[LINE][:, 0, 0], dtype=float)[:, None],
        need=need,
        veto=veto,
        status_quo=status_quo,
        bounds=_batched_bounds(scenario, status_quo, veto),
    )
    scalar_now = line_part(prefs, np.asarray(line, dtype=float)[:, None, None])[:, :, 0]
    shift = scalar_now - problem.utility(status_quo)  # the anchoring (:func:`anchored`)
    return replace(problem, need=need - shift)


def batched_sections(problem: BatchedProblem) -> tuple[np.ndarray, np.ndarray]:
    """Each region's acceptable range with the others at the no-deal line, ``(B, R)``
    each (NaN: none), as :func:`solve_regions` computes ``section_lo`` / ``section_hi``:
    the closed-form section, cut by the red lines, NaN everywhere where a veto player
    accepts no line."""
    radius = problem.radius
    mask = problem.veto & np.isfinite(radius)
    lo, hi = section(problem.status_quo, problem, np.where(mask, radius, 0.0), mask)
    if problem.bounds is not None:
        lo, hi = np.maximum(lo, problem.bounds[0]), np.minimum(hi, problem.bounds[1])
        cut = ~(lo <= hi + 1e-9 * problem.area)
        lo, hi = np.where(cut, np.nan, lo), np.where(cut, np.nan, hi)
    refuses = np.any(problem.veto & (radius == -np.inf), axis=-1, keepdims=True)
    return np.where(refuses, np.nan, lo), np.where(refuses, np.nan, hi)


def batched_ranges(problem: BatchedProblem) -> tuple[np.ndarray, np.ndarray]:
    """Each region's range over the feasible set, ``lo``, ``hi`` ``(B, R)`` km2 (NaN where
    the zone is empty): :func:`ranges` (``solve``'s ``zopa.regions.<r>.lo_km2 / hi_km2``)
    for every set at once, by the batched barrier method of
    :func:`sim.kernels.projection.projection` over the binding veto players and the red
    lines' box.  A set whose zone has no interior (or one too thin to tell:
    :data:`sim.kernels.projection.THIN`), or one whose programmes did not all converge
    (``UNCONVERGED``), is solved by :func:`ranges` (scipy), one set at a time: rare with
    continuous parameters."""
    from sim.kernels.projection import EMPTY, SOLVED, projection

    radius = problem.radius
    size, k = problem.status_quo.shape
    refuses = np.any(problem.veto & (radius == -np.inf), axis=-1)
    active = problem.veto & np.isfinite(radius)
    who = np.flatnonzero(active.any(axis=0))  # the actors that bind in some set
    if problem.bounds is None:
        floor, cap = np.zeros((size, k)), np.broadcast_to(problem.area, (size, k))
    else:
        floor, cap = problem.bounds[0], np.minimum(problem.bounds[1], problem.area)
    lo, hi, status = projection(
        problem.ideal[:, who],
        problem.weight[:, who],
        problem.curvature[:, who],
        problem.area,
        problem.outside[:, who],
        np.where(active, radius, 0.0)[:, who],
        active[:, who],
        floor,
        cap,
    )
    for b in np.flatnonzero((status != SOLVED) & (status != EMPTY) & ~refuses):
        _, lo[b], hi[b] = ranges(_one_problem(problem, b))
    lo[refuses], hi[refuses] = np.nan, np.nan
    return lo, hi


def _one_problem(problem: BatchedProblem, b: int) -> RegionalProblem:
    """Set ``b`` of ``problem`` as the :class:`RegionalProblem` that :func:`ranges` reads."""
    k = problem.area.size
    values = RegionalValues(
        regions=tuple(str(r) for r in range(k)),
        labels={},
        area=problem.area,
        ideal=problem.ideal[b],
        weight=problem.weight[b],
        curvature=problem.curvature[b],
        outside=problem.outside[b],
    )
    bounds = problem.bounds
    return RegionalProblem(
        values=values,
        line_weight=problem.line_weight[b],
        line_curvature=problem.line_curvature[b],
        span=float(problem.span[b, 0]),
        need=problem.need[b],
        power=np.zeros(problem.need.shape[1]),
        veto=problem.veto[b],
        floor=None if bounds is None else bounds[0][b],
        cap=None if bounds is None else bounds[1][b],
    )


def batched_lines(scenario: Scenario, problem: BatchedProblem, deals=None) -> dict:
    """Whether each named regional line passes every veto player ``{key: (B,) bool}``, as
    :func:`solve_regions`'s ``passes``: each actor's anchored surplus at the line
    (:func:`batched_margins`) and its red lines."""
    out = {}
    for key, (km2, margin, veto) in batched_margins(scenario, problem, deals).items():
        accepts = (margin >= -1e-12) & ~problem.crosses(km2)
        out[key] = np.all(accepts | ~veto, axis=-1)
    return out


def batched_margins(scenario: Scenario, problem: BatchedProblem, deals=None) -> dict:
    """Each named regional line's ``(km2 (B, R), margin (B, n), veto (B, n))``: the line,
    each actor's anchored surplus over ``rbar`` there and the veto players (as
    :func:`solve_regions`).  A line that keeps a named deal's terms (``deal = ...``) reads
    ``deals`` ``{line key: (base (B, n), veto (B, n))}`` (:func:`deal_bases`: its margin
    is ``base + u(l)``, its veto players the deal's); without it the line is left out."""
    out = {}
    regions = scenario.model.territory.regions
    for key, spec in scenario.model.regions.lines.items():
        if spec.deal is not None and key not in (deals or {}):
            continue
        where = f"regions.lines.{key}.line"
        km2 = line_vector(scenario, spec.line, np.full(len(regions), np.nan), where)
        km2 = np.where(np.isnan(km2), problem.status_quo, km2)  # "contact", or not named
        if spec.deal is None:
            out[key] = (km2, problem.utility(km2) - problem.need, problem.veto)
        else:
            base, veto = deals[key]
            out[key] = (km2, base + problem.utility(km2), np.asarray(veto, dtype=bool))
    return out


def deal_params(scenario: Scenario, keys, params=None) -> list:
    """The named deals ``keys``' parameters for every set (what
    :func:`sim.model.batch.build_batch` builds for them, without building the rest of the
    batch again: a few percent of its time)."""
    from sim.model.batch import ParamTable
    from sim.model.batch import _deal as deal_of

    table = ParamTable(scenario, params or {}, scenario.horizon + 1)
    return [deal_of(scenario, table, key) for key in keys]


def deal_bases(  # noqa: PLR0913 -- the batched problem's inputs
    scenario: Scenario, comp, month: int, problem: BatchedProblem, line, params, built=None
):
    """For each named regional line tied to a settlement deal, ``(base, veto)`` ``(B, n)``
    each: the deal's scalar margin (``sim.engine``'s deal valuation at ``month``: its terms,
    durability) with its line part ``u_scalar(L_deal)`` replaced by the regional one
    anchored at the no-deal line, less ``u(l)``: ``base = margin - u_scalar(L_deal) +
    u_scalar(L_now) - u(l_now)`` (:func:`regional_margins`, batched; ``line`` ``(B,)`` the
    no-deal total ``L_now``).  Lines tied to a pause are left out.  ``built``: the deals'
    parameters (:func:`sim.model.batch.build_batch`'s ``deals``), when the caller has them."""
    from sim.engine import Paths, _deal
    from sim.kernels.utility import line_part

    wanted = {spec.deal: key for key, spec in scenario.model.regions.lines.items() if spec.deal}
    if not wanted:
        return {}
    deals = deal_params(scenario, tuple(wanted), params) if built is None else built
    deals = [d for d in deals if d.key in wanted]
    prefs = comp.batch.prefs.month(month)
    size = problem.need.shape[0]

    def scalar(total):
        total = np.broadcast_to(np.asarray(total, dtype=float), (size,))
        return line_part(prefs, total[:, None, None])[:, :, 0]

    now = scalar(line) - problem.utility(problem.status_quo)
    out = {}
    for deal in deals:
        if deal.kind == "pause":
            continue
        d = _deal(comp, deal, month, Paths())
        out[wanted[deal.key]] = (d["margin"] - scalar(deal.line) + now, d["veto"])
    return out


def neutral_path(comp, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The neutral no-deal path's total line, the war's drift and the seasonal factors,
    each ``(B, month + 1)``: the line with bias 0 walked on the deterministic path's drift
    (:func:`sim.kernels.war.walk_line`, what :func:`sim.kernels.war.simulate` walks for
    the variant of bias 0: the drift does not read the biases), or, under Monte Carlo
    (no deterministic path), the mean-field path simulated (as ``solve``'s line)."""
    from sim.kernels.war import simulate, walk_line

    batch = comp.batch
    size, window = batch.size, slice(0, month + 1)
    season = np.moveaxis(np.asarray(batch.war.season), 0, -1)
    season = np.broadcast_to(season, (size, season.shape[-1]))[:, window]
    if comp.path is None:
        path = simulate(batch.war, comp.war.parts, np.zeros((size, 1)))
        return path.line[:, 0, 0, window], path.drift[:, 0, window], season
    drift = np.ascontiguousarray(np.moveaxis(comp.path.drift[:, :1, window], -1, 0))
    line = walk_line(batch.war.line0, drift, np.zeros((size, 1)), batch.war.total)
    return np.moveaxis(line[:, 0, :, 0], 0, -1), comp.path.drift[:, 0, window], season


def regional_outcomes(
    scenario: Scenario, comp, month: int, params=None, projection: bool = False
) -> dict[str, np.ndarray]:
    """``evaluate(..., regions=True)``'s outcomes for every set of ``comp``
    (:func:`outcome_names`): ``region_<r>_km2``, ``region_<r>_section_lo_km2`` /
    ``_hi_km2`` and ``line_<key>_ok``; with ``projection`` also ``region_<r>_lo_km2`` /
    ``_hi_km2``, the projection of the feasible set (:func:`batched_ranges`)."""
    if not enabled(scenario):
        raise ScenarioError(f"{scenario.name}: regions: the scenario has no [regions] table")
    line, drift, season = neutral_path(comp, month)
    status_quo = fronts_at(scenario, line, drift, season, month, params)
    problem = batched_problem(scenario, comp, month, status_quo, line[:, month], params)
    deals = deal_bases(scenario, comp, month, problem, line[:, month], params)
    lo, hi = batched_sections(problem)
    out = {}
    for r, key in enumerate(scenario.model.territory.regions):
        out[f"region_{key}_km2"] = status_quo[:, r]
        out[f"region_{key}_section_lo_km2"] = lo[:, r]
        out[f"region_{key}_section_hi_km2"] = hi[:, r]
    verdicts = batched_lines(scenario, problem, deals)
    out.update({f"line_{k}_ok": v for k, v in verdicts.items()})
    if projection:
        lo, hi = batched_ranges(problem)
        for r, key in enumerate(scenario.model.territory.regions):
            out[f"region_{key}_lo_km2"] = lo[:, r]
            out[f"region_{key}_hi_km2"] = hi[:, r]
    return out


def timeline_series(scenario: Scenario, comp, status_quo: np.ndarray) -> dict:
    """The timeline's per-region series (issue 18) for the first set of ``comp`` (a
    :class:`sim.engine.Computation` over every month): each region's section range month
    by month, ``{region: {"lo_km2": (T,), "hi_km2": (T,)}}``, and each named regional
    line's verdict month by month, ``{key: (T,) bool}`` (:func:`batched_sections`,
    :func:`batched_lines`; ``status_quo`` ``(R, T)`` the no-deal line per region).  One
    batched problem per month (the months' preferences differ)."""
    months = status_quo.shape[1]
    lo, hi, lines = [], [], []
    wanted = {spec.deal for spec in scenario.model.regions.lines.values() if spec.deal}
    built = deal_params(scenario, tuple(wanted))
    for t in range(months):
        problem = batched_problem(scenario, comp, t, status_quo[None, :, t], comp.line[:1, t])
        a, b = batched_sections(problem)
        lo.append(a[0])
        hi.append(b[0])
        deals = deal_bases(scenario, comp, t, problem, comp.line[:1, t], None, built)
        verdicts = batched_lines(scenario, problem, deals)
        lines.append({k: bool(v[0]) for k, v in verdicts.items()})
    lo, hi = np.array(lo).T, np.array(hi).T
    return {
        "sections": {
            r: {"lo_km2": lo[i], "hi_km2": hi[i]}
            for i, r in enumerate(scenario.model.territory.regions)
        },
        "lines_ok": {k: np.array([row[k] for row in lines]) for k in (lines[0] if lines else {})},
    }


def outcome_names(scenario: Scenario, projection: bool = False) -> dict[str, str]:
    """The names and descriptions of :func:`regional_outcomes` for ``scenario`` (empty
    without a ``[regions]`` table; ``projection``: with the projection's)."""
    if not enabled(scenario):
        return {}
    out = {}
    for key, spec in scenario.model.territory.regions.items():
        label = spec.label or key
        out[f"region_{key}_km2"] = (
            f"km2 of {label} held by the first war side on the no-deal path at the evaluation "
            "month (the front per region, the regions summing to the total line)"
        )
        out[f"region_{key}_section_lo_km2"] = (
            f"lowest line in {label} acceptable to every veto player with the other regions "
            "at the no-deal line (km2; NaN: none)"
        )
        out[f"region_{key}_section_hi_km2"] = (
            f"highest line in {label} acceptable to every veto player with the other regions "
            "at the no-deal line (km2; NaN: none)"
        )
    for key, spec in scenario.model.regions.lines.items():
        if spec.deal is None or scenario.model.deals[spec.deal].kind != "pause":
            out[f"line_{key}_ok"] = (
                f"bool: the named regional line '{spec.label}' passes every veto player"
            )
    if projection:
        for key, spec in scenario.model.territory.regions.items():
            label = spec.label or key
            for side, word in (("lo", "lowest"), ("hi", "highest")):
                out[f"region_{key}_{side}_km2"] = (
                    f"{word} line in {label} over the whole zone of agreement (any other "
                    f"region may move: the projection of the feasible set, solve's "
                    f"zopa.regions.{key}.{side}_km2; km2, NaN: no zone)"
                )
    return out
