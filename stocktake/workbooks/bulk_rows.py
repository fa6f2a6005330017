"""Many rows of data into a sheet at close to the cost of the bare values.

A partnership export's hidden data sheets (its responses, moderations and plans) are written
cell by cell here; its Answers rows, like the national workbook's, by rustpy-xlsxwriter
(stocktake.workbooks.bulk_sheet). Going through `ws.cell()` and setting a font and an alignment on
each cell costs more than writing the file, and on saving openpyxl hashes each cell's style
again to find its number. Here each column's style is worked out once, and every cell is made
directly with that style and its number (`_style` and `style_id` are openpyxl's per-cell style
array and its index in the workbook's table: stable since openpyxl 2.5, and valid within one
workbook only).

    columns = [ColumnStyle(ws, font=BODY_FONT, alignment=WRAP_TOP), ...]   # one per column
    put_rows(ws, 2, rows, columns)          # rows: lists of values, first at row 2

Text goes in as text (a string cell even when it starts with "="), never as a formula; text
must already be clean (stocktake.returns.seal.clean_text), as openpyxl refuses what XML cannot
hold.
"""

from __future__ import annotations

from copy import copy
from typing import Any, Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.exceptions import IllegalCharacterError


class _StyledCell(Cell):
    """A cell whose style number was worked out once for its whole column."""

    __slots__ = ("_style_number", "_registered")

    @property
    def style_id(self) -> int:  # openpyxl asks on saving, once per cell
        if self._style == self._registered:
            return self._style_number
        return super().style_id  # restyled since: look it up as openpyxl does

    @property
    def has_style(self) -> bool:
        return True


class ColumnStyle:
    """The style every cell of one column gets, registered once in `ws`'s workbook.

    Keyword arguments are cell style attributes: font, fill, border, alignment, number_format,
    protection. With none, the column's cells are plain.
    """

    def __init__(self, ws: Any, **attrs: Any):
        self.plain = not attrs
        scratch = Cell(ws)
        for name, value in attrs.items():
            setattr(scratch, name, value)
        self.array = scratch._style
        self.number = scratch.style_id if attrs else 0


# Types whose cell type needs no inference; anything else goes through openpyxl's own.
_KINDS = {str: "s", int: "n", float: "n", bool: "b"}


def put_rows(ws: Any, first_row: int, rows: Iterable[Sequence[Any]],
             columns: Sequence[ColumnStyle], first_col: int = 1) -> int:
    """Write `rows` into `ws` from `first_row`, value i of each row in column `first_col + i`
    with `columns[i]`'s style; None leaves the cell out (empty, unstyled: the columns these
    rows go in have no borders or fills to show). Returns the next free row.

    Works on an ordinary (not write-only) worksheet; cells already there are replaced. Text
    over 32,767 characters or holding characters XML cannot hold raises openpyxl's
    IllegalCharacterError / ValueError, as assigning it to a cell would.
    """
    cells = ws._cells
    row_index = first_row
    new = _StyledCell.__new__
    illegal = ILLEGAL_CHARACTERS_RE.search
    for values in rows:
        for offset, (value, style) in enumerate(zip(values, columns)):
            if value is None:
                continue
            column = first_col + offset
            kind = _KINDS.get(type(value))
            if style.plain:
                cell = Cell(ws, row=row_index, column=column, value=value)
                if kind == "s":
                    cell.data_type = "s"  # text, even "=SUM(A1)": never a formula
            elif kind is None:  # a date, say: openpyxl works out its type and format
                cell = _StyledCell(ws, row=row_index, column=column)
                cell._style = copy(style.array)
                cell._style_number, cell._registered = style.number, style.array
                cell.value = value  # after the style: a date's format goes on top of it
            else:
                if kind == "s" and (len(value) > 32767 or illegal(value)):
                    _check_text(value)  # raises, saying which
                # Made without Cell.__init__, which would infer the type and check the text
                # again: most of the time a sheet of data takes to build.
                cell = new(_StyledCell)
                cell.parent = ws
                cell.row = row_index
                cell.column = column
                cell._value = value
                cell.data_type = kind
                cell._hyperlink = None
                cell._comment = None
                cell._style = StyleArray(style.array)
                cell._style_number, cell._registered = style.number, style.array
            cells[(row_index, column)] = cell
        row_index += 1
    return row_index


def _check_text(text: str) -> None:
    if len(text) > 32767:
        raise ValueError("text longer than a cell can hold (32,767 characters)")
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")


def release(wb: Any) -> None:
    """Let a saved workbook's cells go now. Each cell points at its sheet and the sheet at it,
    so they would wait for the cycle collector, which walks every one of them to find that
    out; emptied here, they are freed as they are dropped. The workbook is spent after."""
    for sheet in wb.worksheets:
        sheet._cells.clear()
