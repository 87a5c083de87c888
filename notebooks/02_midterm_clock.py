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
# # The midterm clock: is a deal riper before or after 3 November 2026?
#
# The seed analyses describe an American administration that wants a visible result before the
# midterm elections of 3 November 2026, and a Russia that uses the US calendar but does not
# concede because of it. In the model, the calendar enters through **time preference**: before
# the midterms the US discounts the future steeply (a deal now is worth much more than a deal
# later), afterwards less so. The scenario file writes this as a dated event that lowers the US
# discount rate on election day.
#
# A conflict is **ripe** in the months in which the zone of possible agreement (ZOPA) is not
# empty. This notebook asks three questions:
#
# 1. In which months along the no-deal path does a ZOPA exist, and how does it change over time?
# 2. Does the midterm event change that? We compare the baseline with a world without the event
#    and with different post-midterm US discount rates.
# 3. Under which assumptions would the clock matter?

# %% tags=["parameters"]
# Parameters: change these to explore.
SCENARIO = "baseline"
EVENT = "midterms"  # the key of the dated event under [events] in the scenario file
RATE_POINTS = 9  # post-event US discount rates, across the event's uncertainty range
# A what-if for question 3: a US that cares mostly about where the line runs (the weight of
# the line in its utility; the other terms' weights sum to 0.5, and weights are normalised).
WHAT_IF = {"actors.us.utility.line.weight": 2.5}
SCREEN_DPI = 150

# %%
import io

import matplotlib
import numpy as np
from IPython.display import Image, display
from matplotlib.figure import Figure

import sim
from sim import report
from sim.figures import actor_colors, article_style


