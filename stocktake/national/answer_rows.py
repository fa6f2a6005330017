"""A returned workbook's rows of the national Answers sheet: every answer in long form, the
respondent by role reference, the question's words and its score on 0-100. Worked out where the
workbook is read (stocktake.national.reading) and spooled, or all at once for a library caller.

    rows = national_answer_rows(bank, merged_workbooks)   # [{partnership, name, ..., status}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

from stocktake.national.answers_sheet import NATIONAL_ANSWER_COLUMNS
from stocktake.returns.seal import clean_text

if TYPE_CHECKING:
    from stocktake.banks.model import Bank
    from stocktake.national.returned import ReturnedWorkbook


def national_answer_rows(bank: Bank, workbooks: Sequence[ReturnedWorkbook]
                         ) -> list[dict[str, Any]]:
    """Every merged answer in long form (NATIONAL_ANSWER_COLUMNS of
    stocktake.national.answers_sheet): partnership, respondent, role, question, value and
    the question's score on 0-100 (empty where the answer does not count), so nobody has to
    reopen the returned files.

    The respondent is a reference by role ("health 2", the second health respondent of that
    partnership in name order), never the name or job title it was held by: a national workbook
    leaves the workspace, and a post held by one person names them (issue 23)."""
    return [dict(zip(NATIONAL_ANSWER_COLUMNS, row)) for wb in workbooks
            for row in _answer_rows_of(bank, wb)]


def answer_cells_of(bank: Bank, wb: ReturnedWorkbook) -> list[list[Any]]:
    """One workbook's rows of national_answer_rows as the sheet's cells (as
    national_answers.answer_cells makes them: clean text, no empty text)."""
    return [list(row) for row in _answer_rows_of(bank, wb)]


def _answer_rows_of(bank: Bank, wb: ReturnedWorkbook) -> Iterator[tuple[Any, ...]]:
    """One workbook's answers as tuples in NATIONAL_ANSWER_COLUMNS order, their text as a cell
    holds it (clean_text) and empty text as None. What repeats from row to row (the bank's
    words, the partnership's) is cleaned once."""
    from stocktake.banks.applicability import is_applicable
    from stocktake.workbooks.partnership_export import cell_value
    from stocktake.scoring.method import question_score

    def clean(value: Any) -> Any:
        value = clean_text(value)
        return None if value == "" else value

    apart = set(bank.apart_role_ids)
    order = {q.id: i for i, q in enumerate(bank.questions)}
    p = wb.partnership
    held = (clean(p.code), clean(p.name), clean(p.region))
    words: dict[str, tuple[Any, Any, Any]] = {}
    scored: dict[tuple[Any, ...], Any] = {}
    seen: dict[str, int] = {}
    for response in sorted(wb.responses, key=lambda r: r.key.respondent):
        answers = response.answers
        role = response.role
        seen[role] = seen.get(role, 0) + 1
        who = (clean(f"{role} {seen[role]}"), clean(role), clean(bank.role_title(role)),
               "yes" if role in apart else "no")
        for qid in sorted(answers, key=lambda q: (order.get(q, len(order)), q)):
            answer = answers[qid]
            question = bank.question(qid) if bank.has_question(qid) else None
            said = words.get(qid)
            if said is None:
                said = words[qid] = (clean(question.area if question else ""), clean(qid),
                                     clean(question.text if question else ""))
            score = None
            if question is not None and is_applicable(bank, question, role, answers):
                # The same answer to the same question scores the same: most repeat.
                value = answer.value
                key = (qid, answer.status, tuple(value) if isinstance(value, list) else value)
                score = scored.get(key, scored)
                if score is scored:
                    s = question_score(question, answer)
                    score = scored[key] = None if s is None else 100.0 * s
            yield (*held, *who, *said, clean(cell_value(question, answer)), score,
                   clean(answer.status))
