# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # History as the test: would the model have got 2024-2026 right?
#
# An analyst who reads the simulator's answer asks one thing first: *would this model have
# got the past right?* This notebook confronts the model with the record of 2024-2026 on
# the built-in scenario `history` (June 2024 to August 2026, the observed inputs as dated
# events, `models/history.toml`) in two ways: the five real decisions on proposals to end
# or pause the war, each at its own date (`ceasefire backtest`), and the front,
# **out of sample**: at each origin month `T` from January to August 2025 we fit the war
# path's two free parameters on the months up to `T` only, forecast the next twelve
# months, and compare with what happened -- and with two forecasts that need no model at
# all:
#
# * **persistence**: the front does not move from where it stands at `T`;
# * **the trend**: the front keeps the pace of the last six months (a least-squares line
#   through the observed line over `T - 6 .. T`).
#
# A model that cannot beat these two on the front has no business pricing deals with it.
#
# The fit is least squares on the observed monthly total line (the km² held by Russia),
# months after the scenario's start up to `T`; the parameters are `war.drift_scale_km2`
# (how many km² a month a capacity advantage buys) and `war.stalemate_share` (the share of
# the two sides' capacity at which the front stands still). Everything else in the
# scenario -- aid, oil, the grid -- is the observed input as it moved. That has a
# consequence we keep in view throughout: **the inputs after `T` are observed ones**, so
# the model's forecasts are *conditional on observed inputs*. Beside them we score the
# forecast an analyst at `T` could really have made: the same fit, with every dated input
# of the war held at its value at `T`.

# %% tags=["parameters"]
# Parameters: the scenario with the observed inputs, the origins and the horizon.
SCENARIO = "history"
ORIGINS = tuple(f"2025-{m:02d}" for m in range(1, 9))  # rolling origins T
HORIZON = 12  # months ahead
SCREEN_DPI = 150

# %%
import io

import numpy as np
from IPython.display import Image, display

from sim.backtest.front import front_backtest, rmse
from sim.figures.backtest import backtest_figure


