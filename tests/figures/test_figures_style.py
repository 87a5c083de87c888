"""The article style: printed sizes, readable text, fixed colours, no leaking user settings."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from _figure_inputs import (
    PARAMETERS,
    load_map,
    make_control,
    make_frontier,
    make_phase_dataset,
    make_sobol,
    make_solve_result,
    make_timeline,
)
from matplotlib.text import Text

from sim.figures import (
    MatrixGame,
    MorrisValues,
    SobolValues,
    morris_bars,
    phase_map,
    prim_box_ranges,
    prim_tradeoff,
    ripeness_timeline,
    save_figure,
    sobol_bars,
    subgame_matrix,
    utility_frontier,
    zopa_diagram,
)
from sim.figures.maps import RegionControl, control_map
from sim.figures.style import (
    ACTOR_PALETTE,
    OKABE_ITO,
    actor_colors,
    article_style,
    new_figure,
    style_path,
)


def every_figure(width: str):
    now, lower, upper = make_control()
    u1, u2 = make_frontier()
    yield "zopa-open", zopa_diagram(make_solve_result(), width=width)
    yield "zopa-closed", zopa_diagram(make_solve_result(open_zopa=False), width=width)
    yield "timeline", ripeness_timeline(make_timeline(), width=width)
    yield "phase", phase_map(make_phase_dataset(), width=width)
    yield "map", control_map(load_map(), "regions", RegionControl(now, lower, upper), width=width)
    yield "sobol", sobol_bars(PARAMETERS, SobolValues(**make_sobol()), width=width)
    yield (
        "morris",
        morris_bars(["a", "b"], MorrisValues([1.0, 2.0], [0.1, 0.1], [0.5, 0.2]), width=width),
    )
    yield "prim", prim_tradeoff([1.0, 0.5], [0.4, 0.9], chosen=1, width=width)
    yield "box", prim_box_ranges(["a"], [0.0], [1.0], [0.2], [0.5], width=width)
    yield "frontier", utility_frontier(u1, u2, (0.3, 0.2), {"Nash": (0.6, 0.6)}, width=width)
    yield (
        "game",
        subgame_matrix(
            MatrixGame(
                np.eye(2),
                np.eye(2),
                row_actions=("a", "b"),
                col_actions=("c", "d"),
                equilibria=(([1, 0], [1, 0]), ([0.5, 0.5], [0.5, 0.5])),
            ),
            width=width,
        ),
    )


@pytest.mark.parametrize(("width", "mm"), [("one", 89.0), ("two", 183.0)])
def test_figures_have_the_printed_column_width(width, mm):
    assert new_figure(width).get_size_inches()[0] * 25.4 == pytest.approx(mm)
    for name, fig in every_figure(width):
        assert fig.get_size_inches()[0] * 25.4 == pytest.approx(mm), name


@pytest.mark.parametrize("width", ["one", "two"])
def test_all_text_is_dejavu_sans_at_7_points_or_more(width):
    for name, fig in every_figure(width):
        fig.draw_without_rendering()
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        assert texts, name
        for text in texts:
            assert text.get_fontsize() >= 7, (name, text.get_text(), text.get_fontsize())
            assert text.get_fontname() == "DejaVu Sans", (name, text.get_text())


def test_user_settings_do_not_leak_into_figures(tmp_path):
    plain = save_figure(zopa_diagram(make_solve_result()), tmp_path / "plain.svg")
    with mpl.rc_context({"font.size": 20, "lines.linewidth": 5, "axes.grid": True}):
        tweaked = save_figure(zopa_diagram(make_solve_result()), tmp_path / "tweaked.svg")
    assert plain.read_bytes() == tweaked.read_bytes()


def test_style_is_shipped_with_embedded_fonts():
    text = style_path().read_text()
    assert "pdf.fonttype: 42" in text and "ps.fonttype: 42" in text
    with article_style():
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["svg.hashsalt"] == "ceasefire"
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert mpl.rcParams["svg.hashsalt"] != "ceasefire"


def test_actor_colours_are_fixed_by_order_unless_given():
    colors = actor_colors(["a", "b", "c"], {"b": "#111111"})
    assert colors == {"a": ACTOR_PALETTE[0], "b": "#111111", "c": ACTOR_PALETTE[2]}
    many = actor_colors([str(i) for i in range(9)])
    assert many["7"] == ACTOR_PALETTE[0] and many["8"] == ACTOR_PALETTE[1]
    assert set(ACTOR_PALETTE) <= set(OKABE_ITO.values())
