"""`stocktake round plan` and `stocktake status`: running a round (who is asked is in
`stocktake roster`, cli/roster.py).

    stocktake round plan --bank idea-stocktake --wave 2026-27 --roles council,health,police --partnerships all --deadline 2027-01-31
    stocktake forms create --all --out forms/
    stocktake status --chase chase.csv
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Bank, Csv, Json, RoundBank, RoundWave, Wave, console,
                                  err_console, open_workspace, resolve_bank, stored_line)
from stocktake.cli.output import Column, Format, output_format, show
from stocktake.cli.app import app
from stocktake.errors import UsageError

round_app = typer.Typer(
    help="A round's plan: bank, wave, the roles asked in each partnership, the deadline.\n\n"
         "Example: stocktake round plan --bank idea-stocktake --wave 2026-27 --roles "
         "council,health,police --partnerships all --deadline 2027-01-31",
    no_args_is_help=True)
app.add_typer(round_app, name="round")


def round_bank_wave(ws, bank_ref: Optional[str], wave: Optional[str]):
    from stocktake.cli.common import check_wave
    from stocktake.round.fieldwork import round_for

    bank_ref, wave = round_for(ws, bank_ref, wave)
    if bank_ref is None:
        raise UsageError("which bank is the round for?",
                         hint="give --bank, or plan the round first with `stocktake round plan`")
    return resolve_bank(bank_ref), check_wave(wave)


@round_app.command("plan")
def plan(
    bank_ref: Bank,
    wave: Wave = None,
    roles: str = typer.Option(..., "--roles", metavar="ROLE,ROLE",
                              help="The roles asked, comma-separated (district is asked only "
                                   "in two-tier areas).", callback=stored_line),
    per_role: int = typer.Option(1, "--per-role", metavar="N",
                                 help="Respondents expected of each role in each partnership."),
    partnerships: Optional[List[str]] = typer.Option(
        None, "--partnerships", "-p", metavar="all|FILE|CODE",
        help="`all` (the 153 current authorities), a CSV of codes, or codes/names; repeatable. "
             "Default: the workspace's partnerships.", callback=stored_line),
    deadline: Optional[str] = typer.Option(None, "--deadline", metavar="YYYY-MM-DD",
                                           help="When the forms are due.", callback=stored_line),
    return_to: Optional[str] = typer.Option(None, "--return-to", metavar="TEXT",
                                            help="Where to send forms back, printed on each form.",
                                            callback=stored_line),
) -> None:
    """Plan a round: who is expected to answer in each partnership. Planning the same bank and
    wave again replaces the plan.

    Example: stocktake round plan -b idea-stocktake --wave 2026-27 --roles council,health,police
    --per-role 2 --partnerships all --deadline 2027-01-31 --return-to stocktake@example.gov.uk
    """
    from stocktake.cli.common import check_wave
    from stocktake.round.fieldwork import plan_round
    from stocktake.round.plan import parse_deadline

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    role_list = [r.strip() for r in roles.split(",") if r.strip()]
    items = [p for given in (partnerships or []) for p in given.split(",") if p.strip()]
    made = plan_round(open_workspace(), bank, wave, role_list, per_role=per_role,
                      partnerships=items, deadline=parse_deadline(deadline),
                      return_to=(return_to or "").strip())
    due = f", due {made.deadline}" if made.deadline else ""
    if made.deadline and date.fromisoformat(made.deadline) < date.today():
        warn([f"the deadline {made.deadline} has already passed"])
    console.print(f"Planned {bank.id} {wave}: {len(made.partnerships)} partnership(s), roles "
                  f"{', '.join(made.roles)}, {made.per_role} each{due}.", soft_wrap=False)
    console.print("Next: [bold]stocktake roster import FILE[/] to name people (optional), then "
                  "[bold]stocktake forms create --all --out forms/[/].", soft_wrap=False)


@app.command("status")
def status(
    codes: Optional[List[str]] = typer.Argument(None, metavar="[CODE...]",
                                                help="Only these partnerships."),
    bank_ref: RoundBank = None,
    wave: RoundWave = None,
    as_json: Json = False,
    as_csv: Csv = False,
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", metavar="PATH.xlsx",
                                        help="Also write the status as a workbook."),
    chase: Optional[Path] = typer.Option(None, "--chase", metavar="PATH.csv",
                                         help="Write one row per missing respondent, for a "
                                              "mail merge (with e-mail addresses)."),
) -> None:
    """Who has answered: per partnership, respondents expected and received by role, the share
    of the bank answered, the last answer; the totals and the days to the deadline. A
    respondent counts as received when their answers reach the bank's minimum coverage.

    Example: stocktake status --chase chase.csv
    """
    from stocktake.cli.common import partnership_code
    from stocktake.round.fieldwork import CHASE_COLUMNS, workspace_status, write_csv

    fmt = output_format(as_json, as_csv)
    ws = open_workspace()
    bank, wave = round_bank_wave(ws, bank_ref, wave)
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise UsageError(f"{xlsx}: the status workbook is an .xlsx file",
                         hint="give --xlsx a name ending .xlsx")
    wanted = [partnership_code(c, ws) for c in codes] if codes else None
    result = workspace_status(ws, bank, wave, today=date.today(), codes=wanted)
    if chase is not None:
        write_csv(chase, CHASE_COLUMNS, result.chase())
    if xlsx is not None:
        from stocktake.round.status_workbook import write_status_workbook

        write_status_workbook(xlsx, result)
    data = result.to_json()
    if chase is not None:
        data["chase"] = result.chase()
    show(result.rows(), STATUS_COLUMNS, fmt, json=data,
         title=f"Status of {result.bank} {result.wave}",
         empty=f"No round of {result.bank} {result.wave} is planned, nobody is on its roster "
               "and nobody has answered. Plan it with [bold]stocktake round plan[/].")
    if fmt is not Format.TABLE:
        return
    if result.partnerships:
        console.print(result.summary(), soft_wrap=False)
        t = result.totals()
        if t["partial"] or t["not_started"]:
            console.print("To chase: [bold]stocktake status --chase chase.csv[/]")
    if chase is not None:
        console.print(f"Wrote {escape(str(chase))}: {len(result.chase())} respondent(s) to chase.")
    if xlsx is not None:
        console.print(f"Wrote {escape(str(xlsx))}.")


STATUS_COLUMNS = (Column("code", no_wrap=True), Column("partnership", min_width=10),
                  Column("state", no_wrap=True), Column("received", justify="right", no_wrap=True),
                  Column("still_to_come", "still to come", min_width=14),
                  Column("last", no_wrap=True))
def warn(warnings: list[str]) -> None:
    """Each warning on stderr, as a round's commands give them."""
    for line in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(line)}")