def show(figure):
    """Display a figure as a PNG at screen resolution (the figure functions draw off screen)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=SCREEN_DPI)
    display(Image(png.getvalue()))


front = front_backtest(SCENARIO, origins=ORIGINS, horizon=HORIZON)

# %% [markdown]
# ## The front as it moved
#
# The observed line on the first of each month, and its change since the month before.
# Russia's gains accelerated through autumn 2024 (over 700 km² in November), slowed in the
# winter, picked up again in the summer of 2025 (600 km² in July), and then ran down in
# 2026 to a few dozen km² a month.

# %%
seen = np.isfinite(front.observed_km2)
months, levels = np.array(front.months)[seen], front.observed_km2[seen]
for m, level, gain in zip(months[1:], levels[1:], np.diff(levels), strict=True):
    print(f"{m}  {level:>9,.0f} km²  {gain:+6,.0f} km² since the month before")

# %% [markdown]
# ## The forecasts against the baselines
#
# The table in words, as `ceasefire backtest --front` prints it: the RMSE over every
# (origin, lead) pair with an observation, per lead, and the parameters fitted at each
# origin.

# %%
print("\n".join(front.lines()))

# %% [markdown]
# The figure: the observed line (black), each origin's model forecast (blue), the six-month
# trend (orange, dotted) and no change (grey, dashed), each started from the observed line
# at its origin.

# %%
show(backtest_figure(None, front))

# %% [markdown]
# Origin by origin (RMSE over the twelve leads, km²):

# %%
names = ("model", "model_inputs_held", "persistence", "trend")
print(f"{'origin':>7}  {'model':>7}  {'inputs held':>11}  {'persistence':>11}  {'trend':>7}")
for n, origin in enumerate(front.origins):
    cells = [rmse(front.forecasts[k][n], front.target_km2[n]) for k in names]
    widths = (7, 11, 11, 7)
    print(f"{origin:>7}  " + "  ".join(f"{c:>{w},.0f}" for c, w in zip(cells, widths, strict=True)))

# %% [markdown]
# ## What the front's back-test says, and why
#
# **The front is not a random walk.** Persistence (no change) is the worst forecast at
# every lead: the front kept moving, and any model of its pace beats standing still.
#
# **The model beats the six-month trend** over all leads (about 680 against 740 km² RMSE
# conditional on the observed inputs, about 440 with the inputs held at their values at the
# origin), and at every lead. From 2026 its forecasts fall below the observed line: with
# Urals at about $40 and the EU loan funding Ukraine's defence, the capacity balance in the
# model tips against Russia and the front slows, while the observed front kept creeping
# forward. The real front has inertia the capacity-balance drift does not carry.
#
# **The two parameters are not identified early, hence the prior.** On a short, nearly
# straight stretch of the front only the product `k (s - s*)` -- the drift -- is identified,
# not the scale `k` and the stalemate share `s*` apart. Fitted by plain least squares
# (`ceasefire backtest --front --least-squares`, the fit before session 5) most early origins
# run to the edge of the search box (a scale of 15,000 km² a month), a large scale then
# amplifies every later change of input, and the model loses to the trend (about 1,170 km²;
# 1,320 with the inputs held). The fit is now the posterior mode with a log-normal prior on
# the scale: the search box itself as its ±2 sd, no new number (narrower boxes had been seen
# to score better before it was chosen; tighter priors, which score better still, were not
# adopted: `docs/MODEL.md`). The fitted scales then grow with the data, from about 3,100
# (Jan 2025) to 7,500 (Aug 2025), towards the 6,100 fitted on the whole series. On the older
# back-test scenario `history_2024` (fewer dated inputs, July 2024 start) the same procedure
# gives 186 km² conditional on its inputs and 546 with them held (466 and 1,108 by least
# squares).
#
# **Not a clean test of the structure.** Only the two free parameters are fitted out of
# sample. The structure of the war model and the judgement values of the scenario were set
# by people who had seen the front to August 2026 (`models/history.toml`,
# `models/CALIBRATION.md`).
#
# **Not yet per region.** The model moves one total line; the per-region table
# (`front.regions`) stays empty until the front is modelled per region.

# %% [markdown]
# ## The decisions, each at its own date
#
# `models/data/decisions.toml` records five decisions (June 2024 to December 2025) and how
# each actor answered. Each is evaluated with the state of its month: the front observed
# then, the preferences and inputs of that period, and no dated input that came later
# (`sim.backtest.history`). `p(accept)` is the share of 1,000 seeded draws from the
# scenario's uncertainty ranges in which the actor accepts.

# %%
from sim.backtest.decisions import backtest
from sim.model.scenario import builtin_models_dir

decisions = backtest(builtin_models_dir() / "data" / "decisions.toml", draws=1000, seed=0)
summary = decisions.to_dict()["summary"]
print(
    f"{summary['hits']} of {summary['total']} verdicts right; "
    f"Brier {summary['brier']:.3f}, mean log score {summary['log_score']:.3f}"
)
show(backtest_figure(decisions, front))

# %% [markdown]
# **Every observed verdict is reproduced, but this is consistency, not a forecast.** The
# judgement values were set in 2026, after these decisions, and some come from the
# proposals themselves (the US's ideals after 2025 are sourced from the 28-point plan;
# Ukraine's weight on guarantees cites the 20-point draft). Leave-one-decision-out
# (`ceasefire calibrate`) cannot remove that hindsight.
#
# **Why Russia refuses every ceasefire on the current line.** Its war path keeps gaining and
# it is patient: staying at war is worth more to it than the status quo by a margin no
# freeze closes. That matches the record (the 30-day pause, the freeze of October 2025),
# but the record holds no counter-example to test it against.
#
# **The fragile calls.** Ukraine on the 28-point plan is a coin flip (`p` about 0.5): the
# plan's de facto recognition is not yet a term of the model (issue 17), and it would
# likely make the rejection firmer. Russia's acceptance of the plan rests on its other
# terms (no NATO, relief, limits on Ukraine's army), worth more to it than the war premium.
