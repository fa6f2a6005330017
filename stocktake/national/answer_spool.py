"""Each merged workbook's national Answers rows, on disk until the national workbook is written.

A merge of 150 returns holds 150,000 answers. Kept in memory until the national workbook is
written, they (and the rebuilt responses behind them) were most of the merge's memory, and
twice the returns took twice the memory. Each return's rows are written here where it was read
(in a worker process, perhaps) and read back one return at a time while the sheet is written,
so the merge holds one return's answers at once whatever the size of the round.

    spool = AnswerSpool()                        # a private temporary folder
    spooled = spool.put("E09000001-0", cells, value_width(bank))  # cells: as answer_cells
    rows = spool.answer_rows([spooled, ...])     # an AnswerRows for write_national_workbook
    spool.close()                                # removes the folder

Files are marshal data of plain values (str, float, int, None) written by this process or its
workers into a folder only this user can read; nothing read from a return is evaluated.
"""

from __future__ import annotations

import marshal
from array import array
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence


@dataclass(frozen=True)
class Spooled:
    """One return's rows on disk: `count` rows with their `heights` (points; an array, one
    object however many rows, as a merge holds one of these per return) for a value column
    `value_width` units wide, in `path`."""

    path: Path
    count: int
    heights: array
    value_width: float


class AnswerSpool:
    """A private temporary folder of spooled rows; a context manager that removes it."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else \
            Path(tempfile.mkdtemp(prefix="stocktake-merge-"))

    def __enter__(self) -> "AnswerSpool":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def put(self, name: str, cells: Sequence[Sequence[Any]], value_width: float) -> Spooled:
        """Write one return's rows (lists of cell values) as `name`; their heights, with the
        value column `value_width` units wide (answers_sheet.value_width of the bank), are
        worked out here, where the rows are (a worker process, in a parallel merge)."""
        from stocktake.national.answers_sheet import answer_heights

        path = self.folder / f"{name}.rows"
        rows = [tuple(c) for c in cells]
        with open(path, "wb") as out:
            marshal.dump(rows, out)
        return Spooled(path, len(rows), array("d", answer_heights(rows, value_width)),
                       value_width)

    def answer_rows(self, spooled: Sequence[Spooled]) -> Any:
        """The rows of `spooled`, in that order, as national_answers.AnswerRows: read back one
        return at a time while they are written (in another process: SpooledRows pickles)."""
        from stocktake.national.answers_sheet import AnswerRows

        widths = {one.value_width for one in spooled}
        if len(widths) > 1:
            raise ValueError(f"rows spooled for value columns of {sorted(widths)} units: one "
                             "sheet has one width")
        rows = SpooledRows(tuple(spooled))
        heights = rows.heights()
        return AnswerRows(rows, heights, len(heights), *(widths or ()))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class SpooledRows:
    """Iterating yields the rows of each Spooled in turn, as lists, read from disk one return at
    a time; RuntimeError if a file holds other than the rows written to it."""

    spooled: tuple[Spooled, ...]

    @property
    def count(self) -> int:
        return sum(one.count for one in self.spooled)

    def heights(self) -> array:
        """Every row's height in points, in order."""
        heights = array("d")
        for one in self.spooled:
            heights.extend(one.heights)
        return heights

    def split(self, parts: int) -> list["SpooledRows"]:
        """These rows as at most `parts` SpooledRows in order, cut at returns' ends, each as
        near an equal share of the rows as those ends allow (none empty)."""
        total = self.count
        cut: list[list[Spooled]] = [[]]
        done = 0
        for one in self.spooled:
            # A new part here when this end of a return lies nearer the part's share of the
            # rows than the next end does.
            share = total * len(cut) / parts
            if cut[-1] and len(cut) < parts and \
                    abs(done - share) <= abs(done + one.count - share):
                cut.append([])
            cut[-1].append(one)
            done += one.count
        return [SpooledRows(tuple(c)) for c in cut if c]

    def __iter__(self) -> Iterator[list[Any]]:
        for one in self.spooled:
            with open(one.path, "rb") as held:
                chunk = marshal.load(held)
            if len(chunk) != one.count:
                raise RuntimeError(f"{one.path}: {len(chunk)} rows, {one.count} written")
            for row in chunk:
                yield list(row)
