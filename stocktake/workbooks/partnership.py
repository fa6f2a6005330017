"""The partnership workbook: one partnership's stocktake as a report a council can keep.

Sheets: `Summary` (scores by area with band colours, national median, region mean, group mean
and quartile band when known, a radar and a bar chart), `By partner` (areas x roles with the
respondents per role, a single-hue colour scale with its legend, and a chart), `Trend` (when
the workspace holds earlier waves of the partnership and bank: score per wave, change, a chart),
`Answers` (one row per answer, an Excel table with filters), `About`
(where it came from, and the integrity seal), and two hidden sheets, `_responses` and
`_moderations`, that let a national merge rebuild the responses exactly. Every cell holds a
value, never a formula, so a re-save cannot change a result.

    export = gather_export(ws, bank, "E09000007", "2026-27")
    write_partnership_workbook(Path("exports/E09000007-idea-stocktake-2026-27.xlsx"), export)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import math

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, RadarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break

from stocktake import __version__
from stocktake.workbooks.columns import ANSWER_COLUMNS
from stocktake.scoring.method import role_short_title
from stocktake.records.provenance import COMPARED_HEADER, SIMULATED, marked
from stocktake.privacy.injection import set_text_cell, write_text_row
from stocktake.returns.seal import KEYED_SEAL_METHOD, PLAN_FIELDS, SEAL_METHOD, clean_text, compute_seal
from stocktake.workbooks import FORMAT_VERSION, PARTNERSHIP_EXPORT
from openpyxl.utils import get_column_letter

from stocktake.workbooks.styles import (ACCENT, BODY_FONT, CENTRE, LABEL_FONT, LINE_HEIGHT,
                                        NOTE_FONT, heat_legend, heat_scale, memo_for, merge_row, note_rows,
                                        word_width, wrapped_lines,
                                        SCORE_FORMAT, SHARE_FORMAT,
                                        chart_title, columns_spanning, data_table, fill_band,
                                        fit_row_height, hex_colour, place_chart, row_height_for,
                                        key_value_rows, print_setup, set_widths,
                                        style_body, style_header_row, write_title)
from stocktake.arithmetic.precision import difference, fixed_score, published, published_share

if TYPE_CHECKING:
    from stocktake.workbooks.partnership_export import PartnershipExport

RESPONSE_COLUMNS = ("partnership", "respondent", "role", "mode", "adviser", "bank_version",
                    "bank_hash", "started_at", "updated_at", "age_band")
MODERATION_COLUMNS = ("partnership", "area", "score", "reason", "adviser", "moderated_at")
SUMMARY_COLUMNS = ("Area", "Score", "Level", "Coverage", "Respondents", "Spread", "Divergent",
                   "Moderated", "National median", "National quartile", "Band", "Region mean",
                   "Partners")
GROUP_COLUMN = "Group mean"  # after "Region mean", only when export was given --groups
TEXT_COLUMNS = {"partnership", "respondent", "role", "area", "question", "question_text",
                "status", "evidence", "answered_at", "mode", "adviser", "bank_version",
                "bank_hash", "started_at", "updated_at", "reason", "moderated_at", "age_band"}


def write_partnership_workbook(path: Path, export: "PartnershipExport", *,
                               shared: bool = False, key: bytes | None = None) -> Path:
    """Write the workbook to `path` (atomically: a reader never sees half a file); with `key`,
    the About sheet carries a keyed seal as well as the plain one."""
    from stocktake.files.output_files import workbook_bytes, write_output_bytes
    from stocktake.workbooks.bulk_rows import release
    from stocktake.workbooks.bulk_sheet import refusals_said_as_writes_of, splice_rows

    with refusals_said_as_writes_of(Path(path)):
        wb, answers = partnership_workbook(export, key=key)
    try:
        data = workbook_bytes(wb, Path(path))
        release(wb)
        return write_output_bytes(Path(path), splice_rows(data, "Answers", answers),
                                  shared=shared)
    finally:
        answers.close()


def partnership_workbook(export: "PartnershipExport", key: bytes | None = None
                         ) -> tuple[Workbook, Any]:
    """The workbook, its Answers sheet holding the header row alone, and the Answers rows
    (bulk_sheet.BulkRows, written apart) that write_partnership_workbook splices in."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    # Cleaned first, so the seal covers exactly the text the cells will hold.
    answer_rows = _cleaned(export.answer_rows())
    response_rows = _cleaned(_response_row(r) for r in export.responses)
    moderation_rows = _cleaned(m.to_doc() for m in export.moderations)
    _write_summary(summary, export)
    _write_by_partner(wb.create_sheet("By partner"), export)
    if export.history:
        _write_trend(wb.create_sheet("Trend"), export)
    from stocktake.workbooks.evidence_sheet import add_partnership_evidence  # noqa: PLC0415
    add_partnership_evidence(wb, export)
    answers = _write_answers(wb.create_sheet("Answers"), export, answer_rows)
    try:
        header = about_header(export)
        plan_rows = _cleaned(item.seal_row() for item in export.plans)
        seal = compute_seal(header, response_rows, answer_rows, moderation_rows, bank=export.bank,
                            plans=plan_rows)
        keyed = compute_seal(header, response_rows, answer_rows, moderation_rows, bank=export.bank,
                             key=key, plans=plan_rows) if key is not None else None
        _write_about(wb.create_sheet("About"), export, header, seal, len(answer_rows), keyed)
        _write_hidden(wb.create_sheet("_responses"), RESPONSE_COLUMNS, response_rows)
        _write_hidden(wb.create_sheet("_moderations"), MODERATION_COLUMNS, moderation_rows)
        _write_hidden(wb.create_sheet("_plans"), PLAN_FIELDS, plan_rows)
        if export.plans:
            from stocktake.workbooks.plan_sheet import write_plan_sheet

            write_plan_sheet(wb.create_sheet("Plan", index=1), export)
        from stocktake.workbooks.print_setup import finish_print

        finish_print(wb, screen=("Answers",))
        p = export.partnership
        wb.properties.title = f"{p.name} ({p.code}): {export.bank.title}, wave {export.wave}"
        wb.properties.creator = f"stocktake {__version__}"
        wb.properties.subject = "Children's services partnership stocktake"
    except BaseException:
        answers.close()  # its temporary folder
        raise
    return wb, answers


