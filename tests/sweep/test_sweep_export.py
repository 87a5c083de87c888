"""``ceasefire export``: a tidy table (one row per run), the provenance as metadata."""

from __future__ import annotations

import builtins
import json
import os

import pandas as pd
import pytest
import xarray as xr

from sim.cli import main

LIBRARIES = ("numpy", "scipy", "nashpy", "SALib", "ema-workbench", "matplotlib", "xarray")


def cli(capsys, *words):
    with pytest.raises(SystemExit) as stop:
        main([str(w) for w in words])
    out, err = capsys.readouterr()
    return stop.value.code, out, err


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "lhs.zarr"
    words = ["sweep", "--design", "lhs", "-n", "300", "-p", "dimensions.guarantees.setting"]
    with pytest.raises(SystemExit) as stop:
        main([*words, "-p", "actors.russia.discount_rate", "--no-progress", "-o", str(out)])
    assert stop.value.code == 0
    return out


def _mode(path):
    umask = os.umask(0)
    os.umask(umask)
    return path.stat().st_mode & 0o777, 0o666 & ~umask


def test_csv_has_one_row_per_run_and_the_provenance_in_comments(store, tmp_path, capsys):
    out = tmp_path / "t.csv"
    code, said, err = cli(capsys, "export", store, out)
    assert code == 0, err
    assert said == f"{store} -> {out}: 300 rows (csv)\n"
    table = pd.read_csv(out, comment="#")
    assert len(table) == 300
    assert {"run", "dimensions.guarantees.setting", "zopa_exists", "nash_km2"} <= set(table)
    header = [line for line in out.read_text().splitlines() if line.startswith("# ")]
    versions = json.loads(json.loads(next(h for h in header if "library_versions" in h)[20:]))
    assert set(LIBRARIES) <= set(versions)
    mode, expected = _mode(out)
    assert mode == expected


def test_netcdf_is_compressed_with_ordinary_permissions(store, tmp_path, capsys):
    out = tmp_path / "t.nc"
    code, _, err = cli(capsys, "export", store, out, "--to", "netcdf")
    assert code == 0, err
    with xr.open_dataset(out, engine="h5netcdf") as table:
        assert table.sizes["row"] == 300
        assert table["nash_km2"].encoding.get("zlib") or table["nash_km2"].encoding.get(
            "compression"
        )
        assert "ema-workbench" in json.loads(table.attrs["library_versions"])
    mode, expected = _mode(out)
    assert mode == expected


def test_parquet_keeps_the_provenance_in_its_schema(store, tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "t.parquet"
    code, _, err = cli(capsys, "export", store, out, "--to", "parquet")
    assert code == 0, err
    table = pq.read_table(out)
    assert table.num_rows == 300
    assert table.schema.metadata[b"scenario"] == b"baseline"


def test_parquet_without_pyarrow_names_the_extra_in_one_line(store, tmp_path, capsys, monkeypatch):
    real = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    code, _, err = cli(capsys, "export", store, tmp_path / "t.parquet", "--to", "parquet")
    assert code == 2
    assert err == "error: writing Parquet needs pyarrow: pip install 'ceasefire[export]'\n"
    assert list(tmp_path.iterdir()) == []
