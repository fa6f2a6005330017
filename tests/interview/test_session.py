"""stocktake.interview.session: where an interview starts, what it asks next, what it stores
and what it tells the respondent, on a real workspace (the terminal's side is tests/cli and
tests/e2e)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stocktake.errors import StocktakeError, UsageError
from stocktake.interview.session import (InterviewSession, Target, anonymous_by_reference,
                                         check_anonymous_options, district_warning, notice_due,
                                         partnership_or_add, personal_data_warning,
                                         record_notice, resume_command, summary_rows)
from stocktake.records.responses import ANSWERED, Answer, ResponseKey

DATA = Path(__file__).resolve().parents[1] / "data"
WAVE = "2026-27"
CODE = "E09000007"


def named(ws, bank, role: str = "council", respondent: str = "Jo Bloggs") -> Target:
    meta = {"role": role, "mode": "interview", "adviser": "", "bank_version": bank.version,
            "bank_hash": bank.hash}
    return Target(ws, CODE, bank.id, WAVE, meta, ResponseKey(CODE, bank.id, WAVE, respondent))


@pytest.fixture
def children():
    from stocktake.banks.loading import load_bank

    return load_bank(DATA / "children.toml")


def anonymous(ws, bank, band_id: str = "11-15") -> Target:
    from stocktake.banks.model import age_band

    meta = {"role": "young-people", "mode": "interview", "adviser": "",
            "bank_version": bank.version, "bank_hash": bank.hash}
    return Target(ws, CODE, bank.id, WAVE, meta, None,
                  prefix=bank.role("young-people").reference_prefix, age=age_band(band_id))


def test_each_answer_is_stored_and_the_next_question_follows(workspace, mini_bank):
    from stocktake.interview.flow import InterviewFlow

    talk = InterviewSession(named(workspace, mini_bank), mini_bank)
    expected = InterviewFlow(mini_bank, "council").resume_point()
    first = talk.question
    assert first.id == expected.id and talk.already_answered == 0
    assert talk.save_answer(Answer(first.id, ANSWERED, "yes")) is False  # a name, no reference
    talk.answered(first)
    stored = workspace.response(ResponseKey(CODE, "mini", WAVE, "Jo Bloggs"))
    assert stored.answers[first.id].value == "yes"
    assert talk.question.id == InterviewFlow(mini_bank, "council", stored.answers) \
        .next_after(first).id
    again = InterviewSession(named(workspace, mini_bank), mini_bank)  # run again: resumes
    assert again.already_answered == 1 and again.question.id == talk.question.id


def test_an_unchanged_answer_is_not_written_again(workspace, mini_bank):
    talk = InterviewSession(named(workspace, mini_bank), mini_bank)
    first = talk.question
    talk.save_answer(Answer(first.id, ANSWERED, "yes"))
    key = ResponseKey(CODE, "mini", WAVE, "Jo Bloggs")
    shard = workspace.shard_path(CODE)
    written = shard.stat().st_ino  # an atomic write replaces the file: a new inode
    talk.save_answer(Answer(first.id, ANSWERED, "yes"))
    assert shard.stat().st_ino == written
    talk.save_answer(Answer(first.id, ANSWERED, "no"))
    assert shard.stat().st_ino != written
    assert workspace.response(key).answers[first.id].value == "no"


def test_back_skip_jump_and_the_review(workspace, mini_bank):
    talk = InterviewSession(named(workspace, mini_bank), mini_bank)
    first = talk.question
    assert talk.back(first) is False and talk.question is first  # the first question
    talk.skipped(first)
    second = talk.question
    assert second.id != first.id and talk.back(second) and talk.question.id == first.id
    assert talk.jump("risk") and talk.question.area == "risk"
    talk.revisit(first.id)  # from the review: asked alone, then the review again
    assert talk.reviewing and talk.question.id == first.id
    talk.save_answer(Answer(first.id, ANSWERED, "yes"))
    talk.answered(first)
    assert talk.question is None
    talk.revisit(first.id)
    assert talk.back(first) and talk.question is None  # Back from a revisit: the review
    items = talk.review_items()
    ids = [q.id for q, _ in items]
    from stocktake.banks.answer_values import describe_value

    shown = dict((q.id, words) for q, words in items)
    assert shown[first.id] == describe_value(first, ANSWERED, "yes")
    assert all(shown[q.id] == "unanswered" for q in talk.flow.unanswered())
    unanswered = [q.id for q in talk.flow.unanswered()]
    assert ids[:len(unanswered)] == unanswered and sorted(set(ids)) == sorted(ids)
    assert first.id in ids[len(unanswered):]
    choices = dict(talk.area_choices())
    assert set(choices) == {"vision", "risk"} and choices["vision"].startswith("Vision")


def test_an_area_with_nothing_that_applies_is_not_jumped_to(workspace, children):
    talk = InterviewSession(named(workspace, children), children)
    assert talk.jump("health") is False  # the council has no health question
    assert talk.question.id == "safety.council-view"


def test_a_child_gets_a_reference_with_the_first_answer_only(workspace, children):
    target = anonymous(workspace, children)
    talk = InterviewSession(target, children)
    assert target.key is None and workspace.responses(CODE, "children", WAVE) == []
    first = talk.question
    assert talk.save_answer(Answer(first.id, ANSWERED, "mostly-safe")) is True
    assert target.key.respondent.startswith(children.role("young-people").reference_prefix)
    assert talk.save_answer(Answer(first.id, ANSWERED, "always-safe")) is False
    stored = workspace.response(target.key)
    assert stored.age.id == "11-15" and stored.answers[first.id].value == "always-safe"
    key, age = anonymous_by_reference(workspace, children, CODE, WAVE, "young-people",
                                      target.key.respondent.lower())
    assert key == target.key and age.id == "11-15"


def test_a_marked_answer_calls_for_the_notice_once_then_a_reminder(workspace, children):
    target = anonymous(workspace, children)
    talk = InterviewSession(target, children)
    feel, tell = children.question("safety.feel-safe"), children.question("safety.someone-to-tell")
    assert talk.notice_after(feel, ANSWERED, "mostly-safe") is None
    talk.save_answer(Answer(feel.id, ANSWERED, "often-unsafe"))
    due = talk.notice_after(feel, ANSWERED, "often-unsafe")
    assert due.question == feel.id and due.earlier == ()
    record_notice(target, due.question, talk.notices)
    assert notice_due(feel.id, talk.notices) is None  # shown for this question already
    assert talk.notice_after(tell, ANSWERED, "no").earlier == (feel.id,)
    assert set(workspace.response(target.key).notices) == {feel.id}


def test_anonymous_options_are_checked_by_role(children):
    assert check_anonymous_options(children, "young-people", None, None, "11-15").id == "11-15"
    assert check_anonymous_options(children, "council", "Jo", None, None) is None
    for args, said in ((("council", None, "YP-0001", None), "--reference is only for"),
                       (("council", None, None, "11-15"), "--age-band is only for"),
                       (("young-people", "Jo", None, None), "answers anonymously"),
                       (("young-people", None, "YP-0001", "11-15"), "given once")):
        with pytest.raises(UsageError) as caught:
            check_anonymous_options(children, *args)
        assert said in caught.value.message


def test_a_reference_of_another_form_or_with_no_response_is_refused(workspace, children):
    with pytest.raises(UsageError) as caught:
        anonymous_by_reference(workspace, children, CODE, WAVE, "young-people", "Jo")
    assert "is not a reference of role young-people" in caught.value.message
    prefix = children.role("young-people").reference_prefix
    with pytest.raises(StocktakeError) as caught:
        anonymous_by_reference(workspace, children, CODE, WAVE, "young-people", f"{prefix}-0042")
    assert caught.value.message == \
        f"no young-people response {prefix}-0042 for {CODE}, children {WAVE}"


def test_the_resume_command_is_quoted_for_a_shell(tmp_path):
    import shlex

    where = tmp_path / "my work"
    said = resume_command(code=CODE, bank_ref="mini", respondent="Jo O'Neil", role="council",
                          wave=WAVE, adviser="A. Adviser", no_evidence=True, workspace=where)
    assert shlex.split(said) == ["stocktake", "-w", str(where), "interview", CODE, "--bank",
                                 "mini", "--respondent", "Jo O'Neil", "--role", "council",
                                 "--wave", WAVE, "--adviser", "A. Adviser", "--no-evidence"]
    child = resume_command(code=CODE, bank_ref="children", respondent="YP-0001",
                           role="young-people", wave=WAVE, anonymous=True)
    assert "--reference YP-0001" in child and "-w" not in shlex.split(child)


def test_warnings_for_a_district_role_and_for_personal_data():
    assert "has no district councils" in district_warning(CODE, "district")  # Camden
    assert district_warning("E10000014", "district") is None  # Hampshire, a county
    assert district_warning(CODE, "council") is None
    found = personal_data_warning(Answer("q", ANSWERED, 3, evidence="NHS no 943 476 5919"))
    assert found == "likely personal data: an NHS number"
    assert personal_data_warning(Answer("q", ANSWERED, "call 07700 900123")) is not None
    assert personal_data_warning(Answer("q", ANSWERED, 3, evidence="Seen at review")) is None


def test_a_partnership_is_added_from_the_shipped_list_once(workspace):
    found, added = partnership_or_add(workspace, CODE)
    assert added and found.name == "Camden" and workspace.find_partnership(CODE) is not None
    assert partnership_or_add(workspace, CODE)[1] is False
    with pytest.raises(StocktakeError) as caught:
        partnership_or_add(workspace, "X99999999")
    assert "partnerships add X99999999" in caught.value.hint


def test_the_summary_is_the_respondents_own_scores(workspace, mini_bank):
    from stocktake.records.responses import Response
    from stocktake.scoring.method import respondent_area_scores

    talk = InterviewSession(named(workspace, mini_bank), mini_bank)
    for qid, value in (("vision.statement", "yes"), ("vision.known", 3),
                       ("risk.register", "full")):
        talk.save_answer(Answer(qid, ANSWERED, value))
    rows = {r.title: r for r in summary_rows(talk.flow)}
    own = Response(ResponseKey("", "mini", "", ""), "council", answers=talk.flow.answers)
    for score in respondent_area_scores(mini_bank, own):
        row = rows[mini_bank.area(score.area).title]
        assert row.score == score.score
        band = mini_bank.band_for(score.score)
        assert row.level == (band.label if band else "")
        assert row.score_text == ("withheld" if score.withheld and score.score is None else
                                  "-" if score.score is None else f"{score.score:.1f}")
    assert sum(r.answered for r in rows.values()) == 3


HOLDER = r"""
import sys, time
from pathlib import Path
from stocktake.store.locking import workspace_lock
from stocktake.store.workspace import Workspace
ws = Workspace(Path(sys.argv[1]))
with workspace_lock(ws.lock_path(ws.shard_path(sys.argv[2]))):
    print("held", flush=True)
    while not Path(sys.argv[3]).exists():
        time.sleep(0.02)
