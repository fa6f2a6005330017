"""`stocktake submissions import`: answers collected with ODK or KoboToolbox, from their exports.

    stocktake banks export-xlsform idea-stocktake --out idea.xlsx     # deploy it, collect
    stocktake submissions import idea-stocktake.csv --bank idea-stocktake
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from stocktake.cli.common import (console, err_console, open_workspace, print_json,
                                  render_error, resolve_bank, stored_line)
from stocktake.cli.app import app
from stocktake.errors import StocktakeError

submissions_app = typer.Typer(
    help="Submissions collected on phones and the web (ODK Collect, ODK Central, Enketo, "
         "KoboToolbox) with a form from `stocktake banks export-xlsform`.\n\n"
         "Example: stocktake submissions import idea-stocktake.csv --bank idea-stocktake",
    no_args_is_help=True)
app.add_typer(submissions_app, name="submissions")


@submissions_app.command("import")
def import_submissions(
    paths: List[Path] = typer.Argument(..., metavar="FILE...",
                                       help="ODK Central CSV, or KoboToolbox XLSX/CSV exported "
                                            "with 'XML values and headers'."),
    bank_ref: str = typer.Option(..., "--bank", "-b", metavar="BANK",
                                 help="The bank the form was exported from."),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Financial year, e.g. 2026-27. Default: the current.",
                                       callback=stored_line),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON only."),
) -> None:
    """Check every file whole, then store one response per submission (mode "submission").

    Any bad row or cell in any file stores nothing; each is named with its line or cell. A
    submission imported before (same instance id) is not imported again; one edited at the
    source since (ODK Central, KoboToolbox) replaces what its earlier version stored.

    Example: stocktake submissions import export.csv kobo.xlsx --bank idea-stocktake --wave 2026-27
    """
    from stocktake.cli.common import check_wave
    from stocktake.xlsform.submissions import (partnership_lookup, read_submissions,
                                               store_submissions)

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace()
    lookup = partnership_lookup(ws.partnerships())
    batches, refused = [], []
    for path in paths:
        try:
            batches.append(read_submissions(path, bank, lookup))
        except StocktakeError as exc:
            refused.append(exc)
    if refused:
        if len(refused) == 1:
            raise refused[0]
        raise StocktakeError(f"{len(refused)} of {len(paths)} file(s) refused; nothing was "
                             "stored", hint=refused[0].hint,
                             details=[f"{e.message}" + "".join(f"\n    {d}" for d in e.details)
                                      for e in refused])
    outcome = store_submissions(ws, bank, batches, wave)
    warnings = [f"{b.path}: {w}" for b in batches for w in b.warnings]
    if as_json:
        print_json({"bank": bank.id, "wave": wave,
                    "files": [{"file": str(b.path), "tool": b.tool,
                               "submissions": len(b.submissions)} for b in batches],
                    "stored": [_row(s, outcome) for s in outcome.stored],
                    "already_imported": [_row(s, outcome) for s in outcome.already],
                    "resubmitted": [_row(s, outcome) for s in outcome.updated],
                    "edited_at_source": [_row(s, outcome) for s in outcome.edited],
                    "warnings": warnings,
                    **({"not_stored": _not_stored_json(outcome)} if outcome.disk_full else {})})
        if outcome.disk_full is not None:
            raise typer.Exit(1)
        return
    for warning in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}")
    table = Table(title=f"Submissions for {bank.id} {wave}", title_justify="left")
    for name in ("partnership", "respondent", "role", "answers", "instance id"):
        table.add_column(name, justify="right" if name == "answers" else "left")
    for s in outcome.stored + outcome.updated + outcome.edited:
        table.add_row(s.partnership.code, escape(s.respondent), s.role, str(len(s.answers)),
                      s.instance_id)
    if outcome.stored or outcome.updated or outcome.edited:
        console.print(table)
    _warn_personal_data(outcome.stored + outcome.updated + outcome.edited)
    for s in outcome.stored + outcome.updated + outcome.edited:
        marked = outcome.notices.get(s.instance_id)
        if marked:
            # The child saw the notice on the phone or web form; the adviser importing it sees
            # it too, as with a returned form.
            err_console.print(f"[bold red]Safeguarding notice[/] ({s.partnership.code} "
                              f"{escape(s.respondent)}, {escape(s.where)}: "
                              f"{escape(', '.join(marked))}): "
                              f"{escape(bank.safeguarding_notice)}")
    console.print(f"Stored {len(outcome.stored)} submission(s); {len(outcome.already)} "
                  "already imported, left as they were.", soft_wrap=False)
    if outcome.edited:
        console.print(f"Updated {len(outcome.edited)} submission(s) edited at the source: "
                      + ", ".join(f"{escape(s.respondent)} ({s.partnership.code})"
                                  for s in outcome.edited)
                      + "; the newest version replaced the earlier one (kept in history).",
                      soft_wrap=False)
    if outcome.updated:
        console.print(f"{len(outcome.updated)} respondent(s) submitted again: "
                      + ", ".join(escape(s.respondent) for s in outcome.updated)
                      + "; the new submission replaced the earlier one (kept in history).",
                      soft_wrap=False)
    if outcome.disk_full is not None:
        render_error(outcome.disk_full)
        err_console.print(f"Not stored ({len(outcome.not_stored)}), the disk being full: "
                          + ", ".join(f"{escape(s.respondent)} ({s.partnership.code}, "
                                      f"{escape(s.where)})" for s in outcome.not_stored)
                          + ". Free some space and import the same files again: what was "
                            "stored is not imported twice.", soft_wrap=True)
        raise typer.Exit(1)


def _not_stored_json(outcome) -> list[dict]:
    """[{partnership, respondent, role, answers, instance_id, where, reason}] left unstored
    by a full disk: the first says how, the others that the disk is full."""
    rows = [{**_row(s, outcome), "reason": "not stored: the disk is full"}
            for s in outcome.not_stored]
    if rows:
        rows[0]["reason"] = f"not stored: {outcome.disk_full.message}"
    return rows


def _warn_personal_data(stored) -> None:
    """As for typed answers: notes are not the place for details of a child; say so at once."""
    from stocktake.privacy.personal_data import describe, find_personal_data

    for s in stored:
        for answer in s.answers:
            texts = [answer.evidence] + ([answer.value] if isinstance(answer.value, str) else [])
            findings = [f for text in texts if text for f in find_personal_data(text)]
            if findings:
                err_console.print(
                    f"[bold yellow]Warning:[/] {s.partnership.code} {escape(s.respondent)}, "
                    f"{answer.question}: {escape(describe(findings))}. Mask it in exports with "
                    "--redact.", soft_wrap=True)


def _row(s, outcome) -> dict:
    marked = outcome.notices.get(s.instance_id)
    return {"partnership": s.partnership.code, "respondent": s.respondent, "role": s.role,
            "answers": len(s.answers), "instance_id": s.instance_id, "where": s.where,
            **({"safeguarding_notice": list(marked)} if marked else {})}
