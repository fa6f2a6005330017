"""What the workbooks carry of issue 13: By partner, Trend, the benchmark's Contents sheet and
columns, groups, the national workbook's answers, and agreement with `scores --json`."""

from __future__ import annotations

import dataclasses

import json
import random
import zipfile
from pathlib import Path

import pytest

from stocktake.arithmetic.precision import difference, published
from openpyxl import load_workbook

from stocktake.banks.loading import load_bank
from stocktake.demo.simulation import simulate_waves, write_demo
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.scoring.national import national_benchmark
from stocktake.workbooks.benchmark import write_benchmark_workbook

from helpers.paths import BANKS

WAVE, EARLIER = "2026-27", "2025-26"
IDEA = BANKS / "idea-stocktake.toml"


@pytest.fixture(scope="module")
def idea():
    return load_bank(IDEA)


@pytest.fixture
def two_waves(workspace, idea):
    """Four simulated partnerships of the shipped bank, answered in two waves (as the demo)."""
    for demo in simulate_waves(idea, WAVE, random.Random(4), partnerships=4, respondents=6):
        write_demo(workspace, demo)
    return workspace


def _rows(ws, first: int = 1) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True)]


def _alt_texts(path: Path) -> list[str]:
    import re

    with zipfile.ZipFile(path) as z:
        drawings = [z.read(n).decode() for n in z.namelist()
                    if n.startswith("xl/drawings/drawing")]
    return [m for d in drawings for m in re.findall(r'descr="([^"]*)"', d)]


def test_by_partner_sheet_holds_each_roles_score_and_respondents(two_waves, idea, tmp_path):
    code = two_waves.partnerships()[0].code
    export = gather_export(two_waves, idea, code, WAVE)
    path = write_export(export, "xlsx", tmp_path)[0]
    wb = load_workbook(path)
    sheet = wb["By partner"]
    rows = _rows(sheet)
    head_row = next(i for i, r in enumerate(rows) if r[0] == "Area")
    heads = rows[head_row]
    partners = [r for r in export.scores.roles if not r.reported_apart]
    for role in partners:
        assert any(h and h.endswith(f"({role.respondents})") for h in heads), (role, heads)
    for offset, area in enumerate(export.scores.areas, start=1):
        row = rows[head_row + offset]
        assert row[0] == area.title and row[1] == published(area.score)
        for col, role in enumerate(partners, start=2):
            view = area.role_view(role.id)
            assert row[col] == (published(view.score) if view and view.score is not None
                                else None)
    # a colour scale on the scores, with a legend of swatches above the table
    assert sheet.conditional_formatting
    legend = rows[2]
    assert legend[0].startswith("Colour: score from 0") and legend[1:6] == (0, 25, 50, 75, 100)
    assert len(sheet._charts) == 1
    alt = _alt_texts(path)
    assert any("each role's score" in a for a in alt) and any("Radar chart" in a for a in alt)
    assert wb.properties.title.startswith(export.partnership.name)
    assert wb.properties.creator.startswith("stocktake")


def test_trend_sheet_shows_each_wave_and_the_change_when_an_earlier_wave_exists(two_waves, idea,
                                                                               tmp_path):
    code = two_waves.partnerships()[0].code
    later = gather_export(two_waves, idea, code, WAVE)
    earlier = gather_export(two_waves, idea, code, EARLIER)
    wb = load_workbook(write_export(later, "xlsx", tmp_path)[0])
    rows = _rows(wb["Trend"])
    head = next(r for r in rows if r[0] == "Area")
    assert head[1:4] == (EARLIER, WAVE, f"Change since {EARLIER}")
    by_title = {r[0]: r for r in rows}
    for then, now in zip(earlier.scores.areas, later.scores.areas):
        row = by_title[now.title]
        assert row[1] == published(then.score) and row[2] == published(now.score)
        assert row[3] == difference(now.score, then.score)
    assert by_title["Overall"][3] == difference(later.scores.overall, earlier.scores.overall)
    first = load_workbook(write_export(earlier, "xlsx", tmp_path / "first")[0])
    assert "Trend" not in first.sheetnames  # nothing earlier than the first wave


