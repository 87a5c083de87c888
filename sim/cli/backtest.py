"""Commands: ``backtest`` (real decisions, the front out of sample) and ``calibrate``."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli import app
from sim.cli._common import echo_json, flags, user_errors

FileArg = Annotated[
    str | None,
    typer.Argument(help="A decisions file (TOML; models/data/decisions.toml is the public one)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
DrawsOpt = Annotated[
    int, typer.Option("--draws", help="Parameter sets drawn from the ranges for p_accept.")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the draws.")]


@app.command("backtest")
@user_errors
def backtest(
    file: FileArg = None,
    json: JsonOpt = False,
    draws: DrawsOpt = 1000,
    seed: SeedOpt = 0,
    front: Annotated[
        bool, typer.Option("--front", help="Also test the front out of sample (rolling origins).")
    ] = False,
    posterior: Annotated[
        str | None,
        typer.Option(
            "--posterior", help="A fit written by `ceasefire calibrate`: its values and posterior."
        ),
    ] = None,
    deals: Annotated[
        str | None,
        typer.Option(
            "--deals",
            help="A scenario (name or file): its dated named deals, each at its own date.",
        ),
    ] = None,
    least_squares: Annotated[
        bool,
        typer.Option(
            "--least-squares",
            help="--front: fit each origin by plain least squares in the box (no prior on "
            "the drift scale; the fit before session 5).",
        ),
    ] = False,
) -> None:
    """Would the model have got 2024-2026 right? Each decision at its own month."""
    from sim.errors import CeasefireError

    if file is None and not front and deals is None:
        raise CeasefireError("backtest: give a decisions FILE, --front or --deals SCENARIO")
    payload: dict = {}
    text: list[str] = []
    if file is not None:
        from sim.backtest.decisions import backtest as run

        with flags({"draws": "--draws"}):
            result = run(file, draws=draws, seed=seed, posterior=posterior)
        payload.update(result.to_dict())
        text.extend(result.lines())
    if deals is not None:
        from sim.backtest.decisions import deals_at_own_dates

        with flags({"draws": "--draws"}):
            own = deals_at_own_dates(deals, draws=draws, seed=seed)
        payload["own_dates"] = own.to_dict()
        text.extend(["", *own.lines()] if text else own.lines())
    if front:
        try:
            from sim.backtest.front import front_backtest
        except ImportError:
            raise CeasefireError("--front: sim.backtest.front is not installed") from None
        fb = front_backtest(prior=not least_squares)
        payload.update(fb.to_dict())
        text.extend(["", *fb.lines()] if text else fb.lines())
    if json:
        echo_json(payload)
        return
    for line in text:
        typer.echo(line)


@app.command("calibrate")
@user_errors
def calibrate(
    file: Annotated[
        str | None, typer.Argument(help="A decisions file (TOML; default: the public one).")
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", help="Write the fitted values to this scenario-overlay file."),
    ] = None,
    seed: SeedOpt = 0,
    loo: Annotated[
        bool, typer.Option("--loo/--no-loo", help="Leave-one-decision-out refits.")
    ] = True,
    json: JsonOpt = False,
) -> None:
    """Fit the judgement parameters to the decisions (penalised maximum likelihood)."""
    from sim.backtest.calibrate import fit_decisions
    from sim.model.scenario import builtin_models_dir

    file = file or str(builtin_models_dir() / "data" / "decisions.toml")
    result = fit_decisions(file, seed=seed, loo=loo)
    if out is not None:
        result.write(out)
    if json:
        echo_json(result.to_dict())
        return
    for line in result.lines():
        typer.echo(line)
    if out is not None:
        typer.echo(f"\nfitted values written to {out}")
