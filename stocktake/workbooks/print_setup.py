"""How a workbook prints (issue 26): the last pass before a workbook is saved, and the helpers
its writers use to lay sheets out for A4.

Every visible sheet is given, on top of styles.print_setup (A4, header, page numbers, no type
under 8 pt): its own name at the footer's left (and in the header's middle where it fits),
header rows wide enough for their longest word, a title too long for the printed columns
wrapped across them, and page breaks that keep a table's heading, header row and first rows
together and a short table whole on one page. Wide data sheets (Answers, Scores) are set apart
as sheets for screen: printed they fit the page width, in small type, and their footer says
so.

    widths = fit_widths([24, 13, 8, 46, 20], shrink=[0, 3, 4])   # total <= LEGIBLE_WIDTH
    finish_print(wb, screen=("Answers",))
    save_workbook(wb, path)

Units: column widths are spreadsheet width units (styles.POINTS_PER_WIDTH points each as
LibreOffice prints them); heights and page sizes are points.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from stocktake.workbooks.styles import (A4_POINTS, HEADER_FILL, POINTS_PER_WIDTH,
                                        SMALLEST_FONT, SMALLEST_PRINTED, header_footer_text,
                                        printed_width)

# The widest sheet that prints one page across (landscape, 0.5 in side margins) with its
# 10-point type at 8 pt or more, less 2% for LibreOffice's rounding of widths to pixels (a
# sheet fitted at 79% printed 7.9 pt).
LEGIBLE_WIDTH = (A4_POINTS[1] - 72) / (SMALLEST_PRINTED / SMALLEST_FONT * POINTS_PER_WIDTH) \
    * 0.98
SCREEN_MARK = "for screen"
# Characters of a 10-point bold heading per unit of width as LibreOffice prints (measured with
# DejaVu Sans, its stand-in for Calibri where Carlito is missing); a unit of cell margin.
HEADING_CHARS_PER_UNIT = 1.0
HEADING_MARGIN = 1.0
# Points per character of 10-point header and footer text, for telling whether three parts
# fit on one line.
HEADER_CHAR_POINTS = 5.8
DEFAULT_ROW_HEIGHT = 15.0
# Row heights are estimates (styles.wrapped_lines): a page is taken as this share of its height
# so a break decided here falls before the spreadsheet's own.
PAGE_SAFETY = 0.93
# A table's heading, header row and this many rows after it are kept on one page; a table of
# at most SHORT_TABLE rows is kept whole.
KEEP_ROWS = 2
SHORT_TABLE = 8


def fit_widths(widths: Sequence[float], shrink: Iterable[int],
               limit: float = LEGIBLE_WIDTH, floor: float = 8.0) -> list[float]:
    """`widths` (units) with the columns at the indexes in `shrink` narrowed in proportion so
    the total is at most `limit`, none below `floor`; unchanged where they already fit. The
    narrowed columns must wrap their text (their rows' heights are worked out after)."""
    out = list(widths)
    shrink = [i for i in shrink if 0 <= i < len(out)]
    excess = sum(out) - limit
    if excess <= 0 or not shrink:
        return out
    room = sum(max(0.0, out[i] - floor) for i in shrink)
    if room <= 0:
        return out
    share = min(1.0, excess / room)
    for i in shrink:
        # Rounded down, so the total does not pass `limit` by a rounding.
        out[i] = math.floor((out[i] - max(0.0, out[i] - floor) * share) * 10) / 10
    return out


def heading_width(text: Any) -> float:
    """The width (units) a bold 10-point heading needs for its longest word to stay whole."""
    words = str(text or "").replace("/", "/ ").split()
    longest = max((len(w) for w in words), default=0)
    return math.ceil(longest / HEADING_CHARS_PER_UNIT + HEADING_MARGIN)


def widen_for_headings(ws: Any) -> None:
    """Every header row's cells (HEADER_FILL) at least as wide as their longest word, so no
    heading breaks mid-word ("percentile_r/ank"), unless that would stop a sheet that prints
    one page wide at 8 pt from doing so (its headings then wrap as the spreadsheet wraps
    them)."""
    fitted = printed_width(ws) / POINTS_PER_WIDTH <= LEGIBLE_WIDTH
    before: dict[str, Any] = {}
    for row in _header_rows(ws):
        for cell in ws[row]:
            if cell.value is None or not _is_header(cell):
                continue
            letter = get_column_letter(cell.column)
            dim = ws.column_dimensions[letter]
            wanted = heading_width(cell.value)
            if wanted > (dim.width or 8.43):
                before.setdefault(letter, dim.width)
                dim.width = wanted
    if fitted and printed_width(ws) / POINTS_PER_WIDTH > LEGIBLE_WIDTH:
        for letter, width in before.items():
            ws.column_dimensions[letter].width = width


# Characters a unit of width of 16-point bold (titles) and 11-point italic (subtitles) text,
# as LibreOffice prints them; a line of each, in points.
TITLE_CHARS_PER_UNIT = {16: 0.62, 11: 1.05}
TITLE_LINE = {16: 21.0, 11: 15.0}


def wrap_titles(ws: Any, rows: Iterable[int] = (1, 2)) -> None:
    """A title (or subtitle) alone in column A that would run past the printed columns, cut
    at the page's edge ("...2005-06 (IDeA styl"), is merged across them and wrapped, its row
    as tall as its lines."""
    from stocktake.workbooks.styles import WRAP_TOP, merge_row

    last = _last_col(ws)
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                for c in range(1, last + 1)
                if not ws.column_dimensions[get_column_letter(c)].hidden)
    merged = {str(r) for r in ws.merged_cells.ranges}
    for row in rows:
        cell = ws.cell(row=row, column=1)
        size = int(cell.font.sz or 11) if cell.font is not None else 11
        if not isinstance(cell.value, str) or size not in TITLE_CHARS_PER_UNIT:
            continue
        if any(ws.cell(row=row, column=c).value is not None for c in range(2, last + 1)):
            continue
        if any(ref.startswith(f"A{row}:") for ref in merged):
            continue
        chars = max(1, int(width * TITLE_CHARS_PER_UNIT[size]))
        if len(cell.value) <= chars:
            continue
        import textwrap

        lines = len(textwrap.wrap(cell.value, chars))
        merge_row(ws, row, 1, last)
        cell.alignment = WRAP_TOP
        ws.row_dimensions[row].height = lines * TITLE_LINE[size] + 3