def test_summary_carries_region_mean_band_and_group_mean_only_with_groups(two_waves, idea,
                                                                        tmp_path):
    # Four partnerships: the arithmetic is checked at a min_count of 1.
    idea = dataclasses.replace(idea, min_count=1)
    codes = [p.code for p in two_waves.partnerships()]
    groups = {codes[0]: "Near", codes[1]: "Near", codes[2]: "Far"}
    nation = national_benchmark(two_waves, idea, WAVE, groups=groups)
    export = gather_export(two_waves, idea, codes[0], WAVE, national=nation)
    rows = _rows(load_workbook(write_export(export, "xlsx", tmp_path)[0])["Summary"])
    head = next(r for r in rows if r[0] == "Area")
    table = {r[0]: dict(zip(head, r)) for r in rows[rows.index(head) + 1:] if r[0]}
    area = export.scores.areas[0]
    position = nation.position(codes[0], area.id)
    assert table[area.title]["Group mean"] == published(nation.group_means["Near"][area.id])
    region = nation.regions[codes[0]]
    assert table[area.title]["Region mean"] == published(nation.region_means[region][area.id])
    assert table[area.title]["Band"] == position.band
    plain = gather_export(two_waves, idea, codes[0], WAVE)
    rows = _rows(load_workbook(write_export(plain, "xlsx", tmp_path / "plain")[0])["Summary"])
    assert "Group mean" not in next(r for r in rows if r[0] == "Area")


def test_summary_of_four_partnerships_makes_no_comparison_and_says_why(two_waves, idea,
                                                                       tmp_path):
    codes = [p.code for p in two_waves.partnerships()]
    nation = national_benchmark(two_waves, idea, WAVE)
    export = gather_export(two_waves, idea, codes[0], WAVE, national=nation)
    rows = _rows(load_workbook(write_export(export, "xlsx", tmp_path)[0])["Summary"])
    head = next(r for r in rows if r[0] == "Area")
    table = {r[0]: dict(zip(head, r)) for r in rows[rows.index(head) + 1:] if r[0]}
    area = export.scores.areas[0]
    assert table[area.title]["National median"] is None
    assert table[area.title]["Band"] is None and table[area.title]["Region mean"] is None
    notes = [r[0] for r in rows if r[0] and str(r[0]).startswith("No comparison")]
    assert notes == ["No comparison: 4 partnerships in this round (4 of 153 authorities) have "
                     "answered this bank in this wave, fewer than 5 (the bank's min_count), so "
                     "no median, quartile, band or region mean is given: a comparison with so "
                     "few would describe those partnerships, not the round."]


