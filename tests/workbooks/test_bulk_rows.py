"""Rows of data written in bulk read back exactly as cell-by-cell writing gives them: values,
types, styles and row heights, with text never taken for a formula and bad text refused."""

from __future__ import annotations

import datetime

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import IllegalCharacterError

from stocktake.workbooks.bulk_rows import ColumnStyle, put_rows, release

BOLD = Font(name="Calibri", size=10, bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _saved(tmp_path, wb):
    wb.save(tmp_path / "book.xlsx")
    return load_workbook(tmp_path / "book.xlsx").active


def test_values_types_and_styles_read_back_as_written(tmp_path):
    wb = Workbook()
    ws = wb.active
    styles = [ColumnStyle(ws, font=BOLD), ColumnStyle(ws, alignment=WRAP,
                                                      number_format="0.0"),
              ColumnStyle(ws), ColumnStyle(ws, font=BOLD)]
    rows = [["=SUM(A1:A9)", 12.5, True, datetime.date(2026, 11, 30)],
            ["plain", 3, None, "+44 20 7946 0000"]]
    assert put_rows(ws, 2, rows, styles) == 4
    back = _saved(tmp_path, wb)
    assert [c.value for c in back[2]] == ["=SUM(A1:A9)", 12.5, True,
                                          datetime.datetime(2026, 11, 30)]
    assert back["A2"].data_type == "s"  # text, never a formula
    assert back["D3"].value == "+44 20 7946 0000" and back["D3"].data_type == "s"
    assert back["C3"].value is None
    assert back["A2"].font.bold and back["D2"].font.bold
    assert back["B2"].alignment.wrap_text and back["B2"].number_format == "0.0"
    assert not back["C2"].font.bold


def test_a_cell_restyled_after_bulk_writing_keeps_its_new_style(tmp_path):
    wb = Workbook()
    ws = wb.active
    put_rows(ws, 1, [["a", "b"]], [ColumnStyle(ws, font=BOLD)] * 2)
    ws["B1"].alignment = WRAP
    back = _saved(tmp_path, wb)
    assert back["A1"].font.bold and not back["A1"].alignment.wrap_text
    assert back["B1"].font.bold and back["B1"].alignment.wrap_text


@pytest.mark.parametrize("text, error", [("bell\x07", IllegalCharacterError),
                                         ("x" * 32768, ValueError)])
def test_text_a_cell_cannot_hold_is_refused(text, error):
    wb = Workbook()
    ws = wb.active
    with pytest.raises(error):
        put_rows(ws, 1, [["fine", text]], [ColumnStyle(ws, font=BOLD)] * 2)


def test_release_empties_a_saved_workbook(tmp_path):
    wb = Workbook()
    ws = wb.active
    put_rows(ws, 1, [["a", 1]] * 3, [ColumnStyle(ws)] * 2)
    wb.save(tmp_path / "book.xlsx")
    release(wb)
    assert not ws._cells
    assert load_workbook(tmp_path / "book.xlsx").active["A3"].value == "a"
