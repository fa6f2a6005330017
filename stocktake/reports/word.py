"""A report as an editable Word document (python-docx), because councils edit reports in Word:
the same content as the HTML page, with real headings (for the navigation pane), tables whose
header row repeats across pages, and charts as pictures with their alt text.

    write_docx(doc, Path("camden.docx"))
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stocktake.reports.document import (Bullets, Document, Figure, Heading, Paragraph, Quote,
                                        Table)

TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins


def _page_footer(section: Any, title: str) -> None:
    """Every page's foot: the report's title, then "Page n of m" (Word's PAGE and NUMPAGES
    fields, which Word and LibreOffice fill in as they lay the pages out), in 9 point: a
    printed report left with a partnership is handed round loose."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    para = section.footer.paragraphs[0]
    para.text = ""

    def text(words: str) -> None:
        para.add_run(words).font.size = Pt(9)

    def field(code: str) -> None:
        # A field is five runs: begin, the instruction, separate, the text shown until the
        # reader's program works the number out, end.
        for kind, body in (("begin", None), ("instr", code), ("separate", None),
                           ("shown", "1"), ("end", None)):
            run = para.add_run()
            run.font.size = Pt(9)
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = f" {body} "
            elif kind == "shown":
                element = OxmlElement("w:t")
                element.text = body
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            run._r.append(element)

    text(f"{title} - page ")
    field("PAGE")
    text(" of ")
    field("NUMPAGES")


def write_docx(doc: Document, path: Path) -> Path:
    """Write the document (atomically, owner-only); StocktakeError when it cannot be written."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    word = WordDocument()
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    props = word.core_properties
    props.title = doc.title
    props.author = props.last_modified_by = doc.author
    props.language = doc.lang
    # python-docx's template says it was made in 2013 "by python-docx": the file's own
    # properties must say who made it and when, as its cover does.
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0)
    props.comments = ""
    props.revision = 1

    if doc.marking:
        # Word's header repeats on every page; the first page also says it in full.
        header = section.header.paragraphs[0]
        header.text = doc.header
        for run in header.runs:
            run.bold = True
    _page_footer(section, doc.title)
    word.add_heading(doc.title, level=0)
    if doc.marking:
        para = word.add_paragraph()
        para.add_run(doc.marking).bold = True
    if doc.subtitle:
        word.add_paragraph(doc.subtitle)
    if doc.meta:
        meta = word.add_table(rows=0, cols=2)
        meta.style = "Table Grid"
        for label, value in doc.meta:
            cells = meta.add_row().cells
            cells[0].text, cells[1].text = label, value
            for run in cells[0].paragraphs[0].runs:
                run.bold = True
    figures = 0
    # The paragraphs since the last heading, while no other block has come between: where a
    # table follows, they keep with it, so the heading, its lead and the table start together
    # ("Action plan" was left at a page's foot, its table alone on the next page).
    lead: list | None = None
    for block in doc.blocks:
        if isinstance(block, Heading):
            # Kept with what follows, so no heading is left alone at a page's foot.
            word.add_heading(block.text, level=min(block.level, 3)) \
                .paragraph_format.keep_with_next = True
            lead = []
            continue
        if isinstance(block, Table) and lead is not None and len(lead) <= LEAD_KEPT:
            for para in lead:
                para.paragraph_format.keep_with_next = True
        if not isinstance(block, Paragraph):
            lead = None
        if isinstance(block, Paragraph):
            para = word.add_paragraph(block.text)
            if lead is not None:
                lead.append(para)
            if block.kind == "note":
                for run in para.runs:
                    run.italic = True
            elif block.kind == "lead":
                for run in para.runs:
                    run.font.size = Pt(12)
        elif isinstance(block, Quote):
            para = word.add_paragraph(block.text, style="Quote")
            # A quote and who said it on one page: the attribution alone atop the next page
            # left the words unowned on the page before.
            para.paragraph_format.keep_with_next = True
            para.paragraph_format.keep_together = True
            word.add_paragraph(f"- {block.source}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Figure):
            figures += 1
            word.add_picture(io.BytesIO(block.png), width=Cm(16.2))
            # The picture's paragraph is kept with its caption below it.
            word.paragraphs[-1].paragraph_format.keep_with_next = True
            _alt_text(word.inline_shapes[-1], block.alt, f"Figure {figures}")
            word.add_paragraph(f"Figure {figures}. {block.caption}", style="Caption")
    return _save(word, Path(path))


def _table(word, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    word.add_paragraph(table.caption, style="Caption").paragraph_format.keep_with_next = True
    grid = word.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    # Word's cells have wider margins than the page's: wide tables take 9-point text.
    points = 9 if len(table.header) > 5 else 10
    size = Pt(points)
    widths = [Cm(cm) for cm in column_widths_cm(table, points)]
    header = grid.rows[0]
    # w:tblHeader: Word and LibreOffice repeat the row at the top of each page.
    _row_property(header, "w:tblHeader")
    for cell, text in zip(header.cells, table.header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in table.rows:
        row = grid.add_row()
        for i, (cell, text) in enumerate(zip(row.cells, values)):
            cell.text = text
            if i in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # The caption, the header row and the first row (a short table: every row) keep with
    # the next, so a heading and its table start on the same page.
    kept = len(grid.rows) - 1 if len(grid.rows) <= SHORT_TABLE_ROWS else 2
    for number, row in enumerate(grid.rows):
        # w:cantSplit: a row stays on one page, never half under the repeated header.
        _row_property(row, "w:cantSplit")
        if number < kept:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        for cell, width in zip(row.cells, widths):
            cell.width = width  # Word reads the cells' widths
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = size
    for column, width in zip(grid.columns, widths):
        column.width = width  # LibreOffice reads the grid's
    word.add_paragraph()


def column_widths_cm(table: Table, points: float) -> list[float]:
    """Each column's width in cm across TEXT_WIDTH_CM: the table's shares, widened where a
    column's longest word (bold in the header) would not fit whole in `points`-point Arial
    with Word's cell margins, the other columns narrowed to make room ("Risk assessment" broke
    mid-word in a narrow column)."""
    def ems(word: str, bold: bool) -> float:
        return len(word) * (BOLD_CHAR_EM if bold else CHAR_EM)

    return table.fitted_widths(TEXT_WIDTH_CM, points * CM_PER_POINT, CELL_MARGIN_CM, ems)


# Arial's mean character width, in ems, for words of lower-case letters (bold a little wider);
# Word's default cell margins are 0.19 cm a side.
CHAR_EM, BOLD_CHAR_EM = 0.56, 0.62
CM_PER_POINT = 2.54 / 72
CELL_MARGIN_CM = 0.45
SHORT_TABLE_ROWS = 8
LEAD_KEPT = 5  # paragraphs between a heading and its table kept with both


def _row_property(row, name: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    prop = OxmlElement(name)
    prop.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(prop)


def _alt_text(shape, alt: str, title: str) -> None:
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", title)


def _save(word, path: Path) -> Path:
    """The document by the one atomic writer, owner-only (it quotes evidence); StocktakeError
    (DiskFull for a full disk) if it cannot be written, the old file left as it was."""
    from stocktake.files.output_files import write_output_bytes

    buffer = io.BytesIO()
    word.save(buffer)
    return write_output_bytes(path, buffer.getvalue())