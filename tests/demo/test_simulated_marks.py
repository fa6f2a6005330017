"""Issue 23 kind 5: every output made from `stocktake demo` answers says SIMULATED where a reader
cannot miss it. The first test walks the package for every module that writes a file for people
and fails when one is not listed here, with the command that proves its mark (or why it holds no
answers); the others run those commands on a real demo workspace and read each file back."""

from __future__ import annotations

import ast
import csv
import json
import os
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook

from stocktake.records.provenance import SIMULATED, SIMULATED_HEADER, SIMULATED_SENTENCE

from helpers.paths import PACKAGE

# The few functions every output file goes through (stocktake.files.output_files and the
# report writers); a module calling one writes a file for people.
FILE_WRITERS = {"write_output_bytes", "save_workbook_file", "save_workbook", "write_html",
                "write_docx", "atomic_write_bytes"}
# Each module that writes files for people: the test below that reads its mark back, or why it
# holds no answers. A new writer must be added here, and so be thought about.
WRITERS = {
    "stocktake.workbooks.exports": "test_exports_mark_every_row",
    "stocktake.analysis.data_files": "test_analysts_data_files_are_marked",
    "stocktake.analysis.codebook_files": "no answers: a bank's codebook (its variables and "
                                         "codes)",
    "stocktake.workbooks.partnership": "test_the_partnership_workbook_marks_every_sheet",
    "stocktake.workbooks.benchmark": "test_benchmark_and_national_workbooks_are_marked",
    "stocktake.national.workbook": "test_benchmark_and_national_workbooks_are_marked",
    "stocktake.workbooks.evidence_sheet": "test_the_evidence_workbook_is_marked",
    "stocktake.cli.report": "test_reports_are_marked_on_every_page",
    "stocktake.cli.merge": "test_benchmark_and_national_workbooks_are_marked",
    "stocktake.national.outputs": "test_benchmark_and_national_workbooks_are_marked",
    "stocktake.round.status_workbook": "no answers: the round's bookkeeping (who was asked, "
                                       "who returned, when), made before any answer exists",
    "stocktake.workbooks.forms.layout": "no answers: a blank form made from the bank",
    "stocktake.round.fieldwork": "no answers: the round's manifest and chase lists",
    "stocktake.cli.banks": "no answers: a bank written from an XLSForm",
    "stocktake.xlsform.export": "no answers: an XLSForm made from the bank",
}
# Where the writers themselves live, and the store's own files: not outputs for people.
NOT_OUTPUTS = {"stocktake.files.output_files", "stocktake.workbooks.styles",
               "stocktake.reports.html", "stocktake.reports.word", "stocktake.files.atomic"}


def _modules_writing_files() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if module.startswith("stocktake.store.") or module in NOT_OUTPUTS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in FILE_WRITERS:
                    found.add(module)
    return found


def test_every_module_that_writes_for_people_is_accounted_for():
    found = _modules_writing_files()
    unknown = sorted(found - set(WRITERS))
    assert not unknown, f"new writers: say how they mark simulated data in WRITERS: {unknown}"
    tested = {v for v in WRITERS.values() if v.startswith("test_")}
    assert tested <= set(globals()), "WRITERS names a test that does not exist"


def _stocktake_in(ws):
    """The real command on workspace `ws`, as a user runs it; each run must succeed."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws),
                               *map(str, args)], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    return run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Six simulated partnerships (enough to compare: the bank's min_count is 5), and the real
    command run as a user runs it."""
    root = tmp_path_factory.mktemp("sim")
    run = _stocktake_in(root / "ws")
    run("demo", "--partnerships", "6", "--respondents", "2")
    codes = [p["code"] for p in json.loads(run("partnerships", "list", "--json").stdout)]
    return run, root, codes


def _sheet_headers(wb) -> dict[str, str]:
    return {ws.title: ws.oddHeader.left.text or "" for ws in wb.worksheets
            if ws.sheet_state == "visible"}


def test_the_partnership_workbook_marks_every_sheet(demo):
    run, root, codes = demo
    # A Plan sheet too: its current levels and scores are the demo's (its header once was not
    # marked).
    run("plan", "add", codes[0], "--bank", "idea-stocktake", "--area", "risk", "--target",
        "Embedded", "--action", "Agree a joint risk plan", "--owner", "Head of safeguarding",
        "--due", "2027-03-31")
    run("export", codes[0], "--out", root / "x")
    sheets = set()
    for path in sorted((root / "x").glob("*.xlsx")):  # one workbook per wave
        wb = load_workbook(path)
        assert SIMULATED in wb.worksheets[0]["A1"].value
        headers = _sheet_headers(wb)
        assert headers and all(h.startswith(SIMULATED) for h in headers.values()), headers
        sheets.update(headers)
    assert "Plan" in sheets


