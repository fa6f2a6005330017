"""`stocktake doctor`: check every store file and response; bring back the last good backup."""

from __future__ import annotations

import typer
from rich.markup import escape

from stocktake.cli.common import console, err_console, open_workspace, print_json
from stocktake.cli.main import app
from stocktake.errors import StocktakeError


@app.command("doctor")
def doctor(
    restore: bool = typer.Option(False, "--restore",
                                 help="Replace each damaged store file by its newest backup that "
                                      "reads cleanly, keeping the damaged one beside it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Check every store file (readable, complete) and every response against its bank (known
    questions, valid values). Exit code 1 if anything is damaged or does not fit.

    Example: stocktake doctor --restore
    """
    from stocktake.doctor import check_workspace, leftover_files, remove_old_leftovers, restore_file

    ws = open_workspace(create=False)
    reports = check_workspace(ws)
    restored, failed = [], []
    if restore:
        for report in reports:
            if report.damaged:
                try:
                    restored.append(restore_file(ws, report.path))
                except StocktakeError as exc:
                    failed.append(exc)
        remove_old_leftovers(ws)
        if restored:
            reports = check_workspace(ws)
    leftovers = leftover_files(ws)
    healthy = all(r.ok for r in reports) and not failed
    if as_json:
        print_json({"workspace": str(ws.root), "ok": healthy,
                    "files": [r.to_dict(ws.root) for r in reports],
                    "restored": [r.to_dict(ws.root) for r in restored],
                    "not_restored": [{"message": e.message, "details": e.details}
                                     for e in failed],
                    "leftover_temporary_files": [str(p.relative_to(ws.root)) for p in leftovers]})
    else:
        _render(ws, reports, restored, failed, leftovers, restore)
    if not healthy:
        raise typer.Exit(1)


def _render(ws, reports, restored, failed, leftovers, restore: bool) -> None:
    console.print(f"Workspace {escape(str(ws.root))}: {len(reports)} store file(s).")
    for item in restored:
        console.print(f"[green]Restored[/] {escape(_rel(item.path, ws))} from "
                      f"{escape(_rel(item.backup, ws))}, written {item.backup_written_at} "
                      f"({_age(item.age_seconds)} old); changes made after that are lost. "
                      f"The damaged file is kept as {escape(_rel(item.damaged_copy, ws))}.")
    for exc in failed:
        err_console.print(f"[bold red]Not restored:[/] {escape(exc.message)}")
        for line in exc.details:
            err_console.print(f"  - {escape(line)}")
        if exc.hint:
            err_console.print(f"[bold]Hint:[/] {escape(exc.hint)}")
    for report in reports:
        name = escape(_rel(report.path, ws))
        if report.damaged:
            console.print(f"[bold red]DAMAGED[/]  {name}: {escape(report.damaged)}")
        elif report.problems:
            console.print(f"[yellow]PROBLEMS[/] {name}: {len(report.problems)}")
            for problem in report.problems:
                console.print(f"  - {escape(problem)}")
        else:
            console.print(f"[green]ok[/]       {name} ({report.documents} record(s))")
    if leftovers:
        console.print(f"{len(leftovers)} temporary file(s) left by interrupted writes (harmless; "
                      "`doctor --restore` removes those over an hour old).")
    damaged = [r for r in reports if r.damaged]
    if damaged and not restore:
        console.print(f"{len(damaged)} damaged file(s). Run [bold]stocktake --workspace "
                      f"{escape(str(ws.root))} doctor --restore[/] to bring back the last good "
                      "backup of each.")
    elif any(r.problems for r in reports):
        console.print("Nothing was changed: check which bank version these responses were "
                      "given against, or correct the answers in an interview.")
    elif not damaged and not failed:
        console.print("No damage found.")


def _rel(path, ws) -> str:
    try:
        return str(path.relative_to(ws.root))
    except ValueError:
        return str(path)


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{int(seconds)} second{'s' if int(seconds) != 1 else ''}"
