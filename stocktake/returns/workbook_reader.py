"""Reading the cells of returned workbooks fast: python-calamine, openpyxl read-only as fallback.

Reading is most of a national merge's cost. On a 4,000-row workbook python-calamine (Rust) was
about 17 times faster than openpyxl's read-only mode; `benchmarks/bench_merge.py` measures both
on exported workbooks, so the choice stays a measurement. openpyxl remains the fallback for a file
calamine cannot parse, and the baseline the benchmark compares against.

Both readers give the same shape: per sheet, a list of rows, each a list of cell values, with
None for an empty cell (calamine's "" and openpyxl's None agree), so callers never care which
reader ran. Callers check the file with :func:`stocktake.returns.file_checks.check_workbook_file` first.

    sheets = read_sheets(Path("returns/camden.xlsx"), ["About", "Answers"])
    for row in sheets["Answers"][1:]:
        ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from stocktake.errors import StocktakeError, is_library_failure
# cell_ref and the part lookups are imported from here by callers written before they moved.
from stocktake.returns.workbook_parts import (_RELATION_TAG, _SHEET_TAG,  # noqa: F401
                                              _attributes, cell_ref, sheet_names_in_book,
                                              sheet_part)

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
    except BaseException as exc:  # noqa: BLE001 - any calamine failure falls back to openpyxl,
        if not is_library_failure(exc):  # a panic too
            raise
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
    from stocktake.returns.sheet_bounds import check_sheet_bounds

    # Both readers make a dense grid out to the last cell: bounded before either starts.
    check_sheet_bounds(path, wanted + maybe)
    if reader == "calamine":
        try:
            return _read_calamine(path, wanted, maybe, empty_as_none)
        except MissingSheet:
            raise
        except BaseException as exc:  # noqa: BLE001 - a file calamine chokes on, or panics
            if not is_library_failure(exc):  # on, gets the second reader
                raise
    return _read_openpyxl(path, wanted, maybe)


def sheet_by_header(path: Path, fits: Callable[[list[str]], bool], *,
                    look_rows: int = 10) -> tuple[str, Rows, int]:
    """(name, rows, header index) of the first sheet one of whose first `look_rows` rows
    `fits` (given the row's cells as trimmed lower-case text); else the first sheet, with 0.

    Spreadsheets put other sheets first (Apple Numbers an "Export Summary", a user a notes
    sheet), so a reader that took the first sheet read the wrong one; callers name the sheet
    read in every message. StocktakeError for a workbook with no sheets.
    """
    path = Path(path)
    names = sheet_names(path)
    if not names:
        raise StocktakeError(f"{path}: the workbook has no sheets")
    first: tuple[str, Rows, int] | None = None
    for name in names:
        rows = read_sheets(path, [name])[name]
        if first is None:
            first = (name, rows, 0)
        for index, row in enumerate(rows[:look_rows]):
            cells = ["" if v is None else str(v).strip().lower() for v in row]
            if fits(cells):
                return name, rows, index
    assert first is not None, "names is not empty, so the loop set the first sheet"
    return first


def _read_calamine(path: Path, wanted: list[str], maybe: list[str],
                   empty_as_none: bool = True) -> dict[str, Rows]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))

    def rows_of(name: str) -> Rows:
        # skip_empty_area=False keeps row 1 as row 1 even when its first cells are empty.
        rows: Rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
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
    from stocktake.returns.file_checks import safe_load_workbook

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


_FORMULA_ELEMENT = None


def formulas_without_values(path: Path, sheets: Iterable[str]) -> list[str]:
    """Cells ("Answers!G5") of the named sheets that hold a formula with no saved value.

    Such a cell reads as empty (neither reader calculates), so a pasted or typed formula that
    no spreadsheet program has calculated and saved would look like a removed answer. A quick
    scan of the sheets' XML for a formula element comes first; only a file that has one is
    parsed again with openpyxl, formulas and saved values side by side. Failures give [].
    """
    import re
    import zipfile

    global _FORMULA_ELEMENT
    if _FORMULA_ELEMENT is None:
        _FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
    try:
        with zipfile.ZipFile(path) as archive:
            has_formula = any(
                _FORMULA_ELEMENT.search(archive.read(info))
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError):
        return []
    if not has_formula:
        return []
    found: list[str] = []
    from stocktake.returns.sheet_bounds import check_sheet_bounds

    sheets = list(sheets)
    check_sheet_bounds(path, sheets)
    try:
        from stocktake.returns.file_checks import safe_load_workbook

        formulas = safe_load_workbook(path, read_only=True, data_only=False)
        values = safe_load_workbook(path, read_only=True, data_only=True)
        try:
            for name in sheets:
                if name not in formulas.sheetnames:
                    continue
                # A stale or hostile <dimension> would pad every row out to its claim.
                formulas[name].reset_dimensions()
                values[name].reset_dimensions()
                for r, (frow, vrow) in enumerate(zip(formulas[name].iter_rows(values_only=True),
                                                     values[name].iter_rows(values_only=True)),
                                                 start=1):
                    for c, (f, v) in enumerate(zip(frow, vrow), start=1):
                        if isinstance(f, str) and f.startswith("=") and v is None:
                            found.append(f"{name}!{cell_ref(r, c)}")
        finally:
            formulas.close()
            values.close()
    except Exception:  # noqa: BLE001 - a diagnosis only: the caller's own reason stands
        return []
    return found


def formula_reason(cells: list[str]) -> str:
    """The plain words for cells that hold formulas with no saved value."""
    shown = ", ".join(cells[:5]) + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")
    one = len(cells) == 1
    return (f"cell{'' if one else 's'} {shown} hold{'s' if one else ''} a formula with no saved "
            "value: open and save the file in Excel or LibreOffice (which calculates it), or "
            "type the value instead")
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
    formula saved with no result (calamine and openpyxl read it as empty). `formula` is the
    formula of a cell holding one, saved result or not ("=1+1"; "=" alone for a cell of a
    shared formula that carries no text of its own), else "": both readers give a formula's
    saved result as if it had been typed, so `=1+1` reads as 2.
    """

    number_format: str = "General"
    error: str | None = None
    formula_without_value: bool = False
    formula: str = ""

    @property
    def kind(self) -> str:
        return format_kind(self.number_format)


def cell_facts(path: Path, sheet: str) -> dict[tuple[int, int], CellFacts]:
    """The facts of one sheet; see :func:`sheets_cell_facts`."""
    return sheets_cell_facts(path, [sheet]).get(sheet, {})


def sheets_cell_facts(path: Path, sheets: Iterable[str]) -> dict[str, dict[tuple[int, int],
                                                                            CellFacts]]:
    """Per sheet, (row, column) -> CellFacts for each cell with a value that is not plain.

    Read from the workbook's XML (styles.xml and the sheet's `s` and `t` attributes), because
    neither calamine nor openpyxl's read-only values say that 0.15 was typed as 15% or that an
    empty value was #N/A. Only cells holding a value or formula with a number format other than
    General (or a plain number format), an error, or a formula (with its text, `formula`) are
    returned, so the map stays small. An unreadable part gives an empty map: the values are then read as
    the reader gives them. Call :func:`stocktake.returns.file_checks.check_workbook_file` first.

    The parts are scanned with regular expressions over bytes rather than parsed: a form sheet
    took 50 ms through defusedxml's iterparse, three times the rest of the import, and a
    pattern match expands no entities, so it is as safe as the parser on untrusted files.
    """
    import zipfile

    found: dict[str, dict[tuple[int, int], CellFacts]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            formats: list[list[str]] = []

            def load_formats() -> list[str]:
                if not formats:
                    formats.append(_style_formats(archive, names))
                return formats[0]

            for sheet in sheets:
                part = sheet_part(archive, names, sheet)
                found[sheet] = {} if part is None else _scan_cells(archive.read(part),
                                                                   load_formats)
    except Exception:  # noqa: BLE001 - facts are extra; the values are still read and checked
        return {}
    return found


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


_NUMFMT_TAG = re.compile(rb"<(?:[\w.-]+:)?numFmt\s([^>]*?)/?>")
_CELLXFS = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^>]*>(.*?)</(?:[\w.-]+:)?cellXfs>", re.DOTALL)
_XF_TAG = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*?)/?>")
_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)(/?)>")
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)/?>")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>([^<]*)<")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b([^>]*?)(/?)>")
_FORMULA_END = re.compile(rb"</(?:[\w.-]+:)?f>")


