"""Serialising writers across processes, and saying who is in the way when it takes too long.

A lock is a file locked with the OS (via filelock, so a killed process never leaves it held);
beside it the holder writes who it is, so a waiting command can report process, host, command
and since when instead of hanging.

The timeout (`STOCKTAKE_LOCK_TIMEOUT`, default 15 s) is how long one holder may keep a waiting
writer out, not how long the wait may last in all: sixteen respondents saving at once on a busy
machine each hold the lock briefly, and a writer at the back of that queue waits while the lock
keeps changing hands (never longer than MAX_TIMEOUT in all). Only a holder that keeps it for the
whole timeout makes the wait fail, with `LockBusy` naming it.

    with workspace_lock(ws / "locks" / "E09000007.lock"):
        ...  # read, change, write the shard
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import socket
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from stocktake.errors import StocktakeError
from stocktake.records.responses import now_iso

DEFAULT_TIMEOUT = 15.0
MAX_TIMEOUT = 3600.0
# How often a waiting writer looks at who holds the lock (a new holder restarts its clock).
_LOOK_EVERY = 0.25
TIMEOUT_VARIABLE = "STOCKTAKE_LOCK_TIMEOUT"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class LockBusy(StocktakeError):
    """A lock kept by one holder for longer than the timeout; `holder` says who (process, host,
    since when, command). Nothing of the waiting write was done."""

    def __init__(self, message: str, holder: str, hint: str = ""):
        super().__init__(message, hint=hint)
        self.holder = holder


def lock_timeout() -> float:
    """Seconds one holder of a lock may keep a writer waiting: `STOCKTAKE_LOCK_TIMEOUT`, default 15.

    StocktakeError for anything but a number of seconds from 0 to MAX_TIMEOUT: `nan`, `inf` or a
    negative number would otherwise mean waiting forever without a word.
    """
    raw = os.environ.get(TIMEOUT_VARIABLE)
    if raw is None or not raw.strip():
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 <= value <= MAX_TIMEOUT):  # also false for nan
        raise StocktakeError(
            f"{TIMEOUT_VARIABLE} is {raw.strip()[:40]!r}: it must be a number of seconds from 0 to "
            f"{MAX_TIMEOUT:g}",
            hint=f"e.g. {TIMEOUT_VARIABLE}=60, or unset it for the default of "
                 f"{DEFAULT_TIMEOUT:g} s")
    return value


@contextmanager
def workspace_lock(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock at `lock_path` for the block; StocktakeError if it cannot be had. A lock
    this thread already holds is held again at once (locks nest).

    The lock file is opened without following links first: filelock itself opens it with
    O_TRUNC, which through a planted link would empty the link's target.
    """
    from filelock import FileLock, Timeout

    from stocktake.files.atomic import ensure_private_dir, link_error, write_error

    held = _held_here()
    key = os.path.abspath(lock_path)
    if key in held:
        # Already ours (a partnership coded `workspace` shares the index's lock, and its first
        # write lists it in the index): waiting would be waiting on ourselves.
        yield
        return
    wait = lock_timeout() if timeout is None else timeout
    try:
        if lock_path.parent.is_symlink():
            raise link_error(lock_path.parent)
        ensure_private_dir(lock_path.parent)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o600)
        try:
            _refuse_shared(fd, lock_path)
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_error(exc, lock_path) from None
    lock = FileLock(str(lock_path), mode=0o600)
    try:
        _acquire(lock, lock_path, wait, Timeout)
    except OSError as exc:
        raise write_error(exc, lock_path) from None
    held.add(key)
    try:
        _write_holder(lock_path)
        yield
    finally:
        held.discard(key)
        lock.release()


