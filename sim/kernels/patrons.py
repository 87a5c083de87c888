r"""The patrons act: the US's conditional strategy "make a deal or we walk" (issue 19).

**The game.**  A finite-horizon decision problem of the US against a deal that
arrives by chance, solved by backward induction over the months ``t = T-1 .. 0``
for every parameter set of the batch at once.  In each month without a deal the
US, still engaged, chooses one of

====  =======================  ==========================  =========================
 a    action                   extra deal hazard ``g_a``   own cost ``k_a``
====  =======================  ==========================  =========================
 0    hold                     0                           0
 1    press Ukraine            ``g_U``                     ``k_U``
 2    press Russia             ``g_R``                     ``k_R + link(t)``
 3    press both               ``g_U + g_R``               ``k_U + k_R + link(t)``
 4    walk away (absorbing)    --                          --
====  =======================  ==========================  =========================

(pressing Ukraine: pausing aid and intelligence, as in March 2025; pressing Russia:
sanctions and secondary sanctions).  A deal in month ``t`` comes with probability
``h_a(t) = min(1, h_0 + c(t) g_a)`` and is worth ``G`` (``deal_credit``) to the US,
after which the US pays nothing more.  Without a deal it pays ``w(t)``, its monthly
war cost (``actors.us.costs``: the political cost ramps up to the midterms and
falls back after them), and the month after is discounted by ``delta(t)`` (the
US's factor: the midterms event lowers its rate).  Walking away is absorbing: the
US then pays ``(1 - r) w(t)`` a month (``r`` = ``walk_relief``), no deal is
credited to it, and its aid stops.  So, with ``V_T = W_T = 0`` after the horizon,

.. math::

    Q_t(a) = -k_a(t) + h_a(t)\,G + (1 - h_a(t))\,(-w(t) + \delta(t) V_{t+1}),
    \qquad S_t = \max_{a \le 3} Q_t(a),

    W_t = -(1 - r)\,w(t) + \delta(t) W_{t+1}, \qquad
    V_t = \max(S_t, W_t),

and the US walks at ``t`` iff ``W_t > S_t`` (ties: it stays; a tie is a difference within
:data:`TIE` of the values, so that whether a threat is believed never turns on rounding).
**Credibility.**  The threat "make a deal or we walk" made in month ``t`` is believed --
pressure has its full effect ``c(t) = 1`` -- iff the US would in fact walk at ``t + 1`` if no deal
comes (subgame perfection: Selten 1975; the chain-store logic of threats, Schelling
1966, ch. 2); otherwise pressure is cheap talk and has the share ``c(t) = theta``
(``cheap_talk_share``) of its effect.  ``c(t)`` depends only on ``t + 1``'s solution,
so the recursion stays a single backward pass.

**On the war path.**  The war path of the model is the *no-deal* path, so on it the
US plays its optimal action month by month until the first month it walks, and
walks from then on.  The effects the war reads, ``(B, T)`` each:
``aid_kept = 1 - walk_aid_cut`` once walked, else ``1 - aid_pause_share`` in a month of pressure on
Ukraine and 1 otherwise; ``russia_kept = 1 - sanctions_bite`` in a month of pressure
on Russia (the share of Russia's oil revenue that survives), else 1; ``pressure``
the action index (4 once walked).

**Convention.**  Utility units per month, the units of the US's war costs
(:mod:`sim.kernels.flows`); hazards are monthly probabilities.

References
----------
Selten, R. (1975). Reexamination of the perfectness concept for equilibrium points
in extensive games. *International Journal of Game Theory* 4(1), 25-55.

Schelling, T. C. (1966). *Arms and Influence*. Yale University Press.

Puterman, M. L. (1994). *Markov Decision Processes*, ch. 4 (finite-horizon backward
induction).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

#: Walking and staying within this share of their values count as a tie (the US stays): an
#: exact tie of the model (no relief, no pressure that works) computed along two sums can
#: come out a rounding apart, and the credibility of every earlier threat would turn on it.
TIE = 1e-12

#: The US's actions, by index.
ACTIONS = ("hold", "press Ukraine", "press Russia", "press both", "walk away")
WALK = 4


@dataclass(frozen=True)
class PressureParams:
    """The US strategy's parameters, each ``(B,)``, or a dated ``(B, 1)``/``(B, T)``
    column (an event may change it, e.g. the change of administration); see the module
    docstring.

    ``link_cost``: the linked issue's extra cost of pressing Russia (dated: zero
    while the linked crisis is not active); ``months``: ``T``.
    """

    deal_credit: Any
    deal_hazard: Any
    hazard_press_ukraine: Any
    hazard_press_russia: Any
    cost_press_ukraine: Any
    cost_press_russia: Any
    walk_relief: Any
    cheap_talk_share: Any
    aid_pause_share: Any
    walk_aid_cut: Any
    sanctions_bite: Any
    link_cost: Any
    months: int


@dataclass(frozen=True)
class USPolicy:
    """The solved strategy, each ``(B, T)``: ``action`` in 0..3 while engaged (what the
    US would do if it stays), ``walk`` whether it walks at ``t`` (given it has not),
    ``value`` ``V_t``, ``stay`` ``S_t``, ``walk_value`` ``W_t``, ``credible`` whether
    month ``t``'s threat is believed."""

    action: np.ndarray
    walk: np.ndarray
    value: np.ndarray
    stay: np.ndarray
    walk_value: np.ndarray
    credible: np.ndarray


