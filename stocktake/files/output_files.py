"""Files stocktake writes for people (exports, forms, benchmark and national workbooks): owner-only
by default, whole or not at all, and a full disk said in plain words.

These files carry respondents' names and evidence, so like the workspace they are readable by
their owner only (0600, whatever the umask, 000 included), unless the user asks for `--shared`
(then the umask decides, as for any file the user makes). Each is written to a temporary file in
the same folder, fsynced and renamed over the target, so a reader, or a full disk, never leaves
half a file under the real name. A workbook is built in memory first: openpyxl writes through a
`ZipFile`, which on a failed write to disk would complain from its finaliser ("Exception ignored
in ZipFile.__del__") after the error was reported.

    write_output_bytes(Path("exports/x.csv"), data)              # 0600
    save_workbook_file(wb, Path("exports/x.xlsx"), shared=True)  # 0666 & ~umask
    raise output_error(path, exc)                                # "disk full: cannot write ..."
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from stocktake import errors
from stocktake.errors import StocktakeError
from stocktake.files.output_folders import ensure_output_dir

PRIVATE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
# Out of space, out of quota, or past the largest file this process may write (RLIMIT_FSIZE).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class DiskFull(errors.DiskFull):
    """A file going out that could not be written for want of space."""

    def __init__(self, path: Path, exc: OSError):
        super().__init__(f"disk full: cannot write {path} ({exc.strerror or exc})", Path(path),
                         hint="free some space (or ask for more quota) and run the command "
                              "again; nothing half-written was left under that name")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def output_error(path: Path, exc: OSError) -> StocktakeError:
    """The StocktakeError for a failed write of `path`: DiskFull when the disk is full."""
    if is_disk_full(exc):
        return DiskFull(path, exc)
    return StocktakeError(f"cannot write {path} ({exc.strerror or exc})",
                          hint="choose a folder you can write to, and close the file if it is "
                               "open in Excel")


def file_mode(shared: bool = False) -> int:
    """0600; with `shared`, what the umask allows of 0666."""
    if not shared:
        return PRIVATE_MODE
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output_bytes(path: Path, data: bytes, *, shared: bool = False) -> Path:
    """Write `data` to `path` atomically with the output mode; StocktakeError on failure (a
    DiskFull when the disk is full), leaving the old file, if any, as it was."""
    from stocktake.files.atomic import write_and_sync, write_boundary

    write_boundary()  # counted with the store's writes, so tests can stop a command here too
    path = Path(path)
    try:
        ensure_output_dir(path.parent, shared)
        tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
        mode = file_mode(shared)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                     mode)
        try:
            try:
                os.fchmod(fd, mode)  # the umask took bits off, or the file was there before
            except (AttributeError, OSError):
                pass
            write_and_sync(fd, data)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        try:
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise output_error(path, exc) from None
    from stocktake.files.atomic import fsync_dir

    fsync_dir(path.parent)
    return path


def save_workbook_file(wb: Any, path: Path, *, shared: bool = False) -> Path:
    """Save an openpyxl workbook to `path` by :func:`write_output_bytes`."""
    return write_output_bytes(Path(path), workbook_bytes(wb, path), shared=shared)


def workbook_bytes(wb: Any, path: Path) -> bytes:
    """An openpyxl workbook as the bytes of its file; StocktakeError naming `path` (where it
    was going) when the temp folder openpyxl spools through is full or cannot be written."""
    import io

    buffer = io.BytesIO()
    try:
        wb.save(buffer)
    except OSError as exc:  # openpyxl spools sheets through the temp folder, which may be full
        _close_sheet_writers(exc)
        raise output_error(path, exc) from None
    except Exception as exc:  # noqa: BLE001 - re-raised unless it is lxml's word for a full disk
        full = _lxml_io_error(exc)
        if full is None:
            raise
        _close_sheet_writers(exc)
        raise output_error(path, full) from None
    return buffer.getvalue()


def _close_sheet_writers(exc: BaseException) -> None:
    """Close, now, the sheet writer a failed save left open (found in the traceback's frames),
    and remove its temp file: left to the garbage collector, its generator would fail again
    while closing and print "Exception ignored in ..." after the error was reported."""
    import zipfile

    archives = []
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if type(value).__name__ == "WorksheetWriter":
                for step in ("close", "cleanup"):
                    try:
                        getattr(value, step)()
                    except Exception:  # noqa: BLE001 - it failed once already; only quieten it
                        pass
            archive = getattr(value, "_archive", value)
            if isinstance(archive, zipfile.ZipFile):
                archives.append(archive)
        tb = tb.tb_next
    for archive in archives:  # the in-memory zip openpyxl was writing: closed, not finalised
        try:
            archive.close()
        except Exception:  # noqa: BLE001
            pass
        archive.fp = None  # so its finaliser has nothing left to do


def _lxml_io_error(exc: BaseException) -> OSError | None:
    """lxml (which openpyxl writes with when installed) reports a failed write to its temp
    file as `SerialisationError: IO_ENOSPC` (or IO_EFBIG, IO_EDQUOT), not as an OSError: the
    OSError it stands for, or None."""
    if type(exc).__name__ != "SerialisationError":
        return None
    name = str(exc).strip()
    if not name.startswith("IO_"):
        return None
    number = getattr(errno, name[3:], None)
    if number is None:
        return None
    return OSError(number, os.strerror(number))
