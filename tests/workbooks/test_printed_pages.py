"""What people print (issue 26): every workbook kind of the demo, and the Word report, printed
through LibreOffice to PDF and read back with pdfplumber.

Made through the CLI as a person would: `stocktake demo`, a partnership's `export` (with a
two-row action plan), the
`benchmark`, a national `merge` of eight exports, a round's `status --xlsx` and a schools
`forms create`. Each PDF page is told to its sheet by the sheet's name at the left of the
footer (print_setup.name_pages). Asserted per workbook: pages within the goals the README's
"Printing" section records; no text under 8 pt outside sheets marked for screen, and none
under 9 pt on a form; every text cell's words whole on one page of its sheet (nothing cut at
a page's edge) and no character off the page; a sheet's repeated header row on every one of
its pages. The Word report's headings are kept with their tables: in the PDF each heading
that introduces a table is on the page where the table starts.

The PDFs are left in the test's tmp folder (pytest --basetemp=DIR keeps them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.commands import cli
from helpers.libreoffice import SOFFICE, to_pdf
pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (test extra) is not installed")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                                         "installed")]
WAVE = "2026-27"
SCREEN = "for screen"
MARGIN = 38
# Pages per printed workbook of the demo (README, "Printing"): the goals the layout is held to.
GOALS = {"partnership": 26, "benchmark": 14, "national": 14, "status": 34}
# A form prints at least this many questions a page (README, "Printing").
FORM_QUESTIONS_PER_PAGE = 6.0




@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{kind: (workbook path, [page, ...])}, each page {"sheet", "tokens", "chars", "text",
    "width", "height"}, for the five workbook kinds of the demo."""
    root = tmp_path_factory.mktemp("printed")
    ws = root / "ws"
    cli(ws, "demo")
    codes = sorted(re.findall(r"\bE\d{8}\b", cli(ws, "partnerships", "list", "--json")))
    x = root / "x"
    # A two-row action plan: issue 26 saw one printed over two pages.
    for area, due in (("risk", "2027-03-31"), ("workforce", "2027-06-30")):
        cli(ws, "plan", "add", codes[0], "--bank", "idea-stocktake", "--area", area,
            "--target", "Embedded", "--action", f"Agree a joint {area} plan with health and "
            "police, reviewed by the board each quarter", "--owner", "Head of safeguarding",
            "--due", due)
    cli(ws, "export", codes[0], "--wave", WAVE, "--out", str(x / "one"))
    for code in codes[:8]:
        cli(ws, "export", code, "--wave", WAVE, "--out", str(x / "eight"))
    books = {"partnership": next((x / "one").glob("*.xlsx")),
             "benchmark": x / "benchmark.xlsx", "national": x / "national.xlsx",
             "status": x / "status.xlsx", "form": x / "form.xlsx"}
    cli(ws, "benchmark", "--bank", "idea-stocktake", "--xlsx", str(books["benchmark"]))
    cli(ws, "merge", str(x / "eight"), "--out", str(books["national"]))
    cli(ws, "round", "plan", "--bank", "idea-stocktake", "--wave", WAVE, "--roles",
        "council,schools,health,police", "--per-role", "1", "--partnerships", "all",
        "--deadline", "2027-01-31", "--return-to", "stocktake@example.gov.uk")
    cli(ws, "status", "--xlsx", str(books["status"]))
    cli(ws, "forms", "create", codes[0], "--bank", "idea-stocktake", "--role", "schools",
        "--out", str(books["form"]))
    # The national Answers and Codebook sheets are for screen (every answer; every variable
    # and value): the summary sheets are what a board is handed, so their pages are counted.
    national = load_workbook(books["national"])
    for name in ("Answers", "Codebook"):
        if name in national.sheetnames:
            national[name].sheet_state = "hidden"
    summaries = x / "national-summary.xlsx"
    national.save(summaries)
    files = [books[k] for k in ("partnership", "benchmark", "status", "form")] + [summaries]
    pdfs = dict(zip(("partnership", "benchmark", "status", "form", "national"),
                    to_pdf(root / "profile", root / "pdf", *files)))
    books["national"] = summaries
    out = {}
    for kind, pdf_path in pdfs.items():
        sheets = [s.title for s in load_workbook(books[kind]).worksheets
                  if s.sheet_state == "visible"]
        with pdfplumber.open(pdf_path) as pdf:
            out[kind] = (books[kind], [_page(p, sheets) for p in pdf.pages])
    return out


