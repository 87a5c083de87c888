"""Nash and Kalai-Smorodinsky solutions: general optimisers in the test, properties."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from strategies import split_problems, utility_exponents

from sim.bargaining import kalai_smorodinsky_split, nash_solution, nash_split
from sim.bargaining import nash as nash_module


def nash_objective(shares, exponents, disagreement, weights):
    return np.sum(weights * np.log(shares**exponents - disagreement))


def nash_split_by_scipy(exponents, disagreement, weights):
    """Maximise the weighted Nash product with a general optimiser.

    Two players: bounded scalar search over player 1's share (tight).  More
    players: SLSQP on the simplex from the equal split of the surplus.
    """
    floor = disagreement ** (1.0 / exponents)
    if len(exponents) == 2:
        result = optimize.minimize_scalar(
            lambda x1: -nash_objective(np.array([x1, 1 - x1]), exponents, disagreement, weights),
            bounds=(floor[0], 1 - floor[1]),
            method="bounded",
            options={"xatol": 1e-13},
        )
        return np.array([result.x, 1 - result.x])
    start = floor + (1 - floor.sum()) / len(floor)
    result = optimize.minimize(
        lambda x: -nash_objective(x, exponents, disagreement, weights),
        start,
        method="SLSQP",
        bounds=[(f + 1e-12, 1.0) for f in floor],
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1.0}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    return result.x


def test_example_from_the_issue():
    assert nash_split([1.0, 0.5]) == pytest.approx([2 / 3, 1 / 3], abs=1e-15)


def test_risk_neutral_players_split_the_surplus_equally():
    assert nash_split([1.0, 1.0], [0.3, 0.1]) == pytest.approx([0.6, 0.4], abs=1e-13)


def two_player_first_order_root(exponents, disagreement, weights):
    """Player 1's share where the derivative of the log Nash product along x1 vanishes."""
    floor = disagreement ** (1.0 / exponents)

    def slope(x1):
        x = np.array([x1, 1.0 - x1])
        marginal = weights * exponents * x ** (exponents - 1) / (x**exponents - disagreement)
        return marginal[0] - marginal[1]

    gap = 1e-12 * (1.0 - floor.sum())
    return optimize.brentq(slope, floor[0] + gap, 1.0 - floor[1] - gap, xtol=1e-15)


@settings(max_examples=60)
@given(split_problems(min_players=2, max_players=2))
def test_two_players_match_scalar_optimisation(problem):
    exponents, disagreement, weights = problem
    shares = nash_split(exponents, disagreement, weights)
    # A bounded search locates a smooth maximum only to about sqrt(machine epsilon).
    searched = nash_split_by_scipy(exponents, disagreement, weights)
    assert shares == pytest.approx(searched, abs=1e-6)
    assert nash_objective(shares, exponents, disagreement, weights) >= (
        nash_objective(searched, exponents, disagreement, weights) - 1e-13
    )
    # Root-finding on the first-order condition is precise.
    x1 = two_player_first_order_root(exponents, disagreement, weights)
    assert shares == pytest.approx([x1, 1.0 - x1], abs=1e-10)


def nash_split_by_slsqp(exponents, disagreement, weights):
    """The weighted Nash solution by SLSQP, polished by a root-finder on the KKT system.

    SLSQP works on the log gains ``y_i = log(x_i - m_i)`` (no bounds to trip
    over where the gradient of the Nash product blows up) with the
    constraint ``sum_i exp(y_i) = 1 - sum_i m_i``.  It stops when the
    objective stalls, which leaves the shares about 1e-8 off;
    ``scipy.optimize.root`` (MINPACK's hybrid method) on the first-order
    conditions ``w_i a_i x_i^(a_i - 1) = lambda (x_i^a_i - d_i)``,
    ``sum_i x_i = 1``, started there, settles them to rounding (checked
    here).  Returns ``(shares, slsqp_shares)``.
    """
    floor = disagreement ** (1.0 / exponents)
    slack = 1.0 - floor.sum()

    def marginal(x):
        return weights * exponents * x ** (exponents - 1) / (x**exponents - disagreement)

    result = optimize.minimize(
        lambda y: -nash_objective(floor + np.exp(y), exponents, disagreement, weights),
        np.full(len(floor), np.log(slack / len(floor))),
        jac=lambda y: -marginal(floor + np.exp(y)) * np.exp(y),
        method="SLSQP",
        constraints=[
            {
                "type": "eq",
                "fun": lambda y: np.exp(y).sum() / slack - 1.0,
                "jac": lambda y: np.exp(y) / slack,
            }
        ],
        options={"ftol": 1e-16, "maxiter": 1000},
    )
    # With ftol = 1e-16 SLSQP can run out of iterations at the optimum to rounding (status 9,
    # e.g. exponents [0.2, 4.57, 2.0]); the polish below then verifies the first-order
    # conditions, which is what makes the reference trustworthy either way.
    assert result.success or result.status == 9, result.message
    slsqp = floor + np.exp(result.x)

    def first_order_conditions(unknowns):
        x, multiplier = unknowns[:-1], unknowns[-1]
        gap = weights * exponents * x ** (exponents - 1) - multiplier * (
            x**exponents - disagreement
        )
        return np.append(gap, x.sum() - 1.0)

    start = np.append(slsqp, marginal(slsqp).mean())
    polished = optimize.root(first_order_conditions, start, method="hybr", options={"xtol": 1e-15})
    # MINPACK may report slow progress once it is at the root to rounding; check the root.
    x, multiplier = polished.x[:-1], polished.x[-1]
    assert abs(x.sum() - 1.0) <= 1e-14
    assert marginal(x) == pytest.approx(np.full_like(x, multiplier), rel=1e-10)
    return x, slsqp


