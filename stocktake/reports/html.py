"""A report as one self-contained HTML file: styles and charts inside, nothing fetched, readable
on screen and printed on A4 from any browser (table headers repeat on each page, rows and
figures are not split, no text below 9 pt).

    Path("camden.html").write_text(render_html(doc), encoding="utf-8")
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from stocktake.reports.page_fonts import word_ems
from stocktake.reports.document import (Bullets, Document, Figure, Heading, Paragraph, Quote,
                                        Table)

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #1a1a1a; background: #fff; margin: 0; }
main, header.cover, nav { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
header.cover { padding-top: 2rem; border-bottom: 3px solid #1f4e79; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; color: #1f4e79; margin: 1.6rem 0 0.6rem; }
header.cover h1 { font-size: 2rem; margin-top: 0; }
h2 { font-size: 1.25rem; color: #1f4e79; margin: 1.4rem 0 0.4rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 0.3rem; }
p.subtitle { font-size: 1.15rem; margin: 0 0 1rem; }
p.lead { font-size: 1.1rem; }
p.note { color: #444; font-style: italic; }
p.flag { border-left: 4px solid #8a5a00; padding-left: 0.6rem; }
p.marking { background: #fff4ce; border: 2px solid #8a5a00; padding: 0.5rem 0.8rem;
            font-weight: bold; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 10pt;
        table-layout: fixed; overflow-wrap: break-word; }
table.dense { font-size: 9pt; }
table.dense th, table.dense td { padding: 0.2rem 0.25rem; }
.nowrap { white-space: nowrap; }
caption { text-align: left; font-weight: bold; padding: 0.2rem 0; }
th, td { border: 1px solid #999; padding: 0.25rem 0.4rem; text-align: left;
         vertical-align: top; }
th { background: #e8eef5; }
td.num, th.num { text-align: right; }
figure { margin: 0.8rem 0 1.2rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 10pt; color: #333; }
blockquote { margin: 0.4rem 0 0.6rem 1rem; padding-left: 0.8rem; border-left: 3px solid #bbb; }
blockquote footer { font-size: 10pt; color: #444; }
nav ol { columns: 2; font-size: 10pt; }
a { color: #1f4e79; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10.5pt; }
  main, header.cover, nav { max-width: none; padding: 0; }
  thead { display: table-header-group; }
  tr, figure, blockquote, table.short { break-inside: avoid; page-break-inside: avoid; }
  caption { break-after: avoid; page-break-after: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""


SHORT_TABLE_ROWS = 8
# The printed table's room (@page's A4 less 14 mm a side), its type (`table` at 10 points,
# `table.dense` at 9) and a cell's padding and borders (0.4rem a side, 0.25rem dense, of the
# root's 12 points).
PRINT_WIDTH_PT = (210 - 2 * 14) / 25.4 * 72
TABLE_POINTS, DENSE_POINTS = 10.0, 9.0
CELL_PADDING_PT, DENSE_PADDING_PT = 0.8 * 12 + 2, 0.5 * 12 + 2


def _page_marking(header: str) -> str:
    """Every printed page's header says the data is simulated (CSS page-margin boxes, which
    Chromium prints); the header text is ours (stocktake.records.provenance), never a user's."""
    if not header:
        return ""
    return ('\n@page { @top-center { content: "' + header + '"; '
            'font: bold 9pt "DejaVu Sans", Arial, sans-serif; color: #8a5a00; } }\n')