def _page(page, sheets: list[str]) -> dict:
    # Within 1 point: LibreOffice's cells stand closer than the default 3 points apart, and
    # a number at the right of one cell ran into the word at the left of the next.
    words = page.extract_words(x_tolerance=1)
    # The header and footer lie within MARGIN points of the page's top and foot; the body's
    # rows, charts included, do not.
    foot = sorted((w for w in words if w["top"] > page.height - MARGIN), key=lambda w: w["x0"])
    # The words on the line of "Page n of m" (a chart's labels may also lie low on a page).
    page_word = next((w for w in foot if w["text"] == "Page"), None)
    left = []
    for w in foot:
        if page_word is None or w is page_word:
            break
        if abs(w["top"] - page_word["top"]) < 2:
            left.append(w["text"])
    label = " ".join(left)
    sheet = next((s for s in sorted(sheets, key=len, reverse=True)
                  if label == s or label.startswith(s + " (")), None)
    body = [w for w in words if MARGIN < w["top"] < page.height - MARGIN]
    found = {t for w in body for t in tokens(w["text"])}
    # Text set upright (the Matrix's area titles), read bottom to top, line by line.
    lines = defaultdict(list)
    for c in page.chars:
        if not c["upright"] and MARGIN < c["top"] < page.height - MARGIN:
            lines[round(c["x0"])].append(c)
    for line in lines.values():
        found.update(tokens("".join(c["text"] for c in sorted(line, key=lambda c: -c["top"]))))
    head = [c for c in page.chars if c["text"].strip() and c["top"] < MARGIN]
    return {"sheet": sheet, "label": label, "tokens": found, "head": head,
            "sequence": " ".join(t for w in body for t in tokens(w["text"])),
            "chars": [c for c in page.chars if c["text"].strip()], "width": page.width,
            "height": page.height, "text": " ".join(w["text"] for w in body),
            "screen": SCREEN in label}


def tokens(text: str) -> list[str]:
    """Words as compared between a cell and a page: lower case, split where a spreadsheet may
    break a line (spaces, hyphens, slashes), punctuation at either end dropped."""
    out = []
    for piece in re.split(r"[\s\-/;]+", str(text).lower()):
        piece = piece.strip(".,:;()[]'\"“”‘’!?*†…")
        if piece:
            out.append(piece)
    return out


KINDS = ("partnership", "benchmark", "national", "status", "form")


@pytest.mark.timeout(1800)  # the demo, 12 CLI runs and LibreOffice over ~70 pages
@pytest.mark.parametrize("kind", KINDS)
def test_printed_workbook_pages(printed, kind):
    path, pages = printed[kind]
    wb = load_workbook(path)
    visible = [s for s in wb.worksheets if s.sheet_state == "visible"]
    by_sheet = defaultdict(list)
    for number, page in enumerate(pages, start=1):
        # A4 either way round, and every page says which sheet it is.
        assert sorted((round(page["width"]), round(page["height"]))) == [595, 842], number
        assert page["sheet"] is not None, (kind, number, page["label"])
        by_sheet[page["sheet"]].append(page)
        # pdfplumber gives an upright character's advance as its size; its width is the size.
        smallest = min((c["size"] if c["upright"] else c["width"] for c in page["chars"]),
                       default=99)
        floor = 8.95 if kind == "form" else 7.95
        if not page["screen"]:
            assert smallest >= floor, (kind, number, page["sheet"], round(smallest, 2))
        # No text runs off the page's side (a cell cut at its edge). LibreOffice also writes
        # the text of a chart anchored on the next page below this one's foot, unseen.
        off = [c["text"] for c in page["chars"] if 0 <= c["top"] <= page["height"]
               and (c["x0"] < -0.5 or c["x1"] > page["width"] + 0.5)]
        assert not off, (kind, number, "".join(off)[:60])
        # The header's sections never print over each other (a long left and right did).
        line = defaultdict(list)
        for c in page["head"]:
            line[round(c["top"])].append(c)
        for chars in line.values():
            chars.sort(key=lambda c: c["x0"])
            crossed = [a["text"] + b["text"] for a, b in zip(chars, chars[1:])
                       if b["x0"] < a["x1"] - 1]
            assert not crossed, (kind, number, crossed[:3], "".join(c["text"] for c in chars))
    assert {s.title for s in visible} <= set(by_sheet), set(by_sheet)

    # Pages within the goals (README, "Printing").
    if kind == "form":
        from stocktake.workbooks.forms import HEADER_ROW, ID_COLUMN

        questions = sum(1 for r in range(HEADER_ROW + 1, wb["Form"].max_row + 1)
                        if wb["Form"].cell(r, ID_COLUMN).value)
        assert questions / len(pages) >= FORM_QUESTIONS_PER_PAGE, (questions, len(pages))
    else:
        assert len(pages) <= GOALS[kind], (kind, len(pages))

    for ws in visible:
        mine = by_sheet[ws.title]
        # The header row repeated on every page of a table.
        if ws.print_title_rows:
            first, last = (int(n) for n in re.findall(r"\d+", ws.print_title_rows)[:2])
            heads = {t for r in range(first, last + 1) for c in ws[r] if c.value
                     and not ws.column_dimensions[c.column_letter].hidden
                     for t in tokens(c.value)}
            for n, page in enumerate(mine, start=1):
                assert heads <= page["tokens"], (kind, ws.title, n, heads - page["tokens"])
        # Nothing printed past the right margin: LibreOffice writes a title running past the
        # printed columns out to the page's edge and clips it there ("...(IDeA styl").
        # (A hidden column's text, as the form's ids, is written there too, unseen: such
        # sheets are left out.)
        edge = ws.page_margins.right * 72
        hidden = any(d.hidden for d in ws.column_dimensions.values())
        for n, page in enumerate([] if hidden else mine, start=1):
            over = [c["text"] for c in page["chars"] if MARGIN < c["top"] < page["height"] -
                    MARGIN and c["x1"] > page["width"] - edge + 2]
            assert not over, (kind, ws.title, n, "".join(over)[:40])
        # A sheet's title and subtitle whole, in order, on its first page: a title running
        # past the printed columns was cut at the page's edge ("...(IDeA styl").
        for ref in ("A1", "A2"):
            text = ws[ref].value
            if isinstance(text, str) and text.strip() and mine:
                assert " ".join(tokens(text)) in mine[0]["sequence"], (kind, ws.title, text)
        # Every text cell's words whole on one page of its sheet (within its print area).
        cut = []
        bounds = {}
        if ws.print_area:
            from openpyxl.utils.cell import range_boundaries
            ref = str(ws.print_area).split("!")[-1].replace("$", "")
            low_col, low_row, bounds["max_col"], bounds["max_row"] = range_boundaries(ref)
        for row in ws.iter_rows(**bounds):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if ws.column_dimensions[cell.column_letter].hidden:
                    continue
                words = set(tokens(cell.value))
                if words and not any(words <= page["tokens"] for page in mine):
                    cut.append(f"{cell.coordinate}: {cell.value[:50]!r}")
        assert not cut, (kind, ws.title, cut[:5], len(cut))


