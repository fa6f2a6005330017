"""The Evidence sheet: DfE's published figures beside the self-assessment, area by area.

Per area: the self-assessed score and level, the flag where the figures do not match that view,
then one row per linked measure (latest value and year, LAIT's band, the statistical neighbours'
mean and how many of the ten had a value, region, England, change) with a small trend chart; the
licence credit at the top and the foot. Values only, never formulas. The series behind the trend
charts sit in columns to the right, under a heading that says so.

    add_partnership_evidence(wb, export)        # in the partnership workbook, when it applies
    write_evidence_workbook(Path("camden-evidence.xlsx"), view, self_views)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from stocktake.evidence.report import CONTEXT, LINK_NOTES, link_area, link_notes
from stocktake.records.provenance import marked
from stocktake.privacy.injection import set_text_cell, write_text_row
from stocktake.workbooks.print_setup import PAGE_SAFETY, page_height
from stocktake.workbooks.styles import (LABEL_FONT, NOTE_FONT, WRAP_TOP, merge_row, place_chart,
                                        fill_band, fit_row_height, key_value_rows, print_setup,
                                        row_height_for, save_workbook, set_widths, style_body,
                                        style_header_row, write_title)

SHEET = "Evidence"
COLUMNS = ("Measure", "Year", "Value", "Band", "Neighbours' mean", "Neighbours counted",
           "Region", "England", "Change", "Trend")
TREND_COL = COLUMNS.index("Trend") + 1
DATA_COL = len(COLUMNS) + 2  # the charts' series start here, one blank column after the table
BAND_COLOURS = {"A": "#6FBF73", "B": "#B7DEA8", "C": "#FFE08A", "D": "#F4B6B6"}
FLAG_FONT = Font(name="Calibri", size=10, bold=True, color="B91C1C")
ROW_HEIGHT = 42  # points: room for a trend chart beside each measure
# The table prints one page wide at 8 pt or more (print_setup.LEGIBLE_WIDTH): issue 26 saw a
# block's heading cut at the page's edge when the Trend column printed on a page of its own.
LABEL_WIDTH = 34
INFO_WIDTH = 79  # columns B to I, as set_widths sets them below


def write_evidence_workbook(path: Path, view: Any, self_views: Sequence[Any] = ()) -> Path:
    """A workbook holding only the Evidence sheet (`stocktake evidence --xlsx`)."""
    wb = Workbook()
    default = wb.active
    add_evidence_sheet(wb, view, self_views, index=0)
    wb.remove(default)
    from stocktake.workbooks.print_setup import finish_print

    finish_print(wb)
    return save_workbook(wb, Path(path))


def add_partnership_evidence(wb: Workbook, export: Any) -> None:
    """Add the Evidence sheet to a partnership workbook, after Summary, when the bank links
    measures and the partnership is an English authority; otherwise leave the workbook as it is."""
    from stocktake.errors import StocktakeError
    from stocktake.evidence.flags import self_view_rows
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import bank_links, partnership_evidence

    links = bank_links([export.bank])
    if not links:
        return
    try:
        view = partnership_evidence(load_indicators(), export.partnership.code, links)
    except StocktakeError:
        return  # not an English authority: the rest of the workbook stands as before
    self_views = self_view_rows(export.bank, export.scores, view)
    add_evidence_sheet(wb, view, self_views, index=1,
                       subtitle=f"{export.bank.title} - wave {export.wave}")


def add_evidence_sheet(wb: Workbook, view: Any, self_views: Sequence[Any], *, index: int,
                       subtitle: str | None = None) -> Any:
    ws = wb.create_sheet(SHEET, index=index)
    simulated = any(s.simulated for s in self_views)
    write_title(ws, "A1", marked(f"{view.name}: published evidence beside the self-assessment",
                                 simulated),
                subtitle or "DfE Local Authority Interactive Tool (LAIT) measures")
    group = view.group
    info = [("Authority", f"{view.name} ({view.code}), DfE LA number {view.la_number}"),
            ("Region", view.region or "-"),
            ("Statistical neighbours", ", ".join(n.name for n in group.neighbours)
             if group else "none in DfE's list"),
            ("Bands", "LAIT's quartile among all authorities for the measure's latest year; "
                      "A is the best quarter (polarity from DfE's dictionary); 'context' where "
                      "DfE gives no polarity (no better or worse direction: no band, no flag); "
                      "\u2020 marks an England or region value outside every authority's own, "
                      "published on another basis and not compared"),
            ("Source", view.source if view.source != "shipped" else
             "DfE LAIT data as shipped with stocktake"),
            ("Credit", view.credit)]
    row = key_value_rows(ws, 4, info)
    # Across B to I, beside the labels (the Trend column's charts to their right),
    # each row as tall as its wrapped text.
    for r in range(4, row):
        merge_row(ws, r, 2, len(COLUMNS) - 1, boxed=True)
        ws.cell(row=r, column=2).alignment = WRAP_TOP
        fit_row_height(ws, r, [(INFO_WIDTH, ws.cell(row=r, column=2).value)])
    row += 1
    flags = {s.key: s for s in self_views}
    sections: dict[str, list] = {}
    for m in view.measures:
        # A context or present-day link is shown in its area's block, the row saying which.
        for key in (m.areas or ("",)):
            sections.setdefault(link_area(key), []).append((m, link_notes(key)))
    set_text_cell(ws.cell(row=row - 1, column=DATA_COL),
                  "Series behind the trend charts (values as published; blank: not published)")
    ws.cell(row=row - 1, column=DATA_COL).font = NOTE_FONT
    # Set up for print before the tables are laid out: a table longer than a printed page is
    # cut into parts that each fit one, each under its own header row.
    set_widths(ws, {1: LABEL_WIDTH, 2: 9, 3: 11, 4: 7, 5: 12, 6: 11, 7: 10, 8: 10, 9: 9, 10: 22})
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}1"
    print_setup(ws, header_left=marked(f"{view.name} ({view.code})", simulated),
                header_right="Published evidence (DfE LAIT)")
    room = page_height(ws) * PAGE_SAFETY
    for key, measures in sections.items():
        row = _area_block(ws, row, key, measures, flags.get(key), room)
    set_text_cell(ws.cell(row=row, column=1), view.credit)
    ws.cell(row=row, column=1).font = NOTE_FONT
    ws.print_area = f"A1:{get_column_letter(len(COLUMNS))}{row}"
    return ws


HEAD_POINTS = 30  # the header row (style_header_row's height) and the area's title above it
TITLE_POINTS = 15


def _area_block(ws: Any, row: int, key: str, measures: list, own: Any, room: float) -> int:
    """An area's title (and flag), then its measures under a header row; where they would run
    past a printed page (`room` points of rows), in parts that each fit one, each part titled
    "(continued)" under a header row of its own, since a sheet of many tables cannot repeat
    one header row atop every page. Returns the row after the block's blank row."""
    heading = key.split("/", 1)[-1] if key else "Measures asked for"
    title = own.title if own is not None else heading
    text = title if own is None else f"{title}: self-assessed {own.score_text}"
    flagged = own is not None and bool(own.flag)
    heights = [_measure_height(m, notes) for m, notes in measures]
    parts: list[list[int]] = [[]]
    used: float = TITLE_POINTS * (2 if flagged else 1) + HEAD_POINTS
    for index, height in enumerate(heights):
        if parts[-1] and used + height > room:
            parts.append([])
            used = TITLE_POINTS + HEAD_POINTS
        parts[-1].append(index)
        used += height
    for number, part in enumerate(parts):
        cell = ws.cell(row=row, column=1)
        set_text_cell(cell, text if number == 0 else f"{text} (continued)")
        cell.font = LABEL_FONT
        merge_row(ws, row, 1, len(COLUMNS))
        if own is not None and own.level:
            cell.fill = PatternFill("solid", start_color="DCE6F1", end_color="DCE6F1")
        row += 1
        if flagged and number == 0:
            flag = ws.cell(row=row, column=1)
            set_text_cell(flag, f"Flag: {own.flag}")
            flag.font = FLAG_FONT
            merge_row(ws, row, 1, len(COLUMNS))
            row += 1
        write_text_row(ws, row, COLUMNS)
        style_header_row(ws, row, 1, len(COLUMNS), height=HEAD_POINTS)
        top = row
        for index in part:
            row += 1
            m, notes = measures[index]
            _measure_row(ws, row, m, notes, heights[index])
        style_body(ws, top + 1, row, 1, len(COLUMNS), wrap_cols=[1])
        for r in range(top + 1, row + 1):
            band = ws.cell(row=r, column=4)
            if band.value in BAND_COLOURS:
                fill_band(band, BAND_COLOURS[band.value])
                band.alignment = Alignment(horizontal="center", vertical="top")
        if number < len(parts) - 1:
            row += 1  # the next part starts a page (print_setup keeps each part whole)
    return row + 2


