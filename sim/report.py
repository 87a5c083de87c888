"""The article set: what each figure of a scenario needs, computed, then drawn.

The drawing functions of :mod:`sim.figures` are pure (results in, Figure out)
and compute nothing.  This module is the application layer above them: it
runs the engine (:func:`sim.solve`, :func:`sim.timeline`, a phase grid through
:func:`sim.evaluate`, the utility frontier through
:func:`sim.engine.line_utilities`), the sweeps, PRIM and the sensitivity
analyses of :mod:`sim.sweep`, reads the scenario's map, words the parameters
in the scenario's own labels, and hands the results to the drawing functions.
The CLI (``ceasefire plot`` and ``ceasefire figures``) and the notebooks call
these.

Nothing here is specific to one war: actors, sides, regions and parameters are
whatever the scenario file names.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from sim.engine import evaluate, line_utilities, solve, timeline
from sim.errors import ParameterError, ResultsError, ScenarioError
from sim.figures.discovery import prim_box_ranges, prim_tradeoff
from sim.figures.frontier import FrontierStyle, utility_frontier
from sim.figures.games import MatrixGame, subgame_matrices
from sim.figures.maps import MapStyle, RegionControl, control_map
from sim.figures.phase import phase_map
from sim.figures.sensitivity import morris_bars, sobol_bars
from sim.figures.style import actor_colors
from sim.figures.timeline import ripeness_timeline
from sim.figures.zopa import SOLUTION_LABELS, zopa_diagram
from sim.model.params import iter_params
from sim.model.scenario import load_scenario

#: Grid points per axis of the phase map that ``ceasefire figures`` computes.
PHASE_POINTS = 41
#: Outcomes of ``sim.evaluate`` the phase map draws (the bounds place its boundary).
PHASE_OUTCOMES = ("zopa_exists", "zopa_width_km2", "zopa_lo_km2", "zopa_hi_km2")
#: Lines on the grid of the utility frontier.
FRONTIER_POINTS = 401


def holder(scenario: Any) -> str:
    """Label of the war side whose area the line measures (``war.sides[0]``)."""
    side = scenario.model.war.sides[0]
    return scenario.model.actors[side].label or side


def line_axis_label(scenario: Any) -> str:
    """Label of a territorial axis, ``Line: area held by <side>`` (the unit is added)."""
    return f"Line: area held by {holder(scenario)}"


def zopa_figure(scenario: Any, *, month: str | int | None = None, width: str = "one") -> Figure:
    """The ZOPA diagram of ``scenario`` at ``month`` (default: its date)."""
    result = solve(scenario, month)
    return zopa_diagram(result, width=width, line_label=line_axis_label(scenario))


def timeline_figure(scenario: Any, *, width: str = "two") -> Figure:
    """The ripeness timeline of ``scenario`` along its expected no-deal path.

    Actors without a veto over the deal the ZOPA is computed for are labelled
    ``(no veto)``, as in the ZOPA diagram: their bounds do not close the zone.
    """
    ripeness = timeline(scenario)
    veto = set(solve(scenario).veto_players)
    labels = {
        actor: label if actor in veto else f"{label} (no veto)"
        for actor, label in ripeness.actor_labels.items()
    }
    return ripeness_timeline(
        dataclasses.replace(ripeness, actor_labels=labels),
        width=width,
        line_label=line_axis_label(scenario),
    )


def load_topology(scenario: Any) -> dict[str, Any]:
    """The scenario's map (``territory.map``), parsed; ScenarioError if missing or invalid."""
    path = scenario.map_file
    if path is None:
        raise ScenarioError(f"{scenario.name}: territory.map is not set, so there is no map")
    try:
        topology = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"{scenario.name}: territory.map {str(path)!r}: {exc}") from None
    except ValueError as exc:
        raise ScenarioError(
            f"{scenario.name}: territory.map {str(path)!r} is not JSON: {exc}"
        ) from None
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise ScenarioError(f"{scenario.name}: territory.map {str(path)!r} is not a TopoJSON file")
    return topology


