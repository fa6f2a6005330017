"""Simulated stocktakes for `stocktake demo`: real authorities, plausible partners and answers.

The simulation is pure given a seeded `random.Random`: the same seed, bank, wave and sizes give
the same partnerships, respondents, answers and timestamps. Writing it to a workspace is separate,
so tests can inspect a simulation without touching files.

    demo = simulate_demo(bank, "2026-27", random.Random(1), partnerships=20, respondents=4)
    written = write_demo(Workspace.open(path), demo)

How answers are drawn: each partnership has a latent maturity (0 to 1, with a small nudge for its
region), each area of it an offset, each respondent a bias (a few partners are clearly more
optimistic or more critical than the rest, so some areas come out divergent), and each answer some
noise. Every question type is answered consistently with that one number, skip conditions are
followed in bank order so hidden questions stay unanswered, and a share of answers are N/A, don't
know or left blank, as in real returns.

Every demo response carries an adviser beginning "(demo)", so demo data is recognisable and a
later run can replace it without ever overwriting a real response.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Mapping

from stocktake.banks.applicability import is_applicable
from stocktake.banks.model import AGE_BANDS, AgeBand, Bank, Question
from stocktake.demo.eras import evidence_topics, general_evidence, job_titles
from stocktake.errors import StocktakeError, UsageError
from stocktake.records.provenance import DEMO_MARK, is_simulated
from stocktake.partnerships.model import Partnership
from stocktake.partnerships.reference import SMALL_AUTHORITIES, Authority, current_authorities, regions
from stocktake.records.responses import (ANSWERED, DONT_KNOW, NOT_APPLICABLE, Answer, Response,
                                 ResponseKey, current_wave)

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

INTERVIEW_ADVISER = f"{DEMO_MARK} Improvement adviser"
SELF_ASSESSMENT_ADVISER = f"{DEMO_MARK} Self-assessment, no adviser"
MAX_RESPONDENTS = 100

# Shares of the questions that apply to a respondent (scored ones for N/A and don't know).
SHARE_UNANSWERED = 0.03
SHARE_NOT_APPLICABLE = 0.04
SHARE_DONT_KNOW = 0.05
# Evidence notes go on this share of adult respondents' answers; young people are not asked for
# documents, so the overall share across all answers comes out near a quarter.
SHARE_WITH_EVIDENCE = 0.27
SHARE_INTERVIEWS = 0.6
# The spread of the latent scale (0 to 1). Tuned so that with four respondents roughly one area
# in five comes out divergent (partners 25 points or more apart), as in real returns.
MATURITY_MEAN, MATURITY_SD, REGION_SD, AREA_SD = 0.48, 0.16, 0.05, 0.10
RESPONDENT_SD, RESPONDENT_AREA_SD, ANSWER_SD = 0.03, 0.03, 0.06
OPTIMISTS, PESSIMISTS, TEMPERAMENT = 0.08, 0.05, 0.15
SHARE_WITH_YOUNG_PEOPLE = 0.5

# Job titles and evidence notes come from the bank's era (stocktake.demo.eras): a 2002-03 bank
# is answered by a director of social services, today's by a director of children's services.
ROLE_LABELS = {"young-people": "young people"}
# How often each partner is among a partnership's respondents after the council.
ROLE_WEIGHTS = {"schools": 5.0, "health": 5.0, "police": 3.0, "voluntary": 3.0, "district": 3.0,
                "young-people": 2.0}
# Councils tend to rate their own partnership more kindly than partners do; young people and the
# voluntary sector, which see services from outside, a little less kindly.
ROLE_BIAS = {"council": 0.05, "young-people": -0.05, "voluntary": -0.03}

TEXT_ANSWERS = (
    "Information sharing between health and children's social care is still slow.",
    "Schools' engagement varies; academies outside the local trust are harder to reach.",
    "Short-term grants make it hard to plan early help beyond one year.",
    "Recruiting and keeping experienced social workers.",
    "Different case recording systems mean partners cannot see each other's records.",
    "Turnover of senior leaders has slowed the pace of change.",
    "Partners agree the priorities but not yet who pays for them.",
    "Thresholds for referral are understood differently by each agency.",
    "Too many boards and groups; the same people sit on all of them.",
    "We need to hear more from children who are seldom heard, not only the youth council.",
    "Pooled budgets exist on paper but decisions are still made agency by agency.",
    "Demand for mental health support outstrips what CAMHS can offer.",
)

SURVEY_WEEKS = 6


@dataclass(frozen=True)
class DemoPartnership:
    """One simulated partnership: who it is, its latent maturity, and its responses."""

    partnership: Partnership
    maturity: float
    two_tier: bool
    responses: tuple[Response, ...]


@dataclass(frozen=True)
class Demo:
    bank: Bank
    wave: str
    partnerships: tuple[DemoPartnership, ...]

    @property
    def respondents(self) -> int:
        return sum(len(p.responses) for p in self.partnerships)

    @property
    def answers(self) -> int:
        return sum(len(r.answers) for p in self.partnerships for r in p.responses)


@dataclass(frozen=True)
class DemoWritten:
    """What `write_demo` stored, and what it found already there."""

    partnerships: int
    respondents: int
    answers: int
    kept_real: int  # responses left alone because a real response holds the same key
    earlier_demo: int  # demo responses of an earlier run (other seed or size), now removed


def is_demo_response(response: Response) -> bool:
    return is_simulated(response)


# ---------------------------------------------------------------- choosing partnerships


def choose_authorities(count: int, rng: random.Random) -> list[Authority]:
    """`count` current authorities spread across the regions, in code order.

    Regions take turns, each giving its next authority in a shuffled order, so 20 partnerships
    cover every region. The two smallest authorities come last in their region, as national
    figures often leave them out.
    """
    current = current_authorities()
    if count < 1:
        raise UsageError(f"the demo needs at least one partnership; got {count}",
                         hint="use --partnerships 20, say")
    if count > len(current):
        raise UsageError(
            f"the demo can simulate at most {len(current)} partnerships (every current English "
            f"children's services authority); got {count}",
            hint=f"use --partnerships {len(current)} for a national round")
    by_region: dict[str, list[Authority]] = {}
    for auth in current:
        by_region.setdefault(auth.region, []).append(auth)
    queues = []
    for region in sorted(by_region):
        members = by_region[region]
        rng.shuffle(members)
        members.sort(key=lambda a: a.code in SMALL_AUTHORITIES)
        queues.append(members)
    rng.shuffle(queues)
    chosen: list[Authority] = []
    while len(chosen) < count:
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda a: a.code)


# ---------------------------------------------------------------- simulating


def simulate_demo(bank: Bank, wave: str, rng: random.Random, *, partnerships: int = 20,
                  respondents: int = 4) -> Demo:
    """Simulated stocktakes of `partnerships` real authorities, `respondents` each."""
    if respondents < 1 or respondents > MAX_RESPONDENTS:
        raise UsageError(f"the demo takes 1 to {MAX_RESPONDENTS} respondents per partnership; "
                         f"got {respondents}", hint="use --respondents 4, say")
    authorities = choose_authorities(partnerships, rng)
    nudges = {region: rng.gauss(0, REGION_SD) for region in regions()}
    window_start = survey_window_start(wave)
    simulated = []
    for auth in authorities:
        maturity = _clamp(rng.gauss(MATURITY_MEAN + nudges[auth.region], MATURITY_SD), 0.1, 0.88)
        partnership = Partnership(auth.code, auth.name, auth.region, auth.type)
        responses = _simulate_partnership(bank, wave, partnership, auth.two_tier, maturity,
                                          respondents, window_start, rng)
        simulated.append(DemoPartnership(partnership, maturity, auth.two_tier, tuple(responses)))
    return Demo(bank, wave, tuple(simulated))


# How much less mature a partnership was a year earlier: a mean gain of 0.05 on the 0-1 latent
# scale (about five points of score), varying by partnership, sometimes a step back.
EARLIER_GAIN, EARLIER_GAIN_SD = 0.05, 0.04


def previous_wave(wave: str) -> str | None:
    """The financial year before a wave: "2026-27" -> "2025-26"; None for other wave names."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", wave)
    if not found:
        return None
    year = int(found.group(1)) - 1
    return f"{year}-{(year + 1) % 100:02d}"


