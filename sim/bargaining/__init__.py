"""Bargaining and war-termination solutions: exact, vectorised, domain-free.

Each family of models lives in its own module and is a set of pure functions
of arrays; this package re-exports the public API.

What the model uses
-------------------
The engine (:mod:`sim.kernels.solutions`, :mod:`sim.engine`) calls these to turn a
zone of possible agreement into predicted lines and to test for war:

=================================  ==========================================================
:func:`nash_line`                  weighted Nash line on the ZOPA (:mod:`.lines`)
:func:`kalai_smorodinsky_line`     Kalai-Smorodinsky line on the ZOPA (:mod:`.lines`)
:class:`LinePreferences`           single-peaked preferences over a line (:mod:`.lines`)
:func:`discount_factor`            ``exp(-rate * dt)`` per bargaining round (:mod:`.discounting`)
:func:`rubinstein`                 alternating offers between the war's two sides
                                   (:mod:`.rubinstein`)
:func:`unanimity_bargaining`       n-player veto bargaining, the ``unanimity`` line
                                   (:mod:`.legislative`)
:func:`powell_war_inevitable`      commitment problem: war from a shift of power
                                   (:mod:`.fearon`)
=================================  ==========================================================

(:func:`nash_line` and :func:`kalai_smorodinsky_line` replace the engine's own
search as of issue 14; the kernel's ``solutions`` calls them.)

The toolkit
-----------
Tested, documented solvers the model does not call today; they serve
cross-checks, the notebooks and planned mechanisms:

=================================  ==========================================================
:func:`war_of_attrition`           stationary attrition equilibrium (:mod:`.attrition`); for
                                   the forecast of how long the war lasts (issue #16)
:func:`screening_offer`            Fearon's risk-return trade-off: the optimal offer to a
                                   responder with a uniform reservation value, closed form
                                   (:mod:`.screening`); the forecast's hazard (issue #16)
:func:`screening_offer_normal`     the same for a normal reservation value, by search
                                   (:mod:`.screening`)
:func:`screening_offer_search`     the same for any belief given by its distribution
                                   function (:mod:`.screening`)
:func:`nash_split`                 Nash solution for a unit pie, curved utilities
                                   (:mod:`.nash`); the limit the unanimity and Rubinstein
                                   splits approach as rounds shorten (tested)
:func:`kalai_smorodinsky_split`    Kalai-Smorodinsky solution for a unit pie (:mod:`.nash`)
:func:`nash_solution`              best of finitely many deals, e.g. packages of several
                                   dimensions (:mod:`.nash`)
:func:`baron_ferejohn`             q-rule legislative bargaining (:mod:`.legislative`)
:func:`fearon_range`               bargaining range of war (:mod:`.fearon`)
:func:`mutual_optimism_range`      range under private beliefs (:mod:`.fearon`)
:func:`maximize_on_interval`       batched golden-section search (:mod:`.search`), the
                                   engine of :mod:`.lines`; generic over the objective
:func:`line_surplus`               each player's surplus at a line (:mod:`.lines`)
=================================  ==========================================================

Conventions shared by every function:

* **Broadcasting.**  Scalar in, scalar out; arrays in, arrays out, broadcast
  with numpy's rules.  Functions of ``n`` players take the **player axis last**
  (shape ``(..., n)``); all leading axes are batch axes.  ``nash_solution``
  takes utilities of shape ``(..., deals, players)``; :mod:`.lines` takes
  ``(B, n)`` preferences and ``(B,)`` intervals.
* **Array libraries.**  :mod:`.lines` and :mod:`.search` compute with the
  namespace of their inputs (numpy, or any library of the Python array API
  standard, see :mod:`sim.xp`); the other modules take numpy arrays.
* **Units.**  Shares are fractions of a unit pie; discount factors are per
  round (per period) and lie in [0, 1]; rates are per year; lines are in the
  units of the interval they lie in.
* **Errors.**  Invalid input -- a discount factor or probability outside
  [0, 1], a negative cost, weights that do not sum to a positive number,
  shapes that do not broadcast, NaN or infinity -- raises ``ValueError``
  naming the argument and the first bad value.  NaN in an output means only
  "empty range".  :mod:`.lines` does not validate (it runs inside the engine,
  on inputs the model has checked).

References
----------
Each module states its mathematics and lists the papers it cites; the
solutions are those of Nash (1950), Kalai (1977), Kalai and Smorodinsky (1975),
Rubinstein (1982), Baron and Ferejohn (1989), Fearon (1995), Powell (2006) and
the war of attrition of Maynard Smith (1974) and Hendricks, Weiss and Wilson
(1988); full entries in :mod:`.nash`, :mod:`.rubinstein`, :mod:`.legislative`,
:mod:`.fearon` and :mod:`.attrition`.
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
from sim.bargaining.screening import (
    screening_offer,
    screening_offer_normal,
    screening_offer_search,
)
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
    "screening_offer",
    "screening_offer_normal",
    "screening_offer_search",
    "unanimity_bargaining",
    "war_of_attrition",
]
