"""Designs of experiments: which points a sweep evaluates, and how they are laid out.

A :class:`Design` is the sweep's points arranged as the results' array:

* ``grid``: the full factorial of every parameter's levels, one dimension per
  parameter (``numpy`` C order, the last parameter varying fastest);
* ``lhs``: a Latin hypercube of the uncertainties' ranges
  (:class:`scipy.stats.qmc.LatinHypercube`, McKay, Beckman & Conover 1979);
* ``mc``: independent uniform draws (Monte Carlo);
* ``sobol``: Saltelli's extension of the Sobol' sequence (SALib's
  ``sample.sobol``; Saltelli 2002, Saltelli et al. 2010), ``N * (k + 2)`` runs
  (``N * (2k + 2)`` with second-order indices), in the order SALib's
  ``analyze.sobol`` expects;
* ``morris``: ``N`` one-at-a-time trajectories of ``k + 1`` runs on a
  ``p``-level grid (SALib's ``sample.morris``; Morris 1991).

Sampled designs have a ``run`` dimension with the sampled uncertainties as
coordinates; levers stay dimensions of their own, so every run is crossed with
every combination of the levers' levels (EMA Workbench's scenarios x policies).
Stochastic sweeps add a leading ``replication`` dimension; replication ``r``
evaluates with the seed drawn from ``SeedSequence(seed)``'s ``r``-th child.

The design is never materialised point by point: :meth:`Design.points`
computes the parameter values of one rectangular *chunk* (a block of the
results' array of at most ``chunk_size`` points) on demand, so memory is
bounded by the chunk size, not by the sweep size.

Same spec (seed included), same points, on any machine: every random draw
comes from ``numpy.random.SeedSequence(spec.seed)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.sweep.spec import SweepSpec

RUN = "run"
REPLICATION = "replication"


def chunk_shape(shape: tuple[int, ...], chunk_size: int, leading: int = 0) -> tuple[int, ...]:
    """The block shape that tiles ``shape`` in chunks of at most ``chunk_size`` points.

    Fills the trailing axes first (a chunk is as contiguous in C order as
    possible); the first ``leading`` axes always get 1, so that a chunk never
    spans two replications.

    >>> chunk_shape((1000, 1000), 100_000)
    (100, 1000)
    >>> chunk_shape((3, 10, 7), 20, leading=1)
    (1, 2, 7)
    """
    block = [1] * len(shape)
    budget = max(1, int(chunk_size))
    for axis in reversed(range(leading, len(shape))):
        size = min(shape[axis], budget)
        block[axis] = max(size, 1)
        if size < shape[axis]:
            break
        budget //= max(shape[axis], 1)
    return tuple(block)


@dataclass(frozen=True)
class Design:
    """The points of a sweep laid out as an array of shape :attr:`shape`.

    Attributes
    ----------
    kind
        The design's name (see :data:`sim.sweep.spec.DESIGNS`).
    dims
        Names of the results' dimensions: ``replication`` (stochastic sweeps
        with several replications), ``run`` (sampled designs), then one per
        gridded parameter, named by its dotted path.
    shape
        Length of each dimension.
    levels
        ``{path: levels}`` of the gridded parameters (float64 arrays).
    sample_names, samples
        The sampled uncertainties and their values, shape ``(runs, k)``.
    fixed
        ``{path: value}`` applied to every point.
    replication_seeds
        One seed per replication (``uint32``), or ``None`` when the
        evaluation is deterministic.
    chunk
        The block shape of one chunk (:func:`chunk_shape`).
    """

    kind: str
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    levels: dict[str, np.ndarray]
    sample_names: tuple[str, ...] = ()
    samples: np.ndarray | None = None
    fixed: dict[str, float] = field(default_factory=dict)
    replication_seeds: np.ndarray | None = None
    chunk: tuple[int, ...] = ()

    @property
    def n_points(self) -> int:
        """Number of evaluations (replications included)."""
        return math.prod(self.shape)

    @property
    def chunk_grid(self) -> tuple[int, ...]:
        """Number of chunks along each dimension."""
        return tuple(-(-size // block) for size, block in zip(self.shape, self.chunk, strict=True))

    @property
    def n_chunks(self) -> int:
        return math.prod(self.chunk_grid)

    def region(self, index: int) -> tuple[slice, ...]:
        """The slice of the results' array covered by chunk ``index`` (C order)."""
        if not 0 <= index < self.n_chunks:
            raise IndexError(f"chunk {index} out of range 0..{self.n_chunks - 1}")
        position = np.unravel_index(index, self.chunk_grid)
        return tuple(
            slice(int(p) * block, min((int(p) + 1) * block, size))
            for p, block, size in zip(position, self.chunk, self.shape, strict=True)
        )

    def points(self, region: tuple[slice, ...]) -> dict[str, np.ndarray]:
        """Parameter values of the points in ``region``, each a flat float64 array.

        The points are in C order over the region; fixed parameters are not
        included (see :attr:`fixed`).
        """
        sizes = [s.stop - s.start for s in region]
        values: dict[str, np.ndarray] = {}

        def spread(column: np.ndarray, axis: int) -> np.ndarray:
            shape = [1] * len(sizes)
            shape[axis] = sizes[axis]
            return np.broadcast_to(column.reshape(shape), sizes).ravel()

        for axis, dim in enumerate(self.dims):
            if dim in self.levels:
                values[dim] = spread(self.levels[dim][region[axis]], axis)
            elif dim == RUN and self.samples is not None:
                rows = self.samples[region[axis]]
                for j, name in enumerate(self.sample_names):
                    values[name] = spread(np.ascontiguousarray(rows[:, j]), axis)
        return values

    def seed(self, region: tuple[slice, ...]) -> int | None:
        """The evaluation seed of a chunk: its replication's seed, or None."""
        if self.replication_seeds is None:
            return None
        if self.dims and self.dims[0] == REPLICATION:
            return int(self.replication_seeds[region[0].start])
        return int(self.replication_seeds[0])


