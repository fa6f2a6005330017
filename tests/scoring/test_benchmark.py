"""Benchmarks: Excel's QUARTILE.INC and PERCENTRANK.INC, positions, regions, groups and trends."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.scoring.benchmark import build_benchmark, percentrank_inc, quartile_inc, quartile_of, trend
from stocktake.scoring.method import AreaResult, PartnershipScores

# ---------------------------------------------------------------- Excel functions

# The examples on Microsoft's QUARTILE.INC and PERCENTRANK.INC help pages. PERCENTRANK.INC
# truncates to three digits: 5/9 = 0.5556 is shown as 0.555, not 0.556.
EXCEL_QUARTILE_DATA = [1, 2, 4, 7, 8, 9, 10, 12]
EXCEL_PERCENTRANK_DATA = [13, 12, 11, 8, 4, 3, 2, 1, 1, 1]


def test_quartile_inc_matches_microsofts_worked_example():
    assert quartile_inc(EXCEL_QUARTILE_DATA, 1) == 3.5


def test_percentrank_inc_matches_microsofts_worked_examples_and_truncates():
    assert percentrank_inc(EXCEL_PERCENTRANK_DATA, 2) == 0.333
    assert percentrank_inc(EXCEL_PERCENTRANK_DATA, 4) == 0.555
    assert percentrank_inc(EXCEL_PERCENTRANK_DATA, 8) == 0.666
    assert percentrank_inc(EXCEL_PERCENTRANK_DATA, 5) == 0.583  # a quarter of the way 4 -> 8


# Reference values from a real spreadsheet: an .xlsx with =_xlfn.QUARTILE.INC(...) and
# =_xlfn.PERCENTRANK.INC(..., 10) cells written by openpyxl, recalculated by LibreOffice 7.4.7.2
# (`soffice --headless --convert-to csv`). LibreOffice rounds the last significant digit where
# Excel truncates, so its percent ranks were taken at 10 digits and are compared to within one
# unit of the tenth digit; the three-digit truncation is pinned by Microsoft's examples above.
LIBREOFFICE_SETS = {
    "A": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    "B": [77.08, 0, 25, 100, 50, 62.5, 33.33],
    "C": [1, 1, 3],
    "D": [10, 10, 10, 10, 50],
    "E": [5],
    "F": [12.5, 37.5, 40, 41.25, 66.67, 80],
}
LIBREOFFICE_QUARTILES = {
    "A": [1, 3.25, 5.5, 7.75, 10],
    "B": [0, 29.165, 50, 69.79, 100],
    "C": [1, 1, 1, 2, 3],
    "D": [10, 10, 10, 10, 50],
    "E": [5, 5, 5, 5, 5],
    "F": [12.5, 38.125, 40.625, 60.315, 80],
}
LIBREOFFICE_PERCENTRANKS = [
    ("A", 1, 0), ("A", 2.5, 0.1666666667), ("A", 3, 0.2222222222), ("A", 7.3, 0.7), ("A", 10, 1),
    ("B", 0, 0), ("B", 25, 0.1666666667), ("B", 40, 0.400019996), ("B", 77.08, 0.8333333333),
    ("B", 100, 1),
    ("C", 1, 0), ("C", 2, 0.75), ("C", 3, 1),  # between repeated values: from the last of them
    ("D", 10, 0), ("D", 30, 0.875), ("D", 50, 1),
    ("E", 5, 1),  # a single value ranks 1
    ("F", 12.5, 0), ("F", 38, 0.24), ("F", 66.67, 0.8), ("F", 70, 0.8499624906), ("F", 80, 1),
]


@pytest.mark.parametrize("name", sorted(LIBREOFFICE_SETS))
def test_quartile_inc_equals_a_spreadsheets_recalculation(name):
    values = LIBREOFFICE_SETS[name]
    got = [quartile_inc(values, k) for k in range(5)]
    assert got == pytest.approx(LIBREOFFICE_QUARTILES[name], abs=1e-12)


@pytest.mark.parametrize("name,x,expected", LIBREOFFICE_PERCENTRANKS)
def test_percentrank_inc_equals_a_spreadsheets_recalculation(name, x, expected):
    assert percentrank_inc(LIBREOFFICE_SETS[name], x, 10) == pytest.approx(expected, abs=1.1e-10)


def test_percentrank_outside_the_values_and_empty_values_are_refused():
    with pytest.raises(ValueError):
        percentrank_inc([1, 2, 3], 4)
    with pytest.raises(ValueError):
        percentrank_inc([], 1)
    with pytest.raises(ValueError):
        quartile_inc([], 1)
    with pytest.raises(ValueError):
        quartile_inc([1, 2], 5)


@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.integers(0, 4))
def test_quartile_inc_lies_within_the_values_and_does_not_depend_on_their_order(values, k):
    q = quartile_inc(values, k)
    assert min(values) <= q <= max(values)
    assert quartile_inc(list(reversed(values)), k) == q


def test_quartile_is_at_or_above_the_quartile_boundaries():
    values = [1, 2, 3, 4, 5]  # Q1 2, median 3, Q3 4
    assert [quartile_of(values, v) for v in values] == [1, 2, 3, 4, 4]
    assert [quartile_of(values, v) for v in (1.9, 2.1, 3.9)] == [1, 2, 3]


# ---------------------------------------------------------------- building a benchmark


def scores_of(code: str, vision: float | None, risk: float | None,
              wave: str = "2026-27") -> PartnershipScores:
    def area(area_id: str, title: str, score: float | None) -> AreaResult:
        return AreaResult(area_id, title, score, None, None, 1.0, 3, None, False, False, score,
                          None, ())
    present = [s for s in (vision, risk) if s is not None]
    overall = sum(present) / len(present) if present else None
    return PartnershipScores(code, "mini", wave, 3, overall, None,
                             (area("vision", "Vision", vision), area("risk", "Risk", risk)))


NATION = [
    scores_of("E09000007", 80, 40),   # Camden, London
    scores_of("E09000001", 100, 0),   # City of London
    scores_of("E08000025", 20, 60),   # Birmingham, West Midlands
    scores_of("E06000053", 60, None),  # Isles of Scilly, South West; risk withheld
    scores_of("E09000033", 40, 80),   # Westminster, London
]
REGIONS = {"E09000007": "London", "E09000001": "London", "E08000025": "West Midlands",
           "E06000053": "South West", "E09000033": "London"}


@pytest.fixture
def few_bank(mini_bank):
    """The mini bank with min_count 1: the tests of the quartile arithmetic use three to five
    partnerships; the minimum count's own tests are at the end."""
    import dataclasses

    return dataclasses.replace(mini_bank, min_count=1)


