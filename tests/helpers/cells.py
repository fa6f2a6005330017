"""Cells of saved workbooks read back as written: a text column written through the package's
cell setter, its sheet XML, what openpyxl and calamine read of it, and one answer's cell in an
exported workbook's Answers sheet."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook

from stocktake.privacy.injection import set_text_cell


def sheet_xml(path: Path) -> str:
    """The first sheet's XML of the workbook at `path`."""
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def write_column(path: Path, values: list, write_only: bool = False) -> Path:
    """A workbook at `path` holding `values` down column A, each set by `set_text_cell`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=write_only)
    if write_only:
        ws = wb.create_sheet("Answers")
        for value in values:
            cell = WriteOnlyCell(ws)
            set_text_cell(cell, value)
            ws.append([cell])
    else:
        ws = wb.active
        for row, value in enumerate(values, start=1):
            set_text_cell(ws.cell(row=row, column=1), value)
    wb.save(path)
    return path


def read_back(path: Path) -> tuple[list, list]:
    """The first column as openpyxl reads it ((value, data type) per cell) and as python-calamine
    reads it (values)."""
    from python_calamine import CalamineWorkbook

    sheet = load_workbook(path).worksheets[0]
    by_openpyxl = [(c.value, c.data_type) for c in sheet["A"]]
    by_calamine = [row[0] for row in CalamineWorkbook.from_path(str(path))
                   .get_sheet_by_index(0).to_python()]
    return by_openpyxl, by_calamine


def answer_cell(path: Path, respondent: str, question: str):
    """(workbook, cell) of `respondent`'s answer to `question` in an export's Answers sheet,
    for a test to change and save."""
    wb = load_workbook(path)
    ws = wb["Answers"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == respondent and row[4].value == question:
            return wb, row[6]
    raise AssertionError(f"no row for {respondent} {question}")
