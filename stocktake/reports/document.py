"""A report as plain content, so the HTML page and the Word document say exactly the same thing.

    doc = Document("Stocktake report: Camden", blocks=[Heading(1, "Summary"), Paragraph("...")])
    render_html(doc); write_docx(doc, path)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence, Union


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the document's sections, 2 and 3 below them
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = ""  # "" | "lead" | "note" | "caveat" | "flag"


@dataclass(frozen=True)
class Quote:
    text: str
    source: str  # who said it, by role: never a name


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # columns aligned right
    widths: tuple[float, ...] = ()  # relative column widths; empty: from the text
    nowrap: frozenset[int] = frozenset()  # columns kept on one line (dates, levels)

    def fitted_widths(self, total: float, points: float, margin: float,
                      ems: Callable[[str, bool], float], bold_first: bool = False
                      ) -> list[float]:
        """Each column's width across `total`, in one unit throughout (cm for Word, points
        for the page): `points` is the type's size and `margin` a cell's padding and borders,
        in that unit; `ems(word, bold)` a word's width in ems of the font (the header bold,
        and the first column with `bold_first`). The shares of column_widths, widened where a
        column's longest word would not fit whole, the others narrowed to make room; where no
        widths hold every word whole, each column in proportion to its longest word."""
        shares = [total * share for share in self.column_widths()]
        need = self.word_widths(points, margin, ems, bold_first)
        if sum(need) > total:
            return [n * total / sum(need) for n in need]
        widths = [max(s, n) for s, n in zip(shares, need)]
        while sum(widths) > total * (1 + 1e-9):
            spare = [w - n for w, n in zip(widths, need)]
            room = sum(spare)
            excess = sum(widths) - total
            widths = [w - s * min(1.0, excess / room) for w, s in zip(widths, spare)]
        return widths

    def word_widths(self, points: float, margin: float, ems: Callable[[str, bool], float],
                    bold_first: bool = False) -> list[float]:
        """Each column's least width holding its longest word whole (fitted_widths)."""
        need = []
        for i, head in enumerate(self.header):
            bold = bold_first and i == 0
            words = [ems(w, True) for w in head.split()]
            words += [ems(w, bold) for r in self.rows if i < len(r) for w in r[i].split()]
            need.append(max(words, default=1.0) * points + margin)
        return need

    def column_widths(self) -> tuple[float, ...]:
        """Shares of the width summing to 1: as given, else from each column's longest word
        and its text, so a long text column gets room and no word is broken."""
        if self.widths:
            total = sum(self.widths)
            return tuple(w / total for w in self.widths)
        need = []
        for i, head in enumerate(self.header):
            cells = [head] + [r[i] for r in self.rows if i < len(r)]
            longest_word = max((len(w) for c in cells for w in c.split()), default=4)
            mean_text = sum(len(c) for c in cells) / len(cells)
            # A cell's padding and borders take about three characters' room.
            need.append(max(longest_word + 4.5, min(mean_text, 60) * 0.45, 6))
        total = sum(need)
        return tuple(n / total for n in need)


@dataclass(frozen=True)
class Figure:
    svg: str  # inline SVG (for the page)
    png: bytes  # the same chart as PNG (for Word)
    alt: str  # what the chart shows, in words
    caption: str


Block = Union[Heading, Paragraph, Quote, Bullets, Table, Figure]


@dataclass
class Document:
    title: str
    subtitle: str = ""
    meta: Sequence[tuple[str, str]] = ()  # label, value pairs on the cover
    blocks: list[Block] = field(default_factory=list)
    lang: str = "en-GB"
    author: str = "stocktake"
    # Said on the first screen and every printed page (HTML), and in Word's header: "" for real
    # answers, provenance.SIMULATED_SENTENCE where any answer was invented by `stocktake demo`
    # (or compared_sentence where only the partnerships compared against were).
    marking: str = ""
    # Every printed page's header where `marking` is said: SIMULATED_HEADER unless given.
    page_header: str = ""

    @property
    def header(self) -> str:
        from stocktake.records.provenance import SIMULATED_HEADER

        return (self.page_header or SIMULATED_HEADER) if self.marking else ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)