def summary_columns(export: "PartnershipExport") -> tuple[str, ...]:
    """The Summary table's heads: the group mean only when the export was given groups."""
    if export.group is None:
        return SUMMARY_COLUMNS
    at = SUMMARY_COLUMNS.index("Region mean") + 1
    return SUMMARY_COLUMNS[:at] + (GROUP_COLUMN,) + SUMMARY_COLUMNS[at:]


def _cleaned(rows: Any) -> list[dict[str, Any]]:
    return [{k: clean_text(v) for k, v in row.items()} for row in rows]


def about_header(export: "PartnershipExport") -> dict[str, Any]:
    """The About values the seal covers (HEADER_FIELDS of stocktake.returns.seal)."""
    return {"bank": export.bank.id, "bank_version": export.bank.version,
            "bank_hash": export.bank.hash, "wave": clean_text(export.wave),
            "partnership": export.partnership.code, "exported_at": export.exported_at}


def _response_row(response: Any) -> dict[str, Any]:
    return {"partnership": response.key.partnership, "respondent": response.key.respondent,
            "role": response.role, "mode": response.mode, "adviser": response.adviser,
            "bank_version": response.bank_version, "bank_hash": response.bank_hash,
            "started_at": response.started_at, "updated_at": response.updated_at,
            "age_band": response.age_band}


def _header_texts(export: "PartnershipExport") -> tuple[str, str]:
    """Every printed page's header: SIMULATED first where the answers were invented."""
    from stocktake.workbooks.styles import header_pair

    p = export.partnership
    when = f"{export.wave} - exported {export.exported_at[:10]}"
    who = marked(f"{p.name} ({p.code})", export.scores.simulated)
    if not export.scores.simulated and _compared_with_simulated(export)[0]:
        who = f"{who} - {COMPARED_HEADER}"
    return header_pair((who, f"{export.bank.title}, {when}"), (who, f"{export.bank.id} {when}"))


def _compared_with_simulated(export: "PartnershipExport") -> tuple[int, int]:
    """(simulated, total) partnerships of the national benchmark the export is set beside."""
    from stocktake.records.provenance import simulated_among

    return simulated_among(export.national.scores) if export.national is not None else (0, 0)


# ---------------------------------------------------------------- Summary


