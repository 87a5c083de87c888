"""Real decisions scored against the model: ``ceasefire backtest FILE``.

A decisions file (``models/data/decisions.toml`` is the public one; its format is a
contract, see the file's header) lists proposals with each actor's answer.  Each
decision is evaluated date-true (:func:`sim.backtest.history.rebase`): the scenario
re-based at its month, the proposal as the scenario's one named deal.  For each
scored actor:

* ``margin`` = ``u_i(deal) - rbar_i`` at the scenario's values (a pause: the
  reservation utility of the war with the pause, as the engine values named deals);
  the predicted verdict is "accept" iff ``margin >= 0``, as the engine's deal verdicts;
* ``p_accept`` = the share of ``draws`` parameter sets, drawn uniformly (seeded) from
  the ranges the re-based scenario gives, in which the actor accepts -- one batch
  through the engine per decision, not a loop over draws.

The summary: hits, total, hit rate, the Brier score ``mean (p - y)^2`` and the mean
log score ``mean log p(observed)`` with ``p_accept`` clipped to [0.01, 0.99]
(:func:`scores`).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.backtest.history import (
    ObservedFront,
    history_months,
    observed_front,
    rebase,
    region_line_km2,
)
from sim.errors import CeasefireError
from sim.model.params import did_you_mean
from sim.model.scenario import Scenario, load_scenario

#: A term the decisions may name before the scenario has it as a dimension (issue 17).
IGNORED_TERMS = ("recognition",)
VERDICTS = ("accept", "reject")
CLIP = (0.01, 0.99)
_KEYS = ("date", "label", "kind", "pause_months", "line", "terms", "observed", "source")
_REQUIRED = ("date", "line", "observed")
DEAL_KEY = "decision"


class DecisionsError(CeasefireError):
    """A decisions file is unreadable or breaks the format; the message names the
    file, the decision and the field."""


@dataclass(frozen=True)
class Decision:
    """One decision of the file, checked against the scenario."""

    id: str
    date: str
    label: str
    kind: str  # "deal" or "pause"
    pause_months: int
    line: Any  # "contact", a reference line's name, km2, or {region: share | "contact"}
    terms: dict[str, float]
    ignored: tuple[str, ...]
    observed: dict[str, str]
    source: str = ""


# -- reading and checking the file ---------------------------------------------------


def read_decisions(path: str | Path) -> tuple[Scenario, tuple[Decision, ...]]:
    """The file's scenario (default ``history``) and its decisions, checked."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: cannot read the file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DecisionsError(f"{path}: not valid TOML: {exc}") from None
    return check_decisions(raw, str(path), base=path.parent)


def check_decisions(
    raw: Mapping[str, Any], origin: str = "<decisions>", base: Path | None = None
) -> tuple[Scenario, tuple[Decision, ...]]:
    """Check a parsed decisions file; raise :class:`DecisionsError` naming the field."""
    unknown = sorted(set(raw) - {"scenario", "decisions"})
    if unknown:
        raise DecisionsError(
            f"{origin}: {unknown[0]}: unknown key"
            f"{did_you_mean(unknown[0], ['scenario', 'decisions'])}"
        )
    name = raw.get("scenario", "history")
    if not isinstance(name, str):
        raise DecisionsError(f"{origin}: scenario: expected a name or a file, got {name!r}")
    if base is not None and (base / name).is_file():
        name = str(base / name)
    try:
        scenario = load_scenario(name)
    except CeasefireError as exc:
        raise DecisionsError(f"{origin}: scenario: {exc}") from None
    table = raw.get("decisions")
    if not isinstance(table, Mapping) or not table:
        raise DecisionsError(f"{origin}: decisions: missing (at least one [decisions.<id>])")
    front = observed_front()
    out = []
    for key, spec in table.items():
        where = f"{origin}: decisions.{key}"
        if not isinstance(spec, Mapping):
            raise DecisionsError(f"{where}: expected a table")
        out.append(_decision(scenario, front, key, spec, where))
    return scenario, tuple(out)


