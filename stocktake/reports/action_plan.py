"""The action plan: per area, a target level, the actions that get there, who owns each and by
when (after the OWASP SAMM roadmap: current and target maturity per practice). Plain data; the
store keeps the items beside the partnership's moderations.

    item = new_plan_item(bank, "E09000007", "2026-27", area="risk", target="Established",
                         action="Agree a joint risk register", owner="Head of service",
                         due="2027-03-31")
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError, UsageError

OPEN, DONE, REMOVED = "open", "done", "removed"
STATUSES = (OPEN, DONE, REMOVED)
TEXT_LIMIT = 2000
PLAN_FIELDS = ("id", "partnership", "bank", "wave", "area", "target", "action", "owner", "due",
               "status", "created_at", "done_at")


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


def _clean(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise UsageError(f"the {what} is empty", hint=f"give the {what} as text")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise UsageError(f"the {what} holds control characters", hint="type it as plain text")
    if len(text) > TEXT_LIMIT:
        raise UsageError(f"the {what} is {len(text)} characters long",
                         hint=f"keep it under {TEXT_LIMIT}; put detail in the report")
    return text


def target_level(bank: Bank, text: str) -> str:
    """The bank's level label named by `text` (any case); UsageError listing the levels."""
    for band in bank.bands:
        if band.label.casefold() == (text or "").strip().casefold():
            return band.label
    raise UsageError(f"'{text}' is not a level of {bank.id}",
                     hint="its levels are: " + ", ".join(b.label for b in bank.bands))


def level_rank(bank: Bank, label: str | None) -> int | None:
    """0 for the lowest level, up to len(bands) - 1; None for no level."""
    for n, band in enumerate(bank.bands):
        if band.label == label:
            return n
    return None


def new_plan_item(bank: Bank, partnership: str, wave: str, *, area: str, target: str,
                  action: str, owner: str, due: str) -> PlanItem:
    """A checked plan item (not yet stored). UsageError names the bad field."""
    area_ids = [a.id for a in bank.areas]
    if area not in area_ids:
        raise UsageError(f"'{area}' is not an area of {bank.id}",
                         hint="its areas are: " + ", ".join(area_ids))
    try:
        due_date = date.fromisoformat((due or "").strip()).isoformat()
    except ValueError:
        raise UsageError(f"'{due}' is not a date", hint="give --due as YYYY-MM-DD")
    return PlanItem(partnership, bank.id, wave, area, target_level(bank, target),
                    _clean(action, "action"), _clean(owner, "owner"), due_date)


def plan_item_warnings(ws: Any, bank: Bank, item: PlanItem, today: date | None = None
                       ) -> list[str]:
    """What is odd about a stored item, to say but not refuse: a due date already past, or a
    target no higher than the area's current level (a plan to hold a level is allowed)."""
    from stocktake.scoring.national import partnership_scores

    found = []
    if date.fromisoformat(item.due) < (today or date.today()):
        found.append(f"the due date {item.due} has already passed")
    try:
        current = partnership_scores(ws, bank, item.wave, item.partnership).area(item.area)
    except StocktakeError:
        return found  # no answers yet: nothing to compare the target with
    now, then = level_rank(bank, current.level), level_rank(bank, item.target)
    if now is not None and then is not None and then <= now:
        found.append(f"{item.area} is already {current.level} ({current.score:.1f}); the "
                     f"target {item.target} is {'the same level' if then == now else 'lower'}")
    return found
