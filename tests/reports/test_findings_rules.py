"""The findings rules a director signs (issue 23): no comparison against too few, every group's
count in its sentence, small groups withheld, children's answers worded as counts, ties naming
every role. Worked by hand on small real workspaces (tests/data banks, real TinyDB files)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey

from helpers.paths import DATA
from helpers.report_text import answers, text_of

pytest.importorskip("matplotlib", reason="reports need the 'reports' extra")

WAVE = "2026-27"
WHEN = "2026-11-01T10:00:00+00:00"




@pytest.fixture
def children_bank():
    from stocktake.banks.loading import load_bank

    return load_bank(DATA / "children.toml")


def test_a_one_partnership_report_makes_no_comparison_and_says_why(workspace, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    code = "E09000007"
    workspace.add_partnerships([partnership_for(code)])
    workspace.write_responses(code, [Response(
        ResponseKey(code, "mini", WAVE, "Ann"), "council",
        answers=answers({"vision.statement": "yes", "vision.known": 4,
                         "vision.consulted": ["staff"], "risk.register": "full"}))])
    doc = partnership_document(workspace, mini_bank, WAVE, code)
    text = text_of(doc)
    # Vision: (1 + 2 * 1 + 0.25) / 4 = 81.25, which the workbook's "0.0" shows as 81.3, and so
    # does the report (precision.fixed; Python's own formatting gave 81.2).
    assert ("Embedded: a score of 81.3. No comparison with the round for Vision: only 1 "
            "partnership has a score there, fewer than the 5 a comparison needs.") in text
    assert ("Camden is not compared with the round: the round has 1 partnership with scores, "
            "fewer than the 5 a comparison needs.") in text
    assert "median of 1" not in text and "against a median" not in text
    figure = next(b for b in doc.blocks if hasattr(b, "svg"))
    assert "no median is marked" in figure.caption and "(median" not in figure.alt
    assert "Vision | 81.3 | Embedded | - (1) |" in text


def test_a_region_of_two_is_named_with_its_count_and_compared_only_above_the_minimum(
        workspace, mini_bank):
    from stocktake.reports.national_report import national_document

    # Two South West (Bristol, Plymouth) and three London partnerships.
    scores = {"E06000023": 4, "E06000026": 4, "E09000007": 1, "E09000001": 1, "E09000002": 1}
    workspace.add_partnerships([partnership_for(c) for c in scores])
    for code, known in scores.items():
        workspace.write_responses(code, [Response(
            ResponseKey(code, "mini", WAVE, "Ann"), "council",
            answers=answers({"vision.statement": "yes", "vision.known": known,
                             "vision.consulted": ["staff"], "risk.register": "none"}))])
    text = text_of(national_document(workspace, mini_bank, WAVE))
    # Five partnerships: the round's median may be given, but neither region reaches 5.
    assert "Not compared, with fewer than 5 partnerships: London (3) and South West (2)." in text
    assert "averages" not in text
    # With a minimum of 2, the South West's two are compared, and the sentence says two.
    # Vision: known 4 -> (1 + 2 + 0.25) / 4 = 81.25; known 1 -> 31.25; the median is 31.25.
    text = text_of(national_document(workspace, dataclasses.replace(mini_bank, min_count=2),
                                     WAVE))
    # 81.25 and 31.25 read as the workbook shows them: 81.3 and 31.3.
    assert ("In the 2 South West partnerships, Vision averages 81.3, 50.0 points above the "
            "median of the 5 partnerships in this round (31.3).") in text
    assert "Findings of this round (5 of 153 authorities)" in text


def _children_workspace(workspace, feel_safe: list[str], tell: list[str]):
    code = "E09000007"
    workspace.add_partnerships([partnership_for(code)])
    given = [Response(ResponseKey(code, "children", WAVE, "Ann"), "council",
                      answers=answers({"safety.council-view": "yes"}))]
    for i, (safe, told) in enumerate(zip(feel_safe, tell), start=1):
        given.append(Response(ResponseKey(code, "children", WAVE, f"YP-{i:04d}"), "young-people",
                              answers=answers({"safety.feel-safe": safe,
                                               "safety.someone-to-tell": told}),
                              age_band="11-15"))
    workspace.write_responses(code, given)
    return code


def test_one_childs_answers_are_withheld_with_fewer_than_five(workspace, children_bank):
    from stocktake.reports.partnership_report import partnership_document

    code = _children_workspace(workspace, ["often-unsafe"], ["no"])
    text = text_of(partnership_document(workspace, children_bank, WAVE, code))
    assert ("Children and young people who answered on Safety: 1, fewer than 5, so what they "
            "said is not reported here.") in text
    # Never a score set against the partnership's, never the system's words.
    assert "against the partnership's" not in text and "(anonymous)" not in text
    assert "reported apart" not in text and "I often feel unsafe" not in text


def test_seven_childrens_answers_are_worded_as_counts_with_their_direction(workspace,
                                                                           children_bank):
    from stocktake.reports.partnership_report import partnership_document

    code = _children_workspace(
        workspace, ["often-unsafe"] * 5 + ["mostly-safe"] * 2, ["yes"] * 6 + ["no"])
    text = text_of(partnership_document(workspace, children_bank, WAVE, code))
    assert ("Of the 7 children and young people who answered \u201cHow safe do you feel where "
            "you live?\u201d, 5 said \u201cI often feel unsafe\u201d.") in text
    assert ("Of the 7 children and young people who answered \u201cI know an adult I could tell "
            "if I felt unsafe.\u201d, 6 said \u201cYes\u201d.") in text
    # The council's 100 against the children's mean of about 51: less positive, said in words.
    assert ("On Safety, what children and young people said is less positive than the "
            "partners' answers.") in text
    assert ("On Safety, what the 7 children and young people who answered said is less "
            "positive than the partners' answers.") in text
    assert "against the partnership's" not in text


def test_a_tie_at_the_lowest_names_both_roles():
    from stocktake.reports.findings import divergence_sentence

    area = SimpleNamespace(
        title="Risk", divergent=True, spread=33.3,
        by_role=(SimpleNamespace(role="council", score=100 / 3, respondents=1),
                 SimpleNamespace(role="health", score=0.0, respondents=1),
                 SimpleNamespace(role="schools", score=0.0, respondents=2)))
    titles = {"council": "Council", "health": "Health", "schools": "Schools"}
    assert divergence_sentence(area, titles) == (
        "Partners see Risk differently: Council (1 person) 33.3 against Health (1 person) and "
        "Schools (2 people), each 0.0 (a spread of 33.3 points between the people who "
        "answered).")


def test_the_lead_says_who_stands_behind_the_overall_and_which_areas_lack_a_quorum(
        workspace, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    code = "E09000007"
    workspace.add_partnerships([partnership_for(code)])
    workspace.write_responses(code, [
        Response(ResponseKey(code, "mini", WAVE, "Ann"), "council",
                 answers=answers({"vision.statement": "yes", "vision.known": 4,
                                  "vision.consulted": ["staff"], "risk.register": "full"})),
        # Hal answers one of Vision's three questions: a third, below the bank's half.
        Response(ResponseKey(code, "mini", WAVE, "Hal"), "health",
                 answers={"vision.statement": Answer("vision.statement", ANSWERED, "yes", "",
                                                     WHEN),
                          "vision.known": Answer("vision.known", "dk", None, "", WHEN),
                          "vision.consulted": Answer("vision.consulted", "dk", None, "", WHEN),
                          "risk.register": Answer("risk.register", ANSWERED, "none", "",
                                                  WHEN)})])
    bank = dataclasses.replace(mini_bank, min_roles=2)
    text = text_of(partnership_document(workspace, bank, WAVE, code))
    assert ("The overall includes 1 area answered by fewer than the 2 partner roles the bank "
            "asks for (Vision).") in text
    assert ("The score for Vision rests on 1 person from 1 partner role: Council 1. Not counted, "
            "as they answered too little: Health (1 person) answered 1 of 3 questions asked."
            ) in text
    assert "The score for Risk rests on 2 people from 2 partner roles: Council 1 and Health 1." \
        in text