def _write_summary(ws: Any, export: "PartnershipExport") -> None:
    p, scores, bank = export.partnership, export.scores, export.bank
    simulated = scores.simulated  # scored from export.responses, so it says it of them
    among = _compared_with_simulated(export)
    title = f"{p.name}: children's services stocktake"
    subtitle = f"{bank.title} - wave {export.wave}"
    if simulated:
        title += f" ({SIMULATED})"
        subtitle += " - invented answers, not this council's views"
    elif among[0]:  # its own answers are real; the round it is placed in is partly invented
        title += f" ({COMPARED_HEADER})"
        subtitle += (f" - {among[0]} of the {among[1]} partnerships it is compared with are "
                     "simulated (invented answers)")
    write_title(ws, "A1", title, subtitle)
    overall = "" if scores.overall is None else f"{fixed_score(scores.overall)} out of 100"
    info = [("Partnership", p.name), ("Code", p.code), ("Region", p.region or "-"),
            ("Question bank", f"{bank.title} ({bank.id} {bank.version})"),
            ("Wave", export.wave), ("Respondents", scores.respondents),
            ("Overall score", overall), ("Overall level", scores.overall_level or "withheld"),
            ("Exported", export.exported_at)]
    next_row = key_value_rows(ws, 4, info)
    level_cell = ws.cell(row=next_row - 2, column=2)
    fill_band(level_cell, scores.overall_colour)
    level_cell.font = LABEL_FONT
    columns = summary_columns(export)
    width = len(columns)
    # Values run across the table's width, so a long bank title stays on one line.
    for row in range(4, next_row):
        merge_row(ws, row, 2, width, boxed=True)

    top = next_row + 1
    for col, name in enumerate(columns, start=1):
        set_text_cell(ws.cell(row=top, column=col), name)
    style_header_row(ws, top, 1, width)
    row = top
    for area in scores.areas:
        row += 1
        _summary_row(ws, row, columns, export, area.id, area.title, area.score, area.level,
                     area.coverage, area.respondents, area.spread, area.divergent,
                     area.moderated, _partners_cell(area))
    first_area, last_area = top + 1, row
    row += 1
    partners = len({v.role for a in scores.areas for v in a.by_role})
    _summary_row(ws, row, columns, export, "overall", "Overall", scores.overall,
                 scores.overall_level, None, scores.respondents, None, None, None, partners)
    style_body(ws, top + 1, row, 1, width, wrap_cols=[1, width])
    for r in range(top + 1, row + 1):
        fit_row_height(ws, r, [(AREA_COL_WIDTH, ws.cell(row=r, column=1).value),
                               (SUMMARY_WIDTHS["Partners"], ws.cell(row=r, column=width).value)])
    bold = memo_for(ws, "bold", font=LABEL_FONT)
    for col in range(1, width + 1):
        bold.apply(ws.cell(row=row, column=col))
    centre, centre_wrap = memo_for(ws, "centre", alignment=CENTRE), \
        memo_for(ws, "centre wrap", alignment=CENTRE_WRAP)
    for r in range(top + 1, row + 1):
        for col in range(2, width):
            centre.apply(ws.cell(row=r, column=col))
        centre_wrap.apply(ws.cell(row=r, column=width))  # "1: not a partnership view"
    _fill_levels(ws, top + 1, row, scores)

    # Across the table's width: a moderation's reason may run to a few lines.
    note_row = note_rows(ws, row + 2, _notes(export), width, SUMMARY_WIDTH * 0.95)

    _write_chart_labels(ws, export, top, first_area)
    widths = [SUMMARY_WIDTHS.get(name, 9) for name in columns]
    by_column: dict[str | int, float] = {i: w for i, w in enumerate(widths, start=1)}
    set_widths(ws, by_column | {CHART_LABEL_COL: 26})
    # The charts print on a page of their own, large enough to read, after the table.
    ws.row_breaks.append(Break(id=note_row))
    _add_charts(ws, export, first_area, last_area, note_row + 2, _radar_columns(widths))
    ws.sheet_view.showGridLines = False
    ws.print_area = f"A1:{get_column_letter(width)}{note_row + 2 + CHART_ROWS}"
    left, right = _header_texts(export)
    print_setup(ws, header_left=left, header_right=right)


CHART_ROWS = 30  # rows of 15 points on the chart page: 28 the charts cover (14.8 cm), a margin
CHART_LABEL_COL = 18  # column R, outside the print area
AREA_COL_WIDTH = 26
# Summed, at most 135 units with the group column: printed at 80%, one A4 page wide.
SUMMARY_WIDTHS = {"Area": AREA_COL_WIDTH, "Score": 6, "Level": 11, "Coverage": 9,
                  "Respondents": 11, "Spread": 7, "Divergent": 9, "Moderated": 10,
                  "National median": 9, "National quartile": 9, "Band": 5, "Region mean": 7,
                  GROUP_COLUMN: 7, "Partners": 9}
SUMMARY_WIDTH = sum(SUMMARY_WIDTHS.values()) - SUMMARY_WIDTHS[GROUP_COLUMN]


