"""Floors for the commands that write workbooks: the same cells written by each writer here.

    python benchmarks/bench_writers.py NATIONAL.xlsx [EXPORTS_FOLDER]

A floor is the fastest well-kept way to write the same rows on this machine, measured in the
same run as the command it is set beside: openpyxl in write-only mode, XlsxWriter in
constant-memory mode and rustpy-xlsxwriter each write the cells (read first, off the clock,
with python-calamine), bare: no styles, charts or print setups. `benchmarks/run.py` uses
these functions; run alone, this prints the three for a national workbook's Answers sheet and,
given a folder of partnership exports, for every sheet of every export.

Also `peak_of(cmd)`: the wall-clock seconds and peak resident memory (MiB) of a command, by
GNU time (`/usr/bin/time -f`, the largest of the process and its children), as the issue's
goals are stated. Not part of the test run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

Sheets = list[tuple[str, list[list[Any]]]]  # (sheet name, rows; the first row the header)


def read_cells(path: Path, only: Sequence[str] | None = None) -> Sheets:
    """Every sheet's cells (or those named in `only`), as python-calamine reads them."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    names = [n for n in book.sheet_names if only is None or n in only]
    return [(n, book.get_sheet_by_name(n).to_python()) for n in names]


def _openpyxl(books: list[Sheets], folder: Path) -> None:
    from openpyxl import Workbook

    for i, sheets in enumerate(books):
        wb = Workbook(write_only=True)
        for name, rows in sheets:
            sheet = wb.create_sheet(name)
            for row in rows:
                sheet.append(row)
        wb.save(folder / f"openpyxl-{i}.xlsx")


def _xlsxwriter(books: list[Sheets], folder: Path) -> None:
    import xlsxwriter

    for i, sheets in enumerate(books):
        wb = xlsxwriter.Workbook(str(folder / f"xlsxwriter-{i}.xlsx"), {"constant_memory": True})
        for name, rows in sheets:
            sheet = wb.add_worksheet(name[:31])
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        wb.close()


def _rustpy(books: list[Sheets], folder: Path) -> None:
    from rustpy_xlsxwriter import write_worksheets

    for i, sheets in enumerate(books):
        entries = []
        for name, rows in sheets:
            if not rows:
                continue
            header = [str(h) if h not in (None, "") else f"column {c + 1}"
                      for c, h in enumerate(rows[0])]
            header = [h if header.index(h) == c else f"{h} ({c + 1})"
                      for c, h in enumerate(header)]
            entries.append((name, (dict(zip(header, r)) for r in rows[1:])))
        write_worksheets(entries, str(folder / f"rustpy-{i}.xlsx"),
                         dedupe_strings={"general": False})


WRITERS: dict[str, Callable[[list[Sheets], Path], None]] = {
    "openpyxl write-only": _openpyxl,
    "XlsxWriter constant_memory": _xlsxwriter,
    "rustpy-xlsxwriter": _rustpy,
}


def writer_floors(books: list[Sheets], repeat: int = 1) -> dict[str, float]:
    """Seconds (best of `repeat`) each available writer takes to write `books` (one file each)."""
    floors = {}
    for name, write in WRITERS.items():
        try:
            __import__({"openpyxl write-only": "openpyxl",
                        "XlsxWriter constant_memory": "xlsxwriter",
                        "rustpy-xlsxwriter": "rustpy_xlsxwriter"}[name])
        except ImportError:
            continue
        best = None
        for _ in range(repeat):
            folder = Path(tempfile.mkdtemp(prefix="bench-writers-"))
            try:
                start = time.perf_counter()
                write(books, folder)
                took = time.perf_counter() - start
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            best = took if best is None else min(best, took)
        floors[name] = best
    return floors


def without_cells_floor(root: Path, bank_id: str, wave: str, codes: Sequence[str]) -> float:
    """Seconds openpyxl takes, in one process, to save every partnership workbook of `codes`
    with every cell taken out: what is left is what a records writer cannot write (the charts,
    data validation, conditional formats, print setups, defined names and styles).

    Each workbook is built as `export --all` builds it (its export gathered against the
    national benchmark, then stocktake.workbooks.partnership.partnership_workbook), off the
    clock; only the saves are timed. Set beside the cells' floor, it says how far below the
    command any writer of these sheets could go while openpyxl writes their charts."""
    import gc
    import io

    from stocktake.returns.about import BankShelf
    from stocktake.scoring.national import national_benchmark
    from stocktake.store.workspace import Workspace
    from stocktake.workbooks.exports import gather_export
    from stocktake.workbooks.partnership import partnership_workbook

    ws = Workspace(root)
    bank = BankShelf().get(bank_id)
    national = national_benchmark(ws, bank, wave)
    took = 0.0
    collecting = gc.isenabled()
    gc.disable()  # as export_round does while a workbook is made
    try:
        for code in codes:
            wb, answers = partnership_workbook(gather_export(ws, bank, code, wave,
                                                             national=national))
            answers.close()
            for sheet in wb.worksheets:
                sheet._cells.clear()  # noqa: SLF001 - openpyxl keeps no public way to empty a sheet
            start = time.perf_counter()
            wb.save(io.BytesIO())
            took += time.perf_counter() - start
            del wb
            gc.collect(1)
    finally:
        if collecting:
            gc.enable()
    return took


def peak_of(cmd: list[str], env: dict | None = None) -> tuple[float, float | None]:
    """(seconds, peak MiB) of running `cmd`; the MiB None where GNU time is not installed."""
    if not os.path.exists("/usr/bin/time"):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start, None
    with tempfile.NamedTemporaryFile("r", suffix=".time") as said:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-o", said.name, "-f", "%M", *cmd], check=True,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.perf_counter() - start
        kib = int(Path(said.name).read_text().split()[-1])
    return took, kib / 1024


def main(argv: list[str]) -> int:
    national = Path(argv[0])
    print("national Answers rows:")
    for name, seconds in writer_floors([read_cells(national, ["Answers"])]).items():
        print(f"  {name}: {seconds:.2f} s")
    if len(argv) > 1:
        books = [read_cells(p) for p in sorted(Path(argv[1]).glob("*.xlsx"))]
        print(f"every sheet of {len(books)} exports:")
        for name, seconds in writer_floors(books).items():
            print(f"  {name}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
