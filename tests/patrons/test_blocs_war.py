"""The bloc game's outcome sets aid and sanctions in the war (issue 19, item 6)."""

from __future__ import annotations

import numpy as np

from sim.engine import evaluate, game_effects, patron_effects
from sim.model.batch import build_batch
from sim.model.scenario import load_scenario

#: Every patron better off realigned (Europe values China above the US).
REALIGN = {
    "patrons.blocs.players.us.value_realigned": 35.0,
    "patrons.blocs.players.russia.value_realigned": 50.0,
    "patrons.blocs.players.europe.value_realigned": 25.0,
}


def _fx(overrides):
    batch = build_batch(load_scenario("baseline"), overrides)
    return patron_effects(batch, game_effects(batch.games))["blocs"]


def test_baseline_keeps_the_blocs():
    fx = _fx({})
    assert fx["atlantic"][0] == 1.0 and fx["relief"][0] == 1.0 and fx["china_support"][0] == 1.0


def test_realignment_stops_us_aid_relieves_russia_and_cuts_chinas_support():
    fx = _fx(REALIGN)
    assert fx["us_russia"][0] == 1.0 and fx["europe_china"][0] == 1.0
    assert fx["atlantic"][0] == 0.0
    np.testing.assert_allclose(fx["relief"][0], 1.2)
    np.testing.assert_allclose(fx["china_support"][0], 0.5)
    # Russia's red line (issue 17) pins the zone's lower end at the status quo less what
    # it holds outside the claimed oblasts; lifted, the zone's own lower end shows the move.
    free = {"settlement.red_lines.russia_constitution.limit": 1e7}
    base, realigned = evaluate("baseline", free), evaluate("baseline", {**REALIGN, **free})
    assert realigned["zopa_lo_km2"][0] > base["zopa_lo_km2"][0]  # the zone moves to Russia
