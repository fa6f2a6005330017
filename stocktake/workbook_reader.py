"""Reading the cells of returned workbooks fast: python-calamine, openpyxl read-only as fallback.

Reading is most of a national merge's cost. On a 4,000-row workbook python-calamine (Rust) was
about 17 times faster than openpyxl's read-only mode; `benchmarks/bench_merge.py` measures both
on exported workbooks, so the choice stays a measurement. openpyxl remains the fallback for a file
calamine cannot parse, and the baseline the benchmark compares against.

Both readers give the same shape: per sheet, a list of rows, each a list of cell values, with
None for an empty cell (calamine's "" and openpyxl's None agree), so callers never care which
reader ran. Callers check the file with :func:`stocktake.file_checks.check_workbook_file` first.

    sheets = read_sheets(Path("returns/camden.xlsx"), ["About", "Answers"])
    for row in sheets["Answers"][1:]:
        ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from stocktake.errors import StocktakeError

Rows = list[list[Any]]
READERS = ("calamine", "openpyxl")


class MissingSheet(StocktakeError):
    def __init__(self, path: Path, sheet: str, present: Iterable[str]):
        names = ", ".join(present) or "none"
        super().__init__(f"{path}: no sheet '{sheet}' (sheets: {names})",
                         hint="send the workbook as stocktake wrote it, with every sheet")
        self.sheet = sheet


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names in order (calamine; openpyxl if calamine cannot read it)."""
    try:
        from python_calamine import CalamineWorkbook

        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # noqa: BLE001 - any calamine failure falls back to openpyxl
        wb = _openpyxl_open(path)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()


def read_sheets(path: Path, sheets: Iterable[str], *, reader: str = "calamine",
                optional: Iterable[str] = (), empty_as_none: bool = True) -> dict[str, Rows]:
    """The rows of the named sheets; MissingSheet for a named sheet the file lacks.

    Sheets in `optional` are read when present and left out of the result when not. A file
    calamine cannot parse is tried with openpyxl before it is refused. Empty cells are None;
    with `empty_as_none` False they may also be "" (calamine's way), for callers that treat
    both alike and would rather not pay for the conversion.
    """
    path = Path(path)
    wanted, maybe = list(sheets), list(optional)
    if reader not in READERS:
        raise ValueError(f"reader must be one of {READERS}")
    if reader == "calamine":
        try:
            return _read_calamine(path, wanted, maybe, empty_as_none)
        except MissingSheet:
            raise
        except Exception:  # noqa: BLE001 - a file calamine chokes on gets the second reader
            pass
    return _read_openpyxl(path, wanted, maybe)


def _read_calamine(path: Path, wanted: list[str], maybe: list[str],
                   empty_as_none: bool = True) -> dict[str, Rows]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))

    def rows_of(name: str) -> Rows:
        # skip_empty_area=False keeps row 1 as row 1 even when its first cells are empty.
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if empty_as_none:
            rows = [[None if v == "" else v for v in row] if "" in row else row for row in rows]
        return rows

    try:
        return _pick_sheets(path, list(wb.sheet_names), wanted, maybe, rows_of)
    finally:
        close = getattr(wb, "close", None)
        if close is not None:
            close()


def _openpyxl_open(path: Path):
    from stocktake.file_checks import safe_load_workbook

    return safe_load_workbook(path, read_only=True, data_only=True)


def _read_openpyxl(path: Path, wanted: list[str], maybe: list[str]) -> dict[str, Rows]:
    wb = _openpyxl_open(path)

    def rows_of(name: str) -> Rows:
        ws = wb[name]
        # A read-only sheet trusts the file's <dimension>, which some writers leave stale.
        ws.reset_dimensions()
        return [[None if v == "" else v for v in row] for row in ws.iter_rows(values_only=True)]

    try:
        return _pick_sheets(path, list(wb.sheetnames), wanted, maybe, rows_of)
    finally:
        wb.close()


def _pick_sheets(path: Path, present: list[str], wanted: list[str], maybe: list[str],
                 rows_of: Callable[[str], Rows]) -> dict[str, Rows]:
    """The rows of each wanted sheet (MissingSheet if absent) and of each optional one present."""
    out: dict[str, Rows] = {}
    for name in wanted + maybe:
        if name not in present:
            if name in maybe:
                continue
            raise MissingSheet(path, name, present)
        out[name] = rows_of(name)
    return out


def cell_ref(row: int, col: int) -> str:
    """1-based row and column -> "F12"."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


# ---------------------------------------------------------------- what a cell's value means

ERROR_VALUES = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
                "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!")
# Excel's built-in number formats (ECMA-376 part 1, 18.8.30) that change what a number means.
BUILTIN_FORMATS = {
    5: '"$"#,##0', 6: '"$"#,##0', 7: '"$"#,##0.00', 8: '"$"#,##0.00', 9: "0%", 10: "0.00%",
    12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 49: "@",
    # 27-36 and 50-81 are dates in the East Asian editions of Excel.
    **{n: "yyyy-mm-dd" for n in (*range(27, 37), *range(50, 59))},
}


@dataclass(frozen=True)
class CellFacts:
    """What the XML says of a cell beyond its value: the readers drop all of it.

    `number_format` is the format code ("0%", "d-mmm", "@"; "General" when none); `error` the
    Excel error the cell holds ("#N/A"), else None; `formula_without_value` is True for a
    formula saved with no result (calamine and openpyxl read it as empty).
    """

    number_format: str = "General"
    error: str | None = None
    formula_without_value: bool = False

    @property
    def kind(self) -> str:
        return format_kind(self.number_format)


def cell_facts(path: Path, sheet: str) -> dict[tuple[int, int], CellFacts]:
    """(row, column) -> CellFacts for every cell of `sheet` that is not plain General.

    Read from the workbook's XML (styles.xml and the sheet's `s` and `t` attributes) through
    defusedxml, because neither calamine nor openpyxl's read-only values say that 0.15 was
    typed as 15% or that an empty value was #N/A. Only cells with a number format other than
    General, an error or a formula without a value are returned, so the map stays small. An
    unreadable part gives an empty map: the values are then read as the reader gives them.
    Call :func:`stocktake.file_checks.check_workbook_file` first.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return {}
            formats = _style_formats(archive)
            with archive.open(part) as stream:
                return _scan_cells(stream, formats)
    except Exception:  # noqa: BLE001 - facts are extra; the values are still read and checked
        return {}