def random_split_problems(rng, count, players):
    """``count`` random problems with ``players`` players, as arrays ``(count, players)``."""
    exponents = rng.uniform(0.2, 5.0, (count, players))
    weights = rng.uniform(0.05, 1.0, (count, players))
    claimed = rng.uniform(0.0, 0.98, (count, 1))
    disagreement = (rng.dirichlet(np.ones(players), count) * claimed) ** exponents
    return exponents, disagreement, weights


@pytest.mark.slow  # 600 SLSQP solves; test_many_players_match_slsqp is the quick version
@pytest.mark.parametrize("players", [2, 3, 5, 6])
def test_random_problems_match_slsqp_to_1e9(players):
    rng = np.random.default_rng(players)
    exponents, disagreement, weights = random_split_problems(rng, 150, players)
    batch = nash_split(exponents, disagreement, weights)
    for row in range(len(batch)):
        reference, slsqp = nash_split_by_slsqp(exponents[row], disagreement[row], weights[row])
        # The polish only finishes SLSQP's work; it does not move to another point.
        assert reference == pytest.approx(slsqp, abs=1e-6)
        assert batch[row] == pytest.approx(reference, abs=1e-9)


@settings(max_examples=40)
@given(split_problems(min_players=3, max_players=5))
def test_many_players_match_slsqp(problem):
    exponents, disagreement, weights = problem
    shares = nash_split(exponents, disagreement, weights)
    reference, slsqp = nash_split_by_slsqp(exponents, disagreement, weights)
    # The exact solution is at least as good as the optimiser's and equal to the polished one.
    assert nash_objective(shares, exponents, disagreement, weights) >= (
        nash_objective(slsqp, exponents, disagreement, weights) - 1e-12
    )
    assert shares == pytest.approx(reference, abs=1e-9)


@settings(max_examples=60)
@given(split_problems(min_players=1, max_players=6, min_slack=1e-6))
def test_shares_divide_the_pie_and_beat_disagreement(problem):
    exponents, disagreement, weights = problem
    shares = nash_split(exponents, disagreement, weights)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(shares**exponents >= disagreement)


@settings(max_examples=40)
@given(split_problems(min_players=2, max_players=5))
def test_first_order_conditions_hold(problem):
    exponents, disagreement, weights = problem
    x = nash_split(exponents, disagreement, weights)
    marginal = weights * exponents * x ** (exponents - 1) / (x**exponents - disagreement)
    assert marginal == pytest.approx(np.full_like(x, marginal.mean()), rel=1e-7)


@settings(max_examples=40)
@given(split_problems(min_players=2, max_players=5), st.randoms(use_true_random=False))
def test_relabelling_players_relabels_shares(problem, random):
    exponents, disagreement, weights = problem
    order = list(range(len(exponents)))
    random.shuffle(order)
    shares = nash_split(exponents, disagreement, weights)
    permuted = nash_split(exponents[order], disagreement[order], weights[order])
    assert permuted == pytest.approx(shares[order], abs=1e-12)


@given(utility_exponents, st.floats(0.0, 0.45), st.integers(2, 6))
def test_identical_players_split_equally(exponent, disagreement_share, n):
    shares = nash_split(np.full(n, exponent), np.full(n, (disagreement_share * 2 / n) ** exponent))
    assert shares == pytest.approx(np.full(n, 1 / n), abs=1e-12)


