"""`stocktake banks ...`: list, show and validate question banks."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import Csv, Json, console, print_json, resolve_bank, stored_line
from stocktake.cli.output import Column, Format, output_format, show
from stocktake.cli.app import app
from stocktake.errors import StocktakeError

banks_app = typer.Typer(help="Question banks: list, show and validate them.\n\n"
                             "Example: stocktake banks show idea-stocktake",
                        no_args_is_help=True)
app.add_typer(banks_app, name="banks")


BANK_COLUMNS = (Column("id", no_wrap=True, style="bold"), Column("title"),
                Column("version", justify="right"), Column("areas", justify="right"),
                Column("questions", justify="right"))


@banks_app.command("list")
def list_banks(as_json: Json = False, as_csv: Csv = False) -> None:
    """List the banks stocktake can find (shipped, and folders in $STOCKTAKE_BANK_PATH).

    Files that could not be loaded are named with the reason (on stderr with --json or --csv,
    so stdout stays a list of banks).

    Example: stocktake banks list --json
    """
    from rich.markup import escape

    from stocktake.banks.loading import scan_banks
    from stocktake.cli.common import err_console

    fmt = output_format(as_json, as_csv)
    banks, failed = scan_banks()
    show([{"id": b.id, "title": b.title, "version": b.version, "hash": b.hash,
           "areas": len(b.areas), "questions": len(b.questions), "path": str(b.source)}
          for b in banks], BANK_COLUMNS, fmt, title="Question banks")
    if fmt is not Format.TABLE:
        for path, reason in failed:
            err_console.print(f"Not loaded: {escape(str(path))}: {escape(reason)}")
        return
    for path, reason in failed:
        console.print(f"[bold]Not loaded:[/] {escape(str(path))}: {escape(reason)}")
    if failed:
        console.print("Check a file with [bold]stocktake banks validate PATH[/].")
    console.print("Show one with [bold]stocktake banks show ID[/].")


QUESTION_COLUMNS = (Column("question", no_wrap=True), Column("type"), Column("text", ratio=1),
                    Column("roles"), Column("sources"))


@banks_app.command("show")
def show_bank(
    bank_ref: str = typer.Argument(..., metavar="BANK", help="Bank id, or path to a .toml file."),
    as_json: Json = False,
) -> None:
    """Show a bank's areas and questions.

    Example: stocktake banks show joint-area-review --json
    """
    bank = resolve_bank(bank_ref)
    if as_json:
        print_json(bank.to_dict())
        return
    # The bank's own words are data (never markup), wrapped at words for an 80-column terminal.
    console.print(Text.assemble((bank.title, "bold"),
                                f" ({bank.id} {bank.version}, hash {bank.hash[:12]})"),
                  soft_wrap=False)
    console.print(Text(bank.description), soft_wrap=False)
    if bank.period:
        console.print(Text(f"Period: {bank.period}. Its linked DfE measures are today's figures, "
                           "shown as present-day equivalents."), soft_wrap=False)
    console.print(Text("Roles: " + ", ".join(f"{r.id}" for r in bank.roles)), soft_wrap=False)
    cited = bool(bank.sources)
    question_columns = QUESTION_COLUMNS if cited else QUESTION_COLUMNS[:-1]
    for area in bank.areas:
        console.print(Text(f"{area.title} ({area.id})", style="italic"), soft_wrap=False)
        show([{"question": q.id, "type": q.type, "text": q.text,
               "roles": ", ".join(q.roles) or "all", "sources": ", ".join(q.sources) or "-"}
              for q in bank.questions_in(area.id)], question_columns)
        if area.sources:
            console.print(Text("  Rests on: " + "; ".join(
                f"{sid} {bank.source_for(sid).title}" for sid in area.sources)), soft_wrap=False)
    if cited:
        # Each duty or guidance the bank cites, with where to read it and what asks about it.
        # Each duty or guidance the bank cites, with where to read it and what asks about it;
        # ruled columns, so an address folded over lines reads (and is found) as one.
        table = Table(title="Sources (the primary texts the questions cite)",
                      title_justify="left")
        table.add_column("id", no_wrap=True)
        table.add_column("duty or guidance", ratio=1, overflow="fold")  # URLs whole
        table.add_column("cited by", ratio=1)
        for src in bank.sources:
            users = [a.id for a in bank.areas if src.id in a.sources] + \
                [q.id for q in bank.questions if src.id in q.sources]
            table.add_row(Text(src.id), Text(f"{src.title}\n{src.url}"),
                          Text(", ".join(users) or "-"))
        console.print(table)


@banks_app.command("validate")
def validate_banks(
    paths: List[Path] = typer.Argument(..., metavar="PATH...", help="Bank files (.toml) to check."),
) -> None:
    """Check bank files and report every problem at once (exit 1 if any).

    Example: stocktake banks validate question_banks/*.toml
    """
    from stocktake.banks.validation import validate_bank_file
    from stocktake.banks.loading import load_bank
    from stocktake.text.problems import listed

    from stocktake.banks.validation import scoring_advice

    problems: list[str] = []
    summaries: list[str] = []
    advice: list[str] = []
    for path in paths:
        found = validate_bank_file(path)
        if found:
            problems.extend(p.render() for p in found)
            continue
        bank = load_bank(path)
        summaries.append(f"{bank.id} {bank.version}: {len(bank.areas)} areas, "
                         f"{len(bank.questions)} questions")
        advice.extend(scoring_advice(bank))
    if problems:
        raise StocktakeError(f"{len(problems)} problem(s) in {len(paths)} bank file(s)",
                             hint="fix each problem listed, then validate again",
                             details=listed(problems))
    console.print(f"OK: {len(paths)} bank(s) valid ({'; '.join(summaries)})")
    for line in advice:
        console.print(line, markup=False, highlight=False)


@banks_app.command("export-xlsform")
def export_xlsform(
    bank_ref: str = typer.Argument(..., metavar="BANK", help="Bank id, or path to a .toml file."),
    out: Path = typer.Option(..., "--out", "-o", metavar="FILE.xlsx",
                             help="Where to write the XLSForm."),
    partnership_codes: List[str] = typer.Option(
        [], "--partnership", "-p", metavar="CODE",
        help="Offer only these partnerships (repeatable). Default: every current English "
             "authority and the workspace's partnerships.", callback=stored_line),
) -> None:
    """Write the bank as an XLSForm for ODK Central, KoboToolbox, Enketo, Ona or SurveyCTO.

    Checked with pyxform when it is installed (pip install 'stocktake[xlsform]').

    Example: stocktake banks export-xlsform idea-stocktake --out idea-stocktake.xlsx
    """
    from stocktake.cli.common import err_console, open_workspace
    from stocktake.errors import UsageError
    from stocktake.xlsform.export import write_xlsform, xlsform_bytes, xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform, pyxform_available

    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: an XLSForm is an .xlsx workbook",
                         hint="give --out a name ending .xlsx")
    bank = resolve_bank(bank_ref)
    choices = _partnership_choices(open_workspace(), partnership_codes)
    sheets = xlsform_sheets(bank, choices)
    data = xlsform_bytes(sheets)
    checked = ""
    if pyxform_available():
        result = convert_xlsform(data, str(out))
        for warning in result.warnings:
            err_console.print(f"[yellow]pyxform warning:[/] {warning}")
        checked = "; pyxform converts it"
    write_xlsform(out, sheets)
    console.print(f"Wrote {out}: {bank.id} {bank.version}, {len(bank.questions)} questions in "
                  f"{len(bank.areas)} groups, {len(choices)} partnerships{checked}.")
    console.print("Upload it to ODK Central or KoboToolbox; then download the submissions and "
                  f"run [bold]stocktake submissions import FILE --bank {bank.id}[/].")


def _partnership_choices(ws, codes: List[str]) -> list[tuple[str, str]]:
    from stocktake.partnerships.model import partnership_for, resolve_code
    from stocktake.partnerships.reference import current_authorities

    known = {p.code: p for p in ws.partnerships()}
    if codes:
        resolved = [resolve_code(c, known.values()) for c in codes]  # "Camden" is E09000007
        chosen = [known.get(c) or partnership_for(c) for c in resolved]
        return [(p.code, p.name) for p in chosen]
    offered = {a.code: a.name for a in current_authorities()}
    for p in known.values():
        offered.setdefault(p.code, p.name)
    return sorted(offered.items(), key=lambda item: item[1])


@banks_app.command("import-xlsform")
def import_xlsform(
    path: Path = typer.Argument(..., metavar="FILE.xlsx", help="An XLSForm (.xlsx or .xls), "
                                                                "with or without stocktake's "
                                                                "columns (see README)."),
    out: Path = typer.Option(..., "--out", "-o", metavar="BANK.toml",
                             help="Where to write the bank."),
) -> None:
    """Turn an XLSForm written in a spreadsheet into a bank (TOML), checked like any bank.

    Any form pyxform accepts (a Kobo or ODK form too) becomes a bank: groups are areas, selects
    are choices, unscored where no levels or scores are given; what a bank does not carry
    (repeats, GPS, media, notes, calculations) is listed, a note per question, and kept as
    comments at the top of the bank file.

    Example: stocktake banks import-xlsform my-bank.xlsx --out my-bank.toml
    """
    from stocktake.files.output_files import write_output_bytes
    from stocktake.errors import UsageError
    from stocktake.returns.file_checks import check_workbook_file
    from rich.markup import escape

    from stocktake.cli.common import err_console
    from stocktake.xlsform.authoring import bank_toml, check_xls_file, xlsform_bank
    from stocktake.xlsform.pyxform_check import convert_xlsform, pyxform_available

    if out.suffix.lower() != ".toml":
        raise UsageError(f"{out}: a bank is a .toml file", hint="give --out a name ending .toml")
    # A missing, macro, oversized or foreign file, named before pyxform reads it.
    if path.suffix.lower() == ".xls":
        check_xls_file(path)
    else:
        check_workbook_file(path)
    if pyxform_available():
        convert_xlsform(path)  # pyxform's own message, with sheet and row, for a broken form
    data, notes = xlsform_bank(path)
    comments = "".join(f"# Not carried: {n}\n" for n in notes)
    write_output_bytes(out, (comments + ("\n" if comments else "") + bank_toml(data))
                       .encode("utf-8"))
    for note in notes:
        err_console.print(f"[yellow]Not carried:[/] {escape(note)}")
    console.print(f"Wrote {out}: {data['id']} {data['version']}, {len(data['areas'])} areas, "
                  f"{len(data['questions'])} questions. Check it with "
                  f"[bold]stocktake banks validate {out}[/].")
