"""`stocktake privacy-check`: stored free text that holds likely personal data."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from stocktake.cli.common import console, open_workspace, print_json
from stocktake.cli.main import app


@app.command("privacy-check")
def privacy_check(
    code: Optional[str] = typer.Argument(None, metavar="CODE",
                                         help="One partnership's GSS code; default: all."),
    bank: Optional[str] = typer.Option(None, "--bank", help="Only this bank's responses."),
    wave: Optional[str] = typer.Option(None, "--wave", help="Only this wave, e.g. 2026-27."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """List evidence notes and text answers holding likely personal data (NHS numbers, e-mail
    addresses, phone numbers, dates of birth), with that data masked.

    Exit code 0 when nothing is found, 1 when something is, so scripts can gate on it.

    Example: stocktake privacy-check E09000007 --bank idea-stocktake
    """
    from stocktake.privacy import scan_workspace

    from stocktake.cli.common import partnership_code

    from stocktake.cli.common import check_wave

    wave = check_wave(wave) if wave is not None else None
    workspace = open_workspace(create=False)
    if code:
        code = partnership_code(code, workspace)
        if not workspace.shard_path(code).exists():
            code = workspace.partnership(code).code  # unknown: says so, with a hint
    flagged = scan_workspace(workspace, code, bank=bank, wave=wave)
    if as_json:
        print_json([f.to_dict() for f in flagged])
    elif not flagged:
        scope = code or "the workspace"
        console.print(f"No likely personal data found in {scope}'s evidence notes and answers.")
    else:
        table = Table(title=f"Likely personal data ({len(flagged)} place(s))", title_justify="left")
        table.add_column("partnership", no_wrap=True)
        table.add_column("respondent")
        table.add_column("question")
        table.add_column("kind")
        table.add_column("text (masked)", min_width=30)
        for f in flagged:
            question = f.question if f.field == "answer" else f"{f.question} ({f.field})"
            table.add_row(*(escape(cell) for cell in (f.partnership, f.respondent, question,
                                                       ", ".join(f.kinds), f.masked)))
        console.print(table)
        console.print("Evidence notes are not the place for details of a child: edit these "
                      "answers, or mask them on the way out with [bold]--redact[/].")
    if flagged:
        raise typer.Exit(1)
