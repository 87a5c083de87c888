"""Subgame payoff builders, their equilibria's algebra, effects and batch evaluation."""

from __future__ import annotations

import numpy as np
import pytest
from games_strategies import nashpy_extreme_equilibria, nashpy_support_equilibria
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.errors import ParameterError
from sim.games.subgames import SUBGAMES, describe_subgame, evaluate_subgames

SANCTIONS = dict(
    discount_value=8.0,
    sanction_cost=2.0,
    cut_share=0.5,
    imposition_cost=3.0,
    enforcement_value=5.0,
    cut_gain=45.0,
)
ESCALATION = dict(
    rung_value=3.0,
    supply_cost=1.0,
    risk_cost=5.0,
    rung_damage=3.0,
    escalation_cost=1.0,
    red_line_value=4.0,
)
ALIGNMENT = dict(
    support_value=20.0,
    hedge_gain=10.0,
    hedge_cost=15.0,
    hedge_penalty=10.0,
    support_cost=20.0,
    alignment_value=30.0,
    partnership_value=8.0,
)
BASE = {"secondary_sanctions": SANCTIONS, "escalation": ESCALATION, "alignment": ALIGNMENT}


def only_equilibrium(A, B):
    """The unique equilibrium by nashpy, as (P(row action 0), P(col action 0))."""
    (found,) = nashpy_support_equilibria(A, B)
    return found[0], found[2]


def test_sanctions_cells_follow_the_documented_formulas():
    A, B = SUBGAMES["secondary_sanctions"].build(SANCTIONS)
    # impose/keep: K - C = 2, D - S = 6; impose/cut: fG - C = 19.5, (1 - f) D = 4;
    # hold/keep: 0, D = 8; hold/cut: fG = 22.5, (1 - f) D = 4.
    assert A[0].tolist() == [[2.0, 19.5], [0.0, 22.5]]
    assert B[0].tolist() == [[6.0, 4.0], [8.0, 4.0]]


def test_escalation_cells_follow_the_documented_formulas():
    A, B = SUBGAMES["escalation"].build(ESCALATION)
    # supply/escalate: M - c - R = -3, H - L - X = 0; supply/restrain: M - c = 2, -L = -3;
    # withhold/escalate: 0, -X = -1; withhold/restrain: 0, 0.
    assert A[0].tolist() == [[-3.0, 2.0], [0.0, 0.0]]
    assert B[0].tolist() == [[0.0, -3.0], [-1.0, 0.0]]


def test_alignment_cells_follow_the_documented_formulas():
    A, B = SUBGAMES["alignment"].build(ALIGNMENT)
    # aligned/support: V = 20, U + W - C = 18; aligned/pull: 0, U = 30;
    # hedge/support: V + T - h - P = 5, -C = -20; hedge/pull: T - h = -5, 0.
    assert A[0].tolist() == [[20.0, 0.0], [5.0, -5.0]]
    assert B[0].tolist() == [[18.0, 30.0], [-20.0, 0.0]]


positive = st.floats(0.1, 20.0, allow_nan=False)
share = st.floats(0.05, 0.95, allow_nan=False)


def far_apart(a, b, gap=1e-3):
    return abs(a - b) > gap * max(1.0, abs(a), abs(b))


@settings(max_examples=150)
@given(positive, positive, share, positive, positive, positive)
def test_sanctions_equilibrium_follows_the_case_analysis(D, S, f, C, K, G):
    assume(far_apart(K, C) and far_apart(S, f * D))
    params = dict(
        discount_value=D,
        sanction_cost=S,
        cut_share=f,
        imposition_cost=C,
        enforcement_value=K,
        cut_gain=G,
    )
    A, B = (M[0] for M in SUBGAMES["secondary_sanctions"].build(params))
    p, q = only_equilibrium(A, B)
    if C > K:
        assert (p, q) == (0.0, 1.0)  # hold off, keep buying
    elif S < f * D:
        assert (p, q) == (1.0, 1.0)  # impose, keep buying
    else:  # inspection game
        assert p == pytest.approx(f * D / S, abs=1e-6)
        assert q == pytest.approx(C / K, abs=1e-6)
    effects = evaluate_subgames(
        {"g": dict(kind="secondary_sanctions", selection="expected", params=params)}
    )
    assert effects["g"]["kept_share"][0] == pytest.approx(1 - f * (1 - q), abs=1e-6)
    assert effects["g"]["imposed"][0] == pytest.approx(p, abs=1e-6)


