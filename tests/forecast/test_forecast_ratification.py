"""The forecast's two levels (issues 16 and 17): a package the governments agree on takes
effect only if ratified; the hazard of a ceasefire is the governments' hazard times the
probability of ratification, checked against the referendum formula computed by hand from
the KIIS shares in ``models/baseline.toml``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from sim.engine import (
    agreement_hazard,
    compute,
    concession_hazard,
    evaluate,
    ratification_probability,
    ratified_hazard,
)
from sim.forecast import BLOCKERS, forecast
from sim.kernels.hazard import agreement_by
from sim.kernels.regimes import mix
from sim.model.scenario import load_scenario


def referendum(yes, no, parliament=0.8, threshold=0.5, swing=0.1):
    """Putnam's level II by hand: the Rada's chance times the chance the vote passes."""
    return parliament * norm.cdf((yes / (yes + no) - threshold) / swing)


#: KIIS, 26 Nov - 29 Dec 2025 (the baseline's sources): an army cap 20% for / 75% against,
#: handing over held areas 18% / 66%.
ARMY_CAP = referendum(0.20, 0.75)
WITHDRAWAL = referendum(0.18, 0.66)


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


#: Russia's audience cost off (issue 17, dealac: exp(-0 s) = 1): these tests read Ukraine's
#: referendum alone; tests/deal/test_deal_audience_cost.py multiplies the two.
NO_AUDIENCE = {"settlement.audience_costs.russia.cost": 0.0}


def test_the_default_package_is_ratified_with_the_army_caps_referendum(baseline):
    comp = compute(baseline, NO_AUDIENCE, with_deals=False)
    status = comp.status_line[:, 0, :3]
    r = ratification_probability(comp, status)  # at the status quo: no withdrawal
    np.testing.assert_allclose(r, ARMY_CAP, rtol=1e-12)


def test_a_withdrawal_needs_its_own_referendum_only_beyond_the_tolerance(baseline):
    over = {"dimensions.military_limits.setting": 0.25} | NO_AUDIENCE
    comp = compute(baseline, over, with_deals=False)
    status = comp.status_line[:, 0, :2]
    np.testing.assert_array_equal(ratification_probability(comp, status + 400.0), 1.0)
    np.testing.assert_allclose(ratification_probability(comp, status + 1000.0), WITHDRAWAL)
    # no agreed line (NaN) reads the status quo: nothing crossed
    np.testing.assert_array_equal(ratification_probability(comp, np.full((1, 2), np.nan)), 1.0)


def test_without_red_lines_nothing_needs_ratifying():
    comp = compute(load_scenario("fearon"), with_deals=False)
    h, line, _ = agreement_hazard(comp)
    np.testing.assert_array_equal(ratification_probability(comp, line), 1.0)
    np.testing.assert_array_equal(ratified_hazard(comp)[0], h)


def test_the_forecast_multiplies_the_two_levels_and_its_blockers_add_up(baseline):
    f = forecast(baseline, draws=0)
    comp = compute(baseline, with_deals=False)
    parts = []
    for c in comp.regimes.comps:  # issue 17 item 5: the forecast mixes Ukraine's regimes
        h0, line, _ = agreement_hazard(c)
        h_s = h0 * ratification_probability(c, line)
        # with the concession route of [attrition] (issue 16, item 4) as a competing route
        h_c = concession_hazard(c)[0]
        parts.append(h_s + h_c * (1.0 - h_s))
    h = mix(comp.regimes.pi, np.stack(parts))
    np.testing.assert_allclose(f.hazard, h[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(f.p_agreement_by, agreement_by(h)[0], atol=1e-12)
    assert set(f.blockers) == set(BLOCKERS) and "ratification" in f.blockers
    assert sum(f.blockers.values()) == pytest.approx(1.0)
    assert f.blockers["ratification"] > 0.0  # the zone is open, the referendum fails


def test_evaluate_reads_the_same_ratified_hazard(baseline):
    f = forecast(baseline, draws=0)
    out = evaluate(baseline)
    assert out["p_agreement_12m"][0] == pytest.approx(f.p_agreement_by[11], abs=1e-10)
    assert out["expected_delay_months"][0] == pytest.approx(f.expected_delay_months, abs=1e-9)
