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
# # Russia's fallback: China's support and secondary sanctions
#
# An actor's bargaining position depends on its **outside option**, what it gets if talks fail.
# For Russia, the seed analyses point to China: a comprehensive "grand deal" agreed between Putin
# and Xi as insurance if the talks with the US fail, and China's role as the largest buyer of
# Russian crude. The US lever against that is **secondary sanctions** on the buyers of Russian oil.
#
# In the model, China has no veto over a ceasefire. It acts through Russia's war path:
#
# * a strategic subgame between the US and China (`games.sanctions_china`): the US imposes
#   secondary sanctions or holds off, China keeps buying or cuts its purchases. The selected
#   equilibrium sets the share of China's purchases of Russian oil that survives (`kept_share`),
#   which scales the part of Russia's oil revenue sold to China;
# * China's direct support to Russia's war economy (dual-use goods, trade), a capacity term in
#   bn USD a month (`war.capacity.russia.china_support`).
#
# Russia's capacity moves the front, and the front moves every actor's reservation value, so both
# channels move the ZOPA. This notebook asks: when do sanctions make China cut, and how much do
# sanctions and China's support move the zone of possible agreement?

# %% tags=["parameters"]
# Parameters: change these to explore.
SCENARIO = "baseline"
GAME = "sanctions_china"  # the subgame between the sanctioner and the buyer
SANCTION = f"games.{GAME}.params.sanction_cost"  # what the sanctions cost the buyer (bn USD/yr)
SUPPORT = "war.capacity.russia.china_support.factors.bn_per_month"  # China's direct support
CURVE_POINTS = 200  # points along the sanctions-cost axis
GRID_POINTS = 30  # the phase map is GRID_POINTS x GRID_POINTS parameter sets
SCREEN_DPI = 150

# %%
import io
import textwrap

import numpy as np
from IPython.display import Image, display
from matplotlib.figure import Figure

import sim
from sim import report
from sim.figures import article_style
from sim.games import describe_subgame, evaluate_subgames


