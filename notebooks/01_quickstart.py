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
# # Quickstart: can a ceasefire line exist today?
#
# This notebook loads the calibrated baseline world (the war in Ukraine as of September 2026),
# solves it, and draws the **zone of possible agreement (ZOPA)** on the territorial line. Sliders
# at the end let you change the actors' patience and the costs of the war and watch the zone move.
#
# **What the model computes.** Five actors (the United States, Russia, Ukraine, Europe, China)
# value what a deal contains: the line (the area Russia holds after the ceasefire) and six other
# terms (NATO, security guarantees, US and EU sanctions relief, limits on Ukraine's forces, frozen
# assets). While nobody agrees, the war goes on: the front moves with the balance of the two
# sides' capacities, costs pile up, and after 60 months the war freezes on the line reached. Each
# actor's **reservation value** is what fighting on is worth to it, discounted at its own rate and
# computed on *its own* beliefs about the front. An actor accepts a deal when the deal's utility
# per month is at least the constant monthly utility that is worth as much as fighting on. The
# ZOPA is the set of lines that every actor with a veto accepts, with the other terms of the deal
# held at the scenario's default settings.
#
# Everything below uses the public API: `sim.load_scenario`, `sim.solve`, `sim.evaluate` and the
# figure functions of `sim.figures`.

# %% tags=["parameters"]
# Parameters: change these to explore another world or month.
SCENARIO = "baseline"  # a built-in scenario name or a path to a TOML file
MONTH = None  # None: the scenario's own date; or a month such as "2027-06"
SCREEN_DPI = 150  # figures are sized for print (89 or 183 mm wide); this enlarges them on screen
SLIDER_STEPS = 40  # positions per slider

# %%
import io

from IPython.display import Image, display

import sim
from sim import report


