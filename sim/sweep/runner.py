"""Run a sweep: chunks of points, one vectorized ``evaluate`` call each.

The runner follows the shape of Mesa's batch runner: it takes any
:class:`concurrent.futures.Executor` (or none: in-process), keeps a run
record per chunk with its status, and never lets one failed chunk abort the
sweep or lose the others -- failed chunks are recorded, reported, and retried
by the next run of the same sweep.

* in-process (default): chunks run one after the other in this process;
* ``workers=N``: a local Dask cluster of ``N`` single-threaded worker
  processes (:func:`dask_executor`);
* ``scheduler="tcp://HOST:PORT"``: an existing Dask cluster, whose workers
  must have ``ceasefire`` installed.

A chunk's results depend only on its points and its replication's seed, never
on the executor: in-process and Dask runs give identical arrays.  At most
``2 * workers`` chunks are in flight, so memory is bounded by the chunk size
(plus, for ``lhs``, ``sobol`` and ``morris`` designs, their ``(runs, k)``
sample; see :mod:`sim.sweep.designs`).

>>> import numpy as np
>>> from sim.sweep.spec import Parameter, SweepSpec
>>> from sim.sweep.designs import make_design
>>> spec = SweepSpec((Parameter("a", levels=(1.0, 2.0, 3.0)),), chunk_size=2)
>>> make_design(spec).n_chunks
2
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.errors import CeasefireError, SweepSpecError
from sim.sweep.designs import Design, make_design
from sim.sweep.sizing import check_estimate, sweep_estimate
from sim.sweep.spec import ScenarioLike, SweepSpec
from sim.sweep.store import (
    ChunkRecord,
    MemoryStore,
    NetcdfStore,
    ZarrStore,
    default_outcomes,
    make_template,
    open_store,
)

#: ``evaluate(scenario, params, *, month, paths, seed) -> {outcome: array}``,
#: the signature of :func:`sim.evaluate`.
Evaluate = Callable[..., Mapping[str, Any]]


@dataclass(frozen=True)
class SweepResult:
    """What :func:`run_sweep` returns.

    Attributes
    ----------
    dataset
        The results (lazy when they live in a file).
    records
        The run record of every chunk attempted so far, by chunk index.
    n_chunks
        Number of chunks of the sweep.
    out
        The results file, or None for an in-memory sweep.
    computed
        Indices of the chunks computed by this call (not resumed).
    seconds
        Wall-clock time of this call.
    """

    dataset: xr.Dataset
    records: dict[int, ChunkRecord]
    n_chunks: int
    out: str | None
    computed: tuple[int, ...]
    seconds: float

    @property
    def failed(self) -> list[ChunkRecord]:
        return [r for i, r in sorted(self.records.items()) if r.status == "failed"]

    @property
    def complete(self) -> bool:
        return sum(r.status == "done" for r in self.records.values()) == self.n_chunks


@dataclass(frozen=True)
class ChunkTask:
    """What one chunk evaluates: its points (``{path: (n,) array}``), the settings fixed
    at every point, and ``sim.evaluate``'s ``month``, ``paths`` and ``seed``."""

    points: Mapping[str, np.ndarray]
    fixed: Mapping[str, float]
    month: int = 0
    paths: int = 0
    seed: int | None = None


def evaluate_chunk(
    evaluate: Evaluate,
    scenario: ScenarioLike,
    task: ChunkTask,
    outcomes: Mapping[str, np.dtype],
) -> dict[str, np.ndarray]:
    """Evaluate one chunk in one vectorized call and check what comes back.

    Runs wherever the executor puts it, so it takes everything it needs as
    arguments (all picklable).

    Raises
    ------
    RuntimeError
        If ``evaluate`` misses an outcome or returns an array of the wrong
        shape: the chunk is then recorded as failed.
    """
    points = task.points
    n = len(next(iter(points.values()))) if points else 1
    params: dict[str, Any] = {path: float(value) for path, value in task.fixed.items()}
    params.update(points)
    results = evaluate(scenario, params, month=task.month, paths=task.paths, seed=task.seed)
    checked = {}
    for name, dtype in outcomes.items():
        if name not in results:
            raise RuntimeError(f"evaluate returned no {name!r}")
        values = np.asarray(results[name])
        if values.shape != (n,):
            values = np.broadcast_to(values, (n,)) if values.ndim == 0 else values
        if values.shape != (n,):
            raise RuntimeError(f"evaluate returned {name!r} of shape {values.shape}, not ({n},)")
        checked[name] = values.astype(dtype, copy=False)
    return checked


