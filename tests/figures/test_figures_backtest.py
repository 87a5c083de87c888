"""The back-test figure: decisions x actors by p(accept) with the observed verdicts, and
the front's out-of-sample forecasts against the baselines (hand-built inputs, no engine)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from sim.backtest.front import FrontBacktest
from sim.figures.backtest import backtest_figure

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}


@dataclass(frozen=True)
class Decisions:
    """A stand-in with the attributes of ``sim.backtest.decisions.Backtest``."""

    decision_ids: tuple[str, ...]
    decision_labels: tuple[str, ...]
    actors: tuple[str, ...]
    p_accept: np.ndarray
    observed: np.ndarray


@pytest.fixture
def decisions() -> Decisions:
    nan = np.nan
    return Decisions(
        decision_ids=("a", "b", "c", "d"),
        decision_labels=(
            "Jun 2024 peace summit communiqué",
            "Mar 2025 30-day ceasefire",
            "Oct 2025 freeze on the line",
            "Dec 2025 20-point draft",
        ),
        actors=("russia", "ukraine", "us"),
        p_accept=np.array(
            [[0.05, 0.90, nan], [0.20, 0.85, 0.95], [0.35, 0.60, 0.90], [0.70, 0.15, 0.99]]
        ),
        observed=np.array([[-1, 1, 0], [-1, 1, 1], [-1, 1, 1], [-1, -1, 1]]),
    )


def _front(conditional: bool = True) -> FrontBacktest:
    months = tuple(f"{2024 + (6 + t) // 12}-{(6 + t) % 12 + 1:02d}" for t in range(20))
    observed = 100_000.0 + 400.0 * np.arange(20) - 8.0 * np.arange(20) ** 2
    origins, index, horizon = ("2025-01", "2025-03", "2025-05"), (6, 8, 10), 6
    model, pers, trnd, target = (np.full((3, horizon), np.nan) for _ in range(4))
    lead = np.arange(1, horizon + 1)
    for n, o in enumerate(index):
        level = observed[o]
        model[n] = level + (400.0 - 16.0 * o) * lead * 0.9
        pers[n] = level
        trnd[n] = level + (observed[o] - observed[o - 6]) / 6 * lead
        ahead = observed[o + 1 : o + 1 + horizon]
        target[n, : ahead.size] = ahead
    return FrontBacktest(
        scenario="made-up",
        months=months,
        observed_km2=observed,
        origins=origins,
        origin_index=index,
        horizon=horizon,
        model_km2=model,
        held_km2=model,
        persistence_km2=pers,
        trend_km2=trnd,
        target_km2=target,
        drift_scale_km2=np.array([5000.0, 4000.0, 3500.0]),
        stalemate_share=np.array([0.65, 0.63, 0.62]),
        fit_rmse_km2=np.array([100.0, 90.0, 80.0]),
        fit_months=np.array([6, 8, 10]),
        fitted_paths_km2=np.tile(observed, (3, 1)),
        inputs_after_origin=("an input (2025-08)",) if conditional else (),
    )


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_backtest_two_columns(decisions):
    return backtest_figure(decisions, _front())


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_backtest_one_column(decisions):
    return backtest_figure(decisions, _front(), width="one")


def test_cells_carry_the_observed_verdict_and_p_accept(decisions):
    ax = backtest_figure(decisions, _front()).axes[0]
    texts = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert texts[(0, 0)] == "✗ 0.05"
    assert texts[(0, 1)] == "✓ 0.90"
    assert texts[(0, 2)] == "–"  # not scored
    assert texts[(3, 1)] == "✗ 0.15"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Russia", "Ukraine", "US"]


def test_cell_colour_rises_with_p_accept(decisions):
    ax = backtest_figure(decisions, _front()).axes[0]
    [image] = ax.images
    rgba = image.to_rgba(np.ma.masked_invalid(decisions.p_accept))
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
    scored = np.isfinite(decisions.p_accept)
    order = np.argsort(decisions.p_accept[scored])
    assert np.all(np.diff(grey[scored][order]) >= 0)  # readable in grey: lighter is likelier
    assert grey[scored][order][-1] - grey[scored][order][0] > 0.5


def test_front_panel_draws_each_origin_and_both_baselines(decisions):
    front = _front()
    ax = backtest_figure(decisions, front).axes[1]
    thin = [line for line in ax.lines if line.get_linewidth() == pytest.approx(0.7)]
    assert len(thin) == 3 * len(front.origins)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[1].startswith("model, RMSE") and "trend" in labels[2]
    assert "no change" in labels[3]
    assert any(t.get_text() == "conditional on observed inputs" for t in ax.texts)
    plain = backtest_figure(decisions, _front(conditional=False)).axes[1]
    assert not any(t.get_text() == "conditional on observed inputs" for t in plain.texts)


def test_shapes_are_checked(decisions):
    bad = Decisions(
        decisions.decision_ids,
        decisions.decision_labels,
        ("russia",),
        decisions.p_accept,
        decisions.observed,
    )
    with pytest.raises(ValueError, match="decisions, actors"):
        backtest_figure(bad, _front())


def test_report_and_cli_draw_the_backtest(tmp_path):
    """The real decisions back-test and the front on the built-in ``history``."""
    from typer.testing import CliRunner

    from sim import report
    from sim.backtest.decisions import backtest
    from sim.cli import app
    from sim.model.scenario import builtin_models_dir

    fig = report.backtest_figure(width="one")
    decisions = backtest(builtin_models_dir() / "data" / "decisions.toml")
    grid, front = fig.axes[0], fig.axes[1]  # left, right, then the colour bar
    assert len(grid.get_yticklabels()) == len(decisions.decision_ids)
    assert front.get_title(loc="left").startswith("The front: forecasts from 8 origins")
    out = tmp_path / "backtest.png"
    result = CliRunner().invoke(app, ["plot", "backtest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_the_front_alone():
    fig = backtest_figure(None, _front(), width="one")
    [ax] = fig.axes
    assert ax.get_title(loc="left") == "The front: forecasts from 3 origins"