def _series(x, size: int, months: int) -> np.ndarray:
    """A parameter as month-major ``(T, B)``: ``(B,)`` constant, ``(B, 1)``/``(B, T)``
    a dated column (a number broadcasts too)."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim < 2:
        arr = np.reshape(arr, (-1, 1))
    return np.broadcast_to(arr.T, (months, size))


def _action_table(s: dict[str, np.ndarray], t: int) -> tuple[np.ndarray, np.ndarray]:
    """Extra hazards ``g_a`` and costs ``k_a`` of the four stay actions, ``(4, B)``,
    from the month-major series ``s``."""
    gu, gr = s["hazard_press_ukraine"][t], s["hazard_press_russia"][t]
    ku = s["cost_press_ukraine"][t]
    kr = s["cost_press_russia"][t] + s["link_cost"][t]
    zero = np.zeros_like(gu)
    return np.stack([zero, gu, gr, gu + gr]), np.stack([zero, ku, kr, ku + kr])


def solve_us_pressure(cost, delta, p: PressureParams) -> USPolicy:
    """Backward induction of the US's pressure strategy (module docstring).

    Parameters
    ----------
    cost : ``(B, T)`` or ``(B, 1)`` the US's monthly war cost ``w(t)`` (utility units).
    delta : ``(B, T)`` or ``(B, 1)`` the US's monthly discount factor.
    p : the strategy's parameters.

    Returns
    -------
    USPolicy, arrays ``(B, T)`` (views of month-major storage).
    """
    months = p.months
    size = max(np.shape(x)[0] if np.ndim(x) else 1 for x in (cost, delta, *_arrays(p).values()))
    s = {k: _series(v, size, months) for k, v in _arrays(p).items()}
    w, dl = _series(cost, size, months), _series(delta, size, months)
    out = {k: np.empty((months, size)) for k in ("value", "stay", "walk_value")}
    action = np.zeros((months, size), dtype=np.int64)
    walk = np.zeros((months, size), dtype=bool)
    credible = np.zeros((months, size), dtype=bool)
    v_next = np.zeros(size)
    w_next = np.zeros(size)
    walks_next = np.zeros(size, dtype=bool)  # no month after the horizon to walk in
    for t in range(months - 1, -1, -1):
        gains, costs = _action_table(s, t)
        credible[t] = walks_next
        effect = np.where(walks_next, 1.0, s["cheap_talk_share"][t])
        hazard = np.clip(s["deal_hazard"][t] + effect * gains, 0.0, 1.0)
        cont = -w[t] + dl[t] * v_next
        q = hazard * (s["deal_credit"][t] - cont) + cont - costs
        stay = np.max(q, axis=0)
        best = _first_max(q, stay)
        leave = -(1.0 - s["walk_relief"][t]) * w[t] + dl[t] * w_next
        walks = leave > stay + TIE * np.maximum(np.abs(leave), np.abs(stay))
        action[t], walk[t] = best, walks
        out["stay"][t], out["walk_value"][t] = stay, leave
        v_next = out["value"][t] = np.where(walks, leave, stay)
        w_next, walks_next = leave, walks
    return USPolicy(
        action.T, walk.T, out["value"].T, out["stay"].T, out["walk_value"].T, credible.T
    )


def _first_max(q, top):
    """``np.argmax(q, axis=0)`` for a few rows ``q`` ``(K, B)`` whose maximum ``top``
    ``np.max(q, axis=0)`` is known: the first row equal to it, or the first NaN (numpy's
    rule).  numpy's argmax along a short first axis copies and loops set by set, many
    times slower than these ``K`` passes."""
    best = np.full(q.shape[1:], q.shape[0] - 1, dtype=np.int64)
    for k in range(q.shape[0] - 2, -1, -1):
        best = np.where((q[k] == top) | np.isnan(q[k]), k, best)
    return best


def _arrays(p: PressureParams) -> dict[str, Any]:
    """The parameters of ``p`` that are arrays (all but ``months``)."""
    return {f.name: getattr(p, f.name) for f in fields(p) if f.name != "months"}


def path_actions(policy: USPolicy) -> np.ndarray:
    """The US's action on the no-deal path, ``(B, T)``: its choice until the first month
    it walks, :data:`WALK` from then on."""
    walked = np.logical_or.accumulate(policy.walk, axis=1)
    return np.where(walked, WALK, policy.action)


def pressure_effects(policy: USPolicy, p: PressureParams) -> dict[str, np.ndarray]:
    """The war's levers on the no-deal path, ``(B, T)`` each (module docstring)."""
    act = path_actions(policy)
    size, months = act.shape
    pause, bite, cut = (
        _series(x, size, months).T for x in (p.aid_pause_share, p.sanctions_bite, p.walk_aid_cut)
    )
    on_ukraine = (act == 1) | (act == 3)
    on_russia = (act == 2) | (act == 3)
    aid = np.where(act == WALK, 1.0 - cut, 1.0 - pause * on_ukraine)
    russia = 1.0 - bite * on_russia
    return {"aid_kept": aid, "russia_kept": russia, "pressure": act.astype(float)}


