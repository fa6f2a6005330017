"""The sentences a report states as findings, each made from the numbers by a stated rule
(the README's "How the reports word their findings"). Pure: nothing here reads a file, and
nothing is said that the numbers do not show.

Rules:
- Strongest and weakest: the two highest and the two lowest scored areas (fewer when fewer are
  scored); scores equal at two decimals are equal, and ties are named in bank order.
- Divergent: an area whose spread is 25 points or more; the partners who differ are the role
  (or respondent) with the highest and the one with the lowest score.
- A view reported apart (children and young people, parents and carers) differs when it is 25
  points or more from the partnership's score.
- Quorum: an area scored by fewer partner roles than the bank's `min_roles` is "not a
  partnership view".
- Questions scored highest and lowest in an area: the mean question score (0-1) over those who
  answered it, highest and lowest; shown only with two or more questions answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

DIVERGENCE = 25.0


def score_text(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f}"


def _key(score: float) -> float:
    return round(score, 2)


def strongest_and_weakest(areas: Sequence[Any], n: int = 2) -> tuple[list[Any], list[Any]]:
    """(strongest, weakest) areas with a score, each up to `n`, never the same area twice."""
    scored = [a for a in areas if a.score is not None]
    order = {a.id: i for i, a in enumerate(areas)}
    high = sorted(scored, key=lambda a: (-_key(a.score), order[a.id]))
    take = min(n, len(scored) // 2) if len(scored) > 1 else len(scored)
    strongest = high[:take]
    low = sorted(scored, key=lambda a: (_key(a.score), order[a.id]))
    weakest = [a for a in low if a not in strongest][:take]
    return strongest, weakest


def summary_sentence(partnership: str, overall: float | None, level: str | None,
                     scored: int, total: int) -> str:
    if overall is None:
        return (f"{partnership} has no overall score: none of the {total} areas had enough "
                "answers to be scored.")
    return (f"{partnership} rates itself {level} overall (a score of {overall:.1f} out of 100), "
            f"from {scored} of {total} areas scored.")


def divergence_sentence(area: Any, titles: Mapping[str, str]) -> str | None:
    """Who disagrees in a divergent area, by role where roles were scored apart."""
    if not area.divergent or area.spread is None:
        return None
    views = [v for v in getattr(area, "by_role", ()) if v.score is not None]
    if len(views) >= 2:
        high = max(views, key=lambda v: _key(v.score))
        low = min(views, key=lambda v: _key(v.score))
        return (f"Partners see {area.title} differently: {titles.get(high.role, high.role)} "
                f"{high.score:.1f} against {titles.get(low.role, low.role)} {low.score:.1f} "
                f"(a spread of {area.spread:.1f} points).")
    return (f"Respondents see {area.title} differently: their scores spread over "
            f"{area.spread:.1f} points.")


def apart_sentences(area: Any, titles: Mapping[str, str]) -> list[str]:
    """A sentence per view reported apart that differs from the partnership's by 25 or more."""
    found = []
    for view in getattr(area, "apart", ()):
        if view.score is None or area.score is None:
            continue
        if abs(view.score - area.score) + 1e-9 >= DIVERGENCE:
            found.append(f"{titles.get(view.role, view.role)} see {area.title} differently: "
                         f"{view.score:.1f} against the partnership's {area.score:.1f}.")
    return found


def quorum_sentence(area: Any, titles: Mapping[str, str]) -> str | None:
    if getattr(area, "quorum", True) or area.score is None:
        return None
    roles = [titles.get(r, r) for r in getattr(area, "partner_roles", ())]
    only = " and ".join(roles) if roles else "one partner"
    return f"Not a partnership view: only {only} answered on {area.title}."


def no_score_sentence(area: Any) -> str | None:
    if area.score is not None:
        return None
    if area.withheld:
        return (f"{area.title} has no score: " + "; ".join(area.withheld[:3])
                + ("; and others" if len(area.withheld) > 3 else "") + ".")
    return f"{area.title} has no score: nobody who answered was asked about it."


def moderation_sentence(area: Any) -> str | None:
    if not area.moderated or area.moderation is None:
        return None
    m = area.moderation
    before = (f" (the partners' own score was {area.self_assessed:.1f})"
              if area.self_assessed is not None else "")
    reason = f": {m.reason}" if m.reason else ""
    return f"The adviser moderated {area.title} to {m.score:.1f}{before}{reason}."


@dataclass(frozen=True)
class QuestionMean:
    question: str
    text: str
    mean: float  # 0-1
    answered: int


def question_extremes(means: Sequence[QuestionMean]) -> tuple[QuestionMean, QuestionMean] | None:
    """(highest, lowest) question by mean score, when at least two questions were answered."""
    usable = [m for m in means if m.answered]
    if len(usable) < 2:
        return None
    high = max(usable, key=lambda m: (round(m.mean, 4), -usable.index(m)))
    low = min(usable, key=lambda m: (round(m.mean, 4), usable.index(m)))
    if high is low or round(high.mean, 4) == round(low.mean, 4):
        return None
    return high, low


def level_share_sentence(area_title: str, level: str, count: int, total: int) -> str:
    return (f"{count} of {total} partnership{'s' if total != 1 else ''} "
            f"{'are' if count != 1 else 'is'} {level} in {area_title}.")
