"""Issue 28 kind 6: a writer waiting for a lock another process holds (real processes, a real
workspace). The wait lasts while the lock keeps changing hands; only one holder keeping it past
STOCKTAKE_LOCK_TIMEOUT fails it, with a message naming that holder, and no answer is lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.store.workspace import Workspace

from helpers.lock_holder import CODE, ENV_TIMEOUT, environment, holder

WAVE = "2026-27"


@pytest.fixture
def ws(tmp_path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    ws.add_partnerships([partnership_for(CODE)])
    return ws


def test_writers_queued_behind_each_other_all_save_though_the_queue_outlasts_the_timeout(
        ws, tmp_path):
    """Ten writers each holding the lock 0.3 s, started together, with a 1 s timeout: the last
    waits about 3 s in all, each holder far less than 1 s, and every one of them saves (a total
    wait of 1 s failed the writers at the back of the queue, the issue's failed writer)."""
    go = tmp_path / "go"
    writers = [holder(ws.root, go=str(go), hold=0.3, respondent=f"Writer {n}", timeout="1")
               for n in range(10)]
    time.sleep(0.5)  # let them start (their imports), so that they really queue together
    go.touch()
    codes = [w.wait(timeout=120) for w in writers]
    assert codes == [0] * 10
    stored = {r.key.respondent for r in ws.responses(CODE)}
    assert stored == {f"Writer {n}" for n in range(10)}


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,Board minutes\n",
                    encoding="utf-8")
    return path


def run_interview_file(ws: Workspace, answers: Path, timeout: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stocktake", "-w", str(ws.root), "interview", CODE, "--bank",
         "mini", "--wave", WAVE, "--role", "council", "--respondent", "Ann Council",
         "--answers", str(answers)],
        env=environment(**{ENV_TIMEOUT: timeout}), capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL)


def test_one_holder_past_the_timeout_is_named_and_nothing_is_stored_then_a_rerun_stores(
        ws, tmp_path):
    release = tmp_path / "release"
    held = holder(ws.root, release=str(release))
    try:
        assert held.stdout.readline().strip() == "held"
        result = run_interview_file(ws, answers_file(tmp_path), timeout="0.5")
    finally:
        release.touch()
        held.wait(timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr
    message = " ".join(result.stderr.split())
    assert f"{CODE} has been locked by process {held.pid}" in message
    assert "(stocktake roster import)" in message  # the holder's command, not its options
    assert "for longer than 0.5 s; nothing of this change was stored" in message
    assert ENV_TIMEOUT in message
    assert ws.responses(CODE) == []
    again = run_interview_file(ws, answers_file(tmp_path), timeout="0.5")
    assert again.returncode == 0, again.stderr
    assert [r.key.respondent for r in ws.responses(CODE)] == ["Ann Council"]


def test_a_holder_that_releases_within_the_timeout_delays_but_never_fails_a_save(ws, tmp_path):
    held = holder(ws.root, hold=1.0)
    assert held.stdout.readline().strip() == "held"
    result = run_interview_file(ws, answers_file(tmp_path), timeout="30")
    held.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert [r.key.respondent for r in ws.responses(CODE)] == ["Ann Council"]


def test_the_holder_names_its_command_without_its_options():
    from stocktake.store.locking import command_words

    assert command_words(["stocktake", "-w", "/ws", "interview", CODE, "--respondent",
                          "Jo Bloggs"]) == f"stocktake interview {CODE}"
    assert command_words(["/venv/bin/stocktake", "--workspace", "/ws", "remove", CODE]) == \
        f"stocktake remove {CODE}"
    assert command_words(["/src/stocktake/__main__.py", "plan", "add", CODE]) == \
        "stocktake plan add"


# ---------------------------------------------------------------- the interview in a terminal

PROMPT_READY = "arrow keys or the key shown"  # questionary's instruction: the prompt is live


def pty_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STOCKTAKE_BANK_PATH", "COLUMNS")}
    env.update({"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    return env


def test_an_interview_kept_waiting_asks_to_try_again_and_loses_no_answer(ws, tmp_path):
    """The respondent's answer is kept while another command holds the lock past the timeout:
    they are told who holds it and asked to try again; once it is free, Enter saves it."""
    pexpect = pytest.importorskip("pexpect")
    go, release = tmp_path / "go", tmp_path / "release"
    held = holder(ws.root, go=str(go), release=str(release))
    command = [sys.executable, "-m", "stocktake", "-w", str(ws.root), "interview", CODE,
               "--bank", "idea-stocktake", "--respondent", "Jo Bloggs", "--role", "council",
               "--wave", WAVE]
    env = {**pty_environment(), ENV_TIMEOUT: "0.5"}
    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8",
                          dimensions=(50, 160), timeout=60)
    try:
        child.expect("vision.has-statement")
        child.expect(PROMPT_READY)
        go.touch()  # the other command takes the lock while the question is on screen
        assert held.stdout.readline().strip() == "held"
        child.send("y")
        child.send("\r")
        child.expect("Not saved yet")
        child.expect(f"locked by process {held.pid}")
        child.expect("Try saving this answer again")
        release.touch()
        held.wait(timeout=60)
        child.send("\r")
        child.expect("Enter to skip")  # the evidence prompt: the answer is stored
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        release.touch()
        child.close(force=True)
    shown = [r for r in ws.responses(CODE) if r.key.respondent == "Jo Bloggs"]
    assert len(shown) == 1
    assert shown[0].answers["vision.has-statement"].value == "yes"
