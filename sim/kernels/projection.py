r"""The projection of the zone of agreement over regional lines, batched over parameter
sets (issue 18, item 3): each region's lowest and highest line over the feasible set.

For each parameter set ``b`` and region ``r``

.. math::

    \mathrm{lo}_r = \min_{l \in F} l_r, \qquad \mathrm{hi}_r = \max_{l \in F} l_r, \qquad
    F = \{ l : f_s \le l_s \le c_s,\; D_j(l) \le R_j \ \text{for every binding } j \}

with ``D_j(l) = d0_j + sum_s omega_js A_s (|l_s - theta_js| / A_s)^kappa_js`` (separable
and convex for ``kappa >= 1``: :func:`sim.kernels.regions.regional_distance`), ``R_j`` the
radius an actor accepts (:func:`sim.kernels.regions.acceptable_radius`), ``[f_s, c_s]`` the
box of the region's red lines within ``[0, A_s]`` (a region with ``f_s = c_s`` is fixed).
These are ``2R`` convex programmes per set, what :func:`sim.regions.ranges` solves one at a
time with scipy.

**Epigraph form.** Variables ``y = (l, t, z)``: the lines ``l`` ``(R,)``, one epigraph
variable ``t_js`` per actor and region (``|l_s - theta_js| <= t_js <= T_js``, ``T_js =
A_s + max(theta_js, A_s - theta_js)`` a bound that never binds) and, in phase one only, a
level ``z``.  The constraints are linear but for ``sum_s omega_js A_s (t_js / A_s)^kappa_js
<= R_j + z S_j`` (``S_j = max(|R_j|, 1)``; ``z = 0`` in phase two), smooth and convex.

**Structure of every Newton system.** Separability gives the Hessian (of the barrier, or
of the primal-dual Lagrangian with the slacks and multipliers eliminated) one arrowhead
block per region (``l_s`` coupled with ``t_1s .. t_Ms`` by the epigraph rows) plus one
rank-one term ``u_j u_j^T`` per binding actor (its distance constraint: the ``t_j.`` of
every region).  The ``t`` are eliminated actor by actor (``diag(gamma_j) + u_j u_j^T``,
Sherman-Morrison), leaving an ``(R + 1)``-square system in ``(l, z)``, ``diag(d) + sum_j
w_j w_j^T / (1 + c_j)``, every term formed as a sum of positive parts (no cancellation:
``(p + q) - (q - p)^2 / gamma = (4 p q + (p + q) x) / gamma``), factored by an unrolled
Cholesky whose pivots lost to rounding are replaced by ``1e64`` (a direction a degenerate
programme leaves free: S. J. Wright, *Primal-Dual Interior-Point Methods*, SIAM 1997,
Sec. 11.1).  Woodbury on the whole rank-``M`` term instead loses every digit near the
optimum (the arrowhead part alone is nearly singular along the active constraints).
Every set and programme is one row of stacked arrays: no loop over sets or programmes;
the loops are over iterations, unrolled small factorisations and line-search halvings,
each stopped when every row is done (the rows still going are gathered each step).

**Phase one** (per set): the log-barrier method, Boyd and Vandenberghe, *Convex
Optimization* (2004), Sec. 11.3-11.4.1, on ``min z`` (``z > -1``) from the box's centre:
Newton's method with a backtracking (Armijo) line search from the fraction-to-boundary
step, every new slack computed as the old one plus its change (no rounding of the
barrier's value).  A set whose ``z`` reaches ``-1e-3`` has an interior point; one whose
centred ``z`` keeps the barrier's lower bound ``z - m / tau > Z_EMPTY`` is empty (NaN, as
:func:`sim.regions.ranges`); one whose optimum is within ``Z_THIN`` / ``Z_EMPTY`` of 0, or
not decided in ``_ROUNDS`` rounds, is ``THIN``: no interior (a single point, a segment)
or too close to tell.  Interior-point methods need an interior: the caller solves those
sets by scipy (:func:`sim.regions.batched_ranges`).

**Phase two** (``2R`` programmes per set, from the phase-one point): Mehrotra's
predictor-corrector primal-dual interior-point method, Nocedal and Wright, *Numerical
Optimization*, 2nd ed. (2006), Alg. 14.3, with the nonlinear distance constraints as in
Sec. 19.2 (slacks ``s = -g(x)`` and multipliers ``lambda`` as variables, one factorisation
for the predictor and the corrector, the step 0.99 of the way to the boundary).  A row
stops once it has a certificate: the point feasible (the distances to ``1e-10 S_j``),
the dual residual below ``1e-7`` and the gap ``-sum_i lambda_i g_i(x) <= GAP`` km2 (by
weak duality the error of ``c.x``), or the iterate's own gap ``s . lambda`` and residuals
there (about 12-25 iterations).  A set with a row not there after ``_PD_MAX`` is
``UNCONVERGED`` and also left to scipy (about 1% of drawn problems, with non-integer
curvatures; none seen with the baseline's 1 and 2).

**Accuracy.** The gap bounds the error of each range end by ``GAP`` = 1e-5 km2 (with
the residuals at rounding); against scipy (HiGHS / SLSQP): at most 2.2e-5 km2 on 500
baseline draws, 1.1e-5 km2 on 300 drawn problems; the tests hold 1e-3 km2.

Shapes: ``ideal``, ``weight``, ``curvature`` ``(B, M, R)``; ``area`` ``(R,)``; ``outside``,
``radius`` ``(B, M)``; ``active`` ``(B, M)`` bool (the binding actors: veto players with
a finite radius); ``floor``, ``cap`` ``(B, R)``.  km2 throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import ParameterError

#: The duality gap ``m / tau`` at which phase two stops (km2 of a region's line).
GAP = 1e-5
#: Phase one's level ``z`` (relative to ``S_j``): below ``-Z_THIN`` a zone has an interior;
#: above ``Z_EMPTY`` (the barrier's lower bound ``z - m / tau``) it is empty; between, it
#: is thin (no interior, or too close to tell: left to the caller's scipy).
Z_THIN = 1e-9
Z_EMPTY = 1e-6
#: Status per set: an interior (solved), empty, thin (left to the caller).
SOLVED, EMPTY, THIN, UNCONVERGED = 0, 1, 2, 3

_MU = 20.0  # the barrier parameter's factor per outer step (Boyd and Vandenberghe: 10-20)
_NEWTON_TOL = 1e-6  # a centring ends at lambda^2 / 2 below this
_NEWTON_MAX = 50
_HALVINGS = 30
_ARMIJO = 0.01
_DEEP = 1e-3  # phase one stops for a set at z <= -_DEEP
_PD_MAX = 50  # phase two's iterations at most (12-25 seen)
_ROUNDS = 40  # phase one's centring rounds at most (a set left over is THIN)


@dataclass(frozen=True)
class _Data:
    """The problem's data, one row per programme (or per set): ``(N, M, R)`` per actor
    and region, ``(N, M)`` per actor, ``(N, R)`` per region; ``area`` ``(R,)``."""

    theta: np.ndarray
    omega: np.ndarray
    kappa: np.ndarray
    top: np.ndarray
    outside: np.ndarray
    radius: np.ndarray
    scale: np.ndarray
    active: np.ndarray
    floor: np.ndarray
    cap: np.ndarray
    free: np.ndarray
    area: np.ndarray
    square: bool  # every curvature 1 or 2: no power needed

    def rows(self, index: np.ndarray) -> _Data:
        """The rows ``index`` (sets or programmes)."""
        take = {f: getattr(self, f)[index] for f in _ROW_FIELDS}
        return _Data(area=self.area, square=self.square, **take)

    def power(self, t):
        """``D_j``'s terms ``omega A (t / A)^kappa`` and their first and second
        derivatives in ``t`` ``(N, M, R)``."""
        d = t / self.area
        if self.square:
            two = self.kappa == 2.0
            value = np.where(two, d * d, d)
            first = np.where(two, 2.0 * d, 1.0)
            second = np.where(two, 2.0 / self.area, 0.0)
        else:
            k = self.kappa
            with np.errstate(invalid="ignore", divide="ignore"):
                value = d**k
                first = k * d ** (k - 1.0)
                second = np.where(k == 1.0, 0.0, k * (k - 1.0) * d ** (k - 2.0)) / self.area
        w = self.omega
        return w * self.area * value, w * first, w * second

    def power_change(self, t, dt):
        """``omega A ((t + dt) / A)^kappa - omega A (t / A)^kappa`` without cancellation."""
        if self.square:
            change = np.where(self.kappa == 2.0, (2.0 * t + dt) * dt / self.area, dt)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.log1p(dt / t)
                change = self.area * (t / self.area) ** self.kappa * np.expm1(self.kappa * rel)
            change = np.where(self.kappa == 1.0, dt, change)
        return self.omega * change


_ROW_FIELDS = (
    "theta",
    "omega",
    "kappa",
    "top",
    "outside",
    "radius",
    "scale",
    "active",
    "floor",
    "cap",
    "free",
)


def _data(ideal, weight, curvature, area, outside, radius, active, floor, cap) -> _Data:  # noqa: PLR0913 -- the problem's arrays
    area = np.asarray(area, dtype=float)
    theta = np.asarray(ideal, dtype=float)
    kappa = np.asarray(curvature, dtype=float)
    radius = np.where(active, radius, 0.0)
    return _Data(
        theta=theta,
        omega=np.asarray(weight, dtype=float),
        kappa=kappa,
        top=area + np.maximum(np.maximum(theta, area - theta), 0.0),
        outside=np.asarray(outside, dtype=float),
        radius=radius,
        scale=np.maximum(np.abs(radius), 1.0),
        active=np.asarray(active, dtype=bool),
        floor=np.asarray(floor, dtype=float),
        cap=np.asarray(cap, dtype=float),
        free=cap - floor > 1e-9 * area,
        area=area,
        square=bool(np.all((kappa == 1.0) | (kappa == 2.0))),
    )


@dataclass
class _Point:
    """The iterate, one row per programme: the lines ``(N, R)``, ``t`` ``(N, M, R)``, ``z``
    ``(N,)``."""

    line: np.ndarray
    t: np.ndarray
    z: np.ndarray

    def rows(self, index) -> _Point:
        return _Point(self.line[index], self.t[index], self.z[index])

    def put(self, index, other: _Point) -> None:
        self.line[index], self.t[index], self.z[index] = other.line, other.t, other.z


def _slacks(data: _Data, p: _Point, phase_one: bool) -> dict:
    """Every constraint's slack (positive inside): the box ``lo``, ``hi`` ``(N, R)``, the
    epigraph ``a``, ``b`` and ``t``'s bound ``e`` ``(N, M, R)``, the distances ``s``
    ``(N, M)`` and phase one's ``w = z + 1`` ``(N,)``."""
    diff = p.line[:, None, :] - data.theta
    terms, _, _ = data.power(p.t)
    distance = data.outside + terms.sum(-1)
    level = p.z[:, None] * data.scale if phase_one else 0.0
    return {
        "lo": np.where(data.free, p.line - data.floor, 1.0),
        "hi": np.where(data.free, data.cap - p.line, 1.0),
        "a": p.t - diff,
        "b": p.t + diff,
        "e": data.top - p.t,
        "s": np.where(data.active, data.radius + level - distance, 1.0),
        "w": p.z + 1.0 if phase_one else np.ones_like(p.z),
    }


