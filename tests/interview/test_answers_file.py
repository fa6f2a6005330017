"""Scripted answer files: every row checked before any answer is returned, every bad row named."""

from __future__ import annotations

import json

import pytest

from stocktake.interview.answers_file import AnswerRow, check_answer_rows, read_answer_rows, read_answers_file
from stocktake.errors import StocktakeError
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE


def write(tmp_path, text: str, name: str = "answers.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(bank, role, path) -> StocktakeError:
    with pytest.raises(StocktakeError) as caught:
        read_answers_file(bank, role, path)
    return caught.value


def test_csv_with_every_question_type_gives_answers(mini_bank, tmp_path):
    path = write(tmp_path, "question,value,evidence\n"
                           "vision.statement,yes,CYPP p2\n"
                           "vision.known,3,\n"
                           "vision.consulted,children;staff,survey 2026\n"
                           "risk.register,partial,\n"
                           "risk.vacancies,12.5,\n"
                           '"risk.barrier","Money, and people",\n')
    answers = {a.question: a for a in read_answers_file(mini_bank, "council", path)}
    assert answers["vision.statement"].value == "yes"
    assert answers["vision.statement"].evidence == "CYPP p2"
    assert answers["vision.known"].value == 3
    assert answers["vision.consulted"].value == ["children", "staff"]
    assert answers["risk.register"].value == "partial"
    assert answers["risk.vacancies"].value == 12.5
    assert answers["risk.barrier"].value == "Money, and people"
    assert all(a.status == ANSWERED for a in answers.values())


def test_na_and_dk_give_statuses(mini_bank, tmp_path):
    path = write(tmp_path, "question,value\nvision.known,na\nrisk.register,dk\n")
    statuses = {a.question: a.status for a in read_answers_file(mini_bank, "council", path)}
    assert statuses == {"vision.known": NOT_APPLICABLE, "risk.register": DONT_KNOW}


def test_answer_to_a_question_hidden_by_its_skip_condition_is_accepted(mini_bank, tmp_path):
    # vision.known is asked only after "yes"; the file says "no" and still answers it.
    path = write(tmp_path, "question,value\nvision.statement,no\nvision.known,2\n")
    assert len(read_answers_file(mini_bank, "council", path)) == 2


def test_text_beginning_like_a_formula_is_kept_as_plain_text(mini_bank, tmp_path):
    path = write(tmp_path, 'question,value,evidence\nrisk.barrier,"=1+1",@SUM(A1)\n')
    [answer] = read_answers_file(mini_bank, "council", path)
    assert (answer.value, answer.evidence) == ("=1+1", "@SUM(A1)")


def test_every_bad_row_is_listed_by_line_and_question(mini_bank, tmp_path):
    path = write(tmp_path, "question,value,evidence\n"
                           "vision.statement,yes,\n"         # 2 good
                           "vision.knwon,3,\n"               # 3 unknown id
                           "risk.vacancies,12,\n"            # 4 good for council, not for health
                           "vision.known,7,\n"               # 5 level out of range
                           "vision.statement,no,\n"          # 6 repeats line 2
                           "risk.register,maybe,\n"          # 7 not an option
                           "vision.consulted,,\n")           # 8 empty value
    error = refusal(mini_bank, "health", path)
    assert "6 bad row(s); nothing was stored" in error.message
    details = "\n".join(error.details)
    assert len(error.details) == 6
    assert "line 3: vision.knwon: no such question" in details and "vision.known?" in details
    assert "line 4: risk.vacancies: not asked of role 'health'" in details
    assert "line 5: vision.known: expected a level from 1 to 4" in details
    assert "line 6: vision.statement: repeats line 2" in details
    assert "line 7: risk.register: expected one of none, partial, full" in details
    assert "line 8: vision.consulted: the value is empty" in details
    assert all(str(path) in d for d in error.details)


def test_line_numbers_count_blank_lines_and_multiline_cells(mini_bank, tmp_path):
    path = write(tmp_path, 'question,value\n\nrisk.barrier,"two\nlines"\nvision.known,9\n')
    error = refusal(mini_bank, "council", path)
    assert error.details == [f"{path}: line 5: vision.known: expected a level from 1 to 4, "
                             "na or dk; got '9'"]


def test_number_out_of_bounds_and_text_for_a_number_are_refused(mini_bank, tmp_path):
    path = write(tmp_path, "question,value\nrisk.vacancies,150\n")
    assert "at most 100" in refusal(mini_bank, "council", path).details[0]
    path = write(tmp_path, "question,value\nrisk.vacancies,several\n")
    assert "expected a number" in refusal(mini_bank, "council", path).details[0]


@pytest.mark.parametrize("header, problem", [
    ("id,value", "no 'question' column"),
    ("question,answer", "no 'value' column"),
    ("question,value,evidance", "unknown column(s) 'evidance'"),
    ("question,value,value", "repeated column(s) 'value'"),
])
def test_bad_header_is_refused_with_the_header_to_use(mini_bank, tmp_path, header, problem):
    path = write(tmp_path, f"{header}\nvision.statement,yes\n")
    error = refusal(mini_bank, "council", path)
    assert "line 1" in error.details[0] and problem in error.details[0]
    assert "question,value,evidence" in error.details[0]


def test_row_with_more_cells_than_the_header_is_listed_with_the_other_bad_rows(mini_bank,
                                                                             tmp_path):
    path = write(tmp_path, "question,value\nvision.known,0\nrisk.barrier,money,people\n")
    details = refusal(mini_bank, "council", path).details
    assert len(details) == 2
    assert "line 2: vision.known: expected a level" in details[0]
    assert "line 3: risk.barrier: 3 cells but the header has 2 columns" in details[1]


def test_empty_file_and_header_only_file_are_refused(mini_bank, tmp_path):
    assert "empty" in refusal(mini_bank, "council", write(tmp_path, "")).details[0]
    header_only = write(tmp_path, "question,value\n")
    assert "no answers" in refusal(mini_bank, "council", header_only).message


def test_file_that_is_not_utf8_is_refused_naming_the_line(mini_bank, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("question,value\nrisk.barrier,caf\xe9\n".encode("latin-1"))
    error = refusal(mini_bank, "council", path)
    assert "line 2: not UTF-8" in error.message and "UTF-8" in error.hint


def test_missing_file_is_refused(mini_bank, tmp_path):
    assert "no such file" in refusal(mini_bank, "council", tmp_path / "nope.csv").message


def test_excel_byte_order_mark_is_accepted(mini_bank, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfquestion,value\r\nvision.statement,Yes\r\n")
    assert read_answers_file(mini_bank, "council", path)[0].value == "yes"


def test_json_list_with_multi_as_a_list(mini_bank, tmp_path):
    path = write(tmp_path, json.dumps([
        {"question": "vision.statement", "value": "yes", "evidence": "minutes"},
        {"question": "vision.known", "value": 4},
        {"question": "vision.consulted", "value": ["parents", "staff"]},
        {"question": "risk.vacancies", "value": 0, "evidence": None},
    ]), name="answers.json")
    answers = {a.question: a for a in read_answers_file(mini_bank, "council", path)}
    assert answers["vision.known"].value == 4
    assert answers["vision.consulted"].value == ["parents", "staff"]
    assert answers["risk.vacancies"].value == 0 and answers["risk.vacancies"].evidence == ""


def test_json_bad_items_are_listed_by_item_number(mini_bank, tmp_path):
    path = write(tmp_path, json.dumps([
        {"question": "vision.statement", "value": "yes"},
        {"question": "vision.known", "value": 0},
        "vision.known,3",
        {"question": "risk.register", "value": "full", "note": "x"},
        {"question": "risk.barrier", "value": {"text": "x"}},
    ]), name="answers.json")
    error = refusal(mini_bank, "council", path)
    assert [d.removeprefix(f"{path}: ") for d in error.details] == [
        "item 2: vision.known: expected a level from 1 to 4, na or dk; got 0",
        "item 3: expected an object with keys question, value and evidence",
        "item 4: risk.register: unknown key(s) 'note'; use question, value and evidence",
        "item 5: risk.barrier: 'value' must be text, a number, or a list of option ids",
    ]


def test_broken_json_names_the_line(mini_bank, tmp_path):
    path = write(tmp_path, '[\n{"question": "vision.statement",\n "value": }\n]', name="a.json")
    assert "line 3: broken JSON" in refusal(mini_bank, "council", path).details[0]


def test_check_answer_rows_serves_other_readers_with_their_own_locations(mini_bank):
    rows = [AnswerRow("cell C7", "vision.known", 2.0), AnswerRow("cell C8", "risk.vacancies", "x")]
    with pytest.raises(StocktakeError) as caught:
        check_answer_rows(mini_bank, "council", rows, source="camden.xlsx")
    assert caught.value.details == [
        "camden.xlsx: cell C8: risk.vacancies: expected a number; got 'x'"]
    assert check_answer_rows(mini_bank, "council", rows[:1])[0].value == 2


def test_read_answer_rows_keeps_the_raw_values(tmp_path):
    path = write(tmp_path, "value,question\n 3 ,vision.known\n")
    assert read_answer_rows(path) == [AnswerRow("line 2", "vision.known", " 3 ", "")]