def show(figure):
    """Display a figure as a PNG at screen resolution (the figure functions draw off screen)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=SCREEN_DPI)
    display(Image(png.getvalue()))


scenario = sim.load_scenario(SCENARIO)
timeline = sim.timeline(scenario)
for sentence in timeline.explanation:
    print(sentence)

# %% [markdown]
# ## The ZOPA month by month
#
# The timeline follows the expected no-deal path for the scenario's horizon. The thick black line
# is where the front is expected to be. Each actor's lowest acceptable line is drawn solid and its
# highest dashed, in the actor's colour (actors whose bounds lie far off the chart are left out).
# The grey band is the ZOPA. The months in which it exists (the windows) are shaded through the
# whole height, and dated events are marked with a dotted line.

# %%
show(report.timeline_figure(scenario))

# %% [markdown]
# ## What the event changes
#
# An event sets new values of some parameters from its date on. Removing it is the same as
# setting each of those parameters, after the event, to the value it had before.

# %%
event = scenario.model.events[EVENT]
event_month = scenario.event_month(event.date)
changed = list(event.set)
print(
    f"{event.label}: {event.date}, month {event_month} of the path ({scenario.month_label(0)} = 0)"
)
for path in changed:
    after = scenario.get(f"events.{EVENT}.set.{path}")
    print(f"  {report.parameter_label(scenario, path)}: {scenario.get(path):g} -> {after:g}")

without_event = scenario.with_params({f"events.{EVENT}.set.{p}": scenario.get(p) for p in changed})
timeline_without = sim.timeline(without_event)

# %% [markdown]
# ## With and without the midterm event
#
# We compare the two timelines month by month: the ZOPA's bounds, and the bounds of every actor.

# %%
shift_zopa = max(
    np.nanmax(np.abs(timeline.lo_km2 - timeline_without.lo_km2)),
    np.nanmax(np.abs(timeline.hi_km2 - timeline_without.hi_km2)),
)
print(f"windows with the event:    {timeline.windows}")
print(f"windows without the event: {timeline_without.windows}")
print(f"largest shift of a ZOPA bound over the horizon: {shift_zopa:,.0f} km²")
for actor in timeline.bounds:
    shifts = [
        np.nanmax(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0)
        for a, b in zip(timeline.bounds[actor], timeline_without.bounds[actor], strict=True)
    ]
    print(f"  {timeline.actor_labels[actor]:<15} its bounds move by up to {max(shifts):,.0f} km²")

# %% [markdown]
# The event moves only the actor whose parameter it changes, the United States, and that actor's
# bounds move by far less than their distance from the ZOPA. The `convergence` of the timeline
# measures that distance. It is Russia's lowest acceptable line minus each other actor's highest:
# a positive value means the two are still apart, a negative one that they overlap by that much.

# %%
first_side = scenario.model.war.sides[0]
for actor, gap in timeline.convergence.items():
    label = timeline.actor_labels[actor]
    print(
        f"{timeline.actor_labels[first_side]}'s minimum vs {label}'s maximum: "
        f"{gap[0]:+,.0f} km² now, {gap[event_month + 1]:+,.0f} km² after the event, "
        f"{gap[-1]:+,.0f} km² at the horizon"
    )

# %% [markdown]
# ## Different post-midterm discount rates
#
# How patient the US becomes after the election is a judgement, so the scenario gives the
# post-event rate an uncertainty range. We run every rate in that range at once
# (`sim.evaluate` takes arrays) in the month before the election and in the month after it, and
# follow the US's reservation utility (what fighting on is worth to it, per month) along the
# whole path.

# %%
rate_path = f"events.{EVENT}.set.{changed[0]}"
low, high = scenario.uncertainty_range(rate_path)
rates = np.linspace(low, high, RATE_POINTS)
before, after = max(event_month - 1, 0), event_month + 1
at = {m: sim.evaluate(scenario, {rate_path: rates}, month=m) for m in (before, after)}
print(f"{'post-event rate':>15} | {'ZOPA before (k km²)':>20} | {'ZOPA after (k km²)':>20}")
for k, rate in enumerate(rates):
    spans = [
        f"{at[m]['zopa_lo_km2'][k] / 1e3:7.2f} to {at[m]['zopa_hi_km2'][k] / 1e3:7.2f}"
        if at[m]["zopa_exists"][k]
        else f"{'none':>18}"
        for m in (before, after)
    ]
    print(f"{rate:>15.3f} | {spans[0]:>20} | {spans[1]:>20}")

# %%
us = changed[0].split(".")[1]  # the actor whose rate the event changes
curves = {rate: sim.timeline(scenario.with_params({rate_path: rate})) for rate in rates}
months = np.array(timeline.months, dtype="datetime64[M]")
colors = actor_colors(scenario.actors, timeline.actor_colors)

with article_style():
    figure = Figure(figsize=(183 / 25.4, 2.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    shades = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, rates.size))
    accepted = [np.asarray(bound) / 1e3 for bound in timeline.bounds[us]]
    right.fill_between(
        months,
        *accepted,
        color=colors[us],
        alpha=0.2,
        lw=0,
        label=f"lines the {timeline.actor_labels[us]} accepts",
    )
    right.fill_between(
        months, timeline.lo_km2 / 1e3, timeline.hi_km2 / 1e3, color="#4D4D4D", lw=0, label="ZOPA"
    )
    for shade, (rate, curve) in zip(shades, curves.items(), strict=True):
        left.plot(months, curve.reservation[us], color=shade, lw=0.9, label=f"{rate:.2f}")
        for bound in curve.bounds[us]:
            right.plot(months, bound / 1e3, color=shade, lw=0.9)
    for ax in (left, right):
        ax.axvline(np.datetime64(event.date, "M"), color="#4D4D4D", lw=0.6, ls=":")
    left.set_title(f"(a) {timeline.actor_labels[us]}: reservation utility")
    left.set_ylabel("utility per month")
    left.legend(title="rate after the event", ncols=3, fontsize=6)
    right.set_title("(b) Acceptable lines (one pair of edges per rate)")
    right.set_ylabel(f"{report.line_axis_label(scenario)} (thousand km²)")
    right.set_ylim(0, None)
    right.legend(loc="center right", framealpha=1.0, frameon=True, edgecolor="none")
show(figure)

# %% [markdown]
# **Panel (a)** shows the event at work: the US's reservation utility depends on the post-event
# rate, and it does so even *before* the election, because the value of fighting on today includes
# the months after it. **Panel (b)** shows why the ZOPA does not move. The US accepts every line
# between its two curves (one pair per rate), a range far wider than the ZOPA (grey). The war
# sides' bounds set the zone, and they do not depend on the US rate.

# %% [markdown]
# ## When would the clock matter?
#
# It would matter if the US's own constraint were binding, that is, if the US accepted only a
# narrow band of lines. One way is a US that cares mostly about where the line runs. Its ideal
# line is the current contact line, so a large weight on the line makes it reject lines far from
# the front. `WHAT_IF` raises that weight. We repeat the comparison of post-event rates in that
# world.

# %%
what_if = scenario.with_params(WHAT_IF)
at_what_if = {m: sim.evaluate(what_if, {rate_path: rates}, month=m) for m in (before, after)}
labels = {
    bit: " and ".join(
        what_if.model.actors[a].label for i, a in enumerate(what_if.actors) if bit >> i & 1
    )
    for bit in np.unique(at_what_if[after]["binding"])
}
print(f"{'post-event rate':>15} | {'lowest line before':>18} | {'lowest line after':>18} | binding")
for k, rate in enumerate(rates):
    print(
        f"{rate:>15.3f} | {at_what_if[before]['zopa_lo_km2'][k]:>18,.0f} | "
        f"{at_what_if[after]['zopa_lo_km2'][k]:>18,.0f} | "
        f"{labels[at_what_if[after]['binding'][k]]}"
    )

# %% [markdown]
# In this world the US sets the ZOPA's lowest line, and the post-election rate moves it by a few
# thousand km²: the more impatient the US stays, the narrower the band of lines it accepts around
# the current front. The difference between the month before and the month after the election
# is small, because the US already anticipates its post-election patience.
#
# **What the notebook shows, and under which assumptions.** In the baseline, the zone of possible
# agreement exists in every month of the horizon, and the US midterms do not change it. The US's
# acceptable range is much wider than the two war sides' ranges, so its impatience is not what
# stands between the parties. The result rests on the calibration of the US's utility (a small
# weight on the line, with its ideal at the current front), on the dated event as the only channel
# of the calendar, and on the deterministic no-deal path (mean-field; Monte Carlo paths are
# available through `sim.timeline(..., paths=N)`). It does not mean the calendar cannot matter. It
# matters in worlds where the US holds a real veto on the line.