def render_html(doc: Document) -> str:
    """The whole page. Every text is escaped: report content quotes what people typed."""
    parts = [f'<!DOCTYPE html>\n<html lang="{escape(doc.lang)}">\n<head>\n<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(doc.title)}</title>",
             f'<meta name="author" content="{escape(doc.author)}">',
             f"<style>{CSS}{_page_marking(doc.header)}</style>\n</head>\n<body>",
             '<header class="cover">']
    if doc.marking:
        parts.append(f'<p class="marking" role="note">{escape(doc.marking)}</p>')
    parts.append(f"<h1>{escape(doc.title)}</h1>")
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    if doc.meta:
        parts.append('<dl class="meta">')
        for label, value in doc.meta:
            parts.append(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>")
        parts.append("</dl>")
    parts.append("</header>")
    sections = [b for b in doc.blocks if isinstance(b, Heading) and b.level == 1 and b.anchor]
    if sections:
        parts.append('<nav aria-label="Contents"><h2>Contents</h2><ol>')
        parts.extend(f'<li><a href="#{escape(h.anchor)}">{escape(h.text)}</a></li>'
                     for h in sections)
        parts.append("</ol></nav>")
    parts.append("<main>")
    figures = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            # The cover holds the page's h1; sections below it are h2, their parts h3.
            level = min(block.level + 1, 6)
            anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
            parts.append(f"<h{level}{anchor}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            cls = f' class="{block.kind}"' if block.kind else ""
            parts.append(f"<p{cls}>{escape(block.text)}</p>")
        elif isinstance(block, Quote):
            parts.append(f"<blockquote><p>{escape(block.text)}</p>"
                         f"<footer>{escape(block.source)}</footer></blockquote>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items)
                         + "</ul>")
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Figure):
            figures += 1
            parts.append(_figure(block, figures))
    parts.append("</main>\n</body>\n</html>\n")
    return "\n".join(parts)


def _table(table: Table) -> str:
    def cls(i: int) -> str:
        names = (["num"] if i in table.numeric else []) + (["nowrap"] if i in table.nowrap else [])
        return f' class="{" ".join(names)}"' if names else ""

    # Shares of the printed width (A4 less the page's margins) that hold each column's
    # longest word whole in DejaVu Sans (page_fonts), as word.column_widths_cm does for Word;
    # a table whose words cannot all stand whole at 10 points is set at 9, the least the
    # printed report uses, with narrower padding. Chromium printed "Risk assessment" as
    # "assessm" / "ent" in a column of a fixed share.
    points, padding = TABLE_POINTS, CELL_PADDING_PT
    if sum(table.word_widths(points, padding, word_ems, True)) > PRINT_WIDTH_PT:
        points, padding = DENSE_POINTS, DENSE_PADDING_PT
    widths = table.fitted_widths(PRINT_WIDTH_PT, points, padding, word_ems, True)
    cols = "".join(f'<col style="width:{w / PRINT_WIDTH_PT * 100:.1f}%">' for w in widths)
    dense = points == DENSE_POINTS
    head = "".join(f'<th scope="col"{cls(i)}>{escape(h)}</th>'
                   for i, h in enumerate(table.header))
    rows = "".join("<tr>" + "".join(
        (f'<th scope="row"{cls(i)}>{escape(c)}</th>' if i == 0 else
         f"<td{cls(i)}>{escape(c)}</td>") for i, c in enumerate(row)) + "</tr>"
        for row in table.rows)
    # A short table is kept whole on one printed page: split, its head row was left alone at
    # a page's foot.
    names = (["short"] if len(table.rows) <= SHORT_TABLE_ROWS else []) + \
        (["dense"] if dense else [])
    short = f' class="{" ".join(names)}"' if names else ""
    return (f"<table{short}><caption>{escape(table.caption)}</caption><colgroup>{cols}</colgroup>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _figure(figure: Figure, number: int) -> str:
    # The SVG is matplotlib's own output; it is labelled as one image with the alt text, and
    # its inner text (tick labels) is hidden from screen readers, which read the alt instead.
    svg = figure.svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="fig{number}-title" ', 1)
    head_end = svg.index(">") + 1
    svg = (svg[:head_end] + f'<title id="fig{number}-title">{escape(figure.alt)}</title>'
           + svg[head_end:])
    return (f"<figure>{svg}<figcaption>Figure {number}. {escape(figure.caption)}"
            f"</figcaption></figure>")


def write_html(text: str, path: Path) -> Path:
    """Write the page by the one atomic writer, owner-only (it quotes evidence); StocktakeError
    (DiskFull for a full disk) if it cannot be written, the old file left as it was."""
    from stocktake.files.output_files import write_output_bytes

    return write_output_bytes(Path(path), text.encode("utf-8"))
