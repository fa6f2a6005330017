"""Ties and too few (the tester's findings on issue 23's rules): a list cut inside a tie names
every tied item, or counts them, and never lets bank order pick; a mean over fewer than
min_count neighbours is withheld; no sentence claims agreement where nothing could be compared;
and a per-question finding withheld for too few answers says so instead of vanishing."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import Response, ResponseKey
from helpers.report_text import answers, text_of

pytest.importorskip("matplotlib", reason="reports need the 'reports' extra")

WAVE = "2026-27"
WHEN = "2026-11-01T10:00:00+00:00"
CAMDEN = "E09000007"




@pytest.fixture
def banks(tmp_path, monkeypatch) -> Path:
    """A folder for this test's banks, on the search path so the doctor finds them by id."""
    import os

    from helpers.paths import DATA

    folder = tmp_path / "banks"
    folder.mkdir()
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", f"{DATA}{os.pathsep}{folder}")
    return folder


def write_bank(folder: Path, body: str, bank_id: str = "ties") -> "object":
    from stocktake.banks.loading import load_bank

    path = folder / f"{bank_id}.toml"
    path.write_text(f'id = "{bank_id}"\ntitle = "Ties"\nversion = "1.0"\n'
                    f'description = "Test bank."\n{body}', encoding="utf-8")
    return load_bank(path)


def area(i: str, score: float | None, level: str = "Embedded"):
    return SimpleNamespace(id=i, title=i.upper(), score=score, level=level)


# ---------------------------------------------------------------- strongest and weakest


def test_nine_areas_tied_at_the_top_are_counted_not_cut_to_two_by_bank_order():
    from stocktake.reports.findings import strongest_and_weakest_sentences

    # The tester's Camden: council and health at the top level everywhere but two areas.
    areas = [area(c, 100.0) for c in "abcdefghi"] + [area("p", 250 / 3), area("q", 250 / 3)]
    assert strongest_and_weakest_sentences(areas) == [
        "Strongest: 9 areas tie at 100.0 (Embedded).",
        "Weakest: P (Embedded, 83.3); Q (Embedded, 83.3)."]


def test_areas_printed_alike_tie_and_a_small_tie_at_the_cut_is_named_whole():
    from stocktake.reports.findings import strongest_and_weakest_sentences

    # 66.67 and 66.66 both print 66.7: the cut after two would fall between them.
    areas = [area("a", 80.0, "Embedded"), area("b", 200 / 3, "Established"),
             area("c", 66.66, "Established"), area("d", 40.0, "Developing"),
             area("e", 30.0, "Developing"), area("f", 20.0, "Emerging")]
    assert strongest_and_weakest_sentences(areas) == [
        "Strongest: A (Embedded, 80.0); B (Established, 66.7); C (Established, 66.7).",
        "Weakest: F (Emerging, 20.0); E (Developing, 30.0)."]


def test_a_tie_at_the_cut_after_a_leader_is_counted_after_it():
    from stocktake.reports.findings import strongest_and_weakest_sentences

    areas = ([area("a", 98.0)] + [area(c, 95.0) for c in "bcdef"]
             + [area(c, 10.0, "Emerging") for c in "uvwxyz"])
    assert strongest_and_weakest_sentences(areas)[0] == (
        "Strongest: A (Embedded, 98.0); then 5 areas tie at 95.0 (Embedded).")


def test_a_tie_reaching_both_ends_goes_to_the_end_it_is_the_extreme_of_or_to_neither():
    from stocktake.reports.findings import strongest_and_weakest, strongest_and_weakest_sentences

    # 90, 80, 80, 80: the three 80s are the lowest, not also among the strongest.
    strongest, weakest = strongest_and_weakest(
        [area("a", 90.0), area("b", 80.0), area("c", 80.0), area("d", 80.0)])
    assert [a.id for a in strongest] == ["a"] and [a.id for a in weakest] == ["b", "c", "d"]
    # 90, 80, 80, 80, 70: the 80s are in the middle, at neither end.
    assert strongest_and_weakest_sentences(
        [area("a", 90.0), area("b", 80.0), area("c", 80.0), area("d", 80.0),
         area("e", 70.0, "Established")]) == [
        "Strongest: A (Embedded, 90.0).", "Weakest: E (Established, 70.0)."]


def test_every_area_reading_the_same_is_said_once_with_no_strongest_or_weakest():
    from stocktake.reports.findings import strongest_and_weakest_sentences

    assert strongest_and_weakest_sentences([area("a", 50.0, "Established"),
                                            area("b", 50.004, "Established"),
                                            area("c", None)]) == [
        "All 2 scored areas read 50.0 (Established), so none is strongest or weakest."]


