"""Who has answered: per partnership, the expected and received respondents by role, what is
missing, and the round's totals. Pure: the caller reads the store.

A respondent counts as **received** when their answers reach the bank's `min_coverage` of the
questions asked of their role (the same share below which scoring withholds a score); below it
they have started but not returned.

    status = round_status(bank, wave, plan, roster, summaries_by_code, names, two_tier, today=date.today())
    status.to_json()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Mapping, Sequence

from stocktake.banks.model import Bank
from stocktake.records.responses import ANSWERED, NOT_APPLICABLE, Answer
from stocktake.round.plan import Expected, RoundPlan, expected_respondents
from stocktake.round.roster import RosterEntry, name_key

COMPLETE, PARTIAL, NOT_STARTED = "complete", "partial", "not started"
# Answers came, but no plan or roster says who was to answer: nothing can be complete or missing.
UNPLANNED = "none expected"


@dataclass(frozen=True)
class Missing:
    role: str
    respondent: str
    email: str
    organisation: str = ""
    form: str = ""

    def to_json(self) -> dict:
        return {"role": self.role, "respondent": self.respondent, "email": self.email,
                "organisation": self.organisation, "form": self.form}


@dataclass(frozen=True)
class PartnershipStatus:
    code: str
    name: str
    expected: dict[str, int]
    received: dict[str, int]
    started: int  # respondents with answers below the coverage that counts as received
    missing: tuple[Missing, ...]
    unexpected: tuple[str, ...]  # respondents who answered but are not on the roster
    answered_share: float | None  # answered / applicable over the partnership's responses
    last_answer: str

    @property
    def state(self) -> str:
        if not sum(self.expected.values()):
            return UNPLANNED if (sum(self.received.values()) or self.started) else NOT_STARTED
        if self.missing:
            return PARTIAL if (sum(self.received.values()) or self.started) else NOT_STARTED
        return COMPLETE if sum(self.expected.values()) else NOT_STARTED

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "state": self.state,
                "complete": self.state == COMPLETE, "expected": self.expected,
                "received": self.received, "started": self.started,
                "missing": [m.to_json() for m in self.missing],
                "unexpected": list(self.unexpected),
                "answered_share": None if self.answered_share is None
                else round(self.answered_share, 4),
                "last_answer": self.last_answer or None}


@dataclass(frozen=True)
class RoundStatus:
    bank: str
    wave: str
    deadline: str
    today: str
    partnerships: tuple[PartnershipStatus, ...]

    @property
    def days_to_deadline(self) -> int | None:
        if not self.deadline:
            return None
        return (date.fromisoformat(self.deadline) - date.fromisoformat(self.today)).days

    def totals(self) -> dict:
        states = [p.state for p in self.partnerships]
        return {"partnerships": len(self.partnerships),
                "expected": sum(sum(p.expected.values()) for p in self.partnerships),
                "received": sum(min(sum(p.received.values()), sum(p.expected.values()))
                                for p in self.partnerships),
                "complete": states.count(COMPLETE), "partial": states.count(PARTIAL),
                "not_started": states.count(NOT_STARTED), "none_expected": states.count(UNPLANNED),
                "received_none_expected": sum(sum(p.received.values()) for p in self.partnerships
                                              if p.state == UNPLANNED)}

    def to_json(self) -> dict:
        return {"bank": self.bank, "wave": self.wave, "deadline": self.deadline or None,
                "today": self.today, "days_to_deadline": self.days_to_deadline,
                "partnerships": [p.to_json() for p in self.partnerships],
                "totals": self.totals()}

    def rows(self) -> list[dict]:
        """One row per partnership, as status lists them: code, partnership (its name), state,
        received ("got/expected" respondents), still_to_come (the roles waited for, "health x2",
        and how many answered who are not on the roster), last (the last answer's date)."""
        rows = []
        for p in self.partnerships:
            waiting: dict[str, int] = {}
            for m in p.missing:
                waiting[m.role] = waiting.get(m.role, 0) + 1
            still = ", ".join(role if n == 1 else f"{role} x{n}" for role, n in waiting.items())
            if p.unexpected:
                still += ("; " if still else "") + f"{len(p.unexpected)} not on the roster"
            expected = sum(p.expected.values())
            rows.append({"code": p.code, "partnership": p.name, "state": p.state,
                         # "4/0" would read as four of none: nobody was expected, so no total
                         "received": f"{sum(p.received.values())}/{expected if expected else '-'}",
                         "still_to_come": still, "last": (p.last_answer or "")[:10]})
        return rows

    def summary(self) -> str:
        """The totals in a sentence, with the days to (or since) the deadline."""
        t = self.totals()
        line = (f"{t['complete']} complete, {t['partial']} partial, {t['not_started']} not "
                f"started; {t['received']} of {t['expected']} respondents received.")
        if t["none_expected"]:
            sent = (f"{t['none_expected']} partnership(s) sent {t['received_none_expected']} "
                    "respondent(s) with nobody expected of them (no round plan or roster), so "
                    "none of those can be complete or chased until \"stocktake round plan\" "
                    "says who is to answer.")
            line = sent if t["none_expected"] == t["partnerships"] else f"{line} {sent}"
        days = self.days_to_deadline
        if days is not None:
            line += (f" {days} day(s) to the deadline ({self.deadline})." if days >= 0 else
                     f" The deadline ({self.deadline}) passed {-days} day(s) ago.")
        return line

    def chase(self) -> list[dict]:
        """One row per missing respondent, for a mail merge."""
        return [{"partnership": p.code, "name": p.name, **m.to_json()}
                for p in self.partnerships for m in p.missing]


@dataclass(frozen=True)
class ResponseSummary:
    """What status needs of one response: who, which role, how much of the bank they answered."""
    respondent: str
    role: str
    answered: int
    applicable: int
    last_answer: str

    @property
    def has_answers(self) -> bool:
        return bool(self.last_answer) or self.answered > 0


class _StoredAnswers(Mapping):
    """A response's stored answers, made into Answer objects only when a skip condition asks."""

    def __init__(self, docs: Mapping[str, dict]):
        self.docs = docs

    def __getitem__(self, qid: str) -> Answer:
        return Answer.from_doc(qid, self.docs[qid])

    def __iter__(self):
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)


