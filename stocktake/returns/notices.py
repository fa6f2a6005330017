"""The safeguarding notice in what comes back: which answers call for it, whatever the route.

A child's answer such as "I often feel unsafe" must bring up the bank's notice however it
reaches the workspace: typed in an interview, from an answers file, a returned form, a phone or
web submission (ODK, KoboToolbox), or a workbook merged into the workspace. Every route asks
this module, so no route can store such an answer without the notice recorded on its response.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from stocktake.banks.model import Bank
from stocktake.records.responses import Answer, now_iso


def notices_called_for(bank: Bank, answers: Iterable[Answer],
                       when: str | None = None) -> dict[str, str]:
    """{question id: when the notice was called for} for each answered value the bank marks
    with `notice` (a question's `notice = [...]`).

    `when` is an ISO time (UTC to the second); by default each answer's own `answered_at`,
    else now. Questions the bank does not hold (an answer kept from another edition) call for
    nothing. Pure but for the clock.
    """
    called: dict[str, str] = {}
    index = {q.id: q for q in bank.questions}
    for answer in answers:
        question = index.get(answer.question)
        if question is None or answer.status != "answered":
            continue
        if question.calls_for_notice(answer.value):
            called[answer.question] = when or answer.answered_at or now_iso()
    return called


def with_earlier_notices(called: Mapping[str, str],
                         earlier: Mapping[str, str] | None) -> dict[str, str]:
    """The notices to record on a response: those held already keep their first time (the
    notice was shown then), new ones are added. Nothing recorded is ever dropped."""
    return {**dict(called), **dict(earlier or {})}