def simulate_waves(bank: Bank, wave: str, rng: random.Random, *, partnerships: int = 20,
                   respondents: int = 4) -> tuple[Demo, ...]:
    """The wave asked for and, when it names a financial year, the one before it: the same
    partnerships, each a little less mature a year earlier (earlier wave first). The later
    wave is exactly `simulate_demo` of the same seed."""
    later = simulate_demo(bank, wave, rng, partnerships=partnerships, respondents=respondents)
    earlier_wave = previous_wave(wave)
    if earlier_wave is None:
        return (later,)
    window_start = survey_window_start(earlier_wave)
    simulated = []
    for p in later.partnerships:
        maturity = _clamp(p.maturity - rng.gauss(EARLIER_GAIN, EARLIER_GAIN_SD), 0.05, 0.88)
        responses = _simulate_partnership(bank, earlier_wave, p.partnership, p.two_tier,
                                          maturity, respondents, window_start, rng)
        simulated.append(DemoPartnership(p.partnership, maturity, p.two_tier, tuple(responses)))
    return Demo(bank, earlier_wave, tuple(simulated)), later


def survey_window_start(wave: str) -> datetime:
    """Demo interviews start in September of the wave's first year (`2026-27` -> 2026-09-07).

    A wave that names no year falls back to the current financial year, so the dates stay
    plausible; that one case depends on today's date.
    """
    found = re.match(r"^(\d{4})", wave)
    year = int(found.group(1)) if found else int(current_wave()[:4])
    first = datetime(year, 9, 1, tzinfo=timezone.utc)
    return first + timedelta(days=(7 - first.weekday()) % 7)  # the first Monday


