"""A sheet of many rows written by rustpy-xlsxwriter, placed into a workbook openpyxl wrote.

The national workbook's Answers sheet holds every merged answer: 150,000 rows of 13 cells for
a round of 153 partnerships. openpyxl makes a Python object of every cell and took most of a
merge's time and memory to write them; rustpy-xlsxwriter (a binding of the Rust
rust_xlsxwriter) writes the same rows from a generator in about a tenth of the time, in
constant memory, and a national round's in parts, one child process per CPU
(start_bulk_parts, stocktake.workbooks.rust_rows). A partnership workbook's Answers sheet (a
thousand rows, most of its file) is written the same way, in this process (write_bulk_rows). The summary sheets beside them need
openpyxl's styles, charts, conditional formats and print setups, so openpyxl writes the
workbook with the big sheet's header row alone, and the rows are put into that sheet's XML
afterwards:

    pending = start_bulk_rows(columns, formats, values, heights, count)  # a child writes them
    pending.rows.register(openpyxl_sheet)           # the same formats in openpyxl's styles
    ... openpyxl writes the header row, widths, filter and print setup; saves to bytes ...
    data = splice_rows(openpyxl_bytes, "Answers", pending.result())  # the whole workbook
    pending.cancel()                                # the temporary folder removed

Each column has one of the `FORMATS` (its alignment, and for some a font and a number format).
rustpy-xlsxwriter numbers its cell formats in its own styles table; the numbers are found
there by what each format is and rewritten to openpyxl's where they differ, so the cells keep
their look whatever either library's numbering. Whole numbers are written as such (rustpy
writes 2 as "2.0"). Text is
written as inline strings (never shared strings, never formulas: "=SUM(A1)" stays text), the
escapes `_xHHHH_` included, so every cell's text reads back exactly.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from xml.etree import ElementTree

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from stocktake.errors import StocktakeError
from stocktake.workbooks.styles import BODY_FONT, FONT_NAME, INK, SCORE_FORMAT

_BODY = (FONT_NAME, float(BODY_FONT.size), INK)  # the partnership workbook's body text

# A column's look: its alignment, and for some its font (name, points, colour as RRGGBB) and
# number format. Without a font, a cell has the workbook's default (Calibri 11).
FORMATS: dict[str, dict[str, Any]] = {
    "top": {"vertical": "top"},
    "wrap": {"vertical": "top", "wrap_text": True},
    "body top": {"vertical": "top", "font": _BODY},
    "body wrap": {"vertical": "top", "wrap_text": True, "font": _BODY},
    "body centre": {"vertical": "top", "horizontal": "center", "font": _BODY},
    "body score": {"vertical": "top", "horizontal": "center", "font": _BODY,
                   "number_format": SCORE_FORMAT},
}
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK = 1 << 20
_EMPTY_ROW = re.compile(rb'<row [^>]*/>')
_OPENPYXL_EMPTY_ROW = re.compile(rb'<row [^>]*(/>|></row>)')
_UNSIZED_ROW = re.compile(rb'<row (r="\d+")>')
_DEFAULT_HEIGHT = rb'<row \1 ht="15" customHeight="1">'
# rustpy-xlsxwriter writes a Python int as a float ("<v>2.0</v>"), which a reader takes back
# as 2.0: a level or a count is written as the whole number it is (the same number to Excel).
_INTEGRAL = re.compile(rb'<v>(-?\d+)\.0</v>')


class SpliceError(RuntimeError):
    """The two libraries' files did not fit together as expected (a library changed)."""