def _timed_chunk(*args: Any, **kwargs: Any) -> tuple[float, dict[str, np.ndarray]]:
    start = time.perf_counter()
    values = evaluate_chunk(*args, **kwargs)
    return time.perf_counter() - start, values


def without_forecast(scenario: ScenarioLike) -> tuple[Evaluate, dict[str, np.dtype]]:
    """``sim.evaluate`` without the forecast's outcomes (``forecast=False``:
    :data:`sim.results.FORECAST_OUTCOMES`, most of its time when a scenario has private
    information or red lines) and the outcomes it returns, for :func:`run_sweep`'s
    ``evaluate`` and ``outcomes``."""
    return evaluate_with(scenario, forecast=False)


def evaluate_with(
    scenario: ScenarioLike,
    *,
    forecast: bool = True,
    regions: bool = False,
    projection: bool = False,
) -> tuple[Evaluate, dict[str, np.dtype]]:
    """``sim.evaluate`` with its options ``forecast``, ``regions`` (issue 18: the
    per-region outcomes, :data:`sim.results.REGION_OUTCOMES`) and ``projection`` (the
    zone's range per region) and the outcomes it returns, for :func:`run_sweep`'s
    ``evaluate`` and ``outcomes``."""
    from sim.results import FORECAST_OUTCOMES

    options = {"forecast": forecast, "regions": regions}
    if projection:  # only when asked: an evaluate without the keyword still works
        options["projection"] = True
    evaluate = functools.partial(_default_evaluate(), **options)
    kept = default_outcomes(scenario, regions=regions, projection=projection)
    if not forecast:
        kept = {k: v for k, v in kept.items() if k not in FORECAST_OUTCOMES}
    return evaluate, kept


def _default_evaluate() -> Evaluate:
    import sim

    evaluate = getattr(sim, "evaluate", None)
    if evaluate is None:
        raise SweepSpecError("this version of sim has no evaluate(): the engine is missing")
    return evaluate


@contextlib.contextmanager
def dask_executor(
    workers: int | None = None, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Executor]:
    """A :class:`concurrent.futures.Executor` on a Dask cluster.

    ``scheduler`` connects to an existing cluster; otherwise a local cluster
    of ``workers`` single-threaded workers (processes, or threads with
    ``processes=False``) is started and shut down on exit.
    """
    with dask_client(workers, scheduler, processes=processes) as client:
        yield client.get_executor(pure=False)


@contextlib.contextmanager
def dask_client(
    workers: int | None = None, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Any]:
    """A :class:`dask.distributed.Client` of an existing cluster (``scheduler``) or of a
    local one of ``workers`` single-threaded workers, started and shut down here.

    Raises
    ------
    SweepSpecError
        Without Dask, on a scheduler that does not answer, or on ``workers < 1``
        (naming the argument: ```workers` must be >= 1``).
    """
    try:
        from dask.distributed import Client
    except ImportError:
        raise SweepSpecError(
            "`workers`/`scheduler` need Dask: pip install 'ceasefire[sweep]'"
        ) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SweepSpecError(f"`scheduler` {scheduler!r}: cannot connect ({exc})") from None
        with client:
            yield client
        return
    if workers is None or workers < 1:
        raise SweepSpecError(f"`workers` must be >= 1, got {workers!r}")
    with _local_cluster(int(workers), processes) as cluster, Client(cluster) as client:
        # Our own workers: cancelling a running chunk (Ctrl-C, a user error) is
        # intended, so the warning each worker logs for it is noise.
        client.run(_quiet_cancellations)
        yield client


@contextlib.contextmanager
def _local_cluster(workers: int, processes: bool) -> Iterator[Any]:
    import dask
    from dask.distributed import LocalCluster

    # Dask starts its workers with glibc's MALLOC_TRIM_THRESHOLD_=65536, which
    # hands the engine's large per-chunk temporaries back to the OS after every
    # chunk and refaults them on the next: chunks ran 15-35% slower (measured).
    environ = {
        key: value
        for key, value in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
        if key != "MALLOC_TRIM_THRESHOLD_"
    }
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
        _workers_ignore_ctrl_c(),
    ):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=None
        )
    with cluster:
        yield cluster


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start worker processes with SIGINT ignored (they inherit it across fork and exec).

    Ctrl-C reaches every process of the terminal's foreground group; the
    workers would each die with a KeyboardInterrupt traceback.  Ignoring it
    there leaves this process to stop the sweep and shut the cluster down.
    (This process ignores Ctrl-C too while the cluster starts, a second or two.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _quiet_cancellations() -> None:
    import logging

    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)