def _decision(
    scenario: Scenario, front: ObservedFront, key: str, spec: Mapping, where: str
) -> Decision:
    for k in spec:
        if k not in _KEYS:
            raise DecisionsError(f"{where}.{k}: unknown key{did_you_mean(k, list(_KEYS))}")
    for k in _REQUIRED:
        if k not in spec:
            raise DecisionsError(f"{where}.{k}: missing (required)")
    date = _date(scenario, front, spec["date"], where)
    kind = spec.get("kind", "deal")
    if kind not in ("deal", "pause"):
        raise DecisionsError(f"{where}.kind: expected 'deal' or 'pause', got {kind!r}")
    months = spec.get("pause_months", 1)
    if kind == "pause" and (not isinstance(months, int) or isinstance(months, bool) or months < 1):
        raise DecisionsError(f"{where}.pause_months: expected a whole number >= 1, got {months!r}")
    _check_line(scenario, spec["line"], f"{where}.line")
    terms, ignored = _terms(scenario, spec.get("terms", {}), f"{where}.terms")
    observed = spec["observed"]
    if not isinstance(observed, Mapping):
        raise DecisionsError(f"{where}.observed: expected a table of actor = verdict")
    for actor, verdict in observed.items():
        if actor not in scenario.actors:
            raise DecisionsError(
                f"{where}.observed.{actor}: unknown actor"
                f"{did_you_mean(actor, list(scenario.actors))}"
                f" (actors: {', '.join(scenario.actors)})"
            )
        if verdict not in VERDICTS:
            raise DecisionsError(
                f"{where}.observed.{actor}: expected 'accept' or 'reject', got {verdict!r}"
            )
    label = spec.get("label", key)
    if not isinstance(label, str):
        raise DecisionsError(f"{where}.label: expected text, got {label!r}")
    return Decision(
        id=key,
        date=date,
        label=label,
        kind=kind,
        pause_months=int(months) if kind == "pause" else 0,
        line=spec["line"],
        terms=terms,
        ignored=ignored,
        observed=dict(observed),
        source=str(spec.get("source", "")),
    )


def _date(scenario: Scenario, front: ObservedFront, value: Any, where: str) -> str:
    text = value if isinstance(value, str) else None
    ok = text is not None and len(text) == 7 and text[4] == "-"
    ok = ok and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12
    if not ok:
        raise DecisionsError(f"{where}.date: expected 'YYYY-MM', got {value!r}")
    first, last = history_months(scenario, front)
    if not first <= text <= last:
        raise DecisionsError(
            f"{where}.date: {text} is outside the history {first} .. {last} ({scenario.name})"
        )
    return text


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_line(scenario: Scenario, line: Any, where: str) -> None:
    lines = list(scenario.model.territory.lines)
    if isinstance(line, str):
        if line != "contact" and line not in lines:
            raise DecisionsError(
                f"{where}: unknown reference line {line!r}{did_you_mean(line, lines)}"
                f" (lines: contact, {', '.join(lines)})"
            )
    elif _number(line):
        total = scenario.get("territory.total_km2")
        if not 0 <= line <= total:
            raise DecisionsError(f"{where}: km2 must be between 0 and {total:,.0f}, got {line!r}")
    elif isinstance(line, Mapping):
        regions = list(scenario.model.territory.regions)
        for region, share in line.items():
            if region not in regions:
                raise DecisionsError(
                    f"{where}.{region}: unknown region{did_you_mean(region, regions)}"
                    f" (regions: {', '.join(regions)})"
                )
            if share == "contact":
                continue
            if not _number(share) or not 0 <= share <= 1:
                raise DecisionsError(
                    f"{where}.{region}: expected a share between 0 and 1 or 'contact', "
                    f"got {share!r}"
                )
    else:
        raise DecisionsError(
            f"{where}: expected 'contact', a reference line, km2 or a table of regions, "
            f"got {line!r}"
        )


def _terms(scenario: Scenario, terms: Any, where: str) -> tuple[dict[str, float], tuple[str, ...]]:
    if not isinstance(terms, Mapping):
        raise DecisionsError(f"{where}: expected a table of dimension = setting")
    dims = list(scenario.dimensions)
    out, ignored = {}, []
    for dim, value in terms.items():
        if dim not in dims and dim not in IGNORED_TERMS:
            raise DecisionsError(
                f"{where}.{dim}: unknown dimension{did_you_mean(dim, dims)}"
                f" (dimensions: {', '.join(dims)})"
            )
        if not _number(value) or not 0 <= value <= 1:
            raise DecisionsError(
                f"{where}.{dim}: expected a setting between 0 and 1, got {value!r}"
            )
        if dim in dims:
            out[dim] = float(value)
        else:
            ignored.append(dim)
    return out, tuple(ignored)


