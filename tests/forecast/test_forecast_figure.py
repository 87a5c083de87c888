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


def _legend_box_in_data(fig):
    """The legend's box in the axes' data coordinates: x as dates (days), y as P."""
    ax = fig.axes[0]
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    return box.transformed(ax.transData.inverted())


def _curves(result):
    import matplotlib.dates as mdates

    from sim.figures.timeline import month_dates

    x = mdates.date2num(month_dates(result.months))
    ys = [np.asarray(result.p_agreement_by, float)]
    if result.p_band is not None:
        ys += [np.asarray(b, float) for b in result.p_band]
    if result.p_mean is not None:
        ys.append(np.asarray(result.p_mean, float))
    return x, np.vstack(ys)


@pytest.mark.parametrize("high", [False, True])
def test_the_legend_hides_no_curve(history, high):
    # The curves are steps over months; over the legend's span of months every curve must
    # stay outside the legend's band of probabilities (below it, or above it).  A forecast
    # that rises high early (a copy of history's, scaled) puts the legend at the lower right.
    from dataclasses import replace

    result = history
    if high:
        lift = lambda p: 1.0 - (1.0 - np.asarray(p, float)) * 0.05  # noqa: E731
        result = replace(
            history,
            p_agreement_by=lift(history.p_agreement_by),
            p_band=tuple(lift(b) for b in history.p_band),
            p_mean=lift(history.p_mean),
        )
    box = _legend_box_in_data(forecast_curve(result))
    x, ys = _curves(result)
    # a step at month k covers [x_k, x_{k+1}): the steps that reach into the legend's span
    right = np.append(x[1:], x[-1] + 31)
    under = (right > box.x0) & (x < box.x1)
    assert under.any()
    inside = (ys[:, under] > box.y0) & (ys[:, under] < box.y1)
    assert not inside.any()