@dataclass
class BulkRows:
    """Rows written to temporary one-sheet workbooks in one private folder: `count` data rows
    (the header is row 1) in `columns`, column i in `formats[i]` (a key of FORMATS). `path` is
    the first part's file; `parts` every part's, in row order (rust_rows: each part holds its
    own rows under their final numbers, with a header row of its own just above them)."""

    path: Path
    columns: tuple[str, ...]
    formats: tuple[str, ...]
    count: int
    _numbers: dict[str, int] = field(default_factory=dict)
    parts: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts = (self.path,)

    def register(self, ws: Any) -> None:
        """Register each format in `ws`'s workbook (openpyxl), before it is saved."""
        from stocktake.workbooks.bulk_rows import ColumnStyle

        for name in dict.fromkeys(self.formats):
            self._numbers[name] = ColumnStyle(ws, **_openpyxl_style(FORMATS[name])).number

    def close(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def _openpyxl_style(spec: dict[str, Any]) -> dict[str, Any]:
    from openpyxl.styles import Font

    style: dict[str, Any] = {"alignment": Alignment(
        vertical=spec["vertical"], horizontal=spec.get("horizontal"),
        wrap_text=spec.get("wrap_text") or None)}
    if "font" in spec:
        name, size, colour = spec["font"]
        style["font"] = Font(name=name, size=size, color=colour)
    if "number_format" in spec:
        style["number_format"] = spec["number_format"]
    return style


def write_bulk_rows(columns: Sequence[str], formats: Sequence[str],
                    rows: Iterable[Sequence[Any]], heights: Sequence[float]) -> BulkRows:
    """Write `rows` (sequences of values in `columns` order; None leaves a cell empty; str,
    int and float as themselves) to a temporary workbook in a private folder; `heights` holds
    each row's height in points, in order (fewer: the rest at 15). The caller closes the
    result.

    Raises BulkRowsError (a StocktakeError) when rustpy-xlsxwriter refuses a row (text longer
    than a cell holds) or cannot write to the temporary folder."""
    return start_bulk_rows(columns, formats, rows, heights, background=False).result()


class BulkRowsError(StocktakeError):
    """The rows could not be written: a row Excel cannot hold, or the temp folder full.
    `os_error` is the operating system's refusal (errno and words) when that was the cause,
    for a writer to report as it reports its own (a full disk as a full disk)."""

    os_error: OSError | None = None


# rust_xlsxwriter stops with a panic, not an error, when the OS refuses a write: its message
# carries the refusal as Rust prints it, "Os { code: 28, kind: StorageFull, ... }".
_OS_REFUSAL = re.compile(r"Os \{ code: (\d+)")


@contextmanager
def refusals_said_as_writes_of(path: Path) -> Iterator[None]:
    """Within it, rows the disk refused (BulkRowsError with an `os_error`) are raised as the
    failed write of `path`, the workbook they were for, as its own save would say it (a full
    disk as a full disk: stocktake.files.output_files.output_error)."""
    from stocktake.files.output_files import output_error

    try:
        yield
    except BulkRowsError as exc:
        if exc.os_error is None:
            raise
        raise output_error(Path(path), exc.os_error) from None


def _os_error_in(text: str) -> OSError | None:
    found = _OS_REFUSAL.search(text or "")
    if found is None:
        return None
    code = int(found.group(1))
    return OSError(code, os.strerror(code))


class PendingRows:
    """Rows being written by child processes (start_bulk_rows); `result()` waits for them."""

    def __init__(self, rows: BulkRows, processes: Sequence[Any] = (),
                 error: str | None = None):
        self._rows, self._processes, self._error = rows, list(processes), error

    @property
    def rows(self) -> BulkRows:
        """The rows as they will be (their count known), before they are written."""
        return self._rows

    def result(self) -> BulkRows:
        """The rows written; BulkRowsError (and the temporary folder removed) if they could
        not be: the first part's refusal in row order, the other children stopped."""
        from stocktake.workbooks.rust_rows import said_path

        folder = self._rows.path.parent
        for part, process in enumerate(self._processes):
            code = process.wait()
            said = said_path(folder, part)
            if said.exists():
                self._error = said.read_text(encoding="utf-8", errors="replace")
            elif code != 0:
                trace = (folder / f"stderr-{part}").read_text(encoding="utf-8",
                                                              errors="replace")
                last = trace.strip().splitlines()[-1:] or [""]
                self._error = f"the process writing them stopped (exit {code}) {last[0]}".strip()
            if self._error is not None:
                break
        if self._error is not None:
            self.cancel()
            error = BulkRowsError(f"cannot write the rows of {self._rows.count:,}: "
                                  f"{self._error}",
                                  hint=f"free space in the temporary folder "
                                       f"({tempfile.gettempdir()}, or set TMPDIR), or see the "
                                       "row named")
            error.os_error = _os_error_in(self._error)
            raise error
        self._processes = []
        return self._rows

    def cancel(self) -> None:
        """Stop the children still writing, and remove the temporary folder."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        self._processes = []
        self._rows.close()


# A part of fewer rows than this costs more in the start of its child than it saves.
LEAST_PART = 20_000


def writers_for(count: int) -> int:
    """How many children to write `count` rows in: one per CPU this process may run on (at
    most 8), none with fewer than LEAST_PART rows to write."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8, count // LEAST_PART))


def start_bulk_rows(columns: Sequence[str], formats: Sequence[str],
                    rows: Iterable[Sequence[Any]], heights: Sequence[float],
                    count: int | None = None, *, background: bool = True) -> PendingRows:
    """Begin writing `rows` as write_bulk_rows does; `heights` holds each row's height in
    points, in order. With `background`, a child process writes them while this one goes on
    (rustpy-xlsxwriter holds the interpreter while it writes, so a thread would not run beside
    it): `rows` and `heights` must then pickle (a list, or an object whose iteration reads the
    rows from disk), and `count`, the number of rows, is needed up front."""
    columns, formats = tuple(columns), tuple(formats)
    if not background or count is None:
        from stocktake.workbooks.rust_rows import write_rows

        folder = Path(tempfile.mkdtemp(prefix="stocktake-rows-"))
        path = folder / "rows-0.xlsx"
        written, error = write_rows(path, columns, [FORMATS[f] for f in formats], rows,
                                    heights)
        return PendingRows(BulkRows(path, columns, formats, written), error=error)
    return start_bulk_parts(columns, formats, [(rows, heights, int(count))])


def start_bulk_parts(columns: Sequence[str], formats: Sequence[str],
                     parts: Sequence[tuple[Iterable[Sequence[Any]], Sequence[float], int]]
                     ) -> PendingRows:
    """Begin writing the rows of `parts` ((rows, heights, count), in row order, each rows and
    heights as start_bulk_rows takes them in the background), each part by a child of its own,
    all at once: one sheet's rows, in the time of the longest part.

    Each child is a fresh interpreter (`python -m stocktake.workbooks.rust_rows FOLDER PART`)
    importing no more than it needs, given its job in a file: a fork would begin with all of
    this process's memory as its own (a merge's peak would count it twice), and
    multiprocessing's spawn imports the caller's main script again."""
    import pickle
    import subprocess

    from stocktake.workbooks.rust_rows import job_path

    columns, formats = tuple(columns), tuple(formats)
    specs = [FORMATS[f] for f in formats]
    folder = Path(tempfile.mkdtemp(prefix="stocktake-rows-"))
    paths = tuple(folder / f"rows-{n}.xlsx" for n in range(len(parts)))
    processes: list[Any] = []
    try:
        # The child imports this same stocktake, wherever it was imported from here.
        import stocktake

        home = str(Path(stocktake.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [home] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
        first = 0
        for n, (rows, heights, count) in enumerate(parts):
            # The job, what went wrong and the child's stderr are files in the private
            # folder: no pipe to fill and stall either process.
            with open(job_path(folder, n), "wb") as job:
                pickle.dump((str(paths[n]), columns, specs, rows, heights, count, first), job)
            with open(folder / f"stderr-{n}", "wb") as trace:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "stocktake.workbooks.rust_rows", str(folder),
                     str(n)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=trace, env=env))
            first += count
    except BaseException:
        for process in processes:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return PendingRows(BulkRows(paths[0], columns, formats, first, parts=paths), processes)


def _sheet_part(package: zipfile.ZipFile, title: str) -> str:
    """The zip member holding the sheet called `title`, from the workbook and its rels."""
    book = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rid = next((s.get(f"{_REL}id") for s in book.iter(f"{_MAIN}sheet")
                if s.get("name") == title), None)
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")
                   if r.get("Id") == rid), None)
    if rid is None or target is None:
        raise SpliceError(f"no sheet {title!r} in the workbook")
    target = target.lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _style_numbers(package: zipfile.ZipFile, names: Sequence[str]) -> dict[int, str]:
    """rustpy-xlsxwriter's cell format numbers, by the FORMATS key (of `names`, the rows'
    own) each one is: its alignment, and its font and number format where the key names
    them. SpliceError when one format could be two of `names`."""
    styles = ElementTree.fromstring(package.read("xl/styles.xml"))
    fonts = [(font.find(f"{_MAIN}name"), font.find(f"{_MAIN}sz"), font.find(f"{_MAIN}color"))
             for font in styles.iter(f"{_MAIN}font")]
    codes = {n.get("numFmtId"): n.get("formatCode") for n in styles.iter(f"{_MAIN}numFmt")}
    cell_xfs = styles.find(f"{_MAIN}cellXfs")
    found: dict[int, str] = {}
    for number, xf in enumerate(cell_xfs if cell_xfs is not None else ()):
        align = xf.find(f"{_MAIN}alignment")
        if align is None:
            continue
        font = fonts[int(xf.get("fontId") or 0)]
        seen = {"vertical": align.get("vertical"), "horizontal": align.get("horizontal"),
                "wrap_text": align.get("wrapText") == "1",
                "font": (font[0] is not None and font[0].get("val"),
                         font[1] is not None and float(font[1].get("val") or 0),
                         font[2] is not None and (font[2].get("rgb") or "")[-6:].upper()),
                "number_format": codes.get(xf.get("numFmtId"), "General")}
        matches = [name for name in dict.fromkeys(names) if _same(FORMATS[name], seen)]
        if len(matches) > 1:
            raise SpliceError(f"formats {matches} cannot be told apart in the rows' file")
        if matches:
            found[number] = matches[0]
    return found


