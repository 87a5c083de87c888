"""Commands: ``sweep`` (evaluate a design of parameter sets), ``discover`` (PRIM boxes
where a ceasefire line exists) and ``sensitivity`` (Sobol indices, Morris screening)."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sim.cli import app
from sim.cli._common import (
    Terminated,
    check_output_store,
    echo_json,
    flags,
    interrupted_code,
    require,
    user_errors,
)
from sim.errors import CeasefireError, ParameterError
from sim.format import number_format

PARAM_HELP = (
    "An uncertainty: PATH=linspace(a,b,n) | logspace(a,b,n) | range(a,b,step) | a,b,c | "
    "uniform(a,b) (sampled designs) | PATH alone (the scenario's range). Repeatable."
)
LEVER_HELP = "A lever (policy choice), crossed with every point: PATH=a,b,c | linspace(a,b,n)."


def _load(name: str) -> Any:
    """The scenario (a hook the tests replace)."""
    import sim

    return sim.load_scenario(name)


def _model() -> Any:
    """The model evaluated by the sweep; None means ``sim.evaluate`` (a test hook)."""
    return None


def _command(words: list[str]) -> str:
    return shlex.join(["ceasefire", *words])


def _interrupted(out: Path | None, command: str, signal: BaseException) -> typer.Exit:
    """Say what an interrupted (Ctrl-C, SIGTERM) sweep kept and how to resume it; exit
    code 130 (Ctrl-C) or 143 (SIGTERM)."""
    from sim.sweep.store import completion

    saved = None if out is None else completion(out)
    if out is None:
        message = "interrupted; nothing was saved (give --out FILE.zarr to keep finished chunks)"
    elif saved is None:
        message = f"interrupted before {out} was created; nothing was saved"
    else:
        done, total = saved
        message = (
            f"interrupted: {done} of {total} chunks are saved in {out}; "
            f"run the same command again to resume: {command}"
        )
    typer.echo(message, err=True)
    return typer.Exit(code=interrupted_code(signal))


MONTH_HELP = "Month of the ZOPA: YYYY-MM or a month index (0 = the scenario's date)."
NEUTRAL_HELP = (
    "The model's neutral view of the war: every actor's belief bias on the front-line drift "
    "set to 0 (the 'true' ZOPA; by default each actor judges with its own beliefs)."
)


#: The flags of ``ceasefire sweep`` by the names the library gives its arguments.
SWEEP_FLAGS = {
    "uncertainty": "-p",
    "lever": "-l",
    "design": "--design",
    "samples": "-n",
    "seed": "--seed",
    "replications": "--replications",
    "month": "--month",
    "paths": "--paths",
    "chunk_size": "--chunk-size",
    "second_order": "--second-order",
    "morris_levels": "--morris-levels",
    "workers": "--workers",
    "scheduler": "--scheduler",
    "out": "--out",
    "overwrite=True": "--overwrite",
    "yes": "--yes",
}
#: The flags of ``ceasefire sensitivity``: those of ``sweep``, with ``-N`` samples.
SENSITIVITY_FLAGS = {**SWEEP_FLAGS, "samples": "-N", "method": "--method"}
#: The flags of ``ceasefire discover``.
DISCOVER_FLAGS = {
    "above": "--above",
    "below": "--below",
    "above=X": "--above X",
    "absent": "--absent",
    "box": "--box",
    "threshold": "--threshold",
    "design": "--design",
}


def _month(scenario: Any, month: str | None) -> int:
    """``--month``: a ``YYYY-MM`` month or a month index -> the month index."""
    if month is None:
        return 0
    try:
        return scenario.month_index(month)
    except ParameterError as exc:
        raise ParameterError(f"--month: {str(exc).removeprefix('month: ')}") from None


def _neutral_settings(scenario: Any) -> list[str]:
    """``PATH=0`` for every actor's belief bias (the fixed settings of ``--neutral``)."""
    paths = scenario.parameter_paths()
    biases = [f"actors.{a}.belief_drift_bias_km2" for a in scenario.actors]
    return [f"{p}=0" for p in biases if p in paths]