def test_exports_mark_every_row(demo):
    run, root, codes = demo
    run("export", codes[0], "--format", "csv", "--out", root / "csv")
    for path in (root / "csv").glob("*.csv"):
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        assert rows and {r["simulated"] for r in rows} == {"yes"}, path.name
    run("export", codes[0], "--format", "json", "--out", root / "json")
    for path in (root / "json").glob("*.json"):
        rows = json.loads(path.read_text(encoding="utf-8"))
        assert rows and all(r["simulated"] is True for r in rows), path.name
    scores = json.loads(run("scores", codes[0], "--json").stdout)
    assert scores["simulated"] is True
    assert json.loads(run("benchmark", "--json").stdout)["simulated"] is True


def test_analysts_data_files_are_marked(demo):
    """Issue 29: a `simulated` variable in every row and SIMULATED in the file label."""
    pq = pytest.importorskip("pyarrow.parquet", reason="data files need the 'analysis' extra")
    pyreadstat = pytest.importorskip("pyreadstat", reason="needs the 'analysis' extra")
    run, root, codes = demo
    run("export", "--all", "--format", "parquet", "--out", root / "parquet")
    run("export", "--all", "--format", "spss", "--out", root / "sav")
    tables = sorted((root / "parquet").glob("*.parquet"))
    assert len(tables) == 8  # two waves, four tables each
    for path in tables:
        table = pq.read_table(path)
        assert set(table.column("simulated").to_pylist()) == {1}, path.name
        assert json.loads(table.schema.metadata[b"stocktake"])["label"].startswith(SIMULATED)
    for path in sorted((root / "sav").glob("*.sav")):
        data, meta = pyreadstat.read_sav(path, output_format="dict")
        assert set(data["simulated"]) == {1.0} and meta.file_label.startswith(SIMULATED)
    run("export", "--all", "--out", root / "for-data")
    merged = run("merge", root / "for-data", "--out", root / "n.xlsx", "--data", root / "data")
    # The terminal says so too, as `export --format` does.
    said = [line for line in merged.stdout.splitlines() if line.startswith("Wrote the ")]
    assert len(said) == 2 and all("respondents, SIMULATED)" in line for line in said), said
    for path in sorted((root / "data").glob("*.csv")):
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        assert rows and {r["simulated"] for r in rows} == {"1"}, path.name


def test_benchmark_and_national_workbooks_are_marked(demo):
    run, root, codes = demo
    run("benchmark", "--xlsx", root / "bench.xlsx")
    run("export", "--all", "--out", root / "returns")
    # --expect adds the Returns sheet, whose page header once went unmarked.
    run("merge", root / "returns", "--out", root / "national.xlsx", "--report",
        root / "national.html", "--expect", "all")
    # The demo answers two waves: one national workbook (and report) for each.
    for name in ("bench.xlsx", "national-idea-stocktake-2026-27.xlsx",
                 "national-idea-stocktake-2025-26.xlsx"):
        wb = load_workbook(root / name)
        contents = {r[0]: r[1] for r in wb["Contents"].iter_rows(values_only=True) if r[0]}
        assert contents["Simulated"].startswith("Every answer here was invented"), name
        headers = _sheet_headers(wb)
        assert all(h.startswith(SIMULATED) for h in headers.values()), (name, headers)
        if name.startswith("national"):
            assert "Returns" in headers, (name, list(headers))
    html = (root / "national-idea-stocktake-2026-27.html").read_text(encoding="utf-8")
    assert SIMULATED_HEADER in html and SIMULATED_SENTENCE.split(".")[0] in html


def test_the_evidence_workbook_is_marked(demo):
    run, root, codes = demo
    run("evidence", codes[0], "--xlsx", root / "evidence.xlsx")
    wb = load_workbook(root / "evidence.xlsx")
    assert wb.worksheets[0]["A1"].value.startswith(SIMULATED)
    assert _sheet_headers(wb)["Evidence"].startswith(SIMULATED)


