"""What fits where on every workbook kind (issue 26): each wrapped cell's row tall enough for its
text, each chart over cells of its own inside the print area, the national Answers value
column as wide as the runs of option ids it holds, and a Contents sheet that lists every sheet.

Made through the CLI as a person would (demo, export, benchmark, a national merge, a round's
status, two forms) and read back with openpyxl. The row heights are judged by the estimate the
writers use (stocktake.workbooks.styles.wrapped_lines), so a row fitted to other words than its
own (the national Contents' Codebook row, one line high for a two-line text, whose second line
LibreOffice cut in half) is found, as is a row never fitted at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from stocktake.workbooks.styles import height_of_lines, word_width, wrapped_lines

from helpers.commands import cli

pytestmark = pytest.mark.slow
WAVE = "2026-27"
KINDS = ("partnership", "benchmark", "national", "status", "schools form", "council form")




@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fit")
    ws = root / "ws"
    cli(ws, "demo", "--partnerships", "3")
    codes = sorted(re.findall(r"\bE\d{8}\b", cli(ws, "partnerships", "list", "--json")))
    out = {"benchmark": root / "benchmark.xlsx", "national": root / "national.xlsx",
           "status": root / "status.xlsx", "schools form": root / "schools.xlsx",
           "council form": root / "council.xlsx"}
    for code in codes:
        cli(ws, "export", code, "--wave", WAVE, "--out", str(root / "returns"))
    out["partnership"] = sorted((root / "returns").glob("*.xlsx"))[0]
    cli(ws, "benchmark", "--bank", "idea-stocktake", "--xlsx", str(out["benchmark"]))
    cli(ws, "merge", str(root / "returns"), "--out", str(out["national"]), "--expect", "all")
    cli(ws, "round", "plan", "--bank", "idea-stocktake", "--wave", WAVE, "--roles",
        "council,schools", "--per-role", "1", "--partnerships", "all", "--deadline",
        "2027-01-31", "--return-to", "stocktake@example.gov.uk")
    cli(ws, "status", "--xlsx", str(out["status"]))
    cli(ws, "forms", "create", codes[0], "--bank", "idea-stocktake", "--role", "schools",
        "--out", str(out["schools form"]))
    cli(ws, "forms", "create", codes[0], "--bank", "partnership-2026", "--role", "council",
        "--out", str(out["council form"]))
    return out


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43


def short_rows(wb) -> list[tuple]:
    """(sheet, cell, height, height needed, text) of every wrapped text cell of 10 or 11
    point type in a visible column whose row (rows, for a merged cell) is a line or more short
    of its text at its column's width (columns', merged)."""
    short = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        spans, covered = {}, set()
        for span in ws.merged_cells.ranges:
            spans[(span.min_row, span.min_col)] = span
            covered.update((r, c) for r in range(span.min_row, span.max_row + 1)
                           for c in range(span.min_col, span.max_col + 1))
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                key = (cell.row, cell.column)
                if not isinstance(text, str) or not text.strip() \
                        or not (cell.alignment and cell.alignment.wrap_text) \
                        or (cell.font and cell.font.sz and cell.font.sz > 11) \
                        or ws.column_dimensions[cell.column_letter].hidden \
                        or (key in covered and key not in spans):
                    continue
                span = spans.get(key)
                cols = range(span.min_col, span.max_col + 1) if span else [cell.column]
                rows = range(span.min_row, span.max_row + 1) if span else [cell.row]
                have = sum(ws.row_dimensions[r].height or 15 for r in rows)
                need = height_of_lines(wrapped_lines(text, sum(_width(ws, c) for c in cols)))
                if have + 1 < need:
                    short.append((ws.title, cell.coordinate, have, need, text[:60]))
    return short


@pytest.mark.parametrize("kind", KINDS)
def test_every_wrapped_cell_has_a_row_tall_enough_for_its_text(books, kind):
    assert short_rows(load_workbook(books[kind])) == []


def test_a_row_fitted_to_other_words_is_found(books, tmp_path):
    wb = load_workbook(books["national"])
    contents = wb["Contents"]
    row = next(r for r in range(1, contents.max_row + 1)
               if contents.cell(r, 1).value == "Codebook")
    contents.row_dimensions[row].height = 15  # as the row above it, the old code's copy
    assert [s[:2] for s in short_rows(wb)] == [("Contents", f"B{row}")]


def _cells(anchor) -> tuple[int, int, int, int]:
    """A chart's cells as (first col, first row, last col, last row), 1-based inclusive."""
    start, end = anchor._from, anchor.to
    last_col = end.col if end.colOff == 0 else end.col + 1
    last_row = end.row if end.rowOff == 0 else end.row + 1
    return start.col + 1, start.row + 1, last_col, last_row


