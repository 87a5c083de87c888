"""Fit the front-line model to the observed monthly series (DeepStateMap).

Runs the back-test scenario ``models/history_2024.toml`` (the baseline's war
model from July 2024 with the levers as they moved) for a grid of
``war.drift_scale_km2`` x ``war.stalemate_share`` in ONE vectorized call, and
prints the root-mean-square error against ``models/data/occupied_area_monthly.csv``
for the best pair and for the baseline's values.  Usage::

    python benchmarks/calibrate_history.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

import sim
from sim.engine import compute

ROOT = Path(__file__).resolve().parents[1]


def observed() -> dict[str, float]:
    with open(ROOT / "models" / "data" / "occupied_area_monthly.csv") as fh:
        return {row["date"][:7]: float(row["occupied_km2"]) for row in csv.DictReader(fh)}


def rmse_grid(scales: np.ndarray, shares: np.ndarray) -> np.ndarray:
    scenario = sim.load_scenario(ROOT / "models" / "history_2024.toml")
    obs = observed()
    months = [scenario.month_label(t) for t in range(scenario.horizon + 1)]
    idx = [t for t, m in enumerate(months) if m in obs]
    target = np.array([obs[months[t]] for t in idx])
    s, k = np.meshgrid(scales, shares, indexing="ij")
    comp = compute(
        scenario,
        {"war.drift_scale_km2": s.ravel(), "war.stalemate_share": k.ravel()},
        with_deals=False,
    )
    err = comp.line[:, idx] - target
    return np.sqrt((err**2).mean(axis=1)).reshape(s.shape)


def main() -> None:
    scales = np.linspace(1000, 8000, 71)
    shares = np.linspace(0.50, 0.75, 51)
    rmse = rmse_grid(scales, shares)
    i, j = np.unravel_index(np.argmin(rmse), rmse.shape)
    base = sim.load_scenario(ROOT / "models" / "baseline.toml")
    mine = rmse_grid(
        np.array([base.get("war.drift_scale_km2")]), np.array([base.get("war.stalemate_share")])
    )[0, 0]
    print(
        f"best fit: drift_scale_km2={scales[i]:.0f} stalemate_share={shares[j]:.3f} "
        f"RMSE={rmse[i, j]:.0f} km2"
    )
    print(f"baseline values: RMSE={mine:.0f} km2 over {len(observed())} observed months")


if __name__ == "__main__":
    main()