def format_kind(code: str) -> str:
    """"percent", "date", "time", "datetime", "text", "fraction", "currency:<symbol>",
    "number" or "general" for a number format code (first section, as Excel applies to a
    positive number)."""
    if not code or code.strip().lower() == "general":
        return "general"
    section = _first_section(code)
    symbol = _currency_symbol(section)
    bare = re.sub(r'"[^"]*"|\\.|_.|\*.', "", section)
    elapsed = re.search(r"\[(h+|m+|s+)\]", bare, re.IGNORECASE)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    if "@" in bare:
        return "text"
    if "%" in bare:
        return "percent"
    lowered = bare.lower()
    has_date = bool(re.search(r"[dy]", lowered)) or bool(re.search(r"m{3,}", lowered)) or \
        (bool(re.search(r"m", lowered)) and not re.search(r"[hs]", lowered) and "0" not in
         lowered and "#" not in lowered)
    has_time = bool(re.search(r"[hs]", lowered)) or bool(elapsed) or "am/pm" in lowered
    if has_date and has_time:
        return "datetime"
    if has_date:
        return "date"
    if has_time:
        return "time"
    if "?/" in bare or re.search(r"/\s*\d", bare):
        return "fraction"
    if symbol:
        return f"currency:{symbol}"
    return "number"


def _first_section(code: str) -> str:
    depth_quote = False
    for index, char in enumerate(code):
        if char == '"':
            depth_quote = not depth_quote
        elif char == ";" and not depth_quote and (index == 0 or code[index - 1] != "\\"):
            return code[:index]
    return code


def _currency_symbol(section: str) -> str:
    found = re.search(r"\[\$([^\]-]+)", section)
    if found:
        return found.group(1)
    for symbol in "£$€¥":
        if symbol in section:
            return symbol
    return ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(archive: Any, name: str):
    from defusedxml.ElementTree import fromstring

    return fromstring(archive.read(name))


def _sheet_part(archive: Any, sheet: str) -> str | None:
    """The zip member holding the sheet named `sheet`, through workbook.xml and its rels."""
    names = set(archive.namelist())
    book = "xl/workbook.xml"
    if book not in names:
        return None
    rel_id = None
    for element in _parse(archive, book).iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            break
    rels = "xl/_rels/workbook.xml.rels"
    if rel_id is None or rels not in names:
        return None
    for element in _parse(archive, rels).iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == rel_id:
            target = element.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return part if part in names else None
    return None


def _style_formats(archive: Any) -> list[str]:
    """Number format code per cell style index (cellXfs order)."""
    if "xl/styles.xml" not in set(archive.namelist()):
        return []
    root = _parse(archive, "xl/styles.xml")
    custom: dict[int, str] = {}
    codes: list[str] = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "numFmt":
            try:
                custom[int(element.get("numFmtId", ""))] = element.get("formatCode") or ""
            except ValueError:
                continue
        elif name == "cellXfs":
            for xf in element:
                try:
                    number = int(xf.get("numFmtId", "0"))
                except ValueError:
                    number = 0
                codes.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return codes


def _scan_cells(stream: Any, formats: list[str]) -> dict[tuple[int, int], CellFacts]:
    from defusedxml.ElementTree import iterparse

    facts: dict[tuple[int, int], CellFacts] = {}
    row_number, column = 0, 0
    for event, element in iterparse(stream, events=("start", "end")):
        name = _local(element.tag)
        if event == "start":
            if name == "row":
                given = element.get("r")
                row_number = int(given) if given and given.isdigit() else row_number + 1
                column = 0
            continue
        if name == "row":
            element.clear()
            continue
        if name != "c":
            continue
        ref = element.get("r")
        row_number, column = _position(ref, row_number, column + 1)
        style = element.get("s")
        code = "General"
        if style and style.isdigit() and int(style) < len(formats):
            code = formats[int(style)]
        kind = element.get("t")
        value = formula = None
        for child in element:
            tag = _local(child.tag)
            if tag == "v":
                value = child.text
            elif tag == "f":
                formula = child
        error = (value or "#N/A").strip() if kind == "e" else None
        empty_formula = formula is not None and (value is None or value == "") and kind != "e"
        if error or empty_formula or format_kind(code) != "general" and \
                format_kind(code) != "number":
            facts[(row_number, column)] = CellFacts(code, error, empty_formula)
        element.clear()
    return facts


def _position(ref: str | None, row: int, column: int) -> tuple[int, int]:
    """(row, column) from "F12", or the running position for a cell written without `r`."""
    if not ref:
        return row, column
    letters = "".join(c for c in ref if c.isalpha()).upper()
    digits = "".join(c for c in ref if c.isdigit())
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return (int(digits) if digits else row), (number or column)
