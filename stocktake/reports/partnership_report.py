"""The partnership report: what the partnership said, where partners disagree, what the adviser
found, and the action plan, as a Document for the HTML and Word renderers.

    doc = partnership_document(ws, bank, "2026-27", "E09000007", redact=True)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from stocktake.banks.model import Bank
from stocktake.records.provenance import (COMPARED_HEADER, SIMULATED_HEADER, SIMULATED_SENTENCE,
                                          compared_sentence, simulated_among)
from stocktake.reports import findings
from stocktake.reports.document import (Bullets, Document, Heading, Paragraph, Quote, Table)
from stocktake.scoring.method import role_short_title
from stocktake.arithmetic.precision import compare, difference, fixed, fixed_score

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

    scores = partnership_scores(ws, bank, wave, code).published(bank.min_count)
    partnership = ws.find_partnership(code)
    name = partnership.name if partnership else code
    responses = ws.responses(code, bank=bank.id, wave=wave)
    moderations = ws.moderations(code, bank=bank.id, wave=wave)
    plan = [i for i in ws.plan_items(code, bank.id, wave) if i.status != REMOVED]
    everyone = all_partnership_scores(ws, bank, wave)
    among = simulated_among(everyone)  # a real partnership set beside simulated ones
    medians = _medians(bank, everyone)
    titles = {r.id: role_short_title(r.title) for r in bank.roles}
    today = today or date.today()

    advisers = sorted({r.adviser for r in responses if r.adviser}
                      | {m.adviser for m in moderations if m.adviser})
    by_role = Counter(r.role for r in responses if r.answers)
    doc = Document(
        marking=(SIMULATED_SENTENCE if scores.simulated else
                 compared_sentence(*among) if among[0] else ""),
        page_header=SIMULATED_HEADER if scores.simulated else
        COMPARED_HEADER if among[0] else "",
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
    _summary(doc, bank, scores, name, medians, titles, len(everyone), responses)
    flags = _evidence_flags(bank, scores, evidence)
    if flags:
        doc.add(Heading(2, "The published figures and the self-view"), Bullets(tuple(flags)))
    doc.add(Heading(1, "Area by area", "areas"))
    for area in scores.areas:
        _area_section(doc, bank, scores, area, responses, titles, medians[area.id], plan,
                      redact)
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
    from stocktake.evidence.report import CONTEXT, LINK_NOTES, format_value, link_area, link_notes

    if evidence is None:
        return
    key = f"{bank.id}/{area_id}"
    # Each measure with the notes of its link to this area (context, present-day equivalent).
    linked = [(m, next(link_notes(k) for k in m.areas if link_area(k) == key))
              for m in evidence.measures if any(link_area(k) == key for k in m.areas)]
    measures = [m for m, _ in linked]
    if not measures:
        return
    title = next(a.title for a in bank.areas if a.id == area_id)
    rows = []
    notes: list[str] = []
    for m, link in linked:
        places = m.measure.places
        outside = m.not_comparable
        notes += m.comparator_notes()
        label = "; ".join([m.measure.label] + [LINK_NOTES.get(n, n) for n in link])
        rows.append((label, m.latest.year or "-",
                     format_value(m.latest.value, places),
                     m.band or ("context" if m.context else "no band"),
                     "-" if m.neighbours_mean is None else
                     f"{format_value(m.neighbours_mean, places)} ({m.neighbours_counted})",
                     "† not comparable" if m.region_name in outside
                     else format_value(m.region_value, places),
                     "† not comparable" if "England" in outside
                     else format_value(m.england, places),
                     "-" if m.change is None else
                     fixed(m.change, places, grouped=True, signed=True)))
    doc.add(Table(f"Published figures: {title} (band A is the best quarter of authorities; "
                  "neighbours' mean with how many of the ten had a value)",
                  ("Measure", "Year", "Value", "Band", "Neighbours", "Region", "England",
                   "Change"), tuple(rows), frozenset({2, 4, 5, 6, 7}),
                  widths=(23, 8, 10, 10, 16, 10, 12, 11)))
    if any(m.context for m in measures):
        doc.add(Paragraph(f"Band \u201ccontext\u201d: {CONTEXT.split(': ', 1)[1]} (DfE gives "
                          "the measure no polarity), so it has no band and raises no flag.",
                          kind="note"))
    for note in notes:
        doc.add(Paragraph(f"\u2020 {note}", kind="note"))


def _medians(bank: Bank, everyone: Sequence[Any]) -> dict[str, tuple[float | None, int]]:
    """Per area, (the round's median or None, how many partnerships it is over): the
    benchmark's distribution (partnership views only), the median withheld below the bank's
    min_count."""
    from stocktake.scoring.benchmark import AreaDistribution

    found = {}
    for area in bank.areas:
        values = [s.area(area.id).score for s in everyone
                  if s.area(area.id).score is not None and s.area(area.id).quorum]
        median = AreaDistribution.of(area.id, area.title, values).median
        found[area.id] = (median if findings.comparable(len(values), bank.min_count) else None,
                          len(values))
    return found


def _summary(doc: Document, bank: Bank, scores: Any, name: str,
             medians: dict[str, tuple[float | None, int]], titles: dict[str, str], count: int,
             responses: Sequence[Any]) -> None:
    from stocktake.reports.charts import area_chart

    scored = [a for a in scores.areas if a.score is not None]
    below_quorum = [a.title for a in scored if not a.quorum]
    partners = {r.key.respondent for r in responses
                if r.answers and r.role not in set(bank.apart_role_ids)}
    doc.add(Heading(1, "Summary", "summary"),
            Paragraph(findings.summary_sentence(name, scores.overall, scores.overall_level,
                                                len(scored), len(scores.areas), len(partners),
                                                below_quorum, bank.min_roles), "lead"))
    compared = [(a, m) for a in scored if (m := medians[a.id][0]) is not None]
    above = sum(1 for a, m in compared if compare(a.score, m) > 0)
    below = sum(1 for a, m in compared if compare(a.score, m) < 0)
    doc.add(Paragraph(findings.standing_sentence(name, above, below,
                                                 len(compared) - above - below, len(compared),
                                                 len(scored), count, bank.min_count,
                                                 _authorities())))
    if compared:
        caption = (f"Area scores out of 100, with the median of the partnerships in this round "
                   f"marked (of the {count} partnerships; areas with fewer than "
                   f"{bank.min_count} scored have no median)")
        marker = "median of this round"
    else:
        caption = (f"Area scores out of 100; no median is marked: the round has "
                   f"{findings.plural(count, 'partnership')} with scores, fewer than the "
                   f"{bank.min_count} a comparison needs")
        marker = "median of this round"
    doc.add(area_chart([(a.title, a.score, medians[a.id][0]) for a in scores.areas],
                       caption=caption, marker_label=marker))
    for sentence in findings.strongest_and_weakest_sentences(scores.areas):
        doc.add(Paragraph(sentence))
    flags = []
    for a in scores.areas:
        flags += [s for s in (findings.divergence_sentence(a, titles),
                              findings.quorum_sentence(a, titles),
                              findings.no_score_sentence(a, _too_little(scores, a, titles)))
                  if s]
        for view in a.apart:
            heard = _heard(bank, a.id, view.role, responses)
            direction = findings.apart_direction(view.score, a.score)
            if findings.comparable(heard, bank.min_count) and direction not in (None, "in line"):
                flags.append(f"On {a.title}, what the {heard} "
                             f"{findings.group_name(bank.role_title(view.role))} who answered "
                             f"said is {direction} than the partners' answers.")
    if flags:
        doc.add(Heading(2, "Worth a conversation"), Bullets(tuple(flags)))
    else:
        doc.add(Paragraph(" ".join(["No area is divergent."]
                                   + _apart_in_line(bank, scores, responses))))
    withheld_medians = any(medians[a.id][0] is None for a in scores.areas)
    doc.add(Table("Areas at a glance (People: partners whose answers count)",
                  ("Area", "Score", "Level", "Round's median (partnerships)", "Spread",
                   "People"),
                  tuple((a.title, findings.score_text(a.score), a.level or "-",
                         findings.score_text(medians[a.id][0]).replace("no score", "-")
                         + f" ({medians[a.id][1]})", findings.score_text(a.spread),
                         str(a.respondents))
                        for a in scores.areas), frozenset({1, 3, 4, 5}),
                  widths=(30, 9, 14, 16, 9, 9), nowrap=frozenset({2})))
    if withheld_medians:
        doc.add(Paragraph(f"Round's median “-”: fewer than {bank.min_count} "
                          "partnerships have a score for the area (partnership views only), so "
                          "there is no median to compare with.", "note"))


def _apart_in_line(bank: Bank, scores: Any, responses: Sequence[Any]) -> list[str]:
    """Per group reported apart that answered, what can truly be said when no area is flagged:
    in line where enough of them answered to set beside the partners, else that too few did."""
    said = []
    for role in bank.apart_role_ids:
        people = sum(1 for r in responses if r.role == role and r.answers)
        if not people:
            continue
        group = findings.group_name(bank.role_title(role))
        heard = {a.id: _heard(bank, a.id, role, responses) for a in scores.areas}
        compared = [a for a in scores.areas if findings.comparable(heard[a.id], bank.min_count)
                    and findings.apart_direction(
                        getattr(a.role_view(role), "score", None), a.score) is not None]
        if compared:
            where = ("every area" if len(compared) == len(scores.areas) else
                     f"the {findings.plural(len(compared), 'area')} where {bank.min_count} or "
                     "more of them answered")
            said.append(f"What {group} said is in line with the partners' answers in {where}.")
            continue
        most = max(heard.values(), default=0)
        count = str(people) if most == people else f"at most {most} on any one area"
        said.append(f"Too few {group} answered ({count}) to set what they said beside the "
                    "partners' answers.")
    return said


def _authorities() -> int:
    """How many authorities England has (the reference list), for "20 of 153 authorities"."""
    from stocktake.partnerships.reference import current_authorities

    return len(current_authorities())


def _too_little(scores: Any, area: Any, titles: dict[str, str]
                ) -> list[tuple[str, int, int, int]]:
    """(role, people, answered, asked) per partner role whose people answered too little of an
    area to count; `answered`/`asked` summed over the role's people."""
    short: dict[str, list[int]] = {}
    for r in scores.respondent_scores:
        if r.area == area.id and r.applicable > 0 and r.score is None:
            held = short.setdefault(r.role, [0, 0, 0])
            held[0] += 1
            held[1] += r.answered
            held[2] += r.applicable
    return [(titles.get(role, role), people, answered, asked)
            for role, (people, answered, asked) in short.items()]


def _not_asked(bank: Bank, scores: Any, area: Any, titles: dict[str, str]) -> list[str]:
    """Partner roles that answered the stocktake but were asked nothing in this area."""
    apart = set(bank.apart_role_ids)
    asked = {r.role for r in scores.respondent_scores if r.area == area.id and r.applicable > 0}
    return [titles.get(role.id, role.id) for role in scores.roles
            if role.id not in apart and role.id not in asked]


def _heard(bank: Bank, area_id: str, role: str, responses: Sequence[Any]) -> int:
    """How many people of `role` answered at least one question of the area."""
    from stocktake.records.responses import NOT_APPLICABLE

    questions = {q.id for q in bank.questions if q.area == area_id}
    return sum(1 for r in responses if r.role == role and any(
        qid in questions and a.status != NOT_APPLICABLE for qid, a in r.answers.items()))


def _area_section(doc: Document, bank: Bank, scores: Any, area: Any, responses: Sequence[Any],
                  titles: dict[str, str], median: tuple[float | None, int], plan: Sequence[Any],
                  redact: bool) -> None:
    doc.add(Heading(2, area.title, f"area-{area.id}"))
    described = next((a.description for a in bank.areas if a.id == area.id), "")
    if described:
        doc.add(Paragraph(described, "note"))
    cited = next((a.sources for a in bank.areas if a.id == area.id), ())
    if cited:
        # The duties the area asks about, from the bank's [sources] table, with where to read them.
        doc.add(Paragraph("Duties and guidance: " + "; ".join(
            f"{bank.source_for(sid).title} ({bank.source_for(sid).url})" for sid in cited) + ".",
            "note"))
    short = _too_little(scores, area, titles)
    if area.score is None:
        doc.add(Paragraph(findings.no_score_sentence(area, short) or "", "flag"))
    else:
        value, n = median
        if value is None:
            vs = findings.no_comparison_sentence(area.title, n, bank.min_count)
        else:
            gap = difference(area.score, value) or 0.0
            where = ("at" if gap == 0 else f"{fixed(abs(gap))} points "
                     + ("above" if gap > 0 else "below"))
            vs = (f"That is {where} the median of the {n} partnerships in this round with a "
                  f"score here ({fixed_score(value)}).")
        doc.add(Paragraph(f"{area.level}: a score of {fixed_score(area.score)}. {vs}"))
        doc.add(Paragraph(findings.resting_on_sentence(area, titles, short,
                                                       _not_asked(bank, scores, area, titles))
                          or "", "note"))
    for sentence in (findings.divergence_sentence(area, titles),
                     findings.quorum_sentence(area, titles),
                     findings.moderation_sentence(area)):
        if sentence:
            doc.add(Paragraph(sentence, "flag"))
    for role in bank.apart_role_ids:
        view = area.role_view(role)
        heard = _heard(bank, area.id, role, responses)
        said = _said_most(bank, area.id, role, responses)
        for sentence in findings.apart_sentences(
                area.title, findings.group_name(bank.role_title(role)), heard, said,
                findings.apart_direction(view.score if view else None, area.score),
                bank.min_count):
            doc.add(Paragraph(sentence))
    views = list(area.by_role)
    if views:
        doc.add(Table(f"Partners' scores: {area.title}", ("Role", "Respondents", "Score"),
                      tuple((titles.get(v.role, v.role), str(v.respondents),
                             findings.score_text(v.score)) for v in views),
                      frozenset({1, 2})))
    partner_responses = [r for r in responses if r.role not in set(bank.apart_role_ids)]
    extremes = findings.question_extremes_sentence(
        _question_means(bank, area.id, partner_responses), bank.min_count)
    if extremes:
        doc.add(Paragraph(extremes))
    for quote in _quotes(bank, area.id, responses, titles, redact):
        doc.add(quote)
    items = [i for i in plan if i.area == area.id]
    if items:
        doc.add(Bullets(tuple(f"Plan: {i.action} (to {i.target} by {i.due}, {i.owner}; "
                              f"{i.status})" for i in items)))


def _said_most(bank: Bank, area_id: str, role: str, responses: Sequence[Any]
               ) -> list[findings.SaidMost]:
    """Per question of the area asked of `role`: how many of the role answered it, and the
    answer most of them gave, in the form's words (every answer tied for the most is named)."""
    from stocktake.records.responses import ANSWERED, DONT_KNOW

    found = []
    for q in bank.questions:
        if q.area != area_id or not q.asked_of(role) or q.type in ("text", "number"):
            continue
        tally: Counter = Counter()
        answered = 0
        for r in responses:
            answer = r.answers.get(q.id) if r.role == role else None
            if answer is None:
                continue
            if answer.status == DONT_KNOW:
                tally["Don't know"] += 1
            elif answer.status == ANSWERED and answer.value is not None:
                for value in (answer.value if isinstance(answer.value, list) else [answer.value]):
                    tally[_answer_words(q, value)] += 1
            else:
                continue
            answered += 1
        if tally:
            most = max(tally.values())
            found.append(findings.SaidMost(q.text, answered,
                                           tuple(a for a, c in tally.items() if c == most), most))
    return found


def _answer_words(question: Any, value: Any) -> str:
    if question.type == "scale" and isinstance(value, int) and 1 <= value <= len(question.levels):
        return question.levels[value - 1]
    if question.type in ("choice", "multi"):
        option = question.option(str(value))
        return option.label if option else str(value)
    if question.type == "yesno":
        return {"yes": "Yes", "no": "No"}.get(str(value), str(value))
    return str(value)


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
