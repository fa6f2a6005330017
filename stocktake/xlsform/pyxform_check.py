"""Converting an XLSForm with pyxform, the library ODK Central and KoboToolbox convert with.

pyxform is optional (the `xlsform` extra): export needs only openpyxl, and the check runs when
pyxform is installed. ODK Validate (Java) is never asked for: `validate=False`.

    result = convert_xlsform(Path("idea.xlsx"))     # XForm text and pyxform's warnings
    result.xform.startswith("<?xml")

pyxform's API: `pyxform.xls2xform.convert(xlsform, warnings=None, validate=False, ...)` returns
a ConvertResult with `.xform` and `.warnings`, and raises `pyxform.errors.PyXFormError` whose
message names the sheet and row (pyxform 4, xls2xform.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stocktake.errors import StocktakeError


@dataclass(frozen=True)
class Conversion:
    xform: str
    warnings: tuple[str, ...]


def pyxform_available() -> bool:
    try:
        import pyxform  # noqa: F401
    except ImportError:
        return False
    return True


def convert_xlsform(source: Path | bytes, name: str = "") -> Conversion:
    """The XForm pyxform makes of an .xlsx (a path or its bytes).

    Raises StocktakeError with pyxform's own message (which names sheet and row) when pyxform
    refuses the form, and when pyxform is not installed.
    """
    try:
        from pyxform.errors import PyXFormError
        from pyxform.xls2xform import convert
    except ImportError:
        raise StocktakeError("pyxform is not installed, so the XLSForm cannot be checked",
                             hint="pip install 'stocktake[xlsform]'")
    import io

    label = name or (str(source) if isinstance(source, Path) else "the XLSForm")
    if isinstance(source, Path) and source.suffix.lower() != ".xls":
        from stocktake.returns.sheet_bounds import check_workbook_bounds

        # pyxform densifies every sheet through openpyxl: a stray far cell is refused first.
        check_workbook_bounds(source)
    data = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    warnings: list[str] = []
    try:
        kind = ".xls" if isinstance(source, Path) and source.suffix.lower() == ".xls" else \
            ".xlsx"
        result = convert(xlsform=data, warnings=warnings, validate=False, pretty_print=True,
                         file_type=kind)
    except PyXFormError as exc:
        raise StocktakeError(f"{label}: pyxform refused the form: {exc}",
                             hint="fix the sheet and row named, then try again")
    except Exception as exc:  # noqa: BLE001 - pyxform's readers raise plain errors on bad files
        raise StocktakeError(f"{label}: pyxform could not read the form ({type(exc).__name__}: "
                             f"{exc})", hint="save it as an .xlsx workbook from Excel or "
                                             "LibreOffice")
    return Conversion(result.xform, tuple(str(w) for w in warnings))
