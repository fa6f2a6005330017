"""`stocktake answers`: the answers stored for a partnership, bank and wave, read back.

    stocktake answers E09000007 --bank idea-stocktake --json
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from stocktake.cli.app import app
from stocktake.cli.common import (check_wave, console, open_workspace, partnership_code,
                                  print_json, print_provenance, resolve_bank)


@app.command("answers")
def answers(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership: GSS code."),
    bank_ref: str = typer.Option("idea-stocktake", "--bank", metavar="BANK",
                                 help="Bank id or .toml path."),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current."),
    respondent: Optional[str] = typer.Option(None, "--respondent", metavar="NAME",
                                             help="Only this respondent's answers."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Show the answers stored for a partnership, bank and wave.

    Example: stocktake answers E09000007 --bank idea-stocktake --json
    """
    from stocktake.interview.answer_listing import answer_listing

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace(create=False)
    code = partnership_code(code, ws)
    listing = answer_listing(ws, bank, wave, code, respondent)
    if as_json:
        print_json(listing.to_json())
        return
    if not listing.rows:
        who = f" from {respondent}" if respondent else ""
        console.print(f"No answers{escape(who)} stored for {code}, {bank.id} {wave}.")
        return
    from stocktake.records.provenance import any_simulated

    print_provenance(any_simulated(row.response for row in listing.rows))
    # One table per respondent, one line per answer: a listing to scan, not to read in full.
    for name, items in listing.by_respondent().items():
        role = items[0].response.role
        table = Table(title=f"{escape(name)} ({role}): {code}, {bank.id} {wave}, "
                            f"{len(items)} answers", title_justify="left", expand=True)
        wide = console.width >= 110  # the timestamp column only where it fits
        table.add_column("question", no_wrap=True, min_width=20)
        table.add_column("answer", ratio=3, no_wrap=True, overflow="ellipsis", min_width=12)
        table.add_column("evidence", ratio=1, no_wrap=True, overflow="ellipsis", min_width=8)
        if wide:
            table.add_column("answered (UTC)", no_wrap=True)
        for row in items:
            answer = row.answer
            cells = [answer.question, escape(row.shown), escape(answer.evidence)]
            if wide:
                cells.append(answer.answered_at[:16].replace("T", " "))
            table.add_row(*cells)
        console.print(table, soft_wrap=False)
