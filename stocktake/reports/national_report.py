"""The national findings report: what a round across many partnerships found, in the manner of
the IDeA's national findings ("few had any formal risk assessment in place"), every sentence
counted from the scores.

    doc = national_document(ws, bank, "2026-27")
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from stocktake.banks.model import Bank
from stocktake.records.provenance import (COMPARED_HEADER, SIMULATED_SENTENCE, any_simulated,
                                          compared_sentence, simulated_among)
from stocktake.reports import findings
from stocktake.reports.document import Bullets, Document, Heading, Paragraph, Table
from stocktake.arithmetic.precision import (SHARE_DECIMALS, difference, fixed, fixed_score,
                                            published)

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

TOP_QUESTIONS = 5
REGION_GAP = 10.0  # points between a region's mean and the round's median worth a sentence
REGION_GAPS = 8  # the largest regional gaps listed
CAVEATS = (
    "These are self-assessments: they say how partners see their partnerships, not how "
    "inspectors would grade them.",
    "Shares and medians describe the partnerships in this round only; partnerships that did "
    "not return are not in them.",
    "Quartiles and medians place partnerships among others; they are not a league table.",
)


def national_document(ws: "Workspace", bank: Bank, wave: str, *,
                      today: date | None = None) -> Document:
    """The national findings over every partnership with responses to `bank` in `wave`."""
    from stocktake.scoring.national import all_partnership_scores

    everyone = all_partnership_scores(ws, bank, wave)
    if not everyone:
        from stocktake.errors import StocktakeError

        raise StocktakeError(f"no partnership has answered {bank.id} in wave {wave}",
                             hint="check --bank and --wave, or merge the returns first")
    responses = ws.responses(bank=bank.id, wave=wave)
    regions = {p.code: p.region or "Unknown region" for p in ws.partnerships()}
    return national_findings(bank, wave, everyone, responses, regions, today=today)


REGIONS_PER_TABLE = 5


def national_findings(bank: Bank, wave: str, everyone: Sequence[Any], responses: Sequence[Any],
                      regions: dict[str, str], *, today: date | None = None) -> Document:
    """Pure: the document from the partnerships' scores and their responses."""
    from stocktake.scoring.benchmark import quartile_inc
    from stocktake.reports.charts import level_chart

    from stocktake.partnerships.reference import current_authorities
    from stocktake.scoring.method import role_short_title

    today = today or date.today()
    total = len(everyone)
    min_count = bank.min_count
    scope = findings.round_scope(total, len(current_authorities()))
    levels = [b.label for b in bank.bands]
    titles = {r.id: role_short_title(r.title) for r in bank.roles}
    roles = Counter(r.role for r in responses if r.answers)
    invented, _ = simulated_among(everyone)
    # All invented: SIMULATED; some among real partnerships: the comparison says it is partly
    # invented, as "every answer here was invented" would be untrue of the real ones.
    all_invented = (0 < invented == total) or (not everyone and any_simulated(responses))
    doc = Document(
        marking=(SIMULATED_SENTENCE if all_invented else
                 compared_sentence(invented, total) if invented else ""),
        page_header="" if all_invented or not invented else COMPARED_HEADER,
        title=f"Findings of {scope}: {bank.title}",
        subtitle=f"Wave {wave}",
        meta=[("Question bank", f"{bank.title} ({bank.id} {bank.version})"), ("Wave", wave),
              ("Date", f"{today:%d %B %Y}"), ("Partnerships", scope[len("this round ("):-1]
                                              if "(" in scope else str(total)),
              ("Respondents", str(sum(roles.values()))),
              ("By role", "; ".join(f"{titles.get(r, r)}: {n}" for r, n in
                                    sorted(roles.items(), key=lambda kv: -kv[1])))])
    doc.add(Heading(1, "About this report", "about"), Bullets(CAVEATS))

    doc.add(Heading(1, "Levels by area", "levels"))
    counts = []
    sentences = []
    for area in bank.areas:
        at = Counter(s.area(area.id).level for s in everyone if s.area(area.id).score is not None)
        scored = sum(at.values())
        counts.append((area.title, [at.get(level, 0) for level in levels]))
        if scored:
            most = max(at.get(lv, 0) for lv in levels)
            modal = [lv for lv in levels if at.get(lv, 0) == most]  # ties all named
            lowest = at.get(levels[0], 0)
            sentences.append(findings.level_share_sentence(area.title, modal, most, scored)
                             + (f" {lowest} {'are' if lowest != 1 else 'is'} {levels[0]}."
                                if lowest and levels[0] not in modal else ""))
        else:
            sentences.append(f"No partnership has a score for {area.title}.")
    doc.add(level_chart(counts, levels, caption="How many partnerships are at each level, by "
                                                "area"),
            Bullets(tuple(sentences)),
            Table("Partnerships at each level", ("Area", *levels),
                  tuple((title, *map(str, c)) for title, c in counts),
                  frozenset(range(1, len(levels) + 1))))

    doc.add(Heading(1, "Questions most often answered at the lowest level", "lowest"))
    apart_ids = set(bank.apart_role_ids)
    for label, wanted in (("partners", lambda role: role not in apart_ids),
                          ("children, young people, parents and carers",
                           lambda role: role in apart_ids)):
        if label != "partners" and not apart_ids:
            continue
        lowest, few = _lowest_level_questions(bank, [r for r in responses if wanted(r.role)],
                                              min_count)
        if lowest.named:
            doc.add(Table(f"Scale questions answered by {label}, by the share of answers at the "
                          "lowest level (questions with at least "
                          f"{min_count} answers)",
                          ("Question", "Area", "At the lowest level", "Answers"),
                          tuple((q.text, _area_title(bank, q.area), _percent(share), str(n))
                                for q, share, n in lowest.named), frozenset({2, 3})))
        if lowest.tied:
            doc.add(Paragraph(
                f"{'Below those listed, ' if lowest.named else ''}"
                f"{findings.plural(len(lowest.tied), 'scale question')} answered by {label} "
                f"tie at {_percent(lowest.tied[0][1])} of answers at the lowest level (each "
                f"with {min_count} or more answers): too many to list, so none is singled out."))
        if not lowest.items():
            doc.add(Paragraph(f"No scale question answered by {label} has answers at the lowest "
                              f"level from {min_count} or more people.", "note"))
        if few:
            doc.add(Paragraph(f"Left out: {findings.plural(few, 'scale question')} answered by "
                              f"{label} with {findings.fewer_than(min_count)} answers.", "note"))

    doc.add(Heading(1, "Where partners disagree", "disagree"))
    divergent = Counter(a.id for s in everyone for a in s.areas if a.divergent)
    if divergent:
        doc.add(Bullets(tuple(
            f"{_area_title(bank, area_id)}: partners see it differently (a spread of 25 "
            f"points or more) in {n} of {total} partnerships."
            for area_id, n in divergent.most_common())))
    else:
        doc.add(Paragraph("In no partnership do partners' scores for an area spread by 25 "
                          "points or more."))

    doc.add(Heading(1, "Regional differences", "regions"))
    by_region: dict[str, list[Any]] = defaultdict(list)
    for s in everyone:
        by_region[regions.get(s.partnership, "Unknown region")].append(s)
    names = sorted(by_region)
    gaps = []
    rows = []
    for area in bank.areas:
        every = [m.area(area.id).score for m in everyone
                 if m.area(area.id).score is not None and m.area(area.id).quorum]
        # Of the scores as published, as the benchmark's median is: the one the reader sees.
        median = (quartile_inc([published(v) for v in every], 2)
                  if findings.comparable(len(every), min_count) else None)
        row = [area.title]
        for region in names:
            values = [m.area(area.id).score for m in by_region[region]
                      if m.area(area.id).score is not None and m.area(area.id).quorum]
            region_comparable = findings.comparable(len(values), min_count)
            mean = sum(values) / len(values) if values and region_comparable else None
            row.append("-" if mean is None else fixed_score(mean, 0))
            if mean is not None and median is not None:
                gap = difference(mean, median) or 0.0
                if abs(gap) + 1e-9 >= REGION_GAP:
                    gaps.append((abs(gap), region, area.title, mean, median, len(values),
                                 len(every)))
        rows.append(tuple(row))
    small = [r for r in names if not findings.comparable(len(by_region[r]), min_count)]
    if not findings.comparable(total, min_count):
        doc.add(Paragraph(findings.no_comparison_sentence("any area", total, min_count)))
    elif gaps:
        order = {a.title: i for i, a in enumerate(bank.areas)}
        ranked = sorted(gaps, key=lambda g: (-findings.shown(g[0]), order[g[2]], g[1]))
        cut = findings.cut_with_ties(ranked, lambda g: findings.shown(g[0]), REGION_GAPS)
        lines = [findings.group_gap_sentence(region, n, title, mean, median, every)
                 for _, region, title, mean, median, n, every in cut.named]
        if cut.tied:
            lines.append(f"{'Below those, ' if lines else ''}{len(cut.tied)} region and area "
                         "pairs differ from the round's median by the same "
                         f"{fixed(cut.tied[0][0])} points: too many to list, so none is "
                         "singled out.")
        doc.add(Bullets(tuple(lines)))
    else:
        doc.add(Paragraph(f"No region with {min_count} or more partnerships differs from the "
                          f"round's median by {REGION_GAP:.0f} points or more in any area."))
    if small:
        doc.add(Paragraph("Not compared, with " + findings.fewer_than(min_count)
                          + " partnerships: " + findings.join_names(
                              [f"{r} ({len(by_region[r])})" for r in small]) + ".", "note"))
    # At most five regions a table: nine region names across A4 would break mid-word.
    for start in range(0, len(names), REGIONS_PER_TABLE):
        part = names[start:start + REGIONS_PER_TABLE]
        doc.add(Table("Mean score by area and region (partnerships in each region: "
                      + ", ".join(f"{r} {len(by_region[r])}" for r in part)
                      + f"; \u201c-\u201d: {findings.fewer_than(min_count)} with a score)",
                      ("Area", *part),
                      tuple((r[0], *r[1 + start:1 + start + len(part)]) for r in rows),
                      frozenset(range(1, len(part) + 1))))

    apart_roles = [r for r in bank.roles if getattr(r, "reported_apart", False)]
    doc.add(Heading(1, "What children, young people and families said", "apart"))
    if not apart_roles:
        doc.add(Paragraph(f"{bank.id} asks no children, young people, parents or carers.",
                          "note"))
    else:
        lines = []
        for role in apart_roles:
            group = findings.group_name(role.title)
            for area in bank.areas:
                heard = enough = 0
                ways: Counter = Counter()
                for s in everyone:
                    view = s.area(area.id).role_view(role.id)
                    if view is None:
                        continue
                    heard += 1
                    if findings.comparable(view.respondents, min_count):
                        enough += 1
                        ways[findings.apart_direction(view.score, s.area(area.id).score)] += 1
                if not heard:
                    continue
                said = (f"{area.title}: {group} answered in "
                        f"{findings.plural(heard, 'partnership')}, {enough or 'none'} of them with "
                        f"{min_count} or more answering")
                if enough:
                    said += (f"; there, what they said was less positive than the partners' "
                             f"answers in {ways['less positive']}, more positive in "
                             f"{ways['more positive']} and in line in {ways['in line']}")
                lines.append(said + ".")
        doc.add(Bullets(tuple(lines)) if lines else
                Paragraph("No child, young person, parent or carer answered in this round.",
                          "note"))
    return doc


