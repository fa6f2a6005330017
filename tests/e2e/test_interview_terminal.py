"""End to end: the installed `stocktake interview` in a real pseudo-terminal, Ctrl-C, then resume.

Answers the first idea-stocktake questions as the council, sends Ctrl-C, reads the answers back
with `stocktake answers --json`, then starts again and sees the first unanswered question.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.slow

TIMEOUT = 30  # generous: a cold start on a slow CI machine imports rich, typer and questionary
PROMPT_READY = "arrow keys or the key shown"  # questionary's instruction: the prompt is live
EVIDENCE_READY = "Enter to skip"


def stocktake_command() -> list[str]:
    """The console script beside this Python, else on PATH, else `python -m stocktake`."""
    beside = Path(sys.executable).with_name("stocktake")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stocktake")
    return [found] if found else [sys.executable, "-m", "stocktake"]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STOCKTAKE_BANK_PATH", "COLUMNS")}
    env.update({"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                # pexpect never answers prompt_toolkit's cursor-position requests, which would
                # cost a second's wait at the end of every prompt.
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    return env


def spawn(workspace: Path, *args: str):
    command = stocktake_command() + ["-w", str(workspace), *args]
    child = pexpect.spawn(command[0], command[1:], env=environment(), encoding="utf-8",
                          dimensions=(50, 160), timeout=TIMEOUT)
    child.logfile_read = io.StringIO()  # everything the terminal showed, for the asserts
    return child


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
