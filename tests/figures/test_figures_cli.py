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
from sim.model.scenario import builtin_scenarios

runner = CliRunner(env={"COLUMNS": "200"})  # rich wraps long paths in an 80-column box


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


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory) -> dict[str, str]:
    """A Sobol and a Latin-hypercube sweep of the fearon scenario's three ranged parameters."""
    import sim
    from sim.sweep import build_spec, run_sweep

    folder = tmp_path_factory.mktemp("sweeps")
    scenario = sim.load_scenario("fearon")
    ranged = ["actors.a.terminal_cost", "actors.b.terminal_cost", "war.terminal.p"]
    files = {}
    for design, samples in (("sobol", 32), ("lhs", 400)):
        spec = build_spec(scenario, ranged, design=design, samples=samples, seed=0)
        files[design] = str(folder / f"{design}.nc")
        run_sweep(scenario, spec, out=files[design], progress=False)
    return files


def test_plot_sensitivity_of_a_sobol_sweep(tmp_path, sweeps):
    out = tmp_path / "s.svg"
    result = run("plot", "sensitivity", sweeps["sobol"], "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<?xml")


def test_plot_sensitivity_of_a_sweep_without_sobol_design_is_refused(tmp_path, sweeps):
    one_line_error(
        run("plot", "sensitivity", sweeps["lhs"], "--out", tmp_path / "s.png"), "sobol or morris"
    )


@pytest.mark.parametrize("kind", ["discovery", "box"])
def test_plot_discovery_of_a_sampled_sweep(tmp_path, sweeps, kind):
    out = tmp_path / f"{kind}.png"
    result = run(
        "plot", kind, sweeps["lhs"], "--outcome", "zopa_width_km2", "--above", "0.3", "--out", out
    )
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_plot_box_without_a_box_is_a_one_line_error(tmp_path, sweeps):
    # In Fearon's model a ZOPA always exists: PRIM has nothing to peel.
    one_line_error(run("plot", "box", sweeps["lhs"], "--out", tmp_path / "b.png"), "no box to draw")


def test_plot_games_draws_each_subgame(tmp_path):
    """Escalation with 0 < M - c < R and H > X: one mixed equilibrium (sim.games.subgames)."""
    text = (
        builtin_scenarios()["fearon"].read_text()
        + """
[games.ladder]
kind = "escalation"
label = "The next rung"
row = "a"
col = "b"
[games.ladder.params]
rung_value = { value = 3.0, source = "test" }
supply_cost = { value = 1.0, source = "test" }
risk_cost = { value = 4.0, source = "test" }
rung_damage = { value = 1.0, source = "test" }
escalation_cost = { value = 1.0, source = "test" }
red_line_value = { value = 2.0, source = "test" }
"""
    )
    scenario = tmp_path / "with_game.toml"
    scenario.write_text(text)
    out = tmp_path / "games.png"
    result = run("plot", "games", scenario, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_plot_games_of_a_scenario_without_games_is_a_one_line_error(tmp_path):
    one_line_error(run("plot", "games", "fearon", "--out", tmp_path / "g.png"), "no [games]")


@pytest.mark.slow
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
    stems = {"zopa", "timeline", "map", "frontier", "phase", "sensitivity", "discovery"}
    assert {p.name for p in out.iterdir()} == {f"{s}.{f}" for s in stems for f in ("png", "pdf")}


def test_figures_skips_the_map_of_a_scenario_without_one(tmp_path):
    out = tmp_path / "figs"
    result = run(
        "figures",
        "--out",
        out,
        "--scenario",
        "fearon",
        "--formats",
        "svg",
        "--phase-points",
        "4",
        "--samples",
        "0",
    )
    assert result.exit_code == 0, result.output
    assert {p.stem for p in out.iterdir()} == {"zopa", "timeline", "frontier", "phase"}


def test_figures_refuses_unknown_formats(tmp_path):
    result = run("figures", "--out", tmp_path, "--scenario", "fearon", "--formats", "gif")
    assert result.exit_code == 2 and "gif" in result.output


@pytest.fixture(scope="module")
def cli_sweeps(tmp_path_factory) -> dict[str, str]:
    """Results written by the `ceasefire sweep` and `ceasefire sensitivity` commands."""
    folder = tmp_path_factory.mktemp("cli_sweeps")
    ranged = [
        "-p",
        "actors.a.terminal_cost",
        "-p",
        "actors.b.terminal_cost",
        "-p",
        "war.terminal.p",
    ]
    commands = {
        "lhs": ["sweep", "fearon", *ranged, "--design", "lhs", "-n", "300"],
        "grid": [
            "sweep",
            "fearon",
            "-p",
            "war.terminal.p=linspace(0,1,5)",
            "-p",
            "actors.a.terminal_cost=0,0.1,0.2,0.3",
        ],
        "sobol": ["sensitivity", "fearon", *ranged, "-N", "32"],
        "morris": ["sensitivity", "fearon", *ranged, "--method", "morris", "-N", "10"],
    }
    suffixes = {"lhs": ".zarr", "grid": ".zarr", "sobol": ".zarr", "morris": ".nc"}
    files = {}
    for name, words in commands.items():
        files[name] = str(folder / f"{name}{suffixes[name]}")
        result = run(*words, "--out", files[name], "--no-progress")
        assert result.exit_code == 0, result.output
    return files


def test_plot_discovery_of_a_sweep_written_by_the_sweep_command(tmp_path, cli_sweeps):
    for kind in ("discovery", "box"):
        out = tmp_path / f"{kind}.png"
        result = run(
            "plot",
            kind,
            cli_sweeps["lhs"],
            "--outcome",
            "zopa_width_km2",
            "--above",
            "0.3",
            "--out",
            out,
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000


def test_plot_discovery_of_a_grid_sweep_with_a_threshold(tmp_path, cli_sweeps):
    out = tmp_path / "box.svg"
    result = run(
        "plot",
        "box",
        cli_sweeps["grid"],
        "--outcome",
        "zopa_width_km2",
        "--above",
        "0.25",
        "--threshold",
        "0.95",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<?xml")


def test_plot_threshold_outside_the_unit_interval_is_refused(tmp_path, cli_sweeps):
    result = run(
        "plot", "discovery", cli_sweeps["lhs"], "--threshold", "0", "--out", tmp_path / "d.png"
    )
    assert result.exit_code == 2 and "--threshold" in result.output


def test_plot_phase_of_a_grid_written_by_the_sweep_command(tmp_path, cli_sweeps):
    out = tmp_path / "phase.png"
    result = run("plot", "phase", cli_sweeps["grid"], "--out", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_plot_sensitivity_of_results_written_by_the_sensitivity_command(
    tmp_path, cli_sweeps, design
):
    out = tmp_path / f"{design}.pdf"
    result = run("plot", "sensitivity", cli_sweeps[design], "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_plot_sensitivity_of_a_constant_outcome_is_a_one_line_error(tmp_path, cli_sweeps):
    # In Fearon's model a ZOPA always exists: there is no variance to apportion.
    one_line_error(
        run(
            "plot",
            "sensitivity",
            cli_sweeps["sobol"],
            "--outcome",
            "zopa_exists",
            "--out",
            tmp_path / "s.png",
        ),
        "no sensitivity indices of zopa_exists",
        "constant",
    )