def chart_label(title: str, limit: int = 26) -> str:
    """An area title short enough to sit around a radar chart without crushing it."""
    if len(title) <= limit:
        return title
    cut = title[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    for small in (" and", " of", " for", " the", " to"):
        if cut.endswith(small):
            cut = cut[: -len(small)]
    return cut + "\u2026"


def _write_chart_labels(ws: Any, export: "PartnershipExport", top: int, first: int) -> None:
    head = ws.cell(row=top, column=CHART_LABEL_COL)
    set_text_cell(head, "Chart label")
    head.font = NOTE_FONT
    for offset, area in enumerate(export.scores.areas):
        cell = ws.cell(row=first + offset, column=CHART_LABEL_COL)
        set_text_cell(cell, chart_label(area.title))
        cell.font = NOTE_FONT


def _partners_cell(area: Any) -> str:
    count = len(area.by_role)
    return str(count) if area.quorum else f"{count}: not a partnership view"


def _summary_row(ws: Any, row: int, columns: tuple[str, ...], export: "PartnershipExport",
                 area_id: str, title: str, score: float | None, level: str | None,
                 coverage: float | None, respondents: int | None,
                 spread: float | None, divergent: bool | None, moderated: bool | None,
                 partners: Any) -> None:
    # Each figure as published, so the cell holds what the report and `scores --json` say and
    # a formula over the cells gives the benchmark's own figures.
    record = {"Area": title, "Score": published(score), "Level": level or "withheld",
              "Coverage": published_share(coverage), "Respondents": respondents,
              "Spread": published(spread),
              "Divergent": _yes_no(divergent), "Moderated": _yes_no(moderated),
              "National median": published(export.national_median(area_id)),
              "National quartile": export.national_quartile(area_id),
              "Band": export.national_band(area_id),
              "Region mean": published(export.region_mean(area_id)),
              GROUP_COLUMN: published(export.group_mean(area_id)), "Partners": partners}
    write_text_row(ws, row, [record[c] for c in columns])
    scored, share = memo_for(ws, "score", number_format=SCORE_FORMAT), \
        memo_for(ws, "share", number_format=SHARE_FORMAT)
    for name in ("Score", "Spread", "National median", "Region mean", GROUP_COLUMN):
        if name in columns:
            scored.apply(ws.cell(row=row, column=columns.index(name) + 1))
    share.apply(ws.cell(row=row, column=columns.index("Coverage") + 1))


def _fill_levels(ws: Any, first: int, last: int, scores: Any) -> None:
    colours = [a.colour for a in scores.areas] + [scores.overall_colour]
    for r, colour in zip(range(first, last + 1), colours):
        fill_band(ws.cell(row=r, column=3), colour)
        fill_band(ws.cell(row=r, column=2), colour)
        if ws.cell(row=r, column=7).value == "yes":
            ws.cell(row=r, column=7).font = Font(name=BODY_FONT.name, size=10, bold=True,
                                                 color="B91C1C")


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def _comparison_note(export: "PartnershipExport") -> str:
    """What the median, quartile, band and region and group means compare, over how many, and
    why any is missing (fewer than the bank's min_count, or no other partnership)."""
    from stocktake.partnerships.reference import current_authorities
    from stocktake.reports.findings import round_scope

    nation, min_count = export.national, export.bank.min_count
    if nation is None:
        return ("No comparison: no other partnership in this workspace has answered this bank "
                "in this wave.")
    scope = round_scope(nation.count, len(current_authorities()))
    if nation.count < min_count:
        return (f"No comparison: {nation.count} partnerships in {scope} have answered this "
                f"bank in this wave, fewer than {min_count} (the bank's min_count), so no "
                "median, quartile, band or region mean is given: a comparison with so few "
                "would describe those partnerships, not the round.")
    code = export.partnership.code
    region = nation.regions.get(code, "")
    in_region = sum(1 for s in nation.scores if region and nation.regions.get(s.partnership) == region)
    said = (f"National median, quartile (1 lowest, 4 highest) and band (A the top quarter to "
            f"D) compare the {nation.count} partnerships of {scope}. ")
    if region:
        said += f"The region mean is of the {in_region} {region} partnerships"
        if in_region < min_count:
            said += f", fewer than {min_count}, so it is not given"
        said += ". "
    if export.group:
        in_group = sum(1 for s in nation.scores
                       if nation.groups.get(s.partnership) == export.group)
        said += f"The group mean is of the {in_group} partnerships of '{export.group}'"
        if in_group < min_count:
            said += f", fewer than {min_count}, so it is not given"
        said += ". "
    return (said + f"No figure rests on fewer than {min_count} partnerships. Quartiles place a "
            "partnership among others; they are not a league table.")


def _notes(export: "PartnershipExport") -> list[str]:
    bank = export.bank
    bands = ", ".join(f"{b.label} from {b.min:g}" for b in bank.bands)
    notes = [f"Scores run from 0 to 100; levels: {bands}.",
             "Coverage is the share of applicable questions answered (not 'don't know'); a "
             f"respondent's area score is withheld below {bank.min_coverage:.0%}.",
             "Spread is the gap between the highest and lowest respondent; 25 points or more "
             "marks the area divergent: partners see it differently."]
    notes.append(_comparison_note(export))
    if export.national is not None and any(a.indicators for a in bank.areas):
        from stocktake.reports.findings import BAND_CONVENTIONS

        # The Summary's bands and the Evidence sheet's are of two kinds: said once, side by side.
        notes.append(BAND_CONVENTIONS)
    for area in export.scores.areas:
        if area.moderated and area.moderation is not None:
            own = "none" if area.self_assessed is None else fixed_score(area.self_assessed)
            m = area.moderation
            notes.append(f"{area.title}: moderated to {fixed_score(m.score)} by {m.adviser} (the "
                         f"partners' own mean {own}): {m.reason}")
    if bank.partnership_score == "roles":
        notes.append("Each area's score is the mean of the partner roles' scores, so each "
                     "partner sector counts once; spread is between those role scores (the "
                     "By partner sheet shows each role).")
    apart = [role_short_title(bank.role_title(r)) for r in bank.apart_role_ids]
    if apart:
        notes.append(f"Reported apart, never in the partnership score: {'; '.join(apart)}.")
    from stocktake.scoring.method import apart_note, quorum_note

    for area in export.scores.areas:
        note = quorum_note(area, bank)
        if note:
            notes.append(f"{area.title}: {note} (the bank asks for {bank.min_roles}); left out "
                         "of national quartiles.")
        for said in apart_note(area, bank):
            notes.append(f"{area.title}: {said}.")
    withheld = sum(len(a.withheld) for a in export.scores.areas)
    if withheld:
        notes.append(f"{withheld} respondent area score(s) withheld for low coverage; they "
                     "count in no area score.")
    return notes


CHART_SHARE = 0.6  # of the table's width for the radar, which needs room for its labels


def _radar_columns(widths: Sequence[float]) -> int:
    """How many of the Summary's columns the radar covers: the boundary nearest CHART_SHARE of
    the table's width, the bar chart taking the rest."""
    goal = CHART_SHARE * sum(widths)
    return min(range(1, len(widths)), key=lambda count: abs(sum(widths[:count]) - goal))


def _add_charts(ws: Any, export: "PartnershipExport", first: int, last: int,
                anchor_row: int, radar_columns: int) -> None:
    """The radar over the Summary's first `radar_columns` columns and the bars over the rest,
    side by side on the chart page, each covering its cells so neither overlaps the other."""
    labels = Reference(ws, min_col=CHART_LABEL_COL, min_row=first, max_row=last)

    radar = RadarChart()
    radar.type = "marker"
    radar.style = 26
    radar.title = chart_title("Score by area, with the national median"
                              if export.national is not None else "Score by area")
    own = Reference(ws, min_col=2, min_row=first - 1, max_row=last)
    radar.add_data(own, titles_from_data=True)
    if export.national is not None:
        median = Reference(ws, min_col=9, min_row=first - 1, max_row=last)
        radar.add_data(median, titles_from_data=True)
    radar.set_categories(labels)
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.majorUnit = 25
    radar.y_axis.number_format = "0"
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.legend.position = "b"
    series_colours = [ACCENT, "E07B39"]
    radar.series[0].tx = SeriesLabel(v=export.partnership.name)
    if len(radar.series) > 1:
        radar.series[1].tx = SeriesLabel(v="National median")
    for series, colour in zip(radar.series, series_colours):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.marker.symbol = "circle"
        series.marker.size = 6
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
    radar.alt_text = ("Radar chart of the partnership's score in each area from 0 to 100"
                      + (", with the national median" if export.national is not None else "")
                      + ". The same figures are in the table above.")
    place_chart(ws, radar, 1, radar_columns, anchor_row, CHART_ROWS - 2)

    bars = BarChart()
    bars.type = "bar"
    bars.style = 10
    bars.title = chart_title("Score and level")
    bars.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    bars.set_categories(labels)
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 100
    bars.y_axis.majorUnit = 25
    bars.y_axis.number_format = "0"
    bars.x_axis.scaling.orientation = "maxMin"  # first area at the top, as in the table
    bars.y_axis.delete = False
    bars.x_axis.delete = False
    bars.legend = None
    bars.gapWidth = 60
    series = bars.series[0]
    series.graphicalProperties.line.solidFill = "6B7280"
    for index, area in enumerate(export.scores.areas):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = hex_colour(area.colour)
        point.graphicalProperties.line.solidFill = "6B7280"
        series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    series.dLbls.numFmt = "0.0"
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, flag, False)
    bars.alt_text = ("Bar chart of the partnership's score in each area from 0 to 100, "
                     "coloured by level. The same figures are in the table above.")
    place_chart(ws, bars, radar_columns + 1, len(summary_columns(export)), anchor_row,
                CHART_ROWS - 2, gap_before=True)


