"""What goes out for one partnership: its responses, moderations and scores for one bank and
wave, and the national picture when it is compared with others. The workbook, the tidy files,
the plan sheet and the analysts' data files all read this one record, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stocktake.arithmetic.precision import published, published_share
from stocktake.banks.answer_values import format_value
from stocktake.banks.applicability import is_applicable
from stocktake.banks.model import Bank
from stocktake.partnerships.model import Partnership
from stocktake.records.provenance import is_simulated
from stocktake.records.responses import ANSWERED, Answer, Moderation, Response

if TYPE_CHECKING:
    from stocktake.scoring.benchmark import Benchmark
    from stocktake.scoring.method import PartnershipScores


@dataclass(frozen=True)
class PartnershipExport:
    partnership: Partnership
    bank: Bank
    wave: str
    responses: tuple[Response, ...]  # by respondent
    moderations: tuple[Moderation, ...]
    scores: "PartnershipScores"
    national: "Benchmark | None"  # only when it compares this partnership with others
    exported_at: str
    redacted: bool = False
    plans: tuple = ()  # the action plan's items (reports.action_plan.PlanItem), removed ones not
    history: tuple["PartnershipScores", ...] = ()  # earlier waves of this bank, oldest first

    @property
    def answer_count(self) -> int:
        return sum(len(r.answers) for r in self.responses)

    def national_median(self, area_id: str) -> float | None:
        found = self._distribution(area_id)
        return None if found is None else found.median

    def national_n(self, area_id: str) -> int | None:
        """How many partnerships the median and quartile are over (None: no comparison); below
        the bank's min_count both are empty."""
        found = self._distribution(area_id)
        return None if found is None else found.n

    def _distribution(self, area_id: str) -> Any:
        if self.national is None:
            return None
        try:
            return self.national.area(area_id)
        except KeyError:
            return None

    def national_quartile(self, area_id: str) -> int | None:
        position = self._position(area_id)
        return position.quartile if position is not None else None

    def national_band(self, area_id: str) -> str | None:
        """A (top quarter) to D, as DfE's LAIT; None below the quorum or without others."""
        position = self._position(area_id)
        return position.band if position is not None else None

    @property
    def group(self) -> str | None:
        if self.national is None:
            return None
        return self.national.groups.get(self.partnership.code) or None

    def region_mean(self, area_id: str) -> float | None:
        """The mean of this partnership's region in the area (overall: of the overall scores)."""
        return self._mean_of(area_id, "region_mean")

    def group_mean(self, area_id: str) -> float | None:
        return self._mean_of(area_id, "group_mean")

    def _mean_of(self, area_id: str, field_name: str) -> float | None:
        position = self._position(area_id)
        if position is None or position.score is None:
            return None
        return getattr(position, field_name)

    def _position(self, area_id: str) -> Any:
        if self.national is None:
            return None
        try:
            return self.national.position(self.partnership.code, area_id)
        except KeyError:
            return None

    def answer_rows(self, simulated: bool = False) -> list[dict[str, Any]]:
        """One row per answer, respondents in name order, questions in bank order; with
        `simulated`, each row says whether `stocktake demo` invented it.

        `score` is the question's score on the 0-100 scale of area scores, and empty when the
        answer does not count: not applicable, don't know, unscored, or a question its skip
        condition now hides (the answer is kept, not scored).
        """
        from stocktake.scoring.method import question_score

        bank = self.bank
        # Looked up once: a national export makes 150,000 of these rows.
        questions = {q.id: q for q in bank.questions}
        order = {q.id: i for i, q in enumerate(bank.questions)}
        last = len(order)
        rows = []
        for response in self.responses:
            answers = response.answers
            role, age = response.role, response.age
            partnership, respondent = response.key.partnership, response.key.respondent
            flag = {"simulated": is_simulated(response)} if simulated else {}
            for qid in sorted(answers, key=lambda q: (order.get(q, last), q)):
                answer = answers[qid]
                question = questions.get(qid)
                score = None
                if question is not None and is_applicable(bank, question, role, answers, age):
                    s = question_score(question, answer)
                    # Exact, not published: the analysts' files recompute every area score
                    # from these, and must reach the published figure (issue 29).
                    score = None if s is None else 100.0 * s
                rows.append({
                    "partnership": partnership,
                    "respondent": respondent,
                    "role": role,
                    "area": question.area if question else "",
                    "question": qid,
                    "question_text": question.text if question else "",
                    "value": cell_value(question, answer),
                    "score": score,
                    "status": answer.status,
                    "evidence": answer.evidence,
                    "answered_at": answer.answered_at,
                    **flag,
                })
        return rows

    def score_rows(self) -> list[dict[str, Any]]:
        """One row per area of the bank, then `overall`: scores, spreads and the median as
        published (2 decimals), coverage to 4, as `scores --json` gives them."""
        p = self.partnership
        base = {"partnership": p.code, "name": p.name, "region": p.region, "bank": self.bank.id,
                "wave": self.wave, "simulated": self.scores.simulated}
        rows = []
        for area in self.scores.areas:
            rows.append({**base, "area": area.id, "area_title": area.title,
                         "score": published(area.score), "level": area.level,
                         "coverage": published_share(area.coverage),
                         "respondents": area.respondents, "spread": published(area.spread),
                         "divergent": area.divergent, "moderated": area.moderated,
                         "self_assessed": published(area.self_assessed),
                         "national_median": published(self.national_median(area.id)),
                         "national_quartile": self.national_quartile(area.id),
                         "national_n": self.national_n(area.id)})
        rows.append({**base, "area": "overall", "area_title": "Overall",
                     "score": published(self.scores.overall), "level": self.scores.overall_level,
                     "coverage": None, "respondents": self.scores.respondents, "spread": None,
                     "divergent": None, "moderated": None, "self_assessed": None,
                     "national_median": published(self.national_median("overall")),
                     "national_quartile": self.national_quartile("overall"),
                     "national_n": self.national_n("overall")})
        return rows


def cell_value(question: Any, answer: Answer) -> Any:
    """What an answer's value cell holds: a level or number as a number, anything else as text."""
    if answer.status != ANSWERED or answer.value is None:
        return None
    value = answer.value
    if question is not None and question.type in ("scale", "number") and \
            isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if question is None:
        return ";".join(map(str, value)) if isinstance(value, list) else value
    return format_value(question, value)


# ---------------------------------------------------------------- gathering