# -- evaluation --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A decision made ready: its re-based scenario (the proposal as the deal
    ``decision``), the line in km2, and what the output must say about it."""

    decision: Decision
    scenario: Scenario
    line_km2: float
    notes: tuple[str, ...]
    #: A line per region evaluated by the regional utilities (issue 18): a
    #: :class:`sim.regions.RegionalDeal`, None for a total line or without ``[regions]``.
    regional: Any = None


def line_km2(scenario: Scenario, front: ObservedFront, d: Decision) -> tuple[float, list[str]]:
    """The decision's line in km2 at its month, and notes (approximations made)."""
    notes = []
    _, approx = front.resolve(d.date)
    if approx:
        notes.append(f"front of {d.date} taken from the first observation ({front.date(d.date)})")
    if d.line == "contact":
        return front.line_km2(d.date), notes
    if isinstance(d.line, str):
        return float(scenario.reference_line_km2(d.line)), notes
    if isinstance(d.line, Mapping):
        notes.append("per-region line evaluated as its total km2 (regions summed)")
        return region_line_km2(scenario, front, d.date, d.line), notes
    return float(d.line), notes


def prepare(scenario: Scenario, d: Decision, front: ObservedFront | None = None) -> Prepared:
    """Re-base ``scenario`` at the decision's month with the proposal as its one deal."""
    front = front or observed_front()
    km2, notes = line_km2(scenario, front, d)
    deal: dict[str, Any] = {
        "label": d.label,
        "kind": "pause" if d.kind == "pause" else "settlement",
        "line": {"value": km2, "source": "decisions file"},
        "terms": {k: {"value": v, "source": "decisions file"} for k, v in d.terms.items()},
    }
    if d.kind == "pause":
        deal["pause_months"] = d.pause_months
    if d.ignored:
        notes.append(f"{', '.join(d.ignored)} ignored (not a dimension of {scenario.name} yet)")
    rebased = rebase(scenario, d.date, deals={DEAL_KEY: deal}, front=front)
    regional = _regional_deal(rebased, front, d, km2)
    if regional is not None:
        notes = [n for n in notes if not n.startswith("per-region line evaluated as its total")]
        notes.append("per-region line evaluated by the regional utilities (sim.regions)")
    return Prepared(d, rebased, km2, tuple(notes), regional)


def _regional_deal(scenario: Scenario, front: ObservedFront, d: Decision, km2: float):
    """The decision's line per region on ``scenario``'s regions (the observed shares of its
    month, the listed ones replaced), when it gives one and the scenario values regions."""
    from sim.regions import RegionalDeal, enabled

    if not isinstance(d.line, Mapping) or not enabled(scenario):
        return None
    observed = front.regions.get(front.resolve(d.date)[0], {})
    regions = scenario.model.territory.regions
    area = np.array([scenario.get(f"territory.regions.{r}.area_km2") for r in regions])
    share_now = np.array(
        [observed[r][0] / observed[r][1] if r in observed else 0.0 for r in regions]
    )
    share = share_now.copy()
    for i, r in enumerate(regions):
        value = d.line.get(r, "contact")
        if not isinstance(value, str):
            share[i] = float(value)
    now_total = front.line_km2(d.date)
    return RegionalDeal(share * area, share_now * area, km2, now_total)


def margins(prepared: Prepared, overrides: Mapping[str, Any] | None = None) -> np.ndarray:
    """Each actor's margin on the proposal, ``(B, n)``, for a batch of overrides
    (paths of the re-based scenario; ``{}``: its values, ``B = 1``)."""
    from sim.engine import compute

    comp = compute(prepared.scenario, overrides or {}, month=0)
    margin = np.asarray(comp.deals[DEAL_KEY]["margin"], dtype=float)
    if prepared.regional is not None:
        from sim.regions import regional_margins

        margin = regional_margins(prepared.scenario, comp, prepared.regional, margin)
    return margin