def _newton(data: _Data, p: _Point, c_l, c_z, tau, phase_one: bool):
    """The Newton step ``(dl, dt, dz)`` of ``tau c.y + phi(y)``, the gradient's inner
    product with it (``-lambda^2``) and the slacks at ``p`` (module doc: the arrowhead
    blocks, ``t`` eliminated actor by actor, the reduced system in ``(l, z)``)."""
    sl = _slacks(data, p, phase_one)
    free, active = data.free, data.active
    _, first, second = data.power(p.t)
    ia, ib, ie = 1.0 / sl["a"], 1.0 / sl["b"], 1.0 / sl["e"]
    isg = np.where(active, 1.0 / sl["s"], 0.0)  # (N, M)
    g_l = tau[:, None] * c_l + np.where(free, -1.0 / sl["lo"] + 1.0 / sl["hi"], 0.0)
    g_l = np.where(free, g_l + (ia - ib).sum(-2), 0.0)
    g_t = -ia - ib + ie + first * isg[..., None]
    if phase_one:
        g_z = tau * c_z - (data.scale * isg).sum(-1) - 1.0 / sl["w"]
        k_z = 1.0 / sl["w"] ** 2
    else:
        g_z, k_z = np.zeros_like(p.z), np.ones_like(p.z)
    pa, pb = ia * ia, ib * ib
    extra = ie * ie + second * isg[..., None]  # (N, M, R)
    beta = np.where(free[:, None, :], pb - pa, 0.0)  # the l_s - t_js coupling
    gamma = pa + pb + extra  # t_js's own curvature
    u_t = -first * isg[..., None]  # the distance barrier's gradient over s_j, t-part
    u_z = data.scale * isg if phase_one else np.zeros_like(isg)  # its z-part
    # Eliminate t actor by actor: T_j = diag(gamma_j) + u_j u_j^T (Sherman-Morrison).
    # The reduced system in (l, z) is diag(d) + sum_j w_j w_j^T / (1 + c_j), every term
    # formed without cancellation: (p+q) - (q-p)^2 / gamma = (4pq + (p+q) x) / gamma.
    c = (u_t * u_t / gamma).sum(-1)  # (N, M)
    box = np.where(free, 1.0 / sl["lo"] ** 2 + 1.0 / sl["hi"] ** 2, 0.0)
    diag_l = box + ((4.0 * pa * pb + (pa + pb) * extra) / gamma).sum(-2)
    diag_l = np.where(free, diag_l, 1.0)
    w = np.concatenate([beta * u_t / gamma, -u_z[..., None]], axis=-1)
    w = w / np.sqrt(1.0 + c)[..., None]
    reduced = np.einsum("nja,njb->nab", w, w)
    k = diag_l.shape[-1]
    idx = np.arange(k + 1)
    reduced[:, idx, idx] += np.concatenate([diag_l, k_z[:, None]], axis=-1)

    def t_solve(x):  # T_j^{-1} x for every j
        return x / gamma - (u_t / gamma) * ((u_t * x / gamma).sum(-1) / (1.0 + c))[..., None]

    q = t_solve(-g_t)
    r_l = -g_l - (beta * q).sum(-2)
    r_z = -g_z - (u_z * (u_t * q).sum(-1)).sum(-1)
    y = _spd_solve(reduced, np.concatenate([r_l, r_z[:, None]], axis=-1))
    d_l, d_z = np.where(free, y[:, :k], 0.0), y[:, k]
    if not phase_one:
        d_z = np.zeros_like(d_z)
    d_t = t_solve(-g_t - beta * d_l[:, None, :] - u_t * (u_z * d_z[:, None])[..., None])
    slope = (g_l * d_l).sum(-1) + (g_t * d_t).sum((-2, -1)) + g_z * d_z
    return (d_l, d_t, d_z), slope, sl


