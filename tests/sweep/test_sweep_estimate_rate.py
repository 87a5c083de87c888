"""A sweep's time estimate reads the rate of what it computes: the forecast's outcomes run at
:data:`sim.sweep.sizing.RATE_FORECAST`, the others at :data:`sim.sweep.sizing.RATE`."""

from __future__ import annotations

import pytest

import sim.sweep.runner as runner
from sim.model.scenario import load_scenario
from sim.sweep import sizing
from sim.sweep.spec import Parameter, SweepSpec


def test_the_estimate_divides_the_runs_by_the_rate_of_what_is_computed():
    spec = SweepSpec((Parameter("a", bounds=(0.0, 1.0)),), design="lhs", samples=7_000)
    off = sizing.sweep_estimate(spec, 10, out=False)
    on = sizing.sweep_estimate(spec, 10, out=False, forecast=True)
    assert off.seconds == pytest.approx(7_000 / sizing.RATE)
    assert on.seconds == pytest.approx(7_000 / sizing.RATE_FORECAST)
    assert sizing.RATE_FORECAST < sizing.RATE
    # the regional zone's projection adds its own time, set by set
    both = sizing.sweep_estimate(spec, 10, out=False, projection=True)
    assert both.seconds == pytest.approx(7_000 / sizing.RATE + 7_000 / sizing.RATE_PROJECTION)


class _Stop(Exception):
    pass


@pytest.mark.parametrize("forecast", [True, False])
def test_a_sweep_estimates_with_the_forecast_when_it_stores_its_outcomes(monkeypatch, forecast):
    seen = []

    def estimate(*args, **kwargs):
        seen.append(kwargs["forecast"])
        raise _Stop

    monkeypatch.setattr(runner, "sweep_estimate", estimate)
    baseline = load_scenario("baseline")
    spec = SweepSpec(
        (Parameter("actors.russia.discount_rate", bounds=(0.05, 0.1)),), design="lhs", samples=4
    )
    _, outcomes = runner.evaluate_with(baseline, forecast=forecast)
    with pytest.raises(_Stop):
        runner.run_sweep(baseline, spec, outcomes=outcomes, progress=False)
    assert seen == [forecast]