@settings(max_examples=150)
@given(positive, positive, positive, positive, positive, positive)
def test_escalation_equilibrium_follows_the_case_analysis(M, c, R, L, X, H):
    assume(far_apart(M, c) and far_apart(H, X) and far_apart(M - c, R))
    params = dict(
        rung_value=M,
        supply_cost=c,
        risk_cost=R,
        rung_damage=L,
        escalation_cost=X,
        red_line_value=H,
    )
    A, B = (M_[0] for M_ in SUBGAMES["escalation"].build(params))
    p, q = only_equilibrium(A, B)
    if M < c:
        assert (p, q) == (0.0, 0.0)  # withhold, restrain
    elif H < X:
        assert (p, q) == (1.0, 0.0)  # supply, restrain
    elif M - c > R:
        assert (p, q) == (1.0, 1.0)  # supply, escalate
    else:
        assert p == pytest.approx(X / H, abs=1e-6)
        assert q == pytest.approx((M - c) / R, abs=1e-6)


@pytest.mark.slow
@settings(max_examples=150)
@given(positive, positive, positive, positive, positive, positive, positive)
def test_alignment_equilibria_follow_the_case_analysis(V, T, h, P, C, U, W):
    assume(far_apart(T, h) and far_apart(T, h + P) and far_apart(W, C))
    params = dict(
        support_value=V,
        hedge_gain=T,
        hedge_cost=h,
        hedge_penalty=P,
        support_cost=C,
        alignment_value=U,
        partnership_value=W,
    )
    A, B = (M[0] for M in SUBGAMES["alignment"].build(params))
    found = {(k[0], k[2]) for k in nashpy_extreme_equilibria(A, B)}
    if W < C:  # pulling back is dominant; the ally hedges iff T > h
        assert found == {(0.0 if T > h else 1.0, 0.0)}
    elif T > h + P:  # hedging is dominant; the patron pulls back
        assert found == {(0.0, 0.0)}
    elif T < h:  # aligning is dominant; the patron supports
        assert found == {(1.0, 1.0)}
    else:  # coordination: two pure equilibria and a mixed one
        assert {(1.0, 1.0), (0.0, 0.0)} < found and len(found) == 3


def sanctions_with_cost(S):
    return dict(SANCTIONS, sanction_cost=S)


def test_raising_chinas_sanctions_cost_flips_its_equilibrium_at_f_times_d():
    # Algebra: with K > C the buyer keeps buying under sanctions iff D - S > (1 - f) D,
    # i.e. S < f D. Here f D = 0.5 * 8 = 4.
    threshold = SANCTIONS["cut_share"] * SANCTIONS["discount_value"]
    below, above = threshold * (1 - 1e-6), threshold * (1 + 1e-6)
    spec = SUBGAMES["secondary_sanctions"]

    A, B = (M[0] for M in spec.build(sanctions_with_cost(below)))
    assert nashpy_support_equilibria(A, B) == {(1.0, 0.0, 1.0, 0.0)}  # impose, keep

    A, B = (M[0] for M in spec.build(sanctions_with_cost(above)))
    ((p, _, q, _),) = nashpy_support_equilibria(A, B)
    assert 0 < p < 1 and 0 < q < 1  # no pure equilibrium any more
    assert q == pytest.approx(SANCTIONS["imposition_cost"] / SANCTIONS["enforcement_value"])

    costs = np.array([below, above])
    out = evaluate_subgames(
        {
            "china": dict(
                kind="secondary_sanctions",
                selection="payoff_dominant",
                params=sanctions_with_cost(costs),
            )
        }
    )["china"]
    # Above the threshold China keeps buying with probability C/K = 0.6 and cuts half:
    # kept share 1 - 0.5 * 0.4 = 0.8.
    assert out["kept_share"] == pytest.approx([1.0, 0.8])
    assert out["imposed"] == pytest.approx([1.0, threshold / above])


