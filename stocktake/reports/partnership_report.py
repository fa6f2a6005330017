"""The partnership report: what the partnership said, where partners disagree, what the adviser
found, and the action plan, as a Document for the HTML and Word renderers.

    doc = partnership_document(ws, bank, "2026-27", "E09000007", redact=True)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from stocktake.banks.model import Bank
from stocktake.reports import findings
from stocktake.reports.document import (Bullets, Document, Heading, Paragraph, Quote, Table)

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

QUOTES_PER_AREA = 4
CAVEATS = (
    "This is a self-assessment: the scores say how the partners who answered see their "
    "partnership, not an inspection grade.",
    "Medians and quartiles place the partnership among the others in the same round; they are "
    "not a league table of quality, and the spread inside a partnership often says more.",
    "Areas with too few answers are not scored, and each finding below is worked out from the "
    "numbers by the rules in stocktake's README.",
)


def partnership_document(ws: "Workspace", bank: Bank, wave: str, code: str, *,
                         redact: bool = True, today: date | None = None) -> Document:
    """Gather and word one partnership's report. StocktakeError when it has no responses."""
    from stocktake.scoring.national import all_partnership_scores, partnership_scores
    from stocktake.reports.action_plan import REMOVED

    scores = partnership_scores(ws, bank, wave, code)
    partnership = ws.find_partnership(code)
    name = partnership.name if partnership else code
    responses = ws.responses(code, bank=bank.id, wave=wave)
    moderations = ws.moderations(code, bank=bank.id, wave=wave)
    plan = [i for i in ws.plan_items(code, bank.id, wave) if i.status != REMOVED]
    everyone = all_partnership_scores(ws, bank, wave)
    medians = _medians(bank, everyone)
    titles = {r.id: r.title.split(":")[0] for r in bank.roles}
    today = today or date.today()

    advisers = sorted({r.adviser for r in responses if r.adviser}
                      | {m.adviser for m in moderations if m.adviser})
    by_role = Counter(r.role for r in responses if r.answers)
    doc = Document(
        title=f"Stocktake report: {name}",
        subtitle=f"{bank.title}, wave {wave}",
        meta=[("Partnership", f"{name} ({code})"), ("Question bank",
                                                    f"{bank.title} ({bank.id} {bank.version})"),
              ("Wave", wave), ("Date", f"{today:%d %B %Y}"),
              ("Adviser", ", ".join(advisers) or "none recorded"),
              ("Who answered", "; ".join(f"{titles.get(r, r)}: {n}"
                                         for r, n in sorted(by_role.items(),
                                                            key=lambda kv: bank.role_ids.index(kv[0])
                                                            if kv[0] in bank.role_ids else 99))
               or "nobody")])
    doc.add(Heading(1, "About this report", "about"), Bullets(CAVEATS))
    evidence, evidence_note = _evidence(bank, code)
    _summary(doc, bank, scores, name, medians, titles, len(everyone))
    flags = _evidence_flags(bank, scores, evidence)
    if flags:
        doc.add(Heading(2, "The published figures and the self-view"), Bullets(tuple(flags)))
    doc.add(Heading(1, "Area by area", "areas"))
    for area in scores.areas:
        _area_section(doc, bank, area, responses, titles, medians.get(area.id), plan, redact)
        _area_evidence(doc, bank, area.id, evidence)
    _plan_section(doc, bank, scores, plan)
    if evidence is not None:
        doc.add(Paragraph(f"Published figures: {evidence.credit}", "note"))
    elif evidence_note:
        doc.add(Paragraph(evidence_note, "note"))
    return doc


def _evidence(bank: Bank, code: str) -> tuple[Any, str]:
    """(the partnership's published evidence or None, a note saying why there is none)."""
    from stocktake.errors import StocktakeError
    from stocktake.evidence.indicators import load_indicators
    from stocktake.evidence.report import bank_links, partnership_evidence

    links = bank_links([bank])
    if not links:
        return None, f"{bank.id} links no published measures, so no evidence is shown."
    try:
        return partnership_evidence(load_indicators(), code, links), ""
    except StocktakeError as exc:
        return None, f"No published evidence: {exc.message}."


