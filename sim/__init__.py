"""ceasefire: a negotiation game-theory simulator.

The engine in :mod:`sim` knows nothing about any particular war: a world is a
scenario file (TOML) that names the actors, the issue dimensions of a deal, the
no-deal war dynamics and the named deals.  The calibrated Russia-Ukraine worlds
live in the project's ``models/`` folder.

>>> import sim
>>> scenario = sim.load_scenario("baseline")      # doctest: +SKIP
>>> sim.solve(scenario).zopa                      # doctest: +SKIP
"""

__version__ = "0.1.0"

from sim.engine import evaluate, solve, timeline
from sim.forecast import forecast  # the function; the module stays importable by name
from sim.model.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = [
    "Scenario",
    "__version__",
    "evaluate",
    "forecast",
    "load_scenario",
    "scenario_from_dict",
    "solve",
    "timeline",
]