def _options(**options: Any) -> list[str]:
    """Command-line words for the options that were given (provenance, resume hints)."""
    words: list[str] = []
    for flag, value in options.items():
        if value is None or value is False:
            continue
        if isinstance(value, list):
            for item in value:
                words += [flag, str(item)]
        elif value is True:
            words.append(flag)
        else:
            words += [flag, str(value)]
    return words


@app.command("sweep")
@user_errors
def sweep(
    out: Annotated[Path, typer.Option("--out", "-o", help="Results: *.zarr or *.nc.")],
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML file.")] = "baseline",
    param: Annotated[list[str] | None, typer.Option("-p", "--param", help=PARAM_HELP)] = None,
    lever: Annotated[list[str] | None, typer.Option("-l", "--lever", help=LEVER_HELP)] = None,
    design: Annotated[
        str, typer.Option("--design", help="grid | lhs | mc | sobol | morris")
    ] = "grid",
    samples: Annotated[
        int | None,
        typer.Option(
            "-n",
            "--samples",
            help="Points (lhs, mc), base N (sobol), trajectories (morris). lhs, sobol and "
            "morris hold their sample in memory (8 bytes a run and uncertainty), mc does not.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample and replications.")] = 0,
    replications: Annotated[
        int, typer.Option("--replications", help="Seeded runs per point (needs --paths).")
    ] = 1,
    month: Annotated[str | None, typer.Option("--month", help=MONTH_HELP)] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help=NEUTRAL_HELP)] = False,
    paths: Annotated[int, typer.Option("--paths", help="Monte Carlo paths (0: mean path).")] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Local Dask cluster of N workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a Dask scheduler.")
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Points per vectorized call.")
    ] = 100_000,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace results of a different sweep.")
    ] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Run even when the estimate exceeds memory, disk or 6 hours."),
    ] = False,
    no_forecast: Annotated[
        bool,
        typer.Option(
            "--no-forecast",
            help="Leave out p_agreement_12m and expected_delay_months: several times faster.",
        ),
    ] = False,
    regions: Annotated[
        bool,
        typer.Option(
            "--regions",
            help="Add the per-region outcomes (region_<r>_km2, region_<r>_section_lo_km2 / "
            "_hi_km2, line_<name>_ok): the scenario needs a [regions] table.",
        ),
    ] = False,
    projection: Annotated[
        bool,
        typer.Option(
            "--projection",
            help="With --regions: add each region's range over the whole zone of agreement "
            "(region_<r>_lo_km2 / _hi_km2, solve's zopa.regions; about 200 sets/s a core).",
        ),
    ] = False,
) -> None:
    """Evaluate a design of parameter sets; results stream to OUT chunk by chunk.

    Re-running the same command resumes an interrupted sweep (Ctrl-C or a
    kill loses no finished chunk); a different sweep on the same OUT is
    refused.

    Memory: a chunk of points and its results (--chunk-size), whatever the
    sweep's size, for grid and mc designs (a Monte Carlo sample is drawn
    chunk by chunk).  lhs, sobol and morris also hold their whole sample,
    8 bytes per run and uncertainty (160 MB for 10^7 runs of 2 uncertainties):
    a Latin hypercube stratifies each range over the whole sample.  Prefer
    *.zarr for big sweeps: *.nc is written at the end, one outcome at a time.
    """
    from sim.sweep.runner import evaluate_with, run_sweep
    from sim.sweep.spec import build_spec

    check_output_store(out)
    _check_runners(workers, chunk_size)
    if projection and not regions:
        raise CeasefireError("--projection needs --regions (it projects the regional zone)")
    loaded = _load(scenario)
    with flags(SWEEP_FLAGS):
        spec = build_spec(
            loaded,
            param or [],
            [*(lever or []), *(_neutral_settings(loaded) if neutral else [])],
            design=design,
            samples=samples,
            seed=seed,
            replications=replications,
            month=_month(loaded, month),
            paths=paths,
            chunk_size=chunk_size,
        )
    command = _command(
        [
            "sweep",
            scenario,
            *_options(
                **{
                    "-p": param or [],
                    "-l": lever or [],
                    "--design": design,
                    "-n": samples if spec.sampled else None,
                    "--seed": seed,
                    "--replications": replications if replications != 1 else None,
                    "--month": month,
                    "--neutral": neutral,
                    "--paths": paths or None,
                    "--chunk-size": chunk_size,
                    "--no-forecast": no_forecast,
                    "--regions": regions,
                    "--projection": projection,
                    "--out": str(out),
                }
            ),
        ]
    )
    with warnings.catch_warnings():
        # Failed chunks are reported below, one line each, with the retry hint.
        warnings.filterwarnings("ignore", message=".* chunks failed", category=RuntimeWarning)
        try:
            with flags(SWEEP_FLAGS):
                model, stored = _model(), None
                if (no_forecast or regions) and model is None:
                    model, stored = evaluate_with(
                        loaded, forecast=not no_forecast, regions=regions, projection=projection
                    )
                result = run_sweep(
                    loaded,
                    spec,
                    out=out,
                    evaluate=model,
                    outcomes=stored,
                    workers=workers,
                    scheduler=scheduler,
                    progress=progress,
                    command=command,
                    overwrite=overwrite,
                    confirmed=yes,
                )
        except (KeyboardInterrupt, Terminated) as stop:
            raise _interrupted(out, command, stop) from None
    done = sum(r.status == "done" for r in result.records.values())
    computed = [
        i for i in result.computed if i in result.records and result.records[i].status == "done"
    ]
    points = sum(result.records[i].points for i in computed)
    dataset = result.dataset
    shape = " x ".join(_dimension_words(d, dataset.sizes[d]) for d in dataset.dims)
    shape = shape or "1 point (every parameter fixed)"
    typer.echo(f"sweep {loaded.name}: {spec.design} design, {shape} -> {out}")
    rate = ""
    if result.seconds > 0 and points:
        speed = points / result.seconds
        rate = f" ({speed:,.0f} points/s)" if speed >= 10 else f" ({speed:.2g} points/s)"
    resumed = done - len(computed)
    typer.echo(
        f"chunks: {done} of {result.n_chunks} done ({len(computed)} computed now, "
        f"{resumed} already done); {result.seconds:.1f} s{rate}"
    )
    if result.failed:
        for record in result.failed[:5]:
            typer.echo(f"error: chunk {record.index} failed: {record.error}", err=True)
        typer.echo(
            f"error: {len(result.failed)} of {result.n_chunks} chunks failed; "
            f"run the same command again to retry them: {command}",
            err=True,
        )
        raise typer.Exit(code=1)
    if result.complete and "zopa_exists" in dataset.data_vars:
        share = float(dataset["zopa_exists"].mean())
        typer.echo(f"a ceasefire line (a ZOPA) exists at {share:.1%} of the points")