def map_figure(
    scenario: Any, *, month: str | int | None = None, width: str = "one", ranges: str = "section"
) -> Figure:
    """Control per region now and the regions a line inside the ZOPA would cross.

    With ``[regions]`` each region shows its own range (issue 18): ``ranges="section"`` its
    acceptable range with every other region at the no-deal line, ``"zone"`` the projection
    of the whole zone (any other region may move with it, :func:`sim.regions.ranges`)."""
    if ranges not in RANGES:
        raise ParameterError(f"ranges: must be one of {', '.join(RANGES)}, got {ranges!r}")
    result = solve(scenario, month)
    topology = load_topology(scenario)
    color = actor_colors(result.actors, result.actor_colors)[scenario.model.war.sides[0]]
    lower = upper = None
    band = None
    now = scenario.region_control(result.status_quo_km2)
    if result.regions is not None:  # each region's own range (issue 18)
        now, lower, upper = _regional_control(scenario, result.regions, ranges)
        band = RANGES[ranges]
    elif result.zopa.exists:
        lower = scenario.region_control(result.zopa.lo_km2)
        upper = scenario.region_control(result.zopa.hi_km2)
    try:
        return control_map(
            topology,
            scenario.map_object,
            RegionControl(now, lower, upper),
            style=MapStyle(holder=holder(scenario), color=color, band_label=band),
            width=width,
        )
    except ValueError as exc:
        raise ScenarioError(f"{scenario.name}: map: {exc}") from None


#: The map's per-region ranges (issue 18) and their legends.
RANGES = {
    "section": "acceptable to every veto player in this\nregion, the others at the no-deal line",
    "zone": "in the zone of agreement, any other\nregion free to move (the projection)",
}


def _regional_control(scenario: Any, regions: Any, ranges: str = "section") -> tuple:
    """Shares held now and each region's own range, keyed by map name: the section of the
    feasible set through the no-deal line, or its projection (``ranges="zone"``); a region
    with no such range (none acceptable alone, an empty zone) or a range that is only the
    line held now shows none."""
    names = {r: spec.map_name or r for r, spec in scenario.model.territory.regions.items()}
    z = regions.zone
    low, high = (z.section_lo, z.section_hi) if ranges == "section" else (z.lo, z.hi)
    now, lower, upper = {}, {}, {}
    for i, r in enumerate(regions.regions):
        share = float(regions.status_quo_km2[i] / regions.area_km2[i])
        now[names[r]] = share
        lo, hi = low[i], high[i]
        ok = math.isfinite(lo) and math.isfinite(hi)
        lower[names[r]] = float(lo / regions.area_km2[i]) if ok else share
        upper[names[r]] = float(hi / regions.area_km2[i]) if ok else share
    return now, lower, upper


def regions_figure(
    scenario: Any,
    *,
    month: str | int | None = None,
    pair: tuple[str, str] = ("donetsk", "zaporizhzhia"),
    width: str = "one",
    grid: int = 241,
) -> Figure:
    """The trade-off between two regions' lines, the others at the no-deal line, with the
    veto players' acceptance boundaries, the named lines and the R^k solutions."""
    from sim.engine import compute
    from sim.figures.regions import TradeoffPlane, tradeoff_figure
    from sim.regions import anchored_problem, enabled, line_vector, red_line_bounds, zone

    scenario = load_scenario(scenario)
    if not enabled(scenario):
        raise ScenarioError(f"{scenario.name}: no [regions] table: the line is one number")
    regions = tuple(scenario.model.territory.regions)
    for r in pair:
        if r not in regions:
            raise ScenarioError(f"{scenario.name}: unknown region {r!r} ({', '.join(regions)})")
    t = scenario.month_index(month)
    comp = compute(scenario, month=t, with_deals=False)
    problem, now = anchored_problem(scenario, comp, t)
    a, b = (regions.index(r) for r in pair)
    area = problem.values.area
    bounds = red_line_bounds(scenario, now, problem.veto)
    x, y = np.linspace(0.0, area[a], grid), np.linspace(0.0, area[b], grid)
    surplus = _plane_surplus(problem, now, (a, b), (x, y), bounds)
    window = _zoom_window(x, y, surplus[problem.veto], (area[a], area[b]))
    veto = [i for i in range(len(scenario.actors)) if problem.veto[i]]
    labels = {k: s.label for k, s in scenario.model.regions.lines.items()}
    points = {}
    for key, spec in scenario.model.regions.lines.items():
        v = line_vector(scenario, spec.line, now, f"regions.lines.{key}.line")
        others = np.delete(np.abs(v - now), [a, b])
        points[labels[key]] = (float(v[a]), float(v[b]), bool(np.all(others < 1.0)))
    for name, v in zone(problem).solutions.items():
        points[SOLUTION_LABELS.get(name, name) + " (R^k)"] = (float(v[a]), float(v[b]), False)
    colors = actor_colors(scenario.actors, _declared(scenario))
    return tradeoff_figure(
        TradeoffPlane(
            x=x,
            y=y,
            surplus=surplus[veto],
            actors=tuple(scenario.model.actors[scenario.actors[i]].label for i in veto),
            colors={
                scenario.model.actors[scenario.actors[i]].label: colors[scenario.actors[i]]
                for i in veto
            },
            labels=(
                scenario.model.territory.regions[pair[0]].label,
                scenario.model.territory.regions[pair[1]].label,
            ),
            areas=(float(area[a]), float(area[b])),
            now=(float(now[a]), float(now[b])),
            points=points,
            zoom=None if window is None else _zoomed(problem, now, (a, b), window, bounds, grid),
        ),
        width=width,
    )


