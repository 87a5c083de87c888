"""Commands: ``plot`` (one figure to a file) and ``figures`` (the article set to a folder)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli import app
from sim.cli._common import check_output_file, check_output_folder, require, user_errors

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("pdf", "svg", "png")


class Kind(StrEnum):
    """The figures ``ceasefire plot`` draws."""

    zopa = "zopa"
    timeline = "timeline"
    phase = "phase"
    map = "map"
    frontier = "frontier"
    games = "games"
    sensitivity = "sensitivity"
    discovery = "discovery"
    box = "box"
    backtest = "backtest"
    forecast = "forecast"
    regions = "regions"


class Width(StrEnum):
    """Printed width: one column (89 mm) or two (183 mm)."""

    one = "one"
    two = "two"


class Ranges(StrEnum):
    """The map's per-region ranges: the section through the no-deal line, or the zone's
    projection (:func:`sim.report.map_figure`)."""

    section = "section"
    zone = "zone"


def _check_suffix(path: Path, option: str = "--out") -> None:
    if path.suffix.lower().lstrip(".") not in FORMATS:
        raise typer.BadParameter(
            f"{str(path)!r} must end in one of {', '.join('.' + f for f in FORMATS)}",
            param_hint=option,
        )


def _is_results(target: str) -> bool:
    """A sweep results file (Zarr folder, NetCDF) rather than a scenario."""
    path = Path(target)
    return path.suffix.lower() != ".toml" and (
        path.exists() or path.suffix.lower() in (".zarr", ".nc", ".nc4", ".netcdf")
    )


@dataclass(frozen=True)
class _Request:
    """What ``ceasefire plot`` was asked to draw, its options as parsed."""

    kind: Kind
    target: str
    width: str | None = None
    month: str | None = None
    outcome: str | None = None
    above: float | None = None
    below: float | None = None
    plane: tuple[str, str] | None = None
    threshold: float = 0.8
    ranges: str = "section"

    def sized(self, default: str) -> str:
        return self.width or default


SWEEP_KINDS = (Kind.sensitivity, Kind.discovery, Kind.box)


def _build(request: _Request) -> Figure:
    if request.kind is Kind.backtest:  # target: a decisions file (default: the shipped one)
        from sim import report

        target = None if request.target == "baseline" else request.target
        return report.backtest_figure(decisions_file=target, width=request.sized("two"))
    if request.kind in SWEEP_KINDS or (request.kind is Kind.phase and _is_results(request.target)):
        return _from_sweep(request)
    return _from_scenario(request)


def _from_sweep(request: _Request) -> Figure:
    from sim import report

    kind, target, width = request.kind, request.target, request.sized("one")
    dataset = report.open_sweep(target)
    scenario = report.sweep_scenario(dataset)
    if kind is Kind.phase:
        grid = report.phase_dataset_from_sweep(dataset, target)
        return report.phase_figure(grid, scenario, width=width)
    if kind is Kind.sensitivity:
        indices = report.sweep_indices(dataset, request.outcome or "zopa_width_km2", target)
        return report.sensitivity_figure(indices, scenario, width=width)
    from sim.sweep import discover

    found = discover(
        dataset,
        request.outcome or "zopa_exists",
        above=request.above,
        below=request.below,
        threshold=request.threshold,
    )
    if kind is Kind.discovery:
        return report.tradeoff_figure(found, width=width)
    return report.box_figure(found, dataset, scenario, width=width)


def _from_scenario(request: _Request) -> Figure:
    import sim
    from sim import report

    kind, month = request.kind, request.month
    scenario = sim.load_scenario(request.target)
    if kind is Kind.phase:
        x, y = request.plane or report.default_phase_parameters(scenario)
        grid = report.phase_grid(scenario, x, y)
        return report.phase_figure(grid, scenario, width=request.sized("one"))
    if kind is Kind.zopa:
        return report.zopa_figure(scenario, month=month, width=request.sized("one"))
    if kind is Kind.timeline:
        return report.timeline_figure(scenario, width=request.sized("two"))
    if kind is Kind.map:
        return report.map_figure(
            scenario, month=month, width=request.sized("one"), ranges=request.ranges
        )
    if kind is Kind.games:
        return report.games_figure(scenario, width=request.sized("two"))
    if kind is Kind.forecast:  # --month: the first month forecast
        from sim.figures.forecast import forecast_curve
        from sim.forecast import forecast

        return forecast_curve(forecast(scenario, start=month), width=request.sized("one"))
    if kind is Kind.regions:  # issue 18: Donetsk against Zaporizhzhia
        return report.regions_figure(scenario, month=month, width=request.sized("one"))
    return report.frontier_figure(scenario, month=month, width=request.sized("one"))


XOpt = Annotated[
    str | None, typer.Option("--x", help="phase: parameter path on the x axis (with --y).")
]
YOpt = Annotated[
    str | None, typer.Option("--y", help="phase: parameter path on the y axis (with --x).")
]


def _plane(x: str | None, y: str | None) -> tuple[str, str] | None:
    if (x is None) != (y is None):
        raise typer.BadParameter("give both --x and --y, or neither", param_hint="--x/--y")
    return None if x is None else (x, y)


@app.command("plot")
@user_errors
def plot(
    kind: Annotated[Kind, typer.Argument(help="Which figure.", case_sensitive=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .pdf, .svg or .png.")],
    target: Annotated[
        str,
        typer.Argument(
            help="Scenario (built-in name or TOML file) for zopa, timeline, map, frontier, "
            "games; a decisions file for backtest (default: the shipped one); a sweep results "
            "file (Zarr/NetCDF) for sensitivity (a sobol or morris "
            "sweep), discovery and box (PRIM); either for phase (for a scenario, a grid over "
            "two parameters is computed)."
        ),
    ] = "baseline",
    width: Annotated[
        Width | None, typer.Option(help="Printed width: one column (89 mm) or two (183 mm).")
    ] = None,
    month: Annotated[
        str | None,
        typer.Option(
            help="Month YYYY-MM for zopa/map/frontier, the first month for forecast "
            "(default: start)."
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            help="Outcome for sensitivity (default zopa_width_km2) or discovery/box "
            "(default zopa_exists)."
        ),
    ] = None,
    above: Annotated[
        float | None, typer.Option(help="discovery/box: cases are a numeric outcome above this.")
    ] = None,
    below: Annotated[
        float | None, typer.Option(help="discovery/box: cases are a numeric outcome below this.")
    ] = None,
    threshold: Annotated[
        float,
        typer.Option(help="discovery/box: the density PRIM's chosen box must reach, in (0, 1]."),
    ] = 0.8,
    x: XOpt = None,
    y: YOpt = None,
    ranges: Annotated[
        Ranges,
        typer.Option(
            help="map, with [regions]: each region's range with the others at the no-deal "
            "line (section), or over the whole zone, any other region free to move (zone)."
        ),
    ] = Ranges.section,
) -> None:
    """Draw one figure and write it to --out (PDF, SVG or PNG by the suffix)."""
    from sim.figures import save_figure

    _check_suffix(out)
    check_output_file(out)
    if kind in (Kind.sensitivity, Kind.discovery, Kind.box):
        require("SALib" if kind is Kind.sensitivity else "ema_workbench", f"plot {kind.value}")
    if not 0.0 < threshold <= 1.0:
        raise typer.BadParameter(f"must be in (0, 1], got {threshold:g}", param_hint="--threshold")
    request = _Request(
        kind,
        target,
        width=None if width is None else width.value,
        month=month,
        outcome=outcome,
        above=above,
        below=below,
        plane=_plane(x, y),
        threshold=threshold,
        ranges=ranges.value,
    )
    figure = _build(request)
    typer.echo(str(save_figure(figure, out)))


@app.command("figures")
@user_errors
def figures(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path(
        "figures"
    ),
    scenario: Annotated[
        str, typer.Option(help="Scenario (built-in name or TOML file).")
    ] = "baseline",
    formats: Annotated[
        str, typer.Option("--formats", help="Comma-separated formats among pdf,svg,png.")
    ] = ",".join(FORMATS),
    phase_points: Annotated[
        int | None,
        typer.Option(help="Grid points per axis of the phase map [default: 41].", min=3, max=201),
    ] = None,
    samples: Annotated[
        int,
        typer.Option(
            help="Sobol N of the sensitivity sweep (the discovery sweep has 8 N points); "
            "0 leaves both figures out.",
            min=0,
        ),
    ] = 256,
    x: XOpt = None,
    y: YOpt = None,
) -> None:
    """Regenerate the article's figures of a scenario (the baseline by default) into --out."""
    import sim
    from sim.figures import save_figure
    from sim.report import PHASE_POINTS, article_figures

    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(
            f"unknown format(s) {unknown or formats!r}; choose among {', '.join(FORMATS)}",
            param_hint="--formats",
        )
    check_output_folder(out)
    if samples:
        for module in ("SALib", "ema_workbench"):
            require(module, "the article set (--samples 0 leaves out what needs it)")
    loaded = sim.load_scenario(scenario)
    figures = article_figures(
        loaded,
        phase_points=phase_points or PHASE_POINTS,
        samples=samples,
        phase_parameters=_plane(x, y),
    )
    for stem, figure in figures:
        for fmt in chosen:
            typer.echo(str(save_figure(figure, out / f"{stem}.{fmt}")))
