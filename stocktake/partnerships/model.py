"""Partnerships: the children's services partnership of one authority, named by its GSS code.

    p = partnership_for("E09000007")          # Camden, London, from the shipped reference list
    rows = read_partnerships_csv(Path("extra.csv"))  # every bad row reported by line number
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from stocktake.errors import StocktakeError
from stocktake.partnerships.identifiers import OTHER_CODE, is_valid_code  # noqa: F401 - re-exported
from stocktake.partnerships.reference import (authorities, authorities_named, authority,
                                              code_for_dfe_number, is_gss_code, name_keys)
from stocktake.text.terminal_text import check_line

# The shape of any GSS code (a letter and eight digits), e.g. W06000001 in Wales.
ANY_GSS_CODE = re.compile(r"^[A-Za-z]\d{8}$")
CODE_RULE = "a GSS code such as E09000007, or letters, digits, '-' and '_' (up to 40)"


def check_code(code: object, source: str | None = None) -> str:
    """`code` unchanged if it is a usable partnership code; StocktakeError naming it otherwise.

    Every value that becomes part of a store path passes here first (the store calls it itself),
    so a code read from a workbook, CSV or JSON cannot lead outside the workspace. `source` says
    where the code came from, for the message ("the About sheet of form.xlsx"). The rule itself
    is `stocktake.partnerships.identifiers.is_valid_code`, the same on every route.
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


def resolve_code(text: str, known: Iterable[Partnership] = ()) -> str:
    """The partnership code meant by `text`: a code (any case), or the name of a shipped
    authority or of one of the `known` partnerships (the workspace's).

        resolve_code("Camden")       # 'E09000007'
        resolve_code("e09000007")    # 'E09000007'
        resolve_code("Camdn")        # raises: 'Camdn' is not a partnership code; Camden is E09000007

    Text that is neither, and close to no name or code, comes back as it was typed, for the
    caller's own "not in the workspace" error. Raises StocktakeError for a near miss (with the
    suggestions, by difflib) or a name that two authorities share.
    """
    check_line(text, "the partnership code")
    code = normalise_code(text)
    if is_gss_code(code.upper()) or ANY_GSS_CODE.match(code):
        # a whole GSS code, English or not (W06000001): the caller says whether it is known
        return code.upper()
    known = list(known)
    for p in known:
        if p.code == code or p.code.casefold() == code.casefold():
            return p.code
    dfe = code_for_dfe_number(code)
    if dfe is not None:  # DfE's LA number ("202" is Camden), unless a partnership is so coded
        return dfe
    own = [p for p in known if p.name and name_keys(p.name)[0] == name_keys(code)[0]]
    if len(own) == 1:
        return own[0].code
    named = authorities_named(code)
    current = [a for a in named if a.current] or list(named)
    if len(current) == 1:
        return current[0].code
    if len(current) > 1:
        raise StocktakeError(
            f"'{code}' names {len(current)} authorities",
            hint="give the code: " + "; ".join(f"{a.name} is {a.code}" for a in current))
    suggestions = near_misses(code, known)
    if suggestions:
        raise StocktakeError(f"'{code}' is not a partnership code or a name stocktake knows",
                             hint="did you mean: " + "; ".join(suggestions) + "?")
    return code


def near_misses(text: str, known: Iterable[Partnership] = (), limit: int = 3) -> list[str]:
    """'Camden is E09000007'-style suggestions for a mistyped name or code (difflib ratio 0.8)."""
    choices: dict[str, str] = {}
    for a in sorted(authorities(), key=lambda a: not a.current):
        for key in name_keys(a.name):
            choices.setdefault(key, f"{a.name} is {a.code}")
        choices.setdefault(a.code.casefold(), f"{a.name} is {a.code}")
    for p in known:
        label = f"{p.name} is {p.code}" if p.name and p.name != p.code else p.code
        choices.setdefault(p.code.casefold(), label)
        if p.name:
            choices.setdefault(name_keys(p.name)[0], label)
    best: dict[str, float] = {}
    for key in {*name_keys(text), text.strip().casefold()}:
        matcher = difflib.SequenceMatcher(b=key)
        for choice, label in choices.items():
            matcher.set_seq1(choice)
            if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8:
                ratio = matcher.ratio()
                if ratio >= 0.8 and ratio > best.get(label, 0.0):
                    best[label] = ratio
    return sorted(best, key=lambda label: (-best[label], label))[:limit]


def partnership_for(code: str, name: str | None = None, region: str | None = None) -> Partnership:
    """A partnership from a GSS code in the reference list, or any safe code with a name.

    Raises StocktakeError for a code, name or region holding control characters or bidi
    overrides (stocktake.text.terminal_text), an unusable code, or a code that needs a name.
    """
    check_line(code, "the partnership code")
    check_line(name or "", "the partnership's name")
    check_line(region or "", "the partnership's region")
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
    named = authorities_named(code)
    if named:
        # `partnerships add Camden` would otherwise record a second Camden beside E09000007.
        listed = "; ".join(f"{a.name} is {a.code}" for a in named[:3])
        raise StocktakeError(
            f"'{code}' is the name of a listed authority ({listed}), not a code",
            hint="give the authority's code; give --name only for a partnership of your own")
    check_code(code)
    if not name:
        raise StocktakeError(
            f"'{code}' is not a GSS code of an English children's services authority "
            "(E06/E08/E09/E10 and six digits)",
            hint=f"give --name to record '{code}' as a partnership of your own")
    return Partnership(code, name, region or "", "")


def read_partnerships_csv(path: Path) -> list[Partnership]:
    """Partnerships from a CSV with header code,name,region; raises listing every bad row."""
    from stocktake.text.csv_files import SAVE_AS_CSV, csv_records
    from stocktake.text.problems import ProblemList
    from stocktake.text.text_files import read_text_file

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
        code = code_for_dfe_number(code) or code  # a DfE LA number stands for its authority
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
