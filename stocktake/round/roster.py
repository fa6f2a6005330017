"""The roster: the people asked to answer in each partnership, checked whole before it is stored.

A roster file is CSV or xlsx with the columns `partnership, role, respondent, email` and
optionally `organisation`. Every bad row is listed by line (or cell) and nothing is stored when
any row is bad: an unknown partnership, a role the bank does not have, the same respondent twice
in one partnership, a malformed e-mail address.

    entries = read_roster_file(Path("roster.csv"), bank, known_codes, existing=ws_roster)
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from stocktake.errors import StocktakeError
from stocktake.records.roster_and_plans import RosterEntry, name_key  # noqa: F401 - re-exported

COLUMNS = ("partnership", "role", "respondent", "email")
OPTIONAL_COLUMNS = ("organisation",)
# Deliberately plain: one @, no spaces, a dot in the domain. Real validation is the mail server's.
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
MAX_ROWS = 20_000  # 153 partnerships x 20 respondents is 3,060; far beyond that is not a roster
MAX_LISTED = 50


def _control_in(text: str) -> str | None:
    """The first control or format character in `text`, described ('U+0085 (NEL)'), or None.

    Tabs and line ends (a cell typed with Alt+Enter) are collapsed to spaces, as before; any
    other control is looked for before the collapse, since str.split() would also take NEL and
    U+001C-U+001F for spaces and the name would be stored changed without a word."""
    from stocktake.text.terminal_text import describe_character

    for ch in text:
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf"):
            return describe_character(ch)
    return None


def check_roster_rows(rows: Iterable[tuple[str, Mapping[str, Any]]], *, bank_id: str, wave: str,
                      roles: Sequence[str], known_codes: Mapping[str, str],
                      existing: Iterable[RosterEntry] = (), source: str = "roster"
                      ) -> list[RosterEntry]:
    """Roster entries from (where, row) pairs, or a StocktakeError listing every bad row.

    `where` names the row for messages ("line 4", "row 4"); `known_codes` maps an upper-cased
    code or authority name to its code, for the partnerships that may be named; `existing` are
    entries already stored for this round (a respondent named again is a duplicate).
    """
    from stocktake.partnerships.model import normalise_code

    problems: list[str] = []
    entries: list[RosterEntry] = []
    seen = {(e.partnership, name_key(e.respondent)): "the roster already stored" for e in existing}
    for where, row in rows:
        def bad(text: str, where: str = where) -> None:  # this row's place, bound now
            problems.append(f"{where}: {text}")

        raw_code = str(row.get("partnership") or "").strip()
        code = known_codes.get(normalise_code(raw_code).upper()) if raw_code else None
        role = str(row.get("role") or "").strip()
        role = next((r for r in roles if r.casefold() == role.casefold()), role)
        raw_respondent = str(row.get("respondent") or "")
        raw_email = str(row.get("email") or "")
        raw_organisation = str(row.get("organisation") or "")
        respondent = " ".join(raw_respondent.split())
        email = raw_email.strip()
        organisation = " ".join(raw_organisation.split())
        before = len(problems)
        if not raw_code:
            bad("no partnership")
        elif code is None:
            bad(f"partnership '{raw_code}' is neither in the workspace nor an English "
                "children's services authority")
        if role not in roles:
            bad(f"role '{role}' is not one of {bank_id}'s roles ({', '.join(roles)})"
                if role else "no role")
        controls = [(field, found) for field, text in (("respondent", raw_respondent),
                                                        ("organisation", raw_organisation),
                                                        ("email", raw_email))
                    if (found := _control_in(text))]
        if controls:
            bad("; ".join(f"the {field} holds the control character {found}"
                          for field, found in controls))
        elif not respondent:
            bad("no respondent name")
        if email and not controls and not EMAIL.match(email):
            bad(f"'{email}' is not an e-mail address")
        if len(problems) == before and code is not None:
            key = (code, name_key(respondent))
            if key in seen:
                bad(f"{respondent} is already on the roster for {code} ({seen[key]})")
            else:
                seen[key] = where
                entries.append(RosterEntry(code, role, respondent, email, organisation,
                                           bank_id, wave))
    if problems:
        shown = problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            shown.append(f"... and {len(problems) - MAX_LISTED} more")
        raise StocktakeError(f"{source}: {len(problems)} bad row(s); nothing was stored",
                             details=shown, hint="correct those rows and import the file again")
    if not entries:
        raise StocktakeError(f"{source} names nobody", hint="one row per person: "
                             + ", ".join(COLUMNS) + " (organisation optional)")
    return entries


def read_roster_file(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The rows of a roster file as (where, {column: value}); CSV (any UTF-8, BOM or not) or xlsx.

    Raises StocktakeError naming a missing or unknown column, or a file that cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    if suffix not in (".csv", ".txt"):
        raise StocktakeError(f"{path}: a roster is a .csv or .xlsx file",
                             hint="save it from your spreadsheet as CSV UTF-8 or .xlsx")
    from stocktake.text.csv_files import SAVE_AS_CSV, csv_records
    from stocktake.text.text_files import read_text_file

    # The shared readers: BOM, UTF-16, size, trailing commas and ';' or tab separators.
    text = read_text_file(path, save_as=SAVE_AS_CSV)
    records = list(csv_records(text, path, example=",".join(COLUMNS)))
    if not records:
        raise StocktakeError(f"{path} is empty", hint="the first line names the columns: "
                             + ",".join(COLUMNS))
    header = _header(path, records[0][1])
    rows: list[tuple[str, dict[str, Any]]] = []
    for number, record in records[1:]:
        if len(rows) >= MAX_ROWS:
            raise StocktakeError(f"{path} has more than {MAX_ROWS} rows",
                                 hint="a roster lists people; split the file")
        rows.append((f"line {number}", {name: (record[i] if i < len(record) else "")
                                        for i, name in header.items()}))
    return rows


def _xlsx_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    from stocktake.returns.workbook_reader import sheet_by_header

    # The sheet whose header names the roster's columns, wherever it is (Apple Numbers puts an
    # "Export Summary" sheet first); messages name the sheet read.
    sheet, records, top = sheet_by_header(
        path, lambda cells: all(c in cells for c in COLUMNS))
    where = f"{path}, sheet '{sheet}'"
    if not records:
        raise StocktakeError(f"{where} is empty")
    header = _header(where, ["" if v is None else str(v) for v in records[top]])
    rows: list[tuple[str, dict[str, Any]]] = []
    for number, record in enumerate(records[top + 1:], start=top + 2):
        values = ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                        else str(v)) for v in record]
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise StocktakeError(f"{where} has more than {MAX_ROWS} rows")
        rows.append((f"sheet '{sheet}', row {number}",
                     {name: (values[i] if i < len(values) else "")
                      for i, name in header.items()}))
    return rows


def _header(path: Path | str, cells: Sequence[str]) -> dict[int, str]:
    names = [c.strip().lower() for c in cells]
    # Excel for Mac and others leave empty columns at the end of every line.
    while names and not names[-1]:
        names.pop()
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        raise StocktakeError(f"{path}: the columns are separated by "
                             f"{'semicolons' if ';' in names[0] else 'tabs'}, not commas",
                             hint="save it as 'CSV UTF-8 (comma delimited)'")
    unknown = [n for n in names if n not in COLUMNS + OPTIONAL_COLUMNS]
    missing = [c for c in COLUMNS if c not in names]
    if unknown or missing:
        said = []
        if missing:
            said.append("missing column(s) " + ", ".join(missing))
        if unknown:
            said.append("unknown column(s) " + ", ".join(repr(u) for u in unknown))
        raise StocktakeError(f"{path}: {'; '.join(said)}",
                             hint="the first line names the columns: " + ",".join(COLUMNS)
                                  + " (organisation optional)")
    return {i: n for i, n in enumerate(names)}
