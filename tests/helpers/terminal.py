"""The installed `stocktake` in a real pseudo-terminal (pexpect), and a 24 x 80 screen of it
(pyte), for the end-to-end tests in tests/e2e. pexpect and pyte are imported when used: a test
module skips itself first (`pytest.importorskip`) where they are missing."""

from __future__ import annotations

import io
import os
import shutil
import sys
import time
from pathlib import Path

TIMEOUT = 30  # generous: a cold start on a slow CI machine imports rich, typer and questionary
PROMPT_READY = "arrow keys or the key shown"  # questionary's instruction: the prompt is live
EVIDENCE_READY = "Enter to skip"
ROWS, COLUMNS = 24, 80  # the small terminal every screen of the interview must fit


def stocktake_command() -> list[str]:
    """The console script beside this Python, else on PATH, else `python -m stocktake`."""
    beside = Path(sys.executable).with_name("stocktake")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stocktake")
    return [found] if found else [sys.executable, "-m", "stocktake"]


def environment() -> dict[str, str]:
    """The environment a user's terminal gives: no test bank path, no COLUMNS, UTF-8, no colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("STOCKTAKE_BANK_PATH", "COLUMNS")}
    env.update({"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                # pexpect never answers prompt_toolkit's cursor-position requests, which would
                # cost a second's wait at the end of every prompt.
                "PROMPT_TOOLKIT_NO_CPR": "1"})
    return env


def spawn(workspace: Path, *args: str):
    """`stocktake -w workspace ARGS` in a pexpect pseudo-terminal of 50 x 160; what it shows is
    kept in `child.logfile_read` (a StringIO) for the asserts."""
    import pexpect

    command = stocktake_command() + ["-w", str(workspace), *args]
    child = pexpect.spawn(command[0], command[1:], env=environment(), encoding="utf-8",
                          dimensions=(50, 160), timeout=TIMEOUT)
    child.logfile_read = io.StringIO()  # everything the terminal showed, for the asserts
    return child


class Terminal:
    """A real pseudo-terminal of 24 x 80 and what is on its screen."""

    def __init__(self, args: list[str]):
        import pexpect
        import pyte

        command = stocktake_command() + args
        env = environment()
        env.pop("LINES", None)
        self.child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8",
                                   dimensions=(ROWS, COLUMNS), timeout=30)
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)

    def wait_for(self, text: str, seconds: float = 30, settle: bool = True) -> list[str]:
        import pexpect

        end = time.time() + seconds
        while time.time() < end:
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.2))
            except pexpect.TIMEOUT:
                pass
            if any(text in line for line in self.screen.display):
                if settle:
                    self._settle()
                return list(self.screen.display)
        raise AssertionError(f"{text!r} never appeared:\n" + "\n".join(self.screen.display))

    def _settle(self) -> None:
        import pexpect

        for _ in range(3):
            try:
                self.stream.feed(self.child.read_nonblocking(65536, timeout=0.3))
            except pexpect.TIMEOUT:
                return

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def close(self) -> None:
        self.child.terminate(force=True)
