"""Reading a store file: its bytes as they are on disk (never through a link, a FIFO or anything
but a regular file), parsed as TinyDB's JSON, and a damaged one refused by name with what to do.

    data = read_store_file(ws.root / "partnerships" / "E09000007.json", ws.root)  # dict or None
"""

from __future__ import annotations


import errno
import os
import stat
from pathlib import Path
from stocktake.errors import StocktakeError
from stocktake.files.atomic import link_error, refuse_links

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


SHARD_DIR = "partnerships"  # a workspace's folder of partnership files


class DamagedStoreFile(StocktakeError):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            f"store file {path} is damaged ({reason})",
            hint=f"run `stocktake --workspace {path.parent.parent if path.parent.name == SHARD_DIR else path.parent} "
                 "doctor` to check the workspace, and `doctor --restore` to bring back the last "
                 "good backup")
        self.path = path


def read_store_file(path: Path, root: Path | None = None) -> dict | None:
    """A store file's TinyDB data; None if it does not exist; DamagedStoreFile if unreadable.

    Never through a link: a store file (or a folder between `root` and it) that is a symbolic
    link is refused by name.
    """
    raw = read_store_raw(path, root)
    return None if raw is None else parse_store_bytes(path, raw)


def parse_store_bytes(path: Path, raw: bytes) -> dict:
    """The TinyDB data in `raw`, the bytes of the store file `path`; DamagedStoreFile (naming
    `path`) when they cannot serve as one."""
    # Hand-edited files can be valid JSON and still lack what every reader relies on.
    from stocktake.store.doctor import read_store_bytes

    data, problem = read_store_bytes(raw)
    if problem:
        raise DamagedStoreFile(path, problem)
    assert data is not None, "read_store_bytes gives data exactly when there is no problem"
    return data


def read_store_raw(path: Path, root: Path | None = None) -> bytes | None:
    """A store file's bytes as they are on disk, unparsed; None if it does not exist. Refuses
    links, FIFOs and other non-files as `read_store_file` does (StocktakeError)."""
    refuse_links(path, root if root is not None else _workspace_of(path))
    try:
        # O_NONBLOCK: a FIFO put in a store file's place must not hang every command.
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_error(path) from None
        raise StocktakeError(f"cannot read store file {path} ({exc.strerror})")
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DamagedStoreFile(path, "not a regular file")
            raw = handle.read()
    except OSError as exc:
        raise StocktakeError(f"cannot read store file {path} ({exc.strerror})")
    return raw


def _workspace_of(path: Path) -> Path:
    return path.parent.parent if path.parent.name == SHARD_DIR else path.parent
