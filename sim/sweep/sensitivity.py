"""Global sensitivity of the ZOPA to the uncertainties: Sobol indices and Morris screening.

For an outcome ``Y = f(X_1, ..., X_k)`` with independent uniform inputs,

* the **first-order** Sobol index ``S_i = Var(E[Y | X_i]) / Var(Y)`` is the
  share of the variance of ``Y`` that ``X_i`` explains alone;
* the **total** index ``ST_i = E[Var(Y | X_~i)] / Var(Y)`` adds every
  interaction ``X_i`` takes part in (``ST_i - S_i`` is the interaction share);

estimated with Saltelli's sampling scheme and the estimators of Saltelli et
al. (2010) and Jansen (1999), with bootstrap confidence intervals, by SALib
(Herman & Usher 2017).  **Morris** screening (Morris 1991; Campolongo et al.
2007) is the cheap first look: ``mu_star`` (mean absolute elementary effect)
ranks the inputs, ``sigma`` flags non-linearity and interactions.

The outcomes analysed by default describe the ZOPA's existence
(``zopa_exists``, its indices apportion the variance of a 0/1 indicator), its
width (``zopa_width_km2``) and its location (``zopa_mid_km2``, the midpoint of
``[zopa_lo_km2, zopa_hi_km2]``, which is defined whether or not the zone is
empty).

References
----------
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
*Computer Physics Communications* 181(2), 259-270.
Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer Physics
Communications* 117(1-2), 35-43.
Herman, J. & Usher, W. (2017). SALib: an open-source Python library for sensitivity
analysis. *Journal of Open Source Software* 2(9), 97.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
Campolongo, F., Cariboni, J. & Saltelli, A. (2007). An effective screening design for
sensitivity analysis of large models. *Environmental Modelling & Software* 22(10),
1509-1518.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import xarray as xr

from sim.errors import ResultsError, SweepSpecError
from sim.results import FORECAST_OUTCOMES, is_projection, is_regional, json_ready
from sim.sweep.designs import REPLICATION, RUN
from sim.sweep.runner import RunOptions, evaluate_with, run_sweep
from sim.sweep.spec import ScenarioLike, SweepOptions, build_spec

#: Outcomes computed from the stored ones: ``{name: (description, function)}``.
DERIVED = {
    "zopa_mid_km2": "midpoint of [zopa_lo_km2, zopa_hi_km2]: where the zone is (or would be)",
}
DEFAULT_OUTCOMES = ("zopa_exists", "zopa_width_km2", "zopa_mid_km2")


@dataclass(frozen=True)
class SobolIndices:
    """Sobol indices of one outcome; ``*_conf`` are confidence half-widths."""

    outcome: str
    names: tuple[str, ...]
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    S2: np.ndarray | None = None
    S2_conf: np.ndarray | None = None
    note: str = ""


@dataclass(frozen=True)
class MorrisIndices:
    """Morris elementary-effect statistics of one outcome."""

    outcome: str
    names: tuple[str, ...]
    mu: np.ndarray
    mu_star: np.ndarray
    mu_star_conf: np.ndarray
    sigma: np.ndarray
    note: str = ""


@dataclass(frozen=True)
class Sensitivity:
    """The result of :func:`analyze` / :func:`sensitivity`, with how it was computed."""

    method: str
    samples: int
    runs: int
    conf_level: float
    seed: int
    indices: dict[str, SobolIndices | MorrisIndices]

    def to_dict(self) -> dict[str, Any]:
        """The indices as JSON values: what ``ceasefire sensitivity --json`` prints."""
        indices = {}
        for name, ix in self.indices.items():
            names = (
                ("mu", "mu_star", "mu_star_conf", "sigma")
                if isinstance(ix, MorrisIndices)
                else ("S1", "S1_conf", "ST", "ST_conf")
            )
            indices[name] = {
                "parameters": ix.names,
                **{f: np.asarray(getattr(ix, f), dtype=float) for f in names},
                "note": ix.note,
            }
        return json_ready(
            {
                "method": self.method,
                "samples": self.samples,
                "runs": self.runs,
                "conf_level": self.conf_level,
                "indices": indices,
            }
        )


def outcome_values(dataset: xr.Dataset, name: str) -> np.ndarray:
    """An outcome's values as floats, derived ones (:data:`DERIVED`) included."""
    if name == "zopa_mid_km2":
        values = 0.5 * (dataset["zopa_lo_km2"] + dataset["zopa_hi_km2"])
    elif name in dataset.data_vars:
        values = dataset[name].astype(float)
    else:
        known = ", ".join([*map(str, dataset.data_vars), *DERIVED])
        raise ResultsError(f"outcome {name!r} is not in the results (they have: {known})")
    if REPLICATION in values.dims:
        values = values.mean(REPLICATION)
    extra = [d for d in values.dims if d != RUN]
    if extra:
        raise ResultsError(
            f"sensitivity needs one value per run; the results also vary {', '.join(extra)}: "
            "select one lever combination first"
        )
    return np.asarray(values.transpose(RUN).values, dtype=float)