def _spd_solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a x = b`` for symmetric positive definite ``a`` ``(N, n, n)`` by Cholesky,
    unrolled over ``n`` (small) and vectorised over the rows."""
    return _cholesky_solve(_cholesky(a), b)


def _cholesky(a: np.ndarray) -> np.ndarray:
    """The lower Cholesky factor of ``a`` ``(N, n, n)`` (unrolled over ``n``), a pivot
    lost to rounding (below ``1e-13`` of its diagonal: a direction the constraints leave
    free, as in a degenerate linear programme) replaced by ``1e64`` so the step has no
    component along it: the modified Cholesky of interior-point codes (S. J. Wright,
    *Primal-Dual Interior-Point Methods*, SIAM 1997, Sec. 11.1)."""
    n = a.shape[-1]
    low = np.zeros_like(a)
    for i in range(n):
        for j in range(i + 1):
            s = a[:, i, j] - (low[:, i, :j] * low[:, j, :j]).sum(-1)
            if i == j:
                lost = ~(s > 1e-13 * a[:, i, i])
                low[:, i, i] = np.where(lost, 1e64, np.sqrt(np.where(lost, 1.0, s)))
            else:
                low[:, i, j] = s / low[:, j, j]
    return low


def _cholesky_solve(low: np.ndarray, b: np.ndarray) -> np.ndarray:
    n = low.shape[-1]
    y = np.zeros_like(b)
    for i in range(n):
        y[:, i] = (b[:, i] - (low[:, i, :i] * y[:, :i]).sum(-1)) / low[:, i, i]
    x = np.zeros_like(b)
    for i in reversed(range(n)):
        x[:, i] = (y[:, i] - (low[:, i + 1 :, i] * x[:, i + 1 :]).sum(-1)) / low[:, i, i]
    return x


def _rates(data: _Data, step, phase_one: bool) -> dict:
    """Each linear slack's derivative along the step."""
    d_l, d_t, d_z = step
    dd = d_l[:, None, :]
    return {
        "lo": np.where(data.free, d_l, 0.0),
        "hi": np.where(data.free, -d_l, 0.0),
        "a": d_t - dd,
        "b": d_t + dd,
        "e": -d_t,
        "w": d_z if phase_one else np.zeros_like(d_z),
    }