def distinct_rows(columns: list[np.ndarray], size: int):
    """``(index, inverse)`` of the distinct parameter sets among ``size`` sets, or None
    to solve them all.  ``columns``: arrays whose first axis is the batch (length 1 or
    ``size``).  The strategies are functions of their own parameters only, so identical
    sets need one solution; as in :func:`sim.games.subgames._distinct_sets`, sorting
    several columns costs more than it saves, so only the cases of no varying column
    (one solution) and one varying column (a one-parameter sweep) are deduplicated."""
    varying = []
    for col in columns:
        arr = np.reshape(np.asarray(col, dtype=float), (np.shape(col)[0], -1))
        if arr.shape[0] > 1 and np.any(arr != arr[:1]):
            varying.append(arr)
    if not varying:
        return np.zeros(1, dtype=np.intp), np.zeros(size, dtype=np.intp)
    if len(varying) == 1 and varying[0].shape[1] == 1:
        _, index, inverse = np.unique(varying[0][:, 0], return_index=True, return_inverse=True)
        # gathering back costs about as much as solving: worth it for few distinct values
        return (index, inverse.reshape(-1)) if len(index) <= size // 4 else None
    return None


def _rows(x, index):
    """Rows ``index`` of a batched array (a length-1 batch axis stays as it is)."""
    arr = np.asarray(x)
    return arr if arr.ndim == 0 or arr.shape[0] == 1 else arr[index]