def salib_seed(seed: int) -> int:
    """The seed handed to SALib's analyzers for our ``seed``: never 0.

    SALib 1.x's ``analyze.sobol`` tests ``if seed:`` and falls back to
    numpy's global random state when it is falsy, so ``seed=0`` (our default)
    would give different bootstrap confidence intervals on every run.  The
    seed is instead the first word of ``numpy.random.SeedSequence(seed)``'s
    state, replaced by 1 in the one-in-2**32 case that it is 0: a fixed,
    nonzero function of ``seed`` that keeps distinct seeds apart.

    >>> salib_seed(0) == salib_seed(0) != 0
    True
    """
    return int(np.random.SeedSequence(int(seed)).generate_state(1)[0]) or 1


def _unusable(y: np.ndarray, name: str, *, constant_ok: bool) -> str:
    """Why ``y`` cannot be analysed ('' when it can)."""
    finite = np.isfinite(y)
    if not finite.all():
        return f"{int((~finite).sum())} of {y.size} runs have no finite {name}"
    # Relative test: a sum such as (y + c) - y is constant up to rounding only.
    if np.ptp(y) <= 1e-12 * max(1.0, float(np.abs(y).max())) and not constant_ok:
        return f"{name} is constant over the sample: there is no variance to apportion"
    return ""


def analyze(
    dataset: xr.Dataset,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int = 0,
) -> Sensitivity:
    """Sobol or Morris indices from a sweep made with ``--design sobol|morris``.

    Parameters
    ----------
    dataset
        The sweep's results; stochastic replications are averaged per run.
    outcomes
        Outcomes to analyse (stored ones or :data:`DERIVED`).
    conf_level, num_resamples
        The bootstrap of the confidence intervals (SALib).
    seed
        Seeds the bootstrap (through :func:`salib_seed`, so 0 is a seed like
        any other): same results and seed, same indices and intervals.

    Raises
    ------
    ResultsError
        If the sweep is not a Sobol or Morris design, an outcome is unknown,
        or the results also vary levers.
    """
    design = dataset.attrs.get("design")
    if design not in ("sobol", "morris"):
        raise ResultsError(
            f"sensitivity needs a sweep with `design` sobol or morris, not {design!r}"
        )
    problem = json.loads(dataset.attrs["problem"])
    names = tuple(problem["names"])
    spec = json.loads(dataset.attrs["sweep_spec"])
    indices: dict[str, SobolIndices | MorrisIndices] = {}
    if design == "morris":
        x = np.column_stack([np.asarray(dataset[n].values, dtype=float) for n in names])
    for name in outcomes:
        y = outcome_values(dataset, name)
        note = _unusable(y, name, constant_ok=design == "morris")
        nan = np.full(len(names), np.nan)
        if design == "sobol":
            if note:
                indices[name] = SobolIndices(name, names, nan, nan, nan, nan, note=note)
                continue
            from SALib.analyze import sobol

            result = sobol.analyze(
                problem,
                y,
                calc_second_order=bool(spec.get("second_order")),
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=salib_seed(seed),
            )
            indices[name] = SobolIndices(
                outcome=name,
                names=names,
                S1=np.asarray(result["S1"]),
                S1_conf=np.asarray(result["S1_conf"]),
                ST=np.asarray(result["ST"]),
                ST_conf=np.asarray(result["ST_conf"]),
                S2=np.asarray(result["S2"]) if "S2" in result else None,
                S2_conf=np.asarray(result["S2_conf"]) if "S2_conf" in result else None,
            )
        else:
            if note:
                indices[name] = MorrisIndices(name, names, nan, nan, nan, nan, note=note)
                continue
            from SALib.analyze import morris

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                result = morris.analyze(
                    problem,
                    x,
                    y,
                    num_resamples=num_resamples,
                    conf_level=conf_level,
                    num_levels=int(spec.get("morris_levels") or 4),
                    seed=salib_seed(seed),
                )
            indices[name] = MorrisIndices(
                outcome=name,
                names=names,
                mu=np.asarray(result["mu"], dtype=float),
                mu_star=np.asarray(result["mu_star"], dtype=float),
                mu_star_conf=np.asarray(result["mu_star_conf"], dtype=float),
                sigma=np.asarray(result["sigma"], dtype=float),
            )
    return Sensitivity(
        method=str(design),
        samples=int(dataset.attrs.get("samples", -1)),
        runs=int(dataset.sizes[RUN]),
        conf_level=conf_level,
        seed=seed,
        indices=indices,
    )


