"""The integrity seal: the same answer data gives the same seal however a spreadsheet holds it."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.returns.seal import (canonical_text, canonical_timestamp, canonical_value, clean_text,
                            compute_seal)

HEADER = {"bank": "mini", "bank_version": "1.0", "bank_hash": "ab" * 32, "wave": "2026-27",
          "partnership": "E09000007", "exported_at": "2026-11-02T10:00:00+00:00"}
RESPONSES = [{"partnership": "E09000007", "respondent": "Jo", "role": "council",
              "mode": "interview", "adviser": "", "bank_version": "1.0", "bank_hash": "ab" * 32,
              "started_at": "2026-10-01T09:00:00+00:00",
              "updated_at": "2026-10-01T10:00:00+00:00"}]


def answer(question: str, value, status: str = "answered", evidence: str = "",
           answered_at="2026-10-01T09:30:00+00:00") -> dict:
    return {"partnership": "E09000007", "respondent": "Jo", "question": question,
            "status": status, "value": value, "evidence": evidence, "answered_at": answered_at}


def seal(answers, header=HEADER, responses=RESPONSES, bank=None) -> str:
    return compute_seal(header, responses, answers, [], bank=bank)


BASE = [answer("vision.known", 3), answer("vision.statement", "yes", evidence="CYPP p4"),
        answer("risk.vacancies", 12.5), answer("risk.barrier", None, status="dk")]


def test_level_3_as_int_float_or_text_gives_the_same_seal(mini_bank):
    as_float = [answer("vision.known", 3.0)] + BASE[1:]
    as_text = [answer("vision.known", "3")] + BASE[1:]
    assert seal(BASE, bank=mini_bank) == seal(as_float, bank=mini_bank) == \
        seal(as_text, bank=mini_bank)


def test_empty_string_and_empty_cell_are_the_same(mini_bank):
    blank_evidence = [dict(a, evidence=None) if a["evidence"] == "" else a for a in BASE]
    blank_value = [dict(a, value="") if a["value"] is None else a for a in BASE]
    assert seal(BASE) == seal(blank_evidence) == seal(blank_value)


def test_row_order_does_not_matter():
    assert seal(BASE) == seal(list(reversed(BASE)))


def test_timestamp_come_back_as_a_date_or_serial_number_still_matches():
    moment = datetime(2026, 10, 1, 9, 30)
    serial = 46296 + (9 * 3600 + 30 * 60) / 86400  # 2026-10-01 09:30 in Excel's 1900 system
    assert canonical_timestamp(moment) == "2026-10-01T09:30:00+00:00"
    assert canonical_timestamp(serial) == "2026-10-01T09:30:00+00:00"
    assert canonical_timestamp("2026-10-01T10:30:00+01:00") == "2026-10-01T09:30:00+00:00"
    as_date = [dict(a, answered_at=moment) for a in BASE]
    assert seal(BASE) == seal(as_date)


def test_line_ends_from_windows_match():
    crlf = [dict(BASE[1], evidence="line one\r\nline two")] + BASE[2:]
    lf = [dict(BASE[1], evidence="line one\nline two")] + BASE[2:]
    assert seal(crlf) == seal(lf)


def test_changing_a_value_evidence_status_or_time_breaks_the_seal(mini_bank):
    original = seal(BASE, bank=mini_bank)
    changes = [
        [answer("vision.known", 4)] + BASE[1:],
        [BASE[0], dict(BASE[1], evidence="CYPP p5")] + BASE[2:],
        BASE[:3] + [dict(BASE[3], status="na")],
        [dict(BASE[0], answered_at="2026-10-01T09:31:00+00:00")] + BASE[1:],
        BASE[:3],  # a row deleted
    ]
    for changed in changes:
        assert seal(changed, bank=mini_bank) != original


def test_bank_edition_wave_and_respondent_are_covered():
    original = seal(BASE)
    assert seal(BASE, header=dict(HEADER, bank_hash="cd" * 32)) != original
    assert seal(BASE, header=dict(HEADER, wave="2025-26")) != original
    assert seal(BASE, responses=[dict(RESPONSES[0], role="health")]) != original


def test_multi_answer_as_list_matches_its_cell_text(mini_bank):
    as_list = [answer("vision.consulted", ["children", "staff"])]
    as_text = [answer("vision.consulted", "children;staff")]
    assert seal(as_list, bank=mini_bank) == seal(as_text, bank=mini_bank)


def test_fifteen_significant_digits_survive_a_resave():
    assert canonical_value(None, 12.5) == "12.5"
    assert canonical_value(None, 0.1 + 0.2) == canonical_value(None, 0.3)
    assert canonical_text(3.0) == "3"


def test_clean_text_drops_what_xml_cannot_hold():
    assert clean_text("a\x00b\x0bc\td") == "abc\td"
    assert clean_text(3) == 3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["vision.known", "risk.vacancies", "risk.barrier"]),
                          st.integers(min_value=1, max_value=4),
                          st.text(max_size=30)), min_size=1, max_size=8, unique_by=lambda t: t[0]),
       st.randoms())
def test_seal_is_the_same_for_any_order_and_number_type(rows, rng):
    answers = [answer(q, level, evidence=clean_text(ev)) for q, level, ev in rows]
    respelled = [dict(a, value=float(a["value"])) for a in answers]
    rng.shuffle(respelled)
    assert seal(answers) == seal(respelled)


def test_naive_and_utc_datetimes_agree():
    aware = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
    assert canonical_timestamp(aware) == canonical_timestamp(datetime(2026, 10, 1, 9, 30))