def _plane_surplus(problem: Any, now, pair, axes, bounds) -> np.ndarray:
    """Each actor's surplus ``(n, G_y, G_x)`` on the plane through ``now`` spanned by the
    regions ``pair`` on the grid ``axes = (x, y)``; an actor's hard red line in either region
    makes it refuse beyond its bound (surplus -1 there)."""
    (a, b), (x, y) = pair, axes
    pts = np.broadcast_to(now, (y.size, x.size, now.size)).copy()
    pts[..., a] = x[None, :]
    pts[..., b] = y[:, None]
    surplus = np.moveaxis(problem.surplus(pts), -1, 0)
    _, _, floor_actor, cap_actor = bounds
    for r in (a, b):  # a hard red line: its actor refuses beyond the bound (issue 17)
        if floor_actor is not None and floor_actor[r] >= 0:
            below = pts[..., r] < problem.floor[r] - 1e-6
            surplus[floor_actor[r]] = np.where(below, -1.0, surplus[floor_actor[r]])
        if cap_actor is not None and cap_actor[r] >= 0:
            above = pts[..., r] > problem.cap[r] + 1e-6
            surplus[cap_actor[r]] = np.where(above, -1.0, surplus[cap_actor[r]])
    return surplus


#: The plane gains a magnified inset when the part every veto player accepts spans less than
#: this share of both regions' areas (it would be a sliver at the figure's scale).
ZOOM_BELOW = 0.15


def _zoom_window(x, y, surplus, areas) -> tuple | None:
    """``((x0, x1), (y0, y1))`` around the plane's feasible cells, widened by their own span
    on each side (at least 2% of the region's area), when they are small; else None."""
    feasible = np.all(surplus >= 0, axis=0)
    if not feasible.any():
        return None
    iy, ix = np.nonzero(feasible)
    step_x, step_y = x[1] - x[0], y[1] - y[0]
    spans = []
    for lo, hi, step, area in (
        (x[ix].min() - step_x, x[ix].max() + step_x, step_x, areas[0]),
        (y[iy].min() - step_y, y[iy].max() + step_y, step_y, areas[1]),
    ):
        if hi - lo > ZOOM_BELOW * area:
            return None
        pad = max(hi - lo, 0.02 * area, step)
        spans.append((max(0.0, lo - pad), min(area, hi + pad)))
    return tuple(spans)


def _zoomed(problem: Any, now, pair, window, bounds, grid: int):
    """The magnified plane over ``window`` (:func:`_zoom_window`) on a grid of its own."""
    from sim.figures.regions import ZoomedPlane

    x, y = (np.linspace(lo, hi, grid) for lo, hi in window)
    surplus = _plane_surplus(problem, now, pair, (x, y), bounds)
    return ZoomedPlane(x=x, y=y, surplus=surplus[problem.veto])


def _declared(scenario: Any) -> dict[str, str]:
    return {a: spec.color for a, spec in scenario.model.actors.items() if spec.color}