def ranged_paths(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The parameters with an uncertainty range in ``scenario`` (sorted by path)."""
    out = {}
    for path in sorted(scenario.parameter_paths()):
        rng = scenario.uncertainty_range(path)
        if rng is not None and rng[1] > rng[0]:
            out[path] = (float(rng[0]), float(rng[1]))
    return out


def draw(scenario: Scenario, draws: int, seed: int, stream: int = 0) -> dict[str, np.ndarray]:
    """``draws`` parameter sets, uniform on each range, from ``(seed, stream)``."""
    rng = np.random.default_rng([seed, stream])
    paths = ranged_paths(scenario)
    u = rng.random((draws, len(paths)))
    return {p: lo + (hi - lo) * u[:, j] for j, (p, (lo, hi)) in enumerate(paths.items())}


# -- scores ------------------------------------------------------------------------


def scores(p_accept: np.ndarray, accepted: np.ndarray) -> tuple[float, float]:
    """Brier score and mean log score of ``p_accept`` against the observed verdicts
    (``accepted`` True/False), ``p`` clipped to [0.01, 0.99] for the log score."""
    p = np.asarray(p_accept, dtype=float)
    y = np.asarray(accepted, dtype=bool)
    if p.size == 0:
        return math.nan, math.nan
    brier = float(np.mean((p - y) ** 2))
    q = np.clip(p, *CLIP)
    log = float(np.mean(np.where(y, np.log(q), np.log1p(-q))))
    return brier, log


@dataclass(frozen=True)
class Backtest:
    """The back-test of a decisions file.

    ``decision_ids``, ``decision_labels``, ``dates`` ``(D,)``; ``actors`` ``(A,)`` the
    scenario's actors; ``margin``, ``p_accept`` ``(D, A)`` NaN where not scored;
    ``observed`` ``(D, A)`` +1 accept / -1 reject / 0 not scored; ``line_km2`` ``(D,)``;
    ``notes`` per decision.
    """

    scenario: str
    draws: int
    seed: int
    decision_ids: tuple[str, ...]
    decision_labels: tuple[str, ...]
    dates: tuple[str, ...]
    actors: tuple[str, ...]
    margin: np.ndarray
    p_accept: np.ndarray
    observed: np.ndarray
    line_km2: np.ndarray
    notes: tuple[tuple[str, ...], ...]
    posterior: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def scored(self) -> np.ndarray:
        return self.observed != 0

    @property
    def predicted(self) -> np.ndarray:
        """+1 accept / -1 reject (``margin >= 0`` accepts), 0 where not scored."""
        return np.where(self.scored, np.where(self.margin >= -1e-12, 1, -1), 0)

    @property
    def hits(self) -> np.ndarray:
        return self.scored & (self.predicted == self.observed)

    def summary(self) -> dict[str, Any]:
        s = self.scored
        total = int(s.sum())
        hits = int(self.hits.sum())
        brier, log = scores(self.p_accept[s], self.observed[s] > 0)
        return {
            "hits": hits,
            "total": total,
            "hit_rate": hits / total if total else math.nan,
            "brier": brier,
            "log_score": log,
        }

    def to_dict(self) -> dict[str, Any]:
        from sim.results import json_ready

        word = {1: "accept", -1: "reject"}
        decisions = {}
        for i, key in enumerate(self.decision_ids):
            actors = {}
            for j, a in enumerate(self.actors):
                if not self.scored[i, j]:
                    continue
                actors[a] = {
                    "predicted": word[int(self.predicted[i, j])],
                    "observed": word[int(self.observed[i, j])],
                    "margin": float(self.margin[i, j]),
                    "p_accept": float(self.p_accept[i, j]),
                    "hit": bool(self.hits[i, j]),
                }
            decisions[key] = {
                "date": self.dates[i],
                "label": self.decision_labels[i],
                "line_km2": float(self.line_km2[i]),
                "notes": list(self.notes[i]),
                "actors": actors,
            }
        return json_ready(
            {
                "scenario": self.scenario,
                "draws": self.draws,
                "seed": self.seed,
                "posterior": self.posterior,
                "decisions": decisions,
                "summary": self.summary(),
            }
        )

    def lines(self) -> list[str]:
        """The back-test in words, for the command line."""
        from sim.format import km2

        word = {1: "accept", -1: "reject"}
        out = [
            f"Back-test of {len(self.decision_ids)} decisions on {self.scenario!r}, each at its "
            f"own month (p_accept: {self.draws} draws, seed {self.seed}"
            + (f", posterior {self.posterior}" if self.posterior else "")
            + ")",
        ]
        for i, key in enumerate(self.decision_ids):
            out.append("")
            out.append(f"{self.dates[i]}  {self.decision_labels[i]}  [{key}]")
            out.append(f"  line {km2(float(self.line_km2[i]))}")
            out.extend(f"  note: {n}" for n in self.notes[i])
            out.append(
                f"  {'actor':<10}{'predicted':>10}{'observed':>10}{'margin':>10}"
                f"{'p_accept':>10}  hit"
            )
            for j, a in enumerate(self.actors):
                if not self.scored[i, j]:
                    continue
                out.append(
                    f"  {a:<10}{word[int(self.predicted[i, j])]:>10}"
                    f"{word[int(self.observed[i, j])]:>10}{self.margin[i, j]:>+10.4f}"
                    f"{self.p_accept[i, j]:>10.3f}  {'yes' if self.hits[i, j] else 'NO'}"
                )
        s = self.summary()
        out.append("")
        out.append(
            f"Summary: {s['hits']} of {s['total']} verdicts right (hit rate {s['hit_rate']:.2f}); "
            f"Brier {s['brier']:.3f}; mean log score {s['log_score']:.3f} "
            f"(p_accept clipped to [{CLIP[0]}, {CLIP[1]}])"
        )
        return out


@dataclass(frozen=True)
class Verdicts:
    """Every actor's margin (central values) and ``p_accept`` (share of the draws that
    accept) on each decision, ``(D, A)``; each decision's line ``(D,)`` and notes."""

    margin: np.ndarray
    p_accept: np.ndarray
    line_km2: np.ndarray
    notes: tuple[tuple[str, ...], ...]


