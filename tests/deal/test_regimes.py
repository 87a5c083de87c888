"""Ukraine's domestic regimes (issue 17 item 5): the switching chain and what it moves.

Known answers: the monthly chain with constant hazards against its closed form
(competing risks), against the continuous-time ``exp(-lambda t)``, a direct Monte Carlo
simulation of the chain with stress (a loop over paths written here, independent of the
kernel), and the domestic turn's own probability in :mod:`sim.kernels.war` (one exit
with the turn's hazard is the turn).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim import engine
from sim.errors import ParameterError, ScenarioError
from sim.kernels.regimes import exit_hazards, indicators, mix, occupancy
from sim.model.batch import build_batch

MARKER = "# -- regimes (issue 17)"
HAZARDS = "base_hazard = { value = 0.01 }\nhazard_per_stress = { value = 0.0 }\n"


@pytest.fixture(scope="module")
def baseline():
    return sim.load_scenario("baseline")


def _variant(baseline, tmp_path: Path, regimes: str, name: str = "variant") -> sim.Scenario:
    """The baseline with its ``[regimes]`` tables replaced by ``regimes`` (TOML text)."""
    text = Path(baseline.path).read_text(encoding="utf-8")
    head = text.split(MARKER)[0]
    path = tmp_path / f"{name}.toml"
    path.write_text(head + regimes, encoding="utf-8")
    return sim.load_scenario(str(path))


def _constant(h_exits, months):
    """Hazards ``(1, 1, K, T)`` constant over the months."""
    h = np.asarray(h_exits, float)[None, None, :, None]
    return np.broadcast_to(h, (1, 1, h.shape[2], months)).copy()


# -- the chain against its closed forms ---------------------------------------------


@given(
    h=st.lists(st.floats(0.0, 0.3), min_size=1, max_size=3),
    months=st.integers(2, 60),
)
def test_occupancy_equals_closed_form_without_stress(h, months):
    """Constant hazards: P(initial at t) = (1 - H)^t, P(exit k at t) = h_k/H (1 - (1-H)^t)."""
    pi = occupancy(_constant(h, months))[0, 0]
    t = np.arange(months)
    big_h = sum(h)
    stay = (1.0 - big_h) ** t
    np.testing.assert_allclose(pi[0], stay, rtol=1e-12, atol=1e-15)
    for k, hk in enumerate(h):
        split = hk / big_h * (1.0 - stay) if big_h > 0 else np.zeros(months)
        np.testing.assert_allclose(pi[1 + k], split, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(pi.sum(axis=0), 1.0, rtol=0, atol=1e-12)


def test_continuous_time_limit():
    """The continuous-time chain with rates ``lambda_k`` embedded at monthly steps (total
    hazard ``1 - exp(-lambda)``, split ``lambda_k / lambda``) gives ``exp(-lambda t)`` and
    the competing-risks split ``lambda_k / lambda (1 - exp(-lambda t))`` exactly."""
    lam = np.array([0.03, 0.01])
    total = lam.sum()
    pi = occupancy(_constant(lam / total * (1.0 - np.exp(-total)), 49))[0, 0]
    t = np.arange(49)
    np.testing.assert_allclose(pi[0], np.exp(-total * t), rtol=1e-12)
    for k in range(2):
        np.testing.assert_allclose(
            pi[1 + k], lam[k] / total * (1.0 - np.exp(-total * t)), rtol=1e-10, atol=1e-15
        )


def test_hazards_scaled_when_exits_exceed_one():
    s = np.array([[[0.0, 10.0]]])  # (B, M, T)
    base = np.array([[[0.5], [0.5]]])
    per = np.array([[[0.01], [0.03]]])
    h = exit_hazards(base, per, s)[0, 0]
    np.testing.assert_allclose(h[:, 0], [0.5, 0.5])  # sum 1: left alone
    np.testing.assert_allclose(h[:, 1], [0.6 / 1.4, 0.8 / 1.4])  # 0.6 + 0.8 > 1: scaled
    h = exit_hazards(base, per * 10, s)[0, 0]
    np.testing.assert_allclose(h[:, 1], [0.5, 0.5])  # each clipped to 1, then scaled


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_occupancy_properties(seed):
    """Probabilities in [0, 1], summing to 1; the initial regime never grows, exits never shrink."""
    rng = np.random.default_rng(seed)
    h = exit_hazards(
        rng.random((3, 2, 1)) * 0.2, rng.random((3, 2, 1)) * 0.2, rng.random((3, 4, 30))
    )
    pi = occupancy(h)
    assert np.all(pi >= -1e-15) and np.all(pi <= 1 + 1e-15)
    np.testing.assert_allclose(pi.sum(axis=2), 1.0, atol=1e-12)
    assert np.all(np.diff(pi[:, :, 0], axis=-1) <= 1e-15)
    assert np.all(np.diff(pi[:, :, 1:], axis=-1) >= -1e-15)


def _chain_by_hand(h, rng, paths):
    """A direct simulation: each path, month by month, draws its move with ``rng.choice``."""
    k, months = h.shape
    counts = np.zeros((k + 1, months))
    for _ in range(paths):
        state = 0
        counts[0, 0] += 1
        for t in range(months - 1):
            if state == 0:
                p = np.concatenate([[1.0 - h[:, t].sum()], h[:, t]])
                state = int(rng.choice(k + 1, p=p))
            counts[state, t + 1] += 1
    return counts / paths


def _baseline_hazards(baseline):
    """The baseline's exits' hazards ``(B, 1, K, T)`` on its mean-field stress path."""
    from sim.kernels.regimes import stress

    comp = engine.compute(baseline, with_deals=False)
    b, path = comp.batch, comp.path
    s = stress(b.war.turn, path.drift, path.capacity[b.war.turn.side], path.grid)
    return exit_hazards(b.regimes.base, b.regimes.per_stress, s)[:, :1], comp


def test_chain_with_stress_against_direct_simulation(baseline):
    """With the baseline's stress (hazards that move month by month), the mean-field
    occupancy and the kernel's Monte Carlo indicators agree with a direct simulation of
    the chain within 4 standard errors."""
    h, comp = _baseline_hazards(baseline)
    h = h * 8.0  # larger hazards: every regime well populated within the horizon
    assert np.ptp(h[0, 0, 0]) > 0.0  # the stress moves the hazard
    pi = occupancy(h)[0, 0]
    direct = _chain_by_hand(h[0, 0], np.random.default_rng(1), 4000)
    se = np.sqrt(pi * (1 - pi) / 4000) + 1e-9
    assert np.all(np.abs(direct - pi) <= 4 * se + 1e-12)
    u = np.random.default_rng(2).random((4000, h.shape[-1]))
    drawn = indicators(np.broadcast_to(h, (1, 4000, *h.shape[2:])), u).mean(axis=1)[0]
    assert np.all(np.abs(drawn - pi) <= 4 * se + 1e-12)
    np.testing.assert_allclose(drawn.sum(axis=0), 1.0)
    np.testing.assert_allclose(comp.regimes.pi[0], occupancy(h / 8.0)[0, 0], rtol=1e-12)


def test_one_exit_with_the_turns_hazard_is_the_turn(baseline, tmp_path):
    """The stress is war.py's: one exit with [war.domestic_turn]'s hazard has exactly the
    turn's probability on the mean-field path (``WarPath.turned``)."""
    s = _variant(
        baseline,
        tmp_path,
        "[regimes.holds]\n[regimes.turned]\n"
        'base_hazard = { value = 0.004, source = "as war.domestic_turn" }\n'
        'hazard_per_stress = { value = 0.04, source = "as war.domestic_turn" }\n',
    )
    comp = engine.compute(s, with_deals=False)
    assert comp.turned[0, -1] > 0.05
    np.testing.assert_allclose(comp.regimes.pi[:, 1], comp.turned, rtol=1e-12, atol=1e-15)


