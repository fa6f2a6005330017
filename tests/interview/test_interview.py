"""The interview flow as plain logic: resume point, next, back, skip, jump, progress, summary."""

from __future__ import annotations

import pytest

from stocktake.errors import StocktakeError
from stocktake.interview.flow import InterviewFlow
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer


def ids(questions):
    return [q.id for q in questions]


def yes(qid="vision.statement"):
    return Answer(qid, ANSWERED, "yes")


def test_skip_condition_hides_a_question_until_its_answer_is_given(mini_bank):
    flow = InterviewFlow(mini_bank, "council")
    assert "vision.known" not in ids(flow.applicable())
    flow.record(yes())
    assert "vision.known" in ids(flow.applicable())
    flow.record(Answer("vision.statement", ANSWERED, "no"))
    assert "vision.known" not in ids(flow.applicable())


def test_questions_with_roles_are_asked_only_of_those_roles(mini_bank):
    young = InterviewFlow(mini_bank, "young-people", {"vision.statement": yes()})
    assert ids(young.applicable()) == ["vision.statement", "vision.known", "vision.consulted",
                                       "risk.barrier"]
    health = InterviewFlow(mini_bank, "health")
    assert "risk.register" in ids(health.applicable())
    assert "risk.vacancies" not in ids(health.applicable())


def test_unknown_role_is_refused_naming_the_bank_roles(mini_bank):
    with pytest.raises(StocktakeError) as caught:
        InterviewFlow(mini_bank, "police")
    assert "council, health, young-people" in caught.value.hint


def test_resume_point_is_the_first_unanswered_applicable_question(mini_bank):
    answers = {"vision.statement": yes(), "vision.known": Answer("vision.known", ANSWERED, 2)}
    flow = InterviewFlow(mini_bank, "council", answers)
    assert flow.resume_point().id == "vision.consulted"
    assert flow.progress().answered == 2 and flow.progress().total == 6


def test_resume_point_counts_na_and_dont_know_as_answered(mini_bank):
    answers = {"vision.statement": Answer("vision.statement", DONT_KNOW),
               "vision.consulted": Answer("vision.consulted", NOT_APPLICABLE)}
    flow = InterviewFlow(mini_bank, "council", answers)
    assert flow.resume_point().id == "risk.register"


def test_resume_point_is_none_when_everything_applicable_is_answered(mini_bank):
    answers = {q: Answer(q, DONT_KNOW) for q in ("vision.statement", "vision.consulted",
                                                 "risk.barrier")}
    assert InterviewFlow(mini_bank, "young-people", answers).resume_point() is None


def test_progress_gives_position_total_and_answered(mini_bank):
    flow = InterviewFlow(mini_bank, "council", {"vision.statement": yes()})
    p = flow.progress(mini_bank.question("risk.register"))
    assert (p.position, p.total, p.answered) == (4, 6, 1)


def test_next_passes_over_answered_and_skipped_questions(mini_bank):
    flow = InterviewFlow(mini_bank, "council",
                         {"risk.register": Answer("risk.register", ANSWERED, "full")})
    first = flow.resume_point()
    assert first.id == "vision.statement"
    flow.skip(first)
    second = flow.next_after(first)
    assert second.id == "vision.consulted"  # vision.known stays hidden: statement unanswered
    assert flow.next_after(second).id == "risk.vacancies"  # register already answered


def test_next_wraps_round_to_unanswered_questions_before_a_jump(mini_bank):
    flow = InterviewFlow(mini_bank, "council")
    jumped_to = flow.first_in_area("risk")
    assert jumped_to.id == "risk.register"
    for qid in ("risk.register", "risk.vacancies", "risk.barrier"):
        flow.record(Answer(qid, DONT_KNOW))
    assert flow.next_after(mini_bank.question("risk.barrier")).id == "vision.statement"


def test_next_is_none_when_only_skipped_questions_remain(mini_bank):
    flow = InterviewFlow(mini_bank, "young-people")
    for q in list(flow.applicable()):
        flow.skip(q)
    assert flow.next_after(mini_bank.question("risk.barrier")) is None
    assert ids(flow.unanswered()) == ["vision.statement", "vision.consulted", "risk.barrier"]