def _same(spec: dict[str, Any], seen: dict[str, Any]) -> bool:
    """Whether a format read from a file (`seen`) is `spec`, in what `spec` says."""
    return seen["vertical"] == spec["vertical"] and \
        seen["horizontal"] == spec.get("horizontal") and \
        seen["wrap_text"] == spec.get("wrap_text", False) and \
        ("font" not in spec or seen["font"] == spec["font"]) and \
        seen["number_format"] == spec.get("number_format", "General")


def _rows_xml(rows: BulkRows) -> Iterable[bytes]:
    """The data rows' XML (row 2 on) from the temporary workbooks, part after part, in chunks,
    with each cell's format number rewritten to openpyxl's where the two differ."""
    for path in rows.parts:
        yield from _part_xml(rows, path)


def _part_xml(rows: BulkRows, path: Path) -> Iterable[bytes]:
    """The data rows of one part's workbook (its header row left out), as _rows_xml."""
    with zipfile.ZipFile(path) as package:
        if any(n.endswith("sharedStrings.xml") for n in package.namelist()):
            raise SpliceError("rustpy-xlsxwriter wrote shared strings")
        names = _style_numbers(package, rows.formats)
        remap = {str(n).encode(): str(rows._numbers[name]).encode()
                 for n, name in names.items() if name in rows._numbers}
        identity = all(k == v for k, v in remap.items())
        pattern = re.compile(rb' s="(\d+)"')

        def restyle(match: re.Match) -> bytes:
            number = remap.get(match.group(1))
            if number is None:
                raise SpliceError(f"a cell in format {match.group(1).decode()}, not one of ours")
            return b' s="' + number + b'"'

        with package.open(_sheet_part(package, "rows")) as sheet:
            buffer = b""
            while b"</row>" not in buffer:  # the header row, which openpyxl writes instead
                chunk = sheet.read(CHUNK)
                if not chunk:
                    raise SpliceError("no header row in the rows' sheet")
                buffer += chunk
            buffer = buffer[buffer.index(b"</row>") + len(b"</row>"):]
            done = False
            while not done:
                chunk = sheet.read(CHUNK)
                buffer += chunk
                end = buffer.find(b"</sheetData>")
                if end >= 0:
                    # rustpy-xlsxwriter 0.8 writes the last row's height a second time, as an
                    # empty row of the same number after it, which Excel calls damage: rows
                    # with no cells carry nothing of ours, so they go.
                    piece, done = _EMPTY_ROW.sub(b"", buffer[:end]), True
                elif not chunk:
                    raise SpliceError("the rows' sheet has no end")
                else:
                    cut = buffer.rfind(b"</row>") + len(b"</row>")
                    if cut < len(b"</row>"):
                        continue
                    piece, buffer = buffer[:cut], buffer[cut:]
                piece = piece if identity else pattern.sub(restyle, piece)
                # A height equal to rustpy-xlsxwriter's default (15 points) it leaves out, and
                # LibreOffice re-measures rows left without one after paginating (a blank page
                # at the end of a long sheet): every row gets its height written.
                yield _INTEGRAL.sub(rb'<v>\1</v>', _UNSIZED_ROW.sub(_DEFAULT_HEIGHT, piece))


