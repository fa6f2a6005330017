"""The one atomic writer: durable file replacement (with a rolling backup for the store's files),
for the workspace and for every file going out to people, and the one disk-full error.

A reader, or a machine that loses power, sees either the old file or the new one, never half of
one: write a temporary file in the same folder, fsync it, rename it over the old name, fsync the
folder. The old version is kept as a hard link in the backup folder (free: no copy), rolling over
`BACKUPS` generations, so `stocktake doctor --restore` has something to bring back.

    atomic_write_bytes(path, data, backup_dir=ws / "backups")
    with written_together():      # several files going out: all of them, or none
        ...

Nothing here follows a symbolic link inside the workspace: temporary files are created
exclusively (a link planted at their name is refused, not written through), and a store file or
folder that is a link is refused by name (`refuse_links`). Failures of the machine (a read-only
mount, a full disk, a folder without write permission) become a StocktakeError saying so
(`write_error`), never an internal error.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator, TypeGuard

from stocktake.errors import DiskFull, StocktakeError

BACKUPS = 3
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
FILE_MODE = 0o600
DIR_MODE = 0o700
LINK_HINT = ("stocktake never follows links inside a workspace: put the real file or folder in "
             "its place (or remove the link), then run `stocktake doctor`")


def write_and_sync(fd: int, data: bytes) -> None:
    """All of `data` to the open file `fd` (os.write may take part of it), then to the disk."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` owner-only; missing parents too (mkdir's own `parents` ignores `mode`).

    An existing folder is left as it is (a read command must not change modes: a workspace made
    read-only on purpose with `chmod -R a-w` stays so); writers narrow it with `narrow_mode`.
    """
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        try:
            os.chmod(folder, DIR_MODE)  # the umask may have taken bits off
        except OSError:
            pass
    return path


def narrow_mode(path: Path) -> None:
    """Take group and other bits off `path`, never adding any; silent where it cannot."""
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        pass


def refuse_links(path: Path, root: Path) -> None:
    """StocktakeError if `path` or a folder between `root` and it is a symbolic link.

    The workspace folder itself may be a link (a workspace kept on another drive); nothing
    inside it may, since a link there would let a write land outside the workspace.
    """
    root = Path(root)
    try:
        relative = Path(path).relative_to(root)
    except ValueError:
        return
    current = root
    for part in relative.parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                raise link_error(current)
        except FileNotFoundError:
            return


def link_error(path: Path | str) -> StocktakeError:
    return StocktakeError(f"{path} is a symbolic link; stocktake refuses links in the workspace",
                          hint=LINK_HINT)


# Out of space, out of quota, or past the largest file this process may write (RLIMIT_FSIZE).
_DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG})


def write_error(exc: OSError, path: Path | str, in_workspace: bool = True) -> StocktakeError:
    """What a failed write of `path` means to the user: read-only, disk full, a link, or else.

    `in_workspace` False for files written elsewhere (an export's --out): the message then
    names the file's drive, not the workspace, as read-only.
    """
    code = exc.errno
    if not in_workspace and code in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "read-only file system" if code == errno.EROFS else "permission denied"
        return StocktakeError(f"{path} cannot be written ({why})",
                              hint="write it to a folder you can write to")
    if code == errno.EROFS:
        return StocktakeError(
            f"the workspace is read-only: {path} cannot be written (read-only file system); "
            "nothing was changed",
            hint="read commands work on it; to change answers, copy the workspace to a folder "
                 "you can write to and give that with --workspace")
    if code in (errno.EACCES, errno.EPERM):
        return StocktakeError(
            f"the workspace is read-only: {path} cannot be written (permission denied); "
            "nothing was changed",
            hint="read commands work on it; to change answers, ask its owner for write access "
                 "or copy it to a folder of your own and give that with --workspace")
    if code in _DISK_FULL and not in_workspace:
        return DiskFull(f"disk full: cannot write {path} ({exc.strerror or exc})", Path(path),
                        hint="free some space (or ask for more quota) and run the command "
                             "again; nothing half-written was left under that name")
    if code in _DISK_FULL:
        return DiskFull(
            f"disk full: {path} could not be written; nothing of this change was stored", path,
            hint="free some space on that drive and run the command again")
    if code == errno.ELOOP and in_workspace:
        return link_error(path)
    if not in_workspace:
        return StocktakeError(f"cannot write {path} ({exc.strerror or exc})",
                              hint="choose a folder you can write to, and close the file if it "
                                   "is open in another program (Excel, Word, a browser)")
    return StocktakeError(f"cannot write {path} ({exc.strerror or exc})",
                          hint="check the folder exists and you can write to it")


def backup_paths(path: Path, backup_dir: Path) -> list[Path]:
    return [backup_dir / f"{path.name}.{n}" for n in range(1, BACKUPS + 1)]


# Tests of interrupted commands: STOCKTAKE_TEST_KILL_AT=N ends the process (as SIGKILL would:
# no cleanup, no finally) just before its Nth write, counting every store file written or
# deleted here and every file written for people (workbooks.output_files). Read at each write,
# so a test can set it per subprocess.
KILL_VARIABLE = "STOCKTAKE_TEST_KILL_AT"
KILLED_EXIT = 137
_writes_begun = 0


def write_boundary() -> None:
    """Count one write (a file replaced or deleted); under STOCKTAKE_TEST_KILL_AT=N, os._exit
    before the Nth. Every store write passes here, so a test can stop a command at each step."""
    global _writes_begun
    _writes_begun += 1
    wanted = os.environ.get(KILL_VARIABLE, "")
    if wanted.isdigit() and _writes_begun == int(wanted):
        os._exit(KILLED_EXIT)


def remove_file(path: Path) -> bool:
    """Delete a store file (or a copy of one); False if it was not there. A write boundary like
    any other write, so interrupted deletions are tested too."""
    if not os.path.lexists(path):
        return False
    write_boundary()
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    fsync_dir(Path(path).parent)
    return True


def atomic_write_bytes(path: Path, data: bytes, backup_dir: Path | None = None, *,
                       mode: int = FILE_MODE, going_out: bool = False) -> None:
    """The one atomic writer, for the store's files and for files going out to people: `data`
    to a temporary file in `path`'s folder (created exclusively, never through a link), fsynced,
    renamed over `path`, the folder fsynced. With `backup_dir`, the old version is kept there
    first (rolling BACKUPS). `mode` is the file's permission bits, set whatever the umask.

    A full disk raises DiskFull naming `path` (`going_out`: worded for a file sent out, else for
    the store); with `going_out` every other failure is a StocktakeError too (write_error). The
    old file, if any, is left as it was. A file going out inside `written_together()` is only
    staged: it takes its name when the block ends."""
    write_boundary()
    together = _together.get() if going_out else None
    try:
        if together is not None:
            together.append((_staged(path, data, mode, f".{next(_serial)}"), path))
        else:
            _atomic_write_bytes(path, data, backup_dir, mode)
    except OSError as exc:
        if going_out:
            raise write_error(exc, path, in_workspace=False) from None
        if exc.errno in _DISK_FULL:  # said as what it is, naming the file, never as a bug
            raise write_error(exc, path) from exc
        raise


# The files going out staged by the innermost written_together(): (temporary, target).
_together: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("stocktake_together",
                                                                   default=None)
_serial = itertools.count()


@contextmanager
def written_together() -> Iterator[None]:
    """Files going out (atomic_write_bytes with `going_out`) written inside the block land
    together or not at all: each is written and fsynced to a temporary file as it comes, and all
    are renamed into place when the block ends without an error. On any error, every temporary
    file is removed and no target is touched, so a full disk part way through a command that
    writes several files of one result (merge's workbook, report and data; the analysts' four
    tables) leaves the old files, not some new ones beside them. Blocks nest: an inner one
    joins the outer. The store's own writes are never deferred."""
    if _together.get() is not None:
        yield
        return
    staged: list[tuple[Path, Path]] = []
    token = _together.set(staged)
    try:
        yield
    except BaseException as exc:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, StocktakeError) and staged:
            # The error names one file; the others of the result were not written either.
            names = [target.name for _tmp, target in staged]
            more = f" and {len(names) - 5} more" if len(names) > 5 else ""
            exc.details.append("Nor were the other files of this command written: "
                               f"{', '.join(names[:5])}{more} (each left as it was).")
        raise
    finally:
        _together.reset(token)
    for n, (tmp, target) in enumerate(staged):
        try:
            os.replace(tmp, target)  # a rename takes no space: only a changed folder fails
        except OSError as exc:
            for rest, _target in staged[n:]:
                rest.unlink(missing_ok=True)
            raise write_error(exc, target, in_workspace=False) from None
    for folder in {target.parent for _tmp, target in staged}:
        fsync_dir(folder)