def test_distributions_per_area_are_excels_quartiles_of_the_non_null_scores(few_bank):
    bench = build_benchmark(few_bank, NATION, REGIONS)
    vision = bench.area("vision")  # 20 40 60 80 100
    assert (vision.n, vision.min, vision.q1, vision.median, vision.q3, vision.max, vision.mean) \
        == (5, 20, 40, 60, 80, 100, 60)
    risk = bench.area("risk")  # 0 40 60 80: Q1 at 0.75 -> 30, median 50, Q3 at 2.25 -> 65
    assert (risk.n, risk.q1, risk.median, risk.q3, risk.mean) == (4, 30, 50, 65, 45)
    assert bench.count == 5 and bench.wave == "2026-27" and bench.bank == "mini"


def test_positions_give_quartile_percent_rank_and_differences(few_bank):
    bench = build_benchmark(few_bank, NATION, REGIONS)
    camden = bench.position("E09000007", "vision")
    assert (camden.score, camden.quartile, camden.percentile_rank) == (80, 4, 0.75)
    assert camden.vs_median == 20
    # London's vision mean: (80 + 100 + 40) / 3 = 73.33, so 80 - 73.33, as both are published
    assert camden.vs_region == 6.67
    assert camden.vs_group is None
    birmingham = bench.position("E08000025", "vision")
    assert (birmingham.quartile, birmingham.percentile_rank, birmingham.vs_region) == (1, 0.0, 0)
    scilly = bench.position("E06000053", "risk")
    assert (scilly.score, scilly.quartile, scilly.percentile_rank, scilly.vs_median) == \
        (None, None, None, None)
    assert bench.region_means["London"]["risk"] == 40


def test_comparator_groups_add_a_difference_from_the_group_mean(few_bank):
    groups = {"E09000007": "Inner", "E09000033": "Inner", "E08000025": "Urban"}
    bench = build_benchmark(few_bank, NATION, REGIONS, groups=groups)
    assert bench.position("E09000007", "vision").vs_group == 20  # 80 - (80 + 40) / 2
    assert bench.position("E08000025", "risk").vs_group == 0
    assert bench.position("E09000001", "vision").vs_group is None
    assert bench.group_means["Inner"]["risk"] == 60
    assert "vs_group" in bench.to_json()["positions"][0]


