"""The article's figures of a scenario: engine results fed to the drawing functions.

The drawing functions of :mod:`sim.figures` are pure (data in, Figure out);
this module is the glue that runs the engine (``sim.solve``, ``sim.timeline``,
``sim.evaluate``), reads the scenario's map, and hands the results over.  The
CLI (``ceasefire plot`` and ``ceasefire figures``) and the notebooks call these.

Nothing here is specific to one war: actors, sides, regions and parameters are
whatever the scenario file names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from sim.errors import ResultsError, ScenarioError
from sim.figures.frontier import utility_frontier
from sim.figures.maps import control_map
from sim.figures.phase import phase_map
from sim.figures.timeline import ripeness_timeline
from sim.figures.zopa import SOLUTION_LABELS, zopa_diagram

#: Grid points per axis of the phase map that ``ceasefire figures`` computes.
PHASE_POINTS = 25
#: Lines on the grid of the utility frontier.
FRONTIER_POINTS = 401


def holder(scenario: Any) -> str:
    """Label of the war side whose area the line measures (``war.sides[0]``)."""
    side = scenario.model.war.sides[0]
    return scenario.model.actors[side].label or side


def line_axis_label(scenario: Any) -> str:
    """Label of a territorial axis, ``Line: area held by <side>`` (the unit is added)."""
    return f"Line: area held by {holder(scenario)}"


def _month(scenario: Any, month: str | int | None) -> int:
    if month is None:
        return 0
    return scenario.month_index(month) if isinstance(month, str) else int(month)


def zopa_figure(scenario: Any, *, month: str | int | None = None, width: str = "one") -> Figure:
    """The ZOPA diagram of ``scenario`` at ``month`` (default: its date)."""
    import sim

    result = sim.solve(scenario, _month(scenario, month))
    return zopa_diagram(result, width=width, line_label=line_axis_label(scenario))


def timeline_figure(scenario: Any, *, width: str = "two") -> Figure:
    """The ripeness timeline of ``scenario`` along its expected no-deal path."""
    import sim

    return ripeness_timeline(
        sim.timeline(scenario), width=width, line_label=line_axis_label(scenario)
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


def map_figure(scenario: Any, *, month: str | int | None = None, width: str = "one") -> Figure:
    """Control per region now and the regions a line inside the ZOPA would cross."""
    import sim

    result = sim.solve(scenario, _month(scenario, month))
    topology = load_topology(scenario)
    lower = upper = None
    if result.zopa.exists:
        lower = scenario.region_control(result.zopa.lo_km2)
        upper = scenario.region_control(result.zopa.hi_km2)
    try:
        return control_map(
            topology,
            scenario.map_object,
            scenario.region_control(result.status_quo_km2),
            lower=lower,
            upper=upper,
            holder=holder(scenario),
            color=result.actor_colors.get(scenario.model.war.sides[0]) or "#D55E00",
            width=width,
        )
    except ValueError as exc:
        raise ScenarioError(f"{scenario.name}: map: {exc}") from None


def line_utilities(scenario: Any, lines: np.ndarray, month: int = 0) -> dict[str, np.ndarray]:
    """Each actor's utility per month of a deal at each line of ``lines`` (other terms at
    their scenario settings), ``u_i(l, y) = w_i,line * (1 - (|l - theta_i| / s) ** rho_i) +
    u_i,rest(y)`` (see :mod:`sim.utility`)."""
    from sim.engine import compute
    from sim.scenario import LINE
    from sim.utility import term

    comp = compute(scenario, month=month, with_deals=False)
    utils = comp.utils
    lines = np.asarray(lines, dtype=float)
    out = {}
    for i, actor in enumerate(scenario.actors):
        out[actor] = (
            utils.weight[LINE][0, i, month]
            * term(
                lines,
                utils.ideal[LINE][0, i, month],
                utils.span[LINE][0, 0, 0],
                utils.curvature[LINE][0, i, month],
            )
            + comp.rest[0, i, month]
        )
    return out


def frontier_figure(scenario: Any, *, month: str | int | None = None, width: str = "one") -> Figure:
    """The two war sides' utility frontier over the line, with the solutions on it."""
    import sim

    t = _month(scenario, month)
    result = sim.solve(scenario, t)
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
        actor_labels=(result.actor_labels[sides[0]], result.actor_labels[sides[1]]),
        actor_colors=(result.actor_colors[sides[0]], result.actor_colors[sides[1]]),
        width=width,
    )