def _measure_height(m: Any, notes: tuple[str, ...]) -> float:
    """The height in points _measure_row gives the measure's row."""
    return max(ROW_HEIGHT, row_height_for([(LABEL_WIDTH, _measure_label(m, notes))]))


def _measure_label(m: Any, notes: tuple[str, ...] = ()) -> str:
    """The Measure cell's text: the measure, its notes, source and comparators' caveats."""
    measure = m.measure
    label = f"{measure.label} [{measure.id}]" + (f" ({measure.unit})" if measure.unit else "")
    for note in notes:
        text = LINK_NOTES.get(note, note)
        label += f". {text[0].upper()}{text[1:]}"
    if measure.source:
        label += f". Source: {measure.source}"
    if m.context:
        label += f". {CONTEXT[0].upper()}{CONTEXT[1:]}"
    for note in m.comparator_notes():
        label += f". \u2020 {note.split(': ', 1)[1]}"
    return label


def _measure_row(ws: Any, row: int, m: Any, notes: tuple[str, ...], height: float) -> None:
    """One measure's row, `height` points tall (_measure_height)."""
    measure = m.measure
    number_format = "#,##0" + ("." + "0" * measure.places if measure.places else "")
    label = _measure_label(m, notes)
    band = m.band or ("context" if m.context else "-")
    outside = m.not_comparable
    region = _value(m.region_value)
    england = _value(m.england)
    # A comparator on another basis is not set beside the authority's value as a number.
    if m.region_name in outside:
        region = "\u2020"
    if "England" in outside:
        england = "\u2020"
    values = [label, m.latest.year or "-", _value(m.latest.value), band,
              _round(m.neighbours_mean), f"{m.neighbours_counted} of {m.neighbours_in_group}",
              region, england, _round(m.change)]
    write_text_row(ws, row, values)
    for col in (3, 5, 7, 8, 9):
        cell = ws.cell(row=row, column=col)
        if isinstance(cell.value, float):
            cell.number_format = number_format if col != 9 else "+" + number_format + ";-" + \
                number_format + ";0"
    # Tall enough for the wrapped label, and never shorter than the trend chart.
    ws.row_dimensions[row].height = height
    if len(m.series) >= 2:
        _trend_chart(ws, row, m)


