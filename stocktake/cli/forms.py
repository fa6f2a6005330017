"""`stocktake forms create` and `forms import`: offline response forms in Excel.

    stocktake forms create E09000007 --bank idea-stocktake --role council --out camden.xlsx
    stocktake forms import returns/*.xlsx
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer
from rich.markup import escape
from rich.table import Table

from stocktake.cli.common import (Shared, checked_folder, console, err_console, open_workspace,
                                  print_json,
                                  render_error, resolve_bank, stored_line)
from stocktake.cli.app import app
from stocktake.errors import StocktakeError, UsageError

forms_app = typer.Typer(
    help="Offline response forms: an Excel workbook per respondent, filled without stocktake "
         "and imported back.\n\n"
         "Example: stocktake forms create E09000007 --bank idea-stocktake --role council "
         "--out camden-council.xlsx",
    no_args_is_help=True)
app.add_typer(forms_app, name="forms")


@forms_app.command("create")
def create(
    code: Optional[str] = typer.Argument(None, metavar="CODE",
                                         help="Partnership code, e.g. E09000007.",
                                         callback=stored_line),
    bank_ref: Optional[str] = typer.Option(None, "--bank", "-b", metavar="BANK",
                                           help="Bank id, or path to a .toml file (with --all: "
                                                "default the latest planned round's)."),
    role: Optional[str] = typer.Option(None, "--role", "-r", metavar="ROLE",
                                       help="The role answering, e.g. council, health, schools.",
                                       callback=stored_line),
    all_forms: bool = typer.Option(False, "--all",
                                   help="One form per expected respondent of the planned round "
                                        "(or per partnership and role), into the folder --out, "
                                        "with manifest.csv for a mail merge."),
    respondent: Optional[str] = typer.Option(None, "--respondent", metavar="NAME",
                                             help="Fill in the respondent's name in advance.",
                                             callback=stored_line),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Wave, e.g. 2026-27. Default: the current "
                                            "financial year.", callback=stored_line),
    out: Path = typer.Option(..., "--out", "-o", metavar="PATH.xlsx|DIR",
                             help="Where to write the form (with --all, a folder)."),
    shared: Shared = False,
    key_file: Optional[Path] = typer.Option(
        None, "--key", metavar="FILE",
        help="The national team's seal key (default: $STOCKTAKE_SEAL_KEY, if set): "
             "the form then carries a keyed seal that `forms import --key` verifies."),
) -> None:
    """Write a response form: one row per question asked of ROLE, an answer dropdown and an
    evidence cell each; everything else locked. With --all, the forms of a whole round.

    Example: stocktake forms create E09000007 -b idea-stocktake -r health -o camden-health.xlsx

    Example: stocktake forms create --all --out forms/
    """
    if all_forms:
        if code is not None or role is not None or respondent is not None:
            raise UsageError("--all writes the forms of the planned round; give no CODE, "
                             "--role or --respondent with it")
        _create_all(bank_ref, wave, checked_folder(out, "--out"), shared)
        return
    if code is None or bank_ref is None or role is None:
        raise UsageError("give CODE, --bank and --role (or --all for a whole round)",
                         hint="e.g. stocktake forms create E09000007 -b idea-stocktake -r health "
                              "-o camden-health.xlsx")
    from stocktake.cli.common import check_wave, partnership_code
    from stocktake.partnerships.model import partnership_for

    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: a form is an .xlsx workbook", hint="give --out a name ending "
                                                                      ".xlsx")
    wave = check_wave(wave)
    bank = resolve_bank(bank_ref)
    ws = open_workspace()
    code = partnership_code(code, ws)
    partnership = ws.find_partnership(code) or partnership_for(code)
    from stocktake.returns.seal import seal_key

    key = seal_key(key_file)  # a bad key refused before any response is reserved
    from stocktake.cli.common import rerun_words
    from stocktake.round.respondent_form import write_respondent_form

    written = write_respondent_form(ws, bank, partnership, role, wave, respondent or "", out,
                                    key=key, shared=shared, command=rerun_words())
    path = written.path
    console.print(f"Wrote {escape(str(path))}: {written.questions} questions of {bank.id} "
                  f"{bank.version} for {escape(partnership.name)} ({partnership.code}), role "
                  f"{role}, wave {wave}.")
    console.print(f"When it comes back: [bold]stocktake forms import {escape(str(path))}[/]")


def _create_all(bank_ref: Optional[str], wave: Optional[str], out: Path, shared: bool) -> None:
    import sys

    from stocktake.cli.common import check_wave
    from stocktake.round.fieldwork import round_for, write_round_forms

    if out.suffix.lower() == ".xlsx":
        raise UsageError(f"{out}: with --all, --out is a folder", hint="e.g. --out forms/")
    ws = open_workspace()
    bank_ref, wave = round_for(ws, bank_ref, wave)
    if bank_ref is None:
        raise UsageError("which round? No round is planned",
                         hint="plan one with `stocktake round plan`, or give --bank")
    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    quiet = not sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        # Without a terminal (a scheduled job, a log), a line now and then shows it is alive.
        if done == total or (done % 50 == 0 and quiet) or (not quiet and done % 10 == 0):
            err_console.print(f"  {done} of {total} forms written")

    rows = write_round_forms(ws, bank, wave, out, progress=progress, shared=shared)
    console.print(f"Wrote {len(rows)} form(s) of {bank.id} {wave} and "
                  f"{escape(str(out / 'manifest.csv'))} (for a mail merge).")
    console.print(f"When they come back: [bold]stocktake forms import {escape(str(out))}[/]; "
                  "who is missing: [bold]stocktake status[/]")


@forms_app.command("import")
def import_forms(
    paths: List[Path] = typer.Argument(..., metavar="PATH.xlsx...",
                                       help="Filled forms, or folders of them."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON only."),
    key_file: Optional[Path] = typer.Option(
        None, "--key", metavar="FILE",
        help="The national team's seal key (default: $STOCKTAKE_SEAL_KEY, if set): "
             "then every form must carry a keyed seal made with it."),
) -> None:
    """Check each filled form whole and store its answers (mode "form"); a form with any bad
    cell is stored not at all, and the other forms go on. Exit 1 if any form was refused. In
    folders (and sub-folders), a spreadsheet in another format (.ods, .xls, .xlsb, .numbers,
    .csv) is refused with what to do; lock files, hidden and other files are listed as passed
    over and do not change the exit code, as in `merge`.

    Example: stocktake forms import returns/camden-council.xlsx returns/camden-health.xlsx
    """
    from stocktake.national.reading import collect_files
    from stocktake.records.responses import now_iso
    from stocktake.returns.about import BankShelf
    from stocktake.returns.intake import Return, take_in
    from stocktake.returns.seal import seal_key
    from stocktake.workbooks.forms import read_form

    key = seal_key(key_file)
    files, missing, passed_over = collect_files(paths)
    ws = open_workspace()
    shelf = BankShelf()
    refused: list[dict[str, Any]] = [{"file": str(m.path), "reason": m.reason, "details": []}
                                     for m in missing]
    returns = []
    known = ws.partnerships()
    blanks: dict[str, tuple[tuple[str, str], ...]] = {}
    for path in files:
        try:
            form = read_form(path, shelf, key=key, known=known)
        except StocktakeError as exc:
            refused.append({"file": str(path), "reason": exc.message, "details": exc.details,
                            "hint": exc.hint, **_notice_json(exc)})
            if not as_json:
                render_error(exc)
                _print_refused_notice(path, exc)
            continue
        blanks[str(path)] = form.blank
        returns.append(Return(form.partnership, form.bank, form.wave, form.role, "form",
                              form.answers, source=str(path), respondent=form.respondent,
                              age_band=form.age_band, noticed_at=now_iso()))
    outcome = take_in(ws, returns)
    for item in outcome.refused:
        if not as_json:
            render_error(_naming_file(item.error, item.ret.source))
    refused.extend({**item.to_json(), "reason": _naming_file(item.error, item.ret.source).message}
                   for item in outcome.refused)
    order = {str(p): n for n, p in enumerate(files)}
    refused[len(missing):] = sorted(refused[len(missing):], key=lambda r: order[r["file"]])
    if outcome.disk_full is not None and not as_json:
        render_error(outcome.disk_full)
    not_stored = outcome.not_stored_json()
    refused.extend(not_stored)
    stored = [s.to_json() for s in outcome.stored]
    for row, s in zip(stored, outcome.stored):
        row["kept_blank"] = _kept_blank(ws, s, blanks.get(s.ret.source, ()))
    if not as_json:
        for s in outcome.stored:
            if s.called:
                # The form carried the notice; the adviser importing it sees it too.
                err_console.print(f"[bold red]Safeguarding notice[/] "
                                  f"({escape(Path(s.ret.source).name)}, {escape(s.key.respondent)}: "
                                  f"{', '.join(sorted(s.called))}): "
                                  f"{escape(s.ret.bank.safeguarding_notice)}")
    if as_json:
        print_json({"stored": stored, "refused": refused,
                    "skipped": [{"file": str(s.path), "reason": s.reason}
                                for s in passed_over]})
    else:
        for said in refused[:len(missing)]:
            err_console.print(f"[bold red]Error:[/] {escape(said['file'])}: "
                              f"{escape(said['reason'])}")
        for skipped in passed_over:
            err_console.print(f"[bold]Passed over:[/] {escape(str(skipped.path))}: "
                              f"{escape(skipped.reason)}")
        if stored:
            table = Table(title="Forms imported", title_justify="left")
            for name in ("file", "partnership", "wave", "respondent", "role", "answers"):
                table.add_column(name, justify="right" if name == "answers" else "left")
            for row in stored:
                table.add_row(escape(Path(row["file"]).name), row["partnership"], row["wave"],
                              escape(row["respondent"]), row["role"], str(row["answers"]))
            console.print(table)
            for row in stored:
                if row["already_stored"]:
                    console.print(f"{escape(Path(row['file']).name)}: {escape(row['respondent'])}"
                                  f" {escape(row['changes'])}.")
                if row["kept_blank"]:
                    kept = ", ".join(f"{k['cell']} ({k['question']})" for k in row["kept_blank"])
                    console.print(
                        f"{escape(Path(row['file']).name)}: {len(row['kept_blank'])} answer(s) "
                        f"blank in this form kept from the earlier one: {escape(kept)}. A blank "
                        "cell does not clear an answer; to replace one, choose another answer "
                        "(Not applicable or Don't know too) and import the form again.")
        if not_stored:
            err_console.print(f"Stored {len(stored)} form(s) before the disk filled; not "
                              f"stored ({len(not_stored)}): "
                              f"{', '.join(escape(Path(r['file']).name) for r in not_stored)}. "
                              "Free some space and import those again.")
        if refused:
            err_console.print(f"{len(refused)} form(s) refused; nothing from them was stored.")
    if refused:
        raise typer.Exit(1)


def _naming_file(error: StocktakeError, source: str) -> StocktakeError:
    """`error` as said of the form `source`: the intake's checks name the field, not the file,
    and a folder of forms leaves the reader guessing which one."""
    if not source or error.message.startswith(source):
        return error
    return StocktakeError(f"{source}: {error.message}", hint=error.hint, details=error.details,
                          exit_code=error.exit_code)


def _notice_json(exc: StocktakeError) -> dict[str, Any]:
    """{safeguarding_notice: [question ids], safeguarding_cells: [{cell, question}]} for a
    refused form whose answers call for the notice (workbooks.forms.RefusedForm), else {}."""
    notices = getattr(exc, "notices", ())
    if not notices:
        return {}
    return {"safeguarding_notice": sorted({qid for _, qid in notices}),
            "safeguarding_cells": [{"cell": cell, "question": qid} for cell, qid in notices]}


def _print_refused_notice(path: Path, exc: StocktakeError) -> None:
    notices = getattr(exc, "notices", ())
    if not notices:
        return
    # Nothing was stored, but the child who gave the answer may need help now.
    cells = ", ".join(f"{cell} ({qid})" for cell, qid in notices)
    err_console.print(f"[bold red]Safeguarding notice[/] ({escape(path.name)}, refused and not "
                      f"stored, {escape(cells)}): {escape(getattr(exc, 'notice', '') or '')}")


def _kept_blank(ws: Any, stored: Any, blank: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """[{cell, question}] of the question rows a form left blank whose answers the response
    held already: the store keeps them (a blank cell is not an answer), so the import says so."""
    if not blank or not stored.changes.existed:
        return []
    response = ws.response(stored.key)
    held = response.answers if response is not None else {}
    return [{"cell": cell, "question": qid} for qid, cell in blank if qid in held]
