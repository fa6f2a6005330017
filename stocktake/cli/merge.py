"""`stocktake merge`: returned partnership workbooks into one national benchmark workbook.

    stocktake merge returns/ --out national.xlsx
    stocktake merge returns/*.xlsx --out national.xlsx --into-workspace --json
    stocktake merge returns/ --out national.xlsx --groups neighbours.csv
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Json, MinCount, Shared, a_folder, apply_min_count, console,
                                  err_console,
                                  open_workspace, print_json)
from stocktake.cli.app import app
from stocktake.cli.output import Column, show

from stocktake.errors import StocktakeError, UsageError


@app.command("merge")
def merge_command(
    paths: List[Path] = typer.Argument(..., metavar="PATH...",
                                       help="Exported partnership workbooks, or folders of them."),
    out: Path = typer.Option(..., "--out", "-o", metavar="PATH.xlsx",
                             help="The national benchmark workbook to write."),
    as_json: Json = False,
    into_workspace: bool = typer.Option(False, "--into-workspace",
                                        help="Also store the merged answers in the workspace."),
    redact: bool = typer.Option(False, "--redact",
                                help="Replace likely personal data in evidence and text answers "
                                     "before storing them."),
    expect: str = typer.Option(None, "--expect", metavar="all|FILE",
                               help="Who should have returned: `all` (the 153 current "
                                    "authorities) or a CSV of codes. Adds a Returns sheet and "
                                    "names those missing."),
    report: Path = typer.Option(None, "--report", metavar="PATH.html",
                                help="Also write the national findings report of what was "
                                     "merged (needs the `reports` extra)."),
    groups_file: Optional[Path] = typer.Option(
        None, "--groups", metavar="FILE",
        help="CSV of code,group (e.g. statistical neighbours), as for `benchmark --groups`: "
             "the national workbook's Scores gains group and vs_group, and a Groups sheet "
             "holds the group means. Codes with no merged partnership are listed. The groups "
             "are for the workbook only: --into-workspace stores the answers, not the groups "
             "(give --groups to `benchmark` or `export` there), and the --report findings "
             "stay by region."),
    shared: Shared = False,
    key_file: Optional[Path] = typer.Option(
        None, "--key", metavar="FILE",
        help="The national team's seal key (default: $STOCKTAKE_SEAL_KEY, if set): "
             "then every workbook must carry a keyed seal made with it, so a deliberate edit is "
             "refused too."),
    data_dir: Optional[Path] = typer.Option(
        None, "--data", metavar="DIR", callback=a_folder,
        help="Also write the analysts' data of each bank and wave merged into DIR (wide, long, "
             "scores, respondent scores; labelled as `stocktake codebook` says)."),
    data_format: str = typer.Option("csv", "--data-format", metavar="csv|spss|stata|parquet",
                                    help="The format of --data (spss, stata and parquet need "
                                         "the analysis extra)."),
    with_names: bool = typer.Option(
        False, "--with-names",
        help="In --data, keep the names respondents were exported under (default: each "
             "named by role, 'council 2')."),
    min_count: MinCount = None,
) -> None:
    """Check returned workbooks (About sheet, seal, bank edition), keep the newest export of
    each partnership, and write the national benchmark computed from the merged answers.
    Refused files are listed with their reason; exit 1 if any was refused. In folders (and
    sub-folders), a spreadsheet in another format (.ods, .xls, .xlsb, .numbers, .csv) is
    refused with what to do; lock files, hidden files and other files are listed as passed
    over and do not change the exit code. With a key (--key or $STOCKTAKE_SEAL_KEY), every
    workbook must carry a keyed seal made with it.

    Example: stocktake merge returns/ --out national.xlsx --groups neighbours.csv
    """
    apply_min_count(min_count)

    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: the national workbook is an .xlsx file",
                         hint="give --out a name ending .xlsx")
    if report is not None:
        if report.suffix.lower() != ".html":
            raise UsageError(f"{report}: the report is an .html file",
                             hint="give --report a name ending .html")
        from stocktake.reports.loading import require_report_libraries

        require_report_libraries(word=False)
    data_format = data_format.strip().lower()
    if data_dir is not None:
        from stocktake.analysis.formats import FORMATS as DATA_FORMATS, require_library

        if data_format not in DATA_FORMATS:
            raise UsageError(f"unknown data format '{data_format}'",
                             hint=f"use --data-format {' or '.join(DATA_FORMATS)}")
        if data_dir.exists() and not data_dir.is_dir():
            raise UsageError(f"{data_dir} is a file, not a folder", hint="give --data a folder")
        require_library(data_format)  # before any workbook is read
    groups = None
    if groups_file is not None:
        from stocktake.scoring.national import read_groups_csv

        # Read and checked before any workbook: a bad groups file leaves nothing written.
        groups = read_groups_csv(groups_file)
    from stocktake.returns.seal import seal_key

    key = seal_key(key_file)
    expected = None
    if expect is not None:
        from stocktake.national.returns import expected_authorities

        expected = expected_authorities(expect)
    workspace = open_workspace() if into_workspace else None
    from stocktake.files.atomic import written_together
    from stocktake.national.outputs import merged_data_files, national_reports

    # The national workbook, its report and its data land together or not at all: a full
    # disk at the data leaves no workbook without the data it was asked to have.
    with written_together():
        result = _merged(paths, out, as_json, workspace=workspace, redact=redact,
                         expect=expected, shared=shared, key=key, groups=groups,
                         keep_responses=report is not None or data_dir is not None,
                         groups_source=groups_file.name if groups_file else "")
        reports = (national_reports(result, report)
                   if report is not None and result.outputs else [])
        data_written = (merged_data_files(result, data_format, data_dir, redact=redact,
                                          with_names=with_names, shared=shared)
                        if data_dir is not None else [])
    if as_json:
        print_json({**result.to_json(),
                    **({"data": [w.to_json() for w in data_written]} if data_dir else {})})
    else:
        from stocktake.reports.findings import plural

        _render(result, into_workspace, out, report)
        for path, bank_id, wave in reports:  # said once they are on disk
            console.print(f"Wrote {escape(str(path))}: the national findings of "
                          f"{bank_id} {wave}.")
        for w in data_written:
            console.print(f"Wrote the {escape(w.bank)} {escape(w.wave)} data "
                          f"({plural(w.respondents, 'respondent')}"
                          f"{', SIMULATED' if w.simulated else ''}): "
                          + escape(", ".join(w.files)))
    if not result.merged and not as_json:
        raise StocktakeError("no workbook could be merged; nothing was written",
                             hint="check the reasons above; merge takes workbooks written by "
                                  "`stocktake export`")
    if result.rejected or not result.merged or result.not_stored:
        raise typer.Exit(1)


def _merged(paths, out: Path, as_json: bool, **options: Any):
    """merge_workbooks with `options`, under a progress bar unless the output is JSON."""
    from stocktake.national.merge import merge_workbooks

    if as_json:
        return merge_workbooks(paths, out, **options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
        TimeRemainingColumn

    with Progress(TextColumn("Reading workbooks"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as progress:
        task = progress.add_task("read", total=None)
        return merge_workbooks(paths, out, **options,
                               on_files=lambda n: progress.update(task, total=n),
                               progress=lambda _path: progress.advance(task))


# The code and name in one column, so the file's name fits 80 columns whole beside them.
MERGED_COLUMNS = (Column("partnership"), Column("respondents", justify="right"),
                  Column("answers", justify="right"), Column("file"))


def _render(result, into_workspace: bool, out: Path, report: Optional[Path] = None) -> None:
    from stocktake.reports.findings import plural

    if len(result.outputs) > 1:
        # Said first, before the table: the files written are not named as --out asked.
        held = ", ".join(f"{o.bank.id} {o.wave}" for o in result.outputs)
        reports = f", and reports {report.stem}-BANK-WAVE{report.suffix}" \
            if report is not None else ""
        named = out.with_name(f"{out.stem}-BANK-WAVE{out.suffix}")
        console.print(f"{len(result.outputs)} banks and waves among the workbooks ({held}): "
                      f"one national workbook each, named {escape(str(named))} instead of "
                      f"{escape(str(out))}{escape(reports)}.")
    show([{"partnership": f"{wb.partnership.code} {wb.partnership.name}",
           "respondents": wb.respondents, "answers": wb.answers, "file": wb.path.name}
          for wb in result.merged], MERGED_COLUMNS, title=f"Merged ({len(result.merged)})")
    # One line per refused file, path first, so the list can be searched and copied.
    for item in result.rejected:
        err_console.print(f"[bold red]Refused:[/] {escape(str(item.path))}: "
                          f"{escape(item.reason)}")
    # Every file met in the folders is accounted for, the ones not read too.
    for item in result.skipped:
        err_console.print(f"[bold]Passed over:[/] {escape(str(item.path))}: "
                          f"{escape(item.reason)}")
    for output in result.outputs:
        console.print(f"Wrote {escape(str(output.path))}: "
                      f"{plural(output.benchmark.count, 'partnership')}, "
                      f"{output.bank.id} {output.bank.version}, wave {output.wave}.")
    if result.returns:
        missing = result.not_returned
        extra = result.not_expected
        expected = len(result.returns) - len(extra)
        console.print(f"Returns: {expected - len(missing)} of "
                      f"{plural(expected, 'expected authority', 'expected authorities')} "
                      "returned.")
        if extra:
            console.print(f"Merged all the same, though not expected ({len(extra)}): "
                          + ", ".join(f"{escape(r.name)} ({r.code})" for r in extra[:30])
                          + (f" and {len(extra) - 30} more" if len(extra) > 30 else "") + ".",
                          soft_wrap=False)
        if missing:
            shown = ", ".join(f"{escape(r.name)} ({r.code})" for r in missing[:30])
            more = f" and {len(missing) - 30} more" if len(missing) > 30 else ""
            console.print(f"Not returned ({len(missing)}): {shown}{more}. See the Returns sheet.")
    if result.groups and result.outputs:
        _render_groups(result)
    if into_workspace and result.merged:
        # Refused by the workspace (listed above as Refused) or left by a full disk: not stored.
        left = {r.path for r in result.not_stored if r.reason.startswith("not stored")} | \
            {r.path for r in result.rejected if r.reason.startswith("not stored in the workspace")}
        stored = sum(1 for wb in result.merged if wb.path not in left)
        console.print(f"Stored the answers of {plural(stored, 'partnership')} in the "
                      "workspace.")
        for item in result.not_stored:
            err_console.print(f"[bold red]Not stored:[/] {escape(str(item.path))}: "
                              f"{escape(item.reason)}")
        if result.not_stored:
            err_console.print("Free some space and merge those again with --into-workspace: "
                              "answers stored already are replaced, not doubled.")
        banks = {wb.partnership.code: wb.bank for wb in result.merged}
        for code, respondent, questions in result.notices:
            err_console.print(f"[bold red]Safeguarding notice[/] ({code} {escape(respondent)}: "
                              f"{escape(', '.join(questions))}): "
                              f"{escape(banks[code].safeguarding_notice)}")


def _render_groups(result) -> None:
    """What the groups file gave, and every code in it with no merged partnership."""
    from stocktake.reports.findings import plural

    count = len(set(result.groups.values()))
    console.print(f"Groups from {escape(result.groups_source)}: {plural(count, 'group')} of "
                  f"{plural(len(result.groups), 'code')}.")
    if len(result.outputs) > 1:
        unmatched = [(o.path.name, o.benchmark.unmatched_groups) for o in result.outputs
                     if o.benchmark.unmatched_groups]
    else:
        unmatched = [("", tuple(result.unmatched_groups))] if result.unmatched_groups else []
    for name, codes in unmatched:
        where = f" in {name}" if name else ""
        have = "has" if len(codes) == 1 else "have"
        err_console.print(f"--groups: {plural(len(codes), 'code')} {have} no partnership "
                          f"merged{where}, so {'it is' if len(codes) == 1 else 'they are'} in "
                          f"no group mean: {', '.join(codes)}",
                          style="yellow", soft_wrap=False, markup=False)
