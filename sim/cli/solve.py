"""Commands: ``scenarios``, ``validate``, ``solve``, ``timeline``, ``packages``."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from sim.cli import app
from sim.cli._common import echo_json, user_errors
from sim.errors import CeasefireError
from sim.format import km2, km2_cell


@app.command("scenarios")
@user_errors
def scenarios(
    copy: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--copy",
            metavar="NAME FILE",
            help="Copy built-in scenario NAME to FILE, a file to start from.",
        ),
    ] = None,
) -> None:
    """List the built-in scenarios (name, title, file), or copy one to start from."""
    from sim.model.scenario import builtin_scenarios, load_scenario

    builtin = builtin_scenarios()
    if copy:
        _copy_scenario(builtin, *copy)
        return
    for name, path in builtin.items():
        typer.echo(f"{name:<16} {load_scenario(path).title}")
        typer.echo(f"{'':<16} {path}")


def _copy_scenario(builtin: dict, name: str, target: str) -> None:
    """``scenarios --copy NAME FILE``: the built-in file's text, never over an existing file."""
    import os
    from pathlib import Path

    from sim.cli._common import check_output_file
    from sim.model.params import did_you_mean

    if name not in builtin:
        raise CeasefireError(
            f"--copy {name}: no built-in scenario{did_you_mean(name, list(builtin))} "
            f"(built-in: {', '.join(builtin)})"
        )
    out = Path(target)
    if out.exists():
        raise CeasefireError(f"--copy: {out} exists; choose another file name")
    check_output_file(out, option="--copy")
    text = builtin[name].read_text(encoding="utf-8")
    with open(out, "x", encoding="utf-8") as file:
        file.write(text)
    os.chmod(out, 0o666 & ~_umask())
    typer.echo(f"{out}: a copy of the built-in scenario {name!r}; ceasefire validate {out}")
    if "extends" in text.split("[", 1)[0]:
        typer.echo("(it extends another built-in file: copy that one beside it too)")


def _umask() -> int:
    import os

    umask = os.umask(0)
    os.umask(umask)
    return umask


@app.command("validate")
@user_errors
def validate(file: Annotated[str, typer.Argument(help="A scenario file (TOML).")]) -> None:
    """Check a scenario file; print what it contains or one line saying what is wrong."""
    from sim.model.scenario import load_scenario

    s = load_scenario(file)
    unsourced = [p for p in s.parameter_paths() if not s.source(p)]
    typer.echo(
        f"{file}: valid -- scenario {s.name!r}, {len(s.actors)} actors, "
        f"{len(s.dimensions) + 1} deal dimensions, {len(s.model.deals)} named deals, "
        f"{len(s.parameter_paths())} parameters ({len(unsourced)} without a source)"
    )


def _parse_set(values: list[str] | None) -> dict[str, float]:
    from sim.errors import ParameterError

    out = {}
    for item in values or []:
        path, sep, value = item.partition("=")
        if not sep:
            raise ParameterError(f"--set: expected PATH=VALUE, got {item!r}")
        try:
            out[path.strip()] = float(value)
        except ValueError:
            raise ParameterError(f"--set {path}: expected a number, got {value!r}") from None
    return out


def _with_set(scenario, set_: list[str] | None):
    """``scenario`` with the ``--set PATH=VALUE`` overrides applied (validated as the
    file is)."""
    overrides = _parse_set(set_)
    return scenario.with_params(overrides) if overrides else scenario