# -- what the regimes move ---------------------------------------------------------


def test_regimes_tell_ukraines_maxima_apart(baseline):
    """The realist turn and the front's collapse give Ukraine different highest
    acceptable lines, both above today's (B and C told apart)."""
    r = sim.solve(baseline).regimes
    top = {k: v["acceptable"]["ukraine"]["hi_km2"] for k, v in r.items()}
    assert top["holds"] < top["settlement"] < top["collapse"]
    assert top["settlement"] - top["holds"] > 300.0
    assert top["collapse"] - top["settlement"] > 5000.0
    assert r["holds"]["p"] == 1.0 and r["settlement"]["p"] == r["collapse"]["p"] == 0.0
    assert r["settlement"]["p_12m"] > r["collapse"]["p_12m"] > 0.0
    assert (r["holds"]["zopa_lo_km2"], r["holds"]["zopa_hi_km2"]) == (
        sim.solve(baseline).zopa.lo_km2,
        sim.solve(baseline).zopa.hi_km2,
    )


def test_regime_without_overrides_reproduces_today(baseline, tmp_path):
    """Regimes that change nothing: every outcome of the scenario without regimes comes
    back (the ZOPA exactly, the mixed forecast hazard within rounding)."""
    bare = _variant(baseline, tmp_path, "", "bare")
    same = _variant(
        baseline,
        tmp_path,
        "[regimes.holds]\n[regimes.same]\n"
        'base_hazard = { value = 0.05, source = "test" }\n'
        'hazard_per_stress = { value = 0.1, source = "test" }\n',
        "same",
    )
    params = {"actors.russia.discount_rate": np.array([0.02, 0.05, 0.2])}
    a = sim.evaluate(bare, params)
    b = sim.evaluate(same, params)
    for k, v in a.items():
        if k.startswith("p_agreement") or k.startswith("expected_delay"):
            np.testing.assert_allclose(b[k], v, rtol=1e-12, atol=1e-15)
        else:
            np.testing.assert_array_equal(b[k], v, err_msg=k)
    np.testing.assert_array_equal(b["p_zopa_regimes"], a["zopa_exists"].astype(float))
    assert b["regime_p_same"][0] == 0.0


