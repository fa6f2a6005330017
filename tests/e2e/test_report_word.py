"""The Word reports as councils will use them: the .docx written by `stocktake report --docx`
read back by python-docx (real headings, repeating table headers, alt text, properties, the same
content as the HTML page), then opened by LibreOffice and converted to PDF, which must be A4,
hold every heading, set no text below 9 pt, and carry the long plan's header onto each page it
runs onto without splitting a row.

The PDFs are left in the test's tmp folder (pytest --basetemp=DIR keeps them).
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import browser  # the demo workspace and reading PDFs back
from helpers.libreoffice import SOFFICE


def _writer_missing() -> str | None:
    if SOFFICE is None:
        return ("LibreOffice (soffice) is not installed (Debian: apt-get install "
                "libreoffice-writer-nogui)")
    program = Path(SOFFICE).resolve().parent
    # Debian splits LibreOffice by application: Calc alone cannot open a .docx.
    if program.name == "program" and not list(program.glob("*swlo*")):
        return "LibreOffice Writer is not installed (Debian: apt-get install " \
               "libreoffice-writer-nogui)"
    return None


pytestmark = pytest.mark.slow
# Only the tests that open the file in LibreOffice need it; python-docx's reading runs anyway.
needs_writer = pytest.mark.skipif(_writer_missing() is not None, reason=_writer_missing() or "")
pytest.importorskip("docx", reason="reports need the 'reports' extra (python-docx)")

REPORTS = ("partnership", "national")
TIMEOUT = 180
A4_PT = (595.3, 841.9)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    return browser.build_reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def converted(reports, tmp_path_factory) -> dict:
    """Both .docx files converted to PDF by LibreOffice in one run, with a profile of its own
    (so a parallel or stale LibreOffice cannot hang it); per report the PDF's pages as
    {"width", "height", "words", "text", "smallest" (font size in pt)}."""
    pdfplumber = pytest.importorskip("pdfplumber")
    profile = tmp_path_factory.mktemp("lo-profile")
    out = tmp_path_factory.mktemp("word-pdf")
    files = [reports["docx"][r] for r in REPORTS]
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    pages = {}
    for report, docx in zip(REPORTS, files):
        pdf_path = out / f"{docx.stem}.pdf"
        assert pdf_path.exists(), f"LibreOffice wrote no PDF for {docx.name}: {done.stdout}"
        with pdfplumber.open(pdf_path) as pdf:
            pages[report] = [{"width": p.width, "height": p.height,
                              "words": p.extract_words(), "text": p.extract_text() or "",
                              "smallest": min((c["size"] for c in p.chars
                                               if c["text"].strip()), default=None)}
                             for p in pdf.pages]
    return pages


class _Outline(HTMLParser):
    """The HTML page's headings (level, text), table headers, and chart titles, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.tables: list[list[str]] = []
        self.titles: list[str] = []
        self.captions: list[str] = []
        self._into: list | None = None
        self._text: list[str] = []
        self._in_thead = False
        self._in_nav = False

    def handle_starttag(self, tag, attrs):
        if tag == "nav":
            self._in_nav = True
        elif tag == "thead":
            self._in_thead = True
            self.tables.append([])
        elif (re.fullmatch(r"h[1-6]", tag) or tag in ("title", "caption")
              or (tag == "th" and self._in_thead)):
            self._text = []
            self._into = [tag]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "thead":
            self._in_thead = False
        elif self._into and tag == self._into[0]:
            text = " ".join("".join(self._text).split())
            if tag == "th":
                self.tables[-1].append(text)
            elif tag == "title":
                self.titles.append(text)
            elif tag == "caption":
                self.captions.append(text)
            elif not self._in_nav:  # the contents list is not in the Word document
                self.headings.append((int(tag[1]), text))
            self._into = None

    def handle_data(self, data):
        if self._into is not None:
            self._text.append(data)


def outline(html: Path) -> _Outline:
    parser = _Outline()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def word(reports, report):
    from docx import Document

    return Document(reports["docx"][report])


