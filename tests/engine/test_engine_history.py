"""The baseline's war model against the observed front line, Jul 2024 - Aug 2026."""

from __future__ import annotations

import csv

import numpy as np

import sim
from sim.model.scenario import builtin_models_dir


def test_back_test_tracks_the_deepstatemap_series():
    tl = sim.timeline("history_2024")
    with open(builtin_models_dir() / "data" / "occupied_area_monthly.csv") as fh:
        observed = {row["date"][:7]: float(row["occupied_km2"]) for row in csv.DictReader(fh)}
    pairs = [(tl.line_km2[t], observed[m]) for t, m in enumerate(tl.months) if m in observed]
    assert len(pairs) >= 24
    model, data = np.array(pairs).T
    rmse = np.sqrt(np.mean((model - data) ** 2))
    # About 0.2% of the occupied area; the fit itself is in benchmarks/calibrate_history.py.
    assert rmse < 400, f"RMSE {rmse:.0f} km2"
    assert abs(model[-1] - data[-1]) < 1000
