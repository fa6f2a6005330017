"""The tables of `stocktake scores`: the area scores with their notes, and the action plan.

Rendering only: the figures come from stocktake.scoring.partnership_view.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import console
from stocktake.arithmetic.precision import fixed_score

NO_QUORUM = "°"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def render_scores(scores, bank, label: str, nation) -> None:
    """The area table: bar, score, self-assessed where moderated, level, coverage, respondents,
    spread and the national quartile (`nation` None: no Q column), then its notes."""
    width = console.width
    bar_width = 10 if width >= 90 else 8
    header = Text.assemble((label, "bold"), f" · {bank.title} · {scores.wave} · "
                                            f"{scores.respondents} respondent"
                                            f"{'s' if scores.respondents != 1 else ''}")
    console.print(header, soft_wrap=False)
    any_moderated = any(a.moderated for a in scores.areas)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="fold", min_width=12)
    table.add_column("", no_wrap=True, width=bar_width)
    table.add_column("Score", justify="right", no_wrap=True)
    if any_moderated:
        table.add_column("Self", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Cover", justify="right", no_wrap=True)
    table.add_column("Resp", justify="right", no_wrap=True)
    table.add_column("Spread", justify="right", no_wrap=True)
    if nation is not None:
        table.add_column("Q", justify="right", no_wrap=True)
    for area in scores.areas:
        cells: list = [area.title, _bar(area.score, bar_width),
                       fmt(area.score) + ("*" if area.moderated else "")
                       + ("" if area.quorum else NO_QUORUM)]
        if any_moderated:
            cells.append(fmt(area.self_assessed) if area.moderated else "")
        cells += [level_cell(area.level, area.colour),
                  f"{area.coverage:.0%}" if area.coverage is not None else "–",
                  str(area.respondents), _spread(area.spread, area.divergent)]
        if nation is not None:
            cells.append(_quartile(nation, scores.partnership, area.id))
        table.add_row(*cells)
    table.add_section()
    overall: list = [Text("Overall", style="bold"), _bar(scores.overall, bar_width),
                     Text(fmt(scores.overall), style="bold")]
    if any_moderated:
        overall.append("")
    overall += [level_cell(scores.overall_level, scores.overall_colour), "", "", ""]
    if nation is not None:
        overall.append(_quartile(nation, scores.partnership, "overall"))
    table.add_row(*overall)
    console.print(table)
    _render_notes(scores, bank, nation)


def quartile_key(nation) -> str:
    """What the Q column means, the round's scope and the minimum count in it."""
    from stocktake.partnerships.reference import current_authorities
    from stocktake.reports.findings import round_scope

    said = (f"Q: quartile in {round_scope(nation.count, len(current_authorities()))}, 1 lowest "
            "to 4 highest")
    if any(p.withheld for p in nation.positions + nation.overall_positions):
        said += (f"; \u2013 where fewer than {nation.min_count} partnerships have a score to "
                 "place it among")
    return said + "."


def _render_notes(scores, bank, nation) -> None:
    notes: list[Text] = []
    from stocktake.scoring.method import apart_note, quorum_note

    if any(a.divergent for a in scores.areas):
        between = "partners' scores" if scores.method == "roles" else "respondents' scores"
        notes.append(Text(f"◆ divergent: {between} in the area differ by 25 points or "
                          "more; worth a conversation."))
    for area in scores.areas:
        note = quorum_note(area, bank)
        if note:
            notes.append(Text(f"{NO_QUORUM} {area.title}: {note} (the bank asks for "
                              f"{bank.min_roles} partners); left out of national quartiles."))
        for said in apart_note(area, bank):
            notes.append(Text(f"! {area.title}: {said}"))
    for area in scores.areas:
        m = area.moderation
        if m is not None:
            who = f" by {m.adviser}" if m.adviser else ""
            why = f": {m.reason}" if m.reason else ""
            notes.append(Text(f"* moderated{who}: {area.title} {fmt(m.score)} "
                              f"(self-assessed {fmt(area.self_assessed)}){why}"))
    if nation is not None:
        notes.append(Text(quartile_key(nation)))
    notes.append(Text(f"Cover: share of applicable questions answered; below "
                      f"{bank.min_coverage:.0%} a respondent's area score is withheld.",
                      style="dim"))
    for line in notes:
        console.print(line, soft_wrap=False)
    withheld = [(a.title, reason) for a in scores.areas for reason in a.withheld]
    if withheld:
        console.print(Text("Withheld:", style="bold"))
        listing = Table.grid(padding=(0, 1))
        listing.add_column(no_wrap=True)
        listing.add_column(ratio=1)
        for title, reason in withheld:
            listing.add_row(" -", Text(f"{title}: {reason}"))
        console.print(listing)


def _bar(score: float | None, width: int) -> str:
    if score is None:
        return ""
    eighths = round(max(0.0, min(100.0, score)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def _spread(spread: float | None, divergent: bool) -> str:
    if spread is None:
        return "–"
    return f"{'◆ ' if divergent else ''}{fixed_score(spread, 0)}"


def level_cell(label: str | None, colour: str | None) -> Text:
    """A level's label on its band colour (black text, for contrast); "–" for no level."""
    if label is None:
        return Text("–")
    return Text(label, style=f"#000000 on {colour}" if colour else "")


def _quartile(nation, code: str, area_id: str) -> str:
    try:
        quartile = nation.position(code, area_id).quartile
    except KeyError:
        return "–"
    return str(quartile) if quartile is not None else "–"


def render_plan(plan: list, bank) -> None:
    """Target beside the current level, for each item of the action plan."""
    if not plan:
        return
    titles = {a.id: a.title for a in bank.areas}
    table = Table(title="Action plan (stocktake plan list for the actions)",
                  title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("area", "now", "target", "due", "status"):
        table.add_column(name, overflow="fold")
    for item, now in sorted(plan, key=lambda p: (p[0].due, p[0].id)):
        table.add_row(titles.get(item.area, item.area), now or "no score", item.target,
                      item.due, item.status)
    console.print(table)


def fmt(value: float | None, places: int = 1) -> str:
    """A score to `places` decimals, "–" for none: its published value rounded, so it reads as
    the workbook and the median beside it do."""
    return "–" if value is None else fixed_score(value, places)



