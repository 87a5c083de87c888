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
# # The forecast: how likely is a ceasefire by a given month, and the midterm clock
#
# With complete information the model agrees the first month a zone of possible agreement
# (ZOPA) is open. Issue 16 gives it **private information** (each side's belief about the
# front's drift is known to the others only up to a spread), **learning while fighting**
# (beliefs updated each month from the front, so optimism and the spread shrink), and **offers
# that can be refused** (each month a proposer, drawn by the recognition probabilities, makes
# the offer that maximises its expected value; Fearon's risk-return trade-off). The result is a
# monthly *hazard* of agreement and `P(agreement by month)`, with bands over the parameters'
# ranges (`sim.forecast`, `ceasefire forecast`). A package the governments agree on must still
# be ratified (issue 17: a referendum where it crosses Ukraine's red lines). Where the war is
# one of attrition (the front's drift small against its noise), a side may also concede: the
# war of attrition's quit rates are a second route to agreement (`[attrition]`,
# `sim.kernels.concession`), combined with the first as independent competing routes.
#
# Questions:
#
# 1. What does the baseline forecast say, and what stands in the way?
# 2. The midterm clock: does the US calendar (the `midterms` event lowers the US discount
#    rate on 3 Nov 2026) change the chance of a ceasefire before and after the election?
# 3. Which assumptions decide it?
# 4. The record: from Jul 2024 no ceasefire was agreed through Aug 2026. What did the model say?

# %% tags=["parameters"]
# Parameters: change these to explore.
SCENARIO = "baseline"
EVENT = "midterms"  # the dated event of the midterm clock
DRAWS = 200  # parameter sets drawn from the scenario's ranges, for the bands
SEED = 0
SCREEN_DPI = 150

# %%
import io

import numpy as np
from IPython.display import Image, display

import sim
from sim.figures.forecast import forecast_curve
from sim.forecast import draw_parameters, forecast


def show(figure):
    """Display a figure as a PNG at screen resolution (the figure functions draw off screen)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=SCREEN_DPI)
    display(Image(png.getvalue()))


scenario = sim.load_scenario(SCENARIO)
result = forecast(scenario, draws=DRAWS, seed=SEED, by="2027-06")
for line in result.lines()[-6:]:
    print(line)

# %% [markdown]
# ## 1. The baseline forecast
#
# The black curve is the forecast at the scenario's own values; the grey band holds 80% of the
# parameter draws and the dashed curve is their average: the chance of a ceasefire when the
# parameters are as uncertain as their ranges say.

# %%
show(forecast_curve(result))
print(f"expected delay: {result.expected_delay_months:.1f} months (censored at the horizon)")
print("line if agreed:", {k: round(v) for k, v in result.line_if_agreed.items()})
print("blockers at the scenario's values:", result.blockers)
print("blockers pooled over the draws:", result.blockers_over_draws)
print(
    "share of P(by Jun 2027) from a side's concession:",
    f"{result.concession_share:.2g} at the scenario's values,",
    f"{result.concession_share_over_draws:.2g} pooled over the draws",
)

# %% [markdown]
# ## 2. The midterm clock
#
# The same forecast without the event (each parameter it sets keeps its value from before the
# election), read before the election (Oct 2026) and after it (Jun 2027).

# %%
event = scenario.model.events[EVENT]
changed = list(event.set)
without = scenario.with_params({f"events.{EVENT}.set.{p}": scenario.get(p) for p in changed})
for name, s in (("with the midterms", scenario), ("without them", without)):
    f = forecast(s, draws=DRAWS, seed=SEED)
    before = f.months.index("2026-10")
    after = f.months.index("2027-06")
    print(
        f"{name:18}: P(by Oct 2026) {f.p_agreement_by[before]:.2f} "
        f"(mean of draws {f.p_mean[before]:.2f}); "
        f"P(by Jun 2027) {f.p_agreement_by[after]:.2f} (mean {f.p_mean[after]:.2f})"
    )

# %% [markdown]
# Where the two lines print the same numbers, the US calendar does not move the forecast: the
# zone is open (or closed) for reasons the election does not touch, and once it is open the
# little that the sides do not know of each other delays a deal by weeks, not years.
#
# ## 3. Which assumptions decide it?
#
# `sim.evaluate` returns `p_agreement_12m` for every parameter set (the same hazard as the
# forecast, set by set). Over the draws, the correlation of each ranged parameter with it shows
# what separates the worlds with a ceasefire within a year from those without.

# %%
params = draw_parameters(scenario, DRAWS, SEED)
p12 = sim.evaluate(scenario, params)["p_agreement_12m"]
print(f"P(agreement within 12 months), mean over the draws: {p12[1:].mean():.2f}")
corr = {
    path: float(np.corrcoef(values[1:], p12[1:])[0, 1])
    for path, values in params.items()
    if np.std(values[1:]) > 0 and np.std(p12[1:]) > 0
}
for path, c in sorted(corr.items(), key=lambda kv: -abs(kv[1]))[:6]:
    print(f"  {c:+.2f}  {path}")

# %% [markdown]
# ## 4. The record
#
# The history scenario from Jul 2024: no ceasefire was agreed through Aug 2026.

# %%
history = forecast("history", start="2024-07", by="2026-08", draws=DRAWS, seed=SEED)
print(history.sentence())
print("blockers:", history.blockers, "pooled over the draws:", history.blockers_over_draws)
print(f"share from a concession: {history.concession_share:.2g}")
show(forecast_curve(history))

# %% [markdown]
# The model agrees with the record: a ceasefire by Aug 2026 has a probability of about 0.01 at
# the scenario's own values. In most months no line is better than war for every veto player
# (`no_zopa`). Where a zone opens (after the change of US administration in Jan 2025), the
# package crosses Ukraine's red lines (the army cap, and a line beyond the status quo) and the
# referendum the polls describe fails (`ratification`). The private information the scenario
# can source moves the acceptable lines by at most a few thousand km2, so `uncertainty` is a
# small part. Attrition adds almost nothing. The front moved 79-595 km2 a month, mostly well
# beyond its noise of 165 km2, so the war was seldom a stalemate. Where it was, quitting is slow
# (the zone is worth years of fighting to each side), and a concession must be ratified too.
# See `docs/MODEL.md`, the section on agreement under uncertainty.
