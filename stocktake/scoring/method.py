"""The scoring method: question scores, respondent area scores, partnership scores. Pure, no I/O.

The method (issue 4, and the README) in the order it is applied:

1. A question score s in [0, 1]: scale (level - 1) / (N - 1); choice the option's score over the
   highest option score; multi the chosen scores over all positive scores, capped at 1; yesno
   yes 1, no 0; a number only if the bank marks it scored, (v - min) / (max - min) clipped.
2. A respondent's area score is 100 x sum(w s) / sum(w) over the answered, scored questions of
   the area asked of them. N/A answers and questions hidden by role or skip logic are left out
   entirely; don't-know and unanswered questions count only against coverage.
3. Coverage = answered / applicable; below the bank's `min_coverage` the score is withheld.
4. A role's area score is the mean of that role's respondents' non-withheld scores (its spread,
   max - min, is kept beside it). Roles the bank reports apart (children and young people,
   parents and carers) are shown as their own view and never enter the partnership score; a
   view 25 points or more from the partnership's is flagged.
5. The partnership's area score, by the bank's `partnership_score`: "roles", the mean of the
   partner roles' scores (each sector counts once), or "respondents", the mean over the partner
   respondents. Spread is max - min over the same values (role scores or respondent scores) and
   the area is divergent when it is 25 points or more. An area scored by fewer partner roles
   than the bank's `min_roles` is still shown, but is not a partnership view (`quorum` false)
   and benchmarks leave it out of their quartiles. An adviser's moderation (the latest for the
   area) replaces the score; the self-assessed mean stays beside it.
6. Levels come from the bank's bands; overall is the mean of the non-null area scores; its
   quorum needs `min_roles` partner roles with a score in any area.

Every threshold (bands, divergence, coverage) is compared at the published precision, 2 decimals
for scores and 4 for shares, through `stocktake.arithmetic.precision`.

Sums go through math.fsum, which is exactly rounded, so results do not depend on the order of
respondents or answers, not even in the last bit.

    scores = score_partnership(bank, responses, moderations, partnership="E09000007",
                               wave="2026-27")
    scores.area("vision").score      # 62.5
    scores.to_json()                 # what `stocktake scores --json` prints
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from stocktake.banks.answer_values import finite_number
from stocktake.banks.applicability import is_applicable
from stocktake.banks.model import Bank, Question
from stocktake.records.provenance import any_simulated
from stocktake.records.responses import ANSWERED, NOT_APPLICABLE, Answer, Moderation, Response
from stocktake.arithmetic.precision import SHARE_DECIMALS, at_least, published

# Partners who differ by this many points or more see the area differently: worth a conversation.
DIVERGENCE_POINTS = 25.0
# A view reported apart this far from the partnership's is flagged ("... see this differently").
APART_POINTS = 25.0


def question_score(question: Question, answer: Answer | None) -> float | None:
    """The answer's score in [0, 1]; None if unscored, N/A, don't know, unanswered or unreadable."""
    if answer is None or answer.status != ANSWERED or not question.scored:
        return None
    value = answer.value
    if value is None or isinstance(value, bool):
        return None
    qtype = question.type
    if qtype == "scale":
        level = finite_number(value)
        if level is None or len(question.levels) < 2:
            return None
        return _clip((level - 1) / (len(question.levels) - 1))
    if qtype == "choice":
        option = question.option(str(value))
        top = max((o.score for o in question.options), default=0.0)
        if option is None or top <= 0:
            return None
        return _clip(option.score / top)
    if qtype == "multi":
        chosen_ids = value if isinstance(value, (list, tuple)) else [value]
        positive = math.fsum(o.score for o in question.options if o.score > 0)
        named = [question.option(str(c)) for c in dict.fromkeys(chosen_ids)]
        chosen = [o for o in named if o is not None]
        if positive <= 0 or len(chosen) < len(named):  # an id the question has no option for
            return None
        return min(1.0, math.fsum(o.score for o in chosen) / positive)
    if qtype == "yesno":
        word = str(value).strip().lower()
        return 1.0 if word == "yes" else 0.0 if word == "no" else None
    if qtype == "number":
        number = finite_number(value)
        if number is None or question.min is None or question.max is None \
                or question.max <= question.min:
            return None
        return _clip((number - question.min) / (question.max - question.min))
    return None  # text is never scored


@dataclass(frozen=True)
class RespondentAreaScore:
    """One respondent's view of one area. applicable == 0: the area was not theirs to answer."""

    respondent: str
    role: str
    area: str
    score: float | None
    coverage: float | None
    answered: int
    applicable: int
    withheld: str | None  # the reason, when the score is withheld for low coverage


