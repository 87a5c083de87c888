"""Commands: ``sweep`` (evaluate a design of parameter sets), ``discover`` (PRIM boxes
where a ceasefire line exists) and ``sensitivity`` (Sobol indices, Morris screening)."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli import app
from sim.cli._common import echo_json, user_errors
from sim.errors import CeasefireError

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
        typer.Option("-n", "--samples", help="Points (lhs, mc), base N (sobol), trajectories."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample and replications.")] = 0,
    replications: Annotated[
        int, typer.Option("--replications", help="Seeded runs per point (needs --paths).")
    ] = 1,
    month: Annotated[int, typer.Option("--month", help="Month index of the ZOPA.")] = 0,
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
) -> None:
    """Evaluate a design of parameter sets; results stream to OUT chunk by chunk.

    Re-running the same command resumes an interrupted sweep; a different
    sweep on the same OUT is refused.
    """
    from sim.sweep.runner import run_sweep
    from sim.sweep.spec import build_spec

    loaded = _load(scenario)
    spec = build_spec(
        loaded,
        param or [],
        lever or [],
        design=design,
        samples=samples,
        seed=seed,
        replications=replications,
        month=month,
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
                    "--month": month or None,
                    "--paths": paths or None,
                    "--chunk-size": chunk_size,
                    "--out": str(out),
                }
            ),
        ]
    )
    with warnings.catch_warnings():
        # Failed chunks are reported below, one line each, with the retry hint.
        warnings.filterwarnings("ignore", message=".* chunks failed", category=RuntimeWarning)
        result = run_sweep(
            loaded,
            spec,
            out=out,
            evaluate=_model(),
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            command=command,
            overwrite=overwrite,
        )
    done = sum(r.status == "done" for r in result.records.values())
    computed = [
        i for i in result.computed if i in result.records and result.records[i].status == "done"
    ]
    points = sum(result.records[i].points for i in computed)
    dataset = result.dataset
    shape = " x ".join(f"{dataset.sizes[d]} {d}" for d in dataset.dims)
    typer.echo(f"sweep {loaded.name}: {spec.design} design, {shape} -> {out}")
    rate = f" ({points / result.seconds:,.0f} points/s)" if result.seconds > 0 and points else ""
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
        typer.echo(f"a ZOPA exists at {share:.1%} of the points")


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

    if not 0 < threshold <= 1:
        raise CeasefireError(f"--threshold must be in (0, 1], got {threshold}")
    dataset = open_results(results)
    try:
        found = run_discovery(
            dataset,
            outcome,
            above=above,
            below=below,
            threshold=threshold,
            peel_alpha=peel_alpha,
            mass_min=mass_min,
            box=box,
            max_points=max_points,
            seed=seed,
        )
    except CeasefireError as exc:
        raise type(exc)(f"{results}: {exc}") from None
    if as_json:
        echo_json(
            {
                "results": str(results),
                "condition": found.condition,
                "points": found.points,
                "cases": found.cases,
                "method": found.method,
                "chosen": found.chosen,
                "statement": found.statement(),
                "trajectory": [
                    {
                        "box": b.index,
                        "coverage": b.coverage,
                        "density": b.density,
                        "mass": b.mass,
                        "restrictions": [vars(r) for r in b.restrictions],
                    }
                    for b in found.trajectory
                ],
            }
        )
        return
    typer.echo(
        f"{results}: {found.points} points, {found.condition} at {found.cases} "
        f"({found.base_density:.1%}); {found.method}"
    )
    typer.echo("peeling trajectory (coverage/density trade-off):")
    typer.echo(f"  {'box':>4} {'coverage':>9} {'density':>8} {'mass':>7} {'restricted':>10}")
    for b in found.trajectory:
        mark = " <- chosen" if b.index == found.chosen else ""
        typer.echo(
            f"  {b.index:>4} {b.coverage:>9.1%} {b.density:>8.1%} {b.mass:>7.1%} "
            f"{len(b.restrictions):>10}{mark}"
        )
    if found.box.restrictions:
        typer.echo(f"box {found.chosen}: (qp: quasi-p-value of each limit, Bryant & Lempert 2010)")
        for r in found.box.restrictions:
            qp = "" if r.qp is None else f"   qp {r.qp:.2g}"
            typer.echo(f"  {r.phrase()}{qp}")
    typer.echo(found.statement())


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
    month: Annotated[int, typer.Option("--month")] = 0,
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
) -> None:
    """Sobol first-order and total indices (with confidence intervals), or Morris screening."""
    from sim.sweep.sensitivity import DEFAULT_OUTCOMES, MorrisIndices
    from sim.sweep.sensitivity import sensitivity as run_sensitivity

    if not param:
        raise CeasefireError("give the uncertainties to analyse: -p PATH=uniform(a,b) or -p PATH")
    loaded = _load(scenario)
    words = _options(
        **{
            "-p": param,
            "-N": samples,
            "--method": method,
            "--seed": seed,
            "--month": month or None,
            "--paths": paths or None,
        }
    )
    found = run_sensitivity(
        loaded,
        param,
        samples,
        method=method,
        outcomes=outcome or DEFAULT_OUTCOMES,
        seed=seed,
        second_order=second_order,
        month=month,
        paths=paths,
        conf_level=conf_level,
        chunk_size=chunk_size,
        out=out,
        evaluate=_model(),
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        command=_command(["sensitivity", scenario, *words]),
    )
    if as_json:
        payload: dict[str, Any] = {
            "method": found.method,
            "samples": found.samples,
            "runs": found.runs,
            "conf_level": found.conf_level,
            "indices": {},
        }
        for name, ix in found.indices.items():
            fields = (
                ("mu", "mu_star", "mu_star_conf", "sigma")
                if isinstance(ix, MorrisIndices)
                else ("S1", "S1_conf", "ST", "ST_conf")
            )
            payload["indices"][name] = {
                "parameters": list(ix.names),
                **{f: [float(v) for v in getattr(ix, f)] for f in fields},
                "note": ix.note,
            }
        echo_json(payload)
        return
    width = max(len(n) for ix in found.indices.values() for n in ix.names)
    level = f"{found.conf_level:.0%}"
    if found.method == "sobol":
        typer.echo(
            f"Sobol indices of {loaded.name} (N={found.samples}, {found.runs} runs; "
            f"± {level} confidence half-width; SALib)"
        )
    else:
        typer.echo(
            f"Morris screening of {loaded.name} ({found.samples} trajectories, "
            f"{found.runs} runs; ± {level} confidence of mu*; SALib)"
        )
    for name, ix in found.indices.items():
        typer.echo(f"{name}:")
        if ix.note:
            typer.echo(f"  not computed: {ix.note}")
            continue
        if isinstance(ix, MorrisIndices):
            typer.echo(f"  {'parameter':<{width}} {'mu*':>18} {'sigma':>11} {'mu':>11}")
            for j, n in enumerate(ix.names):
                typer.echo(
                    f"  {n:<{width}} {ix.mu_star[j]:>9.4g} ± {ix.mu_star_conf[j]:<6.2g} "
                    f"{ix.sigma[j]:>11.4g} {ix.mu[j]:>11.4g}"
                )
        else:
            typer.echo(f"  {'parameter':<{width}} {'first-order S1':>16} {'total ST':>16}")
            for j, n in enumerate(ix.names):
                typer.echo(
                    f"  {n:<{width}} {ix.S1[j]:>7.3f} ± {ix.S1_conf[j]:<6.3f} "
                    f"{ix.ST[j]:>7.3f} ± {ix.ST_conf[j]:<6.3f}"
                )
