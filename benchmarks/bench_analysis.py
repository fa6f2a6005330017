"""The analysts' exports timed against their libraries alone (issue 29): `export --all --format
X` of a round, beside the seconds the library takes to write the very same tables (read back
from the files the command wrote, off the clock), labels and missing values included.

    python benchmarks/bench_analysis.py [--partnerships 153] [--respondents 20]

run.py calls analysis_floors() on its national workspace; alone, this builds its own.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

STOCKTAKE = [sys.executable, "-m", "stocktake"]
GOAL = "goal <= 1.5x"


def _command_seconds(cmd: list[str], env: dict | None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _readstat_floor(files: list[Path], fmt: str) -> float:
    """pyreadstat writing each table again from what it reads back: the frame, variable and
    value labels, missing values."""
    import pyreadstat

    reader = pyreadstat.read_sav if fmt == "spss" else pyreadstat.read_dta
    loaded = []
    for path in files:
        frame, meta = reader(path, user_missing=True)
        loaded.append((frame, meta))
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n, (frame, meta) in enumerate(loaded):
            target = Path(tmp) / f"{n}{files[n].suffix}"
            t0 = time.perf_counter()
            if fmt == "spss":
                pyreadstat.write_sav(frame, target, file_label=meta.file_label,
                                     column_labels=meta.column_names_to_labels,
                                     variable_value_labels=meta.variable_value_labels,
                                     missing_ranges=meta.missing_ranges)
            else:
                pyreadstat.write_dta(frame, target, file_label=meta.file_label,
                                     column_labels=meta.column_names_to_labels,
                                     variable_value_labels=meta.variable_value_labels,
                                     missing_user_values=meta.missing_user_values)
            total += time.perf_counter() - t0
    return total


def _parquet_floor(files: list[Path]) -> float:
    import pyarrow.parquet as pq

    tables = [pq.read_table(p) for p in files]
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n, table in enumerate(tables):
            t0 = time.perf_counter()
            pq.write_table(table, Path(tmp) / f"{n}.parquet")
            total += time.perf_counter() - t0
    return total


def _csv_floor(files: list[Path]) -> float:
    rows = [list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines())) for p in files]
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for n, table in enumerate(rows):
            with open(Path(tmp) / f"{n}.csv", "w", encoding="utf-8", newline="") as f:
                csv.writer(f).writerows(table)
        total = time.perf_counter() - t0
    return total


def analysis_floors(add: Callable[..., None], workspace: Path, wave: str, out: Path,
                    env: dict | None = None, stocktake: list[str] | None = None) -> None:
    """Time `export --all --wave WAVE --format X` of `workspace` for each data format (and the
    per-partnership CSVs), and call `add(measure, seconds, baseline_name, baseline, goal)`
    (run.py's Table.add) with the library's own seconds for the same tables as the baseline."""
    cmd = stocktake or STOCKTAKE
    took: dict[str, float] = {}
    for fmt, suffix in (("csv", ".csv"), ("spss", ".sav"), ("stata", ".dta"),
                        ("parquet", ".parquet")):
        folder = out / f"analysis-{fmt}"
        seconds = _command_seconds(cmd + ["-w", str(workspace), "export", "--all", "--wave",
                                          wave, "--format", fmt, "--out", str(folder)], env)
        files = sorted(folder.glob(f"*{suffix}"))
        if fmt in ("spss", "stata"):
            floor, library = _readstat_floor(files, fmt), "pyreadstat"
        elif fmt == "parquet":
            floor, library = _parquet_floor(files), "pyarrow"
        else:
            floor, library = _csv_floor(files), "csv module"
        what = "the round's 4 tables" if fmt != "csv" else f"{len(files)} tidy CSVs"
        add(f"export --all --format {fmt} ({what})", seconds,
            f"the same tables written by {library} alone", floor, GOAL)
        took[fmt] = seconds
    # The floors leave out reading and scoring the round, which the tidy CSV export does too:
    # beside it, what the data files cost over an export that already exists.
    add("export --all --format parquet", took["parquet"],
        "export --all --format csv (reads and scores the same)", took["csv"], "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=153)
    parser.add_argument("--respondents", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-bench-analysis-"))
    try:
        subprocess.run(STOCKTAKE + ["-w", str(tmp / "ws"), "demo", "--partnerships",
                                    str(args.partnerships), "--respondents",
                                    str(args.respondents), "--out", str(tmp / "demo")],
                       check=True, stdout=subprocess.DEVNULL)
        from stocktake.records.responses import current_wave

        def add(measure, seconds, baseline_name, baseline, goal=""):
            print(f"{measure}: {seconds:.2f} s; {baseline_name}: {baseline:.2f} s; "
                  f"ratio {seconds / baseline:.2f} ({goal})", flush=True)

        analysis_floors(add, tmp / "ws", current_wave(), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
