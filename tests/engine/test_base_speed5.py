"""The base path's speed work of session 5 leaves every number as it was.

``evaluate(forecast=False)`` computes less than it did: the rearmament's shift only for
the sets and months the search for the first open month reads, a window at a time
(:func:`sim.engine._rearmament_shift_block`); the regimes' chain only up to the month
read (:meth:`sim.engine.RegimeWorlds.pi_at`); a regime's batch reuses the scenario's
parts that read none of the regime's parameters (``build_batch(..., like=, changed=)``)
and its war when the capacities and patrons are the scenario's
(:func:`sim.engine._same_war_inputs`).  Each is checked here, bit for bit, against the
computation it replaces, written out in full (every month, every set, a fresh batch, a
fresh war), on random designs over the scenario's uncertainty ranges.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim import engine
from sim.engine import Paths, game_effects, reservations
from sim.errors import ParameterError
from sim.kernels.utility import acceptable, at_month
from sim.kernels.zopa import intersect
from sim.model.batch import build_batch


def _design(scenario, n: int, seed: int, paths=None) -> dict[str, np.ndarray]:
    """Uniform draws over the uncertainty ranges of ``paths`` (all ranged ones: None)."""
    rng = np.random.default_rng(seed)
    if paths is None:
        paths = [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p)]
    return {p: rng.uniform(*scenario.uncertainty_range(p), n) for p in paths}


def _near(scenario, n: int, seed: int) -> dict[str, np.ndarray]:
    """The war sides' discount rates alone (every set has the same war)."""
    return _design(
        scenario, n, seed, [f"actors.{s}.discount_rate" for s in scenario.model.war.sides]
    )


def _lazy(scenario, params, paths: Paths | None = None):
    batch = build_batch(scenario, params, with_deals=False)
    paths = Paths() if paths is None else paths
    return reservations(batch, game_effects(batch.games), paths, neutral=False, deferred=True)


# -- the rearmament's shift: a window of months for some sets --------------------


@pytest.mark.parametrize("paths", [Paths(), Paths(3, 5)])
def test_shift_block_equals_the_shift_month_by_month(baseline, paths):
    """``deferred.shift(window, sets)`` equals, bit for bit, the shift at one month
    (``_rearmament_shift(..., month=k)``) stacked over the window's months and cut to the
    sets, and the shift of every month at once (the month-major form ``_durable`` reads),
    on the mean-field path and with Monte Carlo (where the capacities are simulated)."""
    comp = _lazy(baseline, _design(baseline, 120, 1), paths)
    d = comp.deferred
    assert d.shift is not None and d.q is not None
    # one actor's discount rate is dated (the US's, by the midterms), the others not: the
    # block computes the others' mean stocks once for the window (both branches run)
    dated = [np.shape(r)[-1] > 1 for r in comp.batch.discounting.rate]
    assert any(dated) and not all(dated)
    terms = comp.batch.terms.setting
    every = engine._rearmament_shift(comp, terms, d.q)  # (B, n, T)
    sets = np.array([7, 0, 119, 33, 33])
    for window in (slice(0, 61), slice(0, 1), slice(13, 25), slice(60, 61)):
        months = range(*window.indices(comp.batch.months))
        by_month = np.stack(
            [
                engine._rearmament_shift(
                    comp,
                    {k_: at_month(v[:, 0], k) for k_, v in terms.items()},
                    at_month(d.q[:, 0], k),
                    k,
                )
                for k in months
            ],
            axis=-1,
        )
        np.testing.assert_array_equal(d.shift(window, None), by_month)
        np.testing.assert_array_equal(d.shift(window, sets), by_month[sets])
        np.testing.assert_array_equal(d.shift(window, sets), every[sets][..., window])


def test_the_shift_moves_the_durable_rest(baseline):
    """The shift is not 0 in the baseline (the test above compares something): without
    the rearmament's ceilings the deferred durable rest differs."""
    params = _design(baseline, 40, 2)
    comp = _lazy(baseline, params)
    shift = comp.deferred.shift(slice(0, 61), None)
    assert np.abs(shift).max() > 0
    off = {**params, "settlement.rearmament.ceiling_bn.russia": np.zeros(40)}
    off["settlement.rearmament.ceiling_bn.ukraine"] = np.zeros(40)
    off["settlement.rearmament.support_bn.ukraine"] = np.zeros(40)
    rest_on = comp.deferred.parts(slice(0, 61))[0]
    rest_off = _lazy(baseline, off).deferred.parts(slice(0, 61))[0]
    assert not np.array_equal(rest_on, rest_off)


# -- the regimes' chain up to the month read ----------------------------------