def evaluate_decisions(
    scenario: Scenario, decisions: tuple[Decision, ...], *, draws: int, seed: int, fit: Any = None
) -> Verdicts:
    """Each decision date-true on ``scenario``: the margins at its values and ``p_accept``
    over ``draws`` seeded draws (the fit's posterior replaces its parameters' ranges)."""
    front = observed_front()
    shape = (len(decisions), len(scenario.actors))
    margin, p_accept = np.full(shape, np.nan), np.full(shape, np.nan)
    lines, notes = np.zeros(len(decisions)), []
    for i, d in enumerate(decisions):
        prep = prepare(scenario, d, front)
        lines[i] = prep.line_km2
        notes.append(prep.notes)
        sample = draw(prep.scenario, draws, seed, i)
        if fit is not None:
            sample.update(fit.sample(draws, seed, i))
        margin[i] = margins(prep)[0]
        p_accept[i] = np.mean(margins(prep, sample) >= -1e-12, axis=0)
    return Verdicts(margin, p_accept, lines, tuple(notes))


def backtest(
    path_or_decisions: str | Path | tuple[Scenario, tuple[Decision, ...]],
    *,
    draws: int = 1000,
    seed: int = 0,
    posterior: Any = None,
) -> Backtest:
    """Score a decisions file (or ``(scenario, decisions)``) against the model.

    ``posterior``: a :class:`sim.backtest.calibrate.Fit` (or a fit file's path) whose
    fitted values replace the scenario's and whose Laplace posterior replaces those
    parameters' uniform ranges in the draws.
    """
    if draws < 1:
        raise DecisionsError(f"`draws` must be >= 1, got {draws}")
    if isinstance(path_or_decisions, tuple):
        scenario, decisions = path_or_decisions
    else:
        scenario, decisions = read_decisions(path_or_decisions)
    fit = None
    if posterior is not None:
        from sim.backtest.calibrate import load_fit

        fit = load_fit(posterior)
        scenario = scenario.with_params(fit.values)
    actors = scenario.actors
    verdicts = evaluate_decisions(scenario, decisions, draws=draws, seed=seed, fit=fit)
    sign = {"accept": 1, "reject": -1}
    rows = [[sign.get(d.observed.get(a), 0) for a in actors] for d in decisions]
    observed = np.array(rows, dtype=int).reshape(len(decisions), len(actors))
    scored = observed != 0
    margin = np.where(scored, verdicts.margin, np.nan)
    p_accept = np.where(scored, verdicts.p_accept, np.nan)
    return Backtest(
        scenario=scenario.name,
        draws=draws,
        seed=seed,
        decision_ids=tuple(d.id for d in decisions),
        decision_labels=tuple(d.label for d in decisions),
        dates=tuple(d.date for d in decisions),
        actors=actors,
        margin=margin,
        p_accept=p_accept,
        observed=observed,
        line_km2=verdicts.line_km2,
        notes=verdicts.notes,
        posterior=None if fit is None else fit.name,
    )


