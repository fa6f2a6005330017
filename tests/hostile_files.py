"""Building returned files the way a hostile or careless partner would: About values changed in
a real workbook, and an export's plain seal recomputed so only a keyed seal can tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def set_about(path: Path, changes: dict[str, Any], *, rows_too: bool = True) -> Path:
    """Change About values (column A key, column B value) in place; with `rows_too`, a changed
    partnership code is changed in every row of the data sheets as well."""
    wb = load_workbook(path)
    about = wb["About"]
    old_code = None
    for row in about.iter_rows():
        key = row[0].value
        if key in changes:
            if key == "partnership":
                old_code = row[1].value
            row[1].value = changes[key]
            row[1].data_type = "s" if isinstance(changes[key], str) else row[1].data_type
    if rows_too and old_code is not None:
        for name in ("Answers", "_responses", "_moderations"):
            if name not in wb.sheetnames:
                continue
            ws = wb[name]
            header = [c.value for c in ws[1]]
            if "partnership" not in header:
                continue
            col = header.index("partnership") + 1
            for r in range(2, ws.max_row + 1):
                if ws.cell(r, col).value == old_code:
                    ws.cell(r, col).value = changes["partnership"]
                    ws.cell(r, col).data_type = "s"
    wb.save(path)
    return path


def recompute_seal(path: Path, bank) -> str:
    """Put the plain SHA-256 seal of the workbook's data back in its About sheet, as anyone
    holding the file can (the method is public)."""
    from stocktake.merge import _records, about_values
    from stocktake.returns.seal import (ANSWER_FIELDS, MODERATION_FIELDS, RESPONSE_FIELDS,
                                canonical_answer_lists, canonical_lists, canonical_rows,
                                seal_of)
    from stocktake.returns.workbook_reader import read_sheets

    sheets = read_sheets(path, ["About", "Answers", "_responses"], optional=["_moderations"],
                         empty_as_none=False)
    about = about_values(sheets["About"])
    seal = seal_of(
        canonical_rows("header", [about])[0],
        canonical_lists("responses", _records(path, sheets["_responses"], RESPONSE_FIELDS, "r")),
        canonical_answer_lists(_records(path, sheets["Answers"], ANSWER_FIELDS, "a"), bank),
        canonical_lists("moderations", _records(
            path, sheets.get("_moderations") or [list(MODERATION_FIELDS)], MODERATION_FIELDS,
            "m")))
    set_about(path, {"seal": seal}, rows_too=False)
    return seal


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time in ns, by relative path."""
    found = {}
    for item in root.rglob("*"):
        if item.is_file() or item.is_symlink():
            st = item.lstat()
            found[str(item.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found
