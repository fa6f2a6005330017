"""A date never breaks at its hyphens on a printed sheet: a column of time stamps keeps the
width its longest needs ("2026-12-" / "07T13:45" in the national Returns sheet), and dates in a
sentence are written in words ("updated 2025-02-" / "01" in the Evidence sheet)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from stocktake.evidence.indicators import Measure
from stocktake.text.dates_in_words import in_words
from stocktake.workbooks.glyph_widths import text_points
from stocktake.workbooks.styles import POINTS_PER_UNIT, wrapped_lines
from stocktake.workbooks.table_sheet import stamp_width, write_table_sheet

STAMP = "2026-12-07T13:45:12+00:00"


@pytest.mark.parametrize("value, words", [
    ("2025-02-01", "1 February 2025"), ("2026-12-31", "31 December 2026"),
    (date(2027, 1, 9), "9 January 2027"), ("TBC", "TBC"), ("Annual", "Annual"), ("", ""),
])
def test_a_date_in_a_sentence_is_written_in_words(value, words):
    assert in_words(value) == words


def test_a_measures_source_says_its_dates_in_words():
    measure = Measure("X", "A title", owner="Office for National Statistics (ONS)",
                      last_update="2025-02-01", next_update="TBC")
    assert measure.source == "Office for National Statistics (ONS), updated 1 February 2025, next TBC"
    assert Measure("Y", "t").source == ""


@pytest.mark.parametrize("values, stamped", [
    ([STAMP, None, "2026-12-01T09:00:00Z"], True), (["2026-12-07", ""], True),
    ([STAMP, "not yet"], False), ([None, ""], False), ([12, STAMP], False),
])
def test_a_column_is_a_stamp_column_only_when_every_value_is_one(values, stamped):
    assert (stamp_width(values) is not None) == stamped


def test_a_stamp_column_is_never_narrowed_to_fit_the_page():
    heads = ["Code", "Authority", "Region", "File", "Exported at", "Roles", "Notes"]
    rows = [["E06000001", "West Northamptonshire " * 2, "East Midlands " * 2, "x.xlsx " * 6,
             STAMP, "council, health, police, schools", "a long note " * 8]] * 3
    ws = Workbook().active
    write_table_sheet(ws, heads, rows, widths=[12, 40, 40, 50, 22, 40, 60],
                      header_left="Returns", header_right="")
    stamp = ws.column_dimensions["E"].width
    assert stamp >= text_points(STAMP) / POINTS_PER_UNIT
    assert wrapped_lines(STAMP, stamp) == 1
    # The others were narrowed (the table is far wider than a page), the stamps not.
    assert ws.column_dimensions["G"].width < 60
