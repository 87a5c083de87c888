"""``ceasefire games``: printing each subgame's matrix, equilibria and outcome."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.cli.games import games_payload, render_games
from sim.errors import ScenarioError


def param(value, source="test"):
    """A scenario parameter as the loader gives it (a number with a source)."""
    return SimpleNamespace(value=value, source=source)


def game(kind, row, col, selection="payoff_dominant", label="", **params):
    return SimpleNamespace(
        kind=kind,
        label=label,
        row=row,
        col=col,
        selection=selection,
        params={k: param(v) for k, v in params.items()},
    )


INDIA = game(
    "secondary_sanctions",
    "us",
    "india",
    label="US secondary sanctions on India",
    discount_value=6.5,
    sanction_cost=10.0,
    cut_share=0.6,
    imposition_cost=1.0,
    enforcement_value=4.0,
    cut_gain=38.0,
)
# At sanction_cost = cut_share * discount_value = 4 the buyer is indifferent: degenerate.
DEGENERATE = game(
    "secondary_sanctions",
    "us",
    "china",
    selection="expected",
    discount_value=8.0,
    sanction_cost=4.0,
    cut_share=0.5,
    imposition_cost=3.0,
    enforcement_value=5.0,
    cut_gain=45.0,
)
GAMES = {"sanctions_india": INDIA, "at_threshold": DEGENERATE}


def test_text_shows_matrix_equilibria_selection_and_effects():
    text = render_games(GAMES)
    assert "sanctions_india: US secondary sanctions on India" in text
    assert "keep buying" in text and "cut purchases" in text
    assert "(3, -3.5)" in text  # impose / keep: K - C = 3, D - S = -3.5
    # Inspection game: the US imposes with probability f D / S = 0.39; India keeps
    # buying with probability C / K = 0.25; kept share 1 - 0.6 * 0.75 = 0.55.
    assert "us: impose 0.390 / hold off 0.610" in text
    assert "india: keep buying 0.250 / cut purchases 0.750" in text
    assert "kept_share = 0.550, imposed = 0.390" in text


def test_text_reports_a_degenerate_game_and_its_extreme_equilibria():
    text = render_games({"at_threshold": DEGENERATE})
    assert "DEGENERATE" in text and "vertex enumeration" in text
    # (impose, keep) and (impose, keep w.p. C/K = 0.6), averaged: kept 1 - 0.5 * 0.2 = 0.9.
    assert "selected by expected over equilibria" in text
    assert "kept_share = 0.900, imposed = 1.000" in text


def test_json_payload_carries_the_sources_and_how_it_was_computed():
    payload = games_payload(GAMES)
    india = payload["sanctions_india"]
    assert india["row"] == "us" and india["col"] == "india"
    assert india["sources"]["sanction_cost"] == "test"
    assert india["effects"]["kept_share"] == pytest.approx(0.55)
    assert payload["at_threshold"]["computed_by"]["degenerate"] is True
    assert payload["at_threshold"]["computed_by"]["method"] == "vertex"


def test_cli_prints_the_games_of_the_scenario(monkeypatch):
    monkeypatch.setattr(
        sim, "load_scenario", lambda name: SimpleNamespace(games=GAMES), raising=False
    )
    result = CliRunner().invoke(app, ["games", "whatever"])
    assert result.exit_code == 0, result.output
    assert "sanctions_india" in result.output and "at_threshold" in result.output

    result = CliRunner().invoke(app, ["games", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scenario"] == "baseline"
    assert set(data["games"]) == set(GAMES)


def test_cli_turns_a_bad_game_into_one_line_and_exit_code_2(monkeypatch):
    bad = game("secondary_sanctions", "us", "x", discount_value=1.0)
    monkeypatch.setattr(
        sim, "load_scenario", lambda name: SimpleNamespace(games={"bad": bad}), raising=False
    )
    result = CliRunner().invoke(app, ["games"])
    assert result.exit_code == 2
    assert "missing parameter(s)" in result.output
    assert "Traceback" not in result.output


def test_cli_reports_an_unknown_scenario_as_a_user_error(monkeypatch):
    def missing(name):
        raise ScenarioError(f"{name}: no such scenario file or built-in scenario")

    monkeypatch.setattr(sim, "load_scenario", missing, raising=False)
    result = CliRunner().invoke(app, ["games", "nowhere"])
    assert result.exit_code == 2
    assert "nowhere: no such scenario" in result.output
