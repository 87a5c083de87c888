"""China as Russia's fallback (sim.kernels.patrons.china_fallback): its support answers
the US's strategy, its purchases absorb part of the US's pressure, and it is off when
absent."""

from __future__ import annotations

import numpy as np

from sim.engine import evaluate, game_effects, patron_effects
from sim.kernels.patrons import WALK
from sim.model.batch import build_batch
from sim.model.scenario import load_scenario

#: The US presses Russia when it costs it nothing (the Iran link's extra cost off too).
PRESS_RUSSIA = {
    "patrons.us.cost_press_russia": 0.0,
    "events.iran_strikes.set.patrons.link.press_russia_cost": 0.0,
}


def _effects(overrides=None):
    batch = build_batch(load_scenario("baseline"), overrides or {})
    return patron_effects(batch, game_effects(batch.games))


def test_china_steps_up_when_the_us_presses_russia_or_walks():
    fx = _effects(PRESS_RUSSIA)
    act = fx["us_pressure"]["pressure"][0]
    support = fx["china_fallback"]["support"][0]
    pressing = (act == 2) | (act == 3)
    assert pressing.any()
    np.testing.assert_allclose(support[pressing], 1.5)  # step_up_pressure 0.5
    np.testing.assert_allclose(support[act == WALK], 2.0)  # step_up_collapse 1.0
    np.testing.assert_allclose(support[(act == 0) | (act == 1)], 1.0)
    # China absorbs half of the cut: 1 - 0.1 x (1 - 0.5)
    np.testing.assert_allclose(fx["us_pressure"]["russia_kept"][0][pressing], 0.95)


def test_the_fallback_weakens_the_pressure_on_russia():
    """With China absorbing nothing and not stepping up, the same pressure hurts Russia
    more: Russia's reservation value is lower."""
    off = {"patrons.china.absorb_share": 0.0, "patrons.china.step_up_pressure": 0.0}
    off["patrons.china.step_up_collapse"] = 0.0
    with_china = evaluate("baseline", PRESS_RUSSIA)
    without = evaluate("baseline", {**PRESS_RUSSIA, **off})
    assert with_china["reservation_russia"][0] > without["reservation_russia"][0]


def test_no_step_up_no_effect():
    """At zero step-ups and absorption the fallback leaves the US's levers as they are."""
    zero = {
        "patrons.china.absorb_share": 0.0,
        "patrons.china.step_up_pressure": 0.0,
        "patrons.china.step_up_collapse": 0.0,
    }
    fx = _effects({**PRESS_RUSSIA, **zero})
    assert np.all(fx["china_fallback"]["support"] == 1.0)
    bite = 0.1
    act = fx["us_pressure"]["pressure"][0]
    pressing = (act == 2) | (act == 3)
    np.testing.assert_allclose(fx["us_pressure"]["russia_kept"][0][pressing], 1 - bite)