def test_back_goes_to_the_previous_applicable_question(mini_bank):
    flow = InterviewFlow(mini_bank, "council")
    consulted = mini_bank.question("vision.consulted")
    assert flow.previous(consulted).id == "vision.statement"  # known is hidden
    flow.record(yes())
    assert flow.previous(consulted).id == "vision.known"
    assert flow.previous(mini_bank.question("vision.statement")) is None


def test_after_going_back_and_answering_the_flow_returns_to_where_it_was(mini_bank):
    flow = InterviewFlow(mini_bank, "council")
    for qid, value in (("vision.statement", "no"), ("vision.consulted", ["staff"])):
        flow.record(Answer(qid, ANSWERED, value))
    at = flow.resume_point()
    assert at.id == "risk.register"
    back = flow.previous(at)
    flow.record(Answer(back.id, ANSWERED, ["children"]))
    assert flow.next_after(back).id == "risk.register"


def test_changing_an_answer_can_reveal_a_question_to_ask_next(mini_bank):
    flow = InterviewFlow(mini_bank, "council", {"vision.statement": Answer(
        "vision.statement", ANSWERED, "no")})
    flow.record(yes())
    assert flow.next_after(mini_bank.question("vision.statement")).id == "vision.known"


def test_jump_to_area_starts_at_its_first_unanswered_question(mini_bank):
    flow = InterviewFlow(mini_bank, "council",
                         {"risk.register": Answer("risk.register", ANSWERED, "none")})
    assert flow.first_in_area("risk").id == "risk.vacancies"
    for qid in ("risk.vacancies", "risk.barrier"):
        flow.record(Answer(qid, DONT_KNOW))
    assert flow.first_in_area("risk").id == "risk.register"  # all answered: revisit the first


def test_jump_to_unknown_area_is_refused(mini_bank):
    with pytest.raises(StocktakeError, match="no area 'workforce'"):
        InterviewFlow(mini_bank, "council").first_in_area("workforce")


def test_answer_to_a_question_that_becomes_hidden_is_kept_but_not_counted(mini_bank):
    flow = InterviewFlow(mini_bank, "council",
                         {"vision.statement": yes(),
                          "vision.known": Answer("vision.known", ANSWERED, 4)})
    assert flow.progress().answered == 2
    flow.record(Answer("vision.statement", ANSWERED, "no"))
    assert flow.answers["vision.known"].value == 4
    assert flow.progress().answered == 1 and flow.progress().total == 5


def test_area_position_counts_only_areas_with_questions_for_the_role(mini_bank):
    flow = InterviewFlow(mini_bank, "young-people")
    where = flow.area_position("risk")
    assert (where.index, where.count, where.area.title) == (2, 2, "Risk")


def test_review_lists_unanswered_and_dont_know_and_summary_counts_by_area(mini_bank):
    flow = InterviewFlow(mini_bank, "council", {
        "vision.statement": yes(),
        "vision.known": Answer("vision.known", DONT_KNOW),
        "risk.register": Answer("risk.register", NOT_APPLICABLE),
        "risk.vacancies": Answer("risk.vacancies", ANSWERED, 12),
    })
    assert ids(flow.dont_know()) == ["vision.known"]
    assert ids(flow.unanswered()) == ["vision.consulted", "risk.barrier"]
    summary = {row.area.id: row for row in flow.summary()}
    vision, risk = summary["vision"], summary["risk"]
    assert (vision.applicable, vision.answered, vision.dont_know, vision.unanswered) == (3, 1, 1, 1)
    assert (risk.applicable, risk.answered, risk.not_applicable, risk.unanswered) == (3, 1, 1, 1)


def test_flow_over_a_shipped_bank_visits_every_council_question_once(mini_bank):
    from stocktake.banks.loading import find_bank

    bank = find_bank("idea-stocktake")
    flow = InterviewFlow(bank, "council")
    seen = []
    question = flow.resume_point()
    while question is not None:
        assert question.id not in seen
        seen.append(question.id)
        answer = Answer(question.id, ANSWERED, "yes") if question.type == "yesno" \
            else Answer(question.id, DONT_KNOW)
        flow.record(answer)
        question = flow.next_after(question)
    assert seen == ids(flow.applicable())
    assert all(q.asked_of("council") for q in flow.applicable())
    assert flow.unanswered() == []
