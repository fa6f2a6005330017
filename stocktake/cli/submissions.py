"""`stocktake submissions import`: answers collected with ODK or KoboToolbox, from their exports.

    stocktake banks export-xlsform idea-stocktake --out idea.xlsx     # deploy it, collect
    stocktake submissions import idea-stocktake.csv --bank idea-stocktake
"""

from __future__ import annotations

from pathlib import Path
from typing import List, NoReturn, Optional

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

    Any bad row or cell in any file stores nothing; each is named with its line or cell, and
    each readable row whose answers call for the safeguarding notice is named with the notice.
    A submission imported before (same instance id, same answers) is not imported again; the
    same id with other answers is refused; one edited at the source since (ODK Central,
    KoboToolbox) replaces what its earlier version stored. With --json a refusal prints
    {..., "refused": [{file, reason, details, hint}], "safeguarding_notices": [...]}, exit 1.

    Example: stocktake submissions import export.csv kobo.xlsx --bank idea-stocktake --wave 2026-27
    """
    from stocktake.cli.common import check_wave
    from stocktake.xlsform.submissions import (NoticeCalled, SubmissionsRefused, notices_in,
                                               partnership_lookup, read_submissions,
                                               store_submissions)

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace()
    lookup = partnership_lookup(ws.partnerships())
    batches = []
    refused: list[tuple[str, StocktakeError]] = []  # (the file, why it was refused)
    notices: list[NoticeCalled] = []  # of rows in refused files: shown, never recorded
    for path in paths:
        try:
            batches.append(read_submissions(path, bank, lookup))
        except StocktakeError as exc:
            refused.append((str(path), exc))
            notices.extend(getattr(exc, "notices", ()))
    warnings = [f"{b.path}: {w}" for b in batches for w in b.warnings]
    if refused:
        # Nothing is stored, so the files read whole hold notices no response records either.
        others = notices_in(bank, batches, "not stored: another file of the import was refused")
        given = [str(p) for p in paths]
        notices = sorted([*notices, *others], key=lambda n: given.index(n.file)
                         if n.file in given else len(given))
        _refuse(bank, wave, batches, warnings, notices, refused, as_json, len(paths))
    try:
        outcome = store_submissions(ws, bank, batches, wave)
    except SubmissionsRefused as exc:
        # One refusal of the files together, each line naming its file.
        _refuse(bank, wave, batches, warnings, list(exc.notices), [("", exc)], as_json, 0)
    unimported = [n for b in batches for n in b.unimported_notices]
    if as_json:
        print_json({"bank": bank.id, "wave": wave,
                    "files": [{"file": str(b.path), "tool": b.tool,
                               "submissions": len(b.submissions)} for b in batches],
                    "stored": [_row(s, outcome) for s in outcome.stored],
                    "already_imported": [_row(s, outcome) for s in outcome.already],
                    "appears_twice": [{**_row(s, outcome), "also_at": first}
                                      for s, first in outcome.repeated],
                    "resubmitted": [_row(s, outcome) for s in outcome.updated],
                    "edited_at_source": [_row(s, outcome) for s in outcome.edited],
                    "warnings": warnings,
                    "refused": [],
                    "safeguarding_notices": _stored_notices_json(outcome, batches)
                    + [n.to_json() for n in unimported],
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
    _print_unstored_notices(bank, unimported)
    console.print(f"Stored {len(outcome.stored)} submission(s); {len(outcome.already)} "
                  "already imported, left as they were.", soft_wrap=False)
    if outcome.repeated:
        console.print(f"{len(outcome.repeated)} submission(s) appear twice in these files with "
                      "the same answers, stored once: "
                      + "; ".join(f"{s.instance_id} ({escape(first)} and "
                                  f"{escape(_place(s, batches))})"
                                  for s, first in outcome.repeated) + ".", soft_wrap=False)
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


def _refuse(bank, wave, batches, warnings, notices, refused, as_json: bool,
            files_given: int) -> NoReturn:
    """Say why nothing was stored, with each notice of the rows not stored, and exit 1.

    `refused` holds (file, StocktakeError), one per file refused of `files_given` (0 files
    given and "" for the file: the store's one refusal of them all, raised as it is). With
    --json, stdout gets {bank, wave, files, stored: [], ..., warnings, refused: [{file, reason,
    details, hint}], safeguarding_notices: [NoticeCalled.to_json()]}, as forms import names a
    refusal."""
    if as_json:
        print_json({"bank": bank.id, "wave": wave,
                    "files": [{"file": str(b.path), "tool": b.tool,
                               "submissions": len(b.submissions)} for b in batches],
                    "stored": [], "already_imported": [], "appears_twice": [],
                    "resubmitted": [], "edited_at_source": [], "warnings": warnings,
                    "refused": [r for file, exc in refused for r in _refused_json(file, exc)],
                    "safeguarding_notices": [n.to_json() for n in notices]})
        raise typer.Exit(1)
    for warning in warnings:
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}")
    _print_unstored_notices(bank, notices)
    errors = [exc for _, exc in refused]
    if files_given == 0 or (len(errors) == 1 and files_given == 1):
        raise errors[0]
    # Several files given: say that none was stored, not only the refused one.
    raise StocktakeError(f"{len(errors)} of {files_given} file(s) refused; nothing was "
                         "stored", hint=errors[0].hint,
                         details=[f"{e.message}" + "".join(f"\n    {d}" for d in e.details)
                                  for e in errors])


def _refused_json(file: str, exc: StocktakeError) -> list[dict]:
    """[{file, reason, details, hint}], one per file the error is about (the store's refusal
    may name several, each line its file's), as `forms import --json` lists a form refused."""
    files = getattr(exc, "files", None) or []
    if file or not any(files):
        return [{"file": file, "reason": exc.message, "details": list(exc.details),
                 "hint": exc.hint}]
    by_file: dict[str, list[str]] = {}
    for file, detail in zip(files, exc.details):
        by_file.setdefault(file, []).append(detail)
    return [{"file": file, "reason": exc.message, "details": details, "hint": exc.hint}
            for file, details in by_file.items()]


def _print_unstored_notices(bank, notices) -> None:
    """Each notice of a submission not stored (refused, or rejected in review): the child's
    answer is read, and the adviser sees the notice, though no response records it."""
    for n in notices:
        err_console.print(f"[bold red]Safeguarding notice:[/] {escape(n.describe())}. "
                          f"{escape(bank.safeguarding_notice)}", soft_wrap=True)


def _stored_notices_json(outcome, batches) -> list[dict]:
    """[{file, where, instance_id, partnership, role, respondent, questions, recorded: true}]
    for each submission stored whose answers called for the notice (recorded on it)."""
    rows = []
    for s in outcome.stored + outcome.updated + outcome.edited:
        marked = outcome.notices.get(s.instance_id)
        if marked:
            rows.append({"file": _place(s, batches).rsplit(": ", 1)[0], "where": s.where,
                         "instance_id": s.instance_id, "partnership": s.partnership.code,
                         "role": s.role, "respondent": s.respondent,
                         "questions": list(marked), "recorded": True})
    return rows


def _place(s, batches) -> str:
    """FILE: WHERE of a submission the outcome names."""
    for b in batches:
        if any(x is s for x in b.submissions):
            return f"{b.path}: {s.where}"
    return s.where


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
