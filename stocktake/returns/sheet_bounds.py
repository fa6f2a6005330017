"""How big a grid a worksheet makes when read, found before any reader densifies it.

python-calamine and openpyxl both turn a sheet into a dense grid from A1 to its last cell, so
one stray entry at XFD1048576 (Ctrl+End, a typo in the Name Box) asks for 17 billion cells:
calamine aborts the whole process trying to allocate 512 GiB. A sheet's `<dimension>` is not
trusted for this (writers leave it stale, and a hostile file says what it likes); the cells'
own references are read instead, streaming the part through Python's zipfile, which never
inflates more than the size the zip header declares (a deflate stream that goes on past it
fails its CRC and the file is refused).

    check_sheet_bounds(Path("returns/camden.xlsx"), ["About", "Answers"])  # WorkbookRefused

The common case costs two C-level regular-expression passes per chunk (one for cells without
a reference, one for references with two or more column letters or six or more row digits);
only a sheet with such references is read reference by reference, and only a sheet whose
cells carry no references (rare writers) is walked tag by tag.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

# A grid of 3 million cells is 24 MB of pointers in Python (and 96 MB inside calamine): far more
# than any form (a few hundred rows by 8 columns) or export (tens of thousands of answer rows by
# a dozen columns) needs, and far less than a stray cell at the sheet's end asks for.
MAX_GRID_CELLS = 3_000_000
CHUNK = 1 << 20
_CARRY = 4096  # the longest tag kept from one chunk for the next

# Cell references as writers put them (` r="F12"`); the literal start lets the pattern engine
# skip to candidates. References with two or three column letters are few in any form or
# export, so they are looked at one by one; rows are bounded by their number of digits.
# One pass finds both kinds worth a look: a reference with two or three column letters (group
# 1, its row's sixth digit in group 2 if it has one), or one of one letter whose row has six
# digits or more (group 3), past which no bound is kept. Letters of either case: a reader may
# take "xfd1048576" as well.
_WIDE_OR_FAR = re.compile(rb""" r=["'](?:([A-Za-z]{2,3})\d{5}(\d)?|([A-Za-z]{2,3})\d|"""
                          rb"""[A-Za-z]\d{5}(\d))""")
_ANY_ROW = re.compile(rb""" r=["'][A-Za-z]{1,3}\d""")
BOUND_DIGITS = 5  # rows below 100,000 (with no reference of six digits or more)
_ANY_REF = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?\br\s*=\s*["']([A-Za-z]+)(\d+)["']""")
# "c" then a space not followed by r=, or another end of the name, looked back on for the "<"
# or prefix colon: starting at the rarer "c" is five times faster than starting at every "<".
_CELL_NOT_REFERENCED = re.compile(rb"c(?:[\t\n\r>/]| (?!r=))(?<=[<:]c.)")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)/?>")
_R_ATTRIBUTE = re.compile(rb"""\br\s*=\s*["']([^"']*)["']""")


@dataclass
class Extent:
    """The last row and column a sheet's cells reach, and a cell reference at each."""

    rows: int = 0
    columns: int = 0
    row_ref: str = ""
    column_ref: str = ""

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def take(self, row: int, column: int, ref: str) -> None:
        if row > self.rows:
            self.rows, self.row_ref = row, ref
        if column > self.columns:
            self.columns, self.column_ref = column, ref


def check_sheet_bounds(path: Path, sheets: Iterable[str], *,
                       max_cells: int = MAX_GRID_CELLS) -> None:
    """WorkbookRefused when a named sheet's cells would make a grid of more than `max_cells`
    (rows x columns from A1), naming the sheet and the cell that reaches furthest; also when a
    sheet's part cannot be inflated to the size its zip header declares.

    Sheets the workbook does not name are skipped (the reader says they are missing). A sheet
    whose part cannot be placed through xl/workbook.xml and its relationships bounds every XML
    part in the file instead.
    """
    from stocktake.returns.file_checks import WorkbookRefused
    from stocktake.returns.workbook_parts import sheet_names_in_book, sheet_part

    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: the readers refuse it with their own reason
    with archive:
        names = set(archive.namelist())
        try:
            named = sheet_names_in_book(archive, names)
        except Exception:  # noqa: BLE001 - unreadable workbook.xml: bound every worksheet
            named = None
        parts: dict[str, str] = {}
        for sheet in sheets:
            if named is not None and sheet not in named:
                continue  # the reader says it is missing, or it was optional
            try:
                part = sheet_part(archive, names, sheet)
            except Exception:  # noqa: BLE001 - unplaceable: bound every worksheet below
                part = None
            if part is None:
                # Wherever a reader might find it: every XML part but the package's own.
                parts.update({n: sheet for n in sorted(names)
                              if n.lower().endswith(".xml") and n != "[Content_Types].xml"
                              and not n.startswith(("docProps/", "_rels/"))})
            else:
                parts[part] = sheet
        for part, sheet in parts.items():
            try:
                extent = part_extent(archive, part, max_cells)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError,
                    NotImplementedError) as exc:
                raise WorkbookRefused(path, f"sheet '{sheet}' ({part}) cannot be read: damaged, "
                                            "or it expands beyond the size its zip header "
                                            f"declares ({exc})")
            except Exception as exc:  # zlib.error and kin: a damaged archive, never a crash
                raise WorkbookRefused(path, f"sheet '{sheet}' ({part}) cannot be read "
                                            f"({type(exc).__name__})")
            if extent.cells > max_cells:
                where = f"a cell at {extent.row_ref}" if extent.row_ref == extent.column_ref \
                    else f"cells at {extent.row_ref} and {extent.column_ref}"
                raise WorkbookRefused(
                    path,
                    f"sheet '{sheet}' has {where}: reading it would take a grid of "
                    f"{extent.rows:,} rows by {extent.columns:,} columns "
                    f"({extent.cells:,} cells), far more than the sheet needs: clear the "
                    "stray cells (Ctrl+End goes to the last one), save and send it again",
                    hint="or delete the rows and columns after the sheet's own, then save")


