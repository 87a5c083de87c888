"""Strategic subgames: normal-form games whose equilibria set levers of the war.

A scenario declares each subgame (``[games.<name>]``) by its *kind*, the
actors in its two roles, a selection rule and its payoff parameters.  This
package builds the payoff matrices from those parameters
(:mod:`sim.games.subgames`), finds every Nash equilibrium -- in closed form for
batches of 2x2 games (:mod:`sim.games.closed_form`), with nashpy for one game
(:mod:`sim.games.solve`), with pygambit for more than two players
(:mod:`sim.games.nplayer`) -- picks the outcome by the scenario's rule
(:mod:`sim.games.selection`) and returns the expected effects the war model
consumes.

>>> from sim.games import evaluate_subgames
>>> config = {
...     "kind": "escalation",
...     "selection": "payoff_dominant",
...     "params": {
...         "rung_value": 3.0, "supply_cost": 1.0, "risk_cost": 5.0,
...         "rung_damage": 3.0, "escalation_cost": 1.0, "red_line_value": 4.0,
...     },
... }
>>> effects = evaluate_subgames({"rung": config})["rung"]
>>> round(float(effects["supplied"][0]), 3), round(float(effects["escalated"][0]), 3)
(0.25, 0.4)
"""

from sim.games.closed_form import Equilibria2x2, Selected2x2, equilibria_2x2, solve_2x2
from sim.games.selection import RULE_APPLIED, SELECTION_RULES
from sim.games.solve import Equilibrium, EquilibriumSet, Selection, equilibria, select
from sim.games.subgames import (
    SUBGAMES,
    Parameter,
    SubgameReport,
    SubgameSpec,
    describe_subgame,
    evaluate_subgames,
    subgame_spec,
)

__all__ = [
    "RULE_APPLIED",
    "SELECTION_RULES",
    "SUBGAMES",
    "Equilibria2x2",
    "Equilibrium",
    "EquilibriumSet",
    "Parameter",
    "Selected2x2",
    "Selection",
    "SubgameReport",
    "SubgameSpec",
    "describe_subgame",
    "equilibria",
    "equilibria_2x2",
    "evaluate_subgames",
    "select",
    "solve_2x2",
    "subgame_spec",
]
