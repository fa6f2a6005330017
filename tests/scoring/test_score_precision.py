"""Scores equal at the published precision (2 decimals) compare equal everywhere: worked examples.

Each example reaches the same score two ways whose floats differ in the last bit, as a single
respondent's score and the mean of two respondents' scores do.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stocktake.banks.loading import load_bank
from stocktake.scoring.benchmark import build_benchmark, percentrank_inc, trend
from stocktake.records.responses import ANSWERED, DONT_KNOW, Answer, Moderation, Response, ResponseKey
from stocktake.arithmetic.precision import at_least, compare, difference, published
from stocktake.scoring.method import score_partnership

WAVE = "2026-27"


def _bank(tmp_path: Path, levels: int, min_coverage: float = 0.5, questions: int = 1):
    """One area, `questions` choice questions whose options 1..levels score (n - 1) / (levels - 1).

    Answered with the option number, as a scale level would be.
    """
    lines = ['id = "fine"', 'title = "Fine"', 'version = "1"', 'description = "Fine."',
             f"min_coverage = {min_coverage}",
             # Ranks of two or three partnerships are the point here, not what may be published.
             "min_count = 1",
             '[[roles]]', 'id = "council"', 'title = "Council"',
             '[[areas]]', 'id = "vision"', 'title = "Vision"']
    for q in range(questions):
        options = ", ".join(f'{{ id = "o{n}", label = "Option {n}", score = {n - 1} }}'
                            for n in range(1, levels + 1))
        lines += ['[[questions]]', f'id = "vision.q{q}"', 'area = "vision"', 'type = "choice"',
                  f'text = "Question {q}?"', f"options = [{options}]"]
    path = tmp_path / "fine.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_bank(path)


def _scores(bank, code: str, levels: list, moderations=()):
    responses = []
    for n, level in enumerate(levels):
        answers = {}
        for q, value in enumerate(level if isinstance(level, list) else [level]):
            qid = f"vision.q{q}"
            answers[qid] = (Answer(qid, DONT_KNOW) if value is None
                            else Answer(qid, ANSWERED, f"o{value}"))
        responses.append(Response(ResponseKey(code, bank.id, WAVE, f"R{n}"), "council",
                                  answers=answers))
    return score_partnership(bank, responses, moderations, partnership=code, wave=WAVE)


def test_issue_example_four_ninths_from_one_respondent_and_from_a_mean_rank_equal(tmp_path):
    bank = _bank(tmp_path, levels=10)
    one = _scores(bank, "E09000007", [5])          # 4/9 x 100
    mean = _scores(bank, "E09000033", [2, 8])      # mean of 11.11 and 77.78
    low = _scores(bank, "E08000025", [1])          # 0
    raw_one, raw_mean = one.area("vision").score, mean.area("vision").score
    assert raw_one != raw_mean  # the floats differ in the last bit ...
    assert published(raw_one) == published(raw_mean) == 44.44  # ... and read the same
    bench = build_benchmark(bank, [one, mean, low], regions={})
    a = bench.position("E09000007", "vision")
    b = bench.position("E09000033", "vision")
    assert a.percentile_rank == b.percentile_rank == 0.5
    assert a.quartile == b.quartile == 4
    # overall (the mean of one area) too, and the league puts them together, by code
    assert bench.position("E09000007", "overall").percentile_rank == 0.5
    assert [s.partnership for s in bench.league()] == ["E09000007", "E09000033", "E08000025"]


def test_level_band_at_50_holds_a_mean_that_reads_50(tmp_path):
    bank = _bank(tmp_path, levels=7)
    single = _scores(bank, "A", [4]).area("vision")     # 3/6 = 50.0 exactly
    mean = _scores(bank, "B", [3, 5]).area("vision")    # mean of 33.33 and 66.67
    assert mean.score < 50.0 and published(mean.score) == 50.0
    assert single.level == mean.level == "Established"


def test_level_band_holds_scores_that_round_to_the_boundary_only(tmp_path):
    bank = _bank(tmp_path, levels=7)
    assert bank.band_for(24.995).label == "Developing"   # reads 25.00
    assert bank.band_for(24.994).label == "Emerging"     # reads 24.99
    assert bank.band_for(74.999999).label == "Embedded"


def test_divergence_threshold_at_25_points_is_met_by_a_spread_that_reads_25(tmp_path):
    # Two questions of 9 levels (eighths), so respondent scores are sixteenths of 100:
    # spread 25 exactly is reached as 62.5 - 37.5 in exact floats, and near it as below.
    bank = _bank(tmp_path, levels=9, questions=2)
    area = _scores(bank, "A", [[4, 5], [6, 7]]).area("vision")  # 43.75 and 68.75
    assert area.spread == 25.0 and area.divergent
    # a spread short of 25 by float noise alone counts as 25
    assert at_least(25.0 - 1e-12, 25.0) and not at_least(24.99, 25.0)


def test_divergence_is_decided_on_the_spread_as_published(tmp_path):
    # 7-level scale: scores are sixths of 100. 83.33 - 58.33... reaches 25 through noise.
    bank = _bank(tmp_path, levels=7)
    area = _scores(bank, "A", [5, 6, 7]).area("vision")   # 66.67, 83.33, 100: spread 33.33
    assert area.divergent
    spreads = [100 * (b - a) / 6 for a in range(7) for b in range(a, 7)]
    for spread in spreads:
        assert at_least(spread, 25.0) == (round(spread, 2) >= 25.0)


def test_coverage_exactly_at_min_coverage_keeps_the_score(tmp_path):
    # min_coverage 0.3 with 10 questions: 3 answered gives 3/10 = 0.30000000000000004 or 0.3
    # depending on the route; 0.7 of 10 is 0.7 while 7/10 is 0.7 and 0.1 * 7 is 0.7000000000000001.
    bank = _bank(tmp_path, levels=3, min_coverage=0.7, questions=10)
    answered = [[2] * 7 + [None] * 3]
    area = _scores(bank, "A", answered).area("vision")
    assert area.coverage == pytest.approx(0.7) and area.score == 50.0
    assert at_least(0.1 * 7, 0.7, 4) and at_least(0.7, 0.1 * 7, 4)
    short = _scores(bank, "B", [[2] * 6 + [None] * 4]).area("vision")
    assert short.score is None and short.withheld


def test_trend_change_between_scores_that_read_the_same_is_zero(tmp_path):
    bank = _bank(tmp_path, levels=10)
    before = _scores(bank, "A", [5])
    after = _scores(bank, "A", [2, 8])
    assert after.area("vision").score - before.area("vision").score != 0  # noise, raw
    [row] = trend(before, after)
    assert row["change"] == 0.0 and math.copysign(1, row["change"]) == 1.0
    assert difference(50.0, 49.99999999999999) == 0.0
    assert difference(50.0, 40.0) == 10.0


def test_moderated_score_ties_with_an_equal_computed_score_in_ranks(tmp_path):
    bank = _bank(tmp_path, levels=10)
    computed = _scores(bank, "A", [2, 8])  # 44.44444444444445
    moderated = _scores(bank, "B", [1], [Moderation("B", bank.id, WAVE, "vision", 44.44,
                                                    "seen", "Pat")])
    bench = build_benchmark(bank, [computed, moderated], regions={})
    assert bench.position("A", "vision").percentile_rank == \
        bench.position("B", "vision").percentile_rank == 0.0


def test_compare_rounds_as_the_value_reads_not_as_its_binary_expansion():
    assert published(12.345) == 12.35     # 12.345 is stored as 12.3449999...
    assert compare(0.1 + 0.2, 0.3) == 0
    assert compare(44.444, 44.445) == -1
    assert percentrank_inc([published(v) for v in (100 * 4 / 9, 400 / 9, 0)],
                           published(100 * 4 / 9)) == 0.5


@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False),
       st.floats(min_value=-1000, max_value=1000, allow_nan=False),
       st.sampled_from([2, 4]))
def test_compare_is_the_comparison_of_the_published_values(a, b, digits):
    """The shortcut for values far apart gives what rounding both would."""
    from stocktake.arithmetic.precision import _snap, compare

    x, y = _snap(a, digits), _snap(b, digits)
    assert compare(a, b, digits) == (x > y) - (x < y)


@pytest.mark.parametrize("value, places, kw, shown", [
    (32.949999999999996, 1, {}, "33.0"),   # a neighbours' mean the report printed as 32.9
    (12.25, 1, {}, "12.3"),                # Python's own formatting: 12.2
    (0.15, 1, {}, "0.2"),
    (-0.04, 1, {}, "0.0"),                 # never "-0.0"
    (-2.45, 1, {}, "-2.5"),                # half away from zero, as a spreadsheet shows it
    (1234.5, 0, {"grouped": True}, "1,235"),
    (2.5, 1, {"signed": True}, "+2.5"),
    (-2.5, 1, {"signed": True}, "-2.5"),
    (0.0, 1, {"signed": True}, "+0.0"),
])
def test_fixed_shows_a_figure_as_the_workbook_does(value, places, kw, shown):
    from stocktake.arithmetic.precision import fixed

    assert fixed(value, places, **kw) == shown