def check_workbook_bounds(path: Path, *, max_cells: int = MAX_GRID_CELLS) -> None:
    """check_sheet_bounds over every sheet the workbook names, for readers (pyxform) that read
    them all."""
    from stocktake.returns.workbook_parts import sheet_names_in_book

    try:
        with zipfile.ZipFile(path) as archive:
            named = sheet_names_in_book(archive, set(archive.namelist())) or []
    except Exception:  # noqa: BLE001 - not a zip: the reader refuses it with its own reason
        return
    check_sheet_bounds(path, named or [""], max_cells=max_cells)


def part_extent(archive: zipfile.ZipFile, part: str,
                max_cells: int = MAX_GRID_CELLS) -> Extent:
    """The Extent of one worksheet part, streamed in chunks (never the whole part in memory):
    exact when it is above `max_cells`, else possibly an upper bound (no closer look needed)."""
    columns, column_ref = 0, ""
    far = referenced = False
    for chunk in _chunks(archive, part):
        if _unreferenced(chunk):
            return _walk(archive, part)
        for wide_long, wide_far, wide, one_far in _WIDE_OR_FAR.findall(chunk):
            far = far or bool(wide_far or one_far)
            letters = (wide_long or wide).decode("ascii").upper()
            if letters:
                column = _split(letters + "1")[1]
                if column > columns:
                    columns, column_ref = column, letters
        referenced = referenced or bool(columns) or _ANY_ROW.search(chunk) is not None
    if not referenced and not far:
        return Extent()
    if not far:
        # Every row number has at most BOUND_DIGITS digits; single letters are within Z.
        bound = Extent(10 ** BOUND_DIGITS - 1, max(columns, 26), "", column_ref)
        if bound.cells <= max_cells:
            return bound
    exact = Extent()
    for chunk in _chunks(archive, part):
        for letters, number in _ANY_REF.findall(chunk):
            ref = (letters + number).decode("ascii").upper()
            exact.take(*_split(ref), ref)
    return exact


def _unreferenced(chunk: bytes) -> bool:
    """Whether a chunk may hold a cell without a reference as its first attribute (Excel,
    LibreOffice and openpyxl all write `<c r="F12" ...>`); then the sheet is walked tag by tag.
    Anything written another way (a namespace prefix, `r` later among the attributes) errs
    towards walking."""
    return _CELL_NOT_REFERENCED.search(chunk) is not None


def _walk(archive: zipfile.ZipFile, part: str) -> Extent:
    """The extent of a sheet some of whose cells (or rows) carry no reference: each row is the
    one after the last unless it says, each cell the column after the last unless it says."""
    from stocktake.returns.workbook_parts import cell_ref

    extent = Extent()
    row, column = 0, 0
    for chunk in _chunks(archive, part):
        for kind, attributes in _TAG.findall(chunk):
            given = _R_ATTRIBUTE.search(attributes)
            text = given.group(1).decode("ascii", "replace").strip().upper() if given else ""
            if kind == b"row":
                row = int(text) if text.isdigit() else row + 1
                column = 0
                continue
            if text and text[0].isalpha() and text[-1].isdigit():
                row, column = _split(text)
            else:
                column += 1
            extent.take(max(row, 1), column, cell_ref(max(row, 1), column))
    return extent


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in chunks, each ending before the last tag that may run into the next
    (that tag starts the next chunk)."""
    carry = b""
    with archive.open(part) as stream:
        while True:
            block = stream.read(CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            data = carry + block
            cut = data.rfind(b"<")
            if cut < 0 or len(data) - cut > _CARRY:
                carry, out = b"", data
            else:
                carry, out = data[cut:], data[:cut]
            yield out


def _split(ref: str) -> tuple[int, int]:
    """(row, column) of "XFD1048576"."""
    at = 0
    while at < len(ref) and ref[at].isalpha():
        at += 1
    column = 0
    for letter in ref[:at].upper():
        column = column * 26 + ord(letter) - 64
    return int(ref[at:] or 0), column