@pytest.mark.parametrize("month", [0, 1, 12, 60])
def test_pi_at_equals_the_whole_chain(baseline, month):
    """``pi_at(month)`` (the chain run up to ``month``) equals the whole chain's month."""
    params = _design(baseline, 60, 3)
    comp = _lazy(baseline, params)
    whole = engine.regime_probabilities(comp)
    assert np.ptp(whole[:, 1, -1]) > 0  # the stress moves the chain: a real comparison
    worlds = engine.regime_worlds(baseline, comp, params, Paths())
    np.testing.assert_array_equal(worlds.pi_at(month), whole[..., month])
    assert "pi" not in worlds.__dict__  # the whole chain was not run
    np.testing.assert_array_equal(worlds.pi, whole)
    np.testing.assert_array_equal(worlds.pi_at(month), whole[..., month])


def test_pi_at_with_monte_carlo_reads_the_whole_chain(baseline):
    params = _design(baseline, 8, 4)
    comp = _lazy(baseline, params, Paths(3, 1))
    worlds = engine.regime_worlds(baseline, comp, params, Paths(3, 1))
    np.testing.assert_array_equal(
        worlds.pi_at(5), engine.regime_probabilities(comp, Paths(3, 1))[..., 5]
    )
    with pytest.raises(ValueError, match="mean-field"):
        engine.regime_probabilities(comp, Paths(3, 1), months=6)


# -- a batch like another --------------------------------------------------------


def _assert_same_batch(got, want):
    for f in fields(want):
        if f.name != "reads":
            assert engine._equal(getattr(got, f.name), getattr(want, f.name)), f.name


def test_regime_batches_like_the_scenarios_equal_fresh_ones(baseline):
    """Each regime's batch built ``like`` the scenario's equals the one built from scratch;
    the parts that read none of the regime's parameters are the scenario's own objects,
    the others are built again."""
    params = _design(baseline, 50, 5)
    base = build_batch(baseline, params, with_deals=False)
    rebuilt_somewhere = set()
    for own in base.regimes.overrides:
        world = {**params, **own}
        fresh = build_batch(baseline, world, with_deals=False)
        like = build_batch(baseline, world, with_deals=False, like=base, changed=own)
        _assert_same_batch(like, fresh)
        for name, reads in base.reads.items():
            same = getattr(like, name) is getattr(base, name)
            assert same == reads.isdisjoint(own), name
            rebuilt_somewhere |= set() if same else {name}
    assert {"war", "costs", "settlement"} <= rebuilt_somewhere


def test_reads_name_what_each_part_reads(baseline):
    """``Batch.reads``: the discount rates are read by the discounting (and the US's
    strategy reads them through its own inputs, not through the table); a part built from
    another (the preferences from the patrons) reads what that one reads."""
    b = build_batch(baseline, _near(baseline, 4, 6), with_deals=False)
    assert "actors.russia.discount_rate" in b.reads["discounting"]
    assert "actors.russia.discount_rate" not in b.reads["war"]
    assert b.reads["patrons"] <= b.reads["prefs"]
    assert b.reads["patrons"] <= b.reads["war"]


ANY_PATHS = sorted(
    p
    for p in sim.load_scenario("baseline").parameter_paths()
    if sim.load_scenario("baseline").uncertainty_range(p)
)


@settings(max_examples=25, deadline=None)
@given(
    picked=st.lists(st.sampled_from(ANY_PATHS), min_size=1, max_size=4, unique=True),
    seed=st.integers(0, 2**31),
)
def test_any_change_like_a_batch_equals_a_fresh_build(picked, seed):
    """Property: for any few ranged parameters changed (to other values in their ranges),
    the batch built ``like`` the first equals the batch built from scratch."""
    scenario = sim.load_scenario("baseline")
    params = _design(scenario, 6, seed % 1000, [p for p in ANY_PATHS if p not in picked][:20])
    base = build_batch(scenario, params, with_deals=False)
    change = _design(scenario, 6, seed, picked)
    world = {**params, **change}
    fresh = build_batch(scenario, world, with_deals=False)
    _assert_same_batch(
        build_batch(scenario, world, with_deals=False, like=base, changed=change), fresh
    )


def test_like_of_another_size_is_refused(baseline):
    base = build_batch(baseline, _near(baseline, 4, 7), with_deals=False)
    with pytest.raises(ParameterError, match="like"):
        build_batch(baseline, _near(baseline, 5, 7), with_deals=False, like=base)


# -- a regime's war reused -------------------------------------------------------