@pytest.mark.timeout(900)
def test_word_report_headings_keep_with_their_tables(tmp_path):
    docx = pytest.importorskip("docx", reason="reports need the 'reports' extra (python-docx)")
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    program = Path(SOFFICE).resolve().parent
    if program.name == "program" and not list(program.glob("*swlo*")):
        pytest.skip("LibreOffice Writer is not installed (libreoffice-writer-nogui)")
    ws = tmp_path / "ws"
    cli(ws, "demo", "--partnerships", "6", "--respondents", "4")
    code = re.findall(r"\bE\d{8}\b", cli(ws, "partnerships", "list", "--json"))[0]
    files = []
    for name, args in (("partnership", (code,)), ("national", ("--national",))):
        out = tmp_path / f"{name}.docx"
        cli(ws, "report", *args, "--out", str(tmp_path / f"{name}.html"), "--docx", str(out))
        files.append(out)
    pdfs = to_pdf(tmp_path / "profile", tmp_path / "pdf", *files)
    checked = 0
    for path, pdf_path in zip(files, pdfs):
        document = docx.Document(str(path))
        # Each heading followed (after its caption) by a table: (heading, the table's header).
        body = document.element.body
        # A heading's lead paragraphs (LEAD_KEPT at most) may come between it and the table.
        pairs, heading, caption, lead = [], None, None, 0
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                style = para.style.name if para.style is not None else ""
                if style.startswith("Heading") and para.text.strip():
                    assert para.paragraph_format.keep_with_next, para.text
                    heading, caption, lead = para.text.strip(), None, 0
                elif style == "Caption":
                    caption = para
                elif caption is None and heading and style == "Normal" and lead < 5:
                    lead += 1
                elif para.text.strip():
                    heading, caption = None, None
            elif tag == "tbl":
                table = Table(child, document)
                if caption is not None:  # a table's caption keeps with it
                    assert caption.paragraph_format.keep_with_next, caption.text
                    if heading:
                        pairs.append((heading, [c.text for c in table.rows[0].cells]))
                heading, caption = None, None
        assert pairs, path.name
        with pdfplumber.open(pdf_path) as pdf:
            pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in pdf.pages]
        flat = [" ".join(tokens(p)) for p in pages]
        # Columns wide enough for their words: every word of every table cell is printed
        # whole ("Risk assessment" broke mid-word in a narrow column).
        printed_words = {t for text in flat for t in text.split()}
        broken = {t for table in document.tables for row in table.rows for cell in row.cells
                  for t in tokens(cell.text)} - printed_words
        assert not broken, (path.name, sorted(broken)[:10])
        for heading, header in pairs:
            wanted = " ".join(tokens(heading))
            where = [n for n, text in enumerate(flat) if wanted in text]
            assert where, (path.name, heading)
            head_words = set(t for h in header for t in tokens(h))
            # On the heading's page (its last mention, not the contents list), the table's
            # header row.
            assert any(head_words <= set(flat[n].split()) for n in where), \
                (path.name, heading, header)
            checked += 1
    assert checked >= 5


@pytest.mark.timeout(1800)
def test_every_evidence_page_has_its_tables_header_row(printed):
    """A sheet of many tables repeats no header row, so the Evidence sheet cuts an area's
    measures that would run past a page into parts under a header row each: its Outcomes
    table ran on to a page with no header."""
    from stocktake.workbooks.evidence_sheet import COLUMNS

    _, pages = printed["partnership"]
    evidence = [p for p in pages if p["sheet"] == "Evidence"]
    assert len(evidence) >= 3
    heads = {t for c in COLUMNS for t in tokens(c)}
    for n, page in enumerate(evidence[1:], start=2):  # the first holds the sheet's notes
        assert heads <= page["tokens"], (n, heads - page["tokens"])