def _simulate_partnership(bank: Bank, wave: str, partnership: Partnership, two_tier: bool,
                          maturity: float, count: int, window_start: datetime,
                          rng: random.Random) -> list[Response]:
    area_offsets = {area.id: rng.gauss(0, AREA_SD) for area in bank.areas}
    roles = _respondent_roles(bank, two_tier, count, rng)
    names = _respondent_names(roles, rng, job_titles(bank))
    # Children and young people answer without a name: a reference such as YP-0001 stands in,
    # and each has an age band, which hides the questions not meant for their age.
    ages: dict[str, AgeBand] = {}
    for index, role in enumerate(roles):
        if bank.is_anonymous(role):
            prefix = bank.role(role).reference_prefix
            names[index] = f"{prefix}-{sum(1 for r in roles[:index + 1] if r == role):04d}"
            ages[names[index]] = rng.choice(AGE_BANDS)
    context = _EvidenceContext.for_wave(wave, bank)
    responses = []
    for role, name in zip(roles, names):
        age = ages.get(name)
        bias = rng.gauss(0, RESPONDENT_SD) + ROLE_BIAS.get(role, 0.0)
        temperament = rng.random()
        if temperament < OPTIMISTS:
            bias += TEMPERAMENT  # the partner who sees everything through a rosy lens
        elif temperament < OPTIMISTS + PESSIMISTS:
            bias -= TEMPERAMENT  # the partner who feels left out of the partnership
        area_bias = {area.id: bias + rng.gauss(0, RESPONDENT_AREA_SD) for area in bank.areas}
        interview = rng.random() < SHARE_INTERVIEWS
        when = _session_start(window_start, rng)
        rounder = _ConsistentRounder()
        answers: dict[str, Answer] = {}
        for question in bank.questions:
            if not is_applicable(bank, question, role, answers, age):
                continue
            level = _clamp(maturity + area_offsets[question.area] + area_bias[question.area]
                           + rng.gauss(0, ANSWER_SD), 0.0, 1.0)
            when += timedelta(seconds=rng.randint(40, 150) if interview else rng.randint(15, 80))
            answer = _simulate_answer(question, role, level, two_tier, context, rounder, rng,
                                      when, asked_for_evidence=not bank.is_anonymous(role))
            if answer is not None:
                answers[question.id] = answer
        stamps = sorted(a.answered_at for a in answers.values())
        started = stamps[0] if stamps else _iso(when)
        responses.append(Response(
            key=ResponseKey(partnership.code, bank.id, wave, name), role=role,
            mode="interview" if interview else "self-assessment",
            adviser=INTERVIEW_ADVISER if interview else SELF_ASSESSMENT_ADVISER,
            bank_version=bank.version, bank_hash=bank.hash,
            started_at=started, updated_at=stamps[-1] if stamps else started, answers=answers,
            age_band=age.id if age else ""))
    return responses


def _simulate_answer(question: Question, role: str, level: float, two_tier: bool,
                     context: "_EvidenceContext", rounder: "_ConsistentRounder",
                     rng: random.Random, when: datetime,
                     asked_for_evidence: bool = True) -> Answer | None:
    stamp = _iso(when)
    draw = rng.random()
    if question.type == "text":
        # Free-text questions are optional in practice: many people leave them blank.
        if draw < 0.3 and not question.required:
            return None
        return Answer(question.id, ANSWERED, rng.choice(TEXT_ANSWERS), "", stamp)
    if draw < SHARE_UNANSWERED and not question.required:
        return None
    if question.scored:
        # Questions about district councils do not apply where there are none.
        if not two_tier and "district" in question.id:
            return Answer(question.id, NOT_APPLICABLE, None, "", stamp)
        if draw < SHARE_UNANSWERED + SHARE_NOT_APPLICABLE:
            return Answer(question.id, NOT_APPLICABLE, None, "", stamp)
        if draw < SHARE_UNANSWERED + SHARE_NOT_APPLICABLE + SHARE_DONT_KNOW:
            return Answer(question.id, DONT_KNOW, None, "", stamp)
    value = _value_for(question, level, rounder, rng)
    evidence = ""
    if asked_for_evidence and role != "young-people" and rng.random() < SHARE_WITH_EVIDENCE:
        evidence = context.note(question, rng, level)
    return Answer(question.id, ANSWERED, value, evidence, stamp)


