"""The battery of bad inputs (issue 20): files, ``--set``, sweep specs, options, output
paths and results stores.  Each is refused with exit code 2 and exactly one line on
stderr, never a traceback, and leaves nothing behind where the output would have gone.

Each case is ``(id, words)``: ``{tmp}`` in a word is the test's folder (the current
directory), ``{store}`` an intact sweep store, ``{models}`` the built-in models folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli import main

MODELS = Path(__file__).resolve().parents[2] / "models"
BASE = f'extends = "{MODELS / "baseline.toml"}"\n'

#: Scenario files: name -> text.
FILES = {
    "bad_toml.toml": "this is = = not toml",
    "empty.toml": "",
    "binary.toml": "\x00\x01\x02",
    "nan_rate.toml": BASE + '[actors.russia]\ndiscount_rate = { value = nan, source = "x" }\n',
    "inf_rate.toml": BASE + '[actors.russia]\ndiscount_rate = { value = inf, source = "x" }\n',
    "neg_rate.toml": BASE + '[actors.russia]\ndiscount_rate = { value = -0.1, source = "x" }\n',
    "nan_terminal.toml": BASE + '[actors.russia]\nterminal_cost = { value = nan, source = "x" }\n',
    "inf_total.toml": BASE + '[territory]\ntotal_km2 = { value = inf, source = "x" }\n',
    "huge_total.toml": BASE + '[territory]\ntotal_km2 = { value = 1e400, source = "x" }\n',
    "string_rate.toml": BASE + '[actors.russia]\ndiscount_rate = { value = "high" }\n',
    "unknown_key.toml": BASE + "[actors.russia]\nno_such_field = 1\n",
    "self.toml": 'extends = "self.toml"\n',
    "missing_base.toml": 'extends = "no_such_base.toml"\n',
    "bad_extends.toml": "extends = 3\n",
    "bad_horizon.toml": BASE + "[scenario]\nhorizon_months = -5\n",
    "bad_date.toml": BASE + '[scenario]\ndate = "not a date"\n',
    "share_above_one.toml": BASE
    + '[dimensions.guarantees]\nsetting = { value = 2.0, source = "x" }\n',
}
SCENARIOS = [
    *FILES,
    "no_such_file.toml",
    "no_such_builtin",
    "{tmp}",
    "results.zarr",
    "true",
    "/dev/null",
]
SETS = [
    "no_equals",
    "actors.russia.discount_rate=abc",
    "actors.russia.discount_rate=nan",
    "actors.russia.discount_rate=inf",
    "actors.russia.discount_rate=-inf",
    "actors.russia.discount_rate=-0.5",
    "territory.total_km2=1e400",
    "territory.total_km2=0",
    "no.such.path=1",
    "=1",
    "actors.russia=1",
    "dimensions.guarantees.setting=2",
    "actors.russia.discount_rate=",
]
SPECS = [
    "dimensions.guarantees.setting=linspace(0,1,0)",
    "dimensions.guarantees.setting=linspace(0,1)",
    "dimensions.guarantees.setting=linspace(a,b,3)",
    "dimensions.guarantees.setting=logspace(-1,0,0)",
    "dimensions.guarantees.setting=range(0,1,0)",
    "dimensions.guarantees.setting=range(0,1,-1)",
    "dimensions.guarantees.setting=uniform(0,1)",
    "dimensions.guarantees.setting=nan",
    "dimensions.guarantees.setting=0,inf",
    "dimensions.guarantees.setting=2",
    "dimensions.guarantees.setting=",
    "dimensions.guarantees.setting=bogus(1)",
    "no.such.path=0,1",
    "no.such.path",
    "actors.russia.discount_rate=-1,0.1",
    "dimensions.guarantees.setting=linspace(0,1,100000000000)",
]
SWEEP_OPTIONS = [
    ["--design", "bogus", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-n", "0", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-n", "-5", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-n", "1e12", "-p", "dimensions.guarantees.setting"],
    ["--design", "mc", "-n", "1000000000000", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-n", "1000000000000", "-p", "dimensions.guarantees.setting"],
    ["--design", "sobol", "-n", "1099511627776", "-p", "dimensions.guarantees.setting"],
    ["--design", "lhs", "-n", "10", "-p", "dimensions.guarantees.setting=0,1"],
    ["-l", "dimensions.guarantees.setting=uniform(0,1)"],
    [
        "-p",
        "dimensions.guarantees.setting=linspace(0,1,10000)",
        "-p",
        "dimensions.frozen_assets.setting=linspace(0,1,10000)",
        "-p",
        "dimensions.nato.setting=linspace(0,1,10000)",
    ],
    ["-p", "dimensions.guarantees.setting=0,1", "--replications", "0"],
    ["-p", "dimensions.guarantees.setting=0,1", "--replications", "3"],
    ["-p", "dimensions.guarantees.setting=0,1", "--paths", "-1"],
    ["-p", "dimensions.guarantees.setting=0,1", "--chunk-size", "0"],
    ["-p", "dimensions.guarantees.setting=0,1", "--workers", "0"],
    ["-p", "dimensions.guarantees.setting=0,1", "--workers", "-3"],
    ["-p", "dimensions.guarantees.setting=0,1", "--month", "2099-01"],
    ["-p", "dimensions.guarantees.setting=0,1", "--month", "abc"],
    ["-p", "dimensions.guarantees.setting=0,1", "--month", "-1"],
    ["-p", "dimensions.guarantees.setting=0,1", "--seed", "x"],
    ["-p", "dimensions.guarantees.setting=0,1", "--bogus-option"],
    ["-p", "dimensions.guarantees.setting=0,1", "--design"],
    ["-p", "dimensions.guarantees.setting=0,1", "-p", "dimensions.guarantees.setting=0,1"],
    ["-p", "dimensions.guarantees.setting=0,1", "-o", "other.zarr", "--overwrite", "x"],
]
OPTIONS = [
    ["discover", "{store}", "--peel-alpha", "-1"],
    ["discover", "{store}", "--peel-alpha", "0.7"],
    ["discover", "{store}", "--peel-alpha", "nan"],
    ["discover", "{store}", "--threshold", "0"],
    ["discover", "{store}", "--threshold", "1.5"],
    ["discover", "{store}", "--mass-min", "-1"],
    ["discover", "{store}", "--mass-min", "1"],
    ["discover", "{store}", "--max-points", "0"],
    ["discover", "{store}", "--box", "999"],
    ["discover", "{store}", "--outcome", "no_such_outcome"],
    ["discover", "{store}", "--outcome", "zopa_width_km2"],
    ["discover", "{store}", "--json", "true"],
    ["discover"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "--conf-level", "2"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "--conf-level", "0"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "-N", "0"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "-N", "2^40"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "-N", "1099511627776"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "--method", "foo"],
    ["sensitivity", "-p", "no.such.path"],
    ["sensitivity", "-p", "actors.russia.discount_rate", "--workers", "0"],
    ["sensitivity"],
    ["timeline", "--every", "0"],
    ["timeline", "--every", "-2"],
    ["timeline", "--every", "x"],
    ["timeline", "--paths", "-5"],
    ["solve", "--paths", "-5"],
    ["solve", "--paths", "1000000000"],
    ["solve", "--paths", "1e9"],
    ["solve", "--month", "1999-01"],
    ["solve", "--month", "2026-13"],
    ["solve", "--month", "xx"],
    ["solve", "--json", "true"],
    ["solve", "baseline", "extra"],
    ["packages", "--levels", "0"],
    ["packages", "--dimension", "no_such_term"],
    ["plot", "nosuch", "-o", "x.png"],
    ["plot", "zopa", "--width", "three", "-o", "x.png"],
    ["plot", "zopa", "-o", "x.gif"],
    ["plot", "zopa", "results.zarr", "-o", "x.png"],
    ["plot", "zopa", "--month", "abc", "-o", "x.png"],
    ["plot", "phase", "--x", "dimensions.guarantees.setting", "-o", "x.png"],
    ["plot", "discovery", "{store}", "--threshold", "2", "-o", "x.png"],
    ["plot", "sensitivity", "{store}", "-o", "x.png"],
    ["figures", "--formats", "gif"],
    ["figures", "--phase-points", "2"],
    ["figures", "--samples", "-1"],
    ["games", "no_such_scenario"],
    ["export", "{store}", "t.xlsx", "--to", "xlsx"],
    ["export", "{store}"],
    ["validate"],
    ["scenarios", "--copy", "no_such", "x.toml"],
    ["no_such_command"],
    ["solve", "--no-such-option"],
    ["--no-such-option"],
]
PATHS = [
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "/proc/x.zarr"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "/proc"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/file.zarr"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/folder.nc"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/folder"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/out.txt"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/plain/x.zarr"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{tmp}/notsweep.zarr"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "{store}"],
    ["sweep", "-p", "dimensions.guarantees.setting=0,1", "-o", "/dev/null"],
    ["plot", "zopa", "-o", "/proc/x.png"],
    ["plot", "zopa", "-o", "{tmp}/folder.png"],
    ["plot", "zopa", "-o", "{tmp}/plain/x.png"],
    ["plot", "zopa", "-o", "/sys/x.png"],
    ["figures", "-o", "{tmp}/plain"],
    ["figures", "-o", "/proc/figs"],
    ["figures", "-o", "{tmp}/plain/figs"],
    ["export", "{store}", "/proc/t.csv"],
    ["export", "{store}", "{tmp}/plain"],
    ["export", "{store}", "{tmp}/folder"],
    ["export", "{store}", "{tmp}/plain/t.csv"],
    ["scenarios", "--copy", "baseline", "{tmp}/plain"],
    ["scenarios", "--copy", "baseline", "/proc/x.toml"],
    ["scenarios", "--copy", "baseline", "{tmp}/folder"],
]
STORES = [
    "{tmp}/no_such.zarr",
    "{tmp}/no_such.nc",
    "{tmp}/plain",
    "{tmp}/folder",
    "{tmp}/notsweep.zarr",
    "{tmp}/garbage.nc",
    "{tmp}/incomplete.zarr",
    "{tmp}/deleted.zarr",
    "{tmp}/corrupted.zarr",
    "{tmp}/bad_toml.toml",
]
READERS = [
    ["discover", "{s}"],
    ["plot", "discovery", "{s}", "-o", "{tmp}/d.png"],
    ["plot", "sensitivity", "{s}", "-o", "{tmp}/s.png"],
    ["export", "{s}", "{tmp}/t.csv"],
]


def _cases() -> list[tuple[str, list[str]]]:
    cases = []
    for name in SCENARIOS:
        for command in ("validate", "solve"):
            cases.append((f"file-{command}-{name}", [command, name]))
        cases.append((f"file-sweep-{name}", ["sweep", name, "-p", "x=0,1", "-o", "s.zarr"]))
    for item in SETS:
        for command in ("solve", "timeline", "packages"):
            cases.append((f"set-{command}-{item}", [command, "--set", item]))
    for spec in SPECS:
        cases.append((f"spec-{spec}", ["sweep", "-p", spec, "-o", "s.zarr", "--no-progress"]))
    for words in SWEEP_OPTIONS:
        cases.append(("sweep-" + " ".join(words), ["sweep", *words, "-o", "s.zarr"]))
    for words in OPTIONS:
        cases.append(("option-" + " ".join(words), words))
    for words in PATHS:
        cases.append(("path-" + " ".join(words), words))
    for store in STORES:
        for words in READERS:
            filled = [w.replace("{s}", store) for w in words]
            cases.append((f"store-{words[0]}-{words[1]}-{Path(store).name}", filled))
    return cases


CASES = _cases()


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """An intact sweep store of the baseline (2 chunks)."""
    folder = tmp_path_factory.mktemp("store")
    out = folder / "lhs.zarr"
    words = ["sweep", "--design", "lhs", "-n", "200", "-p", "dimensions.guarantees.setting"]
    words += ["-p", "dimensions.frozen_assets.setting", "--chunk-size", "100", "--no-progress"]
    with pytest.raises(SystemExit) as stop:
        main([*words, "-o", str(out)])
    assert stop.value.code == 0
    return out


@pytest.fixture
def workplace(tmp_path, store, monkeypatch):
    """The test's folder as the current directory, with the inputs the cases name."""
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "plain").write_text("a plain file\n")
    (tmp_path / "file.zarr").write_text("not a store\n")
    (tmp_path / "garbage.nc").write_bytes(b"\x89HDF garbage" * 10)
    for name in ("folder", "folder.nc", "folder.png", "notsweep.zarr"):
        (tmp_path / name).mkdir()
    (tmp_path / "notsweep.zarr" / "zarr.json").write_text('{"zarr_format": 3}')
    for name in ("incomplete", "deleted", "corrupted"):
        shutil.copytree(store, tmp_path / f"{name}.zarr")
    (tmp_path / "incomplete.zarr" / "sweep_chunks" / "00000001.json").unlink()
    (tmp_path / "deleted.zarr" / "zopa_exists" / "c" / "1").unlink()
    chunk = tmp_path / "corrupted.zarr" / "zopa_lo_km2" / "c" / "0"
    chunk.write_bytes(b"\xff" * 32 + chunk.read_bytes()[32:])
    return tmp_path


