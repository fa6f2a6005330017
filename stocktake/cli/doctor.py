"""`stocktake doctor`: check every store file and response; bring back the last good backup."""

from __future__ import annotations

import typer
from rich.markup import escape

from stocktake.cli.common import Json, console, err_console, open_workspace, print_json
from stocktake.cli.app import app


@app.command("doctor")
def doctor(
    restore: bool = typer.Option(False, "--restore",
                                 help="Replace each damaged store file by its newest backup that "
                                      "reads cleanly, keeping the damaged one beside it."),
    as_json: Json = False,
) -> None:
    """Check every store file (readable, complete, listed in workspace.json, named by a valid
    code), every response against its bank (known questions, valid values), and that the
    workspace holds no symbolic links. Exit code 1 if anything is damaged or does not fit.

    Example: stocktake doctor --restore
    """
    from stocktake.store.doctor import diagnose, repair_workspace, unfinished_line

    ws = open_workspace(create=False)
    found = diagnose(ws, verify_cache)
    repair = None
    if restore:
        repair = repair_workspace(ws, found.reports, found.cache)
        found = diagnose(ws, verify_cache)  # what the repair left
    reports, links, unsafe, leftovers = (found.reports, found.links, found.unsafe_lock_files,
                                         found.leftovers)
    failed = repair.not_restored if repair else []
    healthy = found.healthy and not failed
    if as_json:
        print_json(found.to_json(repair))
    else:
        _render(ws, reports, repair, links + [p for p, _ in unsafe], leftovers, restore,
                dict(unsafe), found.cache)
        for begun in found.unfinished:
            console.print(f"[bold red]UNFINISHED[/] {escape(unfinished_line(begun, ws.root))}")
    if not healthy:
        raise typer.Exit(1)


def verify_cache(kind: str, key: str, data: dict, record) -> str | None:
    """The doctor's check of one cache entry (store.shard_cache.Verifier): the figure worked
    out afresh, by the code that made it, from the partnership's file it was made from."""
    from stocktake.round.fieldwork import STATUS_KIND, verify_status_entry
    from stocktake.scoring.national import SCORES_KIND, verify_scores_entry
    from stocktake.workbooks.exports import TARGETS_KIND, verify_targets_entry

    if kind == SCORES_KIND:
        return verify_scores_entry(key, data, record)
    if kind == STATUS_KIND:
        return verify_status_entry(key, data, record)
    if kind == TARGETS_KIND:
        return verify_targets_entry(key, data, record)
    return f"'{kind}' is not a kind of figure stocktake keeps"


def _render(ws, reports, repair, links, leftovers, restore: bool,
            unsafe: dict | None = None, cache=()) -> None:
    from stocktake.store.doctor import link_target

    from stocktake.store import unfinished

    console.print(f"Workspace {escape(str(ws.root))}: {len(reports)} store file(s).")
    for item in (repair.restored if repair else []):
        kept = (f" The damaged file is kept as {escape(_rel(item.damaged_copy, ws))}."
                if item.damaged_copy else "")
        console.print(f"[green]Restored[/] {escape(_rel(item.path, ws))} from "
                      f"{escape(_rel(item.backup, ws))}, written {item.backup_written_at} "
                      f"({_age(item.age_seconds)} old); changes made after that are lost.{kept}")
    if repair and repair.listed:
        console.print(f"[green]Listed[/] in workspace.json: {escape(', '.join(repair.listed))} "
                      "(their files were there; names from the shipped authority list, else "
                      "the code: `stocktake partnerships add CODE --name ...` changes one).")
    for exc in (repair.not_restored if repair else []):
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
    for link in links:
        if unsafe and link in unsafe:
            console.print(f"[bold red]DAMAGED[/]  {escape(_rel(link, ws))}: {unsafe[link]}; "
                          "stocktake will not write to it: remove it (locks are remade)")
            continue
        console.print(f"[bold red]DAMAGED[/]  {escape(_rel(link, ws))}: a symbolic link (to "
                      f"{escape(link_target(link))}); stocktake neither reads nor writes through "
                      "links in a workspace: put the real file or folder in its place, or "
                      "remove the link")
    for path in (repair.cache_deleted if repair else []):
        console.print(f"[green]Deleted[/] the cache file {escape(_rel(path, ws))} (its "
                      "figures are worked out afresh when next asked for).")
    for problem in cache:
        console.print(f"[bold red]CACHE[/]    {escape(_rel(problem.path, ws))}: "
                      f"{escape(problem.why)}; `doctor --restore` deletes it (its figures "
                      "are worked out afresh when next needed)")
    if leftovers:
        console.print(f"{len(leftovers)} temporary file(s) left by interrupted writes (harmless; "
                      "`doctor --restore` removes those over an hour old).")
    damaged = [r for r in reports if r.damaged]
    unlisted = any("not listed in workspace.json" in p for r in reports for p in r.problems)
    if (damaged or unlisted) and not restore:
        console.print(f"{len(damaged)} damaged file(s)"
                      + (", partnerships missing from workspace.json" if unlisted else "")
                      + f". Run [bold]stocktake --workspace {escape(str(ws.root))} doctor "
                      "--restore[/] to bring back the last good backup of each"
                      + (" and list them" if unlisted else "") + ".")
    elif any(r.problems for r in reports):
        console.print("Nothing was changed for the problems listed: check which bank version "
                      "these responses were given against, or correct the answers in an "
                      "interview.")
    elif not damaged and not links and not (repair and repair.not_restored) and \
            not unfinished(ws) and not cache:
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
