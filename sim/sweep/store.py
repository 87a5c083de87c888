"""Where a sweep's results go: an xarray Dataset, streamed to Zarr or NetCDF.

Layout of the Dataset
---------------------
* dimensions: those of the :class:`~sim.sweep.designs.Design` -- one per
  gridded parameter (named by its dotted path), ``run`` for sampled designs
  (the sampled uncertainties are coordinates along it) and ``replication``
  for stochastic sweeps (with a ``replication_seed`` coordinate);
* fixed parameters are scalar coordinates;
* data variables: the outcomes of ``sim.evaluate`` (:data:`sim.results.OUTCOMES`
  and ``reservation_<actor>``), each with a ``description`` attribute;
* attributes: the provenance -- the scenario's name, path and full TOML text,
  the package version, the design, seed and spec (JSON), the command line,
  the versions of the libraries that computed it.

Streaming and resuming
----------------------
A Zarr store's chunks are the sweep's chunks, so each chunk the runner
finishes is written as whole Zarr chunks, then recorded by a small JSON *run
record* in ``<store>/sweep_chunks/`` (written to a temporary file and renamed,
which is atomic on POSIX).  A chunk without a ``done`` record is recomputed on
the next run, so a killed process loses no finished chunk.  The store's
``fingerprint`` attribute hashes everything that determines the numbers (spec,
scenario text, package version, outcomes); a run whose fingerprint differs
refuses the store with :class:`~sim.errors.ResultsError` instead of mixing
results.  NetCDF output is computed in a ``<out>.partial.zarr`` store and
converted when the last chunk is done.

Unfinished parts of a store read as NaN (floats), False (booleans) or
:data:`INT_MISSING` (integers); :func:`open_results` refuses an incomplete
store unless asked otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import ResultsError, SweepSpecError
from sim.results import OUTCOMES, describe_regime, describe_regional, regime_outcome_names
from sim.sweep.designs import MC_BLOCK, REPLICATION, RUN, Design
from sim.sweep.spec import ScenarioLike, SweepSpec

#: Format marker and version of a sweep results file.
FORMAT = "ceasefire-sweep/1"
#: Value of an integer outcome in a chunk not computed yet.
INT_MISSING = np.iinfo(np.int64).min
RECORDS = "sweep_chunks"

_INTEGER_OUTCOMES = ("binding", "first_open_month")
_BOOLEAN_OUTCOMES = ("zopa_exists",)
NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf")


def default_outcomes(
    scenario: ScenarioLike, regions: bool = False, projection: bool = False
) -> dict[str, np.dtype]:
    """The outcomes ``sim.evaluate`` returns for ``scenario`` and their dtypes (with
    ``regions``: also those of ``evaluate(..., regions=True)``, issue 18; with
    ``projection`` too, the projection's)."""
    outcomes: dict[str, np.dtype] = {}
    for name in OUTCOMES:
        if name in _BOOLEAN_OUTCOMES:
            outcomes[name] = np.dtype(bool)
        elif name in _INTEGER_OUTCOMES:
            outcomes[name] = np.dtype(np.int64)
        else:
            outcomes[name] = np.dtype(np.float64)
    for actor in scenario.actors:
        outcomes[f"reservation_{actor}"] = np.dtype(np.float64)
    for name in regime_outcome_names(_regimes(scenario)):  # issue 17 item 5
        outcomes[name] = np.dtype(bool) if name.startswith("zopa_") else np.dtype(np.float64)
    if regions:
        from sim.regions import outcome_names

        for name in outcome_names(scenario, projection):
            outcomes[name] = np.dtype(bool) if name.startswith("line_") else np.dtype(np.float64)
    return outcomes


def _regimes(scenario: ScenarioLike) -> tuple[str, ...]:
    model = getattr(scenario, "model", None)
    return tuple(getattr(model, "regimes", None) or ())


def _description(name: str) -> str:
    if name in OUTCOMES:
        return OUTCOMES[name]
    if describe_regime(name) is not None:
        return describe_regime(name)
    if describe_regional(name) is not None:
        return describe_regional(name)
    if name.startswith("reservation_"):
        return (
            f"reservation utility of {name.removeprefix('reservation_')} "
            "(utility per month worth as much as fighting on)"
        )
    return name


def _fill(dtype: np.dtype) -> Any:
    if dtype == np.dtype(bool):
        return False
    if np.issubdtype(dtype, np.integer):
        return INT_MISSING
    return np.nan


@dataclass(frozen=True)
class ChunkRecord:
    """The run record of one chunk (Mesa's batch-run records, one per chunk).

    ``status`` is ``"done"`` (results written) or ``"failed"`` (``error`` says
    why; the next run of the same sweep retries it).
    """

    index: int
    status: Literal["done", "failed"]
    points: int
    seconds: float
    error: str | None = None
    #: ``{outcome: checksum}`` of the values written (:func:`checksum`); None in memory.
    checksums: dict[str, str] | None = None


def checksum(values: np.ndarray) -> str:
    """BLAKE2b of an array's dtype, shape and bytes (C order): a chunk's fingerprint.

    The run record keeps it for every outcome of a chunk, so that a reader can
    tell a chunk deleted (read back as the fill value) or corrupted on disk
    from the values the sweep wrote.
    """
    array = np.ascontiguousarray(values)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{array.dtype.str}{array.shape}".encode())
    digest.update(array.tobytes())
    return digest.hexdigest()


#: The libraries that shape a sweep's numbers or its file, recorded in its provenance.
LIBRARIES = (
    "numpy",
    "scipy",
    "nashpy",
    "pygambit",
    "pydantic",
    "xarray",
    "pandas",
    "zarr",
    "numcodecs",
    "h5netcdf",
    "netCDF4",
    "dask",
    "distributed",
    "SALib",
    "ema-workbench",
    "matplotlib",
)


def _library_versions() -> dict[str, str]:
    import importlib.metadata

    versions = {}
    for name in LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def fingerprint(scenario: ScenarioLike, spec: SweepSpec, outcomes: Mapping[str, np.dtype]) -> str:
    """SHA-256 of everything that determines a sweep's numbers."""
    import sim

    content = {
        "format": FORMAT,
        "spec": spec.to_dict(),
        "scenario_text": getattr(scenario, "text", ""),
        "scenario": scenario.name,
        "version": sim.__version__,
        "outcomes": {name: str(dtype) for name, dtype in outcomes.items()},
    }
    if spec.design == "mc":
        # Monte Carlo samples are drawn in blocks of MC_BLOCK rows (since the
        # block-wise sampler replaced one whole-sample draw): a store made by
        # the old sampler must not be resumed with the new one's points.
        content["sampler"] = f"mc blocks of {MC_BLOCK}"
    payload = json.dumps(content, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def make_template(
    scenario: ScenarioLike,
    spec: SweepSpec,
    design: Design,
    outcomes: Mapping[str, np.dtype],
    command: str | None = None,
) -> xr.Dataset:
    """The results' coordinates and provenance attributes, without data.

    The coordinates along ``run`` (the run index and the sampled
    uncertainties, as long as the sample) are left out: the stores add them
    from :func:`run_coordinates`, the Zarr store block by block.
    """
    import sim

    coords: dict[str, Any] = {}
    if REPLICATION in design.dims:
        coords[REPLICATION] = (REPLICATION, np.arange(spec.replications))
        coords["replication_seed"] = (REPLICATION, design.replication_seeds.astype(np.int64))  # type: ignore[union-attr]
    elif design.replication_seeds is not None:
        coords["replication_seed"] = int(design.replication_seeds[0])
    for path, levels in design.levels.items():
        coords[path] = (path, levels)
    for path, value in design.fixed.items():
        coords[path] = float(value)
    text = getattr(scenario, "text", "") or ""
    path = getattr(scenario, "path", None)
    attrs = {
        "title": f"ceasefire sweep of scenario {scenario.name}",
        "ceasefire_sweep": FORMAT,
        "scenario": scenario.name,
        "scenario_path": "" if path is None else str(path),
        "scenario_text": text,
        "scenario_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "sim_version": sim.__version__,
        "library_versions": json.dumps(_library_versions(), sort_keys=True),
        "design": spec.design,
        "seed": spec.seed,
        "samples": -1 if spec.samples is None or spec.design == "grid" else int(spec.samples),
        "replications": spec.replications,
        "month": spec.month,
        "paths": spec.paths,
        "uncertainties": json.dumps([p.path for p in spec.uncertainties]),
        "levers": json.dumps([p.path for p in spec.levers]),
        "problem": json.dumps(spec.problem()) if spec.sampled else "",
        "sweep_spec": spec.to_json(),
        "command": command or "",
        "chunk_shape": json.dumps(list(design.chunk)),
        "n_chunks": design.n_chunks,
        "outcomes": json.dumps(list(outcomes)),
        "fingerprint": fingerprint(scenario, spec, outcomes),
    }
    return xr.Dataset(coords=coords, attrs=attrs)


#: Root attribute of a Zarr store: ``{coordinate: [checksum of each block of RUN_BLOCK rows]}``.
COORDINATE_SUMS = "coordinate_checksums"

#: Rows of the run coordinates per Zarr chunk (and per block written): 2 MiB of float64.
RUN_BLOCK = 1 << 18


def run_coordinates(design: Design, rows: slice = slice(None)) -> dict[str, np.ndarray]:
    """The coordinates along ``run`` of ``rows``: ``run`` (the index) and each sampled uncertainty.

    Empty for designs without a ``run`` dimension.
    """
    if RUN not in design.dims:
        return {}
    start, stop, _ = rows.indices(design.runs)
    sample = design.sample(slice(start, stop))
    coords = {RUN: np.arange(start, stop, dtype=np.int64)}
    for j, name in enumerate(design.sample_names):
        coords[name] = np.ascontiguousarray(sample[:, j])
    return coords


class MemoryStore:
    """Results held in memory (no output file): for library use and small sweeps."""

    def __init__(self, template: xr.Dataset, design: Design, outcomes: Mapping[str, np.dtype]):
        self.template = template
        self.design = design
        self.arrays = {
            name: np.full(design.shape, _fill(dtype), dtype=dtype)
            for name, dtype in outcomes.items()
        }
        self._records: dict[int, ChunkRecord] = {}

    def records(self) -> dict[int, ChunkRecord]:
        return dict(self._records)

    def done(self) -> set[int]:
        return {i for i, r in self._records.items() if r.status == "done"}

    def write(self, record: ChunkRecord, values: Mapping[str, np.ndarray] | None) -> None:
        if values is not None:
            region = self.design.region(record.index)
            shape = tuple(s.stop - s.start for s in region)
            for name, array in self.arrays.items():
                array[region] = np.asarray(values[name]).reshape(shape)
        self._records[record.index] = record

    def dataset(self) -> xr.Dataset:
        data_vars = {
            name: (self.design.dims, array, {"description": _description(name)})
            for name, array in self.arrays.items()
        }
        coords = {name: (RUN, values) for name, values in run_coordinates(self.design).items()}
        return self.template.assign_coords(coords).assign(data_vars)

    def finish(self) -> None:
        """Nothing to flush."""

    def discard(self) -> None:
        """Nothing to remove."""


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _zarr():
    try:
        import zarr
    except ImportError:
        raise SweepSpecError(
            "writing results to Zarr needs the zarr package: pip install 'ceasefire[sweep]'"
        ) from None
    return zarr


def _read_attrs(path: Path) -> dict[str, Any] | None:
    """The root attributes of a Zarr store at ``path`` (v3 or v2), or None."""
    for meta, key in (("zarr.json", "attributes"), (".zattrs", None)):
        with contextlib.suppress(OSError, ValueError):
            document = json.loads((path / meta).read_text())
            return document.get(key, {}) if key else document
    return None


def _describe(parameter: dict[str, Any] | None) -> str:
    """A parameter of a stored spec in a few words (levels are summarised)."""
    if parameter is None:
        return "not swept"
    if parameter.get("bounds") is not None:
        lower, upper = parameter["bounds"]
        return f"uniform({lower:.6g},{upper:.6g})"
    levels = parameter.get("levels") or []
    if len(levels) <= 4:
        return ",".join(f"{v:.6g}" for v in levels)
    return f"{len(levels)} levels from {levels[0]:.6g} to {levels[-1]:.6g}"


def _word(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _refusal(path: Path, stored: dict[str, Any], wanted: dict[str, Any]) -> ResultsError:
    """The error for a results file that holds another sweep than the one asked for."""
    difference = _spec_difference(stored, wanted)
    advice = "choose another `out`, delete it or pass `overwrite=True`"
    with contextlib.suppress(KeyError, TypeError, ValueError):
        old, new = json.loads(stored["sweep_spec"]), json.loads(wanted["sweep_spec"])
        if {k for k in set(old) | set(new) if old.get(k) != new.get(k)} == {"chunk_size"}:
            # The chunks are the file's layout, so resuming needs the same size.
            advice = f"to resume it pass `chunk_size` {old['chunk_size']}, or {advice}"
    return ResultsError(f"{path}: holds a different sweep ({difference}); {advice}")


def _spec_difference(stored: dict[str, Any], wanted: dict[str, Any]) -> str:
    """Say in a few words how the sweep in a file differs from the one asked for."""
    if stored.get("sim_version") != wanted.get("sim_version"):
        return f"made by ceasefire {stored.get('sim_version')}, this is {wanted.get('sim_version')}"
    if stored.get("scenario_sha256") != wanted.get("scenario_sha256"):
        return f"scenario {stored.get('scenario')!r} had a different text when the file was made"
    try:
        old, new = json.loads(stored["sweep_spec"]), json.loads(wanted["sweep_spec"])
    except (KeyError, TypeError, ValueError):
        return "another sweep"
    differences = []
    if old.get("design") != new.get("design"):
        differences.append(
            f"`design` {_word(old.get('design'))} in the file, "
            f"{_word(new.get('design'))} in this command"
        )
    for role, label in (("uncertainties", "`uncertainty`"), ("levers", "`lever`")):
        before = {p["path"]: p for p in old.get(role) or []}
        after = {p["path"]: p for p in new.get(role) or []}
        for path in [*before, *(q for q in after if q not in before)]:
            if before.get(path) != after.get(path):
                differences.append(
                    f"{label} {path}: {_describe(before.get(path))} in the file, "
                    f"{_describe(after.get(path))} in this command"
                )
        if not differences and list(before) != list(after):
            differences.append(f"the {role} in another order")
    for key in sorted(set(old) | set(new)):
        if key not in ("design", "uncertainties", "levers") and old.get(key) != new.get(key):
            differences.append(
                f"`{key}` {_word(old.get(key))} in the file, {_word(new.get(key))} in this command"
            )
    if not differences:
        return "other outcomes, or made by another version of the sweep code"
    if len(differences) > 3:
        differences = [*differences[:3], f"and {len(differences) - 3} more differences"]
    return "; ".join(differences)


class ZarrStore:
    """Results streamed chunk by chunk to a Zarr store (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        template: xr.Dataset,
        design: Design,
        outcomes: Mapping[str, np.dtype],
        *,
        overwrite: bool = False,
    ):
        zarr = _zarr()
        self.path = Path(path)
        self.design = design
        self.outcomes = dict(outcomes)
        if self.path.exists():
            attrs = _read_attrs(self.path)
            if attrs is None or attrs.get("ceasefire_sweep") is None:
                raise ResultsError(
                    f"{self.path}: exists and is not a ceasefire sweep; choose another `out`"
                )
            if attrs.get("fingerprint") != template.attrs["fingerprint"]:
                if not overwrite:
                    raise _refusal(self.path, attrs, template.attrs)
                shutil.rmtree(self.path)
        if not self.path.exists():
            _remove_stale_staging(self.path)
            self._create(template, design)
        self.group = zarr.open_group(str(self.path), mode="r+")
        self.arrays = {name: self.group[name] for name in self.outcomes}
        (self.path / RECORDS).mkdir(exist_ok=True)
        #: ``{variable: [chunk, ...]}`` found damaged on opening and to be recomputed.
        self.repaired = self._forget_damaged()

    def _forget_damaged(self) -> dict[str, list[int]]:
        """Drop the run record of every damaged chunk (so that it is computed again) and
        rewrite damaged ``run`` coordinates (they are a function of the design)."""
        damaged = damaged_chunks(self.path)
        coordinates = set(json.loads(self.group.attrs.get(COORDINATE_SUMS, "{}")))
        for name, indices in damaged.items():
            if name in coordinates:
                continue
            for index in indices:
                with contextlib.suppress(FileNotFoundError):
                    (self.path / RECORDS / f"{index:08d}.json").unlink()
        if coordinates & set(damaged):
            for start in range(0, self.design.runs, RUN_BLOCK):
                rows = slice(start, min(start + RUN_BLOCK, self.design.runs))
                for name, values in run_coordinates(self.design, rows).items():
                    self.group[name][rows] = values
        return damaged

    def _create(self, template: xr.Dataset, design: Design) -> None:
        """Create the store in a temporary folder, then rename it into place."""
        zarr = _zarr()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=self.path.name + ".", dir=self.path.parent))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                template.to_zarr(str(staging), mode="w", consolidated=False, zarr_format=3)
                group = zarr.open_group(str(staging), mode="r+")
                for name, dtype in self.outcomes.items():
                    group.create_array(
                        name,
                        shape=design.shape,
                        chunks=design.chunk,
                        dtype=dtype,
                        fill_value=_fill(dtype),
                        dimension_names=list(design.dims),
                        attributes={"description": _description(name)},
                    )
                _write_run_coordinates(group, design)
                zarr.consolidate_metadata(str(staging))
            (staging / RECORDS).mkdir()
            os.chmod(staging, 0o777 & ~_umask())  # mkdtemp made it private
            os.replace(staging, self.path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def records(self) -> dict[int, ChunkRecord]:
        return _records(self.path)

    def done(self) -> set[int]:
        return {i for i, r in self.records().items() if r.status == "done"}

    def write(self, record: ChunkRecord, values: Mapping[str, np.ndarray] | None) -> None:
        if values is not None:
            region = self.design.region(record.index)
            shape = tuple(s.stop - s.start for s in region)
            sums = {}
            for name, array in self.arrays.items():
                chunk = np.asarray(values[name], dtype=self.outcomes[name]).reshape(shape)
                array[region] = chunk
                sums[name] = checksum(chunk)
            record = replace(record, checksums=sums)
        target = self.path / RECORDS / f"{record.index:08d}.json"
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w") as file:
            json.dump(asdict(record), file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp made it private
        os.replace(temporary, target)

    def dataset(self) -> xr.Dataset:
        return _open(self.path)

    def finish(self) -> None:
        """Nothing to flush: every chunk is on disk when it is recorded."""

    def discard(self) -> None:
        """Remove the store (a run that computed nothing into a store it created)."""
        shutil.rmtree(self.path, ignore_errors=True)


def _remove_stale_staging(path: Path) -> None:
    """Remove the temporary folders (``<name>.XXXXXXXX``) that a run killed while it
    created the store at ``path`` left behind: only this store's, and only folders
    that hold no finished store (no ``sweep_chunks/``)."""
    with contextlib.suppress(OSError):
        for candidate in path.parent.glob(path.name + ".*"):
            suffix = candidate.name[len(path.name) + 1 :]
            is_staging = len(suffix) == 8 and "." not in suffix
            if is_staging and candidate.is_dir() and not (candidate / RECORDS).exists():
                shutil.rmtree(candidate, ignore_errors=True)


def _records(path: Path) -> dict[int, ChunkRecord]:
    """The run records in a Zarr store's ``sweep_chunks/`` (unreadable ones are ignored)."""
    records: dict[int, ChunkRecord] = {}
    for file in (path / RECORDS).glob("*.json"):
        with contextlib.suppress(OSError, ValueError, TypeError):
            record = ChunkRecord(**json.loads(file.read_text()))
            records[record.index] = record
    return records


def _write_run_coordinates(group: Any, design: Design) -> None:
    """Write the ``run`` coordinates into a new Zarr group, :data:`RUN_BLOCK` rows at a time.

    Memory stays at one block of the sample whatever the number of runs (a
    Monte Carlo sample is drawn block by block; the other designs' samples
    are already in memory).  xarray reads the sampled uncertainties as
    coordinates through the group's CF ``coordinates`` attribute, as it
    writes non-index coordinates of a Dataset without data variables.
    """
    if RUN not in design.dims:
        return
    runs = design.runs
    columns = [RUN, *design.sample_names]
    arrays = {
        name: group.create_array(
            name,
            shape=(runs,),
            chunks=(min(RUN_BLOCK, max(runs, 1)),),
            dtype=np.int64 if name == RUN else np.float64,
            fill_value=0 if name == RUN else np.nan,
            dimension_names=[RUN],
        )
        for name in columns
    }
    sums: dict[str, list[str]] = {name: [] for name in columns}
    for start in range(0, runs, RUN_BLOCK):
        rows = slice(start, min(start + RUN_BLOCK, runs))
        for name, values in run_coordinates(design, rows).items():
            arrays[name][rows] = values
            sums[name].append(checksum(np.asarray(values, dtype=arrays[name].dtype)))
    group.attrs[COORDINATE_SUMS] = json.dumps(sums)
    listed = str(group.attrs.get("coordinates", "")).split()
    group.attrs["coordinates"] = " ".join([*listed, *design.sample_names])


def write_netcdf(dataset: xr.Dataset, path: str | os.PathLike) -> None:
    """Write ``dataset`` to NetCDF-4 compressed (zlib level 4, with the shuffle filter)
    and with a Fletcher-32 checksum per block, which readers verify; ordinary file
    permissions (0666 less the umask).  Needs h5netcdf (the ``sweep`` extra)."""
    try:
        import h5netcdf  # noqa: F401
        import h5py  # noqa: F401
    except ImportError:
        raise ResultsError(
            "writing NetCDF needs the h5netcdf package: pip install 'ceasefire[sweep]'"
        ) from None
    encoding = {
        name: {"zlib": True, "complevel": 4, "shuffle": True, "fletcher32": True}
        for name, variable in dataset.variables.items()
        if variable.ndim > 0 and variable.dtype.kind in "biuf"
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset.to_netcdf(path, engine="h5netcdf", encoding=encoding)
    os.chmod(path, 0o666 & ~_umask())


class NetcdfStore:
    """Results computed in ``<out>.partial.zarr`` and written to NetCDF at the end.

    Without the zarr package the partial results are held in memory instead
    (the sweep then cannot resume after a kill).
    """

    def __init__(self, path: Path, template, design, outcomes, *, overwrite: bool = False):
        self.final = Path(path)
        self.design = design
        self.complete = self._matches_existing(template, overwrite)
        self.inner: MemoryStore | ZarrStore | None = None
        if self.complete:
            return
        try:
            _zarr()
        except SweepSpecError:
            self.inner = MemoryStore(template, design, outcomes)
        else:
            partial = self.final.with_name(self.final.name + ".partial.zarr")
            self.inner = ZarrStore(partial, template, design, outcomes, overwrite=overwrite)

    def _matches_existing(self, template: xr.Dataset, overwrite: bool) -> bool:
        """True when ``final`` holds this very sweep; refuse when it holds another."""
        if not self.final.exists():
            return False
        try:
            with xr.open_dataset(self.final) as existing:
                attrs = dict(existing.attrs)
        except Exception as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ResultsError(
                f"{self.final}: exists and is not readable as NetCDF ({reason}); "
                "choose another `out`"
            ) from None
        if attrs.get("ceasefire_sweep") is None:
            raise ResultsError(
                f"{self.final}: exists and is not a ceasefire sweep; choose another `out`"
            )
        if attrs.get("fingerprint") == template.attrs["fingerprint"]:
            return True
        if not overwrite:
            raise _refusal(self.final, attrs, template.attrs)
        return False

    def records(self) -> dict[int, ChunkRecord]:
        if self.inner is None:
            return {i: ChunkRecord(i, "done", 0, 0.0) for i in range(self.design.n_chunks)}
        return self.inner.records()

    def done(self) -> set[int]:
        return set(self.records()) if self.inner is None else self.inner.done()

    def write(self, record: ChunkRecord, values: Mapping[str, np.ndarray] | None) -> None:
        self.inner.write(record, values)  # type: ignore[union-attr]

    def finish(self) -> None:
        """Write the finished results to NetCDF (atomically) and drop the partial store."""
        if self.inner is None or len(self.inner.done()) < self.design.n_chunks:
            return
        # Lazy (from the partial Zarr store): xarray writes one variable at a
        # time, so memory is one outcome's array, not the whole results.
        dataset = self.inner.dataset()
        handle, temporary = tempfile.mkstemp(
            dir=self.final.parent, prefix=self.final.name + ".", suffix=".tmp"
        )
        os.close(handle)
        try:
            write_netcdf(dataset, temporary)
            os.replace(temporary, self.final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise
        if isinstance(self.inner, ZarrStore):
            shutil.rmtree(self.inner.path, ignore_errors=True)
        self.inner = None
        self.complete = True

    def discard(self) -> None:
        """Remove the partial results (a run that computed nothing into them)."""
        if self.inner is not None:
            self.inner.discard()

    def dataset(self) -> xr.Dataset:
        if self.inner is None:
            return _open(self.final)
        return self.inner.dataset()


def _open(path: Path) -> xr.Dataset:
    """Open a results store (Zarr folder) or file (NetCDF) lazily.

    xarray loads every dimension coordinate into memory to index it; for
    ``run`` that is 8 bytes a run, as much as a column of the sample.  The
    ``run`` coordinate is ``0 .. runs - 1`` by construction, so it is indexed
    by a :class:`pandas.RangeIndex` instead (same values and dtype, no
    memory); the other dimensions (levels, replications) are small.
    """
    opener = xr.open_zarr if path.is_dir() else xr.open_dataset
    options: dict[str, Any] = {"chunks": None}
    if path.is_dir():
        options["consolidated"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dataset = opener(str(path), create_default_indexes=False, **options)
        except TypeError:  # xarray < 2025.7 always indexes (and loads) every dimension
            return opener(str(path), **options)
    for dim in dataset.dims:
        if dim == RUN and RUN in dataset.variables:
            runs = pd.RangeIndex(dataset.sizes[RUN], name=RUN)
            dataset = dataset.drop_vars(RUN).assign_coords({RUN: runs})
        elif dim in dataset.variables:
            dataset = dataset.set_xindex(str(dim))
    return dataset


def open_store(
    out: str | os.PathLike | None,
    template: xr.Dataset,
    design: Design,
    outcomes: Mapping[str, np.dtype],
    *,
    overwrite: bool = False,
) -> MemoryStore | ZarrStore | NetcdfStore:
    """The store for ``out``: in memory (None), Zarr (``.zarr``) or NetCDF (``.nc``)."""
    if out is None:
        return MemoryStore(template, design, outcomes)
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".zarr":
        return ZarrStore(path, template, design, outcomes, overwrite=overwrite)
    if suffix in NETCDF_SUFFIXES:
        return NetcdfStore(path, template, design, outcomes, overwrite=overwrite)
    raise SweepSpecError(f"`out` {str(out)!r}: expected a .zarr or .nc file name")


def completion(path: str | os.PathLike) -> tuple[int, int] | None:
    """``(chunks done, chunks)`` of the sweep store at ``path``, or None if there is none.

    For a NetCDF output this is its ``.partial.zarr`` store, which exists
    while the sweep is unfinished.
    """
    path = Path(path)
    if path.suffix.lower() in NETCDF_SUFFIXES:
        path = path.with_name(path.name + ".partial.zarr")
    attrs = _read_attrs(path) if path.is_dir() else None
    if not attrs or attrs.get("ceasefire_sweep") is None:
        return None
    return _chunks_done(path), int(attrs.get("n_chunks", 0))


def _chunks_done(path: Path) -> int:
    done = 0
    for file in (path / RECORDS).glob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            done += json.loads(file.read_text()).get("status") == "done"
    return done


def _chunk_region(index: int, shape: tuple[int, ...], chunk: tuple[int, ...]) -> tuple[slice, ...]:
    grid = tuple(-(-size // block) for size, block in zip(shape, chunk, strict=True))
    position = np.unravel_index(index, grid) if grid else ()
    return tuple(
        slice(int(p) * block, min((int(p) + 1) * block, size))
        for p, block, size in zip(position, chunk, shape, strict=True)
    )


def _matches(array: Any, region: tuple[slice, ...], expected: str) -> bool:
    """Whether ``array[region]`` reads back (no codec error) with checksum ``expected``."""
    try:
        values = np.asarray(array[region] if region else array[...])
    except Exception:  # a corrupted chunk: the codec's own error (Zstd, CRC, ...)
        return False
    return checksum(values) == expected


def damaged_chunks(path: str | os.PathLike) -> dict[str, list[int]]:
    """The parts of the Zarr sweep store at ``path`` whose checksum does not match.

    Returns ``{outcome or coordinate: [chunk or block index, ...]}``, empty when every
    recorded chunk and every block of the ``run`` coordinates reads back as written
    (a chunk deleted reads as the fill value, a corrupted one fails to decode: both
    differ).  Chunks recorded without checksums (stores made before they were kept)
    are not checked.
    """
    zarr = _zarr()
    path = Path(path)
    group = zarr.open_group(str(path), mode="r")
    attrs = dict(group.attrs)
    chunk = tuple(json.loads(attrs.get("chunk_shape", "[]")))
    damaged: dict[str, list[int]] = {}
    for index, record in sorted(_records(path).items()):
        if record.status != "done" or not record.checksums:
            continue
        for name, expected in record.checksums.items():
            try:
                array = group[name]
            except KeyError:
                damaged.setdefault(name, []).append(index)
                continue
            if not _matches(array, _chunk_region(index, array.shape, chunk), expected):
                damaged.setdefault(name, []).append(index)
    for name, sums in json.loads(attrs.get(COORDINATE_SUMS, "{}")).items():
        for block, expected in enumerate(sums):
            try:
                array = group[name]
            except KeyError:
                damaged.setdefault(name, []).append(block)
                continue
            rows = (slice(block * RUN_BLOCK, min((block + 1) * RUN_BLOCK, array.shape[0])),)
            if not _matches(array, rows, expected):
                damaged.setdefault(name, []).append(block)
    return damaged


def _damage_words(damaged: Mapping[str, list[int]]) -> str:
    """``chunk 3 of zopa_exists, chunks 0 and 1 of run`` (at most three names)."""
    parts = []
    for name, indices in list(damaged.items())[:3]:
        listed = ", ".join(str(i) for i in indices[:5]) + (", ..." if len(indices) > 5 else "")
        parts.append(f"chunk{'s' if len(indices) > 1 else ''} {listed} of {name}")
    if len(damaged) > 3:
        parts.append(f"and {len(damaged) - 3} more variables")
    return ", ".join(parts)


def open_results(path: str | os.PathLike, *, allow_incomplete: bool = False) -> xr.Dataset:
    """Open a sweep's results (Zarr or NetCDF) lazily.

    Raises
    ------
    ResultsError
        If ``path`` does not exist, is not readable, is not a ceasefire sweep,
        or (unless ``allow_incomplete``) is a sweep whose chunks are not all
        done.  The message names the file.
    """
    path = Path(path)
    if not path.exists():
        partial = path.with_name(path.name + ".partial.zarr")
        if path.suffix.lower() in NETCDF_SUFFIXES and partial.exists():
            path = partial
        else:
            raise ResultsError(f"{path}: no such results file")
    try:
        dataset = _open(path)
    except Exception as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ResultsError(f"{path}: not a readable Zarr store or NetCDF file ({reason})") from None
    if dataset.attrs.get("ceasefire_sweep") is None:
        raise ResultsError(f"{path}: not a ceasefire sweep (no 'ceasefire_sweep' attribute)")
    if path.is_dir():
        total = int(dataset.attrs.get("n_chunks", 0))
        done = _chunks_done(path)
        dataset.attrs["chunks_done"] = done
        command = dataset.attrs.get("command") or "the sweep command"
        if done < total and not allow_incomplete:
            raise ResultsError(
                f"{path}: incomplete sweep ({done} of {total} chunks done); "
                f"run `{command}` again to finish it"
            )
        damaged = damaged_chunks(path)
        if damaged:
            raise ResultsError(
                f"{path}: damaged sweep store ({_damage_words(damaged)} missing or corrupt); "
                f"run `{command}` again to recompute them"
            )
    else:
        _check_netcdf(path, dataset)
    return dataset


def _check_netcdf(path: Path, dataset: xr.Dataset) -> None:
    """Read every variable of a NetCDF results file once: a corrupted block fails to
    decode (its Fletcher-32 checksum, or the compressor) and the file is refused."""
    for name in [*dataset.data_vars, *dataset.coords]:
        try:
            dataset[name].values  # noqa: B018 -- read to check, one variable at a time
        except Exception as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            command = dataset.attrs.get("command") or "the sweep command"
            raise ResultsError(
                f"{path}: damaged results file ({name} does not read back: {reason}); "
                f"run `{command}` again to recompute it"
            ) from None


def parameter_names(dataset: xr.Dataset) -> list[str]:
    """The sweep's varying parameters (gridded dims and sampled coordinates), in order."""
    names = []
    for role in ("uncertainties", "levers"):
        for path in json.loads(dataset.attrs.get(role, "[]")):
            if path in dataset.coords and dataset[path].ndim == 1:
                names.append(path)
    return names


def to_ema(dataset: xr.Dataset) -> tuple[Any, dict[str, np.ndarray]]:
    """The results in EMA Workbench's shape: ``(experiments, outcomes)``.

    ``experiments`` has one row per experiment (a point of the design, the
    replications excluded) and one column per parameter (varying and fixed),
    plus ``scenario`` (the index of the uncertainties' point), ``policy`` (the
    index of the levers' combination) and ``model`` (the scenario's name), as
    ``ema_workbench.perform_experiments`` returns it: a
    :class:`pandas.DataFrame` when pandas is installed, else a numpy
    structured array.  ``outcomes`` maps each outcome to an array with one
    entry per experiment, or shape ``(experiments, replications)`` for
    stochastic sweeps, as EMA Workbench stores replications.
    """
    dims = [d for d in dataset.dims if d != REPLICATION]
    shape = tuple(dataset.sizes[d] for d in dims)
    n = int(np.prod(shape)) if shape else 1
    levers = set(json.loads(dataset.attrs.get("levers", "[]")))
    columns: dict[str, np.ndarray] = {}
    index = np.indices(shape).reshape(len(shape), n) if shape else np.zeros((0, 1), int)
    for name in parameter_names(dataset):
        values = np.asarray(dataset[name].values, dtype=float)
        columns[name] = values[index[dims.index(dataset[name].dims[0])]]
    for name, coordinate in dataset.coords.items():
        if coordinate.ndim == 0 and name != "replication_seed":
            columns[str(name)] = np.full(n, float(coordinate.values))
    scenario_dims = [i for i, d in enumerate(dims) if d not in levers]
    policy_dims = [i for i, d in enumerate(dims) if d in levers]

    def flat(axes: list[int]) -> np.ndarray:
        if not axes:
            return np.zeros(n, dtype=np.int64)
        return np.ravel_multi_index(tuple(index[a] for a in axes), tuple(shape[a] for a in axes))

    columns["scenario"] = flat(scenario_dims)
    columns["policy"] = flat(policy_dims)
    model = str(dataset.attrs.get("scenario", ""))
    outcomes = {}
    order = [*dims, REPLICATION] if REPLICATION in dataset.dims else dims
    for name in json.loads(dataset.attrs.get("outcomes", "[]")):
        values = dataset[name].transpose(*order).values
        outcomes[name] = values.reshape(n, -1) if REPLICATION in dataset.dims else values.ravel()
    try:
        import pandas as pd
    except ImportError:
        dtype = [(name, values.dtype) for name, values in columns.items()]
        table = np.empty(n, dtype=[*dtype, ("model", f"U{max(1, len(model))}")])
        for name, values in columns.items():
            table[name] = values
        table["model"] = model
        return table, outcomes
    experiments = pd.DataFrame(columns)
    experiments["model"] = model
    return experiments, outcomes