def test_a_world_with_the_scenarios_capacities_has_the_scenarios_war(baseline):
    """The collapse world (only the breakthrough changes) has the scenario's capacities and
    patrons: ``_War.of`` gives it exactly the scenario's effects, parts and escalation; a
    world that changes a capacity does not pass the test."""
    params = _design(baseline, 30, 8)
    base = build_batch(baseline, params, with_deals=False)
    effects = game_effects(base.games)
    war = engine._War.of(base, effects)
    names = base.regimes.names
    own = base.regimes.overrides[names.index("collapse")]
    world = build_batch(baseline, {**params, **own}, with_deals=False, like=base, changed=own)
    assert engine._same_war_inputs(world, base)
    fresh = engine._War.of(world, war.effects)
    for got, want in zip(engine._war_parts(fresh), engine._war_parts(war), strict=True):
        assert engine._equal(got, want)
    assert engine._equal(fresh.effects, war.effects)
    path = next(p for p in ANY_PATHS if p.startswith("war.capacity."))
    other = {**params, path: params[path][::-1].copy()}
    changed = build_batch(baseline, other, with_deals=False, like=base, changed=[path])
    assert not engine._same_war_inputs(changed, base)


def test_equal_known_answers():
    a = np.array([1.0, np.nan])
    assert not engine._equal(a, a.copy())  # NaN: not equal (the safe answer)
    assert engine._equal(a, a)  # the same object
    assert engine._equal({"x": (np.ones(2), 1)}, {"x": (np.ones(2), 1)})
    assert not engine._equal({"x": np.ones(2)}, {"y": np.ones(2)})
    assert not engine._equal(np.ones(2), np.ones((2, 1)))
    assert not engine._equal(np.ones(2), 1.0)
    assert not engine._equal((1, 2), (1, 2, 3))
    assert engine._equal(Paths(3, 1), Paths(3, 1)) and not engine._equal(Paths(3), Paths(4))


# -- the regime outcomes end to end ----------------------------------------------


def _reference_regime_outcomes(scenario, params, month: int) -> dict[str, np.ndarray]:
    """The regime outcomes computed the long way: every world from a fresh batch and a
    fresh war, every month and set of the durable rest and red lines, the whole chain."""
    batch = build_batch(scenario, params, with_deals=False)
    comp = reservations(batch, game_effects(batch.games), Paths(), neutral=False)
    pi = engine.regime_probabilities(comp)[..., month]
    out, p = {}, 0.0
    for r, (name, own) in enumerate(zip(batch.regimes.names, batch.regimes.overrides, strict=True)):
        b = build_batch(scenario, {**params, **own}, with_deals=False)
        c = reservations(b, game_effects(b.games), Paths(), neutral=False)
        limits = None if c.limits is None else tuple(v[..., month : month + 1] for v in c.limits)
        lo, hi = acceptable(
            b.prefs.month(month),
            c.rbar[..., month : month + 1],
            c.rest[..., month : month + 1],
            limits,
        )
        exists = intersect(lo, hi, c.veto).at(0).exists
        out[f"regime_p_{name}"] = pi[:, r]
        out[f"zopa_exists_{name}"] = exists
        p = p + pi[:, r] * exists
    out["p_zopa_regimes"] = p
    return out


@pytest.mark.parametrize("month", [0, 9])
@pytest.mark.parametrize("design", ["wide", "near"])
def test_regime_outcomes_equal_the_long_way(baseline, design, month):
    params = (_design if design == "wide" else _near)(baseline, 150, 9)
    got = sim.evaluate(baseline, params, month=month, forecast=False, chunk_size=70)
    want = _reference_regime_outcomes(baseline, params, month)
    for key, value in want.items():
        np.testing.assert_array_equal(got[key], value, err_msg=key)
    # the worlds differ somewhere (the comparison can fail)
    exists = [want[k] for k in want if k.startswith("zopa_exists_")]
    assert any(not np.array_equal(exists[0], e) for e in exists[1:]) or month == 0


# -- small things ------------------------------------------------------------------


def test_take_sets_of_a_shared_array_is_the_copy():
    """A broadcast array (every set the same) gives a view with the values of the copy."""
    from sim.kernels.utility import take_sets

    rng = np.random.default_rng(10)
    one = rng.normal(size=(1, 3, 7))
    shared = np.broadcast_to(one, (9, 3, 7))
    index = np.array([8, 0, 4, 4])
    got = take_sets(shared, index)
    np.testing.assert_array_equal(got, np.take(np.ascontiguousarray(shared), index, axis=0))
    assert got.shape == (4, 3, 7)
    stored = rng.normal(size=(7, 3, 9)).T  # (B, n, T) view of month-major storage
    np.testing.assert_array_equal(take_sets(stored, index), stored[index])


