"""Issue 28 kind 12: a partnership's own Kobo or ODK form, one pyxform accepts, becomes a bank.

The form is written as such forms are: no stocktake columns (no area, roles, levels or scores),
no role question, a question outside any group, a repeat, GPS and a photo, notes, sheet names
in capitals, and no settings sheet; also saved as .xls (which pyxform reads through xlrd) by
LibreOffice. `banks import-xlsform` writes a bank of the groups as areas and the selects as
unscored choices, notes each thing not carried, and `banks validate` says what to add to score
it."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook

from stocktake.banks.loading import load_bank

pytest.importorskip("pyxform")

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

SURVEY = [["type", "name", "label", "hint", "required"],
          ["start", "start", "", "", ""],
          ["text", "officer", "Your name", "", "yes"],
          ["begin group", "leadership", "Leadership", "", ""],
          ["select one agree", "lead_vision", "There is a shared vision", "", "yes"],
          ["select_multiple partners", "lead_who", "Who leads it?", "", ""],
          ["note", "lead_note", "Think of the last year", "", ""],
          ["end group", "", "", "", ""],
          ["begin_group", "safety", "Safety", "", ""],
          ["begin repeat", "incidents", "Incidents", "", ""],
          ["text", "incident", "What happened?", "", ""],
          ["end repeat", "", "", "", ""],
          ["geopoint", "where", "Where is the office?", "", ""],
          ["image", "photo", "A photo of the noticeboard", "", ""],
          ["integer", "staff", "How many staff?", "", ""],
          ["end_group", "", "", "", ""]]
CHOICES = [["list_name", "name", "label"],
           ["agree", "1", "Disagree"], ["agree", "2", "Agree"], ["agree", "3", "Strongly"],
           ["partners", "council", "The council"], ["partners", "police", "The police"]]


def kobo_form(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("Survey", SURVEY), ("CHOICES", CHOICES)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _imported(cli, form, tmp_path):
    out = tmp_path / "field.toml"
    done = cli("banks", "import-xlsform", form, "--out", out)
    assert done.exit_code == 0, done.output
    return out, " ".join(done.stderr.split())


def test_a_field_form_without_stocktakes_columns_becomes_a_bank(cli, tmp_path):
    out, said = _imported(cli, kobo_form(tmp_path / "field-form.xlsx"), tmp_path)
    bank = load_bank(out)
    assert bank.id == "field-form"
    assert [a.id for a in bank.areas] == ["questions", "leadership", "safety"]
    assert [r.id for r in bank.roles] == ["respondent"]
    kinds = {q.id: (q.type, q.scored, q.area) for q in bank.questions}
    assert kinds == {"officer": ("text", False, "questions"),
                     "lead_vision": ("scale", True, "leadership"),
                     "lead_who": ("multi", False, "leadership"),
                     "incident": ("text", False, "safety"),
                     "staff": ("number", False, "safety")}
    # each thing not carried is said, by sheet and row, and kept at the top of the bank file
    for words in ("row 3: 'officer' and the other questions in no group go in one area",
                  "row 7: note 'lead_note' not carried",
                  "row 10: repeat 'incidents' not carried",
                  "row 13: 'where' not carried: question type 'geopoint' (GPS)",
                  "row 14: 'photo' not carried: question type 'image' (media)",
                  "no `select_one` question named 'role'", "no settings sheet"):
        assert words in said, words
    head = out.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "# Not carried: sheet 'survey', row 13: 'where' not carried" in head
    tomllib.loads(out.read_text(encoding="utf-8"))  # the comments leave it valid TOML


def test_banks_validate_says_what_to_add_to_score_it(cli, tmp_path):
    out, _ = _imported(cli, kobo_form(tmp_path / "field-form.xlsx"), tmp_path)
    done = cli("banks", "validate", out)
    said = " ".join(done.stdout.split())
    assert done.exit_code == 0, done.output
    assert "field-form: area 'questions' scores nothing yet: to score it, make a question a " \
           "scale" in said
    assert "area 'safety' scores nothing yet" in said
    assert "area 'leadership'" not in said  # its scale is scored
    assert "field-form: 1 choice question(s) unscored (lead_who): give each option a score" \
        in said


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_same_form_saved_as_xls_imports_the_same(cli, tmp_path):
    xlsx = kobo_form(tmp_path / "field-form.xlsx")
    saved = tmp_path / "xls"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xls:MS Excel 97", "--outdir", str(saved), str(xlsx)],
        capture_output=True, text=True, timeout=180)
    xls = saved / "field-form.xls"
    assert xls.exists(), done.stdout + done.stderr
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    from_xls, _ = _imported(cli, xls, tmp_path)
    again = tmp_path / "again"
    again.mkdir()
    from_xlsx, _ = _imported(cli, xlsx, again)
    assert load_bank(from_xls).hash == load_bank(from_xlsx).hash


def test_a_file_named_xls_that_is_not_one_is_refused(cli, tmp_path):
    fake = tmp_path / "form.xls"
    fake.write_text("type,name,label\n", encoding="utf-8")
    done = cli("banks", "import-xlsform", fake, "--out", tmp_path / "b.toml")
    assert done.exit_code == 1
    assert "named .xls but not an Excel 97-2003 workbook" in " ".join(done.stderr.split())
    assert not (tmp_path / "b.toml").exists()


def _book(path: Path, sheets: dict) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_the_habits_of_pyxforms_own_test_forms_are_read(tmp_path):
    """What pyxform's own example forms (tests/example_xls in XLSForm/pyxform) do, each seen
    refusing one of them: an older single-colon language column, comment rows with no type,
    `or specify other`, `begin loop over`, a note with no name, names that are not bank ids,
    a group and choices with no label, a choice name repeated under a filter, eight levels
    (a bank's scale has 3 to 6), no choices sheet, and a settings form_id of `ID`."""
    from stocktake.xlsform.authoring import xlsform_bank

    survey = [["_Category", "type", "name", "label:English"],
              ["Background"],  # a comment row: text, no type
              [None, "note", None, "Welcome"],
              [None, "begin group", "Grp", None],
              [None, "select_one sexes or specify other", "Sex", "Sex?"],
              [None, "select_one eight", "_1", "Rate it"],
              [None, "select_one county", "county", "County?"],
              [None, "end group", None, None],
              [None, "begin loop over sexes", "per_sex", "Each"],
              [None, "integer", "count", "How many?"],
              [None, "end loop", None, None]]
    choices = [["list name", "name", "label:English"], ["sexes", "f", "Female"],
               ["sexes", "m", None], *[["eight", str(i), f"L{i}"] for i in range(1, 9)],
               ["county", "king", "King (WA)"], ["county", "king", "King (TX)"]]
    path = _book(tmp_path / "habits.xlsx", {"survey": survey, "choices": choices,
                                            "settings": [["form_id", "form_title"],
                                                         ["ID", "Habits"]]})
    data, notes = xlsform_bank(path)
    assert data["id"] == "id"
    assert [(a["id"], a["title"]) for a in data["areas"]] == [("questions", "Questions"),
                                                               ("grp", "Grp")]
    questions = {q["id"]: q for q in data["questions"]}
    assert set(questions) == {"sex", "1", "county", "count"}
    assert questions["sex"]["text"] == "Sex?"
    assert [o["label"] for o in questions["sex"]["options"]] == ["Female", "m"]
    assert questions["1"]["type"] == "choice" and questions["1"]["scored"] is False
    assert [o["id"] for o in questions["county"]["options"]] == ["king"]
    said = " ".join(notes)
    for words in ("'Sex' is the bank's question 'sex'", "its 'or_other'",
                  "'_1' is the bank's question '1'", "repeat 'per_sex' not carried",
                  "a 'note' row without a name is left out",
                  "choice 'king' of list 'county' repeats", "the bank is 'id', version 1",
                  "group 'Grp' is the bank's area 'grp'"):
        assert words in said, words
    # no choices sheet at all: a form of text and numbers
    plain = _book(tmp_path / "plain.xlsx", {"survey": [["type", "name", "label"],
                                                       ["text", "who", "Who?"]]})
    assert [q["id"] for q in xlsform_bank(plain)[0]["questions"]] == ["who"]


def test_a_form_with_nothing_a_bank_can_ask_is_refused_saying_so(cli, tmp_path):
    path = _book(tmp_path / "gps.xlsx", {"survey": [["type", "name", "label"],
                                                    ["geopoint", "where", "Where?"],
                                                    ["image", "photo", "A photo"]]})
    done = cli("banks", "import-xlsform", path, "--out", tmp_path / "b.toml")
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1
    assert "no question in the form is one a bank can ask" in said
    assert "'where' not carried: question type 'geopoint' (GPS)" in said
    assert not (tmp_path / "b.toml").exists()