def _value_for(question: Question, level: float, rounder: "_ConsistentRounder",
               rng: random.Random):
    """An answer to `question` as a respondent at `level` (0 to 1) would give it."""
    if question.type == "scale":
        return 1 + rounder.round(question.area, level, len(question.levels) - 1)
    if question.type == "choice":
        ranked = sorted(question.options, key=lambda o: o.score)
        return ranked[rounder.round(question.area, level, len(ranked) - 1)].id
    if question.type == "multi":
        # As many options as the level suggests; which ones is chance.
        positive = [o.id for o in question.options if o.score > 0]
        count = rounder.round(question.area, level, len(positive))
        if count < 1:
            nothing = [o.id for o in question.options if o.score <= 0]
            return [nothing[0]] if nothing else [rng.choice(positive)]
        picked = set(rng.sample(positive, min(count, len(positive))))
        return [o for o in positive if o in picked]
    if question.type == "yesno":
        # Having a plan or a board comes early on the way to maturity.
        return "yes" if level + rng.gauss(0, 0.08) >= 0.3 else "no"
    if question.type == "number":
        return _number_for(question, level, rng)
    return rng.choice(TEXT_ANSWERS)


def _number_for(question: Question, level: float, rng: random.Random) -> int | float:
    """A number in the question's bounds, lower for a more mature partnership.

    The shipped number questions are all "less is better" (vacancy rate, agency staff,
    caseloads), so a mature partnership reports a figure near the bottom of its range.
    """
    low = question.min if question.min is not None else 0.0
    high = question.max if question.max is not None else low + 100.0
    share = _clamp(rng.gauss(0.32 - 0.22 * level, 0.05), 0.0, 1.0)
    value = low + (high - low) * share
    if float(low).is_integer() and float(high).is_integer():
        return int(min(max(round(value), low), high))
    return min(max(round(value, 1), low), high)


class _ConsistentRounder:
    """Turns one respondent's view (0 to 1) into levels whose mean per area follows that view.

    Rounding each answer on its own puts a respondent's area score up to half a level (17 points
    on a four-level scale) from their view, the same way for every answer near a boundary, so
    partners who agree would often look divergent. Carrying each rounding error on to the next
    question of the same area (error diffusion) keeps an area's mean close to the view.
    """

    def __init__(self) -> None:
        self.carry: dict[str, float] = {}

    def round(self, area: str, level: float, steps: int) -> int:
        wanted = level + self.carry.get(area, 0.0)
        chosen = max(0, min(steps, round(wanted * steps)))
        self.carry[area] = _clamp(wanted - chosen / steps, -0.5, 0.5)
        return chosen


def _respondent_roles(bank: Bank, two_tier: bool, count: int, rng: random.Random) -> list[str]:
    """The council first, then partners in a weighted random order, then more of the same."""
    offered = [r for r in bank.role_ids if r != "district" or two_tier]
    if "young-people" in offered and rng.random() >= SHARE_WITH_YOUNG_PEOPLE:
        offered.remove("young-people")
    first = "council" if "council" in offered else offered[0]
    weights = {r: ROLE_WEIGHTS.get(r, 1.0) for r in offered if r != first}
    order = [first]
    pool = dict(weights)
    while pool:
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        order.append(pick)
        del pool[pick]
    # Beyond one of each, the big partners (council, schools, health) send more people.
    extra = {first: 4.0, **weights}
    extra.pop("young-people", None)
    extra = extra or {first: 1.0}
    while len(order) < count:
        order.append(rng.choices(list(extra), weights=list(extra.values()))[0])
    return order[:count]


