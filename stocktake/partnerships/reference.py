"""The English local authorities with children's services responsibilities, shipped with the package.

Source: ONS names and GSS codes (Open Government Licence v3.0) and mySociety's local authority
lookup (MIT licence) for regions, dates and successors; DfE LA numbers matched by name to DfE's
own LA code list; see the README's credits.

    camden = authority("E09000007")   # Authority(code='E09000007', name='Camden', region='London', ...)
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

GSS_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")
# The two authorities national statistics often suppress or combine for their size.
SMALL_AUTHORITIES = ("E09000001", "E06000053")


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    region_code: str
    region: str
    type: str
    start_date: str
    end_date: str
    replaced_by: tuple[str, ...]
    # DfE's three-digit LA number, the key of DfE's tables (LAIT) and the statistical neighbours
    # list; empty for an ended authority that never had one of its own.
    dfe_la_number: str = ""

    @property
    def current(self) -> bool:
        return not self.end_date

    @property
    def two_tier(self) -> bool:
        """County councils (E10) have district councils beneath them; other authorities do not."""
        return self.code.startswith("E10")


@cache
def authorities() -> tuple[Authority, ...]:
    """Every authority in the list, current and ended, in code order."""
    text = resources.files("stocktake").joinpath("data/authorities.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(Authority(r["code"], r["name"], r["region_code"], r["region"], r["type"],
                           r["start_date"], r["end_date"], tuple(r["replaced_by"].split()),
                           r.get("dfe_la_number") or "")
                 for r in rows)


@cache
def _by_code() -> dict[str, Authority]:
    return {a.code: a for a in authorities()}


def authority(code: str) -> Authority | None:
    return _by_code().get(code.strip().upper())


@cache
def _by_dfe_number() -> dict[str, Authority]:
    # Current authorities win over an ended one that shared the number.
    found = {a.dfe_la_number: a for a in authorities() if a.dfe_la_number and not a.current}
    found.update({a.dfe_la_number: a for a in authorities() if a.dfe_la_number and a.current})
    return found


def authority_by_dfe_number(number: str) -> Authority | None:
    """The authority with DfE LA number `number` ("202" for Camden), or None."""
    return _by_dfe_number().get(str(number).strip())


# First cells that make the first line of a file of codes a header: no partnership is coded so.
CODE_HEADERS = frozenset({"code", "codes", "la code", "la_code", "new_la_code", "old_la_code",
                          "gss code", "ons code", "partnership", "authority", "local authority",
                          "la", "la number", "la_number", "dfe number", "dfe la number"})

# DfE's local authority numbers (201 City of London to 938 West Sussex): three digits, the
# `old_la_code` (or "LA code", "LA number") of DfE's own statistics files.
DFE_NUMBER = re.compile(r"^\d{3}$")


def code_for_dfe_number(text: str) -> str | None:
    """The GSS code of the authority whose DfE LA number `text` is ("805" -> "E06000001",
    Hartlepool; authorities.csv's dfe_la_number), or None for text that is not one."""
    text = str(text).strip()
    if not DFE_NUMBER.match(text):
        return None
    found = authority_by_dfe_number(text)
    return found.code if found is not None else None


def current_authorities() -> list[Authority]:
    return [a for a in authorities() if a.current]


def regions() -> list[str]:
    return sorted({a.region for a in authorities()})


def is_gss_code(code: str) -> bool:
    return bool(GSS_CODE.match(code))


# Words that official names carry and people leave out: "Bristol, City of" is "Bristol".
_FILLER = {"city", "county", "of", "the", "council", "borough", "royal", "london", "cc", "mbc",
           "lbc", "metropolitan", "district"}


def name_keys(name: str) -> tuple[str, str]:
    """Two forms of a name to compare typed text with: the whole name, case, punctuation and
    '&' folded ("barking and dagenham"), and the same without the words official names add
    ("bristol" for "Bristol, City of", "camden" for "London Borough of Camden")."""
    folded = name.casefold().replace("&", " and ")
    words = "".join(c if c.isalnum() else " " for c in folded).split()
    core = [w for w in words if w not in _FILLER]
    return " ".join(words), " ".join(core or words)


@cache
def _names() -> dict[str, tuple[Authority, ...]]:
    """Every form of every authority's name -> the authorities bearing it, current ones first."""
    found: dict[str, list[Authority]] = {}
    for a in sorted(authorities(), key=lambda a: not a.current):
        for key in dict.fromkeys(name_keys(a.name)):
            found.setdefault(key, []).append(a)
    return {k: tuple(v) for k, v in found.items()}


def authorities_named(text: str) -> tuple[Authority, ...]:
    """The authorities whose name `text` is, in either form of :func:`name_keys`; current first.

        authorities_named("camden")             # (Authority(code='E09000007', ...),)
        authorities_named("Bristol")            # Bristol, City of
    """
    names = _names()
    for key in name_keys(text):
        if key in names:
            return names[key]
    return ()
