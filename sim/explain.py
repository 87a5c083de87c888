"""Plain-words explanations of results, for readers of a newspaper.

Each function turns a result object into a few sentences; the numbers come from
the result, the words from the scenario (actor and line labels).
"""

from __future__ import annotations

import math

import numpy as np

from sim.format import km2, km2_share
from sim.model.scenario import Scenario
from sim.results import SolveResult, Timeline, Zopa


def _and(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def actor_names(scenario: Scenario) -> dict[str, str]:
    """Each actor as a sentence names it (``in_text``, e.g. "the United States", or its label)."""
    return {a: spec.in_text or spec.label for a, spec in scenario.model.actors.items()}


def nearest_reference(x: float, refs: dict[str, float], labels: dict[str, str]) -> str:
    """The reference line closest to ``x`` and the distance to it, in words."""
    if not refs or not math.isfinite(x):
        return ""
    key = min(refs, key=lambda k: abs(refs[k] - x))
    d = x - refs[key]
    if abs(d) < 500:
        return f"about the {labels[key]}"
    return f"{km2(abs(d))} {'beyond' if d > 0 else 'short of'} the {labels[key]}"


def explain_solve(scenario: Scenario, r: SolveResult, neutral: Zopa) -> list[str]:
    name = actor_names(scenario)
    side_a = scenario.model.war.sides[0]
    la = name[side_a]
    z = r.zopa
    out = [
        f"In {r.month} the front line gives {la} {km2_share(r.status_quo_km2, r.total_km2)}.",
    ]
    if z.exists:
        vetoers = _and([name[a] for a in r.veto_players])
        near_lo = nearest_reference(z.lo_km2, r.reference_lines, r.reference_labels)
        near_hi = nearest_reference(z.hi_km2, r.reference_lines, r.reference_labels)
        out.append(
            f"A ceasefire line can exist: every actor with a veto ({vetoers}) prefers a deal "
            f"to fighting on for any line from {km2_share(z.lo_km2, r.total_km2, near_lo)} to "
            f"{km2_share(z.hi_km2, r.total_km2, near_hi)}."
        )
        out.append(
            f"The lowest line is set by {name[z.binding[0]]}, the highest by {name[z.binding[-1]]}."
        )
        nash = r.solutions.get("nash", float("nan"))
        near = nearest_reference(nash, r.reference_lines, r.reference_labels)
        out.append(
            f"The Nash bargaining solution puts the line at {km2_share(nash, r.total_km2, near)}."
        )
    elif math.isinf(z.gap_km2):
        names = _and([name[a] for a in z.binding])
        out.append(
            f"No ceasefire line can exist: {names} prefer(s) fighting on to every possible line, "
            "given the other terms of the deal."
        )
    else:
        a, b = z.binding[0], z.binding[-1]
        out.append(
            f"No ceasefire line can exist now: {name[a]} accepts nothing below "
            f"{km2_share(z.lo_km2, r.total_km2)}, but {name[b]} accepts nothing above "
            f"{km2_share(z.hi_km2, r.total_km2)} -- the two are {km2(z.gap_km2)} apart."
        )
    if neutral.exists != z.exists:
        out.append(
            "Beliefs matter: with the model's neutral view of the war (no actor optimistic) "
            + ("a line would exist." if neutral.exists else "no line would exist.")
        )
    elif neutral.exists and z.exists:
        out.append(
            "With the model's neutral view of the war (no actor optimistic) the zone would run "
            f"from {km2_share(neutral.lo_km2, r.total_km2)} to "
            f"{km2_share(neutral.hi_km2, r.total_km2)}: "
            "the actors' own optimism "
            + ("narrows" if neutral.hi_km2 - neutral.lo_km2 > z.hi_km2 - z.lo_km2 else "widens")
            + " it."
        )
    for key, verdicts in r.deals.items():
        vetoers = [a for a, v in verdicts.items() if v.veto]
        label = r.deal_labels[key]
        conditional = [a for a in vetoers if verdicts[a].if_ratified is not None]
        rejecting = [name[a] for a in vetoers if not verdicts[a].accepts and a not in conditional]
        if rejecting:
            out.append(f"{label}: rejected by {_and(rejecting)}.")
        elif not conditional:
            out.append(f"{label}: acceptable to every actor with a veto.")
        for a in conditional:
            out.append(
                f"{label}: crosses {_possessive(name[a])} red line or stated claims; {name[a]} "
                "accepts it only if ratified at home (a referendum, or the leader's audience "
                f"cost), with probability {verdicts[a].if_ratified:.0%} (Putnam 1988)."
            )
        c = r.commitment.get(key)
        if c is not None:
            side_b = scenario.model.war.sides[1]
            lb = name[side_b]
            falls = c.p_next < c.p
            out.append(
                f"During this pause {lb if falls else la} would grow stronger: "
                f"{_possessive(la)} share of "
                f"the two sides' war capacity goes from {100 * c.p:.1f}% to {100 * c.p_next:.1f}%. "
                + (
                    "By Powell's (2006) test this shift is large against the cost of fighting, "
                    f"so {la if falls else lb} does better fighting now than trusting a pause "
                    "(a commitment problem)."
                    if c.war_inevitable
                    else "By Powell's (2006) test the shift is too small against the cost of "
                    "fighting to make war inevitable."
                )
            )
        d = r.durability.get(key)
        if d is not None:
            out.append(_durability_sentence(d, name))
    return out


def _durability_sentence(d, name: dict[str, str]) -> str:
    """Issue 17: how long a settlement is expected to hold, and who fears relapse most."""
    most = max(d.relapse_share, key=d.relapse_share.get)
    text = (
        f"It would break down with a monthly hazard of {d.hazard:.2%} (expected to hold "
        f"{d.expected_months:.0f} months); the fear of relapse takes "
        f"{d.relapse_share[most]:.0%} of {_possessive(name[most])} gain over renewed war "
        "(the commitment problem of a final deal)."
    )
    km2 = {a: v for a, v in d.rearmament_km2.items() if v == v}
    if km2:  # issue 17: the rearmament after the deal
        loser = min(km2, key=km2.get)
        if km2[loser] < -1.0:
            text += (
                " Both sides rearm while it holds, and a relapse would be fought with the new "
                f"balance: that costs {name[loser]} the value of {-km2[loser]:,.0f} km2 of line."
            )
    return text


def explain_timeline(scenario: Scenario, tl: Timeline) -> list[str]:
    if tl.first_open is None:
        out = [
            f"Along the expected no-deal path, no ceasefire line exists in any month from "
            f"{tl.months[0]} to {tl.months[-1]}."
        ]
    else:
        spans = "; ".join(a if a == b else f"{a} to {b}" for a, b in tl.windows)
        out = [f"A ceasefire line can exist in: {spans}. It first opens in {tl.first_open}."]
    name = actor_names(scenario)
    side_a = scenario.model.war.sides[0]
    for actor, gap in tl.convergence.items():
        if not len(gap) or not (math.isfinite(gap[0]) and math.isfinite(gap[-1])):
            continue

        def state(g: float) -> str:
            return f"{km2(g)} apart" if g > 0 else f"overlapping by {km2(-g)}"

        out.append(
            f"{_capital(_possessive(name[side_a]))} minimum line and "
            f"{_possessive(name[actor])} maximum "
            f"line: {state(gap[0])} in {tl.months[0]}, {state(gap[-1])} in {tl.months[-1]}."
        )
    if tl.turn_probability is not None and tl.turn_side and len(tl.turn_probability) > 1:
        chance = np.asarray(tl.turn_probability, dtype=float)
        who = _possessive(name.get(tl.turn_side, tl.turn_side))
        year = min(12, chance.size - 1)
        likely = np.flatnonzero(chance >= 0.5)
        when = f"; it is more likely than not from {tl.months[likely[0]]}" if likely.size else ""
        out.append(
            f"Without a deal, the chance that {who} domestic turn has happened grows to "
            f"{chance[year]:.0%} by {tl.months[year]} and {chance[-1]:.0%} by "
            f"{tl.months[-1]}{when}."
        )
    return out
