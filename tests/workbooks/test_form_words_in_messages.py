"""A returned form's messages use the form's words (issue 26, kind 5): a choice's options as its
dropdown offers them, a multi's by label, "Yes or No", "Not applicable" and "Don't know"; an
answers file's messages keep its own words (option ids, `na`, `dk`).

Each kind of message the form reader gives about a value is made by filling a real form the
way a respondent might, reading it back with `read_form`, and reading the line for its cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import load_bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.returns.about import BankShelf
from stocktake.workbooks.forms import ANSWER_COLUMN, ID_COLUMN, create_form, read_form

DATA = Path(__file__).parents[1] / "data"
CAMDEN = partnership_for("E09000007")
WAVE = "2026-27"
NONE_OF_THESE = '  { id = "nobody", label = "Nobody", score = 0, exclusive = true },\n'
LONG = "For every change, reviewed quarterly by the partnership board and its risk group"


def _bank(tmp_path: Path, *, long_label: bool = False, extra: str = "") -> object:
    """The mini bank with an exclusive "Nobody" option on the multi (and `extra` options), and
    with `long_label` a choice label too long for the dropdown, so the form offers ids."""
    text = (DATA / "mini.toml").read_text(encoding="utf-8").replace('id = "mini"',
                                                                    'id = "miniw"')
    staff = '  { id = "staff", label = "Front-line staff", score = 1 },\n'
    assert staff in text
    text = text.replace(staff, staff + NONE_OF_THESE + extra)
    if long_label:
        assert "For every change, reviewed quarterly" in text
        text = text.replace('"For every change, reviewed quarterly"', f'"{LONG}"')
    path = tmp_path / "miniw.toml"
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


def _messages(tmp_path: Path, bank, answers: dict[str, str]) -> dict[str, str]:
    """{question id: the reader's line about its Answer cell} for a form filled with
    `answers`."""
    path = create_form(tmp_path / "form.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    wb = load_workbook(path)
    ws = wb["Form"]
    rows = {ws.cell(r, ID_COLUMN).value: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, ID_COLUMN).value not in (None, "id")}
    for qid, value in answers.items():
        ws.cell(rows[qid], ANSWER_COLUMN).value = value
    wb.save(path)
    with pytest.raises(StocktakeError) as caught:
        read_form(path, BankShelf([bank]))
    found = {}
    for qid, row in rows.items():
        lines = [d for d in caught.value.details if f"Form!F{row}: {qid}:" in d]
        if lines:
            [found[qid]] = lines
    return found


def test_a_choice_is_named_as_its_dropdown_names_it(tmp_path):
    bank = _bank(tmp_path)
    line = _messages(tmp_path, bank, {"risk.register": "Sometimes"})["risk.register"]
    for label in ("No", "For some changes", "For every change, reviewed quarterly"):
        assert f"\u201c{label}\u201d" in line, line
    assert "none, partial, full" not in line and "the label or the id" not in line, line
    assert "Not applicable or Don't know" in line, line


def test_a_choice_whose_dropdown_offers_ids_is_named_by_them(tmp_path):
    bank = _bank(tmp_path, long_label=True)
    line = _messages(tmp_path, bank, {"risk.register": "Sometimes"})["risk.register"]
    # The label no longer fits the Answer column, so the dropdown (and the message) say ids.
    assert "\u201cnone\u201d; \u201cpartial\u201d; \u201cfull\u201d" in line, line
    assert LONG not in line, line


def test_a_choice_given_two_options_names_them_as_the_form_does(tmp_path):
    bank = _bank(tmp_path)
    line = _messages(tmp_path, bank, {"risk.register": "No; For some changes"})["risk.register"]
    assert "one option only: \u201cNo\u201d + \u201cFor some changes\u201d are several" in line, \
        line
    assert "none (No)" not in line, line


def test_a_multi_is_named_by_its_labels(tmp_path):
    bank = _bank(tmp_path)
    line = _messages(tmp_path, bank,
                     {"vision.consulted": "Children and young people, pets"})["vision.consulted"]
    assert "'pets' is not among the options" in line, line
    assert "\u201cChildren and young people\u201d; \u201cParents and carers\u201d" in line, line
    assert "children, parents, staff" not in line, line
    assert "Not applicable or Don't know" in line and " na " not in line, line


def test_an_exclusive_option_ticked_with_others_is_named_by_its_label(tmp_path):
    bank = _bank(tmp_path)
    line = _messages(tmp_path, bank, {"vision.consulted": "Nobody; Front-line staff"})[
        "vision.consulted"]
    assert "\u201cNobody\u201d is ticked on its own" in line, line
    assert "'nobody'" not in line, line


def test_a_yes_no_question_asks_for_yes_or_no_as_the_dropdown_says(tmp_path):
    bank = _bank(tmp_path)
    line = _messages(tmp_path, bank, {"vision.statement": "Maybe"})["vision.statement"]
    assert "expected Yes or No (or Not applicable, Don't know)" in line, line


def test_a_name_that_reads_two_ways_names_the_readings_as_the_form_does(tmp_path):
    bank = _bank(tmp_path, extra='  { id = "par", label = "Parents", score = 1 },\n'
                                 '  { id = "carers", label = "carers and families", '
                                 'score = 1 },\n')
    question = bank.question("vision.consulted")
    # "Parents, carers and families" is one option's label, and two others' labels joined.
    path = tmp_path / "miniw.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'label = "Parents and carers"', 'label = "Parents, carers and families"'),
        encoding="utf-8")
    bank = load_bank(path)
    assert question.id in {q.id for q in bank.questions}
    line = _messages(tmp_path, bank, {"vision.consulted": "Front-line staff, Parents, carers "
                                                          "and families"})["vision.consulted"]
    assert "can be read as \u201cFront-line staff\u201d + \u201cParents, carers and " \
           "families\u201d or" in line, line
    # Ids are the one name never ambiguous; the form shows each in Allowed answers.
    assert "write the option ids (as Allowed answers gives them) separated by ;" in line, line
    assert "staff (Front-line staff)" not in line, line


def test_an_answers_file_keeps_its_own_words(tmp_path):
    from stocktake.interview.answers_file import read_answers_file

    bank = _bank(tmp_path)
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nrisk.register,Sometimes,\n"
                    "vision.consulted,nobody;staff,\nvision.statement,Maybe,\n", encoding="utf-8")
    with pytest.raises(StocktakeError) as caught:
        read_answers_file(bank, "council", path)
    text = "\n".join(caught.value.details)
    assert "expected one of none, partial, full, na or dk" in text, text
    assert "'nobody' (Nobody) is ticked on its own" in text, text
    assert "expected yes or no (or na, dk)" in text, text