def frontier_figure(scenario: Any, *, month: str | int | None = None, width: str = "one") -> Figure:
    """The two war sides' utility frontier over the line, with the solutions on it."""
    result = solve(scenario, month)
    t = scenario.month_index(result.month)
    colors = actor_colors(result.actors, result.actor_colors)
    sides = tuple(scenario.model.war.sides)
    # The grid holds the sides' own bounds, so the part both prefer ends exactly there.
    bounds = [b for side in sides for b in result.acceptable[side] if math.isfinite(b)]
    lines = np.unique(np.concatenate([np.linspace(0.0, result.total_km2, FRONTIER_POINTS), bounds]))
    utility = line_utilities(scenario, lines, t)
    solution_lines = {
        SOLUTION_LABELS.get(k, k): v for k, v in result.solutions.items() if math.isfinite(v)
    }
    points = {}
    if solution_lines:
        at = line_utilities(scenario, np.array(list(solution_lines.values())), t)
        points = {
            name: (float(at[sides[0]][k]), float(at[sides[1]][k]))
            for k, name in enumerate(solution_lines)
        }
    return utility_frontier(
        utility[sides[0]],
        utility[sides[1]],
        (result.reservation[sides[0]], result.reservation[sides[1]]),
        points,
        style=FrontierStyle(
            actor_labels=(result.actor_labels[sides[0]], result.actor_labels[sides[1]]),
            actor_colors=(colors[sides[0]], colors[sides[1]]),
        ),
        width=width,
    )


def parameter_label(scenario: Any, path: str) -> str:
    """A readable label for a parameter path, in the scenario's own words.

    ``actors.x.discount_rate`` -> ``X: discount rate (per year)``;
    ``actors.x.belief_drift_bias_km2`` -> ``X: belief bias on the front
    (km²/month)``; ``actors.x.utility.d.weight`` -> ``X: weight on d``;
    ``actors.x.costs.c.quantity`` -> ``X: c cost, quantity``;
    ``dimensions.d.setting`` -> ``deal term: <d's label>``;
    ``war.capacity.s.k.factors.f`` -> ``S capacity: <k's label>, f``;
    ``events.e.set.<path>`` -> ``<path's label> after <e's label>``;
    ``games.g.params.p`` -> ``game g: p``; otherwise the path's words with
    actor keys replaced by their labels.  The unit goes last in parentheses:
    the parameter's ``unit`` in the scenario file, else ``km²`` for a name
    ending in ``km2``, ``per year`` for a discount rate.
    """
    text, unit = _label_parts(scenario, path)
    return f"{text} ({unit})" if unit else text


def _label_parts(scenario: Any, path: str) -> tuple[str, str]:
    """``(words, unit)`` of a parameter path (see :func:`parameter_label`)."""
    model = scenario.model if scenario is not None else None
    actors = model.actors if model is not None else {}

    def name(key: str) -> str:
        return actors[key].label or key if key in actors else key.replace("_", " ")

    def words(text: str) -> str:
        return " ".join(name(part) for part in text.split("."))

    def without_km2(text: str) -> tuple[str, str]:
        return (text[: -len("_km2")], "km²") if text.endswith("_km2") else (text, "")

    unit = _declared_unit(scenario, path)
    parts = path.split(".")
    if parts[0] == "events" and len(parts) > 3 and parts[2] == "set":
        event = model.events.get(parts[1]) if model is not None else None
        inner, inner_unit = _label_parts(scenario, ".".join(parts[3:]))
        when = event.label if event is not None else parts[1].replace("_", " ")
        return f"{inner} after {when}", unit or inner_unit
    if parts[0] == "actors" and len(parts) >= 3 and parts[1] in actors:
        who, rest = name(parts[1]), parts[2:]
        if rest == ["discount_rate"]:
            return f"{who}: discount rate", unit or "per year"
        if rest == ["belief_drift_bias_km2"]:
            return f"{who}: belief bias on the front", unit or "km²/month"
        if len(rest) == 3 and rest[0] == "utility":
            return f"{who}: {words(rest[2])} on {words(rest[1])}", unit
        if len(rest) == 3 and rest[0] == "costs":
            return f"{who}: {words(rest[1])} cost, {words(rest[2])}", unit
        text, km2 = without_km2(".".join(rest))
        return f"{who}: {words(text)}", unit or km2
    if parts[0] == "dimensions" and len(parts) == 3:
        dimension = model.dimensions.get(parts[1]) if model is not None else None
        what = dimension.label if dimension is not None else words(parts[1])
        prefix = {"setting": "deal term", "no_deal": "no deal"}.get(parts[2], words(parts[2]))
        return f"{prefix}: {what}", unit
    if parts[0] == "games" and len(parts) == 4 and parts[2] == "params":
        text, km2 = without_km2(parts[3])
        return f"game {words(parts[1])}: {words(text)}", unit or km2
    if parts[:2] == ["war", "capacity"] and len(parts) == 6 and parts[4] == "factors":
        sources = model.war.capacity.get(parts[2], {}) if model is not None else {}
        source = sources.get(parts[3])
        what = source.label if source is not None and source.label else words(parts[3])
        # A source's label may explain itself in parentheses; an axis needs only its name.
        what = re.sub(r"\s*\([^()]*\)", "", what).strip() or words(parts[3])
        if source is not None and len(source.factors) == 1 and unit:
            return f"{name(parts[2])} capacity: {what}", unit
        return f"{name(parts[2])} capacity: {what}, {words(parts[5])}", unit
    text, km2 = without_km2(path)
    return words(text), unit or km2