@settings(max_examples=40)
@given(split_problems(min_players=2, max_players=4), st.floats(1.05, 3.0))
def test_more_bargaining_power_gets_more(problem, factor):
    exponents, disagreement, weights = problem
    stronger = weights.copy()
    stronger[0] *= factor
    assert nash_split(exponents, disagreement, stronger)[0] >= (
        nash_split(exponents, disagreement, weights)[0] - 1e-12
    )


@settings(max_examples=40)
@given(split_problems(min_players=2, max_players=4), st.floats(0.0, 1.0))
def test_better_disagreement_gets_more(problem, fraction):
    exponents, disagreement, weights = problem
    floor = disagreement ** (1 / exponents)
    better = disagreement.copy()
    better[0] = (floor[0] + fraction * 0.9 * (1 - floor.sum())) ** exponents[0]
    assert nash_split(exponents, better, weights)[0] >= (
        nash_split(exponents, disagreement, weights)[0] - 1e-12
    )


def extreme_split_problems(rng, count, players):
    """Exponents from 0.01 to 100, weights down to 1e-4 or 0, slack down to 1e-12."""
    exponents = np.exp(rng.uniform(np.log(0.01), np.log(100.0), (count, players)))
    weights = np.exp(rng.uniform(np.log(1e-4), 0.0, (count, players)))
    weights[rng.uniform(size=(count, players)) < 0.05] = 0.0
    weights[:, 0] += 1e-3
    claimed = rng.uniform(0.0, 1.0 - 1e-12, (count, 1))
    floors = rng.dirichlet(np.full(players, 0.5), count) * claimed
    floors[rng.uniform(size=(count, players)) < 0.1] = 0.0
    disagreement = floors**exponents
    feasible = (disagreement ** (1.0 / exponents)).sum(axis=-1) < 1.0
    return exponents[feasible], disagreement[feasible], weights[feasible]


@pytest.mark.parametrize("players", [1, 2, 3, 5, 8])
def test_joint_newton_and_bracketed_solver_agree_on_extreme_problems(players, monkeypatch):
    # Two different algorithms (module doc); with no Newton steps allowed every
    # row goes to the bracketed solver.
    rng = np.random.default_rng(100 + players)
    exponents, disagreement, weights = extreme_split_problems(rng, 400, players)
    newton = nash_split(exponents, disagreement, weights)
    monkeypatch.setattr(nash_module, "_NEWTON_MAX_ITER", 0)
    bracketed = nash_split(exponents, disagreement, weights)
    assert np.isfinite(newton).all() and np.isfinite(bracketed).all()
    assert newton == pytest.approx(bracketed, abs=1e-13)
    assert newton.sum(axis=-1) == pytest.approx(np.ones(len(newton)), abs=1e-14)


@pytest.mark.parametrize("steps", [1, 2])
def test_rows_left_after_the_newton_limit_are_solved_by_the_fallback(steps, monkeypatch):
    rng = np.random.default_rng(7)
    # 600 rows leave about 600 (steps=1) or 330 (steps=2) rows to the fallback.
    exponents, disagreement, weights = extreme_split_problems(rng, 600, 4)
    expected = nash_split(exponents, disagreement, weights)
    monkeypatch.setattr(nash_module, "_NEWTON_MAX_ITER", steps)
    assert nash_split(exponents, disagreement, weights) == pytest.approx(expected, abs=1e-13)


@pytest.mark.parametrize("solver", ["joint Newton", "bracketed"])
def test_surplus_below_the_smallest_double_is_solved(solver, monkeypatch):
    # x ** 95 for x = 3e-4 is below 1e-308: the bracketed solver once returned NaN here.
    if solver == "bracketed":
        monkeypatch.setattr(nash_module, "_NEWTON_MAX_ITER", 0)
    exponents = np.array([1.3213e-02, 5.0294e01, 2.2087e00, 9.5386e01, 1.7170e-01])
    weights = np.array([2.8520e-03, 9.5111e-01, 2.1821e-02, 1.6007e-04, 9.1962e-04])
    disagreement = np.array([0.0181, 0.0086, 0.0085, 0.0, 0.0012]) ** exponents
    shares = nash_split(exponents, disagreement, weights)
    log_share = np.log(shares)
    with np.errstate(divide="ignore"):
        # log(x^a - d) = a log x + log(1 - d / x^a), in logarithms throughout.
        log_surplus = exponents * log_share + np.log(
            -np.expm1(np.log(disagreement) - exponents * log_share)
        )
    log_marginal = np.log(weights * exponents) + (exponents - 1) * log_share - log_surplus
    assert shares.sum() == pytest.approx(1.0, abs=1e-15)
    assert log_marginal == pytest.approx(np.full(5, log_marginal[1]), abs=1e-9)