def _dimension_words(dim: Any, size: int) -> str:
    """``20 levels of PATH``, ``10,000 runs``, ``3 replications``."""
    if dim in ("run", "replication"):
        return f"{size:,} {dim}{'s' if size != 1 else ''}"
    return f"{size:,} levels of {dim}"


@app.command("discover")
@user_errors
def discover(
    results: Annotated[Path, typer.Argument(help="A sweep's results (*.zarr or *.nc).")],
    outcome: Annotated[
        str, typer.Option("--outcome", help="The outcome whose cases PRIM boxes.")
    ] = "zopa_exists",
    above: Annotated[
        float | None, typer.Option("--above", help="Cases: numeric outcome > X.")
    ] = None,
    below: Annotated[
        float | None, typer.Option("--below", help="Cases: numeric outcome < X.")
    ] = None,
    absent: Annotated[
        bool, typer.Option("--absent", help="Cases: where the yes/no outcome is false.")
    ] = False,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Density the chosen box must reach.")
    ] = 0.8,
    peel_alpha: Annotated[float, typer.Option("--peel-alpha")] = 0.05,
    mass_min: Annotated[float, typer.Option("--mass-min")] = 0.05,
    box: Annotated[
        int | None, typer.Option("--box", help="Choose this box of the trajectory.")
    ] = None,
    max_points: Annotated[int, typer.Option("--max-points")] = 200_000,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Scenario discovery (PRIM): the box of parameters where a ceasefire line exists."""
    from sim.sweep.discovery import discover as run_discovery
    from sim.sweep.store import open_results

    _check_prim(threshold, peel_alpha, mass_min, max_points)
    require("ema_workbench", "scenario discovery")
    dataset = open_results(results)
    with flags(DISCOVER_FLAGS, prefix=f"{results}: "):
        found = run_discovery(
            dataset,
            outcome,
            above=above,
            below=below,
            absent=absent,
            threshold=threshold,
            peel_alpha=peel_alpha,
            mass_min=mass_min,
            box=box,
            max_points=max_points,
            seed=seed,
        )
    if as_json:
        echo_json({"results": str(results), **found.to_dict()})
        return
    subject = found.subject
    typer.echo(
        f"{results}: {found.points:,} points; {subject} at {found.cases:,} of them "
        f"({found.base_density:.1%})"
    )
    typer.echo(f"method: {found.method}")
    if len(found.trajectory) > 1:
        typer.echo("peeling trajectory (PRIM's boxes, from the whole sweep inwards):")
        typer.echo(f"  coverage: share of the points where {subject} that lie in the box")
        typer.echo(f"  density:  share of the box's points where {subject}")
        typer.echo("  mass:     share of all the points in the box; limits: parameters restricted")
        typer.echo(f"  {'box':>4} {'coverage':>9} {'density':>8} {'mass':>7} {'limits':>7}")
        shown = _thinned(found.trajectory, found.chosen)
        for b in found.trajectory:
            if b.index not in shown:
                continue
            mark = " <- chosen" if b.index == found.chosen else ""
            typer.echo(
                f"  {b.index:>4} {b.coverage:>9.1%} {b.density:>8.1%} {b.mass:>7.1%} "
                f"{len(b.restrictions):>7}{mark}"
            )
        if len(shown) < len(found.trajectory):
            typer.echo(f"  ({len(shown)} of {len(found.trajectory)} boxes shown; --json lists all)")
    if found.box.restrictions:
        typer.echo(
            f"box {found.chosen}'s limits, each with its quasi-p-value qp (Bryant & Lempert "
            "2010; a small qp: the limit matters):"
        )
        width = max(len(r.phrase()) for r in found.box.restrictions)
        for r in found.box.restrictions:
            qp = ""
            if r.qp is not None:
                qp = f"   qp {r.qp:.2g}" + (" (not significant)" if r.qp > 0.05 else "")
            typer.echo(f"  {r.phrase():<{width}}{qp}")
    typer.echo(found.statement())
    if found.chosen != found.densest.index and not found.box.restrictions:
        typer.echo(
            f"(see box {found.densest.index} with --box {found.densest.index}, or raise "
            f"--threshold above {found.threshold:g})"
        )
    if found.condition == "zopa_exists" and found.meets_threshold and not found.box.restrictions:
        typer.echo(
            f"(where a ceasefire line does not exist: ceasefire discover {results} --absent)"
        )


def _check_prim(threshold: float, peel_alpha: float, mass_min: float, max_points: int) -> None:
    """PRIM's options, checked before the results are read."""
    if not 0 < threshold <= 1:
        raise CeasefireError(f"--threshold must be in (0, 1], got {threshold:g}")
    if not 0 < peel_alpha < 0.5:
        raise CeasefireError(f"--peel-alpha must be in (0, 0.5), got {peel_alpha:g}")
    if not 0 <= mass_min < 1:
        raise CeasefireError(f"--mass-min must be in [0, 1), got {mass_min:g}")
    if max_points < 2:
        raise CeasefireError(f"--max-points must be >= 2, got {max_points}")