def us_pressure(batch) -> dict[str, np.ndarray] | None:
    """Solve the US's strategy of a :class:`~sim.model.batch.Batch` and return the war's
    levers (None when the batch has no ``[patrons.us]``); each distinct parameter set is
    solved once (:func:`distinct_rows`)."""
    patrons = getattr(batch, "patrons", None)
    if patrons is None or patrons.us is None:
        return None
    a = patrons.us_index
    cost = np.asarray(batch.costs.base[a], float).T  # (B, T or 1)
    delta = batch.discounting.delta[:, a, :]
    p = patrons.us
    arrays = _arrays(p)
    distinct = distinct_rows([cost, delta, *arrays.values()], batch.size)
    if distinct is None:
        return pressure_effects(solve_us_pressure(cost, delta, p), p)
    index, inverse = distinct
    few = PressureParams(**{k: _rows(v, index) for k, v in arrays.items()}, months=p.months)
    fx = pressure_effects(solve_us_pressure(_rows(cost, index), _rows(delta, index), few), few)
    if len(index) == 1:  # one strategy for the whole batch: read-only views, no copies
        return {k: np.broadcast_to(v, (batch.size, v.shape[1])) for k, v in fx.items()}
    return {k: np.broadcast_to(v, (len(index), v.shape[1]))[inverse] for k, v in fx.items()}


# -- the escalation ladder in the war -------------------------------------------------


@dataclass(frozen=True)
class LadderWar:
    """The solved ladder as the war reads it: ``side`` the receiving war side,
    ``outcomes`` ``(B, K)`` the probabilities of the ``K = 2 (R + 1)`` discrete endings
    (:mod:`sim.games.ladder`), ``capacity`` ``(B, K)`` the capacity (bn/month) each
    ending gives ``side`` (the rungs supplied), ``escalated`` ``(K,)`` 1 where the
    ending is an escalation."""

    side: int
    outcomes: np.ndarray
    capacity: np.ndarray
    escalated: np.ndarray

    @property
    def expected_capacity(self) -> np.ndarray:
        return np.sum(self.outcomes * self.capacity, axis=1)

    @property
    def expected_escalation(self) -> np.ndarray:
        return self.outcomes @ self.escalated

    def offsets(self, uniforms) -> tuple[np.ndarray, np.ndarray]:
        """Per Monte Carlo path, the drawn ending's capacity and escalation less their
        expectations, ``(B, M)`` each: added to the expected (mean-field) levers, a path
        carries whole rungs and a whole escalation or none."""
        from sim.games.ladder import draw_outcomes

        idx = draw_outcomes(self.outcomes, uniforms)
        cap = np.take_along_axis(self.capacity, idx, axis=1)
        esc = self.escalated[idx]
        return cap - self.expected_capacity[:, None], esc - self.expected_escalation[:, None]


def ladder_war(batch) -> LadderWar | None:
    """Solve the batch's escalation ladder (None when it has none)."""
    patrons = getattr(batch, "patrons", None)
    if patrons is None or patrons.ladder is None:
        return None
    from sim.games.ladder import cumulative, solve_ladder

    spec = patrons.ladder
    columns = [*spec.params.values(), spec.capacity]
    distinct = distinct_rows(columns, spec.capacity.shape[0])
    if distinct is None:
        sol = solve_ladder(spec.params, spec.selection)
        outcomes = sol.outcomes
    else:
        index, inverse = distinct
        sol = solve_ladder({k: _rows(v, index) for k, v in spec.params.items()}, spec.selection)
        outcomes = sol.outcomes[inverse]
    by_n = cumulative(spec.capacity)  # (B, R + 1)
    capacity = np.repeat(by_n, 2, axis=1)  # ending 2 n + e has n rungs
    escalated = np.tile([0.0, 1.0], sol.rungs + 1)
    return LadderWar(spec.side, outcomes, capacity, escalated)


def ladder_effects(ladder: LadderWar) -> dict[str, np.ndarray]:
    """The ladder's expectations, ``(B,)``: ``escalated`` (summed into the chance of
    escalation, :func:`sim.kernels.war.escalation_probability`) and ``capacity_bn``, read
    by the one capacity source the batch adds for the ladder (``sim.model.batch``): the
    expectation on the mean-field path; each Monte Carlo path adds its drawn rungs'
    deviation from it (:meth:`LadderWar.offsets`)."""
    return {"capacity_bn": ladder.expected_capacity, "escalated": ladder.expected_escalation}


# -- Europe's budget ------------------------------------------------------------------