def _declared_unit(scenario: Any, path: str) -> str:
    """The ``unit`` the scenario file gives the parameter at ``path`` ('' if none)."""
    if scenario is None:
        return ""
    units = {p: param.unit for p, param in iter_params(scenario.model) if param.unit}
    return units.get(path, "")


#: Planes the article's phase map tries in turn, one parameter per war side (``{side}``).
PHASE_PLANES: tuple[str, ...] = (
    # Mutual optimism (Fearon 1995, pp. 390-393): each side's belief about the front.
    "actors.{side}.belief_drift_bias_km2",
    # Patience is bargaining power (Rubinstein 1982).
    "actors.{side}.discount_rate",
)


def default_phase_parameters(scenario: Any) -> tuple[str, str]:
    """The plane of the article's phase map.

    The first plane of :data:`PHASE_PLANES` whose two parameters (one per war
    side, ``war.sides``) the scenario gives an uncertainty ``range``: the
    sides' belief biases about the front's drift (mutual optimism, where a
    ZOPA closes when both sides are optimistic enough), then their discount
    rates; otherwise the first two parameters with a range, in file order;
    otherwise the sides' discount rates.
    """
    sides = scenario.model.war.sides
    for plane in PHASE_PLANES:
        paths = tuple(plane.format(side=side) for side in sides)
        if all(scenario.uncertainty_range(p) is not None for p in paths):
            return paths
    ranged = ranged_parameters(scenario)
    if len(ranged) >= 2:
        return ranged[0], ranged[1]
    return tuple(PHASE_PLANES[-1].format(side=side) for side in sides)


def _axis_values(scenario: Any, path: str, points: int) -> np.ndarray:
    bounds = scenario.uncertainty_range(path)
    if bounds is None:
        value = scenario.get(path)
        bounds = (0.5 * value, 2.0 * value) if value > 0 else (0.0, 1.0)
    return np.linspace(float(bounds[0]), float(bounds[1]), points)


def phase_grid(
    scenario: Any,
    x: str,
    y: str,
    *,
    points: int = PHASE_POINTS,
    month: int = 0,
) -> xr.Dataset:
    """The ZOPA (:data:`PHASE_OUTCOMES`) on a ``points x points`` grid of two parameters.

    Each axis spans the parameter's ``range`` in the scenario file (else half
    to twice its value); the whole grid is one batch of ``sim.evaluate``.
    """
    xs, ys = _axis_values(scenario, x, points), _axis_values(scenario, y, points)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")
    params = {x: grid_x.ravel(), y: grid_y.ravel()}
    outcomes = evaluate(scenario, params, month=month, forecast=False)  # the ZOPA only
    shape = grid_x.shape
    coords = {
        x: (x, xs, {"long_name": parameter_label(scenario, x)}),
        y: (y, ys, {"long_name": parameter_label(scenario, y)}),
    }
    return xr.Dataset(
        {name: ((x, y), np.asarray(outcomes[name]).reshape(shape)) for name in PHASE_OUTCOMES},
        coords=coords,
        attrs={"scenario": scenario.name},
    )


