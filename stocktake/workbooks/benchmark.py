"""The benchmark workbook: every partnership's scores side by side, for a region or the nation.

Sheets: `Contents` (what the workbook is, for which bank and wave, how many partnerships, what
was left out, the groups, and the caveat: quartiles place a partnership among others, they are
not a league table), `Scores` (long form, one row per partnership and area or overall, with
its group, band A-D and differences from the median, region and group: an Excel table with
filters and nothing under it), `Matrix` (partnerships x areas with a colour scale), `Distribution`
(per area minimum, quartiles, median, maximum and mean, with a chart), `Regions` (region means
per area), `Groups` (group means, only with --groups), `Sources` when it comes from a national
merge, `Answers` (every merged answer, long form, national merge only), `Areas` (area id to
title) and `About` (bank, wave, method). Values only, no formulas.

    bench = national_benchmark(ws, bank, "2026-27")
    write_benchmark_workbook(Path("exports/benchmark.xlsx"), bench, bank,
                             {p.code: p for p in ws.partnerships()})
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break
from openpyxl.utils import get_column_letter

from stocktake import __version__
from stocktake.scoring.method import role_short_title
from stocktake.records.provenance import COMPARED_HEADER, compared_sentence, marked
from stocktake.reports.findings import BAND_CONVENTIONS
from stocktake.records.responses import now_iso
from stocktake.arithmetic.precision import published, published_share
from stocktake.privacy.injection import set_text_cell, write_text_row
from stocktake.workbooks import BENCHMARK_WORKBOOK, FORMAT_VERSION
from stocktake.workbooks.partnership import chart_label
from stocktake.workbooks.codebook_sheet import CODEBOOK_PURPOSE
from stocktake.workbooks.styles import (BODY_FONT, CENTRE, HEADER_FONT, LABEL_FONT, NOTE_FONT,
                                        note_rows,
                                        data_table,
                                        BOX, LABEL_FILL, fill_heat, key_value_rows,
                                        RANK_FORMAT,
                                        SCORE_FORMAT, SHARE_FORMAT, WRAP_TOP, StyleMemo,
                                        chart_title, place_chart,
                                        band_fill,
                                        fit_row_height, header_footer_text, header_pair,
                                        print_setup,
                                        save_workbook,
                                        set_row_heights, set_widths, style_body,
                                        style_header_row,
                                        write_title)

if TYPE_CHECKING:
    from stocktake.banks.model import Bank
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.partnerships.model import Partnership

OVERALL = "overall"
SCORES_COLUMNS = ("partnership", "name", "region", "group", "row_type", "area", "area_title",
                  "score", "level", "coverage", "quorum", "quartile", "band", "percentile_rank",
                  "vs_median", "vs_region", "vs_group")
GROUP_ONLY = ("group", "vs_group")  # left out of a workbook made without --groups
CAVEAT = ("Quartiles place a partnership among others, as in DfE's LAIT; they are not a league "
          "table of quality. These are self-assessments set side by side to start "
          "conversations, and the spread inside a partnership often says more than its place.")
# (partnership code, file name, exported_at, respondents, answers) per merged workbook.
Source = tuple[str, str, str, int, int]


def write_benchmark_workbook(path: Path, benchmark: "Benchmark", bank: "Bank",
                             partnerships: Mapping[str, "Partnership"], *,
                             shared: bool = False, groups_source: str = "") -> Path:
    """Write the benchmark workbook to `path`, atomically, owner-only unless `shared`;
    returns the path. Scores from `stocktake demo` answers (benchmark.simulated) mark the title,
    Contents and About as demo data; `groups_source` names the --groups file on the Contents
    sheet."""
    return save_workbook(benchmark_workbook(benchmark, bank, partnerships,
                                            groups_source=groups_source),
                         Path(path), shared=shared)


def benchmark_workbook(benchmark: "Benchmark", bank: "Bank",
                       partnerships: Mapping[str, "Partnership"],
                       sources: Sequence[Source] | None = None,
                       write_answers: Callable[[Any], None] | None = None,
                       groups_source: str = "",
                       more_sheets: Callable[[Workbook, str, str], None] | None = None
                       ) -> Workbook:
    """The workbook (openpyxl). With `write_answers` (a function of the empty sheet), an
    `Answers` sheet after `Sources`, written by it: the national merge writes its header row
    there and splices the rows in after (stocktake.national.workbook). With `more_sheets`, a
    function of the workbook and the page header's left and right texts that adds sheets of
    its own, each with its print setup, before the Contents sheet lists every sheet in tab
    order."""
    created = now_iso()
    scope = "National merge" if sources is not None else "Benchmark"
    invented, every = _simulated_count(benchmark)
    if invented and invented == every:
        scope = marked(scope, True)
    elif invented:  # some real partnerships among invented ones: say it of the comparison
        scope = f"{COMPARED_HEADER} - {scope}"
    header_right = f"Wave {benchmark.wave} - created {created[:10]}"
    header_left, header_right = header_pair((f"{scope}: {bank.title}", header_right),
                                            (f"{scope}: {bank.id}", header_right))
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    _write_scores(wb.create_sheet("Scores"), benchmark, bank, partnerships)
    _write_matrix(wb.create_sheet("Matrix"), benchmark, bank, partnerships)
    _write_distribution(wb.create_sheet("Distribution"), benchmark, bank)
    _write_regions(wb.create_sheet("Regions"), benchmark, bank)
    if benchmark.groups:
        _write_groups(wb.create_sheet("Groups"), benchmark, bank)
    if sources is not None:
        _write_sources(wb.create_sheet("Sources"), sources, partnerships)
    if write_answers is not None:
        write_answers(wb.create_sheet("Answers"))
    _write_areas(wb.create_sheet("Areas"), bank)
    _write_about(wb.create_sheet("About"), benchmark, bank, created, scope,
                 len(sources) if sources is not None else None)
    own = set(wb.sheetnames)
    if more_sheets is not None:
        more_sheets(wb, header_left, header_right)
    _write_contents(contents, benchmark, bank, scope, wb.sheetnames, partnerships,
                    groups_source, "merge" if sources is not None else "benchmark")
    for ws in (ws for ws in wb.worksheets if ws.title in own):
        print_setup(ws, header_left=header_left, header_right=header_right,
                    title_rows="1:1" if ws.title in ("Scores", "Matrix", "Sources", "Answers",
                                                     "Groups", "Regions") else None)
    from stocktake.workbooks.print_setup import finish_print

    # The Codebook is a reference of hundreds of rows, for screen as Answers is;
    # `stocktake codebook BANK --out codebook.md` is the one to print.
    finish_print(wb, screen=("Scores", "Answers", "Codebook"))
    wb.properties.title = f"{scope}: {bank.title}, wave {benchmark.wave}"
    wb.properties.creator = f"stocktake {__version__}"
    wb.properties.subject = "Children's services partnership stocktake benchmark"
    return wb


def score_columns(benchmark: "Benchmark") -> tuple[str, ...]:
    """The Scores sheet's columns: `group` and `vs_group` only when groups were given."""
    if benchmark.groups:
        return SCORES_COLUMNS
    return tuple(c for c in SCORES_COLUMNS if c not in GROUP_ONLY)


