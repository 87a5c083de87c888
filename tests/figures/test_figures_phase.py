"""The phase map: width as colour where a ZOPA exists, the boundary, the baseline."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from matplotlib.collections import QuadMesh

from sim.figures import phase_map

IMAGE = {"tolerance": 3, "style": "default", "savefig_kwargs": {"dpi": 150}}
BASELINE = {"discount_rate": 0.1, "war_cost": 0.6}


@pytest.mark.mpl_image_compare(**IMAGE)
def test_image_phase_map(phase_dataset):
    return phase_map(phase_dataset, baseline=BASELINE)


def test_colour_shows_width_only_where_a_zopa_exists(phase_dataset):
    ax = phase_map(phase_dataset).axes[0]
    [mesh] = [c for c in ax.collections if isinstance(c, QuadMesh)]
    values = mesh.get_array()
    exists = phase_dataset["zopa_exists"].transpose("war_cost", "discount_rate").values
    assert np.ma.getmaskarray(values).reshape(exists.shape).tolist() == (~exists).tolist()
    width = phase_dataset["zopa_width_km2"].transpose("war_cost", "discount_rate").values
    np.testing.assert_allclose(values.compressed(), width[exists])


def test_boundary_contour_separates_the_two_regions(phase_dataset):
    ax = phase_map(phase_dataset).axes[0]
    contours = [c for c in ax.collections if hasattr(c, "levels")]
    assert len(contours) == 1 and list(contours[0].levels) == [0.0]
    [segment, *_] = contours[0].allsegs[0]
    # Each contour vertex lies between a grid point with a ZOPA and one without:
    # check it against the generating formula's sign change (the fixture's boundary).
    r, c = segment[:, 0], segment[:, 1]
    boundary = c - 2.0 * (r - 0.1) ** 2 * 10 - 0.25
    assert np.abs(boundary).max() < 0.06


def test_boundary_is_interpolated_where_the_zopa_bounds_meet():
    """With the bounds, the contour lies where ``hi - lo`` crosses 0 (x = 0.37 here),
    between grid points 0.1 apart, not half-way between them (0.35)."""
    x = np.linspace(0.0, 1.0, 11)
    y = np.linspace(0.0, 1.0, 5)
    xx, _ = np.meshgrid(x, y, indexing="ij")
    lo = np.full(xx.shape, 100.0)
    hi = lo + 1_000.0 * (xx - 0.37)  # the bounds meet at x = 0.37 on every row
    dims = ("x", "y")
    dataset = xr.Dataset(
        {
            "zopa_exists": (dims, hi >= lo),
            "zopa_width_km2": (dims, np.clip(hi - lo, 0.0, None)),
            "zopa_lo_km2": (dims, lo),
            "zopa_hi_km2": (dims, hi),
        },
        coords={"x": x, "y": y},
    )
    ax = phase_map(dataset).axes[0]
    [contour] = [c for c in ax.collections if hasattr(c, "levels")]
    vertices = np.concatenate(contour.allsegs[0])
    np.testing.assert_allclose(vertices[:, 0], 0.37, atol=1e-9)


def test_boundary_respects_an_actor_that_accepts_no_line():
    """Where no ZOPA exists although the bounds do not cross (an actor refuses every
    line), the contour still separates the two regions."""
    x = np.linspace(0.0, 1.0, 6)
    y = np.linspace(0.0, 1.0, 4)
    shape = (x.size, y.size)
    exists = np.ones(shape, dtype=bool)
    exists[4:, :] = False  # x >= 0.8: refused, with bounds that still look open
    dims = ("x", "y")
    dataset = xr.Dataset(
        {
            "zopa_exists": (dims, exists),
            "zopa_width_km2": (dims, np.where(exists, 50.0, 0.0)),
            "zopa_lo_km2": (dims, np.zeros(shape)),
            "zopa_hi_km2": (dims, np.full(shape, 50.0)),
        },
        coords={"x": x, "y": y},
    )
    ax = phase_map(dataset).axes[0]
    [contour] = [c for c in ax.collections if hasattr(c, "levels")]
    vertices = np.concatenate(contour.allsegs[0])
    assert ((vertices[:, 0] > 0.6) & (vertices[:, 0] < 0.8)).all()


def test_baseline_is_starred_at_its_values(phase_dataset):
    ax = phase_map(phase_dataset, baseline=BASELINE).axes[0]
    [star] = [line for line in ax.lines if line.get_marker() == "*"]
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (0.1, 0.6)


def test_axis_labels_come_from_coordinate_attributes(phase_dataset):
    ax = phase_map(phase_dataset).axes[0]
    assert ax.get_xlabel() == "North's discount rate (1/year)"
    assert ax.get_ylabel() == "South's cost of war"
    ax = phase_map(phase_dataset, labels={"war_cost": "c"}).axes[0]
    assert ax.get_ylabel() == "c"


def test_axes_can_be_swapped(phase_dataset):
    ax = phase_map(phase_dataset, x="war_cost", y="discount_rate").axes[0]
    assert ax.get_xlabel() == "South's cost of war"


def test_no_contour_when_the_zopa_exists_everywhere(phase_dataset):
    everywhere = phase_dataset.assign(zopa_exists=phase_dataset["zopa_exists"] | True)
    ax = phase_map(everywhere).axes[0]
    assert not [c for c in ax.collections if hasattr(c, "levels")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop_vars("zopa_width_km2"), "zopa_width_km2"),
        (lambda d: d.isel(war_cost=0), "exactly two dimensions"),
        (lambda d: d.expand_dims(extra=[1, 2]), "exactly two dimensions"),
    ],
)
def test_wrong_datasets_are_refused(phase_dataset, change, message):
    with pytest.raises(ValueError, match=message):
        phase_map(change(phase_dataset))


def test_baseline_must_name_both_axes(phase_dataset):
    with pytest.raises(ValueError, match="baseline must give a value"):
        phase_map(phase_dataset, baseline={"discount_rate": 0.1})


def test_dims_without_coordinates_use_indices():
    dataset = xr.Dataset(
        {
            "zopa_exists": (("a", "b"), np.eye(3, dtype=bool)),
            "zopa_width_km2": (("a", "b"), np.eye(3)),
        }
    )
    ax = phase_map(dataset).axes[0]
    assert ax.get_xlabel() == "a"
