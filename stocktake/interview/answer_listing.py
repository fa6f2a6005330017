"""What `stocktake answers CODE` lists: every stored answer of a partnership, bank and wave.

    listing = answer_listing(ws, bank, "2026-27", "E09000007")
    listing.to_json()          # one object per answer, as `answers --json` prints
    listing.by_respondent()    # {"Jo Bloggs": [row, ...], ...}: one table each
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stocktake.records.responses import Answer, Response
    from stocktake.store.workspace import Workspace


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer, its response, and the answer in words (`shown`: the level's or
    option's words; the raw value for a question the bank no longer has)."""

    response: Response
    answer: Answer
    shown: str

    def to_json(self) -> dict:
        a = self.answer
        return {**self.response.key.as_dict(), "role": self.response.role,
                "question": a.question, "value": a.value, "status": a.status,
                "evidence": a.evidence, "answered_at": a.answered_at}


@dataclass(frozen=True)
class AnswerListing:
    """The answers of `code`, `bank` and `wave` (of `respondent` alone when given), by
    respondent's name (case left aside) and then in the bank's question order."""

    code: str
    bank: str
    wave: str
    respondent: str | None
    rows: tuple[AnswerRow, ...]

    def to_json(self) -> list[dict]:
        return [row.to_json() for row in self.rows]

    def by_respondent(self) -> dict[str, list[AnswerRow]]:
        """The rows by respondent's name, in the listing's order: one table each."""
        out: dict[str, list[AnswerRow]] = {}
        for row in self.rows:
            out.setdefault(row.response.key.respondent, []).append(row)
        return out


def answer_listing(ws: Workspace, bank: Any, wave: str, code: str,
                   respondent: str | None = None) -> AnswerListing:
    """The listing for partnership `code` (a resolved code). Raises StocktakeError (with the
    `partnerships add` hint) when the partnership is not in the workspace and has no answers."""
    from stocktake.banks.answer_values import describe_value

    wanted = respondent.strip() if respondent is not None else None
    responses = [r for r in ws.responses(code, bank.id, wave)
                 if wanted is None or r.key.respondent == wanted]
    if not responses and ws.find_partnership(code) is None:
        ws.partnership(code)  # raises: not in the workspace, with the `partnerships add` hint
    responses.sort(key=lambda r: r.key.respondent.lower())
    order = {q.id: i for i, q in enumerate(bank.questions)}
    rows = []
    for response in responses:
        for answer in sorted(response.answers.values(),
                             key=lambda a: (order.get(a.question, len(order)), a.question)):
            shown = describe_value(bank.question(answer.question), answer.status,
                                   answer.value) \
                if bank.has_question(answer.question) else str(answer.value)
            rows.append(AnswerRow(response, answer, shown))
    return AnswerListing(code, bank.id, wave, respondent, tuple(rows))