# ---------------------------------------------------------------- Contents


SHEET_PURPOSES = {
    "Contents": "this page",
    "Scores": "one row per partnership and area (row_type 'area') or overall (row_type "
              "'overall'): score, level, quartile, band A-D, percentile rank, and the "
              "differences from the median, its region's mean and its group's mean (for "
              "screen: printed, it fits the page width in small type)",
    "Matrix": "partnerships x areas, coloured by score",
    "Distribution": "each area's minimum, quartiles, median, maximum and mean, with a chart",
    "Regions": "each region's mean score per area",
    "Groups": "each comparator group's mean score per area (from --groups)",
    "Sources": "the returned workbooks merged",
    "Answers": "every merged answer, one row each, with partnership, role and question "
               "(for screen: printed, it fits the page width in small type)",
    "Returns": "every authority expected in the round (--expect), whether its return "
               "arrived, and the file merged",
    "Codebook": CODEBOOK_PURPOSE + " (for screen: printed, it fits the page width in small "
                                   "type)",
    "Areas": "area ids and their titles",
    "About": "bank, wave and method, for reading back",
}


def _write_contents(ws: Any, benchmark: "Benchmark", bank: "Bank", scope: str,
                    sheets: Sequence[str], partnerships: Mapping[str, "Partnership"],
                    groups_source: str = "", command: str = "benchmark") -> None:
    write_title(ws, "A1", f"{scope}: {bank.title}",
                f"Wave {benchmark.wave}; {benchmark.count} partnership"
                f"{'s' if benchmark.count != 1 else ''} compared")
    excluded = ", ".join(f"{_name(partnerships, c)} ({c})" for c in benchmark.excluded) or "none"
    below = benchmark.left_out()
    groups = sorted(set(benchmark.groups.values()))
    method = ("the mean of the partner roles' scores (each partner sector counts once)"
              if bank.partnership_score == "roles" else "the mean over the respondents")
    apart = ", ".join(role_short_title(bank.role_title(r)) for r in bank.apart_role_ids)
    rows: list[tuple[str, Any]] = [
        *([("Simulated", "Every answer here was invented by stocktake\u2019s demo command: the "
                         "councils are real, their scores are not, and nothing here says "
                         "anything about them.")] if _all_simulated(benchmark) else
          [("Simulated", compared_sentence(*_simulated_count(benchmark)))]
          if benchmark.simulated else []),
        ("What this is", f"A comparison of {benchmark.count} partnerships' self-assessed "
                         f"scores on the {bank.title} ({bank.id} {bank.version}), wave "
                         f"{benchmark.wave}."),
        ("Not a league table", CAVEAT),
        ("Partnership score", f"Per area, {method}."
                              + (f" Reported apart, never in the score: {apart}." if apart
                                 else "")),
        ("Partner quorum", f"An area answered by fewer than {bank.min_roles} partner role(s) is "
                           "not a partnership view: shown, but left out of the quartiles. "
                           f"Left out here: {below} area score(s)."
                           if bank.min_roles > 1 else "Every area with a score is compared."),
        ("Left out", f"Partnerships excluded: {excluded}."),
        ("Groups", (f"From {groups_source}: " if groups_source else "")
                   + f"{len(groups)} comparator group(s): {', '.join(groups)}."
                   + (f" Codes in the groups file with no partnership here: "
                      f"{', '.join(benchmark.unmatched_groups)}."
                      if benchmark.unmatched_groups else "")
                   if groups else f"None given ({command} --groups FILE adds group means)."),
        ("Bands", "A: the top quarter of partnerships in the area (at or above the upper "
                  "quartile), B the next, C, D the lowest quarter. " + BAND_CONVENTIONS),
        ("Minimum count", f"No median, quartile, band, percentile rank or mean is given over "
                          f"fewer than {benchmark.min_count} partnerships (the bank's "
                          f"min_count; change it with --min-count N): a figure of so few "
                          f"would describe those partnerships, not the round. Such a figure "
                          f"reads – (Distribution, Regions, Groups) or is left empty "
                          f"(Scores: quartile, band, percentile_rank, vs_median, vs_region)."),
        ("Quartiles", "Excel's QUARTILE.INC; percentile ranks Excel's PERCENTRANK.INC "
                      "truncated to three digits."),
        ("Distribution chart", "Each bar runs from the lowest score to the highest; the blue "
                               "middle is the middle half of the partnerships (lower to upper "
                               "quartile), its two shades meeting at the median."),
        ("Means", "Region and group means leave out a partnership without a score in the "
                  f"area, and are given only over {benchmark.min_count} or more partnerships; "
                  "the Partnerships column says how many each region or group has."),
        ("Colours", "Score colours run from light (low) to dark (high) in one hue, so they "
                    "read in greyscale: 0 light, 50 middle, 100 dark."),
    ]
    row = key_value_rows(ws, 4, rows)
    style_body(ws, 4, row - 1, 1, 2, wrap_cols=[2])
    for r in range(4, row):
        ws.cell(row=r, column=1).font = LABEL_FONT
        ws.cell(row=r, column=1).fill = LABEL_FILL
        fit_row_height(ws, r, [(90, ws.cell(row=r, column=2).value)])
    # The legend of the Matrix, Regions and Groups colours: a swatch per step, down column A
    # (to the right of the sheet's wide column it would print on a page of its own).
    row += 1
    set_text_cell(ws.cell(row=row, column=1), "Colour legend")
    ws.cell(row=row, column=1).font = LABEL_FONT
    set_text_cell(ws.cell(row=row, column=2),
                  "Matrix, Regions and Groups colour each score in one hue, light for low and "
                  "dark for high, so the colours also read in greyscale:")
    ws.cell(row=row, column=2).font = BODY_FONT
    ws.cell(row=row, column=2).alignment = WRAP_TOP
    fit_row_height(ws, row, [(90, ws.cell(row=row, column=2).value)])
    for value in (0, 25, 50, 75, 100):
        row += 1
        cell = ws.cell(row=row, column=1)
        cell.value = value
        cell.font = BODY_FONT
        cell.alignment = CENTRE
        cell.border = BOX
        fill_heat(cell, value)
    row += 2
    first_sheet_row = row
    set_text_cell(ws.cell(row=row, column=1), "Sheet")
    set_text_cell(ws.cell(row=row, column=2), "What it holds")
    style_header_row(ws, row, 1, 2, height=20)
    for name in sheets:
        row += 1
        set_text_cell(ws.cell(row=row, column=1), name)
        set_text_cell(ws.cell(row=row, column=2), SHEET_PURPOSES.get(name, ""))
    style_body(ws, first_sheet_row + 1, row, 1, 2, wrap_cols=[2])
    for r in range(first_sheet_row + 1, row + 1):
        ws.cell(row=r, column=1).font = LABEL_FONT
        fit_row_height(ws, r, [(90, ws.cell(row=r, column=2).value)])
    set_widths(ws, {"A": 22, "B": 90})
    ws.sheet_view.showGridLines = False


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
    columns = score_columns(benchmark)
    ws.append(list(columns))
    titles = dict(_area_ids(bank))
    fills: dict[str | None, StyleMemo] = {}
    level_col = columns.index("level") + 1
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
            record = {"partnership": code, "name": name, "region": region,
                      "group": benchmark.groups.get(code) or None,
                      "row_type": "overall" if area_id == OVERALL else "area",
                      "area": area_id, "area_title": titles.get(area_id, area_id),
                      "score": published(score), "level": level or "withheld",
                      "coverage": published_share(coverage),
                      "quorum": ("yes" if position is None or position.quorum else "no"),
                      "quartile": position.quartile if position else None,
                      "band": position.band if position else None,
                      "percentile_rank": position.percentile_rank if position else None,
                      "vs_median": position.vs_median if position else None,
                      "vs_region": position.vs_region if position else None,
                      "vs_group": position.vs_group if position else None}
            write_text_row(ws, row, [record[c] for c in columns])
            fills.setdefault(colour, StyleMemo(fill=band_fill(colour))).apply(
                ws.cell(row=row, column=level_col))
    style_header_row(ws, 1, 1, len(columns), height=20)
    plain = StyleMemo(font=BODY_FONT)
    formats = {"score": SCORE_FORMAT, "coverage": SHARE_FORMAT,
               "percentile_rank": RANK_FORMAT, "vs_median": SIGNED_FORMAT,
               "vs_region": SIGNED_FORMAT, "vs_group": SIGNED_FORMAT}
    left = ("partnership", "name", "region", "group", "row_type", "area", "area_title")
    wrapped = StyleMemo(font=BODY_FONT, alignment=WRAP_TOP)
    memos = [wrapped if c in ("area_title", "group") else plain if c in left else
             StyleMemo(font=BODY_FONT, alignment=CENTRE, number_format=formats[c])
             if c in formats else StyleMemo(font=BODY_FONT, alignment=CENTRE)
             for c in columns]
    title_col = columns.index("area_title")
    group_col = columns.index("group") if "group" in columns else None
    for cells in ws.iter_rows(min_row=2, max_row=row):
        for memo, cell in zip(memos, cells):
            memo.apply(cell)
        # Long area titles wrap, and the row grows to hold them: nothing cut off on paper.
        texts = [(SCORE_WIDTHS["area_title"], cells[title_col].value)]
        if group_col is not None:
            texts.append((SCORE_WIDTHS["group"], cells[group_col].value))
        fit_row_height(ws, cells[0].row, texts)
    if row > 1:
        data_table(ws, "BenchmarkScores", [ws.cell(row=1, column=c).value
                                           for c in range(1, len(columns) + 1)], row)
    ws.freeze_panes = "B2"
    set_widths(ws, {i: SCORE_WIDTHS[c] for i, c in enumerate(columns, start=1)})


