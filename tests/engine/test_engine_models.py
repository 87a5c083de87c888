"""The built-in models: they load, solve, and every number in them names its source."""

from __future__ import annotations

import pytest

import sim
from sim.model.scenario import _read_toml, builtin_scenarios

STRUCTURAL = {"horizon_months", "pause_months"}


def numbers_without_source(node, path=""):
    """Paths of numbers given bare, or as {value = ...} without a source."""
    if isinstance(node, dict):
        if "value" in node:
            return [] if node.get("source") else [path]
        return [
            p for k, v in node.items() for p in numbers_without_source(v, f"{path}.{k}".strip("."))
        ]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [] if path.split(".")[-1] in STRUCTURAL else [path]
    return []


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_builtin_scenario_loads_and_solves(name):
    s = sim.load_scenario(name)
    assert sim.solve(s).actors == s.actors


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_number_in_the_file_has_a_source(name):
    path = builtin_scenarios()[name]
    raw = _read_toml(path, path.read_text())
    assert numbers_without_source(raw) == []


def test_the_check_itself_finds_an_unsourced_number():
    assert numbers_without_source({"a": {"b": {"value": 1.0}}, "c": 2}) == ["a.b", "c"]
