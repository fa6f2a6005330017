"""The same answer read the same way on every route (issue 26, kind 5).

A multi or choice answered with labels, ids or the form's own entries, several separated by `;`
or `,`, is stored as the same option ids from an answers file (CSV and JSON), a returned form,
an ODK Central export and a merged partnership workbook; a label holding a comma is read whole;
a name that reads two ways is refused naming the candidates; a form's messages use its words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.answer_values import FORM_WORDS, BadValue, parse_answer, read_options
from stocktake.banks.loading import load_bank
from stocktake.errors import StocktakeError
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey

from helpers.paths import DATA

WAVE = "2026-27"
CHILDREN = "Children and young people"
FAMILIES = "Parents, carers and families"  # a label holding a comma
# The same answer, children and parents, as people write it.
SAME_ANSWER = [
    f"{CHILDREN}, {FAMILIES}",
    f"{CHILDREN}; {FAMILIES}",
    f"{CHILDREN.upper()};{FAMILIES.lower()}",
    "children;parents",
    "children, parents",
    f"children; {FAMILIES}",
    f"{FAMILIES}, children",
]


def _wanted(value: str) -> list[str]:
    return ["parents", "children"] if value.startswith(FAMILIES) else ["children", "parents"]


def _bank_text(extra_options: str = "") -> str:
    text = (DATA / "mini.toml").read_text(encoding="utf-8").replace('id = "mini"', 'id = "minil"')
    old = '  { id = "parents", label = "Parents and carers", score = 1 },\n'
    assert old in text
    return text.replace(old, f'  {{ id = "parents", label = "{FAMILIES}", score = 1 }},\n'
                        + extra_options)


@pytest.fixture
def bank_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "minil.toml").write_text(_bank_text(), encoding="utf-8")
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(folder))
    return folder


@pytest.fixture
def bank(bank_dir):
    return load_bank(bank_dir / "minil.toml")


@pytest.fixture
def ambiguous_bank(tmp_path):
    """Options "Parents" and "carers and families" beside "Parents, carers and families"."""
    path = tmp_path / "minia.toml"
    path.write_text(_bank_text('  { id = "par", label = "Parents", score = 1 },\n'
                               '  { id = "carers", label = "carers and families", score = 1 },\n'),
                    encoding="utf-8")
    return load_bank(path)


# ---------------------------------------------------------------- the one reading


@pytest.mark.parametrize("value", SAME_ANSWER)
def test_parse_answer_reads_labels_ids_and_both_separators(bank, value):
    assert parse_answer(bank.question("vision.consulted"), value) == (ANSWERED, _wanted(value))


@pytest.mark.parametrize("value, option", [
    ("For some changes", "partial"), ("partial", "partial"), ("for some  changes", "partial"),
    ("For every change, reviewed quarterly", "full"),  # a choice label holding a comma
])
def test_a_choice_reads_its_label_or_id_even_with_a_comma(bank, value, option):
    assert parse_answer(bank.question("risk.register"), value) == (ANSWERED, option)


def test_a_choice_given_two_options_is_refused_naming_them(bank):
    with pytest.raises(BadValue, match=r"one option only: none \(No\) \+ partial"):
        parse_answer(bank.question("risk.register"), "No; For some changes")


def test_a_name_that_reads_two_ways_is_refused_naming_the_candidates(ambiguous_bank):
    question = ambiguous_bank.question("vision.consulted")
    # Alone, the whole label wins: a label is matched whole before it is cut at its comma.
    assert read_options(question, FAMILIES) == ["parents"]
    with pytest.raises(BadValue) as caught:
        parse_answer(question, f"Front-line staff, {FAMILIES}")
    message = str(caught.value)
    assert "can be read as" in message
    assert "parents (Parents, carers and families)" in message
    assert "par (Parents) + carers (carers and families)" in message
    assert "write the option ids" in message


def test_one_name_for_two_options_is_refused_naming_both(tmp_path):
    text = _bank_text().replace('label = "Front-line staff"', 'label = "Children"')
    text = text.replace('label = "Children and young people"', 'label = "children"')
    path = tmp_path / "minid.toml"
    path.write_text(text, encoding="utf-8")
    question = load_bank(path).question("vision.consulted")
    assert read_options(question, "children") == ["children"]  # the id, exactly
    assert read_options(question, "Children") == ["staff"]  # a label as written
    with pytest.raises(BadValue, match=r"'CHILDREN' could be any of: children \(children\); "
                                       r"staff \(Children\)"):
        parse_answer(question, "CHILDREN")


def test_a_part_that_is_no_option_is_named(bank):
    with pytest.raises(BadValue) as caught:
        parse_answer(bank.question("vision.consulted"), f"{CHILDREN}, pets")
    assert "'pets' is not among the options" in str(caught.value)
    assert "labels or ids, separated by ; or ," in str(caught.value)


# ---------------------------------------------------------------- every route


@pytest.mark.parametrize("value", SAME_ANSWER)
def test_answers_file_csv_and_json_read_the_same(bank, tmp_path, value):
    from stocktake.interview.answers_file import read_answers_file

    csv_path = tmp_path / "a.csv"
    quoted = value.replace('"', '""')
    csv_path.write_text(f'question,value,evidence\nvision.consulted,"{quoted}",\n'
                        'risk.register,For some changes,\n', encoding="utf-8")
    json_path = tmp_path / "a.json"
    json_path.write_text(json.dumps([{"question": "vision.consulted", "value": value},
                                     {"question": "risk.register", "value": "partial"}]),
                         encoding="utf-8")
    for path in (csv_path, json_path):
        got = {a.question: a.value for a in read_answers_file(bank, "council", path)}
        assert got == {"vision.consulted": _wanted(value), "risk.register": "partial"}, path


@pytest.mark.parametrize("value", SAME_ANSWER)
def test_returned_form_reads_the_same(bank, tmp_path, value):
    from helpers.forms import CAMDEN
    from helpers.forms import answered
    from stocktake.workbooks.forms import create_form

    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    assert answered(path, bank, "vision.consulted", value) == (ANSWERED, _wanted(value))


def test_returned_form_reads_a_choice_by_its_dropdown_entry_label_or_id(bank, tmp_path):
    from helpers.forms import CAMDEN, rows_by_question
    from helpers.forms import answered, dropdowns
    from stocktake.workbooks.forms import create_form

    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    row = rows_by_question(load_workbook(path)["Form"])["risk.register"]
    entry = dropdowns(path)[f"F{row}"][1]
    for value in (entry, "partial", "for some changes"):
        assert answered(path, bank, "risk.register", value) == (ANSWERED, "partial"), value


def test_form_messages_use_the_forms_words(bank, tmp_path):
    from helpers.forms import CAMDEN, fill, rows_by_question
    from stocktake.workbooks.forms import create_form, read_form
    from stocktake.returns.about import BankShelf

    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    fill(path, {"vision.statement": "Maybe", "vision.known": "9",
                "vision.consulted": f"{CHILDREN}, pets", "risk.register": "Sometimes"})
    with pytest.raises(StocktakeError) as caught:
        read_form(path, BankShelf([bank]))
    details = caught.value.details
    rows = rows_by_question(load_workbook(path)["Form"])
    for qid in ("vision.statement", "vision.known", "vision.consulted", "risk.register"):
        [line] = [d for d in details if f"Form!F{rows[qid]}: {qid}:" in d]
        assert "Not applicable" in line and "Don't know" in line, line
        assert " na" not in line and " dk" not in line, line
    allowed = load_workbook(path)["Form"].cell(rows["risk.vacancies"], 5).value
    assert "Not applicable / Don't know" in allowed and "na / dk" not in allowed


def test_answers_file_messages_keep_the_files_words(bank, tmp_path):
    from stocktake.interview.answers_file import read_answers_file

    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nvision.known,9,\n", encoding="utf-8")
    with pytest.raises(StocktakeError) as caught:
        read_answers_file(bank, "council", path)
    assert "na or dk" in caught.value.details[0]
    assert parse_answer(bank.question("vision.known"), "Not applicable", FORM_WORDS)[0] == "na"


@pytest.mark.parametrize("value", SAME_ANSWER + ["children parents"])
def test_odk_central_export_reads_the_same(bank, tmp_path, workspace, value):
    pytest.importorskip("pyxform")
    from helpers.xlsform_builders import central_csv
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from stocktake.xlsform.submissions import partnership_lookup, read_submissions

    sheets = xlsform_sheets(bank, [("E09000007", "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    row = {"instance": "6f1c2a9e-0000-4000-8000-000000000001",
           "stocktake_form": form_identity(bank), "partnership": "E09000007",
           "role": "council", "respondent": "Jo", "vision.statement": "yes",
           "vision.known": "3", "vision.consulted": value, "risk.register": "partial"}
    path = central_csv(tmp_path / "s.csv", xform, sheets, [row], version=form_version(bank))
    batch = read_submissions(path, bank, partnership_lookup(workspace.partnerships()))
    [submission] = batch.submissions
    got = {a.question: a.value for a in submission.answers}
    assert got["vision.consulted"] == (_wanted(value) if "," in value or ";" in value
                                       else ["children", "parents"])


@pytest.mark.parametrize("value", [f"{CHILDREN}, {FAMILIES}", "children, parents",
                                   f"{CHILDREN}; {FAMILIES}"])
def test_merged_partnership_workbook_reads_the_same(bank, bank_dir, tmp_path, workspace, value):
    from helpers.hostile_files import recompute_seal
    from stocktake.national.merge import merge_workbooks
    from stocktake.workbooks.exports import gather_export, write_export

    workspace.add_partnerships([_camden()])
    answers = {"vision.statement": Answer("vision.statement", ANSWERED, "yes"),
               "vision.consulted": Answer("vision.consulted", ANSWERED, ["staff"])}
    workspace.write_responses("E09000007", [Response(
        ResponseKey("E09000007", bank.id, WAVE, "Jo"), "council", bank_version=bank.version,
        bank_hash=bank.hash, answers=answers)])
    out = tmp_path / "returns"
    [path] = write_export(gather_export(workspace, bank, "E09000007", WAVE, with_names=True),
                          "xlsx", out)
    wb = load_workbook(path)
    ws = wb["Answers"]
    header = [c.value for c in ws[1]]
    q_col, v_col = header.index("question") + 1, header.index("value") + 1
    [r] = [r for r in range(2, ws.max_row + 1) if ws.cell(r, q_col).value == "vision.consulted"]
    ws.cell(r, v_col).value = value
    wb.save(path)
    recompute_seal(path, bank)
    result = merge_workbooks([path], tmp_path / "national.xlsx")
    assert not result.rejected, result.rejected
    [merged] = result.merged
    [response] = merged.responses
    assert response.answers["vision.consulted"].value == ["children", "parents"]


def test_merged_workbook_with_an_unknown_option_is_refused_naming_it(bank, bank_dir, tmp_path,
                                                                     workspace):
    from helpers.hostile_files import recompute_seal
    from stocktake.national.merge import merge_workbooks
    from stocktake.workbooks.exports import gather_export, write_export

    workspace.add_partnerships([_camden()])
    workspace.write_responses("E09000007", [Response(
        ResponseKey("E09000007", bank.id, WAVE, "Jo"), "council", bank_version=bank.version,
        bank_hash=bank.hash,
        answers={"vision.consulted": Answer("vision.consulted", ANSWERED, ["staff"])})])
    [path] = write_export(gather_export(workspace, bank, "E09000007", WAVE, with_names=True),
                          "xlsx", tmp_path / "returns")
    wb = load_workbook(path)
    ws = wb["Answers"]
    header = [c.value for c in ws[1]]
    [r] = [r for r in range(2, ws.max_row + 1)
           if ws.cell(r, header.index("question") + 1).value == "vision.consulted"]
    ws.cell(r, header.index("value") + 1).value = "children;pets"
    wb.save(path)
    recompute_seal(path, bank)
    result = merge_workbooks([path], tmp_path / "national.xlsx")
    [rejected] = result.rejected
    assert "Jo's answer to vision.consulted" in rejected.reason
    assert "'pets' is not among the options" in rejected.reason


def _camden():
    from stocktake.partnerships.model import partnership_for

    return partnership_for("E09000007")


# ---------------------------------------------------------------- every question type


def _dropdown_entries(bank, tmp_path) -> dict[str, list[str]]:
    from helpers.forms import CAMDEN, rows_by_question
    from helpers.forms import dropdowns
    from stocktake.workbooks.forms import create_form

    path = create_form(tmp_path / "entries.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    rows = rows_by_question(load_workbook(path)["Form"])
    lists = dropdowns(path)
    return {qid: lists[f"F{row}"] for qid, row in rows.items() if f"F{row}" in lists}


# Each question type given by its label, its id or number, and the form dropdown's entry (the
# entry is filled in from the form itself: index into its list).
EVERY_TYPE = [
    ("vision.statement", "Yes", "yes"), ("vision.statement", "no", "no"),
    ("vision.statement", 0, "yes"),
    ("vision.known", "Most staff.", 3), ("vision.known", "most staff.", 3),
    ("vision.known", "3", 3), ("vision.known", 2, 3),
    ("risk.register", "For some changes", "partial"), ("risk.register", "partial", "partial"),
    ("risk.register", 1, "partial"),
]


@pytest.mark.parametrize("qid, given, wanted", EVERY_TYPE)
def test_every_type_reads_the_same_from_an_answers_file_and_a_form(bank, tmp_path, qid, given,
                                                                   wanted):
    from helpers.forms import CAMDEN
    from helpers.forms import answered
    from stocktake.interview.answers_file import read_answers_file
    from stocktake.workbooks.forms import create_form

    if isinstance(given, int):  # the form's own dropdown entry
        given = _dropdown_entries(bank, tmp_path)[qid][given]
    csv_path = tmp_path / "a.csv"
    extra = "vision.statement,yes,\n" if qid == "vision.known" else ""
    csv_path.write_text(f'question,value,evidence\n{extra}{qid},"{given}",\n', encoding="utf-8")
    got = {a.question: a.value for a in read_answers_file(bank, "council", csv_path)}
    assert got[qid] == wanted, given
    path = create_form(tmp_path / "f.xlsx", bank, CAMDEN, "council", WAVE, "Jo Bloggs")
    if qid == "vision.known":
        from helpers.forms import fill

        fill(path, {"vision.statement": "Yes"})
    assert answered(path, bank, qid, given) == (ANSWERED, wanted), given
    # Not applicable and Don't know as the form offers them read the same in a file too.
    for words, status in (("Not applicable", "na"), ("Don't know", "dk")):
        assert parse_answer(bank.question(qid), words)[0] == status


def test_a_long_run_of_separators_is_read_piece_by_piece(bank):
    question = bank.question("vision.consulted")
    many = ", ".join(["children", FAMILIES] * 5000)
    assert read_options(question, many) == ["children", "parents"]
    with pytest.raises(BadValue, match="'pets' is not among the options"):
        read_options(question, ", ".join(["children"] * 5000 + ["pets"]))
