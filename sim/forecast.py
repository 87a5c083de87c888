r"""The forecast: how likely is a ceasefire by a given month, and what stands in the way?

``forecast(scenario)`` runs the engine once for the scenario's own values and for
``draws`` parameter sets drawn uniformly from the scenario's ``range``\ s (seeded, as
:mod:`sim.backtest.decisions` draws them), then the monthly hazard of agreement
(:func:`sim.engine.agreement_hazard`: offers that can be refused under private
information, beliefs learnt while fighting; :mod:`sim.kernels.hazard`).  From the
hazard ``h_t`` of the months ``start .. horizon``:

* ``P(agreement by month k) = 1 - prod_{t <= k} (1 - h_t)`` (non-decreasing);
* the expected delay ``E[min(tau, K)] = sum_k prod_{t <= k} (1 - h_t)`` in months after
  ``start`` (censored at the horizon: a lower bound when agreement may come later);
* the line if agreed: the quantiles of the offers accepted, each month's expected
  accepted line weighted by the chance of agreement in that month, over the draws;
* the blockers: a month without agreement is a month in which the talks failed
  (probability ``1 - h_t``) after failing in every month before (``S_{t-1} =
  prod_{s < t} (1 - h_s)``); their sum ``sum_t S_{t-1} (1 - h_t) = sum_t S_t`` is the
  expected number of months without agreement up to ``by``.  Each named factor of
  :data:`BLOCKERS` claims a part ``a_f(t)`` of each month's failure (the parts sum to 1),
  and its share is ``sum_t a_f(t) S_t / sum_t S_t``: the part of the months lost
  (and so of the probability of no agreement, month by month) that it explains.

The central values are those of the scenario's own parameters (the first set, which
:func:`sim.engine.evaluate` reproduces); the bands are the 10th and 90th percentiles
over the draws, and ``p_mean`` their average (the chance of agreement when the
parameters are as uncertain as their ranges say).

With ``posterior`` (a fit of the judgement to the decisions, ``ceasefire calibrate --out``,
:mod:`sim.backtest.calibrate`) the fitted parameters take their fitted values in the
central set and are drawn from their Laplace posterior (normal, truncated at +-2 sd, as
the back-test draws them) instead of uniformly on their ranges; every other parameter is
drawn as without it (the same uniforms: the draws differ only in the fitted columns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.model.scenario import Scenario, load_scenario
from sim.results import json_ready

#: Bands: the 10th and 90th percentiles (an 80% band).
BAND = (10.0, 90.0)


@dataclass(frozen=True)
class BlockerInputs:
    """What a blocker factor reads, ``(B, K)`` over the sets and the months forecast:
    the hazard ``h`` and ``zone_open`` (the veto players' perceived bounds overlap)."""

    hazard: np.ndarray
    zone_open: np.ndarray
    #: ``(B, K)`` the probability that the package agreed is ratified (issue 17); None: 1.
    ratified: np.ndarray | None = None
    #: ``(B, K)`` the screening route's hazard (offers that can be refused, ratified) when
    #: the concession route of ``[attrition]`` adds to it; None: ``hazard`` itself.  The
    #: factors share the screening route's failure; the months lost (the weights) are
    #: those of the combined hazard, in which both routes fail.
    screening: np.ndarray | None = None

    def governments(self) -> np.ndarray:
        """``(1 - h0) / (1 - h)``: the part of a month's failure in which the governments
        agree on nothing (``h0 = h / r`` the governments' hazard, ``h`` the screening
        route's hazard); 1 without ratification."""
        if self.ratified is None:
            return np.ones(np.shape(self.hazard))
        r = np.clip(self.ratified, 0.0, 1.0)
        h = np.clip(self.hazard if self.screening is None else self.screening, 0.0, 1.0)
        h0 = np.where(r > 0, h / np.where(r > 0, r, 1.0), 0.0)
        fail = 1.0 - h
        return np.where(fail > 0, (1.0 - h0) / np.where(fail > 0, fail, 1.0), 1.0)


def _no_zopa(x: BlockerInputs) -> np.ndarray:
    """Months without a zone of agreement: no line beats war for every veto player."""
    return (~x.zone_open) * x.governments()


def _uncertainty(x: BlockerInputs) -> np.ndarray:
    """Months with a zone, in which offers are still refused: private information."""
    return x.zone_open * x.governments()


def _ratification(x: BlockerInputs) -> np.ndarray:
    """Months in which the governments agree and the package fails to be ratified (a
    referendum on a red line, issue 17): ``h0 (1 - r) / (1 - h)``."""
    return 1.0 - x.governments()


#: Named factors of the probability of no agreement: each maps :class:`BlockerInputs`
#: to its part ``a_f(t)`` ``(B, K)`` of each month's failure; the parts sum to 1 in every
#: month.  Another mechanism (red lines, ratification, durability) adds a factor here and
#: takes its part from the others.
BLOCKERS: dict[str, Callable[[BlockerInputs], np.ndarray]] = {
    "no_zopa": _no_zopa,
    "uncertainty": _uncertainty,
    "ratification": _ratification,
}


def blocker_shares(inputs: BlockerInputs) -> dict[str, np.ndarray]:
    """Each factor's share of the expected months without agreement over the months
    given, ``(B,)`` (see the module docstring); 0 for all when agreement is certain at once."""
    loss = np.cumprod(1.0 - np.clip(inputs.hazard, 0.0, 1.0), axis=-1)
    total = loss.sum(axis=-1)
    safe = np.where(total > 0, total, 1.0)
    return {
        k: np.where(total > 0, (f(inputs) * loss).sum(axis=-1) / safe, 0.0)
        for k, f in BLOCKERS.items()
    }


def pooled_blocker_shares(inputs: BlockerInputs) -> dict[str, float]:
    """The factors' shares of the expected months without agreement summed over all the
    sets (the draws): ``sum_b sum_t a_f S_t / sum_b sum_t S_t``."""
    loss = np.cumprod(1.0 - np.clip(inputs.hazard, 0.0, 1.0), axis=-1)
    total = float(loss.sum())
    return {
        k: float((f(inputs) * loss).sum() / total) if total > 0 else 0.0
        for k, f in BLOCKERS.items()
    }


def concession_share(hazard, concession, screening) -> np.ndarray:
    r"""The share of ``P(agreement by the last month)`` that comes from the concession
    route, ``(B,)`` (NaN where agreement has probability 0): each month's chance of
    agreement ``S_{t-1} h_t`` split between the routes in proportion to their hazards
    (the split of the line if agreed, :func:`sim.engine.agreement_routes`),
    ``sum_t S_{t-1} h_t h_c / (h_s + h_c) / sum_t S_{t-1} h_t``."""
    h = np.clip(np.asarray(hazard, float), 0.0, 1.0)
    before = np.cumprod(np.concatenate([np.ones((*h.shape[:-1], 1)), 1.0 - h[..., :-1]], -1), -1)
    both = screening + concession
    part = np.where(both > 0, concession / np.where(both > 0, both, 1.0), 0.0)
    agree = (before * h).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(agree > 0, (before * h * part).sum(axis=-1) / agree, np.nan)


def draw_parameters(
    scenario: Scenario, draws: int, seed: int, fit: Any = None
) -> dict[str, np.ndarray]:
    """The scenario's own values (row 0) and ``draws`` sets uniform on each ``range``;
    with ``fit`` (:class:`sim.backtest.calibrate.Fit`) its parameters are its values in
    row 0 and draws from its posterior (:meth:`~sim.backtest.calibrate.Fit.sample`)."""
    out = _uniform_draws(scenario, draws, seed)
    if fit is not None:
        sample = fit.sample(draws, seed)
        for p, v in fit.values.items():
            out[p] = np.concatenate([[v], sample[p]])
    return out


def _uniform_draws(scenario: Scenario, draws: int, seed: int) -> dict[str, np.ndarray]:
    paths = {}
    for p in sorted(scenario.parameter_paths()):
        rng = scenario.uncertainty_range(p)
        if rng is not None and rng[1] > rng[0]:
            paths[p] = (float(rng[0]), float(rng[1]))
    u = np.random.default_rng([seed, 16]).random((draws, len(paths)))
    return {
        p: np.concatenate([[scenario.get(p)], lo + (hi - lo) * u[:, j]])
        for j, (p, (lo, hi)) in enumerate(paths.items())
    }


def _weighted_quantiles(values, weights, q) -> list[float]:
    v, w = np.ravel(values), np.ravel(weights)
    keep = np.isfinite(v) & (w > 0)
    if not keep.any():
        return [float("nan")] * len(q)
    v, w = v[keep], w[keep]
    order = np.argsort(v)
    v, c = v[order], np.cumsum(w[order])
    c = c / c[-1]
    return [float(v[min(np.searchsorted(c, x), v.size - 1)]) for x in q]


def month_words(label: str) -> str:
    """``2027-06`` as ``Jun 2027``."""
    import calendar

    year, month = label.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


@dataclass(frozen=True)
class Forecast:
    """The forecast of one scenario (see the module docstring); arrays over ``months``."""

    scenario: str
    start: str
    by: str
    months: tuple[str, ...]
    hazard: np.ndarray
    p_agreement_by: np.ndarray
    p_band: tuple[np.ndarray, np.ndarray] | None
    #: P(agreement by month) averaged over the draws (None without draws): the chance
    #: when the parameters are as uncertain as their ranges say.
    p_mean: np.ndarray | None
    expected_delay_months: float
    delay_band: tuple[float, float] | None
    line_if_agreed: dict[str, float]
    terms: dict[str, float]
    blockers: dict[str, float]
    #: The blockers pooled over the draws (None without draws).
    blockers_over_draws: dict[str, float] | None
    draws: int
    seed: int
    total_km2: float
    events: tuple[tuple[str, str], ...] = ()
    uncertainty: bool = False
    #: The share of P(agreement by ``by``) that comes from a side's concession (the war
    #: of attrition, ``[attrition]``) at the scenario's own values, and pooled over the
    #: draws (the chance of agreement from concession over the draws' total); None
    #: without ``[attrition]`` (or without draws).
    concession_share: float | None = None
    concession_share_over_draws: float | None = None
    #: The fit whose posterior the fitted parameters are drawn from (its file), or None.
    posterior: str | None = None

    @property
    def p_by(self) -> float:
        """P(agreement by ``by``)."""
        return float(self.p_agreement_by[self.months.index(self.by)])

    def p_by_band(self) -> tuple[float, float] | None:
        if self.p_band is None:
            return None
        k = self.months.index(self.by)
        return float(self.p_band[0][k]), float(self.p_band[1][k])

    def sentence(self) -> str:
        """The forecast in words: the central value (at the scenario's own values), its
        band and mean over the draws, and the main blocker at the scenario's own values
        (as the table's ``Blockers`` line) and, when there are draws, pooled over them
        (as its ``over the draws`` line)."""
        band = self.p_by_band()
        text = f"A ceasefire by {month_words(self.by)} has probability {self.p_by:.2f}"
        low = self.p_by
        if band is not None:
            low = float(self.p_mean[self.months.index(self.by)])
            text += f" ({band[0]:.2f}-{band[1]:.2f} over the parameter draws, {low:.2f} on average)"
        if min(low, self.p_by) >= 1.0 - 5e-3:
            return text + "; nothing in the model stands in the way."
        if band is None or self.blockers_over_draws is None:
            return f"{text}; {_main_blocker(self.blockers)}."
        own, pooled = self.blockers, self.blockers_over_draws
        top = max(own, key=own.get) if own and max(own.values()) > 0 else None
        if top is not None and top == max(pooled, key=pooled.get):
            what = BLOCKER_WORDS.get(top, top.replace("_", " "))
            return (
                f"{text}; most of what stands in the way is {what} ({own[top]:.0%} at the"
                f" scenario's own values, {pooled[top]:.0%} pooled over the draws)."
            )
        text += f"; at the scenario's own values {_main_blocker(own)}"
        return f"{text}; pooled over the draws, {_main_blocker(pooled)}."

    def to_dict(self) -> dict[str, Any]:
        """JSON values: what ``ceasefire forecast --json`` prints."""
        band = self.p_by_band()
        return json_ready(
            {
                "scenario": self.scenario,
                "start": self.start,
                "by": self.by,
                "months": self.months,
                "hazard": self.hazard,
                "p_agreement_by": dict(zip(self.months, self.p_agreement_by, strict=True)),
                "p_agreement_by_band": None
                if self.p_band is None
                else {
                    "lo80": dict(zip(self.months, self.p_band[0], strict=True)),
                    "hi80": dict(zip(self.months, self.p_band[1], strict=True)),
                },
                "p_agreement_by_mean": None
                if self.p_mean is None
                else dict(zip(self.months, self.p_mean, strict=True)),
                "p_agreement": self.p_by,
                "p_agreement_band": band,
                "p_agreement_mean": None
                if self.p_mean is None
                else float(self.p_mean[self.months.index(self.by)]),
                "expected_delay_months": self.expected_delay_months,
                "expected_delay_band": self.delay_band,
                "line_if_agreed": self.line_if_agreed,
                "terms": self.terms,
                "blockers": self.blockers,
                "blockers_over_draws": self.blockers_over_draws,
                "concession_share": self.concession_share,
                "concession_share_over_draws": self.concession_share_over_draws,
                "uncertainty": self.uncertainty,
                "draws": self.draws,
                "seed": self.seed,
                "posterior": self.posterior,
                "events": self.events,
                "sentence": self.sentence(),
            }
        )

    def lines(self) -> list[str]:
        """The forecast as text: a table by month and the sentence."""
        from sim.format import km2

        drawn = f"{self.draws} parameter draws"
        if self.posterior is not None:
            drawn += f"; the fitted parameters from the posterior of {self.posterior}"
        out = [f"Forecast: {self.scenario}, from {self.start} ({drawn})", ""]
        out.append(f"  {'month':8} {'hazard':>7} {'P(by)':>7}  {'80% band':>13}")
        step = max(1, len(self.months) // 24)
        for k, m in enumerate(self.months):
            if k % step and k != len(self.months) - 1 and m != self.by:
                continue
            band = ""
            if self.p_band is not None:
                band = f"{self.p_band[0][k]:.2f} - {self.p_band[1][k]:.2f}"
            out.append(f"  {m:8} {self.hazard[k]:7.3f} {self.p_agreement_by[k]:7.3f}  {band:>13}")
        line = self.line_if_agreed
        out += [
            "",
            f"Expected delay: {self.expected_delay_months:.1f} months after {self.start}"
            " (censored at the horizon).",
        ]
        if np.isfinite(line["median_km2"]):
            out.append(
                f"Line if agreed: {km2(line['median_km2'])} "
                f"(80%: {km2(line['lo80_km2'])} - {km2(line['hi80_km2'])})."
            )
        shares = ", ".join(f"{k} {v:.0%}" for k, v in self.blockers.items())
        out.append(
            f"Blockers at the scenario's own values (share of the months without agreement"
            f" to {self.by}): {shares}."
        )
        if self.blockers_over_draws is not None:
            pooled = ", ".join(f"{k} {v:.0%}" for k, v in self.blockers_over_draws.items())
            out.append(f"  pooled over the draws: {pooled}.")
        if self.concession_share is not None:
            text = (
                f"Share of P(by {self.by}) from a side's concession (attrition):"
                f" {_share(self.concession_share)} at the scenario's own values"
            )
            if self.concession_share_over_draws is not None:
                text += f", {_share(self.concession_share_over_draws)} pooled over the draws"
            out.append(text + ".")
        out.append("")
        out.append(self.sentence())
        return out


#: The blockers in words (the others: their names, underscores as spaces).
BLOCKER_WORDS = {
    "no_zopa": "the lack of a line every veto player prefers to war",
    "uncertainty": "offers refused for what the sides do not know of each other",
    "ratification": "packages the governments agree on that fail to be ratified",
}


def _main_blocker(blockers: dict[str, float]) -> str:
    """``most of what stands in the way (86%) is <the largest blocker in words>``."""
    if not blockers or max(blockers.values()) <= 0:
        return "nothing stands in the way"
    top = max(blockers, key=blockers.get)
    what = BLOCKER_WORDS.get(top, top.replace("_", " "))
    return f"most of what stands in the way ({blockers[top]:.0%}) is {what}"


def _month(scenario: Scenario, month, name: str) -> int:
    """``scenario.month_index(month)``, its error naming the argument ``name``."""
    try:
        return scenario.month_index(month)
    except ParameterError as exc:
        raise ParameterError(f"`{name}`: {str(exc).removeprefix('month: ')}") from None


def forecast(
    scenario: Scenario | str = "baseline",
    *,
    start: int | str | None = None,
    by: int | str | None = None,
    draws: int = 200,
    seed: int = 0,
    posterior: Any = None,
) -> Forecast:
    """Forecast agreement month by month from ``start`` (default: the scenario's date).

    Parameters
    ----------
    scenario : a Scenario or a built-in name / file path.
    start : the first month forecast (``YYYY-MM`` or an index).
    by : the month of the headline and the blockers (default: the horizon's last).
    draws : parameter sets drawn from the scenario's ranges for the bands (0: none).
    seed : seed of the draws.
    posterior : a fit (:class:`sim.backtest.calibrate.Fit`, or the file ``ceasefire
        calibrate --out`` wrote): its values replace the scenario's, and its parameters are
        drawn from its Laplace posterior.
    """
    from sim.engine import compute, regime_routes
    from sim.kernels.hazard import agreement_by, expected_delay

    scenario = load_scenario(scenario)
    t0 = _month(scenario, start, "start")
    t_by = scenario.horizon if by is None else _month(scenario, by, "by")
    if t_by < t0:
        raise ParameterError(
            f"`by`: {scenario.month_label(t_by)} is before the start {scenario.month_label(t0)}"
        )
    if not isinstance(draws, int) or draws < 0:
        raise ParameterError(f"`draws` must be an integer >= 0, got {draws!r}")
    fit = None
    if posterior is not None:
        from sim.backtest.calibrate import load_fit

        fit = load_fit(posterior)
        scenario = scenario.with_params(fit.values)
    comp = compute(scenario, draw_parameters(scenario, draws, seed, fit), with_deals=False)
    routes = regime_routes(comp, t0)  # issue 17: mixed over the regimes
    h, line, open_, ratified = routes.hazard, routes.line, routes.zone_open, routes.ratified
    p = agreement_by(h)
    k_by = t_by - t0
    delay = expected_delay(h)
    months = tuple(scenario.month_label(t) for t in range(t0, scenario.horizon + 1))
    weight = np.diff(p, axis=1, prepend=0.0)  # P(agreement in month t)
    q = _weighted_quantiles(line, weight, (0.5, 0.1, 0.9))
    cut = (slice(None), slice(0, k_by + 1))
    screening = routes.screening if comp.batch.attrition is not None else None
    inputs = [
        BlockerInputs(
            h[cut][rows],
            open_[cut][rows],
            ratified[cut][rows],
            None if screening is None else screening[cut][rows],
        )
        for rows in (slice(0, 1), slice(1, None))
    ]
    shares = blocker_shares(inputs[0])
    pooled = pooled_blocker_shares(inputs[1])
    conc = _concession_shares(routes, cut, draws) if comp.batch.attrition is not None else None
    settings = comp.batch.terms.setting
    events = tuple(  # in date order (a file that extends another lists its own last)
        sorted(
            (
                (scenario.month_label(scenario.event_month(ev.date)), ev.label)
                for ev in scenario.model.events.values()
                if t0 <= scenario.event_month(ev.date) <= scenario.horizon
            ),
            key=lambda e: e[0],
        )
    )
    return Forecast(
        scenario=scenario.name,
        start=months[0],
        by=months[k_by],
        months=months,
        hazard=h[0],
        p_agreement_by=p[0],
        p_band=None if draws == 0 else tuple(np.percentile(p[1:], BAND, axis=0)),
        p_mean=None if draws == 0 else p[1:].mean(axis=0),
        expected_delay_months=float(delay[0]),
        delay_band=None if draws == 0 else tuple(float(v) for v in np.percentile(delay[1:], BAND)),
        line_if_agreed={"median_km2": q[0], "lo80_km2": q[1], "hi80_km2": q[2]},
        terms={d: float(np.ravel(v)[0]) for d, v in settings.items()},
        blockers={k: float(v[0]) for k, v in shares.items()},
        blockers_over_draws=None if draws == 0 else pooled,
        draws=draws,
        seed=seed,
        total_km2=float(comp.batch.prefs.total_km2[0]),
        events=events,
        uncertainty=scenario.model.uncertainty is not None,
        concession_share=None if conc is None else conc[0],
        concession_share_over_draws=None if conc is None else conc[1],
        posterior=None if fit is None else fit.name,
    )


def _share(v: float) -> str:
    return "n/a (no agreement)" if not np.isfinite(v) else f"{v:.2g}"


def _concession_shares(routes, cut, draws: int) -> tuple[float, float | None]:
    """The concession route's share of P(agreement by ``by``): at the scenario's own
    values, and pooled over the draws (``sum_b P_b s_b / sum_b P_b``)."""
    h, h_c, h_s = routes.hazard[cut], routes.concession[cut], routes.screening[cut]
    share = concession_share(h, h_c, h_s)
    if draws == 0:
        return float(share[0]), None
    p = 1.0 - np.prod(1.0 - h[1:], axis=-1)
    total = float(p.sum())
    pooled = float(np.nansum(p * share[1:]) / total) if total > 0 else float("nan")
    return float(share[0]), pooled


__all__ = [
    "BLOCKERS",
    "BlockerInputs",
    "Forecast",
    "blocker_shares",
    "concession_share",
    "forecast",
    "pooled_blocker_shares",
]