def _flat(x: np.ndarray) -> np.ndarray:
    return x.reshape(x.shape[0], -1)


def _line_search(data: _Data, p: _Point, step, slope, sl, c_l, c_z, tau, phase_one):  # noqa: PLR0913 -- one Newton step's parts
    """Backtracking (Armijo) from the fraction-to-boundary step; every new slack is the old
    one plus its change (linear: ``size * rate``; the distances: the powers' change), so
    the barrier's decrease is computed without the rounding of its value.  Returns the
    accepted step sizes ``(N,)`` (0: none found: the row is at its rounding floor)."""
    rates = _rates(data, step, phase_one)
    linear = {k: _flat(sl[k]) if sl[k].ndim > 1 else sl[k][:, None] for k in rates}
    rate = {k: _flat(v) if v.ndim > 1 else v[:, None] for k, v in rates.items()}
    limit = np.full(slope.shape, np.inf)
    for key, r in rate.items():
        neg = r < 0
        ratio = np.where(neg, linear[key] / np.where(neg, -r, 1.0), np.inf)
        limit = np.minimum(limit, ratio.min(-1))
    size = np.minimum(1.0, 0.99 * limit)
    d_l, d_t, d_z = step
    lam2 = -slope
    accepted = np.zeros(slope.shape)
    pending = np.ones(slope.shape, dtype=bool)
    for _ in range(_HALVINGS):
        with np.errstate(invalid="ignore", divide="ignore"):
            logs = 0.0
            inside = np.ones(slope.shape, dtype=bool)
            for key, r in rate.items():
                new = linear[key] + size[:, None] * r
                inside &= np.all(new > 0, -1)
                logs = logs + np.log1p(size[:, None] * r / linear[key]).sum(-1)
            grow = data.power_change(p.t, size[:, None, None] * d_t).sum(-1)
            if phase_one:
                grow = grow - size[:, None] * d_z[:, None] * data.scale
            s_new = np.where(data.active, sl["s"] - grow, 1.0)
            inside &= np.all(s_new > 0, -1)
            logs = logs + np.where(data.active, np.log(s_new / sl["s"]), 0.0).sum(-1)
            change = tau * ((c_l * d_l).sum(-1) + c_z * d_z) * size - logs
        # near the centre Newton's full step is taken once feasible
        ok = inside & ((change <= _ARMIJO * size * slope) | (lam2 < 1e-3))
        accepted = np.where(pending & ok, size, accepted)
        pending &= ~ok
        if not pending.any():
            break
        size = size / 2.0
    return accepted