def test_sweep_over_the_sanctions_cost_flips_exactly_once_at_the_threshold():
    costs = np.linspace(0.0, 10.0, 1001)
    out = evaluate_subgames(
        {
            "china": dict(
                kind="secondary_sanctions",
                selection="payoff_dominant",
                params=sanctions_with_cost(costs),
            )
        }
    )["china"]
    keeps_all = out["kept_share"] > 1 - 1e-12
    threshold = SANCTIONS["cut_share"] * SANCTIONS["discount_value"]
    assert np.array_equal(keeps_all, costs < threshold)
    # At S = f D exactly China is indifferent under sanctions (a degenerate game): the
    # extreme equilibria are (impose, keep) paying (2, 4) and (impose, keep w.p. C/K = 0.6)
    # paying (0.6 * 2 + 0.4 * 19.5, 4) = (9, 4), which payoff-dominates it.
    assert out["kept_share"][costs == threshold] == pytest.approx([0.8])


def random_params(kind, n, rng):
    params = {}
    for p in SUBGAMES[kind].parameters:
        params[p.name] = (
            rng.uniform(0.05, 0.95, n) if p.domain == "share" else rng.uniform(0, 10, n)
        )
    return params


@pytest.mark.parametrize("kind", sorted(SUBGAMES))
@pytest.mark.parametrize("selection", ["payoff_dominant", "risk_dominant", "expected"])
def test_batched_closed_form_effects_equal_the_nashpy_description(kind, selection):
    rng = np.random.default_rng(11)
    params = random_params(kind, 40, rng)
    # Half the games on an integer grid, so that ties and several equilibria occur.
    for spec in SUBGAMES[kind].parameters:
        if spec.domain != "share":
            params[spec.name][:20] = np.round(params[spec.name][:20])
    batch = evaluate_subgames({"g": dict(kind=kind, selection=selection, params=params)})["g"]
    for i in range(40):
        one = describe_subgame(kind, {k: float(v[i]) for k, v in params.items()}, selection)
        for effect, value in one.effects.items():
            assert batch[effect][i] == pytest.approx(value, abs=1e-9), (i, effect)


def test_solving_each_distinct_game_once_gives_the_same_answer():
    rng = np.random.default_rng(3)
    n = 10_000
    params = dict(SANCTIONS, sanction_cost=rng.choice([1.0, 3.0, 4.0, 6.0, 9.0], n))
    config = {"g": dict(kind="secondary_sanctions", selection="expected", params=params)}
    plain = evaluate_subgames(config, dedupe=False)["g"]
    for dedupe in (True, "auto"):
        deduped = evaluate_subgames(config, dedupe=dedupe)["g"]
        for name in plain:
            assert np.array_equal(plain[name], deduped[name])
    # Two parameters varying: only dedupe=True sorts the stacked columns.
    params = dict(params, cut_share=rng.choice([0.2, 0.5], n))
    config = {"g": dict(kind="secondary_sanctions", selection="expected", params=params)}
    plain = evaluate_subgames(config, dedupe=False)["g"]
    deduped = evaluate_subgames(config, dedupe=True)["g"]
    for name in plain:
        assert np.array_equal(plain[name], deduped[name])
    with pytest.raises(ValueError, match="dedupe must be"):
        evaluate_subgames(config, dedupe="yes")


def test_batch_sizes_numbers_give_one_and_arrays_broadcast_across_games():
    numbers = evaluate_subgames(
        {"a": dict(kind="alignment", selection="expected", params=ALIGNMENT)}
    )
    assert numbers["a"]["aligned"].shape == (1,)
    configs = {
        "a": dict(kind="alignment", selection="expected", params=ALIGNMENT),
        "s": dict(
            kind="secondary_sanctions",
            selection="expected",
            params=sanctions_with_cost(np.array([1.0, 2.0, 9.0])),
        ),
    }
    out = evaluate_subgames(configs)
    assert out["a"]["aligned"].shape == (3,) and out["s"]["kept_share"].shape == (3,)