# ---------------------------------------------------------------- By partner


def _write_by_partner(ws: Any, export: "PartnershipExport") -> None:
    """Areas x roles: each role's score with its respondents in the head, the partnership's
    score beside them, the views reported apart after, a colour scale with its legend."""
    scores, bank = export.scores, export.bank
    p = export.partnership
    write_title(ws, "A1", f"{p.name}: who says what",
                f"Each role's score per area; wave {export.wave}")
    roles = [r for r in scores.roles]
    partners = [r for r in roles if not r.reported_apart]
    apart = [r for r in roles if r.reported_apart]
    heat_legend(ws, 3, 1)
    top = 5
    from stocktake.scoring.method import role_short_title

    heads = ["Area", "Partnership"] + \
        [f"{role_short_title(bank.role_title(r.id))} ({r.respondents})" for r in partners] + \
        [f"{role_short_title(bank.role_title(r.id))} ({r.respondents}), reported apart"
         for r in apart] + ["Spread between partners", "Partners"]
    for col, text in enumerate(heads, start=1):
        set_text_cell(ws.cell(row=top, column=col), text)
    row = top
    for area in scores.areas:
        row += 1
        values: list[Any] = [area.title, published(area.score)]
        for role in partners + apart:
            view = area.role_view(role.id)
            values.append(published(view.score) if view is not None else None)
        values += [published(area.spread), _partners_cell(area)]
        write_text_row(ws, row, values)
    last_col = len(heads)
    lines = max(wrapped_lines(h, 9) for h in heads)
    style_header_row(ws, top, 1, last_col, height=max(2, lines) * LINE_HEIGHT + 6)
    style_body(ws, top + 1, row, 1, last_col, wrap_cols=[1, last_col])
    score_cell = memo_for(ws, "centred score", number_format=SCORE_FORMAT, alignment=CENTRE)
    for r in range(top + 1, row + 1):
        fit_row_height(ws, r, [(AREA_COL_WIDTH, ws.cell(row=r, column=1).value),
                               (12, ws.cell(row=r, column=last_col).value)])
        for col in range(2, last_col):
            score_cell.apply(ws.cell(row=r, column=col))
    score_cols = f"B{top + 1}:{get_column_letter(last_col - 2)}{row}"
    if row > top:
        ws.conditional_formatting.add(score_cols, heat_scale())
    note_row = row + 2
    texts = ["Respondents per role in brackets. A role's score is the mean of its respondents' "
             "area scores; the partnership's is "
             + ("the mean of the partner roles' scores (each sector counts once)."
                if bank.partnership_score == "roles" else "the mean over partner respondents."),
             "Roles reported apart are their own view and never enter the partnership score; "
             "an empty cell: the role was not asked, or its scores were withheld, or fewer "
             f"than {bank.min_count} answered in a group reported apart (only how many is "
             "shown)."]
    note_row = note_rows(ws, note_row, texts, last_col, AREA_COL_WIDTH + 10 * (last_col - 1))
    set_widths(ws, {"A": AREA_COL_WIDTH} | {get_column_letter(c): 10
                                            for c in range(2, last_col + 1)})
    ws.row_breaks.append(Break(id=note_row))
    if roles and row > top:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.title = chart_title("Each role's score by area")
        data = Reference(ws, min_col=2, max_col=last_col - 2, min_row=top, max_row=row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=row))
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.majorUnit = 25
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        for series, colour in zip(chart.series, SERIES_COLOURS):
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = colour
        chart.alt_text = ("Bar chart of each role's score in each area from 0 to 100, the "
                          "partnership's first. The same figures are in the table above.")
        place_chart(ws, chart, 1, last_col, note_row + 1,
                    cm_high=min(15.0, 0.8 * len(scores.areas) + 5))
    ws.freeze_panes = f"B{top + 1}"
    ws.sheet_view.showGridLines = False
    left, right = _header_texts(export)
    print_setup(ws, header_left=left, header_right=right)