def _acquire(lock, lock_path: Path, wait: float, timeout_error: type[BaseException]) -> None:
    """Take `lock`, waiting while its holders change; LockBusy once one holder has kept it
    `wait` seconds (or the whole wait has lasted MAX_TIMEOUT)."""
    started = time.monotonic()
    holder, holder_since = _holder_token(lock_path), started
    while True:
        now = time.monotonic()
        slice_ = max(0.0, min(_LOOK_EVERY, holder_since + wait - now, started + MAX_TIMEOUT - now))
        try:
            lock.acquire(timeout=slice_, poll_interval=0.02)
            return
        except timeout_error:  # a TimeoutError, so an OSError: caught before the caller's
            pass
        now = time.monotonic()
        token = _holder_token(lock_path)
        if token != holder:  # the lock changed hands: the queue is moving
            holder, holder_since = token, now
        if now - holder_since >= wait or now - started >= MAX_TIMEOUT:
            who = _read_holder(lock_path)
            raise LockBusy(
                f"the workspace is busy: {lock_path.stem} has been locked by {who} for longer "
                f"than {wait:g} s; nothing of this change was stored",
                who,
                hint=f"wait for that command to finish and run yours again, or set "
                     f"{TIMEOUT_VARIABLE} to wait longer (seconds, up to {MAX_TIMEOUT:g}); if "
                     "that process no longer exists, the lock frees itself")


def _holder_token(lock_path: Path) -> str:
    """What tells one holding of the lock from the next: the `.owner` file's token ("" when it
    cannot be read, e.g. half-written, which counts as no change)."""
    try:
        fd = os.open(_holder_path(lock_path), os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = json.loads(handle.read(4096))
        return str(info.get("token") or info.get("since") or "")
    except (OSError, ValueError, RecursionError, AttributeError):
        return ""


def command_words(argv: list[str] | None = None) -> str:
    """`stocktake interview E09000007`: the program and the command's first words, without
    the workspace option or any other option (they may hold names), for a waiting command to
    say what is in its way."""
    argv = list(sys.argv if argv is None else argv)
    words: list[str] = []
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("-w", "--workspace"):
            next(rest, None)
            continue
        if arg.startswith("-"):
            continue
        words.append(arg)
        if len(words) == 2:
            break
    program = Path(argv[0]).name if argv else "stocktake"
    if program in ("__main__.py", "-m", "-c") or program.startswith("python"):
        program = "stocktake"
    return " ".join([program, *words])


_HELD = threading.local()


def _held_here() -> set[str]:
    """The locks this thread holds now (absolute paths)."""
    if not hasattr(_HELD, "paths"):
        _HELD.paths = set()
    return _HELD.paths


def _holder_path(lock_path: Path) -> Path:
    return lock_path.with_suffix(".owner")


def _write_holder(lock_path: Path) -> None:
    """Say who holds the lock. Never through a link: a planted `.owner` link is refused by name
    (its target left untouched); other failures only cost the waiting command its detail."""
    info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_iso(),
            "command": command_words(), "token": uuid.uuid4().hex}
    holder = _holder_path(lock_path)
    try:
        # Truncated only once known to be a file of its own (not a FIFO, no other hard link).
        fd = os.open(holder, os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            from stocktake.files.atomic import link_error

            raise link_error(holder) from None
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            _refuse_shared(fd, holder)
            os.ftruncate(fd, 0)
            handle.write(json.dumps(info, ensure_ascii=True))
    except OSError:
        # A full disk fails the write at the flush when the file closes, not at write():
        # either way only the detail is lost, and the store's own write says the disk is full.
        pass


def _refuse_shared(fd: int, path: Path) -> None:
    """StocktakeError unless the open file is a regular file with no other name: writing to a
    hard link of a file elsewhere would change that file."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        from stocktake.files.atomic import LINK_HINT

        why = "is not a regular file" if not stat.S_ISREG(info.st_mode) else \
            "has another name (a hard link)"
        raise StocktakeError(f"{path} {why}; stocktake refuses to write to it", hint=LINK_HINT)


def _read_holder(lock_path: Path) -> str:
    try:
        fd = os.open(_holder_path(lock_path), os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            info = json.loads(handle.read(4096))
        return (f"process {info.get('pid')} on {info.get('host')} since {info.get('since')}"
                f" ({info.get('command')})")
    except (OSError, ValueError, RecursionError, AttributeError):
        return "another process"
