"""The control map: regions filled by share, the ZOPA's regions hatched, context in grey."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _figure_inputs import load_map, make_control
from matplotlib.colors import to_hex
from matplotlib.patches import PathPatch

from sim.figures import MapStyle, RegionControl, control_map
from sim.figures.maps import LAND, polygon_path
from sim.figures.style import GREY_DARK
from sim.figures.topojson import features

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}


@pytest.fixture(scope="module")
def topology() -> dict:
    return load_map()


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_map_with_zopa_band(topology):
    now, lower, upper = make_control()
    return control_map(
        topology, "regions", RegionControl(now, lower, upper), style=MapStyle(holder="North")
    )


def region_patches(fig) -> list[PathPatch]:
    """The regions' fills: outlined in dark grey, not hatched (hatching is drawn on top)."""
    return [
        p
        for p in fig.axes[0].patches
        if to_hex(p.get_edgecolor()) == GREY_DARK.lower() and not p.get_hatch()
    ]


def test_each_region_is_filled_by_its_share(topology):
    now, _, _ = make_control()
    fig = control_map(topology, "regions", RegionControl(now), style=MapStyle(color="#000000"))
    patches = region_patches(fig)
    assert len(patches) == 25
    names = [f.name for f in features(topology, "regions") if f.kind == "polygon"]
    # White -> black ramp: the grey level is 1 - share.
    for name, patch in zip(names, patches, strict=True):
        grey = patch.get_facecolor()[0]
        assert grey == pytest.approx(1.0 - now.get(name, 0.0), abs=1 / 255), name


def test_regions_whose_share_moves_inside_the_zopa_are_hatched(topology):
    now, lower, upper = make_control()
    fig = control_map(topology, "regions", RegionControl(now, lower, upper))
    hatched = [p for p in fig.axes[0].patches if isinstance(p, PathPatch) and p.get_hatch()]
    moving = {"Kharkiv", "Donets'k", "Zaporizhzhya"}
    paths = {f.name: polygon_path(f) for f in features(topology, "regions")}
    assert len(hatched) == len(moving)
    for patch in hatched:
        match = [n for n in moving if np.array_equal(patch.get_path().vertices, paths[n].vertices)]
        assert len(match) == 1


def test_hatched_regions_are_labelled_with_their_range_of_shares(topology):
    # Donets'k: 70% under the lowest line, 100% under the highest; Kharkiv: 5% -> 0%.
    now, lower, upper = make_control()
    fig = control_map(topology, "regions", RegionControl(now, lower, upper))
    labels = {t.get_text(): t.get_position() for t in fig.axes[0].texts}
    assert set(labels) == {"70\u2013100%", "70\u201390%", "0\u20135%"}
    points = {f.name: f.properties["label_point"] for f in features(topology, "regions")}
    assert labels["70\u2013100%"] == pytest.approx(tuple(points["Donets'k"]))
    assert labels["0\u20135%"] == pytest.approx(tuple(points["Kharkiv"]))


def test_no_hatching_without_zopa_bounds(topology):
    now, _, _ = make_control()
    fig = control_map(topology, "regions", RegionControl(now))
    assert not [p for p in fig.axes[0].patches if p.get_hatch()]


def test_neighbours_are_grey_and_can_be_left_out(topology):
    now, _, _ = make_control()
    with_land = control_map(topology, "regions", RegionControl(now))
    without = control_map(
        topology,
        "regions",
        RegionControl(now),
        style=MapStyle(neighbours=None, lakes=None, rivers=None),
    )
    grey = [p for p in with_land.axes[0].patches if to_hex(p.get_facecolor()) == LAND.lower()]
    assert len(grey) == 10
    assert len(without.axes[0].patches) == 25
    assert not without.axes[0].collections