# Colour-blind-safe series colours (Okabe and Ito), dark to light so bars differ in greyscale.
SERIES_COLOURS = ("000000", "0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9",
                  "F0E442", "999999")


# ---------------------------------------------------------------- Trend


def _write_trend(ws: Any, export: "PartnershipExport") -> None:
    """Score per wave per area (the earlier waves, then this one), the change since the last."""
    waves = list(export.history) + [export.scores]
    p = export.partnership
    write_title(ws, "A1", f"{p.name}: trend between waves",
                f"{export.bank.title}; waves {waves[0].wave} to {waves[-1].wave}")
    top = 4
    heads = ["Area"] + [w.wave for w in waves] + [f"Change since {waves[-2].wave}"]
    for col, text in enumerate(heads, start=1):
        set_text_cell(ws.cell(row=top, column=col), text)
    rows = [(a.id, a.title) for a in export.bank.areas] + [("overall", "Overall")]
    row = top
    for area_id, title in rows:
        row += 1
        values: list[Any] = [title]
        for w in waves:
            if area_id == "overall":
                values.append(published(w.overall))
            else:
                found = next((a for a in w.areas if a.id == area_id), None)
                values.append(published(found.score) if found else None)
        # Between the two published cells beside it: 0.0 when both read the same.
        values.append(difference(values[-1], values[-2]))
        write_text_row(ws, row, values)
    last_col = len(heads)
    style_header_row(ws, top, 1, last_col)
    style_body(ws, top + 1, row, 1, last_col, wrap_cols=[1])
    score_cell = memo_for(ws, "centred score", number_format=SCORE_FORMAT, alignment=CENTRE)
    change = memo_for(ws, "centred change", number_format=SIGNED, alignment=CENTRE)
    for r in range(top + 1, row + 1):
        fit_row_height(ws, r, [(AREA_COL_WIDTH, ws.cell(row=r, column=1).value)])
        for col in range(2, last_col + 1):
            (change if col == last_col else score_cell).apply(ws.cell(row=r, column=col))
    bold = memo_for(ws, "bold", font=LABEL_FONT)
    for col in range(1, last_col + 1):
        bold.apply(ws.cell(row=row, column=col))
    set_widths(ws, {"A": AREA_COL_WIDTH} | {get_column_letter(c): 12
                                            for c in range(2, last_col + 1)})
    chart = LineChart()
    chart.title = chart_title("Score per wave")
    data = Reference(ws, min_col=2, max_col=last_col - 1, min_row=top + 1, max_row=row)
    chart.add_data(data, from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, max_col=last_col - 1, min_row=top,
                                   max_row=top))
    for series, (_, title), (colour, dash, symbol) in zip(chart.series, rows, _line_looks()):
        series.tx = SeriesLabel(v=chart_label(title))
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.dashStyle = dash
        series.marker.symbol = symbol
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 25
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "r"
    chart.alt_text = (f"Line chart of the score in each area from wave {waves[0].wave} to "
                      f"{waves[-1].wave}. The same figures are in the table above.")
    ws.row_breaks.append(Break(id=row + 1))
    # Wider than a two-wave table: the legend of area titles needs the room.
    place_chart(ws, chart, 1, max(last_col, columns_spanning(ws, 1, 24)), row + 2, cm_high=13)
    ws.freeze_panes = f"B{top + 1}"
    ws.sheet_view.showGridLines = False
    left, right = _header_texts(export)
    print_setup(ws, header_left=left, header_right=right)


