r"""The line inside the ZOPA that standard bargaining solutions predict.

Each solution concept is a function of :mod:`sim.bargaining`, called on the
veto players' surpluses over their reservation utilities inside the ZOPA
``[lo, hi]`` at one month:

* **Nash** (Nash 1950; weighted: Kalai 1977): ``argmax prod_i (u_i - rbar_i) ** beta_i``;
* **Kalai-Smorodinsky** (1975): the line that maximises the smallest normalised
  surplus ``(u_i - rbar_i) / (max u_i - rbar_i)``;
* **Rubinstein** (1982) between the two war sides with per-round discount factors
  ``exp(-r dt)``, on the ZOPA read as a linear pie from the second side's preferred end;
* **unanimity** bargaining (n players, stationary SPE with recognition probabilities;
  Baron and Ferejohn 1989, Eraslan 2002) read the same way from the two war sides' values.

The last two are linear-pie readings of the ZOPA, documented approximations.
Only the parameter sets with a ZOPA are solved (gathered, then scattered back);
NaN where there is none.

References
----------
Nash, J. (1950). The bargaining problem. *Econometrica* 18(2), 155-162.
Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person
bargaining. *International Journal of Game Theory* 6(3), 129-133.
Kalai, E. & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
*Econometrica* 43(3), 513-518.
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1).
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in legislatures. *APSR* 83(4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sim.bargaining as bargaining
from sim.kernels.zopa import ZopaArrays
from sim.model.batch import Preferences
from sim.model.scenario import LINE
from sim.xp import namespace

#: The solution concepts, by the one name used everywhere (results, JSON, sweeps).
SOLUTION_CONCEPTS = ("nash", "kalai_smorodinsky", "rubinstein", "unanimity")


@dataclass(frozen=True)
class SolutionInputs:
    """Everything the solutions read at one month, per set and actor ``(B, n)``.

    ``prefs`` the preferences in force that month (last axis of length 1);
    ``rbar`` reservation utilities; ``rest`` utility of the deal's other terms;
    ``veto`` who must agree; ``power`` Nash bargaining weights; ``recognition``
    proposal probabilities; ``rate`` discount rates per year; ``round_months``
    ``(B,)``; ``sides`` the war sides' indices; ``a_first`` whether side A opens.
    """

    prefs: Preferences
    rbar: Any
    rest: Any
    veto: Any
    power: Any
    recognition: Any
    rate: Any
    round_months: Any
    sides: tuple[int, int]
    a_first: bool


def _gather(x, index):
    xp = namespace(x)
    return xp.take(x, index, axis=0)


def _scatter(values, exists):
    """Values for the sets where ``exists`` (in order) spread over the batch, NaN elsewhere."""
    xp = namespace(values, exists)
    slot = xp.cumulative_sum(xp.astype(exists, xp.int64)) * xp.astype(exists, xp.int64)
    padded = xp.concat([xp.asarray([xp.nan], dtype=values.dtype), values])
    return xp.take(padded, slot, axis=0)


def solutions(zopa: ZopaArrays, inputs: SolutionInputs) -> dict[str, Any]:
    """The line (km2) of each of :data:`SOLUTION_CONCEPTS` inside the ZOPA ``(B,)`` of one month."""
    xp = namespace(zopa.lo)
    size = zopa.exists.shape[0]
    sets = xp.nonzero(zopa.exists)[0]
    if sets.shape[0] == 0:
        return {k: xp.full(size, xp.nan) for k in SOLUTION_CONCEPTS}
    lo, hi = _gather(zopa.lo, sets), _gather(zopa.hi, sets)
    veto = _gather(inputs.veto, sets)
    lines = {
        "nash": bargaining.nash_line(_players(inputs, sets), lo, hi),
        "kalai_smorodinsky": bargaining.kalai_smorodinsky_line(_players(inputs, sets), lo, hi),
        **_linear_pie(inputs, sets, veto, lo, hi),
    }
    return {k: _scatter(v, zopa.exists) for k, v in lines.items()}


def _players(inputs: SolutionInputs, sets):
    """The veto players' surpluses on the line, :class:`sim.bargaining.LinePreferences`.

    Only the actors with a veto in at least one of the sets enter (the others never
    count, and dropping them spares the search their work).
    """
    xp = namespace(inputs.rbar)
    p = inputs.prefs
    veto = _gather(inputs.veto, sets)
    voters = xp.nonzero(xp.any(veto, axis=0))[0]

    def pick(v):  # (B, n) -> (B', voters)
        return xp.take(_gather(v, sets), voters, axis=1)

    return bargaining.LinePreferences(
        base=pick(inputs.rest - inputs.rbar),
        weight=pick(p.weight[LINE][..., 0]),
        ideal=pick(p.ideal[LINE][..., 0]),
        curvature=pick(p.curvature[LINE][..., 0]),
        span=_gather(p.span[LINE][:, 0, :], sets),
        power=pick(inputs.power),
        players=xp.take(veto, voters, axis=1),
    )


def _linear_pie(inputs: SolutionInputs, sets, veto, lo, hi) -> dict[str, Any]:
    """Rubinstein and unanimity bargaining, read as shares of the ZOPA from side B's end."""
    xp = namespace(lo)
    side_a, side_b = inputs.sides
    rates = _gather(inputs.rate, sets)
    dt_years = _gather(inputs.round_months, sets) / 12.0
    deltas = bargaining.discount_factor(rates, dt_years[:, None])
    first, second = (side_a, side_b) if inputs.a_first else (side_b, side_a)
    d1, d2 = deltas[:, first], deltas[:, second]
    both_patient = (d1 >= 1.0) & (d2 >= 1.0)
    x1, _ = bargaining.rubinstein(xp.where(both_patient, 0.5, d1), xp.where(both_patient, 0.5, d2))
    share_a = x1 if inputs.a_first else 1.0 - x1
    share_a = xp.where(both_patient, 0.5, share_a)
    recog = xp.where(veto, _gather(inputs.recognition, sets), 0.0)
    rsum = xp.sum(recog, axis=1, keepdims=True)
    vetoes = xp.astype(veto, recog.dtype)
    recog = xp.where(
        rsum > 0,
        recog / xp.where(rsum > 0, rsum, 1.0),
        vetoes / xp.sum(vetoes, axis=1, keepdims=True),
    )
    values, _, _ = bargaining.unanimity_bargaining(recog, xp.minimum(deltas, 1.0 - 1e-12))
    va, vb = values[:, side_a], values[:, side_b]
    positive = (va + vb) > 0
    share = xp.where(positive, va / xp.where(positive, va + vb, 1.0), 0.5)
    return {"rubinstein": lo + share_a * (hi - lo), "unanimity": lo + share * (hi - lo)}
