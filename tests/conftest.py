"""The one hypothesis profile of the suite, loaded for every test under ``tests/``.

``ceasefire`` (a developer's run):

* ``deadline=None``: these machines have two cores shared by several processes, and a
  property that runs a vectorised solver or a scenario can take longer than hypothesis's
  200 ms on a busy machine for no fault of the code; the time the suite takes is watched as a
  whole (it must stay under two minutes), not example by example.
* ``max_examples=100``, written out so that a new hypothesis release does not change what
  the suite tries. A test that needs more or fewer examples says so with
  ``@settings(max_examples=...)``, which overrides this number and keeps the rest.
* random examples and the example database: each run explores new cases, and a case that
  failed once is tried first next time.

``ceasefire-ci`` (when ``CI`` is set, as ``.ci/run`` is run): the same, and

* ``derandomize=True`` (and so no database): the examples are a function of the test's code,
  so CI's verdict is a function of the submitted code. A CI run decides whether a change
  lands; it must not turn red on a counterexample newly drawn for a property the change did
  not touch (the random search belongs to the developers' runs, where a failure can be
  looked at and fixed, and then becomes an ``@example``);
* ``print_blob=True``, so that a failure in CI can be replayed with ``@reproduce_failure``;
* the ``too_slow`` health check off: it measures how fast examples are generated, which a
  loaded CI machine says nothing about.

``HYPOTHESIS_PROFILE=ceasefire-ci pytest`` replays CI's examples on a developer's machine.

It also marks the notebooks that nbmake executes (``notebooks/*.ipynb``, several seconds
each) ``slow``, as the heaviest cross-checks in ``tests/`` are: ``pytest`` (CI) runs them
all, ``pytest -m "not slow"`` is the quick loop while editing.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ceasefire", settings.get_profile("default"), deadline=None, max_examples=100
)
settings.register_profile(
    "ceasefire-ci",
    settings.get_profile("ceasefire"),
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ceasefire-ci" if in_ci else "ceasefire")
)


#: Tests that open network ports (Jupyter kernels for the notebooks, local Dask clusters).
#: They run in one xdist worker, one at a time (``--dist loadgroup``): a kernel picks free
#: TCP ports before binding them, and a cluster started meanwhile in another worker can
#: take one; the notebook's client then waits forever on a kernel that never hears it.
PORTS = pytest.mark.xdist_group("ports")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
            item.add_marker(PORTS)
        elif "dask" in item.name.lower():
            item.add_marker(PORTS)
