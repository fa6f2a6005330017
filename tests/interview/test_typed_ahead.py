"""Issue 28 kind 11: input typed ahead of a question does not answer it (real keystrokes in a
real pseudo-terminal, pexpect; no bracketed paste, as in a terminal without it).

A multi-line paste into an evidence prompt is taken whole as the note (its lines joined by
line ends); keys that arrive before a question is drawn (the rest of a paste into a choice
prompt) are dropped, so the next question waits for its own answer.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

CODE, WAVE = "E09000007", "2026-27"
PROMPT_READY = "arrow keys or the key shown"  # questionary's instruction: the prompt is live
EVIDENCE_READY = "Enter to skip"
INTERVIEW = ("interview", CODE, "--bank", "idea-stocktake", "--respondent", "Jo Bloggs",
             "--role", "council", "--wave", WAVE)


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STOCKTAKE_BANK_PATH", "COLUMNS")}
    env.update({"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    return env


def spawn(workspace: Path):
    child = pexpect.spawn(sys.executable, ["-m", "stocktake", "-w", str(workspace), *INTERVIEW],
                          env=environment(), encoding="utf-8", dimensions=(50, 160),
                          timeout=60)
    child.logfile_read = io.StringIO()
    return child


def answers(workspace: Path) -> dict:
    shown = subprocess.run([sys.executable, "-m", "stocktake", "-w", str(workspace), "answers",
                            CODE, "--wave", WAVE, "--json"], env=environment(),
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert shown.returncode == 0, shown.stderr
    return {r["question"]: (r["value"], r["evidence"]) for r in json.loads(shown.stdout)}


def test_a_multi_line_paste_into_the_evidence_prompt_is_the_whole_note(tmp_path):
    workspace = tmp_path / "ws"
    child = spawn(workspace)
    try:
        child.expect("vision.has-statement")
        child.expect(PROMPT_READY)
        child.send("y")
        child.send("\r")
        child.expect(EVIDENCE_READY)
        child.send("Board minutes, March 2026\rsee also the CYPP, page 4\r")  # one paste
        child.expect("vision.grounded-in-consultation")
        child.expect(PROMPT_READY)
        child.send("3")
        child.send("\r")
        child.expect(EVIDENCE_READY)
        child.send("\r")
        child.expect("vision.known-across-levels")
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert answers(workspace) == {
        "vision.has-statement": ("yes", "Board minutes, March 2026\nsee also the CYPP, page 4"),
        "vision.grounded-in-consultation": (3, ""),
    }


def test_keys_that_arrive_before_a_prompt_is_drawn_answer_nothing(tmp_path):
    """The rest of a paste into a choice prompt ("y", Enter, then more) would have been the
    evidence note; it is dropped, and the evidence prompt waits for its own input."""
    workspace = tmp_path / "ws"
    child = spawn(workspace)
    try:
        child.expect("vision.has-statement")
        child.expect(PROMPT_READY)
        child.send("y\rnot meant as evidence\r")  # all at once, as a paste arrives
        child.expect(EVIDENCE_READY)
        child.send("Typed after the prompt\r")
        child.expect("vision.grounded-in-consultation")
        child.expect(PROMPT_READY)
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert answers(workspace) == {"vision.has-statement": ("yes", "Typed after the prompt")}
