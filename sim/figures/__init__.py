"""Figures for articles: one pure function per figure, data in, Figure out.

Every function takes result objects or arrays (never a file or a scenario
name), draws in the article style (:mod:`sim.figures.style`: Okabe-Ito colours,
DejaVu Sans at 7 pt or more, one- or two-column width) and returns a
:class:`matplotlib.figure.Figure` outside pyplot's global state.
:func:`save_figure` writes it to SVG, PDF or PNG, byte-identically for the same
inputs.  Nothing here computes: what a figure needs from the engine, a sweep or
PRIM comes from :mod:`sim.report`, and actors get their colours from
:func:`sim.figures.style.actor_colors` alone.

=====================  ==================================================
function               figure
=====================  ==================================================
``zopa_diagram``       acceptable lines per actor, the ZOPA, solutions
``ripeness_timeline``  the ZOPA month by month, windows, dated events
``phase_map``          where a ZOPA exists over two swept parameters
``control_map``        control per region and where a feasible line runs
``sobol_bars``         Sobol S1/ST with confidence intervals
``morris_bars``        Morris mu* (with CI) and sigma
``prim_tradeoff``      PRIM coverage vs density, chosen box
``prim_box_ranges``    the chosen box's range per parameter
``utility_frontier``   two actors' frontier, disagreement point, solutions
``subgame_matrices``   bimatrix subgames with their equilibria
=====================  ==================================================
"""

from sim.figures.discovery import prim_box_ranges, prim_tradeoff
from sim.figures.export import save_figure
from sim.figures.frontier import FrontierStyle, utility_frontier
from sim.figures.games import MatrixGame, subgame_matrices, subgame_matrix
from sim.figures.maps import MapStyle, RegionControl, control_map
from sim.figures.phase import phase_map
from sim.figures.sensitivity import MorrisValues, SobolValues, morris_bars, sobol_bars
from sim.figures.style import OKABE_ITO, actor_colors, article_style
from sim.figures.timeline import ripeness_timeline
from sim.figures.topojson import decode_arcs, features
from sim.figures.zopa import zopa_diagram

__all__ = [
    "OKABE_ITO",
    "FrontierStyle",
    "MapStyle",
    "MatrixGame",
    "MorrisValues",
    "RegionControl",
    "SobolValues",
    "actor_colors",
    "article_style",
    "control_map",
    "decode_arcs",
    "features",
    "morris_bars",
    "phase_map",
    "prim_box_ranges",
    "prim_tradeoff",
    "ripeness_timeline",
    "save_figure",
    "sobol_bars",
    "subgame_matrices",
    "subgame_matrix",
    "utility_frontier",
    "zopa_diagram",
]
