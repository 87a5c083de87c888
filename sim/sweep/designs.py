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
results' array of at most ``chunk_size`` points) on demand.  What a design
holds in memory:

* ``grid``: the levels only;
* ``mc``: nothing but a seed -- the sample is drawn block by block, block
  ``b`` (rows ``b * MC_BLOCK`` to ``(b + 1) * MC_BLOCK``) from the ``b``-th
  child of the design's :class:`numpy.random.SeedSequence`, so any rows can
  be drawn on their own and a run's values do not depend on the chunk size,
  the executor or the order the chunks run in;
* ``lhs``: the ``(runs, k)`` float64 sample (8 bytes per run and
  uncertainty: 160 MB for 10^7 runs of two uncertainties), since a Latin
  hypercube stratifies each uncertainty over the whole sample;
* ``sobol``, ``morris``: SALib's ``(runs, k)`` float64 sample, which its
  analyzers need whole anyway.

Same spec (seed included), same points, on any machine: every random draw
comes from ``numpy.random.SeedSequence(spec.seed)``.  SALib's samplers get a
:class:`numpy.random.Generator` from it, never an integer seed (SALib reads a
falsy seed such as 0 as "unseeded").

References
----------
McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code.
*Technometrics* 21(2), 239-245.
Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
*Computer Physics Communications* 145(2), 280-297.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output.
*Computer Physics Communications* 181(2), 259-270.
Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
*Technometrics* 33(2), 161-174.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.sweep.spec import SweepSpec

RUN = "run"
REPLICATION = "replication"
#: Rows of a Monte Carlo sample drawn from one child of the design's SeedSequence.
MC_BLOCK = 8192


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
    sample_names
        The sampled uncertainties (the columns of :meth:`sample`).
    samples
        The sample held in memory, shape ``(runs, k)`` (``lhs``, ``sobol``,
        ``morris``), or None: a grid, or a Monte Carlo sample drawn on demand
        from ``sample_seed`` within ``sample_bounds``.
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
    sample_seed: np.random.SeedSequence | None = None
    sample_bounds: np.ndarray | None = None
    fixed: dict[str, float] = field(default_factory=dict)
    replication_seeds: np.ndarray | None = None
    chunk: tuple[int, ...] = ()

    @property
    def runs(self) -> int:
        """Length of the ``run`` dimension (0 without one)."""
        return self.shape[self.dims.index(RUN)] if RUN in self.dims else 0

    def sample(self, rows: slice = slice(None)) -> np.ndarray:
        """The sampled uncertainties' values of ``rows``, shape ``(rows, k)``, float64.

        Monte Carlo rows are drawn here, block by block (see the module
        docstring): the same rows give the same values however they are asked
        for.
        """
        if self.samples is not None:
            return self.samples[rows]
        if self.sample_seed is None or self.sample_bounds is None:
            return np.empty((0, len(self.sample_names)))
        start, stop, step = rows.indices(self.runs)
        if step != 1:
            raise ValueError(f"rows must be a contiguous slice, got step {step}")
        k = len(self.sample_names)
        unit = np.empty((max(stop - start, 0), k))
        seed = self.sample_seed
        for block in range(start // MC_BLOCK, -(-stop // MC_BLOCK)):
            first = block * MC_BLOCK
            size = min(MC_BLOCK, self.runs - first)
            # The block-th child of `seed`, as seed.spawn() would make it, without the
            # spawn counter: any block can be drawn alone.
            child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, block))
            drawn = np.random.default_rng(child).random((size, k))
            lo, hi = max(start, first), min(stop, first + size)
            unit[lo - start : hi - start] = drawn[lo - first : hi - first]
        lower, upper = self.sample_bounds
        unit *= upper - lower
        unit += lower
        return unit

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
            elif dim == RUN and self.sample_names:
                rows = self.sample(region[axis])
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


def _bounds(spec: SweepSpec) -> np.ndarray:
    """The sampled uncertainties' ``[lower, upper]`` bounds, shape ``(2, k)``."""
    return np.array(spec.problem()["bounds"], dtype=np.float64).T.copy()


def _sample(spec: SweepSpec, rng: np.random.Generator) -> np.ndarray:
    """The whole sample of an ``lhs``, ``sobol`` or ``morris`` design, shape ``(runs, k)``."""
    problem = spec.problem()
    n = int(spec.samples or 0)
    if spec.design == "lhs":
        from scipy.stats import qmc

        try:
            sampler = qmc.LatinHypercube(d=problem["num_vars"], rng=rng)
        except TypeError:  # scipy < 1.15 names the argument `seed`
            sampler = qmc.LatinHypercube(d=problem["num_vars"], seed=rng)
        sample = sampler.random(n)
        lower, upper = _bounds(spec)
        sample *= upper - lower  # in place: no second (runs, k) array
        sample += lower
        return sample
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
    samples = sample_seed = sample_bounds = None
    sample_names: tuple[str, ...] = ()
    if spec.sampled:
        sample_names = tuple(p.path for p in spec.sampled)
        if spec.design == "mc":
            sample_seed, sample_bounds = design_seed, _bounds(spec)
            runs = int(spec.samples or 0)
        else:
            samples = np.ascontiguousarray(_sample(spec, np.random.default_rng(design_seed)))
            runs = samples.shape[0]
        dims.append(RUN)
        shape.append(runs)
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
        sample_seed=sample_seed,
        sample_bounds=sample_bounds,
        fixed=spec.fixed,
        replication_seeds=seeds,
        chunk=chunk_shape(tuple(shape), spec.chunk_size, leading=leading),
    )