def _centre(data: _Data, p: _Point, c_l, c_z, tau, phase_one: bool) -> np.ndarray:
    """Newton's method on ``tau c.y + phi(y)`` for every row (``p`` updated in place).
    Returns whether each row is centred (``lambda^2 / 2 <= _NEWTON_TOL``) ``(N,)``; a row
    also leaves when no step decreases its barrier (its rounding floor: not centred), and
    in phase one once ``z <= -_DEEP`` (deep enough: centred or not, an interior point).
    The rows still going are gathered each step."""
    centred = np.zeros(p.line.shape[0], dtype=bool)
    going = np.arange(p.line.shape[0])
    for _ in range(_NEWTON_MAX):
        if going.size == 0:
            break
        d, q = data.rows(going), p.rows(going)
        cl = c_l[going] if c_l.shape[0] > 1 else c_l
        step, slope, sl = _newton(d, q, cl, c_z, tau[going], phase_one)
        more = -slope / 2.0 > _NEWTON_TOL
        centred[going[~more]] = True
        size = _line_search(d, q, step, slope, sl, cl, c_z, tau[going], phase_one)
        size = np.where(more, size, 0.0)
        d_l, d_t, d_z = step
        q.line = q.line + size[:, None] * d_l
        q.t = q.t + size[:, None, None] * d_t
        q.z = q.z + size * d_z
        p.put(going, q)
        keep = more & (size > 0)
        if phase_one:
            keep &= q.z > -_DEEP
        going = going[keep]
    return centred


def _constraints(data: _Data) -> np.ndarray:
    """The number of barrier terms ``m`` per row ``(N,)`` (the duality gap is ``m / tau``)."""
    m, k = data.theta.shape[-2], data.theta.shape[-1]
    return 2 * data.free.sum(-1) + 3 * m * k + data.active.sum(-1)


def _phase_one(data: _Data) -> tuple[_Point, np.ndarray]:
    """A strictly feasible point per set and the status ``(B,)``: ``min z`` s.t. the
    distances ``D_j <= R_j + z S_j`` and ``z > -1`` (module doc)."""
    size, k = data.theta.shape[0], data.theta.shape[-1]
    lines = np.where(data.free, (data.floor + data.cap) / 2.0, data.floor)
    t = np.abs(lines[:, None, :] - data.theta) + 1e-2 * data.area
    terms, _, _ = data.power(t)
    excess = (data.outside + terms.sum(-1) - data.radius) / data.scale
    z = np.max(np.where(data.active, excess, -np.inf), -1) + 1.0
    p = _Point(lines, t, np.where(np.isfinite(z), z, 0.0))
    c_l = np.zeros((1, k))
    count = _constraints(data) + 1.0
    tau = np.ones(size)
    rows = np.flatnonzero(p.z > -_DEEP)
    empty = np.zeros(size, dtype=bool)
    for _ in range(_ROUNDS):  # a round: centre, then raise tau where centred
        if rows.size == 0:
            break
        sub = p.rows(rows)
        centred = _centre(data.rows(rows), sub, c_l, 1.0, tau[rows], True)
        p.put(rows, sub)
        gap = count[rows] / tau[rows]
        # the barrier's lower bound z - m / tau holds at a centred point only
        empty[rows] = centred & (p.z[rows] - gap > Z_EMPTY)
        done = (p.z[rows] <= -_DEEP) | empty[rows] | (centred & (gap <= Z_THIN / 10.0))
        tau[rows] *= np.where(done | ~centred, 1.0, _MU)
        rows = rows[~done]
    status = np.where(p.z < -Z_THIN, SOLVED, np.where(empty, EMPTY, THIN))
    return p, status


