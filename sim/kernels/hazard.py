r"""The monthly hazard of agreement: offers that can be refused, under private information.

Each month ``t`` one actor is recognised to propose a line, actor ``j`` with probability
``pi_j(t)`` (the scenario's ``recognition``, normalised over actors; equal over the veto
players when nobody is recognised).  Every veto player ``i`` accepts a line ``x`` iff
``x`` lies in its acceptable interval ``[lo_i, hi_i]`` (:func:`sim.kernels.utility.acceptable`).
The others know ``i``'s bounds only up to normal noise: ``lo_i ~ N(m^lo_i, s^lo_i)`` and
``hi_i ~ N(m^hi_i, s^hi_i)`` (a bound at the edge of the map, 0 or the total, is known),
independently across players, so the chance that ``x`` is accepted by everyone but the
proposer is the product

.. math::

    P_j(x) = \prod_{i \in V, i \ne j}
        \Phi\Bigl(\frac{x - m^{lo}_i}{s^{lo}_i}\Bigr)\,\Phi\Bigl(\frac{m^{hi}_i - x}{s^{hi}_i}\Bigr)

(``s = 0``: the indicator of ``m^lo - 1e-9 <= x <= m^hi + 1e-9``, the ZOPA's tolerance;
an actor that accepts no line accepts with probability 0).  The proposer makes the offer
that maximises its expected value -- Fearon's (1995) risk-return trade-off,
:mod:`sim.bargaining.screening` for a line:

* a veto player ``j`` keeps ``u_j(x)`` if the offer is accepted and its reservation
  utility ``rbar_j`` (war) if not, and offers only lines it accepts itself:
  ``x_j = argmax_{x in [lo_j, hi_j]} P_j(x) (u_j(x) - rbar_j)``;
* a proposer without a veto (a mediator, the US in the baseline) is an honest broker
  (Kydd 2006): ``x_j = argmax_x P_j(x)``.

Ties go to agreement (the objective carries ``1e-9 P_j``, so a proposer indifferent
between a deal and war offers the deal).  The hazard is the chance of agreement in the
month, and the line if agreed its probability-weighted offer,

.. math::

    h(t) = \sum_j \pi_j(t)\, P_j(x_j), \qquad
    \bar{x}(t) = \frac{\sum_j \pi_j P_j(x_j)\, x_j}{h(t)} .

*Complete information* (every ``s = 0``): ``P_j`` is the indicator of the ZOPA, the
proposer's best line lies in it whenever it is open (a veto proposer gains
``u_j - rbar_j >= 0`` there), so ``h = 1`` in every month with a ZOPA and 0 otherwise:
the engine's ``first_open_month`` exactly.

*Convention: types are redrawn each month.*  Months are independent trials (a
responder's private shock to its resolve is new each month); a refusal teaches the
proposer nothing about next month's responder.  With persistent types refusals would
be correlated and the chance of agreement by a date lower (Fearon 1995, p. 401).

*Method.*  For each proposer, the maximiser of ``log P_j(x) + log(gain_j(x) + 1e-9)`` on
the zone's hull widened by four standard deviations (intersected with the proposer's own
acceptable lines and with the sides known exactly).  ``log Phi`` is concave and so, for a
proposer with a concave utility (curvature >= 1), is the whole objective (where the
proposer's gain is >= 0, as it is within its own bounds); there the search is a
safeguarded Newton iteration on the objective's slope (:func:`_newton_offer`,
:func:`~sim.bargaining.search.newton_on_interval`, Press et al. 2007, section 9.4) with
the analytic slope ``d/dz log Phi(z) = phi(z)/Phi(z) = sqrt(2/pi) / erfcx(-z/sqrt 2)``
and curvature ``-r (z + r)``: exact to ``XTOL = 1e-12`` of the interval plus rounding
(the golden-section search it replaced: ``RTOL = 1e-4``), about 3-6 slope evaluations a
row instead of 40 objective evaluations, never a lower objective than the golden search
(a test, with brute force and scipy).  Ties go left: where the broker's ``P`` is 1 in
double precision over a range of lines (every side more than ~37.7 spreads away) its
offer is the range's left end, as before.  For a convex utility (curvature < 1) a grid of
33 lines brackets the maximum, a golden-section search refines it to ``RTOL``, and the
best of that line, the zone's two ends and the proposer's ideal line clipped into the
zone is kept (so the complete-information limit, where ``P_j`` is an indicator, is
exact).  The kind of search is chosen row by row: a row's offer does not depend on the
other rows of its batch (a test).

:func:`hazard_blocked` skips what cannot matter: months in which the veto players'
mean bounds are more than 17 spreads apart (no offer is accepted with a chance above
``Phi(-8.5) < 1e-17``; ``h = 0``) and, optionally, the months after a set's chance of
no agreement has fallen below ``cutoff``.  Within a month, :func:`hazard` and
:func:`best_offer` search only what can matter, and every skip leaves each searched
offer bit for bit as a search of every row with every side finds it:

* a proposer is not searched in a month where it is not recognised (its offer is
  weighted by 0), where it makes no deal (a veto proposer that accepts no line, or none
  near the zone: ``p = 0`` exactly), or where :func:`negligible` bounds the chance that
  any line it can offer is accepted below ``Phi(-8.5) < 1e-17`` (each pair of crossing
  sides with its own spreads, the proposer's own bounds known to it): ``p = 0`` there,
  within 1e-17, as for :func:`far_apart`;
* a responder's side is left out of a row's objective where it cannot change any value
  the search reads, all of which lie in the search's interval: an uncertain side whose
  ``log Phi`` is exactly ``-0.0`` over the whole interval (its argument ``>= 38.5``), a
  side known exactly that every line of the interval meets; the remaining uncertain
  sides are packed so that ``log Phi`` is computed only where a row has one
  (:class:`Constraints`), each row's sum in the same order as before.

numpy, :func:`scipy.special.log_ndtr` and :func:`scipy.special.erfcx` (not the array
API: ``Phi`` has no standard form).

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. *International Organization*
49(3), 379-414.

Kydd, A. H. (2006). When can mediators build trust? *American Political Science Review*
100(3), 449-462.

Press, W. H., Teukolsky, S. A., Vetterling, W. T., Flannery, B. P. (2007). *Numerical
Recipes*, 3rd ed., section 9.4. Cambridge University Press.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from scipy.special import erfcx, log_ndtr

from sim.bargaining.search import maximize_on_interval, newton_on_interval

#: The ZOPA's tolerance (km2), as :func:`sim.kernels.zopa.intersect`.
TOL = 1e-9
#: The search's relative tolerance, and the grid that brackets the maximum when the
#: objective need not be unimodal (a proposer with a convex utility, curvature < 1).
GRID, RTOL = 33, 1e-4
#: The Newton search's tolerance, as a fraction of the interval (plus rounding).
XTOL = 1e-12


@dataclass(frozen=True)
class HazardInputs:
    """What the hazard reads, arrays over ``N`` flattened (set, month) pairs.

    ``lo, hi, sd_lo, sd_hi, rbar, rest`` ``(N, n)``: each actor's mean acceptable bounds
    (NaN: accepts no line), their spreads (km2), reservation utility and utility of the
    deal's other dimensions; ``weight, ideal, curvature`` ``(N, n)`` the line's utility
    term; ``span, total`` ``(N,)``; ``veto`` ``(N, n)`` bool; ``recognition`` ``(N, n)``.
    """

    lo: Any
    hi: Any
    sd_lo: Any
    sd_hi: Any
    rbar: Any
    rest: Any
    weight: Any
    ideal: Any
    curvature: Any
    span: Any
    total: Any
    veto: Any
    recognition: Any

    def take(self, rows, names=None) -> HazardInputs:
        """The rows ``rows`` of every array (of the fields ``names`` only: None elsewhere)."""
        return HazardInputs(
            *(
                np.take(getattr(self, f.name), rows, axis=0)
                if names is None or f.name in names
                else None
                for f in fields(self)
            )
        )


def _across(fn, a):
    """``fn.reduce(a, axis=1)`` over the few actors, a column at a time (the same values,
    much faster than a reduction along a short last axis)."""
    out = a[:, 0]
    for i in range(1, a.shape[1]):
        out = fn(out, a[:, i])
    return out


#: ``log Phi(OFF) == 0`` in double precision: the argument of a side that does not count.
OFF = 40.0


@dataclass(frozen=True)
class Constraints:
    """The responders' uncertain sides as ``log Phi(a x + b)`` terms (``a = +-1/s``), the
    sides known exactly for some rows as ``(bound, sign, rows)`` (the indicator
    ``sign (x - bound) >= -TOL``), and the rows with a responder that accepts no line
    (``refuses``).

    The terms are packed: term ``t`` holds each row's ``t``-th uncertain side (in the
    order of the responders, lower side first), as ``(a, b, rows)`` with ``rows`` the
    indices of the rows that have one (None: every row, ``a, b`` ``(N,)``; else ``a, b``
    over those rows).  Each row's log chance is then the same sum in the same order as
    with one term per side, without the sides that do not count for it
    (``log Phi(OFF) = -0.0`` adds nothing)."""

    terms: tuple
    exact: tuple
    refuses: Any


#: A packed term is computed on its rows only when fewer than this share of rows have it.
SPARSE = 0.8


#: ``log Phi(z) == -0.0`` exactly for every ``z >= SATURATED`` (from ``z ~ 37.68`` on, where
#: ``Phi(-z)`` underflows): a side whose term is at least this on the whole search interval
#: adds nothing to any row's sum there.
SATURATED = 38.5


def constraints(inp: HazardInputs, responders, interval=None) -> Constraints:
    """:class:`Constraints` of ``responders`` (``(N, n)`` bool), once per proposer.

    ``interval`` (``(lo, hi)``, ``(N,)``, optional): the lines ``x`` at which the
    constraints will be read (within rounding).  A row's side that cannot matter there is
    left out for that row, with no effect on any value read there: an uncertain side
    whose ``log Phi`` term is ``>= SATURATED`` at both ends (exactly ``-0.0`` in between,
    the term being linear in ``x``), and a side known exactly that every line of the
    interval meets (the interval widened by ``1e-9`` of its ends' magnitude for both, far
    beyond the rounding of the lines read)."""
    sides, exact = [], []
    refuses = np.zeros(inp.lo.shape[0], dtype=bool)
    if interval is not None:  # widened far beyond rounding, so that every x read lies in it
        pad = 1e-9 * (1.0 + np.abs(interval[0]) + np.abs(interval[1]))
        interval = (interval[0] - pad, interval[1] + pad)
    for i in range(inp.lo.shape[1]):
        r = responders[:, i]
        if not r.any():
            continue
        none = np.isnan(inp.lo[:, i])
        lo, hi = inp.lo[:, i], inp.hi[:, i]
        if none.any():
            refuses |= r & none
            lo, hi = np.where(none, 0.0, lo), np.where(none, 0.0, hi)
            r = r & ~none
        for bound, sd, sign, known in (
            (lo, inp.sd_lo[:, i], 1.0, lo <= 0.0),
            (hi, inp.sd_hi[:, i], -1.0, hi >= inp.total),
        ):
            active = r & ~known
            positive = sd > 0
            fuzzy = active & positive
            if fuzzy.all():  # the same values as below, without the masks
                inv = 1.0 / sd
                a, b = sign * inv, -sign * bound * inv
            elif fuzzy.any():
                inv = np.where(fuzzy, 1.0 / np.where(fuzzy, sd, 1.0), 0.0)
                a, b = sign * inv, np.where(fuzzy, -sign * bound * inv, OFF)
            if fuzzy.any():
                if interval is not None:
                    ends = np.minimum(a * interval[0] + b, a * interval[1] + b)
                    fuzzy = fuzzy & ~(ends >= SATURATED)
                if fuzzy.any():
                    sides.append((a, b, fuzzy))
            sharp = active & ~positive
            if sharp.any() and interval is not None:
                ends = np.minimum(sign * (interval[0] - bound), sign * (interval[1] - bound))
                sharp = sharp & ~(ends >= 0.0)
            if sharp.any():
                exact.append((bound, sign, sharp))
    return Constraints(_pack(sides), tuple(exact), refuses)


def _pack(sides) -> tuple:
    """The sides ``(a, b, rows)`` ``(N,)`` packed into :class:`Constraints`' terms."""
    if not sides:
        return ()
    n = sides[0][0].shape[0]
    rank = np.zeros(n, dtype=np.int64)  # uncertain sides of each row so far
    packed: list = []
    for a, b, rows in sides:
        for _ in range(len(packed), int((rank + rows).max())):
            packed.append((np.zeros(n), np.full(n, OFF), np.zeros(n, dtype=bool)))
        slot = np.where(rows, rank, -1)
        for t, (pa, pb, pr) in enumerate(packed):
            here = slot == t
            if here.any():
                np.copyto(pa, a, where=here)
                np.copyto(pb, b, where=here)
                pr |= here
        rank += rows
    terms = []
    for pa, pb, pr in packed:
        if pr.mean() < SPARSE:
            idx = np.flatnonzero(pr)
            terms.append((pa[idx], pb[idx], idx))
        else:
            terms.append((pa, pb, None))
    return tuple(terms)