@dataclass(frozen=True)
class RunOptions:
    """Where and how :func:`run_sweep` runs the chunks (never what they compute).

    Attributes
    ----------
    executor
        Any :class:`concurrent.futures.Executor` to run the chunks on; None runs
        them in this process, unless ``workers``/``scheduler`` ask for Dask.
    workers, scheduler
        A local Dask cluster of ``workers`` processes, or the Dask scheduler at
        this address (:func:`dask_client`).
    max_in_flight
        Chunks submitted at once (memory is bounded by it); by default twice
        the Dask cluster's threads, or twice ``workers`` (else the CPUs) for
        another executor.
    progress
        Show a progress bar (tqdm.auto: a widget in notebooks).
    command
        The command line, recorded in the results' provenance.
    overwrite
        Replace a results file of a different sweep instead of refusing.
    """

    executor: Executor | None = None
    workers: int | None = None
    scheduler: str | None = None
    max_in_flight: int | None = None
    progress: bool = True
    command: str | None = None
    overwrite: bool = False
    #: Run work beyond the machine's memory, disk or the time limit (:mod:`sim.sweep.sizing`).
    confirmed: bool = False

    def __post_init__(self) -> None:
        # Checked here, before a results file is created, not when Dask starts.
        for name in ("workers", "max_in_flight"):
            value = getattr(self, name)
            if value is not None and (int(value) != value or value < 1):
                raise SweepSpecError(f"`{name}` must be >= 1, got {value!r}")


def run_sweep(
    scenario: ScenarioLike,
    spec: SweepSpec,
    *,
    out: str | os.PathLike | None = None,
    evaluate: Evaluate | None = None,
    outcomes: Mapping[str, np.dtype] | None = None,
    options: RunOptions | None = None,
    **fields: Any,
) -> SweepResult:
    """Evaluate every point of ``spec`` on ``scenario``, chunk by chunk.

    Parameters
    ----------
    scenario
        A :class:`sim.model.scenario.Scenario` (or anything with its interface).
    spec
        What to sweep (:func:`sim.sweep.spec.build_spec`).
    out
        ``None`` (results in memory), ``*.zarr`` (streamed, resumable) or
        ``*.nc`` (streamed to ``*.nc.partial.zarr``, converted at the end).
        Re-running with the same spec resumes; a different spec refuses.
    evaluate
        The model, with :func:`sim.evaluate`'s signature (the default).
    outcomes
        ``{name: dtype}`` of the arrays ``evaluate`` returns; by default
        :data:`sim.results.OUTCOMES` and ``reservation_<actor>``.
    options, **fields
        Where and how to run (:class:`RunOptions`), or its fields as keywords:
        ``run_sweep(scenario, spec, workers=4, progress=False)``.

    Returns
    -------
    SweepResult
        With a warning when chunks failed; their records say why.

    Raises
    ------
    CeasefireError
        A user error raised by ``evaluate`` (the same on every chunk): the
        sweep stops; chunks already done stay done.
    """
    started = time.perf_counter()
    run = replace(options or RunOptions(), **fields)
    outcomes = dict(outcomes or default_outcomes(scenario))
    cores = run.workers or 1
    from sim.results import FORECAST_OUTCOMES, is_projection

    forecast = bool(set(outcomes) & set(FORECAST_OUTCOMES))
    projection = any(is_projection(name) for name in outcomes)
    estimate = sweep_estimate(
        spec,
        len(outcomes),
        out=out is not None,
        cores=cores,
        forecast=forecast,
        projection=projection,
    )
    check_estimate(estimate, out=out, confirmed=run.confirmed)
    design = make_design(spec)
    template = make_template(scenario, spec, design, outcomes, run.command)
    fresh = out is not None and not _store_exists(out)
    store = open_store(out, template, design, outcomes, overwrite=run.overwrite)
    done = store.done()
    todo = [i for i in range(design.n_chunks) if i not in done]
    try:
        job = _Job(evaluate or _default_evaluate(), scenario, spec, design, outcomes, store, None)
        _run_chunks(run, todo, job)
    except BaseException:
        # A run that stops before its first chunk (a scheduler that does not answer,
        # a user error, a kill while it sets up) leaves no empty results behind.
        if fresh and not store.done():
            store.discard()
        raise
    store.finish()
    result = SweepResult(
        dataset=store.dataset(),
        records=store.records(),
        n_chunks=design.n_chunks,
        out=None if out is None else str(out),
        computed=tuple(todo),
        seconds=time.perf_counter() - started,
    )
    if result.failed:
        first = result.failed[0]
        warnings.warn(
            f"{len(result.failed)} of {design.n_chunks} chunks failed (chunk {first.index}: "
            f"{first.error}); run the same sweep again to retry them",
            RuntimeWarning,
            stacklevel=2,
        )
    return result


