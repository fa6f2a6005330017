"""A formula typed or pasted into a returned file, never calculated by a spreadsheet program,
has no saved value and reads as empty: it is named as what it is, not as an edit."""

from __future__ import annotations

from openpyxl import load_workbook

from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import create_form

from helpers.cells import answer_cell
from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill, rows_by_question


def test_merge_names_a_formula_cell_with_no_saved_value(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE, with_names=True), "xlsx",
                        tmp_path / "returns")[0]
    wb, cell = answer_cell(path, "Ann Council", "vision.known")
    cell.value = "=1+2"  # openpyxl writes the formula and no value, as a script would
    ref = cell.coordinate
    wb.save(path)
    result = merge_workbooks([path], tmp_path / "n.xlsx")
    assert [r.reason for r in result.rejected] == [
        f"cell Answers!{ref} holds a formula with no saved value: open and save the file in "
        "Excel or LibreOffice (which calculates it), or type the value instead"]


def test_an_edit_without_formulas_is_still_called_a_broken_seal(workspace, mini_bank,
                                                                tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE, with_names=True), "xlsx",
                        tmp_path / "returns")[0]
    wb, cell = answer_cell(path, "Ann Council", "vision.known")
    cell.value = 1 if cell.value != 1 else 2
    wb.save(path)
    reason = merge_workbooks([path], tmp_path / "n.xlsx").rejected[0].reason
    assert reason.startswith("seal broken: the answer data was edited after export")


def test_forms_import_names_a_formula_answer_with_no_saved_value(cli, mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"),
                            "council", WAVE, "Jo"), FILLED)
    wb = load_workbook(form)
    row = rows_by_question(wb["Form"])["risk.vacancies"]
    wb["Form"].cell(row, 6).value = "=10+2.5"
    wb.save(form)
    result = cli("forms", "import", form)
    assert result.exit_code == 1
    # Named by the form reader's own cell facts (the `inputs` work), the same kind as merge's.
    assert f"Form!F{row}: risk.vacancies: the cell holds a formula with no saved result" in \
        " ".join(result.stderr.split())