# Wide enough for every name and region whole ("Bournemouth, Christchurch and Poole",
# "Yorkshire and The Humber"); area titles and groups wrap.
SCORE_WIDTHS = {"partnership": 12, "name": 29, "region": 21, "group": 16, "row_type": 9,
                "area": 14, "area_title": 36, "score": 7, "level": 12, "coverage": 9,
                "quorum": 8, "quartile": 8, "band": 6, "percentile_rank": 10, "vs_median": 10,
                "vs_region": 10, "vs_group": 10}


SIGNED_FORMAT = "+0.0;-0.0;0.0"


def _position(benchmark: "Benchmark", code: str, area_id: str) -> Any:
    try:
        return benchmark.position(code, area_id)
    except KeyError:
        return None


# ---------------------------------------------------------------- Matrix


def colour_scale(bank: "Bank") -> ColorScaleRule:
    """The shared single-hue scale (light low, dark high): it reads in greyscale; its legend
    is on the Contents sheet, so that no data sheet holds anything but its table."""
    from stocktake.workbooks.styles import heat_scale

    return heat_scale()


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
        by_area = {a.id: published(a.score) for a in scores.areas}
        by_area[OVERALL] = published(scores.overall)
        values: list[Any] = [code, _name(partnerships, code),
                             _region(benchmark, partnerships, code)]
        values += [by_area.get(area_id) for area_id, _ in areas]
        write_text_row(ws, row, values)
    last_col = len(heads)
    style_area_headers(ws, 4, last_col, heads[3:])
    style_body(ws, 2, row, 1, last_col, wrap_cols=(2, 3))
    # Names and regions wrap (to keep the sheet one page wide); each row as tall as they need.
    for r in range(2, row + 1):
        fit_row_height(ws, r, [(NAME_WIDTH, ws.cell(row=r, column=2).value),
                               (REGION_WIDTH, ws.cell(row=r, column=3).value)])
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
    set_widths(ws, {"A": 12, "B": NAME_WIDTH, "C": REGION_WIDTH} |
               {get_column_letter(c): AREA_WIDTH for c in range(4, last_col + 1)})


