"""Shared fixtures of the deal tests (issue 17)."""

from __future__ import annotations

import pytest

import sim


@pytest.fixture(scope="session")
def baseline():
    return sim.load_scenario("baseline")


def settlement_off(scenario) -> dict:
    """Overrides that switch the frozen-conflict tail and the durability off."""
    out = {f"settlement.frozen_conflict.cost_share.{a}": 0.0 for a in scenario.actors}
    out["settlement.frozen_conflict.relapse_hazard"] = 0.0
    out["settlement.durability.base_hazard"] = 0.0
    return out | RED_LINE_OFF


#: Lifts Russia's hard red line (its floor far below any line), to measure the utility's
#: own minimum line.
RED_LINE_OFF = {"settlement.red_lines.russia_constitution.limit": 1e7}
