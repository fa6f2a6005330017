"""The partners' tables of `stocktake scores`: the heat rows by role, and `--by-role` in full.

Rendering only: the figures come from stocktake.scoring.partnership_view.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.cli.common import console
from stocktake.cli.score_tables import NO_QUORUM, fmt, level_cell
from stocktake.arithmetic.precision import difference, fixed, fixed_score


def role_abbreviations(role_ids) -> dict[str, str]:
    """Short column heads for roles: initials of a hyphenated id ("young-people" -> "YP"), else
    its first three letters ("council" -> "Cou"); lengthened until they are unique."""
    out: dict[str, str] = {}
    for role in role_ids:
        parts = [p for p in role.replace("_", "-").split("-") if p]
        short = "".join(p[0] for p in parts).upper() if len(parts) > 1 else role[:3].title()
        size = len(short)
        while short in out.values() and size < len(role):
            size += 1
            short = role[:size].title()
        out[role] = short
    return out


def render_heat(scores, bank) -> None:
    """Each partner's score per area as a compact heat row (band colours), the views reported
    apart after a bar, respondents per role in the key: fits 80 columns for seven roles."""
    roles = [r for r in scores.roles]
    if not roles:
        return
    short = role_abbreviations([r.id for r in roles])
    method = ("the partnership score is the mean of the partners' scores"
              if scores.method == "roles" else
              "the partnership score is the mean over partner respondents")
    console.print(Text("Partners' scores by area (" + method + "):", style="bold"),
                  soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="ellipsis", no_wrap=True, min_width=12)
    for role in roles:
        table.add_column(("│" if role.reported_apart else "") + short[role.id],
                         justify="right", no_wrap=True, min_width=4)
    # The mark of an area no partnership view (too few partner roles), in a column of its
    # own only where an area has it: headed "Q" and empty in every row, it read as the
    # quartile column of the table above.
    marked = any(not area.quorum for area in scores.areas)
    if marked:
        table.add_column(NO_QUORUM, no_wrap=True)
    for area in scores.areas:
        cells: list = [area.title]
        for role in roles:
            view = area.role_view(role.id)
            if view is not None and role.reported_apart and view.respondents < bank.min_count:
                cells.append(f"({view.respondents})")  # too few to show as a view: the count
                continue
            if view is None or view.score is None:
                cells.append("–")
                continue
            band = bank.band_for(view.score)
            mark = "!" if role.id in area.apart_differs else ""
            cells.append(Text(f"{fixed_score(view.score, 0)}{mark}",
                              style=f"#000000 on {band.colour}" if band else ""))
        if marked:
            cells.append("" if area.quorum else NO_QUORUM)
        table.add_row(*cells)
    console.print(table)
    key = ", ".join(f"{short[r.id]} {role_name(bank, r.id)} ({r.respondents})" for r in roles)
    console.print(Text(f"Respondents per role: {key}.", style="dim"), soft_wrap=False)
    apart = [r for r in roles if r.reported_apart]
    if apart:
        console.print(Text(f"│ reported apart: {', '.join(short[r.id] for r in apart)} never "
                           "enter the partnership score; ! marks a view 25 points or more from "
                           f"the partnership's; (n): n answered, fewer than {bank.min_count}, "
                           "so no figure is shown. --by-role shows each role in full.",
                           style="dim"),
                      soft_wrap=False)


def render_by_role(scores, bank) -> None:
    """Areas x roles in full: each role's score, respondents and the spread inside the role."""
    console.print(Text("Scores by role", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area / role", ratio=1, overflow="fold", min_width=16)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Resp", justify="right", no_wrap=True)
    table.add_column("Within", justify="right", no_wrap=True)
    table.add_column("vs area", justify="right", no_wrap=True)
    for index, area in enumerate(scores.areas):
        if index:
            table.add_section()
        table.add_row(Text(area.title, style="bold"),
                      Text(fmt(area.score) + ("" if area.quorum else NO_QUORUM), style="bold"),
                      level_cell(area.level, area.colour), str(area.respondents),
                      fmt(area.spread), "")
        for view in area.by_role + area.apart:
            apart = view in area.apart
            band = bank.band_for(view.score)
            name = role_name(bank, view.role)
            gap = difference(view.score, area.score)
            table.add_row(f"  {name}" + (" (apart)" if apart else ""), fmt(view.score),
                          level_cell(band.label if band else None, band.colour if band else None),
                          str(view.respondents), fmt(view.spread),
                          ("! " if view.role in area.apart_differs else "")
                          + (fixed(gap, signed=True) if gap is not None else "–"))
    console.print(table)
    console.print(Text("Within: the spread inside the role (highest - lowest respondent). "
                       "(apart): reported apart, not in the partnership score; with fewer than "
                       f"{bank.min_count} answering, only how many.", style="dim"),
                  soft_wrap=False)


def role_name(bank, role_id: str) -> str:
    """A role's title up to its first qualification: "Council: director ..." -> "Council"."""
    from stocktake.scoring.method import role_short_title

    return role_short_title(bank.role_title(role_id))
