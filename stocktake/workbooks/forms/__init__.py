"""Offline response forms: a workbook a respondent fills in Excel or LibreOffice, read back whole.

    create_form(Path("camden-council.xlsx"), bank, camden, "council", "2026-27", "Jo Bloggs")
    filled = read_form(Path("camden-council.xlsx"))   # FilledForm, or StocktakeError by cell

The form's parts, each in its own module:

- `sheet`: the form's fixed geometry (sheets, rows, columns, widths) shared by writer and reader;
- `entries`: what a question offers (dropdown entries, the allowed answers in words, the notes);
- `layout`: the workbook written (the rows, validation, protection and print setup);
- `reading`: a returned form checked whole and read back, every bad row named by cell.
"""

from stocktake.workbooks.forms.entries import allowed_answers_text, answer_names, dropdown_values
from stocktake.workbooks.forms.layout import create_form, form_workbook
from stocktake.workbooks.forms.reading import FilledForm, read_form
from stocktake.workbooks.forms.sheet import (ANSWER_CHARS, ANSWER_COLUMN, ANSWER_WIDTH,
                                             DONT_KNOW_TEXT, DROPDOWN_TEXT_LIMIT,
                                             EVIDENCE_COLUMN, HEADER_ROW, ID_COLUMN, NAME_CELL,
                                             NOT_APPLICABLE_TEXT)

__all__ = ["ANSWER_CHARS", "ANSWER_COLUMN", "ANSWER_WIDTH", "DONT_KNOW_TEXT",
           "DROPDOWN_TEXT_LIMIT", "EVIDENCE_COLUMN", "HEADER_ROW", "ID_COLUMN", "NAME_CELL",
           "NOT_APPLICABLE_TEXT", "FilledForm", "allowed_answers_text", "answer_names",
           "create_form", "dropdown_values", "form_workbook", "read_form"]
