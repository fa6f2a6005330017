"""Forms for a whole round: a safe file name for each expected respondent's form, and the
manifest (`manifest.csv`) that a mail merge reads to send each one out.

    names = form_file_names(expected)      # {Expected: "E09000007-health-jo-bloggs.xlsx"}
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

from stocktake.partnerships.model import OTHER_CODE
from stocktake.round.plan import Expected

MANIFEST_COLUMNS = ("file", "partnership", "name", "role", "respondent", "email")
_UNSAFE = re.compile(r"[^a-z0-9]+")
NAME_PART_LIMIT = 40


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by '-': safe in a file name on every system
    (no separators, no dots, no reserved characters), whatever a roster's names hold."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:NAME_PART_LIMIT].strip("-")


def form_file_names(expected: Sequence[Expected]) -> list[str]:
    """One file name per expected respondent, in the same order, unique (case-insensitively):
    `<CODE>-<role>[-<respondent>].xlsx`, numbered when two would be the same."""
    names: list[str] = []
    taken: set[str] = set()
    for e in expected:
        # Codes are already safe (GSS codes, or letters, digits, '-' and '_'): kept as written.
        code = e.partnership if OTHER_CODE.match(e.partnership) else slug(e.partnership)
        parts = [code or "partnership", slug(e.role) or "role"]
        if e.respondent:
            parts.append(slug(e.respondent) or "respondent")
        stem = "-".join(parts)
        name, n = f"{stem}.xlsx", 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}.xlsx"
        taken.add(name.lower())
        names.append(name)
    return names


def forms_to_write(expected: Iterable[Expected]) -> list[Expected]:
    """The forms a round needs: one per named respondent, one per partnership and role where
    anyone of the role may answer (whoever fills it types their own name)."""
    seen: set[tuple[str, str]] = set()
    forms: list[Expected] = []
    for e in expected:
        if e.respondent:
            forms.append(e)
        elif (e.partnership, e.role) not in seen:
            seen.add((e.partnership, e.role))
            forms.append(e)
    return forms
