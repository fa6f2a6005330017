"""The codebook as a file an analyst keeps beside the data: a workbook (About, Variables,
Values), a CSV (one row per variable, each followed by its values) or Markdown.

    write_codebook(bank, Path("codebook.xlsx"))     # or .csv, .md; owner-only, atomic

It holds the bank's words and codes only, never an answer, so it carries no SIMULATED mark.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stocktake.banks.codebook import Codebook, codebook
from stocktake.banks.model import Bank
from stocktake.errors import UsageError

SUFFIXES = (".xlsx", ".csv", ".md")


def write_codebook(bank: Bank, path: Path, *, shared: bool = False) -> Path:
    """Write `bank`'s codebook to `path` in the format its suffix names (SUFFIXES); UsageError
    for another suffix, StocktakeError when it cannot be written (nothing half-written)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"{path}: a codebook is written as .xlsx, .csv or .md",
                         hint="give --out a name ending .xlsx, .csv or .md")
    book = codebook(bank)
    if suffix == ".xlsx":
        from stocktake.workbooks.styles import save_workbook

        return save_workbook(codebook_workbook(book), path, shared=shared)
    from stocktake.files.output_files import write_output_bytes

    data = codebook_csv(book) if suffix == ".csv" else codebook_markdown(book).encode("utf-8")
    return write_output_bytes(path, data, shared=shared)


def codebook_workbook(book: Codebook) -> Any:
    from openpyxl import Workbook

    from stocktake import __version__
    from stocktake.workbooks.codebook_sheet import (VALUE_HEADS, VARIABLE_HEADS, about_rows,
                                                    value_row, variable_row)
    from stocktake.workbooks.table_sheet import write_table_sheet

    left, right = f"Codebook: {book.title}", f"{book.bank} {book.edition}"
    wb = Workbook()
    about = wb.active
    about.title = "About"
    write_table_sheet(about, ("item", "value"), about_rows(book), widths=[18, 100],
                      header_left=left, header_right=right)
    write_table_sheet(wb.create_sheet("Variables"), VARIABLE_HEADS,
                      [variable_row(v) for v in book.variables],
                      widths=[28, 30, 16, 14, 12, 60, 16, 8, 6, 6, 7, 6, 30, 30, 9],
                      header_left=left, header_right=right)
    write_table_sheet(wb.create_sheet("Values"), VALUE_HEADS,
                      [value_row(v) for v in book.values], widths=[28, 8, 60, 16, 8, 8],
                      header_left=left, header_right=right)
    wb.properties.title = f"Codebook: {book.title} ({book.bank} {book.edition})"
    wb.properties.creator = f"stocktake {__version__}"
    return wb


def codebook_csv(book: Codebook) -> bytes:
    """The flat codebook (stocktake.workbooks.codebook_sheet.FLAT_HEADS), with the bank's id,
    edition and hash on every row."""
    from stocktake.workbooks.codebook_sheet import FLAT_HEADS, flat_rows
    from stocktake.workbooks.exports import csv_bytes

    heads = ("bank", "edition", "bank_hash", *FLAT_HEADS)
    rows = ({**dict(zip(heads, (book.bank, book.edition, book.hash, *row)))}
            for row in flat_rows(book))
    return csv_bytes(heads, rows)


def codebook_markdown(book: Codebook) -> str:
    from stocktake.workbooks.codebook_sheet import about_rows

    lines = [f"# Codebook: {_md(book.title)}", ""]
    lines += [f"- **{key}**: {_md(str(value))}" for key, value in about_rows(book)]
    lines += ["", "## Variables", ""]
    for v in book.variables:
        facts = [f"area `{v.area}`", f"type {v.type}", f"asked of {v.roles}"]
        if v.unit:
            facts.append(f"unit {_md(v.unit)}")
        if v.min is not None or v.max is not None:
            facts.append(f"from {_num(v.min)} to {_num(v.max)}")
        facts.append(f"weight {_num(v.weight)}" if v.scored else "not scored")
        if v.condition:
            facts.append(_md(v.condition))
        lines += [f"### `{v.name}`", "", _md(v.text), "",
                  f"Question `{v.question}`" + (f", option `{v.option}`" if v.option else "")
                  + "; " + "; ".join(facts) + f". Score: {_md(v.scoring)}.", ""]
        values = book.values_of(v.name)
        if values:
            lines += ["| code | label | score | missing |", "|---|---|---|---|"]
            lines += [f"| {_md(str(x.code))} | {_md(x.label)} | "
                      f"{'' if x.score is None else _num(round(x.score, 2))} | "
                      f"{'yes' if x.missing else ''} |" for x in values]
            lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Bank text as Markdown shows it: table bars and markup characters escaped, one line."""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