def test_regimes_that_set_todays_values_are_todays_world(baseline, tmp_path):
    """A regime whose `set` repeats the file's values is run again (its own war for a war
    parameter, the shared war for the side's own) and gives today's numbers exactly."""
    copies = _variant(
        baseline,
        tmp_path,
        "[regimes.holds]\n[regimes.own]\n"
        + HAZARDS
        + 'set."actors.ukraine.discount_rate" = { value = 0.10 }\n[regimes.war]\n'
        + HAZARDS
        + 'set."war.breakthrough.hazard_per_month" = { value = 0.005 }\n',
    )
    comp = engine.compute(copies, with_deals=False)
    worlds = comp.regimes
    assert worlds.comps[1] is not comp and worlds.comps[2] is not comp
    assert isinstance(worlds.comps[1].war, engine._SharedWar)
    assert not isinstance(worlds.comps[2].war, engine._SharedWar)
    for c in worlds.comps[1:]:
        for t in (0, 6, 30):
            for x, y in zip(engine.regime_zopa(c, t), engine.regime_zopa(comp, t), strict=True):
                if isinstance(x, np.ndarray):
                    np.testing.assert_array_equal(x, y)
                else:
                    np.testing.assert_array_equal(x.lo, y.lo)
                    np.testing.assert_array_equal(x.hi, y.hi)
    h = engine.regime_hazard(comp)[0]
    np.testing.assert_allclose(h, engine.ratified_hazard(comp)[0], rtol=1e-12, atol=1e-15)


def test_forecast_hazard_mixes_the_regimes(baseline):
    comp = engine.compute(baseline, with_deals=False)
    h = engine.regime_hazard(comp, 0)[0]
    parts = np.stack([engine.ratified_hazard(c, 0)[0] for c in comp.regimes.comps])
    np.testing.assert_allclose(h, mix(comp.regimes.pi, parts), rtol=1e-12)
    manual = sum(comp.regimes.pi[:, r] * parts[r] for r in range(len(parts)))
    np.testing.assert_allclose(h, manual, rtol=1e-12)
    assert not np.allclose(parts[0], parts[2])  # the collapse's world differs


# -- the schema ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regimes", "message"),
    [
        (
            "[regimes.holds]\n[regimes.b]\n"
            + HAZARDS
            + 'set."actors.ukraine.discount_rat" = { value = 0.2 }\n',
            "regimes.b.set.actors.ukraine.discount_rat: unknown parameter",
        ),
        (
            "[regimes.holds]\n[regimes.b]\n"
            + HAZARDS
            + 'set."actors.ukraine.discount_rate" = { value = -1 }\n',
            "regimes.b.set.actors.ukraine.discount_rate: must be >= 0",
        ),
        (
            '[regimes.holds]\nset."actors.ukraine.discount_rate" = { value = 0.2 }\n[regimes.b]\n',
            "regimes.holds: the first regime is the initial one",
        ),
        ("[regimes.holds]\n", "at least two regimes"),
        (
            "[regimes.holds]\n[regimes.b]\nbase_hazard = { value = 0.01 }\n",
            "regimes.b.hazard_per_stress: needed",
        ),
    ],
)
def test_bad_regimes_name_the_field(baseline, tmp_path, regimes, message):
    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")):
        _variant(baseline, tmp_path, regimes)


def test_regime_parameters_are_sweepable(baseline):
    """A regime's hazards and overrides are parameters: sweeps and ``--set`` reach them."""
    out = sim.evaluate(
        baseline,
        {"regimes.settlement.set.actors.ukraine.costs.fiscal.utility_per_unit": [1e-3, 4e-3]},
        month=12,
        forecast=False,
    )
    assert out["regime_p_settlement"][0] == out["regime_p_settlement"][1] > 0.1
    with pytest.raises(ParameterError, match=r"regimes\.settlement\.base_hazard\[1\]: must be"):
        sim.evaluate(baseline, {"regimes.settlement.base_hazard": [0.1, 2.0]}, forecast=False)
    s = baseline.with_params({"regimes.collapse.base_hazard": 0.01})
    assert s.get("regimes.collapse.base_hazard") == 0.01
    batch = build_batch(s)
    assert batch.regimes.base[0, 1, 0] == 0.01