def test_reports_are_marked_on_every_page(demo):
    pytest.importorskip("docx", reason="reports need the 'reports' extra")
    run, root, codes = demo
    run("report", codes[0], "--out", root / "r.html", "--docx", root / "r.docx")
    run("report", "--national", "--out", root / "n.html", "--docx", root / "n.docx")
    for name in ("r.html", "n.html"):
        html = (root / name).read_text(encoding="utf-8")
        # The first thing on the page, and the header of every printed page.
        body = html.split("<body>", 1)[1]
        assert body.lstrip().startswith('<header class="cover">\n<p class="marking"') or \
            body.index('class="marking"') < body.index("<h1>"), name
        assert f'@top-center {{ content: "{SIMULATED_HEADER}"' in html, name
    for name in ("r.docx", "n.docx"):
        with zipfile.ZipFile(root / name) as z:
            headers = [z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("word/header")]
        assert any(SIMULATED_HEADER in h for h in headers), name


def test_no_name_or_job_title_leaves_the_workspace(demo):
    # Issue 23 kind 8: the demo holds its respondents under job titles ("Director of children's
    # services (council)"); a post held by one person names them, so no file made for sharing
    # carries one. Read after the other tests of this module have written their files.
    from stocktake.store.workspace import Workspace

    run, root, codes = demo
    run("report", codes[0], "--out", root / "titles.html", "--docx", root / "titles.docx")
    run("export", codes[0], "--out", root / "titles", "--format", "csv")
    run("export", "--all", "--out", root / "titles-x")
    run("merge", root / "titles-x", "--out", root / "titles-national.xlsx")
    held = {r.key.respondent for code in codes for r in Workspace.open(root / "ws").responses(code)}
    held = {h for h in held if not h.startswith(("YP-", "PC-"))}  # references name nobody
    assert any("(council)" in h for h in held)  # the demo does hold job titles
    texts = [(root / "titles.html").read_text(encoding="utf-8")]
    with zipfile.ZipFile(root / "titles.docx") as z:
        texts.append(z.read("word/document.xml").decode("utf-8"))
    texts += [p.read_text(encoding="utf-8-sig") for p in (root / "titles").glob("*.csv")]
    for path in [*(root / "titles-x").glob("*.xlsx"), *root.glob("titles-national*.xlsx")]:
        wb = load_workbook(path)
        texts.append("\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(
            values_only=True) for c in row if c is not None))
    from html import escape

    for title in held:
        for text in texts:
            assert title not in text and escape(title) not in text, title


def test_every_terminal_screen_of_demo_answers_opens_with_simulated(demo):
    """The first screen, too: a table of invented answers read in the terminal (or pasted into
    an e-mail) says SIMULATED on its first line, and its JSON says `simulated`."""
    run, root, codes = demo
    for args in (("scores", codes[0]), ("scores", codes[0], "--by-role"), ("benchmark",),
                 ("benchmark", "--neighbours"),
                 ("trend", codes[0], "--from", "2025-26", "--to", "2026-27"),
                 ("answers", codes[0], "--wave", "2026-27")):
        first = run(*args).stdout.splitlines()[0]
        assert first == SIMULATED_HEADER, (args, first)
    trend = json.loads(run("trend", codes[0], "--from", "2025-26", "--to", "2026-27",
                           "--json").stdout)
    assert trend["simulated"] is True
    # Who stands behind each wave's figures, beside the change.
    out = run("trend", codes[0], "--from", "2025-26", "--to", "2026-27").stdout
    said = [f"{wave}: {trend['respondents'][end]} respondent"
            + "s" * (trend["respondents"][end] != 1)
            + ("" if trend["quorum"][end] else " (not a partnership view)")
            for wave, end in (("2025-26", "from"), ("2026-27", "to"))]
    assert " · ".join(said) in " ".join(out.split()), out


@pytest.fixture(scope="module")
def mixed(demo, tmp_path_factory):
    """A real partnership (Camden, three partners answering by hand) added to the demo's six."""
    run, root, codes = demo
    ws = tmp_path_factory.mktemp("mixed") / "ws"
    import shutil

    shutil.copytree(root / "ws", ws)
    run_mixed = _stocktake_in(ws)
    bank = json.loads(run_mixed("banks", "show", "idea-stocktake", "--json").stdout)
    run_mixed("partnerships", "add", "E09000007")
    values = {"scale": lambda q: "3", "yesno": lambda q: "yes",
              "choice": lambda q: q["options"][-1]["id"], "multi": lambda q: q["options"][0]["id"],
              "number": lambda q: str(q.get("min") or 1), "text": lambda q: "Minutes"}
    for role in ("council", "health", "schools"):
        rows = ["question,value,evidence"] + [
            f"{q['id']},{values[q['type']](q)}," for q in bank["questions"]
            if role in q["roles"] and q["type"] in values]
        path = ws.parent / f"{role}.csv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        run_mixed("interview", "E09000007", "--bank", "idea-stocktake", "--wave", "2026-27",
                  "--role", role, "--respondent", f"{role} lead", "--answers", path)
    return run_mixed, ws.parent


