"""stocktake.evidence.area_view: the neighbour list, the measures in scope, one area's evidence
and the self-view flags, as the results the commands render, read from the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stocktake.errors import StocktakeError, UsageError
from stocktake.evidence.area_view import (area_evidence, evidence_links, flag_counts,
                                          linked_evidence, neighbour_list, self_view_flags)
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey

DATA = Path(__file__).resolve().parents[1] / "data"
WAVE = "2026-27"


@pytest.fixture(autouse=True)
def _shipped_indicators(monkeypatch):
    monkeypatch.delenv("STOCKTAKE_INDICATORS", raising=False)


def linked_bank(tmp_path: Path, links: list[str], area: str = "risk"):
    """The test bank with `indicators = [...]` under one area."""
    from stocktake.banks.loading import load_bank

    text = (DATA / "mini.toml").read_text(encoding="utf-8")
    end = text.index("\n\n", text.index(f'id = "{area}"\n'))
    line = "indicators = [" + ", ".join(json.dumps(x) for x in links) + "]"
    path = tmp_path / "linked.toml"
    path.write_text(text[:end] + "\n" + line + text[end:], encoding="utf-8")
    return load_bank(path)


def test_the_neighbour_list_is_the_same_by_code_and_by_dfe_number():
    from stocktake.evidence.neighbours import neighbours_of
    from stocktake.partnerships.reference import authority

    camden = authority("E09000007")
    by_code, by_number = neighbour_list("E09000007"), neighbour_list(camden.dfe_la_number)
    assert by_code == by_number
    group = neighbours_of(camden.dfe_la_number)
    assert [n.name for n in by_code.neighbours] == [n.name for n in group.neighbours]
    assert [n.rank for n in by_code.neighbours] == list(range(1, len(group.neighbours) + 1))
    got = by_code.to_json()
    assert (got["partnership"], got["dfe_la_number"]) == ("E09000007", camden.dfe_la_number)
    assert got["neighbours"][0] == by_code.neighbours[0].to_json()
    for row in by_code.neighbours:  # each neighbour's code is the authority with its number
        assert row.code is None or authority(row.code).dfe_la_number == row.dfe_la_number


@pytest.mark.parametrize("given, said", [("999", "no authority has DfE LA number 999"),
                                         ("W06000015", "not an English children's services")])
def test_a_neighbour_list_for_no_english_authority_is_refused(given, said):
    with pytest.raises(StocktakeError) as caught:
        neighbour_list(given)
    assert said in caught.value.message


def test_measures_asked_for_keep_their_order_once_each(mini_bank):
    got = evidence_links([mini_bank], indicators=["B_ID", "A_ID", "B_ID"])
    assert list(got) == ["B_ID", "A_ID"] and got["A_ID"] == ()


def test_an_area_no_bank_has_is_a_usage_error_naming_the_areas(mini_bank):
    with pytest.raises(UsageError) as caught:
        evidence_links([mini_bank], area="nowhere")
    assert "no bank in scope has an area 'nowhere'" in caught.value.message
    assert all(a.id in caught.value.hint for a in mini_bank.areas)


def test_a_bank_linking_nothing_is_refused_with_the_way_to_link(mini_bank):
    with pytest.raises(StocktakeError) as caught:
        evidence_links([mini_bank], area="risk")
    assert caught.value.message == "area risk links no published measure"
    assert "--indicator" in caught.value.hint


def test_one_areas_evidence_or_why_it_is_left_out(tmp_path, mini_bank):
    from stocktake.evidence.indicators import load_shipped

    some = sorted(load_shipped().series)[:2]
    bank = linked_bank(tmp_path, some)
    risk, vision = bank.area("risk"), bank.area("vision")
    assert area_evidence("E09000007", bank, vision).evidence is None  # links nothing
    assert area_evidence("E09000007", bank, vision).left_out == ""
    found = area_evidence("E09000007", bank, risk)
    assert found.left_out == "" and found.evidence.only_area == "risk"
    assert [m.measure.id for m in found.evidence.view.measures] == some
    welsh = area_evidence("W06000015", bank, risk)
    assert welsh.evidence is None and "not an English" in welsh.left_out


def _top_level_scores(bank, code: str):
    from stocktake.scoring.method import score_partnership

    answers = {"vision.statement": Answer("vision.statement", ANSWERED, "yes"),
               "vision.known": Answer("vision.known", ANSWERED, 4),
               "risk.register": Answer("risk.register", ANSWERED, "full")}
    return score_partnership(bank, [Response(ResponseKey(code, bank.id, WAVE, "Lead"),
                                             "council", answers=answers)], [],
                             partnership=code, wave=WAVE)


def test_a_top_level_self_view_with_most_measures_in_d_is_flagged(tmp_path):
    from stocktake.evidence.indicators import load_shipped
    from stocktake.scoring.method import score_partnership

    ids = sorted(load_shipped().series)
    for code in ("E06000040", "E06000001", "E09000007", "E08000025", "E10000014"):
        view = linked_evidence(code, {m: () for m in ids})
        d = [m.measure.id for m in view.measures if m.band == "D"]
        a = [m.measure.id for m in view.measures if m.band == "A"]
        if len(d) >= 2 and len(a) >= 2:
            break
    else:
        pytest.fail("no authority with two measures in D and two in A")
    flagged = linked_bank(tmp_path, [d[0], d[1], a[0]])
    rows = self_view_flags(code, flagged, _top_level_scores(flagged, code))
    assert [r.area for r in rows] == ["risk"] and rows[0].bands == ("D", "D", "A")
    assert flag_counts(rows[0]) == type(flag_counts(rows[0]))(in_d=2, in_a=1, banded=3)
    nobody = score_partnership(flagged, [], [], partnership=code, wave=WAVE)
    assert self_view_flags(code, flagged, nobody) == []  # nobody answered: nothing to flag
    fine = linked_bank(tmp_path, [d[0], a[0], a[1]])
    assert self_view_flags(code, fine, _top_level_scores(fine, code)) == []


def test_a_bank_linking_no_measure_flags_nothing(mini_bank):
    assert self_view_flags("E09000007", mini_bank, _top_level_scores(mini_bank, "E09000007")) == []


def test_the_commands_json_is_the_results_to_json(cli, mini_bank, tmp_path):
    from stocktake.evidence.indicators import load_shipped
    from stocktake.scoring.self_view import evidence_view

    some = sorted(load_shipped().series)[:2]
    result = cli("neighbours", "Camden", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(json.dumps(neighbour_list("E09000007")
                                                              .to_json()))
    args = [a for m in some for a in ("--indicator", m)]
    result = cli("evidence", "E09000007", "--bank", "mini", *args, "--json")
    assert result.exit_code == 0, result.output
    shown = evidence_view(tmp_path / "ws", "E09000007", [mini_bank], indicators=some)
    assert json.loads(result.stdout) == json.loads(json.dumps(shown.to_json()))