def _store_exists(out: str | os.PathLike) -> bool:
    """Whether the results at ``out`` (or a NetCDF output's partial store) exist."""
    path = Path(out)
    return path.exists() or path.with_name(path.name + ".partial.zarr").exists()


def _run_chunks(run: RunOptions, todo: list[int], job: _Job) -> None:
    """Run the chunks ``todo`` of ``job`` where ``run`` says, with a progress bar."""
    design = job.design
    with contextlib.ExitStack() as stack:
        executor, limit = run.executor, run.max_in_flight
        if executor is None and todo and (run.workers is not None or run.scheduler is not None):
            client = stack.enter_context(dask_client(run.workers, run.scheduler))
            executor = client.get_executor(pure=False)
            limit = limit or 2 * max(1, sum(client.nthreads().values()))
        done = set(range(design.n_chunks)) - set(todo)
        bar = stack.enter_context(_progress(design, done, run.progress, job.scenario.name))
        job = replace(job, bar=bar)
        if executor is None:
            _run_inline(job, todo)
        else:
            _run_on(job, executor, todo, limit or 2 * (run.workers or os.cpu_count() or 1))


@contextlib.contextmanager
def _progress(design: Design, done: set[int], enabled: bool, name: str) -> Iterator[Any]:
    from tqdm.auto import tqdm

    initial = sum(_size(design, i) for i in done)
    with tqdm(
        total=design.n_points,
        initial=initial,
        unit="pt",
        unit_scale=True,
        desc=f"sweep {name}",
        # None: only on a terminal (or a notebook's widget); in a log file a bar's
        # carriage returns leave every refresh, the last one twice.
        disable=None if enabled and "notebook" not in tqdm.__module__ else not enabled,
        dynamic_ncols=True,
    ) as bar:
        yield bar


def _size(design: Design, index: int) -> int:
    return int(np.prod([s.stop - s.start for s in design.region(index)]))


@dataclass(frozen=True)
class _Job:
    """Everything the chunks of one run share."""

    evaluate: Evaluate
    scenario: ScenarioLike
    spec: SweepSpec
    design: Design
    outcomes: Mapping[str, np.dtype]
    store: MemoryStore | ZarrStore | NetcdfStore
    bar: Any

    def arguments(self, index: int) -> tuple[Any, ...]:
        """The arguments of :func:`evaluate_chunk` for chunk ``index``."""
        region = self.design.region(index)
        task = ChunkTask(
            points=self.design.points(region),
            fixed=self.design.fixed,
            month=self.spec.month,
            paths=self.spec.paths,
            seed=self.design.seed(region),
        )
        return self.evaluate, self.scenario, task, self.outcomes

    def record(self, index: int, seconds: float, values: Mapping | BaseException) -> None:
        """Store chunk ``index``'s values, or that it failed with ``values`` (an error)."""
        points = _size(self.design, index)
        if isinstance(values, BaseException):
            record = ChunkRecord(
                index, "failed", points, seconds, f"{type(values).__name__}: {values}"
            )
            self.store.write(record, None)
        else:
            self.store.write(ChunkRecord(index, "done", points, seconds), values)
        self.bar.update(points)


def _run_inline(job: _Job, todo: list[int]) -> None:
    for index in todo:
        arguments = job.arguments(index)
        start = time.perf_counter()
        try:
            seconds, values = _timed_chunk(*arguments)
        except CeasefireError:
            raise
        except Exception as exc:
            job.record(index, time.perf_counter() - start, exc)
        else:
            job.record(index, seconds, values)


def _run_on(job: _Job, executor: Executor, todo: list[int], limit: int) -> None:
    pending: dict[Future, int] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < limit:
                index = next(queue, None)
                if index is None:
                    break
                pending[executor.submit(_timed_chunk, *job.arguments(index))] = index
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                try:
                    seconds, values = future.result()
                except CeasefireError:
                    raise
                except Exception as exc:
                    job.record(index, 0.0, exc)
                else:
                    job.record(index, seconds, values)
    finally:
        for future in pending:
            future.cancel()
