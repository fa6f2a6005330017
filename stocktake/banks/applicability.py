"""Which questions apply to a respondent: their role, and the skip conditions met so far.

Interviews use it to decide what to ask next; scoring uses it so that an answer to a question
that later became hidden is kept but not scored.

    visible = applicable_questions(bank, "health", response.answers)
"""

from __future__ import annotations

from typing import Mapping

from stocktake.banks.model import AgeBand, Bank, Condition, Question
from stocktake.records.responses import ANSWERED, Answer


def condition_met(condition: Condition, answer: Answer | None) -> bool:
    """An unanswered, not-applicable or don't-know answer meets no condition."""
    if answer is None or answer.status != ANSWERED or answer.value is None:
        return False
    value = answer.value
    chosen = value if isinstance(value, list) else [value]
    if condition.is_ is not None:
        return any(_same(v, condition.is_) for v in chosen)
    if condition.in_ is not None:
        return any(_same(v, w) for v in chosen for w in condition.in_)
    if condition.at_least is not None:
        try:
            return float(value) >= condition.at_least
        except (TypeError, ValueError):
            return False
    return False


def is_applicable(bank: Bank, question: Question, role: str,
                  answers: Mapping[str, Answer], age: AgeBand | None = None) -> bool:
    """`age` is the respondent's age band (anonymous roles); a question whose `min_age` or
    `max_age` leaves that band out does not apply."""
    return _applies(bank, question, role, answers, age, unanswered_may=False)


def may_apply(bank: Bank, question: Question, role: str, answers: Mapping[str, Answer],
              age: AgeBand | None = None) -> bool:
    """True where the question applies now or still may: its skip condition (and its source's,
    up the chain) is met, or hangs on a question not yet answered. Answering only ever settles
    conditions, so the questions that may apply never grow as a respondent goes on (unless an
    answer is changed)."""
    return _applies(bank, question, role, answers, age, unanswered_may=True)


def _applies(bank: Bank, question: Question, role: str, answers: Mapping[str, Answer],
             age: AgeBand | None, *, unanswered_may: bool) -> bool:
    if not question.asked_of(role) or not question.asked_of_age(age):
        return False
    if question.when is None:
        return True
    # A condition on a question that is itself hidden is not met: chains hide together.
    source = bank.question(question.when.question)
    if not _applies(bank, source, role, answers, age, unanswered_may=unanswered_may):
        return False
    answer = answers.get(question.when.question)
    if unanswered_may and answer is None:
        return True
    return condition_met(question.when, answer)


def reachable_questions(bank: Bank, role: str, answers: Mapping[str, Answer],
                        age: AgeBand | None = None) -> list[Question]:
    """The questions that apply now or still may (`may_apply`), in the bank's order: what an
    interview's "n of m" counts, so m does not grow as skip conditions are met."""
    return [q for q in bank.questions if may_apply(bank, q, role, answers, age)]


def applicable_questions(bank: Bank, role: str, answers: Mapping[str, Answer],
                         age: AgeBand | None = None) -> list[Question]:
    return [q for q in bank.questions if is_applicable(bank, q, role, answers, age)]


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return str(a) == str(b)