def show(figure):
    """Display a figure as a PNG at screen resolution (the figure functions draw off screen)."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=SCREEN_DPI)
    display(Image(png.getvalue()))


scenario = sim.load_scenario(SCENARIO)
result = sim.solve(scenario)
game = scenario.model.games[GAME]
params = {name: scenario.get(f"games.{GAME}.params.{name}") for name in game.params}
subgame = describe_subgame(game.kind, params, game.selection)
print(game.label)
for name, value in params.items():
    print(f"  {name:<18} {value:g}")
print(
    f"selected ({subgame.chosen.rule_applied}): "
    f"{subgame.row_actions[subgame.chosen.row_mix.argmax()]}"
    f" / {subgame.col_actions[subgame.chosen.col_mix.argmax()]}; effects {subgame.effects}"
)

# %% [markdown]
# ## The subgames at the baseline's values
#
# Each panel is a two-player game in normal form: the row player's payoff first, the column
# player's second, in bn USD a year as each player values it. A starred cell is a pure Nash
# equilibrium; a mixed equilibrium is written under the matrix with each player's probabilities.
# The last line says which equilibrium the scenario's selection rule picks. Its expected effects
# feed the war model.

# %%
show(report.games_figure(scenario))

# %% [markdown]
# In the top-left game the US imposes sanctions and China keeps buying. For China the sanctions
# cost ($2bn a year) less than it would give up by cutting its purchases, the cut share `f` times
# the discount it gets on Russian oil `D` (0.5 x $8bn). Since China never cuts, all of its
# purchases survive: sanctions on China leave Russia's revenue intact.
#
# ## When do sanctions make China cut?
#
# We solve the game for many values of the sanctions cost at once (the closed form for 2x2 games
# runs on arrays) and read off the share of China's purchases that survives and the probability
# that the US imposes.

# %%
low, high = scenario.uncertainty_range(SANCTION)
costs = np.linspace(low, high, CURVE_POINTS)
config = {
    "kind": game.kind,
    "selection": game.selection,
    "params": {**params, SANCTION.rsplit(".", 1)[1]: costs},
}
effects = evaluate_subgames({GAME: config})[GAME]
flip = costs[np.argmax(effects["kept_share"] < effects["kept_share"][0])]
print(
    f"China starts to cut at a sanctions cost of about {flip:.2f} bn USD/yr; "
    f"f x D = {params['cut_share'] * params['discount_value']:.2f}"
)

# %% [markdown]
# Above the threshold `f x D` the game has no pure equilibrium. It becomes an *inspection game*:
# the US imposes with just the probability that leaves China indifferent, and China keeps buying
# with just the probability that leaves the US indifferent. China's mix then depends on the US's
# payoffs, not on China's own costs, so raising the sanctions cost further makes the US impose
# *less* often without making China cut more (Tsebelis 1990).
#
# ## How sanctions and China's support move the ZOPA
#
# Now the whole model: `sim.evaluate` runs the war path and the reservation values for every
# sanctions cost at once, and separately for every level of China's direct support.

# %%
by_cost = sim.evaluate(scenario, {SANCTION: costs})
support_low, support_high = scenario.uncertainty_range(SUPPORT)
supports = np.linspace(support_low, support_high, CURVE_POINTS)
by_support = sim.evaluate(scenario, {SUPPORT: supports})
russia = scenario.model.war.sides[0]

with article_style():
    figure = Figure(figsize=(183 / 25.4, 2.5), layout="constrained")
    game_ax, cost_ax, support_ax = figure.subplots(1, 3)
    game_ax.plot(costs, effects["kept_share"], color="#000000", label="China's purchases kept")
    game_ax.plot(costs, effects["imposed"], color="#0072B2", ls="--", label="US imposes (prob.)")
    game_ax.axvline(flip, color="#999999", lw=0.6, ls=":")
    game_ax.set_ylim(0.0, 1.05)
    game_ax.set_xlabel("sanctions cost to China (bn USD/yr)")
    game_ax.set_title("(a) The sanctions game")
    game_ax.legend(loc="lower left")
    for ax, x, out, xlabel, title in (
        (cost_ax, costs, by_cost, "sanctions cost to China (bn USD/yr)", "(b) ZOPA vs sanctions"),
        (
            support_ax,
            supports,
            by_support,
            report.parameter_label(scenario, SUPPORT),
            "(c) ZOPA vs China's support",
        ),
    ):
        ax.fill_between(
            x,
            out["zopa_lo_km2"] / 1e3,
            out["zopa_hi_km2"] / 1e3,
            where=out["zopa_exists"],
            color="#999999",
            lw=0,
            label="ZOPA",
        )
        ax.plot(x, out["nash_km2"] / 1e3, color="#000000", lw=1.0, label="Nash solution")
        ax.axhline(
            result.status_quo_km2 / 1e3, color="#4D4D4D", lw=0.6, ls="--", label="front line now"
        )
        ax.set_xlabel(textwrap.fill(xlabel, 40))
        ax.set_title(title)
    cost_ax.axvline(flip, color="#999999", lw=0.6, ls=":")
    cost_ax.set_ylabel(f"{report.line_axis_label(scenario)} (thousand km²)")
    support_ax.legend(loc="upper left")
show(figure)

# %% [markdown]
# **Panel (a)**: below the threshold China keeps all its purchases, above it 80% of them in
# expectation, whatever the cost. **Panel (b)**: the flip lowers Russia's oil revenue, its
# capacity and its expected gains, and the whole zone shifts to lower lines by about 2,000 km²
# (both bounds move, so the width hardly changes). **Panel (c)**: China's direct support moves
# the zone much more. Over its range of uncertainty the zone slides up by more than 10,000 km²,
# and at the top of the range it reaches past the current front.
#
# ## Both levers together: does a ZOPA survive?
#
# The phase map evaluates a grid of both parameters in one batch and shows where a ZOPA exists,
# with its width as colour. The star marks the baseline.

# %%
grid = report.phase_grid(scenario, SANCTION, SUPPORT, points=GRID_POINTS)
show(report.phase_figure(grid, scenario))
share = float(grid["zopa_exists"].mean())
print(
    f"a ZOPA exists at {share:.0%} of the {GRID_POINTS}x{GRID_POINTS} points; its width ranges "
    f"from {float(grid['zopa_width_km2'].min()):,.0f} to "
    f"{float(grid['zopa_width_km2'].max()):,.0f} km²"
)

# %% [markdown]
# **What the notebook shows, and under which assumptions.** China's support is a strong lever on
# *where* a ceasefire line can fall, and a weak one on *whether* it can. More support strengthens
# Russia's outside option, and both war sides expect a front that moves further in Russia's
# favour. Russia then asks for more, and Ukraine, expecting worse, accepts more. The zone
# therefore moves up, and its width changes little. Secondary sanctions on China matter only
# once they cost China more than the discount it would give up, and even then they move the zone
# by far less than China's support does. These results rest on the payoffs of the sanctions game
# (judgements in bn USD a year, with sources in `models/baseline.toml`), on the payoff-dominant
# selection rule, and on the capacity model that turns money into movement of the front (fitted
# to the 2024-2026 front-line series). Both war sides see the same capacities here; only their
# belief biases differ.