def sensitivity(
    scenario: ScenarioLike,
    uncertainties: Sequence[str],
    samples: int = 1024,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    settings: Sequence[str] = (),
    **options: Any,
) -> Sensitivity:
    """Sample the uncertainties (Saltelli or Morris), run the sweep, analyze it.

    ``samples`` is SALib's ``N``: Sobol evaluates ``N * (k + 2)`` points
    (``N * (2k + 2)`` with ``second_order``), a power of 2 keeps the Sobol'
    sequence balanced; Morris evaluates ``N`` trajectories of ``k + 1`` points.
    ``settings``: ``PATH=value`` parameters fixed at every point (not analysed).

    ``options`` are keywords: ``method`` (``"sobol"``, the default, or
    ``"morris"``); the sweep's (:class:`~sim.sweep.spec.SweepOptions`: ``seed``,
    ``second_order``, ``morris_levels``, ``month``, ``paths``, ``replications``,
    ``chunk_size``); the analysis' (``conf_level``, ``num_resamples``, see
    :func:`analyze`); and :func:`~sim.sweep.runner.run_sweep`'s (``out``,
    ``evaluate``, and :class:`~sim.sweep.runner.RunOptions`: ``executor``,
    ``workers``, ``scheduler``, ``progress``, ``command``, ...).  The same
    ``seed`` seeds the sample and the bootstrap.

    Raises
    ------
    TypeError
        On an unknown keyword (or ``design``: the method is the design).
    """
    method = options.pop("method", "sobol")
    if method not in ("sobol", "morris"):
        raise SweepSpecError(f"`method` {method!r}: expected sobol or morris")
    if "design" in options:
        raise TypeError("sensitivity() takes method=, not design=")
    sweep = {k: options.pop(k) for k in _names(SweepOptions) if k in options}
    analysis = {k: options.pop(k) for k in ("conf_level", "num_resamples") if k in options}
    out, evaluate = options.pop("out", None), options.pop("evaluate", None)
    stored = None
    regional = any(is_regional(o) for o in outcomes)
    projected = any(is_projection(o) for o in outcomes)
    if evaluate is None and (regional or not set(outcomes) & set(FORECAST_OUTCOMES)):
        # the forecast's hazard is not analysed: leave it out (every other outcome is the
        # same); a per-region outcome asks for evaluate(..., regions=True) (issue 18)
        forecast = bool(set(outcomes) & set(FORECAST_OUTCOMES))
        evaluate, stored = evaluate_with(
            scenario, forecast=forecast, regions=regional, projection=projected
        )
    run = RunOptions(**options)
    spec = build_spec(scenario, uncertainties, settings, design=method, samples=samples, **sweep)
    result = run_sweep(scenario, spec, out=out, evaluate=evaluate, outcomes=stored, options=run)
    if result.failed:
        raise ResultsError(
            f"{len(result.failed)} of {result.n_chunks} chunks failed "
            f"({result.failed[0].error}); no indices from an incomplete sample"
        )
    return analyze(result.dataset, outcomes, seed=spec.seed, **analysis)


def _names(options: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(options))
