"""The veto switch (issue 17, item 7): a materiality threshold instead of any change."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.kernels.zopa import veto_mask
from sim.model.batch import build_batch

# Russia's floor would bind; without the guarantors' support in a relapse Europe's own bound
# lies inside the zone (with it, Europe accepts every line of the zone and never binds)
LIFT = {
    "settlement.red_lines.russia_constitution.limit": 1e7,
    "settlement.rearmament.support_bn.ukraine": 0.0,
}
SETTINGS = np.array([0.249, 0.25, 0.251, 0.36])


def _widths(baseline, threshold):
    over = {"dimensions.frozen_assets.setting": SETTINGS, **LIFT}
    if threshold is not None:
        over["settlement.veto_threshold"] = threshold
    out = sim.evaluate(baseline, over)
    return out["zopa_width_km2"], out["binding"]


def test_any_change_makes_a_streak_at_the_no_deal_value(baseline):
    """The old rule (threshold ~0): Europe's veto flips on at 0.249 and 0.251, not at 0.25."""
    width, _ = _widths(baseline, 1e-9)
    assert width[1] - width[0] > 1000 and width[1] - width[2] > 1000


def test_the_threshold_removes_the_streak(baseline):
    """With the baseline's threshold (0.1) the zone is continuous across 0.25, and the veto
    switches on only past 0.35 (Europe then binds: bit 3 of the mask)."""
    width, binding = _widths(baseline, None)
    assert width[0] == pytest.approx(width[1], abs=100)
    assert width[2] == pytest.approx(width[1], abs=100)
    europe = 1 << baseline.actors.index("europe")
    assert not binding[1] & europe
    assert binding[3] & europe or width[3] == 0.0


def test_veto_mask_threshold_by_hand(baseline):
    batch = build_batch(baseline)
    e = baseline.actors.index("europe")
    dims = {d: np.asarray(v[:, 0, 0]) for d, v in batch.terms.no_deal.items()}
    for value, threshold, expected in [
        (0.3, 0.1, False),
        (0.36, 0.1, True),
        (0.2500001, 0.0, True),
    ]:
        terms = {**dims, "frozen_assets": np.array([value])}
        assert bool(veto_mask(batch.terms, terms, 1, threshold)[0, e]) is expected
