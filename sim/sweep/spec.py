"""What a sweep varies: parameters, their levels or ranges, and the design.

The words are those of exploratory modelling (EMA Workbench) and of SALib:

* an **uncertainty** is a parameter nobody controls (a discount rate, the
  front line's drift); sampled designs explore its range;
* a **lever** is a policy choice (an aid level, a sanctions setting); every
  design crosses each sampled point of the uncertainties with every
  combination of the levers' levels, as EMA Workbench crosses *scenarios*
  with *policies*;
* the **problem** is SALib's dict of the uncertainties' names and bounds.

A parameter is written on the command line as ``-p PATH=SPEC`` where ``PATH``
is a scenario parameter's dotted path (``actors.russia.discount_rate``) and
``SPEC`` is one of

=====================  ====================================================
``linspace(a,b,n)``    ``n`` evenly spaced levels from ``a`` to ``b``
``logspace(a,b,n)``    ``n`` geometrically spaced levels from ``a`` to ``b``
                       (the end points, as :func:`numpy.geomspace`, not
                       powers of ten); ``geomspace`` is an alias
``range(a,b,step)``    ``a, a+step, ...`` below ``b`` (Python's ``range``,
                       for floats too)
``a,b,c``              the listed levels
``a``                  one value: the parameter is fixed, not swept
``uniform(a,b)``       a range, for sampled designs (lhs, mc, sobol, morris)
(nothing: ``PATH``)    the range the scenario file gives for ``PATH``
=====================  ====================================================

>>> parse_parameter("actors.x.discount_rate=linspace(0.01,0.05,3)").levels
(0.01, 0.03, 0.05)
>>> parse_parameter("war.drift=uniform(0, 2)", role="uncertainty").bounds
(0.0, 2.0)
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

import numpy as np

from sim.errors import ParameterError, ScenarioError, SweepSpecError

Role = Literal["uncertainty", "lever"]

#: The designs a sweep can use: a full factorial ``grid`` of levels, or a
#: sample of the uncertainties' ranges.
DESIGNS: tuple[str, ...] = ("grid", "lhs", "mc", "sobol", "morris")
SAMPLED_DESIGNS: frozenset[str] = frozenset(DESIGNS[1:])

#: Points evaluated by one vectorized call; about 1e5 keeps a chunk's
#: temporaries in the CPU caches' neighbourhood without paying per-call
#: overhead (see MODEL.md).
DEFAULT_CHUNK_SIZE = 100_000

_PARAMETER = re.compile(r"^\s*(?P<path>[A-Za-z_][\w.\-]*)\s*(?:=\s*(?P<spec>.*?))?\s*$")
_CALL = re.compile(r"^(?P<func>[A-Za-z_]\w*)\s*\((?P<args>.*)\)$")
_FUNCTIONS = {
    "linspace": 3,
    "logspace": 3,
    "geomspace": 3,
    "range": 3,
    "uniform": 2,
}
_GRAMMAR = "linspace(a,b,n), logspace(a,b,n), range(a,b,step), uniform(a,b) or a,b,c"


class ScenarioLike(Protocol):
    """What a sweep needs from a scenario (:class:`sim.model.scenario.Scenario`)."""

    name: str
    actors: tuple[str, ...]

    def parameter_paths(self) -> list[str]: ...

    def get(self, path: str) -> float: ...

    def uncertainty_range(self, path: str) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class Parameter:
    """One parameter of a sweep, EMA Workbench's ``RealParameter``.

    At most one of ``levels`` (grid levels; one level fixes the parameter) and
    ``bounds`` (``(lower, upper)`` for sampled designs) is set; neither means
    "the scenario's range", resolved by :func:`build_spec`.  ``spec`` is the
    text the user wrote, kept for error messages and provenance.
    """

    path: str
    role: Role = "uncertainty"
    levels: tuple[float, ...] | None = None
    bounds: tuple[float, float] | None = None
    spec: str = ""

    def __post_init__(self) -> None:
        if self.levels is not None and self.bounds is not None:
            raise ValueError(f"parameter {self.path!r}: give levels or bounds, not both")

    @property
    def is_fixed(self) -> bool:
        """True when the parameter has one level: a setting, not a dimension."""
        return self.levels is not None and len(self.levels) == 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "role": self.role,
            "levels": None if self.levels is None else list(self.levels),
            "bounds": None if self.bounds is None else list(self.bounds),
        }


@dataclass(frozen=True)
class SweepSpec:
    """Everything that determines a sweep's numbers (and nothing that does not).

    Two runs with equal specs on the same scenario text and package version
    give identical results, whatever the executor; a results store refuses to
    be resumed by a run with a different spec (see :meth:`fingerprint`).

    Attributes
    ----------
    uncertainties, levers
        The parameters, uncertainties first.  Fixed ones (one level) are
        settings applied to every point.
    design
        One of :data:`DESIGNS`.
    samples
        Sampled designs: the number of points (``lhs``, ``mc``), SALib's base
        sample size ``N`` (``sobol``: ``N * (k + 2)`` runs, or
        ``N * (2k + 2)`` with second-order indices) or the number of
        trajectories (``morris``: ``N * (k + 1)`` runs).  Ignored by ``grid``.
    seed
        Seeds the sampled design and the replications' seeds.
    replications
        Runs per point of a stochastic evaluation (``paths > 0``), each with
        its own seed from :class:`numpy.random.SeedSequence`.
    month, paths
        Passed to ``sim.evaluate``: the evaluation month and the number of
        Monte Carlo paths (0: deterministic expected path).
    chunk_size
        Points per vectorized evaluation; fixes the results' chunking.
    second_order, morris_levels
        Design options of SALib's Sobol and Morris samplers.
    """

    uncertainties: tuple[Parameter, ...]
    levers: tuple[Parameter, ...] = ()
    design: str = "grid"
    samples: int | None = None
    seed: int = 0
    replications: int = 1
    month: int = 0
    paths: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE
    second_order: bool = False
    morris_levels: int = 4

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.uncertainties + self.levers

    @property
    def fixed(self) -> dict[str, float]:
        """Settings applied to every point: ``{path: value}``."""
        return {p.path: p.levels[0] for p in self.parameters if p.is_fixed}  # type: ignore[index]

    @property
    def sampled(self) -> tuple[Parameter, ...]:
        """Uncertainties drawn by a sampled design (empty for ``grid``)."""
        if self.design not in SAMPLED_DESIGNS:
            return ()
        return tuple(p for p in self.uncertainties if not p.is_fixed)

    @property
    def gridded(self) -> tuple[Parameter, ...]:
        """Parameters that are dimensions of the results (levels, not fixed)."""
        if self.design in SAMPLED_DESIGNS:
            candidates: Iterable[Parameter] = self.levers
        else:
            candidates = self.parameters
        return tuple(p for p in candidates if not p.is_fixed)

    def problem(self) -> dict[str, Any]:
        """SALib's problem dict of the sampled uncertainties."""
        sampled = self.sampled
        return {
            "num_vars": len(sampled),
            "names": [p.path for p in sampled],
            "bounds": [list(p.bounds) for p in sampled],  # type: ignore[arg-type]
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "uncertainties": [p.to_dict() for p in self.uncertainties],
            "levers": [p.to_dict() for p in self.levers],
            "design": self.design,
            "samples": self.samples if self.design in SAMPLED_DESIGNS else None,
            "seed": self.seed,
            "replications": self.replications,
            "month": self.month,
            "paths": self.paths,
            "chunk_size": self.chunk_size,
            "second_order": self.second_order if self.design == "sobol" else None,
            "morris_levels": self.morris_levels if self.design == "morris" else None,
        }

    def to_json(self) -> str:
        """Canonical JSON text of :meth:`to_dict` (sorted keys, exact floats)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


def _number(token: str, label: str, what: str = "a number") -> float:
    token = token.strip()
    try:
        value = float(token)
    except ValueError:
        raise SweepSpecError(f"{label}: {token!r} is not {what}") from None
    if not math.isfinite(value):
        raise SweepSpecError(f"{label}: {token!r} is not a finite number")
    return value


def _count(token: str, label: str) -> int:
    value = _number(token, label, "an integer")
    if value != int(value) or value < 1:
        raise SweepSpecError(f"{label}: n must be an integer >= 1, got {token.strip()!r}")
    return int(value)


def _ordered(a: float, b: float, label: str, func: str, rest: str = "") -> None:
    if a > b:
        raise SweepSpecError(
            f"{label}: reversed bounds {a:.15g} > {b:.15g}; write {func}({b:.15g},{a:.15g}{rest})"
        )


#: Levels of one gridded parameter at most (a grid's levels are held as Python floats).
MAX_LEVELS = 10**7


def _not_too_many(n: int, label: str) -> int:
    if n > MAX_LEVELS:
        raise SweepSpecError(
            f"{label}: {n:,} levels, more than {MAX_LEVELS:,} on one axis; "
            "sample the range instead (--design lhs, mc or sobol)"
        )
    return n


def _levels_of_call(func: str, args: list[str], label: str) -> tuple[float, ...]:
    if func in ("linspace", "logspace", "geomspace"):
        a, b = _number(args[0], label), _number(args[1], label)
        n = _not_too_many(_count(args[2], label), label)
        _ordered(a, b, label, func, f",{n}")
        if a == b and n > 1:
            raise SweepSpecError(f"{label}: {n} levels between equal bounds {a:g}")
        if func == "linspace":
            return tuple(float(v) for v in np.linspace(a, b, n))
        if a <= 0:
            raise SweepSpecError(f"{label}: {func} needs bounds > 0, got {a:g}")
        return tuple(float(v) for v in np.geomspace(a, b, n))
    # range(a, b, step): Python's half-open range, for floats too.
    a, b, step = (_number(arg, label) for arg in args)
    if step <= 0:
        raise SweepSpecError(f"{label}: range step must be > 0, got {step:g}")
    _ordered(a, b, label, func, f",{step:g}")
    if a == b:
        raise SweepSpecError(f"{label}: range({a:g},{b:g},...) is empty")
    # Round the count so that range(0,1,0.1) has 10 levels despite 0.1's binary error.
    n = _not_too_many(math.ceil(round((b - a) / step, 9)), label)
    return tuple(float(a + step * k) for k in range(n))


def parse_parameter(text: str, role: Role = "uncertainty") -> Parameter:
    """Parse one ``PATH=SPEC`` (or a bare ``PATH``) without a scenario.

    Raises
    ------
    SweepSpecError
        On a malformed path or spec, a non-numeric or non-finite number,
        reversed bounds, ``n < 1``, an empty range, repeated levels, or a
        range given to a lever.
    """
    label = _label(role, text)
    match = _PARAMETER.match(text)
    if match is None:
        raise SweepSpecError(f"{label}: expected PATH=SPEC with SPEC one of {_GRAMMAR}")
    path, spec = match["path"], match["spec"]
    if spec is None:
        # The range comes from the scenario file (resolved by `build_spec`).
        return Parameter(path, role, spec=text)
    if spec == "":
        raise SweepSpecError(f"{label}: nothing after '='; write {_GRAMMAR}")
    call = _CALL.match(spec)
    if call is not None:
        func = call["func"].lower()
        if func not in _FUNCTIONS:
            close = difflib.get_close_matches(func, list(_FUNCTIONS), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise SweepSpecError(f"{label}: unknown function {func!r}; {hint}use {_GRAMMAR}")
        args = call["args"].split(",")
        if len(args) != _FUNCTIONS[func]:
            raise SweepSpecError(
                f"{label}: {func} takes {_FUNCTIONS[func]} arguments, got {len(args)}"
            )
        if func == "uniform":
            lower, upper = _number(args[0], label), _number(args[1], label)
            _ordered(lower, upper, label, func)
            if lower == upper:
                raise SweepSpecError(
                    f"{label}: empty range; to fix the parameter write {path}={lower:g}"
                )
            if role == "lever":
                raise SweepSpecError(
                    f"{label}: a lever takes levels (a policy choice), not a range; "
                    f"write e.g. linspace({lower:g},{upper:g},5)"
                )
            return Parameter(path, role, bounds=(lower, upper), spec=text)
        levels = _levels_of_call(func, args, label)
    else:
        levels = tuple(_number(token, label) for token in spec.split(","))
    if len(set(levels)) != len(levels):
        raise SweepSpecError(f"{label}: a level is repeated")
    return Parameter(path, role, levels=levels, spec=text)


def _check_path(path: str, known: Sequence[str], label: str) -> None:
    if path in known:
        return
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        hint = f"the scenario has {len(known)} numeric parameters, e.g. " + ", ".join(
            repr(k) for k in list(known)[:3]
        )
    raise SweepSpecError(f"{label}: unknown parameter {path!r}; {hint}")


def _label(role: str, text: str) -> str:
    """How a message names one parameter of a sweep: ```uncertainty` 'PATH=SPEC'``."""
    return f"`{role}` {text!r}"


@dataclass(frozen=True)
class SweepOptions:
    """How a sweep samples and evaluates: every field of :class:`SweepSpec` but the
    parameters (see there).  :func:`build_spec` takes them as keywords too."""

    design: str = "grid"
    samples: int | None = None
    seed: int = 0
    replications: int = 1
    month: int = 0
    paths: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE
    second_order: bool = False
    morris_levels: int = 4

    def checked(self) -> SweepOptions:
        """These options with the design's name in lower case and integers as ints.

        Raises
        ------
        SweepSpecError
            Naming the argument (```chunk_size` must be an integer >= 1, got 0``).
        """
        design = self.design.lower()
        if design not in DESIGNS:
            raise SweepSpecError(f"`design` {design!r}: expected one of {', '.join(DESIGNS)}")
        for name, minimum in (("replications", 1), ("chunk_size", 1), ("month", 0), ("paths", 0)):
            value = getattr(self, name)
            if int(value) != value or value < minimum:
                raise SweepSpecError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
        if self.replications > 1 and self.paths == 0:
            raise SweepSpecError(
                f"`replications` {self.replications} needs a stochastic evaluation "
                "(`paths` > 0); deterministic runs repeat exactly"
            )
        return replace(
            self,
            design=design,
            seed=int(self.seed),
            replications=int(self.replications),
            month=int(self.month),
            paths=int(self.paths),
            chunk_size=int(self.chunk_size),
            second_order=bool(self.second_order),
            morris_levels=int(self.morris_levels),
        )


def sweep_options(options: SweepOptions | None = None, **fields: Any) -> SweepOptions:
    """``options`` (default: the defaults) with ``fields`` replaced."""
    return replace(options or SweepOptions(), **fields)


def build_spec(
    scenario: ScenarioLike,
    uncertainties: Sequence[str | Parameter] = (),
    levers: Sequence[str | Parameter] = (),
    options: SweepOptions | None = None,
    **fields: Any,
) -> SweepSpec:
    """Parse and check a sweep against a scenario.

    Every path must be one of ``scenario.parameter_paths()``; a bare path of
    an uncertainty takes its bounds from ``scenario.uncertainty_range``.
    ``options`` (:class:`SweepOptions`), or its fields as keywords
    (``design="lhs", samples=1000, seed=1``), say how to sample and evaluate.
    Every value is checked against the scenario's constraints before any work.

    Raises
    ------
    SweepSpecError
        On anything a user can get wrong: an unknown path (with a "did you
        mean"), a parameter given twice, a grid given a range, a sampled
        design given no range, a bad design name or count, a value the
        scenario cannot take.  Messages name arguments in backquotes
        (```design```) and parameters by their role (```uncertainty` 'PATH'``).
    TypeError
        On a keyword that is not a field of :class:`SweepOptions`.
    """
    options = sweep_options(options, **fields).checked()
    known = list(scenario.parameter_paths())
    parsed: list[Parameter] = []
    for role, items in (("uncertainty", uncertainties), ("lever", levers)):
        for item in items:
            parameter = _resolve(scenario, item, role, options.design, known)  # type: ignore[arg-type]
            if any(p.path == parameter.path for p in parsed):
                label = _label(role, parameter.spec or parameter.path)
                raise SweepSpecError(f"{label}: {parameter.path!r} is given twice")
            parsed.append(parameter)
    spec = SweepSpec(
        uncertainties=tuple(p for p in parsed if p.role == "uncertainty"),
        levers=tuple(p for p in parsed if p.role == "lever"),
        **vars(options),
    )
    _check_design(spec)
    _check_values(scenario, spec)
    return spec


def _resolve(
    scenario: ScenarioLike, item: str | Parameter, role: Role, design: str, known: Sequence[str]
) -> Parameter:
    """One parameter of the sweep, parsed, its path checked and its range resolved."""
    parameter = item if isinstance(item, Parameter) else parse_parameter(item, role)
    text = parameter.spec or parameter.path
    label = _label(role, text)
    _check_path(parameter.path, known, label)
    sampled_design = design in SAMPLED_DESIGNS
    if parameter.levels is None and parameter.bounds is None:
        if role == "lever":
            raise SweepSpecError(f"{label}: a lever needs levels, e.g. {text}=a,b,c")
        if not sampled_design:
            raise SweepSpecError(
                f"{label}: the grid design needs levels, e.g. {text}=linspace(a,b,n)"
            )
        parameter = Parameter(
            parameter.path,
            "uncertainty",
            bounds=_scenario_range(scenario, parameter.path, label),
            spec=text,
        )
    if parameter.bounds is not None and not sampled_design:
        raise SweepSpecError(
            f"{label}: the grid design needs levels; write "
            f"linspace({parameter.bounds[0]:g},{parameter.bounds[1]:g},n) "
            "or choose `design` lhs|mc|sobol|morris"
        )
    if sampled_design and role == "uncertainty" and parameter.bounds is None:
        if not parameter.is_fixed:
            raise SweepSpecError(
                f"{label}: `design` {design} samples ranges; write "
                f"{parameter.path}=uniform(a,b), or make it a lever (`lever`) to cross its "
                "levels with the sample"
            )
    return parameter


def _scenario_range(scenario: ScenarioLike, path: str, label: str) -> tuple[float, float]:
    bounds = scenario.uncertainty_range(path)
    if bounds is None:
        raise SweepSpecError(
            f"{label}: the scenario gives no range for {path!r}; write {path}=uniform(a,b)"
        )
    lower, upper = (float(b) for b in bounds)
    if not lower < upper:
        raise SweepSpecError(f"{label}: the scenario's range ({lower:g}, {upper:g}) is empty")
    return lower, upper


def _check_design(spec: SweepSpec) -> None:
    """A sampled design needs something to sample and a count; a grid, a parameter."""
    design = spec.design
    if design not in SAMPLED_DESIGNS:
        if not spec.gridded and not spec.fixed:
            raise SweepSpecError("nothing to sweep: give at least one `uncertainty` PATH=SPEC")
        return
    if not spec.sampled:
        raise SweepSpecError(
            f"`design` {design} needs an uncertainty with a range: `uncertainty` PATH=uniform(a,b)"
        )
    samples = spec.samples
    if samples is None or int(samples) != samples or samples < 1:
        raise SweepSpecError(
            f"`samples` must be an integer >= 1 for `design` {design}, got {samples!r}"
        )
    if design == "morris" and spec.morris_levels < 2:
        raise SweepSpecError(f"`morris_levels` must be >= 2, got {spec.morris_levels}")


def _check_values(scenario: ScenarioLike, spec: SweepSpec) -> None:
    """Let the scenario reject a value it cannot take, before any work is done.

    Each parameter's levels (or the two ends of its range) are checked at once with
    the scenario file's constraints (:func:`sim.model.batch.check_overrides`): the
    message names the path, the value and its index among the levels.
    """
    check = _override_check(scenario)
    if check is None:
        return
    for parameter in spec.parameters:
        values = parameter.levels if parameter.levels is not None else parameter.bounds
        try:
            check(scenario, {parameter.path: np.asarray(values, dtype=float)})
        except (ParameterError, ScenarioError) as exc:
            label = _label(parameter.role, parameter.spec or parameter.path)
            raise SweepSpecError(f"{label}: {exc}") from None


def _override_check(
    scenario: ScenarioLike,
) -> Callable[[Any, Mapping[str, np.ndarray]], Any] | None:
    """How to check override values on ``scenario``: the model's
    :func:`sim.model.batch.check_overrides` for a :class:`~sim.model.scenario.Scenario`;
    for another scenario-like model, the lowest and highest level through its
    ``with_params``, if it has one."""
    from sim.model.batch import check_overrides
    from sim.model.scenario import Scenario

    if isinstance(scenario, Scenario):
        return check_overrides
    if getattr(scenario, "with_params", None) is None:
        return None

    def lowest_and_highest(scenario: Any, params: Mapping[str, np.ndarray]) -> None:
        for path, values in params.items():
            for value in (values.min(), values.max()):
                scenario.with_params({path: float(value)})

    return lowest_and_highest
