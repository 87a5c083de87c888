"""TopoJSON decoding: known answers, a round trip against an encoder written here, the real map."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from _figure_inputs import MAP_FILE, square_topology
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.figures.topojson import decode_arcs, features


def test_reversed_arc_and_quantisation_give_known_coordinates():
    left, right, dot = features(square_topology(), "squares")
    # Unit coordinates (x, y) map to (10 + x, 20 + y); integer positions are 2x.
    assert left.name == "left" and left.kind == "polygon"
    np.testing.assert_allclose(left.parts[0], [[11, 20], [11, 21], [10, 21], [10, 20], [11, 20]])
    assert right.name == "R" and right.id == "R"
    np.testing.assert_allclose(right.parts[0], [[11, 20], [12, 20], [12, 21], [11, 21], [11, 20]])
    assert dot.kind == "point"
    np.testing.assert_allclose(dot.parts[0], [[12, 21]])


def test_null_geometries_are_skipped_and_a_bare_line_object_decodes():
    assert len(features(square_topology(), "squares")) == 3
    [edge] = features(square_topology(), "edge")
    assert edge.kind == "line"
    np.testing.assert_allclose(edge.parts[0], [[11, 21], [11, 20]])


def test_without_transform_arcs_are_absolute():
    topology = {
        "type": "Topology",
        "objects": {"a": {"type": "LineString", "arcs": [0, 1]}},
        "arcs": [[[0.5, 0.5], [1.5, 0.5]], [[1.5, 0.5], [1.5, 2.0]]],
    }
    [line] = features(topology, "a")
    np.testing.assert_allclose(line.parts[0], [[0.5, 0.5], [1.5, 0.5], [1.5, 2.0]])


@pytest.mark.parametrize(
    ("topology", "message"),
    [
        ({"type": "FeatureCollection"}, "Topology"),
        ({"type": "Topology", "arcs": []}, "non-empty"),
        ({"type": "Topology", "arcs": [[[0, 0]]]}, "fewer than two"),
        ({"type": "Topology", "arcs": [[[0, 0], ["a", 1]]]}, "numeric"),
    ],
)
def test_malformed_topologies_are_refused_by_name(topology, message):
    with pytest.raises(ValueError, match=message):
        decode_arcs(topology)


def test_unknown_object_and_bad_arc_index_are_refused():
    with pytest.raises(ValueError, match=r"no object 'nope'.*'squares'"):
        features(square_topology(), "nope")
    topology = square_topology()
    topology["objects"]["squares"]["geometries"][0]["arcs"] = [[0, 7]]
    with pytest.raises(ValueError, match="arc index 7 out of range"):
        features(topology, "squares")


def _encode(line: np.ndarray, cuts: list[int], reverse: list[bool]) -> tuple[list, list]:
    """TopoJSON-encode an integer polyline split at ``cuts`` (independent of the decoder)."""
    bounds = [0, *cuts, len(line) - 1]
    arcs, refs = [], []
    for k, (a, b) in enumerate(itertools.pairwise(bounds)):
        piece = line[a : b + 1]
        if reverse[k % len(reverse)]:
            piece = piece[::-1]
            refs.append(~k)
        else:
            refs.append(k)
        deltas = np.vstack([piece[:1], np.diff(piece, axis=0)])
        arcs.append(deltas.tolist())
    return arcs, refs


@settings(max_examples=60)
@given(
    points=st.lists(
        st.tuples(st.integers(-500, 500), st.integers(-500, 500)), min_size=3, max_size=30
    ),
    cut_fractions=st.lists(st.floats(0.05, 0.95), max_size=4),
    reverse=st.lists(st.booleans(), min_size=1, max_size=5),
    scale=st.tuples(st.floats(0.001, 10), st.floats(0.001, 10)),
    translate=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
)
def test_decoding_inverts_encoding(points, cut_fractions, reverse, scale, translate):
    line = np.array(points)
    cuts = sorted({int(f * (len(line) - 1)) for f in cut_fractions} - {0, len(line) - 1})
    arcs, refs = _encode(line, cuts, reverse)
    topology = {
        "type": "Topology",
        "transform": {"scale": list(scale), "translate": list(translate)},
        "objects": {"l": {"type": "LineString", "arcs": refs}},
        "arcs": arcs,
    }
    [decoded] = features(topology, "l")
    expected = line * np.array(scale) + np.array(translate)
    np.testing.assert_allclose(decoded.parts[0], expected, rtol=1e-12, atol=1e-9)


@pytest.fixture(scope="module")
def ukraine() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def test_real_map_has_25_closed_regions_inside_ukraine(ukraine):
    regions = features(ukraine, "regions")
    assert len(regions) == 25
    names = {r.name for r in regions}
    assert {"Crimea", "Kiev", "Odessa", "Donets'k", "Luhans'k", "Zaporizhzhya"} <= names
    for region in regions:
        assert region.kind == "polygon"
        for ring in region.parts:
            np.testing.assert_allclose(ring[0], ring[-1], err_msg=region.name)
    xy = np.concatenate([ring for r in regions for ring in r.parts])
    lon_min, lat_min = xy.min(axis=0)
    lon_max, lat_max = xy.max(axis=0)
    assert 22.0 <= lon_min and lon_max <= 40.3
    assert 44.3 <= lat_min and lat_max <= 52.4
    # It is Ukraine's extent, not a fraction of it.
    assert lon_max - lon_min > 17 and lat_max - lat_min > 7


def test_real_map_area_is_that_of_ukraine(ukraine):
    """Sinusoidal (equal-area) projection, shoelace per ring: about 597,000 km2 (README)."""
    radius = 6371.0088
    total = 0.0
    for region in features(ukraine, "regions"):
        for ring in region.parts:
            lon, lat = np.radians(ring[:, 0]), np.radians(ring[:, 1])
            x, y = radius * lon * np.cos(lat), radius * lat
            total += 0.5 * abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))
    assert math.isclose(total, 597_000, rel_tol=0.005)


def test_real_map_context_objects_decode(ukraine):
    countries = {f.name for f in features(ukraine, "countries")}
    assert {"Ukraine", "Russia", "Belarus", "Poland"} <= countries
    assert all(f.kind == "line" for f in features(ukraine, "rivers"))
    assert "Kakhovka Reservoir" in {f.name for f in features(ukraine, "lakes")}
