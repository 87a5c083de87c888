"""Recognition, red lines and ratification (issue 17, items 2 and 4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine import compute
from sim.errors import ScenarioError
from sim.kernels.ratification import referendum_probability


def _phi(z):
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_referendum_probability_by_hand():
    """Art. 73 in the baseline: KIIS Nov-Dec 2025, 25% for recognising some territories,
    58% against: s = 25 / 83 = 0.3012; z = (0.3012 - 0.5) / 0.1 = -1.988;
    Phi(-1.988) = 0.0234; times the Rada's 0.8: 0.0187."""
    p = referendum_probability(0.25, 0.58, 0.5, 0.1, 0.8)
    assert float(p) == pytest.approx(0.8 * _phi((0.25 / 0.83 - 0.5) / 0.1), rel=1e-9)
    assert float(p) == pytest.approx(0.0187, abs=5e-4)
    # a majority in the polls passes more often than not
    assert float(referendum_probability(0.6, 0.4, 0.5, 0.1, 1.0)) > 0.8


def test_solve_reports_the_packages_ratification(baseline):
    """The default package caps the army at 0.5 > 0.25: Ukraine must ratify it; 20% for,
    75% against (KIIS): s = 0.2105, Phi((0.2105 - 0.5) / 0.1) * 0.8 = 0.0015."""
    r = sim.solve(baseline)
    assert set(r.ratification) == {"ukraine", "russia"}
    assert r.ratification["ukraine"] == pytest.approx(0.8 * _phi((0.2 / 0.95 - 0.5) / 0.1))
    # Russia's audience cost at the Nash line (total form): exp(-2 x 0.5 x s), s the share
    # of the claims (Crimea and the four oblasts, 135,787 km2) left to Ukraine
    s = (135_787.0 - r.solutions["nash"]) / 135_787.0
    assert r.ratification["russia"] == pytest.approx(math.exp(-1.0 * s))


def _crossed(recognition, limits, line, sq):
    """The baseline's red lines, written out: Ukraine's (art. 73, the army cap, a
    withdrawal) and Russia's (returning land in the claimed oblasts)."""
    ukraine = (recognition > 0.5) | (limits > 0.25) | (line > sq + 500.0)
    russia = line < sq - 1906.0
    return ukraine, russia


@settings(max_examples=8)
@given(seed=st.integers(0, 2**31 - 1))
def test_no_package_buys_a_red_line(baseline, seed):
    """Property: whatever the other terms, a deal that crosses an actor's red line is never
    accepted unconditionally; Ukraine's may be accepted if ratified, Russia's never (short
    of its red line Russia's acceptance is conditional on its audience cost instead)."""
    rng = np.random.default_rng(seed)
    size = 64
    base = "deals.plan_28_points"
    dims = baseline.dimensions
    over = {f"{base}.terms.{d}": rng.random(size) for d in dims}
    sq = baseline.reference_line_km2("contact_2026")
    over[f"{base}.line"] = sq + rng.uniform(-20_000, 20_000, size)
    comp = compute(baseline, over)
    d = comp.deals["plan_28_points"]
    u, r = baseline.actors.index("ukraine"), baseline.actors.index("russia")
    ukr, rus = _crossed(
        over[f"{base}.terms.recognition"],
        over[f"{base}.terms.military_limits"],
        over[f"{base}.line"],
        sq,
    )
    assert ukr.any() and rus.any()
    assert not d["accepts"][ukr, u].any()
    assert not d["accepts"][rus, r].any()
    assert np.all(np.isnan(d["if_ratified"][rus, r]))
    conditional = ~np.isnan(d["if_ratified"][:, u])
    assert np.array_equal(conditional, ukr & (d["margin"][:, u] >= -1e-12))
    # where no red line is crossed, the verdict is the margin's
    free = ~ukr
    assert np.array_equal(d["accepts"][free, u], d["margin"][free, u] >= -1e-12)


@settings(max_examples=5)
@given(weight=st.floats(0.05, 0.6), rate=st.floats(0.01, 0.3))
def test_russia_never_returns_land_in_the_claimed_oblasts(baseline, weight, rate):
    """Russia's hard red line bounds its acceptable lines whatever its preferences."""
    over = {"actors.russia.utility.line.weight": weight, "actors.russia.discount_rate": rate}
    comp = compute(baseline, over, with_deals=False)
    r = baseline.actors.index("russia")
    floor = comp.status_line[0, r, :] - 1906.0
    lo = comp.lo[0, r, :]
    ok = np.isnan(lo) | (lo >= floor - 1e-6)
    assert ok.all()


def test_red_lines_name_known_actors_and_terms(baseline, tmp_path):
    text = baseline.path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('term = "recognition"', 'term = "recogniton"', 1))
    with pytest.raises(ScenarioError, match=r"settlement\.red_lines\.ukraine_art73\.term"):
        sim.load_scenario(str(bad))
    bad.write_text(text.replace('actor = "russia"', 'actor = "rusia"', 1))
    with pytest.raises(ScenarioError, match=r"settlement\.red_lines\.russia_constitution\.actor"):
        sim.load_scenario(str(bad))
