"""`stocktake interview`, `answers` and `moderate` through the real entry point.

Interactive runs feed real keystrokes to questionary through a prompt_toolkit pipe, with stdin
standing in for a terminal; every keystroke script ends with Ctrl-C, so a script that runs short
fails with exit 130 instead of hanging.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
from dataclasses import dataclass

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from stocktake.records.responses import DONT_KNOW, NOT_APPLICABLE, ResponseKey, current_wave
from stocktake.store.workspace import Workspace

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"
WAVE = "2026-27"
MINI = ["interview", "E09000007", "--bank", "mini", "--respondent", "Jo Bloggs",
        "--role", "council", "--wave", WAVE]
KEY = ResponseKey("E09000007", "mini", WAVE, "Jo Bloggs")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(tmp_path, capsys, monkeypatch):
    """Run `stocktake ARGS` as if typed in a terminal, with `typed` as the keystrokes."""
    from stocktake.cli.main import run

    def invoke(args: list[str], typed: str) -> Run:
        argv = ["stocktake", *args] if args[0] == "-w" else \
            ["stocktake", "-w", str(tmp_path / "ws"), *args]
        monkeypatch.setattr(sys, "argv", argv)
        monkeypatch.setattr(sys, "stdin", _Terminal())
        capsys.readouterr()
        code = 0
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(typed + CTRL_C)
            try:
                run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return invoke


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(tmp_path / "ws")


def stored(ws, key=KEY):
    response = ws.response(key)
    return {} if response is None else response.answers


# ---------------------------------------------------------------- interviewing


def test_interview_help_shows_an_example(cli):
    result = cli("interview", "--help")
    assert result.exit_code == 0
    assert "Example: stocktake interview E09000007" in result.stdout


def test_without_a_terminal_interview_refuses_at_once(cli, ws):
    result = cli(*MINI)
    assert result.exit_code == 2
    assert "terminal" in result.stderr and "--answers FILE" in result.stderr
    assert "Traceback" not in result.output
    assert ws.partnerships() == []


def test_every_question_type_answered_by_keyboard_is_stored(terminal, ws):
    typed = ("y" + ENTER                      # yesno: reveals vision.known
             + "3" + ENTER                    # scale
             + SPACE + DOWN + SPACE + ENTER   # multi: children and parents
             + "2" + ENTER                    # choice: partial
             + "12" + ENTER                   # number
             + "Funding" + ENTER              # text
             + ENTER)                         # review: Finish
    result = terminal(MINI + ["--no-evidence"], typed)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert {qid: a.value for qid, a in stored(ws).items()} == {
        "vision.statement": "yes", "vision.known": 3, "vision.consulted": ["children", "parents"],
        "risk.register": "partial", "risk.vacancies": 12, "risk.barrier": "Funding"}
    assert "Added E09000007 Camden, London to the workspace." in result.stdout
    assert "Area 1 of 2 · Vision" in result.stdout and "Area 2 of 2 · Risk" in result.stdout
    assert "Question 2 of 6 · 1 answered · vision.known" in result.stdout
    assert "Look for it in the children and young people's plan." in result.stdout  # guidance
    assert "Summary" in result.stdout
    # This respondent's own area scores, by hand: vision (1x1 + 2x2/3 + 1x3/4) / 4 = 77.08;
    # risk: the partial register scores 1 of 2 (the number and text are unscored) = 50.0.
    summary = result.stdout[result.stdout.index("Summary"):]
    vision_row = next(line for line in summary.splitlines() if "Vision" in line)
    risk_row = next(line for line in summary.splitlines() if "Risk" in line)
    assert "77.1" in vision_row and "Embedded" in vision_row
    assert "50.0" in risk_row and "Established" in risk_row
    assert "Every question that applies is answered." in result.stdout
    response = ws.response(KEY)
    assert (response.role, response.mode, response.bank_version) == ("council", "interview", "1.0")


def test_evidence_note_follows_each_answer(terminal, ws):
    typed = "y" + ENTER + "CYPP 2026, page 4" + ENTER + "a" + ENTER + ENTER
    result = terminal(MINI, typed)
    assert result.exit_code == 130
    answers = stored(ws)
    assert answers["vision.statement"].evidence == "CYPP 2026, page 4"
    assert answers["vision.known"].status == NOT_APPLICABLE
    assert answers["vision.known"].evidence == ""


def test_ctrl_c_keeps_answers_and_resume_starts_at_first_unanswered(terminal, ws, tmp_path):
    first = terminal(MINI + ["--no-evidence"], "y" + ENTER + "3" + ENTER)
    assert first.exit_code == 130
    assert {qid: a.value for qid, a in stored(ws).items()} == {"vision.statement": "yes",
                                                               "vision.known": 3}
    resume = (f"stocktake -w {tmp_path / 'ws'} interview E09000007 --bank mini "
              f"--respondent 'Jo Bloggs' --role council --wave {WAVE} --no-evidence")
    assert "Saved: 2 of 6 questions answered" in first.stdout
    assert resume in first.stdout

    again = terminal(shlex.split(resume)[1:], "")
    assert again.exit_code == 130
    assert "2 of 6 already answered" in again.stdout
    assert "Question 3 of 6 · 2 answered · vision.consulted" in again.stdout
    assert "vision.statement" not in again.stdout


def test_ctrl_c_at_the_evidence_prompt_keeps_the_answer(terminal, ws):
    assert terminal(MINI, "n" + ENTER).exit_code == 130
    assert stored(ws)["vision.statement"].value == "no"


def test_back_skip_dont_know_and_review(terminal, ws):
    typed = ("d" + ENTER                       # statement: don't know (vision.known stays hidden)
             + DOWN * 6 + SPACE + ENTER        # consulted: tick "Skip for now"
             + "d" + ENTER                     # register: don't know
             + ":back" + ENTER                 # vacancies: back to register
             + "a" + ENTER                     # register: now not applicable
             + ":skip" + ENTER                 # vacancies: skip
             + '=HYPERLINK("http://x")' + ENTER  # barrier: kept as plain text
             + DOWN + ENTER                    # review: the first skipped question, consulted
             + DOWN + DOWN + SPACE + ENTER     # consulted: front-line staff
             + ENTER)                          # review: Finish
    result = terminal(MINI + ["--no-evidence"], typed)
    assert result.exit_code == 0, result.stdout
    answers = stored(ws)
    assert answers["vision.statement"].status == DONT_KNOW
    assert answers["risk.register"].status == NOT_APPLICABLE
    assert answers["vision.consulted"].value == ["staff"]
    assert answers["risk.barrier"].value == '=HYPERLINK("http://x")'
    assert "risk.vacancies" not in answers
    assert "Review: 2 unanswered, 1 don't know." in result.stdout
    assert "Unanswered: vision.consulted" in result.stdout
    assert "Don't know: vision.statement" in result.stdout
    assert "1 question(s) still unanswered" in result.stdout
    history = ws.history(KEY)
    assert [(h["question"], h["previous"]["status"]) for h in history] == [
        ("risk.register", DONT_KNOW)]


def test_back_at_the_first_question_says_so(terminal):
    result = terminal(MINI + ["--no-evidence"], "b" + ENTER)
    assert "This is the first question." in result.stdout


def test_jump_to_area_then_save_and_quit(terminal, ws):
    typed = "j" + ENTER + DOWN + ENTER + "3" + ENTER + ":quit" + ENTER
    result = terminal(MINI + ["--no-evidence"], typed)
    assert result.exit_code == 0
    assert {qid: a.value for qid, a in stored(ws).items()} == {"risk.register": "full"}
    # 6 as "Question n of 6" counted them: vision.known may yet apply (vision.statement is
    # unanswered), so it counts until that is settled (issue 26, kind 6).
    assert "Saved: 1 of 6 questions answered" in result.stdout
    assert "interview E09000007 --bank mini" in result.stdout


def test_self_assessment_and_adviser_are_recorded(terminal, ws):
    args = MINI + ["--self-assessment", "--adviser", "A. Adviser", "--no-evidence"]
    terminal(args, "y" + ENTER)
    response = ws.response(KEY)
    assert (response.mode, response.adviser) == ("self-assessment", "A. Adviser")


def test_role_already_given_cannot_change(terminal, ws):
    terminal(MINI + ["--no-evidence"], "y" + ENTER)
    args = [a if a != "council" else "health" for a in MINI]
    result = terminal(args + ["--no-evidence"], "")
    assert result.exit_code == 1 and "as 'council', not 'health'" in result.stderr


def test_default_wave_is_the_current_financial_year(terminal, ws):
    args = MINI[:-2] + ["--no-evidence"]
    assert "--wave" not in args
    terminal(args, "y" + ENTER)
    assert ws.responses("E09000007")[0].key.wave == current_wave()


# ---------------------------------------------------------------- checks before asking


def test_unknown_role_lists_the_bank_roles(cli):
    result = cli("interview", "E09000007", "--bank", "mini", "--respondent", "Jo",
                 "--role", "police", "--answers", "x.csv")
    assert result.exit_code == 1
    assert "no role 'police'" in result.stderr and "council, health, young-people" in result.stderr


def test_code_not_in_workspace_nor_reference_list_is_refused_with_the_add_hint(cli, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value\nvision.statement,yes\n")
    result = cli("interview", "E09999999", "--bank", "mini", "--respondent", "Jo",
                 "--role", "council", "--answers", str(path))
    assert result.exit_code == 1
    assert "E09999999" in result.stderr and "stocktake partnerships add E09999999" in result.stderr


def test_own_partnership_added_first_is_accepted(cli, tmp_path, ws):
    assert cli("partnerships", "add", "NORTH-TRUST", "--name", "North trust").exit_code == 0
    path = tmp_path / "a.csv"
    path.write_text("question,value\nvision.statement,yes\n")
    result = cli("interview", "NORTH-TRUST", "--bank", "mini", "--respondent", "Jo",
                 "--role", "council", "--answers", str(path))
    assert result.exit_code == 0 and "Added" not in result.stdout


def test_district_role_in_a_single_tier_area_is_warned_about(cli, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value\nvision.has-statement,yes\n")
    args = ["--bank", "idea-stocktake", "--respondent", "Jo", "--role", "district",
            "--answers", str(path)]
    camden = cli("interview", "E09000007", *args)
    assert camden.exit_code == 0 and "Warning:" in camden.stderr and "county" in camden.stderr
    kent = cli("interview", "E10000016", *args)  # Kent County Council: districts beneath it
    assert kent.exit_code == 0 and "Warning" not in kent.stderr


def test_bad_wave_is_a_usage_error(terminal):
    result = terminal(MINI[:-1] + ["2026-28"], "")
    assert result.exit_code == 2 and "not a wave" in result.stderr


# ---------------------------------------------------------------- --answers


def test_answers_file_is_stored_in_one_go(cli, tmp_path, ws):
    path = tmp_path / "answers.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,CYPP p2\nvision.known,4,\n"
                    "risk.register,dk,\nrisk.barrier,=1+1,\n")
    result = cli("interview", "E09000007", "--bank", "mini", "--respondent", "Jo Bloggs",
                 "--role", "council", "--wave", WAVE, "--answers", str(path), "--self-assessment")
    assert result.exit_code == 0, result.stderr
    assert "Stored 4 answers for Jo Bloggs (council), E09000007 Camden, mini 2026-27." in \
        result.stdout
    answers = stored(ws)
    assert answers["vision.known"].value == 4 and answers["risk.register"].status == DONT_KNOW
    assert answers["risk.barrier"].value == "=1+1"
    assert ws.response(KEY).mode == "self-assessment"


def test_second_answers_file_updates_and_keeps_history(cli, tmp_path, ws):
    first, second = tmp_path / "one.csv", tmp_path / "two.json"
    first.write_text("question,value\nvision.statement,yes\nvision.known,2\n")
    second.write_text(json.dumps([{"question": "vision.known", "value": 3},
                                  {"question": "risk.vacancies", "value": 8}]))
    for path in (first, second):
        assert cli(*MINI, "--answers", str(path)).exit_code == 0
    answers = stored(ws)
    assert (answers["vision.statement"].value, answers["vision.known"].value,
            answers["risk.vacancies"].value) == ("yes", 3, 8)
    assert [h["previous"]["value"] for h in ws.history(KEY)] == [2]


def test_bad_answers_file_names_every_bad_row_and_stores_nothing(cli, tmp_path, ws):
    path = tmp_path / "answers.csv"
    path.write_text("question,value\nvision.statement,yes\nvision.nope,1\nvision.known,5\n"
                    "vision.statement,no\n")
    result = cli(*MINI, "--answers", str(path))
    assert result.exit_code == 1
    assert "3 bad row(s); nothing was stored" in result.stderr
    for expected in ("line 3: vision.nope", "line 4: vision.known", "line 5: vision.statement"):
        assert expected in result.stderr
    assert "Traceback" not in result.output
    assert ws.responses() == [] and ws.partnerships() == []


def test_answers_file_question_for_another_role_is_refused(cli, tmp_path, ws):
    path = tmp_path / "answers.csv"
    path.write_text("question,value\nvision.statement,yes\nrisk.vacancies,10\n")
    args = [a if a != "council" else "young-people" for a in MINI]
    result = cli(*args, "--answers", str(path))
    assert result.exit_code == 1
    assert "line 3: risk.vacancies: not asked of role 'young-people'" in result.stderr
    assert ws.responses() == []


# ---------------------------------------------------------------- answers


def test_answers_json_returns_what_was_stored(cli, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,CYPP p2\n"
                    "vision.consulted,children;staff,\nvision.known,na,\n")
    assert cli(*MINI, "--answers", str(path)).exit_code == 0
    other = [a if a != "Jo Bloggs" else "Sam" for a in MINI]
    other = [a if a != "council" else "health" for a in other]
    path.write_text("question,value\nvision.statement,no\n")
    assert cli(*other, "--answers", str(path)).exit_code == 0

    result = cli("answers", "E09000007", "--bank", "mini", "--wave", WAVE, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["respondent"], r["question"], r["value"], r["status"]) for r in rows] == [
        ("Jo Bloggs", "vision.statement", "yes", "answered"),
        ("Jo Bloggs", "vision.known", None, "na"),
        ("Jo Bloggs", "vision.consulted", ["children", "staff"], "answered"),
        ("Sam", "vision.statement", "no", "answered"),
    ]
    assert set(rows[0]) == {"partnership", "bank", "wave", "respondent", "role", "question",
                            "value", "status", "evidence", "answered_at"}
    assert rows[0]["evidence"] == "CYPP p2" and rows[0]["role"] == "council"
    assert rows[0]["partnership"] == "E09000007" and rows[0]["answered_at"]

    only_sam = json.loads(cli("answers", "E09000007", "--bank", "mini", "--wave", WAVE,
                              "--respondent", "Sam", "--json").stdout)
    assert [r["respondent"] for r in only_sam] == ["Sam"]


def test_answers_table_shows_the_readable_answer(cli, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("question,value\nvision.statement,yes\nvision.known,2\n")
    cli(*MINI, "--answers", str(path))
    result = cli("answers", "E09000007", "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 0
    assert "vision.known" in result.stdout and "2. Senior managers." in result.stdout


def test_answers_default_to_idea_stocktake_and_current_wave(cli):
    assert cli("partnerships", "add", "E09000007").exit_code == 0
    result = cli("answers", "E09000007", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert f"idea-stocktake {current_wave()}" in cli("answers", "E09000007").stdout


def test_answers_for_a_partnership_not_in_the_workspace_is_an_error(cli):
    result = cli("answers", "E09000007", "--json")
    assert result.exit_code == 1 and "partnerships add" in result.stderr
    assert result.stdout == ""


# ---------------------------------------------------------------- moderate


def moderate(cli, *extra):
    return cli("moderate", "E09000007", "--bank", "mini", "--wave", WAVE, *extra)


def test_moderation_is_stored_beside_the_self_assessment(cli, tmp_path, ws):
    path = tmp_path / "answers.csv"
    path.write_text("question,value\nvision.statement,yes\n")
    cli(*MINI, "--answers", str(path), "--self-assessment")
    first = moderate(cli, "--area", "vision", "--score", "55", "--reason",
                     "Not known to front-line staff", "--adviser", "A. Adviser")
    assert first.exit_code == 0, first.stderr
    assert "Stored moderation" in first.stdout and "Vision (vision) scored 55 by A. Adviser" in \
        first.stdout
    second = moderate(cli, "--area", "vision", "--score", "60.5", "--reason", "On reflection",
                      "--adviser", "B. Adviser")
    assert "latest of 2" in second.stdout
    moderations = ws.moderations("E09000007", "mini", WAVE)
    assert [(m.area, m.score, m.adviser) for m in moderations] == [
        ("vision", 55, "A. Adviser"), ("vision", 60.5, "B. Adviser")]
    assert moderations[0].reason == "Not known to front-line staff" and moderations[0].moderated_at
    assert stored(ws)["vision.statement"].value == "yes"  # the self-assessment is untouched


def test_moderation_of_unknown_area_lists_the_areas(cli, ws):
    result = moderate(cli, "--area", "workforce", "--score", "50", "--reason", "x",
                      "--adviser", "A")
    assert result.exit_code == 1 and "vision, risk" in result.stderr
    assert ws.partnerships() == []


@pytest.mark.parametrize("extra, message", [
    (["--score", "101", "--reason", "x", "--adviser", "A"], "out of range"),
    (["--score", "-1", "--reason", "x", "--adviser", "A"], "out of range"),
    (["--score", "nan", "--reason", "x", "--adviser", "A"], "out of range"),
    (["--score", "50", "--reason", "  ", "--adviser", "A"], "--reason cannot be empty"),
    (["--score", "50", "--reason", "x", "--adviser", ""], "--adviser cannot be empty"),
])
def test_moderation_is_validated_before_it_is_stored(cli, ws, extra, message):
    result = moderate(cli, "--area", "vision", *extra)
    assert result.exit_code == 2 and message in result.stderr
    assert ws.partnerships() == [] or ws.moderations("E09000007") == []


# ---------------------------------------------------------------- personal data


def test_personal_data_typed_as_evidence_is_warned_about_and_kept(terminal, ws):
    typed = ("y" + ENTER + "Seen at home, DOB 01/02/2015, mum jo@example.org" + ENTER
             + CTRL_C)
    result = terminal(MINI, typed)
    assert result.exit_code == 130
    assert "Warning:" in result.stderr and "vision.statement" in result.stderr
    assert "date of birth" in result.stderr and "e-mail" in result.stderr
    assert "DOB 01/02/2015" in stored(ws)["vision.statement"].evidence  # warned, not altered


def test_personal_data_in_an_answers_file_is_warned_about(cli, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,NHS 943 476 5919\n"
                    "risk.barrier,Call 07700 900123 about the case,\n")
    result = cli(*MINI, "--answers", str(path))
    assert result.exit_code == 0
    assert result.stderr.count("Warning:") == 2
    assert "an NHS number" in result.stderr and "phone" in result.stderr