def test_a_single_player_takes_the_pie():
    assert nash_split([2.0], [0.25]) == pytest.approx([1.0], abs=1e-15)


def test_only_weight_ratios_matter():
    exponents, disagreement, weights = [0.5, 1.0, 2.0], [0.1, 0.2, 0.01], [1.0, 2.0, 3.0]
    base = nash_split(exponents, disagreement, weights)
    assert nash_split(exponents, disagreement, np.multiply(weights, 7.5)) == pytest.approx(
        base, abs=1e-13
    )


def test_player_without_bargaining_power_gets_its_disagreement_share():
    shares = nash_split([0.5, 1.0, 2.0], [0.3, 0.2, 0.04], [1.0, 0.0, 1.0])
    assert shares[1] == pytest.approx(0.2, abs=1e-15)
    assert shares.sum() == pytest.approx(1.0, abs=1e-13)


def test_batch_solves_each_row_as_alone():
    rng = np.random.default_rng(3)
    exponents = rng.uniform(0.3, 3.0, (50, 4))
    disagreement = (rng.uniform(0.0, 0.2, (50, 4))) ** exponents
    weights = rng.uniform(0.1, 1.0, (50, 4))
    batch = nash_split(exponents, disagreement, weights)
    assert batch.shape == (50, 4)
    for row in range(50):
        alone = nash_split(exponents[row], disagreement[row], weights[row])
        assert batch[row] == pytest.approx(alone, abs=1e-12)


def test_extreme_exponents_and_tight_disagreement_converge():
    exponents = np.array([[0.01, 50.0], [0.3, 3.0], [4.0, 0.25]])
    floors = np.array([[0.45, 0.1], [0.4, 0.6 * (1 - 1e-12)], [0.0, 0.999]])
    shares = nash_split(exponents, floors**exponents)
    assert shares.sum(axis=-1) == pytest.approx(np.ones(3), abs=1e-12)
    assert np.all(shares >= floors - 1e-12)
    for row in range(2):
        expected = nash_split_by_scipy(exponents[row], floors[row] ** exponents[row], np.ones(2))
        assert shares[row] == pytest.approx(expected, abs=1e-7)


# Kalai-Smorodinsky -------------------------------------------------------------


def ideal_utilities(exponents, disagreement):
    """Each player's best utility when everyone else gets its disagreement value."""
    floor = disagreement ** (1 / exponents)
    return np.array([(1 - floor.sum() + floor[i]) ** exponents[i] for i in range(len(exponents))])


def test_kalai_smorodinsky_known_answer():
    # Equal utility gains: x1 = (1 - x1) ** 0.5, the golden-ratio conjugate.
    golden = (np.sqrt(5) - 1) / 2
    assert kalai_smorodinsky_split([1.0, 0.5]) == pytest.approx([golden, 1 - golden], abs=1e-12)


@settings(max_examples=60)
@given(split_problems(min_players=2, max_players=2))
def test_kalai_smorodinsky_two_players_match_root_finding(problem):
    exponents, disagreement, _ = problem
    ideal = ideal_utilities(exponents, disagreement)
    floor = disagreement ** (1 / exponents)

    def gain_gap(x1):
        gains = (np.array([x1, 1 - x1]) ** exponents - disagreement) / (ideal - disagreement)
        return gains[0] - gains[1]

    x1 = optimize.brentq(gain_gap, floor[0], 1 - floor[1], xtol=1e-15)
    assert kalai_smorodinsky_split(exponents, disagreement) == pytest.approx(
        [x1, 1 - x1], abs=1e-10
    )


@settings(max_examples=60)
@given(split_problems(min_players=1, max_players=6, min_slack=1e-4))
def test_kalai_smorodinsky_gives_equal_relative_gains_on_the_frontier(problem):
    exponents, disagreement, _ = problem
    shares = kalai_smorodinsky_split(exponents, disagreement)
    ideal = ideal_utilities(exponents, disagreement)
    relative_gain = (shares**exponents - disagreement) / (ideal - disagreement)
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    assert relative_gain == pytest.approx(np.full_like(shares, relative_gain[0]), abs=1e-9)


def test_kalai_smorodinsky_identical_players_split_equally():
    assert kalai_smorodinsky_split(np.full(5, 0.7), np.full(5, 0.1)) == pytest.approx(
        np.full(5, 0.2), abs=1e-12
    )


