"""Text files as Notepad, Excel and LibreOffice save them: byte-order marks, UTF-16, separators,
trailing commas, decimal commas, JSON habits, unencodable text and huge files, on every reader
(banks, answers files, `partnerships import`, `--groups`)."""

from __future__ import annotations

import json

import pytest

from stocktake.interview.answers_file import read_answers_file
from stocktake.banks.loading import load_bank
from stocktake.errors import StocktakeError
from stocktake.scoring.national import read_groups_csv
from stocktake.partnerships.model import read_partnerships_csv
from stocktake.text.problems import PROBLEMS_LISTED
from stocktake.text.text_files import MAX_TEXT_FILE_BYTES

from helpers.paths import DATA



def refusal(call, *args) -> StocktakeError:
    with pytest.raises(StocktakeError) as caught:
        call(*args)
    return caught.value


def answers(bank, path):
    return {a.question: a.value for a in read_answers_file(bank, "council", path)}


# The three CSV readers, each with a good file's text, so every habit is tried on each.
CSV_READERS = {
    "answers": (lambda path, bank: answers(bank, path),
                "question,value,evidence\nvision.statement,yes,minutes\nvision.known,3,\n"),
    "partnerships": (lambda path, bank: [p.code for p in read_partnerships_csv(path)],
                     "code,name,region\nE09000007,,\nE08000025,,\n"),
    "groups": (lambda path, bank: read_groups_csv(path),
               "code,group\nE09000007,Inner London\nE08000025,Core cities\n"),
    "roster": (lambda path, bank: _roster(path),
               "partnership,role,respondent,email\nE09000007,health,Jo Bloggs,jo@example.nhs.uk\n"
               "E08000025,council,Sam Roe,sam@example.gov.uk\n"),
    "round plan --partnerships": (lambda path, bank: _codes(path),
                                  "code,name\nE09000007,Camden\nE08000025,Birmingham\n"),
}


def _roster(path):
    from stocktake.round.roster import read_roster_file

    return read_roster_file(path)


def _codes(path):
    from stocktake.round.fieldwork import _codes_in_file

    return _codes_in_file(path)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
def test_every_csv_reader_reads_a_utf8_byte_order_mark(reader, mini_bank, tmp_path):
    call, text = CSV_READERS[reader]
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    plain.write_text(text, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert call(marked, mini_bank) == call(plain, mini_bank)


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                            ("utf-32", "UTF-32")])
def test_every_csv_reader_refuses_utf16_naming_the_encoding(reader, encoding, name, mini_bank,
                                                          tmp_path):
    call, text = CSV_READERS[reader]
    path = tmp_path / "unicode.csv"
    path.write_bytes(text.encode(encoding))
    error = refusal(call, path, mini_bank)
    assert name in error.message and "not UTF-8" in error.message
    assert "CSV UTF-8" in error.hint


