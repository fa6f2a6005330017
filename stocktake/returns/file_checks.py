"""Checking a workbook someone sent us before anything parses it.

Returned workbooks come from 150 organisations; any of them may be broken, hostile or not a
workbook at all. `check_workbook_file` looks only at the zip's central directory and the first
bytes of each XML part, so it refuses a zip bomb, an entity-expansion ("billion laughs") or
external-entity workbook, a macro-enabled workbook, or a text file named .xlsx in well under a
second, naming the file and the reason.

    check_workbook_file(Path("returns/camden.xlsx"))       # raises WorkbookRefused
    wb = safe_load_workbook(Path("returns/camden.xlsx"), read_only=True, data_only=True)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from stocktake.errors import StocktakeError

MAX_TOTAL_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts of real workbooks compress far better than 200:1
MAX_MEMBERS = 10_000
XML_WINDOW = 64 * 1024
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam")
XML_SUFFIXES = (".xml", ".rels", ".vml")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected file
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject", re.IGNORECASE)

HINT = "save it again in Excel as an ordinary workbook (.xlsx) and send it again, or leave it out"


class WorkbookRefused(StocktakeError):
    """A file that must not be parsed as a workbook; `reason` is the short why, for listings."""

    def __init__(self, path: Path, reason: str, hint: str = HINT):
        super().__init__(f"{path}: refused: {reason}", hint=hint)
        self.path = path
        self.reason = reason


def check_workbook_file(path: Path) -> None:
    """Raise WorkbookRefused unless `path` looks like a plain, reasonably sized .xlsx workbook."""
    path = Path(path)
    if not path.exists():
        raise WorkbookRefused(path, "no such file", hint="check the path")
    if not path.is_file():
        raise WorkbookRefused(path, "not a file", hint="give the path to an .xlsx file")
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise WorkbookRefused(path, f"macro-enabled workbook ({path.suffix}); macros are never "
                                    "opened")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookRefused(path, f"cannot read it ({exc.strerror})", hint="check the file")
    if head == OLE_MAGIC:
        raise WorkbookRefused(path, "an old-style .xls or password-protected file, not an .xlsx "
                                    "workbook")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise WorkbookRefused(path, "not an Excel workbook (not a zip archive)")
    with archive:
        _check_archive(path, archive)


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused(path, f"{len(members)} parts inside; a workbook has far fewer")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        raise WorkbookRefused(path, "not an Excel workbook (no [Content_Types].xml inside)")
    total = 0
    for member in members:
        if member.filename.lower().endswith("vbaproject.bin"):
            raise WorkbookRefused(path, f"macro-enabled workbook (contains {member.filename}); "
                                        "macros are never opened")
        if member.flag_bits & 0x1:
            raise WorkbookRefused(path, f"encrypted part {member.filename}")
        total += member.file_size
        # Declared sizes are what zipfile will decompress at most (it stops at file_size), so
        # checking them bounds the work of every later reader.
        if member.file_size > RATIO_CHECKED_ABOVE and \
                member.file_size / max(member.compress_size, 1) > MAX_RATIO:
            raise WorkbookRefused(
                path, f"zip bomb: part {member.filename} expands "
                      f"{member.file_size // max(member.compress_size, 1)} times "
                      f"to {_mib(member.file_size)}")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise WorkbookRefused(path, f"zip bomb: its parts expand to {_mib(total)}, above the "
                                    f"limit of {_mib(MAX_TOTAL_UNCOMPRESSED)}")
    for member in members:
        if member.filename.lower().endswith(XML_SUFFIXES):
            window = _xml_window(path, archive, member)
            found = DECLARATION.search(window)
            if found:
                kind = found.group(1).decode("ascii").upper()
                raise WorkbookRefused(
                    path, f"{member.filename} declares a {kind} (entity expansion or external "
                          "entities); such XML is never parsed")
            if member.filename == "[Content_Types].xml" and MACRO_CONTENT.search(window):
                raise WorkbookRefused(path, "macro-enabled workbook (its content types declare "
                                            "macros); macros are never opened")
    if not any(n.startswith("xl/") and n.endswith(".xml") for n in names):
        raise WorkbookRefused(path, "not an Excel workbook (no xl/ parts inside; perhaps a Word "
                                    "or other Office file)")


def _xml_window(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The first XML_WINDOW bytes of a part, as 8-bit text whatever its encoding.

    A DTD must come before the root element, so a declaration hides only behind a prolog padded
    past the window; openpyxl parses through defusedxml, which refuses entities anyway.
    """
    try:
        with archive.open(member) as stream:
            window = stream.read(XML_WINDOW)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise WorkbookRefused(path, f"part {member.filename} cannot be read ({exc})")
    except Exception as exc:  # zlib.error and kin: a damaged archive, never a crash
        raise WorkbookRefused(path, f"part {member.filename} cannot be read "
                                    f"({type(exc).__name__})")
    if b"\x00" in window[:8]:
        # UTF-16 XML: drop the zero bytes so "<!DOCTYPE" is found either way round.
        window = window.replace(b"\x00", b"")
    return window


def safe_load_workbook(path: Path, **kwargs: Any):
    """openpyxl.load_workbook after check_workbook_file; a file it cannot read is refused, named.

    openpyxl parses every part through defusedxml when defusedxml is installed
    (openpyxl.xml.DEFUSEDXML is True here; defusedxml is a dependency), so entities that slip
    past the window above are refused by the parser too. keep_vba stays False: macros are
    never loaded, let alone run.
    """
    path = Path(path)
    check_workbook_file(path)
    from openpyxl import load_workbook

    kwargs.pop("keep_vba", None)
    try:
        return load_workbook(path, **kwargs)
    except StocktakeError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure parsing untrusted input is a refusal
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise WorkbookRefused(path, "cannot be read as a workbook ("
                                    f"{type(exc).__name__}{': ' + reason if reason else ''})")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MiB"
