"""LAIT's quartile bands and the self-view flag, as pure functions, against worked examples."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.evidence.bands import quartile_band, quartiles
from stocktake.evidence.flags import FLAG, self_view_flag

VALUES = [10.0, 12.0, 15.0, 20.0, 30.0]  # Q1 12, median 15, Q3 20 (QUARTILE.INC)


def test_quartiles_are_excels_quartile_inc():
    assert quartiles([1.0, 2.0, 3.0, 4.0]) == (1.0, 1.75, 2.5, 3.25, 4.0)
    assert quartiles(VALUES) == (10.0, 12.0, 15.0, 20.0, 30.0)


@pytest.mark.parametrize("value, low, high", [
    (10.0, "A", "D"), (12.0, "A", "D"),      # up to and including Q1
    (13.0, "B", "C"), (15.0, "B", "C"),      # above Q1 up to and including the median
    (16.0, "C", "B"), (20.0, "C", "B"),      # above the median up to and including Q3
    (25.0, "D", "A"), (30.0, "D", "A"),      # above Q3
])
def test_band_boundaries_follow_lait_for_both_polarities(value, low, high):
    assert quartile_band(value, VALUES, "Low") == low
    assert quartile_band(value, VALUES, "High") == high


def test_no_band_without_polarity_when_marked_no_quartile_or_not_published():
    assert quartile_band(12.0, VALUES, "") is None
    assert quartile_band(12.0, VALUES, "-") is None
    assert quartile_band(12.0, VALUES, "Low", no_quartile=True) is None
    assert quartile_band(None, VALUES, "Low") is None
    assert quartile_band(12.0, [], "High") is None


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=60))
def test_a_is_always_the_best_quarter_whatever_the_polarity(values):
    q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    for v in values:
        low, high = quartile_band(v, values, "Low"), quartile_band(v, values, "High")
        assert (low == "A") == (v <= q1)
        assert (high == "A") == (v > q3)


@pytest.fixture
def bank(mini_bank):
    return mini_bank  # default bands: Emerging < 25 <= Developing < 50 <= Established < 75 <= Embedded


@pytest.mark.parametrize("score, bands, flagged", [
    (80.0, ["D", "D", "B"], True),            # top level, two of three in D
    (55.0, ["D", "B"], True),                 # second level is one of the two top; half is enough
    (55.0, ["D", "B", "C"], False),           # one of three in D
    (40.0, ["D", "D", "D"], False),           # Developing is neither top two nor bottom
    (10.0, ["A", "A", "C"], True),            # bottom level, two of three in A
    (10.0, ["A", "B", "C"], False),
    (80.0, ["D", None, None, "B"], True),     # measures without a band do not count
    (80.0, [None, None], False),              # no banded measure: never flagged
    (None, ["D", "D"], False),                # no self-assessed score
])
def test_self_view_flag_rule(bank, score, bands, flagged):
    assert self_view_flag(bank, score, bands) == (FLAG if flagged else None)