def name_pages(ws: Any, title: str) -> None:
    """`title` at the left of every page's footer, so a loose page says which sheet it came
    from, and in the middle of the header too where it fits between the left and right
    parts."""
    landscape = ws.page_setup.orientation != "portrait"
    page = (A4_POINTS[1] if landscape else A4_POINTS[0]) - \
        (ws.page_margins.left + ws.page_margins.right) * 72
    text = header_footer_text(title)
    sides = max(len(ws.oddHeader.left.text or ""), len(ws.oddHeader.right.text or ""))
    fits = (sides + len(title) / 2 + 2) * HEADER_CHAR_POINTS <= page / 2
    for header, footer in ((ws.oddHeader, ws.oddFooter), (ws.evenHeader, ws.evenFooter),
                           (ws.firstHeader, ws.firstFooter)):
        footer.left.text = text
        footer.left.size = 10
        if fits:
            header.center.text = text
            header.center.size = 10


def for_screen(ws: Any) -> None:
    """A wide data sheet: printed one page wide and as many tall as it needs, in whatever type
    that takes, its header row on every page; marked as for screen."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.scale = None
    ws.page_setup.orientation = "landscape"
    ws._print_cols = None  # openpyxl's setter ignores None


def printed_scale(ws: Any) -> float:
    """The share of its size a sheet prints at: its fixed scale, or what fitting it to the
    page's width takes (at most 1)."""
    landscape = ws.page_setup.orientation != "portrait"
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        page = (A4_POINTS[1] if landscape else A4_POINTS[0]) - \
            (ws.page_margins.left + ws.page_margins.right) * 72
        return min(1.0, page / max(1.0, printed_width(ws)))
    return (ws.page_setup.scale or 100) / 100