ScenarioArg = Annotated[str, typer.Argument(help="Built-in name or scenario file.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a parameter: PATH=VALUE (repeatable)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PathsOpt = Annotated[int, typer.Option(help="Monte Carlo paths (0: deterministic).")]
SeedOpt = Annotated[int, typer.Option(help="Seed of the Monte Carlo paths.")]
YesOpt = Annotated[
    bool, typer.Option("--yes", help="Run even when the estimate exceeds memory or 6 hours.")
]


def _check_paths(s, paths: int, yes: bool) -> None:
    """``--paths``: refuse a negative count, and a count whose estimated memory or time
    is beyond the machine (:mod:`sim.sweep.sizing`) unless ``--yes``."""
    from sim.errors import ParameterError

    if paths < 0:
        raise ParameterError(f"--paths must be >= 0 (0: the mean path), got {paths}")
    from sim.sweep.sizing import RATE, Estimate, check_estimate

    months = int(getattr(s, "horizon", 60)) + 1
    estimate = Estimate(
        f"{paths:,} paths",
        memory=paths * months * 64 * 8,
        seconds=paths / RATE,
    )
    try:
        check_estimate(estimate, confirmed=yes)
    except CeasefireError as exc:
        raise ParameterError(str(exc).replace("`yes`", "--yes")) from None


@app.command("solve")
@user_errors
def solve(
    scenario: ScenarioArg = "baseline",
    month: Annotated[
        str | None, typer.Option(help="Month YYYY-MM along the no-deal path (default: start).")
    ] = None,
    set_: SetOpt = None,
    paths: PathsOpt = 0,
    seed: SeedOpt = 0,
    json: JsonOpt = False,
    yes: YesOpt = False,
) -> None:
    """Can a ceasefire line exist now, and where? Reservation values, ZOPA, solutions, deals."""
    import sim

    if paths < 0:
        raise CeasefireError(f"--paths must be >= 0 (0: the mean path), got {paths}")
    s = sim.load_scenario(scenario)
    _check_paths(s, paths, yes)
    s = _with_set(s, set_)
    r = sim.solve(s, month, paths=paths, seed=seed)
    if json:
        echo_json(r.to_dict())
        return
    total = r.total_km2
    typer.echo(
        f"{s.title}\nmonth {r.month}; no-deal line now {km2_cell(r.status_quo_km2, total)}\n"
    )
    typer.echo(
        "Reservation utility (what fighting on is worth, per month; higher = war more attractive)"
    )
    for a in r.actors:
        lo, hi = r.acceptable[a]
        veto = "veto" if a in r.veto_players else "    "
        acc = (
            "accepts no line"
            if math.isnan(lo)
            else f"accepts {km2_cell(lo, total)} .. {km2_cell(hi, total)}"
        )
        typer.echo(f"  {r.actor_labels[a]:<16} {r.reservation[a]:+8.4f}  {veto}  {acc}")
    z = r.zopa
    typer.echo("")
    if z.exists:
        typer.echo(f"ZOPA on the line: {km2_cell(z.lo_km2, total)} .. {km2_cell(z.hi_km2, total)}")
        typer.echo(f"  width {km2(z.width_km2)}; bounds set by {', '.join(z.binding)}")
        for k, v in r.solutions.items():
            typer.echo(f"  {k:<18} {km2_cell(v, total)}")
    else:
        typer.echo(
            f"No ceasefire line exists: binding {', '.join(z.binding)}; gap {km2(z.gap_km2)}"
        )
    nz = r.neutral_zopa
    if nz is not None:
        neutral = (
            f"{km2_cell(nz.lo_km2, total).strip()} .. {km2_cell(nz.hi_km2, total).strip()}"
            if nz.exists
            else f"none (gap {km2(nz.gap_km2)}, {', '.join(nz.binding)})"
        )
        typer.echo(f"  neutral beliefs (no actor optimistic): ZOPA {neutral}")
    for a, p in r.ratification.items():  # issue 17
        typer.echo(
            f"  the package crosses {r.actor_labels[a]}'s red line or stated claims: it holds "
            f"only if ratified at home (probability {p:.1%})"
        )
    typer.echo(
        f"\nNamed deals at {r.month}, the scenario's month (margin = utility of the deal - "
        "reservation utility; * = veto);\n  each at its own date: ceasefire backtest --deals "
        f"{r.scenario}"
    )
    header = "".join(f"{r.actor_labels[a][:13]:>15}" for a in r.actors)
    typer.echo(f"  {'deal':<44}{header}")
    if any(v.if_ratified is not None for vs in r.deals.values() for v in vs.values()):
        typer.echo(
            "  (rNN% = crosses the actor's red line or stated claims: accepts only if ratified"
            " at home,\n   with NN% chance: a referendum, or the leader's audience cost)"
        )
    for key, verdicts in r.deals.items():
        cells = "".join(f"{_verdict(v):>15}" for v in verdicts.values())
        typer.echo(f"  {r.deal_labels[key][:43]:<44}{cells}")
    for key, c in r.commitment.items():
        typer.echo(
            f"  {r.deal_labels[key][:43]}: Powell's condition -- capacity share "
            f"{c.p:.3f} -> {c.p_next:.3f} over the pause, delta {c.delta:.4f}, "
            f"costs {c.cost_a:.2f} / {c.cost_b:.2f}: "
            + ("war inevitable" if c.war_inevitable else "no commitment problem")
        )
    _durability(r)
    _exchange_rates(r)
    for line in ["", *r.regimes_table()] if r.regimes else ():  # issue 17 item 5
        typer.echo(line)
    if r.regions is not None:  # the line per region (issue 18)
        typer.echo("")
        for line in r.regions.table():
            typer.echo(f"  {line}" if line else line)
    typer.echo("")
    for line in r.explanation:
        typer.echo(line)


def _durability(r) -> None:
    """Issue 17: each settlement's hazard, expected duration and relapse shares."""
    if not r.durability:
        return
    typer.echo(
        "\nDurability (monthly hazard of renewed war; expected months of peace; per actor the"
        "\n  share of the deal's surplus over renewed war lost to the fear of relapse)"
    )
    header = "".join(f"{r.actor_labels[a][:13]:>15}" for a in r.actors)
    typer.echo(f"  {'deal':<30}{'hazard':>7}{'months':>7}{header}")
    for key, d in r.durability.items():
        cells = "".join(f"{d.relapse_share[a]:>15.0%}" for a in r.actors)
        typer.echo(
            f"  {r.deal_labels[key][:29]:<30}{d.hazard:>7.4f}{d.expected_months:>7.0f}{cells}"
        )
    if any(d.rearmament_km2 for d in r.durability.values()):  # issue 17: rearmament
        typer.echo(
            "  the rearmament while it holds (a relapse fought with the post-deal capacities):"
            "\n  what it changes in the deal's value, km2 of line (- = relapse is feared more)"
        )
        for key, d in r.durability.items():
            cells = "".join(f"{d.rearmament_km2[a]:>+15,.0f}" for a in r.actors)
            typer.echo(f"  {r.deal_labels[key][:29]:<30}{'':>14}{cells}")


def _exchange_rates(r) -> None:
    """Issue 17: what each term is worth to each actor in km2 of line."""
    if not r.exchange_rates:
        return
    typer.echo(
        "\nExchange rates (km2 of line each term from 0 to 1 is worth to the actor, "
        "at the month; + = it wants the term)"
    )
    header = "".join(f"{r.actor_labels[a][:13]:>15}" for a in r.actors)
    typer.echo(f"  {'term':<22}{header}")
    dims = next(iter(r.exchange_rates.values()))
    for key in dims:
        cells = "".join(f"{r.exchange_rates[a][key]:>+15,.0f}" for a in r.actors)
        typer.echo(f"  {key.removesuffix('_km2'):<22}{cells}")


def _verdict(v) -> str:
    if v.if_ratified is not None:  # issue 17: accepts only if ratified, with this chance
        word = f"r{min(99, round(100 * v.if_ratified)):2d}%"
    else:
        word = "yes " if v.accepts else "no  "
    return ("*" if v.veto else " ") + word + f"{v.margin:+.3f}"


@app.command("timeline")
@user_errors
def timeline(
    scenario: ScenarioArg = "baseline",
    set_: SetOpt = None,
    every: Annotated[int, typer.Option(help="Print every N-th month.")] = 3,
    paths: PathsOpt = 0,
    seed: SeedOpt = 0,
    json: JsonOpt = False,
    yes: YesOpt = False,
) -> None:
    """When can a line exist? The ZOPA month by month along the no-deal path."""
    import sim

    if every < 1:
        raise CeasefireError(f"--every must be >= 1 (1: every month), got {every}")
    if paths < 0:
        raise CeasefireError(f"--paths must be >= 0 (0: the mean path), got {paths}")
    s = sim.load_scenario(scenario)
    _check_paths(s, paths, yes)
    s = _with_set(s, set_)
    tl = sim.timeline(s, paths=paths, seed=seed)
    if json:
        echo_json(tl.to_dict())
        return
    total = tl.total_km2
    events = dict(tl.events)
    typer.echo(f"{s.title}\n")
    typer.echo(f"  {'month':<8} {'no-deal line':>22}  {'ZOPA':>44}  binding")
    for t, m in enumerate(tl.months):
        if t % every and m not in events and t != len(tl.months) - 1:
            continue
        zone = (
            f"{km2_cell(tl.lo_km2[t], total)} .. {km2_cell(tl.hi_km2[t], total)}"
            if tl.exists[t]
            else "none"
        )
        note = f"  <- {events[m]}" if m in events else ""
        typer.echo(
            f"  {m:<8} {km2_cell(tl.line_km2[t], total):>22}  {zone:>44}  "
            f"{','.join(tl.binding[t])}{note}"
        )
    typer.echo("")
    for line in tl.explanation:
        typer.echo(line)


@app.command("packages")
@user_errors
def packages(
    scenario: ScenarioArg = "baseline",
    levels: Annotated[
        int, typer.Option(help="Settings per term, evenly spaced in [0, 1] (both ends).")
    ] = 3,
    dimension: Annotated[
        list[str] | None,
        typer.Option("--dimension", "-d", help="A term to vary (repeatable; default: all)."),
    ] = None,
    month: Annotated[
        str | None, typer.Option(help="Month YYYY-MM along the no-deal path (default: start).")
    ] = None,
    set_: SetOpt = None,
    top: Annotated[int, typer.Option(help="How many packages with the widest zones to list.")] = 8,
    json: JsonOpt = False,
) -> None:
    """Which packages of the other terms allow a line? The ZOPA for every package of a grid."""
    import numpy as np

    import sim
    from sim.packages import packages as solve_packages

    s = sim.load_scenario(scenario)
    s = _with_set(s, set_)
    t = 0 if month is None else s.month_index(month)
    p = solve_packages(s, levels, dimensions=dimension or None, month=t)
    feasible, out = p.feasible, p.outcomes
    if json:
        echo_json(p.to_dict())
        return
    total, n = p.total_km2, len(feasible)
    sizes = " x ".join(str(len(v)) for v in p.levels.values())
    typer.echo(f"{s.title}\nmonth {p.month}; {sizes} = {_packages(n)} of the other terms\n")
    typer.echo(
        f"A ceasefire line exists for {feasible.sum():,} of {_packages(n)} ({feasible.mean():.1%})."
    )
    width = max(len(p.labels[d]) for d in p.dimensions)
    typer.echo(
        "\nShare of packages with a line, by the setting of each term "
        "(0: the term's low end, 1: its high end):"
    )
    for j, (d, shares) in enumerate(p.share_feasible_by_level().items(), 1):
        cells = "  ".join(f"{v:g}: {s_:5.1%}" for v, s_ in zip(p.levels[d], shares, strict=True))
        typer.echo(f"  [{j}] {p.labels[d]:<{width}}  {cells}")
    if feasible.any():
        order = np.argsort(-np.where(feasible, out["zopa_width_km2"], -np.inf), kind="stable")
        shown = [i for i in order[: max(top, 0)] if feasible[i]]
        typer.echo(
            "\nThe package with the widest zone:"
            if len(shown) == 1
            else f"\nThe {len(shown)} packages with the widest zones:"
        )
        header = " ".join(f"{f'[{j}]':>4}" for j in range(1, len(p.dimensions) + 1))
        typer.echo(f"  {header}  {'ZOPA':>44}  {'nash':>19}")
        for i in shown:
            cells = " ".join(f"{v:>4g}" for v in p.settings[i])
            lo, hi = out["zopa_lo_km2"][i], out["zopa_hi_km2"][i]
            zone = f"{km2_cell(lo, total)} .. {km2_cell(hi, total)}"
            typer.echo(f"  {cells}  {zone}  {km2_cell(out['nash_km2'][i], total)}")
    closed = np.flatnonzero(~feasible)
    if closed.size:
        pairs: dict[tuple[str, ...], int] = {}
        for i in closed:
            key = p.binding(int(i))
            pairs[key] = pairs.get(key, 0) + 1
        typer.echo("\nWhere no line exists, whose bounds cross:")
        label = {a: spec.label for a, spec in s.model.actors.items()}
        for key, count in sorted(pairs.items(), key=lambda kv: -kv[1]):
            names = [label.get(a, a) for a in key]
            who = " and ".join(names) if len(key) != 1 else f"{names[0]} accepts no line at all"
            typer.echo(f"  {who}: {_packages(count)}")


def _packages(n: int) -> str:
    return f"{n:,} package" if n == 1 else f"{n:,} packages"
