"""The US's pressure strategy (sim.kernels.patrons) against an independent brute force,
and its effects through the engine: the midterms, Ukraine's reservation value, the
Iran link (no effect when off)."""

from __future__ import annotations

import copy
import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.engine import evaluate
from sim.kernels.patrons import TIE, WALK, PressureParams, path_actions, solve_us_pressure
from sim.model.batch import build_batch
from sim.model.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
NAMES = (
    "deal_credit",
    "deal_hazard",
    "hazard_press_ukraine",
    "hazard_press_russia",
    "cost_press_ukraine",
    "cost_press_russia",
    "walk_relief",
    "cheap_talk_share",
)


def _params(values: dict, active, link_cost=0.0) -> PressureParams:
    """Parameters of one or more sets; the link's cost is dated by ``active`` (T,)."""
    arr = {k: np.atleast_1d(np.asarray(v, float)) for k, v in values.items()}
    active = np.asarray(active, bool)
    return PressureParams(
        **arr,
        aid_pause_share=np.array([0.5]),
        walk_aid_cut=np.array([1.0]),
        sanctions_bite=np.array([0.1]),
        link_cost=(link_cost * active)[None, :],
        months=len(active),
    )


def brute_force(w, delta, p: dict, active, link_cost):
    """Subgame-perfect play by enumerating every action sequence of every subgame.

    For t = T-1 .. 0: every sequence of actions from t (0..3 stay, 4 walk, absorbing)
    is valued with the credibility of each later month's threat taken from the
    optimal play already found there (a threat at s is believed iff the US's best
    play from s+1 starts by walking); the best sequence gives month t's value, its
    first stay action and whether the US walks.
    """
    months = len(w)
    walks = [False] * (months + 1)
    first, value = [0] * months, [0.0] * months

    def walk_value(s):
        return sum(
            -(1 - p["walk_relief"]) * w[u] * np.prod([delta[v] for v in range(s, u)])
            for u in range(s, months)
        )

    def seq_value(seq, t):
        total, disc = 0.0, 1.0
        for s, a in enumerate(seq, start=t):
            if a == WALK:
                return total + disc * walk_value(s)
            gu, gr = p["hazard_press_ukraine"], p["hazard_press_russia"]
            ku, kr = p["cost_press_ukraine"], p["cost_press_russia"] + link_cost * active[s]
            g = (0.0, gu, gr, gu + gr)[a]
            k = (0.0, ku, kr, ku + kr)[a]
            c = 1.0 if walks[s + 1] else p["cheap_talk_share"]
            h = min(1.0, p["deal_hazard"] + c * g)
            total += disc * (-k + h * p["deal_credit"] + (1 - h) * (-w[s]))
            disc *= (1 - h) * delta[s]
        return total

    for t in range(months - 1, -1, -1):
        best_stay, best_walk = -np.inf, walk_value(t)
        for seq in itertools.product(range(4), repeat=months - t):
            # a stay sequence may end in a walk: try every walking month after t
            for cut in range(1, months - t + 1):
                trial = seq[:cut] + ((WALK,) if cut < months - t else ())
                v = seq_value(trial, t)
                # the first of equal values (relative: the costs may be ~1e-35)
                if best_stay == -np.inf or v > best_stay + 1e-15 * abs(best_stay):
                    best_stay, first[t] = v, seq[0]
        # The kernel's convention (sim.kernels.patrons.TIE): a US within 1e-12 of
        # indifference between walking and staying stays, so its threat the month before is
        # not believed.  (Walking and staying are valued here along other sums than the
        # kernel's: an exact tie of the model comes out a rounding apart, ~1e-16.)
        walks[t] = best_walk > best_stay + TIE * max(abs(best_walk), abs(best_stay))
        value[t] = best_walk if walks[t] else best_stay
    return np.array(first), np.array(walks[:months]), np.array(value)


#: The effects the patrons add (sim.engine.patron_effects).
OURS = ("us_pressure", "europe_budget", "ladder", "china_fallback", "blocs")
_share = st.floats(0.0, 1.0)
_small = st.floats(0.0, 0.05)


