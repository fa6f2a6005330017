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

from stocktake.cli.common import (check_wave, check_wave_order, console, err_console,
                                  open_workspace, partnership_code, print_json, resolve_bank)
from stocktake.cli.app import app
from stocktake.cli.common import apply_min_count, min_count_option

MIN_COUNT = min_count_option()
from stocktake.errors import StocktakeError
from stocktake.arithmetic.precision import difference, published

DEFAULT_BANK = "idea-stocktake"
_EIGHTHS = " ▏▎▍▌▋▊▉"


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
    from stocktake.scoring.national import national_benchmark, partnership_scores

    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    ws = open_workspace(create=False)
    code = partnership_code(code, ws)
    scores = partnership_scores(ws, bank, wave, code)
    from stocktake.cli.evidence import print_self_view_flags, self_view_flags
    flags = self_view_flags(scores.partnership, bank, scores)
    plan = _plan_items(ws, bank, wave, scores)
    if as_json:
        print_json({**scores.to_json(bank.min_count), "evidence_flags": [f.to_json() for f in flags],
                    "plan": [{**item.to_json(), "current_level": now} for item, now in plan]})
        return
    nation = None
    try:
        nation = national_benchmark(ws, bank, wave)
    except StocktakeError as exc:
        err_console.print(Text(f"National quartiles left out: {exc.message}", style="dim"))
    if nation is not None and nation.count < 2:
        nation = None
    _render_scores(scores, bank, _partnership_label(ws, scores.partnership), nation)
    if by_role:
        _render_by_role(scores, bank)
    else:
        _render_heat(scores, bank)
    _render_plan(plan, bank)
    print_self_view_flags(scores.partnership, flags)


def _plan_items(ws, bank, wave: str, scores) -> list:
    """The partnership's open and done plan items, each with its area's current level."""
    from stocktake.reports.action_plan import REMOVED

    levels = {a.id: a.level for a in scores.areas}
    return [(item, levels.get(item.area)) for item in
            ws.plan_items(scores.partnership, bank.id, wave) if item.status != REMOVED]


