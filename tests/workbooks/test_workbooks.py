"""Partnership and benchmark workbooks, written for real and read back with openpyxl."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from stocktake.arithmetic.precision import published
from openpyxl import load_workbook

from stocktake.workbooks.columns import ANSWER_COLUMNS
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.partnerships.model import Partnership, partnership_for
from stocktake.records.responses import (DONT_KNOW, NOT_APPLICABLE, Answer, Moderation,
                                 Response)

from helpers.filling import STAMP, WAVE, fill_mini, mini_response


@pytest.fixture
def filled(workspace, mini_bank):
    fill_mini(workspace, mini_bank)
    return workspace


def export_xlsx(ws, bank, code, out: Path, **kw) -> Path:
    return write_export(gather_export(ws, bank, code, WAVE, **kw), "xlsx", out)[0]


def formulas(wb) -> list[str]:
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


# ---------------------------------------------------------------- partnership workbook


def test_partnership_workbook_has_the_sheets_and_one_answer_row_per_answer(filled, mini_bank,
                                                                           tmp_path):
    path = export_xlsx(filled, mini_bank, "E09000007", tmp_path)
    assert path.name == "E09000007-mini-2026-27.xlsx"
    wb = load_workbook(path)
    # Issue 13 put "By partner" after the Summary.
    assert wb.sheetnames[:4] == ["Summary", "By partner", "Answers", "About"]
    assert wb["_responses"].sheet_state == "hidden"
    answers = wb["Answers"]
    assert [c.value for c in answers[1]] == list(ANSWER_COLUMNS)
    stored = sum(len(r.answers) for r in filled.responses("E09000007"))
    assert answers.max_row - 1 == stored
    assert answers.freeze_panes == "A2"
    table = answers.tables["StocktakeAnswers"]
    assert table.ref == f"A1:K{stored + 1}"
    assert answers.column_dimensions["F"].width >= 40  # question text readable


def test_answer_rows_carry_level_numbers_as_numbers_and_text_as_text(filled, mini_bank,
                                                                     tmp_path):
    wb = load_workbook(export_xlsx(filled, mini_bank, "E09000007", tmp_path))
    rows = {(r[1], r[4]): r for r in wb["Answers"].iter_rows(min_row=2, values_only=True)}
    known = rows[("council 1", "vision.known")]  # named by role, not "Ann Council"
    assert known[6] == 1 and known[7] == 0  # level 1 of 4 scores 0
    assert rows[("council 1", "risk.barrier")][6] == "Money"
    assert rows[("council 1", "risk.barrier")][7] is None  # text is never scored
    assert rows[("council 1", "vision.consulted")][6] == "children;staff"
    # Whole numbers read back as ints (rustpy-xlsxwriter writes 1 as "1.0"), not only equal.
    assert type(known[6]) is int and type(known[7]) is int


def test_answer_cells_keep_the_body_style_their_column_gives(filled, mini_bank, tmp_path):
    """The rows are written by rustpy-xlsxwriter and spliced in: each cell keeps openpyxl's
    style of its column (Calibri 10 in ink, top; wrapped text; scores centred as 0.0)."""
    sheet = load_workbook(export_xlsx(filled, mini_bank, "E09000007", tmp_path))["Answers"]
    heads = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for name, cell in zip(heads, row):
            if cell.value is None:
                continue
            assert (cell.font.name, cell.font.sz, str(cell.font.color.rgb)[-6:]) == \
                ("Calibri", 10.0, "1F2937"), cell.coordinate
            assert cell.alignment.vertical == "top"
            assert bool(cell.alignment.wrap_text) == (name in (
                "respondent", "question", "question_text", "value", "evidence")), cell.coordinate
            assert cell.alignment.horizontal == ("center" if name in ("score", "status")
                                                 else None), cell.coordinate
            assert cell.number_format == ("0.0" if name == "score" else "General")
        assert sheet.row_dimensions[row[0].row].height >= 14


def test_an_export_names_respondents_by_role_and_keeps_names_only_when_asked(filled, mini_bank,
                                                                           tmp_path, cli):
    # Issue 23 kind 8: a post held by one person names them, so what leaves the workspace says
    # the role and a number; the workspace itself keeps the names.
    held = sorted(r.key.respondent for r in filled.responses("E09000007"))
    names = set(held)
    path = export_xlsx(filled, mini_bank, "E09000007", tmp_path / "plain")
    texts = {str(c) for ws in load_workbook(path).worksheets for row in ws.iter_rows(
        values_only=True) for c in row if c is not None}
    assert not names & texts
    respondents = {r[1] for r in load_workbook(path)["Answers"].iter_rows(min_row=2,
                                                                         values_only=True)}
    roles = {r.role for r in filled.responses("E09000007")}
    assert respondents == {f"{role} 1" for role in roles}
    kept = export_xlsx(filled, mini_bank, "E09000007", tmp_path / "named", with_names=True)
    assert {r[1] for r in load_workbook(kept)["Answers"].iter_rows(min_row=2,
                                                                  values_only=True)} == names
    assert sorted(r.key.respondent for r in filled.responses("E09000007")) == held
    result = cli("export", "E09000007", "--with-names", "--format", "csv", "--out",
                 tmp_path / "csv", workspace=filled.root)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(next((tmp_path / "csv").glob("*-2026-27.csv"))
                               .read_text(encoding="utf-8-sig").splitlines()))
    assert {r["respondent"] for r in rows} == names


def test_user_text_that_looks_like_a_formula_stays_text(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, evidence='=HYPERLINK("http://evil","click")')
    workspace.write_responses("E09000007", [mini_response(
        mini_bank, "E09000007", "=cmd|' /C calc'!A0", "council", 2, text="+SUM(A1:A9)")])
    wb = load_workbook(export_xlsx(workspace, mini_bank, "E09000007", tmp_path))
    assert formulas(wb) == []
    values = [c.value for row in wb["Answers"].iter_rows() for c in row]
    assert '=HYPERLINK("http://evil","click")' in values and "+SUM(A1:A9)" in values


def test_summary_fills_levels_in_band_colours_and_has_two_charts(filled, mini_bank, tmp_path):
    export = gather_export(filled, mini_bank, "E09000007", WAVE)
    wb = load_workbook(write_export(export, "xlsx", tmp_path)[0])
    summary = wb["Summary"]
    level_cells = {c.value: c for c in summary["C"] if c.value in
                   {b.label for b in mini_bank.bands}}
    assert level_cells
    for label, cell in level_cells.items():
        band = next(b for b in mini_bank.bands if b.label == label)
        assert cell.fill.fgColor.rgb.endswith(band.colour.lstrip("#").upper())
    kinds = sorted(type(chart).__name__ for chart in summary._charts)
    assert kinds == ["BarChart", "RadarChart"]


def test_summary_shows_national_median_and_quartile_when_others_answered(filled, mini_bank,
                                                                         tmp_path):
    from stocktake.scoring.national import national_benchmark

    bench = national_benchmark(filled, mini_bank, WAVE)
    wb = load_workbook(export_xlsx(filled, mini_bank, "E09000007", tmp_path))
    summary = wb["Summary"]
    header_row = next(r for r in range(1, 40) if summary.cell(r, 1).value == "Area")
    vision = summary.cell(header_row + 1, 1)
    assert vision.value == "Vision"
    assert summary.cell(header_row + 1, 9).value == pytest.approx(bench.area("vision").median)
    assert summary.cell(header_row + 1, 10).value == \
        bench.position("E09000007", "vision").quartile


def test_a_partnership_alone_gets_no_national_comparison(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, codes=("E09000007",))
    export = gather_export(workspace, mini_bank, "E09000007", WAVE)
    assert export.national is None
    wb = load_workbook(write_export(export, "xlsx", tmp_path)[0])
    notes = [c.value for c in wb["Summary"]["A"] if isinstance(c.value, str)]
    assert any(n.startswith("No comparison: no other partnership") for n in notes)


def test_print_setup_is_landscape_fit_to_width_with_partnership_in_header(workspace, mini_bank,
                                                                          tmp_path):
    workspace.add_partnerships([Partnership("LOCAL-1", "Bath & Wells", "South West")])
    workspace.write_responses("LOCAL-1", [mini_response(mini_bank, "LOCAL-1", "Ann", "council",
                                                        3)])
    wb = load_workbook(export_xlsx(workspace, mini_bank, "LOCAL-1", tmp_path))
    for ws in (wb["Summary"], wb["Answers"]):
        assert ws.page_setup.orientation == "landscape"
        # "&" starts a code in headers: doubled, it prints as itself.
        assert ws.oddHeader.left.text == "Bath && Wells (LOCAL-1)"
        assert "exported" in ws.oddHeader.right.text
    # Issue 13: fit to one page wide only while the text stays at 8 pt or more. Issue 26: the
    # Answers sheet, too wide for that, is for screen: printed one page wide in small type,
    # its header row on every page, and every page says so.
    assert wb["Summary"].page_setup.fitToWidth == 1
    assert wb["Summary"].sheet_properties.pageSetUpPr.fitToPage
    answers = wb["Answers"]
    assert answers.sheet_properties.pageSetUpPr.fitToPage
    assert (answers.page_setup.fitToWidth, answers.page_setup.fitToHeight) == (1, 0)
    assert answers.print_title_cols is None and answers.print_title_rows == "$1:$1"
    assert "for screen" in answers.oddFooter.left.text
    assert "for screen" not in wb["Summary"].oddFooter.left.text


def test_about_names_the_bank_edition_wave_and_seal(filled, mini_bank, tmp_path):
    wb = load_workbook(export_xlsx(filled, mini_bank, "E09000007", tmp_path))
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["format"] == "stocktake partnership export"
    assert (about["bank"], about["bank_version"], about["bank_hash"]) == \
        (mini_bank.id, "1.0", mini_bank.hash)
    assert about["wave"] == WAVE and about["partnership"] == "E09000007"
    assert int(about["rows"]) == wb["Answers"].max_row - 1
    assert len(about["seal"]) == 64


def test_moderated_area_shows_the_advisers_score_and_merges_back(filled, mini_bank, tmp_path):
    from stocktake.national.reading import read_returned_workbook

    filled.add_moderation(Moderation("E09000007", "mini", WAVE, "risk", 80.0,
                                     "Risk register seen", "Adviser A"))
    path = export_xlsx(filled, mini_bank, "E09000007", tmp_path)
    notes = [c.value for c in load_workbook(path)["Summary"]["A"] if isinstance(c.value, str)]
    assert any(n.startswith("Risk: moderated to 80.0 by Adviser A") for n in notes)
    back = read_returned_workbook(path)
    assert [(m.area, m.score, m.reason) for m in back.moderations] == \
        [("risk", 80.0, "Risk register seen")]


def test_redacted_export_has_no_email_address(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, evidence="ask jo.bloggs@camden.gov.uk")
    wb = load_workbook(export_xlsx(workspace, mini_bank, "E09000007", tmp_path, redact=True))
    text = " ".join(str(c.value) for row in wb["Answers"].iter_rows() for c in row)
    assert "jo.bloggs@camden.gov.uk" not in text and "redacted" in text
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["redacted"] == "yes"


# ---------------------------------------------------------------- tidy CSV and JSON


def test_csv_export_is_one_row_per_answer_and_one_per_area_score(filled, mini_bank, tmp_path):
    export = gather_export(filled, mini_bank, "E09000007", WAVE)
    answers_path, scores_path = write_export(export, "csv", tmp_path)
    assert scores_path.name == "E09000007-mini-2026-27-scores.csv"
    rows = list(csv.DictReader(answers_path.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0]) == list(ANSWER_COLUMNS) + ["simulated"]
    assert len(rows) == export.answer_count
    assert {r["simulated"] for r in rows} == {"no"}  # typed in, not invented by the demo
    scores = list(csv.DictReader(scores_path.read_text(encoding="utf-8-sig").splitlines()))
    assert [s["area"] for s in scores] == ["vision", "risk", "overall"]
    assert {s["simulated"] for s in scores} == {"no"}
    vision = export.scores.area("vision")
    assert float(scores[0]["score"]) == published(vision.score)  # as `scores --json` has it


def test_csv_cells_that_look_like_formulas_get_an_apostrophe(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, evidence="=1+1")
    answers_path, _ = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "csv",
                                   tmp_path)
    rows = list(csv.DictReader(answers_path.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["evidence"] for r in rows} == {"'=1+1"}


def test_json_export_keeps_numbers_as_numbers(filled, mini_bank, tmp_path):
    answers_path, scores_path = write_export(gather_export(filled, mini_bank, "E09000007", WAVE),
                                             "json", tmp_path)
    answers = json.loads(answers_path.read_text())
    known = next(a for a in answers if a["question"] == "vision.known")
    assert isinstance(known["value"], int) and set(known) == set(ANSWER_COLUMNS) | {"simulated"}
    assert json.loads(scores_path.read_text())[-1]["area"] == "overall"


def test_na_and_dk_answers_have_no_value_and_no_score(workspace, mini_bank, tmp_path):
    workspace.add_partnerships([partnership_for("E09000007")])
    response = mini_response(mini_bank, "E09000007", "Ann", "council", 2)
    answers = dict(response.answers)
    answers["vision.known"] = Answer("vision.known", NOT_APPLICABLE, None, "", STAMP)
    answers["risk.register"] = Answer("risk.register", DONT_KNOW, None, "", STAMP)
    workspace.write_responses("E09000007", [Response(response.key, "council", answers=answers)])
    rows = gather_export(workspace, mini_bank, "E09000007", WAVE).answer_rows()
    by_q = {r["question"]: r for r in rows}
    assert (by_q["vision.known"]["status"], by_q["vision.known"]["value"],
            by_q["vision.known"]["score"]) == ("na", None, None)
    assert by_q["risk.register"]["status"] == "dk"


# ---------------------------------------------------------------- benchmark workbook


@pytest.fixture
def bench_workbook(filled, mini_bank, tmp_path):
    from stocktake.scoring.national import national_benchmark
    from stocktake.workbooks.benchmark import write_benchmark_workbook

    bench = national_benchmark(filled, mini_bank, WAVE)
    names = {p.code: p for p in filled.partnerships()}
    path = write_benchmark_workbook(tmp_path / "bench.xlsx", bench, mini_bank, names)
    return bench, load_workbook(path)


def test_benchmark_workbook_sheets_and_long_form_scores(bench_workbook):
    bench, wb = bench_workbook
    # Issue 13: a Contents sheet first and an Areas lookup.
    assert wb.sheetnames == ["Contents", "Scores", "Matrix", "Distribution", "Regions", "Areas",
                             "About"]
    rows = list(wb["Scores"].iter_rows(values_only=True))
    # Issue 13 added row_type, area_title, quorum, band and the differences (group and
    # vs_group only with --groups).
    assert rows[0] == ("partnership", "name", "region", "row_type", "area", "area_title",
                       "score", "level", "coverage", "quorum", "quartile", "band",
                       "percentile_rank", "vs_median", "vs_region")
    camden = {r[4]: dict(zip(rows[0], r)) for r in rows[1:] if r[0] == "E09000007"}
    position = bench.position("E09000007", "vision")
    assert (camden["vision"]["name"], camden["vision"]["region"]) == ("Camden", "London")
    assert camden["vision"]["score"] == published(position.score)
    assert camden["vision"]["quartile"] == position.quartile
    assert camden["vision"]["band"] == position.band
    assert camden["vision"]["percentile_rank"] == position.percentile_rank
    assert camden["vision"]["vs_median"] == pytest.approx(position.vs_median)
    assert camden["vision"]["area_title"] == "Vision"
    assert camden["overall"]["row_type"] == "overall"
    assert formulas(wb) == []


def test_matrix_has_a_colour_scale_frozen_panes_and_filters(bench_workbook):
    bench, wb = bench_workbook
    matrix = wb["Matrix"]
    assert matrix.freeze_panes == "D2"
    assert matrix.auto_filter.ref == f"A1:F{bench.count + 1}"
    rules = [rule for cf in matrix.conditional_formatting for rule in cf.rules]
    assert [r.type for r in rules] == ["colorScale"]
    assert [c.value for c in matrix[1]] == ["Partnership", "Name", "Region", "Vision", "Risk",
                                            "Overall"]


def test_distribution_has_quartiles_and_a_chart(bench_workbook_of_one):
    bench, wb = bench_workbook_of_one
    dist = wb["Distribution"]
    rows = {r[0]: r for r in dist.iter_rows(min_row=5, max_col=8, values_only=True) if r[0]}
    vision = bench.area("vision")
    assert rows["Vision"][1:7] == pytest.approx(
        (vision.n, vision.min, vision.q1, vision.median, vision.q3, vision.max))
    assert len(dist._charts) == 1


def test_regions_sheet_withholds_means_of_fewer_than_min_count_and_says_why(bench_workbook):
    # Three partnerships, min_count 5: no region, and not the round, has enough for a mean.
    bench, wb = bench_workbook
    assert bench.min_count == 5 and all(not m for m in bench.region_means.values())
    sheet = wb["Regions"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    for region, counts in bench.region_counts.items():
        assert rows[region][1] == sum(1 for s in bench.scores
                                      if bench.regions.get(s.partnership) == region)
        assert rows[region][2] == "–"
    assert rows["All partnerships"][1:3] == (bench.count, "–")
    # Nothing under the data table; the Contents sheet says what "–" means.
    assert not [r for r in rows if str(r).startswith("–")]
    contents = {r[0]: r[1] for r in wb["Contents"].iter_rows(values_only=True) if r[0]}
    assert contents["Minimum count"].startswith(
        "No median, quartile, band, percentile rank or mean is given over fewer than 5 "
        "partnerships")
    assert "--min-count" in contents["Minimum count"]
    dist = wb["Distribution"]
    vision = next(r for r in dist.iter_rows(min_row=5, max_col=8, values_only=True)
                  if r[0] == "Vision")
    assert vision[1:] == (3, "–", "–", "–", "–", "–", "–")
    assert any(str(r[0]).startswith("–: fewer than 5 partnerships have a score")
               for r in dist.iter_rows(values_only=True) if r[0])


@pytest.fixture
def bench_workbook_of_one(filled, mini_bank, tmp_path):
    """The same workspace benchmarked with min_count 1, so every figure is given."""
    import dataclasses

    from stocktake.scoring.national import national_benchmark
    from stocktake.workbooks.benchmark import write_benchmark_workbook

    bank = dataclasses.replace(mini_bank, min_count=1)
    bench = national_benchmark(filled, bank, WAVE)
    names = {p.code: p for p in filled.partnerships()}
    return bench, load_workbook(write_benchmark_workbook(tmp_path / "b.xlsx", bench, bank, names))


def test_regions_sheet_holds_the_region_means_at_min_count_one(bench_workbook_of_one):
    bench, wb = bench_workbook_of_one
    rows = {r[0]: r for r in wb["Regions"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert bench.region_means
    for region, means in bench.region_means.items():
        assert rows[region][2] == published(means["vision"])
    assert rows["All partnerships"][1] == bench.count
    assert rows["All partnerships"][2] == published(bench.area("vision").mean)
    assert not [r for r in rows if r.startswith("–:")]


def test_benchmark_about_names_the_bank_and_wave(bench_workbook, mini_bank):
    _, wb = bench_workbook
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True)}
    assert about["format"] == "stocktake benchmark workbook"
    assert (about["bank"], about["bank_version"], about["bank_hash"], about["wave"]) == \
        ("mini", "1.0", mini_bank.hash, WAVE)


def test_a_header_too_long_for_one_line_takes_its_shorter_words(workspace, mini_bank):
    # Seen printed: "...North East Lincolnshire (E06000012)Children's trust partnership
    # stocktake..." where a long name and a long bank title shared the header's one line.
    from stocktake.workbooks.styles import HEADER_LINE_CHARS, header_pair

    fits = ("Camden (E09000007)", "A bank, 2026-27 - exported 2026-12-07")
    assert header_pair(fits, ("x", "y")) == fits
    long = ("SIMULATED demo data - North East Lincolnshire (E06000012)",
            "Children's trust partnership stocktake, 2005-06 (IDeA style), 2026-27 - exported "
            "2026-12-07")
    assert sum(map(len, long)) > HEADER_LINE_CHARS[True]
    short = (long[0], "idea-stocktake 2026-27 - exported 2026-12-07")
    assert header_pair(long, short) == short
    assert header_pair(fits, short, landscape=False) == fits
