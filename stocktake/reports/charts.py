"""Charts for the reports, drawn by matplotlib: SVG for the page, PNG for Word, and the words
that say what each shows (alt text). Single-hue bars with a dark marker, so they read in
greyscale and to people who do not see colour.

    figure = area_chart([("Vision", 62.5, 50.0), ...], caption="Areas against England's median")
"""

from __future__ import annotations

import io
import re
from typing import Sequence

from stocktake.reports.document import Figure
from stocktake.arithmetic.precision import fixed_score

BAR = "#2b6ca3"
MARKER = "#1a1a1a"
WIDTH = 6.4  # inches
LABEL_GAP = 1.0  # score points between a bar's end and its label
LEVEL_SHADES = ("#d9e6f2", "#9fc2e0", "#4f8fc4", "#1f4e79")  # light to dark: lowest to highest


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display; also keeps a GUI backend from loading
    import matplotlib.pyplot as plt

    # 6.4 inches fits A4's printed width at full size, so 10-point text prints at 10 points.
    # text.parse_math off: bank titles and level names are user text, and a "$" in them would
    # otherwise be read as mathtext (garbled, or an "Internal error" for an unknown command).
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 10,
                         "font.family": "DejaVu Sans", "svg.hashsalt": "stocktake",
                         "text.parse_math": False, "text.usetex": False})
    return plt


def _render(fig, alt: str, caption: str) -> Figure:
    plt = _pyplot()
    svg = io.StringIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    text = svg.getvalue()
    text = text[text.index("<svg"):]  # the XML declaration and doctype do not belong inline
    # matplotlib's RDF metadata block names the tool; the page needs none of it.
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    return Figure(text, png.getvalue(), alt, caption)


def area_chart(rows: Sequence[tuple[str, float | None, float | None]], *, caption: str,
               marker_label: str = "England median") -> Figure:
    """Horizontal bars of area scores (0-100) with a marker at each area's comparison value.

    rows: (area title, score or None, comparison or None), in bank order.
    """
    fig, _ = area_figure(rows, marker_label=marker_label)
    described = "; ".join(
        f"{t} {('no score' if s is None else f'{fixed_score(s, 0)}')}"
        + (f" (median {fixed_score(m, 0)})" if m is not None else "") for t, s, m in rows)
    marked = f", with the {marker_label} marked" if any(m is not None for *_, m in rows) else ""
    alt = f"Bar chart of the area scores out of 100{marked}: {described}."
    return _render(fig, alt, caption)


def area_figure(rows: Sequence[tuple[str, float | None, float | None]], *,
                marker_label: str = "England median"):
    """(matplotlib figure, axes) of `area_chart`, before it is rendered: the tests read the
    drawn bars' and labels' positions from it. Each score's label sits just past the end of
    its own bar, whatever the marker's place, unless the marker would run through it: then
    just past the marker, on the same line."""
    plt = _pyplot()
    titles = [_wrap(t) for t, _, _ in rows]
    height = max(2.2, 0.34 * len(rows) + 0.9)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    ys = list(range(len(rows)))[::-1]
    scores = [s if s is not None else 0 for _, s, _ in rows]
    ax.barh(ys, scores, color=BAR, height=0.6, label="This partnership")
    marks = [(y, m) for y, (_, _, m) in zip(ys, rows) if m is not None]
    if marks:
        ax.scatter([m for _, m in marks], [y for y, _ in marks], marker="|", s=420,
                   linewidths=2.5, color=MARKER, label=marker_label, zorder=3)
    labels = [ax.text((s or 0) + LABEL_GAP, y, "no score" if s is None else fixed_score(s, 0),
                      va="center", ha="left", fontsize=9, zorder=4,
                      bbox={"boxstyle": "square,pad=0.05", "facecolor": "white",
                            "edgecolor": "none"}) for y, (_, s, _) in zip(ys, rows)]
    ax.set_yticks(ys, titles)
    ax.set_xlim(0, 105)
    # A marker just past a bar's end would run through its label ("|60|" read as one mark):
    # that label moves to just past the marker. Measured as drawn, in score units.
    renderer = fig.canvas.get_renderer()
    to_scores = ax.transData.inverted()
    for label, (_, _, m) in zip(labels, rows):
        if m is None:
            continue
        box = label.get_window_extent(renderer).transformed(to_scores)
        if box.x0 - LABEL_GAP / 2 <= m <= box.x1 + LABEL_GAP / 2:
            label.set_x(m + LABEL_GAP)
    ax.set_xlabel("Score (0-100)")
    for x in (25, 50, 75):
        ax.axvline(x, color="#bbbbbb", linewidth=0.8, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False,
              fontsize=10)
    return fig, ax


def level_chart(rows: Sequence[tuple[str, Sequence[int]]], levels: Sequence[str], *,
                caption: str) -> Figure:
    """Stacked horizontal bars: per area, how many partnerships are at each level."""
    plt = _pyplot()
    height = max(2.2, 0.34 * len(rows) + 1.1)
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    ys = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for n, level in enumerate(levels):
        counts = [c[n] for _, c in rows]
        ax.barh(ys, counts, left=left, height=0.6, label=level,
                color=LEVEL_SHADES[min(n, len(LEVEL_SHADES) - 1)], edgecolor=MARKER,
                linewidth=0.6,
                hatch=("", "//", "", "..")[n % 4])
        left = [a + b for a, b in zip(left, counts)]
    ax.set_yticks(ys, [_wrap(t) for t, _ in rows])
    ax.set_xlabel("Partnerships")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, max([sum(c) for _, c in rows] + [1]))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(levels), frameon=False,
              fontsize=10)
    described = "; ".join(f"{t}: " + ", ".join(f"{c} {lv}" for lv, c in zip(levels, counts))
                          for t, counts in rows)
    alt = f"Stacked bar chart of how many partnerships are at each level in each area: {described}."
    return _render(fig, alt, caption)


def _wrap(title: str, width: int = 28) -> str:
    words, lines, line = title.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])
