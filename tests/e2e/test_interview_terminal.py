"""End to end: the installed `stocktake interview` in a real pseudo-terminal, Ctrl-C, then resume.

Answers the first idea-stocktake questions as the council, sends Ctrl-C, reads the answers back
with `stocktake answers --json`, then starts again and sees the first unanswered question.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from helpers.terminal import (EVIDENCE_READY, PROMPT_READY, TIMEOUT, environment, spawn,
                              stocktake_command)

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow


INTERVIEW = ("interview", "E09000007", "--bank", "idea-stocktake", "--respondent", "Jo Bloggs",
             "--role", "council", "--wave", "2026-27")


def test_ctrl_c_keeps_answers_and_resume_starts_at_first_unanswered(tmp_path):
    workspace = tmp_path / "ws"
    child = spawn(workspace, *INTERVIEW)
    try:
        child.expect("vision.has-statement")
        child.expect(PROMPT_READY)
        child.send("y")
        child.send("\r")
        child.expect(EVIDENCE_READY)
        child.send("Board minutes, March 2026\r")
        child.expect("vision.grounded-in-consultation")
        child.expect(PROMPT_READY)
        child.send("3")
        child.send("\r")
        child.expect(EVIDENCE_READY)
        child.send("\r")
        child.expect("vision.known-across-levels")
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect(r"Saved: 2 of \d+ questions answered. To carry on, run:")
        child.expect("--respondent 'Jo Bloggs' --role council --wave 2026-27")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130

    shown = subprocess.run(stocktake_command() + ["-w", str(workspace), "answers", "E09000007",
                                                  "--wave", "2026-27", "--json"],
                           env=environment(), capture_output=True, text=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert [(r["question"], r["value"], r["evidence"]) for r in rows] == [
        ("vision.has-statement", "yes", "Board minutes, March 2026"),
        ("vision.grounded-in-consultation", 3, ""),
    ]
    assert {r["respondent"] for r in rows} == {"Jo Bloggs"}

    again = spawn(workspace, *INTERVIEW)
    try:
        again.expect(r"2 of \d+ already answered")
        again.expect(r"Question 3 of \d+ · 2 answered · vision.known-across-levels")
        again.expect(PROMPT_READY)
        again.sendintr()
        again.expect(pexpect.EOF)
    finally:
        again.close(force=True)
    assert again.exitstatus == 130
    assert "vision.has-statement" not in again.logfile_read.getvalue()
