"""The tables of `stocktake benchmark`: each area's box plot, the partnerships in bands, and each
beside its statistical neighbours.

Rendering only: the figures come from stocktake.scoring.benchmark_view.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from stocktake.arithmetic.precision import difference, fixed
from stocktake.cli.common import console
from stocktake.cli.score_tables import NO_QUORUM, fmt, level_cell


def render_benchmark(bench, bank, names: dict[str, str], region: str | None,
                     exclude_small: bool, sort: str = "region") -> None:
    """Each area's distribution as a box plot on a 0-100 axis, then the partnerships in bands."""
    shown_region = next((r for r in bench.regions.values() if r), region)
    scope = f"{shown_region} only" if region else "all partnerships"
    if exclude_small:
        scope += ", small authorities left out"
    console.print(Text.assemble((f"{bank.title} · {bench.wave}", "bold"),
                                f" · {bench.count} partnership{'s' if bench.count != 1 else ''}"
                                f" ({scope})"), soft_wrap=False)
    console.print(Text("Each area's scores: ├ min ─ ▒ Q1 to Q3 █ median ─ max ┤ "
                       "(quartiles as Excel's QUARTILE.INC)"), soft_wrap=False)
    plot_width = max(21, min(51, console.width - 42))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Area", ratio=1, overflow="fold", min_width=12)
    table.add_column(_axis(plot_width), no_wrap=True, width=plot_width)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("Med", justify="right", no_wrap=True)
    table.add_column("Mean", justify="right", no_wrap=True)
    rows = list(bench.areas) + ([bench.overall] if bench.overall is not None else [])
    for d in rows:
        if d is bench.overall:
            table.add_section()
        table.add_row(d.title, _box_plot(d, plot_width), str(d.n), fmt(d.median),
                      fmt(d.mean))
    console.print(table)
    if any(d.withheld for d in rows):
        console.print(Text(f"\u2013: fewer than {bench.min_count} partnerships have a score "
                           "for that area, so no quartiles, median or mean are given and none "
                           f"is placed in a band (the bank's min_count; --min-count N).",
                           style="dim"), soft_wrap=False)
    left_out = bench.left_out()
    if left_out:
        console.print(Text(f"{left_out} area score(s) answered by fewer than {bank.min_roles} "
                           "partner roles are not partnership views and are left out of the "
                           "quartiles.", style="dim"), soft_wrap=False)
    _render_partnerships(bench, bank, names, sort)


def _render_partnerships(bench, bank, names: dict[str, str], sort: str = "region") -> None:
    order = "by overall score" if sort == "score" else "by region and name"
    console.print(Text(f"Partnerships {order}. Quartiles place a partnership among others; "
                       "they are not a league table: read each score with its coverage and "
                       "moderation (stocktake scores CODE).", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Partnership", ratio=2, overflow="fold")
    table.add_column("Region", ratio=1, overflow="fold")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Level", no_wrap=True)
    table.add_column("Band", justify="center", no_wrap=True)
    listed = bench.league() if sort == "score" else bench.by_region(names)
    places = bench.places.get("overall", 1)
    for scores in listed:
        table.add_row(f"{names[scores.partnership]} ({scores.partnership})",
                      bench.regions.get(scores.partnership, "") or "–",
                      fmt(scores.overall, places),
                      level_cell(scores.overall_level, scores.overall_colour),
                      _band(bench, scores.partnership, "overall"))
    console.print(table)
    key = (f"Band: the overall score's quarter among these {bench.count} partnerships, A the "
           "top quarter to D the lowest (as DfE's LAIT)")
    if any(p.withheld for p in bench.overall_positions):
        key += f"; \u2013 with fewer than {bench.min_count} to place it among"
    if places == 2:
        key += "; scores to 2 decimals where 1 would show two in different bands as equal"
    console.print(Text(key + ".", style="dim"), soft_wrap=False)


def _band(nation, code: str, area_id: str) -> str:
    try:
        position = nation.position(code, area_id)
    except KeyError:
        return "–"
    if not position.quorum:
        return NO_QUORUM
    return position.band or "–"


def _axis(width: int) -> str:
    axis = [" "] * width
    for value in (0, 25, 50, 75, 100):
        label = str(value)
        at = _at(value, width)
        start = min(max(0, at - len(label) // 2), width - len(label))
        axis[start:start + len(label)] = label
    return "".join(axis)


def _box_plot(d, width: int) -> str:
    if d.n == 0:
        return "no scores".center(width)
    if d.withheld:
        return f"{d.withheld} partnerships".center(width)
    line = [" "] * width
    lo, q1, med, q3, hi = (_at(v, width) for v in (d.min, d.q1, d.median, d.q3, d.max))
    for i in range(lo, hi + 1):
        line[i] = "─"
    for i in range(q1, q3 + 1):
        line[i] = "▒"
    if hi > lo:
        line[lo], line[hi] = "├", "┤"
    line[med] = "█"
    return "".join(line)


def _at(value: float, width: int) -> int:
    return round(max(0.0, min(100.0, value)) / 100 * (width - 1))


def render_neighbour_comparison(rows, names: dict[str, str], bank) -> None:
    """Each partnership's overall score beside its own neighbours' mean, and how many of its ten
    neighbours the workspace holds."""
    console.print(Text("Each partnership beside the mean of its own statistical neighbours "
                       "(DfE, May 2025) in this workspace", style="bold"), soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("Partnership", ratio=1, overflow="fold")
    table.add_column("Overall", justify="right", no_wrap=True)
    table.add_column("Neighbours' mean", justify="right", no_wrap=True)
    table.add_column("Difference", justify="right", no_wrap=True)
    table.add_column("Neighbours here", justify="right", no_wrap=True)
    for row in rows:
        mean = row.means.get("overall")
        own = row.own.get("overall")
        # Between the two figures as shown beside it, so 52.65 against 52.65 reads +0.0.
        diff = None if row.difference("overall") is None else difference(own, mean)
        table.add_row(f"{names.get(row.code, row.code)} ({row.code})",
                      fmt(own), fmt(mean),
                      "–" if diff is None else fixed(diff, signed=True),
                      f"{len(row.present)} of {row.group_size}" if row.group_size else
                      "no group")
    console.print(table)
    key = "Per area: stocktake benchmark --neighbours --json."
    if any(row.withheld("overall") for row in rows):
        key = (f"\u2013: fewer than {bank.min_count} of the partnership's neighbours here have "
               "a score, so no mean or difference is given: a mean of so few would describe "
               "those partnerships, not its neighbours (the bank's min_count; --min-count N). "
               + key)
    console.print(Text(key, style="dim"), soft_wrap=False)
