"""``ceasefire patrons [SCENARIO]``: what the patrons do, month by month (issue 19).

The US's conditional strategy (:mod:`sim.kernels.patrons`): its action each month on
the no-deal path, whether its threat to walk is believed, the levers it moves (US aid
and PURL kept, Russia's oil revenue kept), and what the war and the bargain make of it:
the no-deal line, Ukraine's reservation value and the US's acceptable lines.
A ``summary`` line counts the months of each action before and after a date
(``--split``, default the US midterms of 3 Nov 2026).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import typer

from sim.cli import app
from sim.cli._common import echo_json, user_errors
from sim.cli.solve import JsonOpt, ScenarioArg, SetOpt, _with_set


def patron_report(scenario: Any, split: str = "2026-11") -> dict[str, Any]:
    """The US strategy of ``scenario`` and its consequences, as plain Python."""
    from sim.engine import compute
    from sim.errors import ParameterError
    from sim.kernels.patrons import ACTIONS, path_actions, solve_us_pressure

    comp = compute(scenario, with_deals=False)
    batch = comp.batch
    if batch.patrons is None or batch.patrons.us is None:
        raise ParameterError(f"{scenario.name}: the scenario has no [patrons.us] table")
    a = batch.patrons.us_index
    cost = np.asarray(batch.costs.base[a], float).T
    policy = solve_us_pressure(cost, batch.discounting.delta[:, a, :], batch.patrons.us)
    acts = path_actions(policy)[0]
    fx = comp.effects["us_pressure"]
    months = [scenario.month_label(t) for t in range(batch.months)]
    ukraine = scenario.actors.index(scenario.model.war.sides[1])
    before = [t for t, m in enumerate(months) if m < split]
    after = [t for t, m in enumerate(months) if m >= split]

    def count(ts):
        return {ACTIONS[k]: int(sum(acts[t] == k for t in ts)) for k in range(len(ACTIONS))}

    walked = np.flatnonzero(acts == len(ACTIONS) - 1)
    return {
        "ladder": _ladder_report(scenario, batch),
        "blocs": _blocs_report(comp),
        "scenario": scenario.name,
        "months": months,
        "action": [ACTIONS[k] for k in acts],
        "credible": policy.credible[0].tolist(),
        "aid_kept": fx["aid_kept"][0].tolist(),
        "russia_kept": fx["russia_kept"][0].tolist(),
        "china_support": _china(comp, batch.months),
        "line_km2": comp.line[0].tolist(),
        "reservation_ukraine": comp.rbar[0, ukraine].tolist(),
        "us_acceptable_km2": [float(comp.lo[0, a, 0]), float(comp.hi[0, a, 0])],
        "split": split,
        "before": count(before),
        "after": count(after),
        "walks_from": months[int(walked[0])] if walked.size else None,
        "credible_months": int(policy.credible[0].sum()),
    }


def _blocs_report(comp: Any) -> dict[str, Any] | None:
    """The bloc game's selected outcome (None without [patrons.blocs])."""
    from sim.games.blocs import PLAYERS, PROFILES

    fx = comp.effects.get("blocs")
    if fx is None:
        return None
    profile = PROFILES[int(fx["profile"][0])]
    return {
        "choices": {
            p: "realign" if a else "current bloc" for p, a in zip(PLAYERS, profile, strict=True)
        },
        "us_russia": bool(fx["us_russia"][0]),
        "europe_china": bool(fx["europe_china"][0]),
        "pure_equilibrium": bool(fx["pure"][0]),
    }


def _china(comp: Any, months: int) -> list[float] | None:
    """China's support multiplier month by month (None without [patrons.china])."""
    china = comp.effects.get("china_fallback")
    return None if china is None else np.broadcast_to(china["support"][0], (months,)).tolist()


