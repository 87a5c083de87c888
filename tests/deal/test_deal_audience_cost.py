"""Russia's audience cost (issue 17, item 4): the two-level game's Russian side."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine import ratification_probability
from sim.kernels.ratification import (
    AudienceCost,
    audience_probability,
    claim_shortfall,
    ratification,
)
from sim.model.batch import build_batch

# The baseline's claim: Crimea and the four oblasts whole (territory.regions.*.area_km2).
AREAS = {
    "crimea": 26945.0,
    "luhansk": 26684.0,
    "donetsk": 26517.0,
    "zaporizhzhia": 27180.0,
    "kherson": 28461.0,
}
CLAIM = sum(AREAS.values())  # 135,787 km2
KAPPA = 2.0 * 0.5  # cost x regime_scale in models/baseline.toml


def test_hand_computed_total_form():
    """The 28-point plan's line (121,159 km2) falls 14,628 km2 short of the claims:
    s = 14,628 / 135,787 = 0.107728, P = exp(-1 x 0.107728) = 0.897872."""
    s = claim_shortfall(np.array([CLAIM]), np.array([121159.0]))
    assert s[0] == pytest.approx(14628.0 / 135787.0, rel=1e-12)
    assert audience_probability(np.array([KAPPA]), s)[0] == pytest.approx(0.897872, abs=1e-6)


def test_hand_computed_regional_form():
    """The contact line per region: 1% of Luhansk, 20.5% of Donetsk, 24.5% of Zaporizhzhia
    and 28% of Kherson held by Ukraine: 266.84 + 5,435.985 + 6,659.1 + 7,969.08 = 20,331.005
    km2 short, s = 0.149727, P = exp(-0.149727) = 0.860943 (the total form reads 117,362 km2
    of which 1,906 lie outside the claims, so it would say 18,425 short)."""
    claim = np.array([list(AREAS.values())])
    held = np.array([[1.0, 0.99, 0.795, 0.755, 0.72]]) * claim
    s = claim_shortfall(claim.sum(-1), None, claim, held)
    assert s[0] == pytest.approx(20331.005 / 135787.0, rel=1e-12)
    assert audience_probability(np.array([KAPPA]), s)[0] == pytest.approx(0.860943, abs=1e-6)


def test_the_batch_reads_the_claims(baseline):
    batch = build_batch(baseline)
    (ac,) = [r for r in batch.settlement.red_lines if isinstance(r, AudienceCost)]
    assert ac.actor == baseline.actors.index("russia")
    assert ac.claim[0] == pytest.approx(CLAIM)
    assert ac.kappa[0] == pytest.approx(KAPPA)
    # deals on a reference line are read per region; a deal given in km2 is not
    assert set(ac.deal_regions) >= {"russia_june_2024", "freeze_current_line"}
    assert "plan_28_points" not in ac.deal_regions
    assert ac.deal_regions["russia_june_2024"][0] == pytest.approx(list(AREAS.values()))


def test_solve_reports_accepts_if_ratified(baseline):
    r = sim.solve(baseline)
    russia = r.deals["plan_28_points"]["russia"]
    # Russia prefers the plan to war, but the plan leaves part of its claims: conditional
    assert not russia.accepts
    assert russia.if_ratified == pytest.approx(math.exp(-KAPPA * 14628.0 / 135787.0), rel=1e-6)
    # a deal that meets the claims pays nothing: unconditional acceptance
    june = r.deals["russia_june_2024"]["russia"]
    assert june.accepts and june.if_ratified is None
    assert r.to_dict()["deals"]["plan_28_points"]["russia"]["accepts_if_ratified"] == (
        pytest.approx(russia.if_ratified)
    )


def test_the_package_and_the_forecast_multiply_it_in(baseline):
    comp = sim.engine.compute(baseline, with_deals=False)
    r = ratification_probability(comp, np.array([[CLAIM, 121159.0]]), 0)
    assert r[0, 0] == pytest.approx(1.0 * _ukraine(comp, CLAIM))
    assert r[0, 1] == pytest.approx(
        math.exp(-KAPPA * (CLAIM - 121159.0) / CLAIM) * _ukraine(comp, 121159.0)
    )


def _ukraine(comp, line):
    """Ukraine's referendum alone (the red lines without the audience cost)."""
    reds = tuple(r for r in comp.batch.settlement.red_lines if not isinstance(r, AudienceCost))
    terms = {d: v[:, 0, 0] for d, v in comp.batch.terms.setting.items()}
    _, p = ratification(reds, terms, np.array([line]), comp.status_line[..., 0], 5)
    return float(p[0, 2])


def test_off_without_the_table(baseline):
    """Without an audience cost the ratification is the red lines' alone."""
    status = np.full((1, 2), 117362.0)
    hit, p = ratification((), {}, np.array([100000.0]), status, 2)
    assert not hit.any() and np.all(p == 1.0)


@settings(max_examples=60)
@given(
    kappa=st.floats(0.0, 10.0),
    line=st.floats(0.0, 200000.0),
    more=st.floats(0.0, 50000.0),
)
def test_monotone_in_the_shortfall(kappa, line, more):
    claim, k = np.array([CLAIM]), np.array([kappa])
    lo = audience_probability(k, claim_shortfall(claim, np.array([line])))
    hi = audience_probability(k, claim_shortfall(claim, np.array([line + more])))
    assert 0.0 <= lo[0] <= hi[0] <= 1.0
    if line >= CLAIM:
        assert lo[0] == 1.0


@settings(max_examples=60)
@given(
    shares=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5),
    region=st.integers(0, 4),
    more=st.floats(0.0, 1.0),
)
def test_regional_monotone_property(shares, region, more):
    """Giving Russia more of any claimed region never lowers the probability; all of every
    region is P = 1."""
    claim = np.array([list(AREAS.values())])
    held = np.array([shares]) * claim
    more_held = held.copy()
    more_held[0, region] = min(claim[0, region], held[0, region] + more * claim[0, region])
    k = np.array([KAPPA])
    p = audience_probability(k, claim_shortfall(claim.sum(-1), None, claim, held))
    q = audience_probability(k, claim_shortfall(claim.sum(-1), None, claim, more_held))
    assert p[0] <= q[0] + 1e-15
    assert audience_probability(k, claim_shortfall(claim.sum(-1), None, claim, claim))[0] == 1.0


def test_unknown_claim_line_names_the_field(baseline, tmp_path):
    from sim.errors import ScenarioError

    bad = tmp_path / "bad.toml"
    text = baseline.path.read_text(encoding="utf-8")
    bad.write_text(text.replace('claim = "four_oblasts"', 'claim = "five_oblasts"', 1))
    with pytest.raises(ScenarioError, match=r"settlement\.audience_costs\.russia\.claim"):
        sim.load_scenario(str(bad))
