"""A sweep's results as a tidy table: one row per run, parameters and outcomes as columns.

The rows are the points of the design (each replication its own row); the
columns are the design's dimensions (gridded parameters, ``run``,
``replication``), the sampled and fixed parameters, then the outcomes.  The
store's attributes (scenario, its text, the command, the spec, the library
versions) travel as the table's metadata.  Every file is written to a
temporary name and renamed into place, so that a failure leaves nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import ResultsError
from sim.sweep.sizing import available_memory, check_size

FORMATS = ("parquet", "csv", "netcdf")


def tidy(dataset: xr.Dataset) -> pd.DataFrame:
    """The results as a :class:`pandas.DataFrame`: one row per point of the design."""
    outcomes = [str(name) for name in dataset.data_vars]
    frame = dataset[outcomes].to_dataframe().reset_index()
    for name, coordinate in dataset.coords.items():
        if coordinate.ndim == 0 and name not in frame:
            frame[str(name)] = coordinate.values.item()
    leading = [c for c in frame.columns if c not in outcomes]
    return frame[[*leading, *outcomes]]


def provenance(dataset: xr.Dataset) -> dict[str, str]:
    """The store's attributes as strings (JSON for anything not a string)."""
    return {
        str(key): value if isinstance(value, str) else json.dumps(value, default=str)
        for key, value in dataset.attrs.items()
    }


def export_table(
    dataset: xr.Dataset, out: str | os.PathLike, to: str, *, confirmed: bool = False
) -> int:
    """Write ``dataset`` (:func:`sim.sweep.store.open_results`) as a tidy table to ``out``.

    Returns the number of rows.  Refuses (:class:`ResultsError`) a table
    larger than the machine's memory unless ``confirmed``, and Parquet
    without pyarrow.
    """
    if to not in FORMATS:
        raise ResultsError(f"`to` {to!r}: choose among {', '.join(FORMATS)}")
    if to == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ResultsError(
                "writing Parquet needs pyarrow: pip install 'ceasefire[export]'"
            ) from None
    rows = int(np.prod([dataset.sizes[d] for d in dataset.dims])) if dataset.dims else 1
    columns = len(dataset.data_vars) + len(dataset.coords)
    check_size(
        memory=3 * rows * columns * 8,
        what=f"the table of {rows:,} rows x {columns} columns",
        limit=available_memory(),
        confirmed=confirmed,
    )
    frame = tidy(dataset)
    attrs = provenance(dataset)
    out = Path(out)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        _write(frame, attrs, temporary, to)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    return len(frame)


def _write(frame: pd.DataFrame, attrs: dict[str, str], path: str, to: str) -> None:
    if to == "csv":
        with open(path, "w", newline="") as file:
            for key, value in attrs.items():
                file.write(f"# {key}: {json.dumps(value)}\n")
            frame.to_csv(file, index=False)
    elif to == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = {**(table.schema.metadata or {}), **{k: v.encode() for k, v in attrs.items()}}
        pq.write_table(table.replace_schema_metadata(metadata), path, compression="zstd")
    else:
        from sim.sweep.store import write_netcdf

        table = xr.Dataset.from_dataframe(frame.rename_axis("row"))
        table.attrs.update(attrs)
        write_netcdf(table, path)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
