"""`stocktake roster ...`: who is asked to answer in each partnership of a round.

    stocktake roster import roster.csv --bank idea-stocktake --wave 2026-27
    stocktake roster add E09000007 --role health --respondent "Designated nurse"
    stocktake roster list E09000007 --json
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.app import app
from stocktake.cli.common import (Csv, Json, RoundBank, RoundWave, console, open_workspace,
                                  stored_line)
from stocktake.cli.output import Column, output_format, show
from stocktake.cli.round import round_bank_wave, warn

roster_app = typer.Typer(
    help="The roster: who is asked to answer in each partnership (personal data: kept in the "
         "workspace, owner-only).\n\n"
         "Example: stocktake roster import roster.csv --bank idea-stocktake --wave 2026-27",
    no_args_is_help=True)
app.add_typer(roster_app, name="roster")
ROSTER_COLUMNS = tuple(Column(name) for name in ("partnership", "role", "respondent", "email",
                                                 "organisation"))


@roster_app.command("import")
def roster_import(
    path: Path = typer.Argument(..., metavar="FILE", help="CSV or xlsx: partnership, role, "
                                "respondent, email (organisation optional)."),
    bank_ref: RoundBank = None,
    wave: RoundWave = None,
) -> None:
    """Import who is asked; the whole file is checked first and every bad row listed (unknown
    partnership or role, the same person twice, a malformed e-mail address): nothing is stored
    from a file with a bad row.

    Example: stocktake roster import roster.csv --bank idea-stocktake --wave 2026-27
    """
    from stocktake.cli.common import rerun_words
    from stocktake.round.fieldwork import import_roster

    ws = open_workspace()
    bank, wave = round_bank_wave(ws, bank_ref, wave)
    entries, warnings = import_roster(ws, path, bank, wave, command=rerun_words())
    codes = {e.partnership for e in entries}
    console.print(f"Added {len(entries)} respondent(s) in {len(codes)} partnership(s) to the "
                  f"roster of {bank.id} {wave}.")
    warn(warnings)


@roster_app.command("add")
def roster_add(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code, e.g. E09000007.",
                               callback=stored_line),
    role: str = typer.Option(..., "--role", "-r", metavar="ROLE", help="The role answering.",
                             callback=stored_line),
    respondent: str = typer.Option(..., "--respondent", metavar="NAME",
                                   help="The person asked.", callback=stored_line),
    email: str = typer.Option("", "--email", metavar="ADDRESS", help="Their e-mail address.",
                              callback=stored_line),
    organisation: str = typer.Option("", "--organisation", metavar="TEXT",
                                     help="Their organisation.", callback=stored_line),
    bank_ref: RoundBank = None,
    wave: RoundWave = None,
) -> None:
    """Add one person to the roster.

    Example: stocktake roster add E09000007 --role health --respondent "Designated nurse"
    --email nurse@example.nhs.uk
    """
    from stocktake.round.fieldwork import add_to_roster

    from stocktake.cli.common import partnership_code

    ws = open_workspace()
    bank, wave = round_bank_wave(ws, bank_ref, wave)
    code = partnership_code(code, ws)  # a name works too: "Camden" is E09000007
    entry, warnings = add_to_roster(ws, bank, wave, code, role, respondent, email, organisation)
    console.print(f"Added {escape(entry.respondent)} ({entry.role}) to the roster of "
                  f"{entry.partnership} for {bank.id} {wave}.")
    warn(warnings)


@roster_app.command("remove")
def roster_remove(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code."),
    respondent: str = typer.Option(..., "--respondent", metavar="NAME", help="The person."),
    bank_ref: RoundBank = None,
    wave: RoundWave = None,
) -> None:
    """Take a person off the roster (their answers, if any, stay).

    Example: stocktake roster remove E09000007 --respondent "Designated nurse"
    """
    from stocktake.errors import StocktakeError
    from stocktake.cli.common import partnership_code

    ws = open_workspace()
    bank, wave = round_bank_wave(ws, bank_ref, wave)
    code = partnership_code(code, ws)
    if not ws.remove_roster_entry(code, respondent, bank.id, wave):
        raise StocktakeError(f"{respondent} is not on the roster of {code} for {bank.id} {wave}",
                             hint=f"see it with `stocktake roster list {code}`")
    console.print(f"Removed {escape(respondent)} from the roster of {code}.")


@roster_app.command("list")
def roster_list(
    code: Optional[str] = typer.Argument(None, metavar="[CODE]", help="One partnership only."),
    bank_ref: RoundBank = None,
    wave: RoundWave = None,
    as_json: Json = False,
    as_csv: Csv = False,
) -> None:
    """List who is asked.

    Example: stocktake roster list E09000007 --json
    """
    from stocktake.cli.common import partnership_code

    fmt = output_format(as_json, as_csv)
    ws = open_workspace()
    bank, wave = round_bank_wave(ws, bank_ref, wave)
    entries = ws.roster(partnership_code(code, ws) if code else None, bank=bank.id, wave=wave)
    show([e.to_doc() for e in entries], ROSTER_COLUMNS, fmt,
         title=f"Roster of {bank.id} {wave} ({len(entries)})",
         empty=f"Nobody is on the roster of {bank.id} {wave} yet. Add people with "
               "[bold]stocktake roster import FILE[/].")
