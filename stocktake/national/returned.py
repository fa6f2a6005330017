"""What a national merge holds of one returned partnership workbook, as records: the checked
rows (CheckedExport), the workbook read and scored (ReturnedWorkbook), and a file refused with
its reason (Rejected, WorkbookRejected). Reading (stocktake.national.reading), the merge, the
Answers rows and the round's Returns sheet all import these from here, so none imports another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership
from stocktake.records.responses import ANSWERED, Answer, Moderation, Response, ResponseKey
from stocktake.returns.seal import (PLAN_FIELDS)


if TYPE_CHECKING:
    from stocktake.national.answer_spool import Spooled
    from stocktake.scoring.method import PartnershipScores



class WorkbookRejected(StocktakeError):
    """A returned workbook the merge will not use; `reason` is the short why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: refused: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class CheckedExport:
    """A workbook that passed every check, as canonical rows (the fields of stocktake.returns.seal):
    plain lists of text, cheap to send back from a worker process."""

    path: Path
    bank_id: str
    wave: str
    partnership: Partnership
    exported_at: str
    responses: list[list[str]]
    # None once the national rows were spooled and the merge does not store or report the
    # responses (merge_workbooks, keep_responses=False): `answer_count` says how many there were.
    answers: list[list[str]] | None
    moderations: list[list[str]]
    plans: list[list[str]] = field(default_factory=list)
    answer_count: int = 0

    def without_answers(self) -> "CheckedExport":
        """The same without its answer rows, which a merge that only writes the national
        workbook has spooled (stocktake.national.answer_spool) and needs no more."""
        from dataclasses import replace

        return replace(self, answers=None, answer_count=self.answers_held)

    @property
    def answers_held(self) -> int:
        return self.answer_count if self.answers is None else len(self.answers)


@dataclass(frozen=True)
class ReturnedWorkbook:
    """One partnership export, read and checked, with its scores.

    The responses are built from the checked rows when first asked for: a merge scores each
    workbook where it was read (perhaps in a worker process) and needs the responses again
    only to store them.
    """

    path: Path
    bank: Bank
    wave: str
    partnership: Partnership
    exported_at: str
    checked: CheckedExport = field(repr=False, compare=False)
    scores: "PartnershipScores" = field(repr=False, compare=False)
    # Its rows of the national Answers sheet, on disk (merge_workbooks spools them).
    spooled: "Spooled | None" = field(default=None, repr=False, compare=False)

    @property
    def responses(self) -> tuple[Response, ...]:
        built = self.__dict__.get("_responses")
        if built is None:
            c = self.checked
            if c.answers is None:
                raise RuntimeError(f"{self.path}: the answers were not kept (merge_workbooks "
                                   "keeps them with keep_responses=True)")
            built = _rebuild_responses(self.bank, c.partnership.code, c.wave, c.responses,
                                       c.answers)
            object.__setattr__(self, "_responses", built)
        return built

    @property
    def moderations(self) -> tuple[Moderation, ...]:
        c = self.checked
        return tuple(_rebuild_moderation(self.bank.id, c.wave, c.partnership.code, m)
                     for m in c.moderations)

    @property
    def plans(self) -> tuple:
        """The action plan's items the workbook carried (reports.action_plan.PlanItem)."""
        from stocktake.reports.action_plan import PlanItem

        c = self.checked
        return tuple(PlanItem.from_doc({**dict(zip(PLAN_FIELDS, row)), "bank": self.bank.id,
                                        "wave": c.wave}) for row in c.plans)

    @property
    def respondents(self) -> int:
        return len(self.checked.responses)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of its respondents, sorted, each once."""
        return tuple(sorted({row[2] for row in self.checked.responses}))

    @property
    def answers(self) -> int:
        return self.checked.answers_held


@dataclass(frozen=True)
class Rejected:
    path: Path
    reason: str


def _rebuild_responses(bank: Bank, code: str, wave: str, responses: list[list[str]],
                       answers: list[list[str]]) -> tuple[Response, ...]:
    """Responses from canonical rows (the fields of stocktake.returns.seal, in order)."""
    by_respondent: dict[str, dict[str, Answer]] = defaultdict(dict)
    types = {q.id: q.type for q in bank.questions}
    for _, respondent, qid, status, value, evidence, answered_at in answers:
        if status != ANSWERED or value == "":
            stored: Any = None
        else:
            qtype = types.get(qid)
            # Levels are the bulk of every bank: whole numbers in canonical text.
            stored = int(value) if qtype == "scale" and value.isdigit() else \
                value if qtype in ("yesno", "choice", "text") else _answer_value(qtype, value)
        by_respondent[respondent][qid] = Answer(qid, status, stored, evidence, answered_at)
    rebuilt = []
    for (_, respondent, role, mode, adviser, version, digest, started_at, updated_at,
         age_band) in responses:
        key = ResponseKey(code, bank.id, wave, respondent)
        rebuilt.append(Response(key, role, mode or "interview", adviser, version, digest,
                                started_at, updated_at, by_respondent.pop(respondent, {}),
                                age_band=age_band))
    return tuple(sorted(rebuilt, key=lambda r: r.key.respondent))


def _answer_value(qtype: str | None, text: str) -> Any:
    """A stored answer value from its canonical text: levels and numbers as numbers, multi as
    a list of option ids, anything else as text."""
    if text == "":
        return None
    if qtype in ("scale", "number"):
        try:
            number = float(text)
        except ValueError:
            return text
        if qtype == "scale" or number.is_integer():
            return int(number)
        return number
    if qtype == "multi":
        return [part for part in text.split(";") if part]
    return text


def _rebuild_moderation(bank_id: str, wave: str, code: str, row: list[str]) -> Moderation:
    _, area, score, reason, adviser, moderated_at = row
    try:
        value = float(score)
    except ValueError:
        value = 0.0
    return Moderation(code, bank_id, wave, area, value, reason, adviser, moderated_at)