def _trend_chart(ws: Any, row: int, m: Any) -> None:
    years = [s.year for s in m.series]
    write_text_row(ws, row, years, first_col=DATA_COL)
    # Years on the row itself, values just below in a hidden row would break the table; keep
    # both on this row: years in the first half, values in the second.
    first_value = DATA_COL + len(years)
    for i, s in enumerate(m.series):
        set_text_cell(ws.cell(row=row, column=first_value + i),
                      s.value if s.published else None)
    chart = LineChart()
    chart.legend = None
    chart.y_axis.delete = True
    chart.x_axis.delete = True
    chart.y_axis.majorGridlines = None
    data = Reference(ws, min_col=first_value, max_col=first_value + len(years) - 1,
                     min_row=row, max_row=row)
    chart.add_data(data, from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=DATA_COL, max_col=first_value - 1,
                                   min_row=row, max_row=row))
    series = chart.series[0]
    series.graphicalProperties.line.solidFill = "1F4E79"
    series.graphicalProperties.line.width = 19050
    series.smooth = False
    chart.display_blanks = "gap"
    place_chart(ws, chart, TREND_COL, TREND_COL, row, 1)  # the Trend cell, and no more


def _value(value: Any) -> Any:
    return _round(value) if isinstance(value, float) else "not published"


def _round(value: float | None) -> float | None:
    # Binary noise from the source ("21.700000000000003") and from subtraction is not data.
    return None if value is None else round(value, 10)
