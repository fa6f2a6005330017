"""Likely personal data in free text: found, described, masked; ordinary figures left alone."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.privacy.personal_data import (DATE_OF_BIRTH, EMAIL, NHS_NUMBER, PHONE, describe,
                               find_personal_data, nhs_number_is_valid, redact_text)
from stocktake.records.responses import ANSWERED, Answer, Moderation, ResponseKey

VALID_NHS = "9434765919"  # the NHS's published example; check digit 9


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text)]


def nine_digits_with_check_digit_ten() -> str:
    for n in range(400_000_000, 400_001_000):
        digits = str(n)
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1)))
        if 11 - total % 11 == 10:
            return digits
    raise AssertionError("none found")


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9434765919"])
def test_nhs_number_passing_modulus_11_is_found_however_spaced(written):
    assert kinds(f"Child's NHS no. {written}, seen in clinic") == [(NHS_NUMBER, written)]


def test_ten_digits_failing_the_check_are_not_an_nhs_number():
    assert kinds("Ref 943 476 5918") == []
    assert not nhs_number_is_valid("9434765918")


def test_check_digit_ten_is_never_valid():
    first_nine = nine_digits_with_check_digit_ten()
    assert all(not nhs_number_is_valid(first_nine + str(last)) for last in range(10))
    assert all(kinds(f"no {first_nine}{last}") == [] for last in range(10))


def test_email_addresses_are_found():
    assert kinds("write to jo.bloggs+school@example.org.uk today") == \
        [(EMAIL, "jo.bloggs+school@example.org.uk")]


@pytest.mark.parametrize("written", ["020 7946 0000", "(0121) 496 0000", "07700 900123",
                                     "07700900123", "+44 7700 900123", "+44 (0)7700 900123",
                                     "+447700900123", "01632 960001"])
def test_uk_phone_numbers_are_found(written):
    assert kinds(f"call mum on {written} after 4") == [(PHONE, written)]


@pytest.mark.parametrize("text,date", [
    ("DOB 01/02/2015", "01/02/2015"),
    ("D.O.B.: 1st March 2015", "1st March 2015"),
    ("date of birth: March 3, 2015", "March 3, 2015"),
    ("born on 3 March 2015 in Leeds", "3 March 2015"),
    ("boy (born 2015-03-03) moved", "2015-03-03"),
    ("04.05.16 (DOB)", "04.05.16"),
])
def test_dates_of_birth_are_found_near_their_words(text, date):
    assert kinds(text) == [(DATE_OF_BIRTH, date)]


def test_dates_far_from_any_birth_word_are_not_dates_of_birth():
    assert kinds("Ofsted inspected on 12/03/2024 and judged the service good") == []
    assert kinds("DOB is asked for on the referral form, which was revised on 01/04/2025") == []


@pytest.mark.parametrize("text", [
    "2026-27", "153 authorities", "45% of plans", "12.5%", "£1,234,567 budget",
    "3.2 per 10,000 children", "between 2019 and 2023", "rate 0.75", "1234567890 visits",
    "Plan v2.0.1 page 14-16", "E09000007", "vision.statement scored 3/4",
])
def test_ordinary_figures_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_redact_text_replaces_each_finding_with_its_kind():
    text = f"NHS {VALID_NHS}, mum jo@example.org, tel 07700 900123, DOB 01/02/2015."
    assert redact_text(text) == ("NHS [redacted NHS number], mum [redacted e-mail address], "
                                 "tel [redacted phone number], DOB [redacted date of birth].")


def test_describe_counts_kinds_in_words():
    findings = find_personal_data(f"{VALID_NHS} a@b.com c@d.org")
    assert describe(findings) == "likely personal data: an NHS number, 2 e-mail addresses"
    assert describe([]) == ""


def test_findings_locate_their_text():
    text = "x 943 476 5919 y"
    (finding,) = find_personal_data(text)
    assert text[finding.start:finding.end] == finding.text == "943 476 5919"


PIECES = [VALID_NHS, "943 476 5919", "a@b.co", "07700 900123", "+44", "DOB ", "born ",
          "01/02/2015", "3 March 2015", "2026-27", "45%", " ", "-", ".", "@", "0", "9"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=12).map("".join))
def test_any_text_gives_ordered_non_overlapping_findings_and_redacts_cleanly(text):
    findings = find_personal_data(text)
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:]))
    redacted = redact_text(text)
    assert find_personal_data(redacted) == []  # nothing left to mask
    assert bool(describe(findings)) == bool(findings)


# ---------------------------------------------------------------- the CLI


KEY = ResponseKey("E09000007", "mini", "2026-27", "Director")


def seed(workspace) -> None:
    workspace.save_answers(KEY, [
        Answer("vision.statement", ANSWERED, "yes", f"Case of child NHS {VALID_NHS}"),
        Answer("vision.known", ANSWERED, 3, "Staff survey 2026-27: 45% aware"),
        Answer("risk.barrier", ANSWERED, "Ask jo.bloggs@example.org about it"),
    ], role="council")
    other = ResponseKey("E08000025", "mini", "2026-27", "Head of service")
    workspace.save_answers(other, [Answer("vision.known", ANSWERED, 2, "Board minutes p4")],
                           role="council")


def test_privacy_check_lists_masked_findings_and_exits_1(cli, workspace):
    seed(workspace)
    result = cli("privacy-check", workspace=workspace.root)
    assert result.exit_code == 1, result.output
    assert "NHS number" in result.stdout and "e-mail address" in result.stdout
    assert "redacted" in result.stdout  # the table wraps the masked text; --json has it whole
    assert VALID_NHS not in result.stdout and "jo.bloggs" not in result.stdout
    assert "Traceback" not in result.output


def test_privacy_check_json_names_partnership_respondent_question_and_field(cli, workspace):
    seed(workspace)
    result = cli("privacy-check", "E09000007", "--json", workspace=workspace.root)
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert {(f["question"], f["field"], tuple(f["kinds"])) for f in found} == {
        ("vision.statement", "evidence", (NHS_NUMBER,)),
        ("risk.barrier", "answer", (EMAIL,)),
    }
    assert all(f["partnership"] == "E09000007" and f["respondent"] == "Director" for f in found)
    assert {f["masked"] for f in found} == {"Case of child NHS [redacted NHS number]",
                                            "Ask [redacted e-mail address] about it"}


def test_privacy_check_of_a_clean_partnership_says_so_and_exits_0(cli, workspace):
    seed(workspace)
    result = cli("privacy-check", "E08000025", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "No likely personal data found" in result.stdout


def test_privacy_check_filters_by_bank_and_wave(cli, workspace):
    seed(workspace)
    assert cli("privacy-check", "--wave", "2025-26", workspace=workspace.root).exit_code == 0
    assert cli("privacy-check", "--bank", "other", workspace=workspace.root).exit_code == 0
    assert cli("privacy-check", "--bank", "mini", "--wave", "2026-27",
               workspace=workspace.root).exit_code == 1


def test_privacy_check_reads_moderation_reasons_too(cli, workspace):
    workspace.add_moderation(Moderation("E09000007", "mini", "2026-27", "vision", 50,
                                        "Spoke to parent on 07700 900123", "A. Adviser"))
    result = cli("privacy-check", "--json", workspace=workspace.root)
    assert result.exit_code == 1
    (found,) = json.loads(result.stdout)
    assert found["field"] == "moderation reason" and found["kinds"] == [PHONE]


def test_privacy_check_of_an_unknown_partnership_is_a_clear_error(cli, workspace):
    seed(workspace)
    result = cli("privacy-check", "E06000001", workspace=workspace.root)
    assert result.exit_code == 1
    assert "not in the workspace" in result.stderr and "Traceback" not in result.output


def test_privacy_check_help_states_the_exit_codes(cli):
    result = cli("privacy-check", "--help")
    assert "Exit code 0 when nothing is found, 1 when something is" in result.stdout
    assert "Example:" in result.stdout