def _evidence_flags(bank: Bank, scores: Any, evidence: Any) -> list[str]:
    from stocktake.evidence.flags import self_view_rows

    if evidence is None:
        return []
    return [f"{row.title}: self-assessed {row.score_text}; {row.flag}."
            for row in self_view_rows(bank, scores, evidence) if row.flag]


def _area_evidence(doc: Document, bank: Bank, area_id: str, evidence: Any) -> None:
    from stocktake.evidence.report import format_value

    if evidence is None:
        return
    key = f"{bank.id}/{area_id}"
    measures = [m for m in evidence.measures if key in m.areas]
    if not measures:
        return
    title = next(a.title for a in bank.areas if a.id == area_id)
    rows = []
    for m in measures:
        places = m.measure.places
        rows.append((m.measure.title, m.latest.year or "-",
                     format_value(m.latest.value, places), m.band or "no band",
                     "-" if m.neighbours_mean is None else
                     f"{format_value(m.neighbours_mean, places)} ({m.neighbours_counted})",
                     format_value(m.region_value, places), format_value(m.england, places),
                     "-" if m.change is None else f"{m.change:+,.{places}f}"))
    doc.add(Table(f"Published figures: {title} (band A is the best quarter of authorities; "
                  "neighbours' mean with how many of the ten had a value)",
                  ("Measure", "Year", "Value", "Band", "Neighbours", "Region", "England",
                   "Change"), tuple(rows), frozenset({2, 4, 5, 6, 7}),
                  widths=(25, 8, 10, 8, 16, 10, 12, 11)))


def _medians(bank: Bank, everyone: Sequence[Any]) -> dict[str, float]:
    from stocktake.scoring.benchmark import quartile_inc

    found = {}
    for area in bank.areas:
        values = [s.area(area.id).score for s in everyone if s.area(area.id).score is not None]
        if values:
            found[area.id] = quartile_inc(values, 2)
    return found


def _summary(doc: Document, bank: Bank, scores: Any, name: str, medians: dict[str, float],
             titles: dict[str, str], count: int) -> None:
    from stocktake.reports.charts import area_chart

    scored = [a for a in scores.areas if a.score is not None]
    doc.add(Heading(1, "Summary", "summary"),
            Paragraph(findings.summary_sentence(name, scores.overall, scores.overall_level,
                                                len(scored), len(scores.areas)), "lead"))
    label = f"median of the {count} partnerships in this round"
    doc.add(area_chart([(a.title, a.score, medians.get(a.id)) for a in scores.areas],
                       caption=f"Area scores out of 100, with the {label} marked",
                       marker_label=f"median of {count} partnerships"))
    strongest, weakest = findings.strongest_and_weakest(scores.areas)
    if strongest:
        doc.add(Paragraph("Strongest: " + "; ".join(
            f"{a.title} ({a.level}, {a.score:.1f})" for a in strongest) + "."))
    if weakest:
        doc.add(Paragraph("Weakest: " + "; ".join(
            f"{a.title} ({a.level}, {a.score:.1f})" for a in weakest) + "."))
    flags = [s for a in scores.areas for s in
             [findings.divergence_sentence(a, titles), *findings.apart_sentences(a, titles),
              findings.quorum_sentence(a, titles), findings.no_score_sentence(a)] if s]
    if flags:
        doc.add(Heading(2, "Worth a conversation"), Bullets(tuple(flags)))
    else:
        doc.add(Paragraph("No area is divergent, and no view reported apart differs from the "
                          "partnership's by 25 points or more."))
    doc.add(Table("Areas at a glance", ("Area", "Score", "Level", "Median", "Spread",
                                        "Respondents"),
                  tuple((a.title, findings.score_text(a.score), a.level or "-",
                         findings.score_text(medians.get(a.id)),
                         findings.score_text(a.spread), str(a.respondents))
                        for a in scores.areas), frozenset({1, 3, 4, 5}), nowrap=frozenset({2})))


