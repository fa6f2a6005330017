"""`stocktake scores`, `benchmark` and `trend`: maturity scores, national comparison, change.

    stocktake scores E09000007 --wave 2026-27
    stocktake benchmark --region London --json
    stocktake trend E09000007 --from 2025-26 --to 2026-27
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.arithmetic.precision import fixed
from stocktake.cli.app import app
from stocktake.cli.common import (apply_min_count, check_wave, check_wave_order, console,
                                  err_console, min_count_option, open_workspace,
                                  partnership_code, print_json, print_provenance,
                                  resolve_bank)
from stocktake.cli.score_tables import fmt
from stocktake.records.provenance import simulated_among

MIN_COUNT = min_count_option()
DEFAULT_BANK = "idea-stocktake"


BANK_OPTION = typer.Option(DEFAULT_BANK, "--bank", "-b", metavar="BANK",
                           help="Bank id, or path to a .toml file.")
WAVE_HELP = "Wave, e.g. 2026-27. Default: the current financial year."
JSON_OPTION = typer.Option(False, "--json", help="Print JSON only.")


@app.command("scores")
def scores_command(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code, e.g. E09000007."),
    bank_ref: str = BANK_OPTION,
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE", help=WAVE_HELP,
                                       show_default=False),
    by_role: bool = typer.Option(False, "--by-role",
                                 help="Show every area's score by each role in full."),
    as_json: bool = JSON_OPTION,
    min_count: Optional[int] = MIN_COUNT,
) -> None:
    """A partnership's maturity score per area: level, coverage, divergence, moderation, its
    national quartile when the workspace holds other partnerships, and each partner's score.

    Example: stocktake scores E09000007 --wave 2026-27 --by-role
    """
    apply_min_count(min_count)
    from stocktake.cli.evidence import print_self_view_flags
    from stocktake.cli.role_tables import render_by_role, render_heat
    from stocktake.cli.score_tables import render_plan, render_scores
    from stocktake.scoring.partnership_view import partnership_view

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace(create=False)
    # The nation is scored for the Q column only: --json does not show it.
    view = partnership_view(ws, bank, wave, partnership_code(code, ws), national=not as_json)
    if as_json:
        print_json(view.to_json())
        return
    print_provenance(view.scores.simulated,
                     simulated_among(view.nation.scores) if view.nation else (0, 0))
    if view.nation_left_out:
        err_console.print(Text(f"National quartiles left out: {view.nation_left_out}",
                               style="dim"))
    render_scores(view.scores, bank, view.label, view.nation)
    if by_role:
        render_by_role(view.scores, bank)
    else:
        render_heat(view.scores, bank)
    render_plan(list(view.plan), bank)
    print_self_view_flags(view.scores.partnership, view.flags)


@app.command("benchmark")
def benchmark_command(
    bank_ref: str = BANK_OPTION,
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE", help=WAVE_HELP,
                                       show_default=False),
    region: Optional[str] = typer.Option(None, "--region", metavar="REGION",
                                         help="Only the partnerships of this region, e.g. London."),
    groups_file: Optional[Path] = typer.Option(
        None, "--groups", metavar="FILE",
        help="CSV of code,group (e.g. statistical neighbours): each partnership is also compared "
             "with its group's mean."),
    exclude_small: bool = typer.Option(
        False, "--exclude-small",
        help="Leave out the City of London and the Isles of Scilly, as national statistics do."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", metavar="PATH",
                                        help="Also write the benchmark workbook here."),
    sort: str = typer.Option("region", "--sort", metavar="ORDER",
                             help="List partnerships by 'region' (then name) or by 'score'."),
    neighbours: bool = typer.Option(
        False, "--neighbours",
        help="Also compare each partnership with the mean of its own statistical neighbours "
             "(DfE, May 2025) in the workspace, saying how many of its ten are there."),
    as_json: bool = JSON_OPTION,
    shared: bool = typer.Option(False, "--shared",
                                help="Let others read the --xlsx workbook (as the umask "
                                     "allows); by default it is owner-only."),
    min_count: Optional[int] = MIN_COUNT,
) -> None:
    """Compare every partnership of a bank and wave: each area's distribution (a box plot of
    min, Q1, median, Q3, max, as Excel's QUARTILE.INC) and each partnership's overall score
    and quartile band, listed by region and name. Quartiles place a partnership among others;
    they are not a league table.

    Example: stocktake benchmark --wave 2026-27 --region London --exclude-small
    """
    apply_min_count(min_count)
    from stocktake.cli.benchmark_tables import render_benchmark, render_neighbour_comparison
    from stocktake.partnerships.reference import SMALL_AUTHORITIES
    from stocktake.scoring.benchmark_view import benchmark_view
    from stocktake.scoring.national import read_groups_csv

    if sort not in ("region", "score"):
        raise typer.BadParameter(f"'{sort}': use region or score", param_hint="--sort")
    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    groups = read_groups_csv(groups_file) if groups_file is not None else None
    ws = open_workspace(create=False)
    view = benchmark_view(ws, bank, wave, region=region, groups=groups,
                          exclude=SMALL_AUTHORITIES if exclude_small else (),
                          neighbours=neighbours)
    bench = view.bench
    if bench.unmatched_groups:
        err_console.print(Text(
            f"--groups: {len(bench.unmatched_groups)} code(s) have no partnership compared "
            f"here, so they are in no group mean: {', '.join(bench.unmatched_groups)}",
            style="yellow"), soft_wrap=False)
    if xlsx is not None:
        from stocktake.workbooks.benchmark import write_benchmark_workbook

        written = write_benchmark_workbook(Path(xlsx), bench, bank, view.partnerships,
                                           shared=shared,
                                           groups_source=groups_file.name if groups_file else "")
        (err_console if as_json else console).print(f"Wrote the benchmark workbook to {written}")
    if as_json:
        print_json(view.to_json())
        return
    # benchmark_tables (not this module's to change) declares the names a dict.
    names = dict(view.names)
    among = simulated_among(bench.scores)
    print_provenance(among[0] > 0 and among[0] == among[1], among)
    render_benchmark(bench, bank, names, region, exclude_small, sort)
    if view.compared is not None:
        render_neighbour_comparison(view.compared, names, bank)


@app.command("trend")
def trend_command(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code, e.g. E09000007."),
    bank_ref: str = BANK_OPTION,
    from_wave: str = typer.Option(..., "--from", metavar="WAVE", help="The earlier wave."),
    to_wave: str = typer.Option(..., "--to", metavar="WAVE", help="The later wave."),
    from_bank_ref: Optional[str] = typer.Option(
        None, "--from-bank", metavar="BANK",
        help="The edition of the bank the earlier wave answered (a .toml path), when it is "
             "not the current one. Default: --bank."),
    as_json: bool = JSON_OPTION,
) -> None:
    """How a partnership's area scores changed between two waves.

    Areas are matched by id, so a wave answered on an earlier version of the bank is compared
    area by area; the output says when the version changed, and an area in one version only
    shows no change.

    Example: stocktake trend E09000007 --bank idea-stocktake --from 2025-26 --to 2026-27
    """
    from stocktake.scoring.trend_view import check_edition, trend_view

    from_wave, to_wave = check_wave_order(from_wave, to_wave)
    bank = resolve_bank(bank_ref)
    from_bank = resolve_bank(from_bank_ref) if from_bank_ref else bank
    check_edition(bank, from_bank)  # before the workspace is opened: a usage fault first
    ws = open_workspace(create=False)
    view = trend_view(ws, bank, from_bank, from_wave, to_wave, partnership_code(code, ws),
                      from_bank_given=bool(from_bank_ref))
    if as_json:
        print_json(view.to_json())
        return
    print_provenance(view.simulated)
    console.print(Text.assemble((view.label, "bold"),
                                f" · {view.bank_title} · {from_wave} to {to_wave}"),
                  soft_wrap=False)
    # Who stands behind each wave's figures, so a change is read against its base.
    console.print(Text(" · ".join(
        f"{w}: {n} respondent{'' if n == 1 else 's'}"
        + ("" if ok else " (not a partnership view)")
        for w, n, ok in zip((from_wave, to_wave), view.respondents, view.quorum)),
        style="dim"), soft_wrap=False)
    change = view.versions
    if change["changed"]:
        only = view.one_wave_only()
        console.print(Text(
            f"The bank's version changed: {', '.join(change['from']) or '?'} in {from_wave}, "
            f"{', '.join(change['to'])} in {to_wave}. Areas are compared by id"
            + (f"; {', '.join(only)} has no score in one of the waves." if only else "."),
            style="yellow"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Area", ratio=1, overflow="fold")
    table.add_column(from_wave, justify="right", no_wrap=True)
    table.add_column(to_wave, justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    for row in view.areas:
        table.add_row(row["title"], fmt(row["from"]), fmt(row["to"]), _arrow(row["change"]))
    table.add_section()
    overall = view.overall
    table.add_row(Text("Overall", style="bold"), fmt(overall["from"]), fmt(overall["to"]),
                  _arrow(overall["change"]))
    console.print(table)


def _arrow(change: float | None) -> str:
    if change is None:
        return "–"
    shown = fixed(change, signed=True)
    if shown in ("0.0", "+0.0"):
        return "= 0.0"
    return f"{'▲' if change > 0 else '▼'} {shown}"
