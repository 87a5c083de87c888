"""``ceasefire plot forecast`` and :func:`sim.figures.forecast.forecast_curve`."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.figures.forecast import forecast_curve
from sim.figures.style import column_width_inches
from sim.forecast import forecast


@pytest.fixture(scope="module")
def history():
    return forecast("history", start="2024-07", draws=20, seed=1)


def test_one_column_figure_with_band_mean_and_events(history):
    fig = forecast_curve(history)
    assert fig.get_size_inches()[0] == pytest.approx(column_width_inches("one"))
    ax = fig.axes[0]
    # The black curve is the central P(agreement by month).
    central = next(ln for ln in ax.lines if ln.get_color() == "black")
    np.testing.assert_allclose(central.get_ydata(), history.p_agreement_by)
    texts = " ".join(t.get_text() for a in fig.axes for t in a.texts)
    assert "change of US administration" in texts and "1,2" in texts


def test_without_draws_or_events():
    fig = forecast_curve(forecast("baseline", draws=0, start="2027-01"))
    assert len(fig.axes) == 1


def test_cli_plot_forecast_writes_a_png(tmp_path):
    out = tmp_path / "f.png"
    result = CliRunner().invoke(
        app, ["plot", "forecast", "history", "--month", "2024-07", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"