def respondent_area_scores(bank: Bank, response: Response) -> list[RespondentAreaScore]:
    """One score per bank area, in bank order."""
    return _respondent_scores(bank, _questions_by_area(bank), response)


@dataclass(frozen=True)
class RoleView:
    """One role's view of one area: the mean of its respondents' non-withheld scores."""

    role: str
    score: float | None
    respondents: int  # respondents whose score counts
    spread: float | None  # max - min inside the role; None with fewer than two

    def to_json(self, with_spread: bool = True, min_count: int = 1) -> dict:
        """`n` is how many people the score rests on; below `min_count` the score is null
        and `withheld` says "fewer than N"."""
        out: dict[str, float | int | str | None] = {
            "score": _round(self.score), "respondents": self.respondents,
            "n": self.respondents}
        if self.respondents < min_count:
            out["score"] = None
            out["withheld"] = f"fewer than {min_count}"
        if with_spread:
            out["spread"] = _round(self.spread)
        return out


@dataclass(frozen=True)
class AreaResult:
    """A partnership's result for one area, after moderation.

    `by_role` holds the partner roles with a score, `apart` the roles reported apart, both in
    bank order; `apart_differs` the apart roles whose view is 25 points or more from `score`.
    """

    id: str
    title: str
    score: float | None
    level: str | None
    colour: str | None
    coverage: float | None
    respondents: int  # respondents whose score counts (asked, not withheld)
    spread: float | None
    divergent: bool
    moderated: bool
    self_assessed: float | None  # the respondents' mean, moderated or not
    moderation: Moderation | None
    withheld: tuple[str, ...]  # one reason per withheld respondent
    by_role: tuple[RoleView, ...] = ()
    apart: tuple[RoleView, ...] = ()
    quorum: bool = True  # scored by at least the bank's min_roles partner roles
    apart_differs: tuple[str, ...] = ()

    def role_view(self, role: str) -> RoleView | None:
        for view in self.by_role + self.apart:
            if view.role == role:
                return view
        return None

    @property
    def partner_roles(self) -> tuple[str, ...]:
        return tuple(v.role for v in self.by_role)

    def published(self, min_count: int) -> "AreaResult":
        """This area as it may be shown: each group reported apart with fewer than `min_count`
        respondents keeps its count and loses its score and spread, and is no longer among
        `apart_differs` (which would tell which way their answers went)."""
        small = {v.role for v in self.apart if v.respondents < min_count}
        if not small:
            return self
        return replace(self, apart=tuple(replace(v, score=None, spread=None)
                                         if v.role in small else v for v in self.apart),
                       apart_differs=tuple(r for r in self.apart_differs if r not in small))

    def to_json(self, min_count: int = 1) -> dict:
        """Groups reported apart below `min_count` people have their score withheld, and are
        not named in `apart_differs`."""
        small = {v.role for v in self.apart if v.respondents < min_count}
        return {"id": self.id, "title": self.title, "score": _round(self.score),
                "level": self.level, "coverage": _round(self.coverage, 4),
                "respondents": self.respondents, "n": self.respondents,
                "spread": _round(self.spread),
                "divergent": self.divergent, "moderated": self.moderated,
                "self_assessed": _round(self.self_assessed),
                "by_role": {v.role: v.to_json() for v in self.by_role},
                "apart": {v.role: v.to_json(with_spread=False, min_count=min_count)
                          for v in self.apart},
                "apart_differs": [r for r in self.apart_differs if r not in small],
                "quorum": self.quorum}


@dataclass(frozen=True)
class RoleSummary:
    """A role that answered: how many respondents, and whether it is reported apart."""

    id: str
    title: str
    respondents: int
    reported_apart: bool

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "respondents": self.respondents,
                "reported_apart": self.reported_apart}


@dataclass(frozen=True)
class PartnershipScores:
    partnership: str
    bank: str
    wave: str
    respondents: int
    overall: float | None
    overall_level: str | None
    areas: tuple[AreaResult, ...]
    overall_colour: str | None = None
    respondent_scores: tuple[RespondentAreaScore, ...] = ()
    roles: tuple[RoleSummary, ...] = ()  # roles with respondents, bank order
    method: str = "respondents"  # the bank's partnership_score
    min_roles: int = 1
    overall_quorum: bool = True
    simulated: bool = False  # made from any `stocktake demo` response: every output says so

    def area(self, area_id: str) -> AreaResult:
        for result in self.areas:
            if result.id == area_id:
                return result
        raise KeyError(area_id)

    def published(self, min_count: int) -> "PartnershipScores":
        """These scores as they may be shown, read or compared by a person: every area's
        groups reported apart below `min_count` respondents hold their count and no figure
        (AreaResult.published). `min_count` is the bank's (or --min-count's), decided when
        scores are shown, so the scores worked out and cached keep every figure."""
        areas = tuple(a.published(min_count) for a in self.areas)
        if all(new is old for new, old in zip(areas, self.areas)):
            return self
        return replace(self, areas=areas)

    def to_json(self, min_count: int = 1) -> dict:
        """The `stocktake scores --json` shape; scores to 2 decimals, coverage as a 0-1 share;
        `n` beside each figure, and groups reported apart withheld below `min_count`."""
        return {"partnership": self.partnership, "bank": self.bank, "wave": self.wave,
                "partnership_score": self.method, "min_roles": self.min_roles,
                "min_count": min_count,
                "roles": [r.to_json() for r in self.roles],
                "overall_quorum": self.overall_quorum, "simulated": self.simulated,
                "overall": {"score": _round(self.overall), "level": self.overall_level,
                            "n": self.respondents},
                "areas": [a.to_json(min_count) for a in self.areas]}