def _area_section(doc: Document, bank: Bank, area: Any, responses: Sequence[Any],
                  titles: dict[str, str], median: float | None, plan: Sequence[Any],
                  redact: bool) -> None:
    doc.add(Heading(2, area.title, f"area-{area.id}"))
    described = next((a.description for a in bank.areas if a.id == area.id), "")
    if described:
        doc.add(Paragraph(described, "note"))
    if area.score is None:
        doc.add(Paragraph(findings.no_score_sentence(area) or "", "flag"))
    else:
        vs = (f", against a median of {median:.1f} across the round" if median is not None
              else "")
        doc.add(Paragraph(f"{area.level}: a score of {area.score:.1f}{vs}."))
    for sentence in (findings.divergence_sentence(area, titles),
                     *findings.apart_sentences(area, titles),
                     findings.quorum_sentence(area, titles),
                     findings.moderation_sentence(area)):
        if sentence:
            doc.add(Paragraph(sentence, "flag"))
    views = list(getattr(area, "by_role", ())) + list(getattr(area, "apart", ()))
    if views:
        apart = {v.role for v in getattr(area, "apart", ())}
        doc.add(Table(f"Partners' scores: {area.title}", ("Role", "Respondents", "Score"),
                      tuple((titles.get(v.role, v.role) + (" (reported apart)"
                                                           if v.role in apart else ""),
                             str(v.respondents), findings.score_text(v.score))
                            for v in views), frozenset({1, 2})))
    extremes = findings.question_extremes(_question_means(bank, area.id, responses))
    if extremes:
        high, low = extremes
        doc.add(Paragraph(f"Scored highest: \u201c{high.text}\u201d ({high.mean * 100:.0f} of "
                          f"100). Scored lowest: \u201c{low.text}\u201d "
                          f"({low.mean * 100:.0f} of 100)."))
    for quote in _quotes(bank, area.id, responses, titles, redact):
        doc.add(quote)
    items = [i for i in plan if i.area == area.id]
    if items:
        doc.add(Bullets(tuple(f"Plan: {i.action} (to {i.target} by {i.due}, {i.owner}; "
                              f"{i.status})" for i in items)))


def _question_means(bank: Bank, area_id: str, responses: Sequence[Any]):
    from stocktake.banks.applicability import is_applicable
    from stocktake.scoring.method import question_score

    sums: dict[str, list[float]] = defaultdict(list)
    questions = [q for q in bank.questions if q.area == area_id and q.scored
                 and q.type != "text"]
    for response in responses:
        for q in questions:
            if not is_applicable(bank, q, response.role, response.answers):
                continue
            s = question_score(q, response.answers.get(q.id))
            if s is not None:
                sums[q.id].append(s)
    return [findings.QuestionMean(q.id, q.text, sum(sums[q.id]) / len(sums[q.id]),
                                  len(sums[q.id])) for q in questions if sums.get(q.id)]


def _quotes(bank: Bank, area_id: str, responses: Sequence[Any], titles: dict[str, str],
            redact: bool) -> list[Quote]:
    from stocktake.privacy.personal_data import redact_text

    area_questions = {q.id for q in bank.questions if q.area == area_id}
    found: list[Quote] = []
    seen: set[str] = set()
    for response in sorted(responses, key=lambda r: (r.role, r.key.respondent)):
        for qid, answer in response.answers.items():
            text = (answer.evidence or "").strip()
            if qid not in area_questions or not text or text in seen:
                continue
            seen.add(text)
            found.append(Quote(redact_text(text) if redact else text,
                               titles.get(response.role, response.role)))
            if len(found) >= QUOTES_PER_AREA:
                return found
    return found


def _plan_section(doc: Document, bank: Bank, scores: Any, plan: Sequence[Any]) -> None:
    doc.add(Heading(1, "Action plan", "plan"))
    if not plan:
        doc.add(Paragraph("No action plan has been recorded yet (`stocktake plan add`).",
                          "note"))
        return
    current = {a.id: a for a in scores.areas}
    titles = {a.id: a.title for a in bank.areas}
    doc.add(Table("The action plan", ("Area", "Now", "Target", "Action", "Owner", "Due",
                                      "Status"),
                  tuple((titles.get(i.area, i.area),
                         (current[i.area].level or "no score") if i.area in current else "-",
                         i.target, i.action, i.owner, i.due, i.status)
                        for i in sorted(plan, key=lambda i: (i.due, i.id))),
                  widths=(12, 14, 14, 24, 12, 14, 10), nowrap=frozenset({5})))
