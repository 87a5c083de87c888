r"""Fit the judgement to the record: penalised maximum likelihood on the decisions.

Parameters fitted (:data:`FITTED`): a small set marked judgement in the scenario, each
with a range, and none changed by a dated event (so that its value is the same at
every decision's month): the salience of the line for Russia and Ukraine, the span of
the line's utility, Russia's and Ukraine's discount rates, and the US's political cost
of the war.  With ``theta`` these values and ``m_{da}(theta)`` the margin of actor
``a`` on decision ``d`` (date-true, :mod:`sim.backtest.decisions`), ``y_{da} = +1``
accept / ``-1`` reject:

.. math::

    -\log p(\theta, s \mid y) = -\sum_{d,a} \log \sigma\!\big(y_{da}\, m_{da}(\theta) / s\big)
        + \sum_k \frac{(\theta_k - \mu_k)^2}{2 \sigma_k^2}
        + \frac{(\log s - \log s_0)^2}{2 \tau^2} + \text{const}

a logistic link on the margins with its scale ``s`` fitted too; the prior of each
``theta_k`` is normal, centred on the judgement ``mu_k``, with ``sigma_k`` a quarter of
its range (the range as +-2 sd); ``log s`` has a weak normal prior (``s0`` =
:data:`SCALE0`, ``tau`` = 1): with verdicts the margins separate, the likelihood alone
would send ``s`` to 0.  Optimiser: scipy's L-BFGS-B in standardised coordinates
``z = (theta - mu) / sigma``, boxed to the range widened by its width on each side and
to the parameter's bound, from the prior mean and :data:`STARTS` - 1 seeded draws from
the prior; the gradient's margin part by central differences computed in one engine
batch per decision.  Posterior: the Laplace approximation (the inverse of the Hessian
of the objective at the optimum, by central differences of the gradient).

The front is left to the war path's own fit (``sim.backtest.front``): the fitted
parameters are preferences and costs, which the no-deal path does not read, so the
front's likelihood does not depend on them and factorises out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.backtest.decisions import Decision, Prepared, margins, prepare, read_decisions
from sim.backtest.history import observed_front
from sim.errors import CeasefireError
from sim.model.scenario import Scenario, load_scenario

#: The fitted parameters (paths of the history scenario).
FITTED = (
    "actors.russia.utility.line.weight",
    "actors.ukraine.utility.line.weight",
    "territory.span_km2",
    "actors.russia.discount_rate",
    "actors.ukraine.discount_rate",
    "actors.us.costs.political.utility_per_unit",
)
#: Prior of the logistic scale: log s ~ N(log SCALE0, SCALE_SD^2).
SCALE0 = 0.05
SCALE_SD = 1.0
STARTS = 3
STEP = 1e-3  # finite-difference step in standardised units


@dataclass(frozen=True)
class Prior:
    path: str
    mean: float
    sd: float
    lo: float
    hi: float  # the optimiser's box (original units)


def priors(scenario: Scenario, paths: tuple[str, ...] = FITTED) -> tuple[Prior, ...]:
    """Each fitted parameter's prior from its value and range in ``scenario``."""
    out = []
    for p in paths:
        rng = scenario.uncertainty_range(p)
        if rng is None:
            raise CeasefireError(f"calibrate: {p} has no range in {scenario.name}: no prior")
        mean, (lo, hi) = scenario.get(p), rng
        width = hi - lo
        bound = scenario.bounds.get(p)
        # Room for the finite differences (gradient and Hessian) inside the bound.
        room = 4 * STEP * width / 4.0 + 1e-9
        box_lo = lo - width
        if bound is not None and bound.lo is not None:
            box_lo = max(box_lo, bound.lo + room)
        box_hi = hi + width
        if bound is not None and bound.hi is not None:
            box_hi = min(box_hi, bound.hi - room)
        out.append(Prior(p, mean, width / 4.0, box_lo, box_hi))
    return tuple(out)


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """``log(1 / (1 + exp(-x)))``, stable."""
    return -np.logaddexp(0.0, -x)


def log_likelihood(margin: np.ndarray, accepted: np.ndarray, scale: float) -> float:
    """The logistic link's log likelihood: ``sum log sigma(y m / s)``, ``y = +-1``."""
    y = np.where(np.asarray(accepted, bool), 1.0, -1.0)
    return float(np.sum(log_sigmoid(y * np.asarray(margin, float) / scale)))


