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
from stocktake.reports import findings
from stocktake.reports.document import Bullets, Document, Heading, Paragraph, Table

if TYPE_CHECKING:
    from stocktake.store.workspace import Workspace

TOP_QUESTIONS = 5
REGION_GAP = 10.0  # points between a region's mean and the round's median worth a sentence
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


def national_findings(bank: Bank, wave: str, everyone: Sequence[Any], responses: Sequence[Any],
                      regions: dict[str, str], *, today: date | None = None) -> Document:
    """Pure: the document from the partnerships' scores and their responses."""
    from stocktake.scoring.benchmark import quartile_inc
    from stocktake.reports.charts import level_chart

    today = today or date.today()
    total = len(everyone)
    levels = [b.label for b in bank.bands]
    titles = {r.id: r.title.split(":")[0] for r in bank.roles}
    roles = Counter(r.role for r in responses if r.answers)
    doc = Document(
        title=f"National findings: {bank.title}",
        subtitle=f"Wave {wave}",
        meta=[("Question bank", f"{bank.title} ({bank.id} {bank.version})"), ("Wave", wave),
              ("Date", f"{today:%d %B %Y}"), ("Partnerships", str(total)),
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
    lowest = _lowest_level_questions(bank, responses)
    if lowest:
        doc.add(Table("Scale questions by the share of answers at the lowest level",
                      ("Question", "Area", "At the lowest level", "Answers"),
                      tuple((q.text, _area_title(bank, q.area), f"{share:.0%}", str(n))
                            for q, share, n in lowest), frozenset({2, 3})))
    else:
        doc.add(Paragraph("No scale question was answered.", "note"))

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
        every = [m.area(area.id).score for m in everyone if m.area(area.id).score is not None]
        median = quartile_inc(every, 2) if every else None
        row = [area.title]
        for region in names:
            values = [m.area(area.id).score for m in by_region[region]
                      if m.area(area.id).score is not None]
            mean = sum(values) / len(values) if values else None
            row.append("-" if mean is None else f"{mean:.0f}")
            if mean is not None and median is not None and len(values) >= 2:
                gap = mean - median
                if abs(gap) + 1e-9 >= REGION_GAP:
                    gaps.append((abs(gap), region, area.title, mean, gap))
        rows.append(tuple(row))
    if gaps:
        doc.add(Bullets(tuple(
            f"In {region}, {title} averages {mean:.1f}, {abs(gap):.1f} points "
            f"{'above' if gap > 0 else 'below'} the round's median."
            for _, region, title, mean, gap in sorted(gaps, reverse=True)[:8])))
    else:
        doc.add(Paragraph(f"No region (with two or more partnerships) differs from the round's "
                          f"median by {REGION_GAP:.0f} points or more in any area."))
    doc.add(Table("Mean score by area and region (partnerships in each region: "
                  + ", ".join(f"{r} {len(by_region[r])}" for r in names) + ")",
                  ("Area", *names), tuple(rows), frozenset(range(1, len(names) + 1))))

    apart_roles = [r for r in bank.roles if getattr(r, "reported_apart", False)]
    doc.add(Heading(1, "Children's and families' view", "apart"))
    if not apart_roles:
        doc.add(Paragraph(f"{bank.id} asks no role whose view is reported apart.", "note"))
    else:
        lines = []
        for area in bank.areas:
            differs = sum(1 for s in everyone
                          if any(v for v in getattr(s.area(area.id), "apart_differs", ())))
            heard = sum(1 for s in everyone if getattr(s.area(area.id), "apart", ()))
            if heard:
                lines.append(f"{area.title}: the view reported apart differs from the "
                             f"partnership's by 25 points or more in {differs} of {heard} "
                             "partnerships where it was heard.")
        doc.add(Bullets(tuple(lines)) if lines else
                Paragraph("No child, young person, parent or carer answered in this round.",
                          "note"))
    return doc


def _area_title(bank: Bank, area_id: str) -> str:
    return next((a.title for a in bank.areas if a.id == area_id), area_id)


def _lowest_level_questions(bank: Bank, responses: Sequence[Any]):
    from stocktake.responses import ANSWERED

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scales = {q.id: q for q in bank.questions if q.type == "scale"}
    for response in responses:
        for qid, answer in response.answers.items():
            if qid in scales and answer.status == ANSWERED and answer.value is not None:
                counts[qid][1] += 1
                if answer.value == 1:
                    counts[qid][0] += 1
    ranked = sorted(((scales[q], low / n, n) for q, (low, n) in counts.items() if n),
                    key=lambda t: (-round(t[1], 4), t[0].id))
    return [r for r in ranked if r[1] > 0][:TOP_QUESTIONS]