def score_partnership(bank: Bank, responses: Sequence[Response],
                      moderations: Sequence[Moderation] = (), *, partnership: str,
                      wave: str) -> PartnershipScores:
    """Score every area of the bank for one partnership; the latest moderation per area wins.

    A response with no answers (a reference a form for an anonymous role holds until it comes
    back) is nobody's view yet: it counts as no respondent."""
    responses = [r for r in responses if r.answers]
    by_area = _questions_by_area(bank)
    per_area: dict[str, list[RespondentAreaScore]] = {a.id: [] for a in bank.areas}
    every: list[RespondentAreaScore] = []
    for response in sorted(responses, key=lambda r: r.key.respondent):
        for result in _respondent_scores(bank, by_area, response):
            per_area[result.area].append(result)
            every.append(result)
    latest = latest_moderations(moderations)
    areas = tuple(_area_result(bank, area.id, area.title, per_area[area.id], latest.get(area.id))
                  for area in bank.areas)
    overall = _mean(a.score for a in areas if a.score is not None)
    band = bank.band_for(overall)
    apart = set(bank.apart_role_ids)
    partner_roles = {v.role for a in areas for v in a.by_role}
    respondents_by_role: dict[str, set[str]] = {}
    for response in responses:
        respondents_by_role.setdefault(response.role, set()).add(response.key.respondent)
    order = {role: i for i, role in enumerate(bank.role_ids)}
    roles = tuple(RoleSummary(role, bank.role_title(role), len(names), role in apart)
                  for role, names in sorted(respondents_by_role.items(),
                                            key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    return PartnershipScores(
        partnership=partnership, bank=bank.id, wave=wave,
        respondents=len({r.key.respondent for r in responses}),
        overall=overall, overall_level=band.label if band else None, areas=areas,
        overall_colour=band.colour if band else None, respondent_scores=tuple(every),
        roles=roles, method=bank.partnership_score, min_roles=bank.min_roles,
        overall_quorum=len(partner_roles) >= bank.min_roles,
        simulated=any_simulated(responses))


def latest_moderations(moderations: Iterable[Moderation]) -> dict[str, Moderation]:
    """The moderation that counts per area: the latest `moderated_at`, the later entry on a tie."""
    latest: dict[str, Moderation] = {}
    for moderation in moderations:
        held = latest.get(moderation.area)
        if held is None or moderation.moderated_at >= held.moderated_at:
            latest[moderation.area] = moderation
    return latest


# ---------------------------------------------------------------- internals


def _questions_by_area(bank: Bank) -> dict[str, list[Question]]:
    grouped: dict[str, list[Question]] = {a.id: [] for a in bank.areas}
    for question in bank.questions:
        if question.scored and question.type != "text" and question.area in grouped:
            grouped[question.area].append(question)
    return grouped


def _respondent_scores(bank: Bank, by_area: dict[str, list[Question]],
                       response: Response) -> list[RespondentAreaScore]:
    answers, role, age = response.answers, response.role, response.age
    results = []
    for area in bank.areas:
        weighted, weights = [], []
        applicable = answered = 0
        for question in by_area[area.id]:
            if not is_applicable(bank, question, role, answers, age):
                continue
            answer = answers.get(question.id)
            if answer is not None and answer.status == NOT_APPLICABLE:
                continue
            applicable += 1
            s = question_score(question, answer)
            if s is None:
                continue  # don't know, unanswered or unreadable: counts against coverage only
            answered += 1
            weighted.append(question.weight * s)
            weights.append(question.weight)
        score: float | None = None
        coverage: float | None = None
        withheld: str | None = None
        if applicable:
            coverage = answered / applicable
            if answered == 0 or not at_least(coverage, bank.min_coverage, SHARE_DECIMALS):
                who = response.key.respondent
                if f"({role})" not in who:  # names often carry the role already
                    who = f"{who} ({role})"
                withheld = (f"{who} answered {answered} of "
                            f"{applicable} question{'s' if applicable != 1 else ''} "
                            f"({coverage:.0%}), below the bank's minimum of "
                            f"{bank.min_coverage:.0%}")
            else:
                score = 100.0 * math.fsum(weighted) / math.fsum(weights)
        results.append(RespondentAreaScore(response.key.respondent, role, area.id, score,
                                           coverage, answered, applicable, withheld))
    return results


def role_views(bank: Bank, results: Iterable[RespondentAreaScore]) -> list[RoleView]:
    """Each role's view of one area from its respondents' scores, bank order (unknown roles
    after, by id); roles without a counted score are left out."""
    by_role: dict[str, list[float]] = {}
    for r in results:
        if r.applicable > 0 and r.score is not None:
            by_role.setdefault(r.role, []).append(r.score)
    order = {role: i for i, role in enumerate(bank.role_ids)}
    views = []
    for role in sorted(by_role, key=lambda x: (order.get(x, len(order)), x)):
        values = sorted(by_role[role])
        views.append(RoleView(role, _mean(values), len(values),
                              values[-1] - values[0] if len(values) >= 2 else None))
    return views


def _area_result(bank: Bank, area_id: str, title: str, results: list[RespondentAreaScore],
                 moderation: Moderation | None) -> AreaResult:
    apart_ids = set(bank.apart_role_ids)
    asked = [r for r in results if r.applicable > 0]
    views = role_views(bank, asked)
    partners = [v for v in views if v.role not in apart_ids]
    apart = [v for v in views if v.role in apart_ids]
    if bank.partnership_score == "roles":
        counted = sorted(v.score for v in partners if v.score is not None)
    else:
        counted = sorted(r.score for r in asked
                         if r.score is not None and r.role not in apart_ids)
    self_assessed = _mean(counted)
    # Coverage is the partnership's: the views reported apart have their own questions.
    partner_asked = [r for r in asked if r.role not in apart_ids]
    applicable = sum(r.applicable for r in partner_asked)
    coverage = sum(r.answered for r in partner_asked) / applicable if applicable else None
    spread = counted[-1] - counted[0] if len(counted) >= 2 else None
    score = moderation.score if moderation is not None else self_assessed
    band = bank.band_for(score)
    withheld = tuple(sorted(r.withheld for r in asked if r.withheld))
    differs = tuple(v.role for v in apart if score is not None and v.score is not None
                    and at_least(abs(v.score - score), APART_POINTS))
    return AreaResult(
        id=area_id, title=title, score=score, level=band.label if band else None,
        colour=band.colour if band else None, coverage=coverage,
        respondents=sum(v.respondents for v in partners),
        spread=spread, divergent=spread is not None and at_least(spread, DIVERGENCE_POINTS),
        moderated=moderation is not None, self_assessed=self_assessed, moderation=moderation,
        withheld=withheld, by_role=tuple(partners), apart=tuple(apart),
        quorum=len(partners) >= bank.min_roles, apart_differs=differs)


def quorum_note(area: AreaResult, bank: Bank) -> str | None:
    """'not a partnership view: only council answered' for an area below the bank's min_roles."""
    if area.quorum:
        return None
    roles = [v.role for v in area.by_role]
    if not roles:
        return "not a partnership view: no partner answered"
    return f"not a partnership view: only {' and '.join(roles)} answered"


def apart_note(area: AreaResult, bank: Bank) -> list[str]:
    """A sentence per group reported apart (children and young people, parents and carers) that
    answered on the area, in words and counts, never as a score set against the partnership's:
    "what the 7 children and young people said is less positive than the partners' answers"
    (25 points or more apart); below the bank's min_count, the count only ("3 answered: fewer
    than 5, not reported")."""
    notes = []
    for view in area.apart:
        group = role_short_title(bank.role_title(view.role))
        if view.respondents < bank.min_count:
            notes.append(f"{group}: {view.respondents} answered, fewer than {bank.min_count}, "
                         "so not reported")
        # apart_differs holds only roles whose score and the area's are both set.
        elif view.role in area.apart_differs and view.score is not None \
                and area.score is not None:
            direction = "less" if view.score < area.score else "more"
            notes.append(f"what the {view.respondents} {group.lower()} said is {direction} "
                         "positive than the partners' answers")
    return notes


def role_short_title(title: str) -> str:
    """"Children and young people answering for themselves" -> "Children and young people";
    "Council: director of ..." -> "Council"."""
    for cut in (",", " answering", " (", ":"):
        if cut in title:
            title = title.split(cut, 1)[0]
    return title.strip()


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return math.fsum(values) / len(values) if values else None


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _round(value: float | None, digits: int = 2) -> float | None:
    return published(value, digits)