def page_height(ws: Any) -> float:
    """Points of rows a printed page holds, at the sheet's size (before its scale), less the
    rows repeated at the top of each page."""
    landscape = ws.page_setup.orientation != "portrait"
    page = (A4_POINTS[0] if landscape else A4_POINTS[1]) - \
        (ws.page_margins.top + ws.page_margins.bottom) * 72
    repeated = 0.0
    if ws.print_title_rows:
        first, last = _title_row_span(ws.print_title_rows)
        repeated = sum(_height(ws, r) for r in range(first, last + 1))
    return page / printed_scale(ws) - repeated


def keep_together(ws: Any, blocks: Iterable[tuple[int, int]], last_row: int | None = None, *,
                  every_page: bool = False) -> None:
    """Row breaks so that each block of rows (first, last) starts a page rather than run over
    a page's foot, where it fits on one page; breaks already set are kept and counted.

    With `every_page`, every page's end is a break of its own, where a page of Excel's size
    is full: Excel and LibreOffice then print the same pages (LibreOffice's page holds a row
    or two more than Excel's, so a block kept whole by Excel's count could still end
    LibreOffice's page: a form's area title alone at the foot of a page)."""
    wanted = sorted({b for b in blocks if b[0] <= b[1]})
    if not wanted and not every_page:
        return
    full = page_height(ws)
    limit = full if every_page else full * PAGE_SAFETY
    if limit <= 0:
        return
    breaks = {b.id for b in ws.row_breaks.brk}
    starts = {first: last for first, last in wanted}
    end = last_row or ws.max_row
    used = 0.0
    # The rows repeated atop every page are taken off each page's height (page_height); the
    # rows above them (a form's title and notes) fill the first page's top like any other.
    repeated = range(0)
    if ws.print_title_rows:
        first, last = _title_row_span(ws.print_title_rows)
        repeated = range(first, last + 1)
    for row in range(1, end + 1):
        if row in repeated:
            continue
        height = _height(ws, row)
        if row in starts and used > 0:
            block = sum(_height(ws, r) for r in range(row, starts[row] + 1))
            if used + block > limit and block <= limit:
                ws.row_breaks.append(Break(id=row - 1))
                breaks.add(row - 1)
                used = 0.0
        # The spreadsheet's own break, before this row: where the page is full, not at the
        # safety margin, or the pages counted here fall behind the printed ones and a block
        # is broken before a page that had room for it.
        if used + height > full:
            if every_page and used > 0 and row - 1 not in breaks:
                ws.row_breaks.append(Break(id=row - 1))
                breaks.add(row - 1)
            used = 0.0
        used += height
        if row in breaks:
            used = 0.0


def table_blocks(ws: Any) -> list[tuple[int, int]]:
    """The blocks keep_together should keep for each table under a header row: the heading
    just above (a line of bold or title text), the header row and KEEP_ROWS rows after it, or
    the whole table when it has at most SHORT_TABLE rows or fits on a page (a table run on to
    the next page has no header row there, where a sheet holds many tables and cannot repeat
    one: the Evidence sheet's areas)."""
    blocks = []
    filled = _filled_rows(ws)
    headers = _header_rows(ws)
    repeated = _title_row_span(ws.print_title_rows)[1] if ws.print_title_rows else 0
    room = page_height(ws) * PAGE_SAFETY
    for row in headers:
        if row <= repeated:
            continue
        first = row
        above = row - 1
        if above >= 1 and _is_heading(filled.get(above, ())):
            first = above
            if above - 1 >= 1 and _is_heading(filled.get(above - 1, ())):
                first = above - 1
        last = row
        while last + 1 <= ws.max_row and last + 1 in filled and last + 1 not in headers:
            last += 1
        whole = last - row < SHORT_TABLE or (
            not repeated and sum(_height(ws, r) for r in range(first, last + 1)) <= room)
        blocks.append((first, last if whole else min(row + KEEP_ROWS, last)))
    return blocks