def test_roles_printed_alike_at_an_extreme_are_both_named():
    from stocktake.reports.findings import divergence_sentence

    # 99.96 prints 100.0, as the council's 100.0 does: both are at the top.
    found = SimpleNamespace(
        title="Risk", divergent=True, spread=100.0,
        by_role=(SimpleNamespace(role="council", score=100.0, respondents=1),
                 SimpleNamespace(role="health", score=99.96, respondents=1),
                 SimpleNamespace(role="schools", score=0.0, respondents=1)))
    assert divergence_sentence(found, {"council": "Council", "health": "Health",
                                       "schools": "Schools"}).startswith(
        "Partners see Risk differently: Council (1 person) and Health (1 person), each 100.0 "
        "against Schools (1 person) 0.0")


# ---------------------------------------------------------------- questions in an area


def qm(i: int, mean: float, answered: int = 6):
    from stocktake.reports.findings import QuestionMean

    return QuestionMean(f"q{i}", f"Q{i}?", mean, answered)


def test_four_questions_tied_at_the_lowest_are_counted_not_one_picked():
    from stocktake.reports.findings import question_extremes_sentence

    # The tester's ws5: 61 of 100 four times; 0.605 and 0.614 both print 61.
    means = [qm(1, 0.667), qm(2, 0.611), qm(3, 0.605), qm(4, 0.614), qm(5, 0.611)]
    assert question_extremes_sentence(means, 5) == (
        "Scored highest: \u201cQ1?\u201d (67 of 100, 6 answers). Scored lowest: 4 questions tie "
        "at 61 of 100 (6 answers each).")


def test_a_few_tied_questions_are_named_with_their_answers():
    from stocktake.reports.findings import question_extremes_sentence

    means = [qm(1, 0.9), qm(2, 0.61, 6), qm(3, 0.61, 5), qm(4, 0.8), qm(5, 0.2, 3)]
    assert question_extremes_sentence(means, 5) == (
        "Scored highest: \u201cQ1?\u201d (90 of 100, 6 answers). Scored lowest, tied at 61 of "
        "100: \u201cQ2?\u201d (6 answers) and \u201cQ3?\u201d (5 answers). 1 question with "
        "fewer than 5 answers is not compared.")
    same = [qm(1, 0.9), qm(2, 0.9), qm(3, 0.1)]
    assert question_extremes_sentence(same, 5).startswith(
        "Scored highest, tied at 90 of 100 (6 answers each): \u201cQ1?\u201d and \u201cQ2?\u201d.")


def test_too_few_answers_say_so_instead_of_leaving_the_finding_out():
    from stocktake.reports.findings import question_extremes_sentence

    none = "so no question is singled out as scored highest or lowest."
    assert question_extremes_sentence([qm(1, 1.0, 2), qm(2, 0.5, 2)], 5) == (
        f"Each question here has 2 answers, fewer than 5, {none}")
    assert question_extremes_sentence([qm(1, 1.0, 2), qm(2, 0.5, 1)], 5) == (
        f"Each question here has at most 2 answers, fewer than 5, {none}")
    assert question_extremes_sentence([qm(1, 1.0, 6), qm(2, 0.5, 3)], 5) == (
        f"Only 1 question here has 5 or more answers (the others have at most 3), {none}")
    assert question_extremes_sentence([qm(1, 0.5), qm(2, 0.5), qm(3, 0.1, 4)], 5) == (
        f"The 2 questions with 5 or more answers all score 50 of 100, {none} 1 question with "
        "fewer than 5 answers is not compared.")
    # One scored question, or none: there was never a pair to set side by side.
    assert question_extremes_sentence([qm(1, 1.0, 2)], 5) is None
    assert question_extremes_sentence([], 5) is None


def test_a_report_where_two_answered_says_why_no_question_is_singled_out(workspace, mini_bank):
    from stocktake.reports.partnership_report import partnership_document

    workspace.add_partnerships([partnership_for(CAMDEN)])
    workspace.write_responses(CAMDEN, [
        Response(ResponseKey(CAMDEN, "mini", WAVE, "Ann"), "council",
                 answers=answers({"vision.statement": "yes", "vision.known": 4,
                                  "vision.consulted": ["staff"], "risk.register": "full"})),
        Response(ResponseKey(CAMDEN, "mini", WAVE, "Hal"), "health",
                 answers=answers({"vision.statement": "yes", "vision.known": 1,
                                  "vision.consulted": ["staff"], "risk.register": "none"}))])
    text = text_of(partnership_document(workspace, mini_bank, WAVE, CAMDEN))
    assert ("Each question here has 2 answers, fewer than 5, so no question is singled out as "
            "scored highest or lowest.") in text
    assert "Scored highest" not in text


# ---------------------------------------------------------------- the claim of agreement

