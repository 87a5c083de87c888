"""Helpers of the patrons tests: the baseline with a part of [patrons] taken out."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sim.model.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]


def baseline_raw() -> dict:
    return tomllib.loads((ROOT / "models" / "baseline.toml").read_text())


def baseline_without(part: str):
    """The baseline without ``[patrons.<part>]`` (and what refers to it)."""
    raw = baseline_raw()
    raw["patrons"].pop(part)
    return scenario_from_dict(raw, name=f"baseline without patrons.{part}")