@settings(max_examples=25)
@example(  # an exact tie between walking and staying at months 2 and 3 (found by hypothesis)
    credit=0.0,
    h0=0.0,
    gu=0.0,
    gr=0.25,
    ku=0.0,
    kr=0.0,
    relief=0.0,
    theta=0.0,
    w_before=0.0,
    w_after=0.013898500164287711,
    link=0.0,
)
@example(  # walking strictly better by a war cost of 2e-82 a month (not a tie)
    credit=0.25,
    h0=0.0,
    gu=0.0,
    gr=0.25,
    ku=0.0,
    kr=0.0,
    relief=1.0,
    theta=0.0,
    w_before=0.0,
    w_after=2.190750185919933e-82,
    link=0.0,
)
@example(  # walking at month 1 better by half of 1e-15 (relief): a tie by TIE, it stays
    credit=0.0,
    h0=0.0,
    gu=0.0,
    gr=0.25,
    ku=0.0,
    kr=0.0,
    relief=0.5,
    theta=0.0,
    w_before=1e-15,
    w_after=0.03125,
    link=0.03125,
)
@example(  # war costs of 2e-35 a month after the election: pressing still pays (relatively)
    credit=0.0,
    h0=0.0,
    gu=0.0,
    gr=0.25,
    ku=0.0,
    kr=0.0,
    relief=0.25,
    theta=0.0,
    w_before=0.03125,
    w_after=2.2752489857287694e-35,
    link=0.0,
)
@given(
    credit=st.floats(0.0, 0.3),
    h0=st.floats(0.0, 0.2),
    gu=st.floats(0.0, 0.3),
    gr=st.floats(0.0, 0.3),
    ku=_small,
    kr=_small,
    relief=_share,
    theta=_share,
    w_before=st.floats(0.0, 0.05),
    w_after=st.floats(0.0, 0.05),
    link=_small,
)
def test_backward_induction_matches_brute_force(
    credit, h0, gu, gr, ku, kr, relief, theta, w_before, w_after, link
):
    """A 4-month case with a dated cost and discount (an election at month 2) and a link
    active from month 1: the vectorised recursion equals the exhaustive search."""
    w = np.array([w_before, w_before, w_after, w_after])
    delta = np.array([0.97, 0.97, 0.99, 0.99])
    active = np.array([False, True, True, True])
    values = dict(
        deal_credit=credit,
        deal_hazard=h0,
        hazard_press_ukraine=gu,
        hazard_press_russia=gr,
        cost_press_ukraine=ku,
        cost_press_russia=kr,
        walk_relief=relief,
        cheap_talk_share=theta,
    )
    pol = solve_us_pressure(w[None, :], delta[None, :], _params(values, active, link))
    first, walks, value = brute_force(w, delta, values, active, link)
    np.testing.assert_allclose(pol.value[0], value, rtol=1e-9, atol=1e-12)
    # where walking and staying tie (to rounding) either is optimal: compare the rest
    clear = np.abs(pol.walk_value[0] - pol.stay[0]) > 1e-9
    np.testing.assert_array_equal(pol.walk[0][clear], walks[clear])
    # the first stay action: where it is not tied with another (values differ by rounding)
    np.testing.assert_allclose(pol.stay[0][~walks & clear], value[~walks & clear], atol=1e-12)
    del first  # two stay actions may tie exactly (e.g. no gain from pressure); values agree


def test_batch_is_vectorised_row_by_row():
    """Solving a batch equals solving each parameter set alone."""
    rng = np.random.default_rng(3)
    months, size = 12, 7
    w = rng.uniform(0, 0.02, (size, months))
    delta = rng.uniform(0.95, 1.0, (size, 1))
    values = {k: rng.uniform(0, 0.1, size) for k in NAMES}
    values["walk_relief"] = rng.uniform(0, 1, size)
    active = np.arange(months) >= 4
    batch = solve_us_pressure(w, delta, _params(values, active, 0.01))
    for b in range(size):
        alone = _params({k: v[b] for k, v in values.items()}, active, 0.01)
        one = solve_us_pressure(w[b : b + 1], delta[b : b + 1], alone)
        np.testing.assert_array_equal(batch.action[b], one.action[0])
        np.testing.assert_allclose(batch.value[b], one.value[0])


def test_known_answers():
    """No gain from pressure: the US holds; free pressure that works: it presses both;
    walking that removes the whole cost and no deal credit: it walks at once."""
    months = 6
    w = np.full((1, months), 0.01)
    delta = np.full((1, 1), 0.99)
    base = dict.fromkeys(NAMES, 0.0)
    base.update(deal_credit=0.1, deal_hazard=0.05)
    base.update(cost_press_ukraine=0.001, cost_press_russia=0.001)
    never = np.zeros(months)

    def acts(values):
        return path_actions(solve_us_pressure(w, delta, _params(values, never)))

    assert (acts(base) == 0).all()
    free = {**base, "hazard_press_ukraine": 0.1, "hazard_press_russia": 0.1}
    free.update(cheap_talk_share=1.0, cost_press_ukraine=0.0, cost_press_russia=0.0)
    assert (acts(free) == 3).all()
    leave = {**base, "deal_credit": 0.0, "deal_hazard": 0.0, "walk_relief": 1.0}
    assert (acts(leave) == WALK).all()