def log_acceptance_of(x, c: Constraints) -> Any:
    """``log P(x)`` (``(K, N)``) from :func:`constraints`."""
    out = np.zeros(x.shape)
    for a, b, rows in c.terms:
        z = a * (x if rows is None else np.take(x, rows, axis=1))
        z += b
        log_ndtr(z, out=z)
        if rows is None:
            out += z
        elif x.shape[0] == 1:  # the same sums, indexed along one axis (much faster)
            o = out[0]
            o[rows] += z[0]
        else:
            out[:, rows] += z
    for bound, sign, rows in c.exact:
        out = np.where(rows & (sign * (x - bound) < -TOL), -np.inf, out)
    if c.refuses.any():
        out = np.where(c.refuses, -np.inf, out)
    return out


def log_acceptance(x, inp: HazardInputs, responders) -> Any:
    """``log P(x)``: the log of the chance that every responder accepts ``x``
    (``(K, N)``), the sum over ``responders`` (``(N, n)`` bool) of each one's log chance
    (``log Phi`` of each uncertain bound; 0 or ``-inf`` for one known exactly; 0 for a
    bound at the edge of the map; ``-inf`` for a responder that accepts no line)."""
    return log_acceptance_of(x, constraints(inp, responders))


def acceptance(x, inp: HazardInputs, responders) -> Any:
    """``P(x)`` (see :func:`log_acceptance`)."""
    return np.exp(log_acceptance(x, inp, responders))