# An area's column holds a score ("100.0"); its title is set upright in the header (issue 26:
# titles across 13-unit columns broke mid-word, "Communication/s", and a Matrix of 11 areas
# printed two pages wide). With these widths a Matrix of up to 11 areas and its names print
# one page wide at 8 pt (print_setup.LEGIBLE_WIDTH); names and regions wrap.
AREA_WIDTH = 6.2
NAME_WIDTH, REGION_WIDTH = 27, 16
AREA_HEAD_FONT = Font(name=HEADER_FONT.name, size=10, bold=True, color="FFFFFF")
UPRIGHT = Alignment(text_rotation=90, wrap_text=True, horizontal="center", vertical="bottom")
# Lines of upright 10-point bold text a column AREA_WIDTH wide holds; points a character.
UPRIGHT_LINES, UPRIGHT_CHAR_POINTS = 3, 7.0


def style_area_headers(ws: Any, first_col: int, last_col: int, titles: Sequence[str]) -> None:
    """A header row whose area columns carry long titles: set upright, wrapped at word breaks
    into at most UPRIGHT_LINES lines, the row as tall as the longest title's longest line."""
    import textwrap

    longest = 1
    for title in titles:
        width = max((len(w) for w in str(title).split()), default=1)
        while len(textwrap.wrap(str(title), width)) > UPRIGHT_LINES:
            width += 1
        longest = max(longest, width)
    style_header_row(ws, 1, 1, last_col, height=longest * UPRIGHT_CHAR_POINTS + 12)
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = AREA_HEAD_FONT
        cell.alignment = UPRIGHT


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
        if d.withheld:
            values = [d.title, d.n] + [WITHHELD] * 6
        else:
            values = [d.title, d.n, d.min, d.q1, d.median, d.q3, d.max, published(d.mean)]
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
    if any(d.withheld for d in distributions):
        note_rows(ws, row + 1, [withheld_note(benchmark.min_count)], len(DIST_COLUMNS),
                  42 + 13 + 11 * 3 + 13 * 2 + 11)
    _write_segments(ws, distributions, top)
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
    chart.alt_text = ("Floating bar chart of each area's scores across the partnerships: "
                      "minimum, lower quartile, median, upper quartile and maximum, from the "
                      "table above.")
    place_chart(ws, chart, 1, len(DIST_COLUMNS), anchor_row,
                cm_high=min(15.0, max(9.0, 0.9 * count + 4)))