def test_deferred_parts_for_every_set_are_computed_once(baseline):
    """The month read is computed once for every set (shared), equal to a fresh
    computation, with and without the red lines' limits."""
    comp = _lazy(baseline, _design(baseline, 30, 11))
    d = comp.deferred
    window = slice(4, 5)
    fresh = d._parts(window, None, True)
    first = d.parts(window)
    assert d.parts(window) is first
    for got, want in zip(first[1], fresh[1], strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(first[0], fresh[0])
    rest, limits = d.parts(window, with_limits=False)
    assert rest is first[0] and limits is None
    other = slice(6, 7)
    rest, limits = d.parts(other, with_limits=False)
    assert limits is None
    np.testing.assert_array_equal(rest, d._parts(other, None, False)[0])
    np.testing.assert_array_equal(d.parts(other)[0], rest)
    np.testing.assert_array_equal(comp.rest_at(6), rest[..., 0])


@pytest.mark.parametrize("design", ["wide", "near"])
def test_a_world_that_changes_one_actors_costs_reuses_the_others_rows(baseline, design):
    """The settlement world changes Ukraine's costs alone: its reservation utilities equal,
    bit for bit, the whole recursion on a fresh war, and only Ukraine's recursion runs."""
    params = (_design if design == "wide" else _near)(baseline, 40, 12)
    comp = _lazy(baseline, params)
    names = comp.batch.regimes.names
    own = comp.batch.regimes.overrides[names.index("settlement")]
    worlds = engine._regime_comps(baseline, comp, params, Paths())
    got = worlds[names.index("settlement")]
    assert isinstance(got.war, engine._SharedWar) and got.war.base is comp
    fresh_batch = build_batch(baseline, {**params, **own}, with_deals=False)
    fresh = reservations(fresh_batch, game_effects(fresh_batch.games), Paths(), neutral=False)
    np.testing.assert_array_equal(got.rbar, fresh.rbar)
    ukraine = baseline.actors.index("ukraine")
    others = [i for i in range(len(baseline.actors)) if i != ukraine]
    np.testing.assert_array_equal(got.rbar[:, others], comp.rbar[:, others])
    assert not np.array_equal(got.rbar[:, ukraine], comp.rbar[:, ukraine])


def test_reservation_like_runs_the_recursion_for_the_changed_actors_alone(baseline):
    """:func:`sim.engine._reservation_like`: no base, or other discount factors, the whole
    recursion; the same flows, the base's values; one actor's flows changed, that actor's
    row recomputed (compared with the whole recursion)."""
    from dataclasses import replace

    from sim.kernels.reservation import reservation_discounted

    comp = _lazy(baseline, _design(baseline, 25, 13))
    f, b = comp.flows, comp.batch
    whole = reservation_discounted(f.own, f.terminal_own, b.discounting.delta)
    np.testing.assert_array_equal(engine._reservation_like(f, b, None), whole)
    np.testing.assert_array_equal(engine._reservation_like(f, b, comp), whole)
    own = np.array(f.own)
    own[:, 2, 5] += 0.25
    moved = replace(f, own=own)
    want = reservation_discounted(own, f.terminal_own, b.discounting.delta)
    got = engine._reservation_like(moved, b, comp)
    np.testing.assert_array_equal(got, want)
    assert not np.array_equal(got[:, 2], whole[:, 2])
    other = replace(b, discounting=replace(b.discounting, delta=b.discounting.delta * 0.999))
    want = reservation_discounted(own, f.terminal_own, other.discounting.delta)
    np.testing.assert_array_equal(engine._reservation_like(moved, other, comp), want)


def test_a_shared_war_every_set_shares_is_not_simulated_again(baseline, monkeypatch):
    """The settlement world of a design whose sets share one war (the near design) reads
    the scenario's path for its one-set flows instead of simulating it again; the flows
    equal those of a fresh war (bit for bit)."""
    params = _near(baseline, 20, 14)
    comp = _lazy(baseline, params)
    names = comp.batch.regimes.names
    own = comp.batch.regimes.overrides[names.index("settlement")]
    batch = build_batch(baseline, {**params, **own}, with_deals=False, like=comp.batch, changed=own)
    war = engine._SharedWar(
        batch, comp.war.effects, *engine._war_parts(comp.war), path=comp.path, base=comp
    )
    fresh = engine._War.of(batch, game_effects(batch.games)).flows(batch.biases, Paths())[0]
    calls = []
    monkeypatch.setattr(engine, "simulate", lambda *a, **k: calls.append(a))
    got, path = war.flows(batch.biases, Paths())
    assert not calls and path is not None
    for a, b in zip(got.astuple(), fresh.astuple(), strict=True):
        if b is None:
            assert a is None
        else:
            np.testing.assert_array_equal(a, b)


def test_a_cached_series_is_recorded_as_read(baseline):
    # build_batch(like=) reuses a part that read none of the changed paths: a part that
    # reads a dated series another part read first (a cache hit) must still record it
    from sim.model.batch import ParamTable

    table = ParamTable(baseline, {}, baseline.horizon + 1)
    path = sorted(table._events)[0]
    table.reads = set()
    table.series(path)
    table.reads = set()  # the next part
    table.series(path)
    sources = {source for _, source in table._events[path]}
    assert path in table.reads and sources <= table.reads
