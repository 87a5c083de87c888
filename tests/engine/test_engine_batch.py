"""The batched engine against one-at-a-time runs, and its search routine against scipy."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.stats import qmc

import sim
from sim.model.scenario import scenario_from_dict


def _first_open(timeline) -> int:
    opened = np.flatnonzero(timeline.exists)
    return int(opened[0]) if opened.size else -1


def test_first_open_month_matches_the_timeline_set_by_set(baseline):
    """Sets that open now, later, or never: evaluate (which searches every month only
    for the sets closed now) against the full month-by-month timeline of each set."""
    paths = [p for p in baseline.parameter_paths() if baseline.uncertainty_range(p)]
    unit = qmc.LatinHypercube(d=len(paths), seed=1).random(4000)
    bounds = np.array([baseline.uncertainty_range(p) for p in paths])
    values = bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
    first = sim.evaluate(baseline, dict(zip(paths, values.T, strict=True)))["first_open_month"]
    later = np.flatnonzero(first > 0)
    assert later.size >= 3  # the sample must hold sets that open later, else this proves little
    picked = np.concatenate(
        [later[:6], np.flatnonzero(first == 0)[:3], np.flatnonzero(first < 0)[:3]]
    )
    for i in picked:
        world = baseline.with_params(dict(zip(paths, values[i], strict=True)))
        assert first[i] == _first_open(sim.timeline(world)), i


def test_utility_changed_by_an_event_is_read_at_the_evaluation_month(baseline):
    """A dated event on a utility weight: evaluate at month 6 == solve at month 6."""
    raw = copy.deepcopy(baseline._raw)
    raw.pop("extends", None)
    raw["events"]["weight_shift"] = {
        "date": "2027-01-01",
        "label": "Russia cares less about territory",
        "source": "test",
        "set": {"actors.russia.utility.line.weight": {"value": 0.3, "source": "test"}},
    }
    # issue 17: Russia's hard red line would pin its lower bound at both weights
    raw["settlement"]["red_lines"].pop("russia_constitution")
    world = scenario_from_dict(raw, name="event-test")
    for month in (0, 6):
        solved = sim.solve(world, month)
        out = sim.evaluate(
            world,
            {"actors.ukraine.discount_rate": [world.get("actors.ukraine.discount_rate")]},
            month=month,
        )
        assert out["zopa_exists"][0] == solved.zopa.exists
        assert out["zopa_lo_km2"][0] == pytest.approx(solved.zopa.lo_km2, rel=1e-12)
        assert out["zopa_hi_km2"][0] == pytest.approx(solved.zopa.hi_km2, rel=1e-12)
        assert out["reservation_russia"][0] == pytest.approx(solved.reservation["russia"])
    # The event really moves the answer (else this test would prove nothing).
    assert sim.solve(world, 6).zopa.lo_km2 != pytest.approx(sim.solve(baseline, 6).zopa.lo_km2)
