"""One interview's decisions: where its answers go, where it starts, what to ask next, and what
to tell the respondent (a notice, a warning, the command that resumes it).

Nothing here prompts or prints: the CLI (stocktake.cli.interview and interview_screen) asks with
stocktake.interview.prompts, renders, and tells the session what the respondent chose. Every
answer is stored before the next question is chosen, so an interview stopped at any point loses
nothing that was answered.

    session = InterviewSession(Target(ws, "E09000007", "idea-stocktake", "2026-27", meta, key),
                               bank)
    session.question                          # the first unanswered question that applies
    session.save_answer(Answer(q.id, ANSWERED, 3)); session.answered(q)
    session.question                          # the next; None: time to review
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from stocktake.errors import StocktakeError, UsageError
from stocktake.arithmetic.precision import fixed_score

if TYPE_CHECKING:
    from stocktake.banks.model import AgeBand, Bank, Question
    from stocktake.interview.flow import InterviewFlow
    from stocktake.partnerships.model import Partnership
    from stocktake.records.responses import Answer, Response, ResponseKey
    from stocktake.store.workspace import Workspace


# ---------------------------------------------------------------- where the answers go


class ResponseMeta(TypedDict):
    """How a response is being taken, stored with it (Workspace.save_answers' keywords)."""

    role: str
    mode: str  # one of stocktake.records.responses.MODES
    adviser: str
    bank_version: str
    bank_hash: str


class Target:
    """Where one interview's answers go: the response under `key`, or, for a new anonymous
    respondent (`key` None), a reference chosen when the first answer is saved.

    The reference is chosen in the same locked write that stores that answer
    (`Workspace.save_answers_under_new_reference`): an interview abandoned before its first
    answer stores nothing and holds no reference, and two started at once in two terminals get
    different references. `age` is the age band given (children and young people).
    """

    def __init__(self, ws: Workspace, partnership: str, bank: str, wave: str,
                 meta: ResponseMeta, key: ResponseKey | None, *, prefix: str = "",
                 age: AgeBand | None = None):
        self.ws, self.partnership, self.bank, self.wave = ws, partnership, bank, wave
        self.meta, self.key, self.prefix, self.age = meta, key, prefix, age

    def save(self, answers: list[Answer], notices: dict[str, str] | None = None, *,
             retry: bool = True) -> Response:
        """Store `answers` (and `notices`: question id -> ISO time shown) in one write; the
        stored Response.

        A workspace kept busy by another command past the lock timeout loses no answer: while
        `keep_trying` (asked with who holds the lock) says so, the save is tried again; when
        it declines, StocktakeError says what was not stored. `retry` False: LockBusy is raised
        at once (a whole file of answers: run again)."""
        from stocktake.store.locking import LockBusy

        while True:
            try:
                return self._save(answers, notices)
            except LockBusy as busy:
                if not retry:
                    raise
                if not self.keep_trying(busy.message):
                    raise StocktakeError(
                        f"{busy.message}; this last answer was not stored (every answer "
                        "before it was)",
                        hint="run the same interview again when that command has finished: it "
                             "carries on where you stopped") from None

    def keep_trying(self, message: str) -> bool:
        """Whether to try a save again that `message` says is held up; the terminal asks the
        respondent (stocktake.cli.interview.Target), nobody else waits."""
        return False

    def _save(self, answers: list[Answer], notices: dict[str, str] | None = None) -> Response:
        if self.key is not None:
            return self.ws.save_answers(self.key, answers, notices=notices, **self.meta)
        response = self.ws.save_answers_under_new_reference(
            self.partnership, self.bank, self.wave, self.prefix, answers,
            age_band=self.age.id if self.age else "", notices=notices, **self.meta)
        self.key = response.key
        return response


def listed_partnership(ws: Workspace, code: str) -> Partnership:
    """The partnership `code` (a resolved GSS code) names: the workspace's, else the shipped
    list's, not stored here (`partnership_or_add` and the intake add it). Raises
    StocktakeError for a code in neither, with the `partnerships add` hint."""
    found = ws.find_partnership(code)
    return found if found is not None else _shipped_partnership(ws, code)


def partnership_or_add(ws: Workspace, code: str) -> tuple[Partnership, bool]:
    """The workspace's partnership for `code` (a resolved GSS code) and False, or, when it is
    not there yet, the shipped list's, added, and True (StocktakeError as listed_partnership)."""
    found = ws.find_partnership(code)
    if found is not None:
        return found, False
    partnership = _shipped_partnership(ws, code)
    ws.add_partnerships([partnership])
    return partnership, True


def _shipped_partnership(ws: Workspace, code: str) -> Partnership:
    from stocktake.partnerships.model import partnership_for
    from stocktake.partnerships.reference import authority

    if authority(code) is None:
        raise StocktakeError(
            f"partnership {code} is not in the workspace {ws.root}, nor in the list of English "
            "children's services authorities",
            hint=f"add it first with `stocktake partnerships add {code} --name NAME`")
    return partnership_for(code)


# ---------------------------------------------------------------- who is answering


def check_anonymous_options(bank: Bank, role: str, respondent: str | None,
                            reference: str | None, band_id: str | None) -> AgeBand | None:
    """The age band given (or None); refuses (UsageError) a name for an anonymous role, and the
    anonymous options for any other role, each with the reason."""
    from stocktake.banks.model import age_band

    title = bank.role(role).title
    if not bank.is_anonymous(role):
        for given, option in ((reference, "--reference"), (band_id, "--age-band")):
            if given is not None:
                raise UsageError(f"{option} is only for anonymous roles, and {role} ({title}) "
                                 "answers by name", hint="give --respondent NAME instead")
        return None
    if respondent is not None:
        raise UsageError(
            f"role {role} ({title}) answers anonymously: no name is taken, so --respondent "
            "is refused and nothing was stored",
            hint="leave out --respondent: a reference such as "
                 f"{bank.role(role).reference_prefix}-0001 is given; to carry on an earlier "
                 "interview give --reference")
    if reference is not None and band_id is not None:
        raise UsageError("--age-band is given once, when the interview starts",
                         hint="leave out --age-band when carrying on with --reference")
    return age_band(band_id.strip()) if band_id is not None else None


def anonymous_by_reference(ws: Workspace, bank: Bank, code: str, wave: str, role: str,
                           reference: str) -> tuple[ResponseKey, AgeBand | None]:
    """The key and age band of an earlier anonymous respondent, by its reference ("yp-0007"
    is YP-0007). Raises UsageError for a reference not of the role's form, StocktakeError for
    one with no response of that role."""
    from stocktake.records.responses import ResponseKey

    prefix = bank.role(role).reference_prefix
    reference = reference.strip().upper()
    if not re.fullmatch(rf"{re.escape(prefix)}-\d{{4,}}", reference):
        raise UsageError(f"--reference '{reference}' is not a reference of role {role}",
                         hint=f"references look like {prefix}-0007")
    key = ResponseKey(code, bank.id, wave, reference)
    found = ws.response(key)
    if found is None or found.role != role:
        raise StocktakeError(f"no {role} response {reference} for {code}, {bank.id} {wave}",
                             hint="check the reference the interview gave at its start")
    return key, found.age


def resume_command(*, code: str, bank_ref: str, respondent: str | None, role: str, wave: str,
                   adviser: str = "", self_assessment: bool = False,
                   no_evidence: bool = False, anonymous: bool = False,
                   workspace: Path | None = None) -> str:
    """The exact command that resumes this interview, quoted for a POSIX shell (for an
    anonymous respondent not yet given a reference, `respondent` None: the command that starts
    again); `workspace` the -w folder given, if any."""
    parts = ["stocktake"]
    if workspace is not None:
        parts += ["-w", str(workspace)]
    who = [] if respondent is None else \
        ["--reference", respondent] if anonymous else ["--respondent", respondent]
    parts += ["interview", code, "--bank", bank_ref, *who, "--role", role, "--wave", wave]
    if adviser:
        parts += ["--adviser", adviser]
    if self_assessment:
        parts.append("--self-assessment")
    if no_evidence:
        parts.append("--no-evidence")
    return shlex.join(parts)


# ---------------------------------------------------------------- what to tell them


def district_warning(code: str, role: str) -> str | None:
    """Why a district council respondent is unlikely for `code` (a single-tier authority has no
    districts beneath it), or None."""
    from stocktake.partnerships.reference import authority

    known = authority(code)
    if role == "district" and known is not None and not known.two_tier:
        return (f"{known.name} ({known.type or 'single-tier'}) has no district councils "
                "beneath it; district councils exist only under county councils (E10). "
                "Check the role.")
    return None


def personal_data_warning(answer: Answer) -> str | None:
    """What looks like a child's or family's details in the answer's note or text value
    (stocktake.privacy.personal_data), or None."""
    from stocktake.privacy.personal_data import describe, find_personal_data

    texts = [answer.evidence] + ([answer.value] if isinstance(answer.value, str) else [])
    findings = [f for text in texts if text for f in find_personal_data(text)]
    return describe(findings) if findings else None


@dataclass(frozen=True)
class NoticeDue:
    """A safeguarding notice called for by an answer: the bank's notice in full (`earlier`
    empty) or a reminder naming the questions that called for it earlier in this response."""

    question: str
    earlier: tuple[str, ...] = ()


def notice_due(question_id: str, notices: dict[str, str]) -> NoticeDue | None:
    """What a marked answer to `question_id` calls for, given the response's `notices`
    (question id -> when shown): None when it was shown for this question already."""
    if question_id in notices:
        return None
    return NoticeDue(question_id, tuple(sorted(notices)))


def record_notice(target: Target, question_id: str, notices: dict[str, str]) -> None:
    """Record that the notice was shown for `question_id` now, in the store and in `notices`.
    Only the question id and the time are kept: nothing beyond the answer itself. Saved after
    the answer that called for it, so the response's key is known."""
    from stocktake.records.responses import now_iso

    shown = {question_id: now_iso()}
    target.save([], notices=shown)
    notices.update(shown)


# ---------------------------------------------------------------- what to ask next


class InterviewSession:
    """One respondent's interview over `target`: the flow (stocktake.interview.flow), the
    notices shown so far, and the question to ask (`question`, None: time to review).

    After the review a revisited question is asked alone, and then the review comes back."""

    def __init__(self, target: Target, bank: Bank):
        from stocktake.interview.flow import InterviewFlow

        if target.key is None:  # a new anonymous respondent: nothing stored yet
            answers, age, notices = {}, target.age, {}
        else:
            response = target.ws.start_response(target.key, **target.meta)
            answers, age, notices = response.answers, response.age, dict(response.notices)
        self.target, self.bank, self.notices = target, bank, notices
        self.flow: InterviewFlow = InterviewFlow(bank, target.meta["role"], answers, age)
        self.already_answered = self.flow.progress().answered
        self.question: Question | None = self.flow.resume_point()
        self.reviewing = False

    def save_answer(self, answer: Answer) -> bool:
        """Store `answer` unless it is what is stored already, and record it in the flow; True
        when this save gave a new anonymous respondent their reference."""
        old = self.flow.answers.get(answer.question)
        new = False
        if old is None or (old.status, old.value, old.evidence) != \
                (answer.status, answer.value, answer.evidence):
            new = self.target.key is None
            self.target.save([answer])
        self.flow.record(answer)
        return new

    def notice_after(self, question: Question, status: str, value: Any) -> NoticeDue | None:
        """The safeguarding notice an answer (`status`, `value`) to `question` calls for (the
        bank marks which do), or None."""
        from stocktake.records.responses import ANSWERED

        if status != ANSWERED or not question.calls_for_notice(value):
            return None
        return notice_due(question.id, self.notices)

    def answered(self, question: Question) -> None:
        """`question` was answered (and saved): on to the next, or back to the review."""
        self.question = None if self.reviewing else self.flow.next_after(question)

    def skipped(self, question: Question) -> None:
        """`question` was skipped: it stays unanswered for the review; on as after an answer."""
        self.flow.skip(question)
        self.answered(question)

    def back(self, question: Question) -> bool:
        """Go to the question before; False at the first question (nothing changes)."""
        previous = self.flow.previous(question)
        if self.reviewing:
            self.question = None
        elif previous is None:
            return False
        else:
            self.question = previous
        return True

    def jump(self, area_id: str) -> bool:
        """Go to the first question of `area_id` that applies; False when none does now."""
        first = self.flow.first_in_area(area_id)
        if first is None:
            return False
        self.question, self.reviewing = first, False
        return True

    def revisit(self, question_id: str) -> None:
        """From the review: ask `question_id` alone, then review again."""
        self.question, self.reviewing = self.bank.question(question_id), True

    def area_choices(self) -> list[tuple[str, str]]:
        """(area id, "Title (n of m answered)") for each area of the respondent's role."""
        return [(row.area.id, f"{row.area.title} ({row.applicable - row.unanswered} of "
                              f"{row.applicable} answered)") for row in self.flow.summary()]

    def review_items(self) -> list[tuple[Question, str]]:
        """The questions the review offers, unanswered, then don't know, then the rest, each
        with its answer in words ("unanswered" for none)."""
        from stocktake.banks.answer_values import describe_value

        first = self.flow.unanswered() + self.flow.dont_know()
        seen = {q.id for q in first}
        items = []
        for q in first + [q for q in self.flow.applicable() if q.id not in seen]:
            answer = self.flow.answers.get(q.id)
            items.append((q, "unanswered" if answer is None else
                          describe_value(q, answer.status, answer.value)))
        return items


# ---------------------------------------------------------------- the summary


@dataclass(frozen=True)
class SummaryRow:
    """One area of the end-of-interview summary: questions that apply and how they were
    answered, and this respondent's own area score (0-100; None with `withheld` when too few
    were answered) and level label ("" without a score)."""

    title: str
    applicable: int
    answered: int
    not_applicable: int
    dont_know: int
    unanswered: int
    score: float | None
    withheld: bool
    level: str

    @property
    def score_text(self) -> str:
        """The score to one decimal, "withheld", or "-" for an area not scored."""
        if self.score is not None:
            return fixed_score(self.score)
        return "withheld" if self.withheld else "-"


def summary_rows(flow: InterviewFlow) -> list[SummaryRow]:
    """What was answered in each area of `flow`, with the respondent's own score and level."""
    from stocktake.records.responses import Response, ResponseKey
    from stocktake.scoring.method import respondent_area_scores

    own = Response(ResponseKey("", flow.bank.id, "", ""), flow.role, answers=flow.answers)
    scores = {s.area: s for s in respondent_area_scores(flow.bank, own)}
    rows = []
    for row in flow.summary():
        area_score = scores.get(row.area.id)
        score = area_score.score if area_score else None
        band = flow.bank.band_for(score)
        rows.append(SummaryRow(row.area.title, row.applicable, row.answered,
                               row.not_applicable, row.dont_know, row.unanswered, score,
                               bool(area_score and area_score.withheld),
                               band.label if band else ""))
    return rows