SIGNED = "+0.0;-0.0;0.0"
CENTRE_WRAP = Alignment(horizontal="center", vertical="top", wrap_text=True)


def _line_looks() -> Any:
    """(colour, dash, marker) for each line of a chart in turn: the colours, then the colours
    again dashed with other markers. A bank's 11 areas and the overall line are 12 series
    against 9 colours, and repeating the colours alone made two lines of one look."""
    from itertools import count

    for n in count():
        turn = n // len(SERIES_COLOURS) % 3
        yield (SERIES_COLOURS[n % len(SERIES_COLOURS)], ("solid", "dash", "sysDot")[turn],
               ("circle", "triangle", "square")[turn])


# ---------------------------------------------------------------- Answers


def _write_answers(ws: Any, export: "PartnershipExport", rows: list[dict[str, Any]]) -> Any:
    """The Answers sheet's header row, widths, table and print setup; its rows are written by
    rustpy-xlsxwriter (workbooks.bulk_sheet), returned as a BulkRows for write_partnership_workbook
    to splice into the saved file (openpyxl made most of an export's time out of them)."""
    from stocktake.workbooks.bulk_sheet import write_bulk_rows

    write_text_row(ws, 1, ANSWER_COLUMNS)
    style_header_row(ws, 1, 1, len(ANSWER_COLUMNS), height=20)
    # A sheet for screen (print_setup.for_screen): printed one page wide, so kept no wider
    # than its words need, which prints at about 60%.
    widths: dict[str | int, float] = dict(zip("ABCDEFGHIJK",
                                              (12, 15, 11, 13, 16, 40, 16, 7, 10, 28, 22)))
    # A question id has no space to wrap at: its column as wide as the longest (to a limit).
    longest = max((len(str(r.get("question") or "")) for r in rows), default=0)
    widths["E"] = max(widths["E"], min(36, math.ceil(longest / 1.2) + 1))
    # A multi answer breaks only at its hyphens ("website;briefings;staff-" is one word): the
    # value column as wide as its longest word (to a limit), or the word breaks mid-way.
    widths["G"] = max(widths["G"], min(30, word_width(r.get("value") for r in rows)))
    wrap = {ANSWER_COLUMNS.index(c): widths["ABCDEFGHIJK"[ANSWER_COLUMNS.index(c)]]
            for c in ("respondent", "question", "question_text", "value", "evidence")}
    score_col = ANSWER_COLUMNS.index("score")
    centred = {score_col, ANSWER_COLUMNS.index("status")}
    formats = ["body score" if i == score_col else "body centre" if i in centred else
               "body wrap" if i in wrap else "body top" for i in range(len(ANSWER_COLUMNS))]
    texts = [name in TEXT_COLUMNS for name in ANSWER_COLUMNS]
    values, heights = [], []
    for row in rows:
        line = []
        for name, text in zip(ANSWER_COLUMNS, texts):
            value = row[name]
            if text and value is not None and type(value) is not str:
                value = str(value)
            line.append(None if value == "" else value)
        values.append(line)
        heights.append(row_height_for([(width, line[index]) for index, width in wrap.items()]))
    data_table(ws, "StocktakeAnswers", ANSWER_COLUMNS, len(rows) + 1)
    ws.freeze_panes = "A2"
    set_widths(ws, widths)
    left, right = _header_texts(export)
    print_setup(ws, header_left=left, header_right=right, title_rows="1:1")
    # Written last: from here the caller owns the rows' temporary folder (partnership_workbook).
    bulk = write_bulk_rows(ANSWER_COLUMNS, formats, values, heights)
    bulk.register(ws)
    return bulk