def test_excluded_partnerships_are_left_out_of_every_figure(few_bank):
    bench = build_benchmark(few_bank, NATION, REGIONS, exclude=("E09000001", "E06000053"))
    assert bench.count == 3 and [s.partnership for s in bench.scores] == \
        ["E08000025", "E09000007", "E09000033"]
    assert bench.area("vision").max == 80 and bench.area("vision").n == 3
    assert bench.region_means["London"]["vision"] == 60
    assert "South West" not in bench.region_means


def test_a_lone_partnership_has_no_quartile(few_bank):
    bench = build_benchmark(few_bank, NATION[:1], REGIONS)
    position = bench.position("E09000007", "vision")
    assert position.quartile is None and position.percentile_rank is None
    assert position.vs_median == 0


def test_overall_positions_and_league_order(few_bank):
    bench = build_benchmark(few_bank, NATION, REGIONS)
    # Overall 60, 60, 60 (a tie, by code), then 50 and 40.
    assert [s.partnership for s in bench.league()] == \
        ["E06000053", "E09000007", "E09000033", "E09000001", "E08000025"]
    assert bench.overall.n == 5 and bench.position("E06000053", "overall").quartile == 4


def test_benchmark_json_has_exactly_the_issue_shape(few_bank):
    data = build_benchmark(few_bank, NATION, REGIONS).to_json()
    # Issue 13 added below_quorum, unmatched_groups, and a position's quorum and band A-D;
    # issue 23 min_count, and each position's n (partnerships placed among) and region_n.
    assert set(data) == {"bank", "wave", "count", "areas", "positions", "below_quorum",
                         "unmatched_groups", "min_count", "simulated"}
    assert set(data["areas"][0]) == {"id", "title", "n", "min", "q1", "median", "q3", "max",
                                     "mean"}
    assert set(data["positions"][0]) == {"partnership", "area", "score", "quartile",
                                         "percentile_rank", "vs_median", "vs_region", "quorum",
                                         "band", "n", "region_n"}
    assert len(data["positions"]) == 5 * 2
    assert data["positions"][0] == {"partnership": "E06000053", "area": "vision", "score": 60,
                                    "quartile": 3, "band": "B", "quorum": True,
                                    "percentile_rank": 0.5, "vs_median": 0, "vs_region": 0,
                                    "n": 5, "region_n": 1}


def test_nothing_is_placed_or_described_among_fewer_than_the_minimum(mini_bank):
    # Five partnerships and a min_count of 5: placed. Three (the ones with a vision score
    # after two are excluded): counted, every figure withheld and said to be so.
    bench = build_benchmark(mini_bank, NATION, REGIONS)
    assert bench.area("vision").n == 5 and bench.area("vision").median is not None
    three = build_benchmark(mini_bank, NATION, REGIONS, exclude=("E09000001", "E06000053"))
    vision = three.area("vision")
    assert (vision.n, vision.median, vision.q1, vision.mean, vision.withheld) == \
        (3, None, None, None, "fewer than 5")
    assert vision.to_json()["withheld"] == "fewer than 5"
    placed = three.position("E09000007", "vision")
    assert (placed.quartile, placed.band, placed.percentile_rank, placed.vs_median) == \
        (None, None, None, None)
    assert placed.to_json()["n"] == 3 and placed.to_json()["withheld"] == "fewer than 5"
    # A region's mean needs five of its own: London's three give none.
    assert placed.vs_region is None and placed.region_n >= 1


def test_rounded_ties_in_different_bands_are_shown_to_the_precision_that_separates_them(
        few_bank):
    # 61.53 and 61.52 both read 61.5 but fall either side of a quartile.
    nation = [scores_of(code, v, v) for code, v in
              (("E09000001", 61.53), ("E09000002", 61.52), ("E09000003", 10.0),
               ("E09000004", 90.0), ("E09000005", 61.53))]
    bench = build_benchmark(few_bank, nation, {})
    one, two = bench.position("E09000001", "vision"), bench.position("E09000002", "vision")
    assert f"{one.score:.1f}" == f"{two.score:.1f}" and one.band != two.band
    assert bench.places["vision"] == 2
    assert build_benchmark(few_bank, NATION, REGIONS).places["vision"] == 1


# ---------------------------------------------------------------- trend


def test_trend_gives_the_change_per_area_and_none_where_either_wave_has_no_score():
    rows = trend(scores_of("E09000007", 40, None, "2025-26"), scores_of("E09000007", 55.5, 30))
    assert rows == [
        {"id": "vision", "title": "Vision", "from": 40, "to": 55.5, "change": 15.5},
        {"id": "risk", "title": "Risk", "from": None, "to": 30, "change": None},
    ]