APART_BANK = """
[[roles]]
id = "council"
title = "Council"

[[roles]]
id = "health"
title = "Health"

[[roles]]
id = "young-people"
title = "Children and young people"
reported_apart = true
anonymous = true

[[areas]]
id = "vision"
title = "Vision"
description = "One vision."

[[areas]]
id = "risk"
title = "Risk"
description = "Risks."

[[questions]]
id = "vision.plan"
area = "vision"
type = "yesno"
roles = ["council", "health"]
text = "Is there a plan?"

[[questions]]
id = "vision.heard"
area = "vision"
type = "yesno"
roles = ["young-people"]
text = "Have you heard of the plan?"

[[questions]]
id = "risk.register"
area = "risk"
type = "yesno"
roles = ["council", "health"]
text = "Is there a risk register?"
"""


def _apart_workspace(workspace, young: int):
    workspace.add_partnerships([partnership_for(CAMDEN)])
    given = [Response(ResponseKey(CAMDEN, "ties", WAVE, name), role,
                      answers=answers({"vision.plan": "yes", "risk.register": "yes"}))
             for name, role in (("Ann", "council"), ("Hal", "health"))]
    given += [Response(ResponseKey(CAMDEN, "ties", WAVE, f"YP-{i:04d}"), "young-people",
                       answers=answers({"vision.heard": "yes"}), age_band="11-15")
              for i in range(1, young + 1)]
    workspace.write_responses(CAMDEN, given)


def test_no_agreement_is_claimed_where_too_few_children_answered(workspace, banks):
    from stocktake.reports.partnership_report import partnership_document

    bank = write_bank(banks, APART_BANK)
    _apart_workspace(workspace, young=2)
    text = text_of(partnership_document(workspace, bank, WAVE, CAMDEN))
    assert ("No area is divergent. Too few children and young people answered (2) to set what "
            "they said beside the partners' answers.") in text
    assert "in line" not in text


def test_in_line_is_claimed_only_for_the_areas_where_enough_answered(workspace, banks):
    from stocktake.reports.partnership_report import partnership_document

    bank = write_bank(banks, APART_BANK)
    _apart_workspace(workspace, young=5)
    text = text_of(partnership_document(workspace, bank, WAVE, CAMDEN))
    assert ("No area is divergent. What children and young people said is in line with the "
            "partners' answers in the 1 area where 5 or more of them answered.") in text


# ---------------------------------------------------------------- the national report


def _scale_bank(folder: Path, questions: int, areas: int = 1) -> "object":
    body = '[[roles]]\nid = "council"\ntitle = "Council"\n'
    for a in range(1, areas + 1):
        body += f'[[areas]]\nid = "a{a}"\ntitle = "Area {a}"\ndescription = "x"\n'
    for i in range(1, questions + 1):
        body += (f'[[questions]]\nid = "a{(i - 1) % areas + 1}.q{i}"\narea = "a{(i - 1) % areas + 1}"'
                 f'\ntype = "scale"\ntext = "Question {i}?"\n'
                 'levels = ["None.", "Some.", "Most.", "All."]\n')
    return write_bank(folder, body, "scales")


PARTNERSHIPS = ["E09000007", "E09000019", "E08000035", "E09000033", "E10000016", "E06000023"]


def _national(workspace, bank, lowest: dict[str, set[int]]):
    """One council respondent per partnership answering every question at 3, except the
    questions in `lowest[code]`, answered at 1."""
    from stocktake.reports.national_report import national_document

    workspace.add_partnerships([partnership_for(c) for c in PARTNERSHIPS])
    for code in PARTNERSHIPS:
        workspace.write_responses(code, [Response(
            ResponseKey(code, bank.id, WAVE, "Lead"), "council",
            answers=answers({q.id: 1 if int(q.id.split(".q")[1]) in lowest.get(code, set())
                             else 3 for q in bank.questions}))])
    return text_of(national_document(workspace, bank, WAVE))


def test_every_question_tied_at_the_lowest_share_is_counted_not_five_listed(workspace, banks):
    bank = _scale_bank(banks, 8)
    text = _national(workspace, bank, {"E06000023": set(range(1, 9))})
    assert ("8 scale questions answered by partners tie at 17% of answers at the lowest level "
            "(each with 5 or more answers): too many to list, so none is singled out.") in text
    assert "Question 1? |" not in text


def test_a_leader_is_listed_and_the_tie_below_it_counted(workspace, banks):
    bank = _scale_bank(banks, 8)
    text = _national(workspace, bank, {"E06000023": set(range(1, 9)), "E09000007": {8}})
    assert "Question 8? | Area 1 | 33% | 6" in text
    assert ("Below those listed, 7 scale questions answered by partners tie at 17% of answers "
            "at the lowest level") in text


