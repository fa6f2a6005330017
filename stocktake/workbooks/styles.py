"""The look every stocktake workbook shares: fonts, fills, band colours, widths, print set-up.

One place decides how a header, a title or a band-coloured cell looks, so the partnership export,
the benchmark workbook and the offline form read as one family of reports.

    ws = wb.create_sheet("Summary")
    write_title(ws, "A1", "Camden: children's services stocktake")
    style_header_row(ws, 5, 1, 10)
    fill_band(ws["C6"], "#B7DEA8")
    set_widths(ws, {"A": 34, "B": 10})
    print_setup(ws, header_left="Camden (E09000007)", header_right="Exported 2026-05-01")
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Iterable, Mapping, Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

FONT_NAME = "Calibri"
INK = "1F2937"          # body text: near-black reads better in print than pure black
ACCENT = "1F4E79"       # headers and titles: a dark blue that survives greyscale printing
ACCENT_LIGHT = "DCE6F1"
MUTED = "6B7280"
GRID = "BFC7D1"

TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True, color=ACCENT)
SUBTITLE_FONT = Font(name=FONT_NAME, size=11, italic=True, color=MUTED)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True, color="FFFFFF")
LABEL_FONT = Font(name=FONT_NAME, size=10, bold=True, color=INK)
BODY_FONT = Font(name=FONT_NAME, size=10, color=INK)
# 10 point at the smallest: a sheet may then shrink to 80% to fit a page and still print at 8.
NOTE_FONT = Font(name=FONT_NAME, size=10, italic=True, color=MUTED)
HEADER_FILL = PatternFill("solid", start_color=ACCENT, end_color=ACCENT)
LABEL_FILL = PatternFill("solid", start_color=ACCENT_LIGHT, end_color=ACCENT_LIGHT)
THIN = Side(style="thin", color=GRID)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# A BOX merged across cells: its top and bottom run along the covered cells, its right on the last.
BOX_MIDDLE = Border(top=THIN, bottom=THIN)
BOX_END = Border(top=THIN, bottom=THIN, right=THIN)

WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
TOP_LEFT = Alignment(vertical="top", horizontal="left")
CENTRE = Alignment(horizontal="center", vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")

SCORE_FORMAT = "0.0"
SHARE_FORMAT = "0%"
RANK_FORMAT = "0.000"

# No band yet (a withheld score): a neutral grey rather than an empty cell that looks forgotten.
NO_BAND = "E5E7EB"


def hex_colour(colour: str | None) -> str:
    """`#B7DEA8` -> `B7DEA8`; None or a malformed colour -> the neutral no-band grey."""
    text = (colour or "").lstrip("#").upper()
    if len(text) == 6 and all(c in "0123456789ABCDEF" for c in text):
        return text
    return NO_BAND


def band_fill(colour: str | None) -> PatternFill:
    rgb = hex_colour(colour)
    return PatternFill("solid", start_color=rgb, end_color=rgb)


def fill_band(cell: Any, colour: str | None) -> None:
    rgb = hex_colour(colour)
    memo_for(cell.parent, f"band {rgb}", fill=band_fill(rgb)).apply(cell)


def write_title(ws: Any, ref: str, text: str, subtitle: str | None = None) -> None:
    """A report title, and a muted subtitle in the cell below it."""
    from stocktake.privacy.injection import set_text_cell

    cell = ws[ref]
    set_text_cell(cell, text)
    cell.font = TITLE_FONT
    if subtitle:
        below = ws.cell(row=cell.row + 1, column=cell.column)
        set_text_cell(below, subtitle)
        below.font = SUBTITLE_FONT


def style_header_row(ws: Any, row: int, first_col: int, last_col: int, height: float = 30) -> None:
    header = memo_for(ws, "header", font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGN,
                      border=BOX)
    for col in range(first_col, last_col + 1):
        header.apply(ws.cell(row=row, column=col))
    ws.row_dimensions[row].height = height


def style_body(ws: Any, min_row: int, max_row: int, first_col: int, last_col: int,
               wrap_cols: Iterable[int] = ()) -> None:
    """Font and grid for a block; wrapped, top-aligned text in `wrap_cols`."""
    wrap = set(wrap_cols)
    wrapped = StyleMemo(font=BODY_FONT, border=BOX, alignment=WRAP_TOP)
    plain = StyleMemo(font=BODY_FONT, border=BOX, alignment=Alignment(vertical="top"))
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=first_col,
                            max_col=last_col):
        for cell in row:
            (wrapped if cell.column in wrap else plain).apply(cell)


def set_widths(ws: Any, widths: Mapping[str | int, float]) -> None:
    for key, width in widths.items():
        letter = get_column_letter(key) if isinstance(key, int) else key
        ws.column_dimensions[letter].width = width


def header_footer_text(text: str) -> str:
    """Header and footer text is a little language in which `&` starts a code: double it."""
    return text.replace("&", "&&")


# What one header line holds of 10-point text on A4 between 0.5-inch margins, with a gap
# between its two sections (about 5.6 points a character, wide letters counted).
HEADER_LINE_CHARS = {True: 120, False: 80}  # landscape, portrait


def header_pair(pair: tuple[str, str], shorter: tuple[str, str],
                landscape: bool = True) -> tuple[str, str]:
    """A printed page's header (left, right): `shorter` in place of `pair` when the two texts
    would not fit one line, where they print over each other ("...(E06000012)Children's...");
    neither LibreOffice nor Excel reads a line break in a header section alike."""
    return pair if sum(map(len, pair)) <= HEADER_LINE_CHARS[landscape] else shorter


def print_setup(ws: Any, *, header_left: str, header_right: str, title_rows: str | None = None,
                landscape: bool = True, pages_tall: int = 0) -> None:
    """Landscape, fit to one page wide, the report's subject and date in the header, page numbers
    in the footer; `title_rows` ("1:1") repeat on every printed page; `pages_tall` 0 lets the
    sheet run to as many pages as it needs."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.left.text = header_footer_text(header_left)
        header.left.size = 10
        header.right.text = header_footer_text(header_right)
        header.right.size = 10
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.center.text = "Page &P of &N"
        footer.center.size = 10
    if title_rows:
        ws.print_title_rows = title_rows
    keep_print_legible(ws, landscape=landscape)


