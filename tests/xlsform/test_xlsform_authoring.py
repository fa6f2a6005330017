"""Writing a bank in a spreadsheet (`stocktake/xlsform/authoring.py`), and the round trip
bank -> XLSForm -> bank for every shipped bank."""

from __future__ import annotations

import tomllib

import pytest

from stocktake.banks.model import bank_from_data

from stocktake.banks.loading import find_bank
from stocktake.errors import StocktakeError
from stocktake.xlsform.authoring import bank_data_from_xlsform, bank_toml
from stocktake.xlsform.export import write_xlsform, xlsform_sheets

from helpers.xlsform_builders import ROLE_CHOICES, ROLE_ROWS, authoring_workbook

SHIPPED = ("idea-stocktake", "joint-area-review", "tomorrows-children", "partnership-2026")


@pytest.mark.parametrize("bank_id", SHIPPED)
def test_round_trip_bank_to_xlsform_to_bank_keeps_every_question(tmp_path, bank_id):
    bank = find_bank(bank_id)
    path = write_xlsform(tmp_path / "form.xlsx", xlsform_sheets(bank, [("E09000007", "Camden")]))
    again = bank_from_data(tomllib.loads(bank_toml(bank_data_from_xlsform(path))))
    assert [a.id for a in again.areas] == [a.id for a in bank.areas]
    # The published measures each area links come back too (the hash leaves them out).
    assert [a.indicators for a in again.areas] == [a.indicators for a in bank.areas]
    assert again.roles == bank.roles
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert (after.id, after.area, after.type, after.text, after.levels, after.options,
                after.roles, after.when, after.required, after.weight, after.scored) == \
            (before.id, before.area, before.type, before.text, before.levels, before.options,
             before.roles, before.when, before.required, before.weight, before.scored)
    # Nothing else drifted either: the content hash covers the whole bank.
    assert again.hash == bank.hash


def test_a_spreadsheet_without_stocktake_columns_becomes_a_bank(tmp_path):
    survey = [["type", "name", "label", "hint", "relevant", "required", "constraint"],
              *ROLE_ROWS,
              ["begin group", "vision", "Vision"],
              ["select_one yn", "vision.has", "Is there a vision?", "Look in the plan", "",
               "yes", ""],
              ["select_one levels", "vision.known", "How widely known?", "",
               "${vision.has} = 'yes'", "", ""],
              ["select_one reg", "vision.register", "Register?", "",
               "selected(${role}, 'health')", "", ""],
              ["integer", "vision.staff", "How many staff?", "", "${vision.known} >= 2", "",
               ". >= 0"],
              ["end group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"],
                              ["levels", "1", "Few"], ["levels", "2", "Some"],
                              ["levels", "3", "Most"],
                              ["reg", "none", "None", 0], ["reg", "full", "Full", 2]]
    path = authoring_workbook(tmp_path / "mine.xlsx", survey, choices)
    bank = bank_from_data(bank_data_from_xlsform(path))
    assert (bank.id, bank.title, bank.version) == ("my-bank", "My bank", "1")
    assert [(q.id, q.type) for q in bank.questions] == [
        ("vision.has", "yesno"), ("vision.known", "scale"), ("vision.register", "choice"),
        ("vision.staff", "number")]
    has, known, register, staff = bank.questions
    assert has.required and has.guidance == "Look in the plan"
    assert known.levels == ("Few", "Some", "Most")
    assert known.when.question == "vision.has" and known.when.is_ == "yes"
    assert register.roles == ("health",) and register.option("full").score == 2
    assert staff.when.at_least == 2 and staff.min == 0 and staff.max is None


