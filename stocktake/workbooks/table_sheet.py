"""A plain table on a sheet: bold header row that repeats on print, filters, frozen panes,
wrapped text, printed on A4. For lists (status, returns) that need no chart.

    write_table_sheet(wb.create_sheet("Returns"), ["Code", "Name"], rows, widths=[12, 30])
"""

from __future__ import annotations

from typing import Any, Sequence

from openpyxl.utils import get_column_letter

from stocktake.privacy.injection import write_text_row
from stocktake.workbooks.styles import (print_setup, set_row_heights, set_widths, style_body,
                                        style_header_row)


def write_table_sheet(ws: Any, heads: Sequence[str], rows: Sequence[Sequence[Any]], *,
                      widths: Sequence[float], header_left: str, header_right: str) -> None:
    """Header in row 1, one row per item; every text cell through the injection guard."""
    write_text_row(ws, 1, heads)
    for r, values in enumerate(rows, start=2):
        write_text_row(ws, r, values)
    last = len(rows) + 1
    style_header_row(ws, 1, 1, len(heads), height=30)
    if rows:
        style_body(ws, 2, last, 1, len(heads))
        set_row_heights(ws, 2, last)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{last}"
    ws.freeze_panes = "A2"
    set_widths(ws, {get_column_letter(i): w for i, w in enumerate(widths, start=1)})
    print_setup(ws, header_left=header_left, header_right=header_right, title_rows="1:1")
