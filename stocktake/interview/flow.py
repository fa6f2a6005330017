"""The question flow of one interview as plain logic: which question next, back, skip, jump, resume.

Nothing here prompts, prints or stores: the CLI asks, saves each answer with the workspace, and
tells the flow what happened. The flow only ever offers questions that apply to the respondent's
role and whose skip conditions (`when`) are met by the answers so far, so changing an answer can
show or hide later questions; an answer to a question that becomes hidden stays in `answers`.

    flow = InterviewFlow(bank, "council", response.answers)
    question = flow.resume_point()          # the first unanswered question that applies
    flow.record(Answer(question.id, ANSWERED, "yes"))
    question = flow.next_after(question)    # None when nothing is left to ask: time to review
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from stocktake.banks.applicability import applicable_questions, reachable_questions
from stocktake.banks.model import AgeBand, Area, Bank, Question
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer

# What a respondent can do at a prompt besides answering.
BACK, SKIP, JUMP, QUIT = "back", "skip", "jump", "quit"
NAVIGATION = (BACK, SKIP, JUMP, QUIT)


@dataclass(frozen=True)
class Progress:
    """Where a question sits: `position` of `total` questions that apply or still may (a
    question hidden behind an unanswered skip condition is counted, so `total` does not grow
    as conditions are met), and `answered`: the applicable questions answered so far."""

    position: int
    total: int
    answered: int


@dataclass(frozen=True)
class AreaPosition:
    """An area's place among the areas that hold questions for this role (k of n)."""

    index: int
    count: int
    area: Area


@dataclass(frozen=True)
class AreaSummary:
    """What a respondent gave in one area; counts are over the questions that apply now."""

    area: Area
    applicable: int
    answered: int
    not_applicable: int
    dont_know: int

    @property
    def unanswered(self) -> int:
        return self.applicable - self.answered - self.not_applicable - self.dont_know


class InterviewFlow:
    """One respondent's way through a bank; `answers` is updated by `record` as they answer."""

    def __init__(self, bank: Bank, role: str, answers: Mapping[str, Answer] | None = None,
                 age: AgeBand | None = None):
        bank.role(role)  # an unknown role is the caller's bug or the user's typo: fail loudly
        self.bank = bank
        self.role = role
        # A child's age band: questions limited to other ages are neither asked nor counted.
        self.age = age
        self.answers: dict[str, Answer] = dict(answers or {})
        # Skipped in this sitting: passed over until the review; unanswered in the store, so the
        # next sitting starts with them.
        self.skipped: set[str] = set()
        self._order = {q.id: i for i, q in enumerate(bank.questions)}

    # ------------------------------------------------------------ what applies

    def applicable(self) -> list[Question]:
        return applicable_questions(self.bank, self.role, self.answers, self.age)

    def is_answered(self, question: Question) -> bool:
        return question.id in self.answers

    def reachable(self) -> list[Question]:
        """The questions that apply now or may yet, once the questions they hang on are
        answered (banks.applicability.reachable_questions)."""
        return reachable_questions(self.bank, self.role, self.answers, self.age)

    def progress(self, question: Question | None = None) -> Progress:
        """Position and total over the questions that apply or still may, answered over those
        that apply; position 0 when the question does not apply."""
        reachable = self.reachable()
        ids = [q.id for q in reachable]
        position = ids.index(question.id) + 1 if question is not None and question.id in ids else 0
        answered = sum(1 for q in self.applicable() if self.is_answered(q))
        return Progress(position, len(reachable), answered)

    def role_areas(self) -> list[Area]:
        """Areas with at least one question for this role (by role alone, so k of n is stable)."""
        asked = {q.area for q in self.bank.questions_for_role(self.role)
                 if q.asked_of_age(self.age)}
        return [a for a in self.bank.areas if a.id in asked]

    def area_position(self, area_id: str) -> AreaPosition:
        areas = self.role_areas()
        for index, area in enumerate(areas, start=1):
            if area.id == area_id:
                return AreaPosition(index, len(areas), area)
        return AreaPosition(0, len(areas), self.bank.area(area_id))

    # ------------------------------------------------------------ moving

    def resume_point(self) -> Question | None:
        """The first applicable question without an answer (skipped ones count as unanswered)."""
        for q in self.applicable():
            if not self.is_answered(q):
                return q
        return None

    def next_after(self, question: Question) -> Question | None:
        """The next question still to ask after `question`, wrapping round to earlier ones.

        Questions answered (in this sitting or before) or skipped in this sitting are passed
        over, so going back to correct an answer returns the respondent to where they were.
        None means nothing is left to ask: the review comes next.
        """
        questions = self.applicable()
        start = self._bank_index(question)
        later = [q for q in questions if self._bank_index(q) > start]
        earlier = [q for q in questions if self._bank_index(q) <= start and q.id != question.id]
        for q in later + earlier:
            if self._pending(q):
                return q
        return None

    def previous(self, question: Question) -> Question | None:
        """The applicable question before `question` in the bank's order (None at the first)."""
        start = self._bank_index(question)
        before = [q for q in self.applicable() if self._bank_index(q) < start]
        return before[-1] if before else None

    def first_in_area(self, area_id: str) -> Question | None:
        """The first question still to ask in an area, else its first applicable question."""
        self.bank.area(area_id)
        in_area = [q for q in self.applicable() if q.area == area_id]
        for q in in_area:
            if not self.is_answered(q):
                return q
        return in_area[0] if in_area else None

    # ------------------------------------------------------------ what happened

    def record(self, answer: Answer) -> None:
        self.answers[answer.question] = answer
        self.skipped.discard(answer.question)

    def skip(self, question: Question) -> None:
        if not self.is_answered(question):
            self.skipped.add(question.id)

    # ------------------------------------------------------------ the end

    def unanswered(self) -> list[Question]:
        return [q for q in self.applicable() if not self.is_answered(q)]

    def dont_know(self) -> list[Question]:
        return [q for q in self.applicable()
                if self.is_answered(q) and self.answers[q.id].status == DONT_KNOW]

    def summary(self) -> list[AreaSummary]:
        """Per area with questions for this role: how the applicable questions were answered."""
        questions = self.applicable()
        rows = []
        for area in self.role_areas():
            statuses = [self.answers[q.id].status if q.id in self.answers else None
                        for q in questions if q.area == area.id]
            rows.append(AreaSummary(area, len(statuses), statuses.count(ANSWERED),
                                    statuses.count(NOT_APPLICABLE), statuses.count(DONT_KNOW)))
        return rows

    # ------------------------------------------------------------ internals

    def _pending(self, question: Question) -> bool:
        return not self.is_answered(question) and question.id not in self.skipped

    def _bank_index(self, question: Question) -> int:
        return self._order[question.id]
