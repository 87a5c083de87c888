"""How big a piece of work is, estimated before it starts, and refused beyond the machine.

The estimates come from the design alone (no sample is drawn) and from two
measured figures: the engine evaluates about :data:`RATE` parameter sets a
second on one core (mean path; each Monte Carlo path costs about as much as
one set), and a run costs 8 bytes per stored number (an outcome, a sampled
parameter).  A sweep is refused when it needs more memory than the machine
has available, more disk than the output's file system has free, or more
than :data:`TIME_LIMIT_S` seconds -- unless the user confirms (``--yes``);
the message says the estimate.

>>> from sim.sweep.spec import Parameter, SweepSpec
>>> spec = SweepSpec((Parameter("a", bounds=(0.0, 1.0)),), design="lhs", samples=1000)
>>> runs_of(spec)
1000
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sim.errors import SweepSpecError
from sim.sweep.spec import SweepSpec

#: Parameter sets evaluated per second on one core without the forecast's outcomes
#: (``benchmarks/bench_engine.py``, session 5: about 12,500 (every ranged parameter varied)
#: to 45,000 (a sweep of the discount rates) on the baseline; 20,000 with ``regions``); a
#: Monte Carlo path costs about as much as one set.
RATE = 2e4
#: The same with the forecast's outcomes (``p_agreement_12m``, ``expected_delay_months``):
#: the hazard runs once per domestic regime (session 5: 840-900 sets/s on the baseline).
RATE_FORECAST = 8e2
#: Sets per second of the batched projection of the regional zone alone
#: (``region_<r>_lo_km2`` / ``_hi_km2``; ``benchmarks/bench_regions.py``, session 5: 240).
RATE_PROJECTION = 2.4e2
#: Bytes per stored number (float64).
WORD = 8
#: Work longer than this (on the cores given) is refused without ``--yes``: 6 hours.
TIME_LIMIT_S = 6 * 3600.0


def runs_of(spec: SweepSpec) -> int:
    """The number of parameter sets of ``spec`` (replications included), without a sample."""
    k = len(spec.sampled)
    n = int(spec.samples or 0)
    if not spec.sampled:
        runs = 1
    elif spec.design in ("lhs", "mc"):
        runs = n
    elif spec.design == "sobol":
        runs = n * (2 * k + 2 if spec.second_order else k + 2)
    else:  # morris
        runs = n * (k + 1)
    levels = math.prod(len(p.levels or ()) for p in spec.gridded)
    return runs * levels * max(1, spec.replications)


@dataclass(frozen=True)
class Estimate:
    """What a piece of work needs: memory and disk in bytes, time in seconds."""

    what: str
    memory: float = 0.0
    disk: float = 0.0
    seconds: float = 0.0


def sweep_estimate(
    spec: SweepSpec,
    outcomes: int,
    *,
    out: bool,
    cores: int = 1,
    forecast: bool = False,
    projection: bool = False,
) -> Estimate:
    """The memory, disk and time of sweeping ``spec`` with ``outcomes`` stored outcomes
    (``forecast``: among them the forecast's, at :data:`RATE_FORECAST`; ``projection``: the
    regional zone's projection, whose time :data:`RATE_PROJECTION` adds to the rest's)."""
    runs = runs_of(spec)
    k = len(spec.sampled)
    sample = runs * k * WORD if spec.design in ("lhs", "sobol", "morris") else 0
    # One chunk in flight per core, each its points, outcomes and the engine's temporaries
    # (about 64 numbers a point, measured on the baseline).
    chunk = min(runs, spec.chunk_size) * (k + outcomes + 64) * WORD * max(1, cores)
    memory = sample + chunk + (0 if out else runs * outcomes * WORD)
    disk = runs * (outcomes + k + 1) * WORD if out else 0
    rate = RATE_FORECAST if forecast else RATE
    if projection:
        rate = 1.0 / (1.0 / rate + 1.0 / RATE_PROJECTION)
    seconds = runs * max(1, spec.paths) / (rate * max(1, cores))
    return Estimate(f"{runs:,} runs", memory=memory, disk=disk, seconds=seconds)


def available_memory() -> float:
    """Memory available to a new allocation (``MemAvailable`` on Linux), in bytes."""
    try:
        with open("/proc/meminfo") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return math.inf


def free_disk(path: str | os.PathLike) -> float:
    """Free bytes on the file system that will hold ``path`` (its nearest existing folder)."""
    folder = Path(path).absolute()
    while not folder.exists():
        folder = folder.parent
    try:
        return float(shutil.disk_usage(folder).free)
    except OSError:
        return math.inf


def words(nbytes: float) -> str:
    """``1.2 GB``: a byte count in words (powers of 1000)."""
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if nbytes < 1000 or unit == "PB":
            return f"{nbytes:,.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1000
    return f"{nbytes:.3g} PB"


def duration(seconds: float) -> str:
    """``3.2 hours``: a duration in words."""
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:.0f} s"


def check_estimate(
    estimate: Estimate, *, out: str | os.PathLike | None = None, confirmed: bool = False
) -> None:
    """Refuse (:class:`SweepSpecError`, with the estimate) work beyond the machine's
    memory, the free disk of ``out``'s file system or :data:`TIME_LIMIT_S`, unless
    ``confirmed``."""
    problems = []
    memory = available_memory()
    if estimate.memory > memory:
        problems.append(f"{words(estimate.memory)} of memory ({words(memory)} available)")
    if out is not None and estimate.disk > free_disk(out):
        problems.append(f"{words(estimate.disk)} of disk ({words(free_disk(out))} free)")
    if estimate.seconds > TIME_LIMIT_S:
        problems.append(f"about {duration(estimate.seconds)} at the engine's measured rate")
    if problems and not confirmed:
        raise SweepSpecError(
            f"{estimate.what} would need {' and '.join(problems)}; "
            "make it smaller, or pass `yes` to run it anyway"
        )


def check_size(*, memory: float, what: str, limit: float, confirmed: bool = False) -> None:
    """Refuse (:class:`SweepSpecError`) holding ``memory`` bytes beyond ``limit``."""
    if memory > limit and not confirmed:
        raise SweepSpecError(
            f"{what} would need {words(memory)} of memory ({words(limit)} available); "
            "pass `yes` to try anyway"
        )
