"""Rows written by rustpy-xlsxwriter to a one-sheet workbook: in this process, or in a child
started as `python -m stocktake.workbooks.rust_rows FOLDER PART`.

stocktake.workbooks.bulk_sheet splices such rows into a sheet openpyxl wrote. A national
round's 150,000 Answers rows are cut into parts at returns' ends, one child each, since
rust_xlsxwriter holds the interpreter while it writes: each part's header row is written on the
row just above its first data row (`first`), so every part's rows carry their final numbers and
the splice drops each part's header. This module imports neither openpyxl nor anything that
does: a child starts in the time Python does.

    written, error = write_rows(path, columns, specs, rows, heights, first=0)

`specs` are plain dicts (bulk_sheet.FORMATS' values): "vertical", and optionally "horizontal",
"wrap_text", "font" (name, points, RRGGBB) and "number_format".
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from stocktake.errors import is_rust_panic


def rust_format(spec: dict[str, Any]) -> Any:
    """The rustpy-xlsxwriter Format of one of bulk_sheet.FORMATS' specs."""
    from rustpy_xlsxwriter import Format

    fmt = Format().set_align(spec["vertical"])
    if spec.get("horizontal"):
        fmt = fmt.set_align(spec["horizontal"])
    if spec.get("wrap_text"):
        fmt = fmt.set_text_wrap()
    if "font" in spec:
        font, size, colour = spec["font"]
        fmt = fmt.set_font_name(font).set_font_size(size).set_font_color(f"#{colour}")
    if "number_format" in spec:
        fmt = fmt.set_num_format(spec["number_format"])
    return fmt


def write_rows(path: Path, columns: Sequence[str], specs: Sequence[dict[str, Any]],
               rows: Iterable[Sequence[Any]], heights: Sequence[float], first: int = 0
               ) -> tuple[int, str | None]:
    """Write `rows` (values in `columns` order, column i in `specs[i]`) to the workbook `path`,
    the header row on 0-based row `first` and the data from the row after it; `heights` holds
    each data row's height in points (15, rustpy-xlsxwriter's default, left out). Returns
    (rows written, None), or (rows reached, what went wrong, the row counted over the whole
    sheet: "row 1,201: ...")."""
    from rustpy_xlsxwriter import write_worksheets

    columns = tuple(columns)
    counted = [0]

    def records() -> Iterable[dict[str, Any]]:
        for values in rows:
            counted[0] += 1
            yield dict(zip(columns, values))

    by_spec = [rust_format(spec) for spec in specs]

    def said(exc: BaseException) -> str:
        return f"row {first + counted[0]:,}: {exc}"

    try:
        with _rust_says_nothing():
            write_worksheets(
                [("rows", records())], str(path),
                column_formats={"rows": by_spec},
                dedupe_strings={"rows": False},  # inline strings, and constant memory
                header_row={"rows": first},
                row_heights={"rows": {index: h for index, h in
                                      enumerate(heights, start=first + 1) if h != 15}})
    except (RuntimeError, OSError, ValueError, TypeError) as exc:
        return counted[0], said(exc)
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException is a BaseException
        if not is_rust_panic(exc):
            raise
        return counted[0], said(exc)
    return counted[0], None


@contextmanager
def _rust_says_nothing() -> Iterator[None]:
    """Standard error (the file descriptor) sent nowhere while rust_xlsxwriter writes: on a
    refused write it panics, and Rust prints the panic and a backtrace note there before the
    PanicException reaches us, which says it again and is reported as ours."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a service): nothing to quieten
        yield
        return
    try:
        with open(os.devnull, "wb") as nowhere:
            os.dup2(nowhere.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def job_path(folder: Path, part: int) -> Path:
    return Path(folder) / f"job-{part}"


def said_path(folder: Path, part: int) -> Path:
    """Where a child leaves what went wrong (nothing there: nothing went wrong)."""
    return Path(folder) / f"said-{part}"


def _child_main(folder: Path, part: int) -> None:
    """In the child: read part `part`'s job from `folder`, write its rows, and leave what went
    wrong at said_path."""
    import pickle

    # Our own job, written by the process that started us, in a folder only this user reads.
    with open(job_path(folder, part), "rb") as job:
        path, columns, specs, rows, heights, count, first = pickle.load(job)
    try:
        written, error = write_rows(Path(path), columns, specs, rows, heights, first)
        if error is None and written != count:
            error = f"{written:,} rows written, {count:,} expected"
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        error = f"{type(exc).__name__}: {exc}"
    if error is not None:
        said_path(folder, part).write_text(error, encoding="utf-8")


if __name__ == "__main__":
    _child_main(Path(sys.argv[1]), int(sys.argv[2]))