# ---------------------------------------------------------------- About and hidden sheets


def _write_about(ws: Any, export: "PartnershipExport", header: dict[str, Any], seal: str,
                 rows: int, keyed: str | None = None) -> None:
    p = export.partnership
    entries = [
        ("format", PARTNERSHIP_EXPORT, "what this file is: stocktake reads it back by this line"),
        ("format_version", str(FORMAT_VERSION), ""),
        ("tool_version", __version__, "the stocktake version that wrote it"),
        ("bank", header["bank"], export.bank.title),
        ("bank_version", header["bank_version"], ""),
        ("bank_hash", header["bank_hash"], "SHA-256 of the bank's questions: answers merge "
                                           "only with the same edition"),
        ("wave", header["wave"], "the financial year of the stocktake"),
        ("partnership", header["partnership"], p.name),
        ("partnership_name", p.name, ""),
        ("region", p.region, ""),
        ("exported_at", header["exported_at"], "UTC; the newest export of a partnership wins "
                                               "a merge"),
        ("respondents", str(len(export.responses)), ""),
        ("rows", str(rows), "answers on the Answers sheet"),
        ("redacted", "yes" if export.redacted else "no",
         "likely personal data replaced in evidence and text answers"),
        ("seal_method", SEAL_METHOD, "SHA-256 over the answer data in canonical form, not the "
                                     "file: re-saving keeps it, editing an answer breaks it"),
        ("seal", seal, "detects accidental edits; anyone can recompute it"),
    ]
    if keyed is not None:
        entries += [("keyed_seal_method", KEYED_SEAL_METHOD,
                     "HMAC-SHA256 over the same data with the national team's key"),
                    ("keyed_seal", keyed, "only a holder of the key can make it: `merge --key` "
                                          "refuses a deliberate edit too")]
    ws.append(["key", "value", "meaning"])
    for key, value, meaning in entries:
        row = ws.max_row + 1
        for col, text in enumerate((key, value, meaning), start=1):
            set_text_cell(ws.cell(row=row, column=col), text)
    style_header_row(ws, 1, 1, 3, height=20)
    style_body(ws, 2, ws.max_row, 1, 3, wrap_cols=[2, 3])
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=1).font = LABEL_FONT
        fit_row_height(ws, row, [(68, ws.cell(row=row, column=2).value),
                                 (46, ws.cell(row=row, column=3).value)])
    set_widths(ws, {"A": 18, "B": 68, "C": 46})  # 132 units: one page wide at 80%
    left, right = _header_texts(export)
    print_setup(ws, header_left=left, header_right=right)


def _write_hidden(ws: Any, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    from stocktake.workbooks.bulk_rows import ColumnStyle, put_rows

    write_text_row(ws, 1, columns)
    plain = [ColumnStyle(ws)] * len(columns)
    put_rows(ws, 2, ([None if (v := row.get(name)) == "" else v for name in columns]
                     for row in rows), plain)
    ws.sheet_state = "hidden"