def test_a_real_partnership_compared_with_simulated_ones_says_so_everywhere(mixed):
    """Its own answers are real, so not SIMULATED; the round it is placed in is six-sevenths
    invented, and the terminal, the report (first screen and every printed page) and the
    workbook (first sheet and print header) say so."""
    from stocktake.records.provenance import COMPARED_HEADER, compared_sentence

    run, root = mixed
    out = run("scores", "E09000007", "--wave", "2026-27").stdout
    assert out.splitlines()[0] == COMPARED_HEADER
    assert "6 of the 7 partnerships in this comparison were" in " ".join(out.split())
    assert SIMULATED_HEADER not in out
    run("report", "E09000007", "--wave", "2026-27", "--out", root / "r.html", "--docx",
        root / "r.docx")
    html = (root / "r.html").read_text(encoding="utf-8")
    assert f'@top-center {{ content: "{COMPARED_HEADER}"' in html
    assert compared_sentence(6, 7) in html.replace("&#x27;", "'").replace("&rsquo;", "\u2019")
    with zipfile.ZipFile(root / "r.docx") as z:
        headers = [z.read(n).decode("utf-8") for n in z.namelist()
                   if n.startswith("word/header")]
    assert any(COMPARED_HEADER in h for h in headers)
    run("export", "E09000007", "--wave", "2026-27", "--out", root / "x")
    wb = load_workbook(next((root / "x").glob("*.xlsx")))
    assert COMPARED_HEADER in wb["Summary"]["A1"].value
    assert "6 of the 7 partnerships it is compared with are simulated" in \
        wb["Summary"]["A2"].value
    assert COMPARED_HEADER in wb["Summary"].oddHeader.left.text


def test_the_word_report_says_who_made_it_and_when(demo):
    pytest.importorskip("docx", reason="reports need the 'reports' extra")
    import datetime

    import docx

    run, root, codes = demo
    run("report", codes[0], "--out", root / "p.html", "--docx", root / "p.docx")
    props = docx.Document(str(root / "p.docx")).core_properties
    assert props.author == props.last_modified_by == "stocktake"
    assert "python-docx" not in (props.comments or "")
    now = datetime.datetime.now(datetime.timezone.utc)
    for when in (props.created, props.modified):
        assert abs((when.replace(tzinfo=datetime.timezone.utc) - now).total_seconds()) < 600


def test_a_round_partly_invented_is_said_so_not_all_invented(mixed):
    """The national report and the benchmark workbook of a round holding one real partnership
    among six simulated say the comparison is partly invented; "every answer here was
    invented" would be untrue of the real one."""
    from stocktake.records.provenance import COMPARED_HEADER, compared_sentence

    run, root = mixed
    run("report", "--national", "--wave", "2026-27", "--out", root / "n.html")
    html = (root / "n.html").read_text(encoding="utf-8")
    assert f'@top-center {{ content: "{COMPARED_HEADER}"' in html
    assert "6 of the 7 partnerships in this comparison were invented" in html
    assert "every answer here was invented" not in html.lower()
    run("benchmark", "--wave", "2026-27", "--xlsx", root / "b.xlsx")
    contents = load_workbook(root / "b.xlsx")["Contents"]
    cells = [v for row in contents.iter_rows(values_only=True) for v in row if v]
    assert cells[0].startswith(COMPARED_HEADER)
    assert compared_sentence(6, 7) in cells
    assert contents.oddHeader.left.text.startswith(COMPARED_HEADER)


def test_evidence_beside_invented_answers_says_simulated(demo):
    run, root, codes = demo
    out = run("evidence", codes[0], "--bank", "idea-stocktake", "--wave", "2026-27").stdout
    assert out.splitlines()[0] == SIMULATED_HEADER
    shown = json.loads(run("evidence", codes[0], "--bank", "idea-stocktake", "--wave",
                           "2026-27", "--json").stdout)
    assert shown["simulated"] is True
