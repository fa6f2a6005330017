"""The action plan: per area, a target level, the actions that get there, who owns each and by
when (after the OWASP SAMM roadmap: current and target maturity per practice). Plain data; the
store keeps the items beside the partnership's moderations.

    item = new_plan_item(bank, "E09000007", "2026-27", area="risk", target="Established",
                         action="Agree a joint risk register", owner="Head of service",
                         due="2027-03-31")
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from stocktake.banks.model import Bank
from stocktake.errors import StocktakeError, UsageError
from stocktake.records.roster_and_plans import DONE, OPEN, REMOVED, STATUSES, PlanItem  # noqa: F401 - re-exported
from stocktake.arithmetic.precision import fixed_score

TEXT_LIMIT = 2000
PLAN_FIELDS = ("id", "partnership", "bank", "wave", "area", "target", "action", "owner", "due",
               "status", "created_at", "done_at")


def _clean(text: str, what: str) -> str:
    """`text` on one line, spaces collapsed; UsageError naming the option (--action, --owner)."""
    from stocktake.text.terminal_text import describe_character

    # Looked for before the collapse: str.split() takes NEL and U+001C-U+001F for spaces.
    bad = next((ch for ch in text or "" if ch not in "\t\n\r"
                and unicodedata.category(ch) in ("Cc", "Cf")), None)
    if bad is not None:
        raise UsageError(f"--{what}: the {what} holds {describe_character(bad)}, a control or "
                         "invisible formatting character", hint="type it as plain text")
    text = " ".join((text or "").split())
    if not text:
        raise UsageError(f"--{what}: the {what} is empty", hint=f"give the {what} as text")
    if len(text) > TEXT_LIMIT:
        raise UsageError(f"--{what}: the {what} is {len(text)} characters long",
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
        score = "no score" if current.score is None else fixed_score(current.score)
        found.append(f"{item.area} is already {current.level} ({score}); the "
                     f"target {item.target} is {'the same level' if then == now else 'lower'}")
    return found