# ---------------------------------------------------------------- Regions


def _write_regions(ws: Any, benchmark: "Benchmark", bank: "Bank") -> None:
    members: dict[str, list[Any]] = {}
    for scores in benchmark.scores:
        members.setdefault(benchmark.regions.get(scores.partnership, "") or "", []).append(scores)
    rows = [_means_row(benchmark, region or "(no region)", members[region],
                       benchmark.region_means.get(region, {}),
                       benchmark.region_counts.get(region, {}), bank)
            for region in sorted(members, key=lambda r: (r == "", r))]
    national: list[Any] = ["All partnerships", benchmark.count]
    national += [_national_mean(benchmark, area_id) for area_id, _ in _area_ids(bank)]
    _write_means(ws, bank, "Region", rows, benchmark.min_count, total=national)


def _means_row(benchmark: "Benchmark", name: str, members: list[Any],
               means: dict[str, float], counts: dict[str, int], bank: "Bank") -> list[Any]:
    """A region's (or group's) name, its partnerships, and each area's mean over at least the
    bank's min_count of them; WITHHELD where fewer have a score there."""
    overall = [s.overall for s in members if s.overall is not None and s.overall_quorum]
    row: list[Any] = [name, len(members)]
    for area_id, _ in _area_ids(bank):
        if area_id == OVERALL:
            value = (math.fsum(overall) / len(overall)
                     if overall and len(overall) >= benchmark.min_count else None)
            row.append(published(value) if value is not None
                       else (WITHHELD if overall else None))
        elif area_id in means:
            row.append(published(means[area_id]))
        else:
            row.append(WITHHELD if counts.get(area_id) else None)
    return row