def test_kernel_under_array_api_strict():
    """Only the array API standard: the kernel under ``array_api_strict`` gives the numpy
    numbers (stress, hazards, occupancy, indicators, mixing)."""
    xs = pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(5)
    base, per = rng.random((2, 2, 1)) * 0.1, rng.random((2, 2, 1)) * 0.3
    s = rng.random((2, 3, 12))
    u = rng.random((3, 12))
    h = exit_hazards(base, per, s)
    hs = exit_hazards(xs.asarray(base), xs.asarray(per), xs.asarray(s))
    np.testing.assert_array_equal(np.asarray(hs), h)
    np.testing.assert_array_equal(np.asarray(occupancy(hs)), occupancy(h))
    np.testing.assert_array_equal(np.asarray(indicators(hs, xs.asarray(u))), indicators(h, u))
    pi = occupancy(h)[:, 0]
    v = rng.random((3, 2, 12))
    np.testing.assert_allclose(np.asarray(mix(xs.asarray(pi), xs.asarray(v))), mix(pi, v))


def test_a_regime_that_leaves_the_war_alone_reuses_its_path(baseline):
    """Only what changes: the realist turn's world (costs, preferences, ratification) reuses
    the initial regime's war path, and its numbers are those of the full run; the
    collapse's world (war parameters) runs its own war."""
    comp = engine.compute(baseline, with_deals=False)
    worlds = comp.regimes
    assert isinstance(worlds.comps[1].war, engine._SharedWar)
    assert not isinstance(worlds.comps[2].war, engine._SharedWar)
    own = comp.batch.regimes.overrides[1]
    full = engine.reservations(
        build_batch(baseline, own, with_deals=False), comp.effects, engine.Paths()
    )
    for name in ("rbar", "rbar_neutral", "rest", "rest_neutral", "status_line", "omega"):
        np.testing.assert_array_equal(getattr(worlds.comps[1], name), getattr(full, name), name)
    for a, b in zip(worlds.comps[1].limits, full.limits, strict=True):
        np.testing.assert_array_equal(a, b)
    # the initial regime's numbers are untouched by its regimes' runs
    again = engine.reservations(comp.batch, comp.effects, engine.Paths())
    np.testing.assert_array_equal(comp.rbar, again.rbar)
    np.testing.assert_array_equal(comp.rest, again.rest)


def test_on_monte_carlo_paths_one_exit_is_the_turn_path_by_path(baseline):
    """With the war's own draws, the chain's indicators for one exit with the turn's hazard
    are the turn's indicators on every Monte Carlo path (``WarPath.turned``)."""
    from sim.kernels.regimes import stress
    from sim.kernels.war import Draws, simulate

    comp = engine.compute(baseline, with_deals=False)
    b, turn = comp.batch, comp.batch.war.turn
    rng = np.random.default_rng(7)
    m = 200
    draws = Draws(
        rng.standard_normal((m, b.months)), rng.random((m, b.months)), rng.random((m, b.months))
    )
    path = simulate(b.war, comp.war.parts, np.zeros((1, 1)), None, draws)
    s = stress(turn, path.drift, path.capacity[turn.side], path.grid)
    h = exit_hazards(turn.base[:, None, :], turn.per_stress[:, None, :], s)
    chain = indicators(h, draws.u_turn)
    assert 0 < path.turned[0, :, -1].mean() < 1
    np.testing.assert_array_equal(chain[:, :, 1, :], path.turned)


def test_monte_carlo_probabilities_are_the_paths_indicators(baseline):
    """Under ``--paths`` the regimes' probabilities are means of indicators (multiples of
    1 / paths), sum to 1, and stay near the mean-field chain's (the stress is nonlinear in
    the path, so they are not equal)."""
    n = 400
    pi = engine.compute(baseline, paths=engine.Paths(n, 1), with_deals=False).regimes.pi[0]
    field = engine.compute(baseline, with_deals=False).regimes.pi[0]
    np.testing.assert_allclose(pi * n, np.round(pi * n), atol=1e-9)
    np.testing.assert_allclose(pi.sum(axis=0), 1.0, atol=1e-12)
    assert np.abs(pi - field).max() < 0.06
    assert not np.array_equal(pi, field)