def _respondent_names(roles: list[str], rng: random.Random,
                      titles_by_role: Mapping[str, tuple[str, ...]]) -> list[str]:
    """A job title of the bank's era and the role in brackets, each used once in a partnership."""
    unused = {}
    for role in sorted(set(roles)):
        titles = list(titles_by_role.get(role, ()))
        # The director of children's services speaks for the council first; others vary.
        keep = 1 if role == "council" else 0
        rest = titles[keep:]
        rng.shuffle(rest)
        unused[role] = titles[:keep] + rest
    names = []
    counts: dict[str, int] = {}
    for role in roles:
        label = ROLE_LABELS.get(role, role)
        counts[role] = counts.get(role, 0) + 1
        if unused[role]:
            names.append(f"{unused[role].pop(0)} ({label})")
        else:
            names.append(f"Respondent {counts[role]} ({label})")
    return names


def _session_start(window_start: datetime, rng: random.Random) -> datetime:
    weekday = rng.randrange(SURVEY_WEEKS * 5)
    day = window_start + timedelta(days=(weekday // 5) * 7 + weekday % 5)
    return day + timedelta(hours=rng.randint(9, 15), minutes=rng.randrange(0, 60, 5))


@dataclass(frozen=True)
class _EvidenceContext:
    fields: Mapping[str, str]
    # Word in a question id -> notes, and the notes for any other question: the bank's era's.
    topics: Mapping[str, tuple[str, ...]]
    general: tuple[str, ...]

    @classmethod
    def for_wave(cls, wave: str, bank: Bank) -> "_EvidenceContext":
        y = survey_window_start(wave).year
        return cls({"y": str(y), "py": str(y - 1), "y1": f"{(y + 1) % 100:02d}",
                    "y2": f"{(y + 2) % 100:02d}", "y3": f"{(y + 3) % 100:02d}",
                    "y1p": f"{y % 100:02d}"}, evidence_topics(bank), general_evidence(bank))

    def note(self, question: Question, rng: random.Random, level: float) -> str:
        # Notes are chosen by a word in the question's id, so a note on risk cites the risk
        # register, not the vision; none names a person.
        topical = [notes for word, notes in self.topics.items() if word in question.id]
        template = rng.choice(rng.choice(topical) if topical else self.general)
        pct = int(_clamp(rng.gauss(30 + 55 * level, 6), 5, 97))
        replies = rng.randrange(300, 2400, 10)
        return template.format(**self.fields, pct=pct, replies=f"{replies:,}")


def _iso(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat()


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


# ---------------------------------------------------------------- writing


def write_demo(ws: "Workspace", demo: Demo, *, force: bool = False,
               progress: Callable[[int, int], None] | None = None) -> DemoWritten:
    """Store a simulation: partnerships in one write, then one write per partnership.

    Refuses a workspace that already holds real (non-demo) responses to the bank and wave, unless
    `force`; even then a real response is never overwritten. Earlier demo responses with the same
    keys are replaced, so running the same demo twice leaves one copy.
    """
    bank, wave = demo.bank, demo.wave
    existing = ws.responses(bank=bank.id, wave=wave)
    real = [r for r in existing if not is_demo_response(r)]
    if real and not force:
        codes = sorted({r.key.partnership for r in real})
        shown = ", ".join(codes[:5]) + (", ..." if len(codes) > 5 else "")
        raise StocktakeError(
            f"the workspace {ws.root} already holds {len(real)} real response(s) to {bank.id} "
            f"{wave} ({len(codes)} partnership(s): {shown}); the demo will not mix simulated "
            "answers into them",
            hint="run the demo in a workspace of its own, e.g. `stocktake -w ~/stocktake-demo "
                 "demo`, or add --force to add demo data beside the real responses")
    real_keys = {r.key for r in real}
    new_keys = {r.key for p in demo.partnerships for r in p.responses}
    # An earlier demo run with another seed or size is cleared, so the benchmark shows this run.
    stale: dict[str, list] = {}
    for r in existing:
        if is_demo_response(r) and r.key not in new_keys:
            stale.setdefault(r.key.partnership, []).append(r.key)
    earlier_demo = sum(len(keys) for keys in stale.values())

    ws.add_partnerships(p.partnership for p in demo.partnerships)
    respondents = answers = kept = 0
    total = len(demo.partnerships)
    for done, simulated in enumerate(demo.partnerships, start=1):
        to_write = [r for r in simulated.responses if r.key not in real_keys]
        kept += len(simulated.responses) - len(to_write)
        code = simulated.partnership.code
        if to_write or code in stale:
            ws.write_responses(code, to_write, remove=stale.pop(code, ()))
        respondents += len(to_write)
        answers += sum(len(r.answers) for r in to_write)
        if progress is not None:
            progress(done, total)
    for code, keys in stale.items():  # partnerships this run did not simulate
        ws.write_responses(code, [], remove=keys)
    return DemoWritten(total, respondents, answers, kept, earlier_demo)
