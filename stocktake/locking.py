"""Serialising writers across processes, and saying who is in the way when it takes too long.

A lock is a file locked with the OS (via filelock, so a killed process never leaves it held);
beside it the holder writes who it is, so a waiting command can report process, host and since
when instead of hanging.

    with workspace_lock(ws / "locks" / "E09000007.lock"):
        ...  # read, change, write the shard
"""

from __future__ import annotations

import json
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from stocktake.errors import StocktakeError
from stocktake.responses import now_iso

DEFAULT_TIMEOUT = 15.0


def lock_timeout() -> float:
    try:
        return float(os.environ.get("STOCKTAKE_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


@contextmanager
def workspace_lock(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = FileLock(str(lock_path), timeout=lock_timeout() if timeout is None else timeout,
                    mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        holder = _read_holder(lock_path)
        raise StocktakeError(
            f"the workspace is busy: {lock_path.stem} has been locked by {holder} "
            f"for longer than {lock.timeout:g} s",
            hint="wait for that command to finish and run yours again; if that process no longer "
                 "exists, the lock frees itself (raise STOCKTAKE_LOCK_TIMEOUT to wait longer)")
    try:
        _write_holder(lock_path)
        yield
    finally:
        lock.release()


def _holder_path(lock_path: Path) -> Path:
    return lock_path.with_suffix(".owner")


def _write_holder(lock_path: Path) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_iso(),
            "command": " ".join(sys.argv[:3])}
    try:
        fd = os.open(_holder_path(lock_path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(info))
    except OSError:
        pass


def _read_holder(lock_path: Path) -> str:
    try:
        info = json.loads(_holder_path(lock_path).read_text(encoding="utf-8"))
        return (f"process {info.get('pid')} on {info.get('host')} since {info.get('since')}"
                f" ({info.get('command')})")
    except (OSError, ValueError):
        return "another process"
