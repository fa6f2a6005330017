"""Real LibreOffice: our workbooks convert to PDF, and survive being re-saved by it.

Each run uses a LibreOffice profile of its own (-env:UserInstallation), so a stale or parallel
profile cannot hang it, and every call has a timeout.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import find_bank
from stocktake.demo.simulation import simulate_demo, write_demo
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.scoring.national import national_benchmark
from stocktake.partnerships.model import partnership_for
from stocktake.scoring.method import score_partnership
from stocktake.workbooks.benchmark import write_benchmark_workbook
from stocktake.workbooks.forms import ANSWER_COLUMN, ID_COLUMN, create_form, read_form

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                                         "installed")]
WAVE = "2026-27"
TIMEOUT = 180


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lo-profile")


def soffice(profile: Path, convert_to: str, out: Path, *files: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", convert_to, "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    for f in files:
        assert (out / f"{f.stem}.{convert_to.split(':')[0]}").exists(), done.stdout + done.stderr


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Three partnerships answering the IDeA bank, exported, with the benchmark workbook."""
    from stocktake.store.workspace import Workspace

    root = tmp_path_factory.mktemp("national")
    ws = Workspace.open(root / "ws")
    bank = find_bank("idea-stocktake")
    demo = simulate_demo(bank, WAVE, random.Random(7), partnerships=3, respondents=5)
    write_demo(ws, demo)
    codes = [p.partnership.code for p in demo.partnerships]
    bench = national_benchmark(ws, bank, WAVE)
    exports = [write_export(gather_export(ws, bank, code, WAVE, national=bench, with_names=True), "xlsx",
                            root / "exports")[0] for code in codes]
    benchmark = write_benchmark_workbook(root / "benchmark.xlsx", bench, bank,
                                         {p.code: p for p in ws.partnerships()})
    return ws, bank, root, exports, benchmark


def test_partnership_and_benchmark_workbooks_convert_to_pdf(national, profile):
    _, _, root, exports, benchmark = national
    soffice(profile, "pdf", root / "pdf", exports[0], benchmark)
    for name in (exports[0].stem, benchmark.stem):
        pdf = root / "pdf" / f"{name}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(root / "pdf" / f"{exports[0].stem}.pdf")],
                              capture_output=True, text=True, timeout=60).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines()
                         if line.startswith("Pages:")))
        assert pages >= 3  # summary, charts, answers


def test_workbook_resaved_by_libreoffice_merges_with_the_workspaces_scores(national, profile,
                                                                           tmp_path):
    ws, bank, root, exports, _ = national
    soffice(profile, "xlsx", tmp_path / "resaved", *exports[:2])
    resaved = sorted((tmp_path / "resaved").glob("*.xlsx"))
    result = merge_workbooks([*resaved, exports[2]], tmp_path / "national.xlsx")
    assert result.rejected == [], result.rejected
    for wb in result.merged:
        code = wb.partnership.code
        assert wb.scores == score_partnership(bank, ws.responses(code), ws.moderations(code),
                                              partnership=code, wave=WAVE)
        assert sorted(wb.responses, key=lambda r: r.key.respondent) == \
            sorted(ws.responses(code), key=lambda r: r.key.respondent)


def test_answer_edited_then_resaved_by_libreoffice_is_refused(national, profile, tmp_path):
    _, _, _, exports, _ = national
    edited = tmp_path / exports[0].name
    wb = load_workbook(exports[0])
    row = next(r for r in wb["Answers"].iter_rows(min_row=2) if isinstance(r[6].value, int))
    row[6].value = 1 if row[6].value != 1 else 2
    wb.save(edited)
    soffice(profile, "xlsx", tmp_path / "resaved", edited)
    result = merge_workbooks([tmp_path / "resaved" / edited.name], tmp_path / "n.xlsx")
    assert "edited after export" in result.rejected[0].reason


def test_form_filled_and_resaved_by_libreoffice_imports_the_answers_filled(profile, tmp_path):
    bank = find_bank("idea-stocktake")
    form = create_form(tmp_path / "form.xlsx", bank, partnership_for("E09000007"), "council",
                       WAVE, "Jo Bloggs")
    wb = load_workbook(form)
    ws = wb["Form"]
    filled: dict[str, object] = {}
    for row in range(1, ws.max_row + 1):
        qid = ws.cell(row, ID_COLUMN).value
        if not qid or qid == "id":
            continue
        q = bank.question(qid)
        text = {"scale": lambda: f"2 - {q.levels[1]}"[:60],
                "choice": lambda: q.options[-1].label, "yesno": lambda: "Yes",
                "multi": lambda: ";".join(o.id for o in q.options[:2]),
                "number": lambda: 12.5 if q.max is None or q.max >= 12.5 else q.max,
                "text": lambda: "Shared data"}[q.type]()
        ws.cell(row, ANSWER_COLUMN).value = text
        filled[qid] = text
    wb.save(form)
    soffice(profile, "xlsx", tmp_path / "resaved", form)
    direct = read_form(form)
    resaved = read_form(tmp_path / "resaved" / form.name)
    assert len(direct.answers) == len(filled)
    assert direct.answers == resaved.answers
    by_id = {a.question: a for a in resaved.answers}
    for qid, text in filled.items():
        q = bank.question(qid)
        if q.type == "scale":
            assert by_id[qid].value == 2
        elif q.type == "choice":
            assert by_id[qid].value == q.options[-1].id
        elif q.type == "multi":
            assert by_id[qid].value == [o.id for o in q.options[:2]]