def phase_figure(dataset: xr.Dataset, scenario: Any | None = None, *, width: str = "one") -> Figure:
    """The phase map of a two-parameter dataset, the scenario's own values starred."""
    dims = [d for d in dataset["zopa_exists"].dims]
    baseline = None
    if scenario is not None:
        known = set(scenario.parameter_paths())
        if all(d in known for d in dims):
            baseline = {d: scenario.get(d) for d in dims}
    labels = None if scenario is None else {d: parameter_label(scenario, d) for d in dims}
    try:
        return phase_map(dataset, baseline=baseline, labels=labels, width=width)
    except ValueError as exc:
        raise ResultsError(f"phase map: {exc}") from None


def open_sweep(path: str | Path) -> xr.Dataset:
    """A sweep's results file (Zarr folder or NetCDF file), ResultsError when it is not one."""
    from sim.sweep.store import open_results

    return open_results(path)


def sweep_indices(dataset: xr.Dataset, outcome: str, source: str = "results") -> Any:
    """Sensitivity indices of ``outcome`` from a Sobol or Morris sweep (``sim.sweep.analyze``).

    ResultsError when the sweep gives none (another design, a constant outcome).
    """
    from sim.sweep import analyze

    indices = analyze(dataset, outcomes=[outcome]).indices[outcome]
    if indices.note:
        raise ResultsError(f"{source}: no sensitivity indices of {outcome}: {indices.note}")
    return indices


def phase_dataset_from_sweep(dataset: xr.Dataset, source: str = "results") -> xr.Dataset:
    """The two-parameter grid of a sweep (replications averaged), ResultsError otherwise."""
    missing = [v for v in ("zopa_exists", "zopa_width_km2") if v not in dataset.data_vars]
    if missing:
        raise ResultsError(f"{source}: no {', '.join(missing)} in it; is it a ceasefire sweep?")
    # The bounds, when the sweep kept them, place the boundary between grid points.
    names = [v for v in PHASE_OUTCOMES if v in dataset.data_vars]
    if "replication" in dataset.dims:
        dataset = xr.Dataset(
            {
                v: dataset[v].mean("replication") >= 0.5
                if v == "zopa_exists"
                else dataset[v].mean("replication")
                for v in names
            }
        )
    dims = [d for d in dataset["zopa_exists"].dims if dataset.sizes[d] > 1]
    if len(dims) != 2:
        raise ResultsError(
            f"{source}: a phase map needs a grid sweep over exactly two parameters; "
            f"this one varies {dims or 'none'}"
        )
    return dataset[names].squeeze(drop=True).load()


def sweep_scenario(dataset: xr.Dataset) -> Any | None:
    """The scenario a sweep was run on, when it can still be loaded (for its baseline)."""
    for key in ("scenario_path", "scenario"):
        where = dataset.attrs.get(key)
        if where:
            try:
                return load_scenario(where)
            except Exception:  # the file may have moved: the star is optional, the map is not
                continue
    return None


#: The article set's figures that need only the scenario: stem -> (builder, width).
ARTICLE_FIGURES: dict[str, tuple[Callable[..., Figure], str]] = {
    "zopa": (zopa_figure, "one"),
    "timeline": (timeline_figure, "two"),
    "map": (map_figure, "one"),
    "frontier": (frontier_figure, "one"),
}

#: Sobol's N (``N * (k + 2)`` runs) and the Latin hypercube's points for discovery.
SWEEP_SAMPLES = 256
#: Seed of the article's sweeps (samples and bootstrap intervals).
ARTICLE_SEED = 1


