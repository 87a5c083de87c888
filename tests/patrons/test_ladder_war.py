"""The escalation ladder in the war: whole rungs on every Monte Carlo path, their
expectation on the mean-field path, and the escalation each path draws."""

from __future__ import annotations

import numpy as np

from sim.engine import _War, game_effects
from sim.kernels.patrons import ladder_war
from sim.kernels.war import Draws, simulate
from sim.model.batch import build_batch
from sim.model.scenario import load_scenario


def _war():
    batch = build_batch(load_scenario("baseline"))
    return batch, _War.of(batch, game_effects(batch.games))


def test_each_path_carries_whole_rungs():
    batch, war = _war()
    ladder = war.ladder
    assert ladder is not None
    m, months = 4000, batch.months
    rng = np.random.default_rng(1)
    draws = Draws(
        rng.standard_normal((m, months)), rng.random((m, months)), rng.random((m, months))
    )
    draws = war._ladder_draws(draws, rng, m)
    path = simulate(batch.war, war.parts, np.zeros((1, 1)), None, draws)
    side = ladder.side
    cap0 = path.capacity[side][0, :, 0]  # month 0: the grid is the same on every path
    mean_field = simulate(batch.war, war.parts, np.zeros((1, 1))).capacity[side][0, 0, 0]
    extra = cap0 - (mean_field - ladder.expected_capacity[0])
    # every path: no Tomahawk or a whole one (0.8 bn/month), never a quarter of it
    assert set(np.round(extra, 9)) <= {0.0, 0.8}
    share = np.mean(np.isclose(extra, 0.8))
    supplied = ladder.outcomes[0, 6] + ladder.outcomes[0, 7]  # three rungs supplied
    assert abs(share - supplied) < 0.03
    # the mean-field path carries the expectation
    assert np.isclose(ladder.expected_capacity[0], 0.8 * supplied)


def test_each_path_escalates_or_not():
    _, war = _war()
    rng = np.random.default_rng(2)
    _, esc = war.ladder.offsets(rng.random(2000))
    total = war.escalation[:, None] + esc
    assert set(np.round(total[0] - total[0].min(), 9)) <= {0.0, 1.0}
    assert abs(np.mean(total[0] - total[0].min()) - war.ladder.expected_escalation[0]) < 0.04


def test_no_ladder_no_source():
    """Without [patrons.ladder] the batch adds no capacity source (the schema default)."""
    from tests_util import baseline_without

    batch = build_batch(baseline_without("ladder"))
    assert ladder_war(batch) is None
    assert all(s.where != "patrons.ladder" for side in batch.war.capacity for s in side)