def test_benchmark_workbook_with_groups_carries_group_means_and_without_does_not(two_waves, idea,
                                                                                tmp_path):
    idea = dataclasses.replace(idea, min_count=1)
    codes = [p.code for p in two_waves.partnerships()]
    groups = {codes[0]: "Near", codes[1]: "Near", codes[2]: "Far", "E09000099": "Gone"}
    grouped = national_benchmark(two_waves, idea, WAVE, groups=groups)
    plain = national_benchmark(two_waves, idea, WAVE)
    partnerships = {p.code: p for p in two_waves.partnerships()}
    with_path = write_benchmark_workbook(tmp_path / "g.xlsx", grouped, idea, partnerships)
    without_path = write_benchmark_workbook(tmp_path / "p.xlsx", plain, idea, partnerships)
    wb = load_workbook(with_path)
    assert wb.sheetnames[0] == "Contents" and "Groups" in wb.sheetnames
    scores = _rows(wb["Scores"])
    head = scores[0]
    assert {"group", "vs_group", "vs_median", "vs_region", "band", "area_title",
            "row_type"} <= set(head)
    records = [dict(zip(head, r)) for r in scores[1:]]
    near = [r for r in records if r["group"] == "Near" and r["area"] == "vision"]
    mean = sum(r["score"] for r in near) / len(near)
    for r in near:
        # from the mean of the unrounded scores, both published: within a unit of the mean of
        # the published cells
        assert r["vs_group"] == pytest.approx(r["score"] - mean, abs=0.01)
    assert {r["row_type"] for r in records} == {"area", "overall"}
    bands = {r["quartile"]: r["band"] for r in records if r["quartile"]}
    assert bands == {4: "A", 3: "B", 2: "C", 1: "D"} or set(bands.items()) <= \
        {(4, "A"), (3, "B"), (2, "C"), (1, "D")}
    groups_sheet = {r[0]: r for r in _rows(wb["Groups"], 2)}
    assert groups_sheet["Near"][1] == 2 and groups_sheet["Far"][1] == 1
    contents = " ".join(str(c) for r in _rows(wb["Contents"]) for c in r if c)
    assert "not a league table" in contents and f"wave {WAVE}" in contents.lower()
    assert "E09000099" in contents  # a groups code with no partnership is named
    assert idea.title in contents and "4 partnerships" in contents
    areas = {r[0]: r[1] for r in _rows(wb["Areas"], 2)}
    assert areas["vision"] == idea.area("vision").title and areas["overall"] == "Overall"

    bare = load_workbook(without_path)
    assert "Groups" not in bare.sheetnames
    assert "group" not in _rows(bare["Scores"])[0] and "vs_group" not in _rows(bare["Scores"])[0]
    # nothing sits under the data of a data sheet: pandas reads every row as a record
    for name in ("Scores", "Regions", "Areas"):
        rows = _rows(bare[name])
        assert all(any(v is not None for v in r) for r in rows), name
        width = len(rows[0])
        assert all(len(r) == width for r in rows)