class _Problem:
    """The decisions' margins as a function of the standardised parameters ``z``."""

    def __init__(self, prepared: list[Prepared], prior: tuple[Prior, ...]):
        self.prepared = prepared
        self.prior = prior
        self.mean = np.array([p.mean for p in prior])
        self.sd = np.array([p.sd for p in prior])
        self.lo = (np.array([p.lo for p in prior]) - self.mean) / self.sd
        self.hi = (np.array([p.hi for p in prior]) - self.mean) / self.sd
        # Scored (decision, actor) pairs of each prepared decision.
        self.scored = []
        for prep in prepared:
            actors = prep.scenario.actors
            idx = [actors.index(a) for a in prep.decision.observed]
            y = [prep.decision.observed[a] == "accept" for a in prep.decision.observed]
            self.scored.append((np.array(idx, int), np.array(y, bool)))

    def theta(self, z: np.ndarray) -> np.ndarray:
        return self.mean + self.sd * np.asarray(z)

    def margins(self, zs: np.ndarray) -> np.ndarray:
        """Margins of every scored verdict, ``(B, V)`` for ``B`` points ``zs`` ``(B, K)``."""
        thetas = self.theta(zs)
        cols = []
        for prep, (idx, _) in zip(self.prepared, self.scored, strict=True):
            over = {p.path: thetas[:, k] for k, p in enumerate(self.prior)}
            cols.append(margins(prep, over)[:, idx])
        return np.concatenate(cols, axis=1)

    @property
    def accepted(self) -> np.ndarray:
        return np.concatenate([y for _, y in self.scored])

    def objective(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Negative log posterior and its gradient at ``x = (z, log s)``."""
        z, log_s = x[:-1], x[-1]
        k = len(z)
        h = STEP
        pts = np.vstack([z, z + h * np.eye(k), z - h * np.eye(k)])
        m = self.margins(pts)
        m0, dm = m[0], (m[1 : k + 1] - m[k + 1 :]) / (2 * h)  # (V,), (K, V)
        s = math.exp(log_s)
        y = np.where(self.accepted, 1.0, -1.0)
        u = y * m0 / s
        nll = -float(np.sum(log_sigmoid(u)))
        w = 1.0 / (1.0 + np.exp(u))  # d(-log sigma(u))/du = -(1 - sigma(u))
        grad_z = dm @ (-w * y / s)
        grad_s = float(np.sum(w * u))  # d/dlog s of -log sigma(y m / s)
        value = nll + 0.5 * float(z @ z) + 0.5 * ((log_s - math.log(SCALE0)) / SCALE_SD) ** 2
        grad = np.append(grad_z + z, grad_s + (log_s - math.log(SCALE0)) / SCALE_SD**2)
        return value, grad


def _minimise(problem: _Problem, seed: int, starts: int) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize

    k = len(problem.prior)
    rng = np.random.default_rng(seed)
    inits = [np.zeros(k)] + [rng.standard_normal(k) for _ in range(starts - 1)]
    bounds = [(lo, hi) for lo, hi in zip(problem.lo, problem.hi, strict=True)] + [(-8.0, 3.0)]
    best = None
    for z0 in inits:
        x0 = np.append(np.clip(z0, problem.lo, problem.hi), math.log(SCALE0))
        res = minimize(problem.objective, x0, jac=True, method="L-BFGS-B", bounds=bounds)
        if best is None or res.fun < best.fun:
            best = res
    return best.x, float(best.fun)


def _laplace_sd(problem: _Problem, x: np.ndarray) -> np.ndarray:
    """Posterior sd of ``(z, log s)`` from the Hessian by central differences."""
    n = len(x)
    h = 1e-3
    hess = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        hess[i] = (problem.objective(x + e)[1] - problem.objective(x - e)[1]) / (2 * h)
    hess = 0.5 * (hess + hess.T)
    try:
        cov = np.linalg.inv(hess)
        return np.sqrt(np.clip(np.diag(cov), 0.0, None))
    except np.linalg.LinAlgError:
        return np.full(n, np.nan)


@dataclass(frozen=True)
class Fit:
    """A fit: the fitted values and their Laplace posterior sd (original units)."""

    name: str
    values: dict[str, float]
    sd: dict[str, float]
    prior_mean: dict[str, float] = field(default_factory=dict)
    prior_sd: dict[str, float] = field(default_factory=dict)
    scale: float = math.nan
    scale_sd_log: float = math.nan

    def sample(self, draws: int, seed: int, stream: int = 0) -> dict[str, np.ndarray]:
        """Normal draws from the posterior, truncated at +-2 sd (the written range) and
        to values above 0 by redrawing (every fitted parameter is >= 0, and a rate of
        exactly 0 makes Powell's test of a pause divide by zero in the engine)."""
        rng = np.random.default_rng([seed, stream, 1])
        out = {}
        for p, v in self.values.items():
            sd = self.sd.get(p, 0.0)
            x = v + sd * np.clip(rng.standard_normal(draws), -2.0, 2.0)
            for _ in range(100):
                bad = x <= 0
                if not bad.any():
                    break
                x[bad] = v + sd * np.clip(rng.standard_normal(int(bad.sum())), -2.0, 2.0)
            out[p] = np.where(x > 0, x, v)
        return out


def load_fit(source: Fit | str | Path) -> Fit:
    """A fit, or the fit written to a scenario file by :meth:`Calibration.write`: the
    parameters whose source starts with ``fitted:``, their posterior sd read from the
    source (``posterior sd X``), else a quarter of their range."""
    if isinstance(source, Fit):
        return source
    scenario = load_scenario(str(source))
    values, sd = {}, {}
    for p in scenario.parameter_paths():
        if (scenario.source(p) or "").startswith("fitted:"):
            values[p] = scenario.get(p)
            found = re.search(r"posterior sd ([0-9.eE+-]+)", scenario.source(p) or "")
            rng = scenario.uncertainty_range(p)
            if found:
                sd[p] = float(found[1])
            else:
                sd[p] = 0.0 if rng is None else (rng[1] - rng[0]) / 4.0
    if not values:
        raise CeasefireError(f"{source}: no parameter with a 'fitted:' source (not a fit file)")
    return Fit(str(source), values, sd)


@dataclass(frozen=True)
class Calibration:
    """The fit and its checks: hit rates before and after, leave-one-out."""

    scenario: Scenario
    fit: Fit
    hits_before: tuple[int, int]
    hits_after: tuple[int, int]
    loo: tuple[int, int] | None
    loo_detail: dict[str, list[str]]
    loglik_before: float
    loglik_after: float
    objective: float

    def moved(self) -> dict[str, float]:
        """How far each value moved from its judgement, in prior sd."""
        f = self.fit
        return {p: (f.values[p] - f.prior_mean[p]) / f.prior_sd[p] for p in f.values}

    def to_dict(self) -> dict[str, Any]:
        from sim.results import json_ready

        f = self.fit
        rate = lambda h: h[0] / h[1] if h and h[1] else math.nan  # noqa: E731
        return json_ready(
            {
                "scenario": self.scenario.name,
                "parameters": {
                    p: {
                        "judgement": f.prior_mean[p],
                        "prior_sd": f.prior_sd[p],
                        "fitted": f.values[p],
                        "posterior_sd": f.sd[p],
                        "moved_sd": self.moved()[p],
                    }
                    for p in f.values
                },
                "logistic_scale": f.scale,
                "log_likelihood": {"judgement": self.loglik_before, "fitted": self.loglik_after},
                "hit_rate": {
                    "judgement": rate(self.hits_before),
                    "fitted": rate(self.hits_after),
                    "leave_one_out": rate(self.loo),
                },
                "hits": {
                    "judgement": list(self.hits_before),
                    "fitted": list(self.hits_after),
                    "leave_one_out": None if self.loo is None else list(self.loo),
                },
                "leave_one_out_misses": self.loo_detail,
            }
        )

    def lines(self) -> list[str]:
        f = self.fit
        out = [
            f"Fit of {len(f.values)} judgement parameters of {self.scenario.name!r} to the "
            f"decisions (penalised ML, logistic link, Laplace posterior)",
            f"  {'parameter':<46}{'judgement':>11}{'fitted':>11}{'post. sd':>10}{'moved':>8}",
        ]
        for p, z in self.moved().items():
            out.append(
                f"  {p:<46}{f.prior_mean[p]:>11.4g}{f.values[p]:>11.4g}{f.sd[p]:>10.3g}{z:>+7.2f}s"
            )
        out.append(f"  logistic scale s = {f.scale:.4g} (log s posterior sd {f.scale_sd_log:.2f})")
        out.append(
            f"log likelihood of the verdicts: {self.loglik_before:.3f} at the judgement (s as "
            f"fitted), {self.loglik_after:.3f} fitted"
        )
        hb, ha = self.hits_before, self.hits_after
        out.append(f"in-sample hit rate: {hb[0]}/{hb[1]} at the judgement, {ha[0]}/{ha[1]} fitted")
        if self.loo is not None:
            out.append(
                f"leave-one-decision-out hit rate: {self.loo[0]}/{self.loo[1]}"
                + "".join(f"; {d}: missed {', '.join(a)}" for d, a in self.loo_detail.items() if a)
            )
        out.append("(moved: fitted - judgement, in prior sd = a quarter of the range)")
        return out

    def write(self, path: str | Path) -> None:
        """A scenario file that extends the fitted scenario with the fitted values."""
        import os

        path = Path(path)
        base = self.scenario.path
        if base is None:
            raise CeasefireError("calibrate: the scenario has no file to extend")
        rel = os.path.relpath(Path(base).resolve(), path.resolve().parent)
        f = self.fit
        body = [
            "# Written by `ceasefire calibrate`: the judgement parameters fitted to the decisions",
            "# (penalised ML, sim/backtest/calibrate.py). range = Laplace mean +- 2 posterior sd.",
            f'extends = "{rel}"',
            "",
            "[scenario]",
            f'name = "{self.scenario.name}_fitted"',
            f'title = "{self.scenario.title} -- judgement fitted to the decisions"',
            "",
        ]
        rate = f"{self.hits_after[0]}/{self.hits_after[1]} in sample"
        if self.loo is not None:
            rate += f", {self.loo[0]}/{self.loo[1]} leave-one-out"
        bounds = self.scenario.bounds
        for p, v in f.values.items():
            lo, hi = v - 2 * f.sd[p], v + 2 * f.sd[p]
            bound = bounds.get(p)
            if bound is not None and bound.lo is not None:
                lo = max(lo, bound.lo)  # the range stays admissible (sampling clips too)
            if bound is not None and bound.hi is not None:
                hi = min(hi, bound.hi)
            src = (
                f"fitted: penalised ML on the decisions ({rate}; logistic scale {f.scale:.3g}); "
                f"prior N({f.prior_mean[p]:.6g}, {f.prior_sd[p]:.3g}) from the judgement; "
                f"posterior sd {f.sd[p]:.4g} (Laplace)"
            )
            parent, _, leaf = p.rpartition(".")
            body.append(f"[{parent}]")
            body.append(
                f'{leaf} = {{ value = {v:.6g}, range = [{lo:.6g}, {hi:.6g}], source = "{src}" }}'
            )
            if lo > v - 2 * f.sd[p]:
                body.insert(-1, f"# {leaf}: posterior sd {f.sd[p]:.4g} (range cut at the bound)")
            body.append("")
        path.write_text("\n".join(body), encoding="utf-8")


def _hits(margin: np.ndarray, accepted: np.ndarray) -> int:
    return int(np.sum((margin >= -1e-12) == accepted))


def _fit(problem: _Problem, seed: int, starts: int) -> tuple[np.ndarray, float]:
    return _minimise(problem, seed, starts)


def fit_decisions(
    file: str | Path | tuple[Scenario, tuple[Decision, ...]] = "models/data/decisions.toml",
    *,
    seed: int = 0,
    loo: bool = True,
    starts: int = STARTS,
) -> Calibration:
    """Fit :data:`FITTED` to the decisions of ``file`` (see the module's docstring)."""
    scenario, decisions = file if isinstance(file, tuple) else read_decisions(file)
    front = observed_front()
    prepared = [prepare(scenario, d, front) for d in decisions]
    prior = priors(scenario)
    problem = _Problem(prepared, prior)
    k = len(prior)
    x, value = _fit(problem, seed, starts)
    sd = _laplace_sd(problem, x)
    acc = problem.accepted
    m_before = problem.margins(np.zeros((1, k)))[0]
    m_after = problem.margins(x[None, :-1])[0]
    scale = math.exp(x[-1])
    theta = problem.theta(x[:-1])
    fit = Fit(
        name="fit",
        values={p.path: float(theta[i]) for i, p in enumerate(prior)},
        sd={p.path: float(sd[i] * p.sd) for i, p in enumerate(prior)},
        prior_mean={p.path: p.mean for p in prior},
        prior_sd={p.path: p.sd for p in prior},
        scale=scale,
        scale_sd_log=float(sd[-1]),
    )
    loo_hits, detail = None, {}
    if loo and len(prepared) > 1:
        hits = total = 0
        for i, prep in enumerate(prepared):
            rest = _Problem(prepared[:i] + prepared[i + 1 :], prior)
            xi, _ = _fit(rest, seed, 1)
            one = _Problem([prep], prior)
            m = one.margins(xi[None, :-1])[0]
            ok = (m >= -1e-12) == one.accepted
            hits += int(ok.sum())
            total += ok.size
            names = list(prep.decision.observed)
            detail[prep.decision.id] = [names[j] for j in np.flatnonzero(~ok)]
        loo_hits = (hits, total)
    return Calibration(
        scenario=scenario,
        fit=fit,
        hits_before=(_hits(m_before, acc), acc.size),
        hits_after=(_hits(m_after, acc), acc.size),
        loo=loo_hits,
        loo_detail=detail,
        loglik_before=log_likelihood(m_before, acc, scale),
        loglik_after=log_likelihood(m_after, acc, scale),
        objective=value,
    )


def fitted_overrides(fit: Fit) -> Mapping[str, float]:
    return dict(fit.values)


__all__ = [
    "FITTED",
    "Calibration",
    "Fit",
    "fit_decisions",
    "load_fit",
    "log_likelihood",
    "priors",
]
