"""Partnerships: the children's services partnership of one authority, named by its GSS code.

    p = partnership_for("E09000007")          # Camden, London, from the shipped reference list
    rows = read_partnerships_csv(Path("extra.csv"))  # every bad row reported by line number
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stocktake.errors import StocktakeError
from stocktake.reference import authority, is_gss_code

# Codes name files in the workspace, so they stay to safe characters.
OTHER_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# Names Windows keeps for devices, whatever the extension: a shard `CON.json` cannot be a file.
_DEVICE_NAMES = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$", re.IGNORECASE)
CODE_RULE = "a GSS code such as E09000007, or letters, digits, '-' and '_' (up to 40)"


def is_valid_code(code: object) -> bool:
    """Whether `code` can name a partnership's file: the one rule for the CLI, files and store."""
    return isinstance(code, str) and bool(OTHER_CODE.fullmatch(code)) and \
        not _DEVICE_NAMES.match(code)


def check_code(code: object, source: str | None = None) -> str:
    """`code` unchanged if it is a usable partnership code; StocktakeError naming it otherwise.

    Every value that becomes part of a store path passes here first (the store calls it itself),
    so a code read from a workbook, CSV or JSON cannot lead outside the workspace. `source` says
    where the code came from, for the message ("the About sheet of form.xlsx").
    """
    if is_valid_code(code):
        return code  # type: ignore[return-value]
    shown = repr(code) if not isinstance(code, str) else \
        "'" + code.encode("unicode_escape").decode("ascii")[:80] + "'"
    where = f" in {source}" if source else ""
    raise StocktakeError(f"{shown}{where} is not a usable partnership code",
                         hint=f"use {CODE_RULE}")


@dataclass(frozen=True)
class Partnership:
    code: str
    name: str
    region: str = ""
    type: str = ""

    def to_doc(self) -> dict:
        return {"code": self.code, "name": self.name, "region": self.region, "type": self.type}

    @classmethod
    def from_doc(cls, doc: dict) -> "Partnership":
        return cls(doc["code"], doc.get("name", ""), doc.get("region", "") or "",
                   doc.get("type", "") or "")


def normalise_code(code: str) -> str:
    return code.strip().upper() if is_gss_code(code.strip().upper()) else code.strip()


def partnership_for(code: str, name: str | None = None, region: str | None = None) -> Partnership:
    """A partnership from a GSS code in the reference list, or any safe code with a name."""
    code = normalise_code(code)
    known = authority(code)
    if known is not None:
        return Partnership(code, name or known.name, region or known.region, known.type)
    if is_gss_code(code):
        if not name:
            raise StocktakeError(
                f"{code} is not in the list of English children's services authorities",
                hint="check the code (E06, E08, E09 or E10 and six digits), or give --name "
                     "(and --region) to record it anyway")
        return Partnership(code, name, region or "", "")
    check_code(code)
    if not name:
        raise StocktakeError(
            f"'{code}' is not a GSS code of an English children's services authority "
            "(E06/E08/E09/E10 and six digits)",
            hint=f"give --name to record '{code}' as a partnership of your own")
    return Partnership(code, name, region or "", "")


def read_partnerships_csv(path: Path) -> list[Partnership]:
    """Partnerships from a CSV with header code,name,region; raises listing every bad row."""
    from stocktake.csv_files import SAVE_AS_CSV, csv_records
    from stocktake.problems import ProblemList
    from stocktake.text_files import read_text_file

    text = read_text_file(path, save_as=SAVE_AS_CSV)
    records = csv_records(text, path, example="code,name,region")
    first = next(records, None)
    header = [h.strip().lower() for h in first[1]] if first else []
    if "code" not in header:
        raise StocktakeError(f"{path}: line {first[0] if first else 1}: the header must name a "
                             "'code' column (and optionally 'name' and 'region')",
                             hint="the first line should read: code,name,region")
    found: list[Partnership] = []
    problems = ProblemList()
    seen: dict[str, int] = {}
    for line, cells in records:
        if len(cells) > len(header):
            problems.add(f"{path}:{line}: more cells than the header has columns")
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        code = row.get("code") or ""
        try:
            p = partnership_for(code, row.get("name") or None, row.get("region") or None)
        except StocktakeError as exc:
            problems.add(f"{path}:{line}: {exc.message}")
            continue
        if p.code in seen:
            problems.add(f"{path}:{line}: {p.code} repeats line {seen[p.code]}")
            continue
        seen[p.code] = line
        found.append(p)
    if problems:
        raise StocktakeError(f"{path}: {len(problems)} bad row(s); nothing was imported",
                             hint="fix the rows listed and import the file again",
                             details=problems.details())
    return found
