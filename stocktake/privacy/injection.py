"""Spreadsheet-injection guard: text people typed stays text in every workbook and CSV we write.

A cell whose text begins with `=`, `+`, `-`, `@`, tab or carriage return can be taken for a
formula by Excel, LibreOffice or openpyxl itself (which turns any str starting with "=" into a
formula). Following the OWASP guidance on CSV injection, workbook cells get such text as a string
cell, and CSV fields get a leading apostrophe.

    set_text_cell(ws["B2"], evidence)          # never a live formula
    writer.writerow([csv_safe(v) for v in row])
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = None  # openpyxl's pattern of characters XML cannot hold, loaded on first use


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_PREFIXES)


def set_text_cell(cell: Any, value: Any) -> None:
    """Put `value` in an openpyxl cell; a str is always stored as a string, never a formula.

    openpyxl decides the type on assignment (a str starting with "=" becomes data_type "f", which
    is saved as an <f> element); forcing data_type "s" afterwards makes it save as plain text.
    Works for ordinary and write-only cells. Control characters XML cannot hold (which openpyxl
    would refuse with IllegalCharacterError) are dropped, so pasted text never stops an export.
    """
    if isinstance(value, str):
        cell.value = clean_cell_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def clean_cell_text(text: str) -> str:
    """`text` as a cell (or a run of a rich-text cell) can hold it: line ends as LF, and the
    control characters XML cannot hold dropped."""
    # Line ends as LF first (stocktake.text.text_rules), so the file is the same whether
    # openpyxl writes with lxml (which keeps a bare CR) or the standard library.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _illegal_characters().sub("", text)


def _illegal_characters():
    global _ILLEGAL
    if _ILLEGAL is None:  # openpyxl is imported by whoever writes cells, not by `import stocktake`
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        _ILLEGAL = ILLEGAL_CHARACTERS_RE
    return _ILLEGAL


def write_text_row(ws, row: int, values, first_col: int = 1) -> None:
    """Put a row of values into a sheet, each through set_text_cell."""
    for col, value in enumerate(values, start=first_col):
        set_text_cell(ws.cell(row=row, column=col), value)


def csv_safe(value: Any) -> Any:
    """A formula-like string with a leading apostrophe; anything else unchanged."""
    if is_formula_like(value):
        return "'" + value
    return value
