"""`interview --answers FILE`: a checked answers file stored through the one intake
(stocktake.returns.intake), as forms, submissions and the merge store theirs; what was stored,
the partnership added and the safeguarding notice shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from rich.markup import escape

from stocktake.cli.common import console, err_console, partnership_code
from stocktake.cli.interview_screen import show_notice, warn_personal_data
from stocktake.interview import session
from stocktake.interview.answers_file import check_answer_ages
from stocktake.records.responses import now_iso
from stocktake.returns.intake import Return, take_in

if TYPE_CHECKING:
    from stocktake.banks.model import Bank
    from stocktake.store import Workspace


def take_in_answers_file(ws: Workspace, code: str, bank: Bank, role: str, wave: str,
                         mode: str, adviser: str, respondent: str | None, checked: list,
                         source: Path, *, anonymous: Callable[[str], tuple]) -> None:
    """`interview --answers`: the checked file's answers stored through the intake
    (stocktake.returns.intake), the partnership added if missing, the notice recorded in the
    same write and shown. `anonymous(code)` gives an anonymous role's (key, age band): an
    earlier respondent's key by reference, or None and the band for a new one."""
    partnership = session.listed_partnership(ws, partnership_code(code, ws))
    said = session.district_warning(partnership.code, role)
    if said:
        err_console.print(f"[yellow]Warning:[/] {said}")
    prefix, band = "", None
    if bank.is_anonymous(role):
        key, band = anonymous(partnership.code)
        if key is not None:
            check_answer_ages(bank, checked, band, str(source))
            respondent = key.respondent
        else:
            prefix = bank.role(role).reference_prefix
    outcome = take_in(ws, [Return(
        partnership, bank, wave, role, mode, tuple(checked), source=str(source),
        respondent=respondent or "", reference_prefix=prefix,
        age_band=band.id if prefix and band else "", adviser=adviser, noticed_at=now_iso())])
    for added in outcome.partnerships_added:
        region = f", {added.region}" if added.region else ""
        console.print(f"Added {added.code} {escape(added.name)}{region} to the workspace.")
    if outcome.disk_full is not None:
        raise outcome.disk_full
    if outcome.refused:
        raise outcome.refused[0].error
    [stored] = outcome.stored
    console.print(f"Stored {len(checked)} answer{'' if len(checked) == 1 else 's'} for "
                  f"{escape(stored.key.respondent)} ({role}), {partnership.code} "
                  f"{escape(partnership.name)}, {bank.id} {wave}.")
    for answer in checked:
        warn_personal_data(answer)
    shown = list(stored.earlier_notices)
    for qid in stored.called:
        if qid not in stored.earlier_notices:
            show_notice(bank, shown)
            shown.append(qid)
