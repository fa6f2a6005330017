"""A score reads as its published value (2 decimals) wherever it leaves stocktake.

The case: 100 x 6/11 = 54.5454..., published 54.55. Rounded raw to one decimal it read 54.5
beside a median (of the published scores) of 54.55 that reads 54.6; the workbook cells held the
raw float, and the partnership at the median was -0.0045 from it. Every output now holds
54.55 and shows 54.6, and the partnership at the median is 0.0 from it.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.arithmetic.precision import fixed, fixed_score, published
from stocktake.arithmetic.spreadsheet_stats import quartile_inc
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey

WAVE = "2026-27"
LOW, AT, HIGH = "E09000001", "E09000007", "E09000033"  # all London: one region mean
RAW = 100 * 6 / 11  # AT's vision score: 54.5454...


def _bank_text() -> str:
    lines = ['id = "fine"', 'title = "Fine"', 'version = "1"', 'description = "Fine."',
             "min_count = 1", "[[roles]]", 'id = "council"', 'title = "Council"',
             "[[areas]]", 'id = "vision"', 'title = "Vision"',
             "[[areas]]", 'id = "risk"', 'title = "Risk"']
    for qid, area, levels in (("vision.q", "vision", 12), ("risk.q", "risk", 4)):
        options = ", ".join(f'{{ id = "o{n}", label = "Option {n}", score = {n - 1} }}'
                            for n in range(1, levels + 1))
        lines += ["[[questions]]", f'id = "{qid}"', f'area = "{area}"', 'type = "choice"',
                  'text = "How far?"', f"options = [{options}]"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def round_of_three(workspace, tmp_path, monkeypatch):
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "fine.toml").write_text(_bank_text(), encoding="utf-8")
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(banks))
    workspace.add_partnerships([partnership_for(c) for c in (LOW, AT, HIGH)])
    # vision: 1/11, 6/11 (the median), 11/11; risk: 2/3 each (66.666...)
    for code, vision in ((LOW, 2), (AT, 7), (HIGH, 12)):
        answers = {"vision.q": Answer("vision.q", ANSWERED, f"o{vision}"),
                   "risk.q": Answer("risk.q", ANSWERED, "o3")}
        workspace.write_responses(code, [Response(ResponseKey(code, "fine", WAVE, "R1"),
                                                  "council", answers=answers)])
    return workspace


def _bank_args() -> tuple[str, ...]:
    return ("--bank", "fine", "--wave", WAVE)


def test_the_case_is_one_that_rounded_two_ways():
    assert published(RAW) == 54.55
    assert fixed(RAW) == "54.5"  # the raw value to one decimal: what was shown
    assert fixed_score(RAW) == "54.6" == fixed(54.55)  # its published value: what is now


def test_scores_table_and_json_read_the_published_value(cli, round_of_three):
    shown = cli("scores", AT, *_bank_args())
    assert shown.exit_code == 0, shown.output
    vision = next(line for line in shown.stdout.splitlines() if line.lstrip().startswith("Vision"))
    assert " 54.6 " in vision and "54.5" not in vision
    data = json.loads(cli("scores", AT, *_bank_args(), "--json").stdout)
    area = {a["id"]: a for a in data["areas"]}
    assert area["vision"]["score"] == 54.55 and area["risk"]["score"] == 66.67


def test_benchmark_median_reads_as_the_score_at_it(cli, round_of_three):
    shown = cli("benchmark", *_bank_args())
    assert shown.exit_code == 0, shown.output
    vision = next(line for line in shown.stdout.splitlines() if line.lstrip().startswith("Vision"))
    assert vision.split()[-2:] == ["54.6", "54.6"]  # median 54.55 and mean 54.5454...
    data = json.loads(cli("benchmark", *_bank_args(), "--json").stdout)
    distribution = next(a for a in data["areas"] if a["id"] == "vision")
    assert distribution["median"] == 54.55
    at = next(p for p in data["positions"] if p["partnership"] == AT and p["area"] == "vision")
    assert at["score"] == 54.55 and at["vs_median"] == 0.0 and at["vs_region"] == 0.0


def _report_text(path: Path) -> tuple[str, list[str]]:
    page = path.read_text(encoding="utf-8")
    rows = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "|", m)))
            for m in re.findall(r"<tr>(.*?)</tr>", page, re.S)]
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return text, rows


def test_report_sentence_and_table_agree_with_the_median(cli, round_of_three, tmp_path):
    out = tmp_path / "r.html"
    result = cli("report", AT, *_bank_args(), "--out", str(out))
    assert result.exit_code == 0, result.output
    text, rows = _report_text(out)
    assert ("a score of 54.6. That is at the median of the 3 partnerships in this round with "
            "a score here (54.6).") in text
    row = next(r for r in rows if "|Vision|" in r and "Median" not in r and "(3)" in r)
    cells = [c.strip() for c in row.split("|") if c.strip()]
    assert cells[1] == "54.6" and cells[3] == "54.6 (3)", cells
    assert "54.5" not in text


def _cells(path: Path, sheet: str) -> list[tuple]:
    return [tuple(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]


def _scores_sheet(path: Path) -> list[dict]:
    rows = _cells(path, "Scores")
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_partnership_workbook_cells_hold_published_scores(cli, round_of_three, tmp_path):
    result = cli("export", AT, *_bank_args(), "--out", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    book = next((tmp_path / "x").glob("*.xlsx"))
    summary = next(r for r in _cells(book, "Summary") if r[0] == "Vision")
    assert summary[1] == 54.55  # Score
    assert 54.55 in summary[2:]  # the national median beside it, the same number
    assert all(not isinstance(v, float) or published(v) == v for v in summary)
    by_partner = next(r for r in _cells(book, "By partner") if r[0] == "Vision")
    assert by_partner[1] == 54.55 and by_partner[2] == 54.55
    answers = _cells(book, "Answers")
    score = answers[0].index("score")
    # A question's score is an input, kept exact: the analysts' files recompute each area
    # score from them and must reach the published figure (issue 29).
    assert sorted({published(r[score]) for r in answers[1:]}) == [54.55, 66.67]
    assert all(published(r[score]) != r[score] for r in answers[1:])  # not rounded


def test_export_csv_scores_are_published(cli, round_of_three, tmp_path):
    result = cli("export", AT, *_bank_args(), "--format", "csv", "--out", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    scores = next((tmp_path / "c").glob("*-scores.csv"))
    rows = {r["area"]: r for r in csv.DictReader(scores.open(encoding="utf-8-sig"))}
    assert rows["risk"]["score"] == "66.67" and rows["vision"]["score"] == "54.55"
    assert rows["vision"]["national_median"] == "54.55"
    assert rows["overall"]["score"] == "60.61"  # (54.5454... + 66.666...) / 2 = 60.606...
    answers = next(p for p in (tmp_path / "c").glob("*.csv") if not p.name.endswith("-scores.csv"))
    # Question scores are inputs, kept to the CSV's six decimals, so an analyst's mean of
    # them reaches the published area score.
    assert {r["score"] for r in csv.DictReader(answers.open(encoding="utf-8-sig"))} == \
        {"54.545455", "66.666667"}


def test_benchmark_workbook_at_the_median_is_zero_from_it(cli, round_of_three, tmp_path):
    book = tmp_path / "b.xlsx"
    result = cli("benchmark", *_bank_args(), "--xlsx", str(book))
    assert result.exit_code == 0, result.output
    rows = _scores_sheet(book)
    at = next(r for r in rows if r["partnership"] == AT and r["area"] == "vision")
    assert at["score"] == 54.55 and at["vs_median"] == 0 and at["vs_region"] == 0
    # A spreadsheet's QUARTILE.INC over the Scores cells gives the quartiles stocktake reports.
    cells = [r["score"] for r in rows if r["area"] == "vision"]
    distribution = next(r for r in _cells(book, "Distribution") if r[0] == "Vision")
    # (at the 15 significant digits a spreadsheet works in)
    assert [float(f"{v:.15g}") for v in distribution[2:7]] == \
        [float(f"{quartile_inc(cells, k):.15g}") for k in range(5)]
    assert distribution[4] == 54.55 and distribution[7] == 54.55  # median; mean published
    matrix = _cells(book, "Matrix")
    assert 54.55 in next(r for r in matrix if r[0] == AT)
    region = next(r for r in _cells(book, "Regions") if r[0] == "London")
    assert region[2] == 54.55


def test_national_workbook_at_the_median_is_zero_from_it(cli, round_of_three, tmp_path):
    returned = tmp_path / "ret"
    result = cli("export", "--all", *_bank_args(), "--out", str(returned))
    assert result.exit_code == 0, result.output
    national = tmp_path / "nat.xlsx"
    result = cli("merge", str(returned), "--out", str(national))
    assert result.exit_code == 0, result.output
    books = [national] if national.exists() else sorted(tmp_path.glob("nat*.xlsx"))
    rows = _scores_sheet(books[0])
    at = next(r for r in rows if r["partnership"] == AT and r["area"] == "vision")
    assert at["score"] == 54.55 and at["vs_median"] == 0
    assert all(published(r["score"]) == r["score"] for r in rows if r["score"] is not None)
