"""The ``-p PATH=SPEC`` grammar and the checks of a sweep against its scenario."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _sweep_models import FakeScenario
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import CeasefireError, SweepSpecError
from sim.sweep.spec import Parameter, build_spec, parse_parameter

SCENARIO = FakeScenario()
RATE = "actors.alpha.discount_rate"


# --- parsing -----------------------------------------------------------------------------


def test_linspace_gives_evenly_spaced_levels_including_both_ends():
    p = parse_parameter(f"{RATE}=linspace(0.01,0.2,20)")
    assert p.path == RATE
    assert len(p.levels) == 20
    assert p.levels[0] == 0.01 and p.levels[-1] == 0.2
    assert np.allclose(np.diff(p.levels), 0.01)


def test_list_gives_the_listed_levels_in_order():
    assert parse_parameter("x=0.1,0.2,0.5").levels == (0.1, 0.2, 0.5)
    assert parse_parameter("x = 0.5, -1e-2 ,3").levels == (0.5, -0.01, 3.0)


def test_range_is_half_open_like_python_range():
    assert parse_parameter("x=range(1,10,2)").levels == (1.0, 3.0, 5.0, 7.0, 9.0)
    assert parse_parameter("x=range(1,9,2)").levels == (1.0, 3.0, 5.0, 7.0)


def test_float_range_has_the_count_a_person_expects_despite_binary_rounding():
    levels = parse_parameter("x=range(0,1,0.1)").levels
    assert len(levels) == 10
    assert levels[-1] == pytest.approx(0.9)


def test_logspace_spaces_the_end_points_geometrically():
    levels = parse_parameter("x=logspace(0.001,0.1,3)").levels
    assert levels == pytest.approx((0.001, 0.01, 0.1))


def test_one_value_fixes_the_parameter():
    p = parse_parameter("x=0.3")
    assert p.is_fixed and p.levels == (0.3,)


def test_uniform_gives_bounds_for_sampled_designs():
    p = parse_parameter("x=uniform(0, 2)")
    assert p.bounds == (0.0, 2.0) and p.levels is None


def test_bare_path_leaves_the_range_to_the_scenario():
    p = parse_parameter(RATE)
    assert p.levels is None and p.bounds is None


@given(
    a=st.floats(-1e6, 1e6, allow_nan=False),
    width=st.floats(1e-3, 1e6, allow_nan=False),
    n=st.integers(2, 200),
)
def test_linspace_matches_numpy_for_any_bounds(a, width, n):
    b = a + width
    p = parse_parameter(f"x=linspace({a!r},{b!r},{n})")
    assert p.levels == tuple(np.linspace(a, b, n))


@given(
    a=st.integers(-50, 50),
    span=st.integers(1, 100),
    step=st.integers(1, 20),
)
def test_integer_range_matches_python_range(a, span, step):
    b = a + span
    assert parse_parameter(f"x=range({a},{b},{step})").levels == tuple(
        float(v) for v in range(a, b, step)
    )


# --- clear errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x=linspace(0.2,0.01,20)", ["reversed bounds", "linspace(0.01,0.2,20)"]),
        ("x=uniform(2,1)", ["reversed bounds"]),
        ("x=range(10,1,2)", ["reversed bounds"]),
        ("x=linspace(a,0.2,20)", ["'a' is not a number"]),
        ("x=0.1,zero,0.3", ["'zero' is not a number"]),
        ("x=linspace(0,1,0)", ["n must be an integer >= 1", "'0'"]),
        ("x=linspace(0,1,2.5)", ["n must be an integer >= 1"]),
        ("x=linspace(0,1,-3)", ["n must be an integer >= 1"]),
        ("x=linspace(0,1)", ["takes 3 arguments, got 2"]),
        ("x=lnspace(0,1,3)", ["unknown function 'lnspace'", "did you mean linspace"]),
        ("x=range(0,1,0)", ["step must be > 0"]),
        ("x=range(1,1,1)", ["is empty"]),
        ("x=logspace(0,1,3)", ["bounds > 0"]),
        ("x=nan", ["not a finite number"]),
        ("x=1,2,1", ["repeated"]),
        ("x=linspace(1,1,3)", ["equal bounds"]),
        ("x=", ["nothing after '='"]),
        ("=1", ["expected PATH=SPEC"]),
    ],
)
def test_a_bad_spec_is_a_sweep_spec_error_that_names_it(text, words):
    with pytest.raises(SweepSpecError) as info:
        parse_parameter(text)
    message = str(info.value)
    assert repr(text) in message
    for word in words:
        assert word in message


def test_a_lever_takes_levels_not_a_range():
    with pytest.raises(SweepSpecError, match="lever takes levels"):
        parse_parameter("x=uniform(0,1)", role="lever")


def test_sweep_spec_error_is_a_user_error():
    assert issubclass(SweepSpecError, CeasefireError)


# --- against a scenario ------------------------------------------------------------------


def test_unknown_path_suggests_the_closest_parameter():
    with pytest.raises(SweepSpecError) as info:
        build_spec(SCENARIO, ["actors.alpha.discount=linspace(0,1,3)"])
    assert "unknown parameter 'actors.alpha.discount'" in str(info.value)
    assert f"did you mean '{RATE}'" in str(info.value)


def test_unknown_path_with_nothing_close_lists_examples():
    with pytest.raises(SweepSpecError, match=r"numeric parameters, e\.g\."):
        build_spec(SCENARIO, ["zzzzzz=1,2"])


def test_a_parameter_given_twice_is_refused():
    with pytest.raises(SweepSpecError, match="given twice"):
        build_spec(SCENARIO, [f"{RATE}=0.1,0.2"], [f"{RATE}=0.3,0.4"])


def test_grid_needs_levels_and_sampled_designs_need_ranges():
    with pytest.raises(SweepSpecError, match="grid design needs levels"):
        build_spec(SCENARIO, [f"{RATE}=uniform(0.01,0.2)"])
    with pytest.raises(SweepSpecError, match="samples ranges"):
        build_spec(SCENARIO, [f"{RATE}=0.1,0.2"], design="lhs", samples=10)


def test_bare_path_takes_the_scenarios_uncertainty_range():
    spec = build_spec(SCENARIO, [RATE], design="lhs", samples=8)
    assert spec.uncertainties[0].bounds == SCENARIO.ranges[RATE]


def test_bare_path_without_a_range_in_the_scenario_says_how_to_give_one():
    with pytest.raises(SweepSpecError, match=r"no range .* war.drift_km2=uniform\(a,b\)"):
        build_spec(SCENARIO, ["war.drift_km2"], design="mc", samples=8)


def test_sampled_design_needs_a_positive_sample_count():
    with pytest.raises(SweepSpecError, match="`samples` must be an integer >= 1"):
        build_spec(SCENARIO, [RATE], design="lhs", samples=0)
    with pytest.raises(SweepSpecError, match="`samples` must be"):
        build_spec(SCENARIO, [RATE], design="sobol")


def test_unknown_design_lists_the_designs():
    with pytest.raises(SweepSpecError, match="grid, lhs, mc, sobol, morris"):
        build_spec(SCENARIO, [f"{RATE}=0.1,0.2"], design="latin")


def test_replications_need_a_stochastic_evaluation():
    with pytest.raises(SweepSpecError, match="`paths` > 0"):
        build_spec(SCENARIO, [f"{RATE}=0.1,0.2"], replications=3)


def test_nothing_to_sweep_is_refused():
    with pytest.raises(SweepSpecError, match="nothing to sweep"):
        build_spec(SCENARIO, [])


def test_uncertainties_and_levers_are_kept_apart():
    spec = build_spec(
        SCENARIO,
        [f"{RATE}=uniform(0.01,0.2)", "war.drift_km2=50"],
        ["actors.beta.discount_rate=0.1,0.2"],
        design="lhs",
        samples=16,
    )
    assert [p.path for p in spec.uncertainties] == [RATE, "war.drift_km2"]
    assert [p.path for p in spec.levers] == ["actors.beta.discount_rate"]
    assert [p.path for p in spec.sampled] == [RATE]
    assert [p.path for p in spec.gridded] == ["actors.beta.discount_rate"]
    assert spec.fixed == {"war.drift_km2": 50.0}
    assert spec.problem() == {"num_vars": 1, "names": [RATE], "bounds": [[0.01, 0.2]]}


def test_spec_json_is_canonical_and_ignores_how_the_levels_were_written():
    a = build_spec(SCENARIO, [f"{RATE}=0.1,0.2,0.3"])
    b = build_spec(SCENARIO, [Parameter(RATE, levels=(0.1, 0.2, 0.3))])
    assert a.to_json() == b.to_json()
    c = build_spec(SCENARIO, [f"{RATE}=0.1,0.2,0.3"], seed=1)
    assert a.to_json() != c.to_json()


def test_values_the_scenario_rejects_are_reported_before_any_work():
    class Picky(FakeScenario):
        def with_params(self, values):
            from sim.errors import ParameterError

            if any(v < 0 for v in values.values()):
                raise ParameterError("discount_rate must be >= 0")
            return super().with_params(values)

    with pytest.raises(SweepSpecError, match="must be >= 0"):
        build_spec(Picky(), [f"{RATE}=-0.1,0.2"])


def test_levels_are_finite_floats():
    p = parse_parameter("x=1e300,2e300")
    assert all(math.isfinite(v) for v in p.levels)