def splice_rows(workbook: bytes, title: str, rows: BulkRows) -> bytes:
    """`workbook` (an openpyxl-saved xlsx whose sheet `title` holds its header row alone, saved
    after `rows.register`) with `rows`' data rows put in after that header; returned as the
    bytes of the whole workbook. Raises SpliceError if either file is not as expected."""
    if not rows._numbers:
        raise SpliceError("register the rows' formats in the workbook before saving it")
    out = io.BytesIO()
    # Level 1: the rows are most of the file, and the default level takes about three times as
    # long for a file a fifth smaller.
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        part = _sheet_part(source, title)
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info), zipfile.ZIP_DEFLATED)
                continue
            xml = source.read(info)
            start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData>")
            header_end = xml.find(b"</row>", start) + len(b"</row>")
            if start < 0 or end < 0 or header_end < len(b"</row>") or header_end > end:
                raise SpliceError(f"sheet {title!r} has no header row")
            # Rows openpyxl made by being asked for a cell (a print setup reading row 2) and
            # left empty go; a row with anything in it means the sheet was not left for us.
            rest = _OPENPYXL_EMPTY_ROW.sub(b"", xml[header_end:end])
            if rest.strip():
                raise SpliceError(f"sheet {title!r} holds more than its header row")
            xml = xml[:header_end] + xml[end:]
            end = header_end
            last = f"{get_column_letter(len(rows.columns))}{rows.count + 1}".encode()
            head = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:' + last + b'"/>',
                          xml[:end], count=1)
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                # zlib lets go of the interpreter while it inflates and deflates: the rows are
                # read and rewritten in a thread while this one compresses what came before.
                for piece in read_ahead(_rows_xml(rows)):
                    sheet.write(piece)
                sheet.write(xml[end:])
    return out.getvalue()


def read_ahead(pieces: Iterable[Any], depth: int = 4) -> Iterator[Any]:
    """The items of `pieces`, in order, made by a thread of their own up to `depth` ahead of
    the caller; an exception raised making them is raised here, and a caller that stops early
    stops the thread."""
    import queue
    import threading

    done = object()
    ahead: "queue.Queue[Any]" = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in pieces:
                if not put((True, item)):
                    return
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            put((False, exc))
            return
        put((True, done))

    worker = threading.Thread(target=make, name="stocktake-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = ahead.get()
            if not ok:
                raise item
            if item is done:
                return
            yield item
    finally:
        stop.set()
        worker.join()