def _style_formats(archive: Any, names: set[str]) -> list[str]:
    """Number format code per cell style index (cellXfs order)."""
    if "xl/styles.xml" not in names:
        return []
    styles = archive.read("xl/styles.xml")
    custom: dict[int, str] = {}
    for tag in _NUMFMT_TAG.finditer(styles):
        attrs = _attributes(tag.group(1))
        try:
            custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode") or ""
        except ValueError:
            continue
    codes: list[str] = []
    block = _CELLXFS.search(styles)
    xfs = block.group(1) if block else b""
    used = {int(n) for n in re.findall(rb"numFmtId\s*=\s*[\"'](\d+)[\"']", xfs)}
    if all(format_kind(custom.get(n) or BUILTIN_FORMATS.get(n, "General"))
           in ("general", "number") for n in used):
        return []  # no style changes what a number means: nothing to look up per cell
    for tag in _XF_TAG.finditer(xfs):
        try:
            number = int(_attributes(tag.group(1)).get("numFmtId", "0"))
        except ValueError:
            number = 0
        codes.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    return codes


_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\bt\s*=\s*[\"']e[\"']")
_FORMULA_START = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def _scan_cells(xml: bytes, load_formats: Callable[[], list[str]]) -> dict[tuple[int, int],
                                                                          CellFacts]:
    """Facts of the cells that hold something and are not plain (empty cells mean nothing,
    whatever their format). C-level searches find the few candidates, error cells, formulas
    and cells in a special style, so a plain form costs one pass of each over its bytes."""
    formats = load_formats()
    special = [str(i).encode() for i, code in enumerate(formats)
               if format_kind(code) not in ("general", "number")]
    starts: set[int] = set()
    # The byte tests are quick and mostly false; the patterns run only where they may match.
    if b'"e"' in xml or b"'e'" in xml:
        starts.update(m.start() for m in _ERROR_CELL.finditer(xml))
    if b"<f" in xml or b":f" in xml:
        # A formula is a cell's first child, so the tag just before it opens the cell.
        starts.update(xml.rfind(b"<", 0, m.start()) for m in _FORMULA_START.finditer(xml))
    if special:
        styled = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\bs\s*=\s*[\"'](?:"
                            + b"|".join(special) + rb")[\"']")
        starts.update(m.start() for m in styled.finditer(xml))
    facts: dict[tuple[int, int], CellFacts] = {}
    for start in sorted(starts):
        match = _CELL.match(xml, start)
        if match is None:
            continue
        prefix, raw, closed = match.groups()
        if closed:
            continue  # an empty cell holds nothing to read
        attrs = _attributes(raw)
        ref = attrs.get("r")
        if not ref:
            return _scan_cells_in_order(xml, formats)
        found = _facts_of(xml, match, prefix, attrs, formats)
        if found is not None:
            facts[_position(ref, 0, 0)] = found
    return facts


