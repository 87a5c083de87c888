"""A damaged results store is refused by every reader, in one line; re-running the sweep
repairs it (issue 20: a deleted chunk of `zopa_exists` once gave a wrong answer, exit 0)."""

from __future__ import annotations

import shutil

import pytest

from sim.cli import main

LHS = [
    "sweep",
    "--design",
    "lhs",
    "-n",
    "2000",
    "-p",
    "dimensions.guarantees.setting",
    "-p",
    "dimensions.frozen_assets.setting",
    "--chunk-size",
    "500",
    "--no-progress",
]
SOBOL = [
    "sensitivity",
    "-p",
    "actors.russia.discount_rate",
    "-p",
    "actors.ukraine.discount_rate",
    "-N",
    "64",
    "--chunk-size",
    "100",
    "--no-progress",
]


def cli(capsys, *words):
    """Run ``ceasefire WORDS`` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as stop:
        main([str(w) for w in words])
    out, err = capsys.readouterr()
    return stop.value.code, out, err


@pytest.fixture(scope="module")
def intact(tmp_path_factory):
    """An LHS sweep of the baseline (4 chunks) and a Sobol one (made by `sensitivity`)."""
    folder = tmp_path_factory.mktemp("intact")
    with pytest.raises(SystemExit) as stop:
        main([*LHS, "--out", str(folder / "lhs.zarr")])
    assert stop.value.code == 0
    with pytest.raises(SystemExit) as stop:
        main([*SOBOL, "--out", str(folder / "sobol.zarr")])
    assert stop.value.code == 0
    return folder


def _delete(store):
    (store / "zopa_exists" / "c" / "2").unlink()


def _corrupt(store):
    chunk = store / "zopa_width_km2" / "c" / "1"
    data = bytearray(chunk.read_bytes())
    data[8:24] = b"\xff" * 16
    chunk.write_bytes(bytes(data))


def _delete_coordinate(store):
    (store / "dimensions.guarantees.setting" / "c" / "0").unlink()


DAMAGES = {"deleted": _delete, "corrupted": _corrupt, "coordinate": _delete_coordinate}
READERS = {
    "discover": lambda store, tmp: ["discover", store],
    "plot discovery": lambda store, tmp: ["plot", "discovery", store, "-o", tmp / "d.png"],
    "plot box": lambda store, tmp: ["plot", "box", store, "-o", tmp / "b.png"],
    "export": lambda store, tmp: ["export", store, tmp / "t.csv"],
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_refuses_a_damaged_store_in_one_line(intact, tmp_path, capsys, damage, reader):
    store = tmp_path / "lhs.zarr"
    shutil.copytree(intact / "lhs.zarr", store)
    DAMAGES[damage](store)
    code, out, err = cli(capsys, *READERS[reader](store, tmp_path))
    assert code == 2, out + err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {store}: damaged sweep store (")
    assert "run `ceasefire sweep baseline" in err and "again to recompute them" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lhs.zarr"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_rerunning_the_sweep_recomputes_the_damaged_chunks(intact, tmp_path, capsys, damage):
    store = tmp_path / "lhs.zarr"
    shutil.copytree(intact / "lhs.zarr", store)
    _, before, _ = cli(capsys, "discover", intact / "lhs.zarr", "--json")
    DAMAGES[damage](store)
    code, out, err = cli(capsys, *LHS, "--out", store)
    assert code == 0, err
    computed = "0 computed now" if damage == "coordinate" else "1 computed now"
    assert f"({computed}, " in out
    code, after, err = cli(capsys, "discover", store, "--json")
    assert code == 0, err
    assert after.replace(str(store), "X") == before.replace(str(intact / "lhs.zarr"), "X")


def test_sensitivity_reader_refuses_and_rerun_repairs(intact, tmp_path, capsys):
    store = tmp_path / "sobol.zarr"
    shutil.copytree(intact / "sobol.zarr", store)
    _corrupt(store)
    code, _, err = cli(capsys, "plot", "sensitivity", store, "-o", tmp_path / "s.png")
    assert code == 2 and err.count("\n") == 1, err
    assert "damaged sweep store" in err and "run `ceasefire sensitivity" in err
    _, before, _ = cli(capsys, *SOBOL, "--json", "--out", intact / "sobol.zarr")
    code, after, err = cli(capsys, *SOBOL, "--json", "--out", store)
    assert code == 0, err
    assert after == before


def test_a_corrupted_netcdf_file_is_refused_in_one_line(intact, tmp_path, capsys):
    out = tmp_path / "r.nc"
    code, _, err = cli(capsys, *LHS, "--out", out)
    assert code == 0, err
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)
    data = bytearray(out.read_bytes())
    for i in range(len(data) // 2, len(data), 509):  # bytes of the data blocks
        data[i] ^= 0xFF
    out.write_bytes(bytes(data))
    code, _, err = cli(capsys, "discover", out)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"error: {out}: ")
