"""Cheap synthetic scenarios and models with ``sim.evaluate``'s interface, for sweep tests.

They live in a module of their own (not a conftest) so that Dask worker
processes can import them by name when they unpickle a task.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from sim.errors import ParameterError
from sim.results import OUTCOMES


@dataclass(frozen=True)
class FakeScenario:
    """A scenario with a few numeric parameters and two actors."""

    name: str = "fake"
    params: Mapping[str, float] = field(
        default_factory=lambda: {
            "actors.alpha.discount_rate": 0.05,
            "actors.beta.discount_rate": 0.10,
            "war.drift_km2": 100.0,
            "x1": 0.0,
            "x2": 0.0,
            "x3": 0.0,
        }
    )
    ranges: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "actors.alpha.discount_rate": (0.01, 0.2),
            "x1": (-math.pi, math.pi),
            "x2": (-math.pi, math.pi),
            "x3": (-math.pi, math.pi),
        }
    )
    actors: tuple[str, ...] = ("alpha", "beta")
    path: Path | None = None

    @property
    def text(self) -> str:
        return "\n".join(f"{k} = {v!r}" for k, v in sorted(self.params.items()))

    def parameter_paths(self) -> list[str]:
        return list(self.params)

    def get(self, path: str) -> float:
        if path not in self.params:
            raise ParameterError(f"unknown parameter {path!r}")
        return self.params[path]

    def uncertainty_range(self, path: str) -> tuple[float, float] | None:
        self.get(path)
        return self.ranges.get(path)

    def with_params(self, values: Mapping[str, float]) -> FakeScenario:
        for path in values:
            self.get(path)
        return replace(self, params={**self.params, **values})


def _column(scenario: FakeScenario, params: Mapping[str, object], path: str, n: int):
    if path in params:
        return np.broadcast_to(np.asarray(params[path], dtype=float), (n,))
    return np.full(n, scenario.get(path))


def _size(params: Mapping[str, object]) -> int:
    return max((np.size(v) for v in params.values()), default=1)


def outcomes_from(lo: np.ndarray, hi: np.ndarray, scenario: FakeScenario) -> dict:
    """All of ``sim.evaluate``'s outcomes from a ZOPA ``[lo, hi]``."""
    exists = lo <= hi
    n = lo.shape[0]
    mid = np.where(exists, 0.5 * (lo + hi), np.nan)
    result = {
        "zopa_exists": exists,
        "zopa_lo_km2": lo,
        "zopa_hi_km2": hi,
        "zopa_width_km2": np.where(exists, hi - lo, 0.0),
        "zopa_gap_km2": np.where(exists, 0.0, lo - hi),
        "binding": np.where(exists, 1, 3).astype(np.int64),
        "nash_km2": mid,
        "kalai_smorodinsky_km2": mid,
        "rubinstein_km2": mid,
        "unanimity_km2": mid,
        "first_open_month": np.where(exists, 0, -1).astype(np.int64),
        "p_agreement_12m": exists.astype(float),
        "expected_delay_months": np.where(exists, 0.0, 12.0),
    }
    assert set(result) == set(OUTCOMES)
    for i, actor in enumerate(scenario.actors):
        result[f"reservation_{actor}"] = lo * (i + 1)
    del n
    return result


def linear_model(scenario, params, *, month=0, paths=0, seed=None):
    """A ZOPA ``[lo, hi]`` linear in two discount rates and the drift: exact and cheap."""
    n = _size(params)
    for path in params:
        scenario.get(path)
    a = _column(scenario, params, "actors.alpha.discount_rate", n)
    b = _column(scenario, params, "actors.beta.discount_rate", n)
    drift = _column(scenario, params, "war.drift_km2", n)
    lo = 1000.0 * a + drift + month
    hi = 2000.0 * b - 0.5 * drift
    if paths:
        # Common random numbers: one draw per call, shared by every point, so a
        # point's value does not depend on which chunk it falls in.
        lo = lo + np.random.default_rng(seed).normal(0.0, 10.0, size=paths).mean()
    return outcomes_from(lo, hi, scenario)


def planted_box_model(scenario, params, *, month=0, paths=0, seed=None):
    """The ZOPA exists exactly inside the box x1 <= 0.3 and x2 >= 0.6."""
    n = _size(params)
    x1 = _column(scenario, params, "x1", n)
    x2 = _column(scenario, params, "x2", n)
    inside = (x1 <= 0.3) & (x2 >= 0.6)
    lo = np.where(inside, 0.0, 1.0)
    hi = np.where(inside, 1.0, 0.0)
    return outcomes_from(lo, hi, scenario)


def ishigami(x1, x2, x3, a=7.0, b=0.1):
    """Ishigami & Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1."""
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_model(scenario, params, *, month=0, paths=0, seed=None):
    """ZOPA ``[0, Ishigami(x1, x2, x3) + 20]``: width and midpoint have Ishigami's indices."""
    n = _size(params)
    y = ishigami(*(_column(scenario, params, f"x{i}", n) for i in (1, 2, 3)))
    return outcomes_from(np.zeros(n), y + 20.0, scenario)


def slow_linear_model(scenario, params, *, month=0, paths=0, seed=None):
    """``linear_model`` that sleeps, so a test can kill a sweep between chunks."""
    time.sleep(float(os.environ.get("SWEEP_TEST_SLEEP", "0.2")))
    return linear_model(scenario, params, month=month, paths=paths, seed=seed)


class FailOn:
    """``linear_model`` that raises on every chunk containing a given drift value."""

    def __init__(self, drift: float):
        self.drift = drift

    def __call__(self, scenario, params, *, month=0, paths=0, seed=None):
        if np.any(np.asarray(params.get("war.drift_km2", np.nan)) == self.drift):
            raise FloatingPointError(f"injected failure at drift {self.drift}")
        return linear_model(scenario, params, month=month, paths=paths, seed=seed)
