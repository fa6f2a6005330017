"""Issue 28 kind 9: nothing chosen by position where the file says otherwise.

An XLSForm's language columns are chosen by its `default_language` (else English), not by which
comes first; pyxform's own spellings of types are read through pyxform's alias table; a
refused question does not cause a second, misleading refusal of the rows that depend on it;
sheet names are case-insensitive, as pyxform's. Workbooks whose sheet is picked (a roster, a
KoboToolbox export) are read from the sheet whose header fits, wherever it is, and every
message names the sheet read."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from stocktake.banks.model import bank_from_data
from stocktake.errors import StocktakeError
from stocktake.xlsform.authoring import bank_data_from_xlsform, canonical_type

from helpers.xlsform_builders import ROLE_CHOICES, ROLE_ROWS, authoring_workbook

SETTINGS = ["form_title", "form_id", "version", "description", "default_language"]


def _bilingual(tmp_path, default: str | None, name: str = "cy.xlsx"):
    survey = [["type", "name", "label::Cymraeg (cy)", "label::English (en)",
               "hint::Cymraeg (cy)", "hint::English (en)"],
              ["select_one role", "role", "Pa bartner?", "Which partner are you?", "", ""],
              ["begin group", "vision", "Gweledigaeth", "Vision", "", ""],
              ["select_one yn", "vision.has", "A oes gweledigaeth?", "Is there a vision?",
               "Edrychwch yn y cynllun", "Look in the plan"],
              ["end group"]]
    choices = [["list_name", "name", "label::Cymraeg (cy)", "label::English (en)"],
               ["role", "council", "Cyngor", "Council"], ["role", "health", "Iechyd", "Health"],
               ["yn", "yes", "Ydy", "Yes"], ["yn", "no", "Nac ydy", "No"]]
    header = SETTINGS if default is not None else SETTINGS[:-1]
    values = ["My bank", "my-bank", "1", "Mine."] + ([default] if default is not None else [])
    return authoring_workbook(tmp_path / name, survey, choices, [header, values])


@pytest.mark.parametrize("default", ["English (en)", "English", "en", None])
def test_the_default_language_is_the_banks_whatever_column_comes_first(tmp_path, default):
    bank = bank_from_data(bank_data_from_xlsform(_bilingual(tmp_path, default)))
    question = bank.questions[0]
    assert question.text == "Is there a vision?"
    assert question.guidance == "Look in the plan"
    assert [a.title for a in bank.areas] == ["Vision"]
    assert [r.title for r in bank.roles] == ["Council", "Health"]


def test_a_default_language_of_welsh_is_taken_when_the_form_says_so(tmp_path):
    bank = bank_from_data(bank_data_from_xlsform(_bilingual(tmp_path, "Cymraeg (cy)")))
    assert bank.questions[0].text == "A oes gweledigaeth?"


@pytest.mark.parametrize("spelling, expected", [
    ("select one yn", "select_one yn"), ("select1 yn", "select_one yn"),
    ("select_one yn", "select_one yn"), ("Select One yn", "select_one yn"),
    ("select one from yn", "select_one yn"),
    ("select all that apply opts", "select_multiple opts"),
    ("select_multiple opts", "select_multiple opts"),
    ("begin group", "begin_group"), ("begin_group", "begin_group"), ("end group", "end_group"),
    ("begin repeat", "begin_repeat"), ("begin looped group", "begin_repeat"),
    ("select_one_from_file places.csv", "select_one_from_file places.csv"),
    ("integer", "integer"),
])
def test_pyxforms_spellings_are_read_through_its_alias_table(spelling, expected):
    pytest.importorskip("pyxform")
    assert canonical_type(spelling) == expected


def test_a_form_in_pyxforms_other_spellings_imports(tmp_path):
    pytest.importorskip("pyxform")
    survey = [["type", "name", "label"], *ROLE_ROWS,
              ["begin group", "vision", "Vision"],
              ["select one yn", "vision.a", "A?"],
              ["select1 reg", "vision.b", "B?"],
              ["select all that apply opts", "vision.c", "C?"],
              ["end group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"],
                              ["reg", "none", "None", 0], ["reg", "full", "Full", 2],
                              ["opts", "x", "X", 1], ["opts", "y", "Y", 1]]
    bank = bank_from_data(bank_data_from_xlsform(authoring_workbook(tmp_path / "s.xlsx", survey,
                                                           choices)))
    assert [(q.id, q.type) for q in bank.questions] == [
        ("vision.a", "yesno"), ("vision.b", "choice"), ("vision.c", "multi")]


def test_one_refusal_causes_no_second_on_the_rows_that_depend_on_it(tmp_path):
    from stocktake.xlsform.authoring import xlsform_bank

    survey = [["type", "name", "label", "relevant"], *ROLE_ROWS,
              ["begin group", "vision", "Vision"],
              ["geopoint", "vision.where", "Where?", ""],
              ["text", "vision.where_evidence", "Evidence", ""],
              ["select_one yn", "vision.a", "A?", "${vision.where} = 'home'"],
              ["select_one yn", "vision.b", "B?", "${vision.gone} = 'yes'"],
              ["end group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"]]
    path = authoring_workbook(tmp_path / "g.xlsx", survey, choices)
    with pytest.raises(StocktakeError) as caught:
        xlsform_bank(path)
    # Only the condition on a question that is nowhere in the form is refused; the GPS
    # question is a note, its evidence row passes without a word, and the condition on it is
    # dropped with a note of its own rather than refused as "not an earlier question".
    assert len(caught.value.details) == 1, caught.value.details
    assert "'vision.b': relevant names 'vision.gone'" in caught.value.details[0]
    survey.pop(-2)
    data, notes = xlsform_bank(authoring_workbook(tmp_path / "h.xlsx", survey, choices))
    assert [q["id"] for q in data["questions"]] == ["vision.a"]
    assert notes == [
        "sheet 'survey', row 4: 'vision.where' not carried: question type 'geopoint' (GPS); a "
        "bank asks scale, choice, multi, yesno, number and text questions",
        "sheet 'survey', row 6: 'vision.a': its condition on 'vision.where' (not carried) is "
        "dropped: it is always asked"]


def test_sheet_names_are_case_insensitive_as_in_pyxform(tmp_path):
    survey = [["type", "name", "label"], *ROLE_ROWS, ["begin group", "vision", "Vision"],
              ["select_one yn", "vision.a", "A?"], ["end group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"]]
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("Survey", survey), ("Choices", choices),
                        ("SETTINGS", [["form_title", "form_id", "version", "description"],
                                      ["My bank", "my-bank", "1", "Mine."]])):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "S.xlsx"
    book.save(path)
    bank = bank_from_data(bank_data_from_xlsform(path))
    assert [q.id for q in bank.questions] == ["vision.a"]


# ---------------------------------------------------------------- sheets picked by their header


def _numbers_roster(path, rows, *, summary_first=True):
    """As Apple Numbers exports a table: an "Export Summary" sheet first, then the table."""
    book = Workbook()
    summary = book.active
    summary.title = "Export Summary"
    summary.append(["This document was exported from Numbers. Each table was converted to "
                    "an Excel worksheet."])
    summary.append(["Sheet Name", "Table Name", "Excel Worksheet Name"])
    summary.append(["Sheet 1", "Table 1", "Sheet 1 - Table 1"])
    table = book.create_sheet("Sheet 1 - Table 1")
    table.append(["Table 1"])  # Numbers keeps the table's name above it
    for row in rows:
        table.append(row)
    if not summary_first:
        book.move_sheet(table, offset=-1)
    book.save(path)
    return path


ROSTER = [["partnership", "role", "respondent", "email"],
          ["E09000007", "health", "Zoe Health", "zoe@example.nhs.uk"]]


def test_a_roster_from_numbers_is_read_from_its_table_not_the_summary(cli, tmp_path):
    path = _numbers_roster(tmp_path / "roster.xlsx", ROSTER)
    done = cli("roster", "import", path, "--bank", "mini")
    assert done.exit_code == 0, done.output
    listed = json.loads(cli("roster", "list", "E09000007", "--bank", "mini", "--json").stdout)
    assert [e["respondent"] for e in listed] == ["Zoe Health"]


def test_a_roster_message_names_the_sheet_read(cli, tmp_path):
    bad = [ROSTER[0], ["E09000007", "nurse", "Zoe Health", "zoe@example.nhs.uk"]]
    path = _numbers_roster(tmp_path / "roster.xlsx", bad)
    done = cli("roster", "import", path, "--bank", "mini")
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1
    assert "sheet 'Sheet 1 - Table 1', row 3:" in said
    # a workbook with no sheet that fits is read from its first, and says which
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["name", "role"])
    book.save(tmp_path / "other.xlsx")
    done = cli("roster", "import", tmp_path / "other.xlsx", "--bank", "mini")
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1
    assert "other.xlsx, sheet 'Notes': missing column(s) partnership, respondent, email" in said


def test_a_kobo_export_with_a_sheet_put_before_it_is_read_from_its_own(tmp_path, workspace,
                                                                        mini_bank):
    pytest.importorskip("pyxform")
    from openpyxl import load_workbook

    from stocktake.xlsform.export import xlsform_bytes, xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from helpers.submissions import assert_stored_as_given, import_submissions, two_submissions
    from helpers.xlsform_builders import kobo_xlsx

    sheets = xlsform_sheets(mini_bank, [("E09000007", "Camden"), ("E08000025", "Birmingham")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two_submissions(mini_bank))
    wb = load_workbook(path)
    notes = wb.create_sheet("Read me", 0)
    notes.append(["Downloaded from KoboToolbox for the round"])
    wb.save(path)
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert len(outcome.stored) == 2
    assert all(s.where.startswith("sheet 'Mini bank for tests', row ")
               for s in batches[0].submissions)
    assert_stored_as_given(workspace, mini_bank)