def test_map_is_equirectangular_scaled_by_cos_mean_latitude(topology):
    fig = control_map(topology, "regions", RegionControl({}), style=MapStyle(neighbours=None))
    ax = fig.axes[0]
    xy = np.concatenate([r for f in features(topology, "regions") for r in f.parts])
    mean_latitude = 0.5 * (xy[:, 1].min() + xy[:, 1].max())
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians(mean_latitude)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"now": {"Atlantis": 1.0}}, r"control: unknown region\(s\) \['Atlantis'\]"),
        ({"now": {"Crimea": 1.5}}, r"control: shares must lie in \[0, 1\]"),
        ({"now": {}, "lower": {}}, "both lower and upper"),
        ({"now": {}, "lower": {}, "upper": {"Kyiv": 0.5}}, r"upper: unknown region"),
    ],
)
def test_bad_shares_are_refused_by_name(topology, kwargs, message):
    with pytest.raises(ValueError, match=message):
        control_map(topology, "regions", RegionControl(**kwargs))


def test_object_without_polygons_is_refused(topology):
    with pytest.raises(ValueError, match="holds no polygons"):
        control_map(topology, "rivers", RegionControl({}))


# -- each region's own range (issue 18) ---------------------------------------------


def test_the_band_label_can_be_set(topology):
    now, lower, upper = make_control()
    fig = control_map(
        topology,
        "regions",
        RegionControl(now, lower, upper),
        style=MapStyle(holder="North", band_label="each region's own range"),
    )
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "each region's own range" in texts


def test_the_scenario_map_shows_each_regions_own_range():
    import sim
    from sim import report
    from sim.regions import solve_regions  # noqa: F401  (the layer the map reads)

    scenario = sim.load_scenario("baseline")
    result = sim.solve(scenario)
    now, lower, upper = report._regional_control(scenario, result.regions)
    z = result.regions.zone
    names = {r: s.map_name or r for r, s in scenario.model.territory.regions.items()}
    for i, r in enumerate(result.regions.regions):
        area = result.regions.area_km2[i]
        if math.isfinite(z.section_lo[i]):
            assert lower[names[r]] == pytest.approx(z.section_lo[i] / area)
            assert upper[names[r]] == pytest.approx(z.section_hi[i] / area)
        else:  # nothing acceptable in this region alone: no band
            assert lower[names[r]] == upper[names[r]] == now[names[r]]
    fig = report.map_figure(scenario)
    assert any(
        t.get_text().startswith("acceptable to every veto player")
        for t in fig.axes[0].get_legend().get_texts()
    )


def test_the_map_can_show_the_zones_projection():
    # ranges="zone": each region's range over the whole zone (any other region free).  The
    # section through the no-deal line is a slice of the zone, so its range lies inside the
    # projection's wherever it exists; Donetsk, which has no section, has a projection.
    import sim
    from sim import report

    scenario = sim.load_scenario("baseline")
    result = sim.solve(scenario)
    _, lower, upper = report._regional_control(scenario, result.regions, "zone")
    _, s_lower, s_upper = report._regional_control(scenario, result.regions)
    z = result.regions.zone
    names = {r: s.map_name or r for r, s in scenario.model.territory.regions.items()}
    for i, r in enumerate(result.regions.regions):
        name, area = names[r], result.regions.area_km2[i]
        assert lower[name] == pytest.approx(z.lo[i] / area)
        assert upper[name] == pytest.approx(z.hi[i] / area)
        if math.isfinite(z.section_lo[i]):
            assert lower[name] <= s_lower[name] + 1e-9 and s_upper[name] <= upper[name] + 1e-9
    donetsk = names["donetsk"]
    assert s_lower[donetsk] == s_upper[donetsk] and lower[donetsk] < upper[donetsk]
    fig = report.map_figure(scenario, ranges="zone")
    assert any(
        t.get_text().startswith("in the zone of agreement")
        for t in fig.axes[0].get_legend().get_texts()
    )
    from sim.errors import ParameterError

    with pytest.raises(ParameterError, match="ranges: must be one of section, zone"):
        report.map_figure(scenario, ranges="all")
