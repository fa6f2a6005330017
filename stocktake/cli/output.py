"""One way a listing reaches the reader: rows shown as a table that fits 80 columns, or the
command's result as JSON, or its rows as CSV (issue 27 point 5, like sqlite-utils' output
options). Commands build rows (or a result object with `to_json()`); this module renders them.

    show(rows, PARTNERSHIP_COLUMNS, output_format(as_json, as_csv), json=result,
         title="Partnerships (3)", empty="No partnerships yet.")
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping, Sequence

from rich import box
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import console, print_json
from stocktake.errors import UsageError


class Format(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def output_format(as_json: bool = False, as_csv: bool = False) -> Format:
    """The format `--json` / `--csv` ask for (a table when neither); both at once is a usage
    error (exit 2), since stdout can hold only one of them."""
    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be given together",
                         hint="give one of them: --json for scripts, --csv for a spreadsheet")
    return Format.JSON if as_json else Format.CSV if as_csv else Format.TABLE


@dataclass(frozen=True)
class Column:
    """One column of a listing: `key` names the value in each row (and the CSV header);
    `header` is the table's heading (default `key`). `no_wrap` keeps a short token whole
    (a code, a date, a count); other cells wrap at words, folding only a word longer than the
    column."""

    key: str
    header: str | None = None
    justify: JustifyMethod = "left"
    no_wrap: bool = False
    min_width: int | None = None
    ratio: int | None = None
    style: str | None = None


def table_of(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], *,
             title: str | None = None) -> Table:
    """The rows as a rich Table with no outer padding (so more fits in 80 columns). Every cell
    is Text, never markup: a name such as "[bold]" is shown as written. None shows as "-"."""
    table = Table(title=escape(title) if title else None, title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    cells = [[_cell(row.get(c.key)) for c in columns] for row in rows]
    for c, whole in zip(columns, _kept_whole(columns, cells)):
        no_wrap = c.no_wrap or whole
        table.add_column(c.header or c.key, justify=c.justify, no_wrap=no_wrap,
                         min_width=c.min_width, ratio=c.ratio, style=c.style,
                         overflow="ellipsis" if no_wrap else "fold")
    for line in cells:
        table.add_row(*(Text(text) for text in line))
    return table


def _kept_whole(columns: Sequence[Column], cells: list[list[str]]) -> list[bool]:
    """For each column, whether it is held unwrapped: a column whose every cell is one word
    (a file name, an id) to WORD_LIMIT characters, where the table still fits the console with
    it whole and every other column at its longest word. Folded, such a word was cut
    ("E09000005-idea-stockt/ake-2025-26.xlsx"); rich narrows the other columns instead."""
    longest = [max((len(word) for line in cells for word in line[n].split()), default=0)
               for n in range(len(columns))]
    whole = [not c.no_wrap and 0 < longest[n] <= WORD_LIMIT
             and all(len(line[n].split()) <= 1 for line in cells)
             for n, c in enumerate(columns)]
    needed = sum(max(len(c.header or c.key), c.min_width or 0, longest[n])
                 for n, c in enumerate(columns))
    # Two spaces between columns (no outer padding: table_of's pad_edge and collapse_padding).
    if needed + 2 * (len(columns) - 1) > console.width:
        return [False] * len(columns)
    return whole


# The longest one-word cells a column is held unwrapped for: longer, they are folded.
WORD_LIMIT = 40


def show(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column],
         fmt: Format = Format.TABLE, *, json: Any = None, title: str | None = None,
         empty: str | None = None) -> None:
    """Print a listing in `fmt`.

    TABLE: `table_of(rows, columns, title)`, or `empty` (rich markup, ours; wrapped at the
    console's width, a pipe's too) when there are no rows. JSON: `json` (a result object's `to_json()` is called; default the rows themselves)
    alone on stdout, as `print_json` writes it. CSV: a header of the columns' keys, then one
    line per row, formula-like text given a leading apostrophe (privacy.injection.csv_safe),
    so a listing opened in Excel never runs anything.
    """
    if fmt is Format.JSON:
        document = rows if json is None else json
        print_json(document.to_json() if hasattr(document, "to_json") else document)
        return
    if fmt is Format.CSV:
        write_csv(rows, columns)
        return
    if not rows:
        if empty:
            # Where the table would have been, so wrapped at its width as the table would be.
            console.print(empty, soft_wrap=False)
        return
    console.print(table_of(rows, columns, title=title))


def write_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], stream=None) -> None:
    """The rows as CSV on `stream` (stdout): RFC 4180 line ends, keys as the header."""
    import csv  # loaded for --csv only, not at every command's start

    from stocktake.privacy.injection import csv_safe

    out = stream or sys.stdout
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([csv_safe("" if row.get(c.key) is None else row.get(c.key))
                         for c in columns])
    out.flush()


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)