def _staged(path: Path, data: bytes, mode: int, serial: str = "") -> Path:
    """`data` in a new temporary file beside `path`, fsynced; its path. `serial` tells apart
    the files one written_together() block stages for the same target (the later wins)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}{serial}.tmp"
    tmp.unlink(missing_ok=True)  # a leftover of this pid's killed write, or a planted link
    # O_EXCL: never write through a link put at the temporary name between unlink and open.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask took off
        write_and_sync(fd, data)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def _atomic_write_bytes(path: Path, data: bytes, backup_dir: Path | None, mode: int) -> None:
    tmp = _staged(path, data, mode)
    try:
        if backup_dir is not None and path.exists():
            _roll_backups(path, backup_dir)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def is_disk_full(exc: BaseException) -> TypeGuard[OSError]:
    """An OSError for want of space: out of space, out of quota, or past RLIMIT_FSIZE."""
    return isinstance(exc, OSError) and exc.errno in _DISK_FULL


def _roll_backups(path: Path, backup_dir: Path) -> None:
    ensure_private_dir(backup_dir)
    slots = backup_paths(path, backup_dir)
    for older, newer in zip(reversed(slots[1:]), reversed(slots[:-1])):
        if newer.exists():
            os.replace(newer, older)
    staged = backup_dir / f".{path.name}.{os.getpid()}.bak"
    staged.unlink(missing_ok=True)
    try:
        os.link(path, staged)
    except OSError:  # filesystems without hard links: copy instead
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(path.read_bytes())
    os.replace(staged, slots[0])


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
