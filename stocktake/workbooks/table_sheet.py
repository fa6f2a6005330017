"""A plain table on a sheet: bold header row that repeats on print, filters, frozen panes,
wrapped text, printed on A4 one page wide (the wider columns narrowed to fit, their text
wrapped, each row as tall as its text). For lists (status, returns, plans) that need no chart.

    write_table_sheet(wb.create_sheet("Returns"), ["Code", "Name"], rows, widths=[12, 30])
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

from openpyxl.utils import get_column_letter

from stocktake.privacy.injection import write_text_row
from stocktake.workbooks.print_setup import fit_widths, heading_width
from stocktake.workbooks.styles import (print_setup, row_height_for, set_widths, style_body,
                                        style_header_row)

# Columns at most this wide keep their width when a table is narrowed to fit the page: codes,
# dates and counts read badly wrapped.
KEEP_WIDTH = 12
# A date or a time stamp: a spreadsheet breaks it after its hyphens ("2026-12-" / "07T13:45"),
# so a column of them is kept as wide as its longest, never narrowed.
ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?")
STAMP_MARGIN = 1.5  # units: the cell's padding, and a little air


def stamp_width(values: Sequence[Any]) -> float | None:
    """The width (units) that holds the longest of `values` on one line when every one that is
    not empty is an ISO date or time stamp; None when any is something else, or none is given."""
    from stocktake.workbooks.glyph_widths import text_points
    from stocktake.workbooks.styles import POINTS_PER_UNIT

    stamps = [v for v in values if v not in (None, "")]
    if not stamps or not all(isinstance(v, str) and ISO_STAMP.fullmatch(v) for v in stamps):
        return None
    return math.ceil(max(text_points(v) for v in stamps) / POINTS_PER_UNIT + STAMP_MARGIN)


def write_table_sheet(ws: Any, heads: Sequence[str], rows: Sequence[Sequence[Any]], *,
                      widths: Sequence[float], header_left: str, header_right: str) -> None:
    """Header in row 1, one row per item; every text cell through the injection guard.
    `widths` (units, one per head) are narrowed where their total would not print one page
    wide at 8 pt (print_setup.LEGIBLE_WIDTH), never below a heading's longest word; a column of
    dates or time stamps is as wide as its longest and never narrowed (stamp_width)."""
    widths = [max(w, heading_width(h)) for w, h in zip(widths, heads)]
    stamped = {i: stamp_width([row[i] for row in rows if i < len(row)])
               for i in range(len(heads))}
    widths = [max(w, stamped[i] or 0) for i, w in enumerate(widths)]
    widths = fit_widths(widths, [i for i, w in enumerate(widths)
                                 if w > KEEP_WIDTH and stamped[i] is None], floor=KEEP_WIDTH)
    write_text_row(ws, 1, heads)
    for r, values in enumerate(rows, start=2):
        write_text_row(ws, r, values)
    last = len(rows) + 1
    style_header_row(ws, 1, 1, len(heads), height=30)
    if rows:
        style_body(ws, 2, last, 1, len(heads), wrap_cols=range(1, len(heads) + 1))
        for r, values in enumerate(rows, start=2):
            ws.row_dimensions[r].height = row_height_for(
                [(w, v) for w, v in zip(widths, values) if isinstance(v, str)])
        ws.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{last}"
    ws.freeze_panes = "A2"
    set_widths(ws, {get_column_letter(i): w for i, w in enumerate(widths, start=1)})
    print_setup(ws, header_left=header_left, header_right=header_right, title_rows="1:1")