def _facts_of(xml: bytes, match, prefix: bytes, attrs: dict, formats: list[str]
              ) -> CellFacts | None:
    """What one cell's XML says that a reader's value drops (an error, a formula with no saved
    result, a number format that changes the meaning), or None when it says nothing more."""
    end = xml.find(b"</" + prefix + b"c>", match.end())
    body = xml[match.end():end if end >= 0 else len(xml)]
    kind = attrs.get("t")
    value = _VALUE.search(body)
    text = value.group(1).decode("utf-8", "replace").strip() if value else ""
    error = (text or "#N/A") if kind == "e" else None
    tag = _FORMULA.search(body)
    formula = "" if tag is None else "=" + _formula_text(body, tag)
    empty_formula = tag is not None and not text and kind not in ("e", "str", "inlineStr")
    style = attrs.get("s", "0")
    code = formats[int(style)] if style.isdigit() and int(style) < len(formats) else "General"
    if error or formula or format_kind(code) not in ("general", "number"):
        return CellFacts(code, error, empty_formula, formula)
    return None


def _formula_text(body: bytes, tag: Any) -> str:
    """The text of the formula element `tag` opens in a cell's `body` ("" when self-closed)."""
    from html import unescape

    if tag.group(2):
        return ""
    end = _FORMULA_END.search(body, tag.end())
    if end is None:
        return ""
    return unescape(body[tag.end():end.start()].decode("utf-8", "replace")).strip()


def _scan_cells_in_order(xml: bytes, formats: list[str]) -> dict[tuple[int, int], CellFacts]:
    """The slow way, for writers that leave out cell references: count rows and columns."""
    facts: dict[tuple[int, int], CellFacts] = {}
    rows = [(m.start(), m.group(1)) for m in _ROW.finditer(xml)]
    row_index, row_number, column = 0, 0, 0
    for match in _CELL.finditer(xml):
        while row_index < len(rows) and rows[row_index][0] < match.start():
            given = _attributes(rows[row_index][1]).get("r", "")
            row_number = int(given) if given.isdigit() else row_number + 1
            row_index += 1
            column = 0
        prefix, raw, closed = match.groups()
        attrs = _attributes(raw)
        row_number, column = _position(attrs.get("r"), row_number, column + 1)
        if closed:
            continue
        found = _facts_of(xml, match, prefix, attrs, formats)
        if found is not None:
            facts[(row_number, column)] = found
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
