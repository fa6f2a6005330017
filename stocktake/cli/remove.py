"""`stocktake remove`: take a respondent, some responses or a whole partnership out of the
workspace, kept in a backup, or gone for good (`--purge`) for a data-protection erasure."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Json, OnlyBankId, OnlyWave, confirm, console, err_console,
                                  open_workspace, print_json)
from stocktake.cli.app import app
from stocktake.errors import StocktakeError


@app.command("remove")
def remove(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership: GSS code."),
    respondent: Optional[str] = typer.Option(None, "--respondent", metavar="NAME",
                                             help="Only this respondent's responses."),
    role: Optional[str] = typer.Option(None, "--role", metavar="ROLE",
                                       help="Only responses given in this role."),
    bank: OnlyBankId = None,
    wave: OnlyWave = None,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (scripts)."),
    purge: bool = typer.Option(False, "--purge",
                               help="Keep no copy: also drop the removed records from the "
                                    "backups and earlier copies (a data-protection erasure)."),
    as_json: Json = False,
) -> None:
    """Remove a respondent (or the responses matching every option given) or, with no option,
    the whole partnership: its answers, their history, the round roster's entries for those
    respondents, its moderations and its entry.

    What is removed is kept in backups/removed/ (the command says which file), so a mistake can
    be undone by hand. To honour a data-protection erasure request, add --purge: then nothing is
    kept, and the removed records are dropped from the backups and earlier copies too; check
    with `stocktake privacy-check` afterwards. Exports and workbooks already sent are not
    touched.

    Example: stocktake remove E09000007 --respondent "Jo Bloggs" --bank idea-stocktake --purge
    """
    from stocktake.partnerships.model import normalise_code

    ws = open_workspace()
    code = normalise_code(code)
    filters = {"respondent": respondent, "role": role, "bank": bank, "wave": wave}
    whole = not any(v is not None for v in filters.values())
    if purge:
        from stocktake.privacy.erasure import ERASURE
        from stocktake import store as journal  # the store's public face: its journal's names

        begun = journal.find(ws, ERASURE, {"partnership": code, "filters": {
            k: v for k, v in sorted(filters.items()) if v is not None}})
        if begun is not None and (whole or not ws.matching_responses(code, **filters)):
            # An interrupted erasure of these respondents: this run finishes it.
            _finish_erasure(ws, code, begun, filters, as_json)
            return
    if not ws.shard_path(code).exists() and ws.find_partnership(code) is None:
        raise StocktakeError(f"partnership {code} is not in the workspace {ws.root}",
                             hint="see the codes with `stocktake partnerships list`")
    matches = ws.matching_responses(code, **filters)
    if not whole and not matches:
        held = sorted({f"{r.key.respondent} ({r.role}, {r.key.bank} {r.key.wave})"
                       for r in ws.responses(code)})
        raise StocktakeError(f"no response of {code} matches "
                             + ", ".join(f"--{k} {v!r}" for k, v in filters.items() if v),
                             hint="its responses are listed below" if held
                             else f"{code} has no responses", details=held)
    what = (f"the whole partnership {code} ({len(matches)} response(s), its moderations and "
            "its entry)" if whole else f"{len(matches)} response(s) of {code}")
    if not yes:
        if not as_json:
            for r in matches:
                err_console.print(f"  - {escape(r.key.respondent)} ({escape(r.role)}, "
                                  f"{escape(r.key.bank)} {escape(r.key.wave)}): "
                                  f"{len(r.answers)} answer(s)")
        kept = "nothing will be kept" if purge else "a copy is kept in backups/removed/"
        if not confirm(f"Remove {what}? ({kept})"):
            raise StocktakeError("nothing was removed", hint="add --yes to remove without asking")
    erased = []
    if purge:
        from stocktake.cli.common import rerun_words
        from stocktake.privacy.erasure import erase

        removal, erased = erase(ws, code, None if whole else [r.key for r in matches],
                                command=rerun_words(extra=("--yes",)), filters=filters)
        if removal is None:  # whole, and nothing was left of it in the live files
            removal = _nothing_left(code, whole)
    else:
        removal = ws.remove(code, None if whole else [r.key for r in matches], keep=True)
    kept_at = str(removal.kept_at.relative_to(ws.root)) if removal.kept_at else None
    if as_json:
        print_json({"partnership": code, "whole_partnership": whole,
                    "responses": _removed(removal.responses),
                    "history_records": removal.history, "moderations": removal.moderations,
                    "roster_entries": removal.roster,
                    "kept_at": kept_at, "purged_from": [e.to_dict() for e in erased]})
        return
    names = "; ".join(f"{r.key.respondent} ({r.role}, {r.key.bank} {r.key.wave})"
                      for r in removal.responses)
    console.print(f"Removed {escape(what)}" + (f": {escape(names)}" if names else "")
                  + (f", with {removal.history} history record(s)" if removal.history else "")
                  + (f", {removal.roster} roster entr{'y' if removal.roster == 1 else 'ies'}"
                     if removal.roster else "")
                  + (f" and {removal.moderations} moderation(s)" if removal.moderations else "")
                  + ".")
    if kept_at:
        console.print(f"A copy of what was removed is kept in {escape(kept_at)}; for a "
                      "data-protection erasure, remove with --purge instead.")
    elif not purge:
        console.print("It held no answers, so no copy was needed.")
    else:
        for item in erased:
            verb = "Deleted" if item.deleted else f"Dropped {item.records} record(s) from"
            console.print(f"{verb} {escape(item.file)}.")
        console.print("Nothing of it is kept in the workspace. Exports and workbooks already "
                      "sent elsewhere are not touched.")


def _removed(responses) -> list[dict]:
    """The responses removed, as --json names them (the answers counted, not listed)."""
    return [{"respondent": r.key.respondent, "role": r.role, "bank": r.key.bank,
             "wave": r.key.wave, "answers": len(r.answers)} for r in responses]


def _nothing_left(code: str, whole: bool):
    from stocktake.store import Removal

    return Removal(code, [], 0, 0, whole, None, 0)


def _finish_erasure(ws, code: str, begun, filters: dict, as_json: bool) -> None:
    """Finish an erasure a killed `remove --purge` began: the same command, run again."""
    from stocktake.privacy.erasure import erase
    from stocktake.records.responses import ResponseKey

    stored = begun.data.get("keys")
    keys = None if stored is None else [ResponseKey(*k) for k in stored]
    removal, erased = erase(ws, code, keys, command=begun.command, filters=filters)
    if as_json:
        print_json({"partnership": code, "whole_partnership": keys is None, "finished": True,
                    "began_at": begun.began_at,
                    "responses": _removed(removal.responses if removal else []),
                    "kept_at": None, "purged_from": [e.to_dict() for e in erased]})
        return
    what = f"the whole partnership {code}" if keys is None else \
        f"{len(keys)} response(s) of {code}"
    console.print(f"Finished the erasure begun {escape(begun.began_at)} and interrupted: "
                  f"{what}.")
    for item in erased:
        verb = "Deleted" if item.deleted else f"Dropped {item.records} record(s) from"
        console.print(f"{verb} {escape(item.file)}.")
    console.print("Nothing of it is kept in the workspace. Exports and workbooks already "
                  "sent elsewhere are not touched.")