#: The constraint types of phase two, in their order in a row's flat vector of
#: constraints: the box (``lo``, ``hi``, ``(R,)``), the epigraph (``a``, ``b``) and
#: ``t``'s bound (``e``) ``(M, R)``, the distances (``d``, ``(M,)``).
_TYPES = ("lo", "hi", "a", "b", "e", "d")


class _Layout:
    """The flat vector of a row's constraints: ``split`` into types, ``join`` back."""

    def __init__(self, m: int, k: int):
        self.shapes = {"lo": (k,), "hi": (k,), "a": (m, k), "b": (m, k), "e": (m, k), "d": (m,)}
        sizes = [int(np.prod(self.shapes[key])) for key in _TYPES]
        self.ends = np.cumsum(sizes)
        self.size = int(self.ends[-1])

    def split(self, x: np.ndarray) -> dict:
        out, begin = {}, 0
        for key, end in zip(_TYPES, self.ends, strict=True):
            out[key] = x[:, begin:end].reshape((x.shape[0], *self.shapes[key]))
            begin = end
        return out

    def join(self, parts: dict) -> np.ndarray:
        n = next(iter(parts.values())).shape[0]
        return np.concatenate(
            [np.broadcast_to(parts[k], (n, *self.shapes[k])).reshape(n, -1) for k in _TYPES], axis=1
        )


def _constraint_values(data: _Data, line, t):
    """``g_i(x)`` (``<= 0`` inside) per type, and the distances' first and second
    derivatives in ``t``."""
    diff = line[:, None, :] - data.theta
    terms, first, second = data.power(t)
    values = {
        "lo": data.floor - line,
        "hi": line - data.cap,
        "a": diff - t,
        "b": -diff - t,
        "e": t - data.top,
        "d": data.outside + terms.sum(-1) - data.radius,
    }
    return values, first, second


class _KKT:
    """The primal-dual Newton system of phase two at one iterate, factored once and
    solved for several right-hand sides (Mehrotra's predictor and corrector).

    With weights ``W_i = lambda_i / s_i`` the reduced matrix is the barrier Hessian's
    structure (module doc) with ``1 / s_i^2`` replaced by ``W_i`` and the distances'
    curvature weighted by ``lambda_j`` (Nocedal and Wright 2006, eq. 19.12 with the
    slacks and multipliers eliminated)."""

    def __init__(self, data: _Data, layout: _Layout, first, second, weight, lam_d):
        self.data, self.layout, self.first = data, layout, first
        free = data.free
        w = layout.split(weight)
        pa, pb = w["a"], w["b"]
        extra = w["e"] + second * lam_d[..., None]
        self.beta = np.where(free[:, None, :], pb - pa, 0.0)
        self.gamma = pa + pb + extra
        self.u_t = -first * np.sqrt(w["d"])[..., None]
        self.c = (self.u_t * self.u_t / self.gamma).sum(-1)
        diag_l = w["lo"] + w["hi"] + ((4.0 * pa * pb + (pa + pb) * extra) / self.gamma).sum(-2)
        diag_l = np.where(free, diag_l, 1.0)
        v = self.beta * self.u_t / self.gamma / np.sqrt(1.0 + self.c)[..., None]
        reduced = np.einsum("nja,njb->nab", v, v)
        k = diag_l.shape[-1]
        reduced[:, np.arange(k), np.arange(k)] += diag_l
        self.low = _cholesky(reduced)

    def _t_solve(self, x):
        g, u = self.gamma, self.u_t
        return x / g - (u / g) * ((u * x / g).sum(-1) / (1.0 + self.c))[..., None]

    def solve(self, c_l, coef: np.ndarray):
        """``(dl, dt)`` for the right-hand side ``-(c + sum_i coef_i grad g_i)``."""
        free = self.data.free
        co = self.layout.split(coef)
        g_l = c_l - co["lo"] + co["hi"] + (co["a"] - co["b"]).sum(-2)
        g_l = np.where(free, g_l, 0.0)
        g_t = -co["a"] - co["b"] + co["e"] + self.first * co["d"][..., None]
        q = self._t_solve(-g_t)
        d_l = _cholesky_solve(self.low, -g_l - (self.beta * q).sum(-2))
        d_l = np.where(free, d_l, 0.0)
        return d_l, self._t_solve(-g_t - self.beta * d_l[:, None, :])

    def linear(self, d_l, d_t) -> np.ndarray:
        """``grad g_i . dx`` ``(N, m)``."""
        dd = d_l[:, None, :]
        parts = {"lo": -d_l, "hi": d_l, "a": dd - d_t, "b": -dd - d_t, "e": d_t}
        parts["d"] = (self.first * d_t).sum(-1)
        return self.layout.join(parts)


