"""The records the workspace keeps beside responses for a round and a plan, as plain data:
who is on a round's roster (and how two spellings of a name are matched), a round's plan, and
an action plan's items. The store reads and writes them; `round` and `reports` work with them.
They live here, below all three, so the store imports neither package.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

OPEN, DONE, REMOVED = "open", "done", "removed"
STATUSES = (OPEN, DONE, REMOVED)


@dataclass(frozen=True)
class RosterEntry:
    """One person asked to answer: in a partnership, for a role, in one round (bank and wave)."""
    partnership: str
    role: str
    respondent: str
    email: str = ""
    organisation: str = ""
    bank: str = ""
    wave: str = ""

    def to_doc(self) -> dict:
        return {"partnership": self.partnership, "role": self.role,
                "respondent": self.respondent, "email": self.email,
                "organisation": self.organisation, "bank": self.bank, "wave": self.wave}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> "RosterEntry":
        return cls(str(doc.get("partnership", "")), str(doc.get("role", "")),
                   str(doc.get("respondent", "")), str(doc.get("email", "") or ""),
                   str(doc.get("organisation", "") or ""), str(doc.get("bank", "")),
                   str(doc.get("wave", "")))


# Letters with no accent to take off under Unicode decomposition.
_PLAIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
                                "þ": "th", "ı": "i"})


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """How two spellings of one person's name are matched: case, spacing, accents and
    punctuation do not count, since people retype their own names on forms ("José Núñez" is
    "JOSE NUNEZ"; "O’Neil" with a curly apostrophe is "O'Neil" and "ONeil")."""
    decomposed = unicodedata.normalize("NFKD", name).casefold().translate(_PLAIN_LETTERS)
    kept = "".join(ch if ch.isalnum() else " " if ch.isspace() or ch in "-/" else ""
                   for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(kept.split())


@dataclass(frozen=True)
class RoundPlan:
    bank: str
    wave: str
    roles: tuple[str, ...]
    per_role: int = 1
    partnerships: tuple[str, ...] = ()
    deadline: str = ""  # ISO date, or empty
    return_to: str = ""
    planned_at: str = ""
    forms: tuple[Mapping[str, str], ...] = field(default=())  # the manifest of `forms create --all`

    def to_doc(self) -> dict:
        return {"bank": self.bank, "wave": self.wave, "roles": list(self.roles),
                "per_role": self.per_role, "partnerships": list(self.partnerships),
                "deadline": self.deadline, "return_to": self.return_to,
                "planned_at": self.planned_at, "forms": [dict(f) for f in self.forms]}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> "RoundPlan":
        return cls(str(doc["bank"]), str(doc["wave"]), tuple(doc.get("roles") or ()),
                   int(doc.get("per_role") or 1), tuple(doc.get("partnerships") or ()),
                   str(doc.get("deadline") or ""), str(doc.get("return_to") or ""),
                   str(doc.get("planned_at") or ""),
                   tuple(dict(f) for f in doc.get("forms") or ()))


@dataclass(frozen=True)
class PlanItem:
    partnership: str
    bank: str
    wave: str
    area: str
    target: str  # a level label of the bank, e.g. "Established"
    action: str
    owner: str
    due: str  # ISO date
    status: str = OPEN
    created_at: str = ""
    done_at: str = ""
    id: int = 0  # given by the store: unique within the partnership

    def to_doc(self) -> dict:
        return {"partnership": self.partnership, "bank": self.bank, "wave": self.wave,
                "area": self.area, "target": self.target, "action": self.action,
                "owner": self.owner, "due": self.due, "status": self.status,
                "created_at": self.created_at, "done_at": self.done_at}

    def to_json(self) -> dict:
        return {"id": self.id, **self.to_doc()}

    def seal_row(self) -> dict:
        """The fields an exported workbook carries (and seals) for the merge: all but the id,
        which is only the item's number in one workspace."""
        return {"partnership": self.partnership, "area": self.area, "target": self.target,
                "action": self.action, "owner": self.owner, "due": self.due,
                "status": self.status, "created_at": self.created_at, "done_at": self.done_at}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], item_id: int = 0) -> "PlanItem":
        return cls(str(doc["partnership"]), str(doc["bank"]), str(doc["wave"]),
                   str(doc["area"]), str(doc.get("target", "")), str(doc.get("action", "")),
                   str(doc.get("owner", "")), str(doc.get("due", "")),
                   str(doc.get("status", OPEN)), str(doc.get("created_at", "") or ""),
                   str(doc.get("done_at", "") or ""), int(item_id or doc.get("id") or 0))
