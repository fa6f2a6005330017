"""`stocktake plan ...`: the partnership's action plan (target levels, actions, owners, dates).

    stocktake plan add E09000007 --bank idea-stocktake --area risk --target Established --action "Agree a joint risk register" --owner "Head of service" --due 2027-03-31
    stocktake plan list E09000007 --json
"""

from __future__ import annotations

import typer
from rich.markup import escape

from stocktake.cli.common import (Bank, Csv, Json, OnlyBank, OnlyWave, Wave, console, err_console,
                                  open_workspace, resolve_bank, stored_line, stored_text)
from stocktake.cli.output import Column, output_format, show
from stocktake.cli.app import app

plan_app = typer.Typer(
    help="The action plan: per area a target level, actions, owners and due dates; shown in "
         "`scores`, the workbook and the report.\n\n"
         "Example: stocktake plan add E09000007 --bank idea-stocktake --area risk --target "
         "Established --action \"Agree a joint risk register\" --owner \"Head of service\" "
         "--due 2027-03-31",
    no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("add")
def add(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code, e.g. E09000007.",
                               callback=stored_line),
    bank_ref: Bank = ...,  # type: ignore[assignment]  # typer: the Ellipsis makes it required
    area: str = typer.Option(..., "--area", metavar="AREA", help="The area, e.g. risk.",
                             callback=stored_line),
    target: str = typer.Option(..., "--target", metavar="LEVEL",
                               help="The level to reach, e.g. Established.", callback=stored_line),
    action: str = typer.Option(..., "--action", metavar="TEXT", help="What will be done.",
                               callback=stored_text),
    owner: str = typer.Option(..., "--owner", metavar="TEXT", help="Who is responsible.",
                              callback=stored_text),
    due: str = typer.Option(..., "--due", metavar="YYYY-MM-DD", help="By when.",
                            callback=stored_line),
    wave: Wave = None,
) -> None:
    """Add an action to the plan.

    Example: stocktake plan add E09000007 -b idea-stocktake --area risk --target Established
    --action "Agree a joint risk register" --owner "Head of service" --due 2027-03-31
    """
    from stocktake.cli.common import check_wave, partnership_code
    from stocktake.reports.action_plan import new_plan_item, plan_item_warnings

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    code = partnership_code(code)
    ws = open_workspace()
    ws.partnership(code)  # the partnership must be in the workspace
    item = ws.add_plan_item(new_plan_item(bank, code, wave, area=area, target=target,
                                          action=action, owner=owner, due=due))
    console.print(f"Added plan item {item.id} for {code} {bank.id} {wave}: {item.area} to "
                  f"{item.target} by {item.due} ({escape(item.owner)}).", soft_wrap=False)
    for line in plan_item_warnings(ws, bank, item):
        err_console.print(f"[yellow]Warning:[/] {escape(line)}", soft_wrap=False)


PLAN_COLUMNS = (Column("id", justify="right", no_wrap=True), Column("area"), Column("target"),
                Column("action", min_width=16), Column("owner"), Column("due", no_wrap=True),
                Column("status"))


@plan_app.command("list")
def list_plan(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code."),
    bank_ref: OnlyBank = None,
    wave: OnlyWave = None,
    removed: bool = typer.Option(False, "--removed", help="Show removed items too."),
    as_json: Json = False,
    as_csv: Csv = False,
) -> None:
    """List the plan: area, target, action, owner, due date, status.

    Example: stocktake plan list E09000007 --json
    """
    from stocktake.cli.common import check_wave, partnership_code
    from stocktake.reports.action_plan import REMOVED

    fmt = output_format(as_json, as_csv)
    code = partnership_code(code)
    bank_id = resolve_bank(bank_ref).id if bank_ref else None
    ws = open_workspace()
    ws.partnership(code)
    items = [i for i in ws.plan_items(code, bank_id, check_wave(wave) if wave else None)
             if removed or i.status != REMOVED]
    show([i.to_json() for i in items], PLAN_COLUMNS, fmt, title=f"Action plan of {code}",
         empty=f"{code} has no plan yet. Add to it with [bold]stocktake plan add {code} --bank "
               "BANK --area AREA --target LEVEL --action TEXT --owner TEXT --due DATE[/].")


def _set_status(code: str, item_id: int, status: str) -> None:
    from stocktake.cli.common import partnership_code

    code = partnership_code(code)
    ws = open_workspace()
    ws.partnership(code)
    item = ws.set_plan_status(code, item_id, status)
    console.print(f"Plan item {item.id} of {code} ({item.area}: {escape(item.action)}) is "
                  f"{status}.")


@plan_app.command("done")
def done(code: str = typer.Argument(..., metavar="CODE", help="Partnership code."),
         item_id: int = typer.Argument(..., metavar="ID", help="The item's id (plan list).")
         ) -> None:
    """Mark an action done (with today's date).

    Example: stocktake plan done E09000007 3
    """
    from stocktake.reports.action_plan import DONE

    _set_status(code, item_id, DONE)


@plan_app.command("remove")
def remove(code: str = typer.Argument(..., metavar="CODE", help="Partnership code."),
           item_id: int = typer.Argument(..., metavar="ID", help="The item's id (plan list).")
           ) -> None:
    """Take an action off the plan (kept in the workspace as removed, for the record; shown by
    `plan list --removed`).

    Example: stocktake plan remove E09000007 3
    """
    from stocktake.reports.action_plan import REMOVED

    _set_status(code, item_id, REMOVED)