def budget_allocation(targets, weights, budget) -> np.ndarray:
    r"""Europe's spending on each use under one fiscal limit, ``(U, ...)``.

    .. math::  \min_x \sum_i w_i (x_i - T_i)^2 \quad \text{s.t.}
               \sum_i x_i \le E,\ x_i \ge 0

    (a quadratic loss around each use's target ``T_i``: the desired level of aid, of PURL
    purchases, of rearmament).  KKT (Boyd & Vandenberghe 2004, sec. 5.5): ``x_i =
    max(0, T_i - lambda c_i)`` with ``c_i = 1 / (2 w_i)``, ``lambda = 0`` when the targets
    fit (``sum T <= E``: the budget does not bind), else the root of ``S(lambda) = E``.
    ``S(lambda) = max_A sum_{i in A} (T_i - lambda c_i)`` over the subsets ``A`` of uses
    (each ``max(0, .)`` picks the positive terms), every line in it decreasing, so the
    root is ``max_A (sum_A T - E) / sum_A c``: exact, for every set at once (the ``2^U - 1``
    subsets of a few uses).

    Parameters
    ----------
    targets, weights : ``(U, ...)`` arrays (weights > 0); budget : ``(...)``.
    """
    T = np.asarray(targets, dtype=float)
    c = 0.5 / np.asarray(weights, dtype=float)
    E = np.asarray(budget, dtype=float)
    T, c = np.broadcast_arrays(T, c)
    uses = T.shape[0]
    lam = np.zeros(np.broadcast_shapes(T.shape[1:], E.shape))
    for mask in range(1, 2**uses):
        members = [i for i in range(uses) if mask >> i & 1]
        lam = np.maximum(lam, (T[members].sum(0) - E) / c[members].sum(0))
    return np.maximum(0.0, T - lam * c)


def europe_budget(batch, effects: dict) -> dict[str, np.ndarray] | None:
    """Europe's allocation month by month, as the war's levers ``(B, T)`` (None without
    ``[patrons.europe]``): ``aid_kept``, ``purl_kept`` the share of the aid and PURL
    sources' levels Europe pays for, ``rearm_bn`` its own rearmament, ``binds`` whether the
    budget binds.  Hedging (the alignment game's ``aligned`` < 1) lowers the aid and PURL
    targets by ``hedge_aid_cut`` / ``hedge_purl_cut`` -- leverage, not abandonment, unless
    the cuts are 1 -- and PURL needs the US to keep supporting (``supported``)."""
    patrons = getattr(batch, "patrons", None)
    if patrons is None or patrons.europe is None:
        return None
    eu = patrons.europe
    sources = batch.war.capacity[eu.side]
    aid, purl = (np.asarray(sources[i].amount, float) for i in (eu.aid, eu.purl))
    aligned = supported = np.ones((batch.size, 1))
    if eu.game is not None:
        game = effects[eu.game]
        aligned = np.reshape(np.asarray(game["aligned"], float), (-1, 1))
        supported = np.reshape(np.asarray(game["supported"], float), (-1, 1))
    inputs = {"aid": aid, "purl": purl, "aligned": aligned, "supported": supported, **eu.values}
    # compact time axis unless something is dated; each distinct set solved once
    months = max(np.shape(x)[-1] for x in inputs.values())
    distinct = distinct_rows(list(inputs.values()), batch.size)
    if distinct is None:
        return _allocate(inputs, batch.size, months)
    index, inverse = distinct
    few = _allocate({k: _rows(x, index) for k, x in inputs.items()}, len(index), months)
    return {k: np.broadcast_to(x, (len(index), months))[inverse] for k, x in few.items()}


def _allocate(inputs: dict[str, np.ndarray], size: int, months: int) -> dict[str, np.ndarray]:
    """:func:`europe_budget` for ``size`` sets over ``months`` (1 when nothing is dated)."""
    v = inputs
    aid, purl, aligned, supported = (v[k] for k in ("aid", "purl", "aligned", "supported"))
    keep_aid = aligned + (1 - aligned) * (1 - v["hedge_aid_cut"])
    keep_purl = supported * (aligned + (1 - aligned) * (1 - v["hedge_purl_cut"]))
    shape = (size, months)

    def each(*xs):
        return np.stack([np.broadcast_to(x, shape) for x in xs])

    targets = each(aid * keep_aid, purl * keep_purl, v["rearm_target_bn"])
    weights = each(v["weight_aid"], v["weight_purl"], v["weight_rearm"])
    budget = np.broadcast_to(v["budget_bn"], shape)
    x = budget_allocation(targets, weights, budget)

    def share(spent, level):
        level = np.broadcast_to(level, shape)
        return np.where(level > 0, spent / np.where(level > 0, level, 1.0), 1.0)

    return {
        "aid_kept": share(x[0], aid),
        "purl_kept": share(x[1], purl),
        "rearm_bn": x[2],
        "binds": (targets.sum(0) > budget).astype(float),
    }


