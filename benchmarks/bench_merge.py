"""The national merge against the bare cost of reading its workbooks, with each reader.

    python benchmarks/bench_merge.py [--partnerships 153] [--respondents 20] [--repeat 3]

Fills a temporary workspace with the demo's simulated answers (one write per partnership), exports every partnership workbook, then times, best of --repeat:

- merge: `merge_workbooks` on the folder, as `stocktake merge` runs it: file checks, reading,
  About and seal checks, rebuilding responses, scoring, the national workbook written;
- calamine: merely reading the sheets the merge reads, with python-calamine;
- openpyxl: the same with openpyxl's read-only mode, the baseline.

The goal is merge <= 2x the bare calamine read. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from stocktake.banks.model import Bank

from stocktake.banks.loading import find_bank
from stocktake.demo.simulation import simulate_demo, write_demo
from stocktake.store.workspace import Workspace

WAVE = "2026-27"
SHEETS = ("About", "Answers", "_responses", "_moderations")


def fill_workspace(ws: Workspace, bank: Bank, partnerships: int, respondents: int,
                   seed: int = 1) -> list[str]:
    """The demo's simulated stocktakes, written as `stocktake demo` writes them."""
    demo = simulate_demo(bank, WAVE, random.Random(seed), partnerships=partnerships,
                         respondents=respondents)
    write_demo(ws, demo)
    return [p.partnership.code for p in demo.partnerships]


def export_all(ws: Workspace, bank: Bank, codes: list[str], folder: Path) -> None:
    from stocktake.workbooks.exports import gather_export, write_export
    from stocktake.scoring.national import national_benchmark

    national = national_benchmark(ws, bank, WAVE)
    for code in codes:
        write_export(gather_export(ws, bank, code, WAVE, national=national), "xlsx", folder)


def read_calamine(files: list[Path]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in SHEETS:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
    return cells


def read_openpyxl(files: list[Path]) -> int:
    from openpyxl import load_workbook

    cells = 0
    for path in files:
        wb = load_workbook(path, read_only=True, data_only=True)
        for name in SHEETS:
            cells += sum(len(r) for r in wb[name].iter_rows(values_only=True))
        wb.close()
    return cells


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bank", default="idea-stocktake")
    parser.add_argument("--keep", type=Path, help="Keep the exported workbooks in this folder.")
    args = parser.parse_args(argv)

    from stocktake.national.merge import merge_workbooks

    bank = find_bank(args.bank)
    root = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        ws = Workspace.open(root / "ws")
        start = time.perf_counter()
        codes = fill_workspace(ws, bank, args.partnerships, args.respondents)
        filled = time.perf_counter() - start
        folder = args.keep or root / "exports"
        start = time.perf_counter()
        export_all(ws, bank, codes, folder)
        exported = time.perf_counter() - start
        files = sorted(folder.glob("*.xlsx"))
        rows = sum(len(r.answers) for r in ws.responses(bank=bank.id, wave=WAVE))
        print(f"{len(files)} workbooks, {rows} answers ({rows // max(len(files), 1)} per "
              f"workbook); filled in {filled:.1f} s, exported in {exported:.1f} s")

        out = root / "national.xlsx"
        merge_time = best_of(args.repeat,
                             lambda: merge_workbooks([folder], out, keep_responses=False))
        serial_time = best_of(args.repeat, lambda: merge_workbooks([folder], out, workers=1,
                                                                   keep_responses=False))
        calamine_time = best_of(args.repeat, lambda: read_calamine(files))
        openpyxl_time = best_of(max(1, args.repeat - 1), lambda: read_openpyxl(files))
        merged = len(merge_workbooks([folder], out, keep_responses=False).merged)
        if merged != len(files):
            print(f"only {merged} of {len(files)} workbooks merged")
            return 1
        print(f"merge (check, read, seal, score, write): {merge_time:7.2f} s "
              f"({os.cpu_count()} CPUs)")
        print(f"merge in one process:                    {serial_time:7.2f} s")
        print(f"bare read, calamine:                     {calamine_time:7.2f} s")
        print(f"bare read, openpyxl read-only:           {openpyxl_time:7.2f} s")
        print(f"merge / calamine read:   {merge_time / calamine_time:5.2f}x (goal <= 2x); "
              f"in one process {serial_time / calamine_time:5.2f}x")
        print(f"openpyxl / calamine:     {openpyxl_time / calamine_time:5.2f}x")
        return 0 if merge_time <= 2 * calamine_time else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
