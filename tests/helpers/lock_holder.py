"""Another stocktake process in the way: a real child process holding a partnership's lock
(until a file appears, or for a given time), for the tests of waiting writers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = "E09000007"
ENV_TIMEOUT = "STOCKTAKE_LOCK_TIMEOUT"

# A stocktake process holding the partnership's lock until a file appears (or holding it for a
# given time, then saving an answer of its own inside it): the "other command" in the way.
HOLDER = r"""
import os, sys, time
from pathlib import Path
from stocktake.store.locking import workspace_lock
from stocktake.store.workspace import Workspace
from stocktake.records.responses import ANSWERED, Answer, ResponseKey

root, code, go, release, hold, respondent = sys.argv[1:7]
sys.argv = ["stocktake", "-w", root, "roster", "import", "big-roster.csv"]
ws = Workspace(Path(root))
while go != "-" and not Path(go).exists():
    time.sleep(0.01)
with workspace_lock(ws.lock_path(ws.shard_path(code))):
    print("held", flush=True)
    if release != "-":
        while not Path(release).exists():
            time.sleep(0.02)
    else:
        time.sleep(float(hold))
    if respondent != "-":
        ws.save_answers(ResponseKey(code, "mini", "2026-27", respondent),
                        [Answer("vision.statement", ANSWERED, "yes")], role="council")
"""


def environment(**extra: str) -> dict[str, str]:
    """This process's environment, no colour, and `extra`."""
    return {**os.environ, "NO_COLOR": "1", **extra}


def holder(root: Path, *, go: str = "-", release: str = "-", hold: float = 0,
           respondent: str = "-", timeout: str = "15") -> subprocess.Popen:
    """A child holding CODE's lock in the workspace at `root` once the file `go` exists (at once
    for "-"), until the file `release` exists or for `hold` seconds, then saving an answer as
    `respondent` unless "-". It prints "held" once it holds the lock: read that line first."""
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(root), CODE, go, release,
                             str(hold), respondent], env=environment(**{ENV_TIMEOUT: timeout}),
                            stdout=subprocess.PIPE, text=True)
