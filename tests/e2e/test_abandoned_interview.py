"""An interview abandoned at question 1 (Ctrl-C in a real pseudo-terminal) stores no respondent:
none is listed, and the partnership's scores count only those who answered."""

from __future__ import annotations

import json
import subprocess

import pytest

pexpect = pytest.importorskip("pexpect")

from test_interview_terminal import (PROMPT_READY, TIMEOUT, environment,  # noqa: E402
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
