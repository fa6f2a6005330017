"""A report as plain content, so the HTML page and the Word document say exactly the same thing.

    doc = Document("Stocktake report: Camden", blocks=[Heading(1, "Summary"), Paragraph("...")])
    render_html(doc); write_docx(doc, path)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence, Union


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
    # answers, provenance.SIMULATED_SENTENCE where any answer was invented by `stocktake demo`.
    marking: str = ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)
