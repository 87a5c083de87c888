"""The fit: the likelihood against a hand-computed case, the gradient, the fit file."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.backtest.calibrate import _Problem, log_likelihood, priors
from sim.backtest.decisions import check_decisions, prepare


def test_the_logistic_likelihood_against_a_hand_computed_case():
    margin = np.array([0.1, -0.2, 0.05])
    accepted = np.array([True, False, False])
    s = 0.1
    # log sigma(y m / s): y m / s = 1, 2, -0.5.
    expected = -math.log1p(math.exp(-1.0)) - math.log1p(math.exp(-2.0)) - math.log1p(math.exp(0.5))
    assert log_likelihood(margin, accepted, s) == pytest.approx(expected)


def test_priors_come_from_the_judgement_and_its_range():
    history = sim.load_scenario("history")
    (p,) = priors(history, ("actors.russia.utility.line.weight",))
    assert p.mean == 0.6 and p.sd == pytest.approx((0.8 - 0.3) / 4)


@pytest.fixture(scope="module")
def problem():
    scenario, decisions = check_decisions(
        {
            "decisions": {
                "f": {
                    "date": "2025-10",
                    "line": "contact",
                    "observed": {"russia": "reject", "ukraine": "accept"},
                }
            }
        }
    )
    prior = priors(scenario)
    return _Problem([prepare(scenario, d) for d in decisions], prior)


def test_the_objective_is_the_penalised_likelihood_and_its_gradient_is_right(problem):
    k = len(problem.prior)
    x = np.append(np.full(k, 0.1), math.log(0.05))
    value, grad = problem.objective(x)
    m = problem.margins(x[None, :-1])[0]
    expected = -log_likelihood(m, problem.accepted, 0.05) + 0.5 * float(x[:-1] @ x[:-1]) + 0.0
    assert value == pytest.approx(expected, rel=1e-9)
    h = 1e-4
    for i in (0, k - 1, k):
        e = np.zeros_like(x)
        e[i] = h
        numeric = (problem.objective(x + e)[0] - problem.objective(x - e)[0]) / (2 * h)
        assert grad[i] == pytest.approx(numeric, rel=1e-2, abs=1e-4)


def test_the_fit_writes_a_scenario_with_fitted_sources_that_the_backtest_reads(tmp_path):
    from sim.backtest.calibrate import fit_decisions, load_fit

    scenario, decisions = check_decisions(
        {
            "decisions": {
                "f": {"date": "2025-10", "line": "contact", "observed": {"russia": "reject"}}
            }
        }
    )
    result = fit_decisions((scenario, decisions), loo=False, starts=1)
    assert result.hits_after[1] == 1
    out = tmp_path / "fit.toml"
    result.write(out)
    fitted = sim.load_scenario(str(out))
    for path, value in result.fit.values.items():
        assert fitted.source(path).startswith("fitted:")
        assert fitted.get(path) == pytest.approx(value, rel=1e-5)
    fit = load_fit(out)
    assert set(fit.values) == set(result.fit.values)
    draws = fit.sample(50, 0)
    assert all(np.all(v > 0) for v in draws.values())
