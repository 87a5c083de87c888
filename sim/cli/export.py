"""Command ``export``: a sweep's results as a tidy table (Parquet, CSV or NetCDF)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import app
from sim.cli._common import check_output_file, user_errors
from sim.errors import ResultsError


class Format(StrEnum):
    """The formats of ``ceasefire export``."""

    parquet = "parquet"
    csv = "csv"
    netcdf = "netcdf"


@app.command("export")
@user_errors
def export(
    results: Annotated[Path, typer.Argument(help="A sweep's results (*.zarr or *.nc).")],
    out: Annotated[Path, typer.Argument(help="The table to write.")],
    to: Annotated[Format, typer.Option("--to", help="parquet | csv | netcdf.")] = Format.csv,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUT if it exists.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Export even when the table may not fit in memory.")
    ] = False,
) -> None:
    """A tidy table of a sweep: one row per run (and replication), the parameters and the
    outcomes as columns, the provenance (scenario, command, versions) as metadata.

    The store is verified first (every chunk done, every checksum right).  CSV keeps
    the provenance in ``#`` comment lines at the top (``pandas.read_csv(comment="#")``),
    Parquet in the schema's metadata (needs pyarrow), NetCDF in the attributes
    (compressed, with checksums).
    """
    from sim.sweep.export import export_table
    from sim.sweep.store import open_results

    if out.exists() and not out.is_dir() and not overwrite:
        raise ResultsError(f"{out}: exists; pass --overwrite to replace it")
    check_output_file(out, option="OUT")
    dataset = open_results(results)
    rows = export_table(dataset, out, to.value, confirmed=yes)
    typer.echo(f"{results} -> {out}: {rows:,} rows ({to.value})")