def finish_print(wb: Any, *, screen: Sequence[str] = (), titles: dict[str, str] | None = None,
                 keep: dict[str, Sequence[tuple[int, int]]] | None = None) -> None:
    """finish_sheet for every visible sheet of `wb`: those named in `screen` as sheets for
    screen, `titles[name]` (default: the sheet's name) in the page header, `keep[name]`'s
    blocks of rows kept on one page."""
    titles = titles or {}
    keep = keep or {}
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            finish_sheet(ws, screen=ws.title in screen, title=titles.get(ws.title),
                         keep=keep.get(ws.title, ()))


def finish_sheet(ws: Any, *, screen: bool = False, title: str | None = None,
                 keep: Sequence[tuple[int, int]] = (), every_page: bool = False) -> None:
    """The print set-up a sheet gets last (after styles.print_setup): `title` (default: its
    name) in the page header; headings as wide as their longest word; with `screen`, fitted
    to the page width and marked for screen; else each table's heading and first rows (and
    the blocks in `keep`) kept on one page, and with `every_page` each page's end set as a
    break of its own (keep_together)."""
    from stocktake.workbooks.styles import keep_print_legible

    title = title or ws.title
    widen_for_headings(ws)
    wrap_titles(ws)
    if screen:
        for_screen(ws)
        title = f"{title} ({SCREEN_MARK}: printed to the page width)"
    else:
        if ws.sheet_properties.pageSetUpPr is not None and \
                ws.sheet_properties.pageSetUpPr.fitToPage:
            keep_print_legible(ws, landscape=ws.page_setup.orientation != "portrait")
        keep_together(ws, [*table_blocks(ws), *keep], _last_row(ws), every_page=every_page)
    name_pages(ws, title)


# ---------------------------------------------------------------- internals


def _is_header(cell: Any) -> bool:
    fill = cell.fill
    return fill is not None and fill.fill_type == "solid" and \
        str(fill.start_color.rgb)[-6:] == str(HEADER_FILL.start_color.rgb)[-6:]


def _header_rows(ws: Any) -> list[int]:
    rows = []
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=1):
        cell = row[0]
        if _is_header(cell) and cell.value is not None:
            rows.append(cell.row)
    return rows


def _filled_rows(ws: Any) -> dict[int, list[Any]]:
    """Each row's cells that hold a value, by row number, from the cells the sheet has:
    `ws[row]` would make an empty cell in every column of every row it looks at, which the
    workbook then writes."""
    rows: dict[int, list[Any]] = {}
    for (row, _), cell in ws._cells.items():
        if cell.value is not None:
            rows.setdefault(row, []).append(cell)
    return rows


def _is_heading(cells: Sequence[Any]) -> bool:
    """Whether a row whose filled cells are `cells` is a heading: one bold value, no header."""
    return len(cells) == 1 and cells[0].font is not None and bool(cells[0].font.b) and \
        not _is_header(cells[0])


def _height(ws: Any, row: int) -> float:
    dim = ws.row_dimensions.get(row)
    return dim.height if dim is not None and dim.height else DEFAULT_ROW_HEIGHT


def _title_row_span(spec: str) -> tuple[int, int]:
    parts = str(spec).replace("$", "").split("!")[-1].split(":")
    first = int("".join(ch for ch in parts[0] if ch.isdigit()) or 1)
    last = int("".join(ch for ch in parts[-1] if ch.isdigit()) or first)
    return first, last


def _print_area_end(ws: Any) -> str:
    """The bottom-right cell of the sheet's print area ("M40"), or "" without one."""
    area = ws.print_area
    return str(area).split("!")[-1].replace("$", "").split(":")[-1] if area else ""


def _last_col(ws: Any) -> int:
    from openpyxl.utils import column_index_from_string

    letters = "".join(ch for ch in _print_area_end(ws) if ch.isalpha())
    return column_index_from_string(letters) if letters else ws.max_column


def _last_row(ws: Any) -> int:
    digits = "".join(ch for ch in _print_area_end(ws) if ch.isdigit())
    return int(digits) if digits else ws.max_row