def test_what_a_bank_cannot_carry_is_noted_with_sheet_and_row(tmp_path):
    """Issue 28 kind 12: any form pyxform accepts imports; what a bank does not carry is a
    note per question (sheet and row), not a refusal of the whole form."""
    from stocktake.xlsform.authoring import xlsform_bank

    survey = [["type", "name", "label", "relevant", "choice_filter", "calculation"],
              *ROLE_ROWS,
              ["begin_group", "vision", "Vision"],
              ["begin_repeat", "kids", "Each child"],
              ["end_repeat"],
              ["calculate", "total", "", "", "", "1 + 1"],
              ["select_one yn", "vision.a", "A?", "", "", ""],
              ["select_one yn", "vision.b", "B?", "", "yes = ${vision.a}", ""],
              ["note", "vision.note", "Read this"],
              ["geopoint", "vision.where", "Where?"],
              ["select_one yn", "vision.c", "C?", "${vision.a} != 'no'", "", ""],
              ["end_group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"]]
    path = authoring_workbook(tmp_path / "odd.xlsx", survey, choices)
    data, notes = xlsform_bank(path)
    assert [q["id"] for q in data["questions"]] == ["vision.a", "vision.b", "vision.c"]
    assert "when" not in data["questions"][2]
    assert len(notes) == 6, notes
    assert notes[0] == ("sheet 'survey', row 4: repeat 'kids' not carried: its questions are "
                        "asked once each (a bank has no repeats)")
    assert notes[1].startswith("sheet 'survey', row 6: calculation 'total' not carried")
    assert notes[2].startswith("sheet 'survey', row 8: 'vision.b': its choice filter")
    assert notes[3].startswith("sheet 'survey', row 9: note 'vision.note' not carried")
    assert notes[4].startswith("sheet 'survey', row 10: 'vision.where' not carried: question "
                               "type 'geopoint' (GPS)")
    assert notes[5].startswith("sheet 'survey', row 11: 'vision.c': its relevant is not "
                               "carried, so it is asked of everyone")


def test_the_bank_validator_names_what_the_spreadsheet_leaves_out(tmp_path):
    survey = [["type", "name", "label"], *ROLE_ROWS, ["begin_group", "vision", "Vision"],
              ["select_one yn", "vision.a", ""], ["end_group"]]
    choices = ROLE_CHOICES + [["yn", "yes", "Yes"], ["yn", "no", "No"]]
    path = authoring_workbook(tmp_path / "thin.xlsx", survey, choices,
                     [["form_title", "form_id", "version"], ["", "Thin Bank", "1"]])
    with pytest.raises(StocktakeError) as caught:
        bank_data_from_xlsform(path)
    text = "\n".join(caught.value.details)
    # The question's text cannot be made up; an empty form_title and an id that is not a bank
    # id are (issue 28 kind 12: any form pyxform accepts), so only the text is refused.
    assert "missing 'text'" in text and "title" not in text


EVERY_FEATURE = '''
id = "features"
title = "Every feature"
version = "2.1"
description = "Bands, coverage, weights, scoring flags, bounds, units and every condition."
min_coverage = 0.7

[[bands]]
label = "Low"
min = 0
colour = "#FF0000"

[[bands]]
label = "High"
min = 60
colour = "#00FF00"

[[roles]]
id = "council"
title = "Council"

[[roles]]
id = "schools"
title = "Schools"

[[areas]]
id = "a"
title = "Area A"
description = "The first area."

[[questions]]
id = "a.who"
area = "a"
type = "multi"
text = "Who takes part?"
options = [{ id = "pupils", label = "Pupils", score = 1.5 }, { id = "staff", label = "Staff", score = 0 }]
required = true

[[questions]]
id = "a.rate"
area = "a"
type = "number"
text = "What share of staff took part?"
min = 0
max = 100
unit = "%"
scored = true
weight = 0.5
when = { question = "a.who", in = ["pupils", "staff"] }

[[questions]]
id = "a.kind"
area = "a"
type = "choice"
text = "Which kind?"
options = [{ id = "x", label = "X", score = 0 }, { id = "y", label = "Y", score = 3 }]
scored = false
roles = ["schools"]
when = { question = "a.rate", at_least = 12.5 }

[[questions]]
id = "a.note"
area = "a"
type = "text"
text = "Anything else?"
guidance = "Keep it short."
'''


def test_round_trip_keeps_bands_coverage_weights_flags_bounds_and_conditions(tmp_path):
    from stocktake.banks.loading import load_bank

    source = tmp_path / "features.toml"
    source.write_text(EVERY_FEATURE)
    bank = load_bank(source)
    path = write_xlsform(tmp_path / "f.xlsx", xlsform_sheets(bank, [("E09000007", "Camden")]))
    again = bank_from_data(tomllib.loads(bank_toml(bank_data_from_xlsform(path))))
    assert again.bands == bank.bands and again.min_coverage == 0.7
    assert again.question("a.rate").when == bank.question("a.rate").when
    assert again.question("a.kind").scored is False
    assert again.hash == bank.hash