def test_effects_are_probabilities_and_shares():
    rng = np.random.default_rng(5)
    for kind in SUBGAMES:
        out = evaluate_subgames(
            {
                "g": dict(
                    kind=kind, selection="payoff_dominant", params=random_params(kind, 2000, rng)
                )
            }
        )["g"]
        assert set(out) == set(SUBGAMES[kind].effect_names)
        for values in out.values():
            assert np.all((values >= -1e-12) & (values <= 1 + 1e-12))


def test_effect_names_are_the_ones_the_war_model_reads():
    assert SUBGAMES["secondary_sanctions"].effect_names == ("kept_share", "imposed")
    assert SUBGAMES["escalation"].effect_names == ("supplied", "escalated")
    assert SUBGAMES["alignment"].effect_names == ("aligned", "supported")


def test_every_parameter_has_a_meaning_and_a_unit():
    for spec in SUBGAMES.values():
        for p in spec.parameters:
            assert p.meaning and p.unit and p.domain in ("share", "nonnegative")


def test_description_lists_matrices_equilibria_and_how_they_were_computed():
    report = describe_subgame("alignment", dict(ALIGNMENT, partnership_value=25.0, hedge_gain=18.0))
    data = report.as_dict()
    assert data["actions"]["row"] == ["stay aligned", "hedge"]
    assert len(data["equilibria"]) == 3  # coordination: two pure, one mixed
    assert data["selection"]["applied"] == "payoff dominance"
    assert data["effects"] == {"aligned": 1.0, "supported": 1.0}
    assert data["computed_by"]["method"] == "support" and not data["computed_by"]["degenerate"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (dict(kind="duel", selection="expected", params={}), "unknown subgame kind 'duel'"),
        (dict(kind="alignment", selection="nash", params=ALIGNMENT), "selection must be one of"),
        (dict(kind="alignment", selection="expected"), "missing field 'params'"),
        (
            dict(
                kind="secondary_sanctions",
                selection="expected",
                params=dict(SANCTIONS, cut_share=1.5),
            ),
            "'cut_share' must be a finite share in \\[0, 1\\], got 1.5",
        ),
        (
            dict(
                kind="secondary_sanctions",
                selection="expected",
                params=dict(SANCTIONS, sanction_cost=-1),
            ),
            "'sanction_cost' must be finite and >= 0, got -1.0",
        ),
        (
            dict(kind="escalation", selection="expected", params=dict(ESCALATION, rung_valu=1.0)),
            "unknown parameter\\(s\\) \\['rung_valu'\\]",
        ),
        (
            dict(kind="escalation", selection="expected", params={"rung_value": 1.0}),
            "missing parameter\\(s\\)",
        ),
        (
            dict(
                kind="escalation", selection="expected", params=dict(ESCALATION, rung_value="high")
            ),
            "'rung_value' must be a number",
        ),
    ],
)
def test_bad_configs_raise_parameter_errors_naming_the_game_and_field(config, message):
    with pytest.raises(ParameterError, match=message):
        evaluate_subgames({"mygame": config})


def test_batches_of_different_lengths_are_refused():
    configs = {
        "a": dict(
            kind="secondary_sanctions", selection="expected", params=sanctions_with_cost(np.ones(3))
        ),
        "b": dict(
            kind="secondary_sanctions", selection="expected", params=sanctions_with_cost(np.ones(4))
        ),
    }
    with pytest.raises(ParameterError, match="different lengths"):
        evaluate_subgames(configs)


def test_describe_takes_numbers_only():
    with pytest.raises(ParameterError, match="numbers only"):
        describe_subgame("secondary_sanctions", sanctions_with_cost(np.ones(2)))
