"""`stocktake privacy-check`: stored free text that holds likely personal data, everywhere it is
kept (answers, their history, backups), and `--purge` to mask it in all of them."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Csv, Json, OnlyBankId, OnlyWave, confirm, console, open_workspace,
                                  print_json)
from stocktake.cli.app import app
from stocktake.cli.output import Column, output_format, show
from stocktake.errors import StocktakeError, UsageError


@app.command("privacy-check")
def privacy_check(
    code: Optional[str] = typer.Argument(None, metavar="CODE",
                                         help="One partnership's GSS code; default: all."),
    bank: OnlyBankId = None,
    wave: OnlyWave = None,
    purge: bool = typer.Option(False, "--purge",
                               help="Mask what is found in the answers, their history, the "
                                    "backups and kept copies, saying what changed (asks first)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --purge: do not ask (scripts)."),
    as_json: Json = False,
    as_csv: Csv = False,
) -> None:
    """List evidence notes and text answers holding likely personal data (NHS numbers, e-mail
    addresses, phone numbers, dates of birth), with that data masked: in the current answers,
    in the history of changed answers, and in every backup and copy of the store.

    With --purge, mask it in all of those places (the data is then gone from the workspace;
    after `stocktake remove` this honours an erasure request in full).

    Exit code 0 when nothing is found, 1 when something is (after --purge: is left), so
    scripts can gate on it.

    Example: stocktake privacy-check E09000007 --purge --yes
    """
    from stocktake.cli.common import check_wave, partnership_code
    from stocktake.privacy.erasure import find_in_history, find_in_stored_copies
    from stocktake.privacy.personal_data import scan_workspace

    fmt = output_format(as_json, as_csv)
    if purge and as_csv:
        raise UsageError("--purge reports what it masked as JSON or in the terminal, not CSV",
                         hint="leave out --csv with --purge (--json prints it for a script)")
    wave = check_wave(wave) if wave is not None else None
    workspace = open_workspace(create=False)
    if code:
        code = partnership_code(code, workspace)
        if not workspace.shard_path(code).exists():
            code = workspace.partnership(code).code  # unknown: says so, with a hint
    if purge and (bank or wave):
        raise UsageError("--purge masks a whole partnership or the whole workspace, not one "
                         "bank or wave", hint="leave out --bank and --wave with --purge")

    def scan() -> list:
        return (scan_workspace(workspace, code, bank=bank, wave=wave)
                + find_in_history(workspace, code, bank=bank, wave=wave)
                + find_in_stored_copies(workspace, code, bank=bank, wave=wave))

    from stocktake.privacy.erasure import ERASURE
    from stocktake import store as journal  # the store's public face: its journal's names
    from stocktake.store.doctor import unfinished_line

    # An erasure that was interrupted has left the person somewhere: never "nothing found".
    pending = [b for b in journal.unfinished(workspace, ERASURE)
               if code is None or b.key.get("partnership") == code]
    if pending:
        raise StocktakeError(
            f"{len(pending)} erasure(s) begun and not finished: the erased data may still be in "
            "the workspace", details=[unfinished_line(b, workspace.root) for b in pending],
            hint="run the command named to finish each, then privacy-check again")
    flagged = scan()
    if purge:
        flagged = _purge(workspace, code, flagged, yes, as_json, scan)
        if as_json:
            return
    elif as_json or as_csv:
        show(_rows(flagged), FINDING_COLUMNS, fmt, json=[f.to_dict() for f in flagged])
    elif not flagged:
        scope = code or "the workspace"
        console.print(f"No likely personal data found in {scope}'s answers, their history or "
                      "the backups.", soft_wrap=False)
    else:
        _render(flagged)
        console.print("Evidence notes are not the place for details of a child: "
                      "[bold]privacy-check --purge[/] masks these everywhere they are kept "
                      "(answers, history, backups); editing an answer alone leaves the old text "
                      "in its history and backups. [bold]--redact[/] masks them on the way out.")
    if flagged:
        raise typer.Exit(1)


FINDING_COLUMNS = (Column("place", "where", no_wrap=True), Column("partnership", no_wrap=True),
                   Column("respondent"), Column("question"), Column("kinds", "kind"),
                   Column("masked", "text (masked)", min_width=30))


def _rows(flagged) -> list[dict]:
    return [{**f.to_dict(), "kinds": ", ".join(f.kinds),
             "question": f.question if f.field == "answer" else f"{f.question} ({f.field})"}
            for f in flagged]


def _render(flagged) -> None:
    show(_rows(flagged), FINDING_COLUMNS,
         title=f"Likely personal data ({len(flagged)} place(s))")


def _purge(workspace, code, flagged, yes: bool, as_json: bool, scan) -> list:
    """Mask everything found, after a confirmation; returns what is still found afterwards."""
    from stocktake.privacy.erasure import purge

    if not flagged:
        if as_json:
            print_json({"purged": [], "remaining": []})
        else:
            console.print("No likely personal data found: nothing to purge.")
        return []
    if not yes:
        if not as_json:
            _render(flagged)
        places = sorted({f.place for f in flagged})
        if not confirm(f"Mask these {len(flagged)} finding(s) in {len(places)} place(s)? "
                       "This cannot be undone"):
            raise StocktakeError("nothing was changed", hint="add --yes to purge without asking")
    changed = purge(workspace, code)
    remaining = scan()
    if as_json:
        print_json({"purged": [c.to_dict() for c in changed],
                    "remaining": [f.to_dict() for f in remaining]})
        if remaining:
            raise typer.Exit(1)
        return remaining
    for item in changed:
        console.print(f"Masked {item.masked} text(s) in {escape(item.file)} "
                      f"({escape(', '.join(item.kinds))}).")
    if remaining:
        _render(remaining)
    else:
        console.print(f"Purged: {len(flagged)} finding(s) masked in {len(changed)} file(s); "
                      "no likely personal data is left in the workspace's answers, history or "
                      "backups. Copies outside the workspace (exports, sent workbooks) are not "
                      "touched.")
    return remaining