@dataclass(frozen=True)
class _Gain:
    """``log(gain_j(x) + 1e-9)``, the proposer's parameters read once."""

    ideal: Any
    scale: Any
    curvature: Any
    level: Any
    veto: Any
    linear: bool

    @classmethod
    def of(cls, inp: HazardInputs, j: int, is_veto, rows=None) -> _Gain:
        """Proposer ``j``'s gain on the rows ``rows`` of ``inp`` (None: every row)."""
        at = slice(None) if rows is None else rows

        def col(v):  # a column, then its rows (much faster than v[rows, j])
            return v[:, j][at]

        curv, weight = col(inp.curvature), col(inp.weight)
        span = inp.span[at]
        return cls(
            col(inp.ideal),
            weight / span ** np.where(curv == 1.0, 1.0, curv),
            curv,
            weight + col(inp.rest) - col(inp.rbar),
            is_veto,
            bool(np.all(curv == 1.0)),
        )

    def log(self, x):
        if not self.veto.any():
            return np.log1p(1e-9)
        d = np.abs(x - self.ideal)
        if not self.linear:
            d = d**self.curvature
        # level - scale d, floored at 0, plus 1e-9, logged (in place: the same values)
        out = np.multiply(self.scale, d, out=d)
        np.subtract(self.level, out, out=out)
        np.maximum(out, 0.0, out=out)
        out += 1e-9
        np.log(out, out=out)
        return out if self.veto.all() else np.where(self.veto, out, np.log1p(1e-9))


