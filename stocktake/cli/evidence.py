"""`stocktake neighbours` and `stocktake evidence`: DfE's published figures beside the self-view.

    stocktake neighbours E09000007
    stocktake evidence E09000007 --bank idea-stocktake --area workforce
    stocktake evidence E09000007 --indicator Work_Force_Vac_Rate --json
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import (console, err_console, open_workspace, partnership_code,
                                  print_json, resolve_bank)
from stocktake.cli.app import app
from stocktake.errors import StocktakeError, UsageError

INDICATORS_OPTION = typer.Option(
    None, "--indicators", metavar="PATH", envvar="STOCKTAKE_INDICATORS",
    help="A newer LAIT extract in its long format (.csv or .csv.gz, or a folder holding "
         "indicators_long.csv.gz) to use instead of the shipped data.", show_default=False)
BAND_STYLE = {"A": "#000000 on #6FBF73", "B": "#000000 on #B7DEA8", "C": "#000000 on #FFE08A",
              "D": "#000000 on #F4B6B6"}


@app.command("neighbours")
def neighbours_command(
    code: str = typer.Argument(..., metavar="CODE",
                               help="Partnership code (e.g. E09000007) or DfE LA number (202)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """An authority's ten statistical neighbours (DfE, May 2025), closest first, with how close
    each is.

    Example: stocktake neighbours E09000007
    """
    from stocktake.evidence.neighbours import neighbour_list_name, require_neighbours
    from stocktake.evidence.report import authority_for_evidence
    from stocktake.partnerships.reference import authority_by_dfe_number

    if code.strip().isdigit():
        found = authority_by_dfe_number(code)
        if found is None:
            raise StocktakeError(f"no authority has DfE LA number {code.strip()}",
                                 hint="give a GSS code such as E09000007, or a DfE number such "
                                      "as 202")
    else:
        found = authority_for_evidence(partnership_code(code))  # "Camden" is E09000007
    group = require_neighbours(found.dfe_la_number, f"{found.name} ({found.code})")
    rows = []
    for rank, n in enumerate(group.neighbours, start=1):
        other = authority_by_dfe_number(n.la_number)
        rows.append({"rank": rank, "code": other.code if other else None, "name": n.name,
                     "dfe_la_number": n.la_number, "closeness": n.closeness})
    if as_json:
        print_json({"partnership": found.code, "name": found.name,
                    "dfe_la_number": found.dfe_la_number, "list": neighbour_list_name(),
                    "neighbours": rows})
        return
    console.print(Text.assemble((f"{found.name} ({found.code})", "bold"),
                                f" · DfE LA {found.dfe_la_number} · {group.region} · "
                                f"{neighbour_list_name()}"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Neighbour", ratio=1, overflow="fold")
    table.add_column("Code", no_wrap=True)
    table.add_column("DfE", justify="right", no_wrap=True)
    table.add_column("Closeness", no_wrap=True)
    for row in rows:
        table.add_row(str(row["rank"]), row["name"], row["code"] or "–", row["dfe_la_number"],
                      row["closeness"])
    console.print(table)


@app.command("evidence")
def evidence_command(
    code: str = typer.Argument(..., metavar="CODE", help="Partnership code, e.g. E09000007."),
    bank_ref: Optional[str] = typer.Option(None, "--bank", "-b", metavar="BANK",
                                           help="Only the measures this bank links. Default: "
                                                "every bank's."),
    area: Optional[str] = typer.Option(None, "--area", metavar="AREA",
                                       help="Only the measures linked to this area."),
    indicator: Optional[List[str]] = typer.Option(
        None, "--indicator", "-i", metavar="ID",
        help="A measure id from DfE's LAIT (repeat for more), e.g. Work_Force_Vac_Rate."),
    wave: Optional[str] = typer.Option(None, "--wave", metavar="WAVE",
                                       help="Wave of the self-assessment to set beside the "
                                            "evidence. Default: the current financial year.",
                                       show_default=False),
    indicators_path: Optional[Path] = INDICATORS_OPTION,
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", metavar="PATH",
                                        help="Also write the evidence to a workbook here."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """DfE's published figures for a partnership, beside its self-assessment: per measure the
    latest value and change, the trend, the statistical neighbours' mean, region, England and
    LAIT's quartile band (A best).

    Example: stocktake evidence E09000007 --bank idea-stocktake --area workforce
    """
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import authority_for_evidence, partnership_evidence

    found = authority_for_evidence(partnership_code(code))
    banks = _banks_in_scope(bank_ref)
    links = _links(banks, area, indicator)
    data = load_indicators(indicators_path)
    view = partnership_evidence(data, found.code, links)
    self_views = _self_views(found.code, banks, view, wave)
    if xlsx is not None:
        from stocktake.workbooks.evidence_sheet import write_evidence_workbook

        written = write_evidence_workbook(Path(xlsx), view, self_views)
        (err_console if as_json else console).print(f"Wrote the evidence workbook to {written}")
    if as_json:
        print_json({**view.to_json(), "self_view": [s.to_json() for s in self_views]})
        return
    render_evidence(view, self_views)


# ---------------------------------------------------------------- gathering


def _banks_in_scope(bank_ref: str | None):
    if bank_ref:
        return [resolve_bank(bank_ref)]
    from stocktake.banks.model import available_banks

    return available_banks()


def _links(banks, area: str | None, indicator: list[str] | None) -> dict[str, tuple[str, ...]]:
    from stocktake.evidence.report import bank_links

    if area is not None and not any(a.id == area for b in banks for a in b.areas):
        known = sorted({a.id for b in banks for a in b.areas})
        raise UsageError(f"no bank in scope has an area '{area}'",
                         hint="its areas are: " + ", ".join(known))
    linked = bank_links(banks, area)
    if indicator:
        return {mid: linked.get(mid, ()) for mid in dict.fromkeys(indicator)}
    if not linked:
        where = f"area {area}" if area else "the bank(s) in scope"
        raise StocktakeError(f"{where} links no published measure",
                             hint="give measures with --indicator ID, or link them in the bank "
                                  "with indicators = [...] on the area")
    return linked


def _self_views(code: str, banks, view, wave: str | None):
    """The self-view against the evidence for each area of each bank the workspace has scores
    for; empty when the workspace has no self-assessment of the partnership."""
    from stocktake.evidence.flags import self_view_rows
    from stocktake.scoring.national import partnership_scores
    from stocktake.records.responses import current_wave

    from stocktake.cli.common import workspace_path

    rows = []
    if not workspace_path().is_dir():
        return rows  # looking at evidence creates no workspace
    try:
        ws = open_workspace()
    except StocktakeError:
        return rows
    for bank in banks:
        if not any(a.indicators for a in bank.areas):
            continue
        try:
            scores = partnership_scores(ws, bank, wave or current_wave(), code)
        except StocktakeError:
            continue
        if scores.respondents == 0:
            continue
        rows.extend(self_view_rows(bank, scores, view))
    return rows


# ---------------------------------------------------------------- rendering


def render_evidence(view, self_views, *, only_area: str | None = None) -> None:
    """The evidence as tables, one per area (or one for measures no area links)."""
    from stocktake.evidence.report import (CONTEXT, CONTEXT_LINK, LINK_NOTES, PRESENT_DAY,
                                           format_value, link_area, link_notes)

    group = view.group
    notes: list[str] = []
    console.print(Text.assemble(
        (f"{view.name} ({view.code})", "bold"),
        f" · DfE LA {view.la_number} · {view.region or 'region unknown'}"), soft_wrap=False)
    flags = {s.key: s for s in self_views}
    sections: dict[str, list] = {}
    for m in view.measures:
        for key in (m.areas or ("",)):
            # A context or present-day link is listed under its area, its row saying which.
            area_key = link_area(key)
            if only_area is None or area_key.endswith("/" + only_area):
                sections.setdefault(area_key, []).append((m, link_notes(key)))
    for key, measures in sections.items():
        heading = Text(key or "Measures asked for", style="bold")
        if any(PRESENT_DAY in link for _, link in measures):
            # A period bank's measures are today's figures: said once, for the whole table.
            heading.append(f" · {PRESENT_DAY}s (today's figures)")
        own = flags.get(key)
        if own is not None:
            heading.append(f" · self-assessed {own.score_text}")
        console.print(heading, soft_wrap=False)
        if own is not None and own.flag:
            console.print(Text(f"⚑ {own.flag}", style="bold red"), soft_wrap=False)
        # The box draws a space between columns: no padding, so the table fits 80 columns.
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                      padding=0)
        table.add_column("Measure", ratio=1, overflow="fold", min_width=10)
        table.add_column("Year", min_width=4, max_width=7, overflow="fold")  # "2021/22-23/24"
        # "not published" takes two lines, so that the table fits 80 columns.
        table.add_column("Value", justify="right", min_width=5, max_width=9, overflow="fold")
        table.add_column("Change", justify="right", no_wrap=True)
        table.add_column("Trend", no_wrap=True)
        table.add_column("Neighbours", justify="right", no_wrap=True)
        table.add_column("Region", justify="right", no_wrap=True)
        table.add_column("England", justify="right", no_wrap=True)
        table.add_column("Band", justify="center", no_wrap=True)
        for m, link in measures:
            places = m.measure.places
            title = Text(m.measure.label)
            title.append(f"\n{m.measure.id}", style="dim")
            if CONTEXT_LINK in link:  # the legend under the tables says what it means
                title.append(f"\n{CONTEXT_LINK} only", style="italic")
            if m.measure.unit:
                title.append(f" · {m.measure.unit}", style="dim")
            source = _source_text(m.measure)
            if source:
                title.append(f"\n{source}", style="dim")
            if not m.series:
                table.add_row(title, "–", "no data in this extract", "", "", "", "", "", "–")
                continue
            value = format_value(m.latest.value, places)
            change = "–" if m.change is None else f"{m.change:+,.{places}f}"
            nb = ("–" if m.neighbours_mean is None else f"{m.neighbours_mean:,.{places}f}")
            if group and m.neighbours_counted < m.neighbours_in_group:
                nb += f" ({m.neighbours_counted})"
            band = Text(m.band, style=BAND_STYLE[m.band]) if m.band else Text("–", style="dim")
            if m.context:
                # In the measure's own cell: the band column stays narrow enough for 80.
                title.append(f"\n{CONTEXT}", style="italic")
            notes += m.comparator_notes()
            # A comparator on another basis is not set beside the value: its note gives it.
            region = ("†" if m.region_name in m.not_comparable else
                      format_value(m.region_value, places).replace("not published", "–"))
            england = ("†" if "England" in m.not_comparable else
                       format_value(m.england, places).replace("not published", "–"))
            table.add_row(title, m.latest.year or "–", value, change, m.sparkline(), nb,
                          region, england, band)
        console.print(table)
    for note in dict.fromkeys(notes):
        console.print(Text(f"† {note}"), soft_wrap=False)
    used = {n for ms in sections.values() for _, link in ms for n in link}
    for note in (n for n in LINK_NOTES if n in used):
        console.print(Text(f"{note[0].upper()}{note[1:]}: {LINK_NOTES[note].split(': ', 1)[1]}.",
                           style="dim"), soft_wrap=False)
    console.print(Text("Band: LAIT's quartile among all authorities for the latest year, A best "
                       "(polarity from DfE's dictionary); a measure marked context has none "
                       "(DfE gives no polarity), so no band and no flag. "
                       "Neighbours: the mean of the ten statistical neighbours' published values; "
                       "(n) where only n of them had one.", style="dim"), soft_wrap=False)
    console.print(Text(f"Source: {view.source}. {view.credit}.", style="dim"), soft_wrap=False)


# ---------------------------------------------------------------- used by other commands


def show_area_evidence(code: str, bank, area, wave: str) -> None:
    """Before a moderation is recorded: the area's published evidence and the self-view flag.
    Never stops the moderation: a partnership without evidence gets a dim note."""
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import bank_links, partnership_evidence

    if not area.indicators:
        return
    try:
        view = partnership_evidence(load_indicators(), code, bank_links([bank], area.id))
    except StocktakeError as exc:
        err_console.print(Text(f"Published evidence left out: {exc.message}", style="dim"))
        return
    render_evidence(view, _self_views(code, [bank], view, wave), only_area=area.id)


def self_view_flags(code: str, bank, scores) -> list:
    """The areas of `scores` whose self-view the published figures contradict (see
    stocktake.evidence.flags); empty when the bank links no measures or `code` is not an
    English authority."""
    from stocktake.evidence.flags import self_view_rows
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import bank_links, partnership_evidence

    links = bank_links([bank])
    if not links or scores.respondents == 0:
        return []
    try:
        view = partnership_evidence(load_indicators(), code, links)
    except StocktakeError:
        return []
    return [row for row in self_view_rows(bank, scores, view) if row.flag]


def print_self_view_flags(code: str, flags) -> None:
    for row in flags:
        console.print(Text(f"⚑ {row.title}: self-assessed {row.score_text}, "
                           f"{sum(b == 'D' for b in row.bands if b)} of "
                           f"{sum(1 for b in row.bands if b)} banded measures in D, "
                           f"{sum(b == 'A' for b in row.bands if b)} in A: {row.flag} "
                           f"(stocktake evidence {code} --bank {row.bank} --area {row.area})",
                           style="bold"), soft_wrap=False)


def render_neighbour_comparison(rows, names: dict[str, str], bank) -> None:
    """Each partnership's overall score beside its own neighbours' mean, and how many of its ten
    neighbours the workspace holds."""
    console.print(Text("Each partnership beside the mean of its own statistical neighbours "
                       "(DfE, May 2025) in this workspace", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Partnership", ratio=1, overflow="fold")
    table.add_column("Overall", justify="right", no_wrap=True)
    table.add_column("Neighbours' mean", justify="right", no_wrap=True)
    table.add_column("Difference", justify="right", no_wrap=True)
    table.add_column("Neighbours here", justify="right", no_wrap=True)
    for row in rows:
        mean = row.means.get("overall")
        diff = row.difference("overall")
        table.add_row(f"{names.get(row.code, row.code)} ({row.code})",
                      _one(row.own.get("overall")), _one(mean),
                      "–" if diff is None else f"{diff:+.1f}",
                      f"{len(row.present)} of {row.group_size}" if row.group_size else
                      "no group")
    console.print(table)
    console.print(Text("Per area: stocktake benchmark --neighbours --json. A mean over few "
                       "neighbours says little.", style="dim"), soft_wrap=False)


def _source_text(measure) -> str:
    """"DfE, updated 2025-11-01, next 2026-11-01": who publishes it and when it changes."""
    parts = [measure.owner] if measure.owner else []
    if measure.last_update:
        parts.append(f"updated {measure.last_update}")
    if measure.next_update:
        parts.append(f"next {measure.next_update}")
    return ", ".join(parts)


def _one(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"
