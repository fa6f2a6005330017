"""Form cells read by what they mean: number formats, Excel errors, rows moved by the respondent.

Forms are filled with openpyxl setting values and number formats as Excel stores them (15% typed
in Excel is 0.15 with format 0%), then read back through the real import.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.interview.answers_file import read_answers_file
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.returns.workbook_reader import ERROR_VALUES, cell_facts, format_kind
from stocktake.workbooks.forms import (ANSWER_COLUMN, EVIDENCE_COLUMN, ID_COLUMN, create_form,
                                       read_form)

WAVE = "2026-27"
CAMDEN = partnership_for("E09000007")
EXCEL_ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!")


@pytest.fixture
def form(mini_bank, tmp_path) -> Path:
    return create_form(tmp_path / "camden-council.xlsx", mini_bank, CAMDEN, "council", WAVE,
                       "Jo Bloggs")


def rows_by_question(ws) -> dict[str, int]:
    return {ws.cell(r, ID_COLUMN).value: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, ID_COLUMN).value and ws.cell(r, ID_COLUMN).value != "id"}


BASE = {"vision.statement": "Yes", "vision.known": 3, "risk.register": "For some changes"}


def typed(path: Path, cells: dict[str, tuple], base: dict | None = BASE) -> Path:
    """Set answer cells as Excel stores them: qid -> (value, number_format or None, data_type)."""
    wb = load_workbook(path)
    ws = wb["Form"]
    where = rows_by_question(ws)
    for qid, value in (base or {}).items():
        ws.cell(where[qid], ANSWER_COLUMN).value = value
    for qid, (value, number_format, *kind) in cells.items():
        cell = ws.cell(where[qid], ANSWER_COLUMN)
        cell.value = value
        if number_format:
            cell.number_format = number_format
        if kind:
            cell.data_type = kind[0]
    wb.save(path)
    return path


def answers_of(path: Path) -> dict:
    return {a.question: a.value for a in read_form(path).answers}


def problems_of(path: Path) -> list[str]:
    with pytest.raises(StocktakeError) as caught:
        read_form(path)
    return caught.value.details


# ---------------------------------------------------------------- number formats


def test_percent_typed_in_excel_is_stored_as_15_like_the_answers_file(form, mini_bank, tmp_path):
    typed(form, {"risk.vacancies": (0.15, "0%")})
    assert answers_of(form)["risk.vacancies"] == 15
    csv = tmp_path / "a.csv"
    csv.write_text("question,value\nrisk.vacancies,15%\n")
    assert read_answers_file(mini_bank, "council", csv)[0].value == 15


def test_percent_with_decimals_reads_without_float_noise(form):
    typed(form, {"risk.vacancies": (0.125, "0.00%")})
    assert answers_of(form)["risk.vacancies"] == 12.5


def test_plain_number_in_a_percent_question_is_taken_as_typed(form):
    typed(form, {"risk.vacancies": (15, None)})
    assert answers_of(form)["risk.vacancies"] == 15


def test_percent_cell_in_a_text_question_keeps_the_percent_sign(form):
    typed(form, {"risk.barrier": (0.3, "0%")})
    assert answers_of(form)["risk.barrier"] == "30%"


def test_amount_of_money_in_a_percent_question_is_refused_naming_the_cell(form):
    typed(form, {"risk.vacancies": (12, '"£"#,##0')})
    row = rows_by_question(load_workbook(form)["Form"])["risk.vacancies"]
    [problem] = problems_of(form)
    assert f"Form!F{row}: risk.vacancies: '£12' is an amount of money" in problem


def test_date_in_a_scale_cell_is_refused_as_a_date_not_read_as_a_number(form):
    typed(form, {"vision.known": (dt.datetime(2026, 3, 4), "d-mmm")})
    row = rows_by_question(load_workbook(form)["Form"])["vision.known"]
    [problem] = problems_of(form)
    assert f"Form!F{row}: vision.known: the cell holds the date or time 2026-03-04" in problem
    assert "apostrophe" in problem and "format the cell" not in problem.lower()


def test_date_and_time_in_a_text_question_are_stored_as_iso_text(form):
    typed(form, {"risk.barrier": (dt.datetime(2026, 3, 4), "dd/mm/yyyy")})
    assert answers_of(form)["risk.barrier"] == "2026-03-04"
    typed(form, {"risk.barrier": (dt.time(9, 30), "h:mm")})
    assert answers_of(form)["risk.barrier"] == "09:30"


def test_date_format_on_a_plain_number_is_read_as_the_date_excel_shows(form):
    typed(form, {"risk.vacancies": (46085, "[$-F800]dddd, mmmm dd, yyyy")})
    [problem] = problems_of(form)
    assert "the date or time 2026-03-04" in problem


def test_text_formatted_cell_keeps_leading_zeros_and_numbers_in_text_read_as_typed(form):
    typed(form, {"risk.barrier": ("007", "@")})
    assert answers_of(form)["risk.barrier"] == "007"
    typed(form, {"risk.barrier": (2026, None)})
    assert answers_of(form)["risk.barrier"] == "2026"


def test_number_stored_as_text_reads_as_the_number(form):
    typed(form, {"risk.vacancies": ("1.25E+01", "@")})
    assert answers_of(form)["risk.vacancies"] == 12.5


def test_boolean_cell_answers_a_yes_no_question_and_is_refused_for_a_number(form):
    typed(form, {"vision.statement": (True, None), "risk.vacancies": (False, None)})
    row = rows_by_question(load_workbook(form)["Form"])["risk.vacancies"]
    [problem] = problems_of(form)
    assert f"Form!F{row}: risk.vacancies: expected a number; got 'FALSE'" in problem
    typed(form, {"risk.vacancies": (3, None)})
    assert answers_of(form)["vision.statement"] == "yes"


def test_fraction_format_keeps_the_number(form):
    typed(form, {"risk.vacancies": (12.5, "# ?/?")})
    assert answers_of(form)["risk.vacancies"] == 12.5


@pytest.mark.parametrize("code, kind", [
    ("0%", "percent"), ("0.00%", "percent"), ("d\\-mmm", "date"), ("dd/mm/yyyy", "date"),
    ("h:mm", "time"), ("[h]:mm:ss", "time"), ("mm:ss", "time"), ("yyyy-mm-dd hh:mm", "datetime"),
    ("@", "text"), ("# ?/?", "fraction"), ('"£"#,##0', "currency:£"),
    ("\\£#,##0", "currency:£"), ("#,##0.00 [$€-407]", "currency:€"), ("0.00E+00", "number"),
    ("#,##0;[Red]-#,##0", "number"), ('"%"0', "number"), ("General", "general"),
])
def test_number_format_codes_are_classified_by_meaning(code, kind):
    assert format_kind(code) == kind


# ---------------------------------------------------------------- error cells


@pytest.mark.parametrize("error", EXCEL_ERRORS)
def test_excel_error_in_an_answer_cell_is_named_not_read_as_blank(form, error):
    assert error in ERROR_VALUES
    typed(form, {"vision.known": (error, None, "e")})
    row = rows_by_question(load_workbook(form)["Form"])["vision.known"]
    problems = problems_of(form)
    assert problems == [f"{form}: Form!F{row}: vision.known: the cell holds the Excel error "
                        f"{error}, not an answer; type the answer itself"]


def test_error_in_a_required_answer_is_reported_once_not_as_unanswered(tmp_path):
    from stocktake.banks.loading import find_bank

    bank = find_bank("idea-stocktake")
    required = next(q.id for q in bank.questions_for_role("council") if q.required)
    path = create_form(tmp_path / "idea.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    typed(path, {required: ("#N/A", None, "e")}, base={})
    problems = problems_of(path)
    assert [p for p in problems if required in p] == [
        p for p in problems if "Excel error #N/A" in p]
    assert sum(required in p for p in problems) == 1


def test_error_in_the_name_and_evidence_cells_is_named(form):
    wb = load_workbook(form)
    ws = wb["Form"]
    ws["D3"].value, ws["D3"].data_type = "#REF!", "e"
    row = rows_by_question(ws)["vision.known"]
    ws.cell(row, EVIDENCE_COLUMN).value = "#VALUE!"
    ws.cell(row, EVIDENCE_COLUMN).data_type = "e"
    ws.cell(row, ANSWER_COLUMN).value = 2
    wb.save(form)
    problems = "\n".join(problems_of(form))
    assert "Form!D3: the cell holds the Excel error #REF! instead of your name" in problems
    assert f"Form!G{row}: vision.known: the cell holds the Excel error #VALUE! instead of " \
           "evidence" in problems


def test_error_in_the_hidden_about_sheet_is_refused_naming_the_cell(form):
    wb = load_workbook(form)
    about = wb["About"]
    row = next(r for r in range(1, about.max_row + 1) if about.cell(r, 1).value == "bank")
    about.cell(row, 2).value, about.cell(row, 2).data_type = "#N/A", "e"
    wb.save(form)
    with pytest.raises(StocktakeError) as caught:
        read_form(form)
    assert f"About!B{row} holds the Excel error #N/A instead of the form's bank" in \
        caught.value.message


def test_formula_with_no_saved_result_is_named(form):
    typed(form, {"vision.known": ("=VLOOKUP(A1,Z:Z,2,FALSE)", None)})
    [problem] = problems_of(form)
    assert "vision.known: the cell holds a formula with no saved result" in problem


def test_cell_facts_reads_errors_formats_and_empty_formulas(form):
    typed(form, {"vision.known": ("#N/A", None, "e"), "risk.vacancies": (0.15, "0%"),
                 "risk.barrier": ("=1+1", None)})
    where = rows_by_question(load_workbook(form)["Form"])
    facts = cell_facts(form, "Form")
    assert facts[(where["vision.known"], ANSWER_COLUMN)].error == "#N/A"
    assert facts[(where["risk.vacancies"], ANSWER_COLUMN)].kind == "percent"
    assert facts[(where["risk.barrier"], ANSWER_COLUMN)].formula_without_value


# ---------------------------------------------------------------- rows inserted and deleted


def test_an_empty_inserted_row_changes_nothing(form):
    typed(form, {"risk.vacancies": (12, None), "risk.barrier": ("Turnover", None)})
    wb = load_workbook(form)
    ws = wb["Form"]
    ws.insert_rows(rows_by_question(ws)["vision.known"])
    wb.save(form)
    assert answers_of(form) == {"vision.statement": "yes", "vision.known": 3,
                                "risk.register": "partial", "risk.vacancies": 12,
                                "risk.barrier": "Turnover"}


def test_a_note_in_an_inserted_row_is_reported_once_and_errors_below_still_listed(form):
    typed(form, {"risk.vacancies": (250, None)})
    wb = load_workbook(form)
    ws = wb["Form"]
    at = rows_by_question(ws)["vision.known"]
    ws.insert_rows(at)
    ws.cell(at, 3).value = "Note: the board meets in May"
    wb.save(form)
    where = rows_by_question(load_workbook(form)["Form"])
    problems = problems_of(form)
    assert len(problems) == 2, problems
    assert f"Form!C{at}: this row has no question (inserted?) and holds 'Note: the board " \
           "meets in May'" in problems[0]
    assert f"Form!F{where['risk.vacancies']}: risk.vacancies: expected a number of at most 100" \
        in problems[1]


def test_rows_inserted_above_the_name_and_heading_still_find_name_and_answers(form):
    typed(form, {})
    wb = load_workbook(form)
    ws = wb["Form"]
    ws.insert_rows(2, amount=2)
    wb.save(form)
    filled = read_form(form)
    assert filled.respondent == "Jo Bloggs"
    assert {a.question: a.value for a in filled.answers} == {
        "vision.statement": "yes", "vision.known": 3, "risk.register": "partial"}


def test_a_deleted_question_row_is_reported_once_by_its_question(form, mini_bank):
    typed(form, {})
    wb = load_workbook(form)
    ws = wb["Form"]
    row = rows_by_question(ws)["vision.consulted"]
    ws.delete_rows(row)
    wb.save(form)
    problems = problems_of(form)
    assert len(problems) == 1, problems
    assert f"the row of question vision.consulted (row {row} when the form was made) was " \
           "deleted" in problems[0]


def test_more_than_fifty_problems_are_cut_with_a_count_of_the_rest(form):
    typed(form, {})
    wb = load_workbook(form)
    ws = wb["Form"]
    last = ws.max_row
    for n in range(1, 81):
        ws.cell(last + n, 3).value = f"stray note {n}"
    wb.save(form)
    problems = problems_of(form)
    assert len(problems) == 51
    assert problems[-1].startswith("... and 30 more problems not listed")
    assert "stray note 1'" in problems[0]


def test_cell_facts_count_positions_when_a_writer_leaves_out_cell_references(form, tmp_path):
    import re
    import zipfile

    typed(form, {"vision.known": ("#N/A", None, "e"), "risk.vacancies": (0.15, "0%")})
    where = rows_by_question(load_workbook(form)["Form"])
    bare = tmp_path / "no-refs.xlsx"
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(bare, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c)\s+r="[A-Z]+\d+"', rb"\1", data)
                assert b'<c r="' not in data
            target.writestr(item, data)
    facts = cell_facts(bare, "Form")
    assert facts[(where["vision.known"], ANSWER_COLUMN)].error == "#N/A"
    assert facts[(where["risk.vacancies"], ANSWER_COLUMN)].kind == "percent"


def test_openpyxl_fallback_reads_errors_and_percentages_the_same_as_calamine(form):
    """calamine hands back '' for #N/A and openpyxl the text '#N/A'; both are named as errors."""
    typed(form, {"vision.known": ("#N/A", None, "e"), "risk.vacancies": (0.15, "0%")})
    for reader in ("calamine", "openpyxl"):
        with pytest.raises(StocktakeError) as caught:
            read_form(form, reader=reader)
        [problem] = caught.value.details
        assert "vision.known: the cell holds the Excel error #N/A" in problem, reader
    typed(form, {"vision.known": (2, None)})
    assert read_form(form, reader="openpyxl").answers == read_form(form).answers
    assert {a.question: a.value for a in read_form(form, reader="openpyxl").answers}[
        "risk.vacancies"] == 15


def test_a_name_that_is_not_valid_unicode_is_named_by_cell_not_a_crash(form, monkeypatch):
    """No spreadsheet we tried writes a lone surrogate, but a reader could hand one back."""
    import stocktake.returns.workbook_reader as reader

    typed(form, {})
    real = reader.read_sheets

    def with_surrogate(*args, **kwargs):
        sheets = real(*args, **kwargs)
        if "Form" in sheets:
            sheets["Form"][2][3] = "Jo\ud800"
        return sheets

    monkeypatch.setattr(reader, "read_sheets", with_surrogate)
    [problem] = problems_of(form)
    assert "Form!D3: the name holds a character that is not text" in problem
