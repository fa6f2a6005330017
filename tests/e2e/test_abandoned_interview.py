"""An interview abandoned at question 1 (Ctrl-C in a real pseudo-terminal) stores no respondent:
none is listed, and the partnership's scores count only those who answered."""

from __future__ import annotations

import json
import subprocess

import pytest

pexpect = pytest.importorskip("pexpect")

from helpers.terminal import (PROMPT_READY, TIMEOUT, environment,  # noqa: E402
                              spawn, stocktake_command)

pytestmark = pytest.mark.slow


def run(workspace, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(stocktake_command() + ["-w", str(workspace), *args], env=environment(),
                          capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def test_ctrl_c_at_question_one_leaves_no_empty_respondent_counted(tmp_path):
    workspace = tmp_path / "ws"
    answers = tmp_path / "answers.csv"
    answers.write_text("question,value,evidence\nvision.has-statement,yes,\n")
    stored = run(workspace, "interview", "E09000007", "--bank", "idea-stocktake", "--role",
                 "council", "--respondent", "Bob", "--wave", "2026-27", "--answers", str(answers))
    assert stored.returncode == 0, stored.stderr
    child = spawn(workspace, "interview", "E09000007", "--bank", "idea-stocktake",
                  "--respondent", "Abandoned", "--role", "health", "--wave", "2026-27")
    try:
        child.expect("vision.has-statement")
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect(r"Saved: 0 of \d+ questions answered")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    shown = run(workspace, "answers", "E09000007", "--wave", "2026-27", "--json")
    assert shown.returncode == 0, shown.stderr
    assert {r["respondent"] for r in json.loads(shown.stdout)} == {"Bob"}
    scores = run(workspace, "scores", "E09000007", "--wave", "2026-27")
    assert scores.returncode == 0, scores.stderr
    assert "· 1 respondent" in scores.stdout and "2 respondents" not in scores.stdout
    assert run(workspace, "doctor").returncode == 0


# ---------------------------------------------------------------- children and young people

CHILD = ("interview", "E09000007", "--bank", "partnership-2026", "--role", "young-people",
         "--wave", "2026-27")
AGE_BAND_READY = "arrow keys or the number"  # the age band's own instruction
FIRST = "harm-outside-home.yp-someone-to-tell"  # the first question asked of an 11 to 15 year old
SECOND = "harm-outside-home.yp-feel-safe"


def start_child(workspace):
    """An anonymous interview at its first question, the age band (11 to 15) given."""
    child = spawn(workspace, *CHILD)
    child.expect("How old are you?")
    child.expect(AGE_BAND_READY)
    child.send("2")
    child.send("\r")
    return child


def test_ctrl_c_at_question_one_of_an_anonymous_interview_stores_nothing(tmp_path):
    workspace = tmp_path / "ws"
    answers = tmp_path / "answers.csv"
    answers.write_text("question,value,evidence\nsafeguarding.delegates-named,yes,\n")
    stored = run(workspace, "interview", "E09000007", "--bank", "partnership-2026", "--role",
                 "council", "--respondent", "Bob", "--wave", "2026-27", "--answers", str(answers))
    assert stored.returncode == 0, stored.stderr
    child = start_child(workspace)
    try:
        child.expect("The reference is given with the first answer: no name is stored")
        child.expect(FIRST)
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect("Nothing was answered, so nothing is stored and no reference was given. "
                     "To start again, run:")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert "--reference" not in child.logfile_read.getvalue()  # there is nothing to carry on
    shown = run(workspace, "answers", "E09000007", "--bank", "partnership-2026", "--wave",
                "2026-27", "--json")
    assert shown.returncode == 0, shown.stderr
    assert {r["respondent"] for r in json.loads(shown.stdout)} == {"Bob"}
    scores = run(workspace, "scores", "E09000007", "--bank", "partnership-2026", "--wave",
                 "2026-27")
    assert scores.returncode == 0, scores.stderr
    assert "· 1 respondent" in scores.stdout and "2 respondents" not in scores.stdout
    assert "YP-" not in (workspace / "partnerships" / "E09000007.json").read_text()
    assert run(workspace, "doctor").returncode == 0
    # The next child is the first to be given a reference.
    child = start_child(workspace)
    try:
        child.expect(FIRST)
        child.expect(PROMPT_READY)
        child.send("y")
        child.send("\r")
        child.expect("Reference YP-0001 given: no name is stored")
        child.expect(SECOND)
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect(r"Saved: 1 of \d+ questions answered")
        child.expect("--reference YP-0001")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert run(workspace, "doctor").returncode == 0


def test_two_anonymous_interviews_started_at_once_get_different_references(tmp_path):
    workspace = tmp_path / "ws"
    assert run(workspace, "partnerships", "add", "E09000007").returncode == 0
    children = [start_child(workspace), start_child(workspace)]
    try:
        # Both at question 1 at the same time, nothing stored by either; then both answer.
        for child in children:
            child.expect(FIRST)
            child.expect(PROMPT_READY)
        for child in children:
            child.send("y")
        for child in children:
            child.send("\r")
        references = []
        for child in children:
            child.expect(r"Reference (YP-\d{4}) given")
            references.append(child.match.group(1))
            child.expect(SECOND)
            child.expect(PROMPT_READY)
            child.sendintr()
            child.expect(r"Saved: 1 of \d+ questions answered")
            child.expect(pexpect.EOF)
    finally:
        for child in children:
            child.close(force=True)
    assert sorted(references) == ["YP-0001", "YP-0002"]
    shown = run(workspace, "answers", "E09000007", "--bank", "partnership-2026", "--wave",
                "2026-27", "--json")
    assert shown.returncode == 0, shown.stderr
    assert sorted((r["respondent"], r["question"], r["value"]) for r in json.loads(shown.stdout)) \
        == [("YP-0001", FIRST, "yes"), ("YP-0002", FIRST, "yes")]
    assert run(workspace, "doctor").returncode == 0