def _national_mean(benchmark: "Benchmark", area_id: str) -> Any:
    try:
        d = benchmark.area(area_id)
    except KeyError:
        return None
    return WITHHELD if d.withheld else published(d.mean)


def _write_groups(ws: Any, benchmark: "Benchmark", bank: "Bank") -> None:
    """Each comparator group's mean per area, laid out as the Regions sheet."""
    members: dict[str, list[Any]] = {}
    for scores in benchmark.scores:
        group = benchmark.groups.get(scores.partnership)
        if group:
            members.setdefault(group, []).append(scores)
    rows = [_means_row(benchmark, group, members[group], benchmark.group_means.get(group, {}),
                       benchmark.group_counts.get(group, {}), bank)
            for group in sorted(members)]
    _write_means(ws, bank, "Group", rows, benchmark.min_count)


def _write_means(ws: Any, bank: "Bank", first_head: str, rows: list[list[Any]],
                 min_count: int, total: list[Any] | None = None) -> None:
    """A sheet of means per region or group: its name, how many partnerships, each area's
    mean (colour-scaled, WITHHELD over fewer than `min_count`), and a bold `total` row after
    them when given. Nothing sits under the table, so that it reads as data; what "–" means
    is at the foot of every printed page (a page of dashes handed to a board said nothing of
    why) and on the Contents sheet."""
    heads = [first_head, "Partnerships"] + [title for _, title in _area_ids(bank)]
    for col, text in enumerate(heads, start=1):
        set_text_cell(ws.cell(row=1, column=col), text)
    row = 1
    for values in rows + ([total] if total is not None else []):
        row += 1
        write_text_row(ws, row, values)
    last_col = len(heads)
    style_area_headers(ws, 3, last_col, heads[2:])
    style_body(ws, 2, max(row, 2), 1, last_col)
    set_row_heights(ws, 2, max(row, 2))
    for cells in ws.iter_rows(min_row=2, max_row=row, min_col=2, max_col=last_col):
        for cell in cells:
            cell.alignment = CENTRE
            if cell.column > 2:
                cell.number_format = SCORE_FORMAT
    if total is not None:
        for cell in ws[row]:
            cell.font = LABEL_FONT
    if rows:
        ws.conditional_formatting.add(f"C2:{get_column_letter(last_col)}{row}",
                                      colour_scale(bank))
    ws.freeze_panes = "C2"
    set_widths(ws, {"A": 26, "B": 12} | {get_column_letter(c): AREA_WIDTH
                                         for c in range(3, last_col + 1)})
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.right.text = header_footer_text(
            f"{WITHHELD}: a mean of fewer than {min_count} partnerships, withheld")
        footer.right.size = 10