def test_a_tie_of_two_more_than_the_list_is_named_whole_in_bank_order(workspace, banks):
    bank = _scale_bank(banks, 6)
    text = _national(workspace, bank, {"E06000023": set(range(1, 7)), "E09000007": {6}})
    rows = [line for line in text.splitlines() if line.startswith("Question ") and "|" in line]
    assert rows == ["Question 6? | Area 1 | 33% | 6"] + [
        f"Question {i}? | Area 1 | 17% | 6" for i in range(1, 6)]
    assert "tie at" not in text


def test_regional_gaps_tied_beyond_the_list_are_counted(workspace, banks):
    from stocktake.reports.national_report import national_document

    # Eleven areas; three London partnerships at the top, the two South West at the bottom:
    # the South West is 100.0 points below the median in all eleven, three more than eight.
    bank = dataclasses.replace(_scale_bank(banks, 11, areas=11), min_count=2)
    top = {"E09000007": 4, "E09000019": 4, "E09000033": 4, "E06000023": 1, "E06000026": 1}
    workspace.add_partnerships([partnership_for(c) for c in top])
    for code, level in top.items():
        workspace.write_responses(code, [Response(
            ResponseKey(code, bank.id, WAVE, "Lead"), "council",
            answers=answers({q.id: level for q in bank.questions}))])
    text = text_of(national_document(workspace, bank, WAVE))
    assert ("11 region and area pairs differ from the round's median by the same 100.0 points: "
            "too many to list, so none is singled out.") in text
    assert "In the 2 South West partnerships" not in text


# ---------------------------------------------------------------- a list's cut


def test_a_cut_inside_a_tie_takes_it_whole_or_counts_it():
    from stocktake.reports.findings import cut_with_ties

    def cut(values, n):
        found = cut_with_ties(values, lambda v: v, n)
        return found.named, found.tied

    assert cut([9, 8, 7, 6], 2) == ([9, 8], [])
    assert cut([9, 7, 7, 7], 2) == ([9, 7, 7, 7], [])
    assert cut([9, 8, 7, 7, 7, 7, 7, 7], 5) == ([9, 8], [7] * 6)
    assert cut([7, 7, 7, 7, 7], 2) == ([], [7] * 5)
    assert cut([9], 2) == ([9], [])


# ---------------------------------------------------------------- neighbours' means


def _neighbours(workspace):
    from stocktake.evidence.neighbours import neighbours_of
    from stocktake.partnerships.reference import authority_by_dfe_number

    group = [authority_by_dfe_number(n.la_number).code for n in neighbours_of("202").neighbours]
    codes = [CAMDEN, group[0], group[1]]
    workspace.add_partnerships([partnership_for(c) for c in codes])
    for code, known in zip(codes, (4, 2, 1)):
        workspace.write_responses(code, [Response(
            ResponseKey(code, "mini", WAVE, "Lead"), "council",
            answers=answers({"vision.statement": "yes", "vision.known": known,
                             "risk.register": "full"}))])
    return group


def test_a_mean_of_two_neighbours_is_withheld_with_its_count_kept(cli, workspace):
    _neighbours(workspace)
    result = cli("benchmark", "--bank", "mini", "--neighbours", "--json")
    assert result.exit_code == 0, result.output
    camden = next(r for r in json.loads(result.stdout)["neighbours"]
                  if r["partnership"] == CAMDEN)
    assert camden["areas"]["overall"] == {
        "score": camden["areas"]["overall"]["score"], "neighbours_mean": None,
        "neighbours_counted": 2, "n": 2, "difference": None, "withheld": "fewer than 5"}
    text = cli("benchmark", "--bank", "mini", "--neighbours").stdout
    row = [line for line in text.splitlines() if f"({CAMDEN})" in line][-1]
    assert row.split()[-5:] == ["\u2013", "\u2013", "2", "of", "10"]
    assert ("\u2013: fewer than 5 of the partnership's neighbours here have a score, so no mean "
            "or difference is given") in " ".join(text.split())


def test_with_a_lower_minimum_the_mean_is_given_and_not_marked_withheld(cli, workspace):
    _neighbours(workspace)
    got = json.loads(cli("benchmark", "--bank", "mini", "--neighbours", "--json",
                         "--min-count", "2").stdout)
    camden = next(r for r in got["neighbours"] if r["partnership"] == CAMDEN)["areas"]["vision"]
    # Vision: (1 + 2 * 1/3) / 3 = 55.56 and (1 + 0) / 3 = 33.33 for the two neighbours.
    assert camden["neighbours_mean"] == pytest.approx(44.44, abs=0.01)
    assert camden["n"] == 2 and "withheld" not in camden
    text = cli("benchmark", "--bank", "mini", "--neighbours", "--min-count", "2").stdout
    assert "fewer than 2 of the partnership's neighbours" not in text
