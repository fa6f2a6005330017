"""The benchmark workbook: every partnership's scores side by side, for a region or the nation.

Sheets: `Scores` (long form, one row per partnership and area, an Excel table with filters),
`Matrix` (partnerships x areas with a colour scale), `Distribution` (per area minimum, quartiles,
median, maximum and mean, with a chart), `Regions` (region means per area), `About` (bank,
wave, method), and `Sources` when it comes from a national merge. Values only, no formulas.

    bench = national_benchmark(ws, bank, "2026-27")
    write_benchmark_workbook(Path("exports/benchmark.xlsx"), bench, bank,
                             {p.code: p for p in ws.partnerships()})
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from stocktake import __version__
from stocktake.responses import now_iso
from stocktake.safety import set_text_cell, write_text_row
from stocktake.workbooks import BENCHMARK_WORKBOOK, FORMAT_VERSION
from stocktake.workbooks.partnership import chart_label
from stocktake.workbooks.styles import (BODY_FONT, CENTRE, HEADER_FONT, LABEL_FONT, NOTE_FONT,
                                        RANK_FORMAT,
                                        SCORE_FORMAT, SHARE_FORMAT, WRAP_TOP, StyleMemo,
                                        chart_title,
                                        band_fill,
                                        fit_row_height, hex_colour, print_setup, save_workbook,
                                        set_row_heights, set_widths, style_body,
                                        style_header_row, wrapped_lines,
                                        write_title)

if TYPE_CHECKING:
    from stocktake.banks import Bank
    from stocktake.benchmark import Benchmark
    from stocktake.partnerships import Partnership

OVERALL = "overall"
SCORES_COLUMNS = ("partnership", "name", "region", "area", "score", "level", "coverage",
                  "quartile", "percentile_rank")
# (partnership code, file name, exported_at, respondents, answers) per merged workbook.
Source = tuple[str, str, str, int, int]


def write_benchmark_workbook(path: Path, benchmark: "Benchmark", bank: "Bank",
                             partnerships: Mapping[str, "Partnership"], *,
                             shared: bool = False) -> Path:
    """Write the benchmark workbook to `path`, atomically, owner-only unless `shared`."""
    return save_workbook(benchmark_workbook(benchmark, bank, partnerships), Path(path),
                         shared=shared)


def write_national_workbook(path: Path, benchmark: "Benchmark", bank: "Bank",
                            partnerships: Mapping[str, "Partnership"],
                            sources: Sequence[Source], returns: Sequence[Any] | None = None,
                            *, shared: bool = False) -> Path:
    """The benchmark workbook of a national merge, with a `Sources` sheet of the files merged
    and, given `returns` (ReturnRow), a `Returns` sheet of every authority expected."""
    wb = benchmark_workbook(benchmark, bank, partnerships, sources=sources)
    if returns is not None:
        from stocktake.workbooks.returns_sheet import write_returns_sheet

        write_returns_sheet(wb.create_sheet("Returns", index=1), returns, bank, benchmark.wave)
    return save_workbook(wb, Path(path), shared=shared)


def benchmark_workbook(benchmark: "Benchmark", bank: "Bank",
                       partnerships: Mapping[str, "Partnership"],
                       sources: Sequence[Source] | None = None) -> Workbook:
    created = now_iso()
    scope = "National merge" if sources is not None else "Benchmark"
    header_left = f"{scope}: {bank.title}"
    header_right = f"Wave {benchmark.wave} - created {created[:10]}"
    wb = Workbook()
    scores = wb.active
    scores.title = "Scores"
    _write_scores(scores, benchmark, bank, partnerships)
    _write_matrix(wb.create_sheet("Matrix"), benchmark, bank, partnerships)
    _write_distribution(wb.create_sheet("Distribution"), benchmark, bank)
    _write_regions(wb.create_sheet("Regions"), benchmark, bank)
    if sources is not None:
        _write_sources(wb.create_sheet("Sources"), sources, partnerships)
    _write_about(wb.create_sheet("About"), benchmark, bank, created, scope,
                 len(sources) if sources is not None else None)
    for ws in wb.worksheets:
        print_setup(ws, header_left=header_left, header_right=header_right,
                    title_rows="1:1" if ws.title in ("Scores", "Matrix", "Sources") else None)
    return wb


def _name(partnerships: Mapping[str, "Partnership"], code: str) -> str:
    p = partnerships.get(code)
    return p.name if p is not None and p.name else code


def _region(benchmark: "Benchmark", partnerships: Mapping[str, "Partnership"], code: str) -> str:
    region = benchmark.regions.get(code, "")
    if not region and code in partnerships:
        region = partnerships[code].region
    return region


def _area_ids(bank: "Bank") -> list[tuple[str, str]]:
    return [(a.id, a.title) for a in bank.areas] + [(OVERALL, "Overall")]


# ---------------------------------------------------------------- Scores


def _write_scores(ws: Any, benchmark: "Benchmark", bank: "Bank",
                  partnerships: Mapping[str, "Partnership"]) -> None:
    ws.append(list(SCORES_COLUMNS))
    fills: dict[str | None, StyleMemo] = {}
    row = 1
    for scores in benchmark.scores:
        code = scores.partnership
        name, region = _name(partnerships, code), _region(benchmark, partnerships, code)
        results = [(a.id, a.score, a.level, a.colour, a.coverage) for a in scores.areas]
        results.append((OVERALL, scores.overall, scores.overall_level, scores.overall_colour,
                        None))
        for area_id, score, level, colour, coverage in results:
            row += 1
            position = _position(benchmark, code, area_id)
            values = [code, name, region, area_id, score, level or "withheld", coverage,
                      position.quartile if position else None,
                      position.percentile_rank if position else None]
            write_text_row(ws, row, values)
            fills.setdefault(colour, StyleMemo(fill=band_fill(colour))).apply(
                ws.cell(row=row, column=6))
    style_header_row(ws, 1, 1, len(SCORES_COLUMNS), height=20)
    plain = StyleMemo(font=BODY_FONT)
    formats = {4: SCORE_FORMAT, 6: SHARE_FORMAT, 8: RANK_FORMAT}
    memos = [plain if i < 4 else
             StyleMemo(font=BODY_FONT, alignment=CENTRE, number_format=formats[i])
             if i in formats else StyleMemo(font=BODY_FONT, alignment=CENTRE)
             for i in range(len(SCORES_COLUMNS))]
    for cells in ws.iter_rows(min_row=2, max_row=row):
        for memo, cell in zip(memos, cells):
            memo.apply(cell)
    set_row_heights(ws, 2, row)
    if row > 1:
        table = Table(displayName="BenchmarkScores", ref=f"A1:I{row}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    ws.freeze_panes = "A2"
    set_widths(ws, {"A": 13, "B": 28, "C": 22, "D": 16, "E": 9, "F": 13, "G": 11, "H": 10,
                    "I": 15})


def _position(benchmark: "Benchmark", code: str, area_id: str) -> Any:
    try:
        return benchmark.position(code, area_id)
    except KeyError:
        return None


# ---------------------------------------------------------------- Matrix


def colour_scale(bank: "Bank") -> ColorScaleRule:
    """Low to high in the bank's own band colours, at fixed points so colours mean the same
    score in every workbook."""
    bands = bank.bands
    low, high = hex_colour(bands[0].colour), hex_colour(bands[-1].colour)
    mid = hex_colour(bands[len(bands) // 2 - 1].colour if len(bands) > 2 else bands[0].colour)
    return ColorScaleRule(start_type="num", start_value=0, start_color=low,
                          mid_type="num", mid_value=50, mid_color=mid,
                          end_type="num", end_value=100, end_color=high)


def _write_matrix(ws: Any, benchmark: "Benchmark", bank: "Bank",
                  partnerships: Mapping[str, "Partnership"]) -> None:
    areas = _area_ids(bank)
    heads = ["Partnership", "Name", "Region"] + [title for _, title in areas]
    for col, text in enumerate(heads, start=1):
        set_text_cell(ws.cell(row=1, column=col), text)
    row = 1
    for scores in benchmark.scores:
        row += 1
        code = scores.partnership
        by_area = {a.id: a.score for a in scores.areas}
        by_area[OVERALL] = scores.overall
        values: list[Any] = [code, _name(partnerships, code),
                             _region(benchmark, partnerships, code)]
        values += [by_area.get(area_id) for area_id, _ in areas]
        write_text_row(ws, row, values)
    last_col = len(heads)
    style_area_headers(ws, 4, last_col, heads[3:])
    style_body(ws, 2, row, 1, last_col)
    set_row_heights(ws, 2, row)
    score = StyleMemo(number_format=SCORE_FORMAT, alignment=CENTRE)
    bold = StyleMemo(font=LABEL_FONT)
    for cells in ws.iter_rows(min_row=2, max_row=row, min_col=4, max_col=last_col):
        for cell in cells:
            score.apply(cell)
        bold.apply(cells[-1])
    if row > 1:
        span = f"D2:{get_column_letter(last_col)}{row}"
        ws.conditional_formatting.add(span, colour_scale(bank))
        ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{row}"
    ws.freeze_panes = "D2"
    set_widths(ws, {"A": 11, "B": 24, "C": 16} | {get_column_letter(c): AREA_WIDTH
                                                   for c in range(4, last_col + 1)})


AREA_WIDTH = 13
AREA_HEAD_FONT = Font(name=HEADER_FONT.name, size=9, bold=True, color="FFFFFF")


def style_area_headers(ws: Any, first_col: int, last_col: int, titles: Sequence[str]) -> None:
    """A header row whose area columns carry long titles: smaller type, wrapped at word breaks,
    the row as tall as the longest title needs."""
    # Bold 9-point text runs about 1.3 characters per width unit; a word longer than a line
    # would be split mid-word, so lines are counted at that width.
    lines = max((wrapped_lines(t, AREA_WIDTH * 1.08) for t in titles), default=1)
    style_header_row(ws, 1, 1, last_col, height=max(2, lines) * 12 + 8)
    for col in range(first_col, last_col + 1):
        ws.cell(row=1, column=col).font = AREA_HEAD_FONT


# ---------------------------------------------------------------- Distribution


DIST_COLUMNS = ("Area", "Partnerships", "Minimum", "Lower quartile", "Median", "Upper quartile",
                "Maximum", "Mean")
SEGMENTS = (("Below minimum", None), ("Minimum to lower quartile", "D1D5DB"),
            ("Lower quartile to median", "9DC3E6"), ("Median to upper quartile", "2E75B6"),
            ("Upper quartile to maximum", "D1D5DB"))
SEGMENT_COL = 11  # column K: the chart's segment lengths, outside the printed table


def _write_distribution(ws: Any, benchmark: "Benchmark", bank: "Bank") -> None:
    write_title(ws, "A1", "How the partnerships' scores are spread",
                f"{benchmark.count} partnerships; quartiles as Excel's QUARTILE.INC")
    top = 4
    for col, text in enumerate(DIST_COLUMNS, start=1):
        set_text_cell(ws.cell(row=top, column=col), text)
    style_header_row(ws, top, 1, len(DIST_COLUMNS))
    distributions = list(benchmark.areas)
    if benchmark.overall is not None:
        distributions.append(benchmark.overall)
    row = top
    for d in distributions:
        row += 1
        values = [d.title, d.n, d.min, d.q1, d.median, d.q3, d.max, d.mean]
        write_text_row(ws, row, values)
    style_body(ws, top + 1, row, 1, len(DIST_COLUMNS), wrap_cols=[1])
    set_row_heights(ws, top + 1, row)
    for cells in ws.iter_rows(min_row=top + 1, max_row=row, min_col=2,
                              max_col=len(DIST_COLUMNS)):
        for cell in cells:
            cell.alignment = CENTRE
            if cell.column > 2:
                cell.number_format = SCORE_FORMAT
    for cell in ws[row]:
        if cell.column <= len(DIST_COLUMNS):
            cell.font = LABEL_FONT
    set_widths(ws, {"A": 42, "B": 13, "C": 11, "D": 13, "E": 11, "F": 13, "G": 11, "H": 11,
                    "I": 3, "J": 3, "K": 26, "L": 12, "M": 12, "N": 12, "O": 12, "P": 12})
    _write_segments(ws, distributions, top)
    note = ws.cell(row=row + 2, column=1)
    set_text_cell(note, "In the chart each bar runs from the lowest score to the highest; the "
                        "blue middle is the middle half of the partnerships (lower to upper "
                        "quartile), its two shades meeting at the median.")
    note.font = NOTE_FONT
    # The chart prints on a page of its own rather than split across two.
    ws.row_breaks.append(Break(id=row + 2))
    chart_row = row + 4
    _add_distribution_chart(ws, top, row, chart_row, len(distributions))
    ws.print_area = f"A1:H{chart_row + 32}"


def _write_segments(ws: Any, distributions: Sequence[Any], top: int) -> None:
    """Segment lengths of a floating bar per area: the chart stacks them (values, no formulas)."""
    head = ws.cell(row=top, column=SEGMENT_COL)
    set_text_cell(head, "Chart label")
    head.font = NOTE_FONT
    for offset, (name, _) in enumerate(SEGMENTS, start=1):
        cell = ws.cell(row=top, column=SEGMENT_COL + offset)
        set_text_cell(cell, name)
        cell.font = NOTE_FONT
        cell.alignment = WRAP_TOP
    for index, d in enumerate(distributions, start=1):
        row = top + index
        set_text_cell(ws.cell(row=row, column=SEGMENT_COL), chart_label(d.title, 30))
        ws.cell(row=row, column=SEGMENT_COL).font = NOTE_FONT
        points = [d.min, d.q1, d.median, d.q3, d.max]
        if any(p is None for p in points):
            lengths: list[Any] = [None] * 5
        else:
            lengths = [points[0]] + [points[i] - points[i - 1] for i in range(1, 5)]
        for offset, length in enumerate(lengths, start=1):
            cell = ws.cell(row=row, column=SEGMENT_COL + offset)
            cell.value = None if length is None else round(length, 6)
            cell.font = NOTE_FONT
            cell.number_format = SCORE_FORMAT


def _add_distribution_chart(ws: Any, top: int, last: int, anchor_row: int, count: int) -> None:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = chart_title("Spread of scores: minimum, quartiles and maximum")
    data = Reference(ws, min_col=SEGMENT_COL + 1, max_col=SEGMENT_COL + len(SEGMENTS),
                     min_row=top, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=SEGMENT_COL, min_row=top + 1, max_row=last))
    for series, (_, colour) in zip(chart.series, SEGMENTS):
        if colour is None:
            series.graphicalProperties.noFill = True
            series.graphicalProperties.line.noFill = True
        else:
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = "6B7280"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 25
    chart.y_axis.number_format = "0"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    # A legend would list the invisible first segment too; the note under the table says
    # how to read the bars instead.
    chart.legend = None
    chart.width = 24
    chart.height = min(15.0, max(9.0, 0.9 * count + 4))
    ws.add_chart(chart, f"A{anchor_row}")


# ---------------------------------------------------------------- Regions


def _write_regions(ws: Any, benchmark: "Benchmark", bank: "Bank") -> None:
    areas = _area_ids(bank)
    heads = ["Region", "Partnerships"] + [title for _, title in areas]
    for col, text in enumerate(heads, start=1):
        set_text_cell(ws.cell(row=1, column=col), text)
    members: dict[str, list[Any]] = {}
    for scores in benchmark.scores:
        members.setdefault(benchmark.regions.get(scores.partnership, "") or "", []).append(scores)
    row = 1
    for region in sorted(members, key=lambda r: (r == "", r)):
        row += 1
        means = benchmark.region_means.get(region, {})
        overall = _mean(s.overall for s in members[region])
        values: list[Any] = [region or "(no region)", len(members[region])]
        values += [overall if area_id == OVERALL else means.get(area_id) for area_id, _ in areas]
        write_text_row(ws, row, values)
    row += 1
    national: list[Any] = ["All partnerships", benchmark.count]
    national += [_safe_mean(benchmark, area_id) for area_id, _ in areas]
    write_text_row(ws, row, national)
    last_col = len(heads)
    style_area_headers(ws, 3, last_col, heads[2:])
    style_body(ws, 2, row, 1, last_col)
    set_row_heights(ws, 2, row)
    for cells in ws.iter_rows(min_row=2, max_row=row, min_col=2, max_col=last_col):
        for cell in cells:
            cell.alignment = CENTRE
            if cell.column > 2:
                cell.number_format = SCORE_FORMAT
    for cell in ws[row]:
        cell.font = LABEL_FONT
    if row > 2:
        ws.conditional_formatting.add(f"C2:{get_column_letter(last_col)}{row}",
                                      colour_scale(bank))
    ws.freeze_panes = "C2"
    note = ws.cell(row=row + 2, column=1)
    set_text_cell(note, "Means of the partnerships' area scores; a partnership without a score "
                        "in an area is left out of that area's mean.")
    note.font = NOTE_FONT
    set_widths(ws, {"A": 26, "B": 12} | {get_column_letter(c): AREA_WIDTH
                                         for c in range(3, last_col + 1)})


def _safe_mean(benchmark: "Benchmark", area_id: str) -> float | None:
    try:
        return benchmark.area(area_id).mean
    except KeyError:
        return None


def _mean(values: Any) -> float | None:
    kept = [v for v in values if v is not None]
    return math.fsum(kept) / len(kept) if kept else None


# ---------------------------------------------------------------- About and Sources


def _write_about(ws: Any, benchmark: "Benchmark", bank: "Bank", created: str, scope: str,
                 merged_files: int | None) -> None:
    bands = "; ".join(f"{b.label} from {b.min:g}" for b in bank.bands)
    entries: list[tuple[str, Any]] = [
        ("format", BENCHMARK_WORKBOOK), ("format_version", str(FORMAT_VERSION)),
        ("tool_version", __version__), ("scope", scope),
        ("bank", bank.id), ("bank_title", bank.title), ("bank_version", bank.version),
        ("bank_hash", bank.hash), ("wave", benchmark.wave),
        ("partnerships", str(benchmark.count)), ("created", created),
    ]
    if merged_files is not None:
        entries.append(("files_merged", str(merged_files)))
    entries += [
        ("levels", bands),
        ("quartiles", "Excel's QUARTILE.INC over the partnerships with a score in the area; "
                      "quartile 1 is the lowest, 4 the highest"),
        ("percentile_rank", "Excel's PERCENTRANK.INC, truncated to three digits"),
        ("coverage", "the share of applicable questions answered; a respondent's area score is "
                     f"withheld below {bank.min_coverage:.0%}"),
        ("caution", "These are self-assessments compared side by side to start conversations; "
                    "they are not a league table."),
    ]
    ws.append(["key", "value"])
    for key, value in entries:
        row = ws.max_row + 1
        set_text_cell(ws.cell(row=row, column=1), key)
        set_text_cell(ws.cell(row=row, column=2), value)
    style_header_row(ws, 1, 1, 2, height=20)
    style_body(ws, 2, ws.max_row, 1, 2, wrap_cols=[2])
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=1).font = LABEL_FONT
        fit_row_height(ws, row, [(100, ws.cell(row=row, column=2).value)])
    set_widths(ws, {"A": 18, "B": 100})


def _write_sources(ws: Any, sources: Sequence[Source],
                   partnerships: Mapping[str, "Partnership"]) -> None:
    heads = ["Partnership", "Name", "File", "Exported at", "Respondents", "Answers"]
    ws.append(heads)
    for row, (code, file_name, exported_at, respondents, answers) in enumerate(sources, start=2):
        write_text_row(ws, row, (code, _name(partnerships, code), file_name, exported_at,
                                  respondents, answers))
    last = len(sources) + 1
    style_header_row(ws, 1, 1, len(heads), height=20)
    style_body(ws, 2, last, 1, len(heads))
    set_row_heights(ws, 2, last)
    for cells in ws.iter_rows(min_row=2, max_row=last, min_col=5, max_col=6):
        for cell in cells:
            cell.alignment = Alignment(horizontal="center", vertical="top")
    ws.freeze_panes = "A2"
    if last > 1:
        ws.auto_filter.ref = f"A1:F{last}"
    set_widths(ws, {"A": 13, "B": 30, "C": 48, "D": 26, "E": 13, "F": 11})