@pytest.mark.parametrize(("label", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_input_is_one_line_exit_2_and_leaves_nothing(workplace, store, capsys, label, words):
    argv = [w.replace("{tmp}", str(workplace)).replace("{store}", str(store)) for w in words]
    argv = [w.replace("{models}", str(MODELS)) for w in argv]
    before, store_before = _listing(workplace), _listing(store)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    out, err = capsys.readouterr()
    if os.environ.get("CEASEFIRE_BATTERY_LOG"):  # every message, to read them all at once
        with open(os.environ["CEASEFIRE_BATTERY_LOG"], "a") as log:
            log.write(f"{label}\n    {stop.value.code} {err}")
    assert stop.value.code == 2, f"{argv}: exit {stop.value.code}\n{out}{err}"
    assert err.count("\n") == 1 and err.endswith("\n"), f"{argv}:\n{err}"
    assert "Traceback" not in err
    assert _listing(workplace) == before, f"{argv} left {_listing(workplace) - before}"
    assert _listing(store) == store_before


def test_the_battery_has_at_least_150_bad_inputs():
    assert len(CASES) >= 150


def test_sigterm_says_how_to_resume_like_ctrl_c(tmp_path):
    """SIGTERM during a sweep: exit 143 and the same resume hint as Ctrl-C."""
    out = tmp_path / "big.zarr"
    command = [sys.executable, "-c", "from sim.cli import main; main()", "sweep", "--design"]
    command += ["mc", "-n", "3000000", "-p", "dimensions.guarantees.setting", "--chunk-size"]
    command += ["2000", "--no-progress", "-o", str(out)]  # a first chunk within seconds
    environment = {**os.environ, "PYTHONPATH": str(MODELS.parent)}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
    deadline = time.monotonic() + 60
    # a finished chunk's record (*.json): a record still being written is a *.tmp file, and
    # a run stopped then has saved nothing yet (it says so, and removes the store)
    while not (out / "sweep_chunks").is_dir() or not any((out / "sweep_chunks").glob("*.json")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "chunks are saved in" in err and "run the same command again to resume" in err