def parameter_label(scenario: Any, path: str) -> str:
    """A readable label for a parameter path.

    ``actors.x.discount_rate`` -> ``X: discount rate (per year)``;
    ``dimensions.d.setting`` -> ``deal term: d``; ``games.g.params.p`` -> ``game g: p``;
    otherwise the path's words,
    with actor keys replaced by their labels and ``km2`` as a unit:
    ``war.capacity.x.aid_km2`` -> ``war capacity X aid (km²)``.
    """
    actors = scenario.model.actors if scenario is not None else {}

    def words(text: str) -> str:
        parts = [actors[p].label or p if p in actors else p for p in text.split(".")]
        return " ".join(parts).replace("_", " ")

    def with_unit(text: str) -> str:
        if text.endswith(" discount rate"):
            return f"{text} (per year)"
        if text.endswith(" km2"):
            return f"{text[: -len(' km2')]} (km²)"
        return text

    match = re.fullmatch(r"actors\.([^.]+)\.(.+)", path)
    if match and match.group(1) in actors:
        who = actors[match.group(1)].label or match.group(1)
        return f"{who}: {with_unit(' ' + words(match.group(2))).strip()}"
    match = re.fullmatch(r"dimensions\.([^.]+)\.setting", path)
    if match:
        return f"deal term: {match.group(1).replace('_', ' ')}"
    match = re.fullmatch(r"games\.([^.]+)\.params\.(.+)", path)
    if match:
        return f"game {words(match.group(1))}: {with_unit(words(match.group(2)))}"
    return with_unit(words(path))


