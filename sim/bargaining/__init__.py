"""Bargaining and war-termination solutions: exact, vectorised, domain-free.

Each family of models lives in its own module and is a set of pure functions
of numpy arrays; this package re-exports the public API.

==============================  ==========================================
:func:`discount_factor`         ``exp(-rate * dt)`` (:mod:`.discounting`)
:func:`rubinstein`              alternating offers, outside option (:mod:`.rubinstein`)
:func:`nash_split`              Nash solution for a unit pie (:mod:`.nash`)
:func:`kalai_smorodinsky_split` Kalai-Smorodinsky solution (:mod:`.nash`)
:func:`nash_solution`           best of finitely many deals (:mod:`.nash`)
:func:`baron_ferejohn`          legislative bargaining (:mod:`.legislative`)
:func:`unanimity_bargaining`    n-player veto bargaining (:mod:`.legislative`)
:func:`fearon_range`            bargaining range of war (:mod:`.fearon`)
:func:`mutual_optimism_range`   range under private beliefs (:mod:`.fearon`)
:func:`powell_war_inevitable`   commitment problem (:mod:`.fearon`)
:func:`war_of_attrition`        stationary attrition equilibrium (:mod:`.attrition`)
==============================  ==========================================

Conventions shared by every function:

* **Broadcasting.**  Scalar in, scalar out; arrays in, arrays out, broadcast
  with numpy's rules.  Functions of ``n`` players take the **player axis last**
  (shape ``(..., n)``); all leading axes are batch axes.  ``nash_solution``
  takes utilities of shape ``(..., deals, players)``.
* **Units.**  Shares are fractions of a unit pie; discount factors are per
  round (per period) and lie in [0, 1]; rates are per year.
* **Errors.**  Invalid input -- a discount factor or probability outside
  [0, 1], a negative cost, weights that do not sum to a positive number,
  shapes that do not broadcast, NaN or infinity -- raises ``ValueError``
  naming the argument and the first bad value.  NaN in an output means only
  "empty range".
"""

from sim.bargaining.attrition import AttritionEquilibrium, war_of_attrition
from sim.bargaining.discounting import discount_factor
from sim.bargaining.fearon import (
    BargainingRange,
    fearon_range,
    mutual_optimism_range,
    powell_war_inevitable,
)
from sim.bargaining.legislative import (
    LegislativeSplit,
    UnanimityOutcome,
    baron_ferejohn,
    unanimity_bargaining,
)
from sim.bargaining.lines import (
    LinePreferences,
    kalai_smorodinsky_line,
    line_surplus,
    nash_line,
)
from sim.bargaining.nash import kalai_smorodinsky_split, nash_solution, nash_split
from sim.bargaining.rubinstein import RubinsteinSplit, rubinstein
from sim.bargaining.search import maximize_on_interval

__all__ = [
    "AttritionEquilibrium",
    "BargainingRange",
    "LegislativeSplit",
    "LinePreferences",
    "RubinsteinSplit",
    "UnanimityOutcome",
    "baron_ferejohn",
    "discount_factor",
    "fearon_range",
    "kalai_smorodinsky_line",
    "kalai_smorodinsky_split",
    "line_surplus",
    "maximize_on_interval",
    "mutual_optimism_range",
    "nash_line",
    "nash_solution",
    "nash_split",
    "powell_war_inevitable",
    "rubinstein",
    "unanimity_bargaining",
    "war_of_attrition",
]
