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

from sim import bargaining
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
        **_nash_ks(_players(inputs, sets), lo, hi),
        **_linear_pie(inputs, sets, veto, lo, hi),
    }
    return {k: _scatter(v, zopa.exists) for k, v in lines.items()}


def _players(inputs: SolutionInputs, sets):
    """The veto players' surpluses on the line, as :class:`sim.bargaining.LinePlayers`."""
    p = inputs.prefs

    def at(v):  # (B, n, 1) -> (B', n)
        return _gather(v[..., 0], sets)

    return LinePlayers(
        base=_gather(inputs.rest - inputs.rbar, sets),
        weight=at(p.weight[LINE]),
        ideal=at(p.ideal[LINE]),
        curvature=at(p.curvature[LINE]),
        span=_gather(p.span[LINE][:, 0, 0], sets),
        power=_gather(inputs.power, sets),
        players=_gather(inputs.veto, sets),
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


# -- temporary: the golden-section search until sim.bargaining has the line solvers --
import numpy as np  # noqa: E402

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class LinePlayers:
    base: Any
    weight: Any
    ideal: Any
    curvature: Any
    span: Any
    power: Any
    players: Any


def _nash_ks(pl: LinePlayers, lo, hi):
    def am(v):
        return np.ascontiguousarray(v.T)[:, :, None]

    w, ideal, curv, base = am(pl.weight), am(pl.ideal), am(pl.curvature), am(pl.base)
    vmask, power = am(pl.players), am(pl.power)
    span = pl.span[None, :, None]
    linear = bool(np.all(curv == 1.0))
    slope = w / span
    peak = base + w
    no_veto = ~vmask
    some_without_veto = bool(no_veto.any())

    def surplus_at(x):
        if linear:
            return peak - slope * np.abs(x - ideal)
        return base + w * (1.0 - (np.abs(x - ideal) / span) ** curv)

    def nash(x):
        logs = surplus_at(x[None])
        np.maximum(logs, 0.0, out=logs)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(logs, out=logs)
            logs *= power
        if some_without_veto:
            np.copyto(logs, 0.0, where=no_veto)
        return logs.sum(axis=0)

    max_surplus = surplus_at(np.clip(ideal, lo[None, :, None], hi[None, :, None]))
    with np.errstate(divide="ignore"):
        inv_max = np.where(max_surplus > 1e-15, 1.0 / max_surplus, 0.0)
    pad = np.where(vmask, 0.0, np.inf)

    def ks(x):
        return (surplus_at(x[None]) * inv_max + pad).min(axis=0, initial=np.inf)

    concave = bool(np.all(np.where(vmask, curv, 1.0) >= 1.0))
    return {
        "nash": maximize_on_interval(nash, lo, hi, unimodal=concave),
        "kalai_smorodinsky": maximize_on_interval(ks, lo, hi, unimodal=concave),
    }


def maximize_on_interval(
    objective,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    unimodal: bool = False,
    grid: int = 65,
    rtol: float = 1e-6,
):
    """Vectorised maximiser of a 1-D objective on ``[lo, hi]`` for a batch.

    Golden-section search (Kiefer 1953): each step keeps the sub-bracket that
    holds the better of two interior points and reuses one of them, so one new
    evaluation per step shrinks the bracket by ``0.618``; it stops when the
    bracket is ``rtol`` of ``hi - lo`` (the default 1e-6 places a line within
    a millionth of the ZOPA's width: 0.02 km2 on a 16,000 km2 zone).  Exact
    (to ``rtol``) for unimodal objectives (``unimodal=True``, e.g. the concave
    Nash and Kalai-Smorodinsky objectives of concave utilities); otherwise a
    grid of ``grid`` points first brackets the best point and the search
    refines it.  ``objective(x)`` takes
    ``x`` of shape ``(B, K)`` and returns ``(B, K)``; NaN counts as ``-inf``.
    """
    span = hi - lo
    if unimodal:
        a, b = lo.astype(float), hi.astype(float)
        width = 1.0
    else:
        xs = lo[:, None] + span[:, None] * np.linspace(0.0, 1.0, grid)[None, :]
        vals = np.nan_to_num(objective(xs), nan=-np.inf)
        j = np.argmax(vals, axis=1)
        step = span / (grid - 1)
        a = np.maximum(lo, xs[np.arange(len(j)), j] - step)
        b = np.minimum(hi, xs[np.arange(len(j)), j] + step)
        width = 2.0 / (grid - 1)
    steps = max(0, int(np.ceil(np.log(rtol / width) / np.log(GOLDEN))))

    def f(x):
        value = objective(x[:, None])[:, 0]
        return np.where(np.isnan(value), -np.inf, value)

    c = b - GOLDEN * (b - a)
    d = a + GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(steps):
        # The maximum lies in [a, d] (keep c, probe left of it) or in [c, b].
        left = fc >= fd
        a, b = np.where(left, a, c), np.where(left, d, b)
        x = np.where(left, b - GOLDEN * (b - a), a + GOLDEN * (b - a))
        fx = f(x)
        c, d = np.where(left, x, d), np.where(left, c, x)
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
    return 0.5 * (a + b)
