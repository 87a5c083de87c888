"""The total is the sum: the war path's total line shared over the regional fronts
(:func:`sim.regions.share_out`, water-filling within each region's area)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.regions import share_out

AREA = np.array([100.0, 50.0, 80.0])
ALLOC = np.array([0.7, 0.3, 0.0])


@given(
    st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    st.floats(-200.0, 200.0),
)
def test_the_sum_is_the_total_within_the_areas(fractions, residual):
    lines = (np.array(fractions) * AREA)[:, None]
    out = share_out(lines, np.array([residual]), ALLOC, AREA)
    assert np.all(out >= 0.0) and np.all(out[:, 0] <= AREA + 1e-9)
    wanted = lines.sum() + residual
    # all of it fits unless it lies beyond [0, total area]: then the regions are full/empty
    np.testing.assert_allclose(out.sum(), np.clip(wanted, 0.0, AREA.sum()), atol=1e-6)


def test_shared_by_allocation_while_there_is_room():
    lines = np.array([[10.0], [10.0], [10.0]])
    out = share_out(lines, np.array([10.0]), ALLOC, AREA)
    np.testing.assert_allclose(out[:, 0], [17.0, 13.0, 10.0])  # 0.7 and 0.3 of 10; alpha 0 kept


def test_an_exhausted_axis_passes_the_rest_on():
    # the first region is full: its share goes to the second (allocated) one, then, when
    # every allocated axis is full, to the third in proportion to its room
    lines = np.array([[100.0], [45.0], [0.0]])
    out = share_out(lines, np.array([20.0]), ALLOC, AREA)
    np.testing.assert_allclose(out[:, 0], [100.0, 50.0, 15.0])


def test_no_residual_changes_nothing():
    lines = np.array([[10.0, 20.0], [5.0, 6.0], [7.0, 8.0]])
    np.testing.assert_array_equal(share_out(lines, np.zeros(2), ALLOC, AREA), lines)


@given(
    st.lists(
        st.tuples(
            st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
            st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
            st.floats(-300.0, 300.0),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_sets_are_shared_each_on_its_own(rows):
    """With a leading axis of parameter sets (each its own allocations), every set is
    shared as it would be alone (``evaluate``'s batched fronts, issue 18)."""
    lines = np.array([[f * a for f, a in zip(x, AREA, strict=True)] for x, _, _ in rows])
    alloc = np.array([a for _, a, _ in rows])
    residual = np.array([r for _, _, r in rows])
    out = share_out(lines[..., None], residual[:, None], alloc, AREA)
    for b in range(len(rows)):
        alone = share_out(lines[b][:, None], residual[b : b + 1], alloc[b], AREA)
        np.testing.assert_allclose(out[b], alone, rtol=1e-12, atol=1e-9)
