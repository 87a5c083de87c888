"""Parameter sweeps at scale: designs, chunked vectorized runs, results, discovery, sensitivity.

One module per concept, in the order a sweep goes through them:

* :mod:`sim.sweep.spec` -- what varies: uncertainties and levers (EMA
  Workbench's words), the ``-p PATH=SPEC`` grammar, SALib's problem;
* :mod:`sim.sweep.designs` -- which points: full grid, Latin hypercube, Monte
  Carlo, Sobol (Saltelli), Morris; replications' seeds; the chunk layout;
* :mod:`sim.sweep.runner` -- evaluating chunks with one vectorized
  ``sim.evaluate`` call each, in-process or on any executor (Dask);
* :mod:`sim.sweep.store` -- the xarray results, streamed to Zarr/NetCDF with
  run records, resumable; EMA Workbench's (experiments, outcomes) shape;
* :mod:`sim.sweep.discovery` -- PRIM boxes where a ceasefire line exists;
* :mod:`sim.sweep.sensitivity` -- Sobol indices and Morris screening.

>>> from sim.sweep import build_spec, run_sweep            # doctest: +SKIP
>>> spec = build_spec(scenario, ["actors.russia.discount_rate=linspace(0.01,0.2,20)"])
... # doctest: +SKIP
>>> run_sweep(scenario, spec, out="results.zarr").dataset  # doctest: +SKIP
"""

from __future__ import annotations

from sim.sweep.designs import Design, make_design
from sim.sweep.discovery import Discovery, PrimOptions, discover
from sim.sweep.runner import RunOptions, SweepResult, dask_client, dask_executor, run_sweep
from sim.sweep.sensitivity import Sensitivity, analyze, sensitivity
from sim.sweep.spec import (
    DESIGNS,
    Parameter,
    SweepOptions,
    SweepSpec,
    build_spec,
    parse_parameter,
)
from sim.sweep.store import ChunkRecord, open_results, to_ema

__all__ = [
    "DESIGNS",
    "ChunkRecord",
    "Design",
    "Discovery",
    "Parameter",
    "PrimOptions",
    "RunOptions",
    "Sensitivity",
    "SweepOptions",
    "SweepResult",
    "SweepSpec",
    "analyze",
    "build_spec",
    "dask_client",
    "dask_executor",
    "discover",
    "make_design",
    "open_results",
    "parse_parameter",
    "run_sweep",
    "sensitivity",
    "to_ema",
]
