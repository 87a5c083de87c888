r"""The front out of sample: rolling-origin forecasts of the no-deal line against baselines.

For each origin month ``T`` (by default 2025-01 .. 2025-08):

1. **Fit.** The war path's two free parameters, ``war.drift_scale_km2`` (``k``) and
   ``war.stalemate_share`` (``s*``), are fitted on the observed monthly total line up to
   ``T`` only, by the mode of their posterior (penalised maximum likelihood)::

       SSR_T(k, s*) = sum_{t = 1 .. T, observed} (L_model(t; k, s*) - L_obs(t))^2
       loss_T(k, s*) = (n_T / 2) log(SSR_T / n_T) + (log k - mu)^2 / (2 tau^2)

   where ``L_model`` is the scenario's deterministic no-deal path started at the scenario's
   initial line (the observed line of its first month) and ``n_T`` the months observed: a
   normal likelihood of the monthly errors with their variance profiled out, a log-normal
   prior on the scale (:data:`SCALE_PRIOR`: the box of the search as its +-2 sd in
   ``log k``, no new number) and a flat prior on ``s*`` in its box.  On a short, nearly
   straight stretch of the front only the drift ``k (s - s*)`` is identified, not ``k`` and
   ``s*`` apart; without the prior (``prior=False``: plain least squares, the fit before
   session 5) the early origins' fits run to the box's edge and a large scale amplifies
   every later change of input (``notebooks/06_history``).  The errors of a path are
   autocorrelated, so the likelihood is an approximation; the fit is a regularised one,
   not a full posterior.  The search is a grid over the box
   :data:`SCALE_BOX` x :data:`SHARE_BOX` (one batch of the engine), refined by a finer grid
   around each origin's best point (a second batch, every origin at once).  Nothing is
   random: the fit is deterministic and reproduces exactly.  The path up to ``T`` depends
   only on the scenario's inputs up to ``T`` (the simulation is causal), and the loss reads
   only observations up to ``T``.
2. **Forecast.** ``T + 1 .. T + h`` from the observed line at ``T`` (the path re-based at
   ``T``): ``F(T + j) = L_obs(T) + L_model(T + j) - L_model(T)``.  The model's drift does
   not read the line back, so this is the path started at ``L_obs(T)``.
3. **Baselines**, computed the same way from ``L_obs(T)``: persistence (``F = L_obs(T)``)
   and the linear trend of the last six months (the least-squares slope of the observed
   line over ``T - 6 .. T``, ``F = L_obs(T) + slope * j``).
4. **Score.** Root-mean-square error over every (origin, lead) pair with an observation,
   in total and per lead.

The scenario's dated inputs after ``T`` (aid, oil) are the observed ones, not forecasts of
them: when any of them falls inside a forecast window, the result says that the model's
forecasts are *conditional on observed inputs* (``conditional_on_observed_inputs``).
The unconditional forecast -- the same fit with the war's dated inputs after ``T`` held at
their values at ``T`` (:func:`held_inputs`) -- is scored beside it (``model_inputs_held``).

**Per region** (issue 18, :func:`regional_backtest`): each region's line is fitted at each
origin on its own observed series up to ``T`` (:func:`sim.kernels.regions.fit_regions`: its
allocation of the war's drift and its offset, least squares on levels, given the drift of
that origin's total fit), forecast by walking the regional front from the region's observed
line at ``T`` (capped at the region's area and at zero), and scored against the region's
persistence and trend.  The regions' forecasts summed (increments scaled by the ratio of the
two series at ``T``: the oblast series is computed in another projection) give a second
forecast of the total line (``front.regions.summed``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import ParameterError
from sim.format import km2
from sim.model.scenario import Scenario, builtin_models_dir, load_scenario

#: The default rolling origins (issue 15).
ORIGINS: tuple[str, ...] = tuple(f"2025-{m:02d}" for m in range(1, 9))

#: The fit's box (a flat prior): km2/month at full capacity advantage, and the share of
#: capacity at which the front stands still.  Wider than the baseline's ranges, so that
#: an origin's data, not the box, decides; a fit on the box's edge is flagged.
SCALE_BOX: tuple[float, float] = (500.0, 15000.0)
SHARE_BOX: tuple[float, float] = (0.50, 0.80)
#: The scale's log-normal prior ``(mu, tau)`` of ``log k``: the box as its +-2 sd (its
#: geometric middle, about 2,740 km2/month, and a factor of 30 over four sd).
SCALE_PRIOR: tuple[float, float] = (
    0.5 * (np.log(SCALE_BOX[0]) + np.log(SCALE_BOX[1])),
    (np.log(SCALE_BOX[1]) - np.log(SCALE_BOX[0])) / 4.0,
)

#: Points per axis of the coarse grid and of the refining grid (which spans one coarse
#: cell on each side of the coarse optimum).
COARSE_POINTS: tuple[int, int] = (59, 61)
FINE_POINTS = 21

#: The regional fit's prior on the offset ``c_r`` (:func:`sim.kernels.regions.fit_regions`):
#: judgement -- level errors of ~100 km2 (the in-sample error of the regional fits of the
#: shipped series is 0 - 300 km2), and a regional offset of more than ~30 km2/month from
#: the total's stalemate point is a priori unlikely (the median region moves < 30 km2/month).
REGIONAL_NOISE_SD_KM2 = 100.0
REGIONAL_OFFSET_PRIOR_SD_KM2 = 30.0

SCALE = "war.drift_scale_km2"
SHARE = "war.stalemate_share"

LOSS = (
    "posterior mode on the observed monthly total line (DeepStateMap), months after the "
    "scenario's start up to the origin: normal errors, log-normal prior on the drift scale "
    "(the box as +-2 sd); the path starts at the observed line of the start"
)
LOSS_FLAT = (
    "least squares on the observed monthly total line (DeepStateMap), months after the "
    "scenario's start up to the origin; the path starts at the observed line of the start"
)


def observed_path() -> Path:
    """The observed monthly total line shipped with the models."""
    return builtin_models_dir() / "data" / "occupied_area_monthly.csv"


def read_observed(path: str | Path | None = None) -> dict[str, float]:
    """``{YYYY-MM: km2}`` from a CSV with columns ``date`` and ``occupied_km2``.

    The series gives the line on the first day of each month; where a month has more
    than one row (the last row of the series is a mid-month reading), the first is kept.
    """
    out: dict[str, float] = {}
    with open(observed_path() if path is None else path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["date"][:7], float(row["occupied_km2"]))
    return out


def regional_path() -> Path:
    """The observed monthly line per region shipped with the models."""
    return builtin_models_dir() / "data" / "occupied_by_oblast_monthly.csv"


def read_regional(path: str | Path | None = None) -> dict[str, dict[str, tuple[float, float]]]:
    """``{region: {YYYY-MM: (km2 held, region's km2)}}`` from a CSV with columns
    ``month``, ``region``, ``occupied_km2``, ``region_km2`` (the first row of a month kept)."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    with open(regional_path() if path is None else path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            months = out.setdefault(row["region"], {})
            months.setdefault(
                row["month"][:7], (float(row["occupied_km2"]), float(row["region_km2"]))
            )
    return out


# -- the pieces, each testable on a tiny series -------------------------------


def persistence(level: float, horizon: int) -> np.ndarray:
    """No change from the origin: ``F(T + j) = L(T)`` for ``j = 1 .. horizon``."""
    return np.full(horizon, float(level))


def trend(window: Sequence[float], horizon: int) -> np.ndarray:
    """The linear trend of ``window`` (monthly values ending at the origin, NaN for a
    missing month), re-based at its last value: ``L(T) + slope * j``."""
    y = np.asarray(window, dtype=float)
    x = np.arange(y.size, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 2 or not ok[-1]:
        raise ParameterError("the trend needs the origin's value and at least one more month")
    slope = np.polyfit(x[ok], y[ok], 1)[0]
    return y[-1] + slope * np.arange(1, horizon + 1)


def rebase(path: np.ndarray, origin: int, level: float, horizon: int) -> np.ndarray:
    """The model's path re-based at ``origin``: ``level + path[origin + j] - path[origin]``
    for ``j = 1 .. horizon`` (NaN past the path's end)."""
    out = np.full(horizon, np.nan)
    ahead = path[origin + 1 : origin + 1 + horizon]
    out[: ahead.size] = level + ahead - path[origin]
    return out


def rmse(forecast: np.ndarray, target: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Root-mean-square error over the pairs where both the forecast and the target exist."""
    err = np.asarray(forecast, float) - np.asarray(target, float)
    ok = np.isfinite(err)
    sq = np.where(ok, err, 0.0) ** 2
    n = ok.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(sq.sum(axis=axis) / np.where(n > 0, n, np.nan))


def fit_losses(paths: np.ndarray, observed: np.ndarray, origin: int) -> np.ndarray:
    """Least-squares loss of each model path ``(G, T)`` against ``observed`` ``(T,)`` (NaN
    where not observed) over months ``1 .. origin``: nothing after ``origin`` is read."""
    obs = observed[1 : origin + 1]
    ok = np.isfinite(obs)
    err = paths[:, 1 : origin + 1][:, ok] - obs[ok]
    return (err**2).sum(axis=1)


def fit_objective(
    paths: np.ndarray, scales: np.ndarray, observed: np.ndarray, origin: int, prior: bool = True
) -> np.ndarray:
    """What the fit minimises for each path ``(G, T)`` of drift scale ``scales`` ``(G,)``:
    the negative log posterior up to a constant (the module's docstring), or with
    ``prior=False`` the least-squares loss (:func:`fit_losses`)."""
    ssr = fit_losses(paths, observed, origin)
    if not prior:
        return ssr
    n = int(np.isfinite(observed[1 : origin + 1]).sum())
    mu, tau = SCALE_PRIOR
    with np.errstate(divide="ignore"):  # a perfect fit: -inf, the best there is
        fit_term = 0.5 * n * np.log(ssr / max(n, 1))
    return fit_term + (np.log(scales) - mu) ** 2 / (2.0 * tau**2)


# -- the model's paths ----------------------------------------------------------


def model_paths(scenario: Scenario, scales: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """The deterministic no-deal line ``(G, horizon + 1)`` for each ``(scale, share)`` pair."""
    from sim.engine import compute

    comp = compute(
        scenario,
        {SCALE: np.asarray(scales, float), SHARE: np.asarray(shares, float)},
        with_deals=False,
    )
    return np.asarray(comp.line, dtype=float)


def _coarse() -> tuple[np.ndarray, np.ndarray]:
    return np.linspace(*SCALE_BOX, COARSE_POINTS[0]), np.linspace(*SHARE_BOX, COARSE_POINTS[1])


def _fine_axes(best: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    axes = []
    for value, axis, box in zip(best, _coarse(), (SCALE_BOX, SHARE_BOX), strict=True):
        step = axis[1] - axis[0]
        lo, hi = max(box[0], value - step), min(box[1], value + step)
        axes.append(np.linspace(lo, hi, FINE_POINTS))
    return axes[0], axes[1]


@dataclass(frozen=True)
class _Fit:
    scale: np.ndarray  # (O,)
    share: np.ndarray
    loss: np.ndarray
    months: np.ndarray
    paths: np.ndarray  # (O, T) the fitted path of each origin


def fit(
    scenario: Scenario, observed: np.ndarray, origins: Sequence[int], prior: bool = True
) -> _Fit:
    """Fit ``(k, s*)`` at each origin on the months up to it (two batches of the engine):
    the posterior mode, or with ``prior=False`` least squares (:func:`fit_objective`)."""
    scales, shares = _coarse()
    s, k = (a.ravel() for a in np.meshgrid(scales, shares, indexing="ij"))
    coarse = model_paths(scenario, s, k)
    best = []
    for o in origins:
        i = int(np.argmin(fit_objective(coarse, s, observed, o, prior)))
        best.append((s[i], k[i]))
    grids = [np.meshgrid(*_fine_axes(b), indexing="ij") for b in best]
    fs = np.concatenate([g[0].ravel() for g in grids])
    fk = np.concatenate([g[1].ravel() for g in grids])
    fine = model_paths(scenario, fs, fk)
    size = FINE_POINTS**2
    out = {"scale": [], "share": [], "loss": [], "months": [], "paths": []}
    for n, o in enumerate(origins):
        block = slice(n * size, (n + 1) * size)
        losses = fit_losses(fine[block], observed, o)
        i = int(np.argmin(fit_objective(fine[block], fs[block], observed, o, prior)))
        out["scale"].append(fs[block][i])
        out["share"].append(fk[block][i])
        out["loss"].append(losses[i])
        out["months"].append(int(np.isfinite(observed[1 : o + 1]).sum()))
        out["paths"].append(fine[block][i])
    return _Fit(**{key: np.array(v) for key, v in out.items()})


# -- the result -----------------------------------------------------------------


@dataclass(frozen=True)
class FrontBacktest:
    """Rolling-origin forecasts of the total front line and their errors.

    Arrays: ``months`` / ``observed_km2`` the scenario's months and the observed line
    (NaN where not observed); per origin ``O`` and lead ``H``: ``model_km2``,
    ``held_km2`` (the model with the war's dated inputs held at their values at the
    origin: the unconditional forecast), ``persistence_km2``, ``trend_km2`` and
    ``target_km2`` (the observation, NaN where none) ``(O, H)``; the fitted
    ``drift_scale_km2``, ``stalemate_share``, the fit's in-sample ``fit_rmse_km2`` and
    ``fit_months`` ``(O,)``; ``fitted_paths_km2`` ``(O, T)`` the model's path
    with each origin's fit (not re-based).
    """

    scenario: str
    months: tuple[str, ...]
    observed_km2: np.ndarray
    origins: tuple[str, ...]
    origin_index: tuple[int, ...]
    horizon: int
    model_km2: np.ndarray
    held_km2: np.ndarray
    persistence_km2: np.ndarray
    trend_km2: np.ndarray
    target_km2: np.ndarray
    drift_scale_km2: np.ndarray
    stalemate_share: np.ndarray
    fit_rmse_km2: np.ndarray
    fit_months: np.ndarray
    fitted_paths_km2: np.ndarray
    inputs_after_origin: tuple[str, ...] = ()
    trend_months: int = 6
    loss: str = LOSS
    regions: dict = field(default_factory=dict)
    regional: RegionalBacktest | None = None

    @property
    def conditional_on_observed_inputs(self) -> bool:
        """True when a dated input observed after an origin enters its forecast."""
        return bool(self.inputs_after_origin)

    @property
    def forecasts(self) -> dict[str, np.ndarray]:
        return {
            "model": self.model_km2,
            "model_inputs_held": self.held_km2,
            "persistence": self.persistence_km2,
            "trend": self.trend_km2,
        }

    def forecast_months(self, n: int) -> tuple[str, ...]:
        """The months ``T + 1 .. T + horizon`` of origin number ``n`` (past the scenario's
        end the labels continue)."""
        year, month = (int(x) for x in self.origins[n].split("-"))
        out = []
        for j in range(1, self.horizon + 1):
            m = month - 1 + j
            out.append(f"{year + m // 12:04d}-{m % 12 + 1:02d}")
        return tuple(out)

    def pairs(self) -> int:
        """(origin, lead) pairs scored: an observation and every forecast exist."""
        ok = np.isfinite(self.target_km2)
        for f in self.forecasts.values():
            ok &= np.isfinite(f)
        return int(ok.sum())

    def _scored(self, forecast: np.ndarray) -> np.ndarray:
        """``forecast`` where every forecast and the target exist (the same pairs for all)."""
        ok = np.isfinite(self.target_km2)
        for f in self.forecasts.values():
            ok &= np.isfinite(f)
        return np.where(ok, forecast, np.nan)

    def rmse(self, by_lead: bool = False) -> dict[str, np.ndarray | float]:
        """RMSE of each forecast: over every scored pair, or per lead ``(H,)``."""
        axis = 0 if by_lead else None
        return {
            name: (lambda v: v if by_lead else float(v))(
                rmse(self._scored(f), self.target_km2, axis=axis)
            )
            for name, f in self.forecasts.items()
        }

    def to_dict(self) -> dict:
        total = self.rmse()
        lead = self.rmse(by_lead=True)

        def listed(a: np.ndarray) -> list[float | None]:
            return [None if not np.isfinite(v) else round(float(v), 1) for v in a]

        return {
            "front": {
                "scenario": self.scenario,
                "horizon_months": self.horizon,
                "origins": list(self.origins),
                "conditional_on_observed_inputs": self.conditional_on_observed_inputs,
                "inputs_observed_after_origin": list(self.inputs_after_origin),
                "loss": self.loss,
                "baselines": {
                    "persistence": "no change from the observed line at the origin",
                    "trend": f"least-squares slope of the observed line over the last "
                    f"{self.trend_months} months, from the observed line at the origin",
                },
                "total": {
                    "model_rmse_km2": round(total["model"], 1),
                    "persistence_rmse_km2": round(total["persistence"], 1),
                    "trend_rmse_km2": round(total["trend"], 1),
                    "model_inputs_held_rmse_km2": round(total["model_inputs_held"], 1),
                    "pairs": self.pairs(),
                    "by_lead": {
                        "lead_months": list(range(1, self.horizon + 1)),
                        "model_rmse_km2": listed(lead["model"]),
                        "persistence_rmse_km2": listed(lead["persistence"]),
                        "trend_rmse_km2": listed(lead["trend"]),
                        "model_inputs_held_rmse_km2": listed(lead["model_inputs_held"]),
                    },
                },
                "regions": dict(self.regions),
                "regions_note": (
                    "each region's front fitted on its own series at each origin "
                    "(sim.kernels.regions)"
                    if self.regions
                    else "empty: no regional series"
                ),
                "fits": {
                    origin: {
                        "drift_scale_km2": round(float(self.drift_scale_km2[n]), 1),
                        "stalemate_share": round(float(self.stalemate_share[n]), 4),
                        "fit_rmse_km2": round(float(self.fit_rmse_km2[n]), 1),
                        "fit_months": int(self.fit_months[n]),
                        "at_bound": self.at_bound(n),
                    }
                    for n, origin in enumerate(self.origins)
                },
            }
        }

    def at_bound(self, n: int) -> bool:
        """Whether origin ``n``'s fit sits on the edge of the fit's box."""
        s, k = self.drift_scale_km2[n], self.stalemate_share[n]
        return bool(
            np.isclose(s, SCALE_BOX).any() or np.isclose(k, SHARE_BOX, rtol=0, atol=1e-9).any()
        )

    def lines(self) -> list[str]:
        """The table in words, for the command line."""
        total, lead = self.rmse(), self.rmse(by_lead=True)
        out = [
            f"The front out of sample ({self.scenario}): origins {self.origins[0]} .. "
            f"{self.origins[-1]}, forecasts 1 .. {self.horizon} months ahead, "
            f"{self.pairs()} (origin, lead) pairs with an observation.",
        ]
        if self.conditional_on_observed_inputs:
            out.append(
                "Conditional on observed inputs: the model's forecasts use the dated inputs "
                "observed after each origin (" + "; ".join(self.inputs_after_origin) + ")."
            )
        out.append(
            f"RMSE, all leads: model {km2(total['model'])}, persistence "
            f"{km2(total['persistence'])}, trend of the last {self.trend_months} months "
            f"{km2(total['trend'])}; the model with its inputs held at their values at "
            f"the origin (unconditional) {km2(total['model_inputs_held'])}."
        )
        out.append(_verdict(total))
        out.append("")
        names = ("model", "model_inputs_held", "persistence", "trend")
        out.append(
            f"{'lead':>4}  {'model':>7}  {'inputs held':>11}  {'persistence':>11}  {'trend':>7}"
            "   (RMSE, km2)"
        )
        for j in range(self.horizon):
            c = [_num(lead[name][j]) for name in names]
            out.append(f"{j + 1:>4}  {c[0]:>7}  {c[1]:>11}  {c[2]:>11}  {c[3]:>7}")
        out.append("")
        out.append(f"Fitted at each origin ({self.loss}):")
        out.append(f"{'origin':>7}  {'drift scale':>11}  {'stalemate':>9}  {'fit RMSE':>8}  months")
        for n, origin in enumerate(self.origins):
            flag = "  (on the fit's box edge)" if self.at_bound(n) else ""
            out.append(
                f"{origin:>7}  {self.drift_scale_km2[n]:>11,.0f}  {self.stalemate_share[n]:>9.3f}"
                f"  {self.fit_rmse_km2[n]:>8,.0f}  {int(self.fit_months[n]):>6}{flag}"
            )
        if self.regional is not None:
            out.append("")
            out.extend(self.regional.lines())
        return out


def _num(value: float) -> str:
    return "-" if not np.isfinite(value) else f"{value:,.0f}"


def _verdict(total: Mapping[str, float]) -> str:
    words = {"persistence": "persistence", "trend": "the six-month trend"}
    out = []
    for name, what in (
        ("model", "The model (conditional on observed inputs)"),
        ("model_inputs_held", "With its inputs held at the origin's, the model"),
    ):
        beaten = [words[b] for b in ("persistence", "trend") if total[b] < total[name]]
        if beaten:
            out.append(f"{what} loses to {' and '.join(beaten)}.")
        else:
            out.append(f"{what} beats both baselines.")
    return " ".join(out)


# -- per region (issue 18) --------------------------------------------------------


@dataclass(frozen=True)
class RegionalBacktest:
    """Rolling-origin forecasts of each region's line (see :func:`regional_backtest`).

    ``regions`` ``R`` names; per region, origin and lead ``(R, O, H)``: ``model_km2``,
    ``held_km2``, ``persistence_km2``, ``trend_km2``, ``target_km2``; the fit ``(O, R)``:
    ``allocation``, ``offset_km2``, ``fit_rmse_km2``; ``summed_km2`` ``(O, H)`` the total
    line forecast as the sum of the regions' forecasts, ``summed_target_km2`` the observed
    total line it is scored against.
    """

    regions: tuple[str, ...]
    origins: tuple[str, ...]
    model_km2: np.ndarray
    held_km2: np.ndarray
    persistence_km2: np.ndarray
    trend_km2: np.ndarray
    target_km2: np.ndarray
    allocation: np.ndarray
    offset_km2: np.ndarray
    fit_rmse_km2: np.ndarray
    summed_km2: np.ndarray
    summed_held_km2: np.ndarray
    summed_target_km2: np.ndarray
    stalemate_share: np.ndarray

    def forecasts(self, r: int) -> dict[str, np.ndarray]:
        return {
            "model": self.model_km2[r],
            "model_inputs_held": self.held_km2[r],
            "persistence": self.persistence_km2[r],
            "trend": self.trend_km2[r],
        }

    def rmse(self, r: int) -> dict[str, float]:
        """RMSE of each forecast of region ``r`` over the pairs where all exist."""
        target = self.target_km2[r]
        ok = np.isfinite(target)
        for f in self.forecasts(r).values():
            ok &= np.isfinite(f)
        return {
            name: float(rmse(np.where(ok, f, np.nan), target))
            for name, f in self.forecasts(r).items()
        }

    def summed_rmse(self) -> dict[str, float]:
        """RMSE of the summed regional forecasts against the observed total line."""
        ok = np.isfinite(self.summed_target_km2) & np.isfinite(self.summed_km2)
        return {
            name: float(rmse(np.where(ok, f, np.nan), self.summed_target_km2))
            for name, f in (("model", self.summed_km2), ("model_inputs_held", self.summed_held_km2))
        }

    def to_dict(self) -> dict:
        out: dict = {}
        for r, region in enumerate(self.regions):
            e = self.rmse(r)
            out[region] = {
                "model_rmse_km2": _rounded(e["model"]),
                "persistence_rmse_km2": _rounded(e["persistence"]),
                "trend_rmse_km2": _rounded(e["trend"]),
                "model_inputs_held_rmse_km2": _rounded(e["model_inputs_held"]),
                "pairs": int(np.isfinite(self.target_km2[r]).sum()),
                "fits": {
                    origin: {
                        "allocation": round(float(self.allocation[n, r]), 4),
                        "offset_km2": round(float(self.offset_km2[n, r]), 1),
                        "stalemate_share": _rounded(self.stalemate_share[n, r], 4),
                        "fit_rmse_km2": round(float(self.fit_rmse_km2[n, r]), 1),
                    }
                    for n, origin in enumerate(self.origins)
                },
            }
        summed = self.summed_rmse()
        out["summed"] = {
            "model_rmse_km2": _rounded(summed["model"]),
            "model_inputs_held_rmse_km2": _rounded(summed["model_inputs_held"]),
            "what": "the total line forecast as the sum of the regions' forecasts, "
            "scored against the observed total line",
        }
        return out

    def lines(self) -> list[str]:
        out = [
            "Per region (each region's front fitted on its own series at each origin; RMSE, km2):",
            f"{'region':<15} {'model':>7}  {'inputs held':>11}  {'persistence':>11}  {'trend':>7}",
        ]
        for r, region in enumerate(self.regions):
            e = self.rmse(r)
            out.append(
                f"{region:<15} {_num(e['model']):>7}  {_num(e['model_inputs_held']):>11}  "
                f"{_num(e['persistence']):>11}  {_num(e['trend']):>7}"
            )
        s = self.summed_rmse()
        out.append(
            f"The regions' forecasts summed, against the total line: model "
            f"{_num(s['model'])}, inputs held {_num(s['model_inputs_held'])}."
        )
        return out


def _rounded(value: float, digits: int = 1) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)


def _regional_observed(
    scenario: Scenario, observed: Mapping[str, Mapping[str, tuple[float, float]]]
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Regions, their observed lines ``(R, T)`` on the scenario's months and areas ``(R,)``.

    Month 0 takes the first observation when it has none (as the scenario's initial line)."""
    months = [scenario.month_label(t) for t in range(scenario.horizon + 1)]
    regions = tuple(sorted(observed))
    obs = np.array(
        [[observed[r].get(m, (np.nan, np.nan))[0] for m in months] for r in regions], dtype=float
    )
    area = np.array([max(a for _, a in observed[r].values()) for r in regions], dtype=float)
    for r, region in enumerate(regions):
        if not np.isfinite(obs[r, 0]):
            first = np.flatnonzero(np.isfinite(obs[r]))
            if first.size == 0:
                raise ParameterError(f"regional series: {region} has no observation in range")
            obs[r, 0] = obs[r, first[0]]
    return regions, obs, area


def _walk_from(front_args: tuple, drift: np.ndarray, season: np.ndarray, o: int, horizon: int):
    """Walk every region's front from the observed lines at ``o`` ``(R,)``: ``(R, H)``."""
    from sim.kernels.regions import RegionalFront, regional_paths

    alloc, offset, area, level = front_args
    n = min(horizon, drift.size - 1 - o)
    out = np.full((alloc.size, horizon), np.nan)
    if n <= 0:
        return out
    front = RegionalFront(alloc[None], offset[None], area[None], level[None])
    d = drift[None, None, o : o + n + 1]
    path = regional_paths(front, d, season[None, o : o + n + 1])[0, 0]  # (R, n + 1)
    out[:, :n] = path[:, 1:]
    return out


@dataclass(frozen=True)
class TotalRun:
    """What the regional back-test reads of the total line's: the observed total line
    ``(T,)``, the origins' labels and month indices, the fit (its paths ``(O, T)`` give the
    war's drift each region is allocated a share of) and the paths with the war's inputs
    held at each origin's ``(O, T)``."""

    observed: np.ndarray
    labels: tuple[str, ...]
    index: tuple[int, ...]
    fit: _Fit
    held_paths: np.ndarray


def _drift_of(paths: np.ndarray) -> np.ndarray:
    """The drift ``D(t) = L(t + 1) - L(t)`` of each path ``(O, T)`` (0 in the last month)."""
    out = np.zeros_like(paths)
    out[:, :-1] = np.diff(paths, axis=1)
    return out


def regional_backtest(
    scenario: Scenario,
    total: TotalRun,
    horizon: int,
    *,
    observed: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
    trend_months: int = 6,
) -> RegionalBacktest:
    """Fit, forecast and score each region's front at each origin (module docstring).

    ``observed`` is :func:`read_regional`'s ``{region: {YYYY-MM: (km2, area)}}`` (default:
    the shipped DeepStateMap series per oblast)."""
    from sim.kernels.regions import RegionalFront, fit_regions, stalemate_share
    from sim.model.batch import build_batch

    labels, idx, observed_total = total.labels, total.index, total.observed
    regions, obs, area = _regional_observed(
        scenario, read_regional() if observed is None else observed
    )
    season = np.asarray(build_batch(scenario).war.season[:, 0], dtype=float)
    drift = _drift_of(total.fit.paths)
    held_drift = _drift_of(total.held_paths)
    penalty = (REGIONAL_NOISE_SD_KM2 / REGIONAL_OFFSET_PRIOR_SD_KM2) ** 2
    fit = fit_regions(drift, season, obs, idx, penalty=penalty)
    shape = (len(regions), len(idx), horizon)
    model, held, pers, trnd, target = (np.full(shape, np.nan) for _ in range(5))
    summed, summed_held, summed_target = (np.full((len(idx), horizon), np.nan) for _ in range(3))
    for n, o in enumerate(idx):
        args = (fit.allocation[n], fit.offset_km2[n], area, obs[:, o])
        model[:, n] = _walk_from(args, drift[n], season, o, horizon)
        held[:, n] = _walk_from(args, held_drift[n], season, o, horizon)
        for r in range(len(regions)):
            pers[r, n] = persistence(obs[r, o], horizon)
            trnd[r, n] = trend(obs[r, max(0, o - trend_months) : o + 1], horizon)
        ahead = obs[:, o + 1 : o + 1 + horizon]
        target[:, n, : ahead.shape[1]] = ahead
        ratio = observed_total[o] / obs[:, o].sum()
        summed[n] = observed_total[o] + ratio * (model[:, n] - obs[:, o, None]).sum(0)
        summed_held[n] = observed_total[o] + ratio * (held[:, n] - obs[:, o, None]).sum(0)
        ahead = observed_total[o + 1 : o + 1 + horizon]
        summed_target[n, : ahead.size] = ahead
    areas = np.broadcast_to(area, fit.allocation.shape)
    front = RegionalFront(fit.allocation, fit.offset_km2, areas, areas)
    return RegionalBacktest(
        regions=regions,
        origins=tuple(labels),
        model_km2=model,
        held_km2=held,
        persistence_km2=pers,
        trend_km2=trnd,
        target_km2=target,
        allocation=fit.allocation,
        offset_km2=fit.offset_km2,
        fit_rmse_km2=fit.rmse_km2,
        summed_km2=summed,
        summed_held_km2=summed_held,
        summed_target_km2=summed_target,
        stalemate_share=stalemate_share(front, total.fit.scale, total.fit.share),
    )


# -- the entry point --------------------------------------------------------------


def _observed_on(scenario: Scenario, observed: Mapping[str, float]) -> np.ndarray:
    months = [scenario.month_label(t) for t in range(scenario.horizon + 1)]
    return np.array([observed.get(m, np.nan) for m in months], dtype=float)


def _inputs_after(scenario: Scenario, origins: Sequence[int], horizon: int) -> tuple[str, ...]:
    """The dated inputs of the war that move a forecast: dated after its origin ``o`` and
    before its last month (an input of month ``t`` moves the line from ``t + 1``)."""
    found = []
    for event in scenario.model.events.values():
        t = scenario.event_month(event.date)
        if not any(path.startswith("war.") for path in event.set):
            continue
        if any(o < t < o + horizon for o in origins):
            found.append(f"{event.label} ({scenario.month_label(t)})")
    return tuple(found)


def held_inputs(scenario: Scenario, origin: int) -> Scenario:
    """The scenario with the war's dated inputs after ``origin`` held at their values in
    force at ``origin`` (each later event's settings replaced by those values): the
    forecast a user at ``origin`` could have made, not knowing the later aid or oil."""
    in_force: dict[str, float] = {}
    later: list[tuple[str, str]] = []
    events = sorted(scenario.model.events.items(), key=lambda kv: kv[1].date)
    for key, event in events:
        t = scenario.event_month(event.date)
        for path, param in event.set.items():
            if not path.startswith("war."):
                continue
            if t <= origin:
                in_force[path] = param.value
            else:
                later.append((key, path))
    values = {
        f"events.{key}.set.{path}": in_force.get(path, scenario.get(path)) for key, path in later
    }
    return scenario.with_params(values) if values else scenario


def _origin_indices(scenario: Scenario, origins: Sequence[str], obs: np.ndarray) -> list[int]:
    out = []
    for origin in origins:
        o = scenario.month_index(origin)
        if not np.isfinite(obs[o]):
            raise ParameterError(f"origin {origin}: the front is not observed that month")
        if o < 2:
            raise ParameterError(f"origin {origin}: too early to fit two parameters")
        out.append(o)
    return out


def front_backtest(  # noqa: PLR0913 -- the options after horizon are keyword-only
    scenario: Scenario | str = "history",
    origins: Sequence[str] = ORIGINS,
    horizon: int = 12,
    *,
    observed: Mapping[str, float] | None = None,
    trend_months: int = 6,
    regional: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
    prior: bool = True,
) -> FrontBacktest:
    """Fit at each origin on the months up to it, forecast ``horizon`` months, and score
    the model against persistence and the linear trend (see the module's docstring).

    ``observed`` is ``{YYYY-MM: km2}`` (default: the shipped DeepStateMap series);
    ``regional`` the series per region (:func:`read_regional`; default: the shipped one);
    ``prior=False`` fits by plain least squares in the box (the fit before session 5).
    """
    if horizon < 1:
        raise ParameterError(f"horizon must be at least 1 month, got {horizon}")
    s = load_scenario(scenario)
    obs = _observed_on(s, read_observed() if observed is None else observed)
    idx = _origin_indices(s, origins, obs)
    fitted = fit(s, obs, idx, prior)
    model, held, pers, trnd, target = (np.full((len(idx), horizon), np.nan) for _ in range(5))
    held_paths = np.full_like(fitted.paths, np.nan)
    for n, o in enumerate(idx):
        model[n] = rebase(fitted.paths[n], o, obs[o], horizon)
        frozen = model_paths(held_inputs(s, o), fitted.scale[n : n + 1], fitted.share[n : n + 1])
        held_paths[n] = frozen[0]
        held[n] = rebase(frozen[0], o, obs[o], horizon)
        pers[n] = persistence(obs[o], horizon)
        trnd[n] = trend(obs[max(0, o - trend_months) : o + 1], horizon)
        ahead = obs[o + 1 : o + 1 + horizon]
        target[n, : ahead.size] = ahead
    run = TotalRun(obs, tuple(origins), tuple(idx), fitted, held_paths)
    per_region = regional_backtest(s, run, horizon, observed=regional, trend_months=trend_months)
    return FrontBacktest(
        scenario=s.name,
        months=tuple(s.month_label(t) for t in range(s.horizon + 1)),
        observed_km2=obs,
        origins=tuple(origins),
        origin_index=tuple(idx),
        horizon=horizon,
        model_km2=model,
        held_km2=held,
        persistence_km2=pers,
        trend_km2=trnd,
        target_km2=target,
        drift_scale_km2=fitted.scale,
        stalemate_share=fitted.share,
        fit_rmse_km2=np.sqrt(fitted.loss / np.maximum(fitted.months, 1)),
        fit_months=fitted.months,
        fitted_paths_km2=fitted.paths,
        inputs_after_origin=_inputs_after(s, idx, horizon),
        trend_months=trend_months,
        loss=LOSS if prior else LOSS_FLAT,
        regions=per_region.to_dict(),
        regional=per_region,
    )


def regional_fit_all(scenario: Scenario | str = "history") -> dict[str, tuple[float, float]]:
    """Each region's ``(allocation, offset_km2)`` fitted on every observed month of the
    shipped series, given the war's drift of the scenario's own (neutral, deterministic)
    path -- the values of ``models/baseline.toml``'s ``[regions.front]`` (same loss and
    prior as the back-test: :func:`sim.kernels.regions.fit_regions`)."""
    from sim.engine import compute
    from sim.kernels.regions import fit_regions

    s = load_scenario(scenario)
    regions, obs, _ = _regional_observed(s, read_regional())
    comp = compute(s, with_deals=False)
    drift = np.asarray(comp.path.drift[0, 0], dtype=float)
    season = np.asarray(comp.batch.war.season[:, 0], dtype=float)
    last = int(np.flatnonzero(np.isfinite(obs).all(axis=0))[-1])
    penalty = (REGIONAL_NOISE_SD_KM2 / REGIONAL_OFFSET_PRIOR_SD_KM2) ** 2
    fit = fit_regions(drift, season, obs, [last], penalty=penalty)
    return {
        r: (float(fit.allocation[0, i]), float(fit.offset_km2[0, i])) for i, r in enumerate(regions)
    }