def article_figures(
    scenario: Any,
    *,
    phase_points: int = PHASE_POINTS,
    samples: int = SWEEP_SAMPLES,
    phase_parameters: tuple[str, str] | None = None,
) -> Iterator[tuple[str, Figure]]:
    """Build the article's figures of ``scenario`` one by one: ``(stem, Figure)``.

    The ZOPA diagram, the timeline, the map (when the scenario has one), the
    war sides' utility frontier, the subgames (when it has any), the phase map
    over ``phase_parameters`` (default :func:`default_phase_parameters`) on a
    ``phase_points``-square grid,
    and, unless ``samples`` is 0, Sobol indices of the ZOPA's width from a
    Saltelli sweep (``N = samples``) and PRIM's box where a ZOPA exists from a
    Latin hypercube of ``8 * samples`` points, both over the parameters the
    scenario gives a range (seed :data:`ARTICLE_SEED`).
    """
    for stem, (build, width) in ARTICLE_FIGURES.items():
        if stem == "map" and scenario.map_file is None:
            continue
        yield stem, build(scenario, width=width)
    if scenario.model.games:
        yield "games", games_figure(scenario)
    x, y = phase_parameters or default_phase_parameters(scenario)
    yield "phase", phase_figure(phase_grid(scenario, x, y, points=phase_points), scenario)
    uncertainties = ranged_parameters(scenario)
    if samples <= 0 or len(uncertainties) < 2:
        return
    from sim.sweep import build_spec, discover, run_sweep, sensitivity

    # Seed 1, not 0: SALib's sobol.analyze takes seed 0 for "no seed" (`if seed:`), which
    # would leave its bootstrap intervals, and so the figure's bytes, unreproducible.
    analysis = sensitivity(
        scenario,
        uncertainties,
        samples,
        outcomes=("zopa_width_km2",),
        seed=ARTICLE_SEED,
        progress=False,
    )
    yield "sensitivity", sensitivity_figure(analysis.indices["zopa_width_km2"], scenario)
    spec = build_spec(scenario, uncertainties, design="lhs", samples=8 * samples, seed=ARTICLE_SEED)
    dataset = run_sweep(scenario, spec, progress=False).dataset
    found = discover(dataset)
    yield "discovery", tradeoff_figure(found)
    if found.box.restrictions:
        yield "box", box_figure(found, dataset, scenario)


def scenario_colors(scenario: Any) -> dict[str, str]:
    """Each actor's fixed colour: the scenario's own, else the palette's by actor order."""
    given = {a: spec.color for a, spec in scenario.model.actors.items() if spec.color}
    return actor_colors(scenario.actors, given)


def _mix_words(mix: np.ndarray, actions: tuple[str, ...]) -> str:
    return ", ".join(f"{actions[i]} {mix[i]:.0%}" for i in range(len(actions)) if mix[i] > 1e-9)


def _selection_note(report: Any, row: str, col: str, rule: str) -> str:
    """Which equilibrium the scenario's selection rule picks, in the fewest words."""
    p, q = np.asarray(report.chosen.row_mix), np.asarray(report.chosen.col_mix)
    if np.isclose(p.max(), 1.0) and np.isclose(q.max(), 1.0):
        cell = f"{report.row_actions[int(p.argmax())]} / {report.col_actions[int(q.argmax())]}"
        return f"Selected ({rule}): {cell}"
    if any(np.allclose(e.row_mix, p) and np.allclose(e.col_mix, q) for e in report.equilibria):
        return f"Selected ({rule}): the mixed equilibrium"
    return (
        f"Selected ({rule}):\n  {row}: {_mix_words(p, report.row_actions)}\n"
        f"  {col}: {_mix_words(q, report.col_actions)}"
    )


def games_figure(scenario: Any, *, width: str = "two") -> Figure:
    """The scenario's subgames at its parameter values, with all their equilibria."""
    from sim.games import describe_subgame

    if not scenario.model.games:
        raise ScenarioError(f"{scenario.name}: the scenario has no [games]")
    colors = scenario_colors(scenario)
    labels = {a: spec.label or a for a, spec in scenario.model.actors.items()}
    for game in scenario.model.games.values():  # players that are not actors
        for player in (game.row, game.col):
            labels.setdefault(player, player.replace("_", " ").title())
    panels = []
    for key, game in scenario.model.games.items():
        params = {p: scenario.get(f"games.{key}.params.{p}") for p in game.params}
        report = describe_subgame(game.kind, params, game.selection)
        row, col = labels.get(game.row, game.row), labels.get(game.col, game.col)
        note = _selection_note(report, row, col, game.selection.replace("_", "-"))
        panels.append(
            MatrixGame(
                row_payoffs=report.A,
                col_payoffs=report.B,
                row_actions=report.row_actions,
                col_actions=report.col_actions,
                row_player=row,
                col_player=col,
                equilibria=tuple((e.row_mix, e.col_mix) for e in report.equilibria),
                title=game.label or key,
                row_color=colors.get(game.row, "#000000"),
                col_color=colors.get(game.col, "#000000"),
                note=note,
            )
        )
    return subgame_matrices(panels, width=width)


