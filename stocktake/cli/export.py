"""`stocktake export`: partnership workbooks (or tidy CSV / JSON) for one partnership or all.

    stocktake export E09000007
    stocktake export --all --format csv --out exports/
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Json, MinCount, OnlyBank, OnlyWave, OutDir, Shared,
                                  apply_min_count, console, err_console, open_workspace,
                                  print_json, resolve_bank)
from stocktake.cli.app import app
from stocktake.cli.output import Column, show

from stocktake.errors import UsageError


PROGRESS_SECONDS = 5.0  # between progress lines when stdout is not a terminal


@app.command("export")
def export_command(
    code: Optional[str] = typer.Argument(None, metavar="CODE",
                                         help="Partnership code, e.g. E09000007."),
    every: bool = typer.Option(False, "--all", help="Export every partnership in the workspace."),
    bank_ref: OnlyBank = None,
    wave: OnlyWave = None,
    fmt: str = typer.Option("xlsx", "--format", "-f", metavar="xlsx|csv|json|spss|stata|parquet",
                            help="xlsx: a report workbook; csv or json: tidy long format (answers, "
                                 "and a -scores file); spss, stata or parquet: the analysts' "
                                 "data of each bank and wave (wide, long, scores, respondent "
                                 "scores, labelled as `stocktake codebook` says; needs the "
                                 "analysis extra)."),
    out: OutDir = Path("exports"),
    redact: bool = typer.Option(False, "--redact",
                                help="Replace likely personal data in evidence and text answers."),
    with_names: bool = typer.Option(
        False, "--with-names",
        help="Keep respondents' names and job titles (default: each named by role, "
             "'council 2', since a post held by one person names them)."),
    groups_file: Optional[Path] = typer.Option(
        None, "--groups", metavar="FILE",
        help="CSV of code,group (e.g. statistical neighbours): the workbook also shows the "
             "group's mean."),
    as_json: Json = False,
    shared: Shared = False,
    jobs: int = typer.Option(0, "--jobs", "-j", metavar="N", min=0,
                             help="Workbooks written side by side (with --all): 0, the "
                                  "default, uses every core; 1 writes one at a time."),
    key_file: Optional[Path] = typer.Option(
        None, "--key", metavar="FILE",
        help="The national team's seal key (default: $STOCKTAKE_SEAL_KEY, if set): "
             "workbooks then carry a keyed seal that `merge --key` verifies."),
    min_count: MinCount = None,
) -> None:
    """Export partnerships' answers and scores: one file per partnership, bank and wave,
    named CODE-BANK-WAVE.xlsx (or .csv / .json with a CODE-BANK-WAVE-scores file).

    Example: stocktake export E09000007 --bank idea-stocktake --wave 2026-27 --out exports/
    """
    apply_min_count(min_count)
    from stocktake.workbooks.exports import FORMATS, answered_targets
    from stocktake.workbooks.export_round import export_many
    from stocktake.returns.about import BankShelf

    if (code is None) == (not every):
        raise UsageError("give a partnership CODE or --all (not both)",
                         hint="e.g. `stocktake export E09000007` or `stocktake export --all`")
    from stocktake.analysis.formats import FORMATS as DATA_FORMATS, require_library

    fmt = fmt.strip().lower()
    data_formats = tuple(f for f in DATA_FORMATS if f not in FORMATS)
    if fmt not in FORMATS + data_formats:
        raise UsageError(f"unknown format '{fmt}'",
                         hint=f"use --format {' or '.join(FORMATS + data_formats)}")
    if fmt in data_formats:
        require_library(fmt)  # before anything is read or written
    if wave is not None:
        from stocktake.cli.common import check_wave

        wave = check_wave(wave)
    from stocktake.returns.seal import seal_key

    key = seal_key(key_file)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder", hint="give --out a folder")
    groups = None
    if groups_file is not None:
        from stocktake.scoring.national import read_groups_csv

        groups = read_groups_csv(groups_file)
    ws = open_workspace(create=False)
    shelf = BankShelf()
    chosen = resolve_bank(bank_ref) if bank_ref else None
    if chosen is not None:
        shelf = BankShelf([chosen])
    codes = None
    if code is not None:
        from stocktake.cli.common import partnership_code

        codes = [partnership_code(code, ws)]
    targets = answered_targets(ws, codes[0] if codes else None,
                               chosen.id if chosen else None, wave)

    if fmt in data_formats:
        _export_data(ws, targets, shelf, fmt, out, redact=redact, with_names=with_names,
                     shared=shared, groups=groups, as_json=as_json, every=every)
        return
    nationals: dict[tuple[str, str], Any] = {}
    written: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    results = export_many(ws, targets, shelf, fmt, out, redact=redact, groups=groups,
                          shared=shared, key=key, jobs=jobs, nationals=nationals,
                          with_names=with_names)

    def record(result: Any) -> None:
        if result.ok:
            written.append({"partnership": result.code, "bank": result.bank,
                            "wave": result.wave, "respondents": result.respondents,
                            "answers": result.answers, "files": list(result.files)})
        else:
            failed.append({"partnership": result.code, "bank": result.bank,
                           "wave": result.wave, "reason": result.reason})

    if len(targets) > 1 and not console.is_terminal:
        # No bar without a terminal (a log, a pipe): a line now and then instead of silence.
        import time

        started = last = time.monotonic()
        for done, result in enumerate(results, start=1):
            record(result)
            now = time.monotonic()
            if now - last >= PROGRESS_SECONDS or done == len(targets):
                last = now
                kind = "workbooks" if fmt == "xlsx" else f"{fmt.upper()} exports"
                err_console.print(f"exported {done} of {len(targets)} {kind} "
                                  f"({now - started:.0f} s)", soft_wrap=True, highlight=False)
    elif len(targets) > 1 and not as_json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
            TimeRemainingColumn

        with Progress(TextColumn("Exporting"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err_console, transient=True) as progress:
            task = progress.add_task("export", total=len(targets))
            for result in results:
                record(result)
                progress.advance(task)
    else:
        for result in results:
            record(result)

    unmatched = sorted({c for n in nationals.values() for c in n.unmatched_groups})
    if unmatched:
        from stocktake.reports.findings import plural

        one = len(unmatched) == 1
        err_console.print(f"--groups: {plural(len(unmatched), 'code')} "
                          f"{'has' if one else 'have'} no partnership in the workspace, so "
                          f"{'it is' if one else 'they are'} in no group mean: "
                          f"{', '.join(unmatched)}",
                          style="yellow", soft_wrap=False)
    if as_json:
        print_json({"written": written, "failed": failed})
    else:
        _render(written, failed, out)
    if failed:
        raise typer.Exit(1)


def _export_data(ws: Any, targets: Any, shelf: Any, fmt: str, out: Path, *, redact: bool,
                 with_names: bool, shared: bool, groups: Any, as_json: bool,
                 every: bool) -> None:
    """The analysts' data sets: one per bank and wave, every partnership in it."""
    from stocktake.analysis.gathering import export_workspace_data
    from stocktake.files.atomic import written_together

    with written_together():  # every bank and wave's tables, or none of them
        written = list(export_workspace_data(ws, targets, shelf, fmt, out, redact=redact,
                                             with_names=with_names, shared=shared,
                                             groups=groups, every=every))
    if as_json:
        print_json({"written": [w.to_json() for w in written], "failed": []})
        return
    from stocktake.reports.findings import plural

    for w in written:
        console.print(f"Wrote the {escape(w.bank)} {escape(w.wave)} data "
                      f"({plural(w.partnerships, 'partnership')}, "
                      f"{plural(w.respondents, 'respondent')}, {plural(w.answers, 'answer')}"
                      f"{', SIMULATED' if w.simulated else ''}): "
                      + escape(", ".join(str(Path(f)) for f in w.files)))
    console.print("What each variable and code means: stocktake codebook BANK.",
                  highlight=False)


EXPORTED_COLUMNS = (Column("partnership", no_wrap=True), Column("respondents", justify="right"),
                    Column("answers", justify="right"), Column("files", "file(s)"))


def _render(written: list[dict[str, Any]], failed: list[dict[str, str]], out: Path) -> None:
    show([{**row, "files": ", ".join(Path(f).name for f in row["files"])} for row in written],
         EXPORTED_COLUMNS, title=f"Exported to {out}")
    for row in failed:
        err_console.print(f"[bold red]Not exported:[/] {escape(row['partnership'])} "
                          f"{escape(row['bank'])} {escape(row['wave'])}: "
                          f"{escape(row['reason'])}")