def _sample(spec: SweepSpec, rng: np.random.Generator) -> np.ndarray:
    """The sampled uncertainties' values, shape ``(runs, k)``."""
    problem = spec.problem()
    k = problem["num_vars"]
    lower = np.array([b[0] for b in problem["bounds"]], dtype=float)
    upper = np.array([b[1] for b in problem["bounds"]], dtype=float)
    n = int(spec.samples or 0)
    if spec.design in ("lhs", "mc"):
        from scipy.stats import qmc

        if spec.design == "lhs":
            try:
                sampler = qmc.LatinHypercube(d=k, rng=rng)
            except TypeError:  # scipy < 1.15 names the argument `seed`
                sampler = qmc.LatinHypercube(d=k, seed=rng)
            unit = sampler.random(n)
        else:
            unit = rng.random((n, k))
        return qmc.scale(unit, lower, upper)
    import warnings

    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if spec.design == "sobol":
        with warnings.catch_warnings():
            # SALib warns when N is not a power of 2 (the sequence's balance
            # properties are then weaker); the user chose N, so say it once
            # in the docs rather than on every call.
            warnings.simplefilter("ignore", UserWarning)
            return sobol_sample.sample(
                problem, n, calc_second_order=spec.second_order, scramble=True, seed=rng
            )
    return morris_sample.sample(problem, n, num_levels=spec.morris_levels, seed=rng)


def make_design(spec: SweepSpec) -> Design:
    """Lay out the points of ``spec``.

    The sample (sampled designs) and the replications' seeds are drawn from
    two independent children of ``numpy.random.SeedSequence(spec.seed)``, so
    changing the number of replications never changes the sample.
    """
    design_seed, replication_seed = np.random.SeedSequence(spec.seed).spawn(2)
    dims: list[str] = []
    shape: list[int] = []
    seeds = None
    if spec.paths > 0:
        seeds = np.array(
            [child.generate_state(1)[0] for child in replication_seed.spawn(spec.replications)],
            dtype=np.uint32,
        )
        if spec.replications > 1:
            dims.append(REPLICATION)
            shape.append(spec.replications)
    samples = None
    sample_names: tuple[str, ...] = ()
    if spec.sampled:
        samples = np.ascontiguousarray(_sample(spec, np.random.default_rng(design_seed)))
        sample_names = tuple(p.path for p in spec.sampled)
        dims.append(RUN)
        shape.append(samples.shape[0])
    levels = {
        p.path: np.asarray(p.levels, dtype=np.float64)
        for p in spec.gridded  # type: ignore[arg-type]
    }
    for path, values in levels.items():
        dims.append(path)
        shape.append(values.size)
    leading = 1 if dims and dims[0] == REPLICATION else 0
    return Design(
        kind=spec.design,
        dims=tuple(dims),
        shape=tuple(shape),
        levels=levels,
        sample_names=sample_names,
        samples=samples,
        fixed=spec.fixed,
        replication_seeds=seeds,
        chunk=chunk_shape(tuple(shape), spec.chunk_size, leading=leading),
    )