def _area_title(bank: Bank, area_id: str) -> str:
    return next((a.title for a in bank.areas if a.id == area_id), area_id)


def _percent(share: float) -> str:
    return f"{fixed(published(share, SHARE_DECIMALS) * 100, 0)}%"


def _lowest_level_questions(bank: Bank, responses: Sequence[Any], min_count: int):
    """(a Cut of [(question, share at the lowest level, answers)]: up to TOP_QUESTIONS scale
    questions answered by at least `min_count`, highest share as printed first, then bank
    order, ties at the cut named or counted; how many were left out as too few)."""
    from stocktake.records.responses import ANSWERED

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scales = {q.id: q for q in bank.questions if q.type == "scale"}
    order = {q.id: i for i, q in enumerate(bank.questions)}
    for response in responses:
        for qid, answer in response.answers.items():
            if qid in scales and answer.status == ANSWERED and answer.value is not None:
                counts[qid][1] += 1
                if answer.value == 1:
                    counts[qid][0] += 1
    few = sum(1 for _, n in counts.values() if n and not findings.comparable(n, min_count))

    def figure(row):
        return findings.shown(row[1] * 100, 0)

    ranked = sorted(((scales[q], low / n, n) for q, (low, n) in counts.items()
                     if n and findings.comparable(n, min_count)),
                    key=lambda t: (-figure(t), order[t[0].id]))
    return findings.cut_with_ties([r for r in ranked if r[1] > 0], figure, TOP_QUESTIONS), few
