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
    try:
        from stocktake.file_checks import safe_load_workbook

        formulas = safe_load_workbook(path, read_only=True, data_only=False)
        values = safe_load_workbook(path, read_only=True, data_only=True)
        try:
            for name in sheets:
                if name not in formulas.sheetnames:
                    continue
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