# No printed text under 8 pt: the smallest type on a sheet is 10 pt (notes, headers, footers),
# so a sheet may shrink to 80% of its size to fit the page's width, and no further.
SMALLEST_FONT = 10.0
SMALLEST_PRINTED = 8.0
A4_POINTS = (595.3, 841.9)  # portrait width, height
# Points per unit of column width as LibreOffice prints with Carlito, Calibri's metric twin
# (measured from its PDFs: a form of 125 units printed 625 points wide at 90%, 5.56 a unit);
# Excel's 5.25 and a few points a column are as wide. The 7.1 measured with a wider stand-in
# font made a sheet fitted to the page look smaller on paper than it is, so the pages counted
# for keeping tables whole held more rows than LibreOffice's and Excel's.
POINTS_PER_WIDTH = 5.6


def printed_width(ws: Any) -> float:
    """The print area's width in points at 100%, at POINTS_PER_WIDTH per unit of width."""
    from openpyxl.utils import column_index_from_string

    last = ws.max_column
    area = ws.print_area
    if area:
        ref = str(area).split("!")[-1].replace("$", "").split(":")[-1]
        letters = "".join(ch for ch in ref if ch.isalpha())
        if letters:
            last = column_index_from_string(letters)
    total = 0.0
    for col in range(1, last + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        width = dim.width if dim is not None and dim.width else 8.43
        if dim is not None and dim.hidden:
            continue
        total += width * POINTS_PER_WIDTH
    return total


def keep_print_legible(ws: Any, *, landscape: bool = True) -> None:
    """Fit the sheet to one page wide only while that keeps its smallest text at 8 pt or more;
    a wider sheet prints at 80% across as many pages as it needs, its first column repeated on
    each, rather than shrinking to unreadable type."""
    page = A4_POINTS[1] if landscape else A4_POINTS[0]
    margins = (ws.page_margins.left + ws.page_margins.right) * 72
    needed = (page - margins) / max(1.0, printed_width(ws))
    floor = SMALLEST_PRINTED / SMALLEST_FONT
    if needed >= floor:
        return
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = math.ceil(floor * 100)
    ws.page_setup.pageOrder = "overThenDown"
    if not ws.print_title_cols:
        ws.print_title_cols = "A:A"


LINE_HEIGHT = 12.75  # points per line of 10-point text
ROW_HEIGHT = 14.0  # one line of 10-point text with a little air
MAX_ROW_HEIGHT = 409.0  # the tallest row Excel and LibreOffice allow, in points


def wrapped_lines(text: Any, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide.

    Neither Excel nor LibreOffice grows a row for wrapped text it did not lay out itself, so
    writers set row heights from this: the text laid out as a spreadsheet lays it out, word by
    word, each word as wide as Calibri draws it at 10 points (stocktake.workbooks.glyph_widths)
    in the width Excel gives a column of `width` units (7 pixels a unit at 96 dpi, less its
    padding); lines break at spaces and after a hyphen, never after ';', and a word wider than
    the line breaks where it must.
    """
    if text is None or text == "":
        return 1
    text = str(text)
    points = max(12.0, width * POINTS_PER_UNIT)
    if len(text) * WIDEST_CHAR_POINTS <= points and "\n" not in text:
        return 1  # most cells: too short to wrap whatever their letters (and no measuring)
    return _wrapped_lines(text, round(points, 2))


POINTS_PER_UNIT = 7 * 0.75  # a unit of column width is 7 pixels (Calibri 11's digit), 0.75 pt each
WIDEST_CHAR_POINTS = 9.5  # 10-point "W", "M" and kin are narrower
_BREAKS = re.compile(r"[^ -]*-+|[^ -]+| +")  # a hyphen ends its run: a line may break after it


@functools.lru_cache(maxsize=8192)
def _wrapped_lines(text: str, points: float) -> int:
    # Cached: a question's text and a level's wording repeat once per respondent.
    from stocktake.workbooks.glyph_widths import text_points

    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        pending_space = 0.0  # a space hangs at a line's end, so it counts only before a word
        for run in _BREAKS.findall(paragraph):
            if run[0] == " ":
                pending_space += text_points(run)
                continue
            size = text_points(run)
            if used and used + pending_space + size <= points:
                used += pending_space + size
            elif not used and size <= points:
                used = size
            else:
                if used:
                    lines += 1  # the run starts the next line
                # A run wider than a line breaks where it must, a line at a time.
                while size > points:
                    lines += 1
                    size -= points
                used = size
            pending_space = 0.0
    return lines


def word_width(texts: Iterable[Any]) -> int:
    """The width (units) that holds the longest word of `texts` whole, a word being what a
    line may not break inside: lines break at spaces and after a hyphen or a slash, never
    after ';' (a multi answer "website;briefings;staff-" is one word). LibreOffice prints about
    1.2 characters of 10-point text a unit, less the cell's margin."""
    longest = max((len(w) for text in texts if text
                   for w in _WORD_BREAKS.split(str(text))), default=0)
    return math.ceil((longest + 1.5) / 1.2)


_WORD_BREAKS = re.compile(r"[\s]+|(?<=[-/])")


def fit_row_height(ws: Any, row: int, cells: Iterable[tuple[float, Any]],
                   minimum: int = 1) -> None:
    """Set `row`'s height to hold the wrapped texts given as (column width, text) pairs."""
    ws.row_dimensions[row].height = row_height_for(cells, minimum)


def row_height_for(cells: Iterable[tuple[float, Any]], minimum: int = 1) -> float:
    """The height in points of a row holding the wrapped texts given as (column width, text)."""
    return height_of_lines(max([minimum] + [wrapped_lines(text, width) for width, text in cells]))


def height_of_lines(lines: int) -> float:
    """The height in points of a row of `lines` lines of 10-point text, at most a row's limit."""
    return min(MAX_ROW_HEIGHT, max(ROW_HEIGHT, lines * LINE_HEIGHT + 2))


def set_row_heights(ws: Any, first: int, last: int, height: float | None = None) -> None:
    """Fixed heights for rows of one line of 10-point text.

    LibreOffice re-measures rows left at the default height after it has paginated, and
    prints a blank page at the end of a long sheet; rows with a height of their own avoid
    that, and print the same in Excel.
    """
    for row in range(first, last + 1):
        ws.row_dimensions[row].height = height or ROW_HEIGHT


def key_value_rows(ws: Any, start_row: int, rows: Iterable[tuple[str, Any]],
                   key_col: int = 1) -> int:
    """Label/value pairs down two columns (labels bold on a light fill); returns the next row."""
    from stocktake.privacy.injection import set_text_cell

    labels = memo_for(ws, "label", font=LABEL_FONT, fill=LABEL_FILL, border=BOX,
                      alignment=TOP)
    values = memo_for(ws, "value", font=BODY_FONT, border=BOX, alignment=TOP_LEFT)
    row = start_row
    for key, value in rows:
        label = ws.cell(row=row, column=key_col)
        set_text_cell(label, key)
        labels.apply(label)
        cell = ws.cell(row=row, column=key_col + 1)
        set_text_cell(cell, value)
        values.apply(cell)
        row += 1
    return row


def note_rows(ws: Any, row: int, texts: Iterable[str], last_col: int, width: float) -> int:
    """Notes in small italic, one a row from `row`, each merged across columns 1 to `last_col`
    (`width` units wide in all) and as tall as its wrapped text; returns the next free row."""
    from stocktake.privacy.injection import set_text_cell

    for text in texts:
        cell = ws.cell(row=row, column=1)
        set_text_cell(cell, text)
        cell.font = NOTE_FONT
        cell.alignment = WRAP_TOP
        merge_row(ws, row, 1, last_col)
        fit_row_height(ws, row, [(width, text)])
        row += 1
    return row


def data_table(ws: Any, name: str, heads: Sequence[str], last_row: int,
               style: str = "TableStyleLight9") -> None:
    """Make rows 1 to `last_row` under `heads` (in row 1 from column A) an Excel table with
    filters and banded rows, named `name`.

    The column names are given, not read back: openpyxl reads them from the sheet by
    building every cell of the table's range, which costs as much as writing them.
    """
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    ref = f"A1:{get_column_letter(len(heads))}{last_row}"
    table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref),
                  tableColumns=[TableColumn(id=i, name=str(h)) for i, h in
                                enumerate(heads, start=1)])
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    ws.add_table(table)


