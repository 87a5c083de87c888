"""`ceasefire plot` and `ceasefire figures`: files written, one-line errors for bad input.

The engine runs on the built-in textbook scenario ``fearon`` (fast, and not the
calibrated model); a copy of it with a two-square map tests the map.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr
from _figure_inputs import square_topology
from typer.testing import CliRunner

from sim.cli import app
from sim.scenario import builtin_scenarios

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert "Traceback" not in result.output
    text = " ".join(lines)
    for fragment in fragments:
        assert fragment in text, (fragment, result.output)


@pytest.fixture(scope="module")
def with_map(tmp_path_factory) -> str:
    """The fearon scenario with a map of two regions: West ('left') and East ('R')."""
    folder = tmp_path_factory.mktemp("scenario")
    (folder / "squares.topo.json").write_text(json.dumps(square_topology()))
    text = builtin_scenarios()["fearon"].read_text()
    text = text.replace(
        "[territory]\n", '[territory]\nmap = "squares.topo.json"\nmap_object = "squares"\n', 1
    )
    text += """
[territory.regions.west]
label = "West"
map_name = "left"
area_km2 = { value = 0.5, source = "test" }

[territory.regions.east]
label = "East"
map_name = "R"
area_km2 = { value = 0.5, source = "test" }

[territory.lines.east_held]
label = "East held"
control.east = { value = 1.0, source = "test" }
"""
    path = folder / "with_map.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("kind", ["zopa", "timeline", "frontier", "phase"])
@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".png"])
def test_plot_writes_the_figure(tmp_path, kind, suffix):
    out = tmp_path / f"{kind}{suffix}"
    result = run("plot", kind, "fearon", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    assert result.output.strip() == str(out)


def test_plot_map_of_a_scenario_with_a_map(tmp_path, with_map):
    out = tmp_path / "map.svg"
    result = run("plot", "map", with_map, "--out", out, "--width", "two")
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<?xml")


def test_plot_map_without_a_map_is_a_one_line_error(tmp_path):
    one_line_error(
        run("plot", "map", "fearon", "--out", tmp_path / "m.png"), "territory.map is not set"
    )


def test_plot_is_byte_identical_twice(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run("plot", "zopa", "fearon", "--out", first).exit_code == 0
    assert run("plot", "zopa", "fearon", "--out", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_unknown_suffix_is_refused(tmp_path):
    result = run("plot", "zopa", "fearon", "--out", tmp_path / "z.jpg")
    assert result.exit_code == 2
    assert ".jpg" in result.output and not (tmp_path / "z.jpg").exists()


def test_unknown_kind_is_refused(tmp_path):
    result = run("plot", "pie", "fearon", "--out", tmp_path / "z.png")
    assert result.exit_code == 2


def test_unknown_scenario_is_a_one_line_error(tmp_path):
    one_line_error(run("plot", "zopa", "no_such_world", "--out", tmp_path / "z.png"), "error:")


def test_phase_from_a_file_that_is_not_results_is_a_one_line_error(tmp_path):
    bogus = tmp_path / "results.nc"
    bogus.write_text("not a netcdf file")
    one_line_error(run("plot", "phase", bogus, "--out", tmp_path / "p.png"), str(bogus))
    one_line_error(
        run("plot", "phase", tmp_path / "missing.zarr", "--out", tmp_path / "p.png"),
        "missing.zarr",
    )


def _sweep_file(tmp_path, dims: tuple[str, ...]) -> str:
    shape = tuple(range(4, 4 + len(dims)))
    width = np.arange(np.prod(shape), dtype=float).reshape(shape) - 3.0
    dataset = xr.Dataset(
        {
            "zopa_exists": (dims, width > 0),
            "zopa_width_km2": (dims, np.clip(width, 0, None)),
        },
        coords={d: np.linspace(0.0, 1.0, n) for d, n in zip(dims, shape, strict=True)},
        attrs={"ceasefire_sweep": "ceasefire-sweep/1", "scenario": "fearon"},
    )
    path = tmp_path / f"sweep{len(dims)}.nc"
    dataset.to_netcdf(path)
    return str(path)


def test_phase_from_a_two_parameter_sweep(tmp_path):
    results = _sweep_file(tmp_path, ("actors.a.terminal_cost", "actors.b.terminal_cost"))
    out = tmp_path / "phase.png"
    result = run("plot", "phase", results, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_phase_from_a_sweep_over_three_parameters_is_refused(tmp_path):
    results = _sweep_file(tmp_path, ("a", "b", "c"))
    one_line_error(
        run("plot", "phase", results, "--out", tmp_path / "p.png"), "exactly two parameters"
    )


@pytest.mark.parametrize("kind", ["sensitivity", "discovery", "games"])
def test_kinds_without_data_yet_say_so_in_one_line(tmp_path, kind):
    one_line_error(run("plot", kind, "fearon", "--out", tmp_path / "x.png"), "not available")


def test_figures_writes_the_article_set(tmp_path, with_map):
    out = tmp_path / "figs"
    result = run(
        "figures",
        "--out",
        out,
        "--scenario",
        with_map,
        "--formats",
        "png,pdf",
        "--phase-points",
        "5",
    )
    assert result.exit_code == 0, result.output
    stems = {"zopa", "timeline", "map", "frontier", "phase"}
    assert {p.name for p in out.iterdir()} == {f"{s}.{f}" for s in stems for f in ("png", "pdf")}


def test_figures_skips_the_map_of_a_scenario_without_one(tmp_path):
    out = tmp_path / "figs"
    result = run(
        "figures", "--out", out, "--scenario", "fearon", "--formats", "svg", "--phase-points", "4"
    )
    assert result.exit_code == 0, result.output
    assert {p.stem for p in out.iterdir()} == {"zopa", "timeline", "frontier", "phase"}


def test_figures_refuses_unknown_formats(tmp_path):
    result = run("figures", "--out", tmp_path, "--scenario", "fearon", "--formats", "gif")
    assert result.exit_code == 2 and "gif" in result.output