# Finite deal sets ------------------------------------------------------------------


def best_deal_by_enumeration(utilities, disagreement, weights):
    best, best_product = -1, -np.inf
    for k, deal in enumerate(utilities):
        if np.all(deal >= disagreement):
            product = np.prod((deal - disagreement) ** weights)
            if product > best_product:
                best, best_product = k, product
    return best


@settings(max_examples=60)
@given(
    st.integers(1, 30),
    st.integers(2, 4),
    st.integers(0, 2**32 - 1),
)
def test_nash_solution_matches_enumeration(deals, players, seed):
    rng = np.random.default_rng(seed)
    utilities = rng.uniform(0.0, 1.0, (deals, players))
    disagreement = rng.uniform(0.0, 0.5, players)
    weights = rng.uniform(0.1, 1.0, players)
    expected = best_deal_by_enumeration(utilities, disagreement, weights)
    assert nash_solution(utilities, disagreement, weights) == expected


def test_nash_solution_batch_and_no_admissible_deal():
    utilities = np.array([[[0.9, 0.1], [0.5, 0.5]], [[0.1, 0.1], [0.2, 0.0]]])
    disagreement = np.array([[0.2, 0.2], [0.5, 0.5]])
    assert nash_solution(utilities, disagreement).tolist() == [1, -1]
    assert np.ndim(nash_solution(utilities[0], disagreement[0])) == 0


def test_nash_solution_prefers_a_zero_product_to_an_excluded_deal():
    # Deal 0 leaves player 1 below its disagreement value; deal 1 leaves player 2 at it.
    assert nash_solution([[0.0, 0.9], [0.5, 0.1]], [0.1, 0.1]) == 1
    # Any positive product beats a zero one.
    assert nash_solution([[0.5, 0.1], [0.11, 0.11]], [0.1, 0.1]) == 1


def test_nash_solution_on_a_fine_grid_approximates_nash_split():
    exponents, disagreement = np.array([0.6, 1.7]), np.array([0.2, 0.05])
    grid = np.linspace(0.0, 1.0, 100_001)
    utilities = np.stack([grid ** exponents[0], (1 - grid) ** exponents[1]], axis=-1)
    best = nash_solution(utilities, disagreement)
    assert grid[best] == pytest.approx(nash_split(exponents, disagreement)[0], abs=2e-5)


# Input checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: nash_split([1.0, 0.0]), "exponents[1]"),
        (lambda: nash_split(1.0), "exponents"),
        (lambda: nash_split([1.0, 1.0], [-0.1, 0.0]), "disagreement[0]"),
        (lambda: nash_split([1.0, 1.0], [0.6, 0.4]), "sum(disagreement ** (1 / exponents))"),
        (lambda: nash_split([1.0, 1.0], weights=[-1.0, 2.0]), "weights[0]"),
        (lambda: nash_split([1.0, 1.0], weights=[0.0, 0.0]), "sum(weights, over players)"),
        (lambda: nash_split(np.ones((3, 2)), np.zeros((2, 2))), "disagreement (2, 2)"),
        (lambda: nash_split([1.0, np.inf]), "exponents[1]"),
        (lambda: kalai_smorodinsky_split([1.0, 1.0], [0.5, 0.5]), "sum(disagreement"),
        (lambda: nash_solution([0.5, 0.5], [0.1, 0.1]), "utilities"),
        (lambda: nash_solution([[0.5, np.nan]], [0.1, 0.1]), "utilities[0, 1]"),
        (lambda: nash_solution([[0.5, 0.5]], [0.1, 0.1, 0.1]), "disagreement (1, 3)"),
        (lambda: nash_solution([[0.5, 0.5]], [0.1, 0.1], [0.0, 0.0]), "weights"),
    ],
)
def test_invalid_input_raises_naming_the_argument(call, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        call()


def test_batch_shapes_follow_the_player_axis_convention():
    exponents = np.ones((2, 3, 4))
    assert nash_split(exponents, np.full(4, 0.1)).shape == (2, 3, 4)
    assert kalai_smorodinsky_split(exponents).shape == (2, 3, 4)
    utilities = np.zeros((2, 3, 7, 4)) + 0.5
    assert nash_solution(utilities, np.zeros((3, 4))).shape == (2, 3)


def test_every_share_vector_is_deterministic():
    args = ([0.4, 1.3, 2.2], [0.05, 0.1, 0.02], [1.0, 0.5, 2.0])
    first = nash_split(*args)
    assert all(np.array_equal(first, nash_split(*args)) for _ in range(3))