def _interval(inp: HazardInputs, responders, j: int, is_veto):
    """The proposer's search interval and the zone of the responders' mean bounds."""
    # fmax over the responders' lower bounds (NaN: all responders refuse), fmin over their
    # upper bounds, max over their spreads, a column at a time in the actors' order (a
    # column without responders enters as its fill, a scalar: the same values)
    n = responders.shape[0]
    for i in range(responders.shape[1]):
        r = responders[:, i]
        if r.any():
            sd = np.maximum(inp.sd_lo[:, i], inp.sd_hi[:, i])
            cols = (np.where(r, inp.lo[:, i], -np.inf), np.where(r, inp.hi[:, i], np.inf))
            cols += (np.where(r, sd, 0.0),)
        else:
            cols = (-np.inf, np.inf, 0.0)
        if i == 0:
            zlo, zhi, s = (np.broadcast_to(c, (n,)) for c in cols)
        else:
            zlo, zhi, s = np.fmax(zlo, cols[0]), np.fmin(zhi, cols[1]), np.maximum(s, cols[2])
    a = np.clip(np.minimum(zlo, zhi) - 4.0 * s, 0.0, inp.total)
    b = np.clip(np.maximum(zlo, zhi) + 4.0 * s, 0.0, inp.total)
    own = is_veto & ~np.isnan(inp.lo[:, j])
    a = np.where(own, np.maximum(a, inp.lo[:, j]), a)
    b = np.where(own, np.minimum(b, inp.hi[:, j]), b)
    # A veto proposer that accepts no line, or none near the zone, makes no deal.
    dead = (is_veto & np.isnan(inp.lo[:, j])) | (a > b + TOL)
    b = np.maximum(a, b)
    return a, b, np.clip(zlo, a, b), np.clip(zhi, a, b), dead


class _Slopes:
    """The objective's slopes for :func:`~sim.bargaining.search.newton_on_interval`: the
    responders' uncertain sides as dense ``(T, N)`` arrays (a row without a ``t``-th side
    has ``a = 0, b = OFF``, whose terms are exactly 0) and the proposer's gain.

    ``d/dz log Phi(z) = phi(z) / Phi(z) = sqrt(2/pi) / erfcx(-z / sqrt 2)`` (the inverse
    Mills ratio, stable in both tails: ``erfcx`` is the scaled complementary error
    function, so nothing underflows for ``z << 0``; it is exactly 0 for ``z > 37.7``) and
    ``d^2/dz^2 log Phi(z) = -r (z + r)``, ``r = phi/Phi``.  The gain's
    ``log(max(G, 0) + 1e-9)``, ``G = level - scale |x - ideal|^c``, has slope
    ``G' / (G + 1e-9)`` and curvature ``G'' / (G + 1e-9) - (G' / (G + 1e-9))^2`` (``G``
    floored at 0 in the denominators), one-sided at ``x = ideal`` (a kink when ``c = 1``)."""

    def __init__(self, cons: Constraints, gain: _Gain, rows):
        n = cons.refuses.shape[0]
        a = np.zeros((len(cons.terms), n))
        b = np.full((len(cons.terms), n), OFF)
        for t, (ta, tb, idx) in enumerate(cons.terms):
            if idx is None:
                a[t], b[t] = ta, tb
            else:
                a[t, idx], b[t, idx] = ta, tb
        # the rows searched, numbered 0.. as newton_on_interval numbers them
        sub = _Gain(*(getattr(gain, f.name)[rows] for f in fields(gain)[:-1]), gain.linear)
        self.a, self.b, self.gain = np.take(a, rows, axis=1), np.take(b, rows, axis=1), sub
        self._rows = None

    def __call__(self, x, rows):
        if self._rows is not rows:
            self._compact(rows)
        left = np.zeros(x.shape)
        curv = np.zeros(x.shape)
        a, b = self._a, self._b
        if a.shape[0]:
            z = a * x
            z += b
            r = np.multiply(z, -_SQRT_HALF)
            erfcx(r, out=r)
            np.divide(_SQRT_2_OVER_PI, r, out=r)
            ar = a * r
            z += r
            z *= ar
            z *= a  # a^2 r (z + r)
            for t in range(a.shape[0]):  # in the order of the sides, as log P's sum
                left += ar[t]
                curv -= z[t]
        right = left.copy()
        if self._veto is not None:
            self._gain(x, left, right, curv)
        return left, right, curv

    def _compact(self, rows):
        """Keep the rows ``rows`` (indices into the arrays given at construction, all
        of them or fewer than before)."""
        g = self.gain
        self._rows = rows
        if rows.size == self.a.shape[1]:  # every row (the first step)
            rows = slice(None)
        if isinstance(rows, slice):
            self._a, self._b = self.a, self.b
        else:  # np.take: much faster than fancy indexing along the second axis
            self._a, self._b = np.take(self.a, rows, axis=1), np.take(self.b, rows, axis=1)
        veto = g.veto[rows]
        self._veto = None
        if veto.any():
            c = g.curvature[rows]
            every = bool(veto.all())
            self._veto = (veto, g.ideal[rows], g.scale[rows], c, g.level[rows], g.linear, every)

    def _gain(self, x, left, right, curv):
        v, ideal, scale, c, level, linear, every = self._veto
        d = x - ideal
        ad = np.abs(d)
        if linear:  # c = 1: the same values as the general case, in fewer passes
            big = np.multiply(scale, ad, out=ad)
            np.subtract(level, big, out=big)
            slope, bend = scale, None
        else:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                big = level - scale * ad**c
                slope = scale * c * ad ** (c - 1.0)
                bend = -scale * c * (c - 1.0) * ad ** (c - 2.0)
                bend = np.where(np.isfinite(bend), bend, 0.0)
        # on the floor (G <= 0: only at the proposer's own bounds, by rounding) the
        # slope of G itself: it points back into the interval
        np.maximum(big, 0.0, out=big)
        big += 1e-9
        inv = np.divide(1.0, big, out=big)
        if not every:
            inv = np.where(v, inv, 0.0)
        neg = -slope
        s_right = np.where(d >= 0, neg, slope)
        s_right *= inv
        s_left = np.where(d > 0, neg, slope)
        s_left *= inv
        left += s_left
        right += s_right
        # the one-sided curvature: ``s_right`` is also the left slope where ``d < 0``
        # (both are ``slope * inv`` there)
        if bend is None:  # ``0 * inv - s^2``: the same values (``curv`` is never -0.0)
            curv -= s_right**2
        else:
            curv += bend * inv - s_right**2


