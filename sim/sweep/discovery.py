"""Scenario discovery: the boxes of parameter space where a ceasefire line exists.

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as used for
scenario discovery by Bryant & Lempert (2010): starting from the whole
parameter space, repeatedly *peel* off the ``peel_alpha`` fraction of the
points along the one face of the box whose removal most increases the share of
cases of interest inside, down to ``mass_min`` of the points, then *paste*
back what helps.  Every box on this *peeling trajectory* trades

* **coverage** -- the share of all cases of interest that lie inside the box,
* **density** -- the share of the points inside the box that are of interest,
* **mass** -- the share of all points inside the box;

the chosen box is the one with the highest coverage among those whose density
reaches ``threshold`` (ties: the denser).  Each restricted limit carries the
quasi-p-value of Bryant & Lempert (2010): a one-sided binomial test of whether
dropping that restriction would lower the density (small is significant).

The algorithm is EMA Workbench's implementation (Kwakkel 2017), an optional
dependency (``pip install 'ceasefire[sweep]'``).

References
----------
Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9(2), 123-143.
Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. *Technological Forecasting and Social
Change* 77(1), 34-49.
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental Modelling &
Software* 96, 239-250.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xarray as xr

from sim.errors import CeasefireError, ResultsError
from sim.results import json_ready
from sim.sweep.store import parameter_names, to_ema


@dataclass(frozen=True)
class Restriction:
    """One restricted parameter of a box: ``lower <= path <= upper``.

    A side that PRIM did not restrict is None, as is its quasi-p-value.
    """

    path: str
    lower: float | None
    upper: float | None
    qp_lower: float | None = None
    qp_upper: float | None = None

    def phrase(self) -> str:
        if self.lower is not None and self.upper is not None:
            return f"{self.lower:.4g} <= {self.path} <= {self.upper:.4g}"
        if self.lower is not None:
            return f"{self.path} >= {self.lower:.4g}"
        return f"{self.path} <= {self.upper:.4g}"

    @property
    def qp(self) -> float | None:
        """The larger (least significant) quasi-p-value of the restricted sides."""
        values = [q for q in (self.qp_lower, self.qp_upper) if q is not None]
        return max(values) if values else None


@dataclass(frozen=True)
class Box:
    """One box of the peeling trajectory."""

    index: int
    coverage: float
    density: float
    mass: float
    points: int
    restrictions: tuple[Restriction, ...]


@dataclass(frozen=True)
class Discovery:
    """The result of :func:`discover`.

    Attributes
    ----------
    condition
        What a case of interest is (``"zopa_exists"``, ``"zopa_width_km2 > 5000"``).
    trajectory
        The peeling trajectory, from the whole space (index 0) inwards.
    chosen
        Index of the chosen box in ``trajectory``.
    meets_threshold
        Whether the chosen box's density reaches ``threshold``.
    points, cases
        Points analysed and cases of interest among them.
    method
        How it was computed (implementation, version and settings).
    """

    outcome: str
    condition: str
    threshold: float
    trajectory: tuple[Box, ...]
    chosen: int
    meets_threshold: bool
    points: int
    cases: int
    method: str

    @property
    def box(self) -> Box:
        return self.trajectory[self.chosen]

    def to_dict(self) -> dict[str, Any]:
        """The discovery as JSON values: what ``ceasefire discover --json`` prints."""
        return json_ready(
            {
                "condition": self.condition,
                "points": self.points,
                "cases": self.cases,
                "method": self.method,
                "chosen": self.chosen,
                "statement": self.statement(),
                "trajectory": [
                    {
                        "box": b.index,
                        "coverage": b.coverage,
                        "density": b.density,
                        "mass": b.mass,
                        "restrictions": [vars(r) for r in b.restrictions],
                    }
                    for b in self.trajectory
                ],
            }
        )

    @property
    def base_density(self) -> float:
        return self.cases / self.points if self.points else float("nan")

    @property
    def subject(self) -> str:
        """The cases of interest in words: "a ceasefire line exists", or the condition."""
        return _SUBJECTS.get(self.condition, self.condition)

    @property
    def densest(self) -> Box:
        """The densest box of the trajectory (ties: the one with more coverage)."""
        return max(self.trajectory, key=lambda b: (b.density, b.coverage))

    def statement(self) -> str:
        """The chosen box in words, with its density and coverage."""
        subject = self.subject
        if self.cases == 0:
            return f"{subject} at no point of the sweep ({self.points:,} points)"
        if self.cases == self.points:
            return f"{subject} at every point of the sweep ({self.points:,} points)"
        box, densest = self.box, self.densest
        if not box.restrictions:
            text = f"{subject} at {self.base_density:.0%} of the sweep's {self.points:,} points"
            if densest.density <= box.density:
                return f"{text}; PRIM finds no denser box"
            if self.meets_threshold:
                text += (
                    f": above the density threshold of {self.threshold:.0%} without "
                    "restricting any parameter"
                )
            return (
                f"{text}; denser boxes cost coverage, e.g. box {densest.index}: "
                f"density {densest.density:.0%}, coverage {densest.coverage:.0%}"
            )
        clauses = " and ".join(r.phrase() for r in box.restrictions)
        text = (
            f"{subject} when {clauses}: at {box.density:.0%} of the {box.points:,} points in "
            f"this box (density), which hold {box.coverage:.0%} of all the points where "
            f"{subject} (coverage)"
        )
        if not self.meets_threshold:
            text += f"; no box reaches the density threshold of {self.threshold:.0%}"
        return text


_SUBJECTS = {
    "zopa_exists": "a ceasefire line exists",
    "not zopa_exists": "no ceasefire line exists",
}


def _ema_prim():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise CeasefireError(
            "scenario discovery needs EMA Workbench: pip install 'ceasefire[sweep]'"
        ) from None
    return prim


def _cases(
    dataset: xr.Dataset, outcome: str, above: float | None, below: float | None, absent: bool
):
    if outcome not in dataset.data_vars:
        known = ", ".join(map(str, dataset.data_vars))
        raise ResultsError(f"outcome {outcome!r} is not in the results (they have: {known})")
    kind = dataset[outcome].dtype
    if above is not None and below is not None:
        raise ResultsError("give `above` or `below`, not both")
    if absent:
        if kind != np.dtype(bool) or above is not None or below is not None:
            raise ResultsError(
                f"`absent` takes a yes/no outcome without `above`/`below`; {outcome!r} is "
                f"{'numeric' if kind != np.dtype(bool) else 'given a threshold'}"
            )
        return f"not {outcome}", np.logical_not
    if above is None and below is None:
        if kind != np.dtype(bool):
            raise ResultsError(
                f"outcome {outcome!r} is numeric: say which values are of interest "
                "with `above` X or `below` X"
            )
        return outcome, None
    if above is not None:
        return f"{outcome} > {above:g}", lambda v: v > above
    return f"{outcome} < {below:g}", lambda v: v < below


@dataclass(frozen=True)
class PrimOptions:
    """PRIM's settings and the choice of a box (see :func:`discover`).

    Attributes
    ----------
    threshold
        The density a box must reach to be chosen (0..1).
    peel_alpha, paste_alpha, mass_min
        PRIM's settings (Friedman & Fisher 1999).
    box
        Choose this box of the trajectory instead.
    max_points, seed
        Analyse a seeded random subset of at most this many points (PRIM's
        cost grows with the points; 2e5 resolve a box to well under 1%).
    """

    threshold: float = 0.8
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05
    box: int | None = None
    max_points: int = 200_000
    seed: int = 0


def discover(
    dataset: xr.Dataset,
    outcome: str = "zopa_exists",
    *,
    above: float | None = None,
    below: float | None = None,
    absent: bool = False,
    options: PrimOptions | None = None,
    **fields: Any,
) -> Discovery:
    """Find the box of parameter space where ``outcome`` holds (PRIM).

    Parameters
    ----------
    dataset
        A sweep's results (:func:`sim.sweep.store.open_results`).
    outcome, above, below, absent
        The cases of interest: a boolean outcome (default ``zopa_exists``),
        its absence (``absent``: where no ceasefire line exists), or a
        numeric outcome above/below a value.
    options, **fields
        PRIM's settings and the box to choose (:class:`PrimOptions`), or its
        fields as keywords: ``discover(dataset, threshold=0.9, seed=1)``.

    Raises
    ------
    ResultsError
        On an unknown outcome, a numeric outcome without a threshold, or
        results with no varying parameter.
    """
    prim_options = replace(options or PrimOptions(), **fields)
    threshold, seed = prim_options.threshold, prim_options.seed
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    condition, classify = _cases(dataset, outcome, above, below, absent)
    names = [n for n in parameter_names(dataset) if np.unique(dataset[n].values).size > 1]
    if not names:
        raise ResultsError("the results vary no parameter: nothing to discover")
    experiments, outcomes = to_ema(dataset[[outcome]].assign_attrs(outcomes=f'["{outcome}"]'))
    values = np.asarray(outcomes[outcome])
    x = np.column_stack([np.asarray(experiments[n], dtype=float) for n in names])
    if values.ndim == 2:  # replications: one row per (experiment, replication)
        x = np.repeat(x, values.shape[1], axis=0)
        values = values.ravel()
    y = values if classify is None else classify(values.astype(float))
    y = np.asarray(y, dtype=bool)
    if y.size > prim_options.max_points:
        keep = np.random.default_rng(seed).choice(y.size, prim_options.max_points, replace=False)
        keep = np.sort(keep)
        x, y = x[keep], y[keep]
    prim = _ema_prim()
    import pandas as pd

    # Columns named p0, p1, ...: EMA Workbench 3 wants identifiers, not dotted paths.
    frame = pd.DataFrame(x, columns=[f"p{j}" for j in range(len(names))])
    cases = int(y.sum())
    if cases == 0 or cases == y.size:
        whole = Box(0, 1.0 if cases else 0.0, cases / y.size, 1.0, int(y.size), ())
        return Discovery(
            outcome,
            condition,
            threshold,
            (whole,),
            0,
            cases / y.size >= threshold,
            int(y.size),
            cases,
            "none: the outcome does not vary",
        )
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # For a 0/1 outcome any threshold in (0, 1] marks the same cases of
        # interest; a tiny one keeps EMA from replacing a trajectory whose
        # last box misses `threshold` by a "dump box" -- we choose the box.
        options = {
            "peel_alpha": prim_options.peel_alpha,
            "paste_alpha": prim_options.paste_alpha,
            "mass_min": prim_options.mass_min,
        }
        if "threshold" in inspect.signature(prim.Prim).parameters:
            # EMA Workbench 2.x; 3.0 dropped the argument (and the dump box with it).
            options["threshold"] = 1e-9
        algorithm = prim.Prim(frame, y, **options)
        found = algorithm.find_box()
    trajectory = _trajectory(found, names, frame)  # names[j] is column p{j}
    box = prim_options.box
    if box is None:
        chosen = _choose(trajectory, threshold)
    elif not 0 <= box < len(trajectory):
        raise ResultsError(f"`box` {box}: the trajectory has boxes 0..{len(trajectory) - 1}")
    else:
        chosen = box
    import importlib.metadata

    method = (
        f"PRIM (EMA Workbench {importlib.metadata.version('ema_workbench')}; "
        f"peel_alpha={prim_options.peel_alpha}, paste_alpha={prim_options.paste_alpha}, "
        f"mass_min={prim_options.mass_min})"
    )
    return Discovery(
        outcome=outcome,
        condition=condition,
        threshold=threshold,
        trajectory=trajectory,
        chosen=chosen,
        meets_threshold=trajectory[chosen].density >= threshold,
        points=int(y.size),
        cases=cases,
        method=method,
    )


def _choose(trajectory: tuple[Box, ...], threshold: float) -> int:
    dense = [b for b in trajectory if b.density >= threshold]
    if dense:
        return max(dense, key=lambda b: (b.coverage, b.density, -len(b.restrictions))).index
    return max(trajectory, key=lambda b: (b.density, b.coverage)).index


def _trajectory(found, names: list[str], frame) -> tuple[Box, ...]:
    table = found.peeling_trajectory
    lowest = frame.min()
    highest = frame.max()
    boxes = []
    # The quasi-p-values of each box: `p_values` in EMA Workbench 3, `qp` in 2.x.
    qps = getattr(found, "p_values", None)
    qps = getattr(found, "qp", []) if qps is None else qps
    for i in range(len(table)):
        limits = found.box_lims[i]
        qp = qps[i] if i < len(qps) else {}
        restrictions = []
        for j, name in enumerate(names):
            column = f"p{j}"
            lower, upper = float(limits[column].iloc[0]), float(limits[column].iloc[1])
            qp_lower, qp_upper = (qp.get(column) or [-1, -1])[:2]
            restrict_lower = lower > lowest[column]
            restrict_upper = upper < highest[column]
            if not (restrict_lower or restrict_upper):
                continue
            restrictions.append(
                Restriction(
                    path=name,
                    lower=lower if restrict_lower else None,
                    upper=upper if restrict_upper else None,
                    qp_lower=float(qp_lower) if restrict_lower and qp_lower >= 0 else None,
                    qp_upper=float(qp_upper) if restrict_upper and qp_upper >= 0 else None,
                )
            )
        row = table.iloc[i]
        boxes.append(
            Box(
                index=i,
                coverage=float(row["coverage"]),
                density=float(row["density"]),
                mass=float(row["mass"]),
                points=int(row["n"]),
                restrictions=tuple(restrictions),
            )
        )
    return tuple(boxes)
