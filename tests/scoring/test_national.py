"""Scores and benchmarks read from a real workspace, and comparator groups read from CSV."""

from __future__ import annotations

import dataclasses

from pathlib import Path

import pytest

from stocktake.errors import StocktakeError
from stocktake.scoring.national import national_benchmark, partnership_scores, read_groups_csv
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, DONT_KNOW, Answer, Moderation, Response, ResponseKey
from stocktake.scoring.method import score_partnership

WAVE = "2026-27"


def record(ws, code: str, levels: list[int], wave: str = WAVE) -> list[Response]:
    """One council respondent per level, answering the mini bank's vision questions."""
    responses = []
    for n, level in enumerate(levels):
        answers = {"vision.statement": Answer("vision.statement", ANSWERED, "yes"),
                   "vision.known": Answer("vision.known", ANSWERED, level),
                   "vision.consulted": Answer("vision.consulted", DONT_KNOW),
                   "risk.register": Answer("risk.register", ANSWERED, "partial")}
        responses.append(Response(ResponseKey(code, "mini", wave, f"Respondent {n + 1}"),
                                  "council", answers=answers))
    ws.write_responses(code, responses)
    return responses


def test_partnership_scores_equal_the_pure_method_on_the_stored_answers(workspace, mini_bank):
    responses = record(workspace, "E09000007", [1, 4])
    moderation = workspace.add_moderation(Moderation("E09000007", "mini", WAVE, "risk", 70.0,
                                                     "Register seen", "Pat"))
    stored = partnership_scores(workspace, mini_bank, WAVE, "e09000007")
    assert stored == score_partnership(mini_bank, responses, [moderation],
                                       partnership="E09000007", wave=WAVE)
    # statement 1 (w1) + known 0 or 1 (w2), consulted dk: (1 + 0)/3 = 33.33 and (1 + 2)/3 = 100
    assert stored.area("vision").score == pytest.approx(66.67, abs=0.01)
    assert stored.area("vision").coverage == pytest.approx(4 / 6)
    assert stored.area("risk").score == 70.0 and stored.area("risk").self_assessed == 50.0


def test_other_waves_and_banks_are_not_mixed_in(workspace, mini_bank):
    record(workspace, "E09000007", [4])
    record(workspace, "E09000007", [1], wave="2025-26")
    assert partnership_scores(workspace, mini_bank, WAVE, "E09000007").area("vision").score == 100


def test_unknown_partnership_is_a_clear_error(workspace, mini_bank):
    with pytest.raises(StocktakeError, match="E09000007 is not in the workspace") as caught:
        partnership_scores(workspace, mini_bank, WAVE, "E09000007")
    assert "partnerships add E09000007" in caught.value.hint


def test_no_responses_in_the_wave_names_the_waves_there_are(workspace, mini_bank):
    workspace.add_partnerships([partnership_for("E09000007")])
    with pytest.raises(StocktakeError, match="no responses to mini in wave 2026-27") as caught:
        partnership_scores(workspace, mini_bank, WAVE, "E09000007")
    assert "interview" in caught.value.hint
    record(workspace, "E09000007", [2], wave="2025-26")
    with pytest.raises(StocktakeError) as caught:
        partnership_scores(workspace, mini_bank, WAVE, "E09000007")
    assert "2025-26" in caught.value.hint


def test_national_benchmark_covers_every_partnership_with_regions_from_the_workspace(
        workspace, mini_bank):
    workspace.add_partnerships([partnership_for("E09000007"),
                                partnership_for("LOCAL1", "Our trust", "Wessex")])
    record(workspace, "E09000007", [4])      # Camden, London: vision 100
    record(workspace, "E09000033", [1])      # Westminster, not added: region from the list
    record(workspace, "E08000025", [3])      # Birmingham
    record(workspace, "LOCAL1", [2])         # a partnership of the user's own, region recorded
    # Four partnerships: below the bank's min_count of 5 nobody is placed ...
    bench = national_benchmark(workspace, mini_bank, WAVE)
    assert bench.position("E09000007", "vision").withheld == "fewer than 5"
    # ... so the placing arithmetic is checked with a min_count of 1.
    bench = national_benchmark(workspace, dataclasses.replace(mini_bank, min_count=1), WAVE)
    assert bench.count == 4
    assert bench.regions == {"E08000025": "West Midlands", "E09000007": "London",
                             "E09000033": "London", "LOCAL1": "Wessex"}
    # vision: 33.33, 55.56, 77.78, 100 -> Camden is the top quartile, 100 percentile rank
    camden = bench.position("E09000007", "vision")
    assert (camden.quartile, camden.percentile_rank) == (4, 1.0)
    assert camden.vs_region == 33.33  # 100 - 66.67, the mean as published