def merge_row(ws: Any, row: int, first_col: int, last_col: int, *, boxed: bool = False) -> None:
    """Merge `row`'s cells from `first_col` to `last_col`; `boxed`: the merged cell is drawn
    in the thin grid box (BOX) its first cell has, as `ws.merge_cells` would draw it.

    openpyxl's merge_cells also replaces every covered cell with a placeholder and restyles
    each one, which costs more than the rest of a summary sheet; the covered cells here are
    empty, so only the box's edges need drawing on them.
    """
    from openpyxl.worksheet.cell_range import CellRange

    # Into the set itself: MultiCellRange.add first compares the range with every merge held,
    # which made a form's one merge a question quadratic in its questions.
    ws.merged_cells.ranges.add(CellRange(min_col=first_col, min_row=row, max_col=last_col,
                                         max_row=row))
    if boxed:
        middle, end = memo_for(ws, "box middle", border=BOX_MIDDLE), \
            memo_for(ws, "box end", border=BOX_END)
        for col in range(first_col + 1, last_col + 1):
            (end if col == last_col else middle).apply(ws.cell(row=row, column=col))


def save_workbook(wb: Any, path: Any, *, shared: bool = False) -> Any:
    """Save whole or not at all, owner-only unless `shared` (stocktake.files.output_files)."""
    from pathlib import Path

    from stocktake.files.output_files import save_workbook_file

    return save_workbook_file(wb, Path(path), shared=shared)