def default_phase_parameters(scenario: Any) -> tuple[str, str]:
    """The plane of the article's phase map.

    The two war sides' discount rates (patience is bargaining power) when the
    scenario gives both an uncertainty ``range``; otherwise the first two
    parameters with a range, in file order; otherwise the discount rates.
    """
    rates = tuple(f"actors.{side}.discount_rate" for side in scenario.model.war.sides)
    if all(scenario.uncertainty_range(p) is not None for p in rates):
        return rates
    ranged = [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p) is not None]
    return (ranged[0], ranged[1]) if len(ranged) >= 2 else rates


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
    """``zopa_exists`` and ``zopa_width_km2`` on a ``points x points`` grid of two parameters.

    Each axis spans the parameter's ``range`` in the scenario file (else half
    to twice its value); the whole grid is one batch of ``sim.evaluate``.
    """
    import sim

    xs, ys = _axis_values(scenario, x, points), _axis_values(scenario, y, points)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")
    outcomes = sim.evaluate(scenario, {x: grid_x.ravel(), y: grid_y.ravel()}, month=month)
    shape = grid_x.shape
    coords = {
        x: (x, xs, {"long_name": parameter_label(scenario, x)}),
        y: (y, ys, {"long_name": parameter_label(scenario, y)}),
    }
    return xr.Dataset(
        {
            name: ((x, y), np.asarray(outcomes[name]).reshape(shape))
            for name in ("zopa_exists", "zopa_width_km2")
        },
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
    try:
        from sim.sweep.store import open_results
    except ImportError:
        open_results = None
    if open_results is not None:
        return open_results(path)
    path = Path(path)
    if not path.exists():
        raise ResultsError(f"{path}: no such results file")
    try:
        return xr.open_zarr(path) if path.is_dir() else xr.open_dataset(path)
    except Exception as exc:
        raise ResultsError(f"{path}: not a readable Zarr store or NetCDF file ({exc})") from None


def phase_dataset_from_sweep(dataset: xr.Dataset, source: str = "results") -> xr.Dataset:
    """The two-parameter grid of a sweep (replications averaged), ResultsError otherwise."""
    missing = [v for v in ("zopa_exists", "zopa_width_km2") if v not in dataset.data_vars]
    if missing:
        raise ResultsError(f"{source}: no {', '.join(missing)} in it; is it a ceasefire sweep?")
    if "replication" in dataset.dims:
        dataset = xr.Dataset(
            {
                "zopa_exists": dataset["zopa_exists"].mean("replication") >= 0.5,
                "zopa_width_km2": dataset["zopa_width_km2"].mean("replication"),
            }
        )
    dims = [d for d in dataset["zopa_exists"].dims if dataset.sizes[d] > 1]
    if len(dims) != 2:
        raise ResultsError(
            f"{source}: a phase map needs a grid sweep over exactly two parameters; "
            f"this one varies {dims or 'none'}"
        )
    squeezed = dataset[["zopa_exists", "zopa_width_km2"]].squeeze(drop=True).load()
    return squeezed


def sweep_scenario(dataset: xr.Dataset) -> Any | None:
    """The scenario a sweep was run on, when it can still be loaded (for its baseline)."""
    import sim

    for key in ("scenario_path", "scenario"):
        where = dataset.attrs.get(key)
        if where:
            try:
                return sim.load_scenario(where)
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
    from sim.figures.style import actor_colors

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
    from sim.figures.games import MatrixGame, subgame_matrices
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
    from sim.figures.sensitivity import morris_bars, sobol_bars

    names = [parameter_label(scenario, n) if scenario else n for n in indices.names]
    outcome = OUTCOME_LABELS.get(indices.outcome, indices.outcome)
    if hasattr(indices, "ST"):
        return sobol_bars(
            names,
            indices.S1,
            indices.S1_conf,
            indices.ST,
            indices.ST_conf,
            outcome=outcome,
            top=top,
            width=width,
        )
    unit = " (km²)" if indices.outcome.endswith("_km2") else ""
    return morris_bars(
        names,
        indices.mu_star,
        indices.mu_star_conf,
        indices.sigma,
        outcome=outcome + unit,
        top=top,
        width=width,
    )


def tradeoff_figure(discovery: Any, *, width: str = "one") -> Figure:
    """PRIM's coverage/density trade-off with the chosen box (a ``sim.sweep.Discovery``)."""
    from sim.figures.discovery import prim_tradeoff

    trajectory = discovery.trajectory
    return prim_tradeoff(
        [b.coverage for b in trajectory],
        [b.density for b in trajectory],
        chosen=discovery.chosen,
        restricted_dims=[len(b.restrictions) for b in trajectory],
        width=width,
    )


def box_figure(
    discovery: Any, dataset: xr.Dataset, scenario: Any | None = None, *, width: str = "one"
) -> Figure:
    """The chosen PRIM box's ranges against the sweep's sampled ranges."""
    from sim.figures.discovery import prim_box_ranges

    restrictions = discovery.box.restrictions
    if not restrictions:
        raise ResultsError(f"discovery: {discovery.statement()}; there is no box to draw")
    full = {
        r.path: (float(dataset[r.path].min()), float(dataset[r.path].max())) for r in restrictions
    }
    return prim_box_ranges(
        [parameter_label(scenario, r.path) if scenario else r.path for r in restrictions],
        [full[r.path][0] for r in restrictions],
        [full[r.path][1] for r in restrictions],
        [full[r.path][0] if r.lower is None else r.lower for r in restrictions],
        [full[r.path][1] if r.upper is None else r.upper for r in restrictions],
        width=width,
    )