def test_scores_json_partnership_workbook_and_merge_agree_on_the_demo(two_waves, idea, cli,
                                                                     tmp_path):
    from stocktake.national.merge import merge_workbooks

    out = tmp_path / "exports"
    result = cli("-w", str(two_waves.root), "export", "--all", "--bank", "idea-stocktake",
                 "--wave", WAVE, "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    merged = merge_workbooks([out], tmp_path / "national.xlsx")
    national = load_workbook(merged.outputs[0].path)
    head, *rows = _rows(national["Scores"])
    from_merge = {(r[0], r[head.index("area")]): r[head.index("score")] for r in rows}
    answers_head, *answers = _rows(national["Answers"])
    assert len(answers) == sum(len(r.answers) for r in two_waves.responses(bank=idea.id,
                                                                           wave=WAVE))
    assert {"partnership", "respondent", "role", "question", "value"} <= set(answers_head)
    for p in two_waves.partnerships():
        data = json.loads(cli("-w", str(two_waves.root), "scores", p.code, "--wave", WAVE,
                              "--json").stdout)
        book = load_workbook(out / f"{p.code}-idea-stocktake-{WAVE}.xlsx")
        summary = _rows(book["Summary"])
        head_at = next(i for i, r in enumerate(summary) if r[0] == "Area")
        for offset, area in enumerate(data["areas"], start=1):
            row = summary[head_at + offset]
            assert row[0] == area["title"]
            assert (None if row[1] is None else round(row[1], 2)) == area["score"]
            merged_score = from_merge[(p.code, area["id"])]
            assert (None if merged_score is None else round(merged_score, 2)) == area["score"]
        assert round(from_merge[(p.code, "overall")], 2) == data["overall"]["score"]


def test_export_all_without_a_terminal_prints_progress_lines(two_waves, cli, tmp_path):
    result = cli("-w", str(two_waves.root), "export", "--all", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    # stdout is not a terminal here: no bar, but a line of progress (at least the last one)
    assert "exported 8 of 8 workbooks" in result.stderr


def _cut_cells(wb, sheets) -> list[str]:
    """Text cells that neither wrap nor fit their column (10-point text runs about 1.25
    characters per unit of width): on paper their text is cut off by the next cell."""
    cut = []
    for name in sheets:
        ws = wb[name]
        merged = {c for r in ws.merged_cells.ranges for row in ws.iter_rows(
            min_row=r.min_row, max_row=r.max_row, min_col=r.min_col, max_col=r.max_col)
            for c in row}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell in merged:
                    continue
                if cell.alignment is not None and cell.alignment.wrap_text:
                    continue
                # Text runs on into empty cells to its right (left-aligned text does).
                width, col = 0.0, cell.column
                while True:
                    letter = ws.cell(row=cell.row, column=col).column_letter
                    dim = ws.column_dimensions.get(letter)
                    width += dim.width if dim is not None and dim.width else 8.43
                    col += 1
                    centred = cell.alignment is not None and cell.alignment.horizontal == "center"
                    if centred or col > ws.max_column or \
                            ws.cell(row=cell.row, column=col).value not in (None, ""):
                        break
                if len(cell.value) > width * 1.25:
                    cut.append(f"{name}!{cell.coordinate} {cell.value!r} (width {width})")
    return cut


def test_no_text_is_cut_off_in_the_benchmark_and_partnership_sheets(tmp_path):
    """Every current authority's name and region, and every shipped bank's area titles."""
    from stocktake.banks.loading import find_bank
    from stocktake.partnerships.reference import current_authorities
    from stocktake.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    for bank_id in ("idea-stocktake", "tomorrows-children"):
        bank = find_bank(bank_id)
        demo = simulate_waves(bank, WAVE, random.Random(2), partnerships=153, respondents=2)[-1]
        write_demo(ws, demo)
        nation = national_benchmark(ws, bank, WAVE)
        names = {p.code: p for p in ws.partnerships()}
        assert {a.name for a in current_authorities()} <= {p.name for p in names.values()}
        wb = load_workbook(write_benchmark_workbook(tmp_path / f"{bank_id}.xlsx", nation, bank,
                                                    names))
        assert _cut_cells(wb, ["Scores", "Matrix", "Regions", "Areas"]) == []
        code = sorted(names)[0]
        book = load_workbook(write_export(gather_export(ws, bank, code, WAVE, national=nation),
                                          "xlsx", tmp_path / bank_id)[0])
        assert _cut_cells(book, ["Summary", "By partner", "About"]) == []


def test_a_group_reported_apart_below_min_count_is_a_count_in_the_by_partner_sheet(
        two_waves, idea, tmp_path):
    """One young person answered for E06000030 (seed 4): fewer than the bank's min_count of 5,
    so the By partner sheet heads their column with the count and leaves every score empty,
    as the Summary sheet and `scores` withhold it; the scores the export carries agree."""
    export = gather_export(two_waves, idea, "E06000030", WAVE)
    (young,) = [r for r in export.scores.roles if r.reported_apart]
    assert young.respondents == 1 < idea.min_count
    rows = _rows(load_workbook(write_export(export, "xlsx", tmp_path)[0])["By partner"])
    head_row = next(i for i, r in enumerate(rows) if r[0] == "Area")
    col = rows[head_row].index("Children and young people (1), reported apart")
    answered = [a for a in export.scores.areas if a.role_view("young-people") is not None]
    assert answered  # the young person answered in some areas: a score worked out, not shown
    for offset, area in enumerate(export.scores.areas, start=1):
        assert rows[head_row + offset][col] is None, area.id
        assert area.apart_differs == ()
    for area in answered:
        assert area.role_view("young-people").score is None
        assert area.role_view("young-people").respondents == 1