"""


def test_a_save_held_up_by_another_command_says_what_was_not_stored(workspace, mini_bank,
                                                                    tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("STOCKTAKE_LOCK_TIMEOUT", "1")
    target = named(workspace, mini_bank)
    target.save([Answer("vision.statement", ANSWERED, "yes")])  # the shard exists
    release = tmp_path / "release"
    other = subprocess.Popen([sys.executable, "-c", HOLDER, str(workspace.root), CODE,
                              str(release)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ})
    try:
        assert other.stdout.readline().strip() == "held"
        asked: list[str] = []

        class Asking(Target):
            def keep_trying(self, message: str) -> bool:
                asked.append(message)
                if len(asked) == 2:
                    release.touch()  # the other command finishes: the next try is stored
                return len(asked) < 3

        with pytest.raises(StocktakeError) as caught:
            target.save([Answer("vision.known", ANSWERED, 3)])  # nobody to ask: not stored
        assert "this last answer was not stored" in caught.value.message
        asking = Asking(workspace, CODE, "mini", WAVE, target.meta, target.key)
        asking.save([Answer("vision.known", ANSWERED, 3)])
        assert len(asked) == 2 and "locked by process" in asked[0]
    finally:
        release.touch()
        other.wait(timeout=30)
    assert workspace.response(target.key).answers["vision.known"].value == 3