class StyleMemo:
    """Apply a fixed set of style attributes to many cells, fast.

    Setting font, fill, border and alignment on an openpyxl cell hashes each object into the
    workbook's style tables, every time; on a few thousand cells that is most of the time a
    workbook takes to write. The result depends only on the cell's style before, so it is
    worked out once per starting style and copied after (`_style` is openpyxl's per-cell
    array of style ids: stable since openpyxl 2.5, and only valid within one workbook, so
    use one memo per workbook).

        body = StyleMemo(font=BODY_FONT, alignment=WRAP_TOP)
        for cell in cells:
            body.apply(cell)
    """

    def __init__(self, **attrs: Any):
        self.attrs = attrs
        self._after: dict[tuple[int, ...], Any] = {}

    def apply(self, cell: Any) -> None:
        from copy import copy

        style = cell._style
        before = tuple(style) if style is not None else ()  # None: never styled
        after = self._after.get(before)
        if after is None:
            for name, value in self.attrs.items():
                setattr(cell, name, value)
            self._after[before] = copy(cell._style)
        else:
            cell._style = copy(after)


_MEMOS: Any = None  # workbook -> {name: StyleMemo}, forgotten with the workbook


def memo_for(ws: Any, name: str, **attrs: Any) -> "StyleMemo":
    """The workbook's StyleMemo called `name` (made with `attrs` the first time): a style
    used on many cells of many sheets is worked out once per workbook."""
    global _MEMOS
    import weakref

    if _MEMOS is None:
        _MEMOS = weakref.WeakKeyDictionary()
    memos = _MEMOS.setdefault(ws.parent, {})
    memo = memos.get(name)
    if memo is None:
        memo = memos[name] = StyleMemo(**attrs)
    return memo


