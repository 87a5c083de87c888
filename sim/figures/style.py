"""The article style: one ``.mplstyle``, one palette, two column widths.

Every figure function in :mod:`sim.figures` draws inside :func:`article_style`
and sizes its figure with :func:`new_figure`, so that all figures share fonts
(DejaVu Sans, never below 7 pt at printed size), line weights and colours.

The palette is Okabe and Ito's eight colours, chosen to stay distinguishable
under the common forms of colour-vision deficiency (Okabe, M. & Ito, K., 2008,
*Color Universal Design*, https://jfly.uni-koeln.de/color/).  Actors get a fixed
colour: the scenario's own when it names one, otherwise the palette's colours in
the scenario's actor order.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib.resources.abc import Traversable
from typing import Any, Literal, TypeVar

import matplotlib as mpl
import matplotlib.style
from matplotlib.figure import Figure

#: The Okabe-Ito colours by name (hex sRGB).
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Actor colours in the order they are handed out when a scenario names none.
#: Black is kept for the status quo and the solution concepts; yellow, the
#: palest, comes last.
ACTOR_PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
)

#: Neutral colours for what belongs to no actor.
GREY_DARK = "#4D4D4D"
GREY = "#999999"
GREY_LIGHT = "#DDDDDD"

#: Printed widths of a journal's one- and two-column figures (mm).
COLUMN_WIDTH_MM: dict[str, float] = {"one": 89.0, "two": 183.0}

MM_PER_INCH = 25.4

Width = Literal["one", "two"]

F = TypeVar("F", bound=Callable[..., Any])


def style_path() -> Traversable:
    """Location of the shipped ``article.mplstyle``."""
    return importlib.resources.files("sim.figures").joinpath("article.mplstyle")


@contextlib.contextmanager
def article_style() -> Iterator[None]:
    """Apply the article style to everything created (and saved) inside the block.

    matplotlib reads most settings when an artist is created and a few
    (fonts types, the SVG hash salt) when a file is written, so both drawing
    and saving run inside this context.  The style is applied on top of
    matplotlib's defaults, not of the user's settings (a ``matplotlibrc``, a
    notebook's rcParams), so the same inputs give the same figure everywhere.
    """
    with (
        importlib.resources.as_file(style_path()) as path,
        mpl.style.context(["default", str(path)]),
    ):
        yield


def styled(func: F) -> F:
    """Decorator: run a figure function inside :func:`article_style`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with article_style():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def column_width_inches(width: str) -> float:
    """Printed width in inches of a ``"one"``- or ``"two"``-column figure."""
    if width not in COLUMN_WIDTH_MM:
        raise ValueError(f"width must be 'one' or 'two', got {width!r}")
    return COLUMN_WIDTH_MM[width] / MM_PER_INCH


def new_figure(width: str = "one", height_in: float | None = None, aspect: float = 0.7) -> Figure:
    """A new figure at printed size, outside pyplot's global state.

    Parameters
    ----------
    width : {"one", "two"}
        One column (89 mm) or two columns (183 mm).
    height_in : float, optional
        Height in inches; by default ``aspect`` times the width.
    aspect : float
        Height over width when ``height_in`` is not given.

    Call inside :func:`article_style` (the figure functions are decorated with
    :func:`styled`) so that the style's layout settings apply.
    """
    width_in = column_width_inches(width)
    height = aspect * width_in if height_in is None else height_in
    if not height > 0:
        raise ValueError(f"figure height must be positive, got {height!r}")
    return Figure(figsize=(width_in, height))


def actor_colors(
    actors: Sequence[str], declared: Mapping[str, str] | None = None
) -> dict[str, str]:
    """One colour per actor: the declared one, else the palette's in actor order.

    The one place where actors get colours: the engine assigns none (a result's
    ``actor_colors`` holds only those the scenario file declares,
    ``actors.<key>.color``), and every figure calls this.

    Parameters
    ----------
    actors : sequence of str
        Actor identifiers in the scenario's order.
    declared : mapping, optional
        Colours the scenario declares (any matplotlib colour); the others are
        filled in from :data:`ACTOR_PALETTE` by the actor's position, so an
        actor keeps its colour across every figure of one scenario.

    Examples
    --------
    >>> actor_colors(["a", "b", "c"], {"b": "#111111"})
    {'a': '#0072B2', 'b': '#111111', 'c': '#E69F00'}
    """
    declared = dict(declared or {})
    return {
        actor: declared.get(actor) or ACTOR_PALETTE[index % len(ACTOR_PALETTE)]
        for index, actor in enumerate(actors)
    }


def area_unit(scale: float) -> tuple[float, str]:
    """Divisor and name of the unit for areas of about ``scale`` km2.

    Country-sized areas read best in thousand km2; small worlds (a unit
    territory in a textbook scenario) keep plain km2.
    """
    return (1000.0, "thousand km²") if abs(scale) >= 10_000 else (1.0, "km²")