# -- China's fallback -----------------------------------------------------------------


def china_fallback(batch, effects: dict) -> dict[str, np.ndarray] | None:
    """China as Russia's fallback, ``(B, T)`` (None without ``[patrons.china]``).

    ``support``: the multiplier of China's support, ``1 + step_up_collapse * walked(t) +
    step_up_pressure * pressing_russia(t)`` on the no-deal path -- talks failing (the US
    walks away) and US pressure on Russia bring the "grand deal" in (seed 002).  It also
    returns ``russia_kept``, the US pressure's lever on Russia's oil revenue with China's
    purchases absorbing the share ``absorb_share`` of the cut: ``1 - (1 - kept) (1 - a)``,
    which replaces ``us_pressure.russia_kept`` (the engine does this).
    """
    patrons = getattr(batch, "patrons", None)
    if patrons is None or patrons.china is None or "us_pressure" not in effects:
        return None
    c = patrons.china
    act = effects["us_pressure"]["pressure"]
    kept = effects["us_pressure"]["russia_kept"]
    names = ("step_up_collapse", "step_up_pressure", "absorb_share")
    one = _one_set([act, kept, *(c[k] for k in names)], batch.size)
    if one is not None:  # every set alike: the first, as read-only views (the same values)
        act, kept, *rest = one
        c = dict(zip(names, rest, strict=True))
    walked = (act == WALK).astype(float)
    pressing = ((act == 2) | (act == 3)).astype(float)
    support = 1.0 + c["step_up_collapse"] * walked + c["step_up_pressure"] * pressing
    absorbed = 1.0 - (1.0 - kept) * (1.0 - c["absorb_share"])
    if one is not None:
        support, absorbed = (
            np.broadcast_to(x, (batch.size, *x.shape[1:])) for x in (support, absorbed)
        )
    return {"support": support, "russia_kept": absorbed}


def _one_set(arrays: list, size: int) -> list | None:
    """The first parameter set of each array (``x[:1]``) when every set has the same
    values in all of them (:func:`distinct_rows` finds none varying), else None."""
    distinct = distinct_rows(arrays, size)
    if distinct is None or len(distinct[0]) != 1 or size <= 1:
        return None
    return [np.asarray(x)[:1] for x in arrays]


# -- bloc realignment -----------------------------------------------------------------


def bloc_effects(batch) -> dict[str, np.ndarray] | None:
    """The bloc game's outcome as levers ``(B,)`` (None without ``[patrons.blocs]``):
    ``atlantic`` (1 unless the US-Russia thaw formed: US aid and PURL), ``relief``
    (``1 + relief_share`` with the thaw: Russia's oil revenue under US sanctions relief),
    ``china_support`` (``1 - support_cut`` when Europe-China formed), and the game's own
    ``us_russia``, ``europe_china``, ``profile``, ``pure`` (:mod:`sim.games.blocs`)."""
    patrons = getattr(batch, "patrons", None)
    if patrons is None or patrons.blocs is None:
        return None
    from sim.games.blocs import PARAMETERS, solve_blocs

    spec = patrons.blocs
    params = {n: spec[n] for n in PARAMETERS}
    distinct = distinct_rows(list(params.values()), batch.size)
    if distinct is None:
        out = solve_blocs(params)
    else:
        index, inverse = distinct
        few = solve_blocs({k: _rows(v, index) for k, v in params.items()})
        out = {k: v[inverse] for k, v in few.items()}
    out["relief"] = 1.0 + spec["relief_share"] * out["us_russia"]
    out["china_support"] = 1.0 - spec["support_cut"] * out["europe_china"]
    return out