#: ``sqrt(1/2)`` and ``sqrt(2/pi)``, for the inverse Mills ratio through ``erfcx``.
_SQRT_HALF, _SQRT_2_OVER_PI = np.sqrt(0.5), np.sqrt(2.0 / np.pi)


def _saturation() -> float:
    """The smallest ``z`` (to rounding) with ``log_ndtr(z) == -0.0`` (about 37.677)."""
    lo, hi = 30.0, 40.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if log_ndtr(mid) == 0.0 else (mid, hi)
    return hi


#: Past this argument (``log_ndtr`` saturated, plus 1e-9 for rounding) a side's
#: ``log Phi`` is exactly ``-0.0``.
ZSAT = _saturation() + 1e-9


def _plateau(cons: Constraints, a, b):
    """Where a proposer without a gain (the honest broker) has ``log P == 0`` in double
    precision somewhere on ``[a, b]``: the left end ``L`` of that range (ties go left),
    the largest ``x`` at which a lower side reaches :data:`ZSAT`; and whether it exists
    (``log P(L) == 0``)."""
    left = a.copy()
    for ta, tb, rows in cons.terms:
        with np.errstate(divide="ignore", invalid="ignore"):
            at = np.where(ta > 0, (ZSAT - tb) / np.where(ta > 0, ta, 1.0), -np.inf)
        if rows is None:
            np.maximum(left, at, out=left)
        else:
            left[rows] = np.maximum(left[rows], at)
    ok = (left <= b) & (log_acceptance_of(left[None, :], cons)[0] == 0.0)
    return left, ok


def _monotone(cons: Constraints, n: int):
    """``(up, down)`` ``(N,)`` bool: every uncertain side of a row is a lower side (``P``
    rises with ``x``), or every one an upper side (``P`` falls); neither for a row with
    none."""
    lower, upper = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for ta, _, rows in cons.terms:
        idx = slice(None) if rows is None else rows
        lower[idx] |= ta > 0
        upper[idx] |= ta < 0
    return lower & ~upper, upper & ~lower


def _clamp(cons: Constraints, a, b):
    """The search's interval within the sides known exactly (a line beyond one is refused
    for sure): ``[max(a, lower bounds), min(b, upper bounds)]``; and where it is empty."""
    a, b = a.copy(), b.copy()
    for bound, sign, rows in cons.exact:
        if sign > 0:
            a = np.where(rows, np.maximum(a, bound), a)
        else:
            b = np.where(rows, np.minimum(b, bound), b)
    empty = a > b
    return a, np.maximum(a, b), empty


