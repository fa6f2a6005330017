"""`stocktake` run as a person runs it, in a fresh process, for the tests that make the demo's
files through the command line (the printed pages, what fits where)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli(ws: Path, *args: str) -> str:
    """stdout of `stocktake -w WS ARGS...` run beside the workspace; fails the test, with
    what the command said, unless it exits 0."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    done = subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *args],
                          capture_output=True, text=True, env=env, cwd=ws.parent, timeout=600)
    assert done.returncode == 0, f"stocktake {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout
