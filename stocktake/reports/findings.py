"""The sentences a report states as findings, each made from the numbers by a stated rule
(the README's "How scores are worked out"). Pure: nothing here reads a file, and nothing is
said that the numbers do not show, or that rests on fewer people than a reader would sign.

Rules (`min_count` is the bank's `min_count`, 5 unless the bank or `--min-count` says otherwise):
- No comparison against too few: no median, quartile, band, percentile or "above/below" against
  fewer than `min_count` partnerships; below it the sentence says there is no comparison and why.
  Every group compared (a region, a comparator group, a role) has its count in the sentence.
- Small groups withheld: a group reported apart (children and young people, parents and carers)
  with fewer than `min_count` people who answered on an area, and any per-question figure resting
  on fewer than `min_count` answers, is shown as a count, the figure withheld ("fewer than 5").
- Children's and parents' answers are worded as what they said ("Of the 7 children and young
  people who answered ..., 5 said ...") with the direction against the partners' (less or more
  positive: 25 points or more apart; else in line), never as a score set against the
  partnership's.
- Ties: figures are compared as the sentence prints them (two areas printed 66.7 are equal);
  every role at a tied extreme is named, in bank order. Where a list is cut (strongest and
  weakest, questions scored highest and lowest, the national top five) and the cut falls inside
  a tie, every tied item is named when that makes at most `TIE_SLACK` more than the list's
  length, else the tie is counted ("9 areas tie at 100.0 (Embedded)"): bank order never picks.
- Strongest and weakest: the two highest and the two lowest scored areas (fewer when fewer are
  scored); when every scored area reads the same, that is said instead.
- Divergent: an area whose spread is 25 points or more; the partners who differ are the roles
  with the highest and the lowest score, each with how many people it rests on.
- Quorum: an area scored by fewer partner roles than the bank's `min_roles` is "not a
  partnership view"; the overall says whether such areas are in it.
- National levels: per area, the level most partnerships are at (every level tied for the most
  is named), and how many are at the lowest level.
- Questions scored highest and lowest in an area: the mean question score (0-1) over the
  partners who answered it, from questions answered by at least `min_count`; with fewer than two
  such questions, or all of them equal, a sentence says so and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Generic, Mapping, Sequence, TypeVar
from stocktake.arithmetic.precision import difference, fixed_score

DIVERGENCE = 25.0
# How many more than a list's length may be named when its cut falls inside a tie; beyond it
# the tie is counted, not listed, so a director reads nine names only where nine were asked for.
TIE_SLACK = 2

T = TypeVar("T")


def score_text(score: float | None) -> str:
    return "no score" if score is None else fixed_score(score)


def shown(value: float, places: int = 1) -> Decimal:
    """A figure as a sentence prints it, to compare on: two scores printed 66.7 are equal,
    whatever their third decimal, or a reader would see one ranked above its equal."""
    return Decimal(fixed_score(value, places))


def _key(score: float) -> Decimal:
    return shown(score)


@dataclass(frozen=True)
class Cut(Generic[T]):
    """The head of a ranked list: `named`, in rank order, and `tied`, the items tied at the cut
    too many to name (empty when every tied item is named or the cut fell between figures)."""

    named: list[T]
    tied: list[T] = field(default_factory=list)

    def items(self) -> list[T]:
        return self.named + self.tied

    def without(self, drop: Sequence[T]) -> "Cut[T]":
        gone = {id(x) for x in drop}
        return Cut([x for x in self.named if id(x) not in gone],
                   [x for x in self.tied if id(x) not in gone])


def cut_with_ties(ranked: Sequence[T], figure: Callable[[T], Any], n: int,
                  slack: int = TIE_SLACK) -> Cut[T]:
    """The first `n` of `ranked` (sorted so equal figures are together). A cut inside a tie of
    `figure` takes every tied item when that makes at most n + `slack`; else the list stops
    before the tie and the tie is returned whole in `tied`."""
    ranked = list(ranked)
    if len(ranked) <= n or n <= 0 or figure(ranked[n - 1]) != figure(ranked[n]):
        return Cut(ranked[:max(n, 0)])
    at = figure(ranked[n - 1])
    before = [x for x in ranked[:n] if figure(x) != at]
    tie = [x for x in ranked if figure(x) == at]
    if len(before) + len(tie) <= n + slack:
        return Cut(before + tie)
    return Cut(before, tie)


def ties_phrase(n: int, noun: str, at: str) -> str:
    """"9 areas tie at 100.0 (Embedded)", "4 questions tie at 61 of 100"."""
    return f"{plural(n, noun)} tie at {at}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 partnership", "2 partnerships"; `many` for irregular plurals ("person", "people")."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def fewer_than(min_count: int) -> str:
    """The `withheld` text of --json and the cells where a figure is withheld."""
    return f"fewer than {min_count}"


def comparable(n: int, min_count: int) -> bool:
    """Whether `n` partnerships (or people, or answers) are enough to compare against."""
    return n >= min_count


def no_comparison_sentence(subject: str, n: int, min_count: int) -> str:
    """Why a figure is not set against the round: "No comparison with the round for Vision:
    only 1 partnership has a score there, fewer than the 5 a comparison needs."."""
    has = "has" if n == 1 else "have"
    return (f"No comparison with the round for {subject}: only {plural(n, 'partnership')} "
            f"{has} a score there, fewer than the {min_count} a comparison needs.")


def join_names(names: Sequence[str]) -> str:
    """"Council", "Council and Health", "Council, Health and Police"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def tied_extremes(views: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """(every view at the highest score, every view at the lowest), equal as printed (one
    decimal), in the order given (bank order). `views` carry `.score` (not None)."""
    if not views:
        return [], []
    top = max(_key(v.score) for v in views)
    bottom = min(_key(v.score) for v in views)
    return ([v for v in views if _key(v.score) == top],
            [v for v in views if _key(v.score) == bottom])


def _roles_with_counts(views: Sequence[Any], titles: Mapping[str, str]) -> str:
    return join_names([f"{titles.get(v.role, v.role)} ({plural(v.respondents, 'person', 'people')})"
                       for v in views])


def area_extremes(areas: Sequence[Any], n: int = 2) -> tuple[Cut[Any], Cut[Any]]:
    """(strongest, weakest) areas with a score, each up to `n` (one each with two or three
    scored), cut on the score as printed, never the same area at both ends: a tie reaching
    both ends belongs to the end whose extreme it is, or, in the middle, to neither."""
    scored = [a for a in areas if a.score is not None]
    order = {a.id: i for i, a in enumerate(areas)}
    high = sorted(scored, key=lambda a: (-_key(a.score), order[a.id]))
    low = sorted(scored, key=lambda a: (_key(a.score), order[a.id]))
    take = min(n, len(scored) // 2) if len(scored) > 1 else len(scored)
    strongest = cut_with_ties(high, lambda a: _key(a.score), take)
    if len(scored) < 2:
        return strongest, Cut([])
    weakest = cut_with_ties(low, lambda a: _key(a.score), take)
    top, bottom = _key(high[0].score), _key(low[0].score)
    if top == bottom:
        return Cut([]), Cut([])
    low_ids = {id(a) for a in weakest.items()}
    both = [a for a in strongest.items() if id(a) in low_ids]
    if both:
        strongest = strongest.without([a for a in both if _key(a.score) != top])
        weakest = weakest.without([a for a in both if _key(a.score) != bottom])
    return strongest, weakest


def strongest_and_weakest(areas: Sequence[Any], n: int = 2) -> tuple[list[Any], list[Any]]:
    """(strongest, weakest) areas with a score, each up to `n`, tied areas at a cut included,
    never the same area twice."""
    strongest, weakest = area_extremes(areas, n)
    return strongest.items(), weakest.items()


def _area_figure(a: Any) -> str:
    return f"{a.title} ({a.level}, {fixed_score(a.score)})"


def _tied_areas(tied: Sequence[Any]) -> str:
    levels = list(dict.fromkeys(a.level for a in tied))
    return ties_phrase(len(tied), "area", f"{fixed_score(tied[0].score)} ({join_names(levels)})")


def strongest_and_weakest_sentences(areas: Sequence[Any], n: int = 2) -> list[str]:
    """"Strongest: Vision (Embedded, 100.0); Risk (Embedded, 100.0)." and "Weakest: ...";
    "Strongest: 9 areas tie at 100.0 (Embedded)." where too many tie to name; one sentence when
    every scored area reads the same."""
    scored = [a for a in areas if a.score is not None]
    if len(scored) >= 2 and len({_key(a.score) for a in scored}) == 1:
        levels = list(dict.fromkeys(a.level for a in scored))
        return [f"All {len(scored)} scored areas read {fixed_score(scored[0].score)} "
                f"({join_names(levels)}), so none is strongest or weakest."]
    said = []
    for label, cut in zip(("Strongest", "Weakest"), area_extremes(areas, n)):
        parts = [_area_figure(a) for a in cut.named]
        if cut.tied:
            parts.append(("then " if parts else "") + _tied_areas(cut.tied))
        if parts:
            said.append(f"{label}: " + "; ".join(parts) + ".")
    return said


def summary_sentence(partnership: str, overall: float | None, level: str | None,
                     scored: int, total: int, respondents: int | None = None,
                     below_quorum: Sequence[str] = (), min_roles: int = 1) -> str:
    """The report's lead: the overall level, how many areas and people it rests on, and whether
    areas short of the partner quorum are in it."""
    if overall is None:
        return (f"{partnership} has no overall score: none of the {total} areas had enough "
                "answers to be scored.")
    people = f" from the answers of {plural(respondents, 'person', 'people')}" \
        if respondents is not None else ""
    said = (f"{partnership} rates itself {level} overall (a score of {fixed_score(overall)} out of 100), "
            f"with {scored} of {total} areas scored{people}.")
    if below_quorum:
        said += (f" The overall includes {plural(len(below_quorum), 'area')} answered by fewer "
                 f"than the {min_roles} partner roles the bank asks for "
                 f"({join_names(below_quorum)}).")
    return said


def standing_sentence(partnership: str, above: int, below: int, level: int, compared: int,
                      total: int, n: int, min_count: int, authorities: int = 0) -> str:
    """Where the partnership stands against the round's medians, counted over the `compared` of
    its `total` scored areas. `n`: partnerships in the round; `authorities`: how many there are
    in England (0: not said)."""
    if compared == 0:
        return (f"{partnership} is not compared with the round: the round has "
                f"{plural(n, 'partnership')} with scores, fewer than the {min_count} a "
                "comparison needs.")
    of = (lambda k: f"all {k} areas" if k == total else f"{k} of {total} areas")
    parts = [f"{word} in {of(k) if i == 0 else k}" for i, (k, word) in enumerate(
        (k, w) for k, w in ((below, "below the median"), (above, "above it" if below else
                                                          "above the median"),
                            (level, "at it" if (below or above) else "at the median")) if k)]
    said = join_names(parts)
    left = total - compared
    rest = (f" ({plural(left, 'area')} {'has' if left == 1 else 'have'} too few partnerships "
            "to compare)" if left else "")
    return f"Against {round_scope(n, authorities)}, {partnership} is {said}{rest}."


def divergence_sentence(area: Any, titles: Mapping[str, str]) -> str | None:
    """Who disagrees in a divergent area, by role where roles were scored apart; every role at
    a tied extreme is named, each with its count of people."""
    if not area.divergent or area.spread is None:
        return None
    views = [v for v in getattr(area, "by_role", ()) if v.score is not None]
    if len(views) >= 2:
        high, low = tied_extremes(views)
        if _key(high[0].score) != _key(low[0].score):
            each = lambda group: "" if len(group) == 1 else ", each"  # noqa: E731
            return (f"Partners see {area.title} differently: {_roles_with_counts(high, titles)}"
                    f"{each(high)} {fixed_score(high[0].score)} against "
                    f"{_roles_with_counts(low, titles)}{each(low)} {fixed_score(low[0].score)} "
                    f"(a spread of {fixed_score(area.spread)} points between the people who answered).")
    return (f"Respondents see {area.title} differently: their scores spread over "
            f"{fixed_score(area.spread)} points.")


@dataclass(frozen=True)
class SaidMost:
    """What most of a group said to one question: `count` of `answered` gave `answer`."""

    question: str  # the question's text
    answered: int
    answers: tuple[str, ...]  # the answer's words as the form shows them; every one tied
    count: int


def group_name(title: str) -> str:
    """A role's title as a sentence says it: "Children and young people (anonymous)" ->
    "children and young people"; "Parents and carers" -> "parents and carers"."""
    from stocktake.scoring.method import role_short_title

    short = role_short_title(title)
    return short[:1].lower() + short[1:] if short[1:2].islower() else short


def apart_sentences(area_title: str, group: str, heard: int, said: Sequence[SaidMost],
                    direction: str | None, min_count: int) -> list[str]:
    """What a group reported apart said on one area, in counts. `heard`: how many of the group
    answered on the area; `direction`: "less positive", "more positive", "in line" or None (no
    partners' score to set it against). Fewer than `min_count` heard: the count only."""
    if heard == 0:
        return []
    if not comparable(heard, min_count):
        return [f"{group[:1].upper() + group[1:]} who answered on {area_title}: {heard}, "
                f"{fewer_than(min_count)}, so what they said is not reported here."]
    found = []
    for item in said:
        if comparable(item.answered, min_count):
            counts = " and ".join(f"{item.count} said \u201c{a}\u201d" for a in item.answers)
            found.append(f"Of the {item.answered} {group} who answered "
                         f"\u201c{item.question}\u201d, {counts}.")
    if not found:
        found.append(f"{heard} {group} answered on {area_title}; no question was answered by "
                     f"{min_count} or more of them, so no answer is reported here.")
    if direction == "in line":
        found.append(f"On {area_title}, what {group} said is broadly in line with the "
                     "partners' answers.")
    elif direction:
        found.append(f"On {area_title}, what {group} said is {direction} than the partners' "
                     "answers.")
    return found


def apart_direction(view_score: float | None, partners_score: float | None) -> str | None:
    """"less positive" / "more positive" when 25 points or more apart, "in line" otherwise."""
    if view_score is None or partners_score is None:
        return None
    gap = view_score - partners_score
    if abs(gap) + 1e-9 < DIVERGENCE:
        return "in line"
    return "less positive" if gap < 0 else "more positive"


def quorum_sentence(area: Any, titles: Mapping[str, str]) -> str | None:
    if getattr(area, "quorum", True) or area.score is None:
        return None
    roles = [titles.get(r, r) for r in getattr(area, "partner_roles", ())]
    only = join_names(roles) if roles else "one partner"
    return f"Not a partnership view: only {only} answered on {area.title}."


def no_score_sentence(area: Any, short: Sequence[tuple[str, int, int, int]] = ()) -> str | None:
    """Why an area has no score. `short`: (role title, people, answered, asked) of the roles
    whose people answered too little to count, from `too_little_to_count`."""
    if area.score is not None:
        return None
    if short:
        return (f"{area.title} has no score: "
                + "; ".join(_too_little(role, people, answered, asked)
                            for role, people, answered, asked in short) + ".")
    if area.withheld:
        return (f"{area.title} has no score: {plural(len(area.withheld), 'person', 'people')} "
                "answered too few of its questions to count.")
    return f"{area.title} has no score: nobody who answered was asked about it."


def _too_little(role: str, people: int, answered: int, asked: int) -> str:
    return (f"{role} ({plural(people, 'person', 'people')}) answered {answered} of "
            f"{plural(asked, 'question')} asked")


def resting_on_sentence(area: Any, titles: Mapping[str, str],
                        short: Sequence[tuple[str, int, int, int]] = (),
                        silent: Sequence[str] = ()) -> str | None:
    """Which partners and how many people an area's score rests on, and who answered too little
    to count ("Health (1 person) answered 1 of 9 questions asked") or was not heard at all."""
    if area.score is None:
        return None
    views = [v for v in getattr(area, "by_role", ()) if v.score is not None]
    people = sum(v.respondents for v in views)
    said = (f"The score for {area.title} rests on {plural(people, 'person', 'people')} from "
            f"{plural(len(views), 'partner role')}: "
            + join_names([f"{titles.get(v.role, v.role)} {v.respondents}" for v in views]) + ".")
    if short:
        said += " Not counted, as they answered too little: " + "; ".join(
            _too_little(role, p, a, n) for role, p, a, n in short) + "."
    if silent:
        said += f" Not heard here: {join_names(list(silent))}."
    return said


def moderation_sentence(area: Any) -> str | None:
    if not area.moderated or area.moderation is None:
        return None
    m = area.moderation
    before = (f" (the partners' own score was {fixed_score(area.self_assessed)})"
              if area.self_assessed is not None else "")
    reason = f": {m.reason}" if m.reason else ""
    return f"The adviser moderated {area.title} to {fixed_score(m.score)}{before}{reason}."


@dataclass(frozen=True)
class QuestionMean:
    question: str
    text: str
    mean: float  # 0-1
    answered: int


def _of_100(m: QuestionMean) -> Decimal:
    return shown(m.mean * 100, 0)


def question_extremes(means: Sequence[QuestionMean], min_count: int = 1
                      ) -> tuple[Cut[QuestionMean], Cut[QuestionMean]] | None:
    """(highest, lowest) questions by mean score as printed ("61 of 100"), from questions
    answered by at least `min_count`, in the order given (bank order); each a Cut of one with
    its ties. None unless two such questions differ."""
    usable = [m for m in means if m.answered and comparable(m.answered, min_count)]
    if len(usable) < 2:
        return None
    order = {id(m): i for i, m in enumerate(usable)}
    high = sorted(usable, key=lambda m: (-_of_100(m), order[id(m)]))
    low = sorted(usable, key=lambda m: (_of_100(m), order[id(m)]))
    if _of_100(high[0]) == _of_100(low[0]):
        return None
    return cut_with_ties(high, _of_100, 1), cut_with_ties(low, _of_100, 1)


def _answers(group: Sequence[QuestionMean]) -> str:
    counts = sorted({m.answered for m in group})
    if len(counts) == 1:
        return f"{plural(counts[0], 'answer')}{' each' if len(group) > 1 else ''}"
    return f"{counts[0]} to {counts[-1]} answers"


def _end_sentence(label: str, cut: Cut[QuestionMean]) -> str:
    if cut.tied:
        at = f"{_of_100(cut.tied[0])} of 100"
        return f"{label}: {ties_phrase(len(cut.tied), 'question', at)} ({_answers(cut.tied)})."
    if len(cut.named) == 1:
        m = cut.named[0]
        return f"{label}: \u201c{m.text}\u201d ({_of_100(m)} of 100, {_answers([m])})."
    at = f"{label}, tied at {_of_100(cut.named[0])} of 100"
    if len({m.answered for m in cut.named}) == 1:
        return (f"{at} ({_answers(cut.named)}): "
                + join_names([f"\u201c{m.text}\u201d" for m in cut.named]) + ".")
    return (f"{at}: " + join_names([f"\u201c{m.text}\u201d ({_answers([m])})"
                                    for m in cut.named]) + ".")


def question_extremes_sentence(means: Sequence[QuestionMean], min_count: int) -> str | None:
    """The questions scored highest and lowest in an area, every tie named or counted; where
    none can be singled out, why: how many answers, against `min_count`. None when the area has
    fewer than two scored questions answered, so there was never a pair to set side by side."""
    answered = [m for m in means if m.answered]
    if len(answered) < 2:
        return None
    usable = [m for m in answered if comparable(m.answered, min_count)]
    few = [m for m in answered if not comparable(m.answered, min_count)]
    most = max((m.answered for m in few), default=0)
    counted = plural(most, "answer")
    none = "so no question is singled out as scored highest or lowest"
    if not usable:
        has = f"has {counted}" if len({m.answered for m in few}) == 1 else f"has at most {counted}"
        return f"Each question here {has}, fewer than {min_count}, {none}."
    if len(usable) == 1:
        return (f"Only 1 question here has {min_count} or more answers (the others have at "
                f"most {most}), {none}.")
    left = (f" {plural(len(few), 'question')} with {fewer_than(min_count)} answers "
            f"{'is' if len(few) == 1 else 'are'} not compared." if few else "")
    extremes = question_extremes(usable, min_count)
    if extremes is None:
        return (f"The {len(usable)} questions with {min_count} or more answers all score "
                f"{_of_100(usable[0])} of 100, {none}.{left}")
    high, low = extremes
    return f"{_end_sentence('Scored highest', high)} {_end_sentence('Scored lowest', low)}{left}"


def level_share_sentence(area_title: str, levels: Sequence[str], count: int, total: int) -> str:
    """"7 of 20 partnerships are Emerging in Risk."; with levels tied for the most, each is
    named: "9 of 20 partnerships are Developing and 9 Established in Change"."""
    said = f" and {count} ".join(levels)
    return (f"{count} of {total} partnership{'s' if total != 1 else ''} "
            f"{'are' if count != 1 else 'is'} {said} in {area_title}.")


def group_gap_sentence(group: str, n: int, area_title: str, mean: float, median: float,
                       total: int) -> str:
    """"In the 8 South West partnerships, Vision averages 61.0, 12.0 points above the median of
    the 20 partnerships in this round (49.0).": the group's count is always in the sentence."""
    gap = difference(mean, median) or 0.0
    return (f"In the {plural(n, group + ' partnership')}, {area_title} averages {fixed_score(mean)}, "
            f"{fixed_score(abs(gap))} points {'above' if gap > 0 else 'below'} the median of the "
            f"{total} partnerships in this round ({fixed_score(median)}).")


def round_scope(partnerships: int, authorities: int) -> str:
    """"this round (20 of 153 authorities)": what a round's figures describe, never "national"
    unless every authority returned."""
    if authorities and partnerships < authorities:
        return f"this round ({partnerships} of {authorities} authorities)"
    return f"this round (all {partnerships} authorities)" if authorities else "this round"


BAND_CONVENTIONS = (
    "Two A-D conventions appear here. For published figures, A to D are DfE LAIT's quartile "
    "bands of every authority's value, with A the best quarter by the measure's polarity. For "
    "self-assessed scores, A to D are quartile bands among the partnerships in this round, A "
    "the top quarter. Neither is an inspection grade.")
