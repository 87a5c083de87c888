"""``forecast(..., posterior=)``: bands over the fitted posterior of the history issue's fit
(issue 16's "or the fitted posterior"), next to the uniform draws on the ranges."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.backtest.calibrate import Fit
from sim.cli import app
from sim.forecast import draw_parameters, forecast
from sim.model.scenario import builtin_models_dir, load_scenario

WEIGHT = "actors.russia.utility.line.weight"
RATE = "actors.ukraine.discount_rate"


def _fit(sd_weight=0.05, sd_rate=0.02) -> Fit:
    return Fit("test fit", {WEIGHT: 0.55, RATE: 0.12}, {WEIGHT: sd_weight, RATE: sd_rate})


def test_the_fitted_columns_come_from_the_posterior_and_the_rest_is_unchanged():
    s = load_scenario("history")
    plain = draw_parameters(s, 20_000, seed=3)
    fitted = draw_parameters(s, 20_000, seed=3, fit=_fit())
    assert fitted.keys() == plain.keys()
    for p in plain:
        if p in (WEIGHT, RATE):
            continue
        np.testing.assert_array_equal(fitted[p], plain[p])  # the same uniforms
    assert fitted[WEIGHT][0] == 0.55 and fitted[RATE][0] == 0.12  # the central set
    # normal truncated at +-2 sd: mean the fitted value, sd 0.8796 of the posterior's
    # (the variance of a standard normal clipped to [-2, 2], computed here independently)
    z = np.linspace(-8, 8, 400_001)
    dens = np.exp(-0.5 * z**2)
    dens /= dens.sum()
    clipped_sd = np.sqrt((np.clip(z, -2, 2) ** 2 * dens).sum())
    for p, v, sd in ((WEIGHT, 0.55, 0.05), (RATE, 0.12, 0.02)):
        x = fitted[p][1:]
        assert np.all(np.abs(x - v) <= 2 * sd + 1e-12)
        assert x.mean() == pytest.approx(v, abs=4 * sd / np.sqrt(x.size))
        assert x.std() == pytest.approx(clipped_sd * sd, rel=0.03)


def test_a_posterior_without_spread_fixes_the_fitted_parameters():
    f = forecast("history", start="2024-07", by="2026-08", draws=3, seed=1, posterior=_fit(0, 0))
    fixed = load_scenario("history").with_params({WEIGHT: 0.55, RATE: 0.12})
    central = forecast(fixed, start="2024-07", by="2026-08", draws=0)
    np.testing.assert_array_equal(f.hazard, central.hazard)
    assert f.posterior == "test fit" and f.to_dict()["posterior"] == "test fit"
    assert "posterior of test fit" in f.lines()[0]


def test_the_posterior_moves_the_bands_not_the_seeds():
    a = forecast("history", start="2024-07", draws=8, seed=2, posterior=_fit())
    b = forecast("history", start="2024-07", draws=8, seed=2, posterior=_fit())
    np.testing.assert_array_equal(a.p_band[1], b.p_band[1])
    plain = forecast("history", start="2024-07", draws=8, seed=2)
    assert not np.array_equal(a.p_band[1], plain.p_band[1])


def _fit_file(tmp_path, body: str):
    history = builtin_models_dir() / "history.toml"
    path = tmp_path / "fit.toml"
    path.write_text(f'extends = "{history.as_posix()}"\n\n{body}')
    return path


def test_cli_reads_a_fit_file(tmp_path):
    path = _fit_file(
        tmp_path,
        "[actors.russia.utility.line]\n"
        'weight = { value = 0.55, range = [0.45, 0.65], source = "fitted: a test; '
        'posterior sd 0.05 (Laplace)" }\n',
    )
    args = ["forecast", "history", "--start", "2024-07", "--draws", "2", "--json"]
    result = CliRunner().invoke(app, [*args, "--posterior", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["posterior"] == str(path)


def test_cli_a_file_without_a_fit_exits_2(tmp_path):
    path = _fit_file(tmp_path, "")
    args = ["forecast", "history", "--draws", "2", "--posterior", str(path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "no parameter with a 'fitted:' source" in result.output
    assert "Traceback" not in result.output
