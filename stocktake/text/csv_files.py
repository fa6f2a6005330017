"""CSV as Excel, LibreOffice and Numbers write it, for every CSV stocktake reads.

Excel for Mac ends every line with a comma; Excel in a language with decimal commas separates
cells with semicolons; "Text (Tab delimited)" uses tabs. Trailing empty cells are dropped, so
the first habit is harmless; the other two are refused with the cause and the fix, because
guessing the separator would misread a `;` that joins multi-choice answers.

    for line, cells in csv_records(text, path):
        ...
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from stocktake.errors import StocktakeError
from stocktake.text.text_files import MAX_TEXT_FILE_BYTES

SAVE_AS_CSV = "CSV UTF-8 (Comma delimited)"


def csv_records(text: str, path: Path | str, *, example: str = "") -> Iterator[tuple[int,
                                                                                   list[str]]]:
    """(line, cells) for each record that is not blank, trailing empty cells dropped.

    `line` is where the record starts (a quoted cell may span lines). Raises StocktakeError for
    a file separated by semicolons or tabs (judged on its first record) and for text the CSV
    reader cannot read, naming the line. `example` is a good first line, for the hint.
    """
    # Evidence may be long; the csv module's default cap (128 KiB a cell) is not ours to keep.
    csv.field_size_limit(MAX_TEXT_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise StocktakeError(f"{path}: line {line}: cannot read this line as CSV ({exc})",
                                 hint="check the quotes on that line; quote text that holds "
                                      "commas or line breaks")
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if first:
            first = False
            _check_separator(path, line, cells, example)
        yield line, cells


def _check_separator(path: Path | str, line: int, cells: list[str], example: str) -> None:
    if len(cells) != 1:
        return
    hint = f"save it as {SAVE_AS_CSV}" + (f"; the first line should read {example}"
                                          if example else "")
    if "\t" in cells[0]:
        raise StocktakeError(f"{path}: line {line}: cells are separated by tabs, not commas "
                             "(a tab-delimited text file)", hint=hint)
    if ";" in cells[0]:
        raise StocktakeError(f"{path}: line {line}: cells are separated by semicolons, not "
                             "commas (Excel does this where numbers are written with a decimal "
                             "comma)", hint=hint + "; in LibreOffice choose ',' as the field "
                                                   "delimiter")
