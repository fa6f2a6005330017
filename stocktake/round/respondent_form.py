"""One respondent's form written for a partnership and role (`forms create CODE`): for a role
that answers anonymously, its reference reserved in the store first and then carried by the
form, journalled so that a run killed between the two is finished by the same command.

    written = write_respondent_form(ws, bank, partnership, "health", "2026-27", "", out,
                                    key=None, shared=False, command=("forms", "create", ...))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from stocktake.errors import UsageError


@dataclass(frozen=True)
class RespondentForm:
    path: Path  # the form written
    respondent: str  # the name given, or the anonymous role's reserved reference
    questions: int  # the questions asked of the role


def write_respondent_form(ws: Any, bank: Any, partnership: Any, role: str, wave: str,
                          respondent: str, out: Path, *, key: bytes | None, shared: bool,
                          command: Sequence[str]) -> RespondentForm:
    """Write the form of `role` for `partnership` into `out` (.xlsx), with `respondent` filled
    in (may be empty). A role the bank does not have is refused by Bank.role, naming them.

    An anonymous role gets a reference instead of a name: given a name, UsageError (exit 2).
    The reference is reserved as an empty response in `ws` (the partnership added if missing)
    before the form is written, so importing the same form twice updates one response; the
    store journal (store.journal, kind "form-create") records which was reserved, and the same
    command (`command`, the words to run it again) reuses it rather than reserving another.
    StocktakeError if the form cannot be written (DiskFull for a full disk)."""
    from stocktake.workbooks.forms import create_form

    bank.role(role)
    respondent = (respondent or "").strip()
    if bank.is_anonymous(role):
        if respondent:
            raise UsageError(f"role {role} answers anonymously: its forms have no name cell, so "
                             "--respondent is refused", hint="leave out --respondent; the form "
                                                             "gets a reference instead")
        return _anonymous_form(ws, bank, partnership, role, wave, out, key=key, shared=shared,
                               command=command)
    path = create_form(out, bank, partnership, role, wave, respondent, shared=shared, key=key)
    return RespondentForm(path, respondent, len(bank.questions_for_role(role)))


def _anonymous_form(ws, bank, partnership, role, wave, out, *, key, shared, command):
    from stocktake.records.responses import ResponseKey
    from stocktake.store import journal
    from stocktake.workbooks.forms import create_form

    # The reference is reserved in the store and then carried by the form: a run killed
    # between the two would leave a reference no form carries. The journal says which was
    # reserved, so the same command run again writes the form for it instead of another.
    record_key = {"partnership": partnership.code, "bank": bank.id, "wave": wave,
                  "role": role, "out": str(out.resolve())}
    prefix = bank.role(role).reference_prefix
    begun = journal.find(ws, "form-create", record_key)
    reserved = begun.data.get("reference", "") if begun else ""
    held = ws.response(ResponseKey(partnership.code, bank.id, wave, reserved)) \
        if reserved else None
    if held is not None and not held.answers and held.role == role:
        respondent = reserved
    else:
        reserved = ws.next_reference(partnership.code, bank.id, wave, prefix)
        begun = journal.begin(ws, "form-create", record_key, command=tuple(command),
                              what=f"a form for {partnership.code} {role} ({out.name})",
                              data={"reference": reserved})
        if ws.find_partnership(partnership.code) is None:
            ws.add_partnerships([partnership])
        # Reserved now, so that importing the same form twice updates one response.
        respondent = ws.start_anonymous_response(
            partnership.code, bank.id, wave, prefix, role=role, mode="form",
            bank_version=bank.version, bank_hash=bank.hash,
            reference=reserved).key.respondent
        if respondent != reserved:  # another process took it meanwhile
            begun = journal.begin(ws, "form-create", record_key, command=begun.command,
                                  what=begun.what, data={"reference": respondent})
    path = create_form(out, bank, partnership, role, wave, respondent, shared=shared, key=key)
    journal.finish(ws, begun)
    return RespondentForm(path, respondent, len(bank.questions_for_role(role)))
