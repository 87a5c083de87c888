"""Shared fixtures of the engine tests."""

from __future__ import annotations

import pytest

import sim


@pytest.fixture(scope="session")
def baseline():
    return sim.load_scenario("baseline")


@pytest.fixture(scope="session")
def fearon():
    return sim.load_scenario("fearon")
