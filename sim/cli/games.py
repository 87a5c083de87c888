"""``ceasefire games [SCENARIO]``: each strategic subgame's payoffs, equilibria and outcome.

For every game declared in the scenario's ``[games.<name>]`` tables the
command prints the payoff matrix built from the game's parameters, all its
Nash equilibria (nashpy; degenerate games re-solved by vertex enumeration and
reported as such), the outcome the game's selection rule picks, and the
expected effects the war model consumes.  ``--json`` prints the same as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from sim.cli import app
from sim.cli._common import echo_json, user_errors
from sim.results import json_ready


def _get(config: Any, name: str, default: Any = None) -> Any:
    if isinstance(config, Mapping):
        return config.get(name, default)
    return getattr(config, name, default)


def _values(config: Any) -> dict[str, Any]:
    """The game's parameters as numbers (a scenario gives each as a sourced ``Param``)."""
    params = _get(config, "params") or {}
    return {name: getattr(value, "value", value) for name, value in params.items()}


def _sources(config: Any) -> dict[str, str | None]:
    params = _get(config, "params") or {}
    return {name: getattr(value, "source", None) for name, value in params.items()}


def _report(config: Any) -> Any:
    from sim.games.subgames import describe_subgame

    selection = _get(config, "selection", "payoff_dominant")
    return describe_subgame(_get(config, "kind"), _values(config), selection)


def _mix(actions: tuple[str, ...], mix: Any) -> str:
    return " / ".join(f"{label} {float(p):.3f}" for label, p in zip(actions, mix, strict=True))


def render_game(name: str, config: Any) -> str:
    """One game as text: header, payoff matrix, equilibria, selection, effects.

    Parameters
    ----------
    name : str
        The game's name in the scenario.
    config : object or dict
        With ``kind``, ``selection``, ``params`` and optionally ``label``,
        ``row`` and ``col`` (the actors' keys).

    Raises
    ------
    sim.errors.ParameterError
        On an unknown kind or selection, or a bad parameter.
    """
    report = _report(config)
    row = _get(config, "row") or report.row_role
    col = _get(config, "col") or report.col_role
    label = _get(config, "label") or ""
    found = report.equilibria
    lines = [f"{name}: {label}".rstrip(": ")]
    lines.append(
        f"  kind {report.kind}; row {row} ({report.row_role}), col {col} ({report.col_role}); "
        f"selection {report.selection}"
    )
    lines.append("  params: " + ", ".join(f"{k} = {v:g}" for k, v in report.params.items()))
    width = max(len(a) for a in report.row_actions) + 2
    cell = 22
    lines.append(f"  payoffs ({row}, {col}):")
    lines.append(" " * (4 + width) + "".join(f"{a:>{cell}}" for a in report.col_actions))
    for i, action in enumerate(report.row_actions):
        cells = "".join(
            f"{f'({report.A[i, j]:.4g}, {report.B[i, j]:.4g})':>{cell}}" for j in range(2)
        )
        lines.append(f"    {action:<{width}}{cells}")
    how = f"nashpy {found.nashpy_version}, {found.method} enumeration"
    if found.method == "lemke_howson":
        how = f"nashpy {found.nashpy_version}, Lemke-Howson"
    if found.degenerate:
        how += (
            f"; DEGENERATE game (requested {found.requested_method}, "
            "extreme equilibria by vertex enumeration)"
        )
    lines.append(f"  equilibria ({how}):")
    for k, (e, eff, w) in enumerate(
        zip(found, report.equilibrium_effects, report.chosen.weights, strict=True), start=1
    ):
        effects = ", ".join(f"{n} {v:.3f}" for n, v in eff.items())
        lines.append(
            f"    {k}. {row}: {_mix(report.row_actions, e.row_mix)}; "
            f"{col}: {_mix(report.col_actions, e.col_mix)}"
        )
        lines.append(
            f"       payoffs ({e.row_payoff:.4g}, {e.col_payoff:.4g}); {effects}; weight {w:.3f}"
        )
    for message in found.warnings:
        lines.append(f"    nashpy warned: {message}")
    lines.append(f"  selected by {report.chosen.rule_applied}")
    lines.append("  effects: " + ", ".join(f"{n} = {v:.3f}" for n, v in report.effects.items()))
    return "\n".join(lines)


def render_games(games: Mapping[str, Any]) -> str:
    """All games of a scenario as text, separated by blank lines."""
    if not games:
        return "the scenario declares no subgames"
    return "\n\n".join(render_game(name, config) for name, config in games.items())


def games_payload(games: Mapping[str, Any]) -> dict[str, Any]:
    """All games of a scenario as plain Python for ``--json``."""
    payload = {}
    for name, config in games.items():
        entry = {
            "label": _get(config, "label"),
            "row": _get(config, "row"),
            "col": _get(config, "col"),
        }
        entry.update(_report(config).as_dict())
        entry["sources"] = _sources(config)
        payload[name] = entry
    return payload


@app.command("games")
@user_errors
def games(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name (in models/) or path to a scenario file.")
    ] = "baseline",
    json_output: Annotated[
        bool, typer.Option("--json", help="Print JSON instead of text.")
    ] = False,
) -> None:
    """Print each subgame's payoff matrix, its equilibria and the selected outcome."""
    import sim

    loaded = sim.load_scenario(scenario)
    subgames = getattr(loaded, "games", None) or {}
    if json_output:
        echo_json(json_ready({"scenario": scenario, "games": games_payload(subgames)}))
    else:
        typer.echo(render_games(subgames))