def test_region_filter_keeps_only_that_region_and_refuses_unknown_regions(workspace, mini_bank):
    record(workspace, "E09000007", [4])
    record(workspace, "E08000025", [3])
    bench = national_benchmark(workspace, mini_bank, WAVE, region="london")
    assert [s.partnership for s in bench.scores] == ["E09000007"]
    with pytest.raises(StocktakeError, match="unknown region 'Narnia'") as caught:
        national_benchmark(workspace, mini_bank, WAVE, region="Narnia")
    assert "London" in caught.value.hint
    with pytest.raises(StocktakeError, match="no partnership in North East"):
        national_benchmark(workspace, mini_bank, WAVE, region="North East")


def test_national_benchmark_excludes_and_groups(workspace, mini_bank):
    for code, level in (("E09000001", 4), ("E09000007", 3), ("E08000025", 2)):
        record(workspace, code, [level])
    groups = {"E09000007": "Core", "E08000025": "Core"}
    bench = national_benchmark(workspace, dataclasses.replace(mini_bank, min_count=2), WAVE,
                               exclude=("E09000001",), groups=groups)
    assert bench.count == 2 and bench.position("E09000007", "vision").vs_group is not None
    # A group of two is no comparison under the bank's own minimum of 5.
    bench = national_benchmark(workspace, mini_bank, WAVE, exclude=("E09000001",),
                               groups=groups)
    placed = bench.position("E09000007", "vision")
    assert placed.vs_group is None and placed.group_n == 2


def test_empty_workspace_benchmark_is_a_clear_error(workspace, mini_bank):
    with pytest.raises(StocktakeError, match="no responses to mini in wave 2026-27"):
        national_benchmark(workspace, mini_bank, WAVE)


# ---------------------------------------------------------------- groups CSV


def write(tmp_path: Path, text: str, name: str = "groups.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_groups_csv_with_or_without_header(tmp_path):
    with_header = write(tmp_path, "\ufeffcode,group\nE09000007,Inner London\n\ne08000025, Core\n")
    assert read_groups_csv(with_header) == {"E09000007": "Inner London", "E08000025": "Core"}
    bare = write(tmp_path, "E09000007,Inner London\nLOCAL1,Ours\n", "bare.csv")
    assert read_groups_csv(bare) == {"E09000007": "Inner London", "LOCAL1": "Ours"}


def test_groups_csv_reports_every_bad_row_by_line(tmp_path):
    path = write(tmp_path, "code,group\n"
                           "E09000007,Inner\n"
                           "E09000033\n"                 # line 3: no group
                           "not a code!,Inner\n"         # line 4
                           "E09000007,Outer\n"           # line 5: repeats line 2
                           "E08000025,Core,extra\n")     # line 6: three cells
    with pytest.raises(StocktakeError, match="4 bad row") as caught:
        read_groups_csv(path)
    details = "\n".join(caught.value.details)
    for line in (3, 4, 5, 6):
        assert f"groups.csv:{line}:" in details
    assert "repeats line 2" in details


def test_groups_csv_missing_or_empty_file(tmp_path):
    with pytest.raises(StocktakeError, match="no such file"):
        read_groups_csv(tmp_path / "nope.csv")
    with pytest.raises(StocktakeError, match="no groups found"):
        read_groups_csv(write(tmp_path, "code,group\n"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("E09000007,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(StocktakeError, match="not UTF-8"):
        read_groups_csv(latin)


@pytest.mark.parametrize("text", ["code,grp\nCamden,North\nE09000012,South\n",
                                  "LA code,SN group\nE09000007,North\n",
                                  "E09000007,North\n"])
def test_groups_csv_takes_common_headers_and_authority_names(tmp_path, text):
    """A header is known by its first cell, whatever the group column is called; a listed
    authority's name stands for its code."""
    groups = read_groups_csv(write(tmp_path, text))
    assert groups["E09000007"] == "North"
    assert "CODE" not in groups and "LA CODE" not in groups
