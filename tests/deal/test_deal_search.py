"""The engine's blocked search for the first open month with the red lines' limits and the
durable deal's month-by-month value (issue 17) equals the every-month reference."""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from sim.engine import Paths, game_effects, reservations
from sim.kernels.zopa import first_open_month, first_open_month_blocked
from sim.model.batch import build_batch


def _sample(scenario, n, seed):
    paths = [p for p in scenario.parameter_paths() if scenario.uncertainty_range(p)]
    unit = qmc.LatinHypercube(d=len(paths), seed=seed).random(n)
    lo = np.array([scenario.uncertainty_range(p)[0] for p in paths])
    hi = np.array([scenario.uncertainty_range(p)[1] for p in paths])
    return dict(zip(paths, (lo + unit * (hi - lo)).T, strict=True))


def test_blocked_search_with_limits_equals_the_reference(baseline):
    sample = _sample(baseline, 1500, 7)
    # Russia's red line from binding nowhere to binding hard, set by set
    sample["settlement.red_lines.russia_constitution.limit"] = np.linspace(0.0, 20_000.0, 1500)
    batch = build_batch(baseline, sample)
    comp = reservations(batch, game_effects(batch.games), Paths(), neutral=False)
    assert comp.limits is not None
    args = (batch.prefs, comp.rbar, comp.rest, comp.veto, comp.limits)
    ref = first_open_month(*args)
    fast = first_open_month_blocked(*args)
    assert (ref > 0).any() and (ref < 0).any() and (ref == 0).any()
    np.testing.assert_array_equal(fast, ref)
    # the limits matter: without them the answer differs for some sets
    free = first_open_month(*args[:4])
    assert (free != ref).any()
