"""A round's plan: which bank and wave, which roles are asked in which partnerships, how many of
each, by when, and where forms go back; and from it and the roster, who is expected to answer.

    plan = RoundPlan("idea-stocktake", "2026-27", ("council", "health"), per_role=2,
                     partnerships=("E09000007",), deadline="2027-01-31")
    expected = expected_respondents(plan, "E09000007", roster, two_tier=False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from stocktake.errors import UsageError
from stocktake.round.roster import RosterEntry
from stocktake.records.roster_and_plans import RoundPlan  # noqa: F401 - re-exported

# The district council is a partner only where the county council has districts beneath it.
DISTRICT_ROLE = "district"


@dataclass(frozen=True)
class Expected:
    """One expected respondent: named (from the roster) or a place for anyone of that role."""
    partnership: str
    role: str
    respondent: str = ""  # empty: anyone answering for the role
    email: str = ""
    organisation: str = ""


def parse_deadline(text: str | None) -> str:
    """An ISO date (YYYY-MM-DD) or empty; UsageError otherwise."""
    if not text:
        return ""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"'{text}' is not a date", hint="give the deadline as YYYY-MM-DD, "
                                                          "e.g. 2027-01-31")


def roles_for(plan_roles: Sequence[str], two_tier: bool) -> list[str]:
    return [r for r in plan_roles if r != DISTRICT_ROLE or two_tier]


def expected_respondents(plan: RoundPlan | None, code: str, roster: Iterable[RosterEntry], *,
                         two_tier: bool) -> list[Expected]:
    """Who is expected to answer in one partnership.

    For each role the plan asks, the roster's named people of that role when there are any, else
    `per_role` places for anyone of that role (the district role only in two-tier areas). Roster
    people of roles the plan does not ask are expected too. Without a plan, the roster alone.
    """
    named: dict[str, list[RosterEntry]] = {}
    for entry in roster:
        if entry.partnership == code:
            named.setdefault(entry.role, []).append(entry)
    expected: list[Expected] = []
    planned = roles_for(plan.roles, two_tier) if plan and code in plan.partnerships else []
    for role in list(dict.fromkeys(planned + list(named))):
        if role in named:
            expected.extend(Expected(code, role, e.respondent, e.email, e.organisation)
                            for e in named[role])
        else:
            expected.extend(Expected(code, role) for _ in range(plan.per_role if plan else 0))
    return expected
