"""The national workbook's Answers sheet: every merged answer in long form, one row each.

Its columns, their widths and which of them wrap live here; the rows themselves are written
by rustpy-xlsxwriter and put into the sheet openpyxl wrote (stocktake.workbooks.bulk_sheet),
since a round of 153 partnerships holds 150,000 of them.

    source = AnswerRows.of([{"partnership": "E09000001", ...}, ...])   # or a merge's spool
    write_national_workbook(path, ..., answers=source)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

NATIONAL_ANSWER_COLUMNS = ("partnership", "name", "region", "respondent", "role", "role_title",
                           "reported_apart", "area", "question", "question_text", "value",
                           "score", "status")
WIDTHS = dict(zip(NATIONAL_ANSWER_COLUMNS, (12, 20, 16, 20, 12, 22, 9, 14, 20, 46, 16, 7, 10)))
# Text that runs long wraps (and its row grows), so nothing is cut off on paper.
WRAPPED = ("name", "region", "respondent", "role_title", "question", "question_text", "value")
FORMATS = tuple("wrap" if c in WRAPPED else "top" for c in NATIONAL_ANSWER_COLUMNS)
VALUE_COL = NATIONAL_ANSWER_COLUMNS.index("value")
VALUE_WIDTHS = (WIDTHS["value"], 30)  # the value column's least and greatest width


def value_width(bank: Any) -> int:
    """The value column's width (units) for answers to `bank`: as wide as the longest run a
    line cannot break (a multi answer of every option, "website;briefings;staff-", breaks only
    at its hyphens; stocktake.workbooks.styles.word_width), within VALUE_WIDTHS; so no chosen
    option id breaks mid-word on screen or paper."""
    from stocktake.workbooks.styles import word_width

    runs = [";".join(o.id for o in q.options) for q in bank.questions if q.options]
    least, most = VALUE_WIDTHS
    return max(least, min(most, word_width(runs)))


def _wrap_at(value: float) -> list[tuple[int, float]]:
    return [(i, value if i == VALUE_COL else WIDTHS[c])
            for i, c in enumerate(NATIONAL_ANSWER_COLUMNS) if c in WRAPPED]


def answer_cells(row: Mapping[str, Any]) -> list[Any]:
    """One answer (a mapping by NATIONAL_ANSWER_COLUMNS) as the sheet's cells, in column order:
    text as a cell holds it (stocktake.returns.seal.clean_text), empty text as no cell."""
    from stocktake.returns.seal import clean_text

    return [None if (v := clean_text(row.get(c))) == "" else v for c in NATIONAL_ANSWER_COLUMNS]


def answer_heights(rows: Iterable[Sequence[Any]], value: float = WIDTHS["value"]
                   ) -> list[float]:
    """Each row's height in points, from its wrapped cells (stocktake.workbooks.styles) with
    the value column `value` units wide (value_width of the bank), each text's line count
    worked out once."""
    from stocktake.workbooks.styles import height_of_lines, wrapped_lines

    counted: dict[tuple[int, Any], int] = {}
    heights = []
    wrap_at = _wrap_at(value)
    for cells in rows:
        lines = 1
        for i, width in wrap_at:
            key = (i, cells[i])
            n = counted.get(key)
            if n is None:
                n = counted[key] = wrapped_lines(cells[i], width)
            if n > lines:
                lines = n
        heights.append(height_of_lines(lines))
    return heights


@dataclass(frozen=True)
class AnswerRows:
    """The Answers sheet's rows, ready to write: iterating `rows` yields each row's cells in
    order (as answer_cells), `heights` holds each row's height in points with the value column
    `value_width` units wide, `count` is how many there are. Both pickle: the rows are written
    in another process."""

    rows: Iterable[list[Any]]
    heights: Sequence[float]
    count: int
    value_width: float = WIDTHS["value"]

    @classmethod
    def of(cls, answers: Iterable[Mapping[str, Any]], value: float = WIDTHS["value"]
           ) -> "AnswerRows":
        """From mappings by NATIONAL_ANSWER_COLUMNS, all held in memory; `value` as in
        answer_heights."""
        cells = [answer_cells(a) for a in answers]
        return cls(cells, answer_heights(cells, value), len(cells), value)


def start_answer_rows(answers: AnswerRows) -> Any:
    """Begin writing the rows (by rustpy-xlsxwriter, in child processes: one per CPU for a
    national round, bulk_sheet.writers_for): a bulk_sheet.PendingRows, whose `.result()` the
    national workbook splices in after openpyxl has written the rest, and whose `.cancel()`
    cleans up."""
    from stocktake.workbooks.bulk_sheet import start_bulk_parts, writers_for

    writers = writers_for(answers.count)
    # Rows a merge spooled (answer_spool.SpooledRows) cut at returns' ends, one part a child.
    split = getattr(answers.rows, "split", None)
    parts: list[tuple[Any, Any, int]] = [(answers.rows, answers.heights, answers.count)]
    if split is not None and writers > 1:
        parts = [(part, part.heights(), part.count) for part in split(writers)]
    return start_bulk_parts(NATIONAL_ANSWER_COLUMNS, FORMATS, parts)


def write_answers_sheet(ws: Any, rows: Any, value: float = WIDTHS["value"]) -> None:
    """The header, widths (the value column `value` units, as the rows' heights were worked
    out), filter and frozen header row of the Answers sheet `ws` (openpyxl), whose `rows`
    (bulk_sheet.BulkRows, perhaps still being written) are spliced in once the workbook is
    saved."""
    from openpyxl.utils import get_column_letter

    from stocktake.workbooks.styles import set_widths, style_header_row

    ws.append(list(NATIONAL_ANSWER_COLUMNS))
    rows.register(ws)
    style_header_row(ws, 1, 1, len(NATIONAL_ANSWER_COLUMNS), height=32)
    if rows.count:
        ws.auto_filter.ref = (f"A1:{get_column_letter(len(NATIONAL_ANSWER_COLUMNS))}"
                              f"{rows.count + 1}")
    ws.freeze_panes = "A2"
    set_widths(ws, {i: value if i - 1 == VALUE_COL else WIDTHS[c]
                    for i, c in enumerate(NATIONAL_ANSWER_COLUMNS, start=1)})
