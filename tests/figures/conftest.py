"""Fixtures of the figure tests (the inputs are built in ``_figure_inputs``)."""

from __future__ import annotations

import pytest
import xarray as xr
from _figure_inputs import make_phase_dataset, make_solve_result, make_timeline

from sim.results import SolveResult, Timeline


@pytest.fixture
def solve_result() -> SolveResult:
    return make_solve_result(open_zopa=True)


@pytest.fixture
def closed_solve_result() -> SolveResult:
    return make_solve_result(open_zopa=False)


@pytest.fixture
def timeline() -> Timeline:
    return make_timeline()


@pytest.fixture
def phase_dataset() -> xr.Dataset:
    return make_phase_dataset()