def _render_plan(plan: list, bank) -> None:
    """Target beside the current level, for each item of the action plan."""
    if not plan:
        return
    titles = {a.id: a.title for a in bank.areas}
    table = Table(title="Action plan (stocktake plan list for the actions)",
                  title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("area", "now", "target", "due", "status"):
        table.add_column(name, overflow="fold")
    for item, now in sorted(plan, key=lambda p: (p[0].due, p[0].id)):
        table.add_row(titles.get(item.area, item.area), now or "no score", item.target,
                      item.due, item.status)
    console.print(table)


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
    from stocktake.scoring.national import national_benchmark, read_groups_csv
    from stocktake.partnerships.reference import SMALL_AUTHORITIES

    if sort not in ("region", "score"):
        raise typer.BadParameter(f"'{sort}': use region or score", param_hint="--sort")
    bank = resolve_bank(bank_ref)
    wave = check_wave(wave)
    groups = read_groups_csv(groups_file) if groups_file is not None else None
    ws = open_workspace(create=False)
    bench = national_benchmark(ws, bank, wave, region=region, groups=groups,
                               exclude=SMALL_AUTHORITIES if exclude_small else ())
    if bench.count == 0:
        raise StocktakeError("no partnerships left to compare",
                             hint="leave out --exclude-small or --region")
    if bench.unmatched_groups:
        err_console.print(Text(
            f"--groups: {len(bench.unmatched_groups)} code(s) have no partnership compared "
            f"here, so they are in no group mean: {', '.join(bench.unmatched_groups)}",
            style="yellow"), soft_wrap=False)
    partnerships = {p.code: p for p in ws.partnerships()}
    if xlsx is not None:
        written = _write_workbook(xlsx, bench, bank, partnerships, shared=shared,
                                  groups_source=groups_file.name if groups_file else "")
        (err_console if as_json else console).print(f"Wrote the benchmark workbook to {written}")
    compared = _neighbour_rows(ws, bank, wave, bench) if neighbours else None
    if as_json:
        print_json(bench.to_json() if compared is None else
                   {**bench.to_json(), "neighbours": [r.to_json() for r in compared]})
        return
    names = {code: _partnership_name(code, partnerships) for code in bench.regions}
    _render_benchmark(bench, bank, names, region, exclude_small, sort)
    if compared is not None:
        from stocktake.cli.evidence import render_neighbour_comparison
        render_neighbour_comparison(compared, names, bank)


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
    from stocktake.scoring.benchmark import trend, version_change
    from stocktake.scoring.national import partnership_scores

    from_wave, to_wave = check_wave_order(from_wave, to_wave)
    bank = resolve_bank(bank_ref)
    from_bank = resolve_bank(from_bank_ref) if from_bank_ref else bank
    if from_bank.id != bank.id:
        raise StocktakeError(f"--from-bank is bank '{from_bank.id}', not an edition of "
                             f"'{bank.id}'", hint="give an earlier version of the same bank")
    ws = open_workspace(create=False)
    code = partnership_code(code, ws)
    before = partnership_scores(ws, from_bank, from_wave, code)
    after = partnership_scores(ws, bank, to_wave, code)
    rows = trend(before, after)
    change = version_change(
        [r.bank_version for r in ws.responses(after.partnership, bank.id, from_wave)]
        + ([from_bank.version] if from_bank_ref else []),
        [r.bank_version for r in ws.responses(after.partnership, bank.id, to_wave)]
        + [bank.version])
    overall = {"from": before.overall, "to": after.overall,
               "change": _change(before.overall, after.overall)}
    if as_json:
        print_json({"partnership": after.partnership, "bank": bank.id, "from": from_wave,
                    "to": to_wave, "versions": change,
                    "overall": {k: _r(v) for k, v in overall.items()},
                    "areas": [{**row, "from": _r(row["from"]), "to": _r(row["to"]),
                               "change": _r(row["change"])} for row in rows]})
        return
    console.print(Text.assemble(
        (_partnership_label(ws, after.partnership), "bold"),
        f" · {bank.title} · {from_wave} to {to_wave}"), soft_wrap=False)
    if change["changed"]:
        only = [row["id"] for row in rows if row["from"] is None or row["to"] is None]
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
    for row in rows:
        table.add_row(row["title"], _fmt(row["from"]), _fmt(row["to"]), _arrow(row["change"]))
    table.add_section()
    table.add_row(Text("Overall", style="bold"), _fmt(overall["from"]), _fmt(overall["to"]),
                  _arrow(overall["change"]))
    console.print(table)


# ---------------------------------------------------------------- scores rendering


def _render_scores(scores, bank, label: str, nation) -> None:
    width = console.width
    bar_width = 10 if width >= 90 else 8
    header = Text.assemble((label, "bold"), f" · {bank.title} · {scores.wave} · "
                                            f"{scores.respondents} respondent"
                                            f"{'s' if scores.respondents != 1 else ''}")
    console.print(header, soft_wrap=False)
    any_moderated = any(a.moderated for a in scores.areas)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="fold", min_width=12)
    table.add_column("", no_wrap=True, width=bar_width)
    table.add_column("Score", justify="right", no_wrap=True)
    if any_moderated:
        table.add_column("Self", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Cover", justify="right", no_wrap=True)
    table.add_column("Resp", justify="right", no_wrap=True)
    table.add_column("Spread", justify="right", no_wrap=True)
    if nation is not None:
        table.add_column("Q", justify="right", no_wrap=True)
    for area in scores.areas:
        cells: list = [area.title, _bar(area.score, bar_width),
                       _fmt(area.score) + ("*" if area.moderated else "")
                       + ("" if area.quorum else NO_QUORUM)]
        if any_moderated:
            cells.append(_fmt(area.self_assessed) if area.moderated else "")
        cells += [_level(area.level, area.colour),
                  f"{area.coverage:.0%}" if area.coverage is not None else "–",
                  str(area.respondents), _spread(area.spread, area.divergent)]
        if nation is not None:
            cells.append(_quartile(nation, scores.partnership, area.id))
        table.add_row(*cells)
    table.add_section()
    overall: list = [Text("Overall", style="bold"), _bar(scores.overall, bar_width),
                     Text(_fmt(scores.overall), style="bold")]
    if any_moderated:
        overall.append("")
    overall += [_level(scores.overall_level, scores.overall_colour), "", "", ""]
    if nation is not None:
        overall.append(_quartile(nation, scores.partnership, "overall"))
    table.add_row(*overall)
    console.print(table)
    _render_notes(scores, bank, nation)


def quartile_key(nation) -> str:
    """What the Q column means, the round's scope and the minimum count in it."""
    from stocktake.partnerships.reference import current_authorities
    from stocktake.reports.findings import round_scope

    said = (f"Q: quartile in {round_scope(nation.count, len(current_authorities()))}, 1 lowest "
            "to 4 highest")
    if any(p.withheld for p in nation.positions + nation.overall_positions):
        said += (f"; \u2013 where fewer than {nation.min_count} partnerships have a score to "
                 "place it among")
    return said + "."


def _render_notes(scores, bank, nation) -> None:
    notes: list[Text] = []
    from stocktake.scoring.method import apart_note, quorum_note

    if any(a.divergent for a in scores.areas):
        between = "partners' scores" if scores.method == "roles" else "respondents' scores"
        notes.append(Text(f"◆ divergent: {between} in the area differ by 25 points or "
                          "more; worth a conversation."))
    for area in scores.areas:
        note = quorum_note(area, bank)
        if note:
            notes.append(Text(f"{NO_QUORUM} {area.title}: {note} (the bank asks for "
                              f"{bank.min_roles} partners); left out of national quartiles."))
        for said in apart_note(area, bank):
            notes.append(Text(f"! {area.title}: {said}"))
    for area in scores.areas:
        m = area.moderation
        if m is not None:
            who = f" by {m.adviser}" if m.adviser else ""
            why = f": {m.reason}" if m.reason else ""
            notes.append(Text(f"* moderated{who}: {area.title} {_fmt(m.score)} "
                              f"(self-assessed {_fmt(area.self_assessed)}){why}"))
    if nation is not None:
        notes.append(Text(quartile_key(nation)))
    notes.append(Text(f"Cover: share of applicable questions answered; below "
                      f"{bank.min_coverage:.0%} a respondent's area score is withheld.",
                      style="dim"))
    for note in notes:
        console.print(note, soft_wrap=False)
    withheld = [(a.title, reason) for a in scores.areas for reason in a.withheld]
    if withheld:
        console.print(Text("Withheld:", style="bold"))
        listing = Table.grid(padding=(0, 1))
        listing.add_column(no_wrap=True)
        listing.add_column(ratio=1)
        for title, reason in withheld:
            listing.add_row(" -", Text(f"{title}: {reason}"))
        console.print(listing)


def _bar(score: float | None, width: int) -> str:
    if score is None:
        return ""
    eighths = round(max(0.0, min(100.0, score)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def _spread(spread: float | None, divergent: bool) -> str:
    if spread is None:
        return "–"
    return f"{'◆ ' if divergent else ''}{spread:.0f}"


def _level(label: str | None, colour: str | None) -> Text:
    if label is None:
        return Text("–")
    return Text(label, style=f"#000000 on {colour}" if colour else "")


def _quartile(nation, code: str, area_id: str) -> str:
    try:
        quartile = nation.position(code, area_id).quartile
    except KeyError:
        return "–"
    return str(quartile) if quartile is not None else "–"


NO_QUORUM = "°"


def role_abbreviations(role_ids) -> dict[str, str]:
    """Short column heads for roles: initials of a hyphenated id ("young-people" -> "YP"), else
    its first three letters ("council" -> "Cou"); lengthened until they are unique."""
    out: dict[str, str] = {}
    for role in role_ids:
        parts = [p for p in role.replace("_", "-").split("-") if p]
        short = "".join(p[0] for p in parts).upper() if len(parts) > 1 else role[:3].title()
        size = len(short)
        while short in out.values() and size < len(role):
            size += 1
            short = role[:size].title()
        out[role] = short
    return out


def _render_heat(scores, bank) -> None:
    """Each partner's score per area as a compact heat row (band colours), the views reported
    apart after a bar, respondents per role in the key: fits 80 columns for seven roles."""
    roles = [r for r in scores.roles]
    if not roles:
        return
    short = role_abbreviations([r.id for r in roles])
    method = ("the partnership score is the mean of the partners' scores"
              if scores.method == "roles" else
              "the partnership score is the mean over partner respondents")
    console.print(Text("Partners' scores by area (" + method + "):", style="bold"),
                  soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="ellipsis", no_wrap=True, min_width=12)
    for role in roles:
        table.add_column(("│" if role.reported_apart else "") + short[role.id],
                         justify="right", no_wrap=True, min_width=4)
    table.add_column("Q", no_wrap=True)
    for area in scores.areas:
        cells: list = [area.title]
        for role in roles:
            view = area.role_view(role.id)
            if view is None or view.score is None:
                cells.append("–")
                continue
            if role.reported_apart and view.respondents < bank.min_count:
                cells.append(f"({view.respondents})")  # too few to show as a view: the count
                continue
            band = bank.band_for(view.score)
            mark = "!" if role.id in area.apart_differs else ""
            cells.append(Text(f"{view.score:.0f}{mark}",
                              style=f"#000000 on {band.colour}" if band else ""))
        cells.append("" if area.quorum else NO_QUORUM)
        table.add_row(*cells)
    console.print(table)
    key = ", ".join(f"{short[r.id]} {role_name(bank, r.id)} ({r.respondents})" for r in roles)
    console.print(Text(f"Respondents per role: {key}.", style="dim"), soft_wrap=False)
    apart = [r for r in roles if r.reported_apart]
    if apart:
        console.print(Text(f"│ reported apart: {', '.join(short[r.id] for r in apart)} never "
                           "enter the partnership score; ! marks a view 25 points or more from "
                           f"the partnership's; (n): n answered, fewer than {bank.min_count}, "
                           "so no figure is shown. --by-role shows every figure.", style="dim"),
                      soft_wrap=False)


def _render_by_role(scores, bank) -> None:
    """Areas x roles in full: each role's score, respondents and the spread inside the role."""
    console.print(Text("Scores by role", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area / role", ratio=1, overflow="fold", min_width=16)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Resp", justify="right", no_wrap=True)
    table.add_column("Within", justify="right", no_wrap=True)
    table.add_column("vs area", justify="right", no_wrap=True)
    for index, area in enumerate(scores.areas):
        if index:
            table.add_section()
        table.add_row(Text(area.title, style="bold"),
                      Text(_fmt(area.score) + ("" if area.quorum else NO_QUORUM), style="bold"),
                      _level(area.level, area.colour), str(area.respondents),
                      _fmt(area.spread), "")
        for view in area.by_role + area.apart:
            apart = view in area.apart
            band = bank.band_for(view.score)
            name = role_name(bank, view.role)
            gap = (view.score - area.score
                   if view.score is not None and area.score is not None else None)
            table.add_row(f"  {name}" + (" (apart)" if apart else ""), _fmt(view.score),
                          _level(band.label if band else None, band.colour if band else None),
                          str(view.respondents), _fmt(view.spread),
                          ("! " if view.role in area.apart_differs else "")
                          + (f"{gap:+.1f}" if gap is not None else "–"))
    console.print(table)
    console.print(Text("Within: the spread inside the role (highest - lowest respondent). "
                       "(apart): reported apart, not in the partnership score.", style="dim"),
                  soft_wrap=False)


def role_name(bank, role_id: str) -> str:
    """A role's title up to its first qualification: "Council: director ..." -> "Council"."""
    from stocktake.scoring.method import role_short_title

    return role_short_title(bank.role_title(role_id))


# ---------------------------------------------------------------- benchmark rendering


def _render_benchmark(bench, bank, names: dict[str, str], region: str | None,
                      exclude_small: bool, sort: str = "region") -> None:
    shown_region = next((r for r in bench.regions.values() if r), region)
    scope = f"{shown_region} only" if region else "all partnerships"
    if exclude_small:
        scope += ", small authorities left out"
    console.print(Text.assemble((f"{bank.title} · {bench.wave}", "bold"),
                                f" · {bench.count} partnership{'s' if bench.count != 1 else ''}"
                                f" ({scope})"), soft_wrap=False)
    console.print(Text("Each area's scores: ├ min ─ ▒ Q1 to Q3 █ median ─ max ┤ "
                       "(quartiles as Excel's QUARTILE.INC)"), soft_wrap=False)
    plot_width = max(21, min(51, console.width - 42))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="fold", min_width=12)
    table.add_column(_axis(plot_width), no_wrap=True, width=plot_width)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("Med", justify="right", no_wrap=True)
    table.add_column("Mean", justify="right", no_wrap=True)
    rows = list(bench.areas) + ([bench.overall] if bench.overall is not None else [])
    for d in rows:
        if d is bench.overall:
            table.add_section()
        table.add_row(d.title, _box_plot(d, plot_width), str(d.n), _fmt(d.median),
                      _fmt(d.mean))
    console.print(table)
    if any(d.withheld for d in rows):
        console.print(Text(f"\u2013: fewer than {bench.min_count} partnerships have a score "
                           "for that area, so no quartiles, median or mean are given and none "
                           f"is placed in a band (the bank's min_count; --min-count N).",
                           style="dim"), soft_wrap=False)
    left_out = bench.left_out()
    if left_out:
        console.print(Text(f"{left_out} area score(s) answered by fewer than {bank.min_roles} "
                           "partner roles are not partnership views and are left out of the "
                           "quartiles.", style="dim"), soft_wrap=False)
    _render_partnerships(bench, bank, names, sort)


def _render_partnerships(bench, bank, names: dict[str, str], sort: str = "region") -> None:
    order = "by overall score" if sort == "score" else "by region and name"
    console.print(Text(f"Partnerships {order}. Quartiles place a partnership among others; "
                       "they are not a league table: read each score with its coverage and "
                       "moderation (stocktake scores CODE).", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Partnership", ratio=2, overflow="fold")
    table.add_column("Region", ratio=1, overflow="fold")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Band", justify="center", no_wrap=True)
    listed = bench.league() if sort == "score" else bench.by_region(names)
    places = bench.places.get("overall", 1)
    for scores in listed:
        table.add_row(f"{names[scores.partnership]} ({scores.partnership})",
                      bench.regions.get(scores.partnership, "") or "–",
                      _fmt(scores.overall, places),
                      _level(scores.overall_level, scores.overall_colour),
                      _band(bench, scores.partnership, "overall"))
    console.print(table)
    key = (f"Band: the overall score's quarter among these {bench.count} partnerships, A the "
           "top quarter to D the lowest (as DfE's LAIT)")
    if any(p.withheld for p in bench.overall_positions):
        key += f"; \u2013 with fewer than {bench.min_count} to place it among"
    if places == 2:
        key += "; scores to 2 decimals where 1 would show two in different bands as equal"
    console.print(Text(key + ".", style="dim"), soft_wrap=False)


def _band(nation, code: str, area_id: str) -> str:
    try:
        position = nation.position(code, area_id)
    except KeyError:
        return "–"
    if not position.quorum:
        return NO_QUORUM
    return position.band or "–"


def _axis(width: int) -> str:
    axis = [" "] * width
    for value in (0, 25, 50, 75, 100):
        label = str(value)
        at = _at(value, width)
        start = min(max(0, at - len(label) // 2), width - len(label))
        axis[start:start + len(label)] = label
    return "".join(axis)


def _box_plot(d, width: int) -> str:
    if d.n == 0:
        return "no scores".center(width)
    if d.withheld:
        return f"{d.withheld} partnerships".center(width)
    line = [" "] * width
    lo, q1, med, q3, hi = (_at(v, width) for v in (d.min, d.q1, d.median, d.q3, d.max))
    for i in range(lo, hi + 1):
        line[i] = "─"
    for i in range(q1, q3 + 1):
        line[i] = "▒"
    if hi > lo:
        line[lo], line[hi] = "├", "┤"
    line[med] = "█"
    return "".join(line)


def _at(value: float, width: int) -> int:
    return round(max(0.0, min(100.0, value)) / 100 * (width - 1))


# ---------------------------------------------------------------- shared helpers


def _neighbour_rows(ws, bank, wave: str, bench) -> list:
    # Neighbours count wherever they are in the workspace, even outside --region.
    from stocktake.evidence.neighbour_scores import compare_with_neighbours
    from stocktake.scoring.national import all_partnership_scores

    shown = {s.partnership for s in bench.scores}
    return [r for r in compare_with_neighbours(all_partnership_scores(ws, bank, wave))
            if r.code in shown]


def _write_workbook(path: Path, bench, bank, partnerships, shared: bool = False,
                    groups_source: str = "") -> Path:
    from stocktake.workbooks.benchmark import write_benchmark_workbook

    result = write_benchmark_workbook(Path(path), bench, bank, partnerships, shared=shared,
                                      groups_source=groups_source)
    return Path(result) if isinstance(result, (str, Path)) else Path(path)


def _partnership_name(code: str, partnerships: dict) -> str:
    from stocktake.partnerships.reference import authority

    if code in partnerships and partnerships[code].name:
        return partnerships[code].name
    known = authority(code)
    return known.name if known else code


def _partnership_label(ws, code: str) -> str:
    found = ws.find_partnership(code)
    name = _partnership_name(code, {code: found} if found else {})
    region = found.region if found and found.region else ""
    if not region:
        from stocktake.partnerships.reference import authority

        known = authority(code)
        region = known.region if known else ""
    return f"{name} ({code})" + (f", {region}" if region else "")


def _fmt(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _r(value: float | None) -> float | None:
    return published(value)


def _change(before: float | None, after: float | None) -> float | None:
    return difference(after, before)


def _arrow(change: float | None) -> str:
    if change is None:
        return "–"
    if round(change, 1) == 0:
        return "= 0.0"
    return f"{'▲' if change > 0 else '▼'} {change:+.1f}"