def body_items(document):
    """Paragraphs and tables in the order they stand in the document body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == f"{W}p":
            yield Paragraph(child, document)
        elif child.tag == f"{W}tbl":
            yield Table(child, document)


def heading_level(paragraph) -> int | None:
    name = paragraph.style.name
    if name == "Title":
        return 0
    match = re.fullmatch(r"Heading (\d)", name)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("report", REPORTS)
def test_word_headings_use_heading_styles_in_order_as_on_the_page(report, reports):
    headings = [(heading_level(p), p.text) for p in word(reports, report).paragraphs
                if heading_level(p) is not None]
    levels = [level for level, _ in headings]
    assert levels[0] == 0 and levels.count(0) == 1, headings
    for (before, _), (level, text) in zip(headings, headings[1:]):
        assert 1 <= level <= before + 1, f"level {before} then {level} ({text!r})"
    # The page's h1 is the Word title; its h2 sections are Heading 1, and so on.
    page = outline(reports[report])
    assert [(level + 1, text) for level, text in headings] == page.headings


@pytest.mark.parametrize("report", REPORTS)
def test_word_tables_mark_their_first_row_as_the_header_repeated_on_each_page(report,
                                                                              reports):
    from docx.table import Table

    items = list(body_items(word(reports, report)))
    first_heading = next(n for n, item in enumerate(items)
                         if not isinstance(item, Table) and heading_level(item) == 1)
    # Tables before the first section are the cover's label/value list, which has no header.
    tables = [item for item in items[first_heading:] if isinstance(item, Table)]
    page = outline(reports[report])
    assert len(tables) == len(page.tables) >= 1
    for table, header in zip(tables, page.tables):
        rows = table._tbl.tr_lst
        repeat = rows[0].find(f"{W}trPr/{W}tblHeader")
        assert repeat is not None and repeat.get(f"{W}val", "true") in ("true", "1", "on")
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
        assert [c.text for c in table.rows[0].cells] == header


@pytest.mark.parametrize("report", REPORTS)
def test_word_charts_carry_the_same_alt_text_as_the_page(report, reports):
    document = word(reports, report)
    alts = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    page_alts = outline(reports[report]).titles[1:]  # [0] is the page's <title>
    assert alts and alts == page_alts
    assert all(len(alt) > 40 and any(ch.isdigit() for ch in alt) for alt in alts), alts


@pytest.mark.parametrize("report", REPORTS)
def test_word_core_properties_name_the_report_and_its_author(report, reports):
    props = word(reports, report).core_properties
    assert props.title == outline(reports[report]).titles[0]
    assert props.author.strip()
    assert props.language == "en-GB"
    if report == "partnership":
        assert reports["name"] in props.title


@needs_writer
@pytest.mark.parametrize("report", REPORTS)
def test_libreoffice_converts_the_word_report_to_a4_pages_holding_every_heading(
        report, reports, converted):
    pages = converted[report]
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert (page["width"], page["height"]) == pytest.approx(A4_PT, abs=1.5), number
    # A heading may wrap after a hyphen ("2005-" / "06"), which the text gives as "2005- 06".
    text = " ".join(" ".join(p["text"] for p in pages).split()).replace("- ", "-")
    headings = [p.text for p in word(reports, report).paragraphs
                if heading_level(p) is not None]
    missing = [h for h in headings if " ".join(h.split()) not in text]
    assert missing == [], f"not in LibreOffice's PDF: {missing}"
    if report == "partnership":
        assert reports["name"] in text and reports["code"] in text


@needs_writer
@pytest.mark.parametrize("report", REPORTS)
def test_every_printed_page_is_numbered_of_the_whole_under_the_reports_title(report, reports,
                                                                           converted):
    """A report left with a partnership is handed round loose: each page says whose it is and
    where it stands (Word's PAGE and NUMPAGES fields, filled in by LibreOffice here)."""
    pages = converted[report]
    title = word(reports, report).core_properties.title
    for number, page in enumerate(pages, 1):
        text = " ".join(page["text"].split())
        assert text.endswith(f"{title} - page {number} of {len(pages)}"), (number, text[-120:])


@needs_writer
@pytest.mark.parametrize("report", REPORTS)
def test_libreoffice_sets_no_text_below_9_pt(report, converted):
    assert any(p["smallest"] is not None for p in converted[report]), "no text on any page"
    small = {n: round(p["smallest"], 1) for n, p in enumerate(converted[report], 1)
             if p["smallest"] is not None and p["smallest"] < 8.95}
    assert small == {}, f"pages with text below 9 pt (page: size): {small}"


@needs_writer
def test_libreoffice_repeats_the_long_plans_header_and_splits_no_row_across_pages(reports,
                                                                                 converted):
    page = outline(reports["partnership"])
    caption, header = page.captions[-1].split(), page.tables[-1]
    assert header[:3] == ["Area", "Now", "Target"], header  # the plan is the last table
    pages, below = [], None
    for number, pdf_page in enumerate(converted["partnership"], 1):
        lines = browser.text_lines(pdf_page["words"])
        if below is None:  # the plan starts under its caption; the area sections quote it too
            below = next((top for top, line in lines if line == caption), None)
            if below is None:
                continue
        rows = [w["top"] for w in pdf_page["words"] if w["text"] == "Step" and w["top"] > below]
        below = -1.0
        if not rows:
            continue
        pages.append(number)
        above = [line for top, line in lines if top < min(rows) - 1]
        assert header in above, f"page {number}: the plan's rows have no header above them"
        split = above[len(above) - above[::-1].index(header):]
        assert split == [], (f"page {number}: between the header and the first row stands "
                             f"{split}, the end of a row split across pages")
    assert len(pages) >= 2, f"the plan's rows are on pages {pages} only"


@needs_writer
@pytest.mark.parametrize("report", REPORTS)
def test_a_quote_is_kept_with_who_said_it(report, reports):
    paragraphs = word(reports, report).paragraphs
    quotes = [i for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    if report == "partnership":
        assert quotes, "the demo's partnership report quotes its evidence"
    for i in quotes:
        assert paragraphs[i].paragraph_format.keep_with_next, paragraphs[i].text[:40]
        assert paragraphs[i + 1].text.startswith("- "), paragraphs[i + 1].text[:40]