@pytest.mark.parametrize("kind", ("partnership", "benchmark", "national"))
def test_charts_cover_cells_of_their_own_inside_the_print_area(books, kind):
    wb = load_workbook(books[kind])
    charts = 0
    for ws in wb.worksheets:
        placed = []
        for chart in ws._charts:
            charts += 1
            # Sized by cells, not cm: it then moves and sizes with the columns beside it in
            # whatever font the reader draws them (the radar ran under the bar chart).
            assert type(chart.anchor).__name__ == "TwoCellAnchor", (ws.title,)
            cells = _cells(chart.anchor)
            if ws.print_area:
                ref = str(ws.print_area).split("!")[-1].replace("$", "")
                low_col, low_row, high_col, high_row = range_boundaries(ref)
                assert low_col <= cells[0] and cells[2] <= high_col, (ws.title, cells, ref)
                assert low_row <= cells[1] and cells[3] <= high_row, (ws.title, cells, ref)
            for other in placed:
                apart = (cells[2] < other[0] or other[2] < cells[0]
                         or cells[3] < other[1] or other[3] < cells[1])
                assert apart, (ws.title, cells, other)
            placed.append(cells)
    assert charts, kind


def test_the_summary_radar_and_bars_share_the_table_width(books):
    ws = load_workbook(books["partnership"])["Summary"]
    radar, bars = (_cells(c.anchor) for c in ws._charts)
    table_cols = range_boundaries(str(ws.print_area).split("!")[-1].replace("$", ""))[2]
    assert radar[0] == 1 and bars[2] == table_cols
    assert radar[2] + 1 == bars[0]
    share = sum(_width(ws, c) for c in range(1, radar[2] + 1)) / \
        sum(_width(ws, c) for c in range(1, table_cols + 1))
    assert 0.5 < share < 0.7, share


def test_the_national_answers_value_column_holds_each_answer_word_whole(books):
    from stocktake.national.answers_sheet import VALUE_WIDTHS

    ws = load_workbook(books["national"], read_only=True)["Answers"]
    rows = ws.iter_rows(values_only=True)
    heads = next(rows)
    values = [r[heads.index("value")] for r in rows]
    multi = [v for v in values if isinstance(v, str) and ";" in v]
    assert multi, "the demo answers some multi-select questions"
    ws = load_workbook(books["national"])["Answers"]
    width = ws.column_dimensions[get_column_letter(heads.index("value") + 1)].width
    assert width >= min(VALUE_WIDTHS[1], word_width(values)), (width, word_width(values))


@pytest.mark.parametrize("kind", ("benchmark", "national"))
def test_the_contents_sheet_lists_every_sheet_in_tab_order_with_what_it_holds(books, kind):
    wb = load_workbook(books[kind])
    rows = [r[:2] for r in wb["Contents"].iter_rows(values_only=True) if r[0]]
    listed = rows[[name for name, _ in rows].index("Sheet") + 1:]
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert [name for name, _ in listed] == visible
    assert all(isinstance(held, str) and held.strip() for _, held in listed), listed
    if kind == "national":  # the sheets the merge adds to the benchmark's
        assert {"Returns", "Codebook"} <= set(visible)


def test_no_two_lines_of_the_trend_chart_look_alike(books):
    """12 series (11 areas and overall) against 9 colours: two lines once shared a look."""
    wb = load_workbook(books["partnership"])
    [chart] = wb["Trend"]._charts
    looks = [(s.graphicalProperties.line.solidFill.srgbClr,  # read back as its hex text
              s.graphicalProperties.line.prstDash, s.marker.symbol) for s in chart.series]
    assert len(looks) >= 10
    assert len(set(looks)) == len(looks), looks
