"""A report as an editable Word document (python-docx), because councils edit reports in Word:
the same content as the HTML page, with real headings (for the navigation pane), tables whose
header row repeats across pages, and charts as pictures with their alt text.

    write_docx(doc, Path("camden.docx"))
"""

from __future__ import annotations

import io
from pathlib import Path

from stocktake.provenance import SIMULATED_HEADER
from stocktake.reports.document import (Bullets, Document, Figure, Heading, Paragraph, Quote,
                                        Table)

TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins


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
    word.core_properties.title = doc.title
    word.core_properties.author = doc.author
    word.core_properties.language = doc.lang

    if doc.marking:
        # Word's header repeats on every page; the first page also says it in full.
        header = section.header.paragraphs[0]
        header.text = SIMULATED_HEADER
        for run in header.runs:
            run.bold = True
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
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(block.level, 3))
        elif isinstance(block, Paragraph):
            para = word.add_paragraph(block.text)
            if block.kind == "note":
                for run in para.runs:
                    run.italic = True
            elif block.kind == "lead":
                for run in para.runs:
                    run.font.size = Pt(12)
        elif isinstance(block, Quote):
            para = word.add_paragraph(block.text, style="Quote")
            word.add_paragraph(f"- {block.source}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
            del para
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Figure):
            figures += 1
            word.add_picture(io.BytesIO(block.png), width=Cm(16.2))
            _alt_text(word.inline_shapes[-1], block.alt, f"Figure {figures}")
            word.add_paragraph(f"Figure {figures}. {block.caption}", style="Caption")
    return _save(word, Path(path))


def _table(word, table: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    word.add_paragraph(table.caption, style="Caption")
    grid = word.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = [Cm(TEXT_WIDTH_CM * share) for share in table.column_widths()]
    # Word's cells have wider margins than the page's: wide tables take 9-point text.
    size = Pt(9) if len(table.header) > 5 else Pt(10)
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
    for row in grid.rows:
        # w:cantSplit: a row stays on one page, never half under the repeated header.
        _row_property(row, "w:cantSplit")
        for cell, width in zip(row.cells, widths):
            cell.width = width  # Word reads the cells' widths
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = size
    for column, width in zip(grid.columns, widths):
        column.width = width  # LibreOffice reads the grid's
    word.add_paragraph()


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
    import os

    from stocktake.errors import StocktakeError

    buffer = io.BytesIO()
    word.save(buffer)
    try:
        from stocktake.output_folders import ensure_output_dir

        ensure_output_dir(path.parent)
        tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except OSError as exc:
        raise StocktakeError(f"cannot write {path} ({exc.strerror or exc})",
                             hint="choose a folder you can write to, and close the file if it "
                                  "is open in Word")
    return path
