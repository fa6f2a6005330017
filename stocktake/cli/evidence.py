"""`stocktake neighbours` and `stocktake evidence`: DfE's published figures beside the self-view.

    stocktake neighbours E09000007
    stocktake evidence E09000007 --bank idea-stocktake --area workforce
    stocktake evidence E09000007 --indicator Work_Force_Vac_Rate --json
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import (console, err_console, partnership_code, print_json,
                                  resolve_bank, workspace_path)
from stocktake.cli.app import app
from stocktake.arithmetic.precision import fixed

if TYPE_CHECKING:
    from stocktake.evidence.area_view import AreaEvidence, EvidenceView

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
    from stocktake.evidence.area_view import neighbour_list

    # Three digits are DfE's LA number; anything else a code or a name ("Camden").
    found = neighbour_list(code if code.strip().isdigit() else partnership_code(code))
    if as_json:
        print_json(found.to_json())
        return
    console.print(Text.assemble((f"{found.name} ({found.code})", "bold"),
                                f" · DfE LA {found.dfe_la_number} · {found.region} · "
                                f"{found.list_name}"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Neighbour", ratio=1, overflow="fold")
    table.add_column("Code", no_wrap=True)
    table.add_column("DfE", justify="right", no_wrap=True)
    table.add_column("Closeness", no_wrap=True)
    for row in found.neighbours:
        table.add_row(str(row.rank), row.name, row.code or "–", row.dfe_la_number,
                      row.closeness)
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
    from stocktake.banks.loading import available_banks
    from stocktake.evidence.report import authority_for_evidence
    from stocktake.scoring.self_view import evidence_view

    code = authority_for_evidence(partnership_code(code)).code  # before the bank is looked up
    banks = [resolve_bank(bank_ref)] if bank_ref else available_banks()
    shown = evidence_view(workspace_path(), code, banks, area=area,
                          indicators=indicator, wave=wave, indicators_path=indicators_path)
    if xlsx is not None:
        from stocktake.workbooks.evidence_sheet import write_evidence_workbook

        written = write_evidence_workbook(Path(xlsx), shown.view, list(shown.self_views))
        (err_console if as_json else console).print(f"Wrote the evidence workbook to {written}")
    if as_json:
        print_json(shown.to_json())
        return
    render_evidence(shown)


# ---------------------------------------------------------------- rendering


def render_evidence(shown: EvidenceView) -> None:
    """The evidence as tables, one per area (or one for measures no area links): all areas, or
    `shown.only_area`'s alone."""
    from stocktake.evidence.report import (CONTEXT, CONTEXT_LINK, LINK_NOTES, PRESENT_DAY,
                                           format_value, link_area, link_notes)

    view, only_area = shown.view, shown.only_area
    group = view.group
    notes: list[str] = []
    from stocktake.cli.common import print_provenance

    print_provenance(shown.simulated)  # the self-views beside DfE's figures were invented
    console.print(Text.assemble(
        (f"{view.name} ({view.code})", "bold"),
        f" · DfE LA {view.la_number} · {view.region or 'region unknown'}"), soft_wrap=False)
    flags = {s.key: s for s in shown.self_views}
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
            source = m.measure.source
            if source:
                title.append(f"\n{source}", style="dim")
            if not m.series:
                table.add_row(title, "–", "no data in this extract", "", "", "", "", "", "–")
                continue
            value = format_value(m.latest.value, places)
            change = "–" if m.change is None else \
                fixed(m.change, places, grouped=True, signed=True)
            nb = "–" if m.neighbours_mean is None else \
                fixed(m.neighbours_mean, places, grouped=True)
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


def render_area_evidence(found: AreaEvidence) -> None:
    """Before a moderation is recorded: the area's published evidence and the self-view flag,
    or a dim note saying why it is left out (the moderation goes ahead either way)."""
    if found.left_out:
        err_console.print(Text(f"Published evidence left out: {found.left_out}", style="dim"))
    if found.evidence is not None:
        render_evidence(found.evidence)


def print_self_view_flags(code: str, flags) -> None:
    """One line per flagged area (stocktake.evidence.flags.SelfView): its self-view, how its
    banded measures fall, and the command that shows them."""
    from stocktake.evidence.area_view import flag_counts

    for row in flags:
        counts = flag_counts(row)
        console.print(Text(f"⚑ {row.title}: self-assessed {row.score_text}, "
                           f"{counts.in_d} of {counts.banded} banded measures in D, "
                           f"{counts.in_a} in A: {row.flag} "
                           f"(stocktake evidence {code} --bank {row.bank} --area {row.area})",
                           style="bold"), soft_wrap=False)
