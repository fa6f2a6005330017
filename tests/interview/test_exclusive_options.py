"""Exclusive multi options ("None of these"): ticked only on their own, on every route."""

from __future__ import annotations

from pathlib import Path

import pytest

from stocktake.banks.answer_values import BadValue, parse_answer
from stocktake.banks.validation import validate_bank_data
from stocktake.banks.model import read_bank_toml
from stocktake.banks.loading import find_bank, load_bank
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey

from helpers.paths import DATA
from helpers.prompts import CTRL_C, DOWN, ENTER, SPACE, ask

WAVE = "2026-27"
NONE_OPTION = '  { id = "none", label = "None of these", score = 0, exclusive = true },\n'


@pytest.fixture
def x_bank_path(tmp_path) -> Path:
    """The mini bank with "None of these" (exclusive) added to vision.consulted."""
    text = (DATA / "mini.toml").read_text(encoding="utf-8").replace('id = "mini"', 'id = "minix"')
    anchor = '  { id = "staff", label = "Front-line staff", score = 1 },\n'
    assert anchor in text
    path = tmp_path / "minix.toml"
    path.write_text(text.replace(anchor, anchor + NONE_OPTION), encoding="utf-8")
    return path


@pytest.fixture
def x_bank(x_bank_path):
    return load_bank(x_bank_path)


def test_parse_refuses_an_exclusive_option_with_others(x_bank):
    q = x_bank.question("vision.consulted")
    assert parse_answer(q, "none") == (ANSWERED, ["none"])
    assert parse_answer(q, "children;staff") == (ANSWERED, ["children", "staff"])
    with pytest.raises(BadValue, match="'none' \\(None of these\\) is ticked on its own"):
        parse_answer(q, "children;none")


def test_tick_box_prompt_refuses_none_with_another_option(x_bank):
    q = x_bank.question("vision.consulted")
    # children (first) and None of these (fourth) ticked: Enter is refused, the prompt stays
    with pytest.raises(KeyboardInterrupt):
        ask(q, SPACE + DOWN * 3 + SPACE + ENTER + CTRL_C)
    # ... and unticking "None of these" lets the answer through
    assert ask(q, SPACE + DOWN * 3 + SPACE + ENTER + SPACE + ENTER).value == ["children"]
    assert ask(q, DOWN * 3 + SPACE + ENTER).value == ["none"]


def test_answers_file_row_combining_none_is_refused_and_nothing_stored(cli, tmp_path,
                                                                       x_bank_path):
    answers = tmp_path / "a.csv"
    answers.write_text("question,value,evidence\nvision.statement,yes,\n"
                       "vision.consulted,children;none,\n", encoding="utf-8")
    result = cli("interview", "E09000007", "--bank", str(x_bank_path), "--role", "council",
                 "--respondent", "Jo", "--answers", str(answers))
    assert result.exit_code == 1
    assert "vision.consulted" in result.stderr and "ticked on its own" in result.stderr
    from stocktake.store.workspace import Workspace

    assert Workspace.open(tmp_path / "ws").responses("E09000007") == []


def test_form_cell_combining_none_is_refused_by_reference(x_bank, tmp_path):
    from stocktake.workbooks.forms import create_form, read_form
    from helpers.forms import fill

    path = create_form(tmp_path / "f.xlsx", x_bank, partnership_for("E09000007"), "council",
                       WAVE, "Jo")
    fill(path, {"vision.statement": "Yes", "vision.consulted": "children;none"})
    from stocktake.returns.about import BankShelf

    with pytest.raises(StocktakeError) as caught:
        read_form(path, BankShelf([x_bank]))
    assert any("Form!" in d and "ticked on its own" in d for d in caught.value.details)


