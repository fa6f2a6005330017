"""The codebook as sheets: Variables and Values (a codebook workbook), and one Codebook sheet of
both (the national workbook). Holds the bank's words only, never an answer.

    write_codebook_sheet(wb.create_sheet("Codebook"), codebook(bank), header_left=..., ...)
"""

from __future__ import annotations

from typing import Any

from stocktake.banks.codebook import Codebook, Value, Variable
from stocktake.workbooks.table_sheet import write_table_sheet

VARIABLE_HEADS = ("variable", "question", "option", "area", "type", "text", "roles", "unit",
                  "min", "max", "scored", "weight", "condition", "scoring", "measure")
VALUE_HEADS = ("variable", "code", "label", "option", "score", "missing")
# One table of both: each variable's row, then one row per value it takes.
FLAT_HEADS = ("row", "variable", "question", "option", "area", "type", "text or label",
              "roles", "unit", "min", "max", "scored", "weight", "condition", "scoring",
              "code", "score", "missing")
CODEBOOK_PURPOSE = ("The codebook of the analysts' data files (stocktake export --format "
                    "spss|stata|parquet|csv, merge --data): each variable and every value "
                    "it takes, N/A and don't know with their codes")


def variable_row(v: Variable) -> list[Any]:
    return [v.name, v.question, v.option, v.area, v.type, v.text, v.roles, v.unit, v.min,
            v.max, "yes" if v.scored else "no", v.weight, v.condition, v.scoring, v.measure]


def value_row(v: Value) -> list[Any]:
    return [v.variable, v.code, v.label, v.option, v.score, "yes" if v.missing else "no"]


def flat_rows(book: Codebook) -> list[list[Any]]:
    """FLAT_HEADS rows: a variable, then its values."""
    rows: list[list[Any]] = []
    for var in book.variables:
        rows.append(["variable", var.name, var.question, var.option, var.area, var.type,
                     var.text, var.roles, var.unit, var.min, var.max,
                     "yes" if var.scored else "no", var.weight, var.condition, var.scoring,
                     None, None, None])
        for val in book.values_of(var.name):
            rows.append(["value", var.name, var.question, val.option, var.area, "", val.label,
                         "", "", None, None, "", None, "", "", val.code, val.score,
                         "yes" if val.missing else "no"])
    return rows


def about_rows(book: Codebook) -> list[tuple[str, str]]:
    from stocktake.banks.codebook import DK_CODE, NA_CODE

    return [("bank", book.bank), ("title", book.title), ("edition", book.edition),
            ("hash", book.hash),
            ("scoring", book.scoring),
            ("missing values", f"Not applicable {NA_CODE}, don't know {DK_CODE} in numeric "
                               "columns (SPSS: declared user-missing; Stata, Parquet, CSV: "
                               "the numbers, labelled), na and dk in text columns; an empty "
                               "cell: not asked or not answered"),
            ("multi-select", "one 0/1 column per option (1 chosen), as KoboToolbox's formpack "
                             "exports them"),
            ("names", "variable names are the question ids in lower case, . and - as _, at "
                      "most 28 characters (longer ids end with 4 hex digits of their SHA-1)")]


def write_codebook_sheet(ws: Any, book: Codebook, *, header_left: str, header_right: str
                         ) -> None:
    """The flat codebook (FLAT_HEADS) on `ws`, as a table that filters and prints."""
    write_table_sheet(ws, FLAT_HEADS, flat_rows(book),
                      widths=[9, 28, 30, 16, 14, 10, 60, 16, 8, 6, 6, 7, 6, 30, 30, 7, 7, 8],
                      header_left=header_left, header_right=header_right)
