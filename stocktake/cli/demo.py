"""`stocktake demo`: fill a workspace with simulated stocktakes and write the benchmark workbook.

    stocktake demo
    stocktake -w /tmp/national demo --partnerships 153 --respondents 20
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from stocktake.cli.common import (Bank, Json, Shared, Wave, a_folder, console, err_console,
                                  open_workspace, print_json, resolve_bank, state)
from stocktake.cli.app import app
from stocktake.cli.output import Column, show
from stocktake.arithmetic.precision import fixed

DEFAULT_BANK = "idea-stocktake"


@app.command("demo")
def demo_command(
    partnerships: int = typer.Option(20, "--partnerships", "-n", metavar="N",
                                     help="How many real authorities to simulate (at most 153)."),
    respondents: int = typer.Option(4, "--respondents", "-m", metavar="M",
                                    help="Respondents per partnership (council first, then "
                                         "partners)."),
    seed: int = typer.Option(1, "--seed", metavar="S",
                             help="Random seed: the same seed gives the same stocktakes."),
    bank_ref: Bank = DEFAULT_BANK,
    wave: Wave = None,
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", metavar="DIR", callback=a_folder,
        help="The folder to write the workbook into (made if missing). Default: exports/ in "
             "the workspace folder."),
    force: bool = typer.Option(False, "--force",
                               help="Add demo data even where the workspace holds real "
                                    "responses to this bank and wave (they are never "
                                    "overwritten)."),
    as_json: Json = False,
    shared: Shared = False,
) -> None:
    """Fill the workspace with simulated stocktakes of real English authorities in two waves
    (the one asked for and the year before, a little less mature), then write the benchmark
    workbook and show a summary. Everything it writes is marked as simulated.

    Answers are plausible and correlated, with some N/A, don't know and evidence notes.
    Demo responses carry the adviser "(demo) ..."; a rerun with the same seed replaces them.
    A workspace holding real responses to the bank and wave is refused unless --force.

    Example: stocktake -w ~/stocktake-demo demo --partnerships 20 --respondents 4
    """
    import random

    from stocktake.demo.simulation import simulate_waves
    from stocktake.records.responses import current_wave

    bank = resolve_bank(bank_ref)
    wave = wave or current_wave()
    _check_wave(wave)
    started = time.perf_counter()
    demos = simulate_waves(bank, wave, random.Random(seed), partnerships=partnerships,
                           respondents=respondents)
    ws = open_workspace()
    # The earlier wave first: a refusal (real answers in a wave) leaves the later one unwritten.
    earlier = [_write_with_progress(ws, d, force, quiet=as_json) for d in demos[:-1]]
    written = _write_with_progress(ws, demos[-1], force, quiet=as_json)
    built = time.perf_counter() - started

    from stocktake.scoring.national import national_benchmark
    from stocktake.workbooks.benchmark import write_benchmark_workbook

    nation = national_benchmark(ws, bank, wave)
    known = {p.code: p for p in ws.partnerships()}
    # Inside the workspace unless --out says otherwise: a folder of the current directory was
    # shared by every demo run from there, and the second overwrote the first's workbook.
    folder = out if out is not None else ws.root / "exports"
    wanted = folder / f"benchmark-{bank.id}-{wave}.xlsx"
    target = _free_target(ws, wanted)
    workbook = write_benchmark_workbook(target, nation, bank, known, shared=shared)
    _record_written(ws, Path(workbook))
    elapsed = time.perf_counter() - started
    # No "top" and "bottom": these are real councils with simulated answers.
    first = min((s.partnership for s in nation.scores), default=None)
    summary = {
        "simulated": True,
        "bank": bank.id, "wave": wave, "seed": seed,
        "partnerships": written.partnerships, "respondents": written.respondents,
        "answers": written.answers, "workspace": str(ws.root),
        "workbook": str(Path(workbook).resolve()),
        "kept_other": str(wanted.resolve()) if target != wanted else None,
        "earlier_waves": [{"wave": d.wave, "respondents": w.respondents, "answers": w.answers}
                          for d, w in zip(demos[:-1], earlier)],
        "benchmark_partnerships": nation.count,
        "kept_real": written.kept_real,
        "earlier_demo": written.earlier_demo + sum(w.earlier_demo for w in earlier),
        "seconds": round(elapsed, 2),
        "medians": [{"id": a.id, "title": a.title, "median": _round(a.median),
                     "level": _level(bank, a.median)} for a in nation.areas],
        "try_next": _try_next(bank.id, wave, first,
                              demos[0].wave if len(demos) > 1 else None),
    }
    if as_json:
        print_json(summary)
        return
    _render_summary(summary, built)


# The demo's own record of the workbooks it wrote (path and SHA-256), kept in the workspace:
# a file at the target that is not one of them came from another workspace, or was changed
# since, and is left as it was.
WRITTEN_RECORD = "demo-written.json"


def _written_by(ws) -> dict[str, str]:
    import json

    try:
        data = json.loads((ws.root / WRITTEN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no record (or an unreadable one): no file counts as this workspace's
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} \
        if isinstance(data, dict) else {}


def _digest(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _free_target(ws, wanted: Path) -> Path:
    """`wanted`, unless a file is there that this workspace's demo did not write: then the
    first free `NAME-2.xlsx`, `NAME-3.xlsx`... beside it."""
    written = _written_by(ws)

    def ours_or_free(path: Path) -> bool:
        return not path.exists() or written.get(str(path.resolve())) == _digest(path)

    if ours_or_free(wanted):
        return wanted
    for n in range(2, 1000):
        beside = wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
        if ours_or_free(beside):
            return beside
    from stocktake.errors import StocktakeError

    raise StocktakeError(f"{wanted}: the file is another workspace's, and so are the 998 "
                         "names beside it", hint="give the demo another folder with --out")


def _record_written(ws, workbook: Path) -> None:
    import json

    record = _written_by(ws)
    digest = _digest(workbook)
    if digest is not None:
        record[str(workbook.resolve())] = digest
        # The workspace's own writer: bookkeeping of the workspace, not a file for people.
        ws.write_file(ws.root / WRITTEN_RECORD,
                      json.dumps(record, indent=1, sort_keys=True).encode("utf-8"),
                      backup=False)


def _check_wave(wave: str) -> None:
    import re

    from stocktake.errors import UsageError

    # The wave names the workbook file, so it keeps to characters every file system takes.
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", wave):
        raise UsageError(f"'{wave}' is not a usable wave name",
                         hint="use a financial year such as 2026-27")


def _write_with_progress(ws, demo, force: bool, quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
        TimeElapsedColumn

    from stocktake.demo.simulation import write_demo

    if quiet:
        return write_demo(ws, demo, force=force)
    with Progress(TextColumn("Writing stocktakes"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("partnerships"), TimeElapsedColumn(), console=err_console,
                  transient=True) as progress:
        task = progress.add_task("write", total=len(demo.partnerships))
        return write_demo(ws, demo, force=force,
                          progress=lambda done, total: progress.update(task, completed=done))


def _try_next(bank_id: str, wave: str, code: str | None,
              earlier: str | None = None) -> list[str]:
    from stocktake.records.responses import current_wave

    prefix = ["stocktake"]
    if state.workspace is not None:
        prefix += ["-w", str(state.workspace)]
    extra = []
    if bank_id != DEFAULT_BANK:
        extra += ["--bank", bank_id]
    if wave != current_wave():
        extra += ["--wave", wave]
    code = code or "CODE"
    commands = [[*prefix, "scores", code, *extra], [*prefix, "benchmark", *extra],
                [*prefix, "export", code, *extra], [*prefix, "report", code, *extra]]
    if earlier is not None:
        bank = ["--bank", bank_id] if bank_id != DEFAULT_BANK else []
        commands.append([*prefix, "trend", code, *bank, "--from", earlier, "--to", wave])
    import shlex

    lines = [shlex.join(c) for c in commands]
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None or importlib.util.find_spec("docx") is None:
        # The report needs the `reports` extra; say so where the command is suggested.
        lines = [f"{line}   # after: pip install 'stocktake[reports]'" if " report " in line
                 else line for line in lines]
    return lines


def _level(bank, score: float | None) -> str | None:
    band = bank.band_for(score)
    return band.label if band else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _score(value: float | None) -> str:
    return "-" if value is None else fixed(value)


MEDIAN_COLUMNS = (Column("area"), Column("median", justify="right"), Column("level"))


def _render_summary(summary: dict, built: float) -> None:
    console.print("[bold]SIMULATED DATA[/]: real authorities' names with invented answers; "
                  "no figure here says anything about those councils.")
    console.print(
        f"Simulated [bold]{summary['partnerships']}[/] partnerships, "
        f"[bold]{summary['respondents']}[/] respondents and [bold]{summary['answers']:,}[/] "
        f"answers to {summary['bank']} {summary['wave']} (seed {summary['seed']}) in "
        f"{built:.1f} s.")
    for earlier in summary["earlier_waves"]:
        console.print(f"Also the wave before, {earlier['wave']}: {earlier['respondents']} "
                      f"respondents and {earlier['answers']:,} answers, a little less mature, "
                      "so that trend has something to show.")
    console.print(f"Workspace: {escape(summary['workspace'])}")
    if summary["kept_other"]:
        console.print(f"[yellow]Note:[/] {escape(summary['kept_other'])} was not made from this "
                      "workspace (another workspace's demo, or changed since): left as it was, "
                      "and this demo's workbook written beside it.", soft_wrap=True)
    console.print(f"Benchmark workbook: [bold]{escape(summary['workbook'])}[/]")
    if summary["kept_real"]:
        console.print(f"[yellow]Note:[/] {summary['kept_real']} real response(s) share a name "
                      "with a demo respondent and were left as they were.")
    if summary["earlier_demo"]:
        console.print(f"Removed {summary['earlier_demo']} demo response(s) left by an earlier "
                      "run with another seed or size.")

    show([{"area": a["title"], "median": _score(a["median"]), "level": a["level"]}
          for a in summary["medians"]], MEDIAN_COLUMNS,
         title=f"Median by area across {_scope(summary['benchmark_partnerships'])}, "
               "simulated")
    console.print("Try next:")
    for command in summary["try_next"]:
        console.print(f"  [bold]{escape(command)}[/]", soft_wrap=True)


def _scope(partnerships: int) -> str:
    """"this round (5 of 153 authorities)": a demo of a few is not the nation."""
    from stocktake.partnerships.reference import current_authorities
    from stocktake.reports.findings import round_scope

    return round_scope(partnerships, len(current_authorities()))