WITHHELD = "–"


def withheld_note(min_count: int) -> str:
    """What a withheld figure ("–") of the Distribution sheet means."""
    return (f"–: fewer than {min_count} partnerships have a score for that area, so no "
            f"quartiles, median or mean are given and no partnership is placed in a band (the "
            f"bank's min_count of {min_count}; change it with --min-count N).")


def _write_areas(ws: Any, bank: "Bank") -> None:
    """The lookup from area id to title (and which row is the overall one)."""
    ws.append(["area", "area_title", "row_type", "questions"])
    for area in bank.areas:
        write_text_row(ws, ws.max_row + 1, [area.id, area.title, "area",
                                            len(bank.questions_in(area.id))])
    write_text_row(ws, ws.max_row + 1, [OVERALL, "Overall", "overall", None])
    style_header_row(ws, 1, 1, 4, height=20)
    style_body(ws, 2, ws.max_row, 1, 4, wrap_cols=[2])
    for r in range(2, ws.max_row + 1):
        fit_row_height(ws, r, [(50, ws.cell(row=r, column=2).value)])
    set_widths(ws, {"A": 18, "B": 50, "C": 10, "D": 11})
    ws.freeze_panes = "A2"



# ---------------------------------------------------------------- About and Sources


def _write_about(ws: Any, benchmark: "Benchmark", bank: "Bank", created: str, scope: str,
                 merged_files: int | None) -> None:
    bands = "; ".join(f"{b.label} from {b.min:g}" for b in bank.bands)
    entries: list[tuple[str, Any]] = [
        ("format", BENCHMARK_WORKBOOK), ("format_version", str(FORMAT_VERSION)),
        ("tool_version", __version__), ("scope", scope),
        ("simulated", "yes" if benchmark.simulated else "no"),
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
    # One page wide at 8 pt (print_setup.LEGIBLE_WIDTH): room for a file name as `export`
    # writes it (CODE-BANK-WAVE.xlsx) and an ISO time with its offset.
    set_widths(ws, {"A": 13, "B": 30, "C": 40, "D": 24, "E": 13, "F": 11})


def _simulated_count(benchmark: Any) -> tuple[int, int]:
    """(simulated, every) partnerships of the benchmark: all invented, or some among real ones."""
    from stocktake.records.provenance import simulated_among

    return simulated_among(benchmark.scores)


def _all_simulated(benchmark: Any) -> bool:
    invented, every = _simulated_count(benchmark)
    return bool(invented) and invented == every