def _check_runners(workers: int | None, chunk_size: int) -> None:
    """``--workers`` and ``--chunk-size``, checked before any work starts."""
    if workers is not None and workers < 1:
        raise CeasefireError(f"--workers must be >= 1, got {workers}")
    if chunk_size < 1:
        raise CeasefireError(f"--chunk-size must be >= 1, got {chunk_size}")


def _thinned(trajectory: tuple[Any, ...], chosen: int, rows: int = 20) -> set[int]:
    """The boxes to print: about ``rows`` evenly spaced ones, the first, last and chosen."""
    step = max(1, -(-len(trajectory) // rows))
    return {*range(0, len(trajectory), step), len(trajectory) - 1, chosen}


@app.command("sensitivity")
@user_errors
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Scenario name or TOML file.")] = "baseline",
    param: Annotated[
        list[str] | None,
        typer.Option("-p", "--param", help="An uncertainty: PATH=uniform(a,b) or PATH."),
    ] = None,
    samples: Annotated[
        int, typer.Option("-N", "--samples", help="SALib's N (a power of 2 for Sobol).")
    ] = 1024,
    method: Annotated[str, typer.Option("--method", help="sobol | morris")] = "sobol",
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Outcome(s); default existence, width, location."),
    ] = None,
    second_order: Annotated[bool, typer.Option("--second-order")] = False,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    month: Annotated[str | None, typer.Option("--month", help=MONTH_HELP)] = None,
    neutral: Annotated[bool, typer.Option("--neutral", help=NEUTRAL_HELP)] = False,
    paths: Annotated[int, typer.Option("--paths")] = 0,
    conf_level: Annotated[float, typer.Option("--conf-level")] = 0.95,
    workers: Annotated[int | None, typer.Option("--workers")] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler")] = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size")] = 100_000,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also keep the sample's results.")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Run even when the estimate exceeds memory, disk or 6 hours."),
    ] = False,
) -> None:
    """Sobol first-order and total indices (with confidence intervals), or Morris screening."""
    from sim.sweep.sensitivity import DEFAULT_OUTCOMES, MorrisIndices
    from sim.sweep.sensitivity import sensitivity as run_sensitivity

    if not param:
        raise CeasefireError("give the uncertainties to analyse: -p PATH=uniform(a,b) or -p PATH")
    if not 0 < conf_level < 1:
        raise CeasefireError(f"--conf-level must be in (0, 1), got {conf_level:g}")
    if samples < 1:
        raise CeasefireError(f"-N must be >= 1, got {samples}")
    if out is not None:
        check_output_store(out)
    _check_runners(workers, chunk_size)
    require("SALib", "sensitivity analysis")
    loaded = _load(scenario)
    words = _options(
        **{
            "-p": param,
            "-N": samples,
            "--method": method,
            "--seed": seed,
            "--outcome": outcome or [],
            "--second-order": second_order,
            "--month": month,
            "--neutral": neutral,
            "--paths": paths or None,
            "--conf-level": conf_level if conf_level != 0.95 else None,
            "--chunk-size": chunk_size if chunk_size != 100_000 else None,
            "--out": None if out is None else str(out),
        }
    )
    command = _command(["sensitivity", scenario, *words])
    try:
        with flags(SENSITIVITY_FLAGS):
            found = run_sensitivity(
                loaded,
                param,
                samples,
                settings=_neutral_settings(loaded) if neutral else (),
                method=method,
                outcomes=outcome or DEFAULT_OUTCOMES,
                seed=seed,
                second_order=second_order,
                month=_month(loaded, month),
                paths=paths,
                conf_level=conf_level,
                chunk_size=chunk_size,
                out=out,
                evaluate=_model(),
                workers=workers,
                scheduler=scheduler,
                progress=progress,
                command=command,
                confirmed=yes,
            )
    except (KeyboardInterrupt, Terminated) as stop:
        raise _interrupted(out, command, stop) from None
    if as_json:
        echo_json(found.to_dict())
        return
    width = max(len(n) for ix in found.indices.values() for n in ix.names)
    level = f"{found.conf_level:.0%}"
    if found.method == "sobol":
        typer.echo(
            f"Sobol indices of {loaded.name}: N={found.samples}, {found.runs:,} runs, "
            f"± the {level} confidence half-width (SALib)"
        )
        typer.echo(
            "  S1: the share of the outcome's variance a parameter explains alone; "
            "ST: with its interactions"
        )
    else:
        typer.echo(
            f"Morris screening of {loaded.name}: {found.samples} trajectories, "
            f"{found.runs:,} runs, mu* ± the {level} confidence half-width (SALib)"
        )
        typer.echo("  effect: the outcome's change over a parameter's whole range")
        typer.echo(
            "  mu*: the mean |effect| (ranks the parameters); sigma: the effects' spread "
            "(non-linearity or interactions); mu: the mean signed effect"
        )
    noisy = False
    for name, ix in found.indices.items():
        typer.echo(f"{name} ({_OUTCOME_WORDS.get(name, name)}):")
        if ix.note:
            typer.echo(f"  not computed: {ix.note}")
            continue
        if isinstance(ix, MorrisIndices):
            number = number_format(np.concatenate([ix.mu_star, ix.sigma, ix.mu]))
            cells = [
                (f"{number(ix.mu_star[j])} ± {number(ix.mu_star_conf[j])}", number(ix.sigma[j]))
                for j in range(len(ix.names))
            ]
            first = max(len("mu*"), *(len(c[0]) for c in cells))
            second = max(len("sigma"), *(len(c[1]) for c in cells))
            third = max(len("mu"), *(len(number(v)) for v in ix.mu))
            typer.echo(
                f"  {'parameter':<{width}}  {'mu*':<{first}}  {'sigma':>{second}}  {'mu':>{third}}"
            )
            for j, n in enumerate(ix.names):
                typer.echo(
                    f"  {n:<{width}}  {cells[j][0]:<{first}}  {cells[j][1]:>{second}}  "
                    f"{number(ix.mu[j]):>{third}}"
                )
            continue
        typer.echo(f"  {'parameter':<{width}}  {'S1 (first-order)':<16}  ST (total)")
        for j, n in enumerate(ix.names):
            first = f"{ix.S1[j]:6.3f} ± {ix.S1_conf[j]:.3f}"
            typer.echo(f"  {n:<{width}}  {first:<16}  {ix.ST[j]:6.3f} ± {ix.ST_conf[j]:.3f}")
        top = int(np.argmax(ix.ST))
        typer.echo(
            f"  most influential: {ix.names[top]} (ST {ix.ST[top]:.2f}); "
            f"the S1 indices sum to {np.sum(ix.S1):.2f}"
            + (", the rest is interactions" if np.sum(ix.S1) < 0.9 else "")
        )
        noisy = noisy or bool(np.any(ix.S1 < 0) or np.any(ix.S1 > ix.ST))
    if noisy:
        typer.echo(
            "(an S1 below 0 or above its ST is estimation noise within the confidence "
            "interval; a larger -N narrows it)"
        )


#: What each default outcome of ``ceasefire sensitivity`` measures, for its heading.
_OUTCOME_WORDS = {
    "zopa_exists": "whether a ceasefire line exists, 0 or 1",
    "zopa_width_km2": "the width of the zone of possible agreement, km2",
    "zopa_mid_km2": "where the zone is: the midpoint of its bounds, km2",
}