def test_a_workbook_given_as_an_answers_file_is_named_as_one(mini_bank, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "answers.csv"
    Workbook().save(path)
    assert "a spreadsheet or other Office file" in refusal(answers, mini_bank, path).message


def test_bank_saved_by_notepad_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "mini-bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "mini.toml").read_bytes().replace(b"\n", b"\r\n"))
    assert load_bank(path).hash == load_bank(DATA / "mini.toml").hash


def test_bank_saved_as_utf16_is_refused_naming_the_encoding(tmp_path):
    path = tmp_path / "mini16.toml"
    path.write_bytes((DATA / "mini.toml").read_text(encoding="utf-8").encode("utf-16"))
    error = refusal(load_bank, path)
    assert "UTF-16" in error.message and "Notepad" in error.hint


def test_banks_list_names_every_file_it_could_not_load(cli, tmp_path, monkeypatch):
    folder = tmp_path / "banks"
    folder.mkdir()
    mini = (DATA / "mini.toml").read_bytes()
    (folder / "bom.toml").write_bytes(b"\xef\xbb\xbf" + mini.replace(b'id = "mini"', b'id = "bom"', 1))
    (folder / "broken.toml").write_text("id = [\n")
    (folder / "wide.toml").write_bytes(mini.decode().encode("utf-16"))
    (folder / "twice.toml").write_bytes(mini)
    (folder / "notepad.toml.txt").write_bytes(mini)
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", f"{DATA}:{folder}:{tmp_path / 'gone'}")
    listed = cli("banks", "list")
    assert listed.exit_code == 0, listed.output
    out = " ".join(listed.stdout.split())
    assert "bom " in out
    for name, reason in [("broken.toml", "broken TOML"), ("wide.toml", "saved as UTF-16 text"),
                         ("twice.toml", "bank id 'mini' is already loaded"),
                         ("notepad.toml.txt", "not named .toml"), ("gone", "no such folder")]:
        assert f"{name}: {reason}" in out, name
    as_json = cli("banks", "list", "--json")
    assert "bom" in [b["id"] for b in json.loads(as_json.stdout)]
    assert "broken.toml: broken TOML" in " ".join(as_json.stderr.split())


# ---------------------------------------------------------------- separators and commas


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
def test_excel_for_mac_trailing_commas_are_ignored(reader, mini_bank, tmp_path):
    call, text = CSV_READERS[reader]
    plain, trailing = tmp_path / "plain.csv", tmp_path / "mac.csv"
    plain.write_text(text)
    trailing.write_text("".join(line + ",,\n" for line in text.splitlines()))
    assert call(trailing, mini_bank) == call(plain, mini_bank)


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
@pytest.mark.parametrize("separator, named", [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_separated_files_are_refused_naming_the_separator(
        reader, separator, named, mini_bank, tmp_path):
    call, text = CSV_READERS[reader]
    path = tmp_path / "sep.csv"
    path.write_text(text.replace(",", separator))
    error = refusal(call, path, mini_bank)
    assert f"line 1: cells are separated by {named}, not commas" in error.message
    assert "CSV UTF-8 (Comma delimited)" in error.hint


def test_quoted_decimal_comma_is_refused_with_the_number_to_write(mini_bank, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('question,value\nrisk.vacancies,"12,5"\n')
    [detail] = refusal(answers, mini_bank, path).details
    assert "line 2: risk.vacancies: '12,5' has a decimal comma" in detail and "(12.5)" in detail


def test_unquoted_decimal_comma_split_into_evidence_is_refused_not_stored_as_12(mini_bank,
                                                                               tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nrisk.vacancies,12,5\n")
    [detail] = refusal(answers, mini_bank, path).details
    assert "'12,5' looks like a number written with a decimal comma" in detail
    assert "write 12.5" in detail


def test_unquoted_decimal_comma_without_an_evidence_column_names_the_cause(mini_bank, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value\nrisk.vacancies,12,5\n")
    [detail] = refusal(answers, mini_bank, path).details
    assert "3 cells but the header has 2 columns" in detail and "12.5 not 12,5" in detail


@pytest.mark.parametrize("typed, stored", [("15%", 15), ("1e1", 10), ("1,000", None),
                                           ("007", 7), ("12.50", 12.5)])
def test_numbers_as_people_type_them(typed, stored, mini_bank, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f'question,value\nrisk.vacancies,"{typed}"\n')
    if stored is None:  # 1,000 reads as one thousand, above the question's maximum of 100
        assert "at most 100" in refusal(answers, mini_bank, path).details[0]
    else:
        assert answers(mini_bank, path)["risk.vacancies"] == stored


@pytest.mark.parametrize("typed, reason", [
    ("1/2", "is a fraction"), ("£12", "is an amount of money"), ("1_000", "expected a number"),
    ("NaN", "expected a number"), ("1.000,5", "has a decimal comma"), ("0x1A", "expected a number"),
])
def test_numbers_that_would_be_misread_are_refused_with_the_reason(typed, reason, mini_bank,
                                                                 tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f'question,value\nrisk.vacancies,"{typed}"\n')
    assert reason in refusal(answers, mini_bank, path).details[0]


def test_percent_in_a_question_without_a_percent_unit_is_refused(tmp_path):
    from stocktake.banks.answer_values import BadValue, parse_answer
    from stocktake.banks.model import Question

    staff = Question(id="w.staff", area="w", text="Social workers", type="number", unit="")
    with pytest.raises(BadValue, match="is a percentage, but the question asks for a plain"):
        parse_answer(staff, "15%")


# ---------------------------------------------------------------- JSON habits


def test_json_trailing_comma_is_named_as_such(mini_bank, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[\n {"question": "vision.known", "value": 3},\n]\n')
    [detail] = refusal(answers, mini_bank, path).details
    assert "line 3: broken JSON: a comma after the last item" in detail


def test_json_single_quotes_are_named_as_such(mini_bank, tmp_path):
    path = tmp_path / "a.json"
    path.write_text("[{'question': 'vision.known', 'value': 3}]")
    assert "single quotes" in refusal(answers, mini_bank, path).details[0]


def test_json_key_given_twice_is_refused_not_the_last_kept(mini_bank, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('[{"question": "vision.known", "value": 3, "value": 1}]')
    [detail] = refusal(answers, mini_bank, path).details
    assert "item 1: vision.known: key(s) 'value' given more than once" in detail


def test_deeply_nested_json_is_a_file_error_not_a_recursion_error(mini_bank, tmp_path, cli):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in refusal(answers, mini_bank, path).details[0]
    done = cli("interview", "E09000007", "--bank", str(DATA / "mini.toml"), "--role", "council",
               "--respondent", "Jo", "--answers", str(path))
    assert done.exit_code == 1 and "nested too deeply" in done.stderr
    assert "Internal error" not in done.output


def test_lone_surrogate_in_json_names_the_item_and_field(mini_bank, tmp_path, cli):
    path = tmp_path / "a.json"
    path.write_text('[{"question": "vision.known", "value": 3},'
                    ' {"question": "risk.barrier", "value": "ok", "evidence": "x\\ud800y"}]')
    [detail] = refusal(answers, mini_bank, path).details
    assert "item 2: 'evidence' holds U+D800 at character 2" in detail
    done = cli("interview", "E09000007", "--bank", str(DATA / "mini.toml"), "--role", "council",
               "--respondent", "Jo", "--answers", str(path))
    assert done.exit_code == 1 and "U+D800" in done.stderr and "Internal error" not in done.output


# ---------------------------------------------------------------- huge inputs


def test_a_million_bad_rows_list_fifty_and_count_the_rest(mini_bank, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w") as handle:
        handle.write("question,value\n")
        handle.writelines(f"no.such{n},1\n" for n in range(1_000_000))
    assert path.stat().st_size < MAX_TEXT_FILE_BYTES
    error = refusal(answers, mini_bank, path)
    assert error.message.endswith("1000000 bad row(s); nothing was stored")
    assert len(error.details) == PROBLEMS_LISTED + 1
    assert error.details[-1].startswith("... and 999,950 more problems not listed")


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
def test_files_over_the_size_limit_are_refused_unread(reader, mini_bank, tmp_path):
    call, text = CSV_READERS[reader]
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write(text)
        handle.truncate(MAX_TEXT_FILE_BYTES + 1)
    error = refusal(call, path, mini_bank)
    assert "too large; files over 16 MiB are refused" in error.message


def test_many_bad_partnership_rows_are_cut_to_fifty(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code\n" + "".join(f"bad code {n}\n" for n in range(200)))
    error = refusal(read_partnerships_csv, path)
    assert len(error.details) == PROBLEMS_LISTED + 1 and "150 more" in error.details[-1]


# ---------------------------------------------------------------- the command line


def test_respondent_given_as_bytes_that_are_not_utf8_names_the_option(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"stocktake", b"-w", os.fsencode(tmp_path / "ws"),
         b"interview", b"E09000007", b"--bank", os.fsencode(DATA / "mini.toml"), b"--role",
         b"council", b"--respondent", b"Zo\xeb", b"--answers", os.fsencode(tmp_path / "x.csv")],
        capture_output=True, env=env, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "the value of --respondent" in err and "not UTF-8" in err
    assert "Internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "ws").exists()


def test_a_bank_with_hundreds_of_problems_lists_fifty_and_counts_the_rest(cli, tmp_path):
    path = tmp_path / "bad.toml"
    bad = "".join(f'\n[[questions]]\nid = "vision.bad{n}"\narea = "vision"\ntype = "slider"\n'
                  f'text = "Bad {n}"\n' for n in range(120))
    path.write_text((DATA / "mini.toml").read_text() + bad)
    error = refusal(load_bank, path)
    assert len(error.details) == PROBLEMS_LISTED + 1 and "more problems not listed" in \
        error.details[-1]
    done = cli("banks", "validate", str(path))
    assert done.exit_code == 1
    assert done.stderr.count("  - ") == PROBLEMS_LISTED + 1 and "more problems not listed" in \
        done.stderr