def _direction(kkt: _KKT, c_l, slack, lam, primal, centring, mask):  # noqa: PLR0913 -- the iterate's parts
    """The Newton direction ``(dl, dt, ds, dlam)`` for the complementarity target
    ``s_i lambda_i = centring_i`` (flat ``(N, m)``): ``ds = -r_p - grad g . dx``,
    ``dlam = (centring - s lambda - lambda ds) / s``; the right-hand side's coefficients
    ``lambda + (lambda r_p + centring - s lambda) / s = (lambda r_p + centring) / s``."""
    d_l, d_t = kkt.solve(c_l, (lam * primal + centring) / slack)
    d_s = np.where(mask, -primal - kkt.linear(d_l, d_t), 0.0)
    d_lam = (centring - slack * lam - lam * d_s) / slack
    return d_l, d_t, d_s, d_lam


def _to_boundary(*pairs) -> np.ndarray:
    """The largest step keeping every ``x + step dx`` positive ``(N,)``."""
    out = None
    for x, dx in pairs:
        ratio = np.full(x.shape, np.inf)
        np.divide(x, -dx, out=ratio, where=dx < 0)
        ratio = ratio.min(-1)
        out = ratio if out is None else np.minimum(out, ratio)
    return out


def _phase_two(data: _Data, start: _Point) -> tuple[np.ndarray, np.ndarray]:
    """``min l_r`` then ``max l_r`` for every region, ``(B, 2R)`` (NaN for a region fixed
    in every set: no programme), and whether every programme of the set converged
    ``(B,)``: two programmes per set and region (rows ``b * q + i``) from the phase-one
    point, by Mehrotra's predictor-corrector primal-dual method (Nocedal and Wright 2006,
    Alg. 14.3; the nonlinear distance constraints as in Sec. 19.2: slacks ``s = -g(x)``
    kept as variables and multipliers ``lambda``).  A row stops once its complementarity
    gap ``s . lambda <= GAP`` km2, its distances' residual ``|g + s| <= 1e-10 S`` and its
    dual residual ``<= 1e-7``; a row not there after ``_PD_MAX`` iterations marks its
    set unconverged."""
    size, m, k = start.t.shape
    regs = np.flatnonzero(data.free.any(axis=0))  # the regions free in some set
    q = 2 * regs.size
    layout = _Layout(m, k)
    owner = np.repeat(np.arange(size), q)
    rows = data.rows(owner)
    eye = np.eye(k)[regs]
    c_all = np.tile(np.concatenate([eye, -eye]), (size, 1))  # (B * q, R)
    line, t = start.line[owner], start.t[owner]
    on = np.ones((size * q, m, k), dtype=bool)
    mask = layout.join(
        {"lo": rows.free, "hi": rows.free, "a": on, "b": on, "e": on, "d": rows.active}
    )
    values, _, _ = _constraint_values(rows, line, t)
    slack = np.where(mask, -layout.join(values), 1.0)
    lam = np.where(mask, 1.0 / slack, 0.0)
    count = mask.sum(-1)
    going = np.arange(size * q)  # the working rows, gathered again when a quarter is done
    d, mk, sl, lm, c_l = rows, mask, slack, lam, c_all
    ln, tt, cnt = line, t, count
    live = np.ones(going.size, dtype=bool)
    for _ in range(_PD_MAX):
        if not live.any():
            break
        if live.sum() < 0.75 * live.size:  # write back, gather the live rows
            line[going], t[going] = ln, tt
            going, keep = going[live], np.flatnonzero(live)
            d, mk, sl, lm, c_l = d.rows(keep), mk[keep], sl[keep], lm[keep], c_l[keep]
            ln, tt, cnt, live = ln[keep], tt[keep], cnt[keep], live[keep]
        values, first, second = _constraint_values(d, ln, tt)
        flat = layout.join(values)
        primal = np.where(mk, flat + sl, 0.0)
        gap = (sl * lm).sum(-1, where=mk)
        mu = gap / cnt
        lams = layout.split(lm)
        r_dual = np.abs(c_l - lams["lo"] + lams["hi"] + (lams["a"] - lams["b"]).sum(-2))
        r_dual = np.where(d.free, r_dual, 0.0).max(-1)
        r_t = -lams["a"] - lams["b"] + lams["e"] + first * lams["d"][..., None]
        r_dual = np.maximum(r_dual, np.abs(_flat(r_t)).max(-1))
        # a certificate at the point itself: feasible (the distances to rounding), the
        # dual residual at rounding, and the true gap -sum lambda g(x) (weak duality: the
        # error of c.x) within GAP; or the iterate's own gap and residuals there
        violation = np.where(d.active, values["d"], -np.inf).max(-1) / d.scale.max(-1)
        true_gap = (lm * np.maximum(-flat, 0.0)).sum(-1, where=mk)
        r_prim = np.abs(layout.split(primal)["d"]).max(-1) / d.scale.max(-1)
        certified = (true_gap <= GAP) & (violation <= 1e-10) & (r_dual <= 1e-7)
        live &= ~(certified | ((gap <= GAP) & (r_prim <= 1e-10) & (r_dual <= 1e-7)))
        kkt = _KKT(d, layout, first, second, np.where(mk, lm / sl, 0.0), lams["d"])
        aff = _direction(kkt, c_l, sl, lm, primal, np.zeros_like(sl), mk)
        alpha = np.minimum(1.0, _to_boundary((sl, aff[2]), (lm, aff[3])))[:, None]
        mu_aff = ((sl + alpha * aff[2]) * (lm + alpha * aff[3])).sum(-1, where=mk) / cnt
        sigma = (mu_aff / mu) ** 3
        centring = np.where(mk, (sigma * mu)[:, None] - aff[2] * aff[3], 0.0)
        d_l, d_t, d_s, d_lam = _direction(kkt, c_l, sl, lm, primal, centring, mk)
        alpha = np.minimum(1.0, 0.99 * _to_boundary((sl, d_s), (lm, d_lam)))
        alpha = np.where(live, alpha, 0.0)  # a row done stays where it is
        ln = ln + alpha[:, None] * d_l
        tt = tt + alpha[:, None, None] * d_t
        sl = sl + alpha[:, None] * d_s
        lm = lm + alpha[:, None] * d_lam
    line[going], t[going] = ln, tt
    going = going[live]
    converged = np.ones(size * q, dtype=bool)
    converged[going] = False
    lines, n = line.reshape(size, q, k), regs.size
    out = np.full((size, 2 * k), np.nan)
    out[:, regs] = lines[:, np.arange(n), regs]
    out[:, k + regs] = lines[:, n + np.arange(n), regs]
    return out, converged.reshape(size, q).all(-1)