def show(figure):
    """Display a figure as a PNG at screen resolution (the figure functions draw off screen)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=SCREEN_DPI)
    display(Image(png.getvalue()))


scenario = sim.load_scenario(SCENARIO)
result = sim.solve(scenario, MONTH)
print(scenario.title)
print()
for sentence in result.explanation:
    print(sentence)

# %% [markdown]
# ## Who accepts which lines?
#
# Each actor's acceptable lines form an interval (its utility is single-peaked in the line). The
# table lists the interval in thousand km² and as a share of Ukraine's territory, and whether the
# actor can veto the default deal. An actor without a veto (China here; Europe when the deal does
# not touch EU sanctions or the frozen assets) still has preferences, but it cannot block the deal.


# %%
def km2(value):
    """A line in thousand km² and as a share of the territory."""
    return f"{value / 1000:7.1f}k ({value / result.total_km2:5.1%})"


print(f"{'actor':<16} {'veto':<5} {'lowest acceptable':>20} {'highest acceptable':>20}")
for actor in result.actors:
    lowest, highest = result.acceptable[actor]
    veto = "yes" if actor in result.veto_players else "no"
    print(f"{result.actor_labels[actor]:<16} {veto:<5} {km2(lowest):>20} {km2(highest):>20}")
print()


def zopa_words(solved):
    """The ZOPA of a solved scenario in one line."""
    zopa = solved.zopa
    who = " and ".join(solved.actor_labels[a] for a in zopa.binding)
    if zopa.exists:
        return f"ZOPA from {km2(zopa.lo_km2)} to {km2(zopa.hi_km2)} (bounds set by {who})"
    return f"no ZOPA: the bounds of {who} cross by {zopa.gap_km2:,.0f} km²"


print(f"status quo (the front line now): {km2(result.status_quo_km2)}")
print(zopa_words(result))
for concept, line in result.solutions.items():
    print(f"  {concept:<18} predicts {km2(line)}")

# %% [markdown]
# ## The ZOPA diagram
#
# One row per actor: the band is the range of lines it accepts, in its fixed colour (pale when it
# has no veto; an arrow when the range runs off the chart). The grey column is the ZOPA, the
# lines every veto player accepts. Below it, the lines the standard bargaining solutions predict
# inside the zone (Nash, Kalai-Smorodinsky, Rubinstein's alternating offers, n-party unanimity
# bargaining), then the named deals of 2024-2025 with the actors that would veto them today, and
# the reference lines (the 1991 borders, the pre-2022 line, the current contact line, all of
# Donbas, the four oblasts Russia claims plus Crimea). The dark vertical line is the status quo.

# %%
show(report.zopa_figure(scenario, month=MONTH))

# %% [markdown]
# **What it says, and under which assumptions.** In the baseline a zone exists, and it lies
# *below* the current contact line: Russia's minimum is a line short of what it holds now. That is
# not a claim that Russia would give land back for nothing. The ZOPA is computed for a deal whose
# other terms sit at the scenario's default settings (printed below): NATO membership renounced,
# partial guarantees, half of the US sanctions lifted, limits on Ukraine's forces. Those terms are
# worth territory to Russia. The named deals tell the same story from the other side. A freeze
# on the current line without those terms is vetoed by Russia. Russia's own June 2024 terms and
# the 28-point plan are vetoed by Ukraine. The result rests on the calibration of the utilities
# (weights and ideal points, mostly judgement, each with its source in `models/baseline.toml`)
# and on each side's optimism about the front. Notebook 05 maps where the zone closes.

# %%
for dimension, setting in result.settings.items():
    label = scenario.model.dimensions[dimension].label
    print(f"{label:<45} {setting:.2f}  (0 = no deal's value ... 1 = fully granted)")

# %% [markdown]
# ## Sliders: patience and the costs of war
#
# Each slider moves one parameter across the uncertainty range that the scenario file gives it.
# The discount rates say how impatient an actor is (per year: the monthly discount factor is
# `exp(-r / 12)`). An impatient actor gives less weight to the months ahead, so its reservation
# value depends more on the war's present costs and less on the line it expects to reach later.
# The cost parameters scale what a month of war costs the actor. Russia's and Ukraine's
# casualties are per month, valued at a fixed utility per casualty. The US political cost is the
# utility lost per month of an unfinished war, and it peaks at the midterms. Moving a slider
# re-solves the scenario (a few hundredths of a second) and redraws the diagram.

# %%
import ipywidgets as widgets

SLIDERS = [
    "actors.russia.discount_rate",
    "actors.ukraine.discount_rate",
    "actors.us.discount_rate",
    "actors.russia.costs.casualties.quantity",
    "actors.ukraine.costs.casualties.quantity",
    "actors.us.costs.political.utility_per_unit",
]
# Only the paths this scenario has (another scenario may name its actors differently).
SLIDERS = [path for path in SLIDERS if path in scenario.parameter_paths()]
KEYS = {path.replace(".", "__"): path for path in SLIDERS}


def slider(path):
    """A slider over the parameter's uncertainty range (else half to twice its value)."""
    value = scenario.get(path)
    low, high = scenario.uncertainty_range(path) or (0.5 * value, 2.0 * value)
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=(high - low) / SLIDER_STEPS,
        description=report.parameter_label(scenario, path),
        readout_format=".3g",
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="95%"),
    )


def zopa_with(**values):
    """Solve the scenario with the sliders' values; print the ZOPA and draw the diagram."""
    changed = scenario.with_params({KEYS[key]: value for key, value in values.items()})
    solved = sim.solve(changed, MONTH)
    print(zopa_words(solved))
    figure = report.zopa_figure(changed, month=MONTH)
    show(figure)
    return solved


controls = widgets.interactive(zopa_with, **{key: slider(path) for key, path in KEYS.items()})
display(controls)

# %% [markdown]
# The widget needs a live kernel. Here is one static run of the same function, so that the
# notebook also shows a result when it runs without one (in CI, or as an exported page): a
# Russia that discounts the future at the top of its range, e.g. because it doubts that time is
# on its side.

# %%
impatient_russia = {key: scenario.get(path) for key, path in KEYS.items()}
impatient_russia["actors__russia__discount_rate"] = scenario.uncertainty_range(
    "actors.russia.discount_rate"
)[1]
static = zopa_with(**impatient_russia)
print(
    f"ZOPA width: {result.zopa.width_km2:,.0f} km² in the baseline, "
    f"{static.zopa.width_km2:,.0f} km² with an impatient Russia"
)

# %% [markdown]
# A more impatient Russia widens the zone. Its reservation value leans on the present months of
# war, which are costly, and less on the territory it expects to gain, so it accepts lower lines.
# The same logic is why patience counts as bargaining power in Rubinstein's model.
#
# **Next:** `02_midterm_clock` (when does the zone open or close?), `03_russias_fallback` (China's
# support and secondary sanctions), `04_ceasefire_first` (the commitment problem),
# `05_where_can_a_line_exist` (sweeps, scenario discovery and sensitivity).