def offers(inp: HazardInputs, j: int, rows, *, prune: bool = True, box=None) -> tuple[Any, Any]:
    """Proposer ``j``'s offer and its chance of acceptance on the rows ``rows`` (an index
    array) of ``inp``, each row on its own.

    Where the proposer's curvature is ``>= 1`` the objective is concave: the offer is
    :func:`_newton_offer`'s maximiser (exact to ``XTOL`` of the interval plus rounding).
    Elsewhere the grid of ``GRID`` lines brackets the maximum, the golden-section search
    refines it to ``RTOL``, and the best of that line, the zone's ends and the proposer's
    ideal line is kept.  ``prune`` (the default) leaves out the responders' sides that
    cannot change any value the search reads (:func:`constraints`); False keeps every
    side (the same offers, bit for bit: a test).  ``box``: :func:`_interval`'s values,
    if computed already."""
    is_veto = inp.veto[:, j]
    responders = inp.veto.copy()
    responders[:, j] = False
    a, b, zlo, zhi, _ = box or _interval(inp, responders, j, is_veto)
    x, p = np.zeros(len(rows)), np.zeros(len(rows))
    concave = inp.curvature[:, j][rows] >= 1.0
    for kind in (concave, ~concave):
        if not kind.any():
            continue
        keep = rows[kind]
        # what constraints read (the proposer's own columns are read by _Gain.of)
        sub = inp.take(keep, ("lo", "hi", "sd_lo", "sd_hi", "total"))
        box = tuple(v[keep] for v in (a, b, zlo, zhi))
        cons = constraints(sub, np.take(responders, keep, axis=0), box[:2] if prune else None)
        gain = _Gain.of(inp, j, is_veto[keep], keep)
        if kind is concave:
            found = _newton_offer(cons, gain, box)
            x[kind], p[kind] = found, np.exp(log_acceptance_of(found[None, :], cons)[0])
            continue

        def objective(v, cons=cons, gain=gain):
            return log_acceptance_of(v, cons) + gain.log(v)

        found = maximize_on_interval(objective, box[0], box[1], grid=GRID, rtol=RTOL)
        ideal = np.clip(gain.ideal, np.minimum(box[2], box[3]), np.maximum(box[2], box[3]))
        candidates = np.stack([found, box[2], box[3], ideal])
        log_p = log_acceptance_of(candidates, cons)
        best = np.argmax(log_p + gain.log(candidates), axis=0)[None, :]
        x[kind] = np.take_along_axis(candidates, best, axis=0)[0]
        p[kind] = np.exp(np.take_along_axis(log_p, best, axis=0)[0])
    return x, p


def _newton_offer(cons: Constraints, gain: _Gain, box):
    """The concave objective's maximiser on ``[a, b]`` within the sides known exactly:
    the honest broker's range of ``P == 1`` (in double precision) at its left end where
    there is one (ties go left); the broker's end of the interval where ``P`` is monotone
    (every uncertain side of one kind); else the safeguarded Newton search on the slopes
    (:class:`_Slopes`, :func:`~sim.bargaining.search.newton_on_interval`), from the
    proposer's ideal line clipped into the zone (a veto proposer) or the middle of the
    zone (the broker)."""
    a, b, zlo, zhi = box
    lo, hi, empty = _clamp(cons, a, b)
    # no line of [a, b] meets the sides known exactly: p = 0 at any of them (a, say)
    found = np.where(empty, a, lo)
    todo = ~empty & ~cons.refuses  # a responder refuses every line: p = 0 whatever the line
    broker = ~gain.veto
    if broker.any():
        flat, on = _plateau(cons, lo, hi)
        use = broker & on & todo
        found = np.where(use, flat, found)
        todo &= ~use
        # P monotone (every side of one kind): its end of the interval, exactly
        up, down = _monotone(cons, lo.shape[0])
        found = np.where(broker & todo & down, lo, np.where(broker & todo & up, hi, found))
        todo &= ~(broker & (up | down))
    rows = np.flatnonzero(todo)
    if rows.size:
        inside = np.clip(gain.ideal, np.minimum(zlo, zhi), np.maximum(zlo, zhi))
        start = np.where(gain.veto, inside, 0.5 * (zlo + zhi))
        slopes = _Slopes(cons, gain, rows)
        found[rows] = newton_on_interval(slopes, lo[rows], hi[rows], start[rows], xtol=XTOL)[0]
    return found


def best_offer(inp: HazardInputs, j: int, skip=None) -> tuple[Any, Any]:
    """Proposer ``j``'s offer ``x_j`` and its chance of acceptance ``P_j(x_j)``, ``(N,)``.

    ``skip`` (``(N,)`` bool, optional): rows not searched (``x = 0, p = 0``), as the rows
    where the proposer makes no deal (``p = 0`` exactly, whatever ``x``).  Each row is
    searched on its own (:func:`offers`): the kind of search is chosen row by row, so a
    row's offer does not depend on the other rows of the batch."""
    responders = inp.veto.copy()
    responders[:, j] = False
    box = _interval(inp, responders, j, inp.veto[:, j])
    drop = box[4] if skip is None else box[4] | skip
    x, p = np.zeros(drop.shape), np.zeros(drop.shape)
    keep = np.flatnonzero(~drop)
    if keep.size:
        x[keep], p[keep] = offers(inp, j, keep, box=box)
    return x, p


#: A proposer whose every offer is refused but with a chance below ``Phi(-NEGLIGIBLE)``
#: (``Phi(-8.5) = 9.5e-18 < 1e-17``) is not searched: ``p = 0`` (within 1e-17).
NEGLIGIBLE = 8.5


