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

from stocktake.errors import StocktakeError
from stocktake.files.atomic import atomic_write_bytes, write_error
from stocktake.files.output_folders import ensure_output_dir

PRIVATE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def output_error(path: Path, exc: OSError) -> StocktakeError:
    """The StocktakeError for a failed write of `path` going out: DiskFull (stocktake.errors)
    when the disk is full (stocktake.files.atomic.write_error says which)."""
    return write_error(exc, path, in_workspace=False)


def file_mode(shared: bool = False) -> int:
    """0600; with `shared`, what the umask allows of 0666."""
    if not shared:
        return PRIVATE_MODE
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output_bytes(path: Path, data: bytes, *, shared: bool = False) -> Path:
    """Write `data` to `path` by the one atomic writer (stocktake.files.atomic) with the output
    mode; StocktakeError on failure (a DiskFull when the disk is full), leaving the old file, if
    any, as it was."""
    path = Path(path)
    try:
        ensure_output_dir(path.parent, shared)
    except OSError as exc:
        raise output_error(path, exc) from None
    atomic_write_bytes(path, data, mode=file_mode(shared), going_out=True)
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