__all__ = [
    "Backtest",
    "Decision",
    "DecisionsError",
    "backtest",
    "check_decisions",
    "margins",
    "prepare",
    "read_decisions",
    "scores",
]


# -- named deals at their own dates ----------------------------------------------------


@dataclass(frozen=True)
class OwnDates:
    """Each dated named deal of a scenario file, evaluated date-true on ``history``.

    ``deal_ids``, ``labels``, ``dates`` ``(D,)``; ``actors`` ``(A,)``; ``margin`` and
    ``p_accept`` ``(D, A)`` for every actor; ``line_km2`` ``(D,)``; ``notes`` per deal.
    """

    scenario: str
    history: str
    draws: int
    seed: int
    deal_ids: tuple[str, ...]
    labels: tuple[str, ...]
    dates: tuple[str, ...]
    actors: tuple[str, ...]
    margin: np.ndarray
    p_accept: np.ndarray
    line_km2: np.ndarray
    notes: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        from sim.results import json_ready

        return json_ready(
            {
                "scenario": self.scenario,
                "history": self.history,
                "draws": self.draws,
                "seed": self.seed,
                "deals": {
                    key: {
                        "date": self.dates[i],
                        "label": self.labels[i],
                        "line_km2": float(self.line_km2[i]),
                        "notes": list(self.notes[i]),
                        "actors": {
                            a: {
                                "accepts": bool(self.margin[i, j] >= -1e-12),
                                "margin": float(self.margin[i, j]),
                                "p_accept": float(self.p_accept[i, j]),
                            }
                            for j, a in enumerate(self.actors)
                        },
                    }
                    for i, key in enumerate(self.deal_ids)
                },
            }
        )

    def lines(self) -> list[str]:
        from sim.format import km2

        out = [
            f"The named deals of {self.scenario!r} at their own dates, evaluated on "
            f"{self.history!r} with the state of each month (p_accept: {self.draws} draws, "
            f"seed {self.seed})"
        ]
        for i, key in enumerate(self.deal_ids):
            out.append("")
            out.append(f"{self.dates[i]}  {self.labels[i]}  [{key}]  line {km2(self.line_km2[i])}")
            out.extend(f"  note: {n}" for n in self.notes[i])
            for j, a in enumerate(self.actors):
                verdict = "accepts" if self.margin[i, j] >= -1e-12 else "rejects"
                out.append(
                    f"  {a:<10}{verdict:>9}{self.margin[i, j]:>+10.4f}"
                    f"  p_accept {self.p_accept[i, j]:.3f}"
                )
        return out


def deals_at_own_dates(
    scenario: Scenario | str, *, history: str = "history", draws: int = 1000, seed: int = 0
) -> OwnDates:
    """The named deals of ``scenario`` that carry a ``date``, each evaluated with the
    state of its own month on ``history`` (date-true, as the decisions are)."""
    source, base = load_scenario(scenario), load_scenario(history)
    front = observed_front()
    first, last = history_months(base, front)
    decisions = []
    for key, deal in source.model.deals.items():
        if deal.date is None:
            continue
        month = f"{deal.date.year:04d}-{deal.date.month:02d}"
        if not first <= month <= last:
            raise DecisionsError(
                f"{source.name}: deals.{key}.date: {month} is outside the history {first} .. {last}"
            )
        line = deal.line if isinstance(deal.line, str) else source.get(f"deals.{key}.line")
        terms = {d: source.get(f"deals.{key}.terms.{d}") for d in deal.terms}
        decisions.append(
            Decision(
                id=key,
                date=month,
                label=deal.label,
                kind="pause" if deal.kind == "pause" else "deal",
                pause_months=deal.pause_months,
                line=line,
                terms={d: v for d, v in terms.items() if d in base.dimensions},
                ignored=tuple(d for d in terms if d not in base.dimensions),
                observed={},
            )
        )
    verdicts = evaluate_decisions(base, tuple(decisions), draws=draws, seed=seed)
    return OwnDates(
        scenario=source.name,
        history=base.name,
        draws=draws,
        seed=seed,
        deal_ids=tuple(d.id for d in decisions),
        labels=tuple(d.label for d in decisions),
        dates=tuple(d.date for d in decisions),
        actors=base.actors,
        margin=verdicts.margin,
        p_accept=verdicts.p_accept,
        line_km2=verdicts.line_km2,
        notes=verdicts.notes,
    )
