"""Partnerships: the children's services partnership of one authority, named by its GSS code.

    p = partnership_for("E09000007")          # Camden, London, from the shipped reference list
    rows = read_partnerships_csv(Path("extra.csv"))  # every bad row reported by line number
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stocktake.errors import StocktakeError
# Codes name files in the workspace: stocktake.identifiers checks them on every route.
from stocktake.identifiers import OTHER_CODE, is_valid_code  # noqa: F401 - OTHER_CODE re-exported
from stocktake.reference import authority, is_gss_code


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
    if not is_valid_code(code):
        raise StocktakeError(
            f"'{code}' is not a usable partnership code",
            hint="use a GSS code such as E09000007, or letters, digits, '-' and '_' (up to 40)")
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