def negligible(inp: HazardInputs, proposers) -> Any:
    r"""``(N, len(proposers))`` bool: every line proposer ``j`` can offer is accepted with a
    chance below ``Phi(-8.5) < 1e-17`` (or a veto player accepts no line).

    For a lower side ``(m^lo_i, s^lo_i)`` and an upper side ``(m^hi_k, s^hi_k)`` of veto
    players (``i = k`` included) that cross by ``D = m^lo_i - m^hi_k``, at any line one of
    the two standardised distances is at most ``-D / (s^lo_i + s^hi_k)``, so
    ``P_j(x) <= Phi(-D / (s^lo_i + s^hi_k))``.  A veto proposer offers only lines within
    its own mean bounds (the search's interval): its own sides count as known
    (``s = 0``); a side known exactly is met within ``TOL`` (hence ``D - 2 TOL``); a
    bound at the edge of the map constrains nothing.  Tighter than :func:`far_apart`
    (each pair's own spreads, the proposer's sides known), and per proposer."""
    v = inp.veto
    cols = [i for i in range(v.shape[1]) if v[:, i].any()]
    none = _across(np.logical_or, v & np.isnan(inp.lo))
    with np.errstate(invalid="ignore"):
        lo = {i: np.where(v[:, i] & (inp.lo[:, i] > 0.0), inp.lo[:, i], -np.inf) for i in cols}
        hi = {k: np.where(v[:, k] & (inp.hi[:, k] < inp.total), inp.hi[:, k], np.inf) for k in cols}
    out = np.empty((v.shape[0], len(proposers)), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for col, j in enumerate(proposers):
            own = v[:, j] if j in cols else None
            z = np.full(v.shape[0], -np.inf)
            for i in cols:
                s_lo = inp.sd_lo[:, i] if i != j else np.where(own, 0.0, inp.sd_lo[:, i])
                for k in cols:
                    s_hi = inp.sd_hi[:, k] if k != j else np.where(own, 0.0, inp.sd_hi[:, k])
                    # s = 0: +inf where the sides cross, else -inf or NaN (fmax skips NaN)
                    z = np.fmax(z, (lo[i] - hi[k] - 2.0 * TOL) / (s_lo + s_hi))
            out[:, col] = none | (z > NEGLIGIBLE)
    return out


def hazard(inp: HazardInputs) -> tuple[Any, Any]:
    """The monthly hazard of agreement ``h`` and the expected line if agreed, ``(N,)``
    (NaN where ``h = 0``).  See the module docstring."""
    rec = np.where(np.isfinite(inp.recognition), inp.recognition, 0.0)
    anyone = rec.sum(axis=1, keepdims=True) > 0
    weights = np.where(anyone, rec, inp.veto.astype(float))  # nobody recognised: the vetoes
    num, line, total = (np.zeros(inp.lo.shape[0]) for _ in range(3))
    proposers = [j for j in range(inp.lo.shape[1]) if np.any(weights[:, j] > 0)]
    skip = negligible(inp, proposers)
    for col, j in enumerate(proposers):  # a loop over the few actors, not over sets
        # Not searched: rows where j is not recognised (its offer counts for nothing)
        # and rows where every offer of j is refused but with a chance below 1e-17.
        x, p = best_offer(inp, j, (weights[:, j] <= 0) | skip[:, col])
        # Summed in one order with the total, so that all-accepted months give exactly 1.
        num = num + weights[:, j] * p
        line = line + weights[:, j] * p * x
        total = total + weights[:, j]
    h = np.clip(num / np.where(total > 0, total, 1.0), 0.0, 1.0)
    return h, np.where(num > 0, line / np.where(num > 0, num, 1.0), np.nan)


def far_apart(inp: HazardInputs):
    """``(N,)`` bool: no offer can be accepted with a chance above ``Phi(-8.5) < 1e-17``:
    a veto player accepts no line, or the veto players' mean bounds cross by more than 17
    of the largest spread (every line is then more than 8.5 spreads outside one bound)."""
    v = inp.veto
    none = _across(np.logical_or, v & np.isnan(inp.lo))
    lo = _across(np.maximum, np.where(v, np.nan_to_num(inp.lo, nan=np.inf), -np.inf))
    hi = _across(np.minimum, np.where(v, np.nan_to_num(inp.hi, nan=-np.inf), np.inf))
    s = _across(np.maximum, np.where(v, np.maximum(inp.sd_lo, inp.sd_hi), 0.0))
    return none | (lo - hi > 17.0 * s + TOL)


def hazard_blocked(inp: HazardInputs, sets: int, *, block: int = 4, cutoff: float | None = None):
    """:func:`hazard` for ``sets`` sets of ``N / sets`` months each (set-major rows),
    ``(sets, months)``, a block of months at a time: the months :func:`far_apart` get
    ``h = 0`` (within 1e-17) without a search; with ``cutoff``, a set whose chance of no
    agreement has fallen below it is not searched in later blocks (``h = 0`` there: its
    chance of agreement by then is within ``cutoff`` of 1 already)."""
    months = inp.lo.shape[0] // sets
    far = far_apart(inp).reshape(sets, months)
    h = np.zeros((sets, months))
    line = np.full((sets, months), np.nan)
    alive = np.ones(sets, dtype=bool)
    survival = np.ones(sets)
    for t0 in range(0, months, block):
        t1 = min(months, t0 + block)
        b_idx, t_idx = np.nonzero(alive[:, None] & ~far[:, t0:t1])
        if b_idx.size:
            flat = b_idx * months + t0 + t_idx  # the rows of inp, and of h and line flattened
            hh, ll = hazard(inp.take(flat))
            h.reshape(-1)[flat], line.reshape(-1)[flat] = hh, ll
        survival = survival * np.prod(1.0 - h[:, t0:t1], axis=1)
        if cutoff is not None:
            alive &= survival > cutoff
    return h, line


# -- from the engine's arrays ------------------------------------------------------


@dataclass(frozen=True)
class Perceived:
    """The model's arrays the hazard starts from, ``(B, n, T)`` over the months read:
    ``rbar`` on each actor's own (biased) path, ``rbar_neutral`` on the neutral one,
    ``rbar_shifted`` with every belief moved by the prior's spread (None: no
    uncertainty), ``rest`` the other dimensions' utility; ``weight`` ``(B, T)`` the
    prior's weight ``w_t`` (:func:`sim.kernels.learning.prior_weight`); ``limits`` the
    red lines' ``(floor, cap)`` on the line (:func:`sim.kernels.ratification.line_limits`;
    None: none), known to all: no type can buy them."""

    rbar: Any
    rbar_neutral: Any
    rbar_shifted: Any
    rest: Any
    weight: Any
    limits: tuple | None = None


def _spread(mean, tough, soft):
    """How far a bound moves for a one-spread tougher (else softer) type; 0 if unknown."""
    d = np.where(np.isnan(tough), np.abs(mean - soft), np.abs(tough - mean))
    return np.where(np.isnan(d), 0.0, d)


def _flat(a, shape):
    """``(B, n, T)`` (broadcast) as ``(B * T, n)``, set-major."""
    a = np.broadcast_to(a, shape)
    return np.ascontiguousarray(np.moveaxis(a, 1, 2)).reshape(-1, shape[1])


def hazard_inputs(prefs, perceived: Perceived, veto, recognition) -> HazardInputs:
    """The perceived bounds month by month, learning included.

    Optimism shrinks with the prior's weight (:mod:`sim.kernels.learning`): an actor's
    perceived reservation utility is ``rbar^0 + w_t (rbar^own - rbar^0)`` (first order
    in its belief bias: ``rbar`` on the neutral path plus the bias's effect, scaled
    by ``w_t``).  The others' uncertainty about it is the effect of one prior spread of
    the belief, also shrinking with ``w_t``: ``delta_t = w_t |rbar^shifted - rbar^own|``;
    a bound's spread is how far it moves when ``rbar`` moves by ``delta_t``.
    ``prefs`` is the line's part of :class:`~sim.model.batch.Preferences` at these months.
    """
    from sim.kernels.utility import acceptable
    from sim.model.scenario import LINE

    w = perceived.weight[:, None, :]
    rbar = perceived.rbar_neutral + w * (perceived.rbar - perceived.rbar_neutral)
    rest = perceived.rest
    limits = perceived.limits
    lo, hi = acceptable(prefs, rbar, rest, limits)
    shape = rbar.shape
    if perceived.rbar_shifted is None:
        sd_lo = sd_hi = np.zeros(shape)
    else:
        delta = w * np.abs(perceived.rbar_shifted - perceived.rbar)
        tough = acceptable(prefs, rbar + delta, rest, limits)
        # the softer type is read only where the tougher one accepts no line and the mean
        # type does (rare): where no bound needs it, any value gives the same spreads
        need = (np.isnan(tough[0]) & ~np.isnan(lo)).any() or (
            np.isnan(tough[1]) & ~np.isnan(hi)
        ).any()
        soft = acceptable(prefs, rbar - delta, rest, limits) if need else tough
        sd_lo = _spread(lo, tough[0], soft[0])
        sd_hi = _spread(hi, tough[1], soft[1])
    B, _, T = shape
    return HazardInputs(
        lo=_flat(lo, shape),
        hi=_flat(hi, shape),
        sd_lo=_flat(sd_lo, shape),
        sd_hi=_flat(sd_hi, shape),
        rbar=_flat(rbar, shape),
        rest=_flat(rest, shape),
        weight=_flat(prefs.weight[LINE], shape),
        ideal=_flat(prefs.ideal[LINE], shape),
        curvature=_flat(prefs.curvature[LINE], shape),
        span=np.repeat(np.broadcast_to(prefs.span[LINE][:, 0, 0], (B,)), T),
        total=np.repeat(np.broadcast_to(prefs.total_km2, (B,)), T),
        veto=np.repeat(np.asarray(veto, bool), T, axis=0),
        recognition=_flat(recognition, shape),
    )


def agreement_by(h):
    """``P(agreement by month k) = 1 - prod_{s <= k} (1 - h_s)`` along the last axis."""
    return 1.0 - np.cumprod(1.0 - np.asarray(h, float), axis=-1)


def expected_delay(h):
    r"""``E[min(tau, K)] = sum_{k < K} prod_{s <= k} (1 - h_s)``: the expected months until
    agreement (0: the first month), censored at the ``K`` months given (a lower bound
    when agreement may come later)."""
    return np.cumprod(1.0 - np.asarray(h, float), axis=-1).sum(axis=-1)


def zone_open(inp: HazardInputs):
    """``(N,)`` bool: the veto players' mean bounds overlap (the ZOPA of the perceived
    bounds, :func:`sim.kernels.zopa.intersect`'s rule): the complete-information zone."""
    v = inp.veto
    none = _across(np.logical_or, v & np.isnan(inp.lo))
    lo = _across(np.maximum, np.where(v, np.nan_to_num(inp.lo, nan=np.inf), -np.inf))
    hi = _across(np.minimum, np.where(v, np.nan_to_num(inp.hi, nan=-np.inf), np.inf))
    return ~none & (lo <= hi + TOL)
