"""Command: ``forecast`` (the probability of a ceasefire by month, and what blocks it)."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli import app
from sim.cli._common import echo_json, flags, user_errors


@app.command("forecast")
@user_errors
def forecast(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario name or a scenario file.")
    ] = "baseline",
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    draws: Annotated[
        int, typer.Option("--draws", help="Parameter sets drawn from the ranges for the bands.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws.")] = 0,
    start: Annotated[
        str | None, typer.Option("--start", help="First month forecast, YYYY-MM.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Month of the headline and blockers, YYYY-MM.")
    ] = None,
    posterior: Annotated[
        str | None,
        typer.Option(
            "--posterior",
            help="A fit written by `ceasefire calibrate --out`: its values, and its "
            "parameters drawn from its posterior.",
        ),
    ] = None,
) -> None:
    """How likely is a ceasefire by each month, and what stands in the way?"""
    from sim.forecast import forecast as run

    with flags({"draws": "--draws", "start": "--start", "by": "--by"}):
        result = run(scenario, start=start, by=by, draws=draws, seed=seed, posterior=posterior)
    if json:
        echo_json(result.to_dict())
        return
    for line in result.lines():
        typer.echo(line)
