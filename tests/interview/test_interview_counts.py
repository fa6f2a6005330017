"""The interview's "Question n of m": m never grows as skip logic reveals questions (issue 26,
kind 6). Every shipped bank with skip conditions is run through, role by role, answering as a
respondent might (conditions met or not), and the total is read before each question."""

from __future__ import annotations

import random

import pytest

from stocktake.banks.loading import find_bank
from stocktake.interview.flow import InterviewFlow
from stocktake.records.responses import ANSWERED, DONT_KNOW, Answer

BANKS = ["idea-stocktake", "joint-area-review", "tomorrows-children"]


def _answer(bank, question, rng: random.Random) -> Answer:
    """An answer that meets a condition hanging on `question` about half the time."""
    wanted = [q.when for q in bank.questions if q.when and q.when.question == question.id]
    if wanted and rng.random() < 0.5:
        when = rng.choice(wanted)
        if when.is_ is not None:
            value = when.is_
        elif when.in_:
            value = rng.choice(list(when.in_))
        else:
            value = when.at_least
        if question.type == "multi":
            value = [value]
        return Answer(question.id, ANSWERED, value)
    if rng.random() < 0.15:
        return Answer(question.id, DONT_KNOW)
    if question.type == "scale":
        return Answer(question.id, ANSWERED, rng.randint(1, len(question.levels)))
    if question.type == "choice":
        return Answer(question.id, ANSWERED, rng.choice(question.options).id)
    if question.type == "multi":
        return Answer(question.id, ANSWERED, [rng.choice(question.options).id])
    if question.type == "yesno":
        return Answer(question.id, ANSWERED, rng.choice(["yes", "no"]))
    if question.type == "number":
        return Answer(question.id, ANSWERED, question.min if question.min is not None else 0)
    return Answer(question.id, ANSWERED, "Some words")


def _run(bank, role: str, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    flow = InterviewFlow(bank, role)
    seen = []
    question = flow.resume_point()
    while question is not None:
        p = flow.progress(question)
        seen.append((p.position, p.total))
        flow.record(_answer(bank, question, rng))
        question = flow.next_after(question)
    # Once everything is answered, nothing is left that may yet apply: the total is what applied.
    assert [q.id for q in flow.reachable()] == [q.id for q in flow.applicable()]
    assert flow.progress().total <= seen[-1][1]
    return seen


@pytest.mark.parametrize("bank_id", BANKS)
def test_the_total_never_grows_through_a_bank_with_skip_logic(bank_id):
    bank = find_bank(bank_id)
    assert any(q.when for q in bank.questions)  # the bank has skip logic to reveal
    grew_before = 0
    for role in bank.role_ids:
        for seed in range(6):
            seen = _run(bank, role, seed)
            totals = [total for _, total in seen]
            assert totals == sorted(totals, reverse=True), (role, seed, seen)
            positions = [position for position, _ in seen]
            assert positions == sorted(positions) and len(set(positions)) == len(positions)
            assert all(1 <= position <= total for position, total in seen), (role, seed, seen)
            grew_before += _grew_when_counting_what_applies_now(bank, role, seed)
    # The run does reveal questions: counting only what applies now, the total would grow.
    assert grew_before > 0


def _grew_when_counting_what_applies_now(bank, role: str, seed: int) -> int:
    rng = random.Random(seed)
    flow = InterviewFlow(bank, role)
    totals = []
    question = flow.resume_point()
    while question is not None:
        totals.append(len(flow.applicable()))
        flow.record(_answer(bank, question, rng))
        question = flow.next_after(question)
    return sum(1 for a, b in zip(totals, totals[1:]) if b > a)


def test_a_hidden_question_counts_until_its_condition_is_settled(mini_bank):
    flow = InterviewFlow(mini_bank, "council")
    hidden = [q for q in mini_bank.questions_for_role("council") if q.when]
    assert hidden
    before = flow.progress().total
    assert before == len(mini_bank.questions_for_role("council"))
    source = mini_bank.question(hidden[0].when.question)
    # An answer that does not meet the condition settles it: the total drops by the hidden one.
    unmet = "no" if source.type == "yesno" else None
    assert unmet is not None
    flow.record(Answer(source.id, ANSWERED, unmet))
    assert flow.progress().total == before - 1
    flow.record(Answer(source.id, ANSWERED, "yes"))
    assert flow.progress().total == before


def test_a_prompt_line_that_wraps_is_counted_in_the_prompts_height(mini_bank, monkeypatch):
    """The hint beside "? Your answer" fits 80 columns on one line; were it to wrap, the lines
    counted for the prompt grow with it, so the question above stays on screen."""
    from stocktake.interview import prompts

    multi = mini_bank.question("vision.consulted")
    assert len(f"? Your answer {prompts.MULTI_INSTRUCTION}") <= 80
    assert len(f"? Your answer {prompts.SELECT_INSTRUCTION}") <= 80
    one_line = prompts.prompt_lines(multi, width=80)
    monkeypatch.setattr(prompts, "MULTI_INSTRUCTION", "(" + "tick " * 14 + ")")  # 86 columns
    assert prompts.prompt_lines(multi, width=80) == one_line + 1