def summarise_response(bank: Bank, doc: Mapping,
                       asked: dict[str, tuple] | None = None) -> ResponseSummary:
    """Coverage of one stored response (a store document): answered and applicable over the
    questions asked of its role that its answers have not hidden. A not-applicable answer takes
    the question out; don't-know and empty answers count against. Reads the document as it is,
    since status reads every response of a national round."""
    from stocktake.banks.applicability import is_applicable

    docs = doc.get("answers") or {}
    role = doc["role"]
    answers = _StoredAnswers(docs)
    answered = applicable = 0
    if asked is None:
        asked = {}
    if role not in asked:  # a caller summarising many responses passes one dict for all
        asked[role] = tuple(bank.questions_for_role(role))
    for question in asked[role]:
        if question.when is not None and not is_applicable(bank, question, role, answers):
            continue
        answer = docs.get(question.id) or {}
        status = answer.get("status")
        if status == NOT_APPLICABLE:
            continue
        applicable += 1
        if status == ANSWERED and answer.get("value") not in (None, "", []):
            answered += 1
    last = max((a.get("answered_at") or "" for a in docs.values()), default="")
    return ResponseSummary(doc["respondent"], role, answered, applicable, last)


def partnership_status(bank: Bank, code: str, name: str, expected: Sequence[Expected],
                       responses: Sequence[ResponseSummary], *,
                       form_for: Callable[[Expected], str] = lambda e: "") -> PartnershipStatus:
    """Match one partnership's responses to who was expected (named people by name, places for
    a role by role). A response counts as received at the bank's `min_coverage`."""
    received_resp: list[ResponseSummary] = []
    started = 0
    answered_total = applicable_total = 0
    last = ""
    for response in responses:
        answered_total += response.answered
        applicable_total += response.applicable
        last = max(last, response.last_answer)
        if response.answered and \
                response.answered / response.applicable + 1e-9 >= bank.min_coverage:
            received_resp.append(response)
        elif response.has_answers:
            started += 1
    by_name = {name_key(r.respondent): r for r in received_resp}
    named_roles = {e.role for e in expected if e.respondent}
    on_roster = {name_key(e.respondent) for e in expected if e.respondent}
    expected_count: dict[str, int] = {}
    received: dict[str, int] = {}
    missing: list[Missing] = []
    used: set[str] = set()
    for e in expected:
        expected_count[e.role] = expected_count.get(e.role, 0) + 1
        received.setdefault(e.role, 0)
    if not expected:
        # Nobody expected, so nobody missing: what arrived is counted by its role all the same.
        for response in received_resp:
            received[response.role] = received.get(response.role, 0) + 1
    for e in expected:
        if e.respondent:
            key = name_key(e.respondent)
            if key in by_name:
                received[e.role] += 1
                used.add(key)
            else:
                missing.append(Missing(e.role, e.respondent, e.email, e.organisation, form_for(e)))
    for role, count in expected_count.items():
        if role in named_roles:
            continue
        anyone = [r for r in received_resp if r.role == role and name_key(r.respondent)
                  not in used]
        received[role] += len(anyone)
        place = Expected(code, role)
        missing.extend(Missing(role, "", "", "", form_for(place))
                       for _ in range(max(0, count - len(anyone))))
        used.update(name_key(r.respondent) for r in anyone)
    # Anyone who answered for a role whose people were named, or a role nobody expected.
    unexpected = sorted(r.respondent for r in responses if expected and r.has_answers
                        and name_key(r.respondent) not in on_roster
                        and (r.role in named_roles or r.role not in expected_count))
    return PartnershipStatus(code, name, expected_count, received, started, tuple(missing),
                             tuple(unexpected),
                             answered_total / applicable_total if applicable_total else None,
                             last)


def round_status(bank: Bank, wave: str, plan: RoundPlan | None, roster: Iterable[RosterEntry],
                 responses: Mapping[str, Sequence[ResponseSummary]], names: Mapping[str, str],
                 two_tier: Callable[[str], bool], *, today: date,
                 codes: Sequence[str] | None = None) -> RoundStatus:
    """The status of a round for every partnership planned, on the roster or with responses
    (or only `codes`), in code order."""
    roster = [e for e in roster if e.bank == bank.id and e.wave == wave]
    wanted = set(plan.partnerships if plan else ()) | {e.partnership for e in roster} \
        | {c for c, rs in responses.items() if rs}
    if codes is not None:
        wanted = set(codes)
    forms = {(f.get("partnership"), f.get("role"), name_key(f.get("respondent", ""))):
             f.get("file", "") for f in (plan.forms if plan else ())}

    def form_for(e: Expected) -> str:
        return forms.get((e.partnership, e.role, name_key(e.respondent)), "")

    found = []
    for code in sorted(wanted):
        expected = expected_respondents(plan, code, roster, two_tier=two_tier(code))
        found.append(partnership_status(bank, code, names.get(code, code), expected,
                                        responses.get(code, ()), form_for=form_for))
    return RoundStatus(bank.id, wave, plan.deadline if plan else "",
                       today.isoformat(), tuple(found))
