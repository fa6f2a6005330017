"""Partnerships: the children's services partnership of one authority, named by its GSS code.

    p = partnership_for("E09000007")          # Camden, London, from the shipped reference list
    rows = read_partnerships_csv(Path("extra.csv"))  # every bad row reported by line number
"""

from __future__ import annotations

import csv
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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StocktakeError(f"{path}: no such file")
    except UnicodeDecodeError:
        raise StocktakeError(f"{path}: not UTF-8 text", hint="save the CSV as UTF-8")
    except OSError as exc:
        raise StocktakeError(f"{path}: cannot read ({exc.strerror})")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "code" not in header:
        raise StocktakeError(f"{path}: line 1: the header must name a 'code' column "
                             "(and optionally 'name' and 'region')",
                             hint="the first line should read: code,name,region")
    reader.fieldnames = header
    found: list[Partnership] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        if not code and not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line
        if None in row:
            problems.append(f"{path}:{line}: more cells than the header has columns")
            continue
        try:
            p = partnership_for(code, (row.get("name") or "").strip() or None,
                                (row.get("region") or "").strip() or None)
        except StocktakeError as exc:
            problems.append(f"{path}:{line}: {exc.message}")
            continue
        if p.code in seen:
            problems.append(f"{path}:{line}: {p.code} repeats line {seen[p.code]}")
            continue
        seen[p.code] = line
        found.append(p)
    if problems:
        raise StocktakeError(f"{path}: {len(problems)} bad row(s); nothing was imported",
                             hint="fix the rows listed and import the file again",
                             details=problems)
    return found