def _ladder_report(scenario: Any, batch: Any) -> dict[str, Any] | None:
    """The escalation ladder's stages and the probabilities of its endings."""
    from sim.games.ladder import solve_ladder

    if batch.patrons.ladder is None:
        return None
    spec = batch.patrons.ladder
    sol = solve_ladder(spec.params, spec.selection)
    names = list(scenario.model.patrons.ladder.rungs)
    endings = {}
    for n in range(len(names) + 1):
        top = names[n - 1] if n else "none"
        endings[f"{n} rungs (to {top}), restraint"] = float(sol.outcomes[0, 2 * n])
        endings[f"{n} rungs (to {top}), escalation"] = float(sol.outcomes[0, 2 * n + 1])
    return {
        "rungs": names,
        "supply": sol.supply[0].tolist(),
        "escalate": sol.escalate[0].tolist(),
        "reach": sol.reach[0, :-1].tolist(),
        "endings": endings,
        "escalated": float(sol.escalated[0]),
    }


def render(report: dict[str, Any], every: int) -> str:
    """The report as text: one line every ``every`` months and the summary."""
    lines = [
        f"{report['scenario']}: the US's strategy on the no-deal path",
        f"{'month':8} {'US action':14} {'threat':8} {'aid kept':>8} {'oil kept':>8} "
        f"{'China x':>8} {'line km2':>9} {'rbar UA':>9}",
    ]
    china = report["china_support"]
    for t, m in enumerate(report["months"]):
        if t % every and t != len(report["months"]) - 1:
            continue
        lines.append(
            f"{m:8} {report['action'][t]:14} "
            f"{'credible' if report['credible'][t] else 'cheap':8} "
            f"{report['aid_kept'][t]:8.2f} {report['russia_kept'][t]:8.2f} "
            f"{china[t] if china else float('nan'):8.2f} {report['line_km2'][t]:9,.0f} "
            f"{report['reservation_ukraine'][t]:9.4f}"
        )
    lo, hi = report["us_acceptable_km2"]
    lines.append(f"US accepts lines {lo:,.0f} .. {hi:,.0f} km2 (month 0)")

    def counts(d):
        return ", ".join(f"{k} {v}" for k, v in d.items() if v)

    ladder = report["ladder"]
    if ladder is not None:
        lines.append("escalation ladder (stage equilibria, given the rung is reached):")
        for k, name in enumerate(ladder["rungs"]):
            lines.append(
                f"  {name:14} reached {ladder['reach'][k]:.3f}  supply {ladder['supply'][k]:.3f}"
                f"  escalate {ladder['escalate'][k]:.3f}"
            )
        ends = "; ".join(f"{k} {v:.3f}" for k, v in ladder["endings"].items() if v > 1e-12)
        lines.append(f"  endings: {ends}")
    blocs = report["blocs"]
    if blocs is not None:
        formed = [
            name
            for name, on in (
                ("US-Russia", blocs["us_russia"]),
                ("Europe-China", blocs["europe_china"]),
            )
            if on
        ]
        lines.append(
            "blocs: "
            + ", ".join(f"{p} {c}" for p, c in blocs["choices"].items())
            + f"; realigned: {', '.join(formed) or 'none'}"
        )
    lines.append(
        f"summary: before {report['split']}: {counts(report['before'])}; "
        f"after: {counts(report['after'])}; walks from {report['walks_from']}; "
        f"threat credible in {report['credible_months']} months"
    )
    return "\n".join(lines)


@app.command("patrons")
@user_errors
def patrons(
    scenario: ScenarioArg = "baseline",
    set_: SetOpt = None,
    split: Annotated[
        str, typer.Option(help="Count the actions before and after this month (YYYY-MM).")
    ] = "2026-11",
    every: Annotated[int, typer.Option(help="Print one month in EVERY.")] = 6,
    json: JsonOpt = False,
) -> None:
    """The US's strategy 'make a deal or we walk' month by month, and what it does to the war."""
    import sim

    s = sim.load_scenario(scenario)
    s = _with_set(s, set_)
    report = patron_report(s, split)
    if json:
        echo_json(report)
    else:
        typer.echo(render(report, max(1, every)))
