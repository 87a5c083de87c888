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
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from sim.errors import CeasefireError, SweepSpecError
from sim.sweep.designs import Design, make_design
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


def evaluate_chunk(
    evaluate: Evaluate,
    scenario: ScenarioLike,
    points: Mapping[str, np.ndarray],
    *,
    fixed: Mapping[str, float],
    month: int,
    paths: int,
    seed: int | None,
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
    n = len(next(iter(points.values()))) if points else 1
    params: dict[str, Any] = {path: float(value) for path, value in fixed.items()}
    params.update(points)
    results = evaluate(scenario, params, month=month, paths=paths, seed=seed)
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
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SweepSpecError(
            "--workers/--scheduler need Dask: pip install 'ceasefire[sweep]'"
        ) from None
    with contextlib.ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout=30))
            except (OSError, TimeoutError, ValueError) as exc:
                raise SweepSpecError(f"--scheduler {scheduler!r}: cannot connect ({exc})") from None
        else:
            if workers is None or workers < 1:
                raise SweepSpecError(f"--workers must be >= 1, got {workers!r}")
            import dask

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
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=int(workers),
                        threads_per_worker=1,
                        processes=processes,
                        dashboard_address=None,
                    )
                )
            client = stack.enter_context(Client(cluster))
            # Our own workers: cancelling a running chunk (Ctrl-C, a user error) is
            # intended, so the warning each worker logs for it is noise.
            client.run(_quiet_cancellations)
        yield client.get_executor(pure=False)


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


def run_sweep(
    scenario: ScenarioLike,
    spec: SweepSpec,
    *,
    out: str | os.PathLike | None = None,
    evaluate: Evaluate | None = None,
    executor: Executor | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    outcomes: Mapping[str, np.dtype] | None = None,
    progress: bool = True,
    command: str | None = None,
    overwrite: bool = False,
    max_in_flight: int | None = None,
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
    executor
        Any :class:`concurrent.futures.Executor` to run the chunks on;
        ``workers``/``scheduler`` make a Dask one (:func:`dask_executor`).
    outcomes
        ``{name: dtype}`` of the arrays ``evaluate`` returns; by default
        :data:`sim.results.OUTCOMES` and ``reservation_<actor>``.
    progress
        Show a progress bar (tqdm.auto: a widget in notebooks).
    command
        The command line, recorded in the results' provenance.
    overwrite
        Replace a results file of a different sweep instead of refusing.

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
    evaluate = evaluate or _default_evaluate()
    outcomes = dict(outcomes or default_outcomes(scenario))
    design = make_design(spec)
    template = make_template(scenario, spec, design, outcomes, command)
    store = open_store(out, template, design, outcomes, overwrite=overwrite)
    done = store.done()
    todo = [i for i in range(design.n_chunks) if i not in done]
    with contextlib.ExitStack() as stack:
        if executor is None and todo and (workers is not None or scheduler is not None):
            executor = stack.enter_context(dask_executor(workers, scheduler))
        bar = stack.enter_context(_progress(design, done, progress, scenario.name))
        if executor is None:
            _run_inline(evaluate, scenario, spec, design, outcomes, store, todo, bar)
        else:
            limit = max_in_flight or 2 * _slots(executor, workers)
            _run_on(executor, evaluate, scenario, spec, design, outcomes, store, todo, bar, limit)
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


def _slots(executor: Executor, workers: int | None) -> int:
    """How many chunks the executor runs at once (Dask: the cluster's threads)."""
    client = getattr(executor, "_client", None)
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return max(1, workers or getattr(executor, "_max_workers", None) or os.cpu_count() or 1)


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
        disable=not enabled,
        dynamic_ncols=True,
    ) as bar:
        yield bar


def _size(design: Design, index: int) -> int:
    return int(np.prod([s.stop - s.start for s in design.region(index)]))


def _chunk_arguments(
    evaluate: Evaluate,
    scenario: ScenarioLike,
    spec: SweepSpec,
    design: Design,
    outcomes: Mapping[str, np.dtype],
    index: int,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    region = design.region(index)
    kwargs = {
        "fixed": design.fixed,
        "month": spec.month,
        "paths": spec.paths,
        "seed": design.seed(region),
        "outcomes": outcomes,
    }
    return (evaluate, scenario, design.points(region)), kwargs


def _failure(index: int, points: int, seconds: float, exc: BaseException) -> ChunkRecord:
    return ChunkRecord(index, "failed", points, seconds, f"{type(exc).__name__}: {exc}")


def _run_inline(evaluate, scenario, spec, design, outcomes, store, todo, bar) -> None:
    for index in todo:
        args, kwargs = _chunk_arguments(evaluate, scenario, spec, design, outcomes, index)
        points = _size(design, index)
        start = time.perf_counter()
        try:
            seconds, values = _timed_chunk(*args, **kwargs)
        except CeasefireError:
            raise
        except Exception as exc:
            store.write(_failure(index, points, time.perf_counter() - start, exc), None)
        else:
            store.write(ChunkRecord(index, "done", points, seconds), values)
        bar.update(points)


def _run_on(
    executor: Executor,
    evaluate,
    scenario,
    spec,
    design,
    outcomes,
    store: MemoryStore | ZarrStore | NetcdfStore,
    todo: list[int],
    bar,
    limit: int,
) -> None:
    pending: dict[Future, int] = {}
    queue = iter(todo)
    try:
        while True:
            while len(pending) < limit:
                index = next(queue, None)
                if index is None:
                    break
                args, kwargs = _chunk_arguments(evaluate, scenario, spec, design, outcomes, index)
                pending[executor.submit(_timed_chunk, *args, **kwargs)] = index
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                points = _size(design, index)
                try:
                    seconds, values = future.result()
                except CeasefireError:
                    raise
                except Exception as exc:
                    store.write(_failure(index, points, 0.0, exc), None)
                else:
                    store.write(ChunkRecord(index, "done", points, seconds), values)
                bar.update(points)
    finally:
        for future in pending:
            future.cancel()
