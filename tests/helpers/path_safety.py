"""Values that must never reach a path, and a record of every path Python writes to (PEP 578
audit hooks), so a test can assert that nothing read from a file makes stocktake write outside
the folders it was given."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TRAVERSAL = "../../../../outside/config"
# Names, codes and waves as a hostile file or submission might give them.
HOSTILE = [TRAVERSAL, "..", ".", "/etc/passwd", "..\\..\\x", "a/b", "E09000007/../x", "",
           " ", "CON", "nul", "x" * 300, "E09000007\x00", "\u202eE09000007", "~", "$HOME",
           "C:\\Windows\\x", "tests/data/mini.toml", "mini.toml", "2026-27/..", "2026-28",
           "2026/27", "-rf", ".hidden", "E09000007.json"]


class WriteAudit:
    """Every path Python opens for writing, renames to, creates, links or removes, seen through
    the interpreter's audit hooks (PEP 578), so nothing the store or a writer does escapes."""

    active: list[str] | None = None
    installed = False

    @classmethod
    def install(cls) -> None:
        if not cls.installed:
            sys.addaudithook(cls._hook)
            cls.installed = True

    @classmethod
    def _hook(cls, event: str, args: tuple) -> None:
        seen = cls.active
        if seen is None:
            return
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(m in mode for m in "wax+")) or \
                (mode is None and isinstance(flags, int) and
                 flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))
            if writing and isinstance(path, (str, bytes, os.PathLike)):
                seen.append(os.fsdecode(path))
        elif event in ("os.rename", "os.link", "os.symlink"):
            seen.append(os.fsdecode(args[1]))
        elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.truncate", "os.chmod"):
            if isinstance(args[0], (str, bytes, os.PathLike)):
                path = os.fsdecode(args[0])
                # shutil.rmtree removes by name inside a folder it holds open (dir_fd, the
                # last argument of these events but truncate's): the folder is the fd's.
                dir_fd = args[-1] if event != "os.truncate" else None
                if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(path):
                    path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
                seen.append(path)


def inside(path: str, roots: list[Path]) -> bool:
    """Whether `path`, its links resolved, is one of `roots` or under one."""
    real = os.path.realpath(path)
    return any(real == str(r) or real.startswith(str(r) + os.sep) for r in roots)
