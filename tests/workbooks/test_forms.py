"""Offline response forms: created, filled with openpyxl as a respondent would, imported back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import find_bank
from stocktake.errors import StocktakeError
from stocktake.workbooks.forms import (ANSWER_COLUMN, ID_COLUMN, create_form,
                                       read_form)

from helpers.filling import WAVE
from helpers.forms import CAMDEN, FILLED, fill, rows_by_question


@pytest.fixture
def council_form(mini_bank, tmp_path) -> Path:
    return create_form(tmp_path / "camden-council.xlsx", mini_bank, CAMDEN, "council", WAVE,
                       "Jo Bloggs")


def test_form_has_one_row_per_question_asked_of_the_role(council_form, mini_bank):
    ws = load_workbook(council_form)["Form"]
    assert list(rows_by_question(ws)) == [q.id for q in mini_bank.questions_for_role("council")]
    young = create_form(council_form.with_name("yp.xlsx"), mini_bank, CAMDEN, "young-people",
                        WAVE)
    yp = load_workbook(young)["Form"]
    assert "risk.register" not in rows_by_question(yp)  # asked of council and health only


def test_skip_conditional_question_says_when_to_answer(council_form):
    ws = load_workbook(council_form)["Form"]
    rows = rows_by_question(ws)
    # Named by its number on the form, as a printed form does (issue 26: the quoted question
    # made each such row longer).
    source = ws.cell(rows["vision.statement"], 1).value
    assert f"Answer only if the answer to question {source} is Yes." in \
        ws.cell(rows["vision.known"], 3).value


def test_only_answer_evidence_and_name_cells_are_unlocked(council_form):
    ws = load_workbook(council_form)["Form"]
    assert ws.protection.sheet
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row
                if c.protection.locked is False}
    rows = rows_by_question(ws).values()
    expected = {f"F{r}" for r in rows} | {f"G{r}" for r in rows} | {"D3"}
    assert unlocked == expected
    assert ws.column_dimensions["H"].hidden


def test_answer_cells_offer_dropdowns_with_na_and_dont_know(council_form):
    wb = load_workbook(council_form)
    ws = wb["Form"]
    where = rows_by_question(ws)
    validations = {str(ref): dv for dv in ws.data_validations.dataValidation
                   for ref in dv.sqref.ranges}
    yesno = validations[f"F{where['vision.statement']}"]
    assert yesno.type == "list" and yesno.formula1 == '"Yes,No,Not applicable,Don\'t know"'
    number = validations[f"F{where['risk.vacancies']}"]
    assert (number.type, number.formula1, number.formula2) == ("decimal", "0", "100")
    # Option labels hold commas, so the list lives on the hidden list sheet.
    register = validations[f"F{where['risk.register']}"]
    assert register.formula1.startswith("'_lists'!$")
    listed = [c.value for c in wb["_lists"][register.formula1.split("!")[1].split(":")[0]
                                            .replace("$", "")[0]] if c.value]
    assert listed == ["No", "For some changes", "For every change, reviewed quarterly",
                      "Not applicable", "Don't know"]
    assert wb["_lists"].sheet_state == "hidden" and wb["About"].sheet_state == "hidden"


def test_lists_longer_than_excel_allows_inline_use_a_range(tmp_path):
    bank = find_bank("idea-stocktake")
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE)
    ws = load_workbook(path)["Form"]
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and dv.formula1.startswith('"'):
            assert len(dv.formula1) <= 257


def test_filled_form_imports_with_the_answers_as_filled(council_form, mini_bank, workspace):
    fill(council_form, FILLED, {"vision.known": "Staff survey 2026"})
    form = read_form(council_form)
    assert (form.respondent, form.role, form.wave, form.partnership.code) == \
        ("Jo Bloggs", "council", WAVE, "E09000007")
    got = {a.question: (a.status, a.value, a.evidence) for a in form.answers}
    assert got == {
        "vision.statement": ("answered", "yes", ""),
        "vision.known": ("answered", 3, "Staff survey 2026"),
        "vision.consulted": ("answered", ["children", "staff"], ""),
        "risk.register": ("answered", "partial", ""),
        "risk.vacancies": ("answered", 12.5, ""),
        "risk.barrier": ("answered", "Staff turnover", ""),
    }


def test_not_applicable_and_dont_know_from_the_dropdown(council_form):
    fill(council_form, {"vision.statement": "Not applicable", "risk.register": "Don't know"})
    got = {a.question: a.status for a in read_form(council_form).answers}
    assert got == {"vision.statement": "na", "risk.register": "dk"}


def test_every_bad_cell_is_reported_by_reference_and_nothing_is_returned(council_form):
    fill(council_form, {"vision.statement": "Yes", "vision.known": 7, "risk.vacancies": 250,
                        "risk.register": "sometimes"}, {"vision.consulted": "a note"})
    ws = load_workbook(council_form)["Form"]
    where = rows_by_question(ws)
    with pytest.raises(StocktakeError) as caught:
        read_form(council_form)
    details = "\n".join(caught.value.details)
    assert f"Form!F{where['vision.known']}: vision.known: expected a level from 1 to 4" in details
    assert f"Form!F{where['risk.vacancies']}: risk.vacancies: expected a number of at most 100" \
        in details
    assert f"Form!F{where['risk.register']}: risk.register" in details
    assert f"Form!G{where['vision.consulted']}: vision.consulted: evidence given but no " \
           "answer" in details
    assert "nothing from this form was stored" in caught.value.message


def test_an_edited_question_id_is_caught(council_form):
    wb = load_workbook(council_form)
    ws = wb["Form"]
    row = rows_by_question(ws)["risk.register"]
    ws.cell(row, ID_COLUMN).value = "risk.invented"
    ws.cell(row, ANSWER_COLUMN).value = "No"
    wb.save(council_form)
    with pytest.raises(StocktakeError) as caught:
        read_form(council_form)
    assert any(f"Form!H{row}: question id edited ('risk.invented', expected 'risk.register')"
               in d for d in caught.value.details)


def test_a_form_without_a_name_is_refused_at_the_name_cell(mini_bank, tmp_path):
    path = create_form(tmp_path / "anon.xlsx", mini_bank, CAMDEN, "health", WAVE)
    fill(path, {"vision.statement": "No"})
    with pytest.raises(StocktakeError) as caught:
        read_form(path)
    assert any("Form!D3" in d for d in caught.value.details)


def test_a_form_laid_out_before_the_area_column_was_hidden_is_read_by_its_label(
        mini_bank, tmp_path):
    """Forms made before 7 December have the name's label in B3 and the name in C3 (now C3 and
    D3): the reader finds the label where it is, reads the cell to its right, and names that
    cell when the name is wrong."""
    path = create_form(tmp_path / "old.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    wb = load_workbook(path)
    ws = wb["Form"]
    assert (ws["C3"].value, ws["D3"].value) == ("Your name", "Jo Bloggs")
    ws["B3"], ws["C3"], ws["D3"] = "Your name", "Sam Older", None
    wb.save(path)
    fill(path, FILLED)
    assert read_form(path).respondent == "Sam Older"
    wb = load_workbook(path)
    wb["Form"]["C3"] = None
    wb.save(path)
    with pytest.raises(StocktakeError) as caught:
        read_form(path)
    assert any("Form!C3" in d for d in caught.value.details), caught.value.details


def test_a_partnership_export_is_not_a_form(workspace, mini_bank, tmp_path):
    from stocktake.workbooks.exports import gather_export, write_export

    from helpers.filling import fill_mini

    fill_mini(workspace, mini_bank, codes=("E09000007",))
    export = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                          tmp_path)[0]
    with pytest.raises(StocktakeError, match="a partnership export, not a response form"):
        read_form(export)


# ---------------------------------------------------------------- the commands


def test_forms_create_and_import_store_the_answers_in_one_response(cli, tmp_path, mini_bank):
    out = tmp_path / "camden-council.xlsx"
    created = cli("forms", "create", "E09000007", "--bank", "mini", "--role", "council",
                  "--respondent", "Jo Bloggs", "--wave", WAVE, "--out", str(out))
    assert created.exit_code == 0, created.output
    fill(out, FILLED)
    imported = cli("forms", "import", str(out), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["stored"][0]["answers"] == len(FILLED)

    from stocktake.records.responses import ResponseKey
    from stocktake.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    response = ws.response(ResponseKey("E09000007", "mini", WAVE, "Jo Bloggs"))
    assert response.mode == "form" and response.role == "council"
    assert response.answers["vision.known"].value == 3
    assert ws.find_partnership("E09000007") is not None


def test_import_goes_on_after_a_bad_form_and_exits_1(cli, tmp_path, council_form):
    good = fill(council_form, FILLED, out=tmp_path / "good.xlsx")
    bad = fill(council_form, {"vision.known": "9"}, out=tmp_path / "bad.xlsx")
    result = cli("forms", "import", str(bad), str(good))
    assert result.exit_code == 1
    assert "bad.xlsx: 1 problem(s); nothing from this form was stored" in result.stderr
    assert "Form!F" in result.stderr and "Traceback" not in result.output
    assert "good.xlsx" in result.stdout

    from stocktake.store.workspace import Workspace

    stored = Workspace.open(tmp_path / "ws").responses("E09000007")
    assert [len(r.answers) for r in stored] == [len(FILLED)]


def test_forms_import_refuses_a_text_file_named_xlsx(cli, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name,answer\n")
    result = cli("forms", "import", str(fake))
    assert result.exit_code == 1 and "fake.xlsx" in result.stderr
    assert "Traceback" not in result.output


def test_forms_help_has_examples(cli):
    assert "Example: stocktake forms create" in cli("forms", "create", "--help").stdout
    assert "Example: stocktake forms import" in cli("forms", "import", "--help").stdout


@pytest.mark.parametrize("bank_id", ["children", "idea-stocktake", "partnership-2026"])
def test_a_blank_childrens_form_says_which_answers_the_safeguarding_notice_is_for(tmp_path,
                                                                                  bank_id):
    """The bank's notice is written for an answer given ("This answer says a child ... feels
    unsafe"); atop a form nobody has filled in it is introduced by the questions it is for."""
    bank = find_bank(bank_id)
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "young-people", WAVE)
    sheet = load_workbook(path)["Form"]
    numbers = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)
               if sheet.cell(r, ID_COLUMN).value and bank.has_question(
                   str(sheet.cell(r, ID_COLUMN).value))
               and bank.question(str(sheet.cell(r, ID_COLUMN).value)).notice]
    assert numbers, "the children's form asks a question that calls for the notice"
    [notice] = [c.value for row in sheet.iter_rows(max_row=8) for c in row
                if isinstance(c.value, str) and bank.safeguarding_notice in c.value]
    asked = " or ".join(str(n) for n in numbers) if len(numbers) <= 2 else None
    lead = notice[:notice.index(bank.safeguarding_notice)]
    assert lead.startswith("Safeguarding notice, to read if your answer to question")
    assert lead.endswith(" points here: ")
    if asked:
        assert f" {asked} points here" in lead
