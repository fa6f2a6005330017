"""`stocktake merge --groups FILE`: the national workbook carries comparator group means, read
back with openpyxl; codes with no merged partnership are listed; a bad groups file is refused
by file and line with nothing written."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from stocktake.arithmetic.precision import difference, published
from openpyxl import load_workbook

from stocktake.national.merge import merge_workbooks
from stocktake.scoring.national import national_benchmark, read_groups_csv
from stocktake.workbooks.exports import gather_export, write_export

from helpers.filling import CODES

CAMDEN, HARTLEPOOL, BIRMINGHAM = CODES  # E09000007, E06000001, E08000025


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r)) for r in values[1:]]


def scores_sheet(path: Path) -> dict[tuple[str, str], dict]:
    return {(r["partnership"], r["area"]): r for r in rows(load_workbook(path)["Scores"])}


def contents_text(path: Path) -> str:
    ws = load_workbook(path)["Contents"]
    return " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if c is not None)


def groups_csv(tmp_path: Path, text: str, name: str = "neighbours.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


NEAR_FAR = f"code,group\n{CAMDEN},Near\n{HARTLEPOOL},Near\n{BIRMINGHAM},Far\n"

# Three partnerships: the arithmetic is checked with a min_count of 1 (every mean given), and
# what the default of 5 withholds is checked on its own.
ONE = ("--min-count", "1")


@pytest.fixture
def min_count_one():
    from stocktake.banks.loading import set_min_count

    set_min_count(1)
    yield
    set_min_count(None)


def test_group_means_in_the_national_workbook_are_the_members_means(exported, tmp_path,
                                                                   min_count_one):
    """The mini bank, as fill_mini answers it (no role reported apart, the partnership score
    the mean over respondents; risk.vacancies and risk.barrier are not scored).

    A respondent at level L scores vision 100 x (yes 1 + 2 x (L-1)/3 + consulted) / 4, with
    consulted 3/4 for odd L (children and staff) and 2/4 for even L (children): L=1 43.75,
    L=2 54.1667, L=3 77.0833, L=4 87.5. Risk is the register alone, asked of council and
    health: L=1 none 0, L=2 partial 50, L=3 or 4 full 100; the young people are not asked it.

    Camden: council 1, health 3, young people 4: vision (43.75 + 77.0833 + 87.5) / 3 = 69.4444,
    risk (0 + 100) / 2 = 50, overall (69.4444 + 50) / 2 = 59.7222.
    Hartlepool: council 2, health 4, young people 4: vision (54.1667 + 87.5 + 87.5) / 3 =
    76.3889, risk (50 + 100) / 2 = 75, overall 75.6944.
    Birmingham: council 3, health 1, young people 4: vision 69.4444, risk 50, overall 59.7222.

    Groups Near = Camden and Hartlepool, Far = Birmingham. Near's means: vision
    (69.4444 + 76.3889) / 2 = 72.9167, risk (50 + 75) / 2 = 62.5, overall
    (59.7222 + 75.6944) / 2 = 67.7083. Far's means are Birmingham's own scores.
    """
    sn = groups_csv(tmp_path, NEAR_FAR)
    result = merge_workbooks([exported], tmp_path / "national.xlsx",
                             groups=read_groups_csv(sn), groups_source=sn.name)
    assert result.rejected == [] and result.unmatched_groups == []
    scores = scores_sheet(result.outputs[0].path)
    expected = {(CAMDEN, "vision"): 625 / 9, (CAMDEN, "risk"): 50.0,
                (HARTLEPOOL, "vision"): 687.5 / 9, (HARTLEPOOL, "risk"): 75.0,
                (BIRMINGHAM, "vision"): 625 / 9, (BIRMINGHAM, "risk"): 50.0}
    for key, score in expected.items():
        assert scores[key]["score"] == published(score)
    near = {"vision": 72.9167, "risk": 62.5, "overall": 67.7083}
    for code in (CAMDEN, HARTLEPOOL):
        for area, mean in near.items():
            row = scores[(code, area)]
            assert row["group"] == "Near"
            assert row["vs_group"] == difference(row["score"], mean)  # both as published
    assert scores[(CAMDEN, "risk")]["vs_group"] == pytest.approx(-12.5)
    assert scores[(HARTLEPOOL, "risk")]["vs_group"] == pytest.approx(12.5)
    for area in ("vision", "risk", "overall"):
        assert scores[(BIRMINGHAM, area)]["group"] == "Far"
        assert scores[(BIRMINGHAM, area)]["vs_group"] == pytest.approx(0.0)

    wb = load_workbook(result.outputs[0].path)
    groups = {r["Group"]: r for r in rows(wb["Groups"])}
    assert groups["Near"]["Partnerships"] == 2 and groups["Far"]["Partnerships"] == 1
    assert groups["Near"]["Vision"] == 72.92  # 72.9167, as published
    assert groups["Near"]["Risk"] == pytest.approx(62.5)
    assert groups["Near"]["Overall"] == 67.71  # 67.7083, as published
    contents = contents_text(result.outputs[0].path)
    assert "From neighbours.csv: 2 comparator group(s): Far, Near." in contents
    assert "no partnership here" not in contents


def test_with_the_default_min_count_no_group_of_fewer_than_five_is_compared(exported, tmp_path):
    sn = groups_csv(tmp_path, NEAR_FAR)
    result = merge_workbooks([exported], tmp_path / "national.xlsx",
                             groups=read_groups_csv(sn), groups_source=sn.name)
    scores = scores_sheet(result.outputs[0].path)
    for code in (CAMDEN, HARTLEPOOL, BIRMINGHAM):
        row = scores[(code, "vision")]
        assert row["group"] and row["vs_group"] is None and row["vs_median"] is None
        assert row["quartile"] is None and row["band"] is None
    wb = load_workbook(result.outputs[0].path)
    groups = {r["Group"]: r for r in rows(wb["Groups"])}
    assert groups["Near"]["Partnerships"] == 2 and groups["Near"]["Vision"] == "–"
    contents = contents_text(result.outputs[0].path)
    assert "No median, quartile, band, percentile rank or mean is given over fewer than 5 " \
           "partnerships" in contents


def test_without_groups_the_national_workbook_has_no_group_columns(exported, tmp_path):
    result = merge_workbooks([exported], tmp_path / "national.xlsx")
    wb = load_workbook(result.outputs[0].path)
    head = [c.value for c in wb["Scores"][1]]
    assert "group" not in head and "vs_group" not in head and "vs_region" in head
    assert "Groups" not in wb.sheetnames
    assert "None given (merge --groups FILE adds group means)." in \
        contents_text(result.outputs[0].path)
    assert "groups" not in result.to_json()


def test_codes_with_no_merged_partnership_are_listed(exported, cli, tmp_path):
    sn = groups_csv(tmp_path, NEAR_FAR + "E09000020,Near\nE08000026,West\n")
    out = tmp_path / "national.xlsx"
    result = cli("merge", exported, "--out", out, "--groups", sn, "--json", *ONE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["groups"] == {"file": "neighbours.csv", "groups": 3, "codes": 5,
                              "unmatched": ["E08000026", "E09000020"]}
    contents = contents_text(out)
    assert "From neighbours.csv: 3 comparator group(s): Far, Near, West." in contents
    assert "Codes in the groups file with no partnership here: E08000026, E09000020." \
        in contents
    # West has no member merged: no row of means for it, and Near's means are unchanged.
    groups = {r["Group"]: r["Partnerships"] for r in rows(load_workbook(out)["Groups"])}
    assert groups == {"Far": 1, "Near": 2}

    shown = cli("merge", exported, "--out", tmp_path / "again.xlsx", "--groups", sn)
    assert shown.exit_code == 0, shown.output
    assert "Groups from neighbours.csv: 3 groups of 5 codes." in shown.stdout
    assert "--groups: 2 codes have no partnership merged, so they are in no group mean: " \
           "E08000026, E09000020" in shown.stderr


def test_each_national_workbook_lists_its_own_unmatched_codes(exported, workspace, mini_bank,
                                                              cli, tmp_path):
    # Camden and Birmingham also answered an earlier wave: two national workbooks, and
    # Hartlepool is in a group but not in the earlier one.
    earlier = "2025-26"
    for code in (CAMDEN, BIRMINGHAM):
        workspace.write_responses(code, [replace(r, key=replace(r.key, wave=earlier))
                                         for r in workspace.responses(code)])
    national = national_benchmark(workspace, mini_bank, earlier)
    for code in (CAMDEN, BIRMINGHAM):
        write_export(gather_export(workspace, mini_bank, code, earlier, national=national),
                     "xlsx", exported)
    sn = groups_csv(tmp_path, NEAR_FAR)
    result = cli("merge", exported, "--out", tmp_path / "national.xlsx", "--groups", sn,
                 "--json", *ONE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    before = str(tmp_path / f"national-mini-{earlier}.xlsx")
    now = str(tmp_path / "national-mini-2026-27.xlsx")
    assert data["out"] == [before, now]
    assert data["groups"]["unmatched"] == []  # every code was merged in some workbook
    assert data["groups"]["unmatched_by_out"] == {before: [HARTLEPOOL], now: []}
    assert f"no partnership here: {HARTLEPOOL}." in contents_text(Path(before))
    assert "no partnership here" not in contents_text(Path(now))
    scores = scores_sheet(Path(before))
    # In the earlier wave Near is Camden alone: its own mean.
    assert scores[(CAMDEN, "risk")]["group"] == "Near"
    assert scores[(CAMDEN, "risk")]["vs_group"] == pytest.approx(0.0)


def test_json_without_groups_has_no_groups_key(exported, cli, tmp_path):
    result = cli("merge", exported, "--out", tmp_path / "national.xlsx", "--json")
    assert result.exit_code == 0 and "groups" not in json.loads(result.stdout)


def test_groups_go_with_into_workspace_and_are_not_stored(exported, cli, tmp_path):
    sn = groups_csv(tmp_path, NEAR_FAR)
    out = tmp_path / "national.xlsx"
    result = cli("merge", exported, "--out", out, "--groups", sn, "--into-workspace",
                 workspace=tmp_path / "national-ws")
    assert result.exit_code == 0, result.output
    assert "group" in [c.value for c in load_workbook(out)["Scores"][1]]
    # The workspace holds the answers; its benchmark has groups only when asked for them.
    plain = json.loads(cli("benchmark", "--bank", "mini", "--json",
                           workspace=tmp_path / "national-ws").stdout)
    assert "group" not in plain["positions"][0]
    grouped = json.loads(cli("benchmark", "--bank", "mini", "--json", "--groups", sn, *ONE,
                             workspace=tmp_path / "national-ws").stdout)
    camden = next(p for p in grouped["positions"]
                  if p["partnership"] == CAMDEN and p["area"] == "risk")
    assert camden["group"] == "Near" and camden["vs_group"] == pytest.approx(-12.5)


BAD_FILES = {
    "bad header": ("LA name,SN group\nE09000007,Near\n",
                   "neighbours.csv:1: 'LA name' is not a partnership code (a header row starts "
                   "with code or LA code)"),
    "duplicate code, different groups": (
        "code,group\nE09000007,Near\nE06000001,Near\nE09000007,Far\n",
        "neighbours.csv:4: E09000007 repeats line 2 (group 'Near' there, 'Far' here)"),
    "not a partnership code": ("code,group\nE09000007,Near\nNowhere Town,Near\n",
                               "neighbours.csv:3: 'Nowhere Town' is not a partnership code"),
    "one cell": ("code,group\nE09000007\n",
                 "neighbours.csv:2: expected two cells, code and group"),
    "empty": ("", "neighbours.csv: no groups found"),
    "header only": ("code,group\n", "neighbours.csv: no groups found"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_groups_file_is_refused_by_line_and_nothing_is_written(exported, cli, tmp_path,
                                                                     case):
    text, message = BAD_FILES[case]
    sn = groups_csv(tmp_path, text)
    out = tmp_path / "national.xlsx"
    result = cli("merge", exported, "--out", out, "--groups", sn, "--into-workspace",
                 workspace=tmp_path / "national-ws")
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "national-ws").exists()
    # The same file given to benchmark is refused with the same words and exit code.
    bench = cli("benchmark", "--bank", "mini", "--groups", sn)
    assert bench.exit_code == result.exit_code and message in " ".join(bench.stderr.split())


def test_a_missing_groups_file_is_refused_as_benchmark_refuses_it(exported, cli, tmp_path):
    out = tmp_path / "national.xlsx"
    result = cli("merge", exported, "--out", out, "--groups", tmp_path / "nope.csv", "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "nope.csv: no such file" in result.stderr and "--groups" in result.stderr
    assert not out.exists()
    bench = cli("benchmark", "--bank", "mini", "--groups", tmp_path / "nope.csv")
    assert bench.exit_code == 1 and "nope.csv: no such file" in bench.stderr


def test_merge_help_says_what_groups_do_with_the_workspace_and_report(cli):
    text = " ".join(cli("merge", "--help").stdout.replace("│", " ").split())
    assert "--groups" in text and "code,group" in text
    assert "stores the answers, not the groups" in text and "stay by region" in text
