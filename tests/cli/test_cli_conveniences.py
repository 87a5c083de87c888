"""The first commands of a newcomer, and runs that fail leave nothing behind (issue 20)."""

from __future__ import annotations

import contextlib

import pytest

import sim
import sim.sweep.runner as runner
from sim.cli import main
from sim.errors import SweepSpecError

GRID = ["sweep", "-p", "dimensions.guarantees.setting=0,1", "--no-progress"]


def cli(capsys, *words):
    with pytest.raises(SystemExit) as stop:
        main([str(w) for w in words])
    out, err = capsys.readouterr()
    return stop.value.code, out, err


def test_version(capsys):
    assert cli(capsys, "--version") == (0, f"ceasefire {sim.__version__}\n", "")


def test_scenarios_shows_the_files_and_copies_one_to_start_from(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(capsys, "scenarios")
    assert code == 0 and "baseline.toml" in out
    code, out, err = cli(capsys, "scenarios", "--copy", "baseline", "my_world.toml")
    assert code == 0, err
    code, out, err = cli(capsys, "validate", "my_world.toml")
    assert code == 0 and "(0 without a source)" in out, out + err


def test_every_parameter_of_the_baseline_has_a_source(capsys):
    code, out, _ = cli(capsys, "validate", "baseline")
    assert code == 0 and "(0 without a source)" in out


def test_json_is_a_plain_flag(capsys):
    code, out, _ = cli(capsys, "solve", "--json")
    assert code == 0 and out.startswith("{")


def test_a_scheduler_that_does_not_answer_leaves_no_store(tmp_path, capsys, monkeypatch):
    @contextlib.contextmanager
    def unreachable(*args, **kwargs):
        raise SweepSpecError("`scheduler` 'tcp://127.0.0.1:1': cannot connect (timed out)")
        yield

    monkeypatch.setattr(runner, "dask_client", unreachable)
    out = tmp_path / "r.zarr"
    code, _, err = cli(capsys, *GRID, "--scheduler", "tcp://127.0.0.1:1", "-o", out)
    assert code == 2 and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_a_killed_setup_are_removed_on_the_next_run(tmp_path, capsys):
    out = tmp_path / "r.zarr"
    stale = tmp_path / "r.zarr.k1ll3d00"
    (stale / "zopa_exists").mkdir(parents=True)
    other = tmp_path / "r.zarr.keepme"  # not a staging folder's name: kept
    other.mkdir()
    code, _, err = cli(capsys, *GRID, "-o", out)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.zarr", "r.zarr.keepme"]


def test_a_sweep_beyond_the_time_limit_runs_only_with_yes(tmp_path, capsys, monkeypatch):
    import sim.sweep.sizing as sizing

    monkeypatch.setattr(sizing, "TIME_LIMIT_S", 1e-9)
    out = tmp_path / "r.zarr"
    code, _, err = cli(capsys, *GRID, "-o", out)
    assert code == 2 and "would need about" in err and "--yes" in err, err
    assert list(tmp_path.iterdir()) == []
    code, _, err = cli(capsys, *GRID, "-o", out, "--yes")
    assert code == 0, err


@pytest.mark.parametrize(
    ("words", "missing"),
    [
        (["figures", "--out", "figs"], "SALib"),
        (["figures", "--out", "figs"], "ema_workbench"),
        (["sensitivity", "-p", "actors.russia.discount_rate"], "SALib"),
        (["discover", "results.zarr"], "ema_workbench"),
    ],
)
def test_without_the_sweep_extra_a_command_names_it_in_one_line(
    tmp_path, capsys, monkeypatch, words, missing
):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a)
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, *words)
    assert code == 2 and err.count("\n") == 1, err
    assert f"needs {missing}, which is not installed: pip install 'ceasefire[sweep]'" in err
    assert list(tmp_path.iterdir()) == []