def test_a_dated_election_changes_the_pressure():
    """A cost that is high before an election and low after it: the US presses before,
    holds after (the threshold is g * (G - continuation) = k)."""
    months = 8
    w = np.r_[np.full(4, 0.05), np.full(4, 0.0)][None, :]
    values = dict.fromkeys(NAMES, 0.0)
    values.update(deal_credit=0.0, deal_hazard=0.0, hazard_press_ukraine=0.1)
    values.update(cost_press_ukraine=0.002, cheap_talk_share=1.0, cost_press_russia=1.0)
    pol = solve_us_pressure(w, np.ones((1, 1)), _params(values, np.zeros(months)))
    acts = path_actions(pol)[0]
    assert (acts[:4] == 1).all() and (acts[4:] == 0).all()


def _raw(name: str) -> dict:
    return tomllib.loads((ROOT / "models" / f"{name}.toml").read_text())


def test_ukraine_reservation_moves_with_us_pressure():
    """Pressing Ukraine (costly or not) changes the war and so Ukraine's reservation value."""
    out = evaluate("baseline", {"patrons.us.cost_press_ukraine": np.array([0.0005, 0.01])})
    assert out["reservation_ukraine"][0] != pytest.approx(out["reservation_ukraine"][1], abs=1e-9)
    costs = {"patrons.us.cost_press_ukraine": np.array([0.0005, 0.01])}
    batch = build_batch(load_scenario("baseline"), costs)
    from sim.kernels.patrons import us_pressure

    fx = us_pressure(batch)
    first_year = slice(0, 12)  # (near the horizon the US walks: the war ends frozen there)
    assert (fx["aid_kept"][0, first_year] < 1).all() and (fx["aid_kept"][1, first_year] == 1).all()


def test_link_has_no_effect_when_off():
    """The Iran link at size 0 (and no extra cost) equals a scenario without the link."""
    raw = _raw("baseline")
    without = copy.deepcopy(raw)
    del without["patrons"]["link"]
    del without["events"]["iran_strikes"]
    s_without = scenario_from_dict(without, name="baseline-no-link")
    zero = {
        "events.iran_strikes.set.patrons.link.ideal_shift_km2": 0.0,
        "events.iran_strikes.set.patrons.link.press_russia_cost": 0.0,
    }
    a = evaluate("baseline", zero)
    b = evaluate(s_without)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=0, atol=1e-12, err_msg=key)
    on = evaluate("baseline")
    assert not np.allclose(on["zopa_hi_km2"], b["zopa_hi_km2"]) or not np.allclose(
        on["reservation_us"], b["reservation_us"]
    )


def test_link_moves_what_the_us_accepts():
    """The larger the link, the more of the line the US accepts for Russia."""
    from sim.engine import compute

    scen = load_scenario("baseline")
    path = "events.iran_strikes.set.patrons.link.ideal_shift_km2"
    his = []
    for size in (0.0, 5700.0, 20000.0):
        comp = compute(scen.with_params({path: size}), with_deals=False)
        his.append(float(comp.hi[0, scen.actors.index("us"), 0]))
    assert his[0] < his[1] < his[2]


def test_no_patrons_table_is_off():
    """The schema default: no [patrons] table, no strategy, no shift."""
    raw = _raw("baseline")
    raw.pop("patrons")
    for source in raw["war"]["capacity"].values():
        for src in source.values():
            src["via"] = [v for v in src.get("via", []) if not v.startswith(OURS)]
            for ch in src.get("channels", {}).values():
                ch["via"] = [v for v in ch.get("via", []) if not v.startswith(OURS)]
    raw["events"]["midterms"]["set"].pop("patrons.us.deal_credit")
    del raw["events"]["iran_strikes"]
    scenario = scenario_from_dict(raw, name="off")
    assert build_batch(scenario).patrons is None
    evaluate(scenario)  # runs: nothing refers to the patrons' effects


def test_unknown_actor_is_rejected():
    raw = _raw("baseline")
    raw["patrons"]["us"]["actor"] = "usa"
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"patrons\.us\.actor"):
        scenario_from_dict(raw, name="bad")


def test_deduplication_gives_the_same_levers():
    """Solving each distinct parameter set once and mapping back equals solving them all."""
    from sim.kernels.patrons import pressure_effects, us_pressure

    values = np.repeat([0.0003, 0.0007, 0.001], 20)
    batch = build_batch(load_scenario("baseline"), {"patrons.us.cost_press_ukraine": values})
    a = batch.patrons.us_index
    cost = np.asarray(batch.costs.base[a], float).T
    full = solve_us_pressure(cost, batch.discounting.delta[:, a, :], batch.patrons.us)
    want = pressure_effects(full, batch.patrons.us)
    got = us_pressure(batch)
    for key, value in want.items():
        np.testing.assert_array_equal(got[key], value, err_msg=key)
