"""The one formatter of areas, shares and numbers (:mod:`sim.format`)."""

from __future__ import annotations

import math

from sim.format import KM2_PRINT, km2, km2_cell, km2_share, number, number_format


def test_large_areas_are_whole_with_thousands_separators():
    assert km2(162_345.6) == "162,346 km2"


def test_small_areas_keep_three_significant_digits():
    assert km2(0.4) == "0.4 km2"
    assert km2(0.55, KM2_PRINT) == "0.55 km²"


def test_an_area_that_does_not_exist_is_said_so():
    assert km2_share(math.nan, 1.0) == "n/a"
    assert km2_cell(math.nan, 1.0) == "-"


def test_table_cells_have_one_width():
    assert len({len(km2_cell(v, 200_000.0)) for v in (0.0, 12.5, 5_000.0, 199_999.0)}) == 1


def test_a_sentence_gives_the_share_and_where():
    assert km2_share(20_000, 100_000, "near X") == "20,000 km2 (20.0%, near X)"


def test_numbers_avoid_scientific_notation():
    assert [number(v) for v in (0.000123, 2.871, 9_000.0, 162_345.0, 1.5e6)] == [
        "0.000123",
        "2.87",
        "9,000",
        "162k",
        "1.5M",
    ]


def test_a_column_is_formatted_by_its_largest_finite_value():
    assert number_format([math.nan, 0.5])(0.5) == "0.500"
    assert number_format([3.0, -1.0])(3.0) == "3.00"
    assert number_format([math.inf, 1234.0])(1234.0) == "1,234"