def projection(  # noqa: PLR0913 -- the problem's arrays, as sim.regions.BatchedProblem
    ideal, weight, curvature, area, outside, radius, active, floor, cap
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each region's range over the feasible set for every set: ``lo``, ``hi`` ``(B, R)``
    (km2; NaN where the set's status is not ``SOLVED``) and ``status`` ``(B,)``
    (``SOLVED``, ``EMPTY``, ``THIN``: the module doc).

    ``active`` marks the binding actors (a finite radius; others are ignored); a veto
    player that accepts no line (``radius == -inf``) is the caller's (the zone is
    empty).  ``floor``, ``cap`` the red lines' box (``0`` / ``area`` where none);
    ``floor > cap`` is an empty zone."""
    ideal = np.asarray(ideal, dtype=float)
    if ideal.ndim != 3:
        raise ParameterError(f"projection: ideal must be (B, M, R), got shape {ideal.shape}")
    radius = np.asarray(radius, dtype=float)
    active = np.asarray(active, dtype=bool) & np.isfinite(radius)
    area = np.asarray(area, dtype=float)
    floor = np.broadcast_to(np.maximum(np.asarray(floor, dtype=float), 0.0), ideal.shape[::2])
    cap = np.broadcast_to(np.minimum(np.asarray(cap, dtype=float), area), ideal.shape[::2])
    crossed = np.any(floor > cap + 1e-9 * area, axis=-1)
    cap = np.maximum(cap, floor)
    data = _data(ideal, weight, curvature, area, outside, radius, active, floor, cap)
    k = ideal.shape[-1]
    p, status = _phase_one(data)
    status = np.where(crossed, EMPTY, status)
    fixed = ~data.free
    lo = np.where(fixed, data.floor, np.nan)
    hi = np.where(fixed, data.floor, np.nan)
    run = np.flatnonzero(status == SOLVED)
    if run.size:
        got, converged = _phase_two(data.rows(run), p.rows(run))
        status[run[~converged]] = UNCONVERGED
        lo[run] = np.where(fixed[run], lo[run], got[:, :k])
        hi[run] = np.where(fixed[run], hi[run], got[:, k:])
    bad = status != SOLVED
    lo[bad], hi[bad] = np.nan, np.nan
    return lo, hi, status