def ranged_parameters(scenario: Any) -> list[str]:
    """The parameters the scenario gives an uncertainty ``range`` (the sweeps' default)."""
    return [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p) is not None]


OUTCOME_LABELS = {
    "zopa_exists": "whether a ZOPA exists",
    "zopa_width_km2": "the ZOPA's width",
    "zopa_mid_km2": "the ZOPA's midpoint",
}


def sensitivity_figure(
    indices: Any, scenario: Any | None = None, *, top: int | None = 12, width: str = "one"
) -> Figure:
    """Sobol or Morris bars of one outcome (``sim.sweep`` ``SobolIndices``/``MorrisIndices``)."""
    names = [parameter_label(scenario, n) if scenario else n for n in indices.names]
    outcome = OUTCOME_LABELS.get(indices.outcome, indices.outcome)
    if hasattr(indices, "ST"):
        return sobol_bars(names, indices, outcome=outcome, top=top, width=width)
    unit = " (km²)" if indices.outcome.endswith("_km2") else ""
    return morris_bars(names, indices, outcome=outcome + unit, top=top, width=width)


def tradeoff_figure(discovery: Any, *, width: str = "one") -> Figure:
    """PRIM's coverage/density trade-off with the chosen box (a ``sim.sweep.Discovery``)."""
    trajectory = discovery.trajectory
    return prim_tradeoff(
        [b.coverage for b in trajectory],
        [b.density for b in trajectory],
        chosen=discovery.chosen,
        restricted_dims=[len(b.restrictions) for b in trajectory],
        width=width,
    )


def sampled_range(dataset: xr.Dataset, path: str) -> tuple[float, float]:
    """The range a sweep sampled ``path`` from: the design's bounds (SALib's
    ``problem`` in the results' attributes) when it has them, else the values'
    smallest and largest."""
    try:
        problem = json.loads(dataset.attrs["problem"])
        bounds = dict(zip(problem["names"], problem["bounds"], strict=True))[path]
        return float(bounds[0]), float(bounds[1])
    except (KeyError, TypeError, ValueError):
        return float(dataset[path].min()), float(dataset[path].max())


def box_figure(
    discovery: Any, dataset: xr.Dataset, scenario: Any | None = None, *, width: str = "one"
) -> Figure:
    """The chosen PRIM box's ranges against the sweep's sampled ranges."""
    restrictions = discovery.box.restrictions
    if not restrictions:
        raise ResultsError(f"discovery: {discovery.statement()}; there is no box to draw")
    full = {r.path: sampled_range(dataset, r.path) for r in restrictions}
    return prim_box_ranges(
        [parameter_label(scenario, r.path) if scenario else r.path for r in restrictions],
        [full[r.path][0] for r in restrictions],
        [full[r.path][1] for r in restrictions],
        [full[r.path][0] if r.lower is None else r.lower for r in restrictions],
        [full[r.path][1] if r.upper is None else r.upper for r in restrictions],
        width=width,
    )


def backtest_figure(
    scenario: Any = "history",
    decisions_file: str | Path | None = None,
    *,
    width: str = "two",
) -> Figure:
    """History as the test: the decisions back-test (``decisions_file``, by default the
    shipped ``models/data/decisions.toml``) and the front out of sample on ``scenario``."""
    from sim.backtest.decisions import backtest
    from sim.backtest.front import front_backtest
    from sim.figures.backtest import backtest_figure as draw
    from sim.model.scenario import builtin_models_dir

    path = (
        builtin_models_dir() / "data" / "decisions.toml"
        if decisions_file is None
        else decisions_file
    )
    return draw(backtest(path), front_backtest(scenario), width=width)