def _stored_conflict(workspace, bank):
    """A response stored before the option was marked exclusive (written whole, unchecked)."""
    workspace.add_partnerships([partnership_for("E09000007")])
    answers = {"vision.statement": Answer("vision.statement", ANSWERED, "yes"),
               "vision.consulted": Answer("vision.consulted", ANSWERED, ["children", "none"])}
    workspace.write_responses("E09000007", [Response(
        ResponseKey("E09000007", bank.id, WAVE, "Jo"), "council", bank_version=bank.version,
        bank_hash=bank.hash, answers=answers)])


@pytest.mark.store_damaged_on_purpose("an answer stored before its option was exclusive")
def test_merge_refuses_a_workbook_whose_answer_combines_none(workspace, x_bank, tmp_path,
                                                            monkeypatch):
    from stocktake.workbooks.exports import gather_export, write_export
    from stocktake.national.merge import merge_workbooks

    _stored_conflict(workspace, x_bank)
    out = tmp_path / "returns"
    write_export(gather_export(workspace, x_bank, "E09000007", WAVE, with_names=True), "xlsx", out)
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(tmp_path))  # where the bank file lives
    result = merge_workbooks([out], tmp_path / "national.xlsx")
    assert [r.path.name for r in result.rejected] == [f"E09000007-minix-{WAVE}.xlsx"]
    assert "Jo's answer to vision.consulted" in result.rejected[0].reason
    assert "ticked on its own" in result.rejected[0].reason


@pytest.mark.store_damaged_on_purpose("an answer stored before its option was exclusive")
def test_doctor_reports_a_stored_answer_combining_none(workspace, x_bank, x_bank_path, cli,
                                                       monkeypatch):
    _stored_conflict(workspace, x_bank)
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(x_bank_path.parent))
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "vision.consulted" in result.output and "ticked on its own" in result.output


def _problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "b.toml"
    path.write_text(text, encoding="utf-8")
    return [p.render() for p in validate_bank_data(read_bank_toml(path), path)]


def test_banks_validate_checks_exclusive(tmp_path):
    base = (DATA / "mini.toml").read_text(encoding="utf-8")
    on_choice = base.replace('{ id = "partial", ', '{ id = "partial", exclusive = true, ', 1)
    assert on_choice != base
    assert any("'exclusive' is only for multi" in p for p in _problems(on_choice, tmp_path))
    not_bool = base.replace('score = 1 },\n]', 'score = 1, exclusive = "yes" },\n]', 1)
    assert not_bool != base
    assert any("'exclusive' is true or false" in p for p in _problems(not_bool, tmp_path))
    anchor = '  { id = "staff", label = "Front-line staff", score = 1 },\n'
    assert _problems(base.replace(anchor, anchor + NONE_OPTION), tmp_path) == []


def test_shipped_banks_mark_every_none_of_these_option_exclusive():
    marked = 0
    for bank_id in ("idea-stocktake", "joint-area-review", "tomorrows-children"):
        bank = find_bank(bank_id)
        for q in bank.questions:
            if q.type != "multi":
                continue
            for option in q.options:
                says_none = option.id == "none" or option.label.lower().startswith("none")
                assert option.exclusive == says_none, (bank_id, q.id, option.id)
                marked += says_none
    assert marked == 3


def test_xlsform_export_lets_none_of_these_be_ticked_only_alone_and_round_trips():
    from stocktake.xlsform.export import xlsform_sheets

    bank = find_bank("idea-stocktake")
    sheets = xlsform_sheets(bank, [("E09000007", "Camden")])
    header = sheets.survey[0]
    row = next(r for r in sheets.survey if r[header.index("name")] == "consultation.groups")
    assert row[header.index("constraint")] == (
        "not((selected(., 'na') or selected(., 'dk') or selected(., 'none')) and "
        "count-selected(.) > 1)")
    assert "None of these" in row[header.index("constraint_message")]
    list_name = row[header.index("type")].split(" ", 1)[1]
    columns = sheets.choices[0]
    marked = {r[columns.index("name")] for r in sheets.choices[1:]
              if r[columns.index("list_name")] == list_name and r[columns.index("exclusive")]}
    assert marked == {"none"}
