"""`stocktake moderate`: an adviser's moderated score for one area, after its published evidence.

    stocktake moderate E09000007 --bank idea-stocktake --area risk --score 40 \
        --reason "No risk register seen" --adviser "J. Adviser"
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.app import app
from stocktake.cli.common import (check_wave, console, open_workspace, resolve_bank,
                                  stored_line, stored_text)


@app.command("moderate")
def moderate(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership: GSS code.",
                               callback=stored_line),
    bank_ref: str = typer.Option(..., "--bank", metavar="BANK", help="Bank id or .toml path."),
    area: str = typer.Option(..., "--area", metavar="AREA", help="Area id, e.g. vision.",
                             callback=stored_line),
    score: float = typer.Option(..., "--score", metavar="N", help="The adviser's score, 0 to 100."),
    reason: str = typer.Option(..., "--reason", metavar="TEXT", help="Why, in a sentence or two.",
                               callback=stored_text),
    adviser: str = typer.Option(..., "--adviser", metavar="NAME", help="Who moderated.",
                                callback=stored_line),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current.",
                                       callback=stored_line),
) -> None:
    """Record an adviser's moderated score for one area, kept beside the self-assessment.

    Example: stocktake moderate E09000007 --bank idea-stocktake --area vision --score 55 --reason "Vision not yet known to front-line staff" --adviser "A. Adviser"
    """
    from stocktake.cli.evidence import render_area_evidence
    from stocktake.cli.interview import ensure_partnership, non_empty
    from stocktake.interview.moderation import check_score, number_text, record_moderation
    from stocktake.scoring.self_view import area_evidence_view

    bank = resolve_bank(bank_ref)
    found = bank.area(area.strip())
    check_score(score)
    reason = non_empty(reason, "--reason")
    adviser = non_empty(adviser, "--adviser")
    wave = check_wave(wave)
    ws = open_workspace()
    partnership = ensure_partnership(ws, code)
    # The figures before the judgement.
    render_area_evidence(area_evidence_view(ws.root, partnership.code, bank, found, wave))
    outcome = record_moderation(ws, partnership.code, bank, found, score, reason, adviser, wave)
    console.print(f"Stored moderation: {partnership.code} {escape(partnership.name)}, {bank.id} "
                  f"{wave}, {escape(found.title)} ({found.id}) scored {number_text(score)} by "
                  f"{escape(adviser)} at {outcome.stored.moderated_at}.")
    note = (f"; it is now the latest of {outcome.earlier + 1} for this area"
            if outcome.earlier else "")
    console.print(f"The respondents' own answers are unchanged{note}.")