def chart_title(text: str, size: float = 11) -> Any:
    """A chart title in a size that leaves the plot room (both programs default to 13+ pt)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (CharacterProperties, Paragraph, ParagraphProperties,
                                       RegularTextRun)

    props = CharacterProperties(sz=int(size * 100), b=True, solidFill=ACCENT)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=props),
                          r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


CM_PER_PIXEL = 2.54 / 96
DEFAULT_ROW_POINTS = 15.0  # a row Excel and LibreOffice leave at its default height
CHART_GAP_EMU = 72_000  # 2 mm between charts set side by side (360,000 EMU to the cm)


def column_cm(width: float) -> float:
    """A column of `width` units (characters of Calibri 11's digits) in cm as Excel draws it:
    seven pixels a character and five of padding, at 96 pixels an inch."""
    return math.trunc(width * 7 + 5) * CM_PER_PIXEL


def columns_spanning(ws: Any, first_col: int, cm: float) -> int:
    """The last column (1-based) such that columns `first_col` to it are at least `cm` wide,
    read from the sheet's widths (8.43 where none is set); set the widths first."""
    col, total = first_col, 0.0
    while True:
        dim = ws.column_dimensions.get(get_column_letter(col))
        width = dim.width if dim is not None and dim.width else 8.43
        total += column_cm(width)
        if total >= cm:
            return col
        col += 1


def place_chart(ws: Any, chart: Any, first_col: int, last_col: int, top_row: int,
                rows: int | None = None, *, cm_high: float | None = None,
                gap_before: bool = False) -> None:
    """Anchor `chart` to cells: columns `first_col` to `last_col` (1-based, inclusive) from
    `top_row`, over `rows` rows (or as many default rows as make `cm_high`). A chart sized in
    cm beside columns sized in characters spills over its neighbour or past the print area
    wherever the reader's font differs from the writer's guess; one that covers cells moves and
    sizes with them, in Excel and LibreOffice alike. `gap_before` leaves 2 mm at its left, for
    a chart set beside another."""
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor

    if rows is None:
        if cm_high is None:
            raise ValueError("place_chart needs rows or cm_high")
        rows = max(1, round(cm_high / (DEFAULT_ROW_POINTS / 72 * 2.54)))
    anchor = TwoCellAnchor(editAs="twoCell")
    anchor._from = AnchorMarker(col=first_col - 1, row=top_row - 1,
                                colOff=CHART_GAP_EMU if gap_before else 0)
    anchor.to = AnchorMarker(col=last_col, row=top_row - 1 + rows)
    chart.anchor = anchor
    ws.add_chart(chart)


# One hue, light (low) to dark (high): it reads the same in greyscale and to colour-blind
# readers, and dark ink stays legible on the darkest step (ColorBrewer "Blues", cut short).
HEAT_COLOURS = ((0, "F7FBFF"), (50, "9ECAE1"), (100, "4292C6"))


def heat_scale() -> Any:
    """The colour scale every workbook uses for scores, at fixed points so a colour means the
    same score everywhere."""
    from openpyxl.formatting.rule import ColorScaleRule

    (lo, lo_c), (mid, mid_c), (hi, hi_c) = HEAT_COLOURS
    return ColorScaleRule(start_type="num", start_value=lo, start_color=lo_c,
                          mid_type="num", mid_value=mid, mid_color=mid_c,
                          end_type="num", end_value=hi, end_color=hi_c)


def heat_legend(ws: Any, row: int, col: int) -> None:
    """A legend for heat_scale: a label, then swatches for 0, 25, 50, 75 and 100."""
    from stocktake.privacy.injection import set_text_cell

    label = ws.cell(row=row, column=col)
    set_text_cell(label, "Colour: score from 0 (light) to 100 (dark)")
    label.font = NOTE_FONT
    label.alignment = WRAP_TOP
    fit_row_height(ws, row, [(ws.column_dimensions[label.column_letter].width or 20,
                              label.value)], minimum=2)
    for offset, value in enumerate((0, 25, 50, 75, 100), start=1):
        cell = ws.cell(row=row, column=col + offset)
        cell.value = value
        cell.font = BODY_FONT
        cell.alignment = Alignment(horizontal="center")
        cell.border = BOX
        fill_heat(cell, value)


def fill_heat(cell: Any, value: float) -> None:
    """Fill a legend cell with the heat scale's colour at `value`."""
    rgb = _heat_at(value)
    cell.fill = PatternFill("solid", start_color=rgb, end_color=rgb)


def _heat_at(value: float) -> str:
    """The scale's colour at `value`, interpolated as Excel and LibreOffice do."""
    points = HEAT_COLOURS
    for (a, ca), (b, cb) in zip(points, points[1:]):
        if a <= value <= b:
            t = (value - a) / (b - a)
            parts = [round(int(ca[i:i + 2], 16) + t * (int(cb[i:i + 2], 16) - int(ca[i:i + 2], 16)))
                     for i in (0, 2, 4)]
            return "".join(f"{p:02X}" for p in parts)
    return points[-1][1]


def _install_chart_alt_text() -> None:
    """openpyxl writes no alternative text for charts; a chart's `alt_text` attribute becomes
    the description (`descr`) of its drawing frame, which screen readers announce."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

    if getattr(SpreadsheetDrawing, "_stocktake_alt_text", False):
        return
    original = SpreadsheetDrawing._chart_frame

    def chart_frame(self: Any, idx: int) -> Any:
        frame = original(self, idx)
        # Charts come first in the drawing's numbering (openpyxl 3.1 _write: charts + images).
        chart = self.charts[idx - 1] if 0 < idx <= len(self.charts) else None
        text = getattr(chart, "alt_text", None)
        if text:
            frame.nvGraphicFramePr.cNvPr.descr = text
        return frame

    SpreadsheetDrawing._chart_frame = chart_frame
    SpreadsheetDrawing._stocktake_alt_text = True


_install_chart_alt_text()
